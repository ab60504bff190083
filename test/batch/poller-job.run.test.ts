/**
 * Offline executions of BatchPollerJob: the synthesized JSONPath definition on the runner, with the real
 * check handler (lambda/batch-poller) answering the Lambda tasks against a simulated AWS Batch
 * (aws-sdk-client-mock) on a virtual clock that advances by each Wait's seconds.
 */
import { BatchClient, DescribeJobsCommand, JobDetail, SubmitJobCommandOutput, TerminateJobCommand } from '@aws-sdk/client-batch';
import { Duration } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { mockClient } from 'aws-sdk-client-mock';
import { Construct } from 'constructs';
import { handler } from '../../lambda/batch-poller/index';
import { BatchPollerJob, BatchPollerJobProps, testing } from '../../src';
import { GROWTH_PERCENT, pollCost } from '../../src/polling/private/interval';
import { expectValidAsl, MATRIX, renderChainable, runPlaced, runWorkflow, ServiceHandler, taskError, WorkflowResult } from '../support';


const QUEUE_ARN = 'arn:aws:batch:us-east-1:123456789012:job-queue/training';
const DEFINITION_ARN = 'arn:aws:batch:us-east-1:123456789012:job-definition/train:7';
const T0 = Date.parse('2024-05-01T00:00:00.000Z');
const MINUTE = 60;
const HOUR = 3600;

const batchMock = mockClient(BatchClient);

/** A simulated Batch job: its state as a function of the seconds since submission. */
type Timeline = (seconds: number) => Partial<JobDetail>;

/** One simulated AWS account: jobs submitted so far, a virtual clock, the Batch API. */
class SimulatedBatch {
  public now = T0;
  public readonly submitted: Array<{ jobId: string; request: any; createdAt: number; timeline: Timeline }> = [];
  public readonly terminated: Array<{ jobId: string; reason: string }> = [];

  constructor() {
    batchMock.reset();
    batchMock.on(DescribeJobsCommand).callsFake((input: { jobs: string[] }) => ({
      jobs: this.submitted.filter((j) => input.jobs.includes(j.jobId)).map((j) => this.describe(j)),
    }));
    batchMock.on(TerminateJobCommand).callsFake((input: { jobId: string; reason: string }) => {
      this.terminated.push(input);
      return {};
    });
  }

  /** Services for the Task states of the poller `id`, whose job follows `timeline`. */
  public services(id: string, timeline: Timeline, overrides: Record<string, ServiceHandler> = {}): Record<string, ServiceHandler> {
    return {
      [`${id}: Start job`]: (request) => this.submit(request, timeline),
      [`${id}: Check job`]: async (input) => {
        // the Wait before this check has just passed
        this.now += input.Payload.job.poll.nextPollSeconds * 1000;
        return this.invoke(input.Payload);
      },
      [`${id}: Cancel job (timed out)`]: (input) => this.invoke(input.Payload),
      [`${id}: Cancel job (stuck)`]: (input) => this.invoke(input.Payload),
      ...overrides,
    };
  }

  public submit(request: any, timeline: Timeline): Partial<SubmitJobCommandOutput> & Record<string, unknown> {
    const jobId = `job-${this.submitted.length + 1}`;
    this.submitted.push({ jobId, request, createdAt: this.now, timeline });
    // the request-response integration returns the SubmitJob response in PascalCase
    return { JobId: jobId, JobName: request.JobName, JobArn: `arn:aws:batch:us-east-1:123456789012:job/${jobId}` };
  }

  public async invoke(payload: unknown): Promise<{ StatusCode: number; Payload: unknown }> {
    const clock = jest.spyOn(Date, 'now').mockReturnValue(this.now);
    try {
      return { StatusCode: 200, Payload: await handler(payload) };
    } finally {
      clock.mockRestore();
    }
  }

  private describe(job: { jobId: string; request: any; createdAt: number; timeline: Timeline }): JobDetail {
    const seconds = (this.now - job.createdAt) / 1000;
    return {
      jobId: job.jobId,
      jobName: job.request.JobName,
      jobArn: `arn:aws:batch:us-east-1:123456789012:job/${job.jobId}`,
      jobQueue: job.request.JobQueue,
      jobDefinition: job.request.JobDefinition,
      createdAt: job.createdAt,
      startedAt: undefined,
      status: 'SUBMITTED',
      ...job.timeline(seconds),
    } as JobDetail;
  }
}

/** RUNNABLE until `start`, RUNNING until `end`, then `final`. */
function lifecycle(start: number, end: number, final: Partial<JobDetail> = { status: 'SUCCEEDED', container: { exitCode: 0, logStreamName: 'train/default/abc' } }): Timeline {
  return (s) => {
    if (s < start) return { status: 'RUNNABLE' };
    const startedAt = T0 + start * 1000;
    if (s < end) return { status: 'RUNNING', startedAt, container: { logStreamName: 'train/default/abc' } };
    return { startedAt, stoppedAt: T0 + end * 1000, attempts: [{}], ...final };
  };
}

function definitionOf(props: Partial<BatchPollerJobProps> = {}, id = 'Train'): any {
  const { definition } = renderChainable((scope) =>
    new BatchPollerJob(scope, id, { jobQueueArn: QUEUE_ARN, jobDefinitionArn: DEFINITION_ARN, ...props }));
  expectValidAsl(definition);
  return definition;
}

function waitsOf(result: WorkflowResult, id = 'Train'): number[] {
  return result.trace.filter((e) => e.state === `${id}: Wait`).map((e) => e.input[id].job.poll.nextPollSeconds);
}

beforeEach(() => {
  jest.spyOn(console, 'info').mockImplementation(() => {});
});

afterEach(() => {
  jest.restoreAllMocks();
});

test('a job that succeeds after two hours: growing waits, compact result, input kept', async () => {
  // GIVEN
  const account = new SimulatedBatch();
  const definition = definitionOf({ jobName: 'train-model', parameters: { epochs: '10' } });

  // WHEN
  const result = await runWorkflow(definition, { runId: 'r-1' }, { services: account.services('Train', lifecycle(90, 2 * HOUR)) });

  // THEN
  expect(result.status).toBe('SUCCEEDED');
  expect(result.output).toEqual({
    runId: 'r-1',
    Train: {
      jobId: 'job-1',
      jobName: 'train-model',
      jobArn: 'arn:aws:batch:us-east-1:123456789012:job/job-1',
      jobQueue: QUEUE_ARN,
      status: 'SUCCEEDED',
      statusReason: null,
      exitCode: 0,
      logStreamName: 'train/default/abc',
      createdAt: '2024-05-01T00:00:00.000Z',
      startedAt: '2024-05-01T00:01:30.000Z',
      stoppedAt: '2024-05-01T02:00:00.000Z',
      attempts: 1,
      arrayProperties: null,
      poll: { outcome: 'SUCCEEDED', elapsedSeconds: expect.any(Number), queuedSeconds: null },
    },
  });
  expect(account.submitted[0].request).toEqual({ JobName: 'train-model', JobQueue: QUEUE_ARN, JobDefinition: DEFINITION_ARN, Parameters: { epochs: '10' } });

  const waits = waitsOf(result);
  expect(waits.slice(0, 10)).toEqual(Array(10).fill(30));
  for (let i = 1; i < waits.length; i++) expect(waits[i]).toBeGreaterThanOrEqual(waits[i - 1]);
  // the same number of checks the cost model predicts, and the end noticed within 10 % of the duration
  expect(waits).toEqual(pollCost({ pollIntervalSeconds: 30, maxPollIntervalSeconds: 3600, growthPercent: GROWTH_PERCENT }, 2 * HOUR).waits);
  const detected = result.output.Train.poll.elapsedSeconds;
  expect(detected - 2 * HOUR).toBeGreaterThanOrEqual(0);
  expect(detected - 2 * HOUR).toBeLessThanOrEqual(0.1 * 2 * HOUR);
  expect(account.terminated).toEqual([]);
});

test('a job that fails: Fail with BatchPoller.JobFailed and the reason, exit code and log stream as cause', async () => {
  // GIVEN
  const account = new SimulatedBatch();
  const definition = definitionOf();

  // WHEN
  const result = await runWorkflow(definition, {}, {
    services: account.services('Train', lifecycle(0, 10 * MINUTE, {
      status: 'FAILED',
      statusReason: 'Essential container in task exited',
      container: { exitCode: 1, logStreamName: 'train/default/abc' },
    })),
  });

  // THEN
  expect(result).toMatchObject({
    status: 'FAILED',
    error: 'BatchPoller.JobFailed',
    cause: 'AWS Batch job Train (job-1) failed: Essential container in task exited; exit code 1; 1 attempt; log stream train/default/abc',
  });
  expect(result.trace[result.trace.length - 1].state).toBe('Train: Job failed');
});

test('a job stuck in RUNNABLE: terminated at maxQueueTime, then BatchPoller.JobStuck', async () => {
  // GIVEN: a compute environment that cannot run the job
  const account = new SimulatedBatch();
  const definition = definitionOf({ maxQueueTime: Duration.minutes(30), timeout: Duration.hours(6) });
  const blocked = 'MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT - The job resource requirement (vCPU/memory/GPU) is higher than that can be met by the CE(s) attached to the job queue.';

  // WHEN
  const result = await runWorkflow(definition, {}, {
    services: account.services('Train', () => ({ status: 'RUNNABLE', statusReason: blocked })),
  });

  // THEN
  expect(result.status).toBe('FAILED');
  expect(result.error).toBe('BatchPoller.JobStuck');
  expect(result.cause).toContain('did not start within maxQueueTime of 1800 seconds (status RUNNABLE (MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT');
  expect(account.terminated).toEqual([{ jobId: 'job-1', reason: 'Terminated by Step Functions (BatchPollerJob): did not start within maxQueueTime' }]);
  // the last wait lands on the limit exactly
  expect((account.now - T0) / 1000).toBe(30 * MINUTE);
  expect(result.trace.slice(-2).map((e) => e.state)).toEqual(['Train: Cancel job (stuck)', 'Train: Job stuck']);
});

test('a job still running at the deadline: terminated, then BatchPoller.JobTimedOut', async () => {
  // GIVEN
  const account = new SimulatedBatch();
  const definition = definitionOf({ timeout: Duration.hours(1), maxQueueTime: Duration.minutes(10) });

  // WHEN: it starts in time, then never ends
  const result = await runWorkflow(definition, {}, { services: account.services('Train', lifecycle(2 * MINUTE, Number.POSITIVE_INFINITY)) });

  // THEN
  expect(result).toMatchObject({
    status: 'FAILED',
    error: 'BatchPoller.JobTimedOut',
    cause: 'AWS Batch job Train (job-1) did not finish within the timeout of 3600 seconds (status RUNNING after 3600 seconds); it is terminated',
  });
  expect(account.terminated).toEqual([{ jobId: 'job-1', reason: 'Terminated by Step Functions (BatchPollerJob): timeout reached' }]);
  expect(waitsOf(result).reduce((a, b) => a + b, 0)).toBe(HOUR);
  expect(result.trace.slice(-2).map((e) => e.state)).toEqual(['Train: Cancel job (timed out)', 'Train: Job timed out']);
});

test('a throttled Lambda invocation is retried and the poll goes on', async () => {
  // GIVEN
  const account = new SimulatedBatch();
  const definition = definitionOf();
  const services = account.services('Train', lifecycle(0, 2 * MINUTE));
  const check = services['Train: Check job'];

  // WHEN
  const result = await runWorkflow(definition, {}, {
    services: {
      ...services,
      'Train: Check job': (input, ctx) => {
        if (ctx.invocation === 2) throw taskError('Lambda.TooManyRequestsException', 'Rate Exceeded.');
        return check(input, ctx);
      },
    },
  });

  // THEN
  expect(result.status).toBe('SUCCEEDED');
  expect(result.trace.filter((e) => e.state === 'Train: Check job').map((e) => e.retries)).toEqual([0, 1, 0, 0]);
});

test('Batch throttling inside the function is retried there', async () => {
  // GIVEN: DescribeJobs is throttled once
  const account = new SimulatedBatch();
  const definition = definitionOf();
  jest.spyOn(Math, 'random').mockReturnValue(0);
  const throttle = Object.assign(new Error('Too Many Requests.'), { name: 'ClientException', $metadata: { httpStatusCode: 429 } });
  batchMock.on(DescribeJobsCommand).rejectsOnce(throttle).callsFake((input: { jobs: string[] }) => ({
    jobs: account.submitted.filter((j) => input.jobs.includes(j.jobId)).map(() => ({ jobId: 'job-1', jobName: 'Train', status: 'SUCCEEDED', createdAt: T0 })),
  }));

  // WHEN
  const result = await runWorkflow(definition, {}, { services: account.services('Train', lifecycle(0, 0)) });

  // THEN
  expect(result.status).toBe('SUCCEEDED');
  expect(batchMock.commandCalls(DescribeJobsCommand)).toHaveLength(2);
});

test('an array job: progress in the working data, children summary in the result', async () => {
  // GIVEN
  const account = new SimulatedBatch();
  const definition = definitionOf({ arraySize: 4, maxQueueTime: Duration.minutes(5) });
  const timeline: Timeline = (s) => {
    // the parent stays PENDING while children run; it is not stuck
    if (s < 10 * MINUTE) return { status: 'PENDING', arrayProperties: { size: 4, statusSummary: { RUNNABLE: 2, RUNNING: 2, SUCCEEDED: 0, FAILED: 0 } } };
    return { status: 'SUCCEEDED', stoppedAt: T0 + 10 * MINUTE * 1000, arrayProperties: { size: 4, statusSummary: { RUNNABLE: 0, RUNNING: 0, SUCCEEDED: 4, FAILED: 0 } } };
  };

  // WHEN
  const result = await runWorkflow(definition, {}, { services: account.services('Train', timeline) });

  // THEN
  expect(account.submitted[0].request.ArrayProperties).toEqual({ Size: 4 });
  expect(result.status).toBe('SUCCEEDED');
  expect(result.output.Train.arrayProperties).toEqual({ size: 4, statusSummary: { RUNNABLE: 0, RUNNING: 0, SUCCEEDED: 4, FAILED: 0 } });
  const running = result.trace.find((e) => e.state === 'Train: Job finished?')!.input.Train.job;
  expect(running).toMatchObject({ status: 'PENDING', arrayProperties: { statusSummary: { RUNNING: 2 } }, poll: { outcome: 'RUNNING', queuedSeconds: null } });
});

test('two pollers in one state machine run one after the other', async () => {
  // GIVEN
  const account = new SimulatedBatch();
  const { definition } = renderChainable((scope) =>
    new BatchPollerJob(scope, 'Train', { jobQueueArn: QUEUE_ARN, jobDefinitionArn: DEFINITION_ARN })
      .next(new BatchPollerJob(scope, 'Evaluate', {
        jobQueueArn: QUEUE_ARN,
        jobDefinitionArn: 'arn:aws:batch:us-east-1:123456789012:job-definition/eval:2',
        // the evaluation reads the training job's id
        parameters: { trainingJobId: sfn.JsonPath.stringAt('$.Train.jobId') },
      })));

  // WHEN
  const result = await runWorkflow(definition, {}, {
    services: { ...account.services('Train', lifecycle(0, 5 * MINUTE)), ...account.services('Evaluate', lifecycle(0, 3 * MINUTE)) },
  });

  // THEN
  expect(result.status).toBe('SUCCEEDED');
  expect(result.output.Train).toMatchObject({ jobId: 'job-1', status: 'SUCCEEDED' });
  expect(result.output.Evaluate).toMatchObject({ jobId: 'job-2', status: 'SUCCEEDED' });
  expect(account.submitted[1].request.Parameters).toEqual({ trainingJobId: 'job-1' });
});

test('the fixed-60-s sample and the default policy, side by side, for a 10-hour job', async () => {
  // GIVEN
  const account = new SimulatedBatch();
  const ours = definitionOf();
  const fixed = definitionOf({ pollInterval: Duration.seconds(60), maxPollInterval: Duration.seconds(60) });

  // WHEN
  const a = await runWorkflow(ours, {}, { services: account.services('Train', lifecycle(0, 10 * HOUR)) });
  const account2 = new SimulatedBatch();
  const b = await runWorkflow(fixed, {}, { services: account2.services('Train', lifecycle(0, 10 * HOUR)) });

  // THEN: transitions counted from the trace (every state entered)
  expect(a.status).toBe('SUCCEEDED');
  expect(b.status).toBe('SUCCEEDED');
  expect(a.trace.length * 5).toBeLessThan(b.trace.length);
  const defaults = { pollIntervalSeconds: 30, maxPollIntervalSeconds: 3600, growthPercent: GROWTH_PERCENT };
  expect(a.trace.length).toBe(pollCost(defaults, 10 * HOUR).transitions);
});

test('addCatch on the poller catches BatchPoller.JobStuck', async () => {
  // GIVEN
  const account = new SimulatedBatch();
  const { definition } = renderChainable((scope) => {
    const train = new BatchPollerJob(scope, 'Train', { jobQueueArn: QUEUE_ARN, jobDefinitionArn: DEFINITION_ARN, maxQueueTime: Duration.minutes(15) });
    return train.addCatch(new sfn.Pass(scope, 'Report stuck job'), { errors: BatchPollerJob.ALL_ERRORS, resultPath: '$.error' });
  });

  // WHEN
  const result = await runWorkflow(definition, { runId: 'r-2' }, { services: account.services('Train', () => ({ status: 'RUNNABLE' })) });

  // THEN
  expect(result.status).toBe('SUCCEEDED');
  expect(result.output).toEqual({
    runId: 'r-2',
    error: { Error: 'BatchPoller.JobStuck', Cause: expect.stringContaining('did not start within maxQueueTime of 900 seconds') },
  });
  expect(account.terminated).toHaveLength(1);
});

test('addCatch on the poller catches a failed job: the error and cause at resultPath, the input kept', async () => {
  // GIVEN
  const account = new SimulatedBatch();
  const { definition } = renderChainable((scope) => {
    const train = new BatchPollerJob(scope, 'Train', { jobQueueArn: QUEUE_ARN, jobDefinitionArn: DEFINITION_ARN });
    return train.addCatch(new sfn.Pass(scope, 'Report failed job'), { errors: BatchPollerJob.ALL_ERRORS, resultPath: '$.error' });
  });

  // WHEN
  const result = await runWorkflow(definition, { runId: 'r-3' }, {
    services: account.services('Train', lifecycle(0, 10 * MINUTE, { status: 'FAILED', statusReason: 'Essential container in task exited' })),
  });

  // THEN
  expect(result.status).toBe('SUCCEEDED');
  expect(result.output).toEqual({
    runId: 'r-3',
    error: { Error: 'BatchPoller.JobFailed', Cause: expect.stringContaining('failed: Essential container in task exited') },
  });
  expect(result.trace[result.trace.length - 1].state).toBe('Report failed job');
});

describe('execution matrix: both query languages, every placement, on the virtual clock', () => {
  /**
   * Answers the poller's Task states: SubmitJob against the simulated account; the check and cancel Lambda tasks
   * with the REAL handler, its clock (Date.now) set to the executor's virtual time of the call. A function error
   * reaches Step Functions as the Lambda's errorType, with the error JSON as Cause.
   */
  function pollerHandler(account: SimulatedBatch, id: string, timeline: Timeline): testing.ITaskHandler {
    return {
      handle: async (invocation) => {
        account.now = Date.parse(invocation.time);
        if (invocation.stateName === `${id}: Start job`) return { result: account.submit(invocation.request, timeline) };
        try {
          return { result: await account.invoke(invocation.request.Payload) };
        } catch (e: any) {
          return { error: e.name, cause: JSON.stringify({ errorType: e.name, errorMessage: e.message }) };
        }
      },
    };
  }

  const props = { jobQueueArn: QUEUE_ARN, jobDefinitionArn: DEFINITION_ARN, jobName: 'train-model' };
  const T0_ISO = new Date(T0).toISOString();

  test.each(MATRIX)('%s, %s: a job that succeeds after two hours, noticed within 10 %%', async (language, placement) => {
    // GIVEN
    const account = new SimulatedBatch();

    // WHEN
    const run = await runPlaced((scope) => new BatchPollerJob(scope, 'Train', props), {
      language,
      placement,
      input: { runId: 'r-1' },
      startTime: T0_ISO,
      taskHandler: pollerHandler(account, 'Train', lifecycle(90, 2 * HOUR)),
    });

    // THEN
    expect(run.status).toBe('SUCCEEDED');
    expect(run.output).toMatchObject({ runId: 'r-1', Train: { jobId: 'job-1', status: 'SUCCEEDED', exitCode: 0, startedAt: '2024-05-01T00:01:30.000Z' } });
    const detected = run.output.Train.poll.elapsedSeconds;
    expect(detected).toBeGreaterThanOrEqual(2 * HOUR);
    expect(detected).toBeLessThanOrEqual(2.2 * HOUR);
    const checks = run.states.filter((s) => s.name === 'Train: Check job');
    const waits = pollCost({ pollIntervalSeconds: 30, maxPollIntervalSeconds: 3600, growthPercent: GROWTH_PERCENT }, 2 * HOUR).waits;
    expect(checks).toHaveLength(waits.length);
    expect(checks.map((c) => c.enteredSeconds)).toEqual(waits.map((_, i) => waits.slice(0, i + 1).reduce((a, b) => a + b, 0)));
    expect(checks[0].request).toMatchObject({ Payload: { action: 'check', job: { jobId: 'job-1' } } });
    expect(account.submitted[0].request).toEqual({ JobName: 'train-model', JobQueue: QUEUE_ARN, JobDefinition: DEFINITION_ARN });
    expect(account.terminated).toEqual([]);
  });

  test.each(MATRIX)('%s, %s: a job that fails: BatchPoller.JobFailed with the reason', async (language, placement) => {
    // GIVEN
    const account = new SimulatedBatch();

    // WHEN
    const run = await runPlaced((scope) => new BatchPollerJob(scope, 'Train', props), {
      language,
      placement,
      startTime: T0_ISO,
      taskHandler: pollerHandler(account, 'Train', lifecycle(0, 10 * MINUTE, {
        status: 'FAILED', statusReason: 'Essential container in task exited', container: { exitCode: 1, logStreamName: 'train/default/abc' },
      })),
    });

    // THEN
    expect(run).toMatchObject({
      status: 'FAILED',
      error: 'BatchPoller.JobFailed',
      cause: 'AWS Batch job train-model (job-1) failed: Essential container in task exited; exit code 1; 1 attempt; log stream train/default/abc',
    });
  });

  test.each(MATRIX)('%s, %s: a job stuck in RUNNABLE: terminated at maxQueueTime, BatchPoller.JobStuck', async (language, placement) => {
    // GIVEN
    const account = new SimulatedBatch();

    // WHEN
    const run = await runPlaced((scope) => new BatchPollerJob(scope, 'Train', { ...props, maxQueueTime: Duration.minutes(30), timeout: Duration.hours(6) }), {
      language,
      placement,
      startTime: T0_ISO,
      taskHandler: pollerHandler(account, 'Train', () => ({ status: 'RUNNABLE' })),
    });

    // THEN
    expect(run).toMatchObject({ status: 'FAILED', error: 'BatchPoller.JobStuck' });
    expect(run.cause).toContain('did not start within maxQueueTime of 1800 seconds');
    expect(account.terminated).toEqual([{ jobId: 'job-1', reason: 'Terminated by Step Functions (BatchPollerJob): did not start within maxQueueTime' }]);
    expect(run.states.find((s) => s.name === 'Train: Cancel job (stuck)')!.enteredSeconds).toBe(30 * MINUTE);
  });

  test.each(MATRIX)('%s, %s: a job still running at the deadline: terminated, BatchPoller.JobTimedOut', async (language, placement) => {
    // GIVEN
    const account = new SimulatedBatch();

    // WHEN
    const run = await runPlaced((scope) => new BatchPollerJob(scope, 'Train', { ...props, timeout: Duration.hours(1), maxQueueTime: Duration.minutes(10) }), {
      language,
      placement,
      startTime: T0_ISO,
      taskHandler: pollerHandler(account, 'Train', lifecycle(2 * MINUTE, Number.POSITIVE_INFINITY)),
    });

    // THEN
    expect(run).toMatchObject({
      status: 'FAILED',
      error: 'BatchPoller.JobTimedOut',
      cause: 'AWS Batch job train-model (job-1) did not finish within the timeout of 3600 seconds (status RUNNING after 3600 seconds); it is terminated',
    });
    expect(account.terminated).toEqual([{ jobId: 'job-1', reason: 'Terminated by Step Functions (BatchPollerJob): timeout reached' }]);
    expect(run.result.elapsedSeconds).toBe(HOUR);
  });

  test.each(MATRIX)('%s, %s: a job AWS Batch does not know: BatchPoller.JobNotFound from the function, caught with ALL_ERRORS', async (language, placement) => {
    // GIVEN
    const account = new SimulatedBatch();
    batchMock.on(DescribeJobsCommand).resolves({ jobs: [] });
    const build = (scope: Construct) => new BatchPollerJob(scope, 'Train', props)
      .addCatch(new sfn.Pass(scope, 'Report'), { errors: BatchPollerJob.ALL_ERRORS });

    // WHEN
    const run = await runPlaced(build, { language, placement, startTime: T0_ISO, taskHandler: pollerHandler(account, 'Train', lifecycle(0, 0)) });

    // THEN
    expect(run.status).toBe('SUCCEEDED');
    expect(run.output.Error).toBe('BatchPoller.JobNotFound');
    expect(JSON.parse(run.output.Cause).errorMessage).toBe('AWS Batch does not know job job-1 (DescribeJobs returned no job)');
    expect(run.states[run.states.length - 1].name).toBe('Report');
  });
});
