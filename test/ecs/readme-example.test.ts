/**
 * The README's TypeScript example (also test/python/examples/ecs_callback.py), synthesized, validated and run offline.
 */
import { SFNClient, SendTaskFailureCommand, SendTaskFailureCommandInput } from '@aws-sdk/client-sfn';
import { App, Duration, Stack, aws_ec2 as ec2, aws_ecs as ecs, aws_stepfunctions as sfn, aws_stepfunctions_tasks as tasks } from 'aws-cdk-lib';
import { mockClient } from 'aws-sdk-client-mock';
import { Construct } from 'constructs';
import { handler as taskStoppedHandler } from '../../lambda/ecs-task-stopped/index';
import { EcsCallbackTask } from '../../src';
import { TEST_ENV, expectValidAsl, renderStateMachine, runWorkflow, taskError } from '../support';

// ----- README example (keep in sync with the README section and the Python example) -----------------------
class WorkerStack extends Stack {
  public readonly loop: sfn.StateMachine;

  constructor(scope: Construct, id: string) {
    super(scope, id, { env: TEST_ENV });

    const vpc = new ec2.Vpc(this, 'Vpc', { maxAzs: 2, natGateways: 1 });
    const cluster = new ecs.Cluster(this, 'Cluster', { vpc });
    const taskDefinition = new ecs.FargateTaskDefinition(this, 'Worker', { cpu: 256, memoryLimitMiB: 512 });
    taskDefinition.addContainer('app', {
      image: ecs.ContainerImage.fromRegistry('123456789012.dkr.ecr.us-east-1.amazonaws.com/worker:1'),
      logging: ecs.LogDrivers.awsLogs({ streamPrefix: 'worker' }),
    });

    // The container receives $.input as JSON text in TASK_INPUT and the task token in TASK_TOKEN;
    // its task role may answer this state machine only. Its answer replaces $.input.
    const work = new EcsCallbackTask(this, 'Work', {
      cluster,
      taskDefinition,
      launchTarget: new tasks.EcsFargateLaunchTarget({ platformVersion: ecs.FargatePlatformVersion.LATEST }),
      input: sfn.TaskInput.fromJsonPathAt('$.input'),
      resultPath: '$.input',
      heartbeatTimeout: sfn.Timeout.duration(Duration.minutes(5)),
      taskTimeout: sfn.Timeout.duration(Duration.hours(2)),
    });
    work.addCatch(new sfn.Fail(this, 'Crashed', { causePath: '$.error.Cause', error: 'WorkerCrashed' }), {
      errors: ['Ecs.TaskStopped'],
      resultPath: '$.error',
    });
    work.addCatch(new sfn.Fail(this, 'InputTooLarge', {
      cause: "The task token and the input exceed RunTask's 8,192-character overrides",
      error: 'InputTooLarge',
    }), { errors: ['ECS.InvalidParameterException'], resultPath: '$.error' });

    const wait = new sfn.Wait(this, 'Wait', { time: sfn.WaitTime.duration(Duration.seconds(10)) });
    const choice = new sfn.Choice(this, 'Choice');
    const definition = choice
      .when(sfn.Condition.numberGreaterThan('$.input.number', 3), new sfn.Succeed(this, 'Done'))
      .otherwise(work.next(wait).next(choice));

    this.loop = new sfn.StateMachine(this, 'Loop', {
      definitionBody: sfn.DefinitionBody.fromChainable(definition),
      timeout: Duration.hours(12),
    });
  }
}
// -----------------------------------------------------------------------------------------------------------

const sfnMock = mockClient(SFNClient);
beforeEach(() => {
  sfnMock.reset();
  jest.spyOn(console, 'info').mockImplementation(() => {});
});
afterEach(() => jest.restoreAllMocks());

/** The container of the example: adds one to `number`. */
function container(params: any): unknown {
  const env = Object.fromEntries(params.Overrides.ContainerOverrides[0].Environment.map((v: any) => [v.Name, v.Value]));
  const job = JSON.parse(env.TASK_INPUT);
  return { number: job.number + 1 };
}

test('the example synthesizes to valid ASL and loops until number > 3', async () => {
  // GIVEN
  const stack = new WorkerStack(new App(), 'WorkerStack');
  const definition = renderStateMachine(stack, stack.loop);
  expectValidAsl(definition);
  // the same state machine as the Python example's (which sets the platform version too)
  expect(definition.States.Work.Parameters.PlatformVersion).toBe('LATEST');

  // WHEN
  const result = await runWorkflow(definition, { input: { number: 0 } }, { services: { Work: container } });

  // THEN
  expect(result.status).toBe('SUCCEEDED');
  expect(result.output).toEqual({ input: { number: 4 } });
  expect(result.serviceCalls.Work).toHaveLength(4);
});

test('a crash ends the execution in the Crashed state with the stop details as its cause', async () => {
  // GIVEN
  const stack = new WorkerStack(new App(), 'WorkerStack');
  const definition = renderStateMachine(stack, stack.loop);
  let failure: SendTaskFailureCommandInput | undefined;
  sfnMock.on(SendTaskFailureCommand).callsFake((input: SendTaskFailureCommandInput) => {
    failure = input;
    return {};
  });

  // WHEN
  const result = await runWorkflow(definition, { input: { number: 0 } }, {
    services: {
      Work: async (params: any) => {
        await taskStoppedHandler({
          'source': 'aws.ecs',
          'detail-type': 'ECS Task State Change',
          'detail': {
            taskArn: 'arn:aws:ecs:us-east-1:123456789012:task/c/t',
            lastStatus: 'STOPPED',
            stopCode: 'SpotInterruption',
            stoppedReason: 'Your Spot Task was interrupted.',
            containers: [{ name: 'app', lastStatus: 'STOPPED' }],
            overrides: {
              containerOverrides: params.Overrides.ContainerOverrides.map((c: any) => ({
                name: c.Name,
                environment: c.Environment.map((v: any) => ({ name: v.Name, value: v.Value })),
              })),
            },
          },
        });
        throw taskError(failure!.error!, failure!.cause!);
      },
    },
  });

  // THEN
  expect(result.status).toBe('FAILED');
  expect(result.error).toBe('WorkerCrashed');
  expect(JSON.parse(result.cause!)).toMatchObject({ stopCode: 'SpotInterruption', stoppedReason: 'Your Spot Task was interrupted.' });
});
