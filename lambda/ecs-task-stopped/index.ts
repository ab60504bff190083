/**
 * The `ecs-task-stopped` handler of EcsCallbackTask (one per stack, shared by every EcsCallbackTask).
 *
 * Target of an EventBridge rule on `ECS Task State Change` events with `lastStatus` STOPPED. The event's
 * `detail` is the stopped task as DescribeTasks returns it, overrides included (Amazon ECS developer
 * guide, "Amazon ECS task state change events"), so the task token the state put into the container's
 * environment is read from `detail.overrides.containerOverrides[].environment` without calling ECS.
 *
 * - A task with no token of ours in its overrides (a task not started by an EcsCallbackTask) is ignored.
 * - Otherwise the waiting state is failed with `SendTaskFailure(error: 'Ecs.TaskStopped', cause: JSON)`,
 *   the cause carrying the stop code, the stopped reason and each container's exit code and reason.
 * - A token the container already answered (the normal success path: it calls back, then exits) is
 *   rejected by Step Functions with TaskTimedOut, TaskDoesNotExist or InvalidToken: that is success.
 * - Throttling is retried with backoff; any other error is logged as one JSON line and thrown, so it
 *   counts in the function's Errors metric and Lambda retries the event.
 * - A malformed event throws `EcsTaskStopped.MalformedEvent`.
 *
 * The AWS SDK v3 comes with the nodejs22.x runtime: nothing is bundled but this file.
 */
import { createHash } from 'crypto';
import { SFNClient, SendTaskFailureCommand } from '@aws-sdk/client-sfn';
import { DEFAULT_TOKEN_ENVIRONMENT_NAME, TASK_STOPPED_ERROR, TOKEN_NAMES_VARIABLE } from '../../src/ecs/private/contract';
import { HandlerError, isObject, log, preview, withThrottleRetry } from '../shared/runtime';

/** Created once per container. */
const sfn = new SFNClient({});

/** Step Functions' answers for a token that is already closed: the container called back first. */
const CLOSED_TOKEN_ERRORS = ['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken'];

/** Attempts of a throttled SendTaskFailure (after the SDK's own retries), with jittered exponential backoff. */
export const THROTTLE_ATTEMPTS = 5;

/** SendTaskFailure's limits on `error` and `cause`. */
const CAUSE_MAX_LENGTH = 32_768;

/** An error with a name that says what went wrong. */
export class EcsTaskStoppedError extends HandlerError {
  constructor(name: 'EcsTaskStopped.MalformedEvent' | 'EcsTaskStopped.SendTaskFailureFailed', message: string) {
    super(name, message);
  }
}

/** What the handler did with one event. */
export interface HandlerResult {
  readonly taskArn: string;
  /** FAILED_STATE: the state was failed; ALREADY_CLOSED: the container had answered; IGNORED: not our task. */
  readonly outcome: 'FAILED_STATE' | 'ALREADY_CLOSED' | 'IGNORED';
}

/** The part of the stopped task the cause reports. */
export interface TaskStoppedCause {
  readonly taskArn: string;
  readonly clusterArn: string | null;
  readonly taskDefinitionArn: string | null;
  readonly lastStatus: string;
  readonly stopCode: string | null;
  readonly stoppedReason: string | null;
  readonly containers: ReadonlyArray<{
    readonly name: string | null;
    readonly exitCode: number | null;
    readonly reason: string | null;
    readonly lastStatus: string | null;
  }>;
  readonly startedAt: string | null;
  readonly stoppedAt: string | null;
}

interface StoppedTask {
  readonly taskArn: string;
  readonly detail: Record<string, unknown>;
}

/** The Lambda entry point. */
export async function handler(event: unknown): Promise<HandlerResult> {
  const task = parseEvent(event);
  if (task.detail.lastStatus !== 'STOPPED') {
    log('DEBUG', { action: 'ignored', reason: `lastStatus is ${String(task.detail.lastStatus)}`, taskArn: task.taskArn });
    return { taskArn: task.taskArn, outcome: 'IGNORED' };
  }
  const tokens = findTokens(task.detail, tokenNames());
  if (tokens.length === 0) {
    log('DEBUG', { action: 'ignored', reason: 'no task token in the overrides', taskArn: task.taskArn });
    return { taskArn: task.taskArn, outcome: 'IGNORED' };
  }
  const cause = describeStop(task);
  let failed = 0;
  for (const token of tokens) {
    if (await failState(token, cause)) failed++;
  }
  const outcome = failed > 0 ? 'FAILED_STATE' : 'ALREADY_CLOSED';
  log(outcome === 'FAILED_STATE' ? 'INFO' : 'DEBUG', {
    action: outcome === 'FAILED_STATE' ? 'failed-state' : 'already-closed',
    taskArn: task.taskArn,
    stopCode: cause.stopCode,
    stoppedReason: cause.stoppedReason,
    exitCodes: cause.containers.map((c) => c.exitCode),
  });
  return { taskArn: task.taskArn, outcome };
}

/** The token-carrying variable names of the stack's tasks (configured by the construct). */
export function tokenNames(): string[] {
  const raw = process.env[TOKEN_NAMES_VARIABLE];
  if (!raw) return [DEFAULT_TOKEN_ENVIRONMENT_NAME];
  const names: unknown = JSON.parse(raw);
  if (!Array.isArray(names) || names.some((n) => typeof n !== 'string')) {
    throw new Error(`${TOKEN_NAMES_VARIABLE} must be a JSON list of strings; got ${raw}`);
  }
  return names as string[];
}

function parseEvent(event: unknown): StoppedTask {
  if (!isObject(event)) throw malformed('the event is not an object', event);
  if (event.source !== 'aws.ecs' || event['detail-type'] !== 'ECS Task State Change') {
    throw malformed('expected an "ECS Task State Change" event from aws.ecs', { 'source': event.source, 'detail-type': event['detail-type'] });
  }
  const detail = event.detail;
  if (!isObject(detail)) throw malformed('the event has no detail object', event);
  if (typeof detail.taskArn !== 'string' || detail.taskArn === '') throw malformed('detail.taskArn is missing', detail.taskArn);
  if (detail.overrides !== undefined && !isObject(detail.overrides)) throw malformed('detail.overrides is not an object', detail.overrides);
  if (detail.containers !== undefined && !Array.isArray(detail.containers)) throw malformed('detail.containers is not a list', detail.containers);
  return { taskArn: detail.taskArn, detail };
}

/** Every value of a token variable in the task's container overrides (normally exactly one). */
function findTokens(detail: Record<string, unknown>, names: readonly string[]): string[] {
  const overrides = detail.overrides as Record<string, unknown> | undefined;
  const containerOverrides = overrides?.containerOverrides;
  if (!Array.isArray(containerOverrides)) return [];
  const tokens = new Set<string>();
  for (const override of containerOverrides) {
    if (!isObject(override) || !Array.isArray(override.environment)) continue;
    for (const variable of override.environment) {
      if (isObject(variable) && typeof variable.name === 'string' && names.includes(variable.name)
        && typeof variable.value === 'string' && variable.value !== '') {
        tokens.add(variable.value);
      }
    }
  }
  return [...tokens];
}

/** The cause of the failure: what stopped the task, as JSON (Catch it, then `States.StringToJson`). */
export function describeStop(task: StoppedTask): TaskStoppedCause {
  const d = task.detail;
  const containers = Array.isArray(d.containers) ? d.containers.filter(isObject) : [];
  const cause: TaskStoppedCause = {
    taskArn: task.taskArn,
    clusterArn: stringOrNull(d.clusterArn),
    taskDefinitionArn: stringOrNull(d.taskDefinitionArn),
    lastStatus: stringOrNull(d.lastStatus) ?? 'STOPPED',
    stopCode: stringOrNull(d.stopCode),
    stoppedReason: stringOrNull(d.stoppedReason),
    containers: containers.map((c) => ({
      name: stringOrNull(c.name),
      exitCode: typeof c.exitCode === 'number' ? c.exitCode : null,
      reason: stringOrNull(c.reason),
      lastStatus: stringOrNull(c.lastStatus),
    })),
    startedAt: stringOrNull(d.startedAt),
    stoppedAt: stringOrNull(d.stoppedAt),
  };
  return cause;
}

/** Fails the state; returns false when the token was already closed. */
async function failState(token: string, cause: TaskStoppedCause): Promise<boolean> {
  try {
    await withThrottleRetry({ what: 'SendTaskFailure', attempts: THROTTLE_ATTEMPTS, exhaustedError: 'EcsTaskStopped.Throttled' }, () => sfn.send(new SendTaskFailureCommand({ taskToken: token, error: TASK_STOPPED_ERROR, cause: renderCause(cause) })));
    return true;
  } catch (e) {
    const name = (e as Error)?.name;
    if (CLOSED_TOKEN_ERRORS.includes(name)) return false;
    log('ERROR', {
      action: 'send-task-failure-failed',
      taskArn: cause.taskArn,
      token: fingerprint(token),
      error: name,
      message: (e as Error)?.message,
    });
    if (e instanceof HandlerError) throw e;
    throw new EcsTaskStoppedError('EcsTaskStopped.SendTaskFailureFailed', `SendTaskFailure for ${cause.taskArn} failed: ${name}: ${(e as Error)?.message}`);
  }
}

function renderCause(cause: TaskStoppedCause): string {
  let text = JSON.stringify(cause);
  if (text.length <= CAUSE_MAX_LENGTH) return text;
  // Container reasons are the only unbounded part: shorten them until the cause fits.
  const shortened = { ...cause, containers: cause.containers.map((c) => ({ ...c, reason: c.reason && c.reason.slice(0, 200) })) };
  text = JSON.stringify(shortened);
  return text.length <= CAUSE_MAX_LENGTH ? text : JSON.stringify({ ...shortened, containers: shortened.containers.slice(0, 20) });
}

function malformed(what: string, value: unknown): EcsTaskStoppedError {
  return new EcsTaskStoppedError('EcsTaskStopped.MalformedEvent', `${what}: ${preview(value)}`);
}

/** Tokens are credentials for the state: logs carry a fingerprint, never the token. */
function fingerprint(token: string): string {
  return `sha256:${createHash('sha256').update(token).digest('hex').slice(0, 16)}`;
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

