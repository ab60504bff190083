/** The shared SageMaker helpers (src/sagemaker/private) that the tuning and labeling jobs will reuse. */
import { Stack, aws_iam as iam, aws_stepfunctions as sfn } from 'aws-cdk-lib';
import { PROCESSING_JOB, SageMakerJobKind } from '../../src/sagemaker/private/job-kind';
import { JobName } from '../../src/sagemaker/private/job-name';
import { ecrRepositoryArn, parseS3Uri } from '../../src/sagemaker/private/job-role';
import { mergeRequestFields } from '../../src/sagemaker/private/request';
import { StatementSet, registerMergedStatements } from '../../src/sagemaker/private/statements';
import { newTestStack } from '../support';

describe('StatementSet', () => {
  test('merges resources of statements with the same actions and conditions, then actions of the same resources', () => {
    const set = new StatementSet([
      { actions: ['s3:GetObject'], resources: ['arn:a/1*'] },
      { actions: ['s3:GetObject'], resources: ['arn:a/2*', 'arn:a/1*'] },
      { actions: ['kms:Decrypt'], resources: ['key'] },
      { actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: ['key'] },
      { actions: ['s3:ListBucket'], resources: ['arn:a'], conditions: { StringLike: { 's3:prefix': ['1*'] } }, unionConditionValues: true },
      { actions: ['s3:ListBucket'], resources: ['arn:a'], conditions: { StringLike: { 's3:prefix': ['2*'] } }, unionConditionValues: true },
      { actions: ['iam:PassRole'], resources: ['r1'], conditions: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } } },
      { actions: ['iam:PassRole'], resources: ['r2'], conditions: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } } },
      { actions: ['iam:PassRole'], resources: ['r3'], conditions: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } } },
    ]);
    expect(set.specs()).toEqual([
      { actions: ['s3:GetObject'], resources: ['arn:a/1*', 'arn:a/2*'] },
      { actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resources: ['key'] },
      { actions: ['s3:ListBucket'], resources: ['arn:a'], conditions: { StringLike: { 's3:prefix': ['1*', '2*'] } }, unionConditionValues: true },
      { actions: ['iam:PassRole'], resources: ['r1', 'r2'], conditions: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } } },
      { actions: ['iam:PassRole'], resources: ['r3'], conditions: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } } },
    ]);
  });

  test('per graph: one live statement per (actions, conditions), registered once, grown in place', () => {
    const stack = newTestStack();
    const graph = new sfn.StateGraph(new sfn.Pass(stack, 'Start'), 'test');
    registerMergedStatements(graph, [{ actions: ['a:B'], resources: ['r1'] }]);
    registerMergedStatements(graph, [{ actions: ['a:B'], resources: ['r2'] }, { actions: ['a:B'], resources: ['r1'] }]);
    expect(graph.policyStatements).toHaveLength(1);
    expect(stack.resolve(graph.policyStatements[0].toStatementJson())).toEqual({ Action: 'a:B', Effect: 'Allow', Resource: ['r1', 'r2'] });
    const other = new sfn.StateGraph(new sfn.Pass(stack, 'Other'), 'other');
    registerMergedStatements(other, [{ actions: ['a:B'], resources: ['r3'] }]);
    expect(stack.resolve(graph.policyStatements[0].toStatementJson()).Resource).toEqual(['r1', 'r2']);
    expect(other.policyStatements[0]).not.toBe(graph.policyStatements[0]);
    expect(graph.policyStatements[0]).toBeInstanceOf(iam.PolicyStatement);
  });
});

describe('S3 URIs and ECR image URIs', () => {
  test.each([
    ['s3://bucket/raw/2024/', { bucket: 'bucket', key: 'raw/2024/', prefix: 'raw/2024/' }],
    ['s3://bucket', { bucket: 'bucket', key: '', prefix: '' }],
    ['https://s3.us-east-1.amazonaws.com/bucket/raw/', { bucket: 'bucket', key: 'raw/', prefix: 'raw/' }],
    ['https://bucket.s3.eu-west-1.amazonaws.com/raw/x.csv', { bucket: 'bucket', key: 'raw/x.csv', prefix: 'raw/x.csv' }],
  ])('%s', (uri, parsed) => {
    expect(parseS3Uri(uri)).toEqual(parsed);
  });

  test('URIs known only at run time are not parsed', () => {
    expect(parseS3Uri(sfn.JsonPath.stringAt('$.uri'))).toBeUndefined();
    expect(parseS3Uri('{% $states.input.uri %}')).toBeUndefined();
    expect(parseS3Uri('gs://bucket/x')).toBeUndefined();
  });

  test('a key with a token keeps its literal start as the IAM prefix', () => {
    const stack = newTestStack();
    expect(parseS3Uri(`s3://bucket/runs/${stack.stackName === 'x' ? '' : stack.account}/out/`)).toEqual({ bucket: 'bucket', key: 'runs/123456789012/out/', prefix: 'runs/123456789012/out/' });
    const token = new Stack().account;
    expect(parseS3Uri(`s3://bucket/runs/${token}/out/`)?.prefix).toBe('runs/');
  });

  test.each([
    ['000000000000.dkr.ecr.ap-northeast-1.amazonaws.com/hello-world', 'arn:aws:ecr:ap-northeast-1:000000000000:repository/hello-world'],
    ['123456789012.dkr.ecr.us-east-1.amazonaws.com/team/app:v1', 'arn:aws:ecr:us-east-1:123456789012:repository/team/app'],
    ['123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/app@sha256:abc', 'arn:aws-cn:ecr:cn-north-1:123456789012:repository/app'],
    ['public.ecr.aws/docker/library/python:3.12', undefined],
    ['python:3.12', undefined],
  ])('%s', (uri, arn) => {
    expect(ecrRepositoryArn(uri)).toBe(arn);
  });
});

describe('JobName', () => {
  const TUNING_LIKE: SageMakerJobKind = { ...PROCESSING_JOB, maxNameLength: 32, fallbackPrefix: 'tuning' };

  test('a 32-character API (tuning jobs) gets a compact 64-bit suffix and a prefix that fits', () => {
    const stack = newTestStack();
    const name = JobName.of(new sfn.Pass(stack, 'Tune the model hyperparameters'), TUNING_LIKE, 'tuningJobName', undefined);
    expect(name.shape).toEqual({ prefix: 'Tune-the-model-' });
    expect(name.renderField('HyperParameterTuningJobName', sfn.QueryLanguage.JSON_PATH)).toEqual({
      'HyperParameterTuningJobName.$':
        "States.Format('Tune-the-model-{}{}', States.ArrayGetItem(States.StringSplit(States.UUID(), '-'), 0), States.ArrayGetItem(States.StringSplit(States.UUID(), '-'), 0))",
    });
    expect(name.renderField('HyperParameterTuningJobName', sfn.QueryLanguage.JSONATA)).toEqual({
      HyperParameterTuningJobName: "{% 'Tune-the-model-' & $substring($join($split($uuid(), '-')), 0, 16) %}",
    });
    expect('Tune-the-model-'.length + 16).toBeLessThanOrEqual(32);
  });

  test('a construct id with nothing usable falls back to the kind\'s prefix', () => {
    const stack = newTestStack();
    expect(JobName.of(new sfn.Pass(stack, '___'), PROCESSING_JOB, 'processingJobName', undefined).shape).toEqual({ prefix: 'processing-' });
  });
});

describe('mergeRequestFields', () => {
  test('objects merge, arrays append, typed scalars are protected', () => {
    const stack = newTestStack();
    const ours = { A: { B: 1 }, L: [1], S: 'x' };
    expect(mergeRequestFields(stack, 'extra', ours, { A: { C: 2 }, L: [2], N: 3 })).toEqual({ A: { B: 1, C: 2 }, L: [1, 2], S: 'x', N: 3 });
    expect(() => mergeRequestFields(stack, 'extra', ours, { S: 'y' })).toThrow(/extra\.S must be a request field that no typed prop sets/);
    expect(() => mergeRequestFields(stack, 'extra', ours, { A: { B: 2 } })).toThrow(/extra\.A\.B/);
  });
});
