import { Duration, Lazy, Stack } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct, IConstruct } from 'constructs';
import { TOKEN_NAMES_VARIABLE } from './contract';
import { grantTaskResponse } from './task-response-grant';
import { bundledHandler } from '../../private';

/** The construct id of the per-stack watcher, a direct child of the stack. */
export const WATCHER_ID = 'CdkSfnJobsEcsTaskStopped';

/** What one EcsCallbackTask asks the watcher to look after. */
export interface WatchedTask {
  readonly cluster: ecs.ICluster;
  readonly taskDefinition: ecs.TaskDefinition;
  readonly tokenEnvironmentName: string;
}

/**
 * One per stack: an EventBridge rule on `ECS Task State Change` events of stopped tasks, filtered to the
 * clusters and task definition families the stack's EcsCallbackTasks run, targeting the bundled
 * `ecs-task-stopped` handler. The handler finds the task token in the stopped task's overrides and fails
 * the waiting state with `Ecs.TaskStopped` (a token the container already answered is left alone).
 */
export class TaskStoppedWatcher extends Construct {
  /** The watcher of `scope`'s stack, created on first use. */
  public static of(scope: IConstruct): TaskStoppedWatcher {
    return TaskStoppedWatcher.find(scope) ?? new TaskStoppedWatcher(Stack.of(scope), WATCHER_ID);
  }

  /** The watcher of `scope`'s stack, if there is one. */
  public static find(scope: IConstruct): TaskStoppedWatcher | undefined {
    return Stack.of(scope).node.tryFindChild(WATCHER_ID) as TaskStoppedWatcher | undefined;
  }

  public readonly handler: lambda.SingletonFunction;
  public readonly rule: events.Rule;

  private readonly watched = new Set<string>();
  private readonly clusterArns = new Set<string>();
  private readonly familyPrefixes = new Map<string, string>();
  private readonly tokenNames = new Set<string>();

  private constructor(scope: Construct, id: string) {
    super(scope, id);
    this.handler = bundledHandler(this, {
      handler: 'ecs-task-stopped',
      purpose: 'ecs-task-stopped',
      description: 'cdk-sfn-jobs: fails the waiting EcsCallbackTask state (Ecs.TaskStopped) when its ECS task stops without calling back',
      environment: {
        [TOKEN_NAMES_VARIABLE]: Lazy.string({ produce: () => JSON.stringify([...this.tokenNames].sort()) }),
      },
      timeout: Duration.seconds(30),
      memorySize: 128,
    });
    this.rule = new events.Rule(this, 'Rule', {
      description: 'cdk-sfn-jobs: ECS tasks of EcsCallbackTask states that stopped',
      eventPattern: {
        source: ['aws.ecs'],
        detailType: ['ECS Task State Change'],
        detail: {
          lastStatus: ['STOPPED'],
          clusterArn: Lazy.list({ produce: () => [...this.clusterArns] }),
          taskDefinitionArn: Lazy.any({ produce: () => [...this.familyPrefixes.values()].map((prefix) => ({ prefix })) }),
        },
      },
    });
    // Handler errors (anything but an already answered token) are thrown: they count in the function's
    // Errors metric and Lambda retries the event twice. See the README's "operations" notes.
    this.rule.addTarget(new targets.LambdaFunction(this.handler, { retryAttempts: 8, maxEventAge: Duration.hours(2) }));
  }

  /** Watch the tasks of this cluster and task definition family. */
  public watch(task: WatchedTask): void {
    this.watched.add(watchKey(task));
    this.clusterArns.add(task.cluster.clusterArn);
    const family = task.taskDefinition.family;
    if (!this.familyPrefixes.has(family)) {
      const familyArn = Stack.of(task.taskDefinition).formatArn({ service: 'ecs', resource: 'task-definition', resourceName: family });
      this.familyPrefixes.set(family, `${familyArn}:`);
    }
    this.tokenNames.add(task.tokenEnvironmentName);
  }

  /** Whether the handler would fail the state of such a task when it stops. */
  public isWatching(task: WatchedTask): boolean {
    return this.watched.has(watchKey(task));
  }

  /** Let the handler fail the tokens of this state machine. */
  public allowFailing(requestedBy: IConstruct, stateMachine: sfn.StateMachine | string): void {
    grantTaskResponse({ requestedBy, role: this.handler.role!, actions: ['states:SendTaskFailure'], stateMachine });
  }
}

function watchKey(task: WatchedTask): string {
  return `${task.cluster.clusterArn}|${task.taskDefinition.family}|${task.tokenEnvironmentName}`;
}
