import { Duration, aws_iam as iam, aws_kms as kms, aws_lambda as lambda, aws_s3 as s3, aws_stepfunctions as sfn, aws_stepfunctions_tasks as tasks } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { ACS_BOUNDING_BOX, DATA_BUCKET, PRE_BOUNDING_BOX, PUBLIC_WORKTEAM_ARN, WORKTEAM_ARN, dataLocation, labelingProps } from './fixtures-jobs';
import { JOB_ROLE_JUSTIFIED, arnsOf, renderTask } from './helpers';
import {
  LabelingContentClassifier,
  LabelingFunction,
  LabelingJobAlgorithm,
  LabelingTaskUi,
  SageMakerCreateLabelingJob,
  SageMakerCreateLabelingJobProps,
} from '../../src';
import { expectLeastPrivilegeIam, expectValidAsl, logicalIdOf, newTestStack, renderChainable, renderState, statementsForRole } from '../support';

const SYNC = 'arn:aws:states:::sagemaker:createLabelingJob.sync';
const REQUEST_RESPONSE = 'arn:aws:states:::sagemaker:createLabelingJob';
const JOB_ARN = 'arn:aws:sagemaker:us-east-1:123456789012:labeling-job';
/** The narrowest events scope we can justify: AWS documents no rule name for labeling jobs (see LABELING_JOB). */
const RULE_PATTERN_ARN = 'arn:aws:events:us-east-1:123456789012:rule/StepFunctionsGetEventsForSageMaker*';
const BUCKET_ARN = `arn:aws:s3:::${DATA_BUCKET}`;

/** The request of `labelingProps`, as both query languages render it (the name is added per language). */
function boundingBoxRequest(roleId: string) {
  return {
    LabelAttributeName: 'cars',
    InputConfig: { DataSource: { S3DataSource: { ManifestS3Uri: `s3://${DATA_BUCKET}/images/manifest.json` } } },
    OutputConfig: { S3OutputPath: `s3://${DATA_BUCKET}/labels/` },
    RoleArn: `\${${roleId}.Arn}`,
    LabelCategoryConfigS3Uri: `s3://${DATA_BUCKET}/config/categories.json`,
    HumanTaskConfig: {
      WorkteamArn: WORKTEAM_ARN,
      UiConfig: { UiTemplateS3Uri: `s3://${DATA_BUCKET}/config/bounding-box.liquid` },
      PreHumanTaskLambdaArn: PRE_BOUNDING_BOX,
      TaskTitle: 'Draw boxes around cars',
      TaskDescription: 'Draw a box around every car in the image',
      NumberOfHumanWorkersPerDataObject: 1,
      TaskTimeLimitInSeconds: 300,
      AnnotationConsolidationConfig: { AnnotationConsolidationLambdaArn: ACS_BOUNDING_BOX },
    },
  };
}

const render = renderTask;

describe('exact ASL: both integration patterns × both query languages', () => {
  test('RUN_JOB (.sync, the default), JSONPath', () => {
    // GIVEN / WHEN
    const { state, task } = render((scope) => SageMakerCreateLabelingJob.jsonPath(scope, 'LabelCars', labelingProps(scope)));
    // THEN
    expect(state).toEqual({
      Type: 'Task',
      End: true,
      Resource: SYNC,
      Parameters: { 'LabelingJobName.$': "States.Format('LabelCars-{}', States.UUID())", ...boundingBoxRequest(logicalIdOf(task.role)) },
    });
  });

  test('RUN_JOB (.sync), JSONata', () => {
    const { state, task } = render((scope) => SageMakerCreateLabelingJob.jsonata(scope, 'LabelCars', labelingProps(scope)));
    expect(state).toEqual({
      Type: 'Task',
      QueryLanguage: 'JSONata',
      End: true,
      Resource: SYNC,
      Arguments: { LabelingJobName: "{% 'LabelCars-' & $uuid() %}", ...boundingBoxRequest(logicalIdOf(task.role)) },
    });
  });

  test('REQUEST_RESPONSE, JSONPath', () => {
    const { state, task } = render((scope) => SageMakerCreateLabelingJob.jsonPath(scope, 'LabelCars', labelingProps(scope, {
      integrationPattern: sfn.IntegrationPattern.REQUEST_RESPONSE,
    })));
    expect(state).toEqual({
      Type: 'Task',
      End: true,
      Resource: REQUEST_RESPONSE,
      Parameters: { 'LabelingJobName.$': "States.Format('LabelCars-{}', States.UUID())", ...boundingBoxRequest(logicalIdOf(task.role)) },
    });
  });

  test('REQUEST_RESPONSE, JSONata (state machine level)', () => {
    const { state, task } = render(
      (scope) => new SageMakerCreateLabelingJob(scope, 'LabelCars', labelingProps(scope, { integrationPattern: sfn.IntegrationPattern.REQUEST_RESPONSE })),
      { queryLanguage: sfn.QueryLanguage.JSONATA },
    );
    expect(state).toEqual({
      Type: 'Task',
      End: true,
      Resource: REQUEST_RESPONSE,
      Arguments: { LabelingJobName: "{% 'LabelCars-' & $uuid() %}", ...boundingBoxRequest(logicalIdOf(task.role)) },
    });
  });

  test('every prop rendered (JSONPath), with the base props alongside', () => {
    // GIVEN
    let outputKey!: kms.Key;
    let volumeKey!: kms.Key;
    const { state, task } = render((scope) => {
      outputKey = new kms.Key(scope, 'OutputKey');
      volumeKey = new kms.Key(scope, 'VolumeKey');
      const job = SageMakerCreateLabelingJob.jsonPath(scope, 'Label', labelingProps(scope, {
        inputDataLocations: [dataLocation(scope, 'images/raw/')],
        contentClassifiers: [LabelingContentClassifier.FREE_OF_PERSONALLY_IDENTIFIABLE_INFORMATION, LabelingContentClassifier.FREE_OF_ADULT_CONTENT],
        outputEncryptionKey: outputKey,
        workteamArn: PUBLIC_WORKTEAM_ARN,
        taskKeywords: ['Images', 'bounding boxes'],
        numberOfHumanWorkersPerDataObject: 3,
        taskTimeLimit: Duration.minutes(10),
        taskAvailabilityLifetime: Duration.hours(12),
        maxConcurrentTaskCount: 500,
        publicWorkforceTaskPrice: { cents: 3, tenthFractionsOfACent: 6 },
        maxHumanLabeledObjectCount: 1000,
        maxPercentageOfInputDatasetLabeled: 90,
        automatedLabeling: {
          algorithm: LabelingJobAlgorithm.OBJECT_DETECTION,
          initialActiveLearningModelArn: 'arn:aws:sagemaker:us-east-1:123456789012:model/cars-v1',
          volumeEncryptionKey: volumeKey,
        },
        tags: { project: 'cars' },
        resultSelector: { 'manifest.$': '$.LabelingJobOutput.OutputDatasetS3Uri' },
        resultPath: '$.labels',
      }));
      job.addCatch(new sfn.Fail(scope, 'Failed'), { errors: ['States.TaskFailed'], resultPath: '$.error' });
      return job;
    });
    // THEN
    expect(state).toEqual({
      Type: 'Task',
      End: true,
      Resource: SYNC,
      ResultPath: '$.labels',
      ResultSelector: { 'manifest.$': '$.LabelingJobOutput.OutputDatasetS3Uri' },
      Catch: [{ ErrorEquals: ['States.TaskFailed'], ResultPath: '$.error', Next: 'Failed' }],
      Parameters: {
        'LabelingJobName.$': "States.Format('Label-{}', States.UUID())",
        'LabelAttributeName': 'cars',
        'InputConfig': {
          DataSource: { S3DataSource: { ManifestS3Uri: `s3://${DATA_BUCKET}/images/manifest.json` } },
          DataAttributes: { ContentClassifiers: ['FreeOfPersonallyIdentifiableInformation', 'FreeOfAdultContent'] },
        },
        'OutputConfig': { S3OutputPath: `s3://${DATA_BUCKET}/labels/`, KmsKeyId: `\${${logicalIdOf(outputKey)}.Arn}` },
        'RoleArn': `\${${logicalIdOf(task.role)}.Arn}`,
        'LabelCategoryConfigS3Uri': `s3://${DATA_BUCKET}/config/categories.json`,
        'StoppingConditions': { MaxHumanLabeledObjectCount: 1000, MaxPercentageOfInputDatasetLabeled: 90 },
        'LabelingJobAlgorithmsConfig': {
          LabelingJobAlgorithmSpecificationArn: 'arn:aws:sagemaker:us-east-1:027400017018:labeling-job-algorithm-specification/object-detection',
          InitialActiveLearningModelArn: 'arn:aws:sagemaker:us-east-1:123456789012:model/cars-v1',
          LabelingJobResourceConfig: { VolumeKmsKeyId: `\${${logicalIdOf(volumeKey)}.Arn}` },
        },
        'HumanTaskConfig': {
          WorkteamArn: PUBLIC_WORKTEAM_ARN,
          UiConfig: { UiTemplateS3Uri: `s3://${DATA_BUCKET}/config/bounding-box.liquid` },
          PreHumanTaskLambdaArn: PRE_BOUNDING_BOX,
          TaskKeywords: ['Images', 'bounding boxes'],
          TaskTitle: 'Draw boxes around cars',
          TaskDescription: 'Draw a box around every car in the image',
          NumberOfHumanWorkersPerDataObject: 3,
          TaskTimeLimitInSeconds: 600,
          TaskAvailabilityLifetimeInSeconds: 43200,
          MaxConcurrentTaskCount: 500,
          AnnotationConsolidationConfig: { AnnotationConsolidationLambdaArn: ACS_BOUNDING_BOX },
          PublicWorkforceTaskPrice: { AmountInUsd: { Dollars: 0, Cents: 3, TenthFractionsOfACent: 6 } },
        },
        'Tags': [{ Key: 'project', Value: 'cars' }],
      },
    });
  });

  test('a built-in human task UI (3D point cloud) instead of a template; no functions', () => {
    const state = renderState((scope) => SageMakerCreateLabelingJob.jsonPath(scope, 'Label', labelingProps(scope, {
      taskUi: LabelingTaskUi.fromHumanTaskUiArn('arn:aws:sagemaker:us-east-1:394669845002:human-task-ui/PointCloudObjectDetection'),
      preHumanTaskFunction: undefined,
      annotationConsolidationFunction: undefined,
      taskTimeLimit: Duration.days(3),
    })));
    expect(state.Parameters.HumanTaskConfig).toEqual({
      WorkteamArn: WORKTEAM_ARN,
      UiConfig: { HumanTaskUiArn: 'arn:aws:sagemaker:us-east-1:394669845002:human-task-ui/PointCloudObjectDetection' },
      TaskTitle: 'Draw boxes around cars',
      TaskDescription: 'Draw a box around every car in the image',
      NumberOfHumanWorkersPerDataObject: 1,
      TaskTimeLimitInSeconds: 259200,
    });
  });

  test('your own functions render by ARN', () => {
    const state = renderState((scope) => SageMakerCreateLabelingJob.jsonPath(scope, 'Label', labelingProps(scope, {
      preHumanTaskFunction: LabelingFunction.fromFunctionArn('arn:aws:lambda:us-east-1:123456789012:function:sagemaker-pre'),
      annotationConsolidationFunction: LabelingFunction.fromFunction(lambda.Function.fromFunctionArn(scope, 'Acs', 'arn:aws:lambda:us-east-1:123456789012:function:sagemaker-acs')),
    })));
    expect(state.Parameters.HumanTaskConfig).toMatchObject({
      PreHumanTaskLambdaArn: 'arn:aws:lambda:us-east-1:123456789012:function:sagemaker-pre',
      AnnotationConsolidationConfig: { AnnotationConsolidationLambdaArn: 'arn:aws:lambda:us-east-1:123456789012:function:sagemaker-acs' },
    });
  });

  test('JSONPath values (name, manifest, title, worker count) render as paths', () => {
    const state = renderState((scope) => SageMakerCreateLabelingJob.jsonPath(scope, 'Label', labelingProps(scope, {
      labelingJobName: sfn.JsonPath.stringAt('$.name'),
      inputManifest: tasks.S3Location.fromJsonExpression('$.manifest'),
      taskTitle: sfn.JsonPath.stringAt('$.title'),
      numberOfHumanWorkersPerDataObject: sfn.JsonPath.numberAt('$.workers'),
    })));
    expect(state.Parameters).toMatchObject({
      'LabelingJobName.$': '$.name',
      'InputConfig': { DataSource: { S3DataSource: { 'ManifestS3Uri.$': '$.manifest' } } },
      'HumanTaskConfig': { 'TaskTitle.$': '$.title', 'NumberOfHumanWorkersPerDataObject.$': '$.workers' },
    });
  });

  test('JSONata values render as given', () => {
    const state = renderState((scope) => SageMakerCreateLabelingJob.jsonata(scope, 'Label', labelingProps(scope, {
      labelingJobName: "{% 'cars-' & $states.input.batch %}",
      inputManifest: tasks.S3Location.fromJsonExpression('{% $states.input.manifest %}'),
      workteamArn: '{% $states.input.team %}',
    })));
    expect(state.Arguments).toMatchObject({
      LabelingJobName: "{% 'cars-' & $states.input.batch %}",
      InputConfig: { DataSource: { S3DataSource: { ManifestS3Uri: '{% $states.input.manifest %}' } } },
      HumanTaskConfig: { WorkteamArn: '{% $states.input.team %}' },
    });
  });

  test('additionalRequestFields merge in (an SNS output topic)', () => {
    const state = renderState((scope) => SageMakerCreateLabelingJob.jsonPath(scope, 'Label', labelingProps(scope, {
      additionalRequestFields: { OutputConfig: { SnsTopicArn: 'arn:aws:sns:us-east-1:123456789012:GroundTruthOutput' } },
    })));
    expect(state.Parameters.OutputConfig).toEqual({ S3OutputPath: `s3://${DATA_BUCKET}/labels/`, SnsTopicArn: 'arn:aws:sns:us-east-1:123456789012:GroundTruthOutput' });
  });
});

describe('job names', () => {
  test('the generated name fits 63 characters with a UUID; a literal is accepted with a warning', () => {
    const state = renderState((scope) => SageMakerCreateLabelingJob.jsonPath(scope, 'Label the cars in the street images of the week', labelingProps(scope)));
    expect(state.Parameters['LabelingJobName.$']).toBe("States.Format('Label-the-cars-in-the-stre-{}', States.UUID())");
    expect('Label-the-cars-in-the-stre-'.length + 36).toBeLessThanOrEqual(63);

    const stack = newTestStack();
    const task = SageMakerCreateLabelingJob.jsonPath(stack, 'Label', labelingProps(stack, { labelingJobName: 'Cars-Batch-1' }));
    new sfn.StateMachine(stack, 'SM', { definitionBody: sfn.DefinitionBody.fromChainable(task) });
    Annotations.fromStack(stack).hasWarning('/TestStack/Label', Match.stringLikeRegexp('labelingJobName is the literal "Cars-Batch-1".*labeling job names must be unique'));
    expect(arnsOf(stack, statementsForRole(stack))[0].Resource).toEqual([`${JOB_ARN}/Cars-Batch-1`, `${JOB_ARN}/cars-batch-1`]);
  });
});

describe('IAM on the state machine role, per pattern', () => {
  function machinePolicy(extra: Partial<SageMakerCreateLabelingJobProps> = {}, queryLanguage?: sfn.QueryLanguage) {
    let task!: SageMakerCreateLabelingJob;
    const { stack, definition } = renderChainable((scope) => (task = new SageMakerCreateLabelingJob(scope, 'LabelCars', labelingProps(scope, extra))), { queryLanguage });
    expectValidAsl(definition);
    return { statements: statementsForRole(stack), task, stack };
  }

  test('RUN_JOB: create/describe/stop/tag on the name prefix, the events rule pattern, PassRole on the job role only', async () => {
    // GIVEN / WHEN
    const { statements, task, stack } = machinePolicy();
    // THEN
    expect(arnsOf(stack, statements)).toEqual([
      {
        Action: ['sagemaker:CreateLabelingJob', 'sagemaker:DescribeLabelingJob', 'sagemaker:StopLabelingJob', 'sagemaker:AddTags', 'sagemaker:ListTags'],
        Resource: [`${JOB_ARN}/LabelCars-*`, `${JOB_ARN}/labelcars-*`],
      },
      { Action: ['events:PutTargets', 'events:PutRule', 'events:DescribeRule'], Resource: RULE_PATTERN_ARN },
      {
        Action: ['iam:PassRole'],
        Resource: `\${${logicalIdOf(task.role)}.Arn}`,
        Condition: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
      },
    ]);
    // Work teams, task UIs and functions need no permission of the caller.
    expect(JSON.stringify(statements)).not.toMatch(/workteam|lambda:|human-task-ui/);
    await expectLeastPrivilegeIam(stack, { justified: JOB_ROLE_JUSTIFIED });
  });

  test('REQUEST_RESPONSE: create and ListTags only; no events permission at all', () => {
    const { statements, stack } = machinePolicy({ integrationPattern: sfn.IntegrationPattern.REQUEST_RESPONSE });
    expect(arnsOf(stack, statements)).toEqual([
      { Action: ['sagemaker:CreateLabelingJob', 'sagemaker:ListTags'], Resource: [`${JOB_ARN}/LabelCars-*`, `${JOB_ARN}/labelcars-*`] },
      expect.objectContaining({ Action: ['iam:PassRole'] }),
    ]);
  });

  test.each([
    ['generated, JSONPath', {}, undefined, [`${JOB_ARN}/LabelCars-*`, `${JOB_ARN}/labelcars-*`]],
    ['generated, JSONata', {}, sfn.QueryLanguage.JSONATA, [`${JOB_ARN}/LabelCars-*`, `${JOB_ARN}/labelcars-*`]],
    ['JSONata with a literal prefix', { labelingJobName: "{% 'Cars-' & $states.input.batch %}" }, sfn.QueryLanguage.JSONATA, [`${JOB_ARN}/Cars-*`, `${JOB_ARN}/cars-*`]],
    ['wholly dynamic JsonPath', { labelingJobName: sfn.JsonPath.stringAt('$.name') }, undefined, `${JOB_ARN}/*`],
  ])('the job ARN is scoped to what is known of the name (%s)', (_case, extra, queryLanguage, arn) => {
    const { statements, stack } = machinePolicy(extra as Partial<SageMakerCreateLabelingJobProps>, queryLanguage);
    expect(arnsOf(stack, statements)[0].Resource).toEqual(arn);
    expect(JSON.stringify(statements)).not.toContain('{%');
  });
});

describe('the default job role: what Ground Truth documents for its execution role, narrowed to this job', () => {
  test('built-in task type: logs and metrics of labeling jobs, read the manifest folder, template and categories, write the output; no ECR, no Lambda', async () => {
    // GIVEN / WHEN
    const stack = newTestStack();
    const task = SageMakerCreateLabelingJob.jsonPath(stack, 'Label', labelingProps(stack));
    new sfn.StateMachine(stack, 'SM', { definitionBody: sfn.DefinitionBody.fromChainable(task) });
    // THEN
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'sagemaker.amazonaws.com' } }] },
      ManagedPolicyArns: Match.absent(),
    });
    expect(arnsOf(stack, statementsForRole(stack, task.role))).toEqual([
      {
        Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:DescribeLogStreams', 'logs:PutLogEvents'],
        Resource: [
          'arn:aws:logs:us-east-1:123456789012:log-group:/aws/sagemaker/LabelingJobs',
          'arn:aws:logs:us-east-1:123456789012:log-group:/aws/sagemaker/LabelingJobs:*',
        ],
      },
      {
        Action: ['cloudwatch:PutMetricData'],
        Resource: '*',
        Condition: { StringEquals: { 'cloudwatch:namespace': ['/aws/sagemaker/LabelingJobs', '/aws/sagemaker/Workteam'] } },
      },
      // The manifest's folder (the images beside it), the label categories, the template.
      { Action: ['s3:GetObject'], Resource: [`${BUCKET_ARN}/images/*`, `${BUCKET_ARN}/config/categories.json`, `${BUCKET_ARN}/config/bounding-box.liquid`] },
      // Bucket-level, as Ground Truth's execution role policy has it.
      { Action: ['s3:ListBucket', 's3:GetBucketLocation'], Resource: BUCKET_ARN },
      { Action: ['s3:AbortMultipartUpload', 's3:GetObject', 's3:PutObject'], Resource: `${BUCKET_ARN}/labels/*` },
    ]);
    await expectLeastPrivilegeIam(stack, { justified: JOB_ROLE_JUSTIFIED });
  });

  test('inputDataLocations replace the manifest folder: the manifest itself plus each location', () => {
    const stack = newTestStack();
    const task = SageMakerCreateLabelingJob.jsonPath(stack, 'Label', labelingProps(stack, {
      inputDataLocations: [dataLocation(stack, 'raw/2024/'), dataLocation(stack, 'raw/2025/')],
    }));
    expect(arnsOf(stack, statementsForRole(stack, task.role))).toEqual(expect.arrayContaining([
      {
        Action: ['s3:GetObject'],
        Resource: [
          `${BUCKET_ARN}/images/manifest.json`,
          `${BUCKET_ARN}/raw/2024/*`,
          `${BUCKET_ARN}/raw/2025/*`,
          `${BUCKET_ARN}/config/categories.json`,
          `${BUCKET_ARN}/config/bounding-box.liquid`,
        ],
      },
    ]));
  });

  test('your functions may be invoked by the job role; Ground Truth\'s built-in ones need nothing', () => {
    const stack = newTestStack();
    const acs = new lambda.Function(stack, 'Acs', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => ({})') });
    const task = SageMakerCreateLabelingJob.jsonPath(stack, 'Label', labelingProps(stack, {
      preHumanTaskFunction: LabelingFunction.fromFunctionArn('arn:aws:lambda:us-east-1:123456789012:function:sagemaker-pre'),
      annotationConsolidationFunction: LabelingFunction.fromFunction(acs),
    }));
    const invoke = arnsOf(stack, statementsForRole(stack, task.role)).filter((s) => s.Action.includes('lambda:InvokeFunction'));
    expect(invoke).toEqual([{
      Action: ['lambda:InvokeFunction'],
      Resource: ['arn:aws:lambda:us-east-1:123456789012:function:sagemaker-pre', `\${${logicalIdOf(acs)}.Arn}`],
    }]);
    const builtIn = newTestStack();
    const plain = SageMakerCreateLabelingJob.jsonPath(builtIn, 'Label', labelingProps(builtIn));
    expect(JSON.stringify(statementsForRole(builtIn, plain.role))).not.toContain('lambda:');
  });

  test('automated labeling: the role may pass itself to SageMaker (in a policy of its own: no circular reference); the volume key', () => {
    // GIVEN / WHEN
    const stack = newTestStack();
    const volumeKey = new kms.Key(stack, 'VolumeKey');
    const task = SageMakerCreateLabelingJob.jsonPath(stack, 'Label', labelingProps(stack, {
      automatedLabeling: { algorithm: LabelingJobAlgorithm.OBJECT_DETECTION, volumeEncryptionKey: volumeKey },
    }));
    new sfn.StateMachine(stack, 'SM', { definitionBody: sfn.DefinitionBody.fromChainable(task) });
    // THEN
    const roleId = logicalIdOf(task.role);
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: roleId }],
      PolicyDocument: {
        Statement: [{
          Action: 'iam:PassRole',
          Effect: 'Allow',
          Resource: { 'Fn::GetAtt': [roleId, 'Arn'] },
          Condition: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
        }],
      },
    });
    expect(JSON.stringify(template.toJSON().Resources[roleId].Properties.Policies)).not.toContain('iam:PassRole');
    expect(arnsOf(stack, statementsForRole(stack, task.role))).toEqual(expect.arrayContaining([
      { Action: ['kms:CreateGrant'], Resource: `\${${logicalIdOf(volumeKey)}.Arn}` },
    ]));
  });

  test('a KMS-encrypted bucket and an output key: decrypt to read, generate data keys to write, the output key', () => {
    const stack = newTestStack();
    const dataKey = new kms.Key(stack, 'DataKey');
    const bucket = new s3.Bucket(stack, 'Encrypted', { encryptionKey: dataKey });
    const outputKey = new kms.Key(stack, 'OutputKey');
    const task = SageMakerCreateLabelingJob.jsonPath(stack, 'Label', labelingProps(stack, {
      inputManifest: tasks.S3Location.fromBucket(bucket, 'images/manifest.json'),
      outputLocation: tasks.S3Location.fromBucket(bucket, 'labels/'),
      outputEncryptionKey: outputKey,
    }));
    expect(arnsOf(stack, statementsForRole(stack, task.role))).toEqual(expect.arrayContaining([
      { Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: `\${${logicalIdOf(dataKey)}.Arn}` },
      { Action: ['kms:Encrypt', 'kms:GenerateDataKey', 'kms:Decrypt'], Resource: `\${${logicalIdOf(outputKey)}.Arn}` },
      { Action: ['s3:ListBucket', 's3:GetBucketLocation'], Resource: [`\${${logicalIdOf(bucket)}.Arn}`, BUCKET_ARN] },
    ]));
  });

  test('a role given by the user gets the job-specific grants only; an immutable one is left alone', () => {
    const stack = newTestStack();
    const role = new iam.Role(stack, 'Mine', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
    const task = SageMakerCreateLabelingJob.jsonPath(stack, 'Label', labelingProps(stack, { role }));
    expect(task.role).toBe(role);
    const actions = statementsForRole(stack, role).flatMap((s) => s.Action ?? []);
    expect(actions).toEqual(expect.arrayContaining(['s3:GetObject', 's3:PutObject']));
    expect(actions).not.toContain('logs:CreateLogGroup');

    const other = newTestStack();
    const imported = iam.Role.fromRoleArn(other, 'Imported', 'arn:aws:iam::123456789012:role/labeling', { mutable: false });
    SageMakerCreateLabelingJob.jsonPath(other, 'Label', labelingProps(other, { role: imported }));
    Template.fromStack(other).resourceCountIs('AWS::IAM::Policy', 0);
    Template.fromStack(other).resourceCountIs('AWS::IAM::Role', 0);
  });
});
