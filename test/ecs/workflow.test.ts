/**
 * Offline executions (aws-local-stepfunctions, JSONPath) of seed 002's loop built with EcsCallbackTask:
 * Choice → EcsCallbackTask → Wait → Choice. The simulated ECS service plays the container: it reads the
 * token and the input from the environment the state injected, and answers like the container would
 * (SendTaskSuccess → output, SendTaskFailure → error), or crashes, in which case the real
 * `ecs-task-stopped` handler turns the ECS "task stopped" event into the state's failure.
 */
import { SFNClient, SendTaskFailureCommand, SendTaskFailureCommandInput } from '@aws-sdk/client-sfn';
import { Duration, Stack, aws_stepfunctions as sfn, aws_stepfunctions_tasks as tasks } from 'aws-cdk-lib';
import { mockClient } from 'aws-sdk-client-mock';
import { fargateFixture } from './fixtures';
import { handler as taskStoppedHandler } from '../../lambda/ecs-task-stopped/index';
import { EcsCallbackTask, EcsCallbackTaskProps } from '../../src';
import { expectValidAsl, renderChainable, runWorkflow, taskError, taskTimeout } from '../support';

const sfnMock = mockClient(SFNClient);


beforeEach(() => {
  sfnMock.reset();
  jest.spyOn(console, 'info').mockImplementation(() => {});
  jest.spyOn(console, 'debug').mockImplementation(() => {});
});

afterEach(() => jest.restoreAllMocks());

/** Seed 002's loop: run the container until `input.number` exceeds 3, with Catches for each failure kind. */
function seedLoop(extra: Partial<EcsCallbackTaskProps> = {}) {
  return renderChainable((scope) => {
    const fx = fargateFixture(Stack.of(scope));
    const run = new EcsCallbackTask(scope, 'Run', {
      cluster: fx.cluster,
      taskDefinition: fx.taskDefinition,
      launchTarget: new tasks.EcsFargateLaunchTarget(),
      heartbeatTimeout: sfn.Timeout.duration(Duration.minutes(5)),
      taskTimeout: sfn.Timeout.duration(Duration.hours(1)),
      ...extra,
    });
    const stopped = new sfn.Pass(scope, 'TaskStopped', {
      parameters: { 'stop.$': 'States.StringToJson($.error.Cause)' },
    });
    const failed = new sfn.Pass(scope, 'ContainerFailed');
    const silent = new sfn.Pass(scope, 'ContainerSilent');
    const tooBig = new sfn.Pass(scope, 'InputTooLarge');
    run.addCatch(stopped, { errors: ['Ecs.TaskStopped'], resultPath: '$.error' });
    run.addCatch(tooBig, { errors: ['ECS.InvalidParameterException'], resultPath: '$.error' });
    run.addCatch(silent, { errors: ['States.HeartbeatTimeout', 'States.Timeout'], resultPath: '$.error' });
    run.addCatch(failed, { errors: ['States.TaskFailed'], resultPath: '$.error' });
    const choice = new sfn.Choice(scope, 'Choice');
    const wait = new sfn.Wait(scope, 'Wait', { time: sfn.WaitTime.duration(Duration.seconds(10)) });
    return choice
      .when(sfn.Condition.numberGreaterThan('$.input.number', 3), new sfn.Succeed(scope, 'Done'))
      .otherwise(run.next(wait).next(choice));
  });
}

/** What the simulated container sees: its environment, by name. */
function containerEnvironment(runTaskParameters: any): Record<string, string> {
  const [override] = runTaskParameters.Overrides.ContainerOverrides;
  expect(override.Name).toBe('app');
  return Object.fromEntries(override.Environment.map((v: { Name: string; Value: string }) => [v.Name, v.Value]));
}

/** RunTask's overrides as the ECS API counts them (camelCase JSON). */
function overridesLength(runTaskParameters: any): number {
  const o = runTaskParameters.Overrides;
  return JSON.stringify({
    containerOverrides: o.ContainerOverrides.map((c: any) => ({
      name: c.Name,
      environment: c.Environment.map((v: any) => ({ name: v.Name, value: v.Value })),
    })),
  }).length;
}

/** The ECS event of the task stopping, as EventBridge delivers it to the handler. */
function stoppedEvent(runTaskParameters: any, container: { exitCode?: number; reason?: string }, stop: { stopCode: string; stoppedReason: string }) {
  return {
    'source': 'aws.ecs',
    'detail-type': 'ECS Task State Change',
    'detail': {
      taskArn: 'arn:aws:ecs:us-east-1:123456789012:task/jobs/abc',
      clusterArn: 'arn:aws:ecs:us-east-1:123456789012:cluster/jobs',
      taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/worker:1',
      lastStatus: 'STOPPED',
      ...stop,
      containers: [{ name: 'app', lastStatus: 'STOPPED', ...container }],
      overrides: {
        containerOverrides: runTaskParameters.Overrides.ContainerOverrides.map((c: any) => ({
          name: c.Name,
          environment: c.Environment.map((v: any) => ({ name: v.Name, value: v.Value })),
        })),
      },
    },
  };
}

test('the definition is valid ASL', () => {
  expectValidAsl(seedLoop().definition);
});

test('success: the container reads token and input from its environment and answers with its output, four times', async () => {
  // GIVEN
  const { definition } = seedLoop();
  const seen: Array<{ token: string; input: any; issued?: string }> = [];

  // WHEN
  const result = await runWorkflow(definition, { input: { number: 0 } }, {
    services: {
      Run: (params, ctx) => {
        const env = containerEnvironment(params);
        const input = JSON.parse(env.TASK_INPUT);
        seen.push({ token: env.TASK_TOKEN, input, issued: ctx.taskToken });
        // SendTaskSuccess(taskToken, output): the output becomes the state's result.
        return { input: { number: input.input.number + 1 }, result: [input.input.number] };
      },
    },
  });

  // THEN
  expect(result.status).toBe('SUCCEEDED');
  expect(result.output).toEqual({ input: { number: 4 }, result: [3] });
  // each run of the state gets its own task token, the one Step Functions issued
  expect(seen.map((s) => s.token)).toEqual(seen.map((s) => s.issued));
  expect(new Set(seen.map((s) => s.token)).size).toBe(4);
  expect(seen.map((s) => s.input)).toEqual([
    { input: { number: 0 } },
    { input: { number: 1 }, result: [0] },
    { input: { number: 2 }, result: [1] },
    { input: { number: 3 }, result: [2] },
  ]);
});

test('failure: SendTaskFailure from the container reaches the Catch with its error name', async () => {
  // GIVEN
  const { definition } = seedLoop();

  // WHEN
  const result = await runWorkflow(definition, { input: { number: 0 } }, {
    services: {
      Run: () => {
        throw taskError('Worker.InvalidInput', { message: 'number must be even' });
      },
    },
  });

  // THEN
  expect(result.status).toBe('SUCCEEDED');
  expect(result.trace.map((t) => `${t.state}:${t.status}`)).toEqual(['Choice:SUCCEEDED', 'Run:CAUGHT', 'ContainerFailed:SUCCEEDED']);
  expect(result.output.error).toEqual({ Error: 'Worker.InvalidInput', Cause: '{"message":"number must be even"}' });
});

test('heartbeat timeout: a container that stops sending heartbeats is caught as States.HeartbeatTimeout', async () => {
  // GIVEN
  const { definition } = seedLoop();
  expect(definition.States.Run.HeartbeatSeconds).toBe(300);

  // WHEN
  const result = await runWorkflow(definition, { input: { number: 0 } }, {
    services: { Run: () => { throw taskError('States.HeartbeatTimeout', 'no heartbeat for 300 seconds'); } },
  });

  // THEN
  expect(result.trace.map((t) => t.state)).toEqual(['Choice', 'Run', 'ContainerSilent']);
  expect(result.output.error.Error).toBe('States.HeartbeatTimeout');
});

test('task timeout: a container that never answers is caught as States.Timeout', async () => {
  const { definition } = seedLoop();
  const result = await runWorkflow(definition, { input: { number: 0 } }, { services: { Run: () => { throw taskTimeout(); } } });
  expect(result.trace.map((t) => t.state)).toEqual(['Choice', 'Run', 'ContainerSilent']);
  expect(result.output.error.Error).toBe('States.Timeout');
});

test('crash: the task stops without calling back; the handler fails the state with Ecs.TaskStopped, which a Catch takes', async () => {
  // GIVEN
  const { definition } = seedLoop();
  let failure: SendTaskFailureCommandInput | undefined;
  sfnMock.on(SendTaskFailureCommand).callsFake((input: SendTaskFailureCommandInput) => {
    failure = input;
    return {};
  });

  // WHEN
  const result = await runWorkflow(definition, { input: { number: 0 } }, {
    services: {
      Run: async (params, ctx) => {
        // The container is OOM-killed: ECS emits the stopped-task event, EventBridge invokes the handler...
        await taskStoppedHandler(stoppedEvent(params, { exitCode: 137, reason: 'OutOfMemoryError' }, {
          stopCode: 'EssentialContainerExited',
          stoppedReason: 'Essential container in task exited',
        }));
        // ...whose SendTaskFailure is what Step Functions reports as the state's error.
        if (failure?.taskToken !== ctx.taskToken) throw new Error(`SendTaskFailure for ${failure?.taskToken}, not ${ctx.taskToken}`);
        throw taskError(failure!.error!, failure!.cause!);
      },
    },
  });

  // THEN
  expect(result.status).toBe('SUCCEEDED');
  expect(result.trace.map((t) => `${t.state}:${t.status}`)).toEqual(['Choice:SUCCEEDED', 'Run:CAUGHT', 'TaskStopped:SUCCEEDED']);
  expect(result.output.stop).toMatchObject({
    stopCode: 'EssentialContainerExited',
    stoppedReason: 'Essential container in task exited',
    containers: [{ name: 'app', exitCode: 137, reason: 'OutOfMemoryError' }],
  });
});

describe('the 8,192-character overrides limit', () => {
  /** RunTask as ECS answers it: rejected when the overrides are too long. */
  function runTask(answer: () => unknown) {
    return (params: any) => {
      if (overridesLength(params) > 8192) {
        throw taskError('ECS.InvalidParameterException', 'Container Overrides length must be at most 8192');
      }
      return answer();
    };
  }
  const bigInput = { input: { number: 0 }, history: 'x'.repeat(9000) };

  test('the whole input is too large: the ECS error is the state\'s error, and a Catch recognizes it', async () => {
    const { definition } = seedLoop();
    const result = await runWorkflow(definition, bigInput, { services: { Run: runTask(() => ({ input: { number: 9 } })) } });
    expect(result.trace.map((t) => t.state)).toEqual(['Choice', 'Run', 'InputTooLarge']);
    expect(result.output.error).toEqual({ Error: 'ECS.InvalidParameterException', Cause: 'Container Overrides length must be at most 8192' });
  });

  test('selecting only what the container needs (input: TaskInput.fromJsonPathAt) keeps it under the limit', async () => {
    const { definition } = seedLoop({ input: sfn.TaskInput.fromJsonPathAt('$.input'), resultPath: '$.input' });
    let received: any;
    const result = await runWorkflow(definition, bigInput, {
      services: { Run: runTask(() => ({ number: 9 })) },
      onEvent: (e) => {
        if (e.kind === 'entered' && e.entry.state === 'Run') received = e.entry.input;
      },
    });
    expect(result.status).toBe('SUCCEEDED');
    expect(result.serviceCalls.Run[0].Overrides.ContainerOverrides[0].Environment[1]).toEqual({ Name: 'TASK_INPUT', Value: '{"number":0}' });
    expect(received.history).toHaveLength(9000);
  });
});
