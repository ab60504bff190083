/**
 * cdk-nag AwsSolutions on stacks holding a tuning job and a labeling job with realistic props (KMS-encrypted bucket,
 * ECR image, VPC, keys, your own Lambda function, automated labeling). The only findings from our resources are
 * AwsSolutions-IAM5 wildcards, each acknowledged below with why nothing narrower exists.
 */
import { Size, aws_ec2 as ec2, aws_kms as kms, aws_lambda as lambda, aws_logs as logs, aws_stepfunctions as sfn, aws_stepfunctions_tasks as tasks } from 'aws-cdk-lib';
import { pipelineFixture } from './fixtures';
import { labelingProps, tuningProps } from './fixtures-jobs';
import { LabelingFunction, LabelingJobAlgorithm, LabelingTaskUi, SageMakerCreateHyperParameterTuningJob, SageMakerCreateLabelingJob } from '../../src';
import { NagAcknowledgement, expectNoNagFindings, logicalIdOf, nagFindings, newTestStack, expectNoExpressionInIamArns } from '../support';

function jobsStack() {
  const stack = newTestStack();
  const fx = pipelineFixture(stack);
  const tune = SageMakerCreateHyperParameterTuningJob.jsonPath(stack, 'Tune', tuningProps(stack, {
    algorithmSpecification: { trainingImage: tasks.DockerImage.fromEcrRepository(fx.repository, 'v1') },
    inputDataConfig: [{ channelName: 'train', dataSource: { s3DataSource: { s3Location: tasks.S3Location.fromBucket(fx.bucket, 'features/train/') } } }],
    outputDataConfig: { s3OutputLocation: tasks.S3Location.fromBucket(fx.bucket, 'models/'), encryptionKey: fx.outputKey },
    resourceConfig: { instanceCount: 1, instanceType: new ec2.InstanceType('m5.xlarge'), volumeSize: Size.gibibytes(20), volumeEncryptionKey: fx.volumeKey },
    vpc: fx.vpc,
    tags: { project: 'churn' },
  }));
  const consolidate = new lambda.Function(stack, 'Consolidate', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => []'),
  });
  const label = SageMakerCreateLabelingJob.jsonPath(stack, 'Label', labelingProps(stack, {
    inputManifest: tasks.S3Location.fromBucket(fx.bucket, 'images/manifest.json'),
    outputLocation: tasks.S3Location.fromBucket(fx.bucket, 'labels/'),
    labelCategoryConfig: tasks.S3Location.fromBucket(fx.bucket, 'config/categories.json'),
    taskUi: LabelingTaskUi.fromTemplate(tasks.S3Location.fromBucket(fx.bucket, 'config/bounding-box.liquid')),
    annotationConsolidationFunction: LabelingFunction.fromFunction(consolidate),
    outputEncryptionKey: fx.outputKey,
    automatedLabeling: { algorithm: LabelingJobAlgorithm.OBJECT_DETECTION, volumeEncryptionKey: new kms.Key(stack, 'LabelingVolumeKey', { enableKeyRotation: true }) },
  }));
  new sfn.StateMachine(stack, 'Pipeline', {
    definitionBody: sfn.DefinitionBody.fromChainable(label.next(tune)),
    tracingEnabled: true,
    logs: { destination: new logs.LogGroup(stack, 'PipelineLogs'), level: sfn.LogLevel.ALL },
  });
  return { stack, fx, tune, label, consolidate };
}

/** What we acknowledge, and why. */
const ACKNOWLEDGED: NagAcknowledgement[] = [
  {
    id: 'AwsSolutions-IAM5',
    path: 'TestStack/Tune/Role',
    reason: "'*'-only actions: ecr:GetAuthorizationToken and ec2:Describe* have no resource types; cloudwatch:PutMetricData (metrics have no ARN, condition on cloudwatch:namespace); ec2:DeleteNetworkInterfacePermission (authorized on the permission id)",
    appliesTo: ['Resource::*'],
  },
  {
    id: 'AwsSolutions-IAM5',
    path: 'TestStack/Label/Role',
    reason: 'cloudwatch:PutMetricData only accepts * for metrics; limited by the cloudwatch:namespace condition to the labeling and work team namespaces',
    appliesTo: ['Resource::*'],
  },
  {
    id: 'AwsSolutions-IAM5',
    reason: 'SageMaker writes one log stream per job (or training instance) in its fixed log group; streams are created at run time',
    appliesTo: [{ regex: '/^Resource::arn:<AWS::Partition>:logs:us-east-1:123456789012:log-group:\\/aws\\/sagemaker\\/(TrainingJobs|LabelingJobs):\\*$/' }],
  },
  {
    id: 'AwsSolutions-IAM5',
    reason: 'Each input is a key prefix (or the manifest folder) the job reads, each output a key prefix it writes: every object under it, and nothing else',
    appliesTo: [{ regex: '/^Resource::<FixtureData[0-9A-F]+\\.Arn>\\/.*\\*$/' }],
  },
  {
    id: 'AwsSolutions-IAM5',
    path: 'TestStack/Tune/Role',
    reason: 'SageMaker creates the training jobs ENIs at run time; creation is scoped to the job subnets and security group, the rest to the VPC',
    appliesTo: ['Resource::arn:<AWS::Partition>:ec2:us-east-1:123456789012:network-interface/*'],
  },
  {
    id: 'AwsSolutions-IAM5',
    path: 'TestStack/Pipeline/Role',
    reason: 'Job names are generated per execution (<prefix>-<unique suffix>): scoped to the prefix, as given and lower-cased',
    appliesTo: [
      'Resource::arn:<AWS::Partition>:sagemaker:us-east-1:123456789012:hyper-parameter-tuning-job/Tune-*',
      'Resource::arn:<AWS::Partition>:sagemaker:us-east-1:123456789012:hyper-parameter-tuning-job/tune-*',
      'Resource::arn:<AWS::Partition>:sagemaker:us-east-1:123456789012:labeling-job/Label-*',
      'Resource::arn:<AWS::Partition>:sagemaker:us-east-1:123456789012:labeling-job/label-*',
    ],
  },
  {
    id: 'AwsSolutions-IAM5',
    path: 'TestStack/Pipeline/Role',
    reason: 'AWS documents no name for the EventBridge rule Step Functions manages for createLabelingJob.sync: scoped to the rules Step Functions manages for SageMaker',
    appliesTo: ['Resource::arn:<AWS::Partition>:events:us-east-1:123456789012:rule/StepFunctionsGetEventsForSageMaker*'],
  },
];

/** aws-cdk-lib's own findings, not ours: the state machine's X-Ray and log delivery; the demo function's basic execution role. */
const NOT_OURS: NagAcknowledgement[] = [
  { id: 'AwsSolutions-IAM5', path: 'TestStack/Pipeline/Role', reason: 'aws-cdk-lib: X-Ray and CloudWatch Logs delivery actions of the state machine itself only accept *', appliesTo: ['Resource::*'] },
  { id: 'AwsSolutions-IAM4', path: 'TestStack/Consolidate', reason: 'the test fixture function uses the Lambda basic execution role' },
  { id: 'AwsSolutions-L1', path: 'TestStack/Consolidate', reason: 'the test fixture function pins a runtime on purpose' },
];

test('without acknowledgements, the findings are exactly the IAM5 wildcards listed', () => {
  const { stack, fx } = jobsStack();
  const findings = nagFindings(stack, NOT_OURS);
  const bucket = `<${logicalIdOf(fx.bucket)}.Arn>`;
  const tuneRole = '/TestStack/Tune/Role/Resource';
  const labelRole = '/TestStack/Label/Role/Resource';
  const machine = '/TestStack/Pipeline/Role/DefaultPolicy/Resource';
  expect(findings.map((f) => `${f.id} ${f.findingId} ${f.path}`).sort()).toEqual([
    `AwsSolutions-IAM5 Resource::* ${tuneRole}`,
    `AwsSolutions-IAM5 Resource::${bucket}/features/train/* ${tuneRole}`,
    `AwsSolutions-IAM5 Resource::${bucket}/models/* ${tuneRole}`,
    `AwsSolutions-IAM5 Resource::arn:<AWS::Partition>:ec2:us-east-1:123456789012:network-interface/* ${tuneRole}`,
    `AwsSolutions-IAM5 Resource::arn:<AWS::Partition>:logs:us-east-1:123456789012:log-group:/aws/sagemaker/TrainingJobs:* ${tuneRole}`,
    `AwsSolutions-IAM5 Resource::* ${labelRole}`,
    `AwsSolutions-IAM5 Resource::${bucket}/images/* ${labelRole}`,
    `AwsSolutions-IAM5 Resource::${bucket}/labels/* ${labelRole}`,
    `AwsSolutions-IAM5 Resource::arn:<AWS::Partition>:logs:us-east-1:123456789012:log-group:/aws/sagemaker/LabelingJobs:* ${labelRole}`,
    `AwsSolutions-IAM5 Resource::arn:<AWS::Partition>:sagemaker:us-east-1:123456789012:hyper-parameter-tuning-job/Tune-* ${machine}`,
    `AwsSolutions-IAM5 Resource::arn:<AWS::Partition>:sagemaker:us-east-1:123456789012:hyper-parameter-tuning-job/tune-* ${machine}`,
    `AwsSolutions-IAM5 Resource::arn:<AWS::Partition>:sagemaker:us-east-1:123456789012:labeling-job/Label-* ${machine}`,
    `AwsSolutions-IAM5 Resource::arn:<AWS::Partition>:sagemaker:us-east-1:123456789012:labeling-job/label-* ${machine}`,
    `AwsSolutions-IAM5 Resource::arn:<AWS::Partition>:events:us-east-1:123456789012:rule/StepFunctionsGetEventsForSageMaker* ${machine}`,
  ].sort());
});

test('with the acknowledgements, cdk-nag AwsSolutions reports nothing', () => {
  const { stack } = jobsStack();
  expectNoNagFindings(stack, [...ACKNOWLEDGED, ...NOT_OURS]);
  // and no expression ever reached an IAM ARN (checked after cdk-nag: a synth before it would skip its aspect)
  expectNoExpressionInIamArns(stack);
});
