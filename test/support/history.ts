/**
 * An execution history shaped like GetExecutionHistory's, built from a run on our executor (src/testing), as the
 * history of that execution stopped at a virtual time T would read.
 *
 *   const calls = new RecordedCalls();
 *   const result = await workflow.execute({ startTime, taskHandler: calls.around(handler) });
 *   const events = historyOf(result, calls, { startTime, stopAtSeconds: 3600 });   // ... ExecutionAborted
 *
 * The executor records each state entered (name, type, path, entered and exited seconds, input, output) but not
 * the service calls of a Task state one by one, nor the response of a `.waitForTaskToken` submission (it never
 * sees one: the task handler answers with the callback's output). `RecordedCalls` wraps the task handler to keep
 * every call (its time, request, outcome) and, for callback tasks, the submission response the handler says the
 * service returned (`submitted` next to the outcome, taken off before the executor sees it).
 *
 * Events (as AWS writes them; the details the cdk-sfn-jobs handler reads are filled in, others left out):
 * - `ExecutionStarted`, then per state `<Type>StateEntered` and `<Type>StateExited` (with input / output);
 * - Task states: per call (retries included) `TaskScheduled` (resourceType, resource, parameters = the request),
 *   `TaskStarted`, for `.waitForTaskToken` / `.sync` `TaskSubmitted` at the call's start (with `submitted` as
 *   output), then `TaskSucceeded` (output = the task's result) or `TaskFailed` when the call's duration is over;
 * - Parallel: `ParallelStateStarted` after Entered, each branch's first event pointing at it, then
 *   `ParallelStateSucceeded` / `ParallelStateFailed` before Exited;
 * - Map: `MapStateStarted` (length), per iteration `MapIterationStarted` (name, index), the iteration's events
 *   pointing at it, `MapIterationSucceeded` / `MapIterationFailed`, then `MapStateSucceeded` / `MapStateFailed`.
 * Each event's `previousEventId` is the previous event of its own branch or iteration. Events of different
 * branches are ordered by virtual time (the executor runs them one after the other, AWS at the same time);
 * at equal times, in the executor's order. Events after T are cut; the history ends with `ExecutionAborted`.
 *
 * Not covered: TaskTimedOut (a call past TimeoutSeconds), Distributed Map child executions, Wait states' own
 * details, and a Parallel or Map entered twice at the same path (told apart by time only).
 */
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { testing } from '../../src';

/** One call of a Task state as the executor made it. */
export interface RecordedCall {
  readonly stateName: string;
  readonly path: string;
  readonly resource: string;
  readonly request: any;
  readonly attempt: number;
  /** Virtual epoch seconds of the call. */
  readonly epochSeconds: number;
  readonly outcome: testing.TaskOutcome;
  /** What the service answered to the submission of a callback (or `.sync`) task. */
  readonly submitted?: any;
}

/** A task outcome with, for callback tasks, the submission's response (which the executor does not get). */
export type RecordedOutcome = testing.TaskOutcome & { readonly submitted?: any };

/** Keeps every Task call of an execution. */
export class RecordedCalls {
  public readonly calls: RecordedCall[] = [];

  /** A task handler that answers with `handle` and records each call. */
  public around(handle: (invocation: testing.TaskInvocation) => RecordedOutcome | Promise<RecordedOutcome>): testing.ITaskHandler {
    return {
      handle: async (invocation: testing.TaskInvocation) => {
        const { submitted, ...outcome } = await handle(invocation);
        this.calls.push({
          stateName: invocation.stateName,
          path: invocation.path,
          resource: invocation.resource,
          request: invocation.request,
          attempt: invocation.attempt,
          epochSeconds: invocation.epochSeconds,
          outcome,
          submitted,
        });
        return outcome;
      },
    };
  }
}

export interface HistoryOptions {
  /** The execution's start time, as given to `execute`. */
  readonly startTime: string;
  /** Virtual seconds after the start when the execution was stopped: later events are cut. */
  readonly stopAtSeconds: number;
  /** @default '{}' as the ExecutionStarted input */
  readonly input?: any;
}

/** An event before ids: its time, its type and details, and the draft event it follows on its path. */
interface Draft {
  readonly seconds: number;
  readonly type: string;
  readonly details: Record<string, unknown>;
  readonly previous?: Draft;
  id?: number;
}

/** The history (GetExecutionHistory's `events`, in order) of the run, stopped at `stopAtSeconds`. */
export function historyOf(result: testing.ExecutionResult, calls: RecordedCalls, options: HistoryOptions): HistoryEvent[] {
  const startSeconds = Date.parse(options.startTime) / 1000;
  const drafts: Draft[] = [];
  const add = (previous: Draft | undefined, seconds: number, type: string, details: Record<string, unknown> = {}): Draft => {
    const draft: Draft = { seconds, type, details, previous };
    drafts.push(draft);
    return draft;
  };

  /** The states run on `path` between `from` and `to` seconds, each chained after the previous one. */
  const runPath = (path: string, from: number, to: number | undefined, first: Draft): Draft => {
    let last = first;
    const records = result.states.filter((s) => s.path === path && s.enteredSeconds >= from && (to === undefined || s.enteredSeconds <= to));
    for (const record of records) last = runState(record, last);
    return last;
  };

  const runState = (record: testing.StateRecord, previous: Draft): Draft => {
    const { name, type, path } = record;
    const entered = record.enteredSeconds;
    const exited = record.exitedSeconds;
    let last = add(previous, entered, `${type}StateEntered`, { stateEnteredEventDetails: { name, input: JSON.stringify(record.input) } });
    const childPath = (i: number) => `${path ? `${path}/` : ''}${name}/${i}`;
    const children = (): number[] => {
      const indexes = new Set<number>();
      for (const s of result.states) {
        const m = s.path.startsWith(`${path ? `${path}/` : ''}${name}/`) ? /^(\d+)/.exec(s.path.slice((path ? `${path}/` : '').length + name.length + 1)) : null;
        if (m && s.enteredSeconds >= entered && (exited === undefined || s.enteredSeconds <= exited)) indexes.add(Number(m[1]));
      }
      return [...indexes].sort((a, b) => a - b);
    };
    const failed = record.error !== undefined;
    if (type === 'Task') {
      const mine = calls.calls.filter((c) => c.stateName === name && c.path === path
        && c.epochSeconds - startSeconds >= entered && (exited === undefined || c.epochSeconds - startSeconds <= exited));
      for (const call of mine) last = runCall(call, last);
    } else if (type === 'Parallel') {
      const started = add(last, entered, 'ParallelStateStarted');
      const ends = children().map((i) => runPath(childPath(i), entered, exited, started));
      last = ends.reduce((a, b) => (b.seconds >= a.seconds ? b : a), started);
      if (exited !== undefined) last = add(last, exited, failed ? 'ParallelStateFailed' : 'ParallelStateSucceeded');
    } else if (type === 'Map') {
      const indexes = children();
      const started = add(last, entered, 'MapStateStarted', { mapStateStartedEventDetails: { length: indexes.length } });
      const ends = indexes.map((index) => {
        const iteration = add(started, entered, 'MapIterationStarted', { mapIterationStartedEventDetails: { name, index } });
        const end = runPath(childPath(index), entered, exited, iteration);
        const iterationRecords = result.states.filter((s) => s.path === childPath(index));
        const final = iterationRecords[iterationRecords.length - 1];
        if (final?.exitedSeconds === undefined) return end;
        // An iteration ends with its last state (its error, when it failed, is that state's).
        return add(end, final.exitedSeconds, final.error !== undefined && final.output === undefined ? 'MapIterationFailed' : 'MapIterationSucceeded',
          { mapIterationSucceededEventDetails: { name, index } });
      });
      last = ends.reduce((a, b) => (b.seconds >= a.seconds ? b : a), started);
      if (exited !== undefined) last = add(last, exited, failed ? 'MapStateFailed' : 'MapStateSucceeded');
    }
    if (exited !== undefined && record.output !== undefined) {
      last = add(last, exited, `${type}StateExited`, { stateExitedEventDetails: { name, output: JSON.stringify(record.output) } });
    }
    return last;
  };

  const runCall = (call: RecordedCall, previous: Draft): Draft => {
    const seconds = call.epochSeconds - startSeconds;
    const { resourceType, resource } = resourceOf(call.resource);
    let last = add(previous, seconds, 'TaskScheduled', {
      taskScheduledEventDetails: { resourceType, resource, region: 'us-east-1', parameters: JSON.stringify(call.request) },
    });
    last = add(last, seconds, 'TaskStarted', { taskStartedEventDetails: { resourceType, resource } });
    if (/\.(waitForTaskToken|sync(:2)?)$/.test(resource)) {
      last = add(last, seconds, 'TaskSubmitted', { taskSubmittedEventDetails: { resourceType, resource, output: JSON.stringify(call.submitted ?? {}) } });
    }
    const end = seconds + (call.outcome.durationSeconds ?? 0);
    if (call.outcome.error !== undefined) {
      return add(last, end, 'TaskFailed', { taskFailedEventDetails: { resourceType, resource, error: call.outcome.error, cause: call.outcome.cause ?? '' } });
    }
    return add(last, end, 'TaskSucceeded', {
      taskSucceededEventDetails: { resourceType, resource, output: JSON.stringify(call.outcome.result ?? null) },
    });
  };

  const executionStarted = add(undefined, 0, 'ExecutionStarted', { executionStartedEventDetails: { input: JSON.stringify(options.input ?? {}) } });
  const last = runPath('', 0, undefined, executionStarted);

  // Cut at T, keep the executor's order at equal times (a stable sort), number the events.
  const kept = drafts
    .map((draft, order) => ({ draft, order }))
    .filter(({ draft }) => draft.seconds <= options.stopAtSeconds)
    .sort((a, b) => a.draft.seconds - b.draft.seconds || a.order - b.order)
    .map(({ draft }) => draft);
  kept.forEach((draft, i) => { draft.id = i + 1; });
  const lastKept = kept[kept.length - 1];
  const events: HistoryEvent[] = kept.map((draft) => ({
    id: draft.id,
    previousEventId: draft.previous?.id ?? 0,
    type: draft.type as HistoryEvent['type'],
    timestamp: new Date((startSeconds + draft.seconds) * 1000),
    ...draft.details,
  }));
  if (last.seconds <= options.stopAtSeconds && last.type.startsWith('Execution')) return events;
  events.push({
    id: events.length + 1,
    previousEventId: lastKept?.id ?? 0,
    type: 'ExecutionAborted',
    timestamp: new Date((startSeconds + options.stopAtSeconds) * 1000),
    executionAbortedEventDetails: { error: 'Stopped', cause: 'StopExecution' },
  });
  return events;
}

/** `arn:aws:states:::ecs:runTask.waitForTaskToken` → `ecs`, `runTask.waitForTaskToken`; `…:::aws-sdk:glue:startJobRun` → `aws-sdk:glue`, `startJobRun`. */
export function resourceOf(arn: string): { resourceType: string; resource: string } {
  const m = /^arn:[^:]+:states:::(.+):([^:]+)$/.exec(arn);
  if (!m) return { resourceType: 'lambda', resource: 'invoke' }; // a function ARN as Resource
  return { resourceType: m[1], resource: m[2] };
}

/** The events in pages of `size`, as GetExecutionHistory returns them (`nextToken` = `page-<n>`). */
export function historyPages(events: HistoryEvent[], size: number): Array<{ events: HistoryEvent[]; nextToken?: string }> {
  const pages = [];
  for (let i = 0; i < events.length; i += size) {
    const last = i + size >= events.length;
    pages.push({ events: events.slice(i, i + size), nextToken: last ? undefined : `page-${i / size + 2}` });
  }
  return pages;
}
