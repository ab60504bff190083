import { Annotations, ArnFormat, Aspects, Duration, IAspect, Lazy, Stack, Token } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct, IConstruct } from 'constructs';
import { bundledHandler } from '../handler';
import { definitionText, DefinedState, stateMachinesIn, statesOfMachine } from './definition';

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
 * {@link ExecutionStopped}). Registering the same state again (`BatchPollerJob` over its `JobPoller`)
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
export function findExecutionStoppedWatcher(scope: IConstruct): ExecutionStopped | undefined {
  return Stack.of(scope).node.tryFindChild(EXECUTION_STOPPED_ID) as ExecutionStopped | undefined;
}

/** Where a registered state is found: the state machines of its stack that hold it, and the other problems. */
interface Wiring {
  /** The state machines of the stack that can be watched, with our states they hold. */
  readonly found: Map<sfn.CfnStateMachine, JobStarter[]>;
  /** Starters in a Distributed Map of a machine. */
  readonly distributed: Array<{ starter: JobStarter; machine: sfn.CfnStateMachine }>;
  /** Starters held by Express state machines (whose executions send no status-change events). */
  readonly express: Array<{ starter: JobStarter; machine: sfn.CfnStateMachine }>;
  /** Every starter found in some state machine of the stack. */
  readonly seen: Set<JobStarter>;
  /** Every state machine of the stack. */
  readonly machines: sfn.CfnStateMachine[];
}

function matches(state: DefinedState, starter: JobStarter): boolean {
  const stack = Stack.of(starter.state);
  return state.name === starter.state.stateId && state.type === 'Task' && state.resource === definitionText(stack.resolve(starter.resource));
}

/** The state machine's path as users know it (the L2 construct's, not its `Resource`). */
function machinePath(machine: sfn.CfnStateMachine): string {
  return machine.node.id === 'Resource' && machine.node.scope ? machine.node.scope.node.path : machine.node.path;
}

function isExpress(machine: sfn.CfnStateMachine): boolean {
  const type = Stack.of(machine).resolve(machine.stateMachineType);
  return typeof type === 'string' && type.toUpperCase() === 'EXPRESS';
}

function wiringOf(stack: Stack, registry: Registry): Wiring {
  const machines = stateMachinesIn(stack);
  const starters = [...registry.starters.values()].map(({ starter }) => starter);
  const wiring: Wiring = { found: new Map(), distributed: [], express: [], seen: new Set(), machines };
  for (const machine of machines) {
    const states = statesOfMachine(machine);
    if (!states) continue;
    const contained = starters.filter((starter) => states.some((s) => matches(s, starter)));
    for (const starter of contained) {
      wiring.seen.add(starter);
      if (isExpress(machine)) wiring.express.push({ starter, machine });
      else if (states.some((s) => s.distributed && matches(s, starter))) wiring.distributed.push({ starter, machine });
    }
    if (contained.length > 0 && !isExpress(machine)) wiring.found.set(machine, contained);
  }
  return wiring;
}

/** The watcher of the stack with these machines attached, created if needed (none when there is nothing to watch). */
function wire(stack: Stack, found: Map<sfn.CfnStateMachine, JobStarter[]>): ExecutionStopped | undefined {
  let watcher = findExecutionStoppedWatcher(stack);
  if (!watcher && found.size === 0) return undefined;
  watcher = watcher ?? ExecutionStopped._create(stack);
  watcher._attach(found);
  return watcher;
}

/**
 * Visits the stack once (when the app is synthesized, after every state machine is built) and wires the
 * state machines that contain registered states to the watcher; says at synthesis what cannot be covered.
 */
class CancelOnStopAspect implements IAspect {
  private done = false;

  constructor(private readonly stack: Stack, private readonly registry: Registry) {}

  public visit(node: IConstruct): void {
    if (node !== this.stack || this.done) return;
    this.done = true;
    const wiring = wiringOf(this.stack, this.registry);
    const guide = '(see the README, "What happens when you stop an execution")';
    for (const { starter, machine } of wiring.distributed) {
      Annotations.of(starter.state).addWarningV2('cdk-sfn-jobs:cancelOnStopDistributedMap',
        `${starter.state.stateId} runs in a Distributed Map of ${machinePath(machine)}: its child executions are not covered, so their jobs are not cancelled when an execution stops ${guide}.`);
    }
    for (const { starter, machine } of wiring.express) {
      Annotations.of(this.requester(starter)).addWarningV2('cdk-sfn-jobs:cancelOnStopExpress',
        `${machinePath(machine)} is an Express state machine: Step Functions sends no execution status-change events for Express executions, so the jobs of "${starter.state.stateId}" are not cancelled when an execution stops or times out ${guide}. ` +
        'Use a Standard state machine, or set cancelJobOnExecutionStop to false.');
    }
    const elsewhere = stateMachinesIn(this.stack.node.root).filter((m) => Stack.of(m) !== this.stack);
    for (const { starter, requestedBy } of this.registry.starters.values()) {
      if (wiring.seen.has(starter)) continue;
      const other = elsewhere.find((m) => (statesOfMachine(m) ?? []).some((s) => matches(s, starter)));
      if (other) {
        Annotations.of(requestedBy).addWarningV2('cdk-sfn-jobs:cancelOnStopOtherStack',
          `The state "${starter.state.stateId}" is in state machine ${machinePath(other)}, of another stack than the construct (${this.stack.node.path}): its jobs are not cancelled when an execution stops ${guide}. ` +
          'Create the construct in the state machine\'s stack, or set cancelJobOnExecutionStop to false.');
        continue;
      }
      // Without any state machine in the stack, the states are rendered elsewhere (or not used): nothing to say.
      if (wiring.machines.length === 0) continue;
      Annotations.of(requestedBy).addWarningV2('cdk-sfn-jobs:cancelOnStopNoStateMachine',
        `No state machine of stack ${this.stack.node.path} contains the state "${starter.state.stateId}", so its jobs are not cancelled when an execution stops. ` +
        'Build the state machine in the same stack (with a definition CDK can read), or set cancelJobOnExecutionStop to false.');
    }
    const watcher = wire(this.stack, wiring.found);
    if (watcher) checkEnvironmentSize(watcher, watcher._configText());
  }

  private requester(starter: JobStarter): IConstruct {
    return [...this.registry.starters.values()].find((r) => r.starter === starter)?.requestedBy ?? starter.state;
  }
}

/**
 * The stack's execution-stopped handler: what cancels the jobs of the cdk-sfn-jobs constructs (`BatchPollerJob`,
 * `EcsCallbackTask`, `JobPoller` and the waits built on it) when an execution of their state machine ends `ABORTED`,
 * `TIMED_OUT` or `FAILED`. One per stack, created for the Standard state machines of the stack that hold such states:
 * an EventBridge rule on their `Step Functions Execution Status Change` events, the function it targets, the
 * function's role, and a dead-letter queue for the events the function could not handle.
 *
 * Get it with `ExecutionStopped.of(stack)` to alarm on it: the function's `Errors` metric and the dead-letter queue's
 * `ApproximateNumberOfMessagesVisible`.
 */
export class ExecutionStopped extends Construct {
  /**
   * The stack's execution-stopped handler, once the stack holds a Standard state machine with a state of ours
   * that cancels its jobs when an execution stops; call it after the state machines are built.
   *
   * @param scope any construct of the stack
   * @returns the handler, or `undefined` when no state machine of the stack needs one
   */
  public static of(scope: IConstruct): ExecutionStopped | undefined {
    const stack = Stack.of(scope);
    const registry = REGISTRIES.get(stack);
    if (!registry) return findExecutionStoppedWatcher(stack);
    return wire(stack, wiringOf(stack, registry).found);
  }

  /** @internal */
  public static _create(stack: Stack): ExecutionStopped {
    return new ExecutionStopped(stack, EXECUTION_STOPPED_ID);
  }

  /** The function that reads stopped executions and cancels their jobs. */
  public readonly handler: lambda.IFunction;

  /** The EventBridge rule on the stopped executions of the stack's state machines that hold our states. */
  public readonly rule: events.IRule;

  /** The function's role. */
  public readonly role: iam.IRole;

  /**
   * Events the handler could not handle: failed invocations once Lambda's retries are spent (the Lambda on-failure
   * destination: the event, the error and the function's response) and events EventBridge could not deliver to the
   * function (the rule target's dead-letter queue). Encrypted (SSE-SQS), kept 14 days.
   */
  public readonly deadLetterQueue: sqs.IQueue;

  private readonly machines = new Map<sfn.CfnStateMachine, JobStarter[]>();
  private readonly attachedMachines = new Set<sfn.CfnStateMachine>();
  private readonly eventRule: events.Rule;

  private constructor(scope: Stack, id: string) {
    super(scope, id);

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      retentionPeriod: Duration.days(14),
      enforceSSL: true,
    });
    const fn = bundledHandler(this, {
      handler: 'execution-stopped',
      purpose: 'execution-stopped',
      description: 'cdk-sfn-jobs: cancels the jobs (Batch, ECS, JobPoller) of Step Functions executions that were stopped, timed out or failed',
      environment: { [CONFIG_VARIABLE]: Lazy.string({ produce: () => this._configText() }) },
      // Up to 25 history pages of 1,000 events, then the cancels (8 at a time, throttling retried).
      timeout: Duration.minutes(5),
      memorySize: 512,
      // A failed invocation is retried twice (Lambda's asynchronous retries), then recorded here.
      onFailure: queueDestination(this.deadLetterQueue),
    });
    this.handler = fn;
    this.role = fn.role!;

    this.eventRule = new events.Rule(this, 'Rule', {
      description: 'cdk-sfn-jobs: executions that ended ABORTED, TIMED_OUT or FAILED, of state machines that start jobs',
      eventPattern: {
        source: ['aws.states'],
        detailType: ['Step Functions Execution Status Change'],
        detail: { status: ['ABORTED', 'TIMED_OUT', 'FAILED'] },
      },
    });
    this.rule = this.eventRule;
    // Delivery to the function is retried by EventBridge; what it cannot deliver goes to the dead-letter queue.
    this.eventRule.addTarget(new targets.LambdaFunction(fn, {
      retryAttempts: 8,
      maxEventAge: Duration.hours(2),
      deadLetterQueue: this.deadLetterQueue,
    }));
  }

  /**
   * Watches these state machines too (those not watched yet): the rule's pattern, the handler's configuration and
   * its permissions.
   *
   * @internal
   */
  public _attach(machines: Map<sfn.CfnStateMachine, JobStarter[]>): void {
    const stack = Stack.of(this);
    const added = new Map<sfn.CfnStateMachine, JobStarter[]>();
    for (const [machine, starters] of machines) {
      const known = this.machines.get(machine) ?? [];
      const fresh = starters.filter((s) => !known.includes(s));
      if (fresh.length === 0) continue;
      this.machines.set(machine, [...known, ...fresh]);
      added.set(machine, fresh);
    }
    if (added.size === 0) return;
    const fresh = [...added.keys()].filter((m) => !this.attachedMachines.has(m));
    for (const m of fresh) this.attachedMachines.add(m);

    if (fresh.length > 0) {
      // The handler reads the execution (DescribeExecution: it trusts no event) and its history; both act on the
      // `execution` resource type, here the executions of exactly these state machines.
      this.role.addToPrincipalPolicy(new iam.PolicyStatement({
        actions: ['states:DescribeExecution', 'states:GetExecutionHistory'],
        resources: fresh.map((m) => stack.formatArn({
          service: 'states',
          resource: 'execution',
          resourceName: `${m.attrName}:*`,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        })),
      }));
      for (const statement of decryptStatements(fresh)) this.role.addToPrincipalPolicy(statement);
      this.eventRule.addEventPattern({
        detail: {
          // The state machine, and its versions and aliases (`<arn>:<version or alias>`).
          stateMachineArn: fresh.flatMap((m) => [m.attrArn, { prefix: `${m.attrArn}:` }]),
        },
      });
    }
    for (const statement of cancelStatements(stack, [...added.values()].flat())) this.role.addToPrincipalPolicy(statement);
  }

  /** The handler's configuration, as JSON text (with tokens). @internal */
  public _configText(): string {
    const machines = new Map([...this.machines].filter(([m]) => this.attachedMachines.has(m)));
    return Stack.of(this).toJsonString(handlerConfig([...machines.keys()].map((m) => m.attrArn), machines));
  }
}

/**
 * An SQS queue as the on-failure destination of asynchronous invocations, with only the permission the Lambda guide
 * names for it (`sqs:SendMessage`; aws-lambda-destinations' SqsDestination also grants GetQueueAttributes and
 * GetQueueUrl, which Lambda does not use).
 */
function queueDestination(queue: sqs.IQueue): lambda.IDestination {
  return {
    bind: (_scope: Construct, fn: lambda.IFunction) => {
      fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [queue.queueArn] }));
      return { destination: queue.queueArn };
    },
  };
}

/**
 * A state machine encrypted with a customer managed key: Step Functions encrypts its execution history with it, so
 * reading the execution and its history needs `kms:Decrypt` on that key, in the encryption context Step Functions
 * uses (`aws:states:stateMachineArn`). The key as configured: an ARN (or a token for one) as it is; a key id in the
 * stack's account and Region; an alias through the `kms:ResourceAliases` condition (an alias is no resource of
 * `kms:Decrypt`).
 */
function decryptStatements(machines: sfn.CfnStateMachine[]): iam.PolicyStatement[] {
  const statements: iam.PolicyStatement[] = [];
  for (const machine of machines) {
    const stack = Stack.of(machine);
    const config = stack.resolve(machine.encryptionConfiguration) as Record<string, unknown> | undefined;
    const type = config?.type ?? config?.Type;
    if (type !== 'CUSTOMER_MANAGED_KMS_KEY') continue;
    const raw = (machine.encryptionConfiguration as { kmsKeyId?: string } | undefined)?.kmsKeyId;
    if (raw === undefined) continue;
    const context = { StringEquals: { 'kms:EncryptionContext:aws:states:stateMachineArn': machine.attrArn } };
    let resource: string;
    const conditions: Record<string, Record<string, unknown>> = { ...context };
    if (Token.isUnresolved(raw) || raw.startsWith('arn:')) {
      if (!Token.isUnresolved(raw) && /:alias\//.test(raw)) {
        const [, , , region, account, aliasName] = raw.split(':');
        resource = stack.formatArn({ service: 'kms', region, account, resource: 'key', resourceName: '*' });
        conditions['ForAnyValue:StringEquals'] = { 'kms:ResourceAliases': aliasName };
      } else {
        resource = raw;
      }
    } else if (raw.startsWith('alias/')) {
      resource = stack.formatArn({ service: 'kms', resource: 'key', resourceName: '*' });
      conditions['ForAnyValue:StringEquals'] = { 'kms:ResourceAliases': raw };
    } else {
      resource = stack.formatArn({ service: 'kms', resource: 'key', resourceName: raw });
    }
    statements.push(new iam.PolicyStatement({ actions: ['kms:Decrypt'], resources: [resource], conditions }));
  }
  return statements;
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
