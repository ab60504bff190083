import { Duration, Size, Stack, aws_ec2 as ec2, aws_iam as iam, aws_s3 as s3, aws_stepfunctions as sfn, aws_stepfunctions_tasks as tasks } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { HELLO_WORLD_IMAGE, helloWorldProps, pipelineFixture, pipelineProps } from './fixtures';
import { JOB_ROLE_JUSTIFIED, arnsOf } from './helpers';
import { SageMakerCreateProcessingJob, SageMakerCreateProcessingJobProps } from '../../src';
import { expectLeastPrivilegeIam, expectValidAsl, logicalIdOf, newTestStack, renderChainable, renderIntrinsics, renderState, statementsForRole } from '../support';

const SYNC = 'arn:aws:states:::sagemaker:createProcessingJob.sync';
const REQUEST_RESPONSE = 'arn:aws:states:::sagemaker:createProcessingJob';
const JOB_ARN = 'arn:aws:sagemaker:us-east-1:123456789012:processing-job';
const RULE_ARN = 'arn:aws:events:us-east-1:123456789012:rule/StepFunctionsGetEventsForSageMakerProcessingJobsRule';

/** The hello-world request, as both query languages render it (the name is added per language). */
function helloWorldRequest(roleId: string) {
  return {
    RoleArn: `\${${roleId}.Arn}`,
    AppSpecification: { ImageUri: HELLO_WORLD_IMAGE },
    ProcessingResources: { ClusterConfig: { InstanceCount: 1, InstanceType: 'ml.m5.xlarge', VolumeSizeInGB: 30 } },
    StoppingCondition: { MaxRuntimeInSeconds: 3600 },
  };
}

/** Renders one task in a fresh stack and returns its state, the task and the stack. */
function render(make: (scope: Stack) => SageMakerCreateProcessingJob, opts: { queryLanguage?: sfn.QueryLanguage } = {}) {
  let task!: SageMakerCreateProcessingJob;
  const { definition, stack } = renderChainable((scope) => (task = make(scope as Stack)), opts);
  expectValidAsl(definition);
  return { state: definition.States[task.stateId], definition, task, stack };
}

/** The state machine role's statements as [Action(s), Resource(s)] in a readable form. */
function machineStatements(stack: Stack) {
  return statementsForRole(stack);
}

describe('exact ASL: both integration patterns × both query languages', () => {
  test('RUN_JOB (.sync, the default), JSONPath', () => {
    // GIVEN / WHEN
    const { state, task } = render((scope) => SageMakerCreateProcessingJob.jsonPath(scope, 'HelloWorld', helloWorldProps()));
    // THEN
    expect(state).toEqual({
      Type: 'Task',
      End: true,
      Resource: SYNC,
      Parameters: {
        'ProcessingJobName.$': "States.Format('HelloWorld-{}', States.UUID())",
        ...helloWorldRequest(logicalIdOf(task.role)),
      },
    });
  });

  test('RUN_JOB (.sync), JSONata', () => {
    const { state, task } = render((scope) => SageMakerCreateProcessingJob.jsonata(scope, 'HelloWorld', helloWorldProps()));
    expect(state).toEqual({
      Type: 'Task',
      QueryLanguage: 'JSONata',
      End: true,
      Resource: SYNC,
      Arguments: {
        ProcessingJobName: "{% 'HelloWorld-' & $uuid() %}",
        ...helloWorldRequest(logicalIdOf(task.role)),
      },
    });
  });

  test('REQUEST_RESPONSE, JSONPath', () => {
    const { state, task } = render((scope) => SageMakerCreateProcessingJob.jsonPath(scope, 'HelloWorld', helloWorldProps({
      integrationPattern: sfn.IntegrationPattern.REQUEST_RESPONSE,
    })));
    expect(state).toEqual({
      Type: 'Task',
      End: true,
      Resource: REQUEST_RESPONSE,
      Parameters: {
        'ProcessingJobName.$': "States.Format('HelloWorld-{}', States.UUID())",
        ...helloWorldRequest(logicalIdOf(task.role)),
      },
    });
  });

  test('REQUEST_RESPONSE, JSONata (state machine level)', () => {
    const { state, task } = render(
      (scope) => new SageMakerCreateProcessingJob(scope, 'HelloWorld', helloWorldProps({ integrationPattern: sfn.IntegrationPattern.REQUEST_RESPONSE })),
      { queryLanguage: sfn.QueryLanguage.JSONATA },
    );
    expect(state).toEqual({
      Type: 'Task',
      End: true,
      Resource: REQUEST_RESPONSE,
      Arguments: {
        ProcessingJobName: "{% 'HelloWorld-' & $uuid() %}",
        ...helloWorldRequest(logicalIdOf(task.role)),
      },
    });
  });

  test('every prop rendered (JSONPath), with the base props (paths, selector, retry, catch) alongside', () => {
    // GIVEN
    const { state, task, stack } = render((scope) => {
      const fx = pipelineFixture(scope);
      const job = SageMakerCreateProcessingJob.jsonPath(scope, 'Preprocess', pipelineProps(fx, {
        // (the harness renders no Fn::Select, which an ECR repository construct's URI uses)
        image: tasks.DockerImage.fromRegistry('123456789012.dkr.ecr.us-east-1.amazonaws.com/preprocess:v1'),
        instanceType: ec2.InstanceType.of(ec2.InstanceClass.C5, ec2.InstanceSize.XLARGE2),
        instanceCount: 2,
        volumeSize: Size.gibibytes(100),
        maxRuntime: Duration.hours(2),
        containerArguments: ['--split', '0.8'],
        environment: { STAGE: 'prod' },
        enableNetworkIsolation: false,
        enableInterContainerTrafficEncryption: true,
        experimentConfig: { experimentName: 'churn', trialName: 'baseline', trialComponentDisplayName: 'preprocess', runName: 'run-1' },
        processingOutputs: [
          { outputName: 'train', destination: tasks.S3Location.fromBucket(fx.bucket, 'features/train/'), uploadMode: undefined },
          { outputName: 'logs', destination: tasks.S3Location.fromBucket(fx.bucket, 'logs/'), localPath: '/opt/ml/processing/logs', uploadMode: 'Continuous' as any },
        ],
        resultSelector: { 'status.$': '$.ProcessingJobStatus' },
        resultPath: '$.preprocess',
      }));
      job.addRetry({ errors: ['SageMaker.AmazonSageMakerException'], maxAttempts: 2 });
      job.addCatch(new sfn.Fail(scope, 'Failed'), { resultPath: '$.error' });
      return job;
    });
    const fx = pipelineFixture(stack);
    const bucket = logicalIdOf(fx.bucket);
    const sg = logicalIdOf(task.connections.securityGroups[0]);
    // THEN
    expect(state).toEqual({
      Type: 'Task',
      End: true,
      Resource: SYNC,
      ResultPath: '$.preprocess',
      ResultSelector: { 'status.$': '$.ProcessingJobStatus' },
      Retry: [{ ErrorEquals: ['SageMaker.AmazonSageMakerException'], MaxAttempts: 2 }],
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Failed' }],
      Parameters: {
        'ProcessingJobName.$': "States.Format('Preprocess-{}', States.UUID())",
        'RoleArn': `\${${logicalIdOf(task.role)}.Arn}`,
        'AppSpecification': {
          ImageUri: '123456789012.dkr.ecr.us-east-1.amazonaws.com/preprocess:v1',
          ContainerEntrypoint: ['python3', '/opt/ml/processing/input/code/preprocess.py'],
          ContainerArguments: ['--split', '0.8'],
        },
        'Environment': { STAGE: 'prod' },
        'ProcessingInputs': [
          {
            InputName: 'raw',
            S3Input: {
              S3Uri: `s3://\${${bucket}}/raw/2024/`,
              LocalPath: '/opt/ml/processing/input/raw',
              S3DataType: 'S3Prefix',
              S3InputMode: 'File',
              S3DataDistributionType: 'FullyReplicated',
            },
          },
          {
            InputName: 'code',
            S3Input: {
              S3Uri: `s3://\${${bucket}}/code/preprocess.py`,
              LocalPath: '/opt/ml/processing/input/code',
              S3DataType: 'S3Prefix',
              S3InputMode: 'File',
              S3DataDistributionType: 'FullyReplicated',
            },
          },
        ],
        'ProcessingOutputConfig': {
          Outputs: [
            { OutputName: 'train', S3Output: { S3Uri: `s3://\${${bucket}}/features/train/`, LocalPath: '/opt/ml/processing/output/train', S3UploadMode: 'EndOfJob' } },
            { OutputName: 'logs', S3Output: { S3Uri: `s3://\${${bucket}}/logs/`, LocalPath: '/opt/ml/processing/logs', S3UploadMode: 'Continuous' } },
          ],
          KmsKeyId: `\${${logicalIdOf(fx.outputKey)}.Arn}`,
        },
        'ProcessingResources': {
          ClusterConfig: {
            InstanceCount: 2,
            InstanceType: 'ml.c5.2xlarge',
            VolumeSizeInGB: 100,
            VolumeKmsKeyId: `\${${logicalIdOf(fx.volumeKey)}.Arn}`,
          },
        },
        'StoppingCondition': { MaxRuntimeInSeconds: 7200 },
        'NetworkConfig': {
          EnableInterContainerTrafficEncryption: true,
          EnableNetworkIsolation: false,
          VpcConfig: {
            SecurityGroupIds: [`\${${sg}.GroupId}`],
            Subnets: fx.vpc.privateSubnets.map((s) => `\${${logicalIdOf(s)}}`),
          },
        },
        'ExperimentConfig': { ExperimentName: 'churn', TrialName: 'baseline', TrialComponentDisplayName: 'preprocess', RunName: 'run-1' },
        'Tags': [{ Key: 'project', Value: 'churn' }],
      },
    });
  });

  test('JSONPath values in the request (name, instance count, S3 location) render as paths', () => {
    const { state } = render((scope) => SageMakerCreateProcessingJob.jsonPath(scope, 'Job', helloWorldProps({
      processingJobName: sfn.JsonPath.stringAt('$.jobName'),
      instanceCount: sfn.JsonPath.numberAt('$.instances'),
      instanceType: new ec2.InstanceType(sfn.JsonPath.stringAt('$.instanceType')),
      processingInputs: [{ inputName: 'raw', source: tasks.S3Location.fromJsonExpression('$.inputUri') }],
    })));
    expect(state.Parameters).toMatchObject({
      'ProcessingJobName.$': '$.jobName',
      'ProcessingInputs': [{ InputName: 'raw', S3Input: { 'S3Uri.$': '$.inputUri' } }],
      'ProcessingResources': { ClusterConfig: { 'InstanceCount.$': '$.instances', 'InstanceType.$': '$.instanceType', 'VolumeSizeInGB': 30 } },
    });
  });

  test('JSONata values in the request render as given', () => {
    const { state } = render((scope) => SageMakerCreateProcessingJob.jsonata(scope, 'Job', helloWorldProps({
      processingJobName: "{% 'nightly-' & $states.input.date %}",
      instanceType: new ec2.InstanceType('{% $states.input.instanceType %}'),
      processingInputs: [{ inputName: 'raw', source: tasks.S3Location.fromJsonExpression('{% $states.input.inputUri %}') }],
    })));
    expect(state.Arguments).toMatchObject({
      ProcessingJobName: "{% 'nightly-' & $states.input.date %}",
      ProcessingInputs: [{ InputName: 'raw', S3Input: { S3Uri: '{% $states.input.inputUri %}' } }],
      ProcessingResources: { ClusterConfig: { InstanceType: '{% $states.input.instanceType %}' } },
    });
  });

  test('additionalRequestFields merge in: objects key by key, arrays appended', () => {
    const athena = {
      InputName: 'athena',
      DatasetDefinition: {
        AthenaDatasetDefinition: { Catalog: 'AwsDataCatalog', Database: 'db', QueryString: 'SELECT 1', OutputS3Uri: 's3://b/athena/', OutputFormat: 'PARQUET' },
        LocalPath: '/opt/ml/processing/input/athena',
      },
    };
    const { state } = render((scope) => SageMakerCreateProcessingJob.jsonPath(scope, 'Job', helloWorldProps({
      processingInputs: [{ inputName: 'raw', source: tasks.S3Location.fromBucket(s3.Bucket.fromBucketName(scope, 'B', 'my-bucket'), 'raw/') }],
      additionalRequestFields: {
        ProcessingInputs: [athena],
        ProcessingOutputConfig: { Outputs: [{ OutputName: 'fs', FeatureStoreOutput: { FeatureGroupName: 'features' } }] },
        AppSpecification: { ContainerArguments: ['--x'] },
      },
    })));
    expect(state.Parameters.ProcessingInputs).toEqual([
      expect.objectContaining({ InputName: 'raw' }),
      athena,
    ]);
    expect(state.Parameters.ProcessingOutputConfig).toEqual({ Outputs: [{ OutputName: 'fs', FeatureStoreOutput: { FeatureGroupName: 'features' } }] });
    expect(state.Parameters.AppSpecification).toEqual({ ImageUri: HELLO_WORLD_IMAGE, ContainerArguments: ['--x'] });
  });
});

describe('job names', () => {
  test('the generated name fits the API: prefix trimmed to leave room for a UUID, letters/digits/dashes only', () => {
    const { state } = render((scope) => SageMakerCreateProcessingJob.jsonPath(scope, 'Preprocess the raw__data for churn model v2', helloWorldProps()));
    // 26 characters of prefix + '-' + 36 of UUID = 63, SageMaker's limit.
    expect(state.Parameters['ProcessingJobName.$']).toBe("States.Format('Preprocess-the-raw-data-fo-{}', States.UUID())");
    expect('Preprocess-the-raw-data-fo-'.length + 36).toBe(63);
  });

  test('the generated name evaluates to a valid, unique SageMaker name (JSONata)', async () => {
    const { state } = render((scope) => SageMakerCreateProcessingJob.jsonata(scope, 'A very long construct id that goes on and on', helloWorldProps()));
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const jsonata = require('jsonata');
    const expression = state.Arguments.ProcessingJobName.slice(2, -2);
    const compiled = jsonata(expression);
    compiled.registerFunction('uuid', () => '123e4567-e89b-42d3-a456-426614174000', '<:s>');
    const name: string = await compiled.evaluate({});
    expect(name).toMatch(/^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/);
    expect(name.length).toBeLessThanOrEqual(63);
    expect(name.startsWith('A-very-long-construct-id-t-')).toBe(true);
  });

  test('a literal name is validated and accepted with a warning', () => {
    // GIVEN
    const stack = newTestStack();
    // WHEN
    const task = SageMakerCreateProcessingJob.jsonPath(stack, 'Job', helloWorldProps({ processingJobName: 'Nightly-Preprocess' }));
    new sfn.StateMachine(stack, 'SM', { definitionBody: sfn.DefinitionBody.fromChainable(task) });
    // THEN
    Annotations.fromStack(stack).hasWarning('/TestStack/Job', Match.stringLikeRegexp('processingJobName is the literal "Nightly-Preprocess".*every execution after the first fails'));
    expect(arnsOf(stack, machineStatements(stack))[0].Resource).toEqual([`${JOB_ARN}/Nightly-Preprocess`, `${JOB_ARN}/nightly-preprocess`]);
    const rendered = JSON.stringify(Template.fromStack(stack).toJSON());
    expect(rendered).toContain(':processing-job/nightly-preprocess"');
    expect(rendered).not.toContain('processing-job/nightly-preprocess*');
  });

  test.each([
    ['too long', 'x'.repeat(64), /processingJobName must be between 1 and 63 characters long/],
    ['empty', '', /processingJobName must be between 1 and 63 characters long/],
    ['underscore', 'my_job', /processingJobName must be letters, digits and single dashes/],
    ['leading dash', '-job', /processingJobName must be letters, digits and single dashes/],
  ])('a literal name that breaks the API rules fails (%s)', (_case, name, message) => {
    expect(() => SageMakerCreateProcessingJob.jsonPath(newTestStack(), 'Job', helloWorldProps({ processingJobName: name }))).toThrow(message);
  });

  test('a JSONata name in a JSONPath state is an error; a JsonPath name in a JSONata state is converted', () => {
    expect(() => renderState((scope) => SageMakerCreateProcessingJob.jsonPath(scope, 'Job', helloWorldProps({ processingJobName: "{% 'x-' & $uuid() %}" }))))
      .toThrow(/processingJobName must be a literal or a JsonPath value in a JSONPath state/);
    const state = renderState((scope) => SageMakerCreateProcessingJob.jsonata(scope, 'Job', helloWorldProps({ processingJobName: sfn.JsonPath.stringAt('$.name') })));
    expect(state.Arguments.ProcessingJobName).toEqual('{% $states.input.name %}');
    expect(() => renderState((scope) => SageMakerCreateProcessingJob.jsonata(scope, 'Job', helloWorldProps({ processingJobName: sfn.JsonPath.stringAt('$.names[?(@.a)]') }))))
      .toThrow(/processingJobName must be a literal, a JSONata expression or a plain JsonPath reference/);
  });
});

describe('IAM on the state machine role, per pattern', () => {
  function machinePolicy(props: Partial<SageMakerCreateProcessingJobProps> = {}, queryLanguage?: sfn.QueryLanguage) {
    let task!: SageMakerCreateProcessingJob;
    const { stack, definition } = renderChainable((scope) => (task = new SageMakerCreateProcessingJob(scope, 'Preprocess', helloWorldProps(props))), { queryLanguage });
    expectValidAsl(definition);
    return { statements: machineStatements(stack), task, stack };
  }

  test('RUN_JOB: create/describe/stop/tag on the job-name prefix, the managed rule, PassRole on the job role only', async () => {
    // GIVEN / WHEN
    const { statements, task, stack } = machinePolicy();
    // THEN
    expect(arnsOf(stack, statements)).toEqual([
      {
        Action: ['sagemaker:CreateProcessingJob', 'sagemaker:DescribeProcessingJob', 'sagemaker:StopProcessingJob', 'sagemaker:AddTags', 'sagemaker:ListTags'],
        Resource: [`${JOB_ARN}/Preprocess-*`, `${JOB_ARN}/preprocess-*`],
      },
      { Action: ['events:PutTargets', 'events:PutRule', 'events:DescribeRule'], Resource: RULE_ARN },
      {
        Action: ['iam:PassRole'],
        Resource: `\${${logicalIdOf(task.role)}.Arn}`,
        Condition: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
      },
    ]);
    await expectLeastPrivilegeIam(stack, { justified: JOB_ROLE_JUSTIFIED });
  });

  test('REQUEST_RESPONSE: create only (no describe/stop, no rule, no tagging without tags)', () => {
    const { statements, stack } = machinePolicy({ integrationPattern: sfn.IntegrationPattern.REQUEST_RESPONSE });
    expect(arnsOf(stack, statements)).toEqual([
      { Action: ['sagemaker:CreateProcessingJob', 'sagemaker:ListTags'], Resource: [`${JOB_ARN}/Preprocess-*`, `${JOB_ARN}/preprocess-*`] },
      expect.objectContaining({ Action: ['iam:PassRole'] }),
    ]);
  });

  test('REQUEST_RESPONSE with tags: AddTags (SageMaker authorizes tag-on-create as sagemaker:AddTags)', () => {
    const { statements, stack } = machinePolicy({ integrationPattern: sfn.IntegrationPattern.REQUEST_RESPONSE, tags: { team: 'ml' } });
    expect(arnsOf(stack, statements)[0]).toEqual({
      Action: ['sagemaker:CreateProcessingJob', 'sagemaker:AddTags', 'sagemaker:ListTags'],
      Resource: [`${JOB_ARN}/Preprocess-*`, `${JOB_ARN}/preprocess-*`],
    });
  });

  test.each([
    ['JSONPath state machine', undefined],
    ['JSONata state machine', sfn.QueryLanguage.JSONATA],
  ])('a generated name is scoped to its prefix, as given and lower-cased, in both query languages (%s)', (_case, queryLanguage) => {
    const { statements, stack } = machinePolicy({}, queryLanguage);
    expect(arnsOf(stack, statements)[0].Resource).toEqual([`${JOB_ARN}/Preprocess-*`, `${JOB_ARN}/preprocess-*`]);
  });

  test('a JSONata name with a literal prefix is scoped to that prefix, never rendered literally into the ARN', () => {
    const { statements, stack } = machinePolicy({ processingJobName: "{% 'Nightly-' & $states.input.date %}" }, sfn.QueryLanguage.JSONATA);
    const resource = arnsOf(stack, statements)[0].Resource;
    expect(resource).toEqual([`${JOB_ARN}/Nightly-*`, `${JOB_ARN}/nightly-*`]);
    expect(JSON.stringify(statements)).not.toContain('{%');
  });

  test('a JSONPath name built with States.Format is scoped to its literal prefix', () => {
    const { statements, stack } = machinePolicy({ processingJobName: sfn.JsonPath.format('Daily-{}', sfn.JsonPath.stringAt('$.date')) });
    expect(arnsOf(stack, statements)[0].Resource).toEqual([`${JOB_ARN}/Daily-*`, `${JOB_ARN}/daily-*`]);
  });

  test.each([
    ['JsonPath', sfn.JsonPath.stringAt('$.name'), undefined],
    ['JSONata', '{% $states.input.name %}', sfn.QueryLanguage.JSONATA],
  ])('a wholly dynamic name (%s) is the only case with a wildcard on the whole name', (_case, name, queryLanguage) => {
    const { statements, stack } = machinePolicy({ processingJobName: name }, queryLanguage);
    expect(arnsOf(stack, statements)[0].Resource).toBe(`${JOB_ARN}/*`);
  });

  test('a role given by the user is the one passed, and the only one', () => {
    const stack = newTestStack();
    const role = new iam.Role(stack, 'MyRole', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
    const task = SageMakerCreateProcessingJob.jsonPath(stack, 'Job', helloWorldProps({ role }));
    new sfn.StateMachine(stack, 'SM', { definitionBody: sfn.DefinitionBody.fromChainable(task) });
    expect(task.role).toBe(role);
    expect(task.grantPrincipal).toBe(role);
    // No role of our own: the user's and the state machine's only.
    expect(Object.keys(Template.fromStack(stack).findResources('AWS::IAM::Role'))).toHaveLength(2);
    const passRole = statementsForRole(stack).find((s) => s.Action?.includes('iam:PassRole'));
    expect(passRole?.Resource).toEqual({ 'Fn::GetAtt': [logicalIdOf(role), 'Arn'] });
  });

  test('N jobs share a handful of statements: resources merge, nothing is repeated (per state machine)', () => {
    // GIVEN 30 jobs in one state machine and 2 in another
    const stack = newTestStack();
    const role = new iam.Role(stack, 'JobRole', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
    const jobs = Array.from({ length: 30 }, (_, i) => SageMakerCreateProcessingJob.jsonPath(stack, `Job${i}`, helloWorldProps({ role })));
    let chain = sfn.Chain.start(jobs[0]);
    for (const j of jobs.slice(1)) chain = chain.next(j);
    const big = new sfn.StateMachine(stack, 'Big', { definitionBody: sfn.DefinitionBody.fromChainable(chain) });
    const other = SageMakerCreateProcessingJob.jsonPath(stack, 'Other', helloWorldProps({ role }));
    const small = new sfn.StateMachine(stack, 'Small', { definitionBody: sfn.DefinitionBody.fromChainable(other) });
    // THEN
    const bigStatements = statementsForRole(stack, big);
    // 30 jobs × 2 letter cases = 60 job ARNs: one statement (at most 70 per statement)
    expect(bigStatements).toHaveLength(3);
    expect(bigStatements.filter((st) => [].concat(st.Action as never).includes('sagemaker:CreateProcessingJob' as never)).map((st) => st.Resource.length)).toEqual([60]);
    expect(JSON.stringify(bigStatements)).not.toContain('other-*');
    const smallStatements = statementsForRole(stack, small);
    expect(smallStatements).toHaveLength(3);
    expect(JSON.stringify(smallStatements)).toContain('other-*');
    expect(JSON.stringify(smallStatements)).not.toContain('job0-*');
  });

  test('200 jobs with their own roles: statements of at most 70 ARNs, every policy within IAM\'s size limits', () => {
    // GIVEN
    const stack = newTestStack();
    const jobs = Array.from({ length: 200 }, (_, i) => SageMakerCreateProcessingJob.jsonPath(stack, `Job${i}`, helloWorldProps()));
    let chain = sfn.Chain.start(jobs[0]);
    for (const j of jobs.slice(1)) chain = chain.next(j);
    const sm = new sfn.StateMachine(stack, 'SM', { definitionBody: sfn.DefinitionBody.fromChainable(chain) });
    // WHEN
    const template = Template.fromStack(stack).toJSON();
    // THEN
    const roleId = logicalIdOf(sm.role);
    const documents = Object.values<any>(template.Resources)
      .filter((r) => ['AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy'].includes(r.Type) && r.Properties.Roles?.some((x: any) => x.Ref === roleId));
    const statements = documents.flatMap((d) => d.Properties.PolicyDocument.Statement);
    const jobStatements = statements.filter((st: any) => [].concat(st.Action).includes('sagemaker:CreateProcessingJob' as never));
    const passRoles = statements.filter((st: any) => st.Action === 'iam:PassRole');
    expect(jobStatements.map((st: any) => st.Resource.length).sort((a: number, b: number) => b - a)).toEqual([70, 70, 70, 70, 70, 50]); // 200 jobs × 2 letter cases
    expect(passRoles.map((st: any) => st.Resource.length).sort((a: number, b: number) => b - a)).toEqual([70, 70, 60]);
    expect(statements.filter((st: any) => [].concat(st.Action).includes('events:PutRule' as never))).toHaveLength(1);
    // Sizes as IAM counts them: no whitespace, intrinsics resolved (a role ARN as CloudFormation names it).
    const size = (doc: any) => JSON.stringify(renderIntrinsics(doc)).replace(/\$\{(\w+)\.Arn\}/g, 'arn:aws:iam::123456789012:role/TestStack-$1-ABCDEFGHIJKL').length;
    const inline = documents.filter((d) => d.Type === 'AWS::IAM::Policy').map((d) => size(d.Properties.PolicyDocument));
    const managed = documents.filter((d) => d.Type === 'AWS::IAM::ManagedPolicy').map((d) => size(d.Properties.PolicyDocument));
    expect(inline.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(10_240);
    for (const m of managed) expect(m).toBeLessThanOrEqual(6_144);
    expect(managed.length).toBeLessThanOrEqual(10); // the default quota of managed policies per role
  });

  test('jobs inside Parallel branches and Map iterations reach the state machine role', () => {
    const { stack } = renderChainable((scope) => {
      const parallel = new sfn.Parallel(scope, 'Parallel');
      for (const name of ['Alpha', 'Beta']) parallel.branch(SageMakerCreateProcessingJob.jsonPath(scope, name, helloWorldProps()));
      const map = new sfn.Map(scope, 'Map', { itemsPath: '$.items' });
      map.itemProcessor(SageMakerCreateProcessingJob.jsonPath(scope, 'Gamma', helloWorldProps()));
      return parallel.next(map);
    });
    const jobStatements = machineStatements(stack).filter((s) => s.Action?.includes('sagemaker:CreateProcessingJob'));
    const resources = jobStatements.flatMap((s) => (Array.isArray(s.Resource) ? s.Resource : [s.Resource])).map((r) => JSON.stringify(r));
    for (const prefix of ['alpha-*', 'beta-*', 'gamma-*']) expect(resources.some((r) => r.includes(prefix))).toBe(true);
  });
});

describe('the default job role: least privilege derived from the props', () => {
  test('hello world: logs, metrics and ECR pull of that one repository (even from a registry URI)', () => {
    // GIVEN / WHEN
    const stack = newTestStack();
    const task = SageMakerCreateProcessingJob.jsonPath(stack, 'Job', helloWorldProps());
    // THEN
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::IAM::Policy', 0);
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'sagemaker.amazonaws.com' } }] },
      ManagedPolicyArns: Match.absent(),
    });
    expect(arnsOf(stack, statementsForRole(stack, task.role))).toEqual([
      {
        Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:DescribeLogStreams', 'logs:PutLogEvents'],
        Resource: [
          'arn:aws:logs:us-east-1:123456789012:log-group:/aws/sagemaker/ProcessingJobs',
          'arn:aws:logs:us-east-1:123456789012:log-group:/aws/sagemaker/ProcessingJobs:*',
        ],
      },
      { Action: ['cloudwatch:PutMetricData'], Resource: '*', Condition: { StringEquals: { 'cloudwatch:namespace': '/aws/sagemaker/ProcessingJobs' } } },
      { Action: ['ecr:GetAuthorizationToken'], Resource: '*' },
      {
        Action: ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'],
        Resource: 'arn:aws:ecr:ap-northeast-1:000000000000:repository/hello-world',
      },
    ]);
  });

  test('a realistic job (2 inputs, 2 outputs, KMS bucket, output and volume keys, VPC): exactly what it touches', async () => {
    // GIVEN / WHEN
    const stack = newTestStack();
    const fx = pipelineFixture(stack);
    const task = SageMakerCreateProcessingJob.jsonPath(stack, 'Preprocess', pipelineProps(fx));
    new sfn.StateMachine(stack, 'SM', { definitionBody: sfn.DefinitionBody.fromChainable(task) });
    // THEN
    const bucketArn = `\${${logicalIdOf(fx.bucket)}.Arn}`;
    const subnetArns = fx.vpc.privateSubnets.map((s) => `arn:aws:ec2:us-east-1:123456789012:subnet/\${${logicalIdOf(s)}}`);
    const sg = logicalIdOf(task.connections.securityGroups[0]);
    expect(arnsOf(stack, statementsForRole(stack, task.role))).toEqual([
      expect.objectContaining({ Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:DescribeLogStreams', 'logs:PutLogEvents'] }),
      expect.objectContaining({ Action: ['cloudwatch:PutMetricData'] }),
      {
        // Only '*' is possible for these (statements on '*' are merged into one).
        Action: [
          'ecr:GetAuthorizationToken',
          'ec2:DeleteNetworkInterfacePermission',
          'ec2:DescribeDhcpOptions',
          'ec2:DescribeNetworkInterfaces',
          'ec2:DescribeSecurityGroups',
          'ec2:DescribeSubnets',
          'ec2:DescribeVpcs',
        ],
        Resource: '*',
      },
      {
        Action: ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'],
        Resource: `\${${logicalIdOf(fx.repository)}.Arn}`,
      },
      { Action: ['s3:GetObject'], Resource: [`${bucketArn}/raw/2024/*`, `${bucketArn}/code/preprocess.py*`] },
      {
        Action: ['s3:ListBucket'],
        Resource: bucketArn,
        Condition: { StringLike: { 's3:prefix': ['raw/2024/*', 'code/preprocess.py*'] } },
      },
      { Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: `\${${logicalIdOf(fx.dataKey)}.Arn}` },
      { Action: ['s3:PutObject'], Resource: [`${bucketArn}/features/train/*`, `${bucketArn}/features/test/*`] },
      { Action: ['kms:Encrypt', 'kms:GenerateDataKey', 'kms:Decrypt'], Resource: `\${${logicalIdOf(fx.outputKey)}.Arn}` },
      { Action: ['kms:CreateGrant'], Resource: `\${${logicalIdOf(fx.volumeKey)}.Arn}` },
      {
        Action: ['ec2:CreateNetworkInterface'],
        Resource: [
          'arn:aws:ec2:us-east-1:123456789012:network-interface/*',
          ...subnetArns,
          `arn:aws:ec2:us-east-1:123456789012:security-group/\${${sg}.GroupId}`,
        ],
      },
      {
        Action: ['ec2:CreateNetworkInterfacePermission', 'ec2:DeleteNetworkInterface'],
        Resource: 'arn:aws:ec2:us-east-1:123456789012:network-interface/*',
        Condition: { ArnEquals: { 'ec2:Vpc': `arn:aws:ec2:us-east-1:123456789012:vpc/\${${logicalIdOf(fx.vpc)}}` } },
      },
    ]);
    // No S3 action wildcards, no delete, nothing on the whole bucket's objects.
    const all = JSON.stringify(statementsForRole(stack, task.role));
    expect(all).not.toMatch(/s3:[A-Za-z]*\*|s3:Delete|s3:GetBucket/);
    await expectLeastPrivilegeIam(stack, { justified: JOB_ROLE_JUSTIFIED });
  });

  test('the state machine role with tags, a VPC and KMS keys: still only the job statements (keys and VPC are the job role\'s)', () => {
    const stack = newTestStack();
    const fx = pipelineFixture(stack);
    const task = SageMakerCreateProcessingJob.jsonPath(stack, 'Preprocess', pipelineProps(fx));
    new sfn.StateMachine(stack, 'SM', { definitionBody: sfn.DefinitionBody.fromChainable(task) });
    const actions = statementsForRole(stack).flatMap((s) => s.Action ?? []).sort();
    expect(actions).toEqual([
      'events:DescribeRule', 'events:PutRule', 'events:PutTargets', 'iam:PassRole',
      'sagemaker:AddTags', 'sagemaker:CreateProcessingJob', 'sagemaker:DescribeProcessingJob', 'sagemaker:ListTags', 'sagemaker:StopProcessingJob',
    ]);
  });

  test('a role given by the user gets the job-specific grants, merged across the jobs sharing it', () => {
    const stack = newTestStack();
    const bucket = new s3.Bucket(stack, 'Data');
    const role = new iam.Role(stack, 'Shared', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
    for (let i = 0; i < 3; i++) {
      SageMakerCreateProcessingJob.jsonPath(stack, `Job${i}`, helloWorldProps({
        role,
        processingInputs: [{ inputName: 'in', source: tasks.S3Location.fromBucket(bucket, `in/${i}/`) }],
        processingOutputs: [{ outputName: 'out', destination: tasks.S3Location.fromBucket(bucket, `out/${i}/`) }],
      }));
    }
    const bucketArn = `\${${logicalIdOf(bucket)}.Arn}`;
    expect(arnsOf(stack, statementsForRole(stack, role))).toEqual([
      {
        Action: ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'],
        Resource: 'arn:aws:ecr:ap-northeast-1:000000000000:repository/hello-world',
      },
      { Action: ['ecr:GetAuthorizationToken'], Resource: '*' },
      { Action: ['s3:GetObject'], Resource: [0, 1, 2].map((i) => `${bucketArn}/in/${i}/*`) },
      { Action: ['s3:ListBucket'], Resource: bucketArn, Condition: { StringLike: { 's3:prefix': ['in/0/*', 'in/1/*', 'in/2/*'] } } },
      { Action: ['s3:PutObject'], Resource: [0, 1, 2].map((i) => `${bucketArn}/out/${i}/*`) },
    ]);
  });

  test('S3 keys holding IAM wildcard characters are escaped in the job role (a key `in/a*b/` does not reach `in/aZb/`)', () => {
    // GIVEN S3 keys with `*`, `?` and `$` (legal in S3 keys, special in IAM resource ARNs and StringLike values)
    const stack = newTestStack();
    const bucket = new s3.Bucket(stack, 'Data');
    // WHEN
    const task = SageMakerCreateProcessingJob.jsonPath(stack, 'Job', helloWorldProps({
      processingInputs: [{ inputName: 'in', source: tasks.S3Location.fromBucket(bucket, 'in/a*b?/') }],
      processingOutputs: [{ outputName: 'out', destination: tasks.S3Location.fromBucket(bucket, 'out/$x/') }],
    }));
    // THEN
    const bucketArn = `\${${logicalIdOf(bucket)}.Arn}`;
    expect(arnsOf(stack, statementsForRole(stack, task.role))).toEqual(expect.arrayContaining([
      { Action: ['s3:GetObject'], Resource: `${bucketArn}/in/a\${*}b\${?}/*` },
      { Action: ['s3:ListBucket'], Resource: bucketArn, Condition: { StringLike: { 's3:prefix': ['in/a${*}b${?}/*'] } } },
      { Action: ['s3:PutObject'], Resource: `${bucketArn}/out/\${$}x/*` },
    ]));
  });

  test('an immutable role is left alone', () => {
    const stack = newTestStack();
    const role = iam.Role.fromRoleArn(stack, 'Imported', 'arn:aws:iam::123456789012:role/sagemaker', { mutable: false });
    SageMakerCreateProcessingJob.jsonPath(stack, 'Job', helloWorldProps({
      role,
      processingInputs: [{ inputName: 'in', source: tasks.S3Location.fromBucket(new s3.Bucket(stack, 'B'), 'in/') }],
    }));
    Template.fromStack(stack).resourceCountIs('AWS::IAM::Policy', 0);
    Template.fromStack(stack).resourceCountIs('AWS::IAM::Role', 0);
  });

  test('a location known only at run time keeps aws-cdk-lib\'s own grant (nothing narrower exists)', () => {
    const stack = newTestStack();
    const task = SageMakerCreateProcessingJob.jsonPath(stack, 'Job', helloWorldProps({
      processingInputs: [{ inputName: 'in', source: tasks.S3Location.fromJsonExpression('$.input') }],
    }));
    expect(statementsForRole(stack, task.role)).toEqual(expect.arrayContaining([
      expect.objectContaining({ Action: ['ecr:GetAuthorizationToken', 's3:GetObject', 's3:ListBucket'], Resource: '*' }),
    ]));
  });

  test('grantPrincipal and connections work like any IGrantable / IConnectable', () => {
    const stack = newTestStack();
    const fx = pipelineFixture(stack);
    const task = SageMakerCreateProcessingJob.jsonPath(stack, 'Job', pipelineProps(fx));
    const table = new s3.Bucket(stack, 'Extra');
    table.grantRead(task);
    const db = new ec2.SecurityGroup(stack, 'Db', { vpc: fx.vpc });
    new ec2.Connections({ securityGroups: [db], defaultPort: ec2.Port.tcp(5432) }).allowDefaultPortFrom(task);
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::IAM::Policy', { Roles: [{ Ref: logicalIdOf(task.role) }] });
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      FromPort: 5432,
      GroupId: { 'Fn::GetAtt': [logicalIdOf(db), 'GroupId'] },
      SourceSecurityGroupId: { 'Fn::GetAtt': [logicalIdOf(task.connections.securityGroups[0]), 'GroupId'] },
    });
  });
});
