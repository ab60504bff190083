/**
 * Cancels the jobs a stopped execution left behind (one function per stack).
 *
 * Triggered by an EventBridge rule on `Step Functions Execution Status Change` events (`ABORTED`,
 * `TIMED_OUT`, `FAILED`) of the state machines that contain cdk-sfn-jobs states. It reads the execution's
 * history (GetExecutionHistory, every page), finds the jobs that those states started and that had not
 * ended when the execution stopped, and cancels them:
 * - `BatchPollerJob`: the job id from the `batch:submitJob` task's result → Batch `TerminateJob`;
 * - `EcsCallbackTask`: the task ARNs from the `ecs:runTask.waitForTaskToken` submission → ECS `StopTask`;
 * - any other `JobPoller`: its check function, invoked with `{ action: 'cancel', job, reason: 'ABORTED' }`;
 * - the SDK-check waits (`GlueCrawlerPollerJob`, …): their cancel call (StopCrawler, …), made with the AWS SDK v3
 *   client of the service, which the Lambda runtime provides (loaded when first needed).
 *
 * It trusts no event (anyone allowed to invoke the function can send one): before cancelling anything it reads the
 * execution (DescribeExecution), which must belong to this function's own account and Region, be an execution of the
 * state machine the event names, and have ended ABORTED, TIMED_OUT or FAILED; otherwise it logs why and does nothing.
 * A job that the cancel call addresses by name only (a Glue crawler: StopCrawler takes no run id) is cancelled only
 * when this execution's own start call started it (not when the execution joined a run already going) and only while
 * that run is the one running (the run's start time, from the poller's check call, against the start call's time).
 *
 * A job has ended when its poller's last check reported `SUCCEEDED` or `FAILED`, when the poller's own
 * cancel went through, or (ECS) when the callback arrived. Cancelling is idempotent: a job that has ended
 * in the meantime counts as cancelled. Throttling is retried here; any other failure to cancel is logged
 * and, once every job has been tried, thrown as `ExecutionStopped.CancelFailed`, so that the event is
 * retried (Lambda's asynchronous retries).
 *
 * Which states are ours comes from the `CANCEL_ON_STOP_CONFIG` environment variable, written at synthesis
 * (see src/private/abort/): per state machine ARN, the state names and what each one starts.
 */
import { randomUUID } from 'crypto';
import { BatchClient, TerminateJobCommand } from '@aws-sdk/client-batch';
import { ECSClient, StopTaskCommand } from '@aws-sdk/client-ecs';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { DescribeExecutionCommand, DescribeExecutionOutput, GetExecutionHistoryCommand, HistoryEvent, SFNClient } from '@aws-sdk/client-sfn';
import { HandlerError, isObject, log, preview, withThrottleRetry } from '../shared/runtime';

/** Created once per container. */
const sfn = new SFNClient({});
const batch = new BatchClient({});
const ecs = new ECSClient({});
const lambda = new LambdaClient({});
/** The SDK-check waits' clients, by service, created when first needed. */
const sdkClients = new Map<string, any>();

/**
 * `@aws-sdk/client-<service>`: provided by the Lambda runtime (the AWS SDK v3 stays external to the bundle), loaded
 * only when a job of that service is to be cancelled.
 */
function sdkModule(service: string): Record<string, any> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(`@aws-sdk/client-${service}`);
}

/** The environment variable with the configuration written at synthesis. */
export const CONFIG_VARIABLE = 'CANCEL_ON_STOP_CONFIG';

/** Calls per request while AWS throttles it (the SDK's own retries come on top). */
export const THROTTLE_ATTEMPTS = 8;

/** Jobs cancelled at the same time. */
const CONCURRENCY = 8;

/** Execution statuses the rule forwards. */
export const STOPPED_STATUSES = ['ABORTED', 'TIMED_OUT', 'FAILED'] as const;

export type ErrorName =
  | 'ExecutionStopped.InvalidEvent'
  | 'ExecutionStopped.InvalidConfiguration'
  | 'ExecutionStopped.InvalidContext'
  | 'ExecutionStopped.CancelFailed';

/** An error named for the log and the function's metrics. */
export class ExecutionStoppedError extends HandlerError {
  constructor(name: ErrorName, message: string) {
    super(name, message);
  }
}

/**
 * What the stack's states are, per state machine (written at synthesis):
 * `machines` are state machine ARNs; each state lists the indexes of the machines it is part of.
 */
export interface Config {
  readonly machines: string[];
  readonly states: ConfiguredState[];
}

export type ConfiguredState =
  | { readonly kind: 'batch'; readonly name: string; readonly machines: number[] }
  | { readonly kind: 'ecs'; readonly name: string; readonly machines: number[] }
  | {
    readonly kind: 'poller';
    readonly name: string;
    readonly machines: number[];
    /** The check function, which also cancels. */
    readonly functionArn: string;
    /** `job.<key>` = the start task's response field `<value>` (as the poller passes it to the function). */
    readonly resultFields: Record<string, string>;
  }
  | SdkState;

/** A poller whose check is an AWS SDK call (its start state's name is `name`). */
export interface SdkState {
  readonly kind: 'sdk';
  readonly name: string;
  readonly machines: number[];
  /** `job.<key>` = the start response's field `<value>` (a dotted path). */
  readonly resultFields: Record<string, string>;
  /** `job.<key>` = the start request's field `<api field>` (`{ Name: 'crawlerName' }`). */
  readonly jobParameters: Record<string, string>;
  /** The check state, whose response tells whether the job still runs. */
  readonly checkState: string;
  readonly statusField: string;
  readonly runningValues: string[];
  /** The poller's own cancel state (a job it cancelled has ended). */
  readonly cancelState?: string;
  /** Errors of the poller's cancel state that mean the job had ended (Step Functions names). */
  readonly cancelEndedErrors: string[];
  readonly cancel: {
    /** `@aws-sdk/client-<client>` */
    readonly client: string;
    readonly clientClass: string;
    readonly command: string;
    /** The command's input field → the job key it takes its value from. */
    readonly input: Record<string, string>;
    /** Input fields that get a new UUID. */
    readonly uuidFields: string[];
    /** Exception names of the command that mean the job has ended already. */
    readonly endedErrors: string[];
  };
  /**
   * Set when the cancel addresses the job by name only (no run id): how to tell whether the run that is running is
   * the one this execution started. The check call is made first; the job is cancelled only while it runs a run
   * that started within {@link OWN_RUN_TOLERANCE_MS} of this execution's start call.
   */
  readonly byName?: RunCheck;
}

/** The poller's check call, made with the AWS SDK v3 before a cancel by name. */
export interface RunCheck {
  /** `<Action>Command` of the same client as the cancel. */
  readonly command: string;
  /** Constant fields of the input. */
  readonly parameters: Record<string, unknown>;
  /** The input field → the job key it takes its value from. */
  readonly input: Record<string, string>;
  readonly statusField: string;
  readonly runningValues: string[];
  /** The response field with the current run's start time (a timestamp). */
  readonly startTimeField?: string;
  /** The response field with the time the current run has been running, in milliseconds. */
  readonly elapsedTimeField?: string;
}

/**
 * How far the start of the run that is running may lie from this execution's start call (before the call was
 * scheduled, or after it returned) and still be the run that call started: clocks and the service's own start-up.
 */
export const OWN_RUN_TOLERANCE_MS = 60_000;

/** A job found in the history. */
export type Job =
  | { readonly kind: 'batch'; readonly state: string; readonly jobId: string; ended: boolean }
  | { readonly kind: 'ecs'; readonly state: string; readonly taskArns: string[]; ended: boolean }
  | { readonly kind: 'poller'; readonly state: string; readonly functionArn: string; job: Record<string, unknown>; ended: boolean }
  | {
    readonly kind: 'sdk';
    readonly state: string;
    readonly config: SdkState;
    readonly job: Record<string, unknown>;
    /** When the start call was scheduled and when it returned (the run it started began in between). */
    readonly startCall: { readonly scheduled?: Date; readonly returned?: Date };
    ended: boolean;
  };

export interface Outcome {
  readonly executionArn: string;
  readonly status: string;
  /** Jobs stopped by this invocation. */
  readonly cancelled: number;
  /** Jobs that had ended by the time they were cancelled. */
  readonly alreadyFinished: number;
  /** Jobs that had ended before the execution stopped (not touched). */
  readonly ended: number;
  /** Why nothing was done, when the event was not acted on. */
  readonly skipped?: string;
}

/** What the handler needs of the Lambda context: its own function ARN, for its account and Region. */
export interface HandlerContext {
  readonly invokedFunctionArn?: string;
}

/** The Lambda entry point. */
export async function handler(event: unknown, context?: HandlerContext): Promise<Outcome> {
  const claimed = parseEvent(event);
  const { executionArn } = claimed;
  const skip = (reason: string, fields: Record<string, unknown> = {}): Outcome => {
    log('INFO', { action: 'skipped', executionArn, status: claimed.status, reason, ...fields });
    return { executionArn, status: claimed.status, cancelled: 0, alreadyFinished: 0, ended: 0, skipped: reason };
  };
  const own = ownLocation(context);
  const eventAccount = isObject(event) && typeof event.account === 'string' ? event.account : undefined;
  if (eventAccount !== undefined && eventAccount !== own.account) return skip(`the event comes from account ${eventAccount}, not this function's (${own.account})`);
  const where = arnLocation(executionArn);
  if (where.account !== own.account || where.region !== own.region) {
    return skip(`the execution is in ${where.account}/${where.region}, not this function's account and Region (${own.account}/${own.region})`);
  }
  if (executionStateMachineName(executionArn) !== stateMachineName(claimed.stateMachineArn)) {
    return skip(`the execution does not belong to the state machine the event names (${claimed.stateMachineArn})`);
  }
  const config = readConfig();
  if (statesOf(config, claimed.stateMachineArn).size === 0) return skip('no cdk-sfn-jobs state of this state machine starts jobs');

  // The event is a claim: the execution itself says what happened.
  let described: DescribeExecutionOutput;
  try {
    described = await withThrottleRetry(throttling('DescribeExecution'), () => sfn.send(new DescribeExecutionCommand({ executionArn })));
  } catch (e) {
    if (isObject(e) && e.name === 'ExecutionDoesNotExist') return skip('the execution does not exist');
    throw e;
  }
  const status = described.status ?? '';
  if (!(STOPPED_STATUSES as readonly string[]).includes(status)) {
    return skip(`the execution is ${status || 'of no known status'}, not ${STOPPED_STATUSES.join(', ')}`, { describedStatus: status });
  }
  const machineArns = [described.stateMachineArn, described.stateMachineVersionArn, described.stateMachineAliasArn].filter((a): a is string => !!a);
  if (!machineArns.includes(claimed.stateMachineArn)) {
    return skip(`the execution belongs to ${described.stateMachineArn}, not to the state machine the event names (${claimed.stateMachineArn})`);
  }
  if (described.executionArn !== undefined && described.executionArn !== executionArn) return skip(`DescribeExecution answered for ${described.executionArn}`);
  const describedMachine = described.stateMachineArn ?? '';
  const machineWhere = arnLocation(describedMachine);
  if (machineWhere.account !== own.account || machineWhere.region !== own.region) {
    return skip(`the state machine ${describedMachine} is not in this function's account and Region`);
  }
  const states = statesOf(config, describedMachine);
  if (states.size === 0) return skip('no cdk-sfn-jobs state of this state machine starts jobs');
  const jobs = await jobsOf(executionArn, states);
  const reason = truncate(`Step Functions execution ${executionArn} ended ${status}: stopped by cdk-sfn-jobs`, 255);
  let cancelled = 0;
  let alreadyFinished = 0;
  const failures: string[] = [];
  for (const job of jobs.filter((j) => j.ended)) {
    log('INFO', { action: 'notCancelled', executionArn, ...describe(job), reason: 'ended before the execution stopped' });
  }
  await forEachLimited(jobs.filter((j) => !j.ended), CONCURRENCY, async (job) => {
    try {
      const result = await cancel(job, reason, { executionArn, status });
      if (result === 'cancelled') cancelled++;
      else alreadyFinished++;
      log('INFO', { action: result === 'cancelled' ? 'cancelled' : 'alreadyFinished', executionArn, ...describe(job) });
    } catch (e) {
      const message = `${(e as Error).name}: ${(e as Error).message}`;
      failures.push(`${JSON.stringify(describe(job))}: ${message}`);
      log('ERROR', { action: 'cancelFailed', executionArn, ...describe(job), error: message });
    }
  });
  const outcome: Outcome = { executionArn, status, cancelled, alreadyFinished, ended: jobs.length - cancelled - alreadyFinished - failures.length };
  log('INFO', { action: 'done', ...outcome, failed: failures.length });
  if (failures.length > 0) {
    throw new ExecutionStoppedError('ExecutionStopped.CancelFailed',
      `Could not cancel ${failures.length} of the jobs of ${executionArn}: ${truncate(failures.join('; '), 2000)}`);
  }
  return outcome;
}

// ---------------------------------------------------------------------------------------------------------------------
// The event and the configuration

interface StoppedExecution {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly status: string;
}

const EXECUTION_ARN = /^arn:[a-z-]+:states:[a-z0-9-]+:\d{12}:execution:[^:]+:[^:]+$/;
const STATE_MACHINE_ARN = /^arn:[a-z-]+:states:[a-z0-9-]+:\d{12}:stateMachine:[^:]+(:[^:]+)?$/;

export function parseEvent(event: unknown): StoppedExecution {
  const bad = (what: string): never => {
    throw new ExecutionStoppedError('ExecutionStopped.InvalidEvent', `Invalid event: ${what}; got ${preview(event)}`);
  };
  if (!isObject(event)) return bad('expected an EventBridge event (an object)');
  if (event.source !== 'aws.states') return bad('source must be "aws.states"');
  if (event['detail-type'] !== 'Step Functions Execution Status Change') return bad('detail-type must be "Step Functions Execution Status Change"');
  const detail = event.detail;
  if (!isObject(detail)) return bad('detail must be an object');
  if (typeof detail.executionArn !== 'string' || !EXECUTION_ARN.test(detail.executionArn)) {
    return bad('detail.executionArn must be the ARN of a Standard execution');
  }
  if (typeof detail.stateMachineArn !== 'string' || !STATE_MACHINE_ARN.test(detail.stateMachineArn)) {
    return bad('detail.stateMachineArn must be a state machine ARN');
  }
  if (!(STOPPED_STATUSES as readonly unknown[]).includes(detail.status)) return bad(`detail.status must be one of ${STOPPED_STATUSES.join(', ')}`);
  return { executionArn: detail.executionArn, stateMachineArn: detail.stateMachineArn, status: detail.status as string };
}

/** The account and Region of an ARN (empty when it is not one). */
function arnLocation(arn: string): { account: string; region: string } {
  const parts = arn.split(':');
  return { region: parts[3] ?? '', account: parts[4] ?? '' };
}

/** `…:execution:<state machine>:<execution>` → the state machine's name. */
function executionStateMachineName(executionArn: string): string {
  return executionArn.split(':')[6] ?? '';
}

/** `…:stateMachine:<name>[:<version or alias>]` → the name. */
function stateMachineName(stateMachineArn: string): string {
  return stateMachineArn.split(':')[6] ?? '';
}

/**
 * The function's own account and Region, from the ARN it was invoked with (the Lambda context): what the
 * execution's ARN must show. Without it the handler cannot tell whose execution an event is about, and fails.
 */
function ownLocation(context: HandlerContext | undefined): { account: string; region: string } {
  const arn = context?.invokedFunctionArn;
  const where = typeof arn === 'string' && /^arn:[a-z-]+:lambda:/.test(arn) ? arnLocation(arn) : undefined;
  if (!where || !/^\d{12}$/.test(where.account) || where.region === '') {
    throw new ExecutionStoppedError('ExecutionStopped.InvalidContext', `The Lambda context has no invokedFunctionArn to tell the function's account; got ${preview(arn)}`);
  }
  return where;
}

export function readConfig(): Config {
  const bad = (what: string): never => {
    throw new ExecutionStoppedError('ExecutionStopped.InvalidConfiguration', `${CONFIG_VARIABLE} ${what}`);
  };
  let config: unknown;
  try {
    config = JSON.parse(process.env[CONFIG_VARIABLE] ?? '');
  } catch {
    return bad('must be JSON');
  }
  if (!isObject(config) || !Array.isArray(config.machines) || !Array.isArray(config.states)) return bad('must hold machines and states');
  for (const s of config.states as unknown[]) {
    if (!isObject(s) || typeof s.name !== 'string' || !Array.isArray(s.machines) || !['batch', 'ecs', 'poller', 'sdk'].includes(s.kind)) {
      return bad(`has an invalid state: ${preview(s)}`);
    }
    if (s.kind === 'poller' && (typeof s.functionArn !== 'string' || !isObject(s.resultFields))) return bad(`has an invalid poller: ${preview(s)}`);
    if (s.kind === 'sdk' && (typeof s.checkState !== 'string' || !isObject(s.cancel) || typeof s.cancel.command !== 'string' || !/^[a-z0-9-]+$/.test(String(s.cancel.client)))) {
      return bad(`has an invalid SDK poller: ${preview(s)}`);
    }
    if (s.kind === 'sdk' && s.byName !== undefined
      && (!isObject(s.byName) || typeof s.byName.command !== 'string' || !isObject(s.byName.input) || !Array.isArray(s.byName.runningValues))) {
      return bad(`has an invalid run check: ${preview(s)}`);
    }
  }
  return config as unknown as Config;
}

/** Our states of this state machine (its versions and aliases included), by state name. */
function statesOf(config: Config, stateMachineArn: string): Map<string, ConfiguredState[]> {
  const matches = (arn: string | undefined) => arn !== undefined && (stateMachineArn === arn || stateMachineArn.startsWith(`${arn}:`));
  const byName = new Map<string, ConfiguredState[]>();
  for (const state of config.states) {
    if (!state.machines.some((i) => matches(config.machines[i]))) continue;
    byName.set(state.name, [...(byName.get(state.name) ?? []), state]);
  }
  return byName;
}

// ---------------------------------------------------------------------------------------------------------------------
// The history

/** What is known at one event, following `previousEventId` (one branch or Map iteration at a time). */
interface Context {
  /** The state the event belongs to. */
  readonly state?: string;
  /** The task call scheduled in that state. */
  readonly scheduled?: { readonly resourceType: string; readonly resource: string; readonly parameters: unknown; readonly at?: Date };
  /** The last job started on this path. */
  readonly job?: Job;
}

/**
 * The jobs our states started in this execution, each marked ended or not.
 *
 * Events of parallel branches and Map iterations interleave in the history; each event's
 * `previousEventId` points to the previous event of its own branch or iteration, so following it
 * attributes each task event to its state and each check to the job it checks.
 */
export async function jobsOf(executionArn: string, states: Map<string, ConfiguredState[]>): Promise<Job[]> {
  const contexts = new Map<number, Context>();
  const jobs: Job[] = [];
  let nextToken: string | undefined;
  do {
    const page = await withThrottleRetry(throttling('GetExecutionHistory'), () =>
      sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 1000, includeExecutionData: true, nextToken })));
    for (const event of page.events ?? []) {
      const context = step(contexts.get(event.previousEventId ?? 0) ?? {}, event, states, jobs);
      contexts.set(event.id ?? 0, context);
    }
    nextToken = page.nextToken;
  } while (nextToken);
  return jobs;
}

function step(previous: Context, event: HistoryEvent, states: Map<string, ConfiguredState[]>, jobs: Job[]): Context {
  const type = event.type ?? '';
  if (type.endsWith('StateEntered')) return { job: previous.job, state: event.stateEnteredEventDetails?.name };
  const ours = previous.state !== undefined ? states.get(previous.state) ?? [] : [];
  const started = (job: Job): Context => {
    jobs.push(job);
    return { ...previous, job };
  };
  switch (type) {
    case 'TaskScheduled': {
      const d = event.taskScheduledEventDetails;
      return {
        ...previous,
        scheduled: { resourceType: d?.resourceType ?? '', resource: d?.resource ?? '', parameters: parseJson(d?.parameters), at: dateOf(event.timestamp) },
      };
    }
    case 'TaskSubmitted': {
      const d = event.taskSubmittedEventDetails;
      if (d?.resourceType === 'ecs' && d.resource?.startsWith('runTask') && ours.some((s) => s.kind === 'ecs')) {
        const output = parseJson(d.output);
        const tasks = isObject(output) && Array.isArray(output.Tasks) ? output.Tasks : [];
        const taskArns = tasks.map((t: unknown) => (isObject(t) ? t.TaskArn : undefined)).filter((a: unknown): a is string => typeof a === 'string');
        if (taskArns.length > 0) return started({ kind: 'ecs', state: previous.state!, taskArns, ended: false });
      }
      return previous;
    }
    case 'TaskSucceeded': {
      const d = event.taskSucceededEventDetails;
      const output = parseJson(d?.output);
      const sdkStart = ours.find((s): s is SdkState => s.kind === 'sdk');
      if (sdkStart) {
        const request = isObject(previous.scheduled?.parameters) ? previous.scheduled!.parameters as Record<string, unknown> : {};
        const job = {
          ...Object.fromEntries(Object.entries(sdkStart.jobParameters).map(([field, key]) => [key, request[field]])),
          ...Object.fromEntries(Object.entries(sdkStart.resultFields).map(([key, field]) => [key, at(output, field)])),
        };
        // Only a start call that succeeded started a run: one that failed as running already (the poller then joined
        // that run) started nothing of this execution's.
        const startCall = { scheduled: previous.scheduled?.at, returned: dateOf(event.timestamp) };
        return started({ kind: 'sdk', state: sdkStart.name, config: sdkStart, job, startCall, ended: false });
      }
      const batchStart = ours.find((s) => s.kind === 'batch');
      if (batchStart && d?.resourceType === 'batch' && d.resource === 'submitJob') {
        if (isObject(output) && typeof output.JobId === 'string') return started({ kind: 'batch', state: batchStart.name, jobId: output.JobId, ended: false });
        return previous;
      }
      const pollerStart = ours.find((s) => s.kind === 'poller');
      if (pollerStart && pollerStart.kind === 'poller' && isObject(output)) {
        const job = Object.fromEntries(Object.entries(pollerStart.resultFields).map(([key, field]) => [key, output[field]]));
        return started({ kind: 'poller', state: pollerStart.name, functionArn: pollerStart.functionArn, job, ended: false });
      }
      const job = previous.job;
      if (!job || job.ended) return previous;
      if (job.kind === 'sdk') {
        const status = String(at(output, job.config.statusField));
        // the poller stopped it itself; or its check saw a status other than a running one: the job ended
        if (previous.state === job.config.cancelState) job.ended = true;
        if (previous.state === job.config.checkState && !job.config.runningValues.includes(status)) job.ended = true;
        return previous;
      }
      if (job.kind === 'ecs') {
        if (job.state === previous.state) job.ended = true; // the callback arrived
        return previous;
      }
      const call = previous.scheduled;
      const payload = isObject(call?.parameters) ? call.parameters.Payload : undefined;
      if (call?.resourceType !== 'lambda' || !isObject(payload)) return previous;
      if (payload.action === 'cancel') {
        job.ended = true; // the poller cancelled it itself (timeout or stuck)
      } else if (payload.action === 'check' && isObject(output) && isObject(output.Payload)) {
        if (job.kind === 'poller') job.job = output.Payload;
        const outcome = isObject(output.Payload.poll) ? output.Payload.poll.outcome : undefined;
        if (outcome === 'SUCCEEDED' || outcome === 'FAILED') job.ended = true;
      }
      return previous;
    }
    case 'TaskFailed': {
      const job = previous.job;
      // The poller's cancel found the job ended already.
      if (job?.kind === 'sdk' && previous.state === job.config.cancelState
        && job.config.cancelEndedErrors.includes(event.taskFailedEventDetails?.error ?? '')) job.ended = true;
      // An ECS callback with SendTaskFailure (or Ecs.TaskStopped: the task has stopped).
      if (job?.kind === 'ecs' && job.state === previous.state && event.taskFailedEventDetails?.resourceType === 'ecs') job.ended = true;
      return previous;
    }
    default:
      return previous;
  }
}

/** The value at a dotted path of response fields. */
function at(value: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((v, key) => (isObject(v) ? v[key] : undefined), value);
}

function dateOf(value: unknown): Date | undefined {
  if (value === undefined || value === null) return undefined;
  const date = value instanceof Date ? value : new Date(value as string | number);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// Cancelling

type CancelResult = 'cancelled' | 'alreadyFinished';

async function cancel(job: Job, reason: string, execution: { executionArn: string; status: string }): Promise<CancelResult> {
  switch (job.kind) {
    case 'batch':
      // TerminateJob also cancels a job that has not started, and leaves a finished job as it is.
      try {
        await withThrottleRetry(throttling('TerminateJob'), () => batch.send(new TerminateJobCommand({ jobId: job.jobId, reason })));
        return 'cancelled';
      } catch (e) {
        if (isObject(e) && e.name === 'ClientException' && /not found|does not exist|not exist/i.test(String(e.message))) return 'alreadyFinished';
        throw e;
      }
    case 'ecs': {
      let result: CancelResult = 'alreadyFinished';
      for (const task of job.taskArns) {
        try {
          const response = await withThrottleRetry(throttling('StopTask'), () =>
            ecs.send(new StopTaskCommand({ cluster: clusterOf(task), task, reason })));
          // A task that had stopped comes back STOPPED, unchanged.
          if (response.task?.lastStatus !== 'STOPPED') result = 'cancelled';
        } catch (e) {
          const name = isObject(e) ? String(e.name) : '';
          if (name === 'ClusterNotFoundException') continue; // no cluster, no task
          if (name === 'InvalidParameterException' && /not found/i.test(String((e as Error).message))) continue;
          throw e;
        }
      }
      return result;
    }
    case 'sdk': {
      const { cancel: call } = job.config;
      const module = sdkModule(call.client);
      const client = sdkClients.get(call.client) ?? new module[call.clientClass]({});
      sdkClients.set(call.client, client);
      if (job.config.byName) {
        const own = await ownRunRunning(job, job.config.byName, module, client);
        if (own !== true) {
          log('INFO', { action: 'notCancelled', executionArn: execution.executionArn, ...describe(job), reason: own });
          return 'alreadyFinished';
        }
      }
      const input = {
        ...Object.fromEntries(Object.entries(call.input).map(([field, key]) => [field, job.job[key]])),
        ...Object.fromEntries(call.uuidFields.map((field) => [field, randomUUID()])),
      };
      try {
        await withThrottleRetry(throttling(call.command), () => client.send(new module[call.command](input)));
        return 'cancelled';
      } catch (e) {
        if (isObject(e) && call.endedErrors.includes(String(e.name))) return 'alreadyFinished';
        throw e;
      }
    }
    case 'poller': {
      const payload = { action: 'cancel', job: job.job, reason: 'ABORTED', execution };
      const response = await withThrottleRetry(throttling('Invoke'), () =>
        lambda.send(new InvokeCommand({ FunctionName: job.functionArn, Payload: new TextEncoder().encode(JSON.stringify(payload)) })));
      if (response.FunctionError) {
        const text = response.Payload ? new TextDecoder().decode(response.Payload) : '';
        throw new ExecutionStoppedError('ExecutionStopped.CancelFailed', `the check function failed to cancel (${response.FunctionError}): ${truncate(text, 500)}`);
      }
      return 'cancelled';
    }
  }
}

/**
 * Whether the run of a job addressed by name that is running now is the one this execution's start call started:
 * `true`, or why not. The check call (the poller's own, e.g. GetCrawler) tells whether a run is going and when it
 * began; that must be between the start call's scheduling and its return (give or take {@link OWN_RUN_TOLERANCE_MS}).
 */
async function ownRunRunning(job: Extract<Job, { kind: 'sdk' }>, check: RunCheck, module: Record<string, any>, client: any): Promise<true | string> {
  const input = {
    ...check.parameters,
    ...Object.fromEntries(Object.entries(check.input).map(([field, key]) => [field, job.job[key]])),
  };
  const response = await withThrottleRetry(throttling(check.command), () => client.send(new module[check.command](input)));
  const status = at(response, check.statusField);
  if (!check.runningValues.includes(String(status))) return `no run is going (${check.statusField} is ${preview(status)})`;
  const now = Date.now();
  let began: Date | undefined;
  if (check.startTimeField !== undefined) began = dateOf(at(response, check.startTimeField));
  if (began === undefined && check.elapsedTimeField !== undefined) {
    const elapsed = Number(at(response, check.elapsedTimeField));
    if (Number.isFinite(elapsed)) began = new Date(now - elapsed);
  }
  if (began === undefined) return 'the running run\'s start time is unknown, so it may not be this execution\'s';
  const { scheduled, returned } = job.startCall;
  if (scheduled === undefined && returned === undefined) return 'the start call\'s time is unknown';
  const earliest = (scheduled ?? returned!).getTime() - OWN_RUN_TOLERANCE_MS;
  const latest = (returned ?? scheduled!).getTime() + OWN_RUN_TOLERANCE_MS;
  if (began.getTime() < earliest || began.getTime() > latest) {
    return `the running run began at ${began.toISOString()}, not with this execution's start call (${(scheduled ?? returned!).toISOString()}): another run`;
  }
  return true;
}

/** `arn:…:task/<cluster>/<id>` → `arn:…:cluster/<cluster>` (the old format without a cluster → the default cluster). */
export function clusterOf(taskArn: string): string | undefined {
  const m = /^(arn:[^:]+:ecs:[^:]+:[^:]+:)task\/([^/]+)\/[^/]+$/.exec(taskArn);
  return m ? `${m[1]}cluster/${m[2]}` : undefined;
}

function describe(job: Job): Record<string, unknown> {
  switch (job.kind) {
    case 'batch': return { kind: 'AWS Batch job', state: job.state, jobId: job.jobId };
    case 'ecs': return { kind: 'Amazon ECS task', state: job.state, taskArns: job.taskArns };
    case 'poller': return { kind: 'JobPoller job', state: job.state, job: job.job, functionArn: job.functionArn };
    case 'sdk': return { kind: `${job.config.cancel.client} job`, state: job.state, job: job.job };
  }
}

async function forEachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 3)}...` : text;
}

/** Throttled calls are retried here, then fail the invocation (Lambda retries the event). */
function throttling(what: string) {
  return { what, attempts: THROTTLE_ATTEMPTS, exhaustedError: 'ExecutionStopped.Throttled' };
}
