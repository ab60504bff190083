/**
 * The check function of BatchPollerJob (one per stack, shared by every poller).
 *
 * Implements the JobPoller protocol for AWS Batch:
 * - `{ action: 'check', job: { jobId, … }, policy }` → DescribeJobs → the compact status of the job with a
 *   `poll` decision (outcome, next wait, cause);
 * - `{ action: 'cancel', job: { jobId, … }, reason }` → TerminateJob (which also cancels a job that has not
 *   started yet, and terminates the children of an array job).
 *
 * Errors the state machine can tell apart: `BatchPoller.InvalidEvent` (malformed event),
 * `BatchPoller.JobNotFound` (DescribeJobs does not know the job id), `BatchPoller.Throttled` (Batch kept
 * throttling after the retries here; the state machine retries it with a longer backoff).
 *
 * The AWS SDK v3 comes with the nodejs22.x runtime: nothing is bundled but this file and the policy arithmetic.
 */
import { BatchClient, DescribeJobsCommand, JobDetail, TerminateJobCommand } from '@aws-sdk/client-batch';
import { nextPollSeconds, PollPolicy } from '../../src/polling/private/interval';
import { HandlerError, isObject, log, preview, withThrottleRetry } from '../shared/runtime';

/** Created once per container. */
const batch = new BatchClient({});

/** An error whose name the state machine matches in Retry/Catch. */
export class BatchPollerError extends HandlerError {
  constructor(name: 'BatchPoller.InvalidEvent' | 'BatchPoller.JobNotFound', message: string) {
    super(name, message);
  }
}

export type Outcome = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'STUCK';

/** What a check returns: the job's compact status and the poll decision. */
export interface CheckResult {
  readonly jobId: string;
  readonly jobName: string | null;
  readonly jobArn: string | null;
  readonly jobQueue: string | null;
  /** SUBMITTED, PENDING, RUNNABLE, STARTING, RUNNING, SUCCEEDED or FAILED. */
  readonly status: string;
  readonly statusReason: string | null;
  /** The container's exit code (the last attempt's), when there is one. */
  readonly exitCode: number | null;
  /** The CloudWatch Logs stream of the container (the last attempt's), when there is one. */
  readonly logStreamName: string | null;
  /** ISO 8601 timestamps. */
  readonly createdAt: string | null;
  readonly startedAt: string | null;
  readonly stoppedAt: string | null;
  /** Attempts made so far. */
  readonly attempts: number;
  /** For an array job: its size and how many children are in each status. */
  readonly arrayProperties: { readonly size: number | null; readonly statusSummary: Record<string, number> } | null;
  readonly poll: {
    readonly outcome: Outcome;
    /** Seconds until the next check (when RUNNING). */
    readonly nextPollSeconds?: number;
    /** Seconds since the job was submitted. */
    readonly elapsedSeconds: number;
    /** Seconds the job has waited to start, while it has not started; null once it has. */
    readonly queuedSeconds: number | null;
    /** Why the poller fails (FAILED, TIMED_OUT, STUCK). */
    readonly cause?: string;
  };
}

export interface CancelResult {
  readonly jobId: string;
  readonly terminated: true;
  readonly reason: string;
}

/** The Lambda entry point. */
export async function handler(event: unknown): Promise<CheckResult | CancelResult> {
  const request = parseEvent(event);
  if (request.action === 'cancel') {
    const reason = request.reason === 'TIMED_OUT'
      ? 'Terminated by Step Functions (BatchPollerJob): timeout reached'
      : 'Terminated by Step Functions (BatchPollerJob): did not start within maxQueueTime';
    await withThrottleRetry(throttling('TerminateJob'), () => batch.send(new TerminateJobCommand({ jobId: request.jobId, reason })));
    log('INFO', { action: 'cancel', jobId: request.jobId, reason: request.reason });
    return { jobId: request.jobId, terminated: true, reason };
  }
  const response = await withThrottleRetry(throttling('DescribeJobs'), () => batch.send(new DescribeJobsCommand({ jobs: [request.jobId] })));
  const job = response.jobs?.find((j) => j.jobId === request.jobId) ?? response.jobs?.[0];
  if (!job) {
    throw new BatchPollerError('BatchPoller.JobNotFound', `AWS Batch does not know job ${request.jobId} (DescribeJobs returned no job)`);
  }
  const result = checkResult(job, request.policy, Date.now());
  log('INFO', { action: 'check', jobId: result.jobId, status: result.status, ...result.poll });
  return result;
}

// ---------------------------------------------------------------------------------------------------------------------

type Request =
  | { readonly action: 'check'; readonly jobId: string; readonly policy: PollPolicy }
  | { readonly action: 'cancel'; readonly jobId: string; readonly reason: 'TIMED_OUT' | 'STUCK' };

function parseEvent(event: unknown): Request {
  const bad = (what: string): never => {
    throw new BatchPollerError('BatchPoller.InvalidEvent', `Invalid event: ${what}; got ${preview(event)}`);
  };
  if (!isObject(event)) return bad('expected an object');
  const job = event.job;
  if (!isObject(job) || typeof job.jobId !== 'string' || job.jobId.length === 0) return bad('job.jobId must be a non-empty string');
  const jobId = job.jobId;
  if (event.action === 'cancel') {
    if (event.reason !== 'TIMED_OUT' && event.reason !== 'STUCK') return bad('reason must be TIMED_OUT or STUCK');
    return { action: 'cancel', jobId, reason: event.reason };
  }
  if (event.action !== 'check') return bad('action must be "check" or "cancel"');
  const p = event.policy;
  if (!isObject(p)) return bad('policy must be an object');
  const positive = (key: string, required: boolean): number | undefined => {
    const value = p[key];
    if (value === undefined && !required) return undefined;
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) return bad(`policy.${key} must be a positive number`);
    return value;
  };
  const policy: PollPolicy = {
    pollIntervalSeconds: positive('pollIntervalSeconds', true)!,
    maxPollIntervalSeconds: positive('maxPollIntervalSeconds', true)!,
    growthPercent: positive('growthPercent', true)!,
    timeoutSeconds: positive('timeoutSeconds', false),
    maxQueueSeconds: positive('maxQueueSeconds', false),
  };
  return { action: 'check', jobId, policy };
}

/** The compact status and the poll decision for a job described at `now` (epoch milliseconds). */
export function checkResult(job: JobDetail, policy: PollPolicy, now: number): CheckResult {
  const jobId = job.jobId ?? '';
  const status = job.status ?? 'UNKNOWN';
  const created = job.createdAt ?? now;
  const elapsedSeconds = Math.max(0, Math.round((now - created) / 1000));
  const queuedSeconds = hasStarted(job) ? null : elapsedSeconds;
  const lastAttempt = job.attempts?.[job.attempts.length - 1];
  const base = {
    jobId,
    jobName: job.jobName ?? null,
    jobArn: job.jobArn ?? null,
    jobQueue: job.jobQueue ?? null,
    status,
    statusReason: job.statusReason ?? null,
    exitCode: exitCodeOf(job, lastAttempt),
    logStreamName: job.container?.logStreamName ?? lastAttempt?.container?.logStreamName ?? ecsContainer(job)?.logStreamName ?? null,
    createdAt: iso(job.createdAt),
    startedAt: iso(job.startedAt),
    stoppedAt: iso(job.stoppedAt),
    attempts: Math.max(job.attempts?.length ?? 0, job.eksAttempts?.length ?? 0),
    arrayProperties: job.arrayProperties?.statusSummary
      ? { size: job.arrayProperties.size ?? null, statusSummary: job.arrayProperties.statusSummary }
      : null,
  };
  const name = `AWS Batch job ${base.jobName ?? jobId} (${jobId})`;
  const poll = (outcome: Outcome, extra: { nextPollSeconds?: number; cause?: string }) =>
    ({ ...base, poll: { outcome, elapsedSeconds, queuedSeconds, ...extra } });

  if (status === 'SUCCEEDED') return poll('SUCCEEDED', {});
  if (status === 'FAILED') {
    const details = [
      base.statusReason ?? 'no reason given',
      base.exitCode !== null ? `exit code ${base.exitCode}` : undefined,
      `${base.attempts} attempt${base.attempts === 1 ? '' : 's'}`,
      base.arrayProperties ? `children: ${summarize(base.arrayProperties.statusSummary)}` : undefined,
      base.logStreamName ? `log stream ${base.logStreamName}` : undefined,
    ].filter((d) => d !== undefined);
    return poll('FAILED', { cause: `${name} failed: ${details.join('; ')}` });
  }
  const state = `status ${status}${base.statusReason ? ` (${base.statusReason})` : ''}`;
  if (policy.timeoutSeconds !== undefined && elapsedSeconds >= policy.timeoutSeconds) {
    return poll('TIMED_OUT', {
      cause: `${name} did not finish within the timeout of ${policy.timeoutSeconds} seconds (${state} after ${elapsedSeconds} seconds); it is terminated`,
    });
  }
  if (policy.maxQueueSeconds !== undefined && queuedSeconds !== null && queuedSeconds >= policy.maxQueueSeconds) {
    return poll('STUCK', {
      cause: `${name} did not start within maxQueueTime of ${policy.maxQueueSeconds} seconds (${state}); it is terminated. ` +
        'Check that the job queue\'s compute environments can run it (instance types, vCPU limits, subnets, image).',
    });
  }
  return poll('RUNNING', { nextPollSeconds: nextPollSeconds(policy, elapsedSeconds, queuedSeconds ?? undefined) });
}

/**
 * Whether the job has started running. An array job's parent stays SUBMITTED/PENDING while its children
 * run, so it has started when any child has.
 */
function hasStarted(job: JobDetail): boolean {
  if (job.startedAt !== undefined) return true;
  if (job.status === 'RUNNING' || job.status === 'SUCCEEDED' || job.status === 'FAILED') return true;
  if ((job.attempts?.length ?? 0) > 0 || (job.eksAttempts?.length ?? 0) > 0) return true;
  const summary = job.arrayProperties?.statusSummary ?? {};
  return (summary.RUNNING ?? 0) + (summary.SUCCEEDED ?? 0) + (summary.FAILED ?? 0) > 0;
}

function exitCodeOf(job: JobDetail, lastAttempt: NonNullable<JobDetail['attempts']>[number] | undefined): number | null {
  return job.container?.exitCode
    ?? lastAttempt?.container?.exitCode
    ?? ecsContainer(job)?.exitCode
    ?? job.eksProperties?.podProperties?.containers?.find((c) => c.exitCode !== undefined)?.exitCode
    ?? null;
}

/** The essential (else first) container of a job defined with ecsProperties. */
function ecsContainer(job: JobDetail) {
  const containers = job.ecsProperties?.taskProperties?.[0]?.containers ?? [];
  return containers.find((c) => c.essential !== false && (c.exitCode !== undefined || c.logStreamName !== undefined)) ?? containers[0];
}

function summarize(summary: Record<string, number>): string {
  const entries = Object.entries(summary).filter(([, n]) => n > 0);
  return entries.length > 0 ? entries.map(([status, n]) => `${n} ${status}`).join(', ') : 'none';
}

function iso(epochMillis: number | undefined): string | null {
  return epochMillis === undefined ? null : new Date(epochMillis).toISOString();
}

// ---------------------------------------------------------------------------------------------------------------------

/** Attempts per call when Batch throttles (the SDK's own retries come on top, for network and server errors). */
export const THROTTLE_ATTEMPTS = 4;

/** Batch calls are retried while throttled, then fail with `BatchPoller.Throttled` (the state machine retries that). */
function throttling(what: string) {
  return { what, attempts: THROTTLE_ATTEMPTS, exhaustedError: 'BatchPoller.Throttled' };
}

