/**
 * JSON-text forms of the executor's inputs and outputs: from Python, jsii drops JSON null from dicts on their way
 * between Python and JavaScript (aws/jsii#3240), so definitions, inputs and results also travel as JSON text.
 */
import { testing } from '../../src';

const { Workflow } = testing;

describe('JSON text in and out', () => {
  // "ResultPath": null discards the result (AWS: "Discard the result and keep the original input",
  // https://docs.aws.amazon.com/step-functions/latest/dg/input-output-resultpath.html): dropping the null would run
  // a different state machine.
  const definitionJson = '{"StartAt":"P","States":{"P":{"Type":"Pass","Result":{"r":1},"ResultPath":null,"End":true}}}';

  test('fromDefinitionJson + inputJson keep every null; outputJson and toJson() give them back', async () => {
    // GIVEN
    const workflow = Workflow.fromDefinitionJson(definitionJson);
    // WHEN
    const result = await workflow.execute({ inputJson: '{"keep":null,"list":[null]}' });
    // THEN
    expect(workflow.definition.States.P.ResultPath).toBeNull();
    expect(JSON.parse(workflow.definitionJson)).toEqual(JSON.parse(definitionJson));
    expect(result.output).toEqual({ keep: null, list: [null] });
    expect(result.outputJson).toBe('{"keep":null,"list":[null]}');
    const whole = JSON.parse(result.toJson());
    expect(whole).toMatchObject({
      status: 'SUCCEEDED',
      output: { keep: null, list: [null] },
      stateTransitions: 1,
      unusedMocks: [],
      states: [{ name: 'P', type: 'Pass', input: { keep: null, list: [null] }, output: { keep: null, list: [null] } }],
    });
  });

  test('a failed execution has no outputJson; toJson() has its error and cause', async () => {
    const result = await Workflow.fromDefinitionJson('{"StartAt":"F","States":{"F":{"Type":"Fail","Error":"E","Cause":"c"}}}').execute();
    expect(result.outputJson).toBeUndefined();
    expect(JSON.parse(result.toJson())).toMatchObject({ status: 'FAILED', error: 'E', cause: 'c' });
  });

  test('a mock config as JSON text keeps a null Return', async () => {
    const workflow = Workflow.fromDefinition({ StartAt: 'T', States: { T: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', End: true } } });
    const mockConfig = '{"StateMachines":{"M":{"TestCases":{"c":{"T":"R"}}}},"MockedResponses":{"R":{"0":{"Return":{"Payload":null}}}}}';
    const result = await workflow.execute({ mockConfig, testCase: 'c' });
    expect(result.outputJson).toBe('{"Payload":null}');
  });

  test.each([
    ['a definition that is not JSON', () => Workflow.fromDefinitionJson('{'), /definition is not JSON/],
    ['a definition that is not a string', () => Workflow.fromDefinitionJson(42 as any), /definition JSON must be a string; got number/],
    ['a template that is not JSON', () => Workflow.fromTemplate('{'), /template is not JSON/],
  ])('%s is an error', (_what, build, message) => {
    expect(build).toThrow(message);
  });

  test.each([
    ['input and inputJson together', { input: {}, inputJson: '{}' }, /give input or inputJson, not both/],
    ['inputJson that is not JSON', { inputJson: '{' }, /inputJson is not JSON/],
    ['inputJson that is not a string', { inputJson: { a: 1 } as any }, /inputJson must be JSON text; got object/],
  ])('%s is an error', async (_what, options, message) => {
    await expect(Workflow.fromDefinitionJson(definitionJson).execute(options)).rejects.toThrow(message);
  });
});

test('JSON.stringify(result) shows the public fields once (what toJson() prints, without the indentation)', async () => {
  const result = await Workflow.fromDefinitionJson('{"StartAt":"P","States":{"P":{"Type":"Pass","End":true}}}').execute({ input: { a: null } });
  const plain = JSON.parse(JSON.stringify(result));
  expect(Object.keys(plain).sort()).toEqual(['elapsedSeconds', 'historyEvents', 'output', 'outputJson', 'stateTransitions', 'states', 'status', 'unusedMocks']);
  expect(JSON.parse(result.toJson())).toEqual(JSON.parse(JSON.stringify({ ...plain, outputJson: undefined })));
});
