import { InvalidToken, SFNClient, SFNServiceException, SendTaskFailureCommand, TaskDoesNotExist, TaskTimedOut } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { THROTTLE_ATTEMPTS, handler } from '../../../lambda/ecs-task-stopped/index';

const sfnMock = mockClient(SFNClient);

const TOKEN = 'AQCEAAAAKgAAAAMAAAAAAAAAAd0t-example-task-token';
const TASK_ARN = 'arn:aws:ecs:us-east-1:123456789012:task/jobs/0f1e2d3c4b5a69788796a5b4c3d2e1f0';

/** An `ECS Task State Change` event of a stopped task, shaped like the Amazon ECS developer guide's example. */
function stoppedEvent(detail: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    'version': '0',
    'id': '3317b2af-7005-947d-b652-f55e762e571a',
    'detail-type': 'ECS Task State Change',
    'source': 'aws.ecs',
    'account': '123456789012',
    'time': '2024-05-01T12:00:00Z',
    'region': 'us-east-1',
    'resources': [TASK_ARN],
    'detail': {
      clusterArn: 'arn:aws:ecs:us-east-1:123456789012:cluster/jobs',
      taskArn: TASK_ARN,
      taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/worker:7',
      group: 'family:worker',
      launchType: 'FARGATE',
      lastStatus: 'STOPPED',
      desiredStatus: 'STOPPED',
      stopCode: 'EssentialContainerExited',
      stoppedReason: 'Essential container in task exited',
      startedAt: '2024-05-01T11:58:00.000Z',
      stoppedAt: '2024-05-01T11:59:58.000Z',
      containers: [
        { name: 'app', lastStatus: 'STOPPED', exitCode: 137, reason: 'OutOfMemoryError: Container killed due to memory usage' },
        { name: 'sidecar', lastStatus: 'STOPPED', exitCode: 0 },
      ],
      overrides: {
        containerOverrides: [
          { name: 'sidecar' },
          {
            name: 'app',
            environment: [
              { name: 'MODE', value: 'fast' },
              { name: 'TASK_TOKEN', value: TOKEN },
              { name: 'TASK_INPUT', value: '{"n":1}' },
            ],
          },
        ],
      },
      version: 5,
      ...detail,
    },
  };
}

function throttled(): SFNServiceException {
  return new SFNServiceException({ name: 'ThrottlingException', $fault: 'client', $metadata: { httpStatusCode: 400 }, message: 'Rate exceeded' });
}

let errorLog: jest.SpyInstance;

beforeEach(() => {
  sfnMock.reset();
  process.env.TOKEN_ENVIRONMENT_NAMES = '["TASK_TOKEN"]';
  jest.spyOn(Math, 'random').mockReturnValue(0); // no backoff pauses in tests
  jest.spyOn(console, 'info').mockImplementation(() => {});
  jest.spyOn(console, 'debug').mockImplementation(() => {});
  errorLog = jest.spyOn(console, 'error').mockImplementation(() => {});
});

afterEach(() => {
  jest.restoreAllMocks();
  delete process.env.TOKEN_ENVIRONMENT_NAMES;
});

describe('a stopped task started by an EcsCallbackTask', () => {
  test('fails the waiting state with Ecs.TaskStopped and a cause carrying stop code, reason and exit codes', async () => {
    // GIVEN
    sfnMock.on(SendTaskFailureCommand).resolves({});

    // WHEN
    const result = await handler(stoppedEvent());

    // THEN
    expect(result).toEqual({ taskArn: TASK_ARN, outcome: 'FAILED_STATE' });
    const calls = sfnMock.commandCalls(SendTaskFailureCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0].args[0].input;
    expect(input.taskToken).toBe(TOKEN);
    expect(input.error).toBe('Ecs.TaskStopped');
    expect(JSON.parse(input.cause!)).toEqual({
      taskArn: TASK_ARN,
      clusterArn: 'arn:aws:ecs:us-east-1:123456789012:cluster/jobs',
      taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/worker:7',
      lastStatus: 'STOPPED',
      stopCode: 'EssentialContainerExited',
      stoppedReason: 'Essential container in task exited',
      containers: [
        { name: 'app', exitCode: 137, reason: 'OutOfMemoryError: Container killed due to memory usage', lastStatus: 'STOPPED' },
        { name: 'sidecar', exitCode: 0, reason: null, lastStatus: 'STOPPED' },
      ],
      startedAt: '2024-05-01T11:58:00.000Z',
      stoppedAt: '2024-05-01T11:59:58.000Z',
    });
    expect(errorLog).not.toHaveBeenCalled();
  });

  test('a task that never started (image pull failure): no exit codes, the reason says why', async () => {
    // GIVEN
    sfnMock.on(SendTaskFailureCommand).resolves({});

    // WHEN
    await handler(stoppedEvent({
      stopCode: 'TaskFailedToStart',
      stoppedReason: 'CannotPullContainerError: pull image manifest has been retried 5 time(s)',
      containers: [{ name: 'app', lastStatus: 'STOPPED' }],
      startedAt: undefined,
    }));

    // THEN
    const cause = JSON.parse(sfnMock.commandCalls(SendTaskFailureCommand)[0].args[0].input.cause!);
    expect(cause).toMatchObject({
      stopCode: 'TaskFailedToStart',
      stoppedReason: 'CannotPullContainerError: pull image manifest has been retried 5 time(s)',
      containers: [{ name: 'app', exitCode: null, reason: null, lastStatus: 'STOPPED' }],
      startedAt: null,
    });
  });

  test('reads the token under every configured variable name', async () => {
    // GIVEN
    process.env.TOKEN_ENVIRONMENT_NAMES = '["MY_TOKEN","TASK_TOKEN"]';
    sfnMock.on(SendTaskFailureCommand).resolves({});

    // WHEN
    await handler(stoppedEvent({ overrides: { containerOverrides: [{ name: 'app', environment: [{ name: 'MY_TOKEN', value: 'other-token' }] }] } }));

    // THEN
    expect(sfnMock.commandCalls(SendTaskFailureCommand).map((c) => c.args[0].input.taskToken)).toEqual(['other-token']);
  });

  test('a very long container reason is shortened so the cause fits SendTaskFailure (32,768 characters)', async () => {
    // GIVEN
    sfnMock.on(SendTaskFailureCommand).resolves({});
    const containers = Array.from({ length: 10 }, (_, i) => ({ name: `c${i}`, exitCode: 1, reason: 'x'.repeat(5000) }));

    // WHEN
    await handler(stoppedEvent({ containers }));

    // THEN
    const cause = sfnMock.commandCalls(SendTaskFailureCommand)[0].args[0].input.cause!;
    expect(cause.length).toBeLessThanOrEqual(32_768);
    expect(JSON.parse(cause).containers[0].reason).toHaveLength(200);
  });
});

describe('a token the container already answered', () => {
  test.each([
    ['TaskTimedOut', () => new TaskTimedOut({ message: 'Task Timed Out', $metadata: {} })],
    ['TaskDoesNotExist', () => new TaskDoesNotExist({ message: 'Task does not exist', $metadata: {} })],
    ['InvalidToken', () => new InvalidToken({ message: 'Invalid Token', $metadata: {} })],
  ])('%s is success, silently', async (_name, error) => {
    // GIVEN
    sfnMock.on(SendTaskFailureCommand).rejects(error());

    // WHEN
    const result = await handler(stoppedEvent());

    // THEN
    expect(result).toEqual({ taskArn: TASK_ARN, outcome: 'ALREADY_CLOSED' });
    expect(sfnMock.commandCalls(SendTaskFailureCommand)).toHaveLength(1);
    expect(errorLog).not.toHaveBeenCalled();
    expect(console.info).not.toHaveBeenCalled();
  });
});

describe('throttling', () => {
  test('is retried until SendTaskFailure goes through', async () => {
    // GIVEN
    sfnMock.on(SendTaskFailureCommand).rejectsOnce(throttled()).rejectsOnce(throttled()).resolves({});

    // WHEN
    const result = await handler(stoppedEvent());

    // THEN
    expect(result.outcome).toBe('FAILED_STATE');
    expect(sfnMock.commandCalls(SendTaskFailureCommand)).toHaveLength(3);
  });

  test('that never ends surfaces as EcsTaskStopped.Throttled after the last attempt', async () => {
    // GIVEN
    sfnMock.on(SendTaskFailureCommand).rejects(throttled());

    // WHEN / THEN
    await expect(handler(stoppedEvent())).rejects.toMatchObject({ name: 'EcsTaskStopped.Throttled' });
    expect(sfnMock.commandCalls(SendTaskFailureCommand)).toHaveLength(THROTTLE_ATTEMPTS);
    expect(errorLog).toHaveBeenCalledTimes(1);
  });
});

describe('other errors', () => {
  test('are logged as one JSON line (token fingerprinted, never logged) and thrown', async () => {
    // GIVEN
    sfnMock.on(SendTaskFailureCommand).rejects(
      new SFNServiceException({ name: 'AccessDeniedException', $fault: 'client', $metadata: { httpStatusCode: 400 }, message: 'not authorized to perform: states:SendTaskFailure' }),
    );

    // WHEN / THEN
    await expect(handler(stoppedEvent())).rejects.toMatchObject({
      name: 'EcsTaskStopped.SendTaskFailureFailed',
      message: expect.stringContaining('AccessDeniedException'),
    });
    expect(errorLog).toHaveBeenCalledTimes(1);
    const line = errorLog.mock.calls[0][0] as string;
    expect(JSON.parse(line)).toEqual({
      action: 'send-task-failure-failed',
      taskArn: TASK_ARN,
      token: expect.stringMatching(/^sha256:[0-9a-f]{16}$/),
      error: 'AccessDeniedException',
      message: 'not authorized to perform: states:SendTaskFailure',
    });
    expect(line).not.toContain(TOKEN);
  });
});

describe('events that are not ours', () => {
  test.each([
    ['no overrides', { overrides: undefined }],
    ['overrides without environment', { overrides: { containerOverrides: [{ name: 'app', command: ['run'] }] } }],
    ['environment without a token variable', { overrides: { containerOverrides: [{ name: 'app', environment: [{ name: 'OTHER', value: 'x' }] }] } }],
    ['an empty token', { overrides: { containerOverrides: [{ name: 'app', environment: [{ name: 'TASK_TOKEN', value: '' }] }] } }],
    ['a task that is not stopped', { lastStatus: 'RUNNING' }],
  ])('%s: ignored without calling Step Functions', async (_name, detail) => {
    // WHEN
    const result = await handler(stoppedEvent(detail));

    // THEN
    expect(result).toEqual({ taskArn: TASK_ARN, outcome: 'IGNORED' });
    expect(sfnMock.calls()).toHaveLength(0);
  });
});

describe('malformed events', () => {
  test.each([
    ['not an object', 'hello', /the event is not an object/],
    ['another event type', { ...stoppedEvent(), 'detail-type': 'ECS Container Instance State Change' }, /expected an "ECS Task State Change" event from aws.ecs/],
    ['no detail', { ...stoppedEvent(), detail: undefined }, /the event has no detail object/],
    ['no task ARN', stoppedEvent({ taskArn: undefined }), /detail.taskArn is missing/],
    ['overrides not an object', stoppedEvent({ overrides: 'x' }), /detail.overrides is not an object/],
    ['containers not a list', stoppedEvent({ containers: {} }), /detail.containers is not a list/],
  ])('%s: EcsTaskStopped.MalformedEvent', async (_name, event, message) => {
    await expect(handler(event)).rejects.toMatchObject({ name: 'EcsTaskStopped.MalformedEvent', message: expect.stringMatching(message) });
    expect(sfnMock.calls()).toHaveLength(0);
  });

  test('a misconfigured function (token names not a JSON list) fails loudly', async () => {
    process.env.TOKEN_ENVIRONMENT_NAMES = '{"a":1}';
    await expect(handler(stoppedEvent())).rejects.toThrow(/TOKEN_ENVIRONMENT_NAMES must be a JSON list of strings/);
  });
});
