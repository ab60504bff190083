/**
 * BedrockBatchInferencePollerJob: executed offline in both query languages against a simulated batch inference
 * job, plus exact ASL of its start, IAM (state machine role and the default service role), validation and cdk-nag.
 */
import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { BedrockBatchInferencePollerJob, BedrockBatchInferencePollerJobProps } from '../../src';
import { Workflow } from '../../src/testing';
import { branchStates, collectPolicyStatements, expectValidAsl, nagFindings, newTestStack, renderChainable, Statement } from '../support';

const LANGUAGES = [['JSONPath', sfn.QueryLanguage.JSON_PATH], ['JSONata', sfn.QueryLanguage.JSONATA]] as const;
const T0 = Date.parse('2026-01-01T00:00:00Z') / 1000;
const JOB_ARN = 'arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/abcd1234';
const MODEL = 'anthropic.claude-3-haiku-20240307-v1:0';

function job(scope: Construct, props: Partial<BedrockBatchInferencePollerJobProps> = {}) {
  const bucket = s3.Bucket.fromBucketName(scope, `Bucket${scope.node.children.length}`, 'prompts-bucket');
  return new BedrockBatchInferencePollerJob(scope, 'Batch', {
    modelId: MODEL,
    input: tasks.S3Location.fromBucket(bucket, 'in/'),
    output: tasks.S3Location.fromBucket(bucket, 'out/'),
    ...props,
  });
}

function build(queryLanguage: sfn.QueryLanguage, props: Partial<BedrockBatchInferencePollerJobProps> = {}) {
  const rendered = renderChainable((scope) => job(scope, props), { queryLanguage });
  expectValidAsl(rendered.definition);
  return rendered;
}

function simulate(end: number, final: Record<string, unknown>, overrides: Record<string, (inv: any) => any> = {}) {
  const calls: Array<{ state: string; request: any; seconds: number }> = [];
  return {
    calls,
    handler: {
      handle: (inv: any) => {
        const seconds = inv.epochSeconds - T0;
        calls.push({ state: inv.stateName, request: inv.request, seconds });
        const answer = overrides[inv.stateName]?.(inv);
        if (answer !== undefined) return answer;
        if (inv.stateName === 'Batch: Start job') return { result: { JobArn: JOB_ARN } };
        if (inv.stateName === 'Batch: Cancel job') return { result: {} };
        const status = seconds < 120 ? { Status: 'Scheduled' } : seconds < end ? { Status: 'InProgress' } : final;
        return { result: { JobArn: inv.request.JobIdentifier, ModelId: MODEL, ...status } };
      },
    },
  };
}

describe.each(LANGUAGES)('%s', (_label, queryLanguage) => {
  test('a job that completes after 5 hours succeeds; the request carries a unique job name', async () => {
    const { stateMachine } = build(queryLanguage, { timeoutInHours: 24 });
    const sim = simulate(5 * 3600, { Status: 'Completed' });
    const result = await Workflow.fromStateMachine(stateMachine).execute({ taskHandler: sim.handler });
    expect(result.status).toBe('SUCCEEDED');
    expect(result.output.Batch.job).toEqual({ jobArn: JOB_ARN });
    expect(result.output.Batch.poll.checks).toBeGreaterThan(10);
    const start = sim.calls[0].request;
    expect(start).toMatchObject({
      ModelId: MODEL,
      InputDataConfig: { S3InputDataConfig: { S3Uri: 's3://prompts-bucket/in/' } },
      OutputDataConfig: { S3OutputDataConfig: { S3Uri: 's3://prompts-bucket/out/' } },
      TimeoutDurationInHours: 24,
    });
    expect(start.JobName).toMatch(/^Batch-[0-9a-f-]{36}$/);
    expect(sim.calls[1].request).toEqual({ JobIdentifier: JOB_ARN });
  });

  test('PartiallyCompleted is a success that says so', async () => {
    const { stateMachine } = build(queryLanguage);
    const result = await Workflow.fromStateMachine(stateMachine).execute({ taskHandler: simulate(300, { Status: 'PartiallyCompleted', Message: '3 records failed' }).handler });
    expect(result.status).toBe('SUCCEEDED');
    expect(result.output.Batch.status).toMatchObject({ Status: 'PartiallyCompleted', Message: '3 records failed' });
  });

  test('Failed fails with the job\'s message; Expired without one names the status', async () => {
    const { stateMachine } = build(queryLanguage);
    const failed = await Workflow.fromStateMachine(stateMachine).execute({ taskHandler: simulate(300, { Status: 'Failed', Message: 'Input file is not valid JSONL' }).handler });
    expect([failed.error, failed.cause]).toEqual([BedrockBatchInferencePollerJob.JOB_FAILED, 'Input file is not valid JSONL']);
    const expired = await Workflow.fromStateMachine(stateMachine).execute({ taskHandler: simulate(300, { Status: 'Expired' }).handler });
    expect(expired.error).toBe(BedrockBatchInferencePollerJob.JOB_FAILED);
    expect(expired.cause).toMatch(/^The Bedrock batch inference job ended with "?Expired"?$/);
  });

  test('the deadline stops the job, then fails with JobTimedOut', async () => {
    const { stateMachine } = build(queryLanguage, { timeout: Duration.hours(2) });
    const sim = simulate(48 * 3600, { Status: 'Completed' });
    const result = await Workflow.fromStateMachine(stateMachine).execute({ taskHandler: sim.handler });
    expect(result.error).toBe(BedrockBatchInferencePollerJob.JOB_TIMED_OUT);
    expect(sim.calls.filter((c) => c.state === 'Batch: Cancel job')).toEqual([{ state: 'Batch: Cancel job', request: { JobIdentifier: JOB_ARN }, seconds: 7200 }]);
  });

  test('a throttled CreateModelInvocationJob is retried', async () => {
    const { stateMachine } = build(queryLanguage);
    const sim = simulate(300, { Status: 'Completed' }, {
      'Batch: Start job': (inv) => (inv.attempt < 2 ? { error: 'Bedrock.ThrottlingException', cause: 'Too many requests' } : undefined),
    });
    const result = await Workflow.fromStateMachine(stateMachine).execute({ taskHandler: sim.handler });
    expect(result.status).toBe('SUCCEEDED');
    expect(sim.calls.filter((c) => c.state === 'Batch: Start job')).toHaveLength(3);
  });
});

test('exact ASL of the start, JSONPath and JSONata', () => {
  const jsonPath = branchStates(build(sfn.QueryLanguage.JSON_PATH).definition, 'Batch');
  const start = jsonPath['Batch: Start job'];
  expect(start).toEqual({
    Type: 'Task',
    Resource: 'arn:aws:states:::aws-sdk:bedrock:createModelInvocationJob',
    Parameters: {
      'ModelId': MODEL,
      'RoleArn': expect.anything(),
      'InputDataConfig': { S3InputDataConfig: { S3Uri: 's3://prompts-bucket/in/' } },
      'OutputDataConfig': { S3OutputDataConfig: { S3Uri: 's3://prompts-bucket/out/' } },
      'JobName.$': "States.Format('Batch-{}', States.UUID())",
    },
    ResultSelector: { job: { 'jobArn.$': '$.JobArn' }, poll: { index: 0, checks: 0, elapsedSeconds: 0, waitSeconds: 30 } },
    Assign: { 'Batch_poll.$': '$' },
    ResultPath: '$.Batch',
    Retry: [{ ErrorEquals: ['Bedrock.ThrottlingException', 'Bedrock.InternalServerException', 'Bedrock.ServiceUnavailableException'], IntervalSeconds: 2, MaxAttempts: 6, BackoffRate: 2, JitterStrategy: 'FULL' }],
    Next: 'Batch: Wait',
  });
  const jsonata = branchStates(build(sfn.QueryLanguage.JSONATA).definition, 'Batch');
  expect(jsonata['Batch: Start job'].Arguments.JobName).toBe("{% 'Batch-' & $uuid() %}");
  expect(jsonata['Batch: Job finished?'].Choices[1]).toEqual({
    Condition: "{% $states.input.Batch.status.Status in ['Submitted', 'Validating', 'Scheduled', 'InProgress', 'Stopping'] %}",
    Next: 'Batch: Wait',
  });
});

test.each(LANGUAGES)('IAM (%s): the model and invocation jobs, PassRole to Bedrock only, the documented service role', (_l, queryLanguage) => {
  const { stack } = build(queryLanguage);
  const template = Template.fromStack(stack);
  const jobs = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':bedrock:us-east-1:123456789012:model-invocation-job/*']] };
  const model = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:bedrock:us-east-1::foundation-model/${MODEL}`]] };
  const statement = (s: Record<string, unknown>) => ({ PolicyDocument: { Statement: Match.arrayWith([Match.objectLike(s)]) } });
  template.hasResourceProperties('AWS::IAM::Policy', statement({ Action: 'bedrock:CreateModelInvocationJob', Resource: [model, jobs] }));
  template.hasResourceProperties('AWS::IAM::Policy', statement({ Action: 'bedrock:GetModelInvocationJob', Resource: jobs }));
  template.hasResourceProperties('AWS::IAM::Policy', statement({ Action: 'bedrock:StopModelInvocationJob', Resource: jobs }));
  template.hasResourceProperties('AWS::IAM::Policy', statement({ Action: 'iam:PassRole', Condition: { StringEquals: { 'iam:PassedToService': 'bedrock.amazonaws.com' } } }));
  template.hasResourceProperties('AWS::IAM::Role', {
    AssumeRolePolicyDocument: {
      Statement: [Match.objectLike({
        Principal: { Service: 'bedrock.amazonaws.com' },
        Condition: { StringEquals: { 'aws:SourceAccount': '123456789012' }, ArnLike: { 'aws:SourceArn': Match.anyValue() } },
      })],
    },
  });
  // The service role: exactly the S3 access Bedrock's batch inference service role page lists; no InvokeModel for a
  // foundation model (the page asks for it for inference profiles only).
  const bucket = (rest: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:s3:::prompts-bucket${rest}`]] });
  expect(serviceRoleStatements(stack)).toEqual([
    { Action: ['s3:GetObject'], Effect: 'Allow', Resource: bucket('/in/*') },
    { Action: ['s3:ListBucket'], Effect: 'Allow', Resource: bucket(''), Condition: { StringLike: { 's3:prefix': ['in/*'] } } },
    { Action: ['s3:PutObject'], Effect: 'Allow', Resource: bucket('/out/*') },
  ]);
  // no function in the poll: the only one is the stack's execution-stopped handler (cancel on stop)
  template.resourceCountIs('AWS::Lambda::Function', 1);
  template.hasResourceProperties('AWS::Lambda::Function', { Description: Match.stringLikeRegexp('cancels the jobs') });
});

test('IAM: an inference profile: CreateModelInvocationJob on the foundation model in any Region (not on the profile); a given role is passed, none created', () => {
  const stack = newTestStack();
  const role = iam.Role.fromRoleArn(stack, 'Given', 'arn:aws:iam::123456789012:role/batch', { mutable: false });
  const poller = job(stack, { modelId: 'us.anthropic.claude-3-5-haiku-20241022-v1:0', role });
  new sfn.StateMachine(stack, 'SM', { definitionBody: sfn.DefinitionBody.fromChainable(poller) });
  const template = Template.fromStack(stack);
  expect(JSON.stringify(template.findResources('AWS::IAM::Role'))).not.toContain('bedrock.amazonaws.com'); // none created
  template.hasResourceProperties('AWS::IAM::Policy', {
    PolicyDocument: {
      Statement: Match.arrayWith([Match.objectLike({
        Action: 'bedrock:CreateModelInvocationJob',
        Resource: [
          { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':bedrock:*::foundation-model/anthropic.claude-3-5-haiku-20241022-v1:0']] },
          Match.anyValue(),
        ],
      }), Match.objectLike({ Action: 'iam:PassRole', Resource: 'arn:aws:iam::123456789012:role/batch' })]),
    },
  });
});

test('invalid props fail at synthesis', () => {
  const stack = newTestStack();
  expect(() => job(stack, { jobName: '-bad' })).toThrow(/jobName must be letters, digits/);
  expect(() => job(new Construct(stack, 'B'), { timeoutInHours: 12 })).toThrow(/timeoutInHours must be an integer between 24 and 168/);
  expect(() => job(new Construct(stack, 'C'), { output: tasks.S3Location.fromJsonExpression('$.out') })).toThrow(/role must be given when input or output is a location from a JSON expression/);
});

test('cdk-nag: no findings beyond the acknowledged S3 prefix grants', () => {
  const { stack } = build(sfn.QueryLanguage.JSON_PATH);
  const findings = nagFindings(stack);
  for (const f of findings) expect(JSON.stringify(f)).toMatch(/IAM5/);
});

/** The statements of the default service role (the role Bedrock assumes). */
function serviceRoleStatements(stack: import('aws-cdk-lib').Stack): Statement[] {
  const roles = Template.fromStack(stack).findResources('AWS::IAM::Role', { Properties: { AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'bedrock.amazonaws.com' } })] } } });
  const ids = Object.keys(roles);
  expect(ids).toHaveLength(1);
  return collectPolicyStatements(stack)[ids[0]];
}
