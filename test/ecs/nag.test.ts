import { App, RemovalPolicy, Stack, aws_ec2 as ec2, aws_logs as logs, aws_stepfunctions as sfn, aws_stepfunctions_tasks as tasks } from 'aws-cdk-lib';
import { fargateFixture } from './fixtures';
import { EcsCallbackTask } from '../../src';
import { NagAcknowledgement, TEST_ENV, bundledHandlerRuntimeAcknowledgements, executionStoppedAcknowledgements, expectLeastPrivilegeIam, expectNoExpressionInIamArns, expectNoNagFindings, nagFindings, statementsForRole } from '../support';

/** A well-configured stack (flow logs, state machine logs and tracing) with one EcsCallbackTask and its watcher. */
function compliantStack(app: App = new App()) {
  const stack = new Stack(app, 'TestStack', { env: TEST_ENV });
  const fx = fargateFixture(stack);
  fx.vpc.addFlowLog('FlowLog', {
    destination: ec2.FlowLogDestination.toCloudWatchLogs(new logs.LogGroup(stack, 'FlowLogs', { removalPolicy: RemovalPolicy.DESTROY })),
  });
  const task = new EcsCallbackTask(stack, 'Run', { cluster: fx.cluster, taskDefinition: fx.taskDefinition, launchTarget: new tasks.EcsFargateLaunchTarget() });
  const stateMachine = new sfn.StateMachine(stack, 'StateMachine', {
    definitionBody: sfn.DefinitionBody.fromChainable(task),
    tracingEnabled: true,
    logs: { destination: new logs.LogGroup(stack, 'StateMachineLogs', { removalPolicy: RemovalPolicy.DESTROY }), level: sfn.LogLevel.ALL },
  });
  return { stack, stateMachine };
}

/** Not ours: aws-cdk-lib's own grants for state machine logging and X-Ray tracing, whose actions only accept '*'. */
const STATE_MACHINE_LOGS_AND_TRACING: NagAcknowledgement = {
  id: 'AwsSolutions-IAM5',
  reason: 'aws-cdk-lib grants the state machine role CloudWatch Logs delivery and X-Ray actions, which only accept "*"',
  appliesTo: ['Resource::*'],
  path: '/TestStack/StateMachine/Role/DefaultPolicy/Resource',
};

test('cdk-nag AwsSolutions: nothing of ours with the fixRunEcsTaskPolicy feature flag (exact task definition revision)', async () => {
  // GIVEN
  const { stack, stateMachine } = compliantStack(new App({ context: { '@aws-cdk/aws-stepfunctions-tasks:fixRunEcsTaskPolicy': true } }));

  // THEN the only '*' resources on the state machine role are aws-cdk-lib's logs and X-Ray actions
  const wildcardActions = statementsForRole(stack, stateMachine).filter((s) => s.Resource === '*').flatMap((s) => s.Action ?? []);
  expect(wildcardActions.length).toBeGreaterThan(0);
  expect(wildcardActions.every((a) => a.startsWith('logs:') || a.startsWith('xray:'))).toBe(true);
  expectNoNagFindings(stack, [STATE_MACHINE_LOGS_AND_TRACING, ...bundledHandlerRuntimeAcknowledgements(stack)]);
  await expectLeastPrivilegeIam(stack);
});

test('cdk-nag AwsSolutions without the feature flag: the family-wide RunTask resource is the only finding of ours', () => {
  // GIVEN
  const { stack } = compliantStack();

  // THEN
  const acknowledgements = [STATE_MACHINE_LOGS_AND_TRACING, ...bundledHandlerRuntimeAcknowledgements(stack), ...executionStoppedAcknowledgements()];
  expect(nagFindings(stack, acknowledgements)).toEqual([
    expect.objectContaining({
      id: 'AwsSolutions-IAM5',
      findingId: 'Resource::arn:<AWS::Partition>:ecs:us-east-1:123456789012:task-definition/worker:*',
      path: '/TestStack/StateMachine/Role/DefaultPolicy/Resource',
    }),
  ]);
  // and no expression ever reached an IAM ARN (checked after cdk-nag: a synth before it would skip its aspect)
  expectNoExpressionInIamArns(stack);
});
