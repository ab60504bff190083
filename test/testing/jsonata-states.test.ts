import { testing } from '../../src';

const { Workflow } = testing;

function jsonata(states: Record<string, any>, extra: Record<string, any> = {}): any {
  return { QueryLanguage: 'JSONata', StartAt: Object.keys(states)[0], States: states, ...extra };
}

describe('JSONata states', () => {
  test('Pass: Output and Assign see $states.input; variables are set for the next state', async () => {
    // GIVEN
    const wf = Workflow.fromDefinition(jsonata({
      A: { Type: 'Pass', Assign: { x: '{% $states.input.n * 2 %}' }, Output: { n: '{% $states.input.n + 1 %}' }, Next: 'B' },
      B: { Type: 'Pass', Output: '{% { "n": $states.input.n, "x": $x } %}', End: true },
    }));
    // WHEN
    const result = await wf.execute({ input: { n: 3 } });
    // THEN
    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toEqual({ n: 4, x: 6 });
    expect(result.stateTransitions).toBe(2);
    expect(result.historyEvents).toBe(2 + 2 + 2);
  });

  test('Output does not see the same state\'s Assign', async () => {
    const wf = Workflow.fromDefinition(jsonata({
      A: { Type: 'Pass', Assign: { x: 1 }, Next: 'B' },
      B: { Type: 'Pass', Assign: { x: 2 }, Output: '{% $x %}', End: true },
    }));
    expect((await wf.execute()).output).toBe(1);
  });

  test('a string that is not wholly {% %} is a literal', async () => {
    const wf = Workflow.fromDefinition(jsonata({ A: { Type: 'Pass', Output: { a: 'x {% 1 %}', b: '{% 1 + 1 %}' }, End: true } }));
    expect((await wf.execute()).output).toEqual({ a: 'x {% 1 %}', b: 2 });
  });

  test('Task: Arguments are the request; Output sees $states.result; the mock answers', async () => {
    // GIVEN
    const wf = Workflow.fromDefinition(jsonata({
      Call: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke',
        Arguments: { FunctionName: 'f', Payload: { id: '{% $states.input.id %}' } },
        Output: '{% $states.result.Payload %}',
        End: true,
      },
    }));
    // WHEN
    const result = await wf.execute({
      input: { id: 'a1' },
      testCase: 'ok',
      mockConfig: {
        StateMachines: { SM: { TestCases: { ok: { Call: 'CallOk' } } } },
        MockedResponses: { CallOk: { 0: { Return: { Payload: { done: true } } } } },
      },
    });
    // THEN
    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toEqual({ done: true });
    expect(result.states[0].request).toEqual({ FunctionName: 'f', Payload: { id: 'a1' } });
    expect(result.historyEvents).toBe(2 + 5);
  });

  test('Choice: Condition picks the rule; Default otherwise; NoChoiceMatched without Default', async () => {
    const states = {
      C: { Type: 'Choice', Choices: [{ Condition: '{% $states.input.n > 1 %}', Next: 'Big' }], Default: 'Small' },
      Big: { Type: 'Pass', Output: 'big', End: true },
      Small: { Type: 'Pass', Output: 'small', End: true },
    };
    const wf = Workflow.fromDefinition(jsonata(states));
    expect((await wf.execute({ input: { n: 2 } })).output).toBe('big');
    expect((await wf.execute({ input: { n: 0 } })).output).toBe('small');
    const noDefault = Workflow.fromDefinition(jsonata({ ...states, C: { ...states.C, Default: undefined } }));
    const failed = await noDefault.execute({ input: { n: 0 } });
    expect(failed).toMatchObject({ status: 'FAILED', error: 'States.NoChoiceMatched' });
  });

  test('Choice rule Output and Assign apply when the rule matches', async () => {
    const wf = Workflow.fromDefinition(jsonata({
      C: { Type: 'Choice', Choices: [{ Condition: '{% true %}', Assign: { picked: 'first' }, Output: { o: 1 }, Next: 'D' }] },
      D: { Type: 'Pass', Output: '{% [$states.input.o, $picked] %}', End: true },
    }));
    expect((await wf.execute()).output).toEqual([1, 'first']);
  });

  test('Wait: Seconds advance the virtual clock; $now() is virtual time', async () => {
    const wf = Workflow.fromDefinition(jsonata({
      W: { Type: 'Wait', Seconds: '{% $states.input.s %}', Next: 'T' },
      T: { Type: 'Pass', Output: '{% $now() %}', End: true },
    }));
    const result = await wf.execute({ input: { s: 90 } });
    expect(result.elapsedSeconds).toBe(90);
    expect(result.output).toBe('2026-01-01T00:01:30.000Z');
    expect(result.states.map((s) => [s.name, s.enteredSeconds, s.exitedSeconds])).toEqual([['W', 0, 90], ['T', 90, 90]]);
  });

  test('Wait: Timestamp in the past does not wait; in the future waits until then', async () => {
    const wf = Workflow.fromDefinition(jsonata({ W: { Type: 'Wait', Timestamp: '{% $states.input.t %}', End: true } }));
    expect((await wf.execute({ input: { t: '2026-01-01T01:00:00Z' } })).elapsedSeconds).toBe(3600);
    expect((await wf.execute({ input: { t: '2025-01-01T00:00:00Z' } })).elapsedSeconds).toBe(0);
  });

  test('Succeed and Fail with expressions', async () => {
    const ok = Workflow.fromDefinition(jsonata({ S: { Type: 'Succeed', Output: '{% $states.input.a %}' } }));
    expect((await ok.execute({ input: { a: 5 } })).output).toBe(5);
    const fail = Workflow.fromDefinition(jsonata({ F: { Type: 'Fail', Error: '{% "My." & $states.input.e %}', Cause: 'because' } }));
    const result = await fail.execute({ input: { e: 'Oops' } });
    expect(result).toMatchObject({ status: 'FAILED', error: 'My.Oops', cause: 'because', historyEvents: 3 });
    expect(result.output).toBeUndefined();
  });

  test('a JSONata failure is States.QueryEvaluationError, and undefined results name the field', async () => {
    const wf = Workflow.fromDefinition(jsonata({ A: { Type: 'Pass', Output: { x: '{% $states.input.missing %}' }, End: true } }));
    const result = await wf.execute({ input: {} });
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('States.QueryEvaluationError');
    expect(result.cause).toMatch(/Output\.x/);
    const bad = Workflow.fromDefinition(jsonata({ A: { Type: 'Pass', Output: '{% $eval("1") %}', End: true } }));
    expect((await bad.execute()).error).toBe('States.QueryEvaluationError');
  });

  test('Step Functions functions: $partition, $range, $hash, $parse, seeded $random and $uuid', async () => {
    const wf = Workflow.fromDefinition(jsonata({
      A: {
        Type: 'Pass',
        Output: {
          p: '{% $partition([1,2,3,4,5], 2) %}',
          r: '{% $range(0, 10, 5) %}',
          h: '{% $hash("abc", "SHA-256") %}',
          j: '{% $parse(\'{"a":1}\') %}',
          rnd: '{% $random() %}',
          u: '{% $uuid() %}',
          seeded: '{% $random(7) = $random(7) %}',
          ms: '{% $millis() %}',
        },
        End: true,
      },
    }));
    const a = await wf.execute({ seed: 42 });
    const b = await wf.execute({ seed: 42 });
    expect(a.output).toMatchObject({
      p: [[1, 2], [3, 4], [5]],
      r: [0, 5, 10],
      h: 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
      j: { a: 1 },
      seeded: true,
      ms: Date.parse('2026-01-01T00:00:00Z'),
    });
    expect(a.output.u).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(b.output).toEqual(a.output);
    expect((await wf.execute({ seed: 43 })).output.u).not.toBe(a.output.u);
  });

  test('$states.context has the execution, state and start time', async () => {
    const wf = Workflow.fromDefinition(jsonata({ A: { Type: 'Pass', Output: '{% $states.context %}', End: true } }));
    const result = await wf.execute({ input: { q: 1 }, executionName: 'run-1', stateMachineName: 'Jobs' });
    expect(result.output).toMatchObject({
      Execution: { Name: 'run-1', Input: { q: 1 }, StartTime: '2026-01-01T00:00:00Z', Id: 'arn:aws:states:us-east-1:123456789012:execution:Jobs:run-1' },
      State: { Name: 'A', EnteredTime: '2026-01-01T00:00:00Z', RetryCount: 0 },
      StateMachine: { Name: 'Jobs' },
    });
  });
});
