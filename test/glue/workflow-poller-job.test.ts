/**
 * GlueWorkflowPollerJob: executed offline in both query languages against a simulated Glue workflow run, plus
 * exact ASL of its start, IAM, validation and cdk-nag.
 */
import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { GlueWorkflowPollerJob, GlueWorkflowPollerJobProps } from '../../src';
import { Workflow } from '../../src/testing';
import { branchStates, expectValidAsl, nagFindings, newTestStack, renderChainable } from '../support';

const LANGUAGES = [['JSONPath', sfn.QueryLanguage.JSON_PATH], ['JSONata', sfn.QueryLanguage.JSONATA]] as const;
const T0 = Date.parse('2026-01-01T00:00:00Z') / 1000;
const CLEAN = {
  TotalActions: 2,
  SucceededActions: 2,
  FailedActions: 0,
  ErroredActions: 0,
  TimeoutActions: 0,
  StoppedActions: 0,
  RunningActions: 0,
  WaitingActions: 0,
};

function build(queryLanguage: sfn.QueryLanguage, props: Partial<GlueWorkflowPollerJobProps> = {}) {
  const rendered = renderChainable((scope) => new GlueWorkflowPollerJob(scope, 'Etl', { workflowName: 'nightly', ...props }), { queryLanguage });
  expectValidAsl(rendered.definition);
  return rendered;
}

/** A run that is RUNNING until `end` seconds, then `final` (a partial Run). */
function simulate(end: number, final: Record<string, unknown>, overrides: Record<string, (inv: any) => any> = {}) {
  const calls: Array<{ state: string; request: any; seconds: number }> = [];
  return {
    calls,
    handler: {
      handle: (inv: any) => {
        const seconds = inv.epochSeconds - T0;
        calls.push({ state: inv.stateName, request: inv.request, seconds });
        const answer = overrides[inv.stateName]?.(inv);
        if (answer !== undefined) return answer;
        if (inv.stateName === 'Etl: Start job') return { result: { RunId: 'wr_123' } };
        if (inv.stateName === 'Etl: Cancel job') return { result: { Name: 'nightly', RunId: 'wr_123' } };
        const run = seconds < end ? { Status: 'RUNNING', Statistics: { ...CLEAN, RunningActions: 1 } } : { Statistics: CLEAN, ...final };
        return { result: { Run: { Name: inv.request.Name, WorkflowRunId: inv.request.RunId, ...run } } };
      },
    },
  };
}

describe.each(LANGUAGES)('%s', (_label, queryLanguage) => {
  test('a run that completes cleanly after several checks succeeds, with the run id and statistics', async () => {
    const { stateMachine } = build(queryLanguage, { runProperties: { day: '2026-01-01' } });
    const sim = simulate(400, { Status: 'COMPLETED' });
    const result = await Workflow.fromStateMachine(stateMachine).execute({ taskHandler: sim.handler });
    expect(result.status).toBe('SUCCEEDED');
    expect(result.output.Etl.job).toEqual({ workflowName: 'nightly', runId: 'wr_123' });
    expect(result.output.Etl.status.Run.Statistics.SucceededActions).toBe(2);
    expect(result.output.Etl.poll.checks).toBeGreaterThan(3);
    expect(sim.calls[0].request).toEqual({ Name: 'nightly', RunProperties: { day: '2026-01-01' } });
    expect(sim.calls[1].request).toEqual({ Name: 'nightly', RunId: 'wr_123', IncludeGraph: false });
  });

  test('COMPLETED with a failed action is a failure, not a success', async () => {
    const { stateMachine } = build(queryLanguage);
    const sim = simulate(60, { Status: 'COMPLETED', Statistics: { ...CLEAN, SucceededActions: 1, FailedActions: 1 } });
    const result = await Workflow.fromStateMachine(stateMachine).execute({ taskHandler: sim.handler });
    expect(result.error).toBe(GlueWorkflowPollerJob.JOB_FAILED);
    expect(result.cause).toMatch(/^The Glue workflow run ended with .*"FailedActions":1/);
  });

  test('ERROR fails with the run\'s ErrorMessage; STOPPED fails with the run', async () => {
    const { stateMachine } = build(queryLanguage);
    const errored = await Workflow.fromStateMachine(stateMachine).execute({ taskHandler: simulate(60, { Status: 'ERROR', ErrorMessage: 'Concurrent runs exceeded' }).handler });
    expect([errored.error, errored.cause]).toEqual([GlueWorkflowPollerJob.JOB_FAILED, 'Concurrent runs exceeded']);
    const stopped = await Workflow.fromStateMachine(stateMachine).execute({ taskHandler: simulate(60, { Status: 'STOPPED' }).handler });
    expect(stopped.error).toBe(GlueWorkflowPollerJob.JOB_FAILED);
    expect(stopped.cause).toMatch(/"Status":"STOPPED"/);
  });

  test('the deadline stops the run, then fails with JobTimedOut', async () => {
    const { stateMachine } = build(queryLanguage, { timeout: Duration.minutes(5) });
    const sim = simulate(3600, { Status: 'COMPLETED' });
    const result = await Workflow.fromStateMachine(stateMachine).execute({ taskHandler: sim.handler });
    expect(result.error).toBe(GlueWorkflowPollerJob.JOB_TIMED_OUT);
    expect(sim.calls.filter((c) => c.state === 'Etl: Cancel job')).toEqual([{ state: 'Etl: Cancel job', request: { Name: 'nightly', RunId: 'wr_123' }, seconds: 300 }]);
  });

  test('a throttled start is retried', async () => {
    const { stateMachine } = build(queryLanguage);
    const sim = simulate(30, { Status: 'COMPLETED' }, { 'Etl: Start job': (inv) => (inv.attempt === 0 ? { error: 'Glue.ThrottlingException', cause: 'Rate exceeded' } : undefined) });
    const result = await Workflow.fromStateMachine(stateMachine).execute({ taskHandler: sim.handler });
    expect(result.status).toBe('SUCCEEDED');
    expect(sim.calls.filter((c) => c.state === 'Etl: Start job')).toHaveLength(2);
  });
});

test('exact ASL of the start, JSONPath and JSONata', () => {
  const jsonPath = branchStates(build(sfn.QueryLanguage.JSON_PATH, { runProperties: { day: sfn.JsonPath.stringAt('$.day') } }).definition, 'Etl');
  expect(jsonPath['Etl: Prepare job']).toEqual({
    Type: 'Pass', Parameters: { job: { workflowName: 'nightly' } }, ResultPath: null, Assign: { 'Etl_poll.$': '$' }, Next: 'Etl: Start job',
  });
  expect(jsonPath['Etl: Start job']).toEqual({
    Type: 'Task',
    Resource: 'arn:aws:states:::aws-sdk:glue:startWorkflowRun',
    Parameters: { 'RunProperties': { 'day.$': '$.day' }, 'Name.$': '$Etl_poll.job.workflowName' },
    ResultSelector: { job: { 'workflowName.$': '$Etl_poll.job.workflowName', 'runId.$': '$.RunId' }, poll: { index: 0, checks: 0, elapsedSeconds: 0, waitSeconds: 30 } },
    Assign: { 'Etl_poll.$': '$' },
    ResultPath: '$.Etl',
    Retry: [{ ErrorEquals: ['Glue.ThrottlingException', 'Glue.OperationTimeoutException', 'Glue.InternalServiceException'], IntervalSeconds: 2, MaxAttempts: 6, BackoffRate: 2, JitterStrategy: 'FULL' }],
    Next: 'Etl: Wait',
  });
  const jsonata = branchStates(build(sfn.QueryLanguage.JSONATA, { runProperties: { day: '{% $states.input.day %}' } }).definition, 'Etl');
  expect(jsonata['Etl: Prepare job']).toEqual({ Type: 'Pass', Assign: { Etl_poll: { job: { workflowName: 'nightly' } } }, Next: 'Etl: Start job' });
  expect(jsonata['Etl: Start job']).toMatchObject({
    Arguments: { RunProperties: { day: '{% $states.input.day %}' }, Name: '{% $Etl_poll.job.workflowName %}' },
    Output: "{% $merge([$states.input, {'Etl': {'job': {'workflowName': $Etl_poll.job.workflowName, 'runId': $states.result.RunId}, 'poll': {'index': 0, 'checks': 0, 'elapsedSeconds': 0, 'waitSeconds': 30}}}]) %}",
  });
  expect(jsonata['Etl: Job finished?'].Choices[2]).toEqual({
    Condition: "{% ($states.input.Etl.status.Run.Status in ['COMPLETED']) and $states.input.Etl.status.Run.Statistics.FailedActions = 0 and $states.input.Etl.status.Run.Statistics.ErroredActions = 0 and $states.input.Etl.status.Run.Statistics.TimeoutActions = 0 %}",
    Next: 'Etl: Job succeeded',
  });
});

test.each(LANGUAGES)('IAM (%s): the workflow only, exact for a literal name, its prefix for a dynamic one', (_l, queryLanguage) => {
  const arn = (name: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:glue:us-east-1:123456789012:workflow/${name}`]] });
  const literal = Template.fromStack(build(queryLanguage).stack);
  for (const action of ['glue:StartWorkflowRun', 'glue:GetWorkflowRun', 'glue:StopWorkflowRun']) {
    literal.hasResourceProperties('AWS::IAM::Policy', { PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: action, Resource: arn('nightly') })]) } });
  }
  const name = queryLanguage === sfn.QueryLanguage.JSONATA ? "{% 'etl-' & $states.input.env %}" : sfn.JsonPath.format('etl-{}', sfn.JsonPath.stringAt('$.env'));
  const dynamic = Template.fromStack(build(queryLanguage, { workflowName: name }).stack);
  dynamic.hasResourceProperties('AWS::IAM::Policy', { PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 'glue:GetWorkflowRun', Resource: arn('etl-*') })]) } });
  // no function in the poll: the only one is the stack's execution-stopped handler (cancel on stop)
  dynamic.resourceCountIs('AWS::Lambda::Function', 1);
  dynamic.hasResourceProperties('AWS::Lambda::Function', { Description: Match.stringLikeRegexp('cancels the jobs') });
});

test('invalid props fail at synthesis', () => {
  const stack = newTestStack();
  expect(() => new GlueWorkflowPollerJob(stack, 'A', { workflowName: 'x'.repeat(256) })).toThrow(/workflowName must be between 1 and 255/);
  expect(() => new GlueWorkflowPollerJob(stack, 'B', { workflowName: 'w', runProperties: { '': 'x' } })).toThrow(/runProperties must be keyed by literal, non-empty names/);
  expect(() => new GlueWorkflowPollerJob(stack, 'C', { workflowName: 'w', pollInterval: Duration.millis(500) })).toThrow(/pollInterval must be a whole number of seconds/);
});

test('cdk-nag: no findings', () => {
  expect(nagFindings(build(sfn.QueryLanguage.JSONATA).stack)).toEqual([]);
});
