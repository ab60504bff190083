import { App, Duration, Stack, StackProps, aws_ec2 as ec2, aws_ecs as ecs, aws_kms as kms, aws_s3 as s3 } from 'aws-cdk-lib';
import * as batch from 'aws-cdk-lib/aws-batch';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import {
  BatchPollerJob,
  EcsCallbackTask,
  HyperParameterRange,
  HyperParameterTuningObjective,
  LabelingFunction,
  LabelingTaskUi,
  SageMakerCreateHyperParameterTuningJob,
  SageMakerCreateLabelingJob,
  SageMakerCreateProcessingJob,
} from '../src';

/**
 * The example pipeline: what a team running long jobs from Step Functions builds with this library.
 *
 *   Prepare → CheckEachDataset (Map)
 *     → RunJobs (Parallel: Preprocess on SageMaker ‖ Train on AWS Batch ‖ Tune on SageMaker ‖ Label with Ground Truth)
 *     → Publish (an ECS container that reports its own result) → Done
 *
 * Every task is simulated by `simulatedServices` in main.ts when the workflow runs offline.
 */
export class ExamplePipelineStack extends Stack {
  public readonly stateMachine: sfn.StateMachine;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const key = new kms.Key(this, 'DataKey', { enableKeyRotation: true });
    const data = new s3.Bucket(this, 'Data', {
      enforceSSL: true,
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: key,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    });
    const vpc = new ec2.Vpc(this, 'Vpc', { availabilityZones: ['us-east-1a', 'us-east-1b'], natGateways: 1 });

    const prepare = new sfn.Pass(this, 'Prepare', {
      parameters: { 'datasets.$': '$.datasets', 'requestedBy.$': '$.requestedBy' },
    });

    const checkDataset = new tasks.CallAwsService(this, 'CheckDataset', {
      service: 's3',
      action: 'headObject',
      parameters: { 'Bucket': data.bucketName, 'Key.$': '$.key' },
      iamResources: [data.arnForObjects('raw/*')],
      iamAction: 's3:GetObject',
      resultSelector: { 'bytes.$': '$.ContentLength' },
      resultPath: '$.size',
    }).addRetry({ errors: ['S3.SdkClientException'], maxAttempts: 3 });

    const checkAll = new sfn.Map(this, 'CheckEachDataset', {
      itemsPath: '$.datasets',
      resultPath: '$.checked',
      maxConcurrency: 4,
    }).itemProcessor(checkDataset);

    // SageMaker Processing, .sync: waits for the job; job name unique per execution; least-privilege role.
    const preprocess = new SageMakerCreateProcessingJob(this, 'Preprocess', {
      image: tasks.DockerImage.fromRegistry('123456789012.dkr.ecr.us-east-1.amazonaws.com/preprocess:1'),
      processingInputs: [{ inputName: 'raw', source: tasks.S3Location.fromBucket(data, 'raw/') }],
      processingOutputs: [{ outputName: 'features', destination: tasks.S3Location.fromBucket(data, 'features/') }],
      outputEncryptionKey: key,
      vpc,
      maxRuntime: Duration.hours(2),
      resultSelector: {
        'status.$': '$.ProcessingJobStatus',
        'outputs.$': '$.ProcessingOutputConfig.Outputs[*].S3Output.S3Uri',
      },
    });

    // AWS Batch, polled with a growing interval; cancelled when stuck in the queue or late.
    const queue = batch.JobQueue.fromJobQueueArn(this, 'Queue', 'arn:aws:batch:us-east-1:123456789012:job-queue/training');
    const train = new BatchPollerJob(this, 'Train', {
      jobQueue: queue,
      jobDefinitionArn: 'arn:aws:batch:us-east-1:123456789012:job-definition/train:3',
      jobName: 'train-model',
      containerOverrides: { command: ['python', 'train.py'] },
      maxQueueTime: Duration.minutes(30),
      timeout: Duration.hours(6),
      resultPath: '$',
    });

    // SageMaker hyperparameter tuning, .sync: a 32-character job name per execution.
    const channel = (channelName: string, prefix: string): tasks.Channel => ({
      channelName,
      contentType: 'text/csv',
      dataSource: { s3DataSource: { s3Location: tasks.S3Location.fromBucket(data, prefix) } },
    });
    const tune = new SageMakerCreateHyperParameterTuningJob(this, 'Tune', {
      algorithmSpecification: {
        trainingImage: tasks.DockerImage.fromRegistry('683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1'),
      },
      objective: HyperParameterTuningObjective.maximize('validation:auc'),
      parameterRanges: [HyperParameterRange.integer('max_depth', 3, 10), HyperParameterRange.continuous('eta', 0.01, 0.3)],
      staticHyperParameters: { objective: 'binary:logistic', num_round: '200' },
      inputDataConfig: [channel('train', 'features/train/'), channel('validation', 'features/validation/')],
      outputDataConfig: { s3OutputLocation: tasks.S3Location.fromBucket(data, 'models/'), encryptionKey: key },
      maxNumberOfTrainingJobs: 20,
      maxParallelTrainingJobs: 4,
      resultSelector: { 'best.$': '$.BestTrainingJob.TrainingJobName', 'status.$': '$.HyperParameterTuningJobStatus' },
    });

    // SageMaker Ground Truth labeling, .sync: waits until the workers are done.
    const label = new SageMakerCreateLabelingJob(this, 'Label', {
      inputManifest: tasks.S3Location.fromBucket(data, 'images/manifest.json'),
      outputLocation: tasks.S3Location.fromBucket(data, 'labels/'),
      labelAttributeName: 'defects',
      labelCategoryConfig: tasks.S3Location.fromBucket(data, 'config/categories.json'),
      workteamArn: 'arn:aws:sagemaker:us-east-1:123456789012:workteam/private-crowd/inspectors',
      taskUi: LabelingTaskUi.fromTemplate(tasks.S3Location.fromBucket(data, 'config/bounding-box.liquid')),
      preHumanTaskFunction: LabelingFunction.builtIn('arn:aws:lambda:us-east-1:432418664414:function:PRE-BoundingBox'),
      annotationConsolidationFunction: LabelingFunction.builtIn('arn:aws:lambda:us-east-1:432418664414:function:ACS-BoundingBox'),
      taskTitle: 'Mark defects',
      taskDescription: 'Draw a box around every defect on the part',
      taskKeywords: ['image', 'bounding box'],
      resultSelector: { 'manifest.$': '$.LabelingJobOutput.OutputDatasetS3Uri', 'labeled.$': '$.LabelCounters.TotalLabeled' },
    });

    const failed = new sfn.Fail(this, 'PipelineFailed', { error: 'Pipeline.Failed', causePath: '$.error.Cause' });
    const jobs = new sfn.Parallel(this, 'RunJobs', { resultPath: '$.jobs' })
      .branch(preprocess)
      .branch(train)
      .branch(tune)
      .branch(label)
      .addCatch(failed, { resultPath: '$.error' });

    // ECS on Fargate: the container gets the token and its input, and answers itself.
    const cluster = new ecs.Cluster(this, 'Cluster', { vpc, containerInsightsV2: ecs.ContainerInsights.ENABLED });
    const publisher = new ecs.FargateTaskDefinition(this, 'Publisher', { family: 'publisher', cpu: 256, memoryLimitMiB: 512 });
    publisher.addContainer('app', {
      image: ecs.ContainerImage.fromRegistry('123456789012.dkr.ecr.us-east-1.amazonaws.com/publisher:1'),
      logging: ecs.LogDrivers.awsLogs({ streamPrefix: 'publisher' }),
    });
    const publish = new EcsCallbackTask(this, 'Publish', {
      cluster,
      taskDefinition: publisher,
      launchTarget: new tasks.EcsFargateLaunchTarget(),
      input: sfn.TaskInput.fromJsonPathAt('$.jobs'), // the container receives only the jobs' results
      resultPath: '$.published',
      heartbeatTimeout: sfn.Timeout.duration(Duration.minutes(5)),
      taskTimeout: sfn.Timeout.duration(Duration.hours(1)),
    });
    publish.addCatch(failed, { resultPath: '$.error' });

    this.stateMachine = new sfn.StateMachine(this, 'Pipeline', {
      stateMachineName: 'cdk-sfn-jobs-example',
      definitionBody: sfn.DefinitionBody.fromChainable(
        prepare.next(checkAll).next(jobs).next(publish).next(new sfn.Succeed(this, 'Done')),
      ),
    });
  }
}

/** The example app: one stack, synthesized to `outdir`. */
export function buildExampleApp(outdir: string): { app: App; stack: ExamplePipelineStack } {
  const app = new App({ outdir });
  const stack = new ExamplePipelineStack(app, 'CdkSfnJobsExample', {
    env: { account: '123456789012', region: 'us-east-1' },
  });
  return { app, stack };
}
