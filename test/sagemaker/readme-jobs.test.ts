/**
 * The README's TypeScript examples for the tuning and labeling jobs (the same code as
 * test/python/examples/sagemaker_tuning.py and sagemaker_labeling.py): they synthesize, produce valid ASL,
 * render the requests the APIs expect, and run offline.
 */
import { App, Duration, Stack, aws_s3 as s3, aws_stepfunctions as sfn, aws_stepfunctions_tasks as tasks } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import {
  HyperParameterRange,
  HyperParameterScalingType,
  HyperParameterTuningObjective,
  LabelingFunction,
  LabelingTaskUi,
  SageMakerCreateHyperParameterTuningJob,
  SageMakerCreateLabelingJob,
} from '../../src';
import { TEST_ENV, expectValidAsl, renderStateMachine, runWorkflow, statementsForRole } from '../support';

// --- README: tuning an XGBoost model -------------------------------------------------------------------------------
class TuningStack extends Stack {
  public readonly stateMachine: sfn.StateMachine;
  public readonly tune: SageMakerCreateHyperParameterTuningJob;

  constructor(scope: Construct, id: string) {
    super(scope, id, { env: TEST_ENV });

    const data = new s3.Bucket(this, 'Data', { enforceSSL: true });
    const channel = (channelName: string, prefix: string): tasks.Channel => ({
      channelName,
      contentType: 'text/csv',
      dataSource: { s3DataSource: { s3Location: tasks.S3Location.fromBucket(data, prefix) } },
    });

    // .sync (waits for the tuning job), a 32-character name unique per execution,
    // a least-privilege role for its training jobs
    const tune = new SageMakerCreateHyperParameterTuningJob(this, 'TuneChurnModel', {
      algorithmSpecification: {
        trainingImage: tasks.DockerImage.fromRegistry('683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1'),
      },
      objective: HyperParameterTuningObjective.maximize('validation:auc'),
      parameterRanges: [
        HyperParameterRange.continuous('eta', 0.01, 0.3, HyperParameterScalingType.LOGARITHMIC),
        HyperParameterRange.integer('max_depth', 3, 10),
        HyperParameterRange.continuous('subsample', 0.5, 1),
      ],
      staticHyperParameters: { objective: 'binary:logistic', eval_metric: 'auc', num_round: '200' },
      inputDataConfig: [channel('train', 'features/train/'), channel('validation', 'features/validation/')],
      outputDataConfig: { s3OutputLocation: tasks.S3Location.fromBucket(data, 'models/') },
      maxNumberOfTrainingJobs: 20,
      maxParallelTrainingJobs: 4,
      earlyStopping: true,
      // .sync returns DescribeHyperParameterTuningJob: keep the best training job
      resultSelector: {
        'bestTrainingJob.$': '$.BestTrainingJob.TrainingJobName',
        'hyperparameters.$': '$.BestTrainingJob.TunedHyperParameters',
        'auc.$': '$.BestTrainingJob.FinalHyperParameterTuningJobObjectiveMetric.Value',
      },
      resultPath: '$.tuning',
    });

    this.tune = tune;
    this.stateMachine = new sfn.StateMachine(this, 'Tuning', {
      definitionBody: sfn.DefinitionBody.fromChainable(tune),
    });
  }
}

// --- README: a bounding-box labeling job ------------------------------------------------------------------------------
// Ground Truth's own functions for bounding boxes in us-east-1 (AWS-owned, one account per Region)
const PRE_BOUNDING_BOX = 'arn:aws:lambda:us-east-1:432418664414:function:PRE-BoundingBox';
const ACS_BOUNDING_BOX = 'arn:aws:lambda:us-east-1:432418664414:function:ACS-BoundingBox';

class LabelingStack extends Stack {
  public readonly stateMachine: sfn.StateMachine;
  public readonly labelCars: SageMakerCreateLabelingJob;

  constructor(scope: Construct, id: string) {
    super(scope, id, { env: TEST_ENV });

    const data = new s3.Bucket(this, 'Data', { enforceSSL: true });

    // .sync (waits until the workers are done), a job name unique per execution,
    // a least-privilege role: the manifest's folder, the template, the categories, the output
    const labelCars = new SageMakerCreateLabelingJob(this, 'LabelCars', {
      inputManifest: tasks.S3Location.fromBucket(data, 'street/manifest.json'),
      outputLocation: tasks.S3Location.fromBucket(data, 'labels/'),
      labelAttributeName: 'cars',
      labelCategoryConfig: tasks.S3Location.fromBucket(data, 'config/categories.json'),
      workteamArn: 'arn:aws:sagemaker:us-east-1:123456789012:workteam/private-crowd/labelers',
      taskUi: LabelingTaskUi.fromTemplate(tasks.S3Location.fromBucket(data, 'config/bounding-box.liquid')),
      preHumanTaskFunction: LabelingFunction.builtIn(PRE_BOUNDING_BOX),
      annotationConsolidationFunction: LabelingFunction.builtIn(ACS_BOUNDING_BOX),
      taskTitle: 'Draw boxes around cars',
      taskDescription: 'Draw a tight box around every car in the picture',
      taskKeywords: ['image', 'bounding box', 'cars'],
      numberOfHumanWorkersPerDataObject: 3,
      taskTimeLimit: Duration.minutes(10),
      // .sync returns DescribeLabelingJob: keep the output manifest and the count
      resultSelector: {
        'manifest.$': '$.LabelingJobOutput.OutputDatasetS3Uri',
        'labeled.$': '$.LabelCounters.TotalLabeled',
      },
      resultPath: '$.labels',
    });

    this.labelCars = labelCars;
    this.stateMachine = new sfn.StateMachine(this, 'Labeling', {
      definitionBody: sfn.DefinitionBody.fromChainable(labelCars),
    });
  }
}

describe('README: tuning', () => {
  const stack = new TuningStack(new App(), 'Tuning');
  const definition = renderStateMachine(stack, stack.stateMachine);

  test('synthesizes valid ASL with the request the API expects', () => {
    expectValidAsl(definition);
    const request = definition.States.TuneChurnModel.Parameters;
    expect(request['HyperParameterTuningJobName.$']).toMatch(/^States\.Format\('TuneChurnModel-\{\}\{\}'/);
    expect(request.HyperParameterTuningJobConfig).toMatchObject({
      Strategy: 'Bayesian',
      ResourceLimits: { MaxNumberOfTrainingJobs: 20, MaxParallelTrainingJobs: 4 },
      TrainingJobEarlyStoppingType: 'Auto',
    });
    expect(request.TrainingJobDefinition.InputDataConfig.map((c: any) => c.ChannelName)).toEqual(['train', 'validation']);
  });

  test('the training role reads the two feature prefixes and writes the models prefix only', () => {
    const s3Actions = statementsForRole(stack, stack.tune.role).filter((s) => s.Action?.some((a) => a.startsWith('s3:'))).map((s) => s.Action);
    expect(s3Actions).toEqual([['s3:GetObject'], ['s3:ListBucket'], ['s3:PutObject']]);
  });

  test('runs offline: the best training job and its hyperparameters land in $.tuning', async () => {
    const result = await runWorkflow(definition, { run: 'weekly' }, {
      services: {
        TuneChurnModel: (request) => ({
          HyperParameterTuningJobStatus: 'Completed',
          BestTrainingJob: {
            TrainingJobName: `${request.HyperParameterTuningJobName}-012-abcdef12`,
            TunedHyperParameters: { eta: '0.08', max_depth: '7', subsample: '0.9' },
            FinalHyperParameterTuningJobObjectiveMetric: { MetricName: 'validation:auc', Value: 0.93 },
          },
        }),
      },
    });
    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toEqual({
      run: 'weekly',
      tuning: {
        bestTrainingJob: expect.stringMatching(/^TuneChurnModel-[0-9a-f]{16}-012-abcdef12$/),
        hyperparameters: { eta: '0.08', max_depth: '7', subsample: '0.9' },
        auc: 0.93,
      },
    });
  });
});

describe('README: labeling', () => {
  const stack = new LabelingStack(new App(), 'Labeling');
  const definition = renderStateMachine(stack, stack.stateMachine);

  test('synthesizes valid ASL with the request the API expects', () => {
    expectValidAsl(definition);
    expect(definition.States.LabelCars.Parameters.HumanTaskConfig).toMatchObject({
      PreHumanTaskLambdaArn: PRE_BOUNDING_BOX,
      AnnotationConsolidationConfig: { AnnotationConsolidationLambdaArn: ACS_BOUNDING_BOX },
      NumberOfHumanWorkersPerDataObject: 3,
      TaskTimeLimitInSeconds: 600,
      TaskKeywords: ['image', 'bounding box', 'cars'],
    });
  });

  test('runs offline: the output manifest and the count land in $.labels', async () => {
    const result = await runWorkflow(definition, {}, {
      services: {
        LabelCars: (request) => ({
          LabelingJobStatus: 'Completed',
          LabelCounters: { TotalLabeled: 250 },
          LabelingJobOutput: { OutputDatasetS3Uri: `${request.OutputConfig.S3OutputPath}${request.LabelingJobName}/manifests/output/output.manifest` },
        }),
      },
    });
    expect(result.status).toBe('SUCCEEDED');
    expect(result.output.labels).toEqual({
      manifest: expect.stringMatching(/^s3:\/\/.+\/labels\/LabelCars-[0-9a-f-]{36}\/manifests\/output\/output\.manifest$/),
      labeled: 250,
    });
  });
});
