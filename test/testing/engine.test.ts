import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { testing } from '../../src';

const { Workflow } = testing;
type TaskOutcome = testing.TaskOutcome;
type TaskInvocation = testing.TaskInvocation;

function machine(states: Record<string, any>, extra: Record<string, any> = {}): any {
  return { StartAt: Object.keys(states)[0], States: states, ...extra };
}

/** A task handler from a function. */
function handler(fn: (inv: TaskInvocation) => TaskOutcome | Promise<TaskOutcome>): testing.ITaskHandler {
  return { handle: fn };
}

const LAMBDA = 'arn:aws:states:::lambda:invoke';

describe('retry', () => {
  test('defaults: 3 retries at 1 s, 2 s, 4 s; each retry adds a transition and Scheduled/Started/Failed', async () => {
    // GIVEN a task that always fails
    const wf = Workflow.fromDefinition(machine({
      T: { Type: 'Task', Resource: LAMBDA, Retry: [{ ErrorEquals: ['States.ALL'] }], End: true },
    }));
    const times: number[] = [];
    // WHEN
    const result = await wf.execute({ taskHandler: handler((inv) => { times.push(inv.epochSeconds); return { error: 'Boom', cause: 'x' }; }) });
    // THEN
    expect(result).toMatchObject({ status: 'FAILED', error: 'Boom', cause: 'x', elapsedSeconds: 7 });
    const start = Date.parse('2026-01-01T00:00:00Z') / 1000;
    expect(times.map((t) => t - start)).toEqual([0, 1, 3, 7]);
    expect(result.stateTransitions).toBe(1 + 3);
    // ExecutionStarted, TaskStateEntered, 4 × (Scheduled, Started, Failed), ExecutionFailed
    expect(result.historyEvents).toBe(1 + 1 + 4 * 3 + 1);
  });

  test('IntervalSeconds, BackoffRate, MaxDelaySeconds; attempt and invocation counters', async () => {
    const wf = Workflow.fromDefinition(machine({
      T: { Type: 'Task', Resource: LAMBDA, Retry: [{ ErrorEquals: ['Busy'], IntervalSeconds: 10, BackoffRate: 3, MaxAttempts: 5, MaxDelaySeconds: 50 }], End: true },
    }));
    const seen: Array<[number, number, number]> = [];
    const result = await wf.execute({
      taskHandler: handler((inv) => {
        seen.push([inv.attempt, inv.invocation, inv.epochSeconds]);
        return inv.attempt < 4 ? { error: 'Busy' } : { result: 'done' };
      }),
    });
    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toBe('done');
    // waits 10, 30, 50 (90 capped), 50 (270 capped)
    expect(result.elapsedSeconds).toBe(140);
    expect(seen.map(([a, i]) => [a, i])).toEqual([[0, 0], [1, 1], [2, 2], [3, 3], [4, 4]]);
  });

  test('MaxAttempts 0 never retries; an exhausted retrier does not fall through to a later one', async () => {
    const wf = Workflow.fromDefinition(machine({
      T: {
        Type: 'Task',
        Resource: LAMBDA,
        Retry: [{ ErrorEquals: ['A'], MaxAttempts: 0 }, { ErrorEquals: ['States.ALL'], MaxAttempts: 5 }],
        End: true,
      },
    }));
    let calls = 0;
    const result = await wf.execute({ taskHandler: handler(() => { calls++; return { error: 'A' }; }) });
    expect(result.error).toBe('A');
    expect(calls).toBe(1);
  });

  test('JitterStrategy FULL: seeded, at most the computed delay', async () => {
    const def = machine({
      T: { Type: 'Task', Resource: LAMBDA, Retry: [{ ErrorEquals: ['E'], IntervalSeconds: 100, MaxAttempts: 1, JitterStrategy: 'FULL' }], End: true },
    });
    const run = (seed: number) => Workflow.fromDefinition(def).execute({ seed, taskHandler: handler(() => ({ error: 'E' })) });
    const [a, b, c] = await Promise.all([run(5), run(5), run(6)]);
    expect(a.elapsedSeconds).toBe(b.elapsedSeconds);
    expect(a.elapsedSeconds).toBeLessThanOrEqual(100);
    expect(a.elapsedSeconds).not.toBe(c.elapsedSeconds);
  });

  test('States.Runtime is never retried nor caught', async () => {
    const wf = Workflow.fromDefinition(machine({
      T: {
        Type: 'Task',
        Resource: LAMBDA,
        Retry: [{ ErrorEquals: ['States.ALL'] }],
        Catch: [{ ErrorEquals: ['States.ALL', 'States.Runtime'], Next: 'C' }],
        End: true,
      },
      C: { Type: 'Pass', End: true },
    }));
    let calls = 0;
    const result = await wf.execute({ taskHandler: handler(() => { calls++; return { error: 'States.Runtime', cause: 'bad' }; }) });
    expect(result).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
    expect(calls).toBe(1);
  });
});

describe('catch', () => {
  const def = (errorEquals: string[]) => machine({
    T: { Type: 'Task', Resource: LAMBDA, Catch: [{ ErrorEquals: errorEquals, ResultPath: '$.err', Next: 'Handled' }], End: true },
    Handled: { Type: 'Pass', End: true },
  });

  test.each([
    [['States.ALL'], 'Custom.Error', true],
    [['Custom.Error'], 'Custom.Error', true],
    [['Other'], 'Custom.Error', false],
    [['States.TaskFailed'], 'Custom.Error', true],
    [['States.TaskFailed'], 'States.Timeout', false],
    [['States.ALL'], 'States.Timeout', true],
    [['States.ALL'], 'States.DataLimitExceeded', false],
    [['States.DataLimitExceeded'], 'States.DataLimitExceeded', true],
  ])('ErrorEquals %j vs %s → caught: %s', async (errorEquals, error, caught) => {
    const result = await Workflow.fromDefinition(def(errorEquals)).execute({ input: { a: 1 }, taskHandler: handler(() => ({ error, cause: 'c' })) });
    if (caught) {
      expect(result.status).toBe('SUCCEEDED');
      expect(result.output).toEqual({ a: 1, err: { Error: error, Cause: 'c' } });
    } else {
      expect(result).toMatchObject({ status: 'FAILED', error });
    }
  });

  test('JSONata catch: Output and Assign see $states.errorOutput and $states.input', async () => {
    const wf = Workflow.fromDefinition(machine({
      T: {
        Type: 'Task',
        Resource: LAMBDA,
        Catch: [{ ErrorEquals: ['States.ALL'], Output: { e: '{% $states.errorOutput.Error %}', in: '{% $states.input %}' }, Assign: { why: '{% $states.errorOutput.Cause %}' }, Next: 'H' }],
        End: true,
      },
      H: { Type: 'Pass', Output: '{% $merge([$states.input, { "why": $why }]) %}', End: true },
    }, { QueryLanguage: 'JSONata' }));
    const result = await wf.execute({ input: 7, taskHandler: handler(() => ({ error: 'X', cause: 'because' })) });
    expect(result.output).toEqual({ e: 'X', in: 7, why: 'because' });
    expect(result.states[0]).toMatchObject({ name: 'T', error: 'X', cause: 'because' });
  });
});

describe('timeouts', () => {
  test('TimeoutSeconds: a task that takes longer fails with States.Timeout at the timeout', async () => {
    const wf = Workflow.fromDefinition(machine({ T: { Type: 'Task', Resource: LAMBDA, TimeoutSeconds: 30, End: true } }));
    const result = await wf.execute({ taskHandler: handler(() => ({ result: 1, durationSeconds: 60 })) });
    expect(result).toMatchObject({ status: 'FAILED', error: 'States.Timeout', elapsedSeconds: 30 });
  });

  test('HeartbeatSeconds: no heartbeat within it fails with States.HeartbeatTimeout', async () => {
    const wf = Workflow.fromDefinition(machine({
      T: { Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken', TimeoutSeconds: 3600, HeartbeatSeconds: 60, End: true },
    }));
    const result = await wf.execute({ taskHandler: handler(() => ({ result: 1, durationSeconds: 600 })) });
    expect(result).toMatchObject({ status: 'FAILED', error: 'States.HeartbeatTimeout', elapsedSeconds: 60 });
  });

  test('JSONata TimeoutSeconds expression', async () => {
    const wf = Workflow.fromDefinition(machine({
      T: { Type: 'Task', Resource: LAMBDA, TimeoutSeconds: '{% $states.input.t %}', End: true },
    }, { QueryLanguage: 'JSONata' }));
    const result = await wf.execute({ input: { t: 5 }, taskHandler: handler(() => ({ durationSeconds: 6 })) });
    expect(result).toMatchObject({ error: 'States.Timeout', elapsedSeconds: 5 });
  });

  test('the state machine\'s TimeoutSeconds ends the execution TIMED_OUT', async () => {
    const wf = Workflow.fromDefinition(machine({
      W: { Type: 'Wait', Seconds: 100, Next: 'W2' },
      W2: { Type: 'Wait', Seconds: 100, End: true },
    }, { TimeoutSeconds: 150 }));
    const result = await wf.execute();
    expect(result).toMatchObject({ status: 'TIMED_OUT', error: 'States.Timeout', elapsedSeconds: 150 });
    expect(result.states[1]).toMatchObject({ name: 'W2', enteredSeconds: 100 });
    expect(result.states[1].exitedSeconds).toBeUndefined();
  });

  test('.waitForTaskToken: a token is generated and reaches the request; the mock is the callback output', async () => {
    const wf = Workflow.fromDefinition(machine({
      T: {
        Type: 'Task',
        Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken',
        Parameters: { QueueUrl: 'q', MessageBody: { 'token.$': '$$.Task.Token' } },
        End: true,
      },
    }));
    let token: string | undefined;
    const result = await wf.execute({ taskHandler: handler((inv) => { token = inv.taskToken; return { result: { ok: 1 } }; }) });
    expect(token).toMatch(/^[0-9a-f-]{36}$/);
    expect(result.states[0].request).toEqual({ QueueUrl: 'q', MessageBody: { token } });
    expect(result.output).toEqual({ ok: 1 });
    // Entered, Scheduled, Started, Submitted, Succeeded, Exited
    expect(result.historyEvents).toBe(2 + 6);
  });
});

describe('virtual clock', () => {
  test('a 30-day poll loop (Wait → Task → Choice) runs in well under a second of real time', async () => {
    // GIVEN a job that completes after 30 days, polled every 20 minutes
    const wf = Workflow.fromDefinition(machine({
      'Wait': { Type: 'Wait', Seconds: 1200, Next: 'Check' },
      'Check': { Type: 'Task', Resource: LAMBDA, ResultPath: '$.status', Next: 'Done?' },
      'Done?': { Type: 'Choice', Choices: [{ Variable: '$.status', StringEquals: 'DONE', Next: 'Finished' }], Default: 'Wait' },
      'Finished': { Type: 'Succeed' },
    }));
    const done = 30 * 86400;
    // WHEN
    const began = Date.now();
    const result = await wf.execute({
      input: {},
      taskHandler: handler((inv) => ({ result: inv.epochSeconds - Date.parse('2026-01-01T00:00:00Z') / 1000 >= done ? 'DONE' : 'RUNNING' })),
    });
    // THEN
    expect(Date.now() - began).toBeLessThan(5000);
    const polls = done / 1200;
    expect(result.status).toBe('SUCCEEDED');
    expect(result.elapsedSeconds).toBe(done);
    expect(result.stateTransitions).toBe(polls * 3 + 1);
    // 9 events per poll cycle, plus Succeed (2) and the execution's start and end
    expect(result.historyEvents).toBe(polls * 9 + 2 + 2);
  });
});

describe('mocks', () => {
  const def = machine({
    T: { Type: 'Task', Resource: LAMBDA, Retry: [{ ErrorEquals: ['Throttled'], IntervalSeconds: 1 }], Next: 'U' },
    U: { Type: 'Task', Resource: 'arn:aws:states:::batch:submitJob.sync', End: true },
  });
  const responses = {
    Throttled2ThenOk: { '0-1': { Throw: { Error: 'Throttled', Cause: 'slow down' } }, '2': { Return: { Payload: 'ok' } } },
    JobDone: { 0: { Return: { Status: 'SUCCEEDED' } } },
    JobFails: { 0: { Throw: { Error: 'States.TaskFailed', Cause: 'job failed' } } },
  };
  const config = {
    StateMachines: {
      Pipeline: {
        TestCases: {
          HappyPath: { T: 'Throttled2ThenOk', U: 'JobDone' },
          JobFails: { T: 'Throttled2ThenOk', U: 'JobFails' },
        },
      },
    },
    MockedResponses: responses,
  };

  test('ranges answer by invocation; Throw is the failure; .sync adds TaskSubmitted', async () => {
    const result = await Workflow.fromDefinition(def).execute({ mockConfig: config, testCase: 'HappyPath' });
    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toEqual({ Status: 'SUCCEEDED' });
    expect(result.stateTransitions).toBe(2 + 2);
    // T: Entered + 3 attempts × 3 + Exited; U: Entered, Scheduled, Started, Submitted, Succeeded, Exited
    expect(result.historyEvents).toBe(2 + (1 + 9 + 1) + 6);
    const failed = await Workflow.fromDefinition(def).execute({ mockConfig: config, testCase: 'JobFails' });
    expect(failed).toMatchObject({ status: 'FAILED', error: 'States.TaskFailed', cause: 'job failed' });
  });

  test('mock config as a file, and the mock wins over the handler for the states it names', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mock-')), 'mock.json');
    fs.writeFileSync(file, JSON.stringify({ StateMachines: { X: { TestCases: { c: { U: 'JobDone' } } } }, MockedResponses: responses }));
    const names: string[] = [];
    const result = await Workflow.fromDefinition(def).execute({
      mockConfigFile: file,
      testCase: 'c',
      taskHandler: handler((inv) => { names.push(inv.stateName); return { result: 'from handler' }; }),
    });
    expect(result.output).toEqual({ Status: 'SUCCEEDED' });
    expect(names).toEqual(['T']);
  });

  test.each([
    ['an unknown test case', { ...config }, 'Nope', /no test case 'Nope'/],
    ['an unknown response', { ...config, StateMachines: { P: { TestCases: { c: { T: 'Missing' } } } } }, 'c', /'Missing'.*not under MockedResponses/],
    ['two state machines without a name', { ...config, StateMachines: { A: { TestCases: {} }, B: { TestCases: {} } } }, 'c', /2 state machines/],
  ])('%s is an error', async (_what, mockConfig, testCase, message) => {
    const wf = Workflow.fromDefinition(machine({
      T: { Type: 'Task', Resource: LAMBDA, Retry: [{ ErrorEquals: ['States.ALL'] }], Next: 'U' },
      U: { Type: 'Task', Resource: LAMBDA, End: true },
    }));
    await expect(wf.execute({ mockConfig, testCase, taskHandler: handler(() => ({ error: 'E' })) })).rejects.toThrow(message);
  });
  // Unused mocks, unknown states and calls without a response: test/testing/mock-config.test.ts
});

describe('Parallel and Map', () => {
  test('Parallel: branches get the input, the result is their outputs; branch time is concurrent', async () => {
    const wf = Workflow.fromDefinition(machine({
      Par: {
        Type: 'Parallel',
        Branches: [
          machine({ A: { Type: 'Wait', Seconds: 10, Next: 'A2' }, A2: { Type: 'Pass', Result: 'a', End: true } }),
          machine({ B: { Type: 'Wait', Seconds: 30, Next: 'B2' }, B2: { Type: 'Pass', Result: 'b', End: true } }),
        ],
        ResultPath: '$.out',
        End: true,
      },
    }));
    const result = await wf.execute({ input: { x: 1 } });
    expect(result.output).toEqual({ x: 1, out: ['a', 'b'] });
    expect(result.elapsedSeconds).toBe(30);
    // The branches interleave on the virtual clock: A2 (at 10 s) runs after B is entered (at 0 s).
    expect(result.states.map((s) => `${s.path}:${s.name}`)).toEqual(['Par', 'Par/0:A', 'Par/1:B', 'Par/0:A2', 'Par/1:B2'].map((s) => s.includes(':') ? s : `:${s}`));
    expect(result.stateTransitions).toBe(5);
    // Execution 2 + Parallel (Entered, Started, Succeeded, Exited) + 4 states × 2
    expect(result.historyEvents).toBe(2 + 4 + 8);
  });

  test('Parallel: a failing branch fails the state with its error; Catch on it, or on States.BranchFailed', async () => {
    const branches = [machine({ Boom: { Type: 'Fail', Error: 'Custom.Boom', Cause: 'c' } })];
    for (const errorEquals of [['Custom.Boom'], ['States.BranchFailed']]) {
      const wf = Workflow.fromDefinition(machine({
        Par: { Type: 'Parallel', Branches: branches, Catch: [{ ErrorEquals: errorEquals, Next: 'H' }], End: true },
        H: { Type: 'Pass', End: true },
      }));
      const result = await wf.execute();
      expect(result.output).toEqual({ Error: 'Custom.Boom', Cause: 'c' });
    }
  });

  test('Map: ItemsPath, ItemSelector with $$.Map.Item, MaxConcurrency slots the virtual time', async () => {
    const wf = Workflow.fromDefinition(machine({
      M: {
        Type: 'Map',
        ItemsPath: '$.items',
        MaxConcurrency: 2,
        ItemSelector: { 'i.$': '$$.Map.Item.Index', 'v.$': '$$.Map.Item.Value', 'k.$': '$.key' },
        ItemProcessor: machine({ W: { Type: 'Task', Resource: LAMBDA, End: true } }),
        End: true,
      },
    }));
    const result = await wf.execute({
      input: { items: [10, 20, 30], key: 'K' },
      taskHandler: handler((inv) => ({ result: inv.request, durationSeconds: inv.request.v })),
    });
    expect(result.output).toEqual([{ i: 0, v: 10, k: 'K' }, { i: 1, v: 20, k: 'K' }, { i: 2, v: 30, k: 'K' }]);
    // slots: [0-10], [0-20]; item 2 starts at 10 → ends at 40
    expect(result.elapsedSeconds).toBe(40);
    expect(result.states.filter((s) => s.name === 'W').map((s) => [s.path, s.enteredSeconds])).toEqual([['M/0', 0], ['M/1', 0], ['M/2', 10]]);
    // Execution 2 + Map (Entered, Started, Succeeded, Exited) + 3 × (IterationStarted, IterationSucceeded, Task 5)
    expect(result.historyEvents).toBe(2 + 4 + 3 * 7);
  });

  test('Map in JSONata: Items, ItemSelector with $states.context.Map.Item, legacy Iterator', async () => {
    const wf = Workflow.fromDefinition(machine({
      M: {
        Type: 'Map',
        Items: '{% $states.input.xs %}',
        ItemSelector: { v: '{% $states.context.Map.Item.Value * 10 %}' },
        Iterator: machine({ P: { Type: 'Pass', Output: '{% $states.input.v + 1 %}', End: true } }),
        Output: '{% $sum($states.result) %}',
        End: true,
      },
    }, { QueryLanguage: 'JSONata' }));
    expect((await wf.execute({ input: { xs: [1, 2] } })).output).toBe(32);
  });

  test('Parallel in JSONata: Arguments are every branch\'s input; Output sees the results', async () => {
    const wf = Workflow.fromDefinition(machine({
      Par: {
        Type: 'Parallel',
        Arguments: { n: '{% $states.input.n * 10 %}' },
        Branches: [
          machine({ A: { Type: 'Pass', Output: '{% $states.input.n + 1 %}', End: true } }),
          machine({ B: { Type: 'Pass', Output: '{% $states.input.n + 2 %}', End: true } }),
        ],
        Output: '{% $states.result %}',
        End: true,
      },
    }, { QueryLanguage: 'JSONata' }));
    expect((await wf.execute({ input: { n: 1 } })).output).toEqual([11, 12]);
  });

  test('Map (JSONPath) with the legacy Parameters and a failing iteration: Map fails with its error at its time', async () => {
    const wf = Workflow.fromDefinition(machine({
      M: {
        Type: 'Map',
        Parameters: { 'v.$': '$$.Map.Item.Value' },
        Iterator: machine({ T: { Type: 'Task', Resource: LAMBDA, End: true } }),
        End: true,
      },
    }));
    const result = await wf.execute({
      input: [1, 2, 3],
      taskHandler: handler((inv) => (inv.request.v === 2 ? { error: 'Item.Bad', durationSeconds: 5 } : { result: inv.request.v, durationSeconds: 1 })),
    });
    expect(result).toMatchObject({ status: 'FAILED', error: 'Item.Bad', elapsedSeconds: 5 });
    // Every iteration starts at once (no MaxConcurrency); item 1 fails at 5 s, after items 0 and 2 ended at 1 s.
    expect(result.states.map((s) => s.path)).toEqual(['', 'M/0', 'M/1', 'M/2']);
    expect(result.states.filter((s) => s.name === 'T').map((s) => s.exitedSeconds)).toEqual([1, 5, 1]);
  });

  test('variables: branches read outer variables; their assignments stay inside', async () => {
    const wf = Workflow.fromDefinition(machine({
      Set: { Type: 'Pass', Assign: { outer: 'o', shared: 'outer' }, Next: 'M' },
      M: {
        Type: 'Map',
        Items: [1, 2],
        ItemProcessor: machine({
          In: { Type: 'Pass', Assign: { shared: '{% "inner" & $states.input %}', local: 1 }, Next: 'Read' },
          Read: { Type: 'Pass', Output: '{% [$outer, $shared, $local] %}', End: true },
        }),
        Next: 'After',
      },
      After: { Type: 'Pass', Output: '{% { "map": $states.input, "shared": $shared, "local": $exists($local) } %}', End: true },
    }, { QueryLanguage: 'JSONata' }));
    const result = await wf.execute();
    expect(result.output).toEqual({ map: [['o', 'inner1', 1], ['o', 'inner2', 1]], shared: 'outer', local: false });
  });
});

describe('JSONPath states', () => {
  test('InputPath, Parameters, ResultSelector, ResultPath, OutputPath and Assign on a Task', async () => {
    const wf = Workflow.fromDefinition(machine({
      T: {
        Type: 'Task',
        Resource: LAMBDA,
        InputPath: '$.job',
        Parameters: { 'FunctionName': 'f', 'Payload.$': '$', 'Name.$': "States.Format('job-{}', $.id)" },
        ResultSelector: { 'value.$': '$.Payload.v' },
        Assign: { 'lastValue.$': '$.value' },
        ResultPath: '$.job.result',
        OutputPath: '$.job',
        Next: 'P',
      },
      P: { Type: 'Pass', Parameters: { 'remembered.$': '$lastValue', 'result.$': '$.result' }, End: true },
    }));
    const result = await wf.execute({ input: { job: { id: 7 } }, taskHandler: handler(() => ({ result: { Payload: { v: 42 } } })) });
    expect(result.states[0].request).toEqual({ FunctionName: 'f', Payload: { id: 7 }, Name: 'job-7' });
    expect(result.output).toEqual({ remembered: 42, result: { value: 42 } });
  });

  test('Choice rules, Wait SecondsPath/TimestampPath, Fail ErrorPath/CausePath', async () => {
    const wf = Workflow.fromDefinition(machine({
      C: {
        Type: 'Choice',
        Choices: [
          { And: [{ Variable: '$.n', NumericGreaterThan: 1 }, { Not: { Variable: '$.s', StringEquals: 'x' } }], Next: 'W' },
        ],
        Default: 'F',
      },
      W: { Type: 'Wait', SecondsPath: '$.n', Next: 'W2' },
      W2: { Type: 'Wait', TimestampPath: '$.until', Next: 'F' },
      F: { Type: 'Fail', ErrorPath: '$.err', CausePath: "States.Format('n={}', $.n)" },
    }));
    const result = await wf.execute({ input: { n: 5, s: 'y', until: '2026-01-01T00:01:00Z', err: 'My.Error' } });
    expect(result).toMatchObject({ status: 'FAILED', error: 'My.Error', cause: 'n=5', elapsedSeconds: 60 });
    expect(result.stateTransitions).toBe(4);
    // Choice 2, Wait 2, Wait 2, Fail 1 (no Exited), Execution 2
    expect(result.historyEvents).toBe(2 + 2 + 2 + 1 + 2);
  });

  test('a state can switch to JSONata in a JSONPath state machine', async () => {
    const wf = Workflow.fromDefinition(machine({
      A: { Type: 'Pass', Parameters: { 'a.$': '$.x' }, Next: 'B' },
      B: { Type: 'Pass', QueryLanguage: 'JSONata', Output: '{% $states.input.a * 2 %}', End: true },
    }));
    expect((await wf.execute({ input: { x: 4 } })).output).toBe(8);
  });

  test('ResultPath that does not match the input: States.ResultPathMatchFailure', async () => {
    const wf = Workflow.fromDefinition(machine({ A: { Type: 'Pass', Result: 1, ResultPath: '$.a.b', End: true } }));
    expect((await wf.execute({ input: { a: 'text' } })).error).toBe('States.ResultPathMatchFailure');
  });

  test('States.DataLimitExceeded above 256 KiB of output', async () => {
    const wf = Workflow.fromDefinition(machine({ T: { Type: 'Task', Resource: LAMBDA, End: true } }));
    const result = await wf.execute({ taskHandler: handler(() => ({ result: 'x'.repeat(262_144) })) });
    expect(result.error).toBe('States.DataLimitExceeded');
  });
});

describe('definition checks', () => {
  test.each([
    [{ States: {} }, /StartAt/],
    [machine({ A: { Type: 'Pass', Next: 'Nowhere' } }), /State 'A': Next must name a state/],
    [machine({ A: { Type: 'Bogus', End: true } }), /State 'A': Type must be one of/],
    [machine({ A: { Type: 'Task', End: true } }), /State 'A': Resource must be a string/],
    [machine({ A: { Type: 'Choice', Choices: [] } }), /State 'A': Choices must be a non-empty array/],
    [machine({ A: { Type: 'Wait', End: true } }), /State 'A': needs exactly one of Seconds/],
    [machine({ A: { Type: 'Pass', Output: 1, End: true } }), /State 'A': Output is a JSONata field/],
    [machine({ A: { Type: 'Map', ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED' }, ...machine({ B: { Type: 'Pass', End: true } }) }, End: true } }),
      /State 'A': ItemProcessor.ProcessorConfig.ExecutionType must be STANDARD or EXPRESS in a Distributed Map; got undefined/],
    [machine({ A: { Type: 'Map', ItemBatcher: { MaxItemsPerBatch: 2 }, ItemProcessor: machine({ B: { Type: 'Pass', End: true } }), End: true } }),
      /State 'A': ItemBatcher need ItemProcessor.ProcessorConfig.Mode DISTRIBUTED/],
    [machine({ A: { Type: 'Parallel', Branches: [machine({ A: { Type: 'Pass', End: true } })], End: true } }), /State 'A': state names must be unique/],
  ])('%j is refused', (definition, message) => {
    expect(() => Workflow.fromDefinition(definition)).toThrow(message);
  });
});
