/**
 * Offline executions (aws-local-stepfunctions, JSONPath) of labeling and tuning jobs inside a Parallel branch and a
 * Map iteration, each with a Catch. The simulated SageMaker service plays the `.sync` integration: it returns the
 * Describe* response of a completed job, or fails the state with States.TaskFailed as Step Functions does when the
 * job ends Failed (the description in Cause, as a JSON string).
 */
import { aws_stepfunctions as sfn } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { DATA_BUCKET, labelingProps, tuningProps } from './fixtures-jobs';
import { SageMakerCreateHyperParameterTuningJob, SageMakerCreateLabelingJob } from '../../src';
import { expectValidAsl, renderChainable, runWorkflow, taskError } from '../support';

const TUNING_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,31}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** What DescribeLabelingJob returns for a completed job (the `.sync` result). */
function labeled(request: any) {
  return {
    LabelingJobName: request.LabelingJobName,
    LabelingJobArn: `arn:aws:sagemaker:us-east-1:123456789012:labeling-job/${request.LabelingJobName.toLowerCase()}`,
    LabelingJobStatus: 'Completed',
    LabelCounters: { TotalLabeled: 120, HumanLabeled: 120, MachineLabeled: 0, FailedNonRetryableError: 0, Unlabeled: 0 },
    LabelingJobOutput: { OutputDatasetS3Uri: `${request.OutputConfig.S3OutputPath}${request.LabelingJobName}/manifests/output/output.manifest` },
    HumanTaskConfig: request.HumanTaskConfig,
  };
}

/** What DescribeHyperParameterTuningJob returns for a completed job. */
function tuned(request: any) {
  const name = request.HyperParameterTuningJobName;
  return {
    HyperParameterTuningJobName: name,
    HyperParameterTuningJobArn: `arn:aws:sagemaker:us-east-1:123456789012:hyper-parameter-tuning-job/${name.toLowerCase()}`,
    HyperParameterTuningJobStatus: 'Completed',
    TrainingJobStatusCounters: { Completed: 10, InProgress: 0, RetryableError: 0, NonRetryableError: 0, Stopped: 0 },
    BestTrainingJob: {
      TrainingJobName: `${name}-007-1a2b3c4d`,
      TunedHyperParameters: { eta: '0.12', max_depth: '6' },
      FinalHyperParameterTuningJobObjectiveMetric: { MetricName: 'validation:auc', Value: 0.91 },
    },
  };
}

/** The failure Step Functions reports when a job ends Failed. */
function failed(status: string, reason: string) {
  return (): never => {
    throw taskError('States.TaskFailed', { [status]: 'Failed', FailureReason: reason });
  };
}

/** Label new images; meanwhile tune one model per objective; each failure caught where it happens. */
function pipeline(scope: Construct) {
  const label = SageMakerCreateLabelingJob.jsonPath(scope, 'LabelCars', labelingProps(scope, {
    resultSelector: {
      'manifest.$': '$.LabelingJobOutput.OutputDatasetS3Uri',
      'status.$': '$.LabelingJobStatus',
      'labeled.$': '$.LabelCounters.TotalLabeled',
    },
    resultPath: '$.labels',
  }));
  label.addCatch(new sfn.Pass(scope, 'LabelingFailed', { parameters: { 'failure.$': 'States.StringToJson($.error.Cause)' } }), {
    errors: ['States.TaskFailed'],
    resultPath: '$.error',
  });

  const tune = SageMakerCreateHyperParameterTuningJob.jsonPath(scope, 'Tune', tuningProps(scope, {
    staticHyperParameters: { objective: sfn.JsonPath.stringAt('$.objective'), num_round: '100' },
    resultSelector: {
      'best.$': '$.BestTrainingJob.TrainingJobName',
      'hyperparameters.$': '$.BestTrainingJob.TunedHyperParameters',
      'status.$': '$.HyperParameterTuningJobStatus',
    },
    resultPath: '$.tuning',
  }));
  tune.addCatch(new sfn.Pass(scope, 'TuningFailed', { parameters: { 'objective.$': '$.objective', 'failure.$': 'States.StringToJson($.error.Cause)' } }), {
    errors: ['States.TaskFailed'],
    resultPath: '$.error',
  });
  const perObjective = new sfn.Map(scope, 'PerObjective', { itemsPath: '$.objectives', itemSelector: { 'objective.$': '$$.Map.Item.Value' } });
  perObjective.itemProcessor(tune);

  return new sfn.Parallel(scope, 'Jobs').branch(label).branch(perObjective);
}

describe('labeling and tuning jobs in a Parallel branch and a Map iteration, with a Catch', () => {
  const { definition } = renderChainable(pipeline);
  const input = { objectives: ['binary:logistic', 'binary:hinge'] };

  test('the definition is valid ASL', () => {
    expectValidAsl(definition);
  });

  test('completed jobs: the selected results flow on; every run has its own generated name within the API limits', async () => {
    // WHEN
    const result = await runWorkflow(definition, input, { services: { LabelCars: labeled, Tune: tuned } });
    // THEN
    expect(result.status).toBe('SUCCEEDED');
    const [labels, models] = result.output;
    expect(labels.labels).toEqual({
      manifest: expect.stringMatching(new RegExp(`^s3://${DATA_BUCKET}/labels/LabelCars-[0-9a-f-]{36}/manifests/output/output.manifest$`)),
      status: 'Completed',
      labeled: 120,
    });
    expect(models.map((m: any) => [m.objective, m.tuning.status])).toEqual([['binary:logistic', 'Completed'], ['binary:hinge', 'Completed']]);
    expect(models[0].tuning.hyperparameters).toEqual({ eta: '0.12', max_depth: '6' });
    // Names: a UUID for labeling, 16 hex digits within 32 characters for tuning, different in each iteration.
    expect(result.serviceCalls.LabelCars[0].LabelingJobName.replace(/^LabelCars-/, '')).toMatch(UUID);
    const tuningNames = result.serviceCalls.Tune.map((r) => r.HyperParameterTuningJobName);
    expect(new Set(tuningNames).size).toBe(2);
    for (const name of tuningNames) {
      expect(name).toMatch(TUNING_NAME);
      expect(name).toMatch(/^Tune-[0-9a-f]{16}$/);
    }
    // The requests SageMaker received are the ones the APIs expect, with the iteration's own objective.
    expect(result.serviceCalls.Tune.map((r) => r.TrainingJobDefinition.StaticHyperParameters.objective).sort()).toEqual(['binary:hinge', 'binary:logistic']);
    expect(result.serviceCalls.LabelCars[0]).toMatchObject({
      InputConfig: { DataSource: { S3DataSource: { ManifestS3Uri: `s3://${DATA_BUCKET}/images/manifest.json` } } },
      HumanTaskConfig: { NumberOfHumanWorkersPerDataObject: 1, TaskTimeLimitInSeconds: 300 },
    });
  });

  test('a failed labeling job and a failed tuning iteration (States.TaskFailed) are caught; the other iteration completes', async () => {
    // WHEN
    const result = await runWorkflow(definition, input, {
      services: {
        LabelCars: failed('LabelingJobStatus', 'ClientError: the manifest has no objects'),
        Tune: (request, ctx) => (ctx.invocation === 1 ? failed('HyperParameterTuningJobStatus', 'All training jobs failed')() : tuned(request)),
      },
    });
    // THEN
    expect(result.status).toBe('SUCCEEDED');
    const [labels, models] = result.output;
    expect(labels).toEqual({ failure: { LabelingJobStatus: 'Failed', FailureReason: 'ClientError: the manifest has no objects' } });
    expect(models.filter((m: any) => m.failure).map((m: any) => m.failure)).toEqual([{ HyperParameterTuningJobStatus: 'Failed', FailureReason: 'All training jobs failed' }]);
    expect(models.filter((m: any) => m.tuning).map((m: any) => m.tuning.status)).toEqual(['Completed']);
    expect(result.trace.filter((t) => t.state === 'TuningFailed')).toHaveLength(1);
  });

  test('without a Catch, a failed tuning job fails the execution with States.TaskFailed', async () => {
    const { definition: bare } = renderChainable((scope) => SageMakerCreateHyperParameterTuningJob.jsonPath(scope, 'Tune', tuningProps(scope)));
    const result = await runWorkflow(bare, {}, { services: { Tune: failed('HyperParameterTuningJobStatus', 'Stopped by the tuning job limit') } });
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('States.TaskFailed');
    expect(JSON.parse(result.cause!)).toEqual({ HyperParameterTuningJobStatus: 'Failed', FailureReason: 'Stopped by the tuning job limit' });
  });

  test('REQUEST_RESPONSE returns at once with the job ARNs', async () => {
    const { definition: rr } = renderChainable((scope) => SageMakerCreateLabelingJob.jsonPath(scope, 'Label', labelingProps(scope, {
      integrationPattern: sfn.IntegrationPattern.REQUEST_RESPONSE,
      resultPath: '$.labeling',
    })).next(SageMakerCreateHyperParameterTuningJob.jsonPath(scope, 'Tune', tuningProps(scope, {
      integrationPattern: sfn.IntegrationPattern.REQUEST_RESPONSE,
      resultPath: '$.tuning',
    }))));
    const result = await runWorkflow(rr, { run: 1 }, {
      services: {
        Label: (request) => ({ LabelingJobArn: `arn:aws:sagemaker:us-east-1:123456789012:labeling-job/${request.LabelingJobName.toLowerCase()}` }),
        Tune: (request) => ({ HyperParameterTuningJobArn: `arn:aws:sagemaker:us-east-1:123456789012:hyper-parameter-tuning-job/${request.HyperParameterTuningJobName.toLowerCase()}` }),
      },
    });
    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toEqual({
      run: 1,
      labeling: { LabelingJobArn: expect.stringMatching(/labeling-job\/label-[0-9a-f-]{36}$/) },
      tuning: { HyperParameterTuningJobArn: expect.stringMatching(/hyper-parameter-tuning-job\/tune-[0-9a-f]{16}$/) },
    });
  });
});
