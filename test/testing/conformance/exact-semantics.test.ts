/**
 * Exact semantics the documented examples do not cover, each after its AWS page (and, where the page is silent,
 * the behaviour AWS executions show).
 */
import { Workflow } from '../../../src/testing';

async function jsonPathOutput(state: any, input: any): Promise<any> {
  const result = await Workflow.fromDefinition({ StartAt: 'S', States: { S: { ...state, End: true } } }).execute({ input });
  if (result.status !== 'SUCCEEDED') throw new Error(`${result.error}: ${result.cause}`);
  return result.output;
}

async function jsonataOutput(expression: string, input: any = {}): Promise<any> {
  const result = await Workflow.fromDefinition({
    QueryLanguage: 'JSONata',
    StartAt: 'S',
    States: { S: { Type: 'Pass', Output: `{% ${expression} %}`, End: true } },
  }).execute({ input });
  if (result.status !== 'SUCCEEDED') throw new Error(`${result.error}: ${result.cause}`);
  return result.output;
}

// AWS: "Intrinsic functions for JSONPath states in Step Functions", https://docs.aws.amazon.com/step-functions/latest/dg/intrinsic-functions.html
// (States.ArrayPartition, States.ArrayRange; like States.MathAdd and States.MathRandom, AWS rounds non-integer
// numbers to the nearest integer before it checks them, half up).
describe('intrinsics round non-integer arguments', () => {
  test.each([
    ['States.ArrayPartition($.a, 1.5)', [[1, 2], [3, 4], [5]]],
    ['States.ArrayPartition($.a, 2.4)', [[1, 2], [3, 4], [5]]],
    ['States.ArrayRange(0.5, 3.4, 1)', [1, 2, 3]],
    ['States.ArrayRange(1, 9, 1.5)', [1, 3, 5, 7, 9]],
    ['States.ArrayRange(-1.5, 1.5, 1)', [-1, 0, 1, 2]],
  ])('%s', async (expression, expected) => {
    // WHEN
    const output = await jsonPathOutput({ Type: 'Pass', Parameters: { 'v.$': expression } }, { a: [1, 2, 3, 4, 5] });
    // THEN
    expect(output).toEqual({ v: expected });
  });

  test('a chunk size that rounds to 0 fails with States.IntrinsicFailure', async () => {
    await expect(jsonPathOutput({ Type: 'Pass', Parameters: { 'v.$': 'States.ArrayPartition($.a, 0.4)' } }, { a: [1] }))
      .rejects.toThrow(/^States.IntrinsicFailure: .*chunk size must be a positive integer; got 0/);
  });
});

// AWS: same page, States.Format ("the Value of the positionally-corresponding argument"). Objects and arrays are
// rendered as AWS renders them: a Java map's and list's text, members unquoted, at any depth.
describe('States.Format renders objects and arrays as AWS does', () => {
  test.each([
    ["States.Format('{}', $.obj)", { obj: { Arg1: 1, Arg2: [] } }, '{Arg1=1, Arg2=[]}'],
    ["States.Format('{}', $.list)", { list: [1, 'two', true, null] }, '[1, two, true, null]'],
    ["States.Format('got {} and {}', $.obj, $.list)", { obj: { a: { b: 'c' }, n: null }, list: [{ x: [1.5] }] }, 'got {a={b=c}, n=null} and [{x=[1.5]}]'],
    ["States.Format('{}', $.empty)", { empty: {} }, '{}'],
  ])('%s', async (expression, input, expected) => {
    const output = await jsonPathOutput({ Type: 'Pass', Parameters: { 'v.$': expression } }, input);
    expect(output).toEqual({ v: expected });
  });
});

// AWS: "Transforming data with JSONata in Step Functions", https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html
// ($range is a Step Functions function; its one-item result is a JSONata singleton sequence, unwrapped wherever it
// is used, as JSONata unwraps its own: https://docs.jsonata.org/predicate#singleton-array-and-value-equivalence).
describe('JSONata: singleton sequences are unwrapped', () => {
  test.each([
    ['$range(5, 5, 1)', 5],
    ['{"a": $range(5, 5)}', { a: 5 }],
    ['[$range(5, 5)]', [5]],
    ['$range(5, 5)[]', [5]],
    ['$count($range(5, 5))', 1],
    ['$range(1, 3)', [1, 2, 3]],
    ['$range(3, 1)', []],
    ['$states.input.items[$ > 1]', 2],
    ['$filter($states.input.items, function($v) { $v > 1 })', 2],
  ])('%s', async (expression, expected) => {
    expect(await jsonataOutput(expression, { items: [1, 2] })).toEqual(expected);
  });
});

// AWS: "Reference paths", https://docs.aws.amazon.com/step-functions/latest/dg/amazon-states-language-paths.html
// (JsonPath with bracket notation for member names that are not plain identifiers, in single or double quotes).
describe('JSONPath bracket notation with quoted keys', () => {
  const input = { 'a b': { c: 1 }, 'x': 2, 'a.b': 3, 'list': [{ 'a b': 4 }], 'a, b)': 5 };
  test.each([
    ['InputPath single quotes', { Type: 'Pass', InputPath: "$['a b']" }, { c: 1 }],
    ['InputPath double quotes', { Type: 'Pass', InputPath: '$["x"]' }, 2],
    ['Parameters, then a dot', { Type: 'Pass', Parameters: { 'v.$': "$['a b'].c" } }, { v: 1 }],
    ['Parameters, two brackets', { Type: 'Pass', Parameters: { 'v.$': '$["a b"]["c"]' } }, { v: 1 }],
    ['a dot inside the key', { Type: 'Pass', Parameters: { 'v.$': "$['a.b']" } }, { v: 3 }],
    ['after an index', { Type: 'Pass', Parameters: { 'v.$': "$.list[0]['a b']" } }, { v: 4 }],
    ['an intrinsic argument', { Type: 'Pass', Parameters: { 'v.$': "States.Format('{}', $['a b'].c)" } }, { v: '1' }],
    ['an intrinsic argument with a comma and a parenthesis in the key', { Type: 'Pass', Parameters: { 'v.$': "States.Format('{}', $['a, b)'])" } }, { v: '5' }],
    ['ResultPath', { Type: 'Pass', Result: 1, ResultPath: "$['new key']", OutputPath: "$['new key']" }, 1],
    ['the context object', { Type: 'Pass', Parameters: { 'v.$': "$$['Execution']['Name']" } }, { v: 'run-1' }],
  ])('%s', async (_what, state, expected) => {
    const result = await Workflow.fromDefinition({ StartAt: 'S', States: { S: { ...state, End: true } } }).execute({ input, executionName: 'run-1' });
    expect(result).toMatchObject({ status: 'SUCCEEDED', output: expected });
  });

  test('a quoted key the input does not have fails as a dotted one does', async () => {
    const result = await Workflow.fromDefinition({ StartAt: 'S', States: { S: { Type: 'Pass', InputPath: "$['nope']", End: true } } }).execute({ input });
    expect(result).toMatchObject({ status: 'FAILED', error: 'States.Runtime' });
    expect(result.cause).toMatch(/\$\['nope'\]/);
  });
});

// AWS: "Transforming data with JSONata in Step Functions", https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html
// (Writing JSONata expressions in JSON strings: the string must start with {% and end with %}, no spaces outside
// them; improperly opening or closing the expression is a validation error, caught when the definition is loaded).
describe('JSONata: an improperly opened or closed expression is refused', () => {
  const definition = (value: unknown) => ({ QueryLanguage: 'JSONata', StartAt: 'S', States: { S: { Type: 'Pass', Output: { a: [value] }, End: true } } });

  test.each(['{% 1 + 1 %}x', ' {% 1 %}', '{% 1 %} ', ' {% 1 %} ', '{% $x'])('%j', (value) => {
    expect(() => Workflow.fromDefinition(definition(value))).toThrow(/State 'S': Output\.a\[0\] must be a JSONata expression that starts with \{% and ends with %\}/);
  });

  test.each(['$states.input', 'a {% 1 %} b', 'x {% 1 %}', 'plain'])('%j is a literal string', async (value) => {
    const result = await Workflow.fromDefinition(definition(value)).execute({ input: {} });
    expect(result).toMatchObject({ status: 'SUCCEEDED', output: { a: [value] } });
  });

  test('a JSONPath state is not checked', async () => {
    const result = await Workflow.fromDefinition({ StartAt: 'S', States: { S: { Type: 'Pass', Result: '{% 1 %} ', End: true } } }).execute({ input: {} });
    expect(result).toMatchObject({ status: 'SUCCEEDED', output: '{% 1 %} ' });
  });
});

// AWS: "Accessing execution data from the Context object", https://docs.aws.amazon.com/step-functions/latest/dg/input-output-contextobject.html
// (timestamps with zero fractional seconds lose the trailing zeros; other fractions keep their milliseconds).
describe('context object timestamps', () => {
  test.each([
    ['2024-05-01T10:00:00.000Z', '2024-05-01T10:00:00Z'],
    ['2024-05-01T10:00:00.500Z', '2024-05-01T10:00:00.500Z'],
    ['2019-03-26T20:14:13.192Z', '2019-03-26T20:14:13.192Z'],
  ])('start %s reads %s', async (startTime, expected) => {
    const result = await Workflow.fromDefinition({ StartAt: 'S', States: { S: { Type: 'Pass', Parameters: { 'start.$': '$$.Execution.StartTime', 'entered.$': '$$.State.EnteredTime' }, End: true } } })
      .execute({ input: {}, startTime });
    expect(result.output).toEqual({ start: expected, entered: expected });
  });
});
