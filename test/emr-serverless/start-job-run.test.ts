import { CfnParameter, Duration, Stack, aws_iam as iam, aws_stepfunctions as sfn } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { EmrServerlessJobRunMode, EmrServerlessStartJobRun, EmrServerlessStartJobRunProps, JobDriver } from '../../src';
import { checkResourceTypes, expectLeastPrivilegeIam, renderIntrinsics, expectNoExpressionInIamArns, expectValidAsl, logicalIdOf, renderChainable, statementsForRole } from '../support';

const SYNC = 'arn:aws:states:::emr-serverless:startJobRun.sync';
const REQUEST_RESPONSE = 'arn:aws:states:::emr-serverless:startJobRun';
const APP_ARN = 'arn:aws:emr-serverless:us-east-1:123456789012:/applications';
const RULE_ARN = 'arn:aws:events:us-east-1:123456789012:rule/StepFunctionsGetEventsForEMRServerlessJobRule';
const ENTRY = 's3://code-bucket/jobs/etl.py';

function sparkProps(extra: Partial<EmrServerlessStartJobRunProps> = {}): EmrServerlessStartJobRunProps {
  return {
    applicationId: '00f1abcdef123456',
    jobDriver: JobDriver.sparkSubmit({ entryPoint: ENTRY }),
    ...extra,
  };
}

function readPolicy(resources: string[]): iam.PolicyDocument {
  return new iam.PolicyDocument({ statements: [new iam.PolicyStatement({ actions: ['s3:GetObject'], resources })] });
}

function render(make: (scope: Stack) => EmrServerlessStartJobRun, opts: { queryLanguage?: sfn.QueryLanguage } = {}) {
  let task!: EmrServerlessStartJobRun;
  const { definition, stack } = renderChainable((scope) => (task = make(scope as Stack)), opts);
  expectValidAsl(definition);
  return { state: definition.States[task.stateId], definition, task, stack };
}

describe('exact ASL: both integration patterns × both query languages', () => {
  test('RUN_JOB (.sync, the default), JSONPath', () => {
    // GIVEN / WHEN
    const { state, task } = render((scope) => EmrServerlessStartJobRun.jsonPath(scope, 'Etl', sparkProps()));
    // THEN
    expect(state).toEqual({
      Type: 'Task',
      End: true,
      Resource: SYNC,
      Parameters: {
        'ApplicationId': '00f1abcdef123456',
        'ExecutionRoleArn': `\${${logicalIdOf(task.executionRole)}.Arn}`,
        'JobDriver': { SparkSubmit: { EntryPoint: ENTRY } },
        'Name.$': "States.Format('Etl-{}', States.UUID())",
      },
    });
  });

  test('RUN_JOB (.sync), JSONata', () => {
    const { state, task } = render((scope) => EmrServerlessStartJobRun.jsonata(scope, 'Etl', sparkProps()));
    expect(state).toEqual({
      Type: 'Task',
      QueryLanguage: 'JSONata',
      End: true,
      Resource: SYNC,
      Arguments: {
        ApplicationId: '00f1abcdef123456',
        ExecutionRoleArn: `\${${logicalIdOf(task.executionRole)}.Arn}`,
        JobDriver: { SparkSubmit: { EntryPoint: ENTRY } },
        Name: "{% 'Etl-' & $uuid() %}",
      },
    });
  });

  test('REQUEST_RESPONSE in both languages, every field', () => {
    const role = (scope: Stack) => iam.Role.fromRoleArn(scope, 'Given', 'arn:aws:iam::123456789012:role/emr-job', { mutable: false });
    const full = (scope: Stack): EmrServerlessStartJobRunProps => sparkProps({
      integrationPattern: sfn.IntegrationPattern.REQUEST_RESPONSE,
      executionRole: role(scope),
      jobDriver: JobDriver.sparkSubmit({ entryPoint: ENTRY, entryPointArguments: ['--day', '2026-01-01'], sparkSubmitParameters: '--conf spark.executor.cores=2' }),
      configurationOverrides: {
        applicationConfiguration: [{ classification: 'spark-defaults', properties: { 'spark.dynamicAllocation.enabled': 'false' }, configurations: [{ classification: 'nested' }] }],
        monitoring: { s3LogUri: 's3://logs-bucket/emr/', cloudWatchLogs: { logGroupName: '/emr/etl', logStreamNamePrefix: 'etl' }, managedPersistence: false },
      },
      jobRunName: 'nightly-etl',
      executionTimeout: Duration.hours(2),
      tags: { team: 'data' },
    });
    const request = {
      ApplicationId: '00f1abcdef123456',
      ExecutionRoleArn: 'arn:aws:iam::123456789012:role/emr-job',
      JobDriver: { SparkSubmit: { EntryPoint: ENTRY, EntryPointArguments: ['--day', '2026-01-01'], SparkSubmitParameters: '--conf spark.executor.cores=2' } },
      ConfigurationOverrides: {
        ApplicationConfiguration: [{ Classification: 'spark-defaults', Properties: { 'spark.dynamicAllocation.enabled': 'false' }, Configurations: [{ Classification: 'nested' }] }],
        MonitoringConfiguration: {
          S3MonitoringConfiguration: { LogUri: 's3://logs-bucket/emr/' },
          CloudWatchLoggingConfiguration: { Enabled: true, LogGroupName: '/emr/etl', LogStreamNamePrefix: 'etl' },
          ManagedPersistenceMonitoringConfiguration: { Enabled: false },
        },
      },
      ExecutionTimeoutMinutes: 120,
      Tags: { team: 'data' },
      Name: 'nightly-etl',
    };
    expect(render((scope) => EmrServerlessStartJobRun.jsonPath(scope, 'Etl', full(scope))).state).toEqual({
      Type: 'Task', End: true, Resource: REQUEST_RESPONSE, Parameters: request,
    });
    expect(render((scope) => EmrServerlessStartJobRun.jsonata(scope, 'Etl', full(scope))).state).toEqual({
      Type: 'Task', QueryLanguage: 'JSONata', End: true, Resource: REQUEST_RESPONSE, Arguments: request,
    });
  });

  test('Hive driver', () => {
    const { state } = render((scope) => EmrServerlessStartJobRun.jsonPath(scope, 'Hive', sparkProps({
      jobDriver: JobDriver.hive({ query: 's3://code-bucket/q.sql', initQueryFile: 's3://code-bucket/init.sql', parameters: '--hiveconf a=b' }),
    })));
    expect(state.Parameters.JobDriver).toEqual({ Hive: { Query: 's3://code-bucket/q.sql', InitQueryFile: 's3://code-bucket/init.sql', Parameters: '--hiveconf a=b' } });
  });

  test('run-time values: JsonPath in JSONPath, converted in JSONata, JSONata expressions', () => {
    const dyn = (): EmrServerlessStartJobRunProps => ({
      applicationId: sfn.JsonPath.stringAt('$.app'),
      jobDriver: JobDriver.sparkSubmit({ entryPoint: sfn.JsonPath.stringAt('$.script'), entryPointArguments: sfn.JsonPath.listAt('$.args') }),
      jobRunName: sfn.JsonPath.stringAt('$.name'),
    });
    const p = render((scope) => EmrServerlessStartJobRun.jsonPath(scope, 'Dyn', dyn())).state.Parameters;
    expect(p).toEqual(expect.objectContaining({
      'ApplicationId.$': '$.app',
      'JobDriver': { SparkSubmit: { 'EntryPoint.$': '$.script', 'EntryPointArguments.$': '$.args' } },
      'Name.$': '$.name',
    }));
    const a = render((scope) => EmrServerlessStartJobRun.jsonata(scope, 'Dyn', dyn())).state.Arguments;
    expect(a).toEqual(expect.objectContaining({
      ApplicationId: '{% $states.input.app %}',
      JobDriver: { SparkSubmit: { EntryPoint: '{% $states.input.script %}', EntryPointArguments: '{% $states.input.args %}' } },
      Name: '{% $states.input.name %}',
    }));
    const j = render((scope) => EmrServerlessStartJobRun.jsonata(scope, 'Expr', {
      applicationId: '{% $states.input.app %}',
      jobDriver: JobDriver.sparkSubmit({ entryPoint: "{% 's3://code-bucket/' & $states.input.script %}" }),
    })).state.Arguments;
    expect(j.ApplicationId).toBe('{% $states.input.app %}');
    expect(j.JobDriver.SparkSubmit.EntryPoint).toBe("{% 's3://code-bucket/' & $states.input.script %}");
  });

  test('mode, retryPolicy and executionIamPolicy in both languages, exactly', () => {
    // GIVEN
    const props = (scope: Stack): EmrServerlessStartJobRunProps => sparkProps({
      integrationPattern: sfn.IntegrationPattern.REQUEST_RESPONSE,
      executionRole: iam.Role.fromRoleArn(scope, 'Given', 'arn:aws:iam::123456789012:role/emr-job', { mutable: false }),
      jobRunName: 'etl',
      mode: EmrServerlessJobRunMode.BATCH,
      retryPolicy: { maxAttempts: 3 },
      executionIamPolicy: {
        policy: readPolicy(['arn:aws:s3:::data/in/*']),
        managedPolicies: [iam.ManagedPolicy.fromManagedPolicyArn(scope, 'Managed', 'arn:aws:iam::123456789012:policy/read-only')],
      },
    });
    const request = {
      ApplicationId: '00f1abcdef123456',
      ExecutionRoleArn: 'arn:aws:iam::123456789012:role/emr-job',
      JobDriver: { SparkSubmit: { EntryPoint: ENTRY } },
      Mode: 'BATCH',
      RetryPolicy: { MaxAttempts: 3 },
      ExecutionIamPolicy: {
        Policy: '{"Statement":[{"Action":"s3:GetObject","Effect":"Allow","Resource":"arn:aws:s3:::data/in/*"}],"Version":"2012-10-17"}',
        PolicyArns: ['arn:aws:iam::123456789012:policy/read-only'],
      },
      Name: 'etl',
    };
    // WHEN / THEN
    expect(render((scope) => EmrServerlessStartJobRun.jsonPath(scope, 'Etl', props(scope))).state).toEqual({
      Type: 'Task', End: true, Resource: REQUEST_RESPONSE, Parameters: request,
    });
    expect(render((scope) => EmrServerlessStartJobRun.jsonata(scope, 'Etl', props(scope))).state).toEqual({
      Type: 'Task', QueryLanguage: 'JSONata', End: true, Resource: REQUEST_RESPONSE, Arguments: request,
    });
  });

  test('streaming mode with its retry bound; the policy names a deploy-time bucket', () => {
    const { state, definition } = render((scope) => {
      const bucket = new CfnParameter(scope, 'Bucket').valueAsString;
      return EmrServerlessStartJobRun.jsonPath(scope, 'Stream', sparkProps({
        mode: EmrServerlessJobRunMode.STREAMING,
        retryPolicy: { maxFailedAttemptsPerHour: 5 },
        executionIamPolicy: { policy: readPolicy([`arn:aws:s3:::${bucket}/*`]) },
      }));
    });
    expect(state.Parameters.Mode).toBe('STREAMING');
    expect(state.Parameters.RetryPolicy).toEqual({ MaxFailedAttemptsPerHour: 5 });
    // The policy is JSON text inside the definition's JSON: the bucket reference resolves inside it.
    expect(JSON.parse(state.Parameters.ExecutionIamPolicy.Policy)).toEqual({
      Version: '2012-10-17',
      Statement: [{ Action: 's3:GetObject', Effect: 'Allow', Resource: 'arn:aws:s3:::${Bucket}/*' }],
    });
    expect(definition).toBeDefined();
  });

  test('mode and retry bounds known at run time: JsonPath in JSONPath, converted in JSONata', () => {
    const dyn = (): EmrServerlessStartJobRunProps => sparkProps({
      mode: EmrServerlessJobRunMode.of(sfn.JsonPath.stringAt('$.mode')),
      retryPolicy: { maxAttempts: sfn.JsonPath.numberAt('$.attempts') },
    });
    const p = render((scope) => EmrServerlessStartJobRun.jsonPath(scope, 'Dyn', dyn())).state.Parameters;
    expect(p).toEqual(expect.objectContaining({ 'Mode.$': '$.mode', 'RetryPolicy': { 'MaxAttempts.$': '$.attempts' } }));
    const a = render((scope) => EmrServerlessStartJobRun.jsonata(scope, 'Dyn', dyn())).state.Arguments;
    expect(a).toEqual(expect.objectContaining({ Mode: '{% $states.input.mode %}', RetryPolicy: { MaxAttempts: '{% $states.input.attempts %}' } }));
    const j = render((scope) => EmrServerlessStartJobRun.jsonata(scope, 'Expr', sparkProps({ mode: EmrServerlessJobRunMode.of('{% $states.input.mode %}') }))).state.Arguments;
    expect(j.Mode).toBe('{% $states.input.mode %}');
    expect(() => render((scope) => EmrServerlessStartJobRun.jsonPath(scope, 'Bad', sparkProps({ mode: EmrServerlessJobRunMode.of('{% $states.input.mode %}') }))))
      .toThrow(/Mode must be a literal or a JsonPath value in a JSONPath state/);
  });

  test('a JSONata expression in a JSONPath state is refused by name', () => {
    expect(() => render((scope) => EmrServerlessStartJobRun.jsonPath(scope, 'Bad', sparkProps({ applicationId: '{% $states.input.app %}' })))).toThrow(/ApplicationId must be a literal or a JsonPath value in a JSONPath state/);
  });
});

describe('IAM', () => {
  test('.sync with a literal application id: as the developer guide, scoped to the application and its job runs', async () => {
    // GIVEN / WHEN
    const { stack, task } = render((scope) => EmrServerlessStartJobRun.jsonPath(scope, 'Etl', sparkProps({
      configurationOverrides: { monitoring: { s3LogUri: 's3://logs-bucket/emr' } },
    })));
    // THEN
    const statements = renderIntrinsics(statementsForRole(stack));
    expect(statements).toEqual(expect.arrayContaining([
      expect.objectContaining({ Action: ['emr-serverless:StartJobRun'], Resource: `${APP_ARN}/00f1abcdef123456` }),
      expect.objectContaining({ Action: ['emr-serverless:GetJobRun', 'emr-serverless:CancelJobRun'], Resource: `${APP_ARN}/00f1abcdef123456/jobruns/*` }),
      expect.objectContaining({ Action: ['events:PutTargets', 'events:PutRule', 'events:DescribeRule'], Resource: RULE_ARN }),
      expect.objectContaining({
        Action: ['iam:PassRole'],
        Resource: `\${${logicalIdOf(task.executionRole)}.Arn}`,
        Condition: { StringEquals: { 'iam:PassedToService': 'emr-serverless.amazonaws.com' } },
      }),
    ]));
    expect(statements).toHaveLength(4);
    // The default execution role: trusted by EMR Serverless, reads the entry point, writes the logs.
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'emr-serverless.amazonaws.com' } })] },
    });
    expect(renderIntrinsics(statementsForRole(stack, task.executionRole))).toEqual([
      expect.objectContaining({ Action: ['s3:GetObject'], Resource: 'arn:aws:s3:::code-bucket/jobs/etl.py' }),
      expect.objectContaining({ Action: ['s3:PutObject'], Resource: 'arn:aws:s3:::logs-bucket/emr/*' }),
    ]);
    await expectLeastPrivilegeIam(stack);
    expect(await checkResourceTypes([...statementsForRole(stack), ...statementsForRole(stack, task.executionRole)])).toEqual([]);
  });

  test('REQUEST_RESPONSE: StartJobRun and PassRole only', () => {
    const { stack } = render((scope) => EmrServerlessStartJobRun.jsonPath(scope, 'Etl', sparkProps({ integrationPattern: sfn.IntegrationPattern.REQUEST_RESPONSE })));
    const statements = renderIntrinsics(statementsForRole(stack));
    expect(statements.map((s: any) => s.Action)).toEqual([['emr-serverless:StartJobRun'], ['iam:PassRole']]);
  });

  test.each([
    ['JsonPath', sfn.QueryLanguage.JSON_PATH, () => sfn.JsonPath.stringAt('$.app'), '*'],
    ['JsonPath States.Format', sfn.QueryLanguage.JSON_PATH, () => sfn.JsonPath.format('00f1{}', sfn.JsonPath.stringAt('$.x')), '00f1*'],
    ['JSONata', sfn.QueryLanguage.JSONATA, () => '{% $states.input.app %}', '*'],
    ['JSONata concatenation', sfn.QueryLanguage.JSONATA, () => "{% '00f1' & $states.input.x %}", '00f1*'],
    ['literal with IAM special characters escaped', sfn.QueryLanguage.JSON_PATH, () => '00f1abc', '00f1abc'],
  ])('application id given as %s: no expression in any ARN, narrowest prefix', (_kind, language, id, scoped) => {
    const { stack } = render((scope) => new EmrServerlessStartJobRun(scope, 'Etl', { ...sparkProps(), applicationId: id(), queryLanguage: language }));
    expectNoExpressionInIamArns(stack);
    expect(renderIntrinsics(statementsForRole(stack))).toEqual(expect.arrayContaining([
      expect.objectContaining({ Action: ['emr-serverless:StartJobRun'], Resource: `${APP_ARN}/${scoped}` }),
      expect.objectContaining({ Action: ['emr-serverless:GetJobRun', 'emr-serverless:CancelJobRun'], Resource: `${APP_ARN}/${scoped}/jobruns/*` }),
    ]));
  });

  test('a deploy-time application id goes into the ARN as the token', () => {
    const { stack } = render((scope) => EmrServerlessStartJobRun.jsonPath(scope, 'Etl', sparkProps({ applicationId: new CfnParameter(scope, 'AppId').valueAsString })));
    expect(renderIntrinsics(statementsForRole(stack))).toEqual(expect.arrayContaining([
      expect.objectContaining({ Action: ['emr-serverless:StartJobRun'], Resource: `${APP_ARN}/\${AppId}` }),
    ]));
  });

  test('a given execution role is passed, and not modified', () => {
    const { stack } = render((scope) => EmrServerlessStartJobRun.jsonPath(scope, 'Etl', sparkProps({
      executionRole: iam.Role.fromRoleArn(scope, 'Given', 'arn:aws:iam::123456789012:role/emr-job'),
    })));
    expect(renderIntrinsics(statementsForRole(stack))).toEqual(expect.arrayContaining([
      expect.objectContaining({ Action: ['iam:PassRole'], Resource: 'arn:aws:iam::123456789012:role/emr-job', Condition: { StringEquals: { 'iam:PassedToService': 'emr-serverless.amazonaws.com' } } }),
    ]));
    Template.fromStack(stack).resourceCountIs('AWS::IAM::Role', 1); // the state machine's only
  });

  test('a bucket known at deploy time: the default role reads the entry point and writes the logs there', () => {
    const { stack, task } = render((scope) => {
      const bucket = new CfnParameter(scope, 'Bucket').valueAsString;
      return EmrServerlessStartJobRun.jsonPath(scope, 'Etl', sparkProps({
        jobDriver: JobDriver.sparkSubmit({ entryPoint: `s3://${bucket}/jobs/etl.py` }),
        configurationOverrides: { monitoring: { s3LogUri: `s3://${bucket}/logs` } },
      }));
    });
    expect(renderIntrinsics(statementsForRole(stack, task.executionRole))).toEqual([
      expect.objectContaining({ Action: ['s3:GetObject'], Resource: 'arn:aws:s3:::${Bucket}/jobs/etl.py' }),
      expect.objectContaining({ Action: ['s3:PutObject'], Resource: 'arn:aws:s3:::${Bucket}/logs/*' }),
    ]);
  });

  test('an entry point with IAM special characters is escaped', () => {
    const { stack, task } = render((scope) => EmrServerlessStartJobRun.jsonPath(scope, 'Etl', sparkProps({ jobDriver: JobDriver.sparkSubmit({ entryPoint: 's3://b/jobs/what?*.py' }) })));
    expect(renderIntrinsics(statementsForRole(stack, task.executionRole))).toEqual([
      expect.objectContaining({ Action: ['s3:GetObject'], Resource: 'arn:aws:s3:::b/jobs/what${?}${*}.py' }),
    ]);
  });

  test('a run-time entry point grants the default role nothing to read', () => {
    const { stack, task } = render((scope) => EmrServerlessStartJobRun.jsonPath(scope, 'Etl', sparkProps({ jobDriver: JobDriver.sparkSubmit({ entryPoint: sfn.JsonPath.stringAt('$.script') }) })));
    expect(renderIntrinsics(statementsForRole(stack, task.executionRole))).toEqual([]);
  });
});

describe('validation at synth', () => {
  const cases: Array<[string, (scope: Stack) => Partial<EmrServerlessStartJobRunProps>, RegExp]> = [
    ['applicationId pattern', () => ({ applicationId: 'My-App' }), /Etl: applicationId must be lower-case letters and digits .*; got "My-App"/],
    ['applicationId length', () => ({ applicationId: 'a'.repeat(65) }), /applicationId must be between 1 and 64 characters long/],
    ['applicationId missing', () => ({ applicationId: undefined as any }), /applicationId must be given \(required\)/],
    ['jobDriver missing', () => ({ jobDriver: undefined as any }), /jobDriver must be given \(required\)/],
    ['jobDriver a plain object', () => ({ jobDriver: { SparkSubmit: {} } as any }), /jobDriver must be a JobDriver/],
    ['entryPoint blank', () => ({ jobDriver: JobDriver.sparkSubmit({ entryPoint: '  ' }) }), /jobDriver.entryPoint must be not blank/],
    ['entryPoint length', () => ({ jobDriver: JobDriver.sparkSubmit({ entryPoint: `s3://b/${'k'.repeat(260)}` }) }), /jobDriver.entryPoint must be between 1 and 256/],
    ['entryPointArguments item', () => ({ jobDriver: JobDriver.sparkSubmit({ entryPoint: ENTRY, entryPointArguments: [''] }) }), /jobDriver.entryPointArguments\[0\] must be between 1 and 10280/],
    ['sparkSubmitParameters', () => ({ jobDriver: JobDriver.sparkSubmit({ entryPoint: ENTRY, sparkSubmitParameters: '' }) }), /jobDriver.sparkSubmitParameters must be between 1 and 102400/],
    ['hive query', () => ({ jobDriver: JobDriver.hive({ query: ' ' }) }), /jobDriver.query must be not blank/],
    ['hive initQueryFile length', () => ({ jobDriver: JobDriver.hive({ query: 's3://b/q.sql', initQueryFile: `s3://b/${'i'.repeat(256)}` }) }), /jobDriver.initQueryFile must be between 1 and 256/],
    ['entryPointArguments blank item', () => ({ jobDriver: JobDriver.sparkSubmit({ entryPoint: ENTRY, entryPointArguments: ['--day', ' '] }) }), /jobDriver.entryPointArguments\[1\] must be not blank/],
    ['hive parameters blank', () => ({ jobDriver: JobDriver.hive({ query: 's3://b/q.sql', parameters: ' ' }) }), /jobDriver.parameters must be not blank/],
    ['logGroupName pattern', () => ({ configurationOverrides: { monitoring: { cloudWatchLogs: { logGroupName: 'my logs' } } } }), /cloudWatchLogs.logGroupName must be letters, digits and/],
    ['logStreamNamePrefix pattern', () => ({ configurationOverrides: { monitoring: { cloudWatchLogs: { logStreamNamePrefix: 'a:b' } } } }), /cloudWatchLogs.logStreamNamePrefix must be free of ":" and "\*"/],
    ['property key blank', () => ({ configurationOverrides: { applicationConfiguration: [{ classification: 'c', properties: { ' ': 'v' } }] } }), /properties key " " must be not blank/],
    ['tags key pattern', () => ({ tags: { 'team#1': 'v' } }), /tags key "team#1" must be letters, digits, spaces and/],
    ['tags value pattern', () => ({ tags: { team: 'a,b' } }), /tags.team must be letters, digits, spaces and/],
    ['mode lower-case', () => ({ mode: EmrServerlessJobRunMode.of('batch') }), /Etl: mode must be EmrServerlessJobRunMode.BATCH, STREAMING or upper-case letters and underscores; got "batch"/],
    ['mode a string', () => ({ mode: 'BATCH' as any }), /mode must be an object; got "BATCH"/],
    ['retryPolicy.maxAttempts range', () => ({ retryPolicy: { maxAttempts: 11 } }), /retryPolicy.maxAttempts must be an integer between 1 and 10; got 11/],
    ['retryPolicy.maxAttempts zero', () => ({ retryPolicy: { maxAttempts: 0 } }), /retryPolicy.maxAttempts must be an integer between 1 and 10; got 0/],
    ['retryPolicy.maxAttempts in STREAMING mode', () => ({ mode: EmrServerlessJobRunMode.STREAMING, retryPolicy: { maxAttempts: 3 } }), /retryPolicy.maxAttempts must be left out in STREAMING mode/],
    ['retryPolicy.maxFailedAttemptsPerHour in BATCH mode', () => ({ retryPolicy: { maxFailedAttemptsPerHour: 3 } }), /retryPolicy.maxFailedAttemptsPerHour must be left out unless mode is EmrServerlessJobRunMode.STREAMING/],
    ['retryPolicy.maxFailedAttemptsPerHour range', () => ({ mode: EmrServerlessJobRunMode.STREAMING, retryPolicy: { maxFailedAttemptsPerHour: 1.5 } }), /retryPolicy.maxFailedAttemptsPerHour must be an integer between 1 and 10/],
    ['retryPolicy empty', () => ({ retryPolicy: {} }), /retryPolicy must be given with maxAttempts or maxFailedAttemptsPerHour/],
    ['executionIamPolicy empty', () => ({ executionIamPolicy: {} }), /executionIamPolicy must be given with policy or managedPolicies/],
    ['executionIamPolicy.policy empty', () => ({ executionIamPolicy: { policy: new iam.PolicyDocument() } }), /executionIamPolicy.policy must be a policy document with at least one statement/],
    ['executionIamPolicy.policy too long', () => ({ executionIamPolicy: { policy: readPolicy(Array.from({ length: 60 }, (_, i) => `arn:aws:s3:::bucket-number-${i}/*`)) } }), /executionIamPolicy.policy must be between 1 and 2048 characters long/],
    ['executionIamPolicy.policy with a JsonPath', () => ({ executionIamPolicy: { policy: readPolicy([sfn.JsonPath.stringAt('$.bucketArn')]) } }), /executionIamPolicy.policy must be free of JsonPath and JSONata/],
    ['executionIamPolicy.policy with JSONata', () => ({ executionIamPolicy: { policy: readPolicy(['{% $states.input.arn %}']) } }), /executionIamPolicy.policy must be free of JsonPath and JSONata/],
    ['executionIamPolicy.policy without resources', () => ({ executionIamPolicy: { policy: new iam.PolicyDocument({ statements: [new iam.PolicyStatement({ actions: ['s3:GetObject'] })] }) } }), /executionIamPolicy.policy must be a valid identity policy/],
    ['executionIamPolicy.managedPolicies count', () => ({ executionIamPolicy: { managedPolicies: Array.from({ length: 11 }, (_, i) => iam.ManagedPolicy.fromManagedPolicyArn(new Stack(), `P${i}`, `arn:aws:iam::123456789012:policy/p${i}`)) } }), /executionIamPolicy.managedPolicies must be a list of 0 to 10 items/],
    ['jobRunName length', () => ({ jobRunName: 'n'.repeat(257) }), /jobRunName must be between 1 and 256/],
    ['jobRunName blank', () => ({ jobRunName: '   ' }), /jobRunName must be not blank/],
    ['executionTimeout range', () => ({ executionTimeout: Duration.minutes(1_000_001) }), /executionTimeout must be between/],
    ['executionTimeout minutes', () => ({ executionTimeout: Duration.seconds(90) }), /executionTimeout must be a whole number of minutes/],
    ['executionTimeout kind', () => ({ executionTimeout: 60 as any }), /executionTimeout must be a Duration/],
    ['tags count', () => ({ tags: Object.fromEntries(Array.from({ length: 201 }, (_, i) => [`k${i}`, 'v'])) }), /tags must be at most 200 tags/],
    ['tags reserved', () => ({ tags: { 'aws:x': 'v' } }), /tags key "aws:x" must be a key not starting with "aws:"/],
    ['tags value', () => ({ tags: { k: 'v'.repeat(257) } }), /tags.k must be between 0 and 256/],
    ['s3LogUri', () => ({ configurationOverrides: { monitoring: { s3LogUri: 'logs-bucket/emr' } } }), /configurationOverrides.monitoring.s3LogUri must be an s3:\/\/ URI/],
    ['logGroupName', () => ({ configurationOverrides: { monitoring: { cloudWatchLogs: { logGroupName: '' } } } }), /cloudWatchLogs.logGroupName must be between 1 and 512/],
    ['classification', () => ({ configurationOverrides: { applicationConfiguration: [{ classification: '' }] } }), /applicationConfiguration\[0\].classification must be between 1 and 1024/],
    ['configurations count', () => ({ configurationOverrides: { applicationConfiguration: Array.from({ length: 101 }, () => ({ classification: 'c' })) } }), /applicationConfiguration must be a list of 0 to 100 items/],
    ['integrationPattern', () => ({ integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN }), /integrationPattern must be one of REQUEST_RESPONSE, RUN_JOB/],
    ['a JSONata syntax error', () => ({ jobRunName: '{% $states.input. %}' }), /jobRunName must be a valid JSONata expression/],
  ];
  test.each(cases)('%s', (_name, extra, error) => {
    for (const factory of [EmrServerlessStartJobRun.jsonPath, EmrServerlessStartJobRun.jsonata]) {
      const stack = new Stack();
      expect(() => factory(stack, 'Etl', { ...sparkProps(), ...extra(stack) } as any)).toThrow(error);
    }
  });

  test('compliant: an entry point in the image (local://) and a Hive init file anywhere', () => {
    expect(() => EmrServerlessStartJobRun.jsonPath(new Stack(), 'Etl', sparkProps({
      jobDriver: JobDriver.sparkSubmit({ entryPoint: 'local:///usr/lib/spark/examples/jars/spark-examples.jar' }),
    }))).not.toThrow();
    expect(() => EmrServerlessStartJobRun.jsonPath(new Stack(), 'Etl', sparkProps({
      jobDriver: JobDriver.hive({ query: 's3://b/q.sql', initQueryFile: 'local:///init.sql' }),
    }))).not.toThrow();
  });

  test('compliant: run-time values skip the static checks', () => {
    const stack = new Stack();
    expect(() => EmrServerlessStartJobRun.jsonata(stack, 'Etl', {
      applicationId: '{% $states.input.App %}',
      jobDriver: JobDriver.sparkSubmit({ entryPoint: '{% $states.input.script %}' }),
      jobRunName: '{% $states.input.name %}',
      executionTimeout: Duration.minutes(0),
    })).not.toThrow();
  });
});
