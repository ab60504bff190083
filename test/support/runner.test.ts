import { Duration, aws_stepfunctions as sfn } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { renderChainable } from './asl';
import {
  consoleTracer,
  installPromiseWithResolvers,
  OracleMismatchError,
  printTrace,
  runOnLocalStepFunctions,
  runWorkflow,
  taskError,
  taskTimeout,
  TraceEvent,
} from './runner';

/** A Task state rendered as the SageMaker `.sync` integration would be, for the runner to simulate. */
function task(scope: Construct, id: string, props: { parameters?: object; resultPath?: string } = {}): sfn.CustomState {
  return new sfn.CustomState(scope, id, {
    stateJson: {
      Type: 'Task',
      Resource: 'arn:aws:states:::sagemaker:createProcessingJob.sync',
      ...(props.parameters ? { Parameters: props.parameters } : {}),
      ...(props.resultPath ? { ResultPath: props.resultPath } : {}),
    },
  });
}

describe('Promise.withResolvers polyfill', () => {
  test('is available once the runner is loaded', async () => {
    // WHEN
    const { promise, resolve } = (Promise as any).withResolvers();
    resolve(42);

    // THEN
    await expect(promise).resolves.toBe(42);
  });

  test('is installed when missing and rejects like the native one', async () => {
    // GIVEN
    const original = Object.getOwnPropertyDescriptor(Promise, 'withResolvers');
    delete (Promise as any).withResolvers;
    try {
      // WHEN
      const installed = installPromiseWithResolvers();
      const { promise, reject } = (Promise as any).withResolvers();
      reject(new Error('nope'));

      // THEN
      expect(installed).toBe(true);
      await expect(promise).rejects.toThrow('nope');
      expect(installPromiseWithResolvers()).toBe(false);
    } finally {
      if (original) Object.defineProperty(Promise, 'withResolvers', original);
    }
  });
});

describe('runWorkflow', () => {
  test('runs Task, Retry, Map, Parallel and Catch with simulated services', async () => {
    // GIVEN
    const { definition } = renderChainable((scope) => {
      const submit = task(scope, 'Submit', { parameters: { 'ProcessingJobName.$': '$.name' }, resultPath: '$.job' })
        .addRetry({ errors: ['SageMaker.ThrottlingException'], interval: Duration.seconds(30), maxAttempts: 3 });
      const fanOut = new sfn.Map(scope, 'Fan out', { itemsPath: '$.items', resultPath: '$.processed' })
        .itemProcessor(task(scope, 'Process item'));
      const both = new sfn.Parallel(scope, 'Both', { resultPath: '$.both' })
        .branch(task(scope, 'Left'))
        .branch(new sfn.Pass(scope, 'Right', { result: sfn.Result.fromString('right') }));
      const notify = task(scope, 'Notify', { resultPath: sfn.JsonPath.DISCARD })
        .addCatch(new sfn.Pass(scope, 'Record failure'), { errors: ['States.TaskFailed'], resultPath: '$.error' });
      return submit.next(fanOut).next(both).next(notify);
    });
    let throttled = false;

    // WHEN
    const result = await runWorkflow(definition, { name: 'job-1', items: [1, 2] }, {
      services: {
        'Submit': (input) => {
          if (!throttled) {
            throttled = true;
            throw taskError('SageMaker.ThrottlingException', 'Rate exceeded');
          }
          return { ProcessingJobName: input.ProcessingJobName, ProcessingJobStatus: 'Completed' };
        },
        'Process item': (item: number) => item * 10,
        'Left': () => 'left',
        'Notify': () => {
          throw taskError('States.TaskFailed', { FailureReason: 'mailbox full' });
        },
      },
    });

    // THEN
    expect(result.status).toBe('SUCCEEDED');
    expect(result.serviceCalls.Submit).toEqual([{ ProcessingJobName: 'job-1' }, { ProcessingJobName: 'job-1' }]);
    expect(result.output).toEqual({
      name: 'job-1',
      items: [1, 2],
      job: { ProcessingJobName: 'job-1', ProcessingJobStatus: 'Completed' },
      processed: [10, 20],
      both: ['left', 'right'],
      error: { Error: 'States.TaskFailed', Cause: '{"FailureReason":"mailbox full"}' },
    });
    expect(result.trace.map((e) => e.state)).toEqual([
      'Submit', 'Fan out', 'Process item', 'Process item', 'Both', 'Left', 'Right', 'Notify', 'Record failure',
    ]);
    expect(result.trace.find((e) => e.state === 'Submit')).toMatchObject({ status: 'SUCCEEDED', retries: 1, error: 'SageMaker.ThrottlingException' });
    expect(result.trace.filter((e) => e.state === 'Process item').map((e) => [e.mapIndex, e.input, e.output])).toEqual([[0, 1, 10], [1, 2, 20]]);
    expect(result.trace.find((e) => e.state === 'Notify')).toMatchObject({ status: 'CAUGHT', error: 'States.TaskFailed' });
  });

  test('gives each service its call count, retries included', async () => {
    // GIVEN
    const definition = {
      StartAt: 'Poll',
      States: {
        Poll: {
          Type: 'Task',
          Resource: 'arn:aws:states:::aws-sdk:sagemaker:describeProcessingJob',
          Retry: [{ ErrorEquals: ['SageMaker.ThrottlingException'], IntervalSeconds: 60, MaxAttempts: 5 }],
          End: true,
        },
      },
    };
    const seen: number[] = [];

    // WHEN
    const result = await runWorkflow(definition, {}, {
      services: {
        Poll: (_input, { invocation }) => {
          seen.push(invocation);
          if (invocation < 3) throw taskError('SageMaker.ThrottlingException', 'Rate exceeded');
          return { ok: true };
        },
      },
    });

    // THEN
    expect(seen).toEqual([1, 2, 3]);
    expect(result).toMatchObject({ status: 'SUCCEEDED', output: { ok: true } });
  });

  test('returns FAILED with error and cause when an error escapes', async () => {
    // GIVEN
    const { definition } = renderChainable((scope) => task(scope, 'Run job'));

    // WHEN
    const result = await runWorkflow(definition, {}, {
      services: { 'Run job': () => { throw taskError('States.TaskFailed', { FailureReason: 'AlgorithmError' }); } },
    });

    // THEN
    expect(result).toMatchObject({ status: 'FAILED', error: 'States.TaskFailed', cause: '{"FailureReason":"AlgorithmError"}' });
    expect(result.output).toBeUndefined();
    expect(result.trace).toEqual([expect.objectContaining({ state: 'Run job', status: 'FAILED', error: 'States.TaskFailed' })]);
  });

  test('returns a Fail state\'s error and cause', async () => {
    // GIVEN
    const { definition } = renderChainable((scope) => new sfn.Fail(scope, 'Give up', { error: 'Job.Invalid', cause: 'no input' }));

    // WHEN
    const result = await runWorkflow(definition);

    // THEN
    expect(result).toMatchObject({ status: 'FAILED', error: 'Job.Invalid', cause: 'no input' });
  });

  test('taskTimeout is States.Timeout, which States.TaskFailed does not match', async () => {
    // GIVEN
    const { definition } = renderChainable((scope) => task(scope, 'Slow job')
      .addRetry({ errors: ['States.TaskFailed'], maxAttempts: 2 })
      .addCatch(new sfn.Pass(scope, 'Timed out'), { errors: ['States.Timeout'], resultPath: '$.error' }));

    // WHEN
    const result = await runWorkflow(definition, {}, { services: { 'Slow job': () => { throw taskTimeout('no heartbeat'); } } });

    // THEN
    expect(result.serviceCalls['Slow job']).toHaveLength(1);
    expect(result).toMatchObject({ status: 'SUCCEEDED', output: { error: { Error: 'States.Timeout', Cause: 'no heartbeat' } } });
  });

  test('Wait states and retry pauses take virtual time; services see the virtual clock', async () => {
    // GIVEN
    const { definition } = renderChainable((scope) =>
      new sfn.Wait(scope, 'Hour', { time: sfn.WaitTime.duration(Duration.hours(1)) })
        .next(task(scope, 'Poll').addRetry({ errors: ['Busy'], interval: Duration.seconds(30), backoffRate: 2, maxAttempts: 3 })));
    const seen: string[] = [];

    // WHEN
    const started = Date.now();
    const result = await runWorkflow(definition, { x: 1 }, {
      startTime: '2024-05-01T00:00:00Z',
      services: {
        Poll: (_input, ctx) => {
          seen.push(ctx.time);
          if (ctx.attempt < 2) throw taskError('Busy', 'try later');
          return { done: true };
        },
      },
    });

    // THEN
    expect(Date.now() - started).toBeLessThan(5000);
    expect(result).toMatchObject({ status: 'SUCCEEDED', output: { done: true }, oracleChecked: true });
    expect(seen).toEqual(['2024-05-01T01:00:00.000Z', '2024-05-01T01:00:30.000Z', '2024-05-01T01:01:30.000Z']);
    expect(result.execution.elapsedSeconds).toBe(3690);
    expect(result.trace.map((e) => [e.state, e.enteredSeconds, e.exitedSeconds, e.retries])).toEqual([['Hour', 0, 3600, 0], ['Poll', 3600, 3690, 2]]);
  });

  test('gives the task token and the execution name to the services; $$.State is filled', async () => {
    // GIVEN
    const { definition } = renderChainable((scope) => new sfn.CustomState(scope, 'Callback', {
      stateJson: {
        Type: 'Task',
        Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
        Parameters: { 'token.$': '$$.Task.Token', 'execution.$': '$$.Execution.Name', 'state.$': '$$.State.Name' },
      },
    }));
    let token: string | undefined;

    // WHEN
    const result = await runWorkflow(definition, {}, {
      context: { Execution: { Name: 'exec-7' }, State: { Name: 'Callback' } },
      services: {
        Callback: (request, ctx) => {
          token = ctx.taskToken;
          return { echoed: request.execution, state: request.state };
        },
      },
    });

    // THEN
    expect(token).toMatch(/^[0-9a-f-]{36}$/);
    expect(result.serviceCalls.Callback).toEqual([{ token, execution: 'exec-7', state: 'Callback' }]);
    expect(result.output).toEqual({ echoed: 'exec-7', state: 'Callback' });
  });

  test('reports each state\'s events once the run has ended, and prints a trace', async () => {
    // GIVEN
    const { definition } = renderChainable((scope) => new sfn.Pass(scope, 'Hello', { result: sfn.Result.fromObject({ hi: 1 }) }));
    const live: string[] = [];
    const events: TraceEvent['kind'][] = [];
    const printed: string[] = [];

    // WHEN
    const result = await runWorkflow(definition, {}, {
      onEvent: (event) => {
        events.push(event.kind);
        consoleTracer((line) => live.push(line))(event);
      },
    });
    printTrace(result.trace, (line) => printed.push(line));

    // THEN
    expect(events).toEqual(['entered', 'exited']);
    expect(live).toEqual(['→ Hello [Pass] input={}', '← Hello [Pass] output={"hi":1}']);
    expect(printed).toEqual(['SUCCEEDED Hello [Pass] output={"hi":1}']);
  });

  test('throws when a Task state runs without a simulated service', async () => {
    const { definition } = renderChainable((scope) => task(scope, 'Unsimulated'));
    await expect(runWorkflow(definition)).rejects.toThrow(/Task state "Unsimulated" ran without a simulated service/);
  });

  test('throws when a service names no Task state', async () => {
    const { definition } = renderChainable((scope) => task(scope, 'Real'));
    await expect(runWorkflow(definition, {}, { services: { Real: () => ({}), Typo: () => ({}) } })).rejects.toThrow(/services given for Typo/);
  });

  test('runs a JSONata state machine on our executor alone (the oracle supports JSONPath only)', async () => {
    // GIVEN
    const { definition } = renderChainable(
      (scope) => new sfn.Parallel(scope, 'Split', { outputs: '{% $states.result[0] & "-" & $states.result[1] %}' })
        .branch(sfn.Pass.jsonata(scope, 'Shape', { outputs: '{% $states.input.name %}' }))
        .branch(new sfn.CustomState(scope, 'Call', {
          stateJson: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Arguments: { Payload: '{% $states.input %}' }, Output: '{% $states.result.Payload %}' },
        })),
      { queryLanguage: sfn.QueryLanguage.JSONATA },
    );

    // WHEN
    const result = await runWorkflow(definition, { name: 'job' }, { services: { Call: (request) => ({ Payload: request.Payload.name.toUpperCase() }) } });

    // THEN
    expect(result).toMatchObject({ status: 'SUCCEEDED', output: 'job-JOB', oracleChecked: false, oracleSkipped: expect.stringMatching(/^JSONata \(the top-level QueryLanguage/) });
    expect(result.serviceCalls.Call).toEqual([{ Payload: { name: 'job' } }]);
    expect(result.trace.map((e) => [e.state, e.path])).toEqual([['Split', ''], ['Shape', 'Split/0'], ['Call', 'Split/1']]);
  });

  test('a JSONPath definition with variables needs skipOracle and a reason', async () => {
    // GIVEN
    const { definition } = renderChainable((scope) => new sfn.Pass(scope, 'Remember', { assign: { 'jobName.$': '$.name' } })
      .next(new sfn.Pass(scope, 'Recall', { parameters: { 'name.$': '$jobName' } })));

    // THEN
    await expect(runWorkflow(definition, { name: 'a' })).rejects.toThrow(/oracle[\s\S]*state "Remember": variables \(Assign\)[\s\S]*skipOracle/);
    const result = await runWorkflow(definition, { name: 'a' }, { skipOracle: 'variables (Assign)' });
    expect(result).toMatchObject({ status: 'SUCCEEDED', output: { name: 'a' }, oracleChecked: false, oracleSkipped: 'variables (Assign)' });
  });

  test('fails the test when the oracle disagrees (here: $$.Execution.Input inside a Map, which the oracle gets wrong)', async () => {
    // GIVEN: AWS gives the execution's input as $$.Execution.Input everywhere; aws-local-stepfunctions 3.0.0 gives
    // the iteration's input inside a Map.
    const definition = {
      StartAt: 'Each',
      States: {
        Each: {
          Type: 'Map',
          ItemsPath: '$.items',
          ItemProcessor: { StartAt: 'Inner', States: { Inner: { Type: 'Pass', Parameters: { 'whole.$': '$$.Execution.Input' }, End: true } } },
          End: true,
        },
      },
    };

    // THEN
    await expect(runWorkflow(definition, { items: [1] })).rejects.toThrow(OracleMismatchError);
    await expect(runWorkflow(definition, { items: [1] })).rejects.toThrow(/disagree[\s\S]*outcome: ours .*"whole":\{"items":\[1\]\}.*oracle .*"whole":1/);
    const result = await runWorkflow(definition, { items: [1] }, { skipOracle: 'aws-local-stepfunctions 3.0.0: $$.Execution.Input is the iteration input in a Map' });
    expect(result.output).toEqual([{ whole: { items: [1] } }]);
  });

  test('fails the test when the oracle sends a request ours did not', async () => {
    // GIVEN: a JSONPath definition whose request the oracle builds differently (Parameters at the root of a Map
    // iteration reading $$.Execution.Input)
    const definition = {
      StartAt: 'Each',
      States: {
        Each: {
          Type: 'Map',
          ItemsPath: '$.items',
          ItemProcessor: {
            StartAt: 'Call',
            States: { Call: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { 'n.$': '$$.Execution.Input.n' }, End: true } },
          },
          End: true,
        },
      },
    };

    // THEN
    await expect(runWorkflow(definition, { items: [{ n: 1 }], n: 7 }, { services: { Call: () => 'ok' } }))
      .rejects.toThrow(/request of "Call": ours \{"n":7\}, oracle \{"n":1\}/);
  });
});

describe('runOnLocalStepFunctions (the oracle)', () => {
  test('refuses JSONata, which aws-local-stepfunctions would silently mis-evaluate', async () => {
    // GIVEN
    const { definition } = renderChainable(
      (scope) => sfn.Pass.jsonata(scope, 'Shape', { outputs: '{% $states.input %}' }),
      { queryLanguage: sfn.QueryLanguage.JSONATA },
    );

    // THEN
    await expect(runOnLocalStepFunctions(definition)).rejects.toThrow(/supports JSONPath only.*top-level QueryLanguage/);
  });

  test('refuses a JSONata state nested in a Map item processor, and variables and distributed Map fields', async () => {
    // GIVEN
    const nested = {
      StartAt: 'Each',
      States: {
        Each: {
          Type: 'Map',
          ItemProcessor: { StartAt: 'Inner', States: { Inner: { Type: 'Pass', QueryLanguage: 'JSONata', Output: '{% 1 %}', End: true } } },
          End: true,
        },
      },
    };
    const { definition } = renderChainable((scope) => new sfn.Pass(scope, 'Remember', { assign: { 'jobName.$': '$.name' } })
      .next(new sfn.DistributedMap(scope, 'Each', { toleratedFailureCount: 1 }).itemProcessor(new sfn.Pass(scope, 'Item'))));

    // THEN
    await expect(runOnLocalStepFunctions(nested, [1])).rejects.toThrow(/state "Inner" uses QueryLanguage JSONata/);
    await expect(runOnLocalStepFunctions(definition)).rejects.toThrow(
      /silently ignore[\s\S]*state "Remember": variables \(Assign\)[\s\S]*state "Each": distributed Map ToleratedFailureCount/,
    );
  });

  test('honours wait overrides in real time', async () => {
    // GIVEN
    const { definition } = renderChainable((scope) => new sfn.Wait(scope, 'Short', { time: sfn.WaitTime.duration(Duration.days(1)) }));

    // WHEN
    const started = Date.now();
    const result = await runOnLocalStepFunctions(definition, { x: 1 }, { waitTimeOverrides: { Short: 50 } });

    // THEN
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    expect(result).toMatchObject({ status: 'SUCCEEDED', output: { x: 1 } });
  });
});

test('ResultPath "$" replaces the state input, as in AWS (works around aws-local-stepfunctions 3.0.0)', async () => {
  // GIVEN
  const definition = {
    StartAt: 'Job',
    States: {
      Job: { Type: 'Task', Resource: 'arn:aws:states:::batch:submitJob', ResultPath: '$', Next: 'Fails' },
      Fails: {
        Type: 'Task',
        Resource: 'arn:aws:states:::batch:submitJob',
        Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$', Next: 'Done' }],
        End: true,
      },
      Done: { Type: 'Succeed' },
    },
  };

  // WHEN
  const result = await runWorkflow(definition, { keep: 'no' }, {
    services: { Job: () => ({ jobId: 'j-1' }), Fails: () => { throw taskError('Batch.ClientException', 'bad'); } },
  });

  // THEN
  expect(result.trace.find((e) => e.state === 'Job')?.output).toEqual({ jobId: 'j-1' });
  expect(result.output).toEqual({ Error: 'Batch.ClientException', Cause: 'bad' });
});
