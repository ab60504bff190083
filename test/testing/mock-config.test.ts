/**
 * The mock-config format means what it means in Step Functions Local.
 * AWS: "Configuration file for mocked service integrations"
 *   https://docs.aws.amazon.com/step-functions/latest/dg/sfn-local-mock-cfg-file.html
 * and "Using mocked service integrations for testing in Step Functions Local"
 *   https://docs.aws.amazon.com/step-functions/latest/dg/sfn-local-test-sm-exec.html
 */
import { testing } from '../../src';

const { Workflow } = testing;

const LAMBDA = 'arn:aws:states:::lambda:invoke';

function machine(states: Record<string, any>, extra: Record<string, any> = {}): any {
  return { StartAt: Object.keys(states)[0], States: states, ...extra };
}

const responses = {
  Ok: { 0: { Return: { Payload: 'ok' } } },
  OkTwice: { '0-1': { Return: { Payload: 'ok' } } },
  Fails: { 0: { Throw: { Error: 'Lambda.Unknown', Cause: 'boom' } } },
};

/** Check → Choice: on a failure the Report state never runs. */
const pipeline = machine({
  Check: { Type: 'Task', Resource: LAMBDA, Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Failed' }], Next: 'Report' },
  Report: { Type: 'Task', Resource: LAMBDA, End: true },
  Failed: { Type: 'Fail', Error: 'CheckFailed' },
});

describe('unused mocks are listed, not errors', () => {
  test('one test case serves the failure path too: the state that never ran is in unusedMocks', async () => {
    // GIVEN a test case that mocks both states, and a Check that fails
    const mockConfig = {
      StateMachines: { Pipeline: { TestCases: { CheckFails: { Check: 'Fails', Report: 'Ok' }, HappyPath: { Check: 'Ok', Report: 'Ok' } } } },
      MockedResponses: responses,
    };
    // WHEN
    const failed = await Workflow.fromDefinition(pipeline).execute({ mockConfig, testCase: 'CheckFails' });
    const happy = await Workflow.fromDefinition(pipeline).execute({ mockConfig, testCase: 'HappyPath' });
    // THEN the execution has its result, and names the mock it did not use
    expect(failed).toMatchObject({ status: 'FAILED', error: 'CheckFailed', unusedMocks: ['Report'] });
    expect(happy).toMatchObject({ status: 'SUCCEEDED', unusedMocks: [] });
  });

  test('without a mock config, unusedMocks is empty', async () => {
    const result = await Workflow.fromDefinition(machine({ P: { Type: 'Pass', End: true } })).execute();
    expect(result.unusedMocks).toEqual([]);
  });
});

describe('a test case naming a state the definition does not have is a config error (a typo)', () => {
  const nested = machine({
    Par: {
      Type: 'Parallel',
      Branches: [machine({ InBranch: { Type: 'Task', Resource: LAMBDA, End: true } })],
      ResultPath: '$.branches',
      Next: 'Each',
    },
    Each: {
      Type: 'Map',
      ItemsPath: '$.items',
      ItemProcessor: machine({ InMap: { Type: 'Task', Resource: LAMBDA, End: true } }),
      End: true,
    },
  });

  test('states inside Parallel branches and Map item processors exist', async () => {
    // GIVEN mocks for a branch's state and an iteration's state
    const mockConfig = {
      StateMachines: { M: { TestCases: { c: { InBranch: 'Ok', InMap: 'OkTwice' } } } },
      MockedResponses: responses,
    };
    // WHEN
    const result = await Workflow.fromDefinition(nested).execute({ input: { items: [1, 2] }, mockConfig, testCase: 'c' });
    // THEN
    expect(result).toMatchObject({ status: 'SUCCEEDED', output: [{ Payload: 'ok' }, { Payload: 'ok' }], unusedMocks: [] });
  });

  test.each([
    ['a misspelt state', { Inbranch: 'Ok' }, /test case 'c' mocks state 'Inbranch', which the definition does not have \(a typo\?\)/],
    ['a state that is not a Task', { Par: 'Ok' }, /mocks state 'Par', which is a Parallel state: only Task states and Distributed Map states with an ItemReader or a ResultWriter call services/],
  ])('%s', async (_what, mapping, message) => {
    const mockConfig = { StateMachines: { M: { TestCases: { c: mapping } } }, MockedResponses: responses };
    await expect(Workflow.fromDefinition(nested).execute({ input: { items: [] }, mockConfig, testCase: 'c' })).rejects.toThrow(message);
  });
});

describe('a call with no mocked response fails the execution ("If you do not specify a mocked response, the state machine execution will fail")', () => {
  test('a call beyond the ranges: FAILED with States.Runtime, which no Retry or Catch takes; the result is there', async () => {
    // GIVEN a retried, caught state whose mock answers only the first call
    const wf = Workflow.fromDefinition(machine({
      T: {
        Type: 'Task',
        Resource: LAMBDA,
        Retry: [{ ErrorEquals: ['States.ALL'], MaxAttempts: 3, IntervalSeconds: 1 }],
        Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Caught' }],
        End: true,
      },
      Caught: { Type: 'Succeed' },
    }));
    const mockConfig = { StateMachines: { M: { TestCases: { c: { T: 'Fails' } } } }, MockedResponses: responses };
    // WHEN
    const result = await wf.execute({ mockConfig, testCase: 'c' });
    // THEN call 0 fails as mocked and is retried; call 1 has no response: the execution fails, uncaught
    expect(result).toMatchObject({
      status: 'FAILED',
      error: 'States.Runtime',
      cause: "An error occurred while executing the state 'T' (entered at the event id #2). Task state 'T' has no mocked response for call 1 (0-based) in test case 'c': mocked response 'Fails' answers calls 0",
      elapsedSeconds: 1,
      unusedMocks: [],
    });
    expect(result.states.map((s) => s.name)).toEqual(['T']);
  });

  test('a Task that neither the test case nor a task handler answers fails the execution, naming the state', async () => {
    // GIVEN
    const wf = Workflow.fromDefinition(machine({
      Lonely: { Type: 'Task', Resource: LAMBDA, Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Caught' }], End: true },
      Caught: { Type: 'Succeed' },
    }));
    // WHEN
    const bare = await wf.execute();
    const mocked = await wf.execute({ mockConfig: { StateMachines: { M: { TestCases: { c: {} } } } }, testCase: 'c' });
    // THEN
    expect(bare).toMatchObject({
      status: 'FAILED',
      error: 'States.Runtime',
      cause: `An error occurred while executing the state 'Lonely' (entered at the event id #2). Task state 'Lonely' (${LAMBDA}) has no mocked response and no task handler answers it: the offline executor never calls AWS`,
    });
    expect(mocked.cause).toMatch(/has no mocked response in test case 'c' and no task handler/);
  });

  test('inside a Map iteration: the iteration fails the Map and the execution', async () => {
    const wf = Workflow.fromDefinition(machine({
      Each: { Type: 'Map', ItemProcessor: machine({ Call: { Type: 'Task', Resource: LAMBDA, End: true } }), End: true },
    }));
    const mockConfig = { StateMachines: { M: { TestCases: { c: { Call: 'Ok' } } } }, MockedResponses: responses };
    const result = await wf.execute({ input: [1, 2], mockConfig, testCase: 'c' });
    expect(result).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
    expect(result.cause).toMatch(/'Call' has no mocked response for call 1/);
  });
});

describe('mocked responses are checked before anything runs', () => {
  const wf = Workflow.fromDefinition(machine({ T: { Type: 'Task', Resource: LAMBDA, End: true } }));
  test.each([
    ['Return and Throw together', { 0: { Return: {}, Throw: { Error: 'E', Cause: 'c' } } }, /mocked response 'R' "0" has both Return and Throw/],
    ['neither', { 0: { Value: 1 } }, /mocked response 'R' "0" must have a Return or a Throw field; got Value/],
    ['a Throw without an Error string', { 0: { Throw: { Cause: 'c' } } }, /"0": Throw must be an object with an Error string/],
    ['a Cause that is not a string', { 0: { Throw: { Error: 'E', Cause: 1 } } }, /Throw.Cause must be a string; got 1/],
    ['a key that is not a number or range', { first: { Return: {} } }, /key "first" must be an invocation number or an inclusive range/],
    ['a range that ends before it starts', { '3-1': { Return: {} } }, /"3-1": the range ends before it starts/],
    ['overlapping ranges', { '0-2': { Return: {} }, '2': { Return: {} } }, /mocked response 'R' "0-2" overlaps "2": each call has one response/],
  ])('%s is a config error', async (_what, response, message) => {
    const mockConfig = { StateMachines: { M: { TestCases: { c: { T: 'R' } } } }, MockedResponses: { R: response } };
    await expect(wf.execute({ mockConfig, testCase: 'c' })).rejects.toThrow(message);
  });

  test.each([
    ['a test case without a mock config', { testCase: 'c' }, /testCase needs a mock config \(mockConfig or mockConfigFile\)/],
    ['a mock config without a test case', { mockConfig: { StateMachines: {} } }, /a mock config needs testCase/],
    ['mockStateMachine without a mock config', { mockStateMachine: 'M' }, /mockStateMachine needs a mock config/],
    ['mock config text that is not JSON', { mockConfig: '{', testCase: 'c' }, /mockConfig is not JSON/],
  ])('%s is an error naming the option', async (_what, options, message) => {
    await expect(wf.execute(options)).rejects.toThrow(message);
  });
});

describe("the mock config's StateMachines entry", () => {
  const definition = machine({ T: { Type: 'Task', Resource: LAMBDA, End: true } });
  const mockConfig = {
    StateMachines: {
      'PipelineAB12': { TestCases: { c: { T: 'Ok' } } },
      'my-pipeline': { TestCases: { c: { T: 'Fails' } } },
    },
    MockedResponses: responses,
  };
  const template = {
    Resources: {
      PipelineAB12: {
        Type: 'AWS::StepFunctions::StateMachine',
        Properties: { StateMachineName: 'my-pipeline', DefinitionString: JSON.stringify(definition) },
      },
    },
  };

  test('a template state machine is found in the mock config by logical id or StateMachineName', async () => {
    // GIVEN the template picked by either name
    const byId = Workflow.fromTemplate(template, 'PipelineAB12');
    const byName = Workflow.fromTemplate(template, 'my-pipeline');
    expect(byName.logicalId).toBe('PipelineAB12');
    expect(byName.stateMachineName).toBe('my-pipeline');
    // WHEN the mock config has only the StateMachineName entry
    const onlyName = { ...mockConfig, StateMachines: { 'my-pipeline': mockConfig.StateMachines['my-pipeline'] } };
    const r1 = await byId.execute({ mockConfig: onlyName, testCase: 'c' });
    // THEN it is used; with both entries, the logical id's comes first; mockStateMachine picks exactly
    expect(r1.error).toBe('Lambda.Unknown');
    expect((await byName.execute({ mockConfig, testCase: 'c' })).status).toBe('SUCCEEDED');
    expect((await byName.execute({ mockConfig, testCase: 'c', mockStateMachine: 'my-pipeline' })).error).toBe('Lambda.Unknown');
  });

  test("the template's StateMachineName is the context object's StateMachine.Name", async () => {
    const wf = Workflow.fromTemplate({
      Resources: {
        SM: {
          Type: 'AWS::StepFunctions::StateMachine',
          Properties: { StateMachineName: 'my-pipeline', Definition: machine({ P: { Type: 'Pass', Parameters: { 'name.$': '$$.StateMachine.Name' }, End: true } }) },
        },
      },
    });
    expect((await wf.execute()).output).toEqual({ name: 'my-pipeline' });
  });

  test('several entries, none matching: the error lists them and names mockStateMachine', async () => {
    const wf = Workflow.fromDefinition(definition);
    await expect(wf.execute({ mockConfig, testCase: 'c' })).rejects.toThrow(
      /the mock config has 2 state machines under StateMachines \(PipelineAB12, my-pipeline\): pick one with mockStateMachine/);
    await expect(wf.execute({ mockConfig, testCase: 'c', stateMachineName: 'Other' })).rejects.toThrow(/none named 'Other': pick one/);
    await expect(wf.execute({ mockConfig, testCase: 'c', mockStateMachine: 'Nope' })).rejects.toThrow(
      /mockStateMachine 'Nope': the mock config has no such entry under StateMachines \(has: PipelineAB12, my-pipeline\)/);
  });
});
