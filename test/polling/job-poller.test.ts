import { Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import jsonata from 'jsonata';
import { JobPoller, JobPollerProps } from '../../src';
import { nextPollSeconds } from '../../src/polling/private/interval';
import {
  expectLeastPrivilegeIam,
  expectValidAsl,
  findJsonataExpressions,
  logicalIdOf,
  newTestStack,
  renderChainable,
  runWorkflow,
  statementsForRole,
  taskError,
  branchStates,
} from '../support';


const GLUE_JOB_ARN = 'arn:aws:glue:us-east-1:123456789012:job/etl';

/** The engine on its own: starts a Glue job run (request-response) and polls it with a test function. */
function poller(scope: Construct, id = 'Etl', props: Partial<JobPollerProps> = {}): JobPoller {
  const checkFunction = (scope.node.tryFindChild('CheckFn') as lambda.IFunction | undefined) ?? new lambda.Function(scope, 'CheckFn', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({});'),
  });
  return new JobPoller(scope, id, {
    start: {
      resource: 'arn:aws:states:::aws-sdk:glue:startJobRun',
      parameters: { JobName: 'etl' },
      resultFields: { jobRunId: 'JobRunId' },
      policyStatements: [new iam.PolicyStatement({ actions: ['glue:StartJobRun'], resources: [GLUE_JOB_ARN] })],
    },
    checkFunction,
    errorPrefix: 'Glue',
    ...props,
  });
}

function functionArn(stack: Stack): string {
  return `\${${logicalIdOf(stack.node.findChild('CheckFn'))}.Arn}`;
}

const RETRY = [
  {
    ErrorEquals: [
      'Lambda.ClientExecutionTimeoutException',
      'Lambda.ServiceException',
      'Lambda.AWSLambdaException',
      'Lambda.SdkClientException',
      'Lambda.TooManyRequestsException',
    ],
    IntervalSeconds: 2,
    MaxAttempts: 6,
    BackoffRate: 2,
    JitterStrategy: 'FULL',
  },
  { ErrorEquals: ['Glue.Throttled'], IntervalSeconds: 10, MaxAttempts: 5, BackoffRate: 2, JitterStrategy: 'FULL' },
];

describe('exact ASL', () => {
  test('JSONPath', () => {
    // WHEN
    const { definition, stack } = renderChainable((scope) => poller(scope, 'Etl', { timeout: Duration.hours(2), maxQueueTime: Duration.minutes(20) }));
    const fn = functionArn(stack);

    // THEN: the loop runs as the branch of a Parallel named after the poller, whose output is the branch's
    expect(definition).toEqual({ StartAt: 'Etl', States: { Etl: { Type: 'Parallel', Branches: [expect.any(Object)], OutputPath: '$[0]', End: true } } });
    expect(definition.States.Etl.Branches[0]).toEqual({
      StartAt: 'Etl: Start job',
      States: {
        'Etl: Start job': {
          Type: 'Task',
          Resource: 'arn:aws:states:::aws-sdk:glue:startJobRun',
          Parameters: { JobName: 'etl' },
          ResultSelector: { job: { 'jobRunId.$': '$.JobRunId', 'poll': { outcome: 'RUNNING', nextPollSeconds: 30 } } },
          ResultPath: '$.Etl',
          Next: 'Etl: Wait',
        },
        'Etl: Wait': { Type: 'Wait', SecondsPath: '$.Etl.job.poll.nextPollSeconds', Next: 'Etl: Check job' },
        'Etl: Check job': {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Parameters: {
            FunctionName: fn,
            Payload: {
              'action': 'check',
              'policy': { pollIntervalSeconds: 30, maxPollIntervalSeconds: 3600, growthPercent: 10, timeoutSeconds: 7200, maxQueueSeconds: 1200 },
              'job.$': '$.Etl.job',
            },
          },
          ResultSelector: { 'job.$': '$.Payload' },
          ResultPath: '$.Etl',
          Retry: RETRY,
          Next: 'Etl: Job finished?',
        },
        'Etl: Job finished?': {
          Type: 'Choice',
          Choices: [
            { Variable: '$.Etl.job.poll.outcome', StringEquals: 'RUNNING', Next: 'Etl: Wait' },
            { Variable: '$.Etl.job.poll.outcome', StringEquals: 'SUCCEEDED', Next: 'Etl: Job succeeded' },
            { Variable: '$.Etl.job.poll.outcome', StringEquals: 'FAILED', Next: 'Etl: Job failed' },
            { Variable: '$.Etl.job.poll.outcome', StringEquals: 'TIMED_OUT', Next: 'Etl: Cancel job (timed out)' },
            { Variable: '$.Etl.job.poll.outcome', StringEquals: 'STUCK', Next: 'Etl: Cancel job (stuck)' },
          ],
        },
        'Etl: Job succeeded': { Type: 'Pass', InputPath: '$.Etl.job', ResultPath: '$.Etl', End: true },
        'Etl: Job failed': { Type: 'Fail', Error: 'Glue.JobFailed', CausePath: '$.Etl.job.poll.cause' },
        'Etl: Cancel job (timed out)': {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Parameters: { FunctionName: fn, Payload: { 'action': 'cancel', 'reason': 'TIMED_OUT', 'job.$': '$.Etl.job' } },
          ResultPath: null,
          Retry: RETRY,
          Next: 'Etl: Job timed out',
        },
        'Etl: Job timed out': { Type: 'Fail', Error: 'Glue.JobTimedOut', CausePath: '$.Etl.job.poll.cause' },
        'Etl: Cancel job (stuck)': {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Parameters: { FunctionName: fn, Payload: { 'action': 'cancel', 'reason': 'STUCK', 'job.$': '$.Etl.job' } },
          ResultPath: null,
          Retry: RETRY,
          Next: 'Etl: Job stuck',
        },
        'Etl: Job stuck': { Type: 'Fail', Error: 'Glue.JobStuck', CausePath: '$.Etl.job.poll.cause' },
      },
    });
    expectValidAsl(definition);
  });

  test('JSONata', () => {
    // WHEN
    const { definition, stack } = renderChainable(
      (scope) => poller(scope, 'Etl', { timeout: Duration.hours(2), maxQueueTime: Duration.minutes(20) }),
      { queryLanguage: sfn.QueryLanguage.JSONATA },
    );
    const fn = functionArn(stack);

    // THEN
    expect(definition).toEqual({
      QueryLanguage: 'JSONata',
      StartAt: 'Etl',
      States: { Etl: { Type: 'Parallel', Branches: [expect.any(Object)], Output: '{% $states.result[0] %}', End: true } },
    });
    expect(definition.States.Etl.Branches[0]).toEqual({
      StartAt: 'Etl: Start job',
      States: {
        'Etl: Start job': {
          Type: 'Task',
          Resource: 'arn:aws:states:::aws-sdk:glue:startJobRun',
          Arguments: { JobName: 'etl' },
          Output: "{% $merge([$states.input, {'Etl': {'job': {'jobRunId': $states.result.JobRunId, 'poll': {'outcome': 'RUNNING', 'nextPollSeconds': 30}}}}]) %}",
          Next: 'Etl: Wait',
        },
        'Etl: Wait': { Type: 'Wait', Seconds: '{% $states.input.Etl.job.poll.nextPollSeconds %}', Next: 'Etl: Check job' },
        'Etl: Check job': {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Arguments: {
            FunctionName: fn,
            Payload: {
              action: 'check',
              policy: { pollIntervalSeconds: 30, maxPollIntervalSeconds: 3600, growthPercent: 10, timeoutSeconds: 7200, maxQueueSeconds: 1200 },
              job: '{% $states.input.Etl.job %}',
            },
          },
          Output: "{% $merge([$states.input, {'Etl': {'job': $states.result.Payload}}]) %}",
          Retry: RETRY,
          Next: 'Etl: Job finished?',
        },
        'Etl: Job finished?': {
          Type: 'Choice',
          Choices: [
            { Condition: "{% $states.input.Etl.job.poll.outcome = 'RUNNING' %}", Next: 'Etl: Wait' },
            { Condition: "{% $states.input.Etl.job.poll.outcome = 'SUCCEEDED' %}", Next: 'Etl: Job succeeded' },
            { Condition: "{% $states.input.Etl.job.poll.outcome = 'FAILED' %}", Next: 'Etl: Job failed' },
            { Condition: "{% $states.input.Etl.job.poll.outcome = 'TIMED_OUT' %}", Next: 'Etl: Cancel job (timed out)' },
            { Condition: "{% $states.input.Etl.job.poll.outcome = 'STUCK' %}", Next: 'Etl: Cancel job (stuck)' },
          ],
        },
        'Etl: Job succeeded': { Type: 'Pass', Output: "{% $merge([$states.input, {'Etl': $states.input.Etl.job}]) %}", End: true },
        'Etl: Job failed': { Type: 'Fail', Error: 'Glue.JobFailed', Cause: '{% $states.input.Etl.job.poll.cause %}' },
        'Etl: Cancel job (timed out)': {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Arguments: { FunctionName: fn, Payload: { action: 'cancel', reason: 'TIMED_OUT', job: '{% $states.input.Etl.job %}' } },
          Output: '{% $states.input %}',
          Retry: RETRY,
          Next: 'Etl: Job timed out',
        },
        'Etl: Job timed out': { Type: 'Fail', Error: 'Glue.JobTimedOut', Cause: '{% $states.input.Etl.job.poll.cause %}' },
        'Etl: Cancel job (stuck)': {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Arguments: { FunctionName: fn, Payload: { action: 'cancel', reason: 'STUCK', job: '{% $states.input.Etl.job %}' } },
          Output: '{% $states.input %}',
          Retry: RETRY,
          Next: 'Etl: Job stuck',
        },
        'Etl: Job stuck': { Type: 'Fail', Error: 'Glue.JobStuck', Cause: '{% $states.input.Etl.job.poll.cause %}' },
      },
    });
    expectValidAsl(definition);
  });

  test('a JSONata poller inside a JSONPath state machine marks each of its states', () => {
    // WHEN
    const { definition } = renderChainable((scope) =>
      new sfn.Pass(scope, 'Before').next(poller(scope, 'Etl', { queryLanguage: sfn.QueryLanguage.JSONATA })));

    // THEN
    const ours = Object.entries<any>(branchStates(definition, 'Etl')).filter(([name]) => name.startsWith('Etl: '));
    expect(ours).toHaveLength(10);
    expect(definition.States.Etl).toMatchObject({ Type: 'Parallel', QueryLanguage: 'JSONata', Output: '{% $states.result[0] %}' });
    for (const [, state] of ours) expect(state.QueryLanguage).toBe('JSONata');
    expect(definition.States.Before.QueryLanguage).toBeUndefined();
    expect(branchStates(definition, 'Etl')['Etl: Wait']).toEqual({ Type: 'Wait', QueryLanguage: 'JSONata', Seconds: '{% $states.input.Etl.job.poll.nextPollSeconds %}', Next: 'Etl: Check job' });
    expectValidAsl(definition);
  });

  test.each(['$', '$.pipeline.etl'])('resultPath %s (JSONPath); refused in JSONata, naming it', (resultPath) => {
    // WHEN
    const jsonPath = renderChainable((scope) => poller(scope, 'Etl', { resultPath })).definition;

    // THEN
    expect(branchStates(jsonPath, 'Etl')['Etl: Check job'].ResultPath).toBe(resultPath);
    expect(branchStates(jsonPath, 'Etl')['Etl: Job succeeded'].ResultPath).toBe(resultPath);
    expectValidAsl(jsonPath);
    expect(() => renderChainable((scope) => poller(scope, 'Etl', { resultPath }), { queryLanguage: sfn.QueryLanguage.JSONATA }))
      .toThrow(/Etl: resultPath must be unset in a state that renders JSONata \(a JSONPath-only field; use outputs or assign\)/);
  });
});

describe('two pollers in one state machine', () => {
  test('have their own state names and result keys, in both query languages', () => {
    for (const queryLanguage of [sfn.QueryLanguage.JSON_PATH, sfn.QueryLanguage.JSONATA]) {
      // WHEN
      const { definition } = renderChainable((scope) => poller(scope, 'Extract').next(poller(scope, 'Load data')), { queryLanguage });

      // THEN
      expect(Object.keys(definition.States)).toEqual(['Extract', 'Load data']);
      expect(Object.keys(branchStates(definition, 'Extract')).filter((n) => n.startsWith('Extract: '))).toHaveLength(10);
      expect(Object.keys(branchStates(definition, 'Load data')).filter((n) => n.startsWith('Load data: '))).toHaveLength(10);
      expect(definition.States.Extract.Next).toBe('Load data');
      const check = branchStates(definition, 'Load data')['Load data: Check job'];
      if (queryLanguage === sfn.QueryLanguage.JSON_PATH) {
        expect(check.ResultPath).toBe('$.Load_data');
      } else {
        expect(check.Output).toBe("{% $merge([$states.input, {'Load_data': {'job': $states.result.Payload}}]) %}");
      }
      expectValidAsl(definition);
    }
  });

  test('run one after the other and keep both results', async () => {
    // GIVEN
    const { definition } = renderChainable((scope) => poller(scope, 'Extract').next(poller(scope, 'Load data')));

    // WHEN
    const result = await runWorkflow(definition, { date: '2024-05-01' }, {
      services: {
        'Extract: Start job': () => ({ JobRunId: 'jr_1' }),
        'Extract: Check job': fakeCheck([{ status: 'RUNNING' }, { status: 'SUCCEEDED' }]),
        'Load data: Start job': () => ({ JobRunId: 'jr_2' }),
        'Load data: Check job': fakeCheck([{ status: 'SUCCEEDED' }]),
      },
    });

    // THEN
    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toEqual({
      date: '2024-05-01',
      Extract: { jobRunId: 'jr_1', status: 'SUCCEEDED', poll: { outcome: 'SUCCEEDED' } },
      Load_data: { jobRunId: 'jr_2', status: 'SUCCEEDED', poll: { outcome: 'SUCCEEDED' } },
    });
  });
});

/**
 * A check function following the poll protocol on a scripted list of statuses; the wait grows as the
 * real policy says, with the elapsed time taken as the sum of the waits so far.
 */
function fakeCheck(script: Array<{ status: string; outcome?: string; cause?: string }>) {
  let elapsed = 0;
  return (input: any, { invocation }: { invocation: number }) => {
    const payload = input.Payload;
    if (payload.action !== 'check') throw new Error(`unexpected ${payload.action}`);
    elapsed += payload.job.poll.nextPollSeconds;
    const step = script[Math.min(invocation, script.length) - 1];
    const outcome = step.outcome ?? (step.status === 'SUCCEEDED' || step.status === 'FAILED' ? step.status : 'RUNNING');
    const poll = outcome === 'RUNNING'
      ? { outcome, nextPollSeconds: nextPollSeconds(payload.policy, elapsed) }
      : { outcome, ...(step.cause ? { cause: step.cause } : {}) };
    return { StatusCode: 200, Payload: { jobRunId: payload.job.jobRunId, status: step.status, poll } };
  };
}

describe('offline runs (JSONPath)', () => {
  test('success after several polls: waits grow, the result replaces the working data', async () => {
    // GIVEN
    const { definition } = renderChainable((scope) => poller(scope));
    const script = [...Array(14).fill({ status: 'RUNNING' }), { status: 'SUCCEEDED' }];

    // WHEN
    const result = await runWorkflow(definition, { input: 1 }, {
      services: { 'Etl: Start job': () => ({ JobRunId: 'jr_1' }), 'Etl: Check job': fakeCheck(script) },
    });

    // THEN
    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toEqual({ input: 1, Etl: { jobRunId: 'jr_1', status: 'SUCCEEDED', poll: { outcome: 'SUCCEEDED' } } });
    const waits = result.trace.filter((e) => e.state === 'Etl: Wait').map((e) => e.input.Etl.job.poll.nextPollSeconds);
    expect(waits).toEqual([30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 33, 36, 39, 43]);
    expect(result.serviceCalls['Etl: Start job']).toEqual([{ JobName: 'etl' }]);
    expect(result.serviceCalls['Etl: Check job'][0]).toEqual({
      FunctionName: expect.any(String),
      Payload: { action: 'check', policy: { pollIntervalSeconds: 30, maxPollIntervalSeconds: 3600, growthPercent: 10 }, job: { jobRunId: 'jr_1', poll: { outcome: 'RUNNING', nextPollSeconds: 30 } } },
    });
  });

  test('FAILED → Fail with the function\'s cause', async () => {
    // GIVEN
    const { definition } = renderChainable((scope) => poller(scope));

    // WHEN
    const result = await runWorkflow(definition, {}, {
      services: {
        'Etl: Start job': () => ({ JobRunId: 'jr_1' }),
        'Etl: Check job': fakeCheck([{ status: 'RUNNING' }, { status: 'FAILED', cause: 'Glue job run jr_1 failed: OOM' }]),
      },
    });

    // THEN
    expect(result).toMatchObject({ status: 'FAILED', error: 'Glue.JobFailed', cause: 'Glue job run jr_1 failed: OOM' });
    expect(result.trace.map((e) => e.state).slice(-2)).toEqual(['Etl: Job finished?', 'Etl: Job failed']);
  });

  test.each([
    ['TIMED_OUT', 'Etl: Cancel job (timed out)', 'Glue.JobTimedOut'],
    ['STUCK', 'Etl: Cancel job (stuck)', 'Glue.JobStuck'],
  ])('%s → cancel, then Fail', async (outcome, cancelState, error) => {
    // GIVEN
    const { definition } = renderChainable((scope) => poller(scope, 'Etl', { timeout: Duration.hours(1), maxQueueTime: Duration.minutes(10) }));
    const cancels: any[] = [];

    // WHEN
    const result = await runWorkflow(definition, { keep: true }, {
      services: {
        'Etl: Start job': () => ({ JobRunId: 'jr_1' }),
        'Etl: Check job': fakeCheck([{ status: 'RUNNING' }, { status: 'WAITING', outcome, cause: `gave up: ${outcome}` }]),
        [cancelState]: (input: any) => {
          cancels.push(input.Payload);
          return { StatusCode: 200, Payload: { terminated: true } };
        },
      },
    });

    // THEN
    expect(result).toMatchObject({ status: 'FAILED', error, cause: `gave up: ${outcome}` });
    expect(cancels).toEqual([{ action: 'cancel', reason: outcome, job: { jobRunId: 'jr_1', status: 'WAITING', poll: { outcome, cause: `gave up: ${outcome}` } } }]);
    // the cancel's answer is discarded
    const cancel = result.trace.find((e) => e.state === cancelState)!;
    expect(cancel.output).toEqual(cancel.input);
  });

  test('a throttled Lambda invocation is retried', async () => {
    // GIVEN
    const { definition } = renderChainable((scope) => poller(scope));
    const check = fakeCheck([{ status: 'SUCCEEDED' }]);

    // WHEN
    const result = await runWorkflow(definition, {}, {
      services: {
        'Etl: Start job': () => ({ JobRunId: 'jr_1' }),
        'Etl: Check job': (input, ctx) => {
          if (ctx.invocation === 1) throw taskError('Lambda.TooManyRequestsException', 'Rate Exceeded.');
          if (ctx.invocation === 2) throw taskError('Glue.Throttled', 'GetJobRun was throttled 4 times');
          return check(input, { invocation: 1 });
        },
      },
    });

    // THEN
    expect(result.status).toBe('SUCCEEDED');
    expect(result.trace.find((e) => e.state === 'Etl: Check job')!.retries).toBe(2);
  });

  test('an unexpected outcome stops the execution instead of looping', async () => {
    // GIVEN
    const { definition } = renderChainable((scope) => poller(scope));

    // WHEN
    const result = await runWorkflow(definition, {}, {
      services: {
        'Etl: Start job': () => ({ JobRunId: 'jr_1' }),
        'Etl: Check job': () => ({ StatusCode: 200, Payload: { poll: { outcome: 'MAYBE' } } }),
      },
    });

    // THEN
    expect(result).toMatchObject({ status: 'FAILED', error: 'States.NoChoiceMatched' });
  });
});

describe('JSONata expressions', () => {
  /** Evaluates one `{% … %}` string of the definition with `$states` bound. */
  async function evaluate(expression: string, states: object): Promise<any> {
    return jsonata(expression.trim().replace(/^\{%/, '').replace(/%\}$/, '')).evaluate({}, { states });
  }

  test('move the data as the JSONPath fields do', async () => {
    // GIVEN
    const { definition } = renderChainable((scope) => poller(scope, 'Etl'), { queryLanguage: sfn.QueryLanguage.JSONATA });
    const s = branchStates(definition, 'Etl');
    const input = { date: '2024-05-01', runs: { previous: 1 } };

    // WHEN: start, check (running), check (succeeded), result
    const started = await evaluate(s['Etl: Start job'].Output, { input, result: { JobRunId: 'jr_1' } });
    const seconds = await evaluate(s['Etl: Wait'].Seconds, { input: started });
    const job = await evaluate(s['Etl: Check job'].Arguments.Payload.job, { input: started });
    const running = await evaluate(s['Etl: Check job'].Output, {
      input: started,
      result: { Payload: { jobRunId: 'jr_1', status: 'RUNNING', poll: { outcome: 'RUNNING', nextPollSeconds: 33 } } },
    });
    const choose = async (data: object) => {
      for (const choice of s['Etl: Job finished?'].Choices) {
        if (await evaluate(choice.Condition, { input: data })) return choice.Next;
      }
      return undefined;
    };
    const done = await evaluate(s['Etl: Check job'].Output, {
      input: running,
      result: { Payload: { jobRunId: 'jr_1', status: 'FAILED', poll: { outcome: 'FAILED', cause: 'OOM' } } },
    });

    // THEN
    expect(started).toEqual({ date: '2024-05-01', runs: { previous: 1 }, Etl: { job: { jobRunId: 'jr_1', poll: { outcome: 'RUNNING', nextPollSeconds: 30 } } } });
    expect(seconds).toBe(30);
    expect(job).toEqual({ jobRunId: 'jr_1', poll: { outcome: 'RUNNING', nextPollSeconds: 30 } });
    expect(await choose(running)).toBe('Etl: Wait');
    expect(await evaluate(s['Etl: Wait'].Seconds, { input: running })).toBe(33);
    expect(await choose(done)).toBe('Etl: Job failed');
    expect(await evaluate(s['Etl: Job failed'].Cause, { input: done })).toBe('OOM');
    expect(await evaluate(s['Etl: Job succeeded'].Output, { input: done })).toEqual({
      date: '2024-05-01',
      runs: { previous: 1 },
      Etl: { jobRunId: 'jr_1', status: 'FAILED', poll: { outcome: 'FAILED', cause: 'OOM' } },
    });
    expect(await evaluate(s['Etl: Cancel job (stuck)'].Output, { input: done, result: { Payload: {} } })).toEqual(done);
    // every expression of the definition parses
    expect(findJsonataExpressions(definition).length).toBeGreaterThan(10);
  });

  test('outputs `{% $states.result %}` replaces the state input with the result', async () => {
    // GIVEN
    const { definition } = renderChainable((scope) => poller(scope, 'Etl', { outputs: '{% $states.result %}' }), { queryLanguage: sfn.QueryLanguage.JSONATA });

    // WHEN
    const output = await evaluate(definition.States.Etl.Output, { input: { a: 1 }, result: [{ a: 1, Etl: { status: 'SUCCEEDED' } }] });

    // THEN
    expect(definition.States.Etl.Output).toBe('{% $states.result[0].Etl %}');
    expect(output).toEqual({ status: 'SUCCEEDED' });
  });
});

describe('IAM', () => {
  test('the state machine role may start the job and invoke the check function, nothing else', async () => {
    // GIVEN
    const stack = newTestStack();
    const { stateMachine } = renderChainable(poller(stack));

    // THEN
    const statements = statementsForRole(stack, stateMachine);
    expect(statements).toEqual([
      expect.objectContaining({ Effect: 'Allow', Action: ['glue:StartJobRun'], Resource: GLUE_JOB_ARN }),
      expect.objectContaining({ Effect: 'Allow', Action: ['lambda:InvokeFunction'], Resource: { 'Fn::GetAtt': [logicalIdOf(stack.node.findChild('CheckFn')), 'Arn'] } }),
    ]);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 'lambda:InvokeFunction', Resource: Match.objectLike({ 'Fn::GetAtt': Match.anyValue() }) })]) },
    });
    await expectLeastPrivilegeIam(statements);
  });
});

describe('bad input fails at synthesis', () => {
  test.each<[string, Partial<JobPollerProps>, RegExp]>([
    ['a zero poll interval', { pollInterval: Duration.seconds(0) }, /Etl: pollInterval must be a whole number of seconds, at least 1 second; got 0 seconds/],
    ['a fractional poll interval', { pollInterval: Duration.millis(1500) }, /pollInterval must be a whole number of seconds/],
    ['a cap below the first interval', { pollInterval: Duration.minutes(5), maxPollInterval: Duration.minutes(1) }, /maxPollInterval must be at least pollInterval \(300 seconds\); got 1 minute/],
    ['a zero cap', { maxPollInterval: Duration.seconds(0) }, /maxPollInterval must be a whole number of seconds, at least 1 second/],
    ['a timeout shorter than the first interval', { pollInterval: Duration.minutes(2), timeout: Duration.minutes(1) }, /timeout must be at least pollInterval \(120 seconds\)/],
    ['a queue limit shorter than the first interval', { maxQueueTime: Duration.seconds(10) }, /maxQueueTime must be at least pollInterval \(30 seconds\)/],
    ['a timeout beyond the event history', { maxPollInterval: Duration.minutes(5), timeout: Duration.days(30) }, /timeout must be at most 9 days .* with maxPollInterval 5 minutes \(a longer poll would need \d+ history events; a Standard execution allows 25000\)/],
    ['a timeout beyond a year', { timeout: Duration.days(400) }, /timeout must be at most 365 days/],
    ['a result path with brackets', { resultPath: "$['a']" }, /resultPath must be a JSONPath reference path of simple names/],
    ['a discarded result', { resultPath: sfn.JsonPath.DISCARD }, /resultPath must be a JSONPath reference path/],
    ['an error prefix with a dot', { errorPrefix: 'My.Job' }, /errorPrefix must be letters and digits starting with a letter/],
    ['the States error prefix', { errorPrefix: 'States' }, /errorPrefix must be .* other than "States"/],
    ['a long state name prefix', { stateNamePrefix: 'x'.repeat(57) }, /stateNamePrefix must be a literal between 1 and 56 characters long/],
    ['a result field called poll', { start: { resource: 'arn:aws:states:::aws-sdk:glue:startJobRun', parameters: {}, resultFields: { poll: 'JobRunId' } } }, /start.resultFields must be keyed by simple names other than "poll"/],
    ['no result field', { start: { resource: 'arn:aws:states:::aws-sdk:glue:startJobRun', parameters: {}, resultFields: {} } }, /start.resultFields must be at least one field/],
  ])('%s', (_what, props, message) => {
    // GIVEN
    const stack = newTestStack();

    // WHEN / THEN
    expect(() => poller(stack, 'Etl', props)).toThrow(message);
  });

  test('a queue limit not shorter than the timeout warns', () => {
    // GIVEN
    const stack = newTestStack();

    // WHEN
    poller(stack, 'Etl', { timeout: Duration.hours(1), maxQueueTime: Duration.hours(2) });

    // THEN
    Annotations.fromStack(stack).hasWarning('/TestStack/Etl', Match.stringLikeRegexp('maxQueueTime \\(7200 s\\) is not shorter than timeout \\(3600 s\\)'));
  });

  test('a long first interval raises the default cap with it', () => {
    // WHEN
    const { definition } = renderChainable((scope) => poller(scope, 'Etl', { pollInterval: Duration.hours(2) }));

    // THEN
    expect(branchStates(definition, 'Etl')['Etl: Check job'].Parameters.Payload.policy).toEqual({ pollIntervalSeconds: 7200, maxPollIntervalSeconds: 7200, growthPercent: 10 });
  });

  test('maxJobDuration tells how long a job the poller can follow', () => {
    // GIVEN
    const stack = newTestStack();

    // WHEN
    const defaults = poller(stack, 'A');
    const tight = poller(stack, 'B', { maxPollInterval: Duration.minutes(5) });

    // THEN
    expect(defaults.maxJobDuration.toDays({ integral: false })).toBeGreaterThan(110);
    expect(tight.maxJobDuration.toDays({ integral: false })).toBeCloseTo(9.5, 0);
  });
});

describe('caught and retried like a task', () => {
  test.each([
    ['JSONPath', sfn.QueryLanguage.JSON_PATH],
    ['JSONata', sfn.QueryLanguage.JSONATA],
  ])('addCatch, addRetry and next render on the poller\'s Parallel (%s)', (l, queryLanguage) => {
    // GIVEN
    const { definition } = renderChainable((scope) => {
      const etl = poller(scope, 'Etl');
      etl.addRetry({ errors: [etl.jobFailedError], maxAttempts: 2 });
      etl.addCatch(new sfn.Pass(scope, 'Handle'), l === 'JSONata' ? { errors: etl.errors, outputs: '{% $states.errorOutput %}' } : { errors: etl.errors, resultPath: '$.error' });
      return etl.next(new sfn.Pass(scope, 'After'));
    }, { queryLanguage });

    // THEN
    const { Branches: _branches, ...parallel } = definition.States.Etl;
    expect(parallel).toEqual({
      Type: 'Parallel',
      ...(l === 'JSONata' ? { Output: '{% $states.result[0] %}' } : { OutputPath: '$[0]' }),
      Retry: [{ ErrorEquals: ['Glue.JobFailed'], MaxAttempts: 2 }],
      Catch: [{
        ErrorEquals: ['Glue.JobFailed', 'Glue.JobTimedOut', 'Glue.JobStuck'],
        ...(l === 'JSONata' ? { Output: '{% $states.errorOutput %}' } : { ResultPath: '$.error' }),
        Next: 'Handle',
      }],
      Next: 'After',
    });
    expectValidAsl(definition);
  });
});

describe('missing required props (plain JavaScript / Python callers)', () => {
  test.each(['errorPrefix', 'start'])('%s', (prop) => {
    expect(() => poller(newTestStack(), 'Etl', { [prop]: undefined })).toThrow(new RegExp(`TestStack/Etl: ${prop} must be given \\(required\\); got undefined`));
  });

  test('checkFunction (or sdkCheck)', () => {
    expect(() => poller(newTestStack(), 'Etl', { checkFunction: undefined }))
      .toThrow(/TestStack\/Etl: checkFunction must be given, either as checkFunction or as sdkCheck \(exactly one of them\); got "neither"/);
  });

  test('start.resource', () => {
    expect(() => poller(newTestStack(), 'Etl', { start: { parameters: {}, resultFields: {} } as any })).toThrow(/TestStack\/Etl: start.resource must be given \(required\)/);
  });
});

describe('start parameters render in the language of the state machine', () => {
  test('a JsonPath reference in a JSONata state machine becomes the JSONata expression (in a Map too)', () => {
    // GIVEN
    const { definition } = renderChainable((scope) => new sfn.Map(scope, 'Each', { itemsPath: undefined, items: sfn.ProvideItems.jsonata('{% $states.input.jobs %}') })
      .itemProcessor(poller(scope, 'Etl', {
        start: {
          resource: 'arn:aws:states:::aws-sdk:glue:startJobRun',
          parameters: { JobName: sfn.JsonPath.stringAt('$.name'), Arguments: { '--day': sfn.JsonPath.format('day-{}', sfn.JsonPath.stringAt('$.day')) } },
          resultFields: { jobRunId: 'JobRunId' },
        },
      })), { queryLanguage: sfn.QueryLanguage.JSONATA });

    // THEN
    const start = definition.States.Each.ItemProcessor.States.Etl.Branches[0].States['Etl: Start job'];
    expect(start.Arguments).toEqual({
      JobName: '{% $states.input.name %}',
      Arguments: { '--day': "{% 'day-' & $string($states.input.day) %}" },
    });
    expectValidAsl(definition);
  });

  test('a JSONata expression in a JSONPath state machine is refused, naming start.parameters', () => {
    // GIVEN / WHEN / THEN
    expect(() => renderChainable((scope) => poller(scope, 'Etl', {
      start: { resource: 'arn:aws:states:::aws-sdk:glue:startJobRun', parameters: { JobName: '{% $states.input.name %}' }, resultFields: { jobRunId: 'JobRunId' } },
    }))).toThrow(/Etl: start\.parameters.*must be/);
  });
});
