// Snapshot test: a realistic SageMaker Processing pipeline (issue 3).
// A Map runs a VPC-bound, KMS-encrypted processing job per dataset, each caught on failure; then a
// Parallel runs an evaluation job (JSONata) beside a job started without waiting (REQUEST_RESPONSE).
import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Duration, RemovalPolicy, Size, Stack, StackProps, aws_ec2 as ec2, aws_ecr as ecr, aws_kms as kms, aws_s3 as s3, aws_stepfunctions as sfn, aws_stepfunctions_tasks as tasks } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { SageMakerCreateProcessingJob } from '../../src';

class ProcessingPipelineStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const dataKey = new kms.Key(this, 'DataKey', { enableKeyRotation: true, removalPolicy: RemovalPolicy.DESTROY });
    const data = new s3.Bucket(this, 'Data', {
      encryptionKey: dataKey,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: false,
    });
    const repository = new ecr.Repository(this, 'Image', { imageScanOnPush: true, removalPolicy: RemovalPolicy.DESTROY });
    const vpc = new ec2.Vpc(this, 'Vpc', { maxAzs: 2, natGateways: 1 });
    const jobSecurityGroup = new ec2.SecurityGroup(this, 'JobSecurityGroup', { vpc, allowAllOutbound: true });
    const outputKey = new kms.Key(this, 'OutputKey', { enableKeyRotation: true, removalPolicy: RemovalPolicy.DESTROY });
    const volumeKey = new kms.Key(this, 'VolumeKey', { enableKeyRotation: true, removalPolicy: RemovalPolicy.DESTROY });

    // --- one preprocessing job per dataset, in a Map, each with its own error handling
    const preprocess = SageMakerCreateProcessingJob.jsonPath(this, 'Preprocess', {
      image: tasks.DockerImage.fromEcrRepository(repository, 'v1'),
      processingInputs: [
        { inputName: 'raw', source: tasks.S3Location.fromBucket(data, 'raw/') },
        { inputName: 'code', source: tasks.S3Location.fromBucket(data, 'code/preprocess.py'), localPath: '/opt/ml/processing/input/code' },
      ],
      processingOutputs: [
        { outputName: 'train', destination: tasks.S3Location.fromBucket(data, 'features/train/') },
        { outputName: 'test', destination: tasks.S3Location.fromBucket(data, 'features/test/') },
      ],
      containerEntrypoint: ['python3', '/opt/ml/processing/input/code/preprocess.py'],
      containerArguments: ['--split', '0.8'],
      environment: { DATASET: sfn.JsonPath.stringAt('$.dataset') },
      instanceType: new ec2.InstanceType('m5.xlarge'),
      instanceCount: 2,
      volumeSize: Size.gibibytes(30),
      maxRuntime: Duration.hours(2),
      outputEncryptionKey: outputKey,
      volumeEncryptionKey: volumeKey,
      vpc,
      subnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      securityGroups: [jobSecurityGroup],
      enableInterContainerTrafficEncryption: true,
      tags: { project: 'churn' },
      resultSelector: {
        'status.$': '$.ProcessingJobStatus',
        'outputs.$': '$.ProcessingOutputConfig.Outputs[*].S3Output.S3Uri',
      },
      resultPath: '$.preprocess',
      taskTimeout: sfn.Timeout.duration(Duration.hours(3)),
    });
    preprocess.addRetry({ errors: ['SageMaker.AmazonSageMakerException'], interval: Duration.seconds(30), maxAttempts: 3, backoffRate: 2 });
    const recordFailure = new sfn.Pass(this, 'Record failure', {
      parameters: { 'dataset.$': '$.dataset', 'failure.$': 'States.StringToJson($.error.Cause)' },
    });
    preprocess.addCatch(recordFailure, { errors: ['States.TaskFailed'], resultPath: '$.error' });

    const perDataset = new sfn.Map(this, 'Each dataset', {
      itemsPath: '$.datasets',
      itemSelector: { 'dataset.$': '$$.Map.Item.Value' },
      maxConcurrency: 4,
      resultPath: '$.datasets',
    });
    perDataset.itemProcessor(preprocess);

    // --- then evaluate (JSONata, waits) while a report job is started without waiting
    const evaluate = SageMakerCreateProcessingJob.jsonata(this, 'Evaluate', {
      image: tasks.DockerImage.fromEcrRepository(repository, 'v1'),
      processingInputs: [{ inputName: 'test', source: tasks.S3Location.fromBucket(data, 'features/test/') }],
      processingOutputs: [{ outputName: 'metrics', destination: tasks.S3Location.fromBucket(data, 'metrics/') }],
      containerArguments: ['evaluate', '--threshold', '{% $string($states.input.threshold) %}'],
      outputEncryptionKey: outputKey,
      vpc,
      outputs: '{% { "status": $states.result.ProcessingJobStatus, "name": $states.result.ProcessingJobName } %}',
    });
    const report = SageMakerCreateProcessingJob.jsonPath(this, 'Report', {
      image: tasks.DockerImage.fromRegistry('123456789012.dkr.ecr.us-east-1.amazonaws.com/report:1'),
      integrationPattern: sfn.IntegrationPattern.REQUEST_RESPONSE,
      processingInputs: [{ inputName: 'metrics', source: tasks.S3Location.fromBucket(data, 'metrics/') }],
      processingJobName: sfn.JsonPath.format('Report-{}', sfn.JsonPath.executionName),
      resultPath: sfn.JsonPath.DISCARD,
    });
    const finish = new sfn.Parallel(this, 'Evaluate and report', { resultPath: '$.finish' })
      .branch(evaluate)
      .branch(report);

    new sfn.StateMachine(this, 'ProcessingPipeline', {
      definitionBody: sfn.DefinitionBody.fromChainable(perDataset.next(finish)),
      timeout: Duration.hours(12),
      tracingEnabled: true,
    });
  }
}

const app = new App();
const stack = new ProcessingPipelineStack(app, 'CdkSfnJobsIntegSageMakerProcessing');
new IntegTest(app, 'SageMakerProcessingPipeline', { testCases: [stack] });
app.synth();
