/**
 * Offline executions (aws-local-stepfunctions, JSONPath) of processing jobs inside a Parallel branch and a Map
 * iteration, each with a Catch: the simulated SageMaker service plays the `.sync` integration, returning the
 * DescribeProcessingJob of a completed job, or failing the state with States.TaskFailed as Step Functions does
 * when the job ends Failed (the description in Cause, as a JSON string).
 */
import { aws_stepfunctions as sfn, aws_stepfunctions_tasks as tasks, aws_s3 as s3 } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { helloWorldProps } from './fixtures';
import { SageMakerCreateProcessingJob } from '../../src';
import { expectValidAsl, renderChainable, runWorkflow, taskError } from '../support';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** What DescribeProcessingJob returns for a completed job (the `.sync` result). */
function completed(request: any) {
  return {
    ProcessingJobName: request.ProcessingJobName,
    ProcessingJobArn: `arn:aws:sagemaker:us-east-1:123456789012:processing-job/${request.ProcessingJobName.toLowerCase()}`,
    ProcessingJobStatus: 'Completed',
    ProcessingInputs: request.ProcessingInputs,
    ProcessingOutputConfig: request.ProcessingOutputConfig,
    AppSpecification: request.AppSpecification,
    RoleArn: request.RoleArn,
    ExitMessage: 'done',
  };
}

/** The failure Step Functions reports when the job ends Failed. */
function failed(request: any): never {
  throw taskError('States.TaskFailed', {
    ProcessingJobName: request.ProcessingJobName,
    ProcessingJobStatus: 'Failed',
    FailureReason: 'AlgorithmError: exit code 1',
  });
}

function pipeline(scope: Construct) {
  const bucket = s3.Bucket.fromBucketName(scope, 'Data', 'data-bucket');
  const job = (id: string, prefix: string) => SageMakerCreateProcessingJob.jsonPath(scope, id, helloWorldProps({
    processingInputs: [{ inputName: 'raw', source: tasks.S3Location.fromBucket(bucket, `${prefix}/raw/`) }],
    processingOutputs: [{ outputName: 'features', destination: tasks.S3Location.fromBucket(bucket, `${prefix}/features/`) }],
    // Keep what the next states need: the output URIs and the status.
    resultSelector: {
      'outputs.$': '$.ProcessingOutputConfig.Outputs[*].S3Output.S3Uri',
      'status.$': '$.ProcessingJobStatus',
      'name.$': '$.ProcessingJobName',
    },
    resultPath: '$.job',
  }));

  const preprocess = job('Preprocess', 'daily');
  preprocess.addCatch(new sfn.Pass(scope, 'PreprocessFailed'), { errors: ['States.TaskFailed'], resultPath: '$.error' });

  const evaluate = job('Evaluate', 'shards');
  evaluate.addCatch(
    new sfn.Pass(scope, 'EvaluateFailed', { parameters: { 'shard.$': '$.shard', 'failure.$': 'States.StringToJson($.error.Cause)' } }),
    { errors: ['States.TaskFailed'], resultPath: '$.error' },
  );
  const perShard = new sfn.Map(scope, 'PerShard', { itemsPath: '$.shards', itemSelector: { 'shard.$': '$$.Map.Item.Value' } });
  perShard.itemProcessor(evaluate);

  return new sfn.Parallel(scope, 'Jobs').branch(preprocess).branch(perShard);
}

describe('a processing job in a Parallel branch and a Map iteration, with a Catch', () => {
  const { definition } = renderChainable(pipeline);

  test('the definition is valid ASL', () => {
    expectValidAsl(definition);
  });

  test('completed jobs: the selected outputs and status flow on; every run has its own generated name', async () => {
    // WHEN
    const result = await runWorkflow(definition, { shards: ['a', 'b'] }, {
      services: { Preprocess: completed, Evaluate: completed },
    });
    // THEN
    expect(result.status).toBe('SUCCEEDED');
    const [branch, shards] = result.output;
    expect(branch.job).toEqual({
      outputs: ['s3://data-bucket/daily/features/'],
      status: 'Completed',
      name: expect.stringMatching(/^Preprocess-/),
    });
    expect(shards.map((s: any) => s.job.status)).toEqual(['Completed', 'Completed']);
    const names = [...result.serviceCalls.Preprocess, ...result.serviceCalls.Evaluate].map((r) => r.ProcessingJobName);
    expect(names).toHaveLength(3);
    expect(new Set(names).size).toBe(3);
    for (const name of names) {
      expect(name).toMatch(/^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/);
      expect(name.replace(/^(Preprocess|Evaluate)-/, '')).toMatch(UUID);
    }
    // The request the service got is the one CreateProcessingJob expects.
    expect(result.serviceCalls.Preprocess[0]).toMatchObject({
      AppSpecification: { ImageUri: '000000000000.dkr.ecr.ap-northeast-1.amazonaws.com/hello-world' },
      ProcessingInputs: [{ InputName: 'raw', S3Input: { S3Uri: 's3://data-bucket/daily/raw/', LocalPath: '/opt/ml/processing/input/raw' } }],
      ProcessingResources: { ClusterConfig: { InstanceCount: 1, InstanceType: 'ml.m5.xlarge', VolumeSizeInGB: 30 } },
      StoppingCondition: { MaxRuntimeInSeconds: 3600 },
    });
  });

  test('a failed job (States.TaskFailed) is caught in its branch or iteration; the others complete', async () => {
    // WHEN the first shard's job fails and the daily job fails too
    const result = await runWorkflow(definition, { shards: ['a', 'b'] }, {
      services: {
        Preprocess: failed,
        Evaluate: (request, ctx) => (request.ProcessingInputs && ctx.invocation === 1 ? failed(request) : completed(request)),
      },
    });
    // THEN the execution still succeeds, with each failure where its Catch put it
    expect(result.status).toBe('SUCCEEDED');
    const [branch, shards] = result.output;
    expect(branch.error.Error).toBe('States.TaskFailed');
    expect(JSON.parse(branch.error.Cause)).toMatchObject({ ProcessingJobStatus: 'Failed', FailureReason: 'AlgorithmError: exit code 1' });
    const failedShards = shards.filter((s: any) => s.failure);
    const completedShards = shards.filter((s: any) => s.job);
    expect(failedShards).toHaveLength(1);
    expect(failedShards[0].failure).toMatchObject({ ProcessingJobStatus: 'Failed' });
    expect(completedShards).toHaveLength(1);
    expect(completedShards[0].job.status).toBe('Completed');
    expect(result.trace.filter((t) => t.state === 'EvaluateFailed')).toHaveLength(1);
  });

  test('without a Catch, a failed job fails the execution with States.TaskFailed', async () => {
    const { definition: bare } = renderChainable((scope) => SageMakerCreateProcessingJob.jsonPath(scope, 'Job', helloWorldProps()));
    const result = await runWorkflow(bare, {}, { services: { Job: failed } });
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('States.TaskFailed');
    expect(JSON.parse(result.cause!)).toMatchObject({ ProcessingJobStatus: 'Failed' });
  });

  test('REQUEST_RESPONSE returns at once with the job ARN', async () => {
    const { definition: rr } = renderChainable((scope) => SageMakerCreateProcessingJob.jsonPath(scope, 'Job', helloWorldProps({
      integrationPattern: sfn.IntegrationPattern.REQUEST_RESPONSE,
      resultPath: '$.created',
    })));
    const result = await runWorkflow(rr, { run: 1 }, {
      services: { Job: (request) => ({ ProcessingJobArn: `arn:aws:sagemaker:us-east-1:123456789012:processing-job/${request.ProcessingJobName.toLowerCase()}` }) },
    });
    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toEqual({ run: 1, created: { ProcessingJobArn: expect.stringMatching(/processing-job\/job-[0-9a-f-]{36}$/) } });
  });
});
