/**
 * An execution history shaped like GetExecutionHistory's, from a run on our executor (src/testing), as the history
 * of that execution stopped at a virtual time T would read.
 *
 *   const calls = new RecordedCalls();
 *   const result = await workflow.execute({ startTime, taskHandler: calls.around(handler) });
 *   const events = historyOf(result, calls, { startTime, stopAtSeconds: 3600 });   // ... ExecutionAborted
 *
 * A thin adapter over the executor's own `result.history` (the events AWS records, with ids and previousEventId per
 * branch and iteration, in virtual-time order): it cuts the events after T, turns timestamps into Dates (as the SDK
 * gives them) and ends the history with `ExecutionAborted`. The one thing the executor cannot know is what a service
 * answered to the submission of a `.waitForTaskToken` / `.sync` task (the task handler answers with the callback's
 * output): `RecordedCalls` wraps the task handler and keeps, per call, the `submitted` response the handler gives
 * next to its outcome, which becomes that call's `TaskSubmitted` output.
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

/** The history (GetExecutionHistory's `events`, in order) of the run, stopped at `stopAtSeconds`. */
export function historyOf(result: testing.ExecutionResult, calls: RecordedCalls, options: HistoryOptions): HistoryEvent[] {
  const startMillis = Date.parse(options.startTime);
  const stopMillis = startMillis + options.stopAtSeconds * 1000;
  // The n-th call the task handler answered is the n-th TaskScheduled of the history.
  const scheduled = new Map<number, RecordedCall>();
  const byId = new Map<number, any>();
  let n = 0;
  for (const event of result.history) {
    byId.set(event.id, event);
    if (event.type === 'TaskScheduled') scheduled.set(event.id, calls.calls[n++]);
  }
  const kept = result.history.filter((e: any) => Date.parse(e.timestamp) <= stopMillis);
  const events: HistoryEvent[] = kept.map((e: any) => {
    const event: any = { ...e, timestamp: new Date(e.timestamp) };
    if (e.type === 'ExecutionStarted' && options.input !== undefined) {
      event.executionStartedEventDetails = { ...e.executionStartedEventDetails, input: JSON.stringify(options.input) };
    }
    if (e.type === 'TaskSubmitted') {
      const started = byId.get(e.previousEventId);
      const call = scheduled.get(started?.previousEventId);
      event.taskSubmittedEventDetails = { ...e.taskSubmittedEventDetails, output: JSON.stringify(call?.submitted ?? {}) };
    }
    return event;
  });
  const last = events[events.length - 1];
  if (last && last.type?.startsWith('Execution') && last.type !== 'ExecutionStarted') return events;
  events.push({
    id: events.length + 1,
    previousEventId: last?.id ?? 0,
    type: 'ExecutionAborted',
    timestamp: new Date(stopMillis),
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
