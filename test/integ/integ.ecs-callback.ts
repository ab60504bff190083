// Snapshot test: a realistic ECS callback pipeline. A Fargate worker answers its task token in a loop
// (Choice → run the container → Wait → Choice) with Catches for a stopped task and an oversized input;
// a JSONata state machine runs a second container on the same cluster, with its own security group.
import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Duration, RemovalPolicy, Stack, StackProps, aws_ec2 as ec2, aws_ecr as ecr, aws_ecs as ecs, aws_logs as logs, aws_stepfunctions as sfn, aws_stepfunctions_tasks as tasks } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { EcsCallbackTask } from '../../src';

class WorkerPipelineStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const vpc = new ec2.Vpc(this, 'Vpc', { maxAzs: 2, natGateways: 1 });
    const cluster = new ecs.Cluster(this, 'Cluster', { vpc, containerInsightsV2: ecs.ContainerInsights.ENABLED });
    const images = new ecr.Repository(this, 'Images', { imageScanOnPush: true, removalPolicy: RemovalPolicy.DESTROY });
    const taskDefinition = new ecs.FargateTaskDefinition(this, 'Worker', { cpu: 256, memoryLimitMiB: 512 });
    taskDefinition.addContainer('app', {
      image: ecs.ContainerImage.fromEcrRepository(images, 'worker-1'),
      logging: ecs.LogDrivers.awsLogs({ streamPrefix: 'worker', logRetention: logs.RetentionDays.ONE_WEEK }),
    });

    // --- JSONPath: the loop, with a Catch for a crash and for an input too large for RunTask
    const work = new EcsCallbackTask(this, 'Work', {
      cluster,
      taskDefinition,
      launchTarget: new tasks.EcsFargateLaunchTarget({ platformVersion: ecs.FargatePlatformVersion.LATEST }),
      input: sfn.TaskInput.fromJsonPathAt('$.input'),
      environment: { MODE: sfn.JsonPath.stringAt('$.mode') },
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
    const loop = choice
      .when(sfn.Condition.numberGreaterThan('$.input.number', 3), new sfn.Succeed(this, 'Done'))
      .otherwise(work.next(wait).next(choice));

    new sfn.StateMachine(this, 'Loop', {
      definitionBody: sfn.DefinitionBody.fromChainable(loop),
      timeout: Duration.hours(12),
    });

    // --- JSONata: a second container of its own task definition, in private subnets
    const reporterDefinition = new ecs.FargateTaskDefinition(this, 'Reporter', { cpu: 512, memoryLimitMiB: 1024 });
    reporterDefinition.addContainer('reporter', {
      image: ecs.ContainerImage.fromEcrRepository(images, 'reporter-2'),
      logging: ecs.LogDrivers.awsLogs({ streamPrefix: 'reporter', logRetention: logs.RetentionDays.ONE_WEEK }),
    });
    const reporterSecurityGroup = new ec2.SecurityGroup(this, 'ReporterSecurityGroup', { vpc, allowAllOutbound: true });
    const reportTask = EcsCallbackTask.jsonata(this, 'Report', {
      cluster,
      taskDefinition: reporterDefinition,
      launchTarget: new tasks.EcsFargateLaunchTarget({ platformVersion: ecs.FargatePlatformVersion.LATEST }),
      subnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      securityGroups: [reporterSecurityGroup],
      input: sfn.TaskInput.fromObject({ job: '{% $states.input.job %}', attempt: 1 }),
      environment: { MODE: '{% $states.input.mode %}' },
      tokenEnvironmentName: 'CALLBACK_TOKEN',
      outputs: '{% { "report": $states.result } %}',
      taskTimeout: sfn.Timeout.duration(Duration.minutes(30)),
    });
    reportTask.addRetry({ errors: ['ECS.AmazonECSException'], maxAttempts: 2, interval: Duration.seconds(20) });

    new sfn.StateMachine(this, 'Reports', {
      queryLanguage: sfn.QueryLanguage.JSONATA,
      definitionBody: sfn.DefinitionBody.fromChainable(reportTask),
      timeout: Duration.hours(1),
    });
  }
}

const app = new App();
const stack = new WorkerPipelineStack(app, 'CdkSfnJobsIntegEcsCallback');
new IntegTest(app, 'EcsCallbackPipeline', { testCases: [stack] });
app.synth();
