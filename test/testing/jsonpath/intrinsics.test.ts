import { createHash } from 'node:crypto';
import { StatesError } from '../../../src/testing/private/errors';
import { applyPayloadTemplate, evaluateIntrinsic, PathContext } from '../../../src/testing/private/jsonpath';

function ctxOf(input: any, extra: Partial<PathContext> = {}): PathContext {
  return { input, context: {}, variables: {}, random: () => 0.5, ...extra };
}

function statesErrorOf(fn: () => unknown): StatesError {
  try {
    fn();
  } catch (e) {
    if (e instanceof StatesError) return e;
    throw e;
  }
  throw new Error('expected a StatesError');
}

/** A deterministic random source: a simple LCG in [0, 1). */
function lcg(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1664525 + 1013904223) % 4294967296;
    return s / 4294967296;
  };
}

describe('the documented examples of AWS\'s intrinsic functions', () => {
  test.each([
    ['States.Format', { name: 'Arnav', template: 'Hello, my name is {}.' }, "States.Format('Hello, my name is {}.', $.name)", 'Hello, my name is Arnav.'],
    ['States.Format (template from a path)', { name: 'Arnav', template: 'Hello, my name is {}.' }, 'States.Format($.template, $.name)', 'Hello, my name is Arnav.'],
    ['States.StringToJson', { escapedJsonString: '{"foo": "bar"}' }, 'States.StringToJson($.escapedJsonString)', { foo: 'bar' }],
    ['States.JsonToString', { unescapedJson: { foo: 'bar' } }, 'States.JsonToString($.unescapedJson)', '{"foo":"bar"}'],
    ['States.Array', { Id: 123456 }, 'States.Array($.Id)', [123456]],
    ['States.ArrayPartition', { inputArray: [1, 2, 3, 4, 5, 6, 7, 8, 9] }, 'States.ArrayPartition($.inputArray,4)', [[1, 2, 3, 4], [5, 6, 7, 8], [9]]],
    ['States.ArrayContains', { inputArray: [1, 2, 3, 4, 5, 6, 7, 8, 9], lookingFor: 5 }, 'States.ArrayContains($.inputArray, $.lookingFor)', true],
    ['States.ArrayRange', {}, 'States.ArrayRange(1, 9, 2)', [1, 3, 5, 7, 9]],
    ['States.ArrayGetItem', { inputArray: [1, 2, 3, 4, 5, 6, 7, 8, 9], index: 5 }, 'States.ArrayGetItem($.inputArray, $.index)', 6],
    ['States.ArrayLength', { inputArray: [1, 2, 3, 4, 5, 6, 7, 8, 9] }, 'States.ArrayLength($.inputArray)', 9],
    ['States.ArrayUnique', { inputArray: [1, 2, 3, 3, 3, 3, 3, 3, 4] }, 'States.ArrayUnique($.inputArray)', [1, 2, 3, 4]],
    ['States.Base64Encode', { input: 'Data to encode' }, 'States.Base64Encode($.input)', 'RGF0YSB0byBlbmNvZGU='],
    ['States.Base64Decode', { base64: 'RGF0YSB0byBlbmNvZGU=' }, 'States.Base64Decode($.base64)', 'Data to encode'],
    ['States.Hash', { Data: 'input data', Algorithm: 'SHA-1' }, 'States.Hash($.Data, $.Algorithm)', 'aaff4a450a104cd177d28d18d74485e8cae074b7'],
    ['States.JsonMerge', { json1: { a: { a1: 1, a2: 2 }, b: 2 }, json2: { a: { a3: 1, a4: 2 }, c: 3 } },
      'States.JsonMerge($.json1, $.json2, false)', { a: { a3: 1, a4: 2 }, b: 2, c: 3 }],
    ['States.MathAdd', { value1: 111, step: -1 }, 'States.MathAdd($.value1, $.step)', 110],
    ['States.StringSplit', { inputString: '1,2,3,4,5', splitter: ',' }, 'States.StringSplit($.inputString, $.splitter)', ['1', '2', '3', '4', '5']],
    ['States.StringSplit (several delimiters)', { inputString: 'This.is+a,test=string', splitter: '.+,=' },
      'States.StringSplit($.inputString, $.splitter)', ['This', 'is', 'a', 'test', 'string']],
  ])('%s', (_, input, expression, expected) => {
    // WHEN / THEN
    expect(evaluateIntrinsic(expression, ctxOf(input))).toEqual(expected);
  });

  test('the nine nested intrinsics of the guide build an ARN-derived name', () => {
    // GIVEN
    const input = { ImageRecipe: { Arn: 'arn:aws:imagebuilder:us-east-1:123456789012:image-recipe/my.recipe.name/1.0.0' } };
    const expression = "States.Format('{}.{}.{}', States.ArrayGetItem(States.StringSplit(States.ArrayGetItem(States.StringSplit($.ImageRecipe.Arn, '/'), 2), '.'), 0), "
      + "States.ArrayGetItem(States.StringSplit(States.ArrayGetItem(States.StringSplit($.ImageRecipe.Arn, '/'), 2), '.'), 1))";

    // WHEN / THEN (as printed in the guide, the template has three {} for two arguments, which fails)
    expect(statesErrorOf(() => evaluateIntrinsic(expression, ctxOf(input))).error).toBe('States.IntrinsicFailure');
    expect(evaluateIntrinsic(expression.replace("'{}.{}.{}'", "'{}.{}'"), ctxOf(input))).toBe('1.0');
  });
});

describe('States.Format', () => {
  test.each([
    ["States.Format('{} {} {} {}', 'a', 1.5, true, null)", {}, 'a 1.5 true null'],
    ["States.Format('literal \\{\\} and {}', 'x')", {}, 'literal {} and x'],
    ["States.Format('it\\'s {}', $.who)", { who: 'me' }, "it's me"],
    ["States.Format('back\\\\slash {}', 1)", {}, 'back\\slash 1'],
    ["States.Format('no placeholders')", {}, 'no placeholders'],
    ["States.Format('{}-{}', $$.Execution.Name, $var)", {}, 'run-7'],
    ["States.Format( '{}' , States.MathAdd(1, 2) )", {}, '3'],
  ])('%s', (expression, input, expected) => {
    const ctx = ctxOf(input, { context: { Execution: { Name: 'run' } }, variables: { var: 7 } });
    expect(evaluateIntrinsic(expression, ctx)).toBe(expected);
  });

  test.each([
    ["States.Format('{} {}', 'only one')", /2 placeholder\(s\) \{\} but 1 argument/],
    ["States.Format('{}', 'a', 'b')", /1 placeholder\(s\) \{\} but 2 argument/],
    ['States.Format($.n)', /first argument must be a string/],
  ])('GIVEN %s THEN States.IntrinsicFailure', (expression, cause) => {
    const error = statesErrorOf(() => evaluateIntrinsic(expression, ctxOf({ obj: { a: 1 }, n: 1 })));
    expect(error.error).toBe('States.IntrinsicFailure');
    expect(error.cause).toMatch(cause);
  });

  test('GIVEN a template read from a path THEN its backslashes are plain text and {} still a placeholder', () => {
    expect(evaluateIntrinsic('States.Format($.t, 1)', ctxOf({ t: 'a\\b {}' }))).toBe('a\\b 1');
  });
});

describe('arrays', () => {
  test.each([
    ['States.ArrayRange(0, 0, 1)', [0]],
    ['States.ArrayRange(1, 10, 4)', [1, 5, 9]],
    ['States.ArrayRange(9, 1, -2)', [9, 7, 5, 3, 1]],
    ['States.ArrayRange(1, 9, -1)', []],
    ['States.ArrayRange(1, 1000, 1)', Array.from({ length: 1000 }, (_, k) => k + 1)],
    ['States.ArrayRange(-5, -1, 2)', [-5, -3, -1]],
    ['States.ArrayPartition(States.Array(), 2)', []],
    ["States.ArrayContains(States.Array(States.StringToJson('{\"a\":[1]}')), States.StringToJson('{\"a\":[1]}'))", true],
    ["States.ArrayContains(States.Array(1, '1'), 2)", false],
    ["States.ArrayUnique(States.Array(1, '1', 1, null, null, States.Array(1), States.Array(1)))", [1, '1', null, [1]]],
    ['States.ArrayGetItem(States.Array(1, 2), 0)', 1],
    ['States.ArrayLength(States.Array())', 0],
    ['States.Array()', []],
    ['States.Array(1, \'two\', true, null, $.o)', [1, 'two', true, null, { k: 'v' }]],
  ])('%s', (expression, expected) => {
    expect(evaluateIntrinsic(expression, ctxOf({ o: { k: 'v' } }))).toEqual(expected);
  });

  test.each([
    ['States.ArrayRange(1, 1001, 1)', /1001 items; at most 1000/],
    ['States.ArrayRange(1, 9, 0)', /step must not be 0/],
    ["States.ArrayRange('1', 9, 1)", /argument 1 must be of type number/],
    ['States.ArrayRange(1, 9, 0.4)', /step must not be 0/],
    ['States.ArrayPartition(States.Array(1), 0.4)', /chunk size must be a positive integer; got 0/],
    ['States.ArrayRange(1, 9)', /expected 3 argument\(s\), got 2/],
    ['States.ArrayPartition(States.Array(1), 0)', /chunk size must be a positive integer/],
    ['States.ArrayPartition($.o, 2)', /argument 1 must be of type array/],
    ['States.ArrayGetItem(States.Array(1, 2), 2)', /index 2 is out of bounds/],
    ['States.ArrayGetItem(States.Array(1, 2), -1)', /index -1 is out of bounds/],
    ['States.ArrayLength($.o)', /argument 1 must be of type array/],
  ])('GIVEN %s THEN States.IntrinsicFailure', (expression, cause) => {
    const error = statesErrorOf(() => evaluateIntrinsic(expression, ctxOf({ o: {} })));
    expect(error.error).toBe('States.IntrinsicFailure');
    expect(error.cause).toMatch(cause);
  });
});

describe('encoding and hashing', () => {
  test.each(['MD5', 'SHA-1', 'SHA-256', 'SHA-384', 'SHA-512'])('States.Hash with %s matches node:crypto', (algorithm) => {
    // GIVEN
    const node = { 'MD5': 'md5', 'SHA-1': 'sha1', 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512' }[algorithm]!;
    const data = 'Grüße, {Step Functions}';

    // WHEN / THEN
    expect(evaluateIntrinsic(`States.Hash($.d, '${algorithm}')`, ctxOf({ d: data })))
      .toBe(createHash(node).update(data, 'utf8').digest('hex'));
  });

  test('Base64 round-trips UTF-8 text', () => {
    expect(evaluateIntrinsic('States.Base64Decode(States.Base64Encode($.s))', ctxOf({ s: 'héllo → wörld' }))).toBe('héllo → wörld');
  });

  test.each([
    ["States.Hash('x', 'SHA-999')", /algorithm must be one of MD5, SHA-1, SHA-256, SHA-384, SHA-512/],
    ["States.Hash('x', 'sha256')", /algorithm must be one of/],
    ["States.Hash(1, 'MD5')", /argument 1 must be of type string/],
    ['States.Hash($.big, \'MD5\')', /10001 characters; at most 10000/],
    ['States.Base64Encode($.big)', /10001 characters; at most 10000/],
    ["States.Base64Decode('not base64!')", /is not Base64/],
    ['States.Base64Decode(5)', /must be of type string/],
  ])('GIVEN %s THEN States.IntrinsicFailure', (expression, cause) => {
    const error = statesErrorOf(() => evaluateIntrinsic(expression, ctxOf({ big: 'x'.repeat(10_001) })));
    expect(error.error).toBe('States.IntrinsicFailure');
    expect(error.cause).toMatch(cause);
  });

  test('GIVEN exactly 10,000 characters THEN Base64Encode and Hash accept them', () => {
    const ctx = ctxOf({ s: 'x'.repeat(10_000) });
    expect(evaluateIntrinsic('States.Base64Encode($.s)', ctx)).toBe(Buffer.from('x'.repeat(10_000)).toString('base64'));
    expect(evaluateIntrinsic("States.Hash($.s, 'MD5')", ctx)).toHaveLength(32);
  });
});

describe('JSON manipulation', () => {
  test('States.JsonMerge is shallow and does not mutate its arguments', () => {
    const input = { a: { x: 1 }, b: { y: 2 } };
    expect(evaluateIntrinsic('States.JsonMerge($.a, $.b, false)', ctxOf(input))).toEqual({ x: 1, y: 2 });
    expect(input).toEqual({ a: { x: 1 }, b: { y: 2 } });
  });

  test.each([
    ['States.JsonMerge($.a, $.b, true)', /deep merge is not supported/],
    ['States.JsonMerge($.a, $.b)', /expected 3 argument/],
    ['States.JsonMerge($.a, $.arr, false)', /argument 2 must be of type object/],
    ["States.StringToJson('{bad')", /not JSON text/],
    ['States.StringToJson($.a)', /must be of type string/],
  ])('GIVEN %s THEN States.IntrinsicFailure', (expression, cause) => {
    const error = statesErrorOf(() => evaluateIntrinsic(expression, ctxOf({ a: { x: 1 }, b: {}, arr: [] })));
    expect(error.error).toBe('States.IntrinsicFailure');
    expect(error.cause).toMatch(cause);
  });

  test('States.JsonToString renders compact JSON of any value', () => {
    expect(evaluateIntrinsic('States.JsonToString($)', ctxOf({ a: [1, { b: null }] }))).toBe('{"a":[1,{"b":null}]}');
    expect(evaluateIntrinsic("States.JsonToString('s')", ctxOf({}))).toBe('"s"');
  });
});

describe('math', () => {
  // AWS rounds non-integer operands half up, as Java's Math.round (recorded against AWS: 1.49 + 1.5 = 3,
  // 1.5 + 1.51 = 4, -1.49 + -1.5 = -2).
  test.each([
    ['States.MathAdd(-9, 3)', -6],
    ['States.MathAdd(1.49, 1.5)', 3],
    ['States.MathAdd(1.5, 1.51)', 4],
    ['States.MathAdd(-1.49, -1.5)', -2],
    ['States.MathAdd(2.5, 0)', 3],
    ['States.MathAdd(-2.5, 0)', -2],
  ])('%s = %s', (expression, expected) => {
    expect(evaluateIntrinsic(expression, ctxOf({}))).toBe(expected);
  });

  test('States.MathRandom stays in [start, end) and uses the execution\'s random source', () => {
    // GIVEN
    const random = lcg(42);
    const ctx = ctxOf({ start: 1, end: 999 }, { random });

    // WHEN
    const draws = Array.from({ length: 2000 }, () => evaluateIntrinsic('States.MathRandom($.start, $.end)', ctx));

    // THEN
    expect(draws.every((n) => Number.isInteger(n) && n >= 1 && n < 999)).toBe(true);
    expect(evaluateIntrinsic('States.MathRandom(0, 10)', ctxOf({}, { random: () => 0 }))).toBe(0);
    expect(evaluateIntrinsic('States.MathRandom(0, 10)', ctxOf({}, { random: () => 0.999999 }))).toBe(9);
  });

  test('States.MathRandom with a seed is deterministic and independent of the execution\'s source', () => {
    const a = evaluateIntrinsic('States.MathRandom(0, 999, 3)', ctxOf({}, { random: () => 0.1 }));
    const b = evaluateIntrinsic('States.MathRandom(0, 999, 3)', ctxOf({}, { random: () => 0.9 }));
    expect(a).toBe(b);
    expect(a).toBeGreaterThanOrEqual(0);
    expect(a).toBeLessThan(999);
  });

  test.each([
    ['States.MathRandom(5, 5)', /end \(5\) must be greater than the start \(5\)/],
    ["States.MathRandom('1', 5)", /argument 1 must be of type number/],
    ['States.MathRandom(1)', /expected 2 to 3 argument/],
    ["States.MathAdd(1, '2')", /argument 2 must be of type number/],
  ])('GIVEN %s THEN States.IntrinsicFailure', (expression, cause) => {
    const error = statesErrorOf(() => evaluateIntrinsic(expression, ctxOf({})));
    expect(error.error).toBe('States.IntrinsicFailure');
    expect(error.cause).toMatch(cause);
  });
});

describe('strings and identifiers', () => {
  test.each([
    ["States.StringSplit(',a,,b,', ',')", ['a', 'b']],
    ["States.StringSplit('abc', ',')", ['abc']],
    ["States.StringSplit('', ',')", []],
    ["States.StringSplit('a b', '')", ['a b']],
  ])('%s', (expression, expected) => {
    expect(evaluateIntrinsic(expression, ctxOf({}))).toEqual(expected);
  });

  test('States.UUID is a version 4 UUID drawn from the seeded random source', () => {
    // WHEN
    const first = evaluateIntrinsic('States.UUID()', ctxOf({}, { random: lcg(7) }));
    const again = evaluateIntrinsic('States.UUID()', ctxOf({}, { random: lcg(7) }));
    const other = evaluateIntrinsic('States.UUID()', ctxOf({}, { random: lcg(8) }));

    // THEN
    expect(first).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(again).toBe(first);
    expect(other).not.toBe(first);
  });

  test('States.UUID takes no argument', () => {
    expect(statesErrorOf(() => evaluateIntrinsic("States.UUID('x')", ctxOf({}))).error).toBe('States.IntrinsicFailure');
  });
});

describe('parsing', () => {
  test('GIVEN paths with filters, brackets and commas as arguments THEN they are read whole', () => {
    // GIVEN
    const input = { 'items': [{ p: 1, n: 'a' }, { p: 5, n: 'b' }], 'odd, key': 'v' };

    // WHEN / THEN
    expect(evaluateIntrinsic('States.ArrayLength($.items[?(@.p > 2)])', ctxOf(input))).toBe(1);
    expect(evaluateIntrinsic("States.Format('{}', $['odd, key'])", ctxOf(input))).toBe('v');
    expect(evaluateIntrinsic('States.Array($.items[0,1].n)', ctxOf(input))).toEqual([['a', 'b']]);
  });

  test('GIVEN numbers in every JSON form THEN they are numbers', () => {
    expect(evaluateIntrinsic('States.Array(0, -1, 2.5, 1e3, -2.5E-1)', ctxOf({}))).toEqual([0, -1, 2.5, 1000, -0.25]);
  });

  test.each([
    ['States.Nope(1)', /unknown intrinsic function States.Nope/],
    ['States.Array(1', /missing '\)' to close States.Array/],
    ['States.Array(1,)', /unexpected '\)'/],
    ['States.Array(1) extra', /unexpected ' ?extra' after the call/],
    ["States.Format('open \\x')", /open escape backslash before 'x'/],
    ["States.Format('unterminated)", /unterminated string literal/],
    ['States.Array(yes)', /unexpected 'y'/],
    ['Format(1)', /expected a function name/],
  ])('GIVEN %s THEN a syntax error is States.Runtime', (expression, cause) => {
    const error = statesErrorOf(() => evaluateIntrinsic(expression, ctxOf({})));
    expect(error.error).toBe('States.Runtime');
    expect(error.cause).toMatch(cause);
  });

  test('GIVEN a path argument that names nothing THEN States.Runtime in AWS\'s words', () => {
    const error = statesErrorOf(() => evaluateIntrinsic('States.Array($.missing)', ctxOf({ a: 1 })));
    expect(error.error).toBe('States.Runtime');
    expect(error.cause).toBe("The JsonPath argument for the field '$.missing' could not be found in the input '{\"a\":1}'");
  });

  test('GIVEN an intrinsic inside a payload template THEN its failure propagates unchanged', () => {
    const error = statesErrorOf(() => applyPayloadTemplate({ 'x.$': 'States.ArrayRange(1, 5000, 1)' }, ctxOf({})));
    expect(error.error).toBe('States.IntrinsicFailure');
  });
});
