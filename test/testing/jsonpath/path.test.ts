import { StatesError } from '../../../src/testing/private/errors';
import {
  applyPayloadTemplate,
  applyResultPath,
  isReferencePath,
  PathContext,
  pathExists,
  readPath,
} from '../../../src/testing/private/jsonpath';

function ctxOf(input: any, extra: Partial<PathContext> = {}): PathContext {
  return { input, context: {}, variables: {}, random: () => 0.5, ...extra };
}

/** Runs fn and returns the StatesError it throws. */
function statesErrorOf(fn: () => unknown): StatesError {
  try {
    fn();
  } catch (e) {
    if (e instanceof StatesError) return e;
    throw e;
  }
  throw new Error('expected a StatesError');
}

describe('readPath', () => {
  // The example document of AWS's "Paths" page.
  const doc = { foo: 123, bar: ['a', 'b', 'c'], car: { cdr: true } };

  test.each([
    ['$', doc],
    ['$.foo', 123],
    ['$.bar', ['a', 'b', 'c']],
    ['$.car.cdr', true],
    ['$.bar[0]', 'a'],
    ['$.bar[-1]', 'c'],
    ["$['car']['cdr']", true],
    ['$["car"].cdr', true],
  ])('GIVEN the Paths example WHEN reading %s THEN it names one value', (path, expected) => {
    // WHEN / THEN
    expect(readPath(path, ctxOf(doc))).toEqual(expected);
  });

  test('GIVEN member names with spaces, dashes and quotes WHEN read with bracket notation THEN they resolve', () => {
    // GIVEN
    const input = { 'x y': { "it's": 1 }, 'a-b': 2 };

    // WHEN / THEN
    expect(readPath("$['x y']['it\\'s']", ctxOf(input))).toBe(1);
    expect(readPath('$.a-b', ctxOf(input))).toBe(2);
  });

  test('GIVEN a present null WHEN read THEN it is null, not missing', () => {
    expect(readPath('$.a', ctxOf({ a: null }))).toBeNull();
  });

  test.each([
    ['$.missing', "$['missing']"],
    ['$.car.nope', "$['car']['nope']"],
    ['$.bar[3]', '$[\'bar\'][3]'],
    ['$.foo.x', "$['foo']['x']"],
    ['$.bar.length', "$['bar']['length']"],
  ])('GIVEN a missing value WHEN reading %s THEN States.Runtime names the path', (path, normalized) => {
    // WHEN
    const error = statesErrorOf(() => readPath(path, ctxOf(doc)));

    // THEN
    expect(error.error).toBe('States.Runtime');
    expect(error.cause).toBe(`Invalid path '${path}' : No results for path: ${normalized}`);
  });

  test('GIVEN the context object WHEN reading $$ paths THEN they read ctx.context', () => {
    // GIVEN
    const context = { Execution: { Id: 'arn:exec', Input: { a: 1 } }, Map: { Item: { Index: 2, Value: { v: 'x' } } } };
    const ctx = ctxOf({ a: 'input' }, { context });

    // WHEN / THEN
    expect(readPath('$$.Execution.Id', ctx)).toBe('arn:exec');
    expect(readPath('$$.Map.Item.Value.v', ctx)).toBe('x');
    expect(readPath('$$', ctx)).toBe(context);
    expect(statesErrorOf(() => readPath('$$.State.Name', ctx)).error).toBe('States.Runtime');
  });

  test('GIVEN workflow variables WHEN reading $name paths THEN they read the variable', () => {
    // GIVEN
    const ctx = ctxOf({ x: 'input' }, { variables: { productName: 'Lemonade', order: { items: [{ sku: 'A1' }] }, _n: 0 } });

    // WHEN / THEN
    expect(readPath('$productName', ctx)).toBe('Lemonade');
    expect(readPath('$order.items[0].sku', ctx)).toBe('A1');
    expect(readPath('$_n', ctx)).toBe(0);
    expect(statesErrorOf(() => readPath('$undefinedVar', ctx)).cause).toMatch(/variable '\$undefinedVar' is not defined/);
  });

  describe('indefinite paths go through jsonpath-plus', () => {
    const store = {
      items: [
        { id: 1, price: 8, tags: ['a'] },
        { id: 2, price: 12, tags: [] },
        { id: 3, price: 5 },
      ],
      nested: { deep: { id: 99 } },
    };

    test.each([
      ['$.items[*].id', [1, 2, 3]],
      ['$.items[?(@.price < 10)].id', [1, 3]],
      ['$.items[?(@.tags)].id', [1, 2]],
      ['$.items[0:2].id', [1, 2]],
      ['$.items[-1:].id', [3]],
      ['$..id', [1, 2, 3, 99]],
      ['$.items[0,2].id', [1, 3]],
      ['$.nothing[*]', []],
      ['$.items[?(@.price > 100)]', []],
    ])('WHEN reading %s THEN the result is the array of matches', (path, expected) => {
      expect(readPath(path, ctxOf(store))).toEqual(expected);
    });

    test('WHEN a filter tries to run code THEN the safe evaluator refuses it', () => {
      expect(() => readPath('$.items[?(process.exit(1))]', ctxOf(store))).toThrow();
    });

    test('WHEN a wildcard path reads a variable or the context THEN it is rooted there', () => {
      const ctx = ctxOf({}, { variables: { list: [{ n: 1 }, { n: 2 }] }, context: { Execution: { Input: { xs: [1, 2] } } } });
      expect(readPath('$list[*].n', ctx)).toEqual([1, 2]);
      expect(readPath('$$.Execution.Input.xs[*]', ctx)).toEqual([1, 2]);
    });
  });

  test('GIVEN text that is not a path WHEN read THEN States.Runtime', () => {
    expect(statesErrorOf(() => readPath('foo', ctxOf({}))).error).toBe('States.Runtime');
    expect(statesErrorOf(() => readPath('$.a..', ctxOf({}))).error).toBe('States.Runtime');
    expect(statesErrorOf(() => readPath('$[0', ctxOf({}))).error).toBe('States.Runtime');
    expect(statesErrorOf(() => readPath('$.items[?(@ >)]', ctxOf({ items: [1] }))).error).toBe('States.Runtime');
  });
});

describe('pathExists', () => {
  test('tells present (even null) from missing values, and undefined variables from defined ones', () => {
    const ctx = ctxOf({ a: null, b: { c: [1] } }, { variables: { v: 1 } });
    expect(pathExists('$.a', ctx)).toBe(true);
    expect(pathExists('$.b.c[0]', ctx)).toBe(true);
    expect(pathExists('$.b.c[1]', ctx)).toBe(false);
    expect(pathExists('$.z', ctx)).toBe(false);
    expect(pathExists('$v', ctx)).toBe(true);
    expect(pathExists('$w', ctx)).toBe(false);
    expect(pathExists('$.b.c[*]', ctx)).toBe(true);
    expect(pathExists('$.b.d[*]', ctx)).toBe(false);
  });
});

describe('isReferencePath', () => {
  test.each(['$', '$.a', '$.a.b[0]', "$['x y']", '$$.Execution.Id', '$var', '$var.x[2]'])('%s is a reference path', (p) => {
    expect(isReferencePath(p)).toBe(true);
  });
  test.each(['$.a[*]', '$..a', '$.a[?(@.b)]', '$.a[0:1]', "$['a','b']", '$.*', 'a.b', '', '$.'])('%s is not', (p) => {
    expect(isReferencePath(p)).toBe(false);
  });
});

describe('applyResultPath', () => {
  // The examples of AWS's "Specifying state output using ResultPath".
  const input = { comment: 'This is a test', details: 'Default example', who: 'Step Functions' };
  const result = 'Hello, Step Functions!';

  test('GIVEN no ResultPath WHEN applied THEN the result replaces the input (as "$")', () => {
    expect(applyResultPath(input, result, undefined)).toBe(result);
    expect(applyResultPath(input, result, '$')).toBe(result);
  });

  test('GIVEN ResultPath null WHEN applied THEN the original input passes through', () => {
    expect(applyResultPath(input, result, null)).toBe(input);
  });

  test('GIVEN ResultPath $.taskresult WHEN applied THEN the result is added to the input', () => {
    expect(applyResultPath(input, result, '$.taskresult')).toEqual({ ...input, taskresult: result });
  });

  test('GIVEN a nested ResultPath WHEN applied THEN it lands inside the existing object, and missing objects are created', () => {
    // GIVEN
    const data = { comment: 'An input comment.', data: { val1: 23, val2: 17 }, extra: 'foo' };

    // WHEN / THEN
    expect(applyResultPath(data, 40, '$.data.sum')).toEqual({ ...data, data: { val1: 23, val2: 17, sum: 40 } });
    expect(applyResultPath(data, 'x', '$.a.b.c')).toEqual({ ...data, a: { b: { c: 'x' } } });
    expect(applyResultPath(data, 'y', "$['odd key']")).toEqual({ ...data, 'odd key': 'y' });
  });

  test('GIVEN an existing field WHEN the ResultPath names it THEN the result overwrites it', () => {
    expect(applyResultPath({ a: { b: 1 } }, { c: 2 }, '$.a')).toEqual({ a: { c: 2 } });
  });

  test('GIVEN an array element WHEN the ResultPath indexes it THEN that element is replaced', () => {
    expect(applyResultPath({ a: [1, 2, 3] }, 'x', '$.a[1]')).toEqual({ a: [1, 'x', 3] });
  });

  test('GIVEN any ResultPath WHEN applied THEN neither argument is mutated', () => {
    // GIVEN
    const original = { a: { b: { c: 1 } }, keep: { k: 1 } };
    const frozen = JSON.parse(JSON.stringify(original));
    const res = { r: 1 };

    // WHEN
    const out = applyResultPath(original, res, '$.a.b.d');

    // THEN
    expect(original).toEqual(frozen);
    expect(out).toEqual({ a: { b: { c: 1, d: { r: 1 } } }, keep: { k: 1 } });
    expect(out.keep).toBe(original.keep); // untouched branches are shared
    expect(out.a.b.d).toBe(res);
  });

  test.each([
    ['a string input', 'hello', '$.a'],
    ['a scalar on the way', { a: 'scalar' }, '$.a.b'],
    ['null on the way', { a: null }, '$.a.b'],
    ['an array where an object is needed', { a: [1] }, '$.a.b'],
    ['an index out of range', { a: [1] }, '$.a[5]'],
    ['an index into an object', { a: { b: 1 } }, '$.a[0]'],
    ['an index into a missing member', {}, '$.a[0]'],
  ])('GIVEN %s WHEN the ResultPath goes through it THEN States.ResultPathMatchFailure', (_, target, path) => {
    // WHEN
    const error = statesErrorOf(() => applyResultPath(target, 'r', path));

    // THEN
    expect(error.error).toBe('States.ResultPathMatchFailure');
    expect(error.cause).toBe(`Unable to apply ResultPath '${path}' to input '${JSON.stringify(target)}'`);
  });

  test('GIVEN a ResultPath that is not a reference path WHEN applied THEN States.Runtime', () => {
    expect(statesErrorOf(() => applyResultPath({}, 1, '$.a[*]')).error).toBe('States.Runtime');
    expect(statesErrorOf(() => applyResultPath({}, 1, '$$.Execution')).error).toBe('States.Runtime');
  });
});

describe('applyPayloadTemplate', () => {
  test('GIVEN the Parameters example of AWS\'s input/output processing guide WHEN applied THEN the documented output', () => {
    // GIVEN
    const input = {
      comment: 'Example for Parameters.',
      product: { details: { color: 'blue', size: 'small', material: 'cotton' }, availability: 'in stock', sku: '2317', cost: '$23' },
    };
    const parameters = {
      comment: 'Selecting what I care about.',
      MyDetails: { 'size.$': '$.product.details.size', 'exists.$': '$.product.availability', 'StaticValue': 'foo' },
    };

    // WHEN / THEN
    expect(applyPayloadTemplate(parameters, ctxOf(input))).toEqual({
      comment: 'Selecting what I care about.',
      MyDetails: { size: 'small', exists: 'in stock', StaticValue: 'foo' },
    });
  });

  test('GIVEN the context object and variables WHEN referenced from .$ fields THEN they are read', () => {
    // GIVEN
    const ctx = ctxOf({ a: 1 }, {
      context: { Execution: { Id: 'arn:aws:states:us-east-1:123456789012:execution:sm:run' }, Task: { Token: 'tok' } },
      variables: { productName: 'Lemonade' },
    });

    // WHEN
    const out = applyPayloadTemplate({ 'execId.$': '$$.Execution.Id', 'token.$': '$$.Task.Token', 'name.$': '$productName', 'all.$': '$' }, ctx);

    // THEN
    expect(out).toEqual({ execId: 'arn:aws:states:us-east-1:123456789012:execution:sm:run', token: 'tok', name: 'Lemonade', all: { a: 1 } });
  });

  test('GIVEN nested arrays of objects WHEN applied THEN .$ fields inside them resolve too', () => {
    const out = applyPayloadTemplate({ list: [{ 'v.$': '$.x' }, 'plain', [{ 'w.$': '$.y[*]' }]], n: 1, b: false, z: null }, ctxOf({ x: 'X', y: [1, 2] }));
    expect(out).toEqual({ list: [{ v: 'X' }, 'plain', [{ w: [1, 2] }]], n: 1, b: false, z: null });
  });

  test('GIVEN an intrinsic function in a .$ field WHEN applied THEN it is evaluated', () => {
    expect(applyPayloadTemplate({ 'BuildId.$': 'States.Array($.Id)' }, ctxOf({ Id: 123456 }))).toEqual({ BuildId: [123456] });
  });

  test('GIVEN a template and input WHEN applied THEN neither is mutated', () => {
    const template = { 'a.$': '$.x', 'b': { c: 1 } };
    const input = { x: { deep: 1 } };
    const copy = JSON.parse(JSON.stringify({ template, input }));
    applyPayloadTemplate(template, ctxOf(input));
    expect({ template, input }).toEqual(copy);
  });

  test('GIVEN a path that names nothing WHEN applied THEN States.Runtime in AWS\'s words', () => {
    // WHEN
    const error = statesErrorOf(() => applyPayloadTemplate({ 'size.$': '$.product.size' }, ctxOf({ product: {} })));

    // THEN
    expect(error.error).toBe('States.Runtime');
    expect(error.cause).toBe("The JSONPath '$.product.size' specified for the field 'size.$' could not be found in the input '{\"product\":{}}'");
  });

  test.each([
    ['a literal string', 'hello'],
    ['a number', 42],
    ['an object', { a: 1 }],
    ['a function that is not an intrinsic', 'Foo.Bar($.a)'],
  ])('GIVEN a .$ field holding %s WHEN applied THEN States.Runtime', (_, value) => {
    expect(statesErrorOf(() => applyPayloadTemplate({ 'x.$': value }, ctxOf({ a: 1 }))).error).toBe('States.Runtime');
  });
});
