/**
 * The poll interval policy, in one place: the check handlers compute the next wait with it at run time
 * (they import this file; esbuild bundles it), the constructs use it at synth time to check that a
 * `timeout` fits in an execution's event history. Pure arithmetic, no dependencies.
 *
 * The wait before the next check is
 *
 *     min(maxPollInterval, max(pollInterval, growthPercent % of the job's elapsed time))
 *
 * clamped so that a deadline (`timeout`, and `maxQueueTime` while the job has not started) is checked
 * when it passes rather than up to one interval later. The detection delay of a job that ends at time
 * `t` is therefore at most `max(pollInterval, growthPercent % of t)` (and at most `maxPollInterval`),
 * and the number of checks grows with the logarithm of the duration until the cap is reached.
 */

/** The policy as the check function receives it (`policy` in its event). */
export interface PollPolicy {
  /** The first wait, and the shortest. */
  readonly pollIntervalSeconds: number;
  /** The longest wait. */
  readonly maxPollIntervalSeconds: number;
  /** The wait grows to this percentage of the elapsed time. */
  readonly growthPercent: number;
  /** Give up (cancel, fail) once the job has run this long since submission. */
  readonly timeoutSeconds?: number;
  /** Give up (cancel, fail) once the job has waited this long without starting. */
  readonly maxQueueSeconds?: number;
}

/** The growth used by every poller of this library: the wait grows to 10 % of the elapsed time. */
export const GROWTH_PERCENT = 10;

/**
 * Seconds to wait before the next check (an integer of at least 1), given the seconds elapsed since the
 * job was submitted and, while it has not started yet, the seconds it has been queued.
 */
export function nextPollSeconds(policy: PollPolicy, elapsedSeconds: number, queuedSeconds?: number): number {
  let wait = Math.max(policy.pollIntervalSeconds, Math.floor((elapsedSeconds * policy.growthPercent) / 100));
  wait = Math.min(wait, policy.maxPollIntervalSeconds);
  if (policy.timeoutSeconds !== undefined) {
    wait = Math.min(wait, Math.ceil(policy.timeoutSeconds - elapsedSeconds));
  }
  if (policy.maxQueueSeconds !== undefined && queuedSeconds !== undefined) {
    wait = Math.min(wait, Math.ceil(policy.maxQueueSeconds - queuedSeconds));
  }
  return Math.max(1, wait);
}

/**
 * Step Functions history events of each part of the poll loop (Standard workflows):
 * a Lambda task is Entered, Scheduled, Started, Succeeded, Exited; Wait and Choice are Entered, Exited.
 */
export const EVENTS = {
  /** ExecutionStarted + ExecutionSucceeded/Failed. */
  execution: 2,
  /** The request-response task that starts the job. */
  start: 5,
  /** One poll: Wait (2) + check task (5) + Choice (2). */
  poll: 9,
  /** The Pass state that places the result. */
  result: 2,
  /** The cancel task. */
  cancel: 5,
  /** A Fail state (its ExecutionFailed is counted in `execution`). */
  fail: 1,
  /**
   * The Parallel state the loop runs in (so that it can be caught and retried like a task): Entered, Started,
   * Succeeded, Exited (a failed run: Entered, Started, Failed — counted as 4 all the same).
   */
  parallel: 4,
  /**
   * `JobDetection.events()`: the round's `putItem.waitForTaskToken` Task instead of the Wait, when the event returns
   * the token: TaskStateEntered, TaskScheduled, TaskStarted, TaskSubmitted, TaskSucceeded, TaskStateExited. A round
   * that times out records TaskTimedOut and, caught, no TaskStateExited (5).
   * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_HistoryEvent.html
   */
  eventWait: 6,
  /**
   * `JobDetection.events()` when the PutItem itself fails (caught): TaskStateEntered, TaskScheduled, TaskStarted, the
   * failure (AWS lists TaskSubmitFailed for a submission that failed; our executor records TaskSubmitted and
   * TaskFailed: counted as 2), then the net Wait's WaitStateEntered, WaitStateExited.
   */
  eventWaitNet: 7,
} as const;

/** State transitions of each part of the loop (what Standard workflows bill). */
export const TRANSITIONS = { parallel: 1, start: 1, poll: 3, result: 1, cancel: 1, fail: 1, eventWait: 1, eventWaitNet: 2 } as const;

/** The hard limit of a Standard execution's event history. */
export const HISTORY_LIMIT = 25_000;

/** What one check costs, by the kind of loop. */
export interface LoopCost {
  /** History events per check. */
  readonly pollEvents: number;
  /** State transitions per check. */
  readonly pollTransitions: number;
  /** Events of states before the start task (the SDK loop's `Prepare job` Pass, when it has one). */
  readonly extraStartEvents: number;
  readonly extraStartTransitions: number;
  /**
   * The first wait when it is shorter than `pollIntervalSeconds` (`JobDetection.events()`: at most 10 seconds, so a
   * job that ends before the first token is stored is noticed soon); later waits follow the policy.
   * @default - `pollIntervalSeconds`
   */
  readonly firstWaitSeconds?: number;
}

/** A check function: Wait, Lambda task, Choice. */
export const FUNCTION_LOOP: LoopCost = { pollEvents: EVENTS.poll, pollTransitions: TRANSITIONS.poll, extraStartEvents: 0, extraStartTransitions: 0 };

/**
 * An AWS SDK check, in either query language: Wait (2 events), SDK task (5: Entered, Scheduled, Started, Succeeded,
 * Exited), Choice (2); the task's output (ResultSelector and Assign in JSONPath, Output in JSONata) keeps the poll
 * count and elapsed time. Its `Prepare job` Pass (when the job has values known before it starts) adds 2 events and
 * 1 transition once: see {@link sdkLoopCost}.
 */
export const SDK_LOOP: LoopCost = {
  pollEvents: EVENTS.poll, pollTransitions: TRANSITIONS.poll, extraStartEvents: 0, extraStartTransitions: 0,
};

/** The SDK loop's cost, with or without its `Prepare job` Pass. */
export function sdkLoopCost(prepare: boolean): LoopCost {
  return prepare ? { ...SDK_LOOP, extraStartEvents: 2, extraStartTransitions: 1 } : SDK_LOOP;
}

/** The first wait of an event-driven loop: at most 10 seconds (`pollInterval` when that is shorter). */
export const EVENT_FIRST_WAIT_SECONDS = 10;

/** The first wait of a loop with `JobDetection.events()`. */
export function eventFirstWaitSeconds(policy: PollPolicy): number {
  return Math.min(EVENT_FIRST_WAIT_SECONDS, policy.pollIntervalSeconds, policy.timeoutSeconds ?? Number.POSITIVE_INFINITY);
}

/**
 * A loop with `JobDetection.events()`: each round's Wait (2 events, 1 transition) becomes the
 * `putItem.waitForTaskToken` Task; counted at its worst (the PutItem failing and the net Wait running: 7 events, 2
 * transitions; a round the token ends is 6 events, one that times out 5), so that `maxJobDuration` and the `timeout` check hold whatever
 * happens to the events and to DynamoDB. The first round is short (see {@link eventFirstWaitSeconds}).
 */
export function eventLoopCost(loop: LoopCost, policy: PollPolicy): LoopCost {
  return {
    ...loop,
    pollEvents: loop.pollEvents - 2 + Math.max(EVENTS.eventWait, EVENTS.eventWaitNet),
    pollTransitions: loop.pollTransitions - 1 + TRANSITIONS.eventWaitNet,
    firstWaitSeconds: eventFirstWaitSeconds(policy),
  };
}

/** Options of {@link pollCost}. */
export interface PollCostOptions {
  /** The loop runs in a Parallel state (default true). */
  readonly parallel?: boolean;
  /** What each check costs (default {@link FUNCTION_LOOP}). */
  readonly loop?: LoopCost;
}

/** What a run of the poll loop costs, for a job of a given duration. */
export interface PollCost {
  /** Checks made (= Lambda invocations = loop iterations). */
  readonly polls: number;
  /** State transitions of the whole fragment. */
  readonly transitions: number;
  /** History events of an execution that runs only this fragment. */
  readonly events: number;
  /** Seconds between the job's end (or deadline) and the check that saw it. */
  readonly detectionDelaySeconds: number;
  /** The waits, in order. */
  readonly waits: number[];
}

/**
 * Simulates the loop for a job that finishes `durationSeconds` after submission (or, with `timedOut`,
 * hits its `timeout` then): the first wait is `pollIntervalSeconds`, each later wait comes from
 * {@link nextPollSeconds}. The job is assumed to start immediately (no queue time). The poller's loop runs in a
 * Parallel state; `parallel: false` models a loop without one (the hand-written sample it is compared with).
 */
export function pollCost(policy: PollPolicy, durationSeconds: number, options: PollCostOptions = {}): PollCost {
  const waits: number[] = [];
  let now = 0;
  let wait = options.loop?.firstWaitSeconds ?? policy.pollIntervalSeconds;
  let polls = 0;
  const end = policy.timeoutSeconds !== undefined ? Math.min(durationSeconds, policy.timeoutSeconds) : durationSeconds;
  const timedOut = policy.timeoutSeconds !== undefined && policy.timeoutSeconds < durationSeconds;
  for (;;) {
    waits.push(wait);
    now += wait;
    polls += 1;
    if (now >= end) break;
    wait = nextPollSeconds(policy, now);
  }
  const tail = timedOut
    ? { events: EVENTS.cancel + EVENTS.fail, transitions: TRANSITIONS.cancel + TRANSITIONS.fail }
    : { events: EVENTS.result, transitions: TRANSITIONS.result };
  const parallel = options.parallel ?? true;
  const loop = options.loop ?? FUNCTION_LOOP;
  return {
    polls,
    transitions: (parallel ? TRANSITIONS.parallel : 0) + TRANSITIONS.start + loop.extraStartTransitions
      + polls * loop.pollTransitions + tail.transitions,
    events: EVENTS.execution + (parallel ? EVENTS.parallel : 0) + EVENTS.start + loop.extraStartEvents + polls * loop.pollEvents + tail.events,
    detectionDelaySeconds: now - end,
    waits,
  };
}

/**
 * The longest job (in whole seconds) whose poll loop stays within the event history limit, alone in its
 * execution. Found by bisection on {@link pollCost}; the event count grows monotonically with the duration.
 */
export function maxSupportedSeconds(policy: PollPolicy, loop: LoopCost = FUNCTION_LOOP): number {
  const open: PollPolicy = { ...policy, timeoutSeconds: undefined, maxQueueSeconds: undefined };
  const fits = (seconds: number) => pollCost(open, seconds, { loop }).events <= HISTORY_LIMIT;
  let low = 1;
  let high = 1;
  while (fits(high)) {
    low = high;
    high *= 2;
    if (high > 10 * 365 * 24 * 3600) return high;
  }
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    if (fits(mid)) low = mid;
    else high = mid;
  }
  return low;
}
