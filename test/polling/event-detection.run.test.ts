/**
 * `JobDetection.events()` executed offline: every poller kind (JobPoller with a check function and with an SDK check,
 * and the four waits) in JSONPath and JSONata, at the top level, in a Parallel and in a Map, against a simulated job on
 * the executor's virtual clock. The round's `putItem.waitForTaskToken` answers when the job's event arrives (the
 * task handler's `durationSeconds`); a round whose event never comes times out (`States.Timeout`, caught), and the
 * check decides every time.
 *
 * Semantics relied on: a `.waitForTaskToken` task succeeds when its token is returned and fails with `States.Timeout`
 * after `TimeoutSeconds` otherwise.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/connect-to-resource.html#connect-wait-token
 */
import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import {
  BatchPollerJob,
  BedrockBatchInferencePollerJob,
  GlueCrawlerPollerJob,
  JobDetection,
  JobPoller,
  SageMakerPipelinePollerJob,
  testing,
} from '../../src';
import { GROWTH_PERCENT, nextPollSeconds, PollPolicy } from '../../src/polling/private/interval';
import { Language, LANGUAGES, place, Placed, Placement } from '../support';

const MINUTE = 60;
const ACCOUNT = '123456789012';
const PLACEMENTS: readonly Placement[] = ['top', 'parallel', 'map'];
const EVENT_LATENCY = 4;
const NEVER = 1e9;

/** What happens to the job and its events. */
interface Scenario {
  /** Seconds after the start at which the job ends (undefined: never). */
  readonly endsAt?: number;
  readonly fails?: boolean;
  /** Whether the job's event reaches the stored tokens (false: every event lost). */
  readonly events: boolean;
  /** The PutItem of every round fails. */
  readonly putFails?: boolean;
  /** The job's event was delivered before the first token was stored (so it returns none). */
  readonly eventBeforeFirstToken?: boolean;
}

/** A simulated service: the job's status as a function of the virtual time. */
class Sim {
  public startedAt?: number;
  public cancelled = 0;
  public puts: any[] = [];
  constructor(private readonly scenario: Scenario) {}

  public started(now: number): void {
    this.startedAt = now;
  }

  /** running / succeeded / failed at `now`. */
  public status(now: number): 'running' | 'succeeded' | 'failed' {
    const { endsAt, fails } = this.scenario;
    if (endsAt === undefined || now - this.startedAt! < endsAt) return 'running';
    return fails ? 'failed' : 'succeeded';
  }

  /** The round's wait: answered when the event reaches the token stored now, else never (it times out). */
  public waitForEvent(request: any, now: number): testing.TaskOutcome {
    this.puts.push(request);
    if (this.scenario.putFails) return { error: 'DynamoDb.InternalServerErrorException', cause: 'simulated' };
    const { endsAt } = this.scenario;
    if (!this.scenario.events || endsAt === undefined || this.scenario.eventBeforeFirstToken) return { durationSeconds: NEVER };
    const arrives = this.startedAt! + endsAt + EVENT_LATENCY;
    // An event that came before the token was stored returns nothing: the race, caught by the round's timeout.
    return arrives >= now ? { result: {}, durationSeconds: arrives - now } : { durationSeconds: NEVER };
  }
}

/** A poller kind: how to build it, its state-name prefix, and how its services answer. */
interface Kind {
  readonly name: string;
  readonly build: (scope: Construct, detection: JobDetection, timeout?: Duration) => { startState: any } & object;
  readonly jobKeyValue: string;
  readonly keyPrefix: string;
  readonly timedOutError: string;
  readonly failedError: string;
  /** Answers Start job / Check job / Cancel job. */
  readonly answer: (sim: Sim, suffix: string, request: any, now: number) => testing.TaskOutcome;
}

const statusOf = (map: Record<string, string>) => (sim: Sim, now: number) => map[sim.status(now)];

/** The check-function protocol, as a function following the policy would answer. */
function functionCheck(sim: Sim, request: any, now: number, job: Record<string, unknown>): testing.TaskOutcome {
  const payload = request.Payload;
  if (payload.action === 'cancel') {
    sim.cancelled++;
    return { result: { Payload: { ...job, cancelled: true } } };
  }
  const policy: PollPolicy = payload.policy;
  const elapsed = now - sim.startedAt!;
  const status = sim.status(now);
  const poll = status === 'running'
    ? (policy.timeoutSeconds !== undefined && elapsed >= policy.timeoutSeconds
      ? { outcome: 'TIMED_OUT', nextPollSeconds: 1, cause: 'timed out' }
      : { outcome: 'RUNNING', nextPollSeconds: nextPollSeconds(policy, elapsed) })
    : status === 'succeeded' ? { outcome: 'SUCCEEDED', nextPollSeconds: 1 } : { outcome: 'FAILED', nextPollSeconds: 1, cause: 'the job failed' };
  return { result: { Payload: { ...job, status, poll } } };
}

const QUEUE = `arn:aws:batch:us-east-1:${ACCOUNT}:job-queue/q`;
const DEFINITION = `arn:aws:batch:us-east-1:${ACCOUNT}:job-definition/d`;
const EXECUTION_ARN = `arn:aws:sagemaker:us-east-1:${ACCOUNT}:pipeline/train/execution/abc123`;
const BEDROCK_JOB_ARN = `arn:aws:bedrock:us-east-1:${ACCOUNT}:model-invocation-job/j1`;

const KINDS: Kind[] = [
  {
    name: 'JobPoller (check function)',
    build: (scope, detection, timeout) => {
      const fn = lambda.Function.fromFunctionArn(scope, 'Fn', `arn:aws:lambda:us-east-1:${ACCOUNT}:function:check`);
      return new JobPoller(scope, 'Job', {
        errorPrefix: 'My',
        checkFunction: fn,
        start: { resource: 'arn:aws:states:::batch:submitJob', parameters: { JobName: 'x' }, resultFields: { jobId: 'JobId' } },
        detection: detection.usesEvents
          ? JobDetection.events({ event: { source: 'aws.batch', detailType: 'Batch Job State Change', jobField: 'jobId', statusField: 'status', terminalStatuses: ['SUCCEEDED', 'FAILED'], jobKey: 'jobId' } })
          : detection,
        timeout,
      });
    },
    jobKeyValue: 'job-1',
    keyPrefix: 'aws.batch|Batch Job State Change|',
    timedOutError: 'My.JobTimedOut',
    failedError: 'My.JobFailed',
    answer: (sim, suffix, request, now) => {
      if (suffix === 'Start job') return { result: { JobId: 'job-1' } };
      return functionCheck(sim, request, now, { jobId: 'job-1' });
    },
  },
  {
    name: 'JobPoller (SDK check)',
    build: (scope, detection, timeout) => new JobPoller(scope, 'Job', {
      errorPrefix: 'My',
      start: {
        resource: 'arn:aws:states:::aws-sdk:glue:startJobRun',
        parameters: { JobName: 'etl' },
        resultFields: { runId: 'JobRunId' },
        policyStatements: [new iam.PolicyStatement({ actions: ['glue:StartJobRun'], resources: [`arn:aws:glue:us-east-1:${ACCOUNT}:job/etl`] })],
      },
      sdkCheck: {
        jobDescription: 'Glue job run',
        call: { resource: 'arn:aws:states:::aws-sdk:glue:getJobRun', parameters: { JobName: 'etl' }, jobParameters: { RunId: 'runId' } },
        status: { statusField: 'JobRun.JobRunState', runningValues: ['STARTING', 'RUNNING'], succeededValues: ['SUCCEEDED'], reasonField: 'JobRun.ErrorMessage' },
        cancel: { resource: 'arn:aws:states:::aws-sdk:glue:batchStopJobRun', parameters: { JobName: 'etl' }, jobParameters: { JobRunIds: 'runId' } },
      },
      detection: detection.usesEvents
        ? JobDetection.events({ event: { source: 'aws.glue', detailType: 'Glue Job State Change', jobField: 'jobRunId', statusField: 'state', terminalStatuses: ['SUCCEEDED', 'FAILED', 'TIMEOUT', 'STOPPED'], jobKey: 'runId' } })
        : detection,
      cancelJobOnExecutionStop: false,
      timeout,
    }),
    jobKeyValue: 'jr_1',
    keyPrefix: 'aws.glue|Glue Job State Change|',
    timedOutError: 'My.JobTimedOut',
    failedError: 'My.JobFailed',
    answer: (sim, suffix, _request, now) => {
      if (suffix === 'Start job') return { result: { JobRunId: 'jr_1' } };
      if (suffix === 'Cancel job') { sim.cancelled++; return { result: {} }; }
      const state = statusOf({ running: 'RUNNING', succeeded: 'SUCCEEDED', failed: 'FAILED' })(sim, now);
      return { result: { JobRun: { JobRunState: state, ...(state === 'FAILED' ? { ErrorMessage: 'the job failed' } : {}) } } };
    },
  },
  {
    name: 'BatchPollerJob',
    build: (scope, detection, timeout) => new BatchPollerJob(scope, 'Job', { jobQueueArn: QUEUE, jobDefinitionArn: DEFINITION, detection, timeout }),
    jobKeyValue: 'job-1',
    keyPrefix: 'aws.batch|Batch Job State Change|',
    timedOutError: BatchPollerJob.JOB_TIMED_OUT,
    failedError: BatchPollerJob.JOB_FAILED,
    answer: (sim, suffix, request, now) => {
      if (suffix === 'Start job') return { result: { JobId: 'job-1', JobName: 'Job', JobArn: `arn:aws:batch:us-east-1:${ACCOUNT}:job/job-1` } };
      return functionCheck(sim, request, now, { jobId: 'job-1', jobName: 'Job' });
    },
  },
  {
    name: 'GlueCrawlerPollerJob',
    build: (scope, detection, timeout) => new GlueCrawlerPollerJob(scope, 'Job', { crawlerName: 'sales', detection, timeout }),
    jobKeyValue: 'sales',
    keyPrefix: 'aws.glue|Glue Crawler State Change|',
    timedOutError: GlueCrawlerPollerJob.JOB_TIMED_OUT,
    failedError: GlueCrawlerPollerJob.JOB_FAILED,
    answer: (sim, suffix, _request, now) => {
      if (suffix === 'Start job') return { result: {} };
      if (suffix === 'Cancel job') { sim.cancelled++; return { result: {} }; }
      const status = sim.status(now);
      return {
        result: {
          Crawler: status === 'running'
            ? { Name: 'sales', State: 'RUNNING' }
            : { Name: 'sales', State: 'READY', LastCrawl: status === 'succeeded' ? { Status: 'SUCCEEDED' } : { Status: 'FAILED', ErrorMessage: 'the job failed' } },
        },
      };
    },
  },
  {
    name: 'SageMakerPipelinePollerJob',
    build: (scope, detection, timeout) => new SageMakerPipelinePollerJob(scope, 'Job', { pipelineName: 'train', detection, timeout }),
    jobKeyValue: EXECUTION_ARN,
    keyPrefix: 'aws.sagemaker|SageMaker Model Building Pipeline Execution Status Change|',
    timedOutError: SageMakerPipelinePollerJob.JOB_TIMED_OUT,
    failedError: SageMakerPipelinePollerJob.JOB_FAILED,
    answer: (sim, suffix, _request, now) => {
      if (suffix === 'Start job') return { result: { PipelineExecutionArn: EXECUTION_ARN } };
      if (suffix === 'Cancel job') { sim.cancelled++; return { result: {} }; }
      const status = statusOf({ running: 'Executing', succeeded: 'Succeeded', failed: 'Failed' })(sim, now);
      return { result: { PipelineExecutionStatus: status, ...(status === 'Failed' ? { FailureReason: 'the job failed' } : {}) } };
    },
  },
  {
    name: 'BedrockBatchInferencePollerJob',
    build: (scope, detection, timeout) => new BedrockBatchInferencePollerJob(scope, 'Job', {
      modelId: 'anthropic.claude-3-haiku-20240307-v1:0',
      input: tasks.S3Location.fromBucket(s3.Bucket.fromBucketName(scope, 'In', 'prompts-bucket'), 'in/'),
      output: tasks.S3Location.fromBucket(s3.Bucket.fromBucketName(scope, 'Out', 'prompts-bucket'), 'out/'),
      detection,
      timeout,
    }),
    jobKeyValue: BEDROCK_JOB_ARN,
    keyPrefix: 'aws.bedrock|Batch Inference Job State Change|',
    timedOutError: BedrockBatchInferencePollerJob.JOB_TIMED_OUT,
    failedError: BedrockBatchInferencePollerJob.JOB_FAILED,
    answer: (sim, suffix, _request, now) => {
      if (suffix === 'Start job') return { result: { JobArn: BEDROCK_JOB_ARN } };
      if (suffix === 'Cancel job') { sim.cancelled++; return { result: {} }; }
      const status = statusOf({ running: 'InProgress', succeeded: 'Completed', failed: 'Failed' })(sim, now);
      return { result: { Status: status, ...(status === 'Failed' ? { Message: 'the job failed' } : {}) } };
    },
  },
];

/** Definitions synthesized once per kind, language, placement and timeout (synthesis dominates the run time). */
const PLACED = new Map<string, Placed>();

async function run(kind: Kind, language: Language, placement: Placement, scenario: Scenario, timeout?: Duration) {
  const sim = new Sim(scenario);
  const key = [kind.name, language, placement, timeout?.toSeconds()].join('|');
  let placed = PLACED.get(key);
  if (!placed) {
    placed = place((scope) => kind.build(scope, JobDetection.events(), timeout) as any, language, placement);
    PLACED.set(key, placed);
  }
  const inMap = placement === 'map';
  const inParallel = placement === 'parallel';
  const result = await testing.Workflow.fromDefinition(placed.definition).execute({
    input: inMap ? [{}] : {},
    taskHandler: {
      handle: (invocation) => {
        const suffix = invocation.stateName.replace(/^Job: /, '');
        if (suffix === 'Start job') sim.started(invocation.epochSeconds);
        if (suffix === 'Wait for job event') return sim.waitForEvent(invocation.request, invocation.epochSeconds);
        return kind.answer(sim, suffix, invocation.request, invocation.epochSeconds);
      },
    },
  });
  const states = result.states.filter((s) => s.name.startsWith('Job: '));
  const named = (name: string) => states.filter((s) => s.name === `Job: ${name}`);
  const start = named('Start job')[0];
  return {
    status: result.status,
    error: result.error,
    cause: result.cause,
    output: result.output === undefined ? undefined : inMap || inParallel ? result.output[0] : result.output,
    sim,
    named,
    checks: named('Check job'),
    waits: named('Wait for job event'),
    start,
  };
}

const CASES = KINDS.flatMap((kind) => LANGUAGES.flatMap((language) =>
  PLACEMENTS.map((placement): [string, Language, Placement, Kind] => [kind.name, language, placement, kind])));

describe.each(CASES)('%s, %s, %s', (_name, language, placement, kind) => {
  test('the event path: the job\'s event returns the token and the check, run at once, finds the job ended', async () => {
    // GIVEN a job that ends after 40 minutes, its event 4 seconds later
    const endsAt = 40 * MINUTE;

    // WHEN
    const r = await run(kind, language, placement, { endsAt, events: true });

    // THEN it succeeds, noticed within the event's latency
    expect(r.status).toBe('SUCCEEDED');
    const last = r.checks[r.checks.length - 1];
    expect(last.enteredSeconds - r.start.enteredSeconds).toBeGreaterThanOrEqual(endsAt);
    expect(last.enteredSeconds - r.start.enteredSeconds).toBeLessThanOrEqual(endsAt + EVENT_LATENCY);
    // every round but the last timed out (no event yet); the last one was woken
    expect(r.waits.slice(0, -1).every((w) => w.error === 'States.Timeout')).toBe(true);
    expect(r.waits[r.waits.length - 1].error).toBeUndefined();
    expect(r.waits).toHaveLength(r.checks.length);
    // the token was stored under the job's key, for this execution's waiting state
    expect(r.sim.puts[0].Item).toEqual({
      jobKey: { S: `${kind.keyPrefix}${kind.jobKeyValue}` },
      waiter: { S: expect.stringMatching(/^arn:aws:states:us-east-1:\d+:execution:.+\|Job: Wait for job event$/) },
      token: { S: expect.any(String) },
      expiresAt: { N: String(Date.parse('2026-01-01T00:00:00Z') / 1000 + r.waits[0].enteredSeconds + 10 + 3600) },
    });
    expect(r.sim.cancelled).toBe(0);
  });

  test('the lost-event path: every round times out, the check finds the job ended, as polling would', async () => {
    // GIVEN every event is lost
    const endsAt = 40 * MINUTE;

    // WHEN
    const r = await run(kind, language, placement, { endsAt, events: false });

    // THEN
    expect(r.status).toBe('SUCCEEDED');
    expect(r.waits.every((w) => w.error === 'States.Timeout')).toBe(true);
    const waited = r.waits.map((w) => w.exitedSeconds! - w.enteredSeconds);
    expect(waited[0]).toBe(10); // the short first round
    // then the poll schedule: 30 s, then 10 % of the elapsed time
    expect(waited[1]).toBe(30);
    const last = r.checks[r.checks.length - 1];
    const delay = last.enteredSeconds - r.start.enteredSeconds - endsAt;
    expect(delay).toBeGreaterThanOrEqual(0);
    expect(delay).toBeLessThanOrEqual(Math.ceil(endsAt * GROWTH_PERCENT / 100));
  });

  test('the race: the job ended before the first token was stored; the short first round catches it', async () => {
    // WHEN the job has ended (and its event gone by) before the first round
    const r = await run(kind, language, placement, { endsAt: 0, events: true, eventBeforeFirstToken: true });

    // THEN one round, timed out after 10 seconds, and the check finds the job ended
    expect(r.status).toBe('SUCCEEDED');
    expect(r.waits).toHaveLength(1);
    expect(r.waits[0]).toMatchObject({ error: 'States.Timeout' });
    expect(r.checks).toHaveLength(1);
    expect(r.checks[0].enteredSeconds - r.start.enteredSeconds).toBe(10);
  });

  test('failure: the event wakes the wait, the check finds the job failed', async () => {
    // WHEN
    const r = await run(kind, language, placement, { endsAt: 5 * MINUTE, fails: true, events: true });

    // THEN
    expect(r.status).toBe('FAILED');
    expect(r.error).toBe(kind.failedError);
    expect(r.cause).toMatch(/the job failed/);
    expect(r.waits[r.waits.length - 1].error).toBeUndefined();
  });

  test('deadline: no event comes, the rounds time out, the job is cancelled at the timeout', async () => {
    // WHEN the job never ends, timeout 10 minutes
    const r = await run(kind, language, placement, { events: true }, Duration.minutes(10));

    // THEN
    expect(r.status).toBe('FAILED');
    expect(r.error).toBe(kind.timedOutError);
    expect(r.sim.cancelled).toBe(1);
    expect(r.waits.every((w) => w.error === 'States.Timeout')).toBe(true);
  });

  test('the net: PutItem fails, the plain Wait of the same seconds runs, the check still decides', async () => {
    // WHEN every PutItem fails
    const r = await run(kind, language, placement, { endsAt: 2 * MINUTE, events: true, putFails: true });

    // THEN
    expect(r.status).toBe('SUCCEEDED');
    expect(r.waits.every((w) => w.error === 'DynamoDb.InternalServerErrorException')).toBe(true);
    const nets = r.named('Wait');
    expect(nets).toHaveLength(r.checks.length);
    expect(nets.map((w) => w.exitedSeconds! - w.enteredSeconds).slice(0, 2)).toEqual([10, 30]);
  });
});
