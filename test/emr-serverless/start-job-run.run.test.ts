/**
 * EmrServerlessStartJobRun executed offline (src/testing) in JSONPath and JSONata, at the top level, in a Parallel
 * branch, a Map iteration and a Parallel inside a Map: the simulated integration plays `startJobRun.sync` (the
 * GetJobRun response of the finished job run), a job run that ends FAILED or CANCELLED (States.TaskFailed with the
 * job run in Cause, as Step Functions reports a `.sync` job that did not succeed), and a throttled start that the
 * state's Retry absorbs.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/connect-emr-serverless.html
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/connect-to-resource.html#connect-sync
 */
import { Duration, aws_iam as iam, aws_stepfunctions as sfn } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { EmrServerlessJobRunMode, EmrServerlessStartJobRun, JobDriver, testing } from '../../src';
import { MATRIX, expectValidAsl, renderChainable, runPlaced } from '../support';

const SYNC = 'arn:aws:states:::emr-serverless:startJobRun.sync';
const NAME = /^Etl-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/**
 * The error name a throttled call reports: `<Service>.<Exception>`, both PascalCase, the exception with its
 * `Exception` suffix, as Step Functions names the errors of AWS service calls
 * (https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html). AWS does not list the error
 * names of the optimized EMR Serverless integration
 * (https://docs.aws.amazon.com/step-functions/latest/dg/connect-emr-serverless.html), and the EMR Serverless API models
 * no ThrottlingException (it is one of the common errors); the name below follows that documented rule and is not
 * verified against a recorded execution.
 */
const THROTTLED = 'EMRServerless.ThrottlingException';

function build(scope: Construct) {
  const task = new EmrServerlessStartJobRun(scope, 'Etl', {
    applicationId: '00f1abcdef123456',
    jobDriver: JobDriver.sparkSubmit({ entryPoint: 's3://code-bucket/jobs/etl.py', entryPointArguments: ['--day', '2026-01-01'] }),
  });
  task.addRetry({ errors: [THROTTLED], interval: Duration.seconds(2), maxAttempts: 3 });
  return task;
}

function jobRun(request: any, state: string, extra: object = {}) {
  return {
    JobRun: {
      ApplicationId: request.ApplicationId,
      JobRunId: '00f1jobrun0001',
      Arn: `arn:aws:emr-serverless:us-east-1:123456789012:/applications/${request.ApplicationId}/jobruns/00f1jobrun0001`,
      Name: request.Name,
      State: state,
      ExecutionRole: request.ExecutionRoleArn,
      JobDriver: request.JobDriver,
      ...extra,
    },
  };
}

describe.each(MATRIX)('%s, %s', (language, placement) => {
  test('success: the state returns the finished job run (GetJobRun), the request as the integration takes it', async () => {
    // GIVEN
    const requests: any[] = [];
    // WHEN
    const run = await runPlaced(build, {
      language,
      placement,
      taskHandler: ({ resource, request }) => {
        expect(resource).toBe(SYNC);
        requests.push(request);
        return { result: jobRun(request, 'SUCCESS'), durationSeconds: 600 };
      },
    });
    // THEN
    expect(run.status).toBe('SUCCEEDED');
    expect(requests).toHaveLength(1);
    expect(requests[0]).toEqual({
      ApplicationId: '00f1abcdef123456',
      ExecutionRoleArn: expect.any(String),
      JobDriver: { SparkSubmit: { EntryPoint: 's3://code-bucket/jobs/etl.py', EntryPointArguments: ['--day', '2026-01-01'] } },
      Name: expect.stringMatching(NAME),
    });
    expect(run.output.JobRun).toEqual(expect.objectContaining({ State: 'SUCCESS', Name: requests[0].Name }));
  });

  test.each(['FAILED', 'CANCELLED'])('a job run that ends %s fails the state with States.TaskFailed, the job run in Cause', async (state) => {
    const run = await runPlaced(build, {
      language,
      placement,
      taskHandler: ({ request }) => ({
        error: 'States.TaskFailed',
        cause: JSON.stringify(jobRun(request, state, { StateDetails: state === 'FAILED' ? 'Job failed, please check complete logs in S3.' : 'Job run cancelled' }).JobRun),
      }),
    });
    expect(run.status).toBe('FAILED');
    expect(run.error).toBe('States.TaskFailed');
    expect(JSON.parse(run.cause!)).toEqual(expect.objectContaining({ State: state, StateDetails: expect.any(String) }));
  });

  test('a throttled start is retried, then the job run succeeds', async () => {
    const names: string[] = [];
    const run = await runPlaced(build, {
      language,
      placement,
      taskHandler: ({ request, attempt }) => {
        names.push(request.Name);
        return attempt < 2 ? { error: THROTTLED, cause: 'Rate exceeded' } : { result: jobRun(request, 'SUCCESS') };
      },
    });
    expect(run.status).toBe('SUCCEEDED');
    expect(names).toHaveLength(3);
    // Each attempt evaluates the arguments again: a fresh unique name per attempt.
    expect(new Set(names).size).toBe(3);
    expect(run.states.find((s) => s.name === 'Etl')!.attempts).toHaveLength(3);
  });

  test('throttled past the retries: the error reaches the caller', async () => {
    const run = await runPlaced(build, {
      language,
      placement,
      taskHandler: () => ({ error: THROTTLED, cause: 'Rate exceeded' }),
    });
    expect(run.status).toBe('FAILED');
    expect(run.error).toBe(THROTTLED);
  });
});

test('a Catch inside a Map turns a FAILED job run into a result, other items go on (JSONata)', async () => {
  // GIVEN
  const { definition } = renderChainable((scope) => {
    const task = EmrServerlessStartJobRun.jsonata(scope, 'Etl', {
      applicationId: '{% $states.input.app %}',
      jobDriver: JobDriver.sparkSubmit({ entryPoint: "{% 's3://code-bucket/jobs/' & $states.input.script %}" }),
    });
    task.addCatch(sfn.Pass.jsonata(scope, 'Failed', { outputs: { failed: '{% $parse($states.input.Cause).StateDetails %}' } }), { errors: ['States.TaskFailed'] });
    return sfn.Map.jsonata(scope, 'Each', { items: sfn.ProvideItems.jsonata('{% $states.input.jobs %}') }).itemProcessor(task);
  }, { queryLanguage: sfn.QueryLanguage.JSONATA });
  expectValidAsl(definition);
  // WHEN
  const result = await testing.Workflow.fromDefinition(definition).execute({
    input: { jobs: [{ app: 'a1', script: 'ok.py' }, { app: 'a2', script: 'bad.py' }] },
    taskHandler: {
      handle: ({ request }) => (request.JobDriver.SparkSubmit.EntryPoint.endsWith('bad.py')
        ? { error: 'States.TaskFailed', cause: JSON.stringify({ State: 'FAILED', StateDetails: 'exit 1' }) }
        : { result: jobRun(request, 'SUCCESS') }),
    },
  });
  // THEN
  expect({ status: result.status, error: result.error, cause: result.cause }).toEqual({ status: 'SUCCEEDED', error: undefined, cause: undefined });
  expect(result.output[0].JobRun.State).toBe('SUCCESS');
  expect(result.output[1]).toEqual({ failed: 'exit 1' });
});

describe.each(MATRIX)('mode, retry policy and execution IAM policy reach the integration: %s, %s', (language, placement) => {
  test('the request carries them; a streaming job run that EMR Serverless gives up on fails the state', async () => {
    // GIVEN
    const buildStreaming = (scope: Construct) => new EmrServerlessStartJobRun(scope, 'Etl', {
      applicationId: '00f1abcdef123456',
      jobDriver: JobDriver.sparkSubmit({ entryPoint: 's3://code-bucket/jobs/stream.py' }),
      mode: EmrServerlessJobRunMode.STREAMING,
      retryPolicy: { maxFailedAttemptsPerHour: 4 },
      executionIamPolicy: {
        policy: new iam.PolicyDocument({ statements: [new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['arn:aws:s3:::data/*'] })] }),
      },
    });
    const requests: any[] = [];
    // WHEN
    const ok = await runPlaced(buildStreaming, {
      language,
      placement,
      taskHandler: ({ request }) => {
        requests.push(request);
        return { result: jobRun(request, 'SUCCESS', { Mode: request.Mode }) };
      },
    });
    // THEN
    expect(ok.status).toBe('SUCCEEDED');
    expect(requests[0]).toEqual(expect.objectContaining({
      Mode: 'STREAMING',
      RetryPolicy: { MaxFailedAttemptsPerHour: 4 },
      ExecutionIamPolicy: { Policy: expect.any(String) },
    }));
    expect(JSON.parse(requests[0].ExecutionIamPolicy.Policy).Statement).toEqual([{ Action: 's3:GetObject', Effect: 'Allow', Resource: 'arn:aws:s3:::data/*' }]);
    expect(ok.output.JobRun.Mode).toBe('STREAMING');

    const failed = await runPlaced(buildStreaming, {
      language,
      placement,
      taskHandler: ({ request }) => ({
        error: 'States.TaskFailed',
        cause: JSON.stringify(jobRun(request, 'FAILED', { StateDetails: 'Exceeded max failed attempts per hour', Mode: 'STREAMING' }).JobRun),
      }),
    });
    expect(failed.status).toBe('FAILED');
    expect(JSON.parse(failed.cause!)).toEqual(expect.objectContaining({ State: 'FAILED', Mode: 'STREAMING' }));
  });
});
