/**
 * cdk-nag AwsSolutions on a stack holding the task (realistic props: KMS bucket, ECR image, VPC, keys, tags).
 * The only findings from our resources are AwsSolutions-IAM5 wildcards, each acknowledged below with why
 * nothing narrower exists.
 */
import { aws_logs as logs, aws_stepfunctions as sfn } from 'aws-cdk-lib';
import { pipelineFixture, pipelineProps } from './fixtures';
import { SageMakerCreateProcessingJob } from '../../src';
import { NagAcknowledgement, expectNoNagFindings, logicalIdOf, nagFindings, newTestStack, expectNoExpressionInIamArns } from '../support';

function pipelineStack() {
  const stack = newTestStack();
  const fx = pipelineFixture(stack);
  const job = SageMakerCreateProcessingJob.jsonPath(stack, 'Preprocess', pipelineProps(fx));
  new sfn.StateMachine(stack, 'Pipeline', {
    definitionBody: sfn.DefinitionBody.fromChainable(job),
    tracingEnabled: true,
    logs: { destination: new logs.LogGroup(stack, 'PipelineLogs'), level: sfn.LogLevel.ALL },
  });
  return { stack, fx, job };
}

/** What we acknowledge, and why. `*`-only actions first; then the prefix scopes that are wildcards by nature. */
const ACKNOWLEDGED: NagAcknowledgement[] = [
  {
    id: 'AwsSolutions-IAM5',
    path: 'TestStack/Preprocess/Role',
    reason: "'*'-only actions: ecr:GetAuthorizationToken and ec2:Describe* have no resource types; cloudwatch:PutMetricData (metrics have no ARN, condition on cloudwatch:namespace); ec2:DeleteNetworkInterfacePermission (authorized on the permission id)",
    appliesTo: ['Resource::*'],
  },
  {
    id: 'AwsSolutions-IAM5',
    path: 'TestStack/Preprocess/Role',
    reason: 'SageMaker writes one log stream per job instance in its fixed log group; streams are created at run time',
    appliesTo: ['Resource::arn:<AWS::Partition>:logs:us-east-1:123456789012:log-group:/aws/sagemaker/ProcessingJobs:*'],
  },
  {
    id: 'AwsSolutions-IAM5',
    path: 'TestStack/Preprocess/Role',
    reason: 'Each input is a key prefix the job reads, each output a key prefix it writes: every object under it, and nothing else',
    appliesTo: [{ regex: '/^Resource::<FixtureData[0-9A-F]+\\.Arn>\\/.*\\*$/' }],
  },
  {
    id: 'AwsSolutions-IAM5',
    path: 'TestStack/Preprocess/Role',
    reason: 'SageMaker creates the job ENIs at run time; creation is scoped to the job subnets and security group, the rest to the VPC',
    appliesTo: ['Resource::arn:<AWS::Partition>:ec2:us-east-1:123456789012:network-interface/*'],
  },
  {
    id: 'AwsSolutions-IAM5',
    path: 'TestStack/Pipeline/Role',
    reason: 'Job names are generated per execution (<prefix>-<uuid>): scoped to the prefix, as given and lower-cased',
    appliesTo: [
      'Resource::arn:<AWS::Partition>:sagemaker:us-east-1:123456789012:processing-job/Preprocess-*',
      'Resource::arn:<AWS::Partition>:sagemaker:us-east-1:123456789012:processing-job/preprocess-*',
    ],
  },
];

test('without acknowledgements, the findings are exactly the IAM5 wildcards listed', () => {
  const { stack, fx } = pipelineStack();
  const findings = nagFindings(stack);
  const bucket = `<${logicalIdOf(fx.bucket)}.Arn>`;
  const role = '/TestStack/Preprocess/Role/Resource';
  expect(findings.map((f) => `${f.id} ${f.findingId} ${f.path}`).sort()).toEqual([
    // aws-cdk-lib's own: the state machine's X-Ray and log delivery actions (not ours)
    'AwsSolutions-IAM5 Resource::* /TestStack/Pipeline/Role/DefaultPolicy/Resource',
    // ours
    `AwsSolutions-IAM5 Resource::* ${role}`,
    `AwsSolutions-IAM5 Resource::${bucket}/code/preprocess.py* ${role}`,
    `AwsSolutions-IAM5 Resource::${bucket}/features/test/* ${role}`,
    `AwsSolutions-IAM5 Resource::${bucket}/features/train/* ${role}`,
    `AwsSolutions-IAM5 Resource::${bucket}/raw/2024/* ${role}`,
    `AwsSolutions-IAM5 Resource::arn:<AWS::Partition>:ec2:us-east-1:123456789012:network-interface/* ${role}`,
    `AwsSolutions-IAM5 Resource::arn:<AWS::Partition>:logs:us-east-1:123456789012:log-group:/aws/sagemaker/ProcessingJobs:* ${role}`,
    'AwsSolutions-IAM5 Resource::arn:<AWS::Partition>:sagemaker:us-east-1:123456789012:processing-job/Preprocess-* /TestStack/Pipeline/Role/DefaultPolicy/Resource',
    'AwsSolutions-IAM5 Resource::arn:<AWS::Partition>:sagemaker:us-east-1:123456789012:processing-job/preprocess-* /TestStack/Pipeline/Role/DefaultPolicy/Resource',
  ].sort());
});

test('with the acknowledgements, cdk-nag AwsSolutions reports nothing', () => {
  const { stack } = pipelineStack();
  expectNoNagFindings(stack, [
    ...ACKNOWLEDGED,
    {
      id: 'AwsSolutions-IAM5',
      path: 'TestStack/Pipeline/Role',
      reason: 'aws-cdk-lib: X-Ray and CloudWatch Logs delivery actions of the state machine itself only accept *',
      appliesTo: ['Resource::*'],
    },
  ]);
  // and no expression ever reached an IAM ARN (checked after cdk-nag: a synth before it would skip its aspect)
  expectNoExpressionInIamArns(stack);
});
