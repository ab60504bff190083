import type { JobPollerStart } from '../job-poller';
import type { JobPollerSdkCheck } from '../sdk-check';

/**
 * What a `JobPoller` was built from, kept for the offline executor's mock presets (`testing.MockPresets`), which
 * answer its states in the shapes its start and check read. Not part of the public API.
 */
export interface JobPollerFacts {
  readonly start: JobPollerStart;
  readonly sdkCheck?: JobPollerSdkCheck;
}

const FACTS = new WeakMap<object, JobPollerFacts>();

/** Records what a poller was built from. */
export function rememberJobPoller(poller: object, facts: JobPollerFacts): void {
  FACTS.set(poller, facts);
}

/** What a poller was built from, if it is a `JobPoller`. */
export function jobPollerFacts(poller: object): JobPollerFacts | undefined {
  return FACTS.get(poller);
}
