// Snapshot test: a realistic AWS Batch pipeline followed by BatchPollerJob (a Fargate compute
// environment, a job queue and a job definition), whose addCatch handles a stuck or late job; a second, JSONata array job polled on its own schedule in the same state machine.
import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Duration, Size, Stack, StackProps, aws_batch as batch, aws_ec2 as ec2, aws_ecs as ecs, aws_stepfunctions as sfn } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { BatchPollerJob } from '../../src';

class BatchPipelineStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const vpc = new ec2.Vpc(this, 'Vpc', { maxAzs: 2, natGateways: 1 });
    const computeEnvironment = new batch.FargateComputeEnvironment(this, 'Compute', {
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      maxvCpus: 16,
    });
    const queue = new batch.JobQueue(this, 'Queue', {
      computeEnvironments: [{ computeEnvironment, order: 1 }],
    });
    const jobDefinition = new batch.EcsJobDefinition(this, 'TrainDefinition', {
      container: new batch.EcsFargateContainerDefinition(this, 'TrainContainer', {
        image: ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/python:3.12-slim'),
        command: ['python', '-c', 'print("training")'],
        cpu: 1,
        memory: Size.mebibytes(2048),
      }),
      retryAttempts: 2,
    });

    const train = new BatchPollerJob(this, 'Train', {
      jobQueue: queue,
      jobDefinition,
      jobName: 'train-model',
      containerOverrides: {
        command: ['python', 'train.py', '--input', 'Ref::input'],
        environment: { STAGE: 'prod' },
      },
      parameters: { input: sfn.JsonPath.stringAt('$.inputUri') },
      attempts: 2,
      tags: { project: 'churn' },
      maxQueueTime: Duration.minutes(30),
      timeout: Duration.hours(12),
    });

    const notify = new sfn.Pass(this, 'Report stuck or late job');
    train.addCatch(notify, { errors: [BatchPollerJob.JOB_STUCK, BatchPollerJob.JOB_TIMED_OUT], resultPath: '$.error' });

    // An array job whose states render in JSONata inside the JSONPath state machine.
    const score = new BatchPollerJob(this, 'Score', {
      jobQueueArn: queue.jobQueueArn,
      jobDefinitionArn: jobDefinition.jobDefinitionArn,
      jobName: 'score-shards',
      arraySize: 10,
      pollInterval: Duration.seconds(60),
      maxPollInterval: Duration.minutes(15),
      queryLanguage: sfn.QueryLanguage.JSONATA,
    });

    const publish = new sfn.Pass(this, 'Publish', {
      parameters: { 'logStream.$': '$.Train.logStreamName', 'shards.$': '$.Score.arrayProperties.statusSummary' },
    });

    new sfn.StateMachine(this, 'TrainingPipeline', {
      definitionBody: sfn.DefinitionBody.fromChainable(train.next(score).next(publish)),
      timeout: Duration.days(2),
    });
  }
}

const app = new App();
const stack = new BatchPipelineStack(app, 'CdkSfnJobsIntegBatchPoller');
new IntegTest(app, 'BatchPollerPipeline', { testCases: [stack] });
app.synth();

