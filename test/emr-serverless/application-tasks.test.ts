import { CfnParameter, Stack, aws_stepfunctions as sfn } from 'aws-cdk-lib';
import { EmrServerlessDeleteApplication, EmrServerlessStartApplication, EmrServerlessStopApplication } from '../../src';
import { MATRIX, checkResourceTypes, expectLeastPrivilegeIam, expectNoExpressionInIamArns, expectValidAsl, renderChainable, renderIntrinsics, runPlaced, statementsForRole } from '../support';

const APP_ARN = 'arn:aws:emr-serverless:us-east-1:123456789012:/applications';
const RULE_ARN = 'arn:aws:events:us-east-1:123456789012:rule/StepFunctionsGetEventsForEMRServerlessApplicationRule';

type Factory = typeof EmrServerlessStartApplication | typeof EmrServerlessStopApplication | typeof EmrServerlessDeleteApplication;
/** [class, API, the call's action, the further `.sync` actions (developer guide), the state `.sync` waits for] */
const TASKS: Array<[string, Factory, string, string[], string]> = [
  ['EmrServerlessStartApplication', EmrServerlessStartApplication, 'startApplication', ['emr-serverless:StartApplication', 'emr-serverless:GetApplication', 'emr-serverless:StopApplication'], 'STARTED'],
  ['EmrServerlessStopApplication', EmrServerlessStopApplication, 'stopApplication', ['emr-serverless:StopApplication', 'emr-serverless:GetApplication'], 'STOPPED'],
  ['EmrServerlessDeleteApplication', EmrServerlessDeleteApplication, 'deleteApplication', ['emr-serverless:DeleteApplication', 'emr-serverless:GetApplication'], 'TERMINATED'],
];

function render(make: (scope: Stack) => sfn.State) {
  let task!: sfn.State;
  const { definition, stack } = renderChainable((scope) => (task = make(scope as Stack)));
  expectValidAsl(definition);
  return { state: definition.States[task.stateId], stack };
}

describe.each(TASKS)('%s', (_name, Task, api, syncActions) => {
  test('exact ASL: .sync (the default) in JSONPath, REQUEST_RESPONSE in JSONata', () => {
    // GIVEN / WHEN
    const sync = render((scope) => Task.jsonPath(scope, 'App', { applicationId: sfn.JsonPath.stringAt('$.app') })).state;
    const rr = render((scope) => Task.jsonata(scope, 'App', { applicationId: '00f1app', integrationPattern: sfn.IntegrationPattern.REQUEST_RESPONSE })).state;
    // THEN
    expect(sync).toEqual({ Type: 'Task', End: true, Resource: `arn:aws:states:::emr-serverless:${api}.sync`, Parameters: { 'ApplicationId.$': '$.app' } });
    expect(rr).toEqual({ Type: 'Task', QueryLanguage: 'JSONata', End: true, Resource: `arn:aws:states:::emr-serverless:${api}`, Arguments: { ApplicationId: '00f1app' } });
  });

  test('IAM: .sync as the developer guide, on the application', async () => {
    const { stack } = render((scope) => Task.jsonPath(scope, 'App', { applicationId: '00f1app' }));
    expect(renderIntrinsics(statementsForRole(stack))).toEqual([
      expect.objectContaining({ Action: syncActions, Resource: `${APP_ARN}/00f1app` }),
      expect.objectContaining({ Action: ['events:PutTargets', 'events:PutRule', 'events:DescribeRule'], Resource: RULE_ARN }),
    ]);
    await expectLeastPrivilegeIam(stack);
    expect(await checkResourceTypes(statementsForRole(stack))).toEqual([]);
  });

  test.each([
    ['JSONata prefix', () => "{% '00f1' & $states.input.x %}", sfn.QueryLanguage.JSONATA, '00f1*'],
    ['JsonPath', () => sfn.JsonPath.stringAt('$.x'), sfn.QueryLanguage.JSON_PATH, '*'],
  ])('IAM: REQUEST_RESPONSE, the call only; id as %s', (_kind, id, language, scoped) => {
    const { stack } = render((scope) => new Task(scope, 'App', { applicationId: id(), queryLanguage: language, integrationPattern: sfn.IntegrationPattern.REQUEST_RESPONSE }));
    expectNoExpressionInIamArns(stack);
    expect(renderIntrinsics(statementsForRole(stack))).toEqual([expect.objectContaining({ Action: [syncActions[0]], Resource: `${APP_ARN}/${scoped}` })]);
  });

  test('IAM: a deploy-time id goes in as the token', () => {
    const { stack } = render((scope) => Task.jsonPath(scope, 'App', { applicationId: new CfnParameter(scope, 'AppId').valueAsString }));
    expect(renderIntrinsics(statementsForRole(stack))[0].Resource).toBe(`${APP_ARN}/\${AppId}`);
  });

  test.each([
    [{ applicationId: 'My-App' }, /App: applicationId must be lower-case letters and digits/],
    [{ applicationId: '' }, /applicationId must be between 1 and 64/],
    [{}, /applicationId must be given \(required\)/],
    [{ applicationId: 'a', integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN }, /integrationPattern must be one of/],
  ])('validation: %j', (props, error) => {
    expect(() => Task.jsonPath(new Stack(), 'App', props as any)).toThrow(error);
    expect(() => Task.jsonata(new Stack(), 'App', props as any)).toThrow(error);
  });
});

describe.each(MATRIX)('executed offline: %s, %s', (language, placement) => {
  test('start the application, then stop it; a throttled call is retried; a failed stop fails the execution', async () => {
    const build = (scope: any) => {
      const id = language === 'JSONata' ? '{% $states.input.app %}' : sfn.JsonPath.stringAt('$.app');
      const start = new EmrServerlessStartApplication(scope, 'Start', { applicationId: id });
      start.addRetry({ errors: ['EMRServerless.ThrottlingException'], maxAttempts: 2 });
      const stop = new EmrServerlessStopApplication(scope, 'Stop', { applicationId: language === 'JSONata' ? '{% $states.input.ApplicationId %}' : sfn.JsonPath.stringAt('$.ApplicationId') });
      return start.next(stop);
    };
    const calls: string[] = [];
    const ok = await runPlaced(build, {
      language,
      placement,
      input: { app: '00f1app' },
      taskHandler: ({ stateName, request, attempt }) => {
        calls.push(`${stateName}:${request.ApplicationId}`);
        if (stateName === 'Start' && attempt === 0) return { error: 'EMRServerless.ThrottlingException', cause: 'Rate exceeded' };
        return { result: { ApplicationId: request.ApplicationId } };
      },
    });
    expect(ok.status).toBe('SUCCEEDED');
    expect(calls).toEqual(['Start:00f1app', 'Start:00f1app', 'Stop:00f1app']);
    expect(ok.output).toEqual({ ApplicationId: '00f1app' });

    const failed = await runPlaced(build, {
      language,
      placement,
      input: { app: '00f1app' },
      taskHandler: ({ stateName, request }) => (stateName === 'Stop'
        ? { error: 'States.TaskFailed', cause: JSON.stringify({ ApplicationId: request.ApplicationId, State: 'STARTED', StateDetails: 'jobs still running' }) }
        : { result: { ApplicationId: request.ApplicationId } }),
    });
    expect(failed.status).toBe('FAILED');
    expect(failed.error).toBe('States.TaskFailed');
  });
});
