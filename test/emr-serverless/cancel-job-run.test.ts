import { Stack, aws_stepfunctions as sfn } from 'aws-cdk-lib';
import { EmrServerlessCancelJobRun, EmrServerlessCancelJobRunProps } from '../../src';
import { MATRIX, checkResourceTypes, expectLeastPrivilegeIam, expectNoExpressionInIamArns, expectValidAsl, renderChainable, renderIntrinsics, runPlaced, statementsForRole } from '../support';

const APP_ARN = 'arn:aws:emr-serverless:us-east-1:123456789012:/applications';
const RULE_ARN = 'arn:aws:events:us-east-1:123456789012:rule/StepFunctionsGetEventsForEMRServerlessJobRule';
const PROPS: EmrServerlessCancelJobRunProps = { applicationId: '00f1app', jobRunId: '00f1run' };

function render(make: (scope: Stack) => EmrServerlessCancelJobRun, opts: { queryLanguage?: sfn.QueryLanguage } = {}) {
  let task!: EmrServerlessCancelJobRun;
  const { definition, stack } = renderChainable((scope) => (task = make(scope as Stack)), opts);
  expectValidAsl(definition);
  return { state: definition.States[task.stateId], stack };
}

describe('exact ASL', () => {
  test('REQUEST_RESPONSE, JSONPath, run-time ids', () => {
    // GIVEN / WHEN
    const { state } = render((scope) => EmrServerlessCancelJobRun.jsonPath(scope, 'Cancel', {
      applicationId: sfn.JsonPath.stringAt('$.run.ApplicationId'),
      jobRunId: sfn.JsonPath.stringAt('$.run.JobRunId'),
      integrationPattern: sfn.IntegrationPattern.REQUEST_RESPONSE,
    }));
    // THEN
    expect(state).toEqual({
      Type: 'Task',
      End: true,
      Resource: 'arn:aws:states:::emr-serverless:cancelJobRun',
      Parameters: { 'ApplicationId.$': '$.run.ApplicationId', 'JobRunId.$': '$.run.JobRunId' },
    });
  });

  test('RUN_JOB (.sync, the default), JSONata', () => {
    const { state } = render((scope) => EmrServerlessCancelJobRun.jsonata(scope, 'Cancel', {
      applicationId: '00f1app', jobRunId: '{% $states.input.run.JobRunId %}',
    }));
    expect(state).toEqual({
      Type: 'Task',
      QueryLanguage: 'JSONata',
      End: true,
      Resource: 'arn:aws:states:::emr-serverless:cancelJobRun.sync',
      Arguments: { ApplicationId: '00f1app', JobRunId: '{% $states.input.run.JobRunId %}' },
    });
  });

  test('a JsonPath value in a JSONata state is converted', () => {
    const { state } = render((scope) => EmrServerlessCancelJobRun.jsonata(scope, 'Cancel', { ...PROPS, jobRunId: sfn.JsonPath.stringAt('$.id') }));
    expect(state.Arguments).toEqual({ ApplicationId: '00f1app', JobRunId: '{% $states.input.id %}' });
  });
});

describe('IAM, as the developer guide shows for CancelJobRun', () => {
  test('.sync, literal ids: CancelJobRun and GetJobRun on the job run, the managed rule', async () => {
    const { stack } = render((scope) => EmrServerlessCancelJobRun.jsonPath(scope, 'Cancel', PROPS));
    const statements = renderIntrinsics(statementsForRole(stack));
    expect(statements).toEqual([
      expect.objectContaining({ Action: ['emr-serverless:CancelJobRun', 'emr-serverless:GetJobRun'], Resource: `${APP_ARN}/00f1app/jobruns/00f1run` }),
      expect.objectContaining({ Action: ['events:PutTargets', 'events:PutRule', 'events:DescribeRule'], Resource: RULE_ARN }),
    ]);
    await expectLeastPrivilegeIam(stack);
    expect(await checkResourceTypes(statementsForRole(stack))).toEqual([]);
  });

  test.each([
    [sfn.QueryLanguage.JSON_PATH, () => sfn.JsonPath.stringAt('$.a'), () => sfn.JsonPath.stringAt('$.r'), '*/jobruns/*'],
    [sfn.QueryLanguage.JSONATA, () => '{% $states.input.a %}', () => "{% '00f1' & $states.input.r %}", '*/jobruns/00f1*'],
    [sfn.QueryLanguage.JSONATA, () => '00f1app', () => '{% $states.input.r %}', '00f1app/jobruns/*'],
  ])('%s run-time ids: REQUEST_RESPONSE CancelJobRun only, narrowest prefix, no expression in an ARN', (language, app, run, scoped) => {
    const { stack } = render((scope) => new EmrServerlessCancelJobRun(scope, 'Cancel', { applicationId: app(), jobRunId: run(), queryLanguage: language, integrationPattern: sfn.IntegrationPattern.REQUEST_RESPONSE }));
    expectNoExpressionInIamArns(stack);
    expect(renderIntrinsics(statementsForRole(stack))).toEqual([
      expect.objectContaining({ Action: ['emr-serverless:CancelJobRun'], Resource: `${APP_ARN}/${scoped}` }),
    ]);
  });
});

describe('validation at synth', () => {
  test.each([
    ['applicationId', { applicationId: 'App_1' }, /Cancel: applicationId must be lower-case letters and digits/],
    ['jobRunId', { jobRunId: 'x'.repeat(65) }, /jobRunId must be between 1 and 64/],
    ['jobRunId missing', { jobRunId: undefined }, /jobRunId must be given \(required\)/],
    ['integrationPattern', { integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN }, /integrationPattern must be one of REQUEST_RESPONSE, RUN_JOB/],
  ])('%s', (_name, extra, error) => {
    for (const factory of [EmrServerlessCancelJobRun.jsonPath, EmrServerlessCancelJobRun.jsonata]) {
      expect(() => factory(new Stack(), 'Cancel', { ...PROPS, ...extra } as any)).toThrow(error);
    }
  });
});

describe.each(MATRIX)('executed offline: %s, %s', (language, placement) => {
  const build = (scope: any) => {
    const task = new EmrServerlessCancelJobRun(scope, 'Cancel', {
      applicationId: language === 'JSONata' ? '{% $states.input.app %}' : sfn.JsonPath.stringAt('$.app'),
      jobRunId: language === 'JSONata' ? '{% $states.input.run %}' : sfn.JsonPath.stringAt('$.run'),
    });
    task.addRetry({ errors: ['EMRServerless.ThrottlingException'], maxAttempts: 2 });
    return task;
  };

  test('the cancel is requested with the ids from the input and returns', async () => {
    const requests: any[] = [];
    const run = await runPlaced(build, {
      language,
      placement,
      input: { app: '00f1app', run: '00f1run' },
      taskHandler: ({ request, resource, attempt }) => {
        expect(resource).toBe('arn:aws:states:::emr-serverless:cancelJobRun.sync');
        requests.push(request);
        return attempt === 0 ? { error: 'EMRServerless.ThrottlingException', cause: 'Rate exceeded' } : { result: { ApplicationId: request.ApplicationId, JobRunId: request.JobRunId } };
      },
    });
    expect(run.status).toBe('SUCCEEDED');
    expect(requests).toEqual([{ ApplicationId: '00f1app', JobRunId: '00f1run' }, { ApplicationId: '00f1app', JobRunId: '00f1run' }]);
    expect(run.output).toEqual({ ApplicationId: '00f1app', JobRunId: '00f1run' });
  });

  test('a job run that has already ended: the service error fails the state', async () => {
    const run = await runPlaced(build, {
      language,
      placement,
      input: { app: '00f1app', run: '00f1run' },
      taskHandler: () => ({ error: 'EMRServerless.ValidationException', cause: 'Job run 00f1run is in a terminal state SUCCESS' }),
    });
    expect(run.status).toBe('FAILED');
    expect(run.error).toBe('EMRServerless.ValidationException');
  });
});
