import { nextPollSeconds, PollPolicy } from './interval';

/**
 * The poll policy as a table, for checks made by the state machine itself (an AWS SDK call, no function):
 * JSONPath has no multiplication, so the waits are computed here, at synthesis, with the same
 * {@link nextPollSeconds} the check functions use at run time, and the state machine looks them up by the
 * poll count (`States.ArrayGetItem` in JSONPath, an array index in JSONata).
 *
 * `waits[i]` is the wait before check `i + 1`; `next[i]` is the index of the wait after it: `i + 1`, except
 * for the last entry, which repeats. Without a `timeout` the table ends at the first wait that reaches
 * `maxPollInterval` (every later wait is that one); with a `timeout` it runs to the deadline, its last wait
 * shortened so that the deadline is checked when it passes (as `nextPollSeconds` does).
 *
 * The elapsed time is the sum of the waits (the checks themselves take well under a second each, and are
 * not counted: the deadline is a lower bound of the wall-clock time, by at most a second per check).
 */
export interface PollSchedule {
  readonly waits: number[];
  readonly next: number[];
}

/**
 * The table of waits for a policy (see {@link PollSchedule}); `maxQueueSeconds` does not apply. `firstWaitSeconds`
 * shortens the first wait (`JobDetection.events()`); the later ones follow the policy from there.
 */
export function pollSchedule(policy: PollPolicy, firstWaitSeconds?: number): PollSchedule {
  const open: PollPolicy = { ...policy, maxQueueSeconds: undefined };
  const waits: number[] = [];
  let now = 0;
  const first = firstWaitSeconds ?? open.pollIntervalSeconds;
  let wait = open.timeoutSeconds !== undefined ? Math.min(first, open.timeoutSeconds) : first;
  for (;;) {
    waits.push(wait);
    now += wait;
    if (open.timeoutSeconds !== undefined ? now >= open.timeoutSeconds : wait >= open.maxPollIntervalSeconds) break;
    wait = nextPollSeconds(open, now);
  }
  return { waits, next: waits.map((_, i) => Math.min(i + 1, waits.length - 1)) };
}

/** The waits of the first `count` checks, following the table (the last entry repeats). */
export function scheduledWaits(schedule: PollSchedule, count: number): number[] {
  const out: number[] = [];
  let index = 0;
  for (let i = 0; i < count; i++) {
    out.push(schedule.waits[index]);
    index = schedule.next[index];
  }
  return out;
}
