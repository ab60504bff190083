import { Duration, Size, aws_ec2 as ec2, aws_iam as iam, aws_kms as kms, aws_s3 as s3, aws_stepfunctions as sfn, aws_stepfunctions_tasks as tasks } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { helloWorldProps } from './fixtures';
import { DATA_BUCKET, TRAIN_IMAGE, TUNING_RANGES, dataLocation, tuningProps } from './fixtures-jobs';
import { JOB_ROLE_JUSTIFIED, arnsOf, renderTask } from './helpers';
import {
  HyperParameterRange,
  HyperParameterScalingType,
  HyperParameterTuningObjective,
  HyperParameterTuningStrategy,
  HyperParameterTuningWarmStartType,
  SageMakerCreateHyperParameterTuningJob,
  SageMakerCreateHyperParameterTuningJobProps,
  SageMakerCreateProcessingJob,
} from '../../src';
import { expectLeastPrivilegeIam, expectValidAsl, logicalIdOf, newTestStack, renderChainable, renderState, statementsForRole } from '../support';

const SYNC = 'arn:aws:states:::sagemaker:createHyperParameterTuningJob.sync';
const REQUEST_RESPONSE = 'arn:aws:states:::sagemaker:createHyperParameterTuningJob';
const JOB_ARN = 'arn:aws:sagemaker:us-east-1:123456789012:hyper-parameter-tuning-job';
const RULE_ARN = 'arn:aws:events:us-east-1:123456789012:rule/StepFunctionsGetEventsForSageMakerTuningJobsRule';
const BUCKET_ARN = `arn:aws:s3:::${DATA_BUCKET}`;

/** JSONPath: `<prefix>-` and 16 hex digits (two UUID segments), within 32 characters. */
const compactName = (prefix: string) =>
  `States.Format('${prefix}-{}{}', States.ArrayGetItem(States.StringSplit(States.UUID(), '-'), 0), States.ArrayGetItem(States.StringSplit(States.UUID(), '-'), 0))`;
/** JSONata: the same. */
const compactNameJsonata = (prefix: string) => `{% '${prefix}-' & $substring($join($split($uuid(), '-')), 0, 16) %}`;

/** The request of `tuningProps`, as both query languages render it (the name is added per language). */
function smallestRequest(roleId: string) {
  return {
    HyperParameterTuningJobConfig: {
      Strategy: 'Bayesian',
      HyperParameterTuningJobObjective: { Type: 'Maximize', MetricName: 'validation:auc' },
      ResourceLimits: { MaxNumberOfTrainingJobs: 10, MaxParallelTrainingJobs: 1 },
      ParameterRanges: TUNING_RANGES,
    },
    TrainingJobDefinition: {
      AlgorithmSpecification: { TrainingImage: TRAIN_IMAGE, TrainingInputMode: 'File' },
      RoleArn: `\${${roleId}.Arn}`,
      OutputDataConfig: { S3OutputPath: `s3://${DATA_BUCKET}/models/` },
      ResourceConfig: { InstanceCount: 1, InstanceType: 'ml.m5.xlarge', VolumeSizeInGB: 10 },
      StoppingCondition: { MaxRuntimeInSeconds: 3600 },
    },
  };
}

const render = renderTask;

describe('exact ASL: both integration patterns × both query languages', () => {
  test('RUN_JOB (.sync, the default), JSONPath', () => {
    // GIVEN / WHEN
    const { state, task } = render((scope) => SageMakerCreateHyperParameterTuningJob.jsonPath(scope, 'Tune', tuningProps(scope)));
    // THEN
    expect(state).toEqual({
      Type: 'Task',
      End: true,
      Resource: SYNC,
      Parameters: { 'HyperParameterTuningJobName.$': compactName('Tune'), ...smallestRequest(logicalIdOf(task.role)) },
    });
  });

  test('RUN_JOB (.sync), JSONata', () => {
    const { state, task } = render((scope) => SageMakerCreateHyperParameterTuningJob.jsonata(scope, 'Tune', tuningProps(scope)));
    expect(state).toEqual({
      Type: 'Task',
      QueryLanguage: 'JSONata',
      End: true,
      Resource: SYNC,
      Arguments: { HyperParameterTuningJobName: compactNameJsonata('Tune'), ...smallestRequest(logicalIdOf(task.role)) },
    });
  });

  test('REQUEST_RESPONSE, JSONPath', () => {
    const { state, task } = render((scope) => SageMakerCreateHyperParameterTuningJob.jsonPath(scope, 'Tune', tuningProps(scope, {
      integrationPattern: sfn.IntegrationPattern.REQUEST_RESPONSE,
    })));
    expect(state).toEqual({
      Type: 'Task',
      End: true,
      Resource: REQUEST_RESPONSE,
      Parameters: { 'HyperParameterTuningJobName.$': compactName('Tune'), ...smallestRequest(logicalIdOf(task.role)) },
    });
  });

  test('REQUEST_RESPONSE, JSONata (state machine level)', () => {
    const { state, task } = render(
      (scope) => new SageMakerCreateHyperParameterTuningJob(scope, 'Tune', tuningProps(scope, { integrationPattern: sfn.IntegrationPattern.REQUEST_RESPONSE })),
      { queryLanguage: sfn.QueryLanguage.JSONATA },
    );
    expect(state).toEqual({
      Type: 'Task',
      End: true,
      Resource: REQUEST_RESPONSE,
      Arguments: { HyperParameterTuningJobName: compactNameJsonata('Tune'), ...smallestRequest(logicalIdOf(task.role)) },
    });
  });

  test('every prop rendered (JSONPath), with the base props (selector, result path, retry, catch) alongside', () => {
    // GIVEN
    let vpc!: ec2.Vpc;
    let outputKey!: kms.Key;
    let volumeKey!: kms.Key;
    const { state, task } = render((scope) => {
      vpc = new ec2.Vpc(scope, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'private', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
      outputKey = new kms.Key(scope, 'OutputKey');
      volumeKey = new kms.Key(scope, 'VolumeKey');
      const job = SageMakerCreateHyperParameterTuningJob.jsonPath(scope, 'Tune', tuningProps(scope, {
        algorithmSpecification: {
          trainingImage: tasks.DockerImage.fromRegistry(TRAIN_IMAGE),
          trainingInputMode: tasks.InputMode.PIPE,
          metricDefinitions: [{ name: 'validation:auc', regex: 'validation-auc:([0-9\\.]+)' }],
        },
        objective: HyperParameterTuningObjective.minimize('validation:logloss'),
        parameterRanges: [
          HyperParameterRange.integer('num_round', 50, 500, HyperParameterScalingType.LINEAR),
          HyperParameterRange.continuous('eta', 0.01, 0.3),
          HyperParameterRange.continuous('momentum', 0.9, 0.999, HyperParameterScalingType.REVERSE_LOGARITHMIC),
          HyperParameterRange.categorical('booster', ['gbtree', 'dart']),
        ],
        staticHyperParameters: { objective: 'binary:logistic', eval_metric: 'logloss' },
        strategy: HyperParameterTuningStrategy.RANDOM,
        maxNumberOfTrainingJobs: 20,
        maxParallelTrainingJobs: 4,
        maxTuningRuntime: Duration.hours(6),
        earlyStopping: true,
        warmStartParentJobs: ['previous-tuning'],
        warmStartType: HyperParameterTuningWarmStartType.TRANSFER_LEARNING,
        inputDataConfig: [
          {
            channelName: 'train',
            dataSource: { s3DataSource: { s3Location: dataLocation(scope, 'churn/train/'), s3DataDistributionType: tasks.S3DataDistributionType.SHARDED_BY_S3_KEY } },
            contentType: 'text/csv',
            compressionType: tasks.CompressionType.GZIP,
            inputMode: tasks.InputMode.PIPE,
            recordWrapperType: tasks.RecordWrapperType.RECORD_IO,
            shuffleConfig: { seed: 7 },
          },
          {
            channelName: 'validation',
            dataSource: { s3DataSource: { s3Location: dataLocation(scope, 'churn/validation.manifest'), s3DataType: tasks.S3DataType.AUGMENTED_MANIFEST_FILE, attributeNames: ['source-ref', 'label'] } },
          },
        ],
        outputDataConfig: { s3OutputLocation: dataLocation(scope, 'models/'), encryptionKey: outputKey },
        resourceConfig: { instanceCount: 2, instanceType: new ec2.InstanceType('c5.2xlarge'), volumeSize: Size.gibibytes(50), volumeEncryptionKey: volumeKey },
        stoppingCondition: { maxRuntime: Duration.hours(2) },
        environment: { STAGE: 'prod' },
        vpc,
        enableNetworkIsolation: true,
        enableInterContainerTrafficEncryption: true,
        tags: { project: 'churn' },
        resultSelector: { 'best.$': '$.BestTrainingJob.TrainingJobName' },
        resultPath: '$.tuning',
      }));
      job.addRetry({ errors: ['SageMaker.AmazonSageMakerException'], maxAttempts: 2 });
      job.addCatch(new sfn.Fail(scope, 'Failed'), { resultPath: '$.error' });
      return job;
    });
    // THEN
    const sg = logicalIdOf(task.connections.securityGroups[0]);
    expect(state).toEqual({
      Type: 'Task',
      End: true,
      Resource: SYNC,
      ResultPath: '$.tuning',
      ResultSelector: { 'best.$': '$.BestTrainingJob.TrainingJobName' },
      Retry: [{ ErrorEquals: ['SageMaker.AmazonSageMakerException'], MaxAttempts: 2 }],
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Failed' }],
      Parameters: {
        'HyperParameterTuningJobName.$': compactName('Tune'),
        'HyperParameterTuningJobConfig': {
          Strategy: 'Random',
          HyperParameterTuningJobObjective: { Type: 'Minimize', MetricName: 'validation:logloss' },
          ResourceLimits: { MaxNumberOfTrainingJobs: 20, MaxParallelTrainingJobs: 4, MaxRuntimeInSeconds: 21600 },
          ParameterRanges: {
            IntegerParameterRanges: [{ Name: 'num_round', MinValue: '50', MaxValue: '500', ScalingType: 'Linear' }],
            ContinuousParameterRanges: [
              { Name: 'eta', MinValue: '0.01', MaxValue: '0.3' },
              { Name: 'momentum', MinValue: '0.9', MaxValue: '0.999', ScalingType: 'ReverseLogarithmic' },
            ],
            CategoricalParameterRanges: [{ Name: 'booster', Values: ['gbtree', 'dart'] }],
          },
          TrainingJobEarlyStoppingType: 'Auto',
        },
        'TrainingJobDefinition': {
          AlgorithmSpecification: {
            TrainingImage: TRAIN_IMAGE,
            TrainingInputMode: 'Pipe',
            MetricDefinitions: [{ Name: 'validation:auc', Regex: 'validation-auc:([0-9\\.]+)' }],
          },
          RoleArn: `\${${logicalIdOf(task.role)}.Arn}`,
          StaticHyperParameters: { objective: 'binary:logistic', eval_metric: 'logloss' },
          InputDataConfig: [
            {
              ChannelName: 'train',
              DataSource: { S3DataSource: { S3Uri: `s3://${DATA_BUCKET}/churn/train/`, S3DataType: 'S3Prefix', S3DataDistributionType: 'ShardedByS3Key' } },
              CompressionType: 'Gzip',
              ContentType: 'text/csv',
              InputMode: 'Pipe',
              RecordWrapperType: 'RecordIO',
              ShuffleConfig: { Seed: 7 },
            },
            {
              ChannelName: 'validation',
              DataSource: {
                S3DataSource: { S3Uri: `s3://${DATA_BUCKET}/churn/validation.manifest`, S3DataType: 'AugmentedManifestFile', AttributeNames: ['source-ref', 'label'] },
              },
            },
          ],
          OutputDataConfig: { S3OutputPath: `s3://${DATA_BUCKET}/models/`, KmsKeyId: `\${${logicalIdOf(outputKey)}.Arn}` },
          ResourceConfig: { InstanceCount: 2, InstanceType: 'ml.c5.2xlarge', VolumeSizeInGB: 50, VolumeKmsKeyId: `\${${logicalIdOf(volumeKey)}.Arn}` },
          StoppingCondition: { MaxRuntimeInSeconds: 7200 },
          Environment: { STAGE: 'prod' },
          EnableNetworkIsolation: true,
          EnableInterContainerTrafficEncryption: true,
          VpcConfig: { SecurityGroupIds: [`\${${sg}.GroupId}`], Subnets: vpc.isolatedSubnets.map((s) => `\${${logicalIdOf(s)}}`) },
        },
        'WarmStartConfig': { ParentHyperParameterTuningJobs: [{ HyperParameterTuningJobName: 'previous-tuning' }], WarmStartType: 'TransferLearning' },
        'Tags': [{ Key: 'project', Value: 'churn' }],
      },
    });
  });

  test('Hyperband: its strategy config, early stopping left to it', () => {
    const state = renderState((scope) => SageMakerCreateHyperParameterTuningJob.jsonPath(scope, 'Tune', tuningProps(scope, {
      strategy: HyperParameterTuningStrategy.HYPERBAND,
      hyperbandMinResource: 1,
      hyperbandMaxResource: 30,
    })));
    expect(state.Parameters.HyperParameterTuningJobConfig).toEqual({
      Strategy: 'Hyperband',
      StrategyConfig: { HyperbandStrategyConfig: { MinResource: 1, MaxResource: 30 } },
      HyperParameterTuningJobObjective: { Type: 'Maximize', MetricName: 'validation:auc' },
      ResourceLimits: { MaxNumberOfTrainingJobs: 10, MaxParallelTrainingJobs: 1 },
      ParameterRanges: TUNING_RANGES,
    });
  });

  test('Grid: categorical ranges only, and no training job count unless given (one job per combination)', () => {
    const state = renderState((scope) => SageMakerCreateHyperParameterTuningJob.jsonPath(scope, 'Tune', tuningProps(scope, {
      strategy: HyperParameterTuningStrategy.GRID,
      parameterRanges: [HyperParameterRange.categorical('max_depth', ['3', '6', '9']), HyperParameterRange.categorical('booster', ['gbtree', 'dart'])],
      maxParallelTrainingJobs: 3,
      earlyStopping: false,
    })));
    expect(state.Parameters.HyperParameterTuningJobConfig).toEqual({
      Strategy: 'Grid',
      HyperParameterTuningJobObjective: { Type: 'Maximize', MetricName: 'validation:auc' },
      ResourceLimits: { MaxParallelTrainingJobs: 3 },
      ParameterRanges: { CategoricalParameterRanges: [{ Name: 'max_depth', Values: ['3', '6', '9'] }, { Name: 'booster', Values: ['gbtree', 'dart'] }] },
      TrainingJobEarlyStoppingType: 'Off',
    });
  });

  test('an algorithm resource instead of an image: no image, no ECR permission', () => {
    const { state, stack, task } = render((scope) => SageMakerCreateHyperParameterTuningJob.jsonPath(scope, 'Tune', tuningProps(scope, {
      algorithmSpecification: { algorithmName: 'arn:aws:sagemaker:us-east-1:123456789012:algorithm/my-algorithm' },
    })));
    expect(state.Parameters.TrainingJobDefinition.AlgorithmSpecification).toEqual({
      AlgorithmName: 'arn:aws:sagemaker:us-east-1:123456789012:algorithm/my-algorithm',
      TrainingInputMode: 'File',
    });
    expect(JSON.stringify(statementsForRole(stack, task.role))).not.toContain('ecr:BatchGetImage');
  });

  test('JSONPath values (name, counts, S3 location, hyperparameters) render as paths', () => {
    const state = renderState((scope) => SageMakerCreateHyperParameterTuningJob.jsonPath(scope, 'Tune', tuningProps(scope, {
      hyperParameterTuningJobName: sfn.JsonPath.stringAt('$.name'),
      maxNumberOfTrainingJobs: sfn.JsonPath.numberAt('$.jobs'),
      staticHyperParameters: { objective: sfn.JsonPath.stringAt('$.objective') },
      outputDataConfig: { s3OutputLocation: tasks.S3Location.fromJsonExpression('$.output') },
    })));
    expect(state.Parameters).toMatchObject({
      'HyperParameterTuningJobName.$': '$.name',
      'HyperParameterTuningJobConfig': { ResourceLimits: { 'MaxNumberOfTrainingJobs.$': '$.jobs', 'MaxParallelTrainingJobs': 1 } },
      'TrainingJobDefinition': { StaticHyperParameters: { 'objective.$': '$.objective' }, OutputDataConfig: { 'S3OutputPath.$': '$.output' } },
    });
  });

  test('JSONata values render as given', () => {
    const state = renderState((scope) => SageMakerCreateHyperParameterTuningJob.jsonata(scope, 'Tune', tuningProps(scope, {
      hyperParameterTuningJobName: "{% 'nightly-' & $states.input.date %}",
      warmStartParentJobs: ['{% $states.input.parent %}'],
    })));
    expect(state.Arguments).toMatchObject({
      HyperParameterTuningJobName: "{% 'nightly-' & $states.input.date %}",
      WarmStartConfig: { ParentHyperParameterTuningJobs: [{ HyperParameterTuningJobName: '{% $states.input.parent %}' }], WarmStartType: 'IdenticalDataAndAlgorithm' },
    });
  });

  test('additionalRequestFields merge in: objects key by key, arrays appended', () => {
    const state = renderState((scope) => SageMakerCreateHyperParameterTuningJob.jsonPath(scope, 'Tune', tuningProps(scope, {
      additionalRequestFields: {
        HyperParameterTuningJobConfig: {
          RandomSeed: 42,
          TuningJobCompletionCriteria: { TargetObjectiveMetricValue: 0.95 },
          ParameterRanges: { IntegerParameterRanges: [{ Name: 'min_child_weight', MinValue: '1', MaxValue: '10' }] },
        },
        TrainingJobDefinition: { EnableManagedSpotTraining: true, StoppingCondition: { MaxWaitTimeInSeconds: 7200 } },
      },
    })));
    expect(state.Parameters.HyperParameterTuningJobConfig).toMatchObject({
      RandomSeed: 42,
      TuningJobCompletionCriteria: { TargetObjectiveMetricValue: 0.95 },
      ParameterRanges: {
        IntegerParameterRanges: [{ Name: 'max_depth', MinValue: '3', MaxValue: '10' }, { Name: 'min_child_weight', MinValue: '1', MaxValue: '10' }],
      },
    });
    expect(state.Parameters.TrainingJobDefinition).toMatchObject({
      EnableManagedSpotTraining: true,
      StoppingCondition: { MaxRuntimeInSeconds: 3600, MaxWaitTimeInSeconds: 7200 },
    });
  });
});

describe('job names: 32 characters', () => {
  test.each([
    ['JSONPath', undefined],
    ['JSONata', sfn.QueryLanguage.JSONATA],
  ])('a long construct id keeps a 15-character readable prefix and 16 random hex digits (%s)', (_case, queryLanguage) => {
    const state = renderState((scope) => new SageMakerCreateHyperParameterTuningJob(scope, 'Tune the churn model hyperparameters', tuningProps(scope)), { queryLanguage });
    if (queryLanguage) {
      expect(state.Arguments.HyperParameterTuningJobName).toBe(compactNameJsonata('Tune-the-churn'));
    } else {
      expect(state.Parameters['HyperParameterTuningJobName.$']).toBe(compactName('Tune-the-churn'));
    }
    expect('Tune-the-churn-'.length + 16).toBeLessThanOrEqual(32);
  });

  test('the generated name evaluates to a valid 32-character name (JSONata)', async () => {
    const state = renderState((scope) => SageMakerCreateHyperParameterTuningJob.jsonata(scope, 'A very long construct id indeed', tuningProps(scope)));
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const jsonata = require('jsonata');
    const compiled = jsonata(state.Arguments.HyperParameterTuningJobName.slice(2, -2));
    compiled.registerFunction('uuid', () => '123e4567-e89b-42d3-a456-426614174000', '<:s>');
    const name: string = await compiled.evaluate({});
    expect(name).toBe('A-very-long-con-123e4567e89b42d3');
    expect(name).toMatch(/^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,31}$/);
  });

  test('a literal name is validated (at most 32 characters) and accepted with a warning', () => {
    const stack = newTestStack();
    const task = SageMakerCreateHyperParameterTuningJob.jsonPath(stack, 'Tune', tuningProps(stack, { hyperParameterTuningJobName: 'Churn-Weekly' }));
    new sfn.StateMachine(stack, 'SM', { definitionBody: sfn.DefinitionBody.fromChainable(task) });
    Annotations.fromStack(stack).hasWarning('/TestStack/Tune', Match.stringLikeRegexp('hyperParameterTuningJobName is the literal "Churn-Weekly".*hyperparameter tuning job names must be unique'));
    expect(arnsOf(stack, statementsForRole(stack))[0].Resource).toEqual([`${JOB_ARN}/Churn-Weekly`, `${JOB_ARN}/churn-weekly`]);
    expect(() => SageMakerCreateHyperParameterTuningJob.jsonPath(newTestStack(), 'Tune', tuningProps(newTestStack(), { hyperParameterTuningJobName: 'x'.repeat(33) })))
      .toThrow(/hyperParameterTuningJobName must be between 1 and 32 characters long/);
  });
});

describe('IAM on the state machine role, per pattern', () => {
  function machinePolicy(extra: Partial<SageMakerCreateHyperParameterTuningJobProps> = {}, queryLanguage?: sfn.QueryLanguage) {
    let task!: SageMakerCreateHyperParameterTuningJob;
    const { stack, definition } = renderChainable((scope) => (task = new SageMakerCreateHyperParameterTuningJob(scope, 'Tune', tuningProps(scope, extra))), { queryLanguage });
    expectValidAsl(definition);
    return { statements: statementsForRole(stack), task, stack };
  }

  test('RUN_JOB: create/describe/stop/tag on the name prefix, the tuning rule, PassRole on the job role only; nothing on training jobs', async () => {
    // GIVEN / WHEN
    const { statements, task, stack } = machinePolicy();
    // THEN
    expect(arnsOf(stack, statements)).toEqual([
      {
        Action: [
          'sagemaker:CreateHyperParameterTuningJob',
          'sagemaker:DescribeHyperParameterTuningJob',
          'sagemaker:StopHyperParameterTuningJob',
          'sagemaker:AddTags',
          'sagemaker:ListTags',
        ],
        Resource: [`${JOB_ARN}/Tune-*`, `${JOB_ARN}/tune-*`],
      },
      { Action: ['events:PutTargets', 'events:PutRule', 'events:DescribeRule'], Resource: RULE_ARN },
      {
        Action: ['iam:PassRole'],
        Resource: `\${${logicalIdOf(task.role)}.Arn}`,
        Condition: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
      },
    ]);
    // SageMaker launches (and stops) the training jobs itself, as the passed role.
    expect(JSON.stringify(statements)).not.toMatch(/training-job|TrainingJob"/);
    await expectLeastPrivilegeIam(stack, { justified: JOB_ROLE_JUSTIFIED });
  });

  test('REQUEST_RESPONSE: create and ListTags only; AddTags only with tags', () => {
    const rr = machinePolicy({ integrationPattern: sfn.IntegrationPattern.REQUEST_RESPONSE });
    expect(arnsOf(rr.stack, rr.statements)).toEqual([
      { Action: ['sagemaker:CreateHyperParameterTuningJob', 'sagemaker:ListTags'], Resource: [`${JOB_ARN}/Tune-*`, `${JOB_ARN}/tune-*`] },
      expect.objectContaining({ Action: ['iam:PassRole'] }),
    ]);
    const tagged = machinePolicy({ integrationPattern: sfn.IntegrationPattern.REQUEST_RESPONSE, tags: { team: 'ml' } });
    expect(arnsOf(tagged.stack, tagged.statements)[0].Action).toEqual(['sagemaker:CreateHyperParameterTuningJob', 'sagemaker:AddTags', 'sagemaker:ListTags']);
  });

  test.each([
    ['generated, JSONPath', {}, undefined, [`${JOB_ARN}/Tune-*`, `${JOB_ARN}/tune-*`]],
    ['generated, JSONata', {}, sfn.QueryLanguage.JSONATA, [`${JOB_ARN}/Tune-*`, `${JOB_ARN}/tune-*`]],
    ['JSONata with a literal prefix', { hyperParameterTuningJobName: "{% 'Weekly-' & $states.input.week %}" }, sfn.QueryLanguage.JSONATA, [`${JOB_ARN}/Weekly-*`, `${JOB_ARN}/weekly-*`]],
    ['States.Format with a literal prefix', { hyperParameterTuningJobName: sfn.JsonPath.format('Daily-{}', sfn.JsonPath.stringAt('$.day')) }, undefined, [`${JOB_ARN}/Daily-*`, `${JOB_ARN}/daily-*`]],
    ['wholly dynamic JsonPath', { hyperParameterTuningJobName: sfn.JsonPath.stringAt('$.name') }, undefined, `${JOB_ARN}/*`],
    ['wholly dynamic JSONata', { hyperParameterTuningJobName: '{% $states.input.name %}' }, sfn.QueryLanguage.JSONATA, `${JOB_ARN}/*`],
  ])('the job ARN is scoped to what is known of the name (%s)', (_case, extra, queryLanguage, arn) => {
    const { statements, stack } = machinePolicy(extra as Partial<SageMakerCreateHyperParameterTuningJobProps>, queryLanguage);
    expect(arnsOf(stack, statements)[0].Resource).toEqual(arn);
    expect(JSON.stringify(statements)).not.toContain('{%');
  });

  test('two tuning jobs and a processing job in one state machine: statements merged, each kind keeps its own rule', () => {
    const { stack } = renderChainable((scope) => SageMakerCreateHyperParameterTuningJob.jsonPath(scope, 'TuneA', tuningProps(scope))
      .next(SageMakerCreateHyperParameterTuningJob.jsonPath(scope, 'TuneB', tuningProps(scope)))
      .next(SageMakerCreateProcessingJob.jsonPath(scope, 'Prep', helloWorldProps())));
    const statements = arnsOf(stack, statementsForRole(stack));
    expect(statements.find((s) => s.Action.includes('sagemaker:CreateHyperParameterTuningJob')).Resource).toEqual([`${JOB_ARN}/TuneA-*`, `${JOB_ARN}/tunea-*`, `${JOB_ARN}/TuneB-*`, `${JOB_ARN}/tuneb-*`]);
    expect(statements.find((s) => s.Action.includes('events:PutRule')).Resource).toEqual([
      RULE_ARN,
      'arn:aws:events:us-east-1:123456789012:rule/StepFunctionsGetEventsForSageMakerProcessingJobsRule',
    ]);
    expect(statements.find((s) => s.Action.includes('iam:PassRole')).Resource).toHaveLength(3);
    expect(statements).toHaveLength(4);
  });
});

describe('the default job role (the training jobs\' role): least privilege derived from the props', () => {
  test('smallest job: training logs and metrics, ECR pull of its repository, read nothing, write the output prefix', () => {
    const stack = newTestStack();
    const task = SageMakerCreateHyperParameterTuningJob.jsonPath(stack, 'Tune', tuningProps(stack));
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'sagemaker.amazonaws.com' } }] },
      ManagedPolicyArns: Match.absent(),
    });
    expect(arnsOf(stack, statementsForRole(stack, task.role))).toEqual([
      {
        Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:DescribeLogStreams', 'logs:PutLogEvents'],
        Resource: [
          'arn:aws:logs:us-east-1:123456789012:log-group:/aws/sagemaker/TrainingJobs',
          'arn:aws:logs:us-east-1:123456789012:log-group:/aws/sagemaker/TrainingJobs:*',
        ],
      },
      { Action: ['cloudwatch:PutMetricData'], Resource: '*', Condition: { StringEquals: { 'cloudwatch:namespace': '/aws/sagemaker/TrainingJobs' } } },
      { Action: ['ecr:GetAuthorizationToken'], Resource: '*' },
      {
        Action: ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'],
        Resource: 'arn:aws:ecr:us-east-1:123456789012:repository/xgboost-train',
      },
      { Action: ['s3:PutObject'], Resource: `${BUCKET_ARN}/models/*` },
    ]);
  });

  test('channels, keys and a VPC: read each channel prefix, write the output, use the keys, ENIs in the VPC', async () => {
    // GIVEN / WHEN
    const stack = newTestStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
    const outputKey = new kms.Key(stack, 'OutputKey');
    const volumeKey = new kms.Key(stack, 'VolumeKey');
    const task = SageMakerCreateHyperParameterTuningJob.jsonPath(stack, 'Tune', tuningProps(stack, {
      inputDataConfig: [
        { channelName: 'train', dataSource: { s3DataSource: { s3Location: dataLocation(stack, 'churn/train/') } } },
        { channelName: 'validation', dataSource: { s3DataSource: { s3Location: dataLocation(stack, 'churn/validation/') } } },
      ],
      outputDataConfig: { s3OutputLocation: dataLocation(stack, 'models/'), encryptionKey: outputKey },
      resourceConfig: { instanceCount: 1, instanceType: new ec2.InstanceType('m5.xlarge'), volumeSize: Size.gibibytes(20), volumeEncryptionKey: volumeKey },
      vpc,
    }));
    new sfn.StateMachine(stack, 'SM', { definitionBody: sfn.DefinitionBody.fromChainable(task) });
    // THEN
    const statements = arnsOf(stack, statementsForRole(stack, task.role));
    expect(statements).toEqual(expect.arrayContaining([
      { Action: ['s3:GetObject'], Resource: [`${BUCKET_ARN}/churn/train/*`, `${BUCKET_ARN}/churn/validation/*`] },
      { Action: ['s3:ListBucket'], Resource: BUCKET_ARN, Condition: { StringLike: { 's3:prefix': ['churn/train/*', 'churn/validation/*'] } } },
      { Action: ['s3:PutObject'], Resource: `${BUCKET_ARN}/models/*` },
      { Action: ['kms:Encrypt', 'kms:GenerateDataKey', 'kms:Decrypt'], Resource: `\${${logicalIdOf(outputKey)}.Arn}` },
      { Action: ['kms:CreateGrant'], Resource: `\${${logicalIdOf(volumeKey)}.Arn}` },
      {
        Action: ['ec2:CreateNetworkInterfacePermission', 'ec2:DeleteNetworkInterface'],
        Resource: 'arn:aws:ec2:us-east-1:123456789012:network-interface/*',
        Condition: { ArnEquals: { 'ec2:Vpc': `arn:aws:ec2:us-east-1:123456789012:vpc/\${${logicalIdOf(vpc)}}` } },
      },
    ]));
    expect(JSON.stringify(statements)).not.toMatch(/s3:[A-Za-z]*\*|s3:Delete|s3:GetBucket/);
    Template.fromStack(stack).hasResourceProperties('AWS::EC2::SecurityGroup', { GroupDescription: 'SageMaker hyperparameter tuning job run by TestStack/Tune' });
    await expectLeastPrivilegeIam(stack, { justified: JOB_ROLE_JUSTIFIED });
  });

  test('a role given by the user gets the job-specific grants only, and is the one passed', () => {
    const stack = newTestStack();
    const role = new iam.Role(stack, 'Mine', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
    const task = SageMakerCreateHyperParameterTuningJob.jsonPath(stack, 'Tune', tuningProps(stack, { role }));
    new sfn.StateMachine(stack, 'SM', { definitionBody: sfn.DefinitionBody.fromChainable(task) });
    expect(task.role).toBe(role);
    expect(task.grantPrincipal).toBe(role);
    const statements = arnsOf(stack, statementsForRole(stack, role));
    expect(statements.map((s) => s.Action).flat()).not.toContain('logs:CreateLogGroup');
    expect(statements).toEqual(expect.arrayContaining([{ Action: ['s3:PutObject'], Resource: `${BUCKET_ARN}/models/*` }]));
    expect(statementsForRole(stack).find((s) => s.Action?.includes('iam:PassRole'))?.Resource).toEqual({ 'Fn::GetAtt': [logicalIdOf(role), 'Arn'] });
  });

  test('grantPrincipal and connections work like any IGrantable / IConnectable', () => {
    const stack = newTestStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 });
    const task = SageMakerCreateHyperParameterTuningJob.jsonPath(stack, 'Tune', tuningProps(stack, { vpc }));
    new s3.Bucket(stack, 'Extra').grantRead(task);
    const db = new ec2.SecurityGroup(stack, 'Db', { vpc });
    new ec2.Connections({ securityGroups: [db], defaultPort: ec2.Port.tcp(5432) }).allowDefaultPortFrom(task);
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::IAM::Policy', { Roles: [{ Ref: logicalIdOf(task.role) }] });
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      FromPort: 5432,
      SourceSecurityGroupId: { 'Fn::GetAtt': [logicalIdOf(task.connections.securityGroups[0]), 'GroupId'] },
    });
  });
});
