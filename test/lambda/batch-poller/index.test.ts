import { BatchClient, ClientException, DescribeJobsCommand, JobDetail, TerminateJobCommand } from '@aws-sdk/client-batch';
import { mockClient } from 'aws-sdk-client-mock';
import { checkResult, handler, THROTTLE_ATTEMPTS } from '../../../lambda/batch-poller/index';

const batchMock = mockClient(BatchClient);

const NOW = Date.parse('2024-05-01T12:00:00.000Z');
const JOB_ID = '4c1b5bdc-9d0e-4c5b-8d7e-2f3c6d0f1a2b';
const POLICY = { pollIntervalSeconds: 30, maxPollIntervalSeconds: 3600, growthPercent: 10 };

function job(overrides: Partial<JobDetail> = {}): JobDetail {
  return {
    jobId: JOB_ID,
    jobName: 'train',
    jobArn: `arn:aws:batch:us-east-1:123456789012:job/${JOB_ID}`,
    jobQueue: 'arn:aws:batch:us-east-1:123456789012:job-queue/q',
    jobDefinition: 'arn:aws:batch:us-east-1:123456789012:job-definition/d:3',
    status: 'RUNNING',
    createdAt: NOW - 600_000,
    startedAt: NOW - 540_000,
    ...overrides,
  } as JobDetail;
}

function checkEvent(policy: object = POLICY) {
  return { action: 'check', job: { jobId: JOB_ID, jobName: 'train' }, policy };
}

function throttled(): ClientException {
  return new ClientException({ message: 'Too Many Requests.', $metadata: { httpStatusCode: 429 } });
}

beforeEach(() => {
  batchMock.reset();
  jest.spyOn(Date, 'now').mockReturnValue(NOW);
  jest.spyOn(Math, 'random').mockReturnValue(0); // no backoff pauses in tests
  jest.spyOn(console, 'info').mockImplementation(() => {});
});

afterEach(() => {
  jest.restoreAllMocks();
});

describe('check', () => {
  test('a running job: compact status and the next wait at 10 % of the elapsed time', async () => {
    // GIVEN
    batchMock.on(DescribeJobsCommand, { jobs: [JOB_ID] }).resolves({
      jobs: [job({ container: { logStreamName: 'train/default/abc' }, attempts: [] })],
    });

    // WHEN
    const result = await handler(checkEvent());

    // THEN
    expect(result).toEqual({
      jobId: JOB_ID,
      jobName: 'train',
      jobArn: `arn:aws:batch:us-east-1:123456789012:job/${JOB_ID}`,
      jobQueue: 'arn:aws:batch:us-east-1:123456789012:job-queue/q',
      status: 'RUNNING',
      statusReason: null,
      exitCode: null,
      logStreamName: 'train/default/abc',
      createdAt: '2024-05-01T11:50:00.000Z',
      startedAt: '2024-05-01T11:51:00.000Z',
      stoppedAt: null,
      attempts: 0,
      arrayProperties: null,
      poll: { outcome: 'RUNNING', nextPollSeconds: 60, elapsedSeconds: 600, queuedSeconds: null },
    });
    expect(batchMock.commandCalls(DescribeJobsCommand)).toHaveLength(1);
  });

  test.each(['SUBMITTED', 'PENDING', 'RUNNABLE', 'STARTING'])('a %s job keeps polling and counts its queue time', async (status) => {
    // GIVEN
    batchMock.on(DescribeJobsCommand).resolves({ jobs: [job({ status: status as any, startedAt: undefined, createdAt: NOW - 120_000 })] });

    // WHEN
    const result: any = await handler(checkEvent({ ...POLICY, maxQueueSeconds: 3600 }));

    // THEN
    expect(result.status).toBe(status);
    expect(result.poll).toEqual({ outcome: 'RUNNING', nextPollSeconds: 30, elapsedSeconds: 120, queuedSeconds: 120 });
  });

  test('a SUCCEEDED job ends the poll, with exit code and times', async () => {
    // GIVEN
    batchMock.on(DescribeJobsCommand).resolves({
      jobs: [job({
        status: 'SUCCEEDED',
        statusReason: 'Essential container in task exited',
        stoppedAt: NOW - 5_000,
        container: { exitCode: 0, logStreamName: 'train/default/abc' },
        attempts: [{ container: { exitCode: 0, logStreamName: 'train/default/abc' } }],
      })],
    });

    // WHEN
    const result: any = await handler(checkEvent());

    // THEN
    expect(result).toMatchObject({
      status: 'SUCCEEDED',
      exitCode: 0,
      stoppedAt: '2024-05-01T11:59:55.000Z',
      attempts: 1,
      poll: { outcome: 'SUCCEEDED', elapsedSeconds: 600, queuedSeconds: null },
    });
    expect(result.poll.nextPollSeconds).toBeUndefined();
    expect(result.poll.cause).toBeUndefined();
  });

  test('a FAILED job fails the poll with a cause naming reason, exit code, attempts and log stream', async () => {
    // GIVEN: the last attempt carries the details
    batchMock.on(DescribeJobsCommand).resolves({
      jobs: [job({
        status: 'FAILED',
        statusReason: 'Essential container in task exited',
        stoppedAt: NOW - 1_000,
        attempts: [
          { container: { exitCode: 137, logStreamName: 'train/default/first' } },
          { container: { exitCode: 2, logStreamName: 'train/default/second' } },
        ],
      })],
    });

    // WHEN
    const result: any = await handler(checkEvent());

    // THEN
    expect(result).toMatchObject({ status: 'FAILED', exitCode: 2, logStreamName: 'train/default/second', attempts: 2 });
    expect(result.poll).toEqual({
      outcome: 'FAILED',
      elapsedSeconds: 600,
      queuedSeconds: null,
      cause: `AWS Batch job train (${JOB_ID}) failed: Essential container in task exited; exit code 2; 2 attempts; log stream train/default/second`,
    });
  });

  test('exit code and log stream of a job defined with ecsProperties', () => {
    // WHEN
    const result = checkResult(job({
      status: 'FAILED',
      ecsProperties: {
        taskProperties: [{
          containers: [
            { name: 'sidecar', essential: false, exitCode: 0 },
            { name: 'main', essential: true, exitCode: 3, logStreamName: 'ecs/main/abc' },
          ],
        }],
      },
    }), POLICY, NOW);

    // THEN
    expect(result).toMatchObject({ exitCode: 3, logStreamName: 'ecs/main/abc' });
  });

  test('an array job reports its children and counts as started once a child runs', async () => {
    // GIVEN: the parent of an array job stays PENDING while its children run
    batchMock.on(DescribeJobsCommand).resolves({
      jobs: [job({
        status: 'PENDING',
        startedAt: undefined,
        createdAt: NOW - 7_200_000,
        arrayProperties: { size: 10, statusSummary: { SUBMITTED: 0, PENDING: 0, RUNNABLE: 4, STARTING: 1, RUNNING: 3, SUCCEEDED: 2, FAILED: 0 } },
      })],
    });

    // WHEN: a 30-minute queue limit has long passed
    const result: any = await handler(checkEvent({ ...POLICY, maxQueueSeconds: 1800 }));

    // THEN: not stuck, since children run
    expect(result.arrayProperties).toEqual({
      size: 10,
      statusSummary: { SUBMITTED: 0, PENDING: 0, RUNNABLE: 4, STARTING: 1, RUNNING: 3, SUCCEEDED: 2, FAILED: 0 },
    });
    expect(result.poll).toEqual({ outcome: 'RUNNING', nextPollSeconds: 720, elapsedSeconds: 7200, queuedSeconds: null });
  });

  test('an array job whose children all wait is stuck after maxQueueTime', async () => {
    // GIVEN
    batchMock.on(DescribeJobsCommand).resolves({
      jobs: [job({
        status: 'PENDING',
        startedAt: undefined,
        createdAt: NOW - 1_800_000,
        arrayProperties: { size: 3, statusSummary: { RUNNABLE: 3 } },
      })],
    });

    // WHEN
    const result: any = await handler(checkEvent({ ...POLICY, maxQueueSeconds: 1800 }));

    // THEN
    expect(result.poll.outcome).toBe('STUCK');
  });

  test('a failed array job lists its children in the cause', () => {
    // WHEN
    const result = checkResult(job({
      status: 'FAILED',
      statusReason: 'Array Child Job failed',
      arrayProperties: { size: 3, statusSummary: { SUCCEEDED: 2, FAILED: 1, RUNNING: 0 } },
    }), POLICY, NOW);

    // THEN
    expect(result.poll.cause).toBe(`AWS Batch job train (${JOB_ID}) failed: Array Child Job failed; 0 attempts; children: 2 SUCCEEDED, 1 FAILED`);
  });

  test('a job still RUNNABLE at maxQueueTime is STUCK, with the blocking reason in the cause', async () => {
    // GIVEN
    batchMock.on(DescribeJobsCommand).resolves({
      jobs: [job({
        status: 'RUNNABLE',
        startedAt: undefined,
        createdAt: NOW - 1_800_000,
        statusReason: 'MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT - The job resource requirement (vCPU/memory/GPU) is higher than that can be met by the CE(s) attached to the job queue.',
      })],
    });

    // WHEN
    const result: any = await handler(checkEvent({ ...POLICY, maxQueueSeconds: 1800, timeoutSeconds: 7200 }));

    // THEN
    expect(result.poll.outcome).toBe('STUCK');
    expect(result.poll.queuedSeconds).toBe(1800);
    expect(result.poll.cause).toMatch(/^AWS Batch job train \(.+\) did not start within maxQueueTime of 1800 seconds \(status RUNNABLE \(MISCONFIGURATION:JOB_RESOURCE_REQUIREMENT/);
    expect(result.poll.cause).toMatch(/it is terminated/);
  });

  test('a job still running at timeout is TIMED_OUT', async () => {
    // GIVEN
    batchMock.on(DescribeJobsCommand).resolves({ jobs: [job({ createdAt: NOW - 3_600_000 })] });

    // WHEN
    const result: any = await handler(checkEvent({ ...POLICY, timeoutSeconds: 3600 }));

    // THEN
    expect(result.poll.outcome).toBe('TIMED_OUT');
    expect(result.poll.cause).toBe(`AWS Batch job train (${JOB_ID}) did not finish within the timeout of 3600 seconds (status RUNNING after 3600 seconds); it is terminated`);
  });

  test('a job that ends after its deadline still reports its own end', () => {
    // WHEN
    const result = checkResult(job({ status: 'SUCCEEDED', createdAt: NOW - 7_200_000 }), { ...POLICY, timeoutSeconds: 3600, maxQueueSeconds: 60 }, NOW);

    // THEN
    expect(result.poll.outcome).toBe('SUCCEEDED');
  });

  test('waits are clamped to the next deadline', () => {
    // WHEN: 10 % of 3,000 s is 300 s, but the timeout comes in 100 s and the queue limit in 50 s
    const running = checkResult(job({ createdAt: NOW - 3_000_000 }), { ...POLICY, timeoutSeconds: 3100 }, NOW);
    const queued = checkResult(job({ status: 'RUNNABLE', startedAt: undefined, createdAt: NOW - 3_000_000 }), { ...POLICY, maxQueueSeconds: 3050 }, NOW);

    // THEN
    expect(running.poll.nextPollSeconds).toBe(100);
    expect(queued.poll.nextPollSeconds).toBe(50);
  });

  test('waits are capped at maxPollIntervalSeconds', () => {
    // WHEN: 10 % of 2 days is 4.8 hours
    const result = checkResult(job({ createdAt: NOW - 172_800_000 }), POLICY, NOW);

    // THEN
    expect(result.poll.nextPollSeconds).toBe(3600);
  });

  test('an unknown job id fails with BatchPoller.JobNotFound', async () => {
    // GIVEN
    batchMock.on(DescribeJobsCommand).resolves({ jobs: [] });

    // WHEN / THEN
    await expect(handler(checkEvent())).rejects.toMatchObject({
      name: 'BatchPoller.JobNotFound',
      message: `AWS Batch does not know job ${JOB_ID} (DescribeJobs returned no job)`,
    });
  });

  test('Batch throttling is retried', async () => {
    // GIVEN: throttled twice, then answered
    batchMock.on(DescribeJobsCommand)
      .rejectsOnce(throttled())
      .rejectsOnce(throttled())
      .resolves({ jobs: [job()] });

    // WHEN
    const result: any = await handler(checkEvent());

    // THEN
    expect(result.status).toBe('RUNNING');
    expect(batchMock.commandCalls(DescribeJobsCommand)).toHaveLength(3);
  });

  test('throttling that does not stop fails with BatchPoller.Throttled, which the state machine retries', async () => {
    // GIVEN
    batchMock.on(DescribeJobsCommand).rejects(throttled());

    // WHEN / THEN
    await expect(handler(checkEvent())).rejects.toMatchObject({ name: 'BatchPoller.Throttled' });
    expect(batchMock.commandCalls(DescribeJobsCommand)).toHaveLength(THROTTLE_ATTEMPTS);
  });

  test('other Batch errors are not retried and surface as they are', async () => {
    // GIVEN
    batchMock.on(DescribeJobsCommand).rejects(new ClientException({ message: 'Job id is invalid', $metadata: { httpStatusCode: 400 } }));

    // WHEN / THEN
    await expect(handler(checkEvent())).rejects.toMatchObject({ name: 'ClientException', message: 'Job id is invalid' });
    expect(batchMock.commandCalls(DescribeJobsCommand)).toHaveLength(1);
  });
});

describe('cancel', () => {
  test.each([
    ['TIMED_OUT', 'Terminated by Step Functions (BatchPollerJob): timeout reached'],
    ['STUCK', 'Terminated by Step Functions (BatchPollerJob): did not start within maxQueueTime'],
  ])('%s terminates the job with a reason', async (reason, text) => {
    // GIVEN
    batchMock.on(TerminateJobCommand).resolves({});

    // WHEN
    const result = await handler({ action: 'cancel', job: { jobId: JOB_ID, status: 'RUNNABLE' }, reason });

    // THEN
    expect(result).toEqual({ jobId: JOB_ID, terminated: true, reason: text });
    expect(batchMock.commandCalls(TerminateJobCommand).map((c) => c.args[0].input)).toEqual([{ jobId: JOB_ID, reason: text }]);
    expect(batchMock.commandCalls(DescribeJobsCommand)).toHaveLength(0);
  });

  test('throttled TerminateJob is retried', async () => {
    // GIVEN
    batchMock.on(TerminateJobCommand).rejectsOnce(throttled()).resolves({});

    // WHEN
    await handler({ action: 'cancel', job: { jobId: JOB_ID }, reason: 'STUCK' });

    // THEN
    expect(batchMock.commandCalls(TerminateJobCommand)).toHaveLength(2);
  });
});

describe('malformed events fail with BatchPoller.InvalidEvent', () => {
  test.each([
    ['not an object', 'check'],
    ['no job', { action: 'check', policy: POLICY }],
    ['an empty job id', { action: 'check', job: { jobId: '' }, policy: POLICY }],
    ['a numeric job id', { action: 'check', job: { jobId: 42 }, policy: POLICY }],
    ['an unknown action', { action: 'describe', job: { jobId: JOB_ID }, policy: POLICY }],
    ['no policy', { action: 'check', job: { jobId: JOB_ID } }],
    ['a zero poll interval', { action: 'check', job: { jobId: JOB_ID }, policy: { ...POLICY, pollIntervalSeconds: 0 } }],
    ['a string timeout', { action: 'check', job: { jobId: JOB_ID }, policy: { ...POLICY, timeoutSeconds: '3600' } }],
    ['a cancel without reason', { action: 'cancel', job: { jobId: JOB_ID } }],
  ])('%s', async (_what, event) => {
    // WHEN / THEN
    await expect(handler(event)).rejects.toMatchObject({ name: 'BatchPoller.InvalidEvent', message: expect.stringMatching(/^Invalid event: /) });
    expect(batchMock.calls()).toHaveLength(0);
  });
});
