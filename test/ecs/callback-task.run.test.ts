/**
 * EcsCallbackTask executed on our executor in both query languages, at the top level and inside Parallel, Map and
 * Parallel-in-Map. The task handler plays ECS and the container: it reads the task token and the input from the
 * environment the state injected and answers as the container would (SendTaskSuccess → the state's result,
 * SendTaskFailure → its error), or the container dies and the REAL bundled watcher (lambda/ecs-task-stopped),
 * its Step Functions client mocked, sends the SendTaskFailure that the executor then delivers.
 */
import { SFNClient, SendTaskFailureCommand, SendTaskFailureCommandInput } from '@aws-sdk/client-sfn';
import { Duration, Stack, aws_stepfunctions as sfn, aws_stepfunctions_tasks as tasks } from 'aws-cdk-lib';
import { mockClient } from 'aws-sdk-client-mock';
import { Construct } from 'constructs';
import { fargateFixture } from './fixtures';
import { handler as taskStoppedHandler } from '../../lambda/ecs-task-stopped/index';
import { EcsCallbackTask, EcsCallbackTaskProps, testing } from '../../src';
import { MATRIX, requestsOf, runPlaced } from '../support';

const sfnMock = mockClient(SFNClient);

beforeEach(() => {
  sfnMock.reset();
  jest.spyOn(console, 'info').mockImplementation(() => {});
  jest.spyOn(console, 'debug').mockImplementation(() => {});
});

afterEach(() => jest.restoreAllMocks());

function callbackTask(extra: Partial<EcsCallbackTaskProps> = {}) {
  return (scope: Construct) => {
    const fx = fargateFixture(Stack.of(scope));
    return new EcsCallbackTask(scope, 'Work', {
      cluster: fx.cluster,
      taskDefinition: fx.taskDefinition,
      launchTarget: new tasks.EcsFargateLaunchTarget(),
      ...extra,
    });
  };
}

/** The container's environment, by name, from the RunTask request. */
function environmentOf(request: any): Record<string, string> {
  const [override] = request.Overrides.ContainerOverrides;
  return Object.fromEntries(override.Environment.map((v: { Name: string; Value: string }) => [v.Name, v.Value]));
}

/** The ECS "task stopped" event EventBridge delivers to the watcher for this RunTask request. */
function stoppedEvent(request: any, exitCode: number, reason: string) {
  return {
    'source': 'aws.ecs',
    'detail-type': 'ECS Task State Change',
    'detail': {
      taskArn: 'arn:aws:ecs:us-east-1:123456789012:task/jobs/abc',
      clusterArn: 'arn:aws:ecs:us-east-1:123456789012:cluster/jobs',
      taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/worker:1',
      lastStatus: 'STOPPED',
      stopCode: 'EssentialContainerExited',
      stoppedReason: 'Essential container in task exited',
      containers: [{ name: 'app', lastStatus: 'STOPPED', exitCode, reason }],
      overrides: {
        containerOverrides: request.Overrides.ContainerOverrides.map((c: any) => ({
          name: c.Name,
          environment: c.Environment.map((v: any) => ({ name: v.Name, value: v.Value })),
        })),
      },
    },
  };
}

test.each(MATRIX)('%s, %s: the container calls back with its output, which becomes the state\'s result', async (language, placement) => {
  // GIVEN
  const seen: Array<{ env: Record<string, string>; token?: string }> = [];

  // WHEN
  const run = await runPlaced(callbackTask(), {
    language,
    placement,
    input: { number: 41 },
    taskHandler: (invocation) => {
      const env = environmentOf(invocation.request);
      seen.push({ env, token: invocation.taskToken });
      return { result: { answer: JSON.parse(env.TASK_INPUT).number + 1 }, durationSeconds: 900 };
    },
  });

  // THEN
  expect(run.status).toBe('SUCCEEDED');
  expect(run.output).toEqual({ answer: 42 });
  expect(seen).toHaveLength(1);
  expect(seen[0].env.TASK_TOKEN).toBe(seen[0].token);
  expect(seen[0].token).toMatch(/^[0-9a-f-]{36}$/);
  expect(run.states[0]).toMatchObject({ name: 'Work', enteredSeconds: 0, exitedSeconds: 900 });
  const [request] = requestsOf(run, 'Work');
  expect(request).toMatchObject({ LaunchType: 'FARGATE', Cluster: expect.stringMatching(/Cluster/) });
});

test.each(MATRIX)('%s, %s: SendTaskFailure from the container fails the state with its error', async (language, placement) => {
  // WHEN
  const run = await runPlaced(callbackTask(), {
    language,
    placement,
    taskHandler: () => ({ error: 'Worker.InvalidInput', cause: '{"message":"number must be even"}', durationSeconds: 30 }),
  });

  // THEN
  expect(run).toMatchObject({ status: 'FAILED', error: 'Worker.InvalidInput', cause: '{"message":"number must be even"}' });
  expect(run.result.elapsedSeconds).toBe(30);
});

test.each(MATRIX)('%s, %s: the container dies; the real watcher sends Ecs.TaskStopped, which a Catch takes', async (language, placement) => {
  // GIVEN
  const failures: SendTaskFailureCommandInput[] = [];
  sfnMock.on(SendTaskFailureCommand).callsFake((input: SendTaskFailureCommandInput) => {
    failures.push(input);
    return {};
  });
  const build = (scope: Construct) => {
    const stopped = language === 'JSONata'
      ? sfn.Pass.jsonata(scope, 'Crashed', { outputs: { stop: '{% $parse($states.input.Cause) %}' } })
      : new sfn.Pass(scope, 'Crashed', { parameters: { 'stop.$': 'States.StringToJson($.Cause)' } });
    return callbackTask()(scope).addCatch(stopped, { errors: ['Ecs.TaskStopped'] });
  };

  // WHEN
  const run = await runPlaced(build, {
    language,
    placement,
    taskHandler: async (invocation): Promise<testing.TaskOutcome> => {
      // ECS emits the stopped-task event; EventBridge invokes the watcher, which calls SendTaskFailure.
      await taskStoppedHandler(stoppedEvent(invocation.request, 137, 'OutOfMemoryError'));
      const failure = failures.find((f) => f.taskToken === invocation.taskToken);
      if (!failure) throw new Error('the watcher sent no SendTaskFailure for this task token');
      return { error: failure.error, cause: failure.cause, durationSeconds: 120 };
    },
  });

  // THEN
  expect(failures).toHaveLength(1);
  expect(failures[0].error).toBe('Ecs.TaskStopped');
  expect(run.status).toBe('SUCCEEDED');
  expect(run.states.map((s) => [s.name, s.error])).toEqual([['Work', 'Ecs.TaskStopped'], ['Crashed', undefined]]);
  expect(run.output.stop).toMatchObject({ stopCode: 'EssentialContainerExited', containers: [expect.objectContaining({ name: 'app', exitCode: 137 })] });
});

test.each(MATRIX)('%s, %s: a container that stops sending heartbeats fails with States.HeartbeatTimeout at HeartbeatSeconds', async (language, placement) => {
  // WHEN
  const run = await runPlaced(callbackTask({ heartbeatTimeout: sfn.Timeout.duration(Duration.minutes(5)) }), {
    language,
    placement,
    taskHandler: () => ({ result: {}, durationSeconds: 3600 }),
  });

  // THEN
  expect(run).toMatchObject({ status: 'FAILED', error: 'States.HeartbeatTimeout' });
  expect(run.result.elapsedSeconds).toBe(300);
});

test.each(MATRIX)('%s, %s: a container that never answers fails with States.Timeout at TimeoutSeconds', async (language, placement) => {
  // WHEN
  const run = await runPlaced(callbackTask({ taskTimeout: sfn.Timeout.duration(Duration.hours(1)) }), {
    language,
    placement,
    taskHandler: () => ({ result: {}, durationSeconds: 7200 }),
  });

  // THEN
  expect(run).toMatchObject({ status: 'FAILED', error: 'States.Timeout' });
  expect(run.result.elapsedSeconds).toBe(3600);
});

test.each(MATRIX)('%s, %s: props written with JsonPath values run the same in either language (converted for JSONata)', async (language, placement) => {
  // GIVEN one set of props, written with JsonPath values
  const seen: Array<Record<string, string>> = [];
  const make = callbackTask({
    environment: { MODE: sfn.JsonPath.stringAt('$.mode') },
    input: sfn.TaskInput.fromJsonPathAt('$.job'),
  });

  // WHEN
  const run = await runPlaced(make, {
    language,
    placement,
    input: { mode: 'fast', job: { number: 41 } },
    taskHandler: (invocation) => {
      const env = environmentOf(invocation.request);
      seen.push(env);
      return { result: { answer: JSON.parse(env.TASK_INPUT).number + 1 } };
    },
  });

  // THEN the container received the same values in both languages
  expect(run.status).toBe('SUCCEEDED');
  expect(run.output).toEqual({ answer: 42 });
  expect(seen[0]).toMatchObject({ MODE: 'fast', TASK_INPUT: '{"number":41}' });
});
