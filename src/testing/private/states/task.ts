import type { Execution } from '../engine';
import { ERRORS, StatesError } from '../errors';
import { resourceParts } from '../history';
import { evaluateTemplate } from '../jsonata';
import { unansweredCall } from '../mocks';
import type { TaskOutcomeData } from '../types';
import { checkSize, copy, GivenError, json, StateRun, StepResult } from './common';

const DEFAULT_TASK_TIMEOUT_SECONDS = 99_999_999;
const OUTCOME_KEYS = new Set(['result', 'error', 'cause', 'durationSeconds']);

/** A task handler answered with something that is not a TaskOutcome: a mistake in the test, not a task failure. */
export class TaskHandlerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TaskHandlerError';
  }
}

/** The history events of one call: a Lambda function ARN has its own, any other resource the Task ones. */
interface CallEvents {
  scheduled(parameters: any, timeout: number, heartbeat?: number): void;
  started(): void;
  submitted(): void;
  succeeded(output: any): void;
  failed(error: string, cause: string): void;
  timedOut(error: string, cause: string): void;
}

function callEvents(ex: Execution, run: StateRun, resourceArn: string): CallEvents {
  const fiber = run.frame.fiber;
  const add = (type: string, details?: () => Record<string, any>) => ex.history.add(fiber, ex.now, type, details);
  const parts = resourceParts(resourceArn);
  if (!parts) {
    // A Lambda function (or activity) ARN as Resource: AWS records LambdaFunction… events.
    return {
      scheduled: (parameters, timeout) => add('LambdaFunctionScheduled', () => ({
        resource: resourceArn,
        input: json(parameters),
        inputDetails: { truncated: false },
        ...(timeout !== DEFAULT_TASK_TIMEOUT_SECONDS ? { timeoutInSeconds: timeout } : {}),
      })),
      started: () => add('LambdaFunctionStarted'),
      submitted: () => undefined,
      succeeded: (output) => {
        const text = json(output); // now: a handler may change the object it returned later
        add('LambdaFunctionSucceeded', () => ({ output: text, outputDetails: { truncated: false } }));
      },
      failed: (error, cause) => add('LambdaFunctionFailed', () => ({ error, cause })),
      timedOut: (error, cause) => add('LambdaFunctionTimedOut', () => ({ error, cause })),
    };
  }
  const { resourceType, resource } = parts;
  return {
    scheduled: (parameters, timeout, heartbeat) => add('TaskScheduled', () => ({
      resourceType,
      resource,
      region: ex.region,
      parameters: json(parameters),
      ...(timeout !== DEFAULT_TASK_TIMEOUT_SECONDS ? { timeoutInSeconds: timeout } : {}),
      ...(heartbeat !== undefined ? { heartbeatInSeconds: heartbeat } : {}),
    })),
    started: () => add('TaskStarted', () => ({ resourceType, resource })),
    submitted: () => add('TaskSubmitted', () => ({ resourceType, resource, output: '{}', outputDetails: { truncated: false } })),
    succeeded: (output) => {
      const text = json(output); // now: a handler may change the object it returned later
      add('TaskSucceeded', () => ({ resourceType, resource, output: text, outputDetails: { truncated: false } }));
    },
    failed: (error, cause) => add('TaskFailed', () => ({ resourceType, resource, error, cause })),
    timedOut: (error, cause) => add('TaskTimedOut', () => ({ resourceType, resource, error, cause })),
  };
}

/** Task: one attempt (Retry is the engine's): the request, the (mocked) call on the virtual clock, the result. */
export async function runTask(ex: Execution, run: StateRun, attempt: number): Promise<StepResult> {
  const { name, state, input, frame, record } = run;
  const resource: string = state.Resource;
  const pattern = resource.endsWith('.waitForTaskToken') ? 'callback' : /\.sync(:\d+)?$/.test(resource) ? 'sync' : 'request';
  const taskToken = pattern === 'callback' ? ex.random.uuid() : undefined;
  const context = ex.context(run, attempt, taskToken ? { Task: { Token: taskToken } } : undefined);
  let request: any;
  let timeout: number;
  let heartbeat: number | undefined;
  if (run.language === 'JSONata') {
    const scope = ex.jsonataScope(run, { input, context });
    request = state.Arguments !== undefined ? await evaluateTemplate(state.Arguments, 'Arguments', scope) : input;
    timeout = (await ex.jsonataNumber(state.TimeoutSeconds, 'TimeoutSeconds', scope)) ?? DEFAULT_TASK_TIMEOUT_SECONDS;
    heartbeat = await ex.jsonataNumber(state.HeartbeatSeconds, 'HeartbeatSeconds', scope);
  } else {
    request = ex.effectiveInput(state, input, context, frame, state.Parameters);
    timeout = state.TimeoutSecondsPath !== undefined
      ? ex.readPath(state.TimeoutSecondsPath, input, context, frame)
      : state.TimeoutSeconds ?? DEFAULT_TASK_TIMEOUT_SECONDS;
    heartbeat = state.HeartbeatSecondsPath !== undefined
      ? ex.readPath(state.HeartbeatSecondsPath, input, context, frame)
      : state.HeartbeatSeconds;
  }
  checkSize(request, name, 'request');
  record.request = copy(request);
  const attemptRecord = record.attempts?.[attempt];
  if (attemptRecord) attemptRecord.request = record.request;

  // Call the (mocked) service.
  const events = callEvents(ex, run, resource);
  events.scheduled(record.request, timeout, heartbeat);
  events.started();
  const outcome = await answerCall(ex, run, { resource, request, taskToken, attempt }, () => unansweredCall(name, resource, ex.mocks?.testCase));
  if (pattern !== 'request') events.submitted();
  const duration = outcome.durationSeconds ?? 0;
  if (heartbeat !== undefined && duration > heartbeat && heartbeat < timeout) {
    await ex.advance(frame, heartbeat);
    const cause = `State '${name}' sent no heartbeat within HeartbeatSeconds (${heartbeat})`;
    events.timedOut(ERRORS.HEARTBEAT_TIMEOUT, cause);
    throw new StatesError(ERRORS.HEARTBEAT_TIMEOUT, cause);
  }
  if (duration > timeout) {
    await ex.advance(frame, timeout);
    const cause = `State '${name}' did not finish within TimeoutSeconds (${timeout})`;
    events.timedOut(ERRORS.TIMEOUT, cause);
    throw new StatesError(ERRORS.TIMEOUT, cause);
  }
  await ex.advance(frame, duration);
  if (outcome.error !== undefined) {
    events.failed(outcome.error, outcome.cause ?? '');
    throw new GivenError(outcome.error, outcome.cause ?? '');
  }
  const result = outcome.result === undefined ? null : outcome.result;
  events.succeeded(result);
  checkSize(result, name, 'result');
  if (run.language === 'JSONata') {
    return ex.jsonataOutput(run, state, { input, result, context }, result, state.Next);
  }
  return ex.jsonPathOutput(state, input, result, context, frame);
}

/** A task handler's answer must be a TaskOutcome: an object with only its keys, a non-negative duration. */
/**
 * One call of a state's (mocked) service: counted per state (the mock config's invocation numbers), answered by the
 * test case's mocked response or else the task handler (its answer checked). The mocks module may throw a
 * StatesError: the call then fails with it, as a service error would (`States.Runtime` fails the execution: never
 * retried nor caught). Any other error aborts the run (a mistake in the test). `unanswered` is the error when
 * neither answers.
 */
export async function answerCall(ex: Execution, run: StateRun,
  call: { resource: string; request: any; taskToken?: string; attempt: number }, unanswered: () => StatesError): Promise<TaskOutcomeData> {
  const { name, frame } = run;
  const invocation = ex.invocations.get(name) ?? 0;
  ex.invocations.set(name, invocation + 1);
  if (ex.mocks?.has(name)) return ex.mocks.answer(name, invocation);
  if (!ex.options.taskHandler) throw unanswered();
  const answer = await ex.options.taskHandler.handle({
    stateName: name,
    resource: call.resource,
    request: call.request,
    taskToken: call.taskToken,
    attempt: call.attempt,
    invocation,
    time: new Date(ex.now).toISOString(),
    epochSeconds: Math.floor(ex.now / 1000),
    path: frame.path,
  });
  return checkOutcome(answer, name, invocation, call.attempt);
}

export function checkOutcome(answer: any, name: string, invocation: number, attempt: number): TaskOutcomeData {
  const call = `taskHandler: call ${invocation} (0-based; attempt ${attempt}) of state '${name}'`;
  if (answer === null || answer === undefined || typeof answer !== 'object' || Array.isArray(answer)) {
    throw new TaskHandlerError(`${call} must return a TaskOutcome object ({ result }, { error, cause }, with an optional durationSeconds); got ${answer === undefined ? 'undefined' : JSON.stringify(answer)}`);
  }
  const unknown = Object.keys(answer).filter((k) => !OUTCOME_KEYS.has(k));
  if (unknown.length > 0) {
    throw new TaskHandlerError(`${call} returned unknown key(s) ${unknown.map((k) => `'${k}'`).join(', ')}; a TaskOutcome has result, error, cause and durationSeconds`);
  }
  const d = answer.durationSeconds;
  if (d !== undefined && (typeof d !== 'number' || !Number.isFinite(d) || d < 0)) {
    throw new TaskHandlerError(`${call}: durationSeconds must be a non-negative number; got ${JSON.stringify(d)}`);
  }
  if (answer.error !== undefined && typeof answer.error !== 'string') {
    throw new TaskHandlerError(`${call}: error must be a string; got ${JSON.stringify(answer.error)}`);
  }
  return answer;
}
