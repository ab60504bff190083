import { Annotations, ArnFormat, Aspects, CfnResource, Duration, IAspect, Stack } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct, IConstruct } from 'constructs';
import { bundledHandler } from '../handler';
import { definitionStates, definitionText, DefinedState } from './definition';

/** What a job-starting state of ours starts, and how the job is cancelled. */
export type JobStarter =
  | { readonly kind: 'batch'; readonly state: sfn.State; readonly resource: string }
  | { readonly kind: 'ecs'; readonly state: sfn.State; readonly resource: string; readonly cluster: ecs.ICluster }
  | {
    readonly kind: 'poller';
    readonly state: sfn.State;
    readonly resource: string;
    readonly checkFunction: lambda.IFunction;
    readonly resultFields: { [key: string]: string };
  }
  | SdkJobStarter;

/**
 * A poller whose check is an AWS SDK call: the handler reads the job from the start's request and response, its end
 * from the check's response, and cancels it with the service's AWS SDK v3 client (see lambda/execution-stopped).
 */
export interface SdkJobStarter {
  readonly kind: 'sdk';
  readonly state: sfn.State;
  readonly resource: string;
  readonly resultFields: { [key: string]: string };
  readonly jobParameters: { [key: string]: string };
  readonly checkState: string;
  readonly statusField: string;
  readonly runningValues: string[];
  readonly cancelState?: string;
  readonly cancelEndedErrors: string[];
  readonly cancel: {
    readonly client: string;
    readonly clientClass: string;
    readonly command: string;
    readonly input: { [field: string]: string };
    readonly uuidFields: string[];
    readonly endedErrors: string[];
  };
  /**
   * Set when the cancel addresses the job by name only (no run id from the start's response): the check call the
   * handler makes first, to cancel only the run this execution started (see lambda/execution-stopped).
   */
  readonly byName?: {
    readonly command: string;
    readonly parameters: { [field: string]: unknown };
    readonly input: { [field: string]: string };
    readonly statusField: string;
    readonly runningValues: string[];
    readonly startTimeField?: string;
    readonly elapsedTimeField?: string;
  };
  /** The handler's permission to cancel (and, with `byName`, to make the check call). */
  readonly statements: iam.PolicyStatement[];
}

/** The construct id of the per-stack watcher, a direct child of the stack. */
export const EXECUTION_STOPPED_ID = 'CdkSfnJobsExecutionStopped';

/** The handler's configuration variable (see lambda/execution-stopped). */
const CONFIG_VARIABLE = 'CANCEL_ON_STOP_CONFIG';

/** Lambda allows 4 KB of environment variables in all. */
const ENVIRONMENT_LIMIT = 4096;

interface Registry {
  /** By start state: a later registration of the same state replaces the earlier one. */
  readonly starters: Map<sfn.State, { readonly starter: JobStarter; readonly requestedBy: IConstruct }>;
}

const REGISTRIES = new WeakMap<Stack, Registry>();

/**
 * Cancel the jobs that `starter.state` starts when its execution ends ABORTED, TIMED_OUT or FAILED.
 *
 * The state is recorded in its stack's registry. Once per stack, an Aspect visits the stack when the app is
 * synthesized, finds the state machines whose definitions contain a registered state (same name, same
 * resource) and creates one EventBridge rule for their stopped executions and one handler (see
 * {@link ExecutionStoppedWatcher}). Registering the same state again (`BatchPollerJob` over its `JobPoller`)
 * replaces what it starts.
 */
export function cancelJobsOnExecutionStop(requestedBy: IConstruct, starter: JobStarter): void {
  const stack = Stack.of(requestedBy);
  let registry = REGISTRIES.get(stack);
  if (!registry) {
    registry = { starters: new Map() };
    REGISTRIES.set(stack, registry);
    Aspects.of(stack).add(new CancelOnStopAspect(stack, registry));
  }
  registry.starters.set(starter.state, { starter, requestedBy });
}

/** The stack's watcher, if its state machines contain job-starting states. */
export function findExecutionStoppedWatcher(scope: IConstruct): ExecutionStoppedWatcher | undefined {
  return Stack.of(scope).node.tryFindChild(EXECUTION_STOPPED_ID) as ExecutionStoppedWatcher | undefined;
}

/**
 * Visits the stack once (when the app is synthesized, after every state machine is built) and wires the
 * state machines that contain registered states to the watcher.
 */
class CancelOnStopAspect implements IAspect {
  private done = false;

  constructor(private readonly stack: Stack, private readonly registry: Registry) {}

  public visit(node: IConstruct): void {
    if (node !== this.stack || this.done) return;
    this.done = true;
    const machines = this.stack.node.findAll()
      .filter((c): c is sfn.CfnStateMachine => CfnResource.isCfnResource(c) && c.cfnResourceType === 'AWS::StepFunctions::StateMachine');
    const starters = [...this.registry.starters.values()];
    const found = new Map<sfn.CfnStateMachine, JobStarter[]>();
    const seen = new Set<JobStarter>();
    for (const machine of machines) {
      const states = this.statesOf(machine);
      if (!states) continue;
      const contained = starters.filter(({ starter }) => states.some((s) => this.matches(s, starter)));
      for (const { starter } of contained) {
        seen.add(starter);
        if (states.some((s) => s.distributed && this.matches(s, starter))) {
          Annotations.of(starter.state).addWarningV2('cdk-sfn-jobs:cancelOnStopDistributedMap',
            `${starter.state.stateId} runs in a Distributed Map of ${machine.node.path}: its child executions are not covered, so their jobs are not cancelled when an execution stops (see the README, "What happens when you stop an execution").`);
        }
      }
      if (contained.length > 0) found.set(machine, contained.map(({ starter }) => starter));
    }
    for (const { starter, requestedBy } of starters) {
      // Without any state machine in the stack, the states are rendered elsewhere (or not used): nothing to say.
      if (seen.has(starter) || machines.length === 0) continue;
      Annotations.of(requestedBy).addWarningV2('cdk-sfn-jobs:cancelOnStopNoStateMachine',
        `No state machine of stack ${this.stack.node.path} contains the state "${starter.state.stateId}", so its jobs are not cancelled when an execution stops. ` +
        'Build the state machine in the same stack (with a definition CDK can read), or set cancelJobOnExecutionStop to false.');
    }
    if (found.size > 0) new ExecutionStoppedWatcher(this.stack, EXECUTION_STOPPED_ID, found);
  }

  private statesOf(machine: sfn.CfnStateMachine): DefinedState[] | undefined {
    const definition = machine.definitionString ?? machine.definition;
    if (definition === undefined) return undefined; // in S3: not readable at synthesis
    const text = definitionText(this.stack.resolve(definition));
    return text === undefined ? undefined : definitionStates(text);
  }

  private matches(state: DefinedState, starter: JobStarter): boolean {
    return state.name === starter.state.stateId && state.type === 'Task' && state.resource === definitionText(this.stack.resolve(starter.resource));
  }
}

/**
 * One per stack: an EventBridge rule on the `Step Functions Execution Status Change` events (ABORTED,
 * TIMED_OUT, FAILED) of the state machines that contain job-starting states, targeting the bundled
 * `execution-stopped` handler, which reads the execution's history and cancels the jobs left running.
 */
export class ExecutionStoppedWatcher extends Construct {
  public readonly handler: lambda.SingletonFunction;
  public readonly rule: events.Rule;

  constructor(scope: Stack, id: string, machines: Map<sfn.CfnStateMachine, JobStarter[]>) {
    super(scope, id);
    const stack = scope;
    const arns = [...machines.keys()].map((m) => m.attrArn);
    const config = handlerConfig(arns, machines);
    const configText = stack.toJsonString(config);
    checkEnvironmentSize(this, configText);

    this.handler = bundledHandler(this, {
      handler: 'execution-stopped',
      purpose: 'execution-stopped',
      description: 'cdk-sfn-jobs: cancels the jobs (Batch, ECS, JobPoller) of Step Functions executions that were stopped, timed out or failed',
      environment: { [CONFIG_VARIABLE]: configText },
      // Up to 25 history pages of 1,000 events, then the cancels (8 at a time, throttling retried).
      timeout: Duration.minutes(5),
      memorySize: 512,
    });
    const role = this.handler.role!;

    // The handler reads the execution (DescribeExecution: it trusts no event) and its history; both act on the
    // `execution` resource type, here the executions of exactly these state machines.
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['states:DescribeExecution', 'states:GetExecutionHistory'],
      resources: [...machines.keys()].map((m) => stack.formatArn({
        service: 'states',
        resource: 'execution',
        resourceName: `${m.attrName}:*`,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      })),
    }));
    for (const statement of cancelStatements(stack, [...machines.values()].flat())) role.addToPrincipalPolicy(statement);

    this.rule = new events.Rule(this, 'Rule', {
      description: 'cdk-sfn-jobs: executions that ended ABORTED, TIMED_OUT or FAILED, of state machines that start jobs',
      eventPattern: {
        source: ['aws.states'],
        detailType: ['Step Functions Execution Status Change'],
        detail: {
          status: ['ABORTED', 'TIMED_OUT', 'FAILED'],
          // The state machine, and its versions and aliases (`<arn>:<version or alias>`).
          stateMachineArn: arns.flatMap((arn) => [arn, { prefix: `${arn}:` }]),
        },
      },
    });
    // A failed cancel fails the invocation; Lambda retries the event (twice, asynchronously).
    this.rule.addTarget(new targets.LambdaFunction(this.handler, { retryAttempts: 8, maxEventAge: Duration.hours(2) }));
  }
}

/** The handler's configuration: the state machines, and per state what it starts (see lambda/execution-stopped). */
function handlerConfig(arns: string[], machines: Map<sfn.CfnStateMachine, JobStarter[]>): Record<string, unknown> {
  const entries = new Map<JobStarter, number[]>();
  [...machines.values()].forEach((starters, index) => {
    for (const starter of starters) entries.set(starter, [...(entries.get(starter) ?? []), index]);
  });
  const states = [...entries].map(([starter, indexes]) => {
    const base = { kind: starter.kind, name: starter.state.stateId, machines: indexes };
    if (starter.kind === 'sdk') {
      const { state: _state, resource: _resource, statements: _statements, kind: _kind, ...rest } = starter;
      return { ...base, ...rest };
    }
    return starter.kind === 'poller'
      ? { ...base, functionArn: starter.checkFunction.functionArn, resultFields: starter.resultFields }
      : base;
  });
  return { machines: arns, states };
}

/** Lambda refuses more than 4 KB of environment variables: say so at synthesis. */
function checkEnvironmentSize(scope: Construct, configText: string): void {
  // Tokens resolve to ARNs of about 100 characters; count each as such.
  const resolved = Stack.of(scope).resolve(configText);
  const estimate = typeof resolved === 'string'
    ? resolved.length
    : (resolved['Fn::Join']?.[1] as unknown[] ?? []).reduce((n: number, part) => n + (typeof part === 'string' ? part.length : 100), 0);
  if (estimate + CONFIG_VARIABLE.length > ENVIRONMENT_LIMIT) {
    Annotations.of(scope).addWarningV2('cdk-sfn-jobs:cancelOnStopConfigTooLarge',
      `The execution-stopped handler's configuration (${estimate} characters: the state machines and job-starting states of this stack) may exceed Lambda's 4 KB of environment variables. ` +
      'Split the state machines across stacks, or set cancelJobOnExecutionStop to false on some constructs.');
  }
}

/**
 * The handler's cancel permissions, as narrow as the Service Authorization Reference allows:
 * `batch:TerminateJob` accepts only the `job` resource type (ids generated by Batch: `job/*`);
 * `ecs:StopTask` the `task` type (`task/<cluster name>/*`) and the `ecs:cluster` condition;
 * `lambda:InvokeFunction` the function itself.
 */
function cancelStatements(stack: Stack, starters: JobStarter[]): iam.PolicyStatement[] {
  const statements: iam.PolicyStatement[] = [];
  if (starters.some((s) => s.kind === 'batch')) {
    statements.push(new iam.PolicyStatement({
      actions: ['batch:TerminateJob'],
      resources: [stack.formatArn({ service: 'batch', resource: 'job', resourceName: '*' })],
    }));
  }
  const clusters = unique(starters.flatMap((s) => (s.kind === 'ecs' ? [s.cluster] : [])), (c) => c.clusterArn);
  if (clusters.length > 0) {
    statements.push(new iam.PolicyStatement({
      actions: ['ecs:StopTask'],
      resources: clusters.map((c) => Stack.of(c).formatArn({ service: 'ecs', resource: 'task', resourceName: `${c.clusterName}/*` })),
      conditions: { ArnEquals: { 'ecs:cluster': clusters.map((c) => c.clusterArn) } },
    }));
  }
  // The SDK-check waits: their own cancel statements (the state machine's, as narrow: the crawler, the workflow, …).
  statements.push(...starters.flatMap((s) => (s.kind === 'sdk' ? s.statements : [])));
  const functions = unique(starters.flatMap((s) => (s.kind === 'poller' ? [s.checkFunction] : [])), (f) => f.functionArn);
  if (functions.length > 0) {
    statements.push(new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: functions.map((f) => f.functionArn) }));
  }
  return statements;
}

function unique<T>(items: T[], key: (item: T) => string): T[] {
  const byKey = new Map<string, T>();
  for (const item of items) if (!byKey.has(key(item))) byKey.set(key(item), item);
  return [...byKey.values()];
}
