/**
 * SageMakerPipelinePollerJob: executed offline in both query languages against a simulated pipeline execution,
 * plus exact ASL of its start, IAM (lower-cased pipeline ARNs), validation and cdk-nag.
 */
import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { SageMakerPipelinePollerJob, SageMakerPipelinePollerJobProps } from '../../src';
import { Workflow } from '../../src/testing';
import { branchStates, expectValidAsl, nagFindings, newTestStack, renderChainable } from '../support';

const LANGUAGES = [['JSONPath', sfn.QueryLanguage.JSON_PATH], ['JSONata', sfn.QueryLanguage.JSONATA]] as const;
const T0 = Date.parse('2026-01-01T00:00:00Z') / 1000;
const EXECUTION_ARN = 'arn:aws:sagemaker:us-east-1:123456789012:pipeline/trainpipeline/execution/abc123';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function build(queryLanguage: sfn.QueryLanguage, props: Partial<SageMakerPipelinePollerJobProps> = {}) {
  const rendered = renderChainable((scope) => new SageMakerPipelinePollerJob(scope, 'Train', { pipelineName: 'TrainPipeline', ...props }), { queryLanguage });
  expectValidAsl(rendered.definition);
  return rendered;
}

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
        if (inv.stateName === 'Train: Start job') return { result: { PipelineExecutionArn: EXECUTION_ARN } };
        if (inv.stateName === 'Train: Cancel job') return { result: { PipelineExecutionArn: EXECUTION_ARN } };
        const state = seconds < end ? { PipelineExecutionStatus: 'Executing' } : final;
        return { result: { PipelineArn: 'arn:aws:sagemaker:us-east-1:123456789012:pipeline/trainpipeline', PipelineExecutionArn: inv.request.PipelineExecutionArn, ...state } };
      },
    },
  };
}

describe.each(LANGUAGES)('%s', (_label, queryLanguage) => {
  test('an execution that succeeds after 3 hours: several growing waits, the execution ARN in the result', async () => {
    const { stateMachine } = build(queryLanguage, { pipelineParameters: { Epochs: '10' }, pipelineExecutionDisplayName: 'nightly' });
    const sim = simulate(3 * 3600, { PipelineExecutionStatus: 'Succeeded' });
    const result = await Workflow.fromStateMachine(stateMachine).execute({ taskHandler: sim.handler });
    expect(result.status).toBe('SUCCEEDED');
    expect(result.output.Train.job).toEqual({ executionArn: EXECUTION_ARN });
    expect(result.output.Train.status.PipelineExecutionStatus).toBe('Succeeded');
    const checks = sim.calls.filter((c) => c.state === 'Train: Check job').map((c) => c.seconds);
    expect(checks.length).toBeGreaterThan(10);
    expect(checks[1] - checks[0]).toBe(30);
    expect(checks[checks.length - 1] - checks[checks.length - 2]).toBeGreaterThan(600);
    const start = sim.calls[0].request;
    expect(start).toMatchObject({ PipelineName: 'TrainPipeline', PipelineExecutionDisplayName: 'nightly', PipelineParameters: [{ Name: 'Epochs', Value: '10' }] });
    expect(start.ClientRequestToken).toMatch(UUID);
    expect(sim.calls[1].request).toEqual({ PipelineExecutionArn: EXECUTION_ARN });
  });

  test('Failed fails with the FailureReason; Stopped without a reason names the status', async () => {
    const { stateMachine } = build(queryLanguage);
    const failed = await Workflow.fromStateMachine(stateMachine).execute({
      taskHandler: simulate(100, { PipelineExecutionStatus: 'Failed', FailureReason: 'Step Train failed: AlgorithmError' }).handler,
    });
    expect([failed.error, failed.cause]).toEqual([SageMakerPipelinePollerJob.JOB_FAILED, 'Step Train failed: AlgorithmError']);
    const stopped = await Workflow.fromStateMachine(stateMachine).execute({ taskHandler: simulate(100, { PipelineExecutionStatus: 'Stopped' }).handler });
    expect(stopped.error).toBe(SageMakerPipelinePollerJob.JOB_FAILED);
    expect(stopped.cause).toMatch(/^The SageMaker pipeline execution ended with "?Stopped"?$/);
  });

  test('the deadline stops the execution (a new request token), then fails with JobTimedOut', async () => {
    const { stateMachine } = build(queryLanguage, { timeout: Duration.hours(1) });
    const sim = simulate(10 * 3600, { PipelineExecutionStatus: 'Succeeded' });
    const result = await Workflow.fromStateMachine(stateMachine).execute({ taskHandler: sim.handler });
    expect(result.error).toBe(SageMakerPipelinePollerJob.JOB_TIMED_OUT);
    const stop = sim.calls.filter((c) => c.state === 'Train: Cancel job');
    expect(stop).toHaveLength(1);
    expect(stop[0].seconds).toBe(3600);
    expect(stop[0].request.PipelineExecutionArn).toBe(EXECUTION_ARN);
    expect(stop[0].request.ClientRequestToken).toMatch(UUID);
    expect(stop[0].request.ClientRequestToken).not.toBe(sim.calls[0].request.ClientRequestToken);
  });

  test('a throttled DescribePipelineExecution is retried', async () => {
    const { stateMachine } = build(queryLanguage);
    const sim = simulate(30, { PipelineExecutionStatus: 'Succeeded' }, {
      'Train: Check job': (inv) => (inv.attempt === 0 ? { error: 'SageMaker.ThrottlingException', cause: 'Rate exceeded' } : undefined),
    });
    const result = await Workflow.fromStateMachine(stateMachine).execute({ taskHandler: sim.handler });
    expect(result.status).toBe('SUCCEEDED');
  });
});

test('exact ASL of the start, JSONPath and JSONata', () => {
  const jsonPath = branchStates(build(sfn.QueryLanguage.JSON_PATH, { pipelineParameters: { Day: sfn.JsonPath.stringAt('$.day') } }).definition, 'Train');
  expect(jsonPath['Train: Prepare job']).toBeUndefined();
  expect(jsonPath['Train: Start job']).toEqual({
    Type: 'Task',
    Resource: 'arn:aws:states:::aws-sdk:sagemaker:startPipelineExecution',
    Parameters: { 'PipelineName': 'TrainPipeline', 'PipelineParameters': [{ 'Name': 'Day', 'Value.$': '$.day' }], 'ClientRequestToken.$': 'States.UUID()' },
    ResultSelector: { job: { 'executionArn.$': '$.PipelineExecutionArn' }, poll: { index: 0, checks: 0, elapsedSeconds: 0, waitSeconds: 30 } },
    Assign: { 'Train_poll.$': '$' },
    ResultPath: '$.Train',
    Retry: [{ ErrorEquals: ['SageMaker.ThrottlingException'], IntervalSeconds: 2, MaxAttempts: 6, BackoffRate: 2, JitterStrategy: 'FULL' }],
    Next: 'Train: Wait',
  });
  const jsonata = branchStates(build(sfn.QueryLanguage.JSONATA, { pipelineName: '{% $states.input.pipeline %}' }).definition, 'Train');
  expect(jsonata['Train: Start job']).toMatchObject({
    Arguments: { PipelineName: '{% $states.input.pipeline %}', ClientRequestToken: '{% $uuid() %}' },
    Output: "{% $merge([$states.input, {'Train': {'job': {'executionArn': $states.result.PipelineExecutionArn}, 'poll': {'index': 0, 'checks': 0, 'elapsedSeconds': 0, 'waitSeconds': 30}}}]) %}",
  });
});

test.each(LANGUAGES)('IAM (%s): the pipeline (as given and lower-cased) and its executions only', (_l, queryLanguage) => {
  const arn = (rest: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:sagemaker:us-east-1:123456789012:pipeline/${rest}`]] });
  const statement = (action: string, ...rests: string[]) => ({
    PolicyDocument: {
      Statement: Match.arrayWith([Match.objectLike({ Action: action, Resource: rests.length === 1 ? arn(rests[0]) : rests.map(arn) })]),
    },
  });
  const literal = Template.fromStack(build(queryLanguage).stack);
  literal.hasResourceProperties('AWS::IAM::Policy', statement('sagemaker:StartPipelineExecution', 'TrainPipeline', 'trainpipeline'));
  literal.hasResourceProperties('AWS::IAM::Policy', statement('sagemaker:DescribePipelineExecution', 'TrainPipeline/execution/*', 'trainpipeline/execution/*'));
  literal.hasResourceProperties('AWS::IAM::Policy', statement('sagemaker:StopPipelineExecution', 'TrainPipeline/execution/*', 'trainpipeline/execution/*'));
  // no function in the poll: the only one is the stack's execution-stopped handler (cancel on stop)
  literal.resourceCountIs('AWS::Lambda::Function', 1);
  literal.hasResourceProperties('AWS::Lambda::Function', { Description: Match.stringLikeRegexp('cancels the jobs') });
  const name = queryLanguage === sfn.QueryLanguage.JSONATA ? "{% 'Train-' & $states.input.env %}" : sfn.JsonPath.format('Train-{}', sfn.JsonPath.stringAt('$.env'));
  const dynamic = Template.fromStack(build(queryLanguage, { pipelineName: name }).stack);
  dynamic.hasResourceProperties('AWS::IAM::Policy', statement('sagemaker:StartPipelineExecution', 'Train-*', 'train-*'));
  dynamic.hasResourceProperties('AWS::IAM::Policy', statement('sagemaker:DescribePipelineExecution', 'Train-*/execution/*', 'train-*/execution/*'));
});

test('invalid props fail at synthesis', () => {
  const stack = newTestStack();
  expect(() => new SageMakerPipelinePollerJob(stack, 'A', { pipelineName: 'bad_name' })).toThrow(/pipelineName must be up to 256 letters, digits and hyphens/);
  expect(() => new SageMakerPipelinePollerJob(stack, 'B', { pipelineName: 'p', pipelineExecutionDisplayName: '-x' })).toThrow(/pipelineExecutionDisplayName must be/);
  expect(() => new SageMakerPipelinePollerJob(stack, 'C', { pipelineName: 'p', pipelineParameters: { 'a b': '1' } })).toThrow(/pipelineParameters must be keyed by literal names/);
  expect(() => new SageMakerPipelinePollerJob(stack, 'D', { pipelineName: 'p', pipelineParameters: { a: 'x'.repeat(1025) } })).toThrow(/pipelineParameters.a must be between 0 and 1024/);
});

test('cdk-nag: no findings', () => {
  expect(nagFindings(build(sfn.QueryLanguage.JSON_PATH).stack)).toEqual([]);
});

test('a JsonPath parameter value in a JSONata state machine is converted to the JSONata expression, not sent as text', () => {
  const jsonata = branchStates(build(sfn.QueryLanguage.JSONATA, { pipelineParameters: { Day: sfn.JsonPath.stringAt('$.day') } }).definition, 'Train');
  expect(jsonata['Train: Start job'].Arguments.PipelineParameters).toEqual([{ Name: 'Day', Value: '{% $states.input.day %}' }]);
});

test('a JSONata parameter value in a JSONPath state machine is refused, not sent as text', () => {
  expect(() => build(sfn.QueryLanguage.JSON_PATH, { pipelineParameters: { Day: '{% $states.input.day %}' } }))
    .toThrow(/Train\/Poller: .*PipelineParameters.*must be a literal or a JsonPath value in a JSONPath state/);
});
