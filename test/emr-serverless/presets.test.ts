/**
 * MockPresets.emrServerlessStartJobRun: the mock-config test case of each outcome, and executions driven by it (Step
 * Functions Local mock-config format), the task inside a Map with a Catch, in both query languages.
 */
import { aws_stepfunctions as sfn } from 'aws-cdk-lib';
import { EmrServerlessStartJobRun, JobDriver, testing } from '../../src';
import { expectValidAsl, newTestStack, renderStateMachine } from '../support';

const { MockPresets, MockOutcome } = testing;

function build(language: sfn.QueryLanguage, integrationPattern?: sfn.IntegrationPattern) {
  const stack = newTestStack();
  const task = new EmrServerlessStartJobRun(stack, 'Etl', {
    applicationId: '00f1app', jobDriver: JobDriver.sparkSubmit({ entryPoint: 's3://b/etl.py' }), integrationPattern,
  });
  task.addCatch(new sfn.Pass(stack, 'Caught'), { errors: ['States.TaskFailed'] });
  const map = new sfn.Map(stack, 'Each').itemProcessor(task);
  new sfn.StateMachine(stack, 'Pipeline', { definitionBody: sfn.DefinitionBody.fromChainable(map), queryLanguage: language });
  const definition = renderStateMachine(stack);
  expectValidAsl(definition);
  return { task, definition };
}

test('the presets: .sync SUCCESS, FAILED and CANCELLED as States.TaskFailed with the job run in Cause, request-response', () => {
  // GIVEN
  const { task } = build(sfn.QueryLanguage.JSON_PATH);
  // WHEN / THEN
  expect(MockPresets.emrServerlessStartJobRun(task).mockedResponses).toEqual({
    'Etl: SUCCESS': { 0: { Return: { JobRun: { ApplicationId: '00f1app', JobRunId: 'mockjobrun0001', Arn: 'arn:aws:emr-serverless:us-east-1:123456789012:/applications/00f1app/jobruns/mockjobrun0001', State: 'SUCCESS' } } } },
  });
  const failed = MockPresets.emrServerlessStartJobRun(task, { outcome: MockOutcome.FAILED, cause: 'exit 1' });
  expect(failed.error).toBe('States.TaskFailed');
  expect(JSON.parse(failed.cause!)).toEqual(expect.objectContaining({ State: 'FAILED', StateDetails: 'exit 1' }));
  expect(JSON.parse(MockPresets.emrServerlessStartJobRun(task, { outcome: MockOutcome.STOPPED }).cause!).State).toBe('CANCELLED');
  const rr = build(sfn.QueryLanguage.JSON_PATH, sfn.IntegrationPattern.REQUEST_RESPONSE).task;
  expect(MockPresets.emrServerlessStartJobRun(rr).mockedResponses['Etl: started'][0].Return).toEqual(expect.objectContaining({ ApplicationId: '00f1app', JobRunId: 'mockjobrun0001' }));
  expect(() => MockPresets.emrServerlessStartJobRun(rr, { outcome: MockOutcome.STOPPED })).toThrow(/Etl: outcome must be one of SUCCEEDED, FAILED, TIMED_OUT for this construct; got "STOPPED"/);
});

describe.each([['JSONPath', sfn.QueryLanguage.JSON_PATH], ['JSONata', sfn.QueryLanguage.JSONATA]])('executed with the mock config (%s, in a Map)', (_name, language) => {
  test.each([
    [MockOutcome.SUCCEEDED, 'SUCCEEDED', 'Etl'],
    [MockOutcome.FAILED, 'SUCCEEDED', 'Caught'],
    [MockOutcome.STOPPED, 'SUCCEEDED', 'Caught'],
    [MockOutcome.TIMED_OUT, 'FAILED', 'Etl'],
  ])('%s', async (outcome, status, last) => {
    // GIVEN
    const { task, definition } = build(language);
    const preset = MockPresets.emrServerlessStartJobRun(task, { outcome });
    // WHEN
    const result = await testing.Workflow.fromDefinition(definition).execute({
      input: [{}],
      mockConfig: MockPresets.mockConfig('Pipeline', { Case: preset }),
      stateMachineName: 'Pipeline',
      testCase: 'Case',
    });
    // THEN
    expect(result.status).toBe(status);
    expect(result.states.filter((s) => s.name !== 'Each').map((s) => s.name).pop()).toBe(last);
    if (status === 'FAILED') expect(result.error).toBe('States.Timeout');
  });
});
