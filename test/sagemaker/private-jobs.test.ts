/** The shared SageMaker job base as the tuning and labeling jobs use it: job kinds, the job role's options, checks. */
import { Stack, aws_ec2 as ec2, aws_iam as iam, aws_s3 as s3, aws_stepfunctions_tasks as tasks } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { arnsOf } from './helpers';
import { checkArn, checkMinInteger, renderInstanceType, tagsField } from '../../src/sagemaker/private/checks';
import { LABELING_JOB, PROCESSING_JOB, SageMakerJobKind, TUNING_JOB } from '../../src/sagemaker/private/job-kind';
import { JobRole } from '../../src/sagemaker/private/job-role';
import { attachJobNetwork, checkNetworkProps } from '../../src/sagemaker/private/network';
import { newTestStack, statementsForRole } from '../support';

function roleOf(kind: SageMakerJobKind, bind: (role: JobRole, bucket: s3.IBucket, stack: Stack) => void) {
  const stack = newTestStack();
  const bucket = s3.Bucket.fromBucketName(stack, 'B', 'bucket');
  const role = new JobRole(stack, 'Role', kind);
  bind(role, bucket, stack);
  role.finish();
  return { stack, statements: arnsOf(stack, statementsForRole(stack, role.role)), role };
}

describe('job kinds', () => {
  test.each([
    [PROCESSING_JOB, 'processing-job', 'StepFunctionsGetEventsForSageMakerProcessingJobsRule', 63],
    [TUNING_JOB, 'hyper-parameter-tuning-job', 'StepFunctionsGetEventsForSageMakerTuningJobsRule', 32],
    [LABELING_JOB, 'labeling-job', 'StepFunctionsGetEventsForSageMaker*', 63],
  ])('%#: ARN resource, managed rule and name limit', (kind, resource, rule, maxName) => {
    expect([kind.arnResource, kind.syncRuleName, kind.maxNameLength]).toEqual([resource, rule, maxName]);
    expect(kind.createApi).toBe(`create${kind.createAction.slice('Create'.length)}`);
    expect([kind.describeAction, kind.stopAction]).toEqual([kind.createAction.replace('Create', 'Describe'), kind.createAction.replace('Create', 'Stop')]);
  });
});

describe('JobRole options of the kinds', () => {
  test('prefix kinds list only under their read prefixes; bucket kinds get bucket-level list and location, for reads and writes', () => {
    const bind = (role: JobRole, bucket: s3.IBucket) => {
      role.bindRead(tasks.S3Location.fromBucket(bucket, 'in/data/'));
      role.bindWrite(tasks.S3Location.fromBucket(bucket, 'out/'));
    };
    const prefix = roleOf(TUNING_JOB, bind).statements.filter((s) => s.Action.some((a: string) => a.startsWith('s3:')));
    expect(prefix).toEqual([
      { Action: ['s3:GetObject'], Resource: 'arn:aws:s3:::bucket/in/data/*' },
      { Action: ['s3:ListBucket'], Resource: 'arn:aws:s3:::bucket', Condition: { StringLike: { 's3:prefix': ['in/data/*'] } } },
      { Action: ['s3:PutObject'], Resource: 'arn:aws:s3:::bucket/out/*' },
    ]);
    const bucket = roleOf(LABELING_JOB, bind).statements.filter((s) => s.Action.some((a: string) => a.startsWith('s3:')));
    expect(bucket).toEqual([
      { Action: ['s3:GetObject'], Resource: 'arn:aws:s3:::bucket/in/data/*' },
      { Action: ['s3:ListBucket', 's3:GetBucketLocation'], Resource: 'arn:aws:s3:::bucket' },
      { Action: ['s3:AbortMultipartUpload', 's3:GetObject', 's3:PutObject'], Resource: 'arn:aws:s3:::bucket/out/*' },
    ]);
  });

  test.each([
    ['a nested key', 'datasets/cars/manifest.json', 'arn:aws:s3:::bucket/datasets/cars/*', 'datasets/cars/*'],
    ['a key at the bucket root', 'manifest.json', 'arn:aws:s3:::bucket/*', undefined],
    ['a folder', 'datasets/', 'arn:aws:s3:::bucket/datasets/*', 'datasets/*'],
  ])('binding a folder: %s', (_case, key, objects, listPrefix) => {
    const { statements } = roleOf(PROCESSING_JOB, (role, bucket) => role.bindRead(tasks.S3Location.fromBucket(bucket, key), 'folder'));
    expect(statements).toEqual(expect.arrayContaining([
      { Action: ['s3:GetObject'], Resource: objects },
      listPrefix
        ? { Action: ['s3:ListBucket'], Resource: 'arn:aws:s3:::bucket', Condition: { StringLike: { 's3:prefix': [listPrefix] } } }
        : { Action: ['s3:ListBucket'], Resource: 'arn:aws:s3:::bucket' },
    ]));
  });

  test('kinds without images get no ECR authorization; several metric namespaces become a list', () => {
    const labeling = roleOf(LABELING_JOB, () => undefined).statements;
    expect(labeling.flatMap((s) => s.Action)).not.toContain('ecr:GetAuthorizationToken');
    expect(labeling.find((s) => s.Action.includes('cloudwatch:PutMetricData')).Condition).toEqual({
      StringEquals: { 'cloudwatch:namespace': ['/aws/sagemaker/LabelingJobs', '/aws/sagemaker/Workteam'] },
    });
    const tuning = roleOf(TUNING_JOB, () => undefined).statements;
    expect(tuning.flatMap((s) => s.Action)).toContain('ecr:GetAuthorizationToken');
    expect(tuning.find((s) => s.Action.includes('cloudwatch:PutMetricData')).Condition).toEqual({ StringEquals: { 'cloudwatch:namespace': '/aws/sagemaker/TrainingJobs' } });
  });

  test('invoking functions merges into one statement; passing itself goes to a separate policy, once', () => {
    const { stack, statements, role } = roleOf(LABELING_JOB, (r) => {
      r.allowInvoke('arn:aws:lambda:us-east-1:123456789012:function:a');
      r.allowInvoke('arn:aws:lambda:us-east-1:123456789012:function:b');
      r.allowPassingItself();
      r.allowPassingItself();
    });
    expect(statements).toEqual(expect.arrayContaining([
      { Action: ['lambda:InvokeFunction'], Resource: ['arn:aws:lambda:us-east-1:123456789012:function:a', 'arn:aws:lambda:us-east-1:123456789012:function:b'] },
    ]));
    const policies = Template.fromStack(stack).findResources('AWS::IAM::Policy');
    expect(Object.values(policies)).toHaveLength(1);
    expect(JSON.stringify(Object.values(policies)[0])).toContain('iam:PassRole');
    expect(role.role).toBeInstanceOf(iam.Role);
  });
});

describe('shared checks', () => {
  test('tags render as a list, or not at all', () => {
    expect(tagsField(undefined)).toEqual({});
    expect(tagsField({})).toEqual({});
    expect(tagsField({ a: '1', b: '2' })).toEqual({ Tags: [{ Key: 'a', Value: '1' }, { Key: 'b', Value: '2' }] });
  });

  test('instance types get the ml. prefix unless present', () => {
    expect(renderInstanceType(undefined, 'ml.m5.xlarge')).toBe('ml.m5.xlarge');
    expect(renderInstanceType(new ec2.InstanceType('c5.2xlarge'), 'x')).toBe('ml.c5.2xlarge');
    expect(renderInstanceType(new ec2.InstanceType('ml.g5.xlarge'), 'x')).toBe('ml.g5.xlarge');
  });

  test('integers with only a lower bound, and ARNs by pattern', () => {
    const stack = newTestStack();
    expect(() => checkMinInteger(stack, 'n', 0, 1)).toThrow(/n must be an integer of at least 1; got 0/);
    expect(() => checkMinInteger(stack, 'n', 2.5, 1)).toThrow(/n must be an integer of at least 1; got 2.5/);
    expect(() => checkMinInteger(stack, 'n', 1e9, 1)).not.toThrow();
    expect(() => checkArn(stack, 'fn', 'arn:aws:s3:::b', /^arn:aws:lambda:/, 'a Lambda function ARN')).toThrow(/fn must be a Lambda function ARN \(\^arn:aws:lambda:\); got "arn:aws:s3:::b"/);
    expect(() => checkArn(stack, 'fn', undefined, /^arn:aws:lambda:/, 'a Lambda function ARN')).not.toThrow();
  });

  test('network: subnets and security groups need a VPC; no VPC means no connections', () => {
    const stack = newTestStack();
    expect(() => checkNetworkProps(stack, { subnets: {} })).toThrow(/subnets must be given only with vpc/);
    const network = attachJobNetwork(stack, TUNING_JOB, new JobRole(stack, 'Role', TUNING_JOB), {});
    expect(network.vpcConfig).toBeUndefined();
    expect(network.connections.securityGroups).toEqual([]);
  });
});
