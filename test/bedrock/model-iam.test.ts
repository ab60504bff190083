/**
 * Issue 16, items 1, 6 and 7: what BedrockBatchInferencePollerJob grants for each kind of `modelId`, checked against the
 * Service Authorization Reference (CreateModelInvocationJob: foundation-model, custom-model, model-invocation-job;
 * InvokeModel: foundation-model, inference-profile, provisioned-model, … but not custom-model), and `modelId`
 * validation.
 */
import { CfnParameter, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { BedrockBatchInferencePollerJob } from '../../src';
import { checkResourceTypes, collectPolicyStatements, expressionsInIamArns, newTestStack, renderChainable, renderIntrinsics, Statement, statementsForRole } from '../support';

const JOBS = 'arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/*';
const fm = (region: string, id: string) => `arn:aws:bedrock:${region}::foundation-model/${id}`;
const HAIKU = 'anthropic.claude-3-haiku-20240307-v1:0';
const PROFILE = 'us.anthropic.claude-3-5-haiku-20241022-v1:0';
const ROUTED = 'anthropic.claude-3-5-haiku-20241022-v1:0';
const CUSTOM_ARN = 'arn:aws:bedrock:us-west-2:123456789012:custom-model/amazon.titan-text-express-v1:0:8k/abcdef123456';

interface ModelCase {
  readonly label: string;
  readonly modelId: (scope: Construct, language: sfn.QueryLanguage) => string;
  /** CreateModelInvocationJob's resources (besides the jobs). */
  readonly create: string[];
  /** InvokeModel's resources on the default service role (none: no statement). */
  readonly invoke: string[];
}

const CASES: ModelCase[] = [
  { label: 'a foundation model id: this Region', modelId: () => HAIKU, create: [fm('us-east-1', HAIKU)], invoke: [] },
  {
    label: 'a foundation model ARN of another Region: as given',
    modelId: () => `arn:aws:bedrock:eu-west-1::foundation-model/${HAIKU}`,
    create: [fm('eu-west-1', HAIKU)],
    invoke: [],
  },
  {
    label: 'an inference profile id: the routed model in any Region; the service role invokes the profile and the model',
    modelId: () => PROFILE,
    create: [fm('*', ROUTED)],
    invoke: [`arn:aws:bedrock:us-east-1:123456789012:inference-profile/${PROFILE}`, fm('*', ROUTED)],
  },
  {
    label: 'an inference profile ARN',
    modelId: () => `arn:aws:bedrock:us-west-2:123456789012:inference-profile/${PROFILE}`,
    create: [fm('*', ROUTED)],
    invoke: [`arn:aws:bedrock:us-west-2:123456789012:inference-profile/${PROFILE}`, fm('*', ROUTED)],
  },
  { label: 'a custom model ARN: no InvokeModel (not a custom-model action)', modelId: () => CUSTOM_ARN, create: [CUSTOM_ARN], invoke: [] },
  {
    label: 'a provisioned model ARN: the service role invokes it',
    modelId: () => 'arn:aws:bedrock:us-east-1:123456789012:provisioned-model/abcdef123456',
    create: [],
    invoke: ['arn:aws:bedrock:us-east-1:123456789012:provisioned-model/abcdef123456'],
  },
  {
    label: 'a custom model ARN from formatArn (deploy-time partition, Region, account): the token',
    modelId: (scope) => Stack.of(scope).formatArn({ service: 'bedrock', resource: 'custom-model', resourceName: 'my-model' }),
    create: ['arn:aws:bedrock:us-east-1:123456789012:custom-model/my-model'],
    invoke: [],
  },
  {
    label: 'an inference profile ARN from formatArn: the routed model from its literal id',
    modelId: (scope) => Stack.of(scope).formatArn({ service: 'bedrock', resource: 'inference-profile', resourceName: PROFILE }),
    create: [fm('*', ROUTED)],
    invoke: [`arn:aws:bedrock:us-east-1:123456789012:inference-profile/${PROFILE}`, fm('*', ROUTED)],
  },
  {
    label: 'a parameter (deploy time): the token, not a wildcard',
    modelId: (scope) => new CfnParameter(Stack.of(scope), 'ModelArn').valueAsString,
    create: ['${ModelArn}'],
    invoke: [],
  },
  {
    label: 'an SSM parameter (deploy time): the token',
    modelId: (scope) => ssm.StringParameter.valueForStringParameter(scope, '/models/batch'),
    create: ['${SsmParameterValuemodelsbatchC96584B6F00A464EAD1953AFF4B05118Parameter}'],
    invoke: [],
  },
  {
    label: 'a run-time value: every model kind a job can use',
    modelId: (_s, language) => (language === sfn.QueryLanguage.JSONATA ? '{% $states.input.model %}' : sfn.JsonPath.stringAt('$.model')),
    create: [fm('*', '*'), 'arn:aws:bedrock:us-east-1:123456789012:custom-model/*'],
    invoke: ['arn:aws:bedrock:us-east-1:123456789012:inference-profile/*', fm('*', '*'), 'arn:aws:bedrock:us-east-1:123456789012:provisioned-model/*'],
  },
];

function job(scope: Construct, modelId: string) {
  const bucket = s3.Bucket.fromBucketName(scope, 'Bucket', 'prompts-bucket');
  return new BedrockBatchInferencePollerJob(scope, 'Batch', {
    modelId,
    input: tasks.S3Location.fromBucket(bucket, 'in/'),
    output: tasks.S3Location.fromBucket(bucket, 'out/'),
  });
}

function resourcesFor(statements: readonly Statement[], action: string): unknown[] {
  return statements
    .filter((s) => s.Effect === 'Allow' && (s.Action ?? []).includes(action))
    .flatMap((s) => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]))
    .map((r) => renderIntrinsics(r));
}

function serviceRole(stack: Stack): Statement[] {
  const byRole = collectPolicyStatements(stack);
  const ids = Object.keys(byRole).filter((id) => id.startsWith('BatchRole'));
  expect(ids).toHaveLength(1);
  return byRole[ids[0]];
}

const LANGUAGES = [['JSONPath', sfn.QueryLanguage.JSON_PATH], ['JSONata', sfn.QueryLanguage.JSONATA]] as const;

describe.each(LANGUAGES)('%s', (_l, language) => {
  test.each(CASES.map((c) => [c.label, c] as const))('modelId: %s', async (_label, c) => {
    // GIVEN
    const { stack } = renderChainable((scope) => job(scope, c.modelId(scope, language)), { queryLanguage: language });
    // WHEN
    const machine = statementsForRole(stack);
    const service = serviceRole(stack);
    // THEN
    expect(resourcesFor(machine, 'bedrock:CreateModelInvocationJob')).toEqual([...c.create, JOBS]);
    expect(resourcesFor(service, 'bedrock:InvokeModel')).toEqual(c.invoke);
    expect(expressionsInIamArns(stack)).toEqual([]);
    expect(await checkResourceTypes(machine)).toEqual([]);
    expect(await checkResourceTypes(service)).toEqual([]);
  });
});

describe('modelId validation', () => {
  test.each([
    'claude-3',
    'anthropic.claude 3',
    'Anthropic.Claude-3',
    'arn:aws:bedrock:us-east-1:123456789012:foundation-model/anthropic.claude-v2',
    'arn:aws:bedrock:us-east-1::custom-model/x',
    'arn:aws:s3:::bucket/model',
    'arn:aws:bedrock:us-east-1:123456789012:agent/ABC',
  ])('%j is refused at synth', (modelId) => {
    // GIVEN
    const stack = newTestStack();
    // WHEN / THEN
    expect(() => job(stack, modelId)).toThrow(/TestStack\/Batch: modelId must be a model id \(anthropic\.claude-3-haiku-20240307-v1:0\), an inference profile id .*; got "/);
  });

  test.each([
    HAIKU,
    'amazon.titan-embed-text-v2:0',
    'mistral.mistral-7b-instruct-v0:2',
    PROFILE,
    'global.anthropic.claude-sonnet-4-5-20250929-v1:0',
    `arn:aws:bedrock:us-east-1::foundation-model/${HAIKU}`,
    `arn:aws-us-gov:bedrock:us-gov-west-1:123456789012:inference-profile/${PROFILE}`,
    CUSTOM_ARN,
    'arn:aws:bedrock:us-east-1:123456789012:provisioned-model/abcdef123456',
  ])('%j is accepted', (modelId) => {
    // GIVEN
    const stack = newTestStack();
    // WHEN / THEN
    expect(() => job(stack, modelId)).not.toThrow();
  });
});

describe('the default service role on KMS-encrypted buckets', () => {
  test('kms:Decrypt on the input key; kms:GenerateDataKey and kms:Decrypt on the output key; no ReEncrypt, no s3:Delete*, no bucket-wide List*', async () => {
    // GIVEN
    const { stack } = renderChainable((scope) => {
      const inKey = new kms.Key(scope, 'InKey');
      const outKey = new kms.Key(scope, 'OutKey');
      const inBucket = new s3.Bucket(scope, 'In', { encryptionKey: inKey });
      const outBucket = new s3.Bucket(scope, 'Out', { encryptionKey: outKey });
      return new BedrockBatchInferencePollerJob(scope, 'Batch', {
        modelId: HAIKU,
        input: tasks.S3Location.fromBucket(inBucket, 'prompts/'),
        output: tasks.S3Location.fromBucket(outBucket, 'results/'),
      });
    });

    // WHEN
    const statements = serviceRole(stack);

    // THEN
    const actions = statements.flatMap((s) => s.Action ?? []).sort();
    expect(actions).toEqual(['kms:Decrypt', 'kms:Decrypt', 'kms:GenerateDataKey', 's3:GetObject', 's3:ListBucket', 's3:PutObject']);
    expect(statements).toEqual(expect.arrayContaining([
      { Effect: 'Allow', Action: ['kms:Decrypt'], Resource: { 'Fn::GetAtt': [expect.stringMatching(/^InKey/), 'Arn'] } },
      { Effect: 'Allow', Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Resource: { 'Fn::GetAtt': [expect.stringMatching(/^OutKey/), 'Arn'] } },
      { Effect: 'Allow', Action: ['s3:ListBucket'], Resource: { 'Fn::GetAtt': [expect.stringMatching(/^In/), 'Arn'] }, Condition: { StringLike: { 's3:prefix': ['prompts/*'] } } },
    ]));
    expect(await checkResourceTypes(statements)).toEqual([]);
  });
});
