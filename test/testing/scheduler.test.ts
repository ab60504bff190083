/**
 * The executor's scheduler and what a test can see: Parallel branches and Map iterations interleave on the virtual
 * clock, the first failure in time wins and stops the rest; the history in GetExecutionHistory's shape; every
 * attempt of every state; causes as AWS writes them; handler outcomes checked.
 *
 * AWS pages:
 * - Parallel: https://docs.aws.amazon.com/step-functions/latest/dg/state-parallel.html ("If any branch fails … the
 *   entire Parallel state is considered to have failed and all its branches are stopped.")
 * - Map (inline), MaxConcurrency: https://docs.aws.amazon.com/step-functions/latest/dg/state-map-inline.html
 * - History events: https://docs.aws.amazon.com/step-functions/latest/apireference/API_GetExecutionHistory.html and
 *   https://docs.aws.amazon.com/step-functions/latest/apireference/API_HistoryEvent.html
 * - Errors: https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html
 * - Wait timestamps: https://docs.aws.amazon.com/step-functions/latest/dg/state-wait.html
 * - QueryLanguage: https://docs.aws.amazon.com/step-functions/latest/dg/statemachine-structure.html
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { testing } from '../../src';
import { main } from '../../src/testing/cli';

const { Workflow } = testing;
type TaskInvocation = testing.TaskInvocation;

const LAMBDA = 'arn:aws:states:::lambda:invoke';
const LANGUAGES = ['JSONPath', 'JSONata'] as const;
type Language = typeof LANGUAGES[number];

function machine(states: Record<string, any>, extra: Record<string, any> = {}): any {
  return { StartAt: Object.keys(states)[0], States: states, ...extra };
}

/** A Task state of either language that sends `{ "v": <input.v> }` (JSONPath) or the same via Arguments (JSONata). */
function task(language: Language, next?: string, extra: Record<string, any> = {}): any {
  const end = next ? { Next: next } : { End: true };
  return language === 'JSONata'
    ? { Type: 'Task', Resource: LAMBDA, Arguments: { v: '{% $states.input.v %}' }, ...end, ...extra }
    : { Type: 'Task', Resource: LAMBDA, Parameters: { 'v.$': '$.v' }, ...end, ...extra };
}

/** Top level, or the same states inside one Map iteration (a Map over `[input]`). */
function placed(language: Language, placement: 'top' | 'map', states: Record<string, any>): any {
  const lang = language === 'JSONata' ? { QueryLanguage: 'JSONata' } : {};
  if (placement === 'top') return machine(states, lang);
  const items = language === 'JSONata' ? { Items: '{% [$states.input] %}' } : { ItemsPath: '$.list' };
  return machine({
    Outer: { Type: 'Map', ...items, ItemProcessor: machine(states), End: true },
  }, lang);
}

function inputFor(language: Language, placement: 'top' | 'map', input: any): any {
  return placement === 'map' && language === 'JSONPath' ? { list: [input] } : input;
}

/** Records every call, answers with `fn`. */
function recorder(fn: (inv: TaskInvocation) => testing.TaskOutcome) {
  const calls: TaskInvocation[] = [];
  return { calls, handler: { handle: (inv: TaskInvocation) => { calls.push(inv); return fn(inv); } } };
}

describe.each(LANGUAGES)('%s', (language) => {
  describe.each(['top', 'map'] as const)('Parallel at %s level', (placement) => {
    const prefix = placement === 'map' ? 'Outer/0/' : '';

    test('the first branch to fail in virtual time fails the state; the other branch stops (its next Task is never called)', async () => {
      // GIVEN branch 0 fails at 5 s (after a call), branch 1 at 2 s; branch 0 would call Later after its first call
      const wf = Workflow.fromDefinition(placed(language, placement, {
        Par: {
          Type: 'Parallel',
          Branches: [
            machine({ Slow: task(language, 'Later'), Later: task(language) }),
            machine({ Quick: task(language) }),
          ],
          End: true,
        },
      }));
      const rec = recorder((inv) => (inv.stateName === 'Slow' ? { result: 'ok', durationSeconds: 5 }
        : { error: 'Branch1.Failed', cause: 'at 2 s', durationSeconds: 2 }));

      // WHEN
      const result = await wf.execute({ input: inputFor(language, placement, { v: 1 }), taskHandler: rec.handler });

      // THEN
      expect(result).toMatchObject({ status: 'FAILED', error: 'Branch1.Failed', cause: 'at 2 s', elapsedSeconds: 2 });
      expect(rec.calls.map((c) => [c.stateName, c.path])).toEqual([['Slow', `${prefix}Par/0`], ['Quick', `${prefix}Par/1`]]);
      const slow = result.states.find((s) => s.name === 'Slow')!;
      expect(slow.exitedSeconds).toBeUndefined(); // stopped while running
      expect(result.states.some((s) => s.name === 'Later')).toBe(false);
      const types = result.history.map((e) => e.type);
      expect(types).not.toContain('LambdaFunctionScheduled');
      expect(types.filter((t) => t === 'TaskScheduled')).toHaveLength(2);
      expect(types.filter((t) => t === 'TaskSucceeded')).toHaveLength(0); // Slow's call never ended
      expect(types.slice(-2)).toEqual(placement === 'top' ? ['ParallelStateFailed', 'ExecutionFailed'] : ['MapStateFailed', 'ExecutionFailed']);
    });

    test('every branch starts, and a Catch on the Parallel gets the failing branch\'s error', async () => {
      // GIVEN three branches; the last fails first
      const catcher = language === 'JSONata'
        ? { ErrorEquals: ['States.ALL'], Next: 'Handled', Output: '{% $states.errorOutput %}' }
        : { ErrorEquals: ['States.ALL'], Next: 'Handled' };
      const wf = Workflow.fromDefinition(placed(language, placement, {
        Par: {
          Type: 'Parallel',
          Branches: [0, 1, 2].map((i) => machine({ [`B${i}`]: task(language) })),
          Catch: [catcher],
          End: true,
        },
        Handled: { Type: 'Pass', End: true },
      }));
      const durations: Record<string, number> = { B0: 30, B1: 20, B2: 10 };
      const rec = recorder((inv) => (inv.stateName === 'B2'
        ? { error: 'Custom.Boom', cause: 'b2', durationSeconds: durations[inv.stateName] }
        : { result: inv.stateName, durationSeconds: durations[inv.stateName] }));

      // WHEN
      const result = await wf.execute({ input: inputFor(language, placement, { v: 1 }), taskHandler: rec.handler });

      // THEN every branch was called at 0 s; the execution continued at 10 s with the branch's error
      expect(rec.calls.map((c) => [c.stateName, c.epochSeconds - rec.calls[0].epochSeconds])).toEqual([['B0', 0], ['B1', 0], ['B2', 0]]);
      expect(result.status).toBe('SUCCEEDED');
      expect(result.elapsedSeconds).toBe(10);
      const handled = result.states.find((s) => s.name === 'Handled')!;
      expect(handled.input).toEqual({ Error: 'Custom.Boom', Cause: 'b2' });
    });
  });

  test('Map: iterations fill MaxConcurrency slots in item order; the first failure in time stops the running ones and the rest never start', async () => {
    // GIVEN 5 items, 2 at a time; item 2 fails after 1 s
    const items = language === 'JSONata' ? { Items: '{% $states.input.items %}' } : { ItemsPath: '$.items' };
    const wf = Workflow.fromDefinition(machine({
      M: { Type: 'Map', ...items, MaxConcurrency: 2, ItemProcessor: machine({ Work: task(language) }), End: true },
    }, language === 'JSONata' ? { QueryLanguage: 'JSONata' } : {}));
    const seconds = [4, 2, 1, 10, 10];
    const rec = recorder((inv) => (inv.request.v === 2 ? { error: 'Item.Bad', cause: 'item 2', durationSeconds: 1 }
      : { result: inv.request.v, durationSeconds: seconds[inv.request.v] }));

    // WHEN
    const result = await wf.execute({ input: { items: [0, 1, 2, 3, 4].map((v) => ({ v })) }, taskHandler: rec.handler });

    // THEN items 0 and 1 start at 0 s; 2 takes item 1's slot at 2 s and fails at 3 s, stopping 0; 3 and 4 never start
    expect(rec.calls.map((c) => [c.request.v, c.epochSeconds - rec.calls[0].epochSeconds])).toEqual([[0, 0], [1, 0], [2, 2]]);
    expect(result).toMatchObject({ status: 'FAILED', error: 'Item.Bad', cause: 'item 2', elapsedSeconds: 3 });
    const iterationEvents = result.history.filter((e) => e.type.startsWith('MapIteration')).map((e) => {
      const d = e[`${e.type.charAt(0).toLowerCase()}${e.type.slice(1)}EventDetails`];
      return `${e.type}:${d.index}`;
    });
    expect(iterationEvents).toEqual([
      'MapIterationStarted:0', 'MapIterationStarted:1', 'MapIterationSucceeded:1', 'MapIterationStarted:2', 'MapIterationFailed:2', 'MapIterationAborted:0',
    ]);
  });

  test('Map without MaxConcurrency: all iterations run at once; results keep item order', async () => {
    const items = language === 'JSONata' ? { Items: '{% $states.input %}' } : {};
    const wf = Workflow.fromDefinition(machine({
      M: { Type: 'Map', ...items, ItemProcessor: machine({ Work: task(language) }), End: true },
    }, language === 'JSONata' ? { QueryLanguage: 'JSONata' } : {}));
    const result = await wf.execute({
      input: [3, 1, 2].map((v) => ({ v })),
      taskHandler: { handle: (inv: TaskInvocation) => ({ result: inv.request.v * 10, durationSeconds: inv.request.v }) },
    });
    expect(result.output).toEqual([30, 10, 20]);
    expect(result.elapsedSeconds).toBe(3);
    // The Task states exit in time order: 1 s, 2 s, 3 s.
    const exits = result.history.filter((e) => e.type === 'TaskStateExited').map((e) => e.stateExitedEventDetails.output);
    expect(exits).toEqual(['10', '20', '30']);
  });

  test('attempts: every retry with its error, cause, times and request', async () => {
    // GIVEN a task that fails twice, then succeeds
    const wf = Workflow.fromDefinition(machine({
      T: task(language, undefined, { Retry: [{ ErrorEquals: ['Flaky'], IntervalSeconds: 2, BackoffRate: 3 }] }),
    }, language === 'JSONata' ? { QueryLanguage: 'JSONata' } : {}));

    // WHEN
    const result = await wf.execute({
      input: { v: 7 },
      taskHandler: { handle: (inv: TaskInvocation) => (inv.attempt < 2 ? { error: 'Flaky', cause: `try ${inv.attempt}`, durationSeconds: 1 } : { result: 'ok', durationSeconds: 1 }) },
    });

    // THEN
    expect(result.status).toBe('SUCCEEDED');
    expect(result.states[0].attempts).toEqual([
      { attempt: 0, startedSeconds: 0, endedSeconds: 1, error: 'Flaky', cause: 'try 0', retryInSeconds: 2, request: { v: 7 } },
      { attempt: 1, startedSeconds: 3, endedSeconds: 4, error: 'Flaky', cause: 'try 1', retryInSeconds: 6, request: { v: 7 } },
      { attempt: 2, startedSeconds: 10, endedSeconds: 11, request: { v: 7 } },
    ]);
    expect(result.history.filter((e) => e.type === 'TaskFailed').map((e) => e.taskFailedEventDetails))
      .toEqual([0, 1].map((i) => ({ resourceType: 'lambda', resource: 'invoke', error: 'Flaky', cause: `try ${i}` })));
  });

  test('an engine error\'s cause names the state and its entered event id, which the history holds', async () => {
    // GIVEN the second state reads a field that is not there
    const bad = language === 'JSONata'
      ? { Type: 'Pass', Output: '{% $states.input.missing.deeper + 1 %}', End: true }
      : { Type: 'Pass', InputPath: '$.missing', End: true };
    const wf = Workflow.fromDefinition(machine({
      First: { Type: 'Pass', Next: 'Second' },
      Second: bad,
    }, language === 'JSONata' ? { QueryLanguage: 'JSONata' } : {}));

    // WHEN
    const result = await wf.execute({ input: { x: 1 } });

    // THEN
    const entered = result.history.find((e) => e.type === 'PassStateEntered' && e.stateEnteredEventDetails.name === 'Second')!;
    expect(entered.id).toBe(4); // ExecutionStarted, First Entered/Exited, Second Entered
    expect(result.status).toBe('FAILED');
    expect(result.cause).toMatch(/^An error occurred while executing the state 'Second' \(entered at the event id #4\)\. /);
    if (language === 'JSONPath') {
      expect(result).toMatchObject({
        error: 'States.Runtime',
        cause: "An error occurred while executing the state 'Second' (entered at the event id #4). Invalid path '$.missing' : No results for path: $['missing']",
      });
    } else {
      expect(result.error).toBe('States.QueryEvaluationError');
    }
    expect(result.history[result.history.length - 1]).toMatchObject({
      type: 'ExecutionFailed', previousEventId: 4, executionFailedEventDetails: { error: result.error, cause: result.cause },
    });
  });
});

describe('history', () => {
  test('GetExecutionHistory\'s shape: ids, previousEventId per thread, timestamps, details', async () => {
    // GIVEN a Task, then a Parallel of two Waits
    const wf = Workflow.fromDefinition(machine({
      T: { Type: 'Task', Resource: 'arn:aws:states:::batch:submitJob.sync', Parameters: { JobName: 'j' }, TimeoutSeconds: 100, Next: 'Par' },
      Par: {
        Type: 'Parallel',
        Branches: [machine({ W1: { Type: 'Wait', Seconds: 5, End: true } }), machine({ W2: { Type: 'Wait', Seconds: 2, End: true } })],
        End: true,
      },
    }));

    // WHEN
    const result = await wf.execute({ input: { a: 1 }, taskHandler: { handle: () => ({ result: { Status: 'SUCCEEDED' }, durationSeconds: 60 }) } });

    // THEN
    const rows = result.history.map((e) => [e.id, e.previousEventId, e.type, e.timestamp.slice(11, 19)]);
    expect(rows).toEqual([
      [1, 0, 'ExecutionStarted', '00:00:00'],
      [2, 1, 'TaskStateEntered', '00:00:00'],
      [3, 2, 'TaskScheduled', '00:00:00'],
      [4, 3, 'TaskStarted', '00:00:00'],
      [5, 4, 'TaskSubmitted', '00:00:00'],
      [6, 5, 'TaskSucceeded', '00:01:00'],
      [7, 6, 'TaskStateExited', '00:01:00'],
      [8, 7, 'ParallelStateEntered', '00:01:00'],
      [9, 8, 'ParallelStateStarted', '00:01:00'],
      [10, 9, 'WaitStateEntered', '00:01:00'],
      [11, 9, 'WaitStateEntered', '00:01:00'],
      [12, 11, 'WaitStateExited', '00:01:02'],
      [13, 10, 'WaitStateExited', '00:01:05'],
      [14, 13, 'ParallelStateSucceeded', '00:01:05'],
      [15, 14, 'ParallelStateExited', '00:01:05'],
      [16, 15, 'ExecutionSucceeded', '00:01:05'],
    ]);
    expect(result.historyEvents).toBe(16);
    expect(result.history[0].executionStartedEventDetails).toMatchObject({ input: '{"a":1}' });
    expect(result.history[2].taskScheduledEventDetails).toEqual({
      resourceType: 'batch', resource: 'submitJob.sync', region: 'us-east-1', parameters: '{"JobName":"j"}', timeoutInSeconds: 100,
    });
    expect(result.history[5].taskSucceededEventDetails).toMatchObject({ output: '{"Status":"SUCCEEDED"}' });
    expect(result.history[1].stateEnteredEventDetails).toMatchObject({ name: 'T', input: '{"a":1}' });
  });

  test('a Lambda function ARN as Resource records LambdaFunction… events', async () => {
    const wf = Workflow.fromDefinition(machine({ F: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:123456789012:function:f', End: true } }));
    const result = await wf.execute({ taskHandler: { handle: () => ({ error: 'Oops', cause: 'c' }) } });
    expect(result.history.map((e) => e.type)).toEqual([
      'ExecutionStarted', 'TaskStateEntered', 'LambdaFunctionScheduled', 'LambdaFunctionStarted', 'LambdaFunctionFailed', 'ExecutionFailed',
    ]);
    expect(result.history[4].lambdaFunctionFailedEventDetails).toEqual({ error: 'Oops', cause: 'c' });
  });

  test('TimeoutSeconds: TaskTimedOut; the execution\'s own TimeoutSeconds: ExecutionTimedOut', async () => {
    const wf = Workflow.fromDefinition(machine({ T: { Type: 'Task', Resource: LAMBDA, TimeoutSeconds: 10, End: true } }));
    const result = await wf.execute({ taskHandler: { handle: () => ({ result: 1, durationSeconds: 60 }) } });
    expect(result.history.map((e) => e.type).slice(-2)).toEqual(['TaskTimedOut', 'ExecutionFailed']);
    const timedOut = Workflow.fromDefinition(machine({ W: { Type: 'Wait', Seconds: 100, End: true } }, { TimeoutSeconds: 30 }));
    const r2 = await timedOut.execute();
    expect(r2).toMatchObject({ status: 'TIMED_OUT', elapsedSeconds: 30 });
    expect(r2.history.map((e) => e.type)).toEqual(['ExecutionStarted', 'WaitStateEntered', 'ExecutionTimedOut']);
  });

  test('the execution deadline stops concurrent branches too', async () => {
    const wf = Workflow.fromDefinition(machine({
      Par: {
        Type: 'Parallel',
        Branches: [machine({ A: { Type: 'Wait', Seconds: 10, Next: 'A2' }, A2: { Type: 'Wait', Seconds: 100, End: true } }), machine({ B: { Type: 'Wait', Seconds: 50, End: true } })],
        End: true,
      },
    }, { TimeoutSeconds: 40 }));
    const result = await wf.execute();
    expect(result).toMatchObject({ status: 'TIMED_OUT', error: 'States.Timeout', elapsedSeconds: 40 });
    expect(result.states.map((s) => s.name)).toEqual(['Par', 'A', 'B', 'A2']);
  });

  test('CLI --history adds the events to the printed result', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cli-history-')), 'def.json');
    fs.writeFileSync(file, JSON.stringify(machine({ P: { Type: 'Pass', End: true } })));
    let out = '';
    const io = { stdout: (t: string) => { out += t; }, stderr: () => undefined };
    expect(await main(['run', '--definition', file, '--history'], io)).toBe(0);
    expect(JSON.parse(out).history.map((e: any) => e.type)).toEqual(['ExecutionStarted', 'PassStateEntered', 'PassStateExited', 'ExecutionSucceeded']);
    out = '';
    expect(await main(['run', '--definition', file], io)).toBe(0);
    expect(JSON.parse(out).history).toBeUndefined();
  });
});

describe('exact semantics', () => {
  test('states inside a Parallel or Map default to the state machine\'s QueryLanguage, not the Parallel\'s', async () => {
    // GIVEN a JSONPath state machine with a JSONata Parallel whose branch uses JSONPath fields
    const wf = Workflow.fromDefinition(machine({
      Par: {
        Type: 'Parallel',
        QueryLanguage: 'JSONata',
        Arguments: { n: '{% $states.input.n * 2 %}' },
        Branches: [machine({ B: { Type: 'Pass', Parameters: { 'doubled.$': '$.n' }, End: true } })],
        Output: '{% $states.result[0] %}',
        End: true,
      },
    }));
    expect((await wf.execute({ input: { n: 4 } })).output).toEqual({ doubled: 8 });
    // ... and a JSONata field in that branch is refused as it would be at the top level
    expect(() => Workflow.fromDefinition(machine({
      Par: { Type: 'Parallel', QueryLanguage: 'JSONata', Branches: [machine({ B: { Type: 'Pass', Output: '{% 1 %}', End: true } })], End: true },
    }))).toThrow(/State 'B': Output is a JSONata field/);
  });

  test('a JSONPath-only field anywhere in a JSONata state is refused: a Catch\'s ResultPath, a Choice rule\'s Variable, MaxConcurrencyPath', () => {
    const jsonata = { QueryLanguage: 'JSONata' };
    expect(() => Workflow.fromDefinition(machine({
      T: { Type: 'Task', Resource: LAMBDA, Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'H' }], End: true },
      H: { Type: 'Pass', End: true },
    }, jsonata))).toThrow(/State 'T': Catch\[0\]\.ResultPath is a JSONPath field/);
    expect(() => Workflow.fromDefinition(machine({
      C: { Type: 'Choice', Choices: [{ Condition: '{% true %}', Variable: '$.x', Next: 'H' }] },
      H: { Type: 'Pass', End: true },
    }, jsonata))).toThrow(/State 'C': Choices\[0\]\.Variable is a JSONPath field/);
    expect(() => Workflow.fromDefinition(machine({
      M: { Type: 'Map', MaxConcurrencyPath: '$.n', ItemProcessor: machine({ P: { Type: 'Pass', End: true } }), End: true },
    }, jsonata))).toThrow(/State 'M': MaxConcurrencyPath is a JSONPath field/);
    // and the reverse: a JSONata Catch Output in a JSONPath state
    expect(() => Workflow.fromDefinition(machine({
      T: { Type: 'Task', Resource: LAMBDA, Catch: [{ ErrorEquals: ['States.ALL'], Output: '{% 1 %}', Next: 'H' }], End: true },
      H: { Type: 'Pass', End: true },
    }))).toThrow(/State 'T': Catch\[0\]\.Output is a JSONata field/);
  });

  test.each([1.5, '2', -1])('MaxConcurrencyPath selecting %p fails the state with States.Runtime', async (value) => {
    const wf = Workflow.fromDefinition(machine({
      M: { Type: 'Map', ItemsPath: '$.items', MaxConcurrencyPath: '$.n', ItemProcessor: machine({ P: { Type: 'Pass', End: true } }), End: true },
    }));
    const result = await wf.execute({ input: { items: [1], n: value } });
    expect(result).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
    expect(result.cause).toMatch(/^An error occurred while executing the state 'M' \(entered at the event id #2\)\. MaxConcurrencyPath '\$\.n' must be a non-negative integer/);
  });

  test('MaxConcurrencyPath selecting an integer limits the iterations', async () => {
    const wf = Workflow.fromDefinition(machine({
      M: { Type: 'Map', ItemsPath: '$.items', MaxConcurrencyPath: '$.n', ItemProcessor: machine({ W: { Type: 'Wait', SecondsPath: '$', End: true } }), End: true },
    }));
    expect((await wf.execute({ input: { items: [5, 5, 5], n: 1 } })).elapsedSeconds).toBe(15);
  });

  test.each(LANGUAGES)('%s: a Wait timestamp without a time zone fails the state; with an offset it waits', async (language) => {
    const wait = language === 'JSONata'
      ? { Type: 'Wait', Timestamp: '{% $states.input.at %}', End: true }
      : { Type: 'Wait', TimestampPath: '$.at', End: true };
    const wf = Workflow.fromDefinition(machine({ W: wait }, language === 'JSONata' ? { QueryLanguage: 'JSONata' } : {}));
    const bad = await wf.execute({ input: { at: '2026-01-01T00:01:00' } });
    expect(bad).toMatchObject({ status: 'FAILED', error: language === 'JSONata' ? 'States.QueryEvaluationError' : 'States.Runtime' });
    expect(bad.cause).toMatch(/entered at the event id #2\)\. .*must be an RFC 3339 timestamp with a time zone/);
    const ok = await wf.execute({ input: { at: '2026-01-01T01:01:00.900+01:00' } });
    expect(ok).toMatchObject({ status: 'SUCCEEDED', elapsedSeconds: 60 }); // milliseconds are cut, as AWS does
  });

  describe('a task handler\'s outcome is checked', () => {
    const wf = Workflow.fromDefinition(machine({ Job: { Type: 'Task', Resource: LAMBDA, End: true } }));
    test.each([
      ['an unknown key', { result: 1, duration_seconds: 5 }, /call 0 \(0-based; attempt 0\) of state 'Job' returned unknown key\(s\) 'duration_seconds'/],
      ['undefined', undefined, /call 0 \(0-based; attempt 0\) of state 'Job' must return a TaskOutcome object.*got undefined/],
      ['null', null, /state 'Job' must return a TaskOutcome object.*got null/],
      ['a negative duration', { result: 1, durationSeconds: -1 }, /state 'Job': durationSeconds must be a non-negative number; got -1/],
      ['a bare value', 'done', /state 'Job' must return a TaskOutcome object.*got "done"/],
    ])('%s', async (_what, outcome, message) => {
      await expect(wf.execute({ taskHandler: { handle: () => outcome } })).rejects.toThrow(message);
    });
  });
});
