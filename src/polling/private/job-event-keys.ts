/**
 * The token table's contract, shared by the waiting side and the resume side of event-driven waits (a leaf module:
 * `job-events.ts` re-exports it).
 */

/**
 * The token table: partition key `jobKey` (S), sort key `waiter` (S), the task token in `token` (S), the expiry in
 * `expiresAt` (N, epoch seconds; the table's TTL attribute).
 * - `jobKey` is `jobKeyPrefix(source)` followed by the job's identifier as the event carries it in
 *   `detail.<jobField>` (a Batch job id, a crawler name, a pipeline execution ARN, a batch inference job ARN).
 * - `waiter` identifies the waiting poller run (the execution and the state), so that each round of one run
 *   overwrites its previous token, and two runs waiting on the same job both resume.
 */
export const TOKEN_TABLE = {
  partitionKey: 'jobKey',
  sortKey: 'waiter',
  tokenAttribute: 'token',
  ttlAttribute: 'expiresAt',
} as const;

/** The state-change event of a service that says a job ended. */
export interface JobEventSource {
  /** The event's `source`, such as `aws.batch`. */
  readonly source: string;
  /** The event's `detail-type`, such as `Batch Job State Change`. */
  readonly detailType: string;
  /** The field of `detail` that identifies the job (a dotted path for a nested one), such as `jobId`. */
  readonly jobField: string;
  /** The field of `detail` that holds the job's status (a dotted path for a nested one), such as `status`. */
  readonly statusField: string;
  /** The statuses that end the job. */
  readonly terminalStatuses: string[];
}

/** The start of the `jobKey` of the jobs whose end `source` announces. */
export function jobKeyPrefix(source: JobEventSource): string {
  return `${source.source}|${source.detailType}|`;
}

/**
 * What the resume path sends back to a waiting state (`SendTaskSuccess`'s `output`, parsed by Step Functions): the
 * event arrived for this job key. The waiting side needs nothing from it: the check that follows is the truth.
 */
export interface JobEventResumeOutput {
  readonly jobEvent: 'arrived';
  readonly jobKey: string;
}
