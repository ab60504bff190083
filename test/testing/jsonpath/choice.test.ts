import { StatesError } from '../../../src/testing/private/errors';
import { evaluateChoiceRule, parseTimestamp, PathContext, stringMatches } from '../../../src/testing/private/jsonpath';

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

/** The first rule that matches, as a Choice state picks its Next. */
function choose(choices: any[], input: any): string | undefined {
  return choices.find((rule) => evaluateChoiceRule(rule, ctxOf(input)))?.Next;
}

describe('the Choice example of AWS\'s guide', () => {
  const choices = [
    { Not: { Variable: '$.type', StringEquals: 'Private' }, Next: 'Public' },
    { Variable: '$.value', NumericEquals: 0, Next: 'ValueIsZero' },
    { And: [{ Variable: '$.value', NumericGreaterThanEquals: 20 }, { Variable: '$.value', NumericLessThan: 30 }], Next: 'ValueInTwenties' },
  ];

  test.each([
    [{ type: 'Private', value: 22 }, 'ValueInTwenties'],
    [{ type: 'Public', value: 22 }, 'Public'],
    [{ type: 'Private', value: 0 }, 'ValueIsZero'],
    [{ type: 'Private', value: 35 }, undefined],
  ])('GIVEN %j THEN the state goes to %s', (input, next) => {
    expect(choose(choices, input)).toBe(next);
  });
});

describe('comparison operators', () => {
  const input = {
    s: 'MyString',
    n: 10,
    f: 1.5,
    t: true,
    ts: '2001-01-01T12:00:00Z',
    nul: null,
    other: { s: 'MyString', n: 10, t: true, ts: '2001-01-01T12:00:00Z', big: 20, later: '2001-01-01T12:00:01Z' },
  };

  test.each([
    ['StringEquals', '$.s', 'MyString', true],
    ['StringEquals', '$.s', 'mystring', false],
    ['StringLessThan', '$.s', 'MyStringABC', true],
    ['StringGreaterThan', '$.s', 'MyStringABC', false],
    ['StringGreaterThan', '$.s', 'MyStr', true],
    ['StringLessThanEquals', '$.s', 'MyString', true],
    ['StringGreaterThanEquals', '$.s', 'MyString', true],
    ['StringLessThan', '$.s', 'a', true], // code-unit order: 'M' < 'a'
    ['NumericEquals', '$.n', 10, true],
    ['NumericEquals', '$.f', 1.5, true],
    ['NumericLessThan', '$.n', 10, false],
    ['NumericLessThanEquals', '$.n', 10, true],
    ['NumericGreaterThan', '$.n', 9.99, true],
    ['NumericGreaterThanEquals', '$.n', 11, false],
    ['BooleanEquals', '$.t', true, true],
    ['BooleanEquals', '$.t', false, false],
    ['TimestampEquals', '$.ts', '2001-01-01T12:00:00Z', true],
    ['TimestampEquals', '$.ts', '2001-01-01T13:00:00+01:00', true],
    ['TimestampEquals', '$.ts', '2001-01-01T12:00:00.000Z', true],
    ['TimestampLessThan', '$.ts', '2001-01-01T12:00:00.000000001Z', true],
    ['TimestampGreaterThan', '$.ts', '2000-12-31T23:59:59.999Z', true],
    ['TimestampLessThanEquals', '$.ts', '2001-01-01T12:00:00Z', true],
    ['TimestampGreaterThanEquals', '$.ts', '2001-01-01T12:00:01Z', false],
  ])('%s: %s against %j is %s', (operator, variable, operand, expected) => {
    expect(evaluateChoiceRule({ Variable: variable, [operator]: operand }, ctxOf(input))).toBe(expected);
  });

  test.each([
    ['StringEqualsPath', '$.s', '$.other.s', true],
    ['StringLessThanPath', '$.s', '$.other.s', false],
    ['NumericEqualsPath', '$.n', '$.other.n', true],
    ['NumericLessThanPath', '$.n', '$.other.big', true],
    ['NumericGreaterThanEqualsPath', '$.n', '$.other.big', false],
    ['BooleanEqualsPath', '$.t', '$.other.t', true],
    ['TimestampEqualsPath', '$.ts', '$.other.ts', true],
    ['TimestampLessThanPath', '$.ts', '$.other.later', true],
    ['NumericEqualsPath', '$.n', '$.other.s', false], // a path value of the wrong type is false, not an error
  ])('%s: %s against %s is %s', (operator, variable, path, expected) => {
    expect(evaluateChoiceRule({ Variable: variable, [operator]: path }, ctxOf(input))).toBe(expected);
  });

  test.each([
    ['NumericEquals', '$.s', 10],
    ['NumericEquals', '$.n', '10'],
    ['StringEquals', '$.n', '10'],
    ['BooleanEquals', '$.s', true],
    ['BooleanEquals', '$.nul', false],
    ['TimestampEquals', '$.s', '2001-01-01T12:00:00Z'],
    ['TimestampEquals', '$.ts', 'not a timestamp'],
    ['StringMatches', '$.n', '*'],
  ])('GIVEN mismatched types (%s on %s) THEN the rule is false, not an error', (operator, variable, operand) => {
    expect(evaluateChoiceRule({ Variable: variable, [operator]: operand }, ctxOf(input))).toBe(false);
  });

  test('GIVEN variables and the context object THEN they can be compared', () => {
    const ctx = ctxOf({}, { variables: { retries: 3 }, context: { State: { RetryCount: 2 } } });
    expect(evaluateChoiceRule({ Variable: '$retries', NumericGreaterThanPath: '$$.State.RetryCount' }, ctx)).toBe(true);
  });
});

describe('StringMatches', () => {
  test.each([
    ['log-2024.txt', 'log-*.txt', true],
    ['log-.txt', 'log-*.txt', true],
    ['log-2024.csv', 'log-*.txt', false],
    ['xlog-1.txt', 'log-*.txt', false],
    ['anything', '*', true],
    ['', '*', true],
    ['a*b', 'a\\*b', true],
    ['axb', 'a\\*b', false],
    ['a\\b', 'a\\\\b', true],
    ['a\\xb', 'a\\\\*b', true],
    ['1+1=2 (yes)', '1+1=* (yes)', true],
    ['line1\nline2', 'line1*', true],
    ['ab', 'a*b*', true],
  ])('%j matches %j: %s', (value, pattern, expected) => {
    expect(stringMatches(value, pattern)).toBe(expected);
    expect(evaluateChoiceRule({ Variable: '$.v', StringMatches: pattern }, ctxOf({ v: value }))).toBe(expected);
  });
});

describe('type tests', () => {
  const input = { nul: null, n: 1.5, s: 'x', b: false, ts: '2024-02-29T23:59:59.123456Z', o: {}, a: [] };

  test.each([
    ['IsNull', '$.nul', true], ['IsNull', '$.n', false],
    ['IsNumeric', '$.n', true], ['IsNumeric', '$.s', false],
    ['IsString', '$.s', true], ['IsString', '$.ts', true], ['IsString', '$.o', false],
    ['IsBoolean', '$.b', true], ['IsBoolean', '$.nul', false],
    ['IsTimestamp', '$.ts', true], ['IsTimestamp', '$.s', false], ['IsTimestamp', '$.n', false],
    ['IsPresent', '$.nul', true], ['IsPresent', '$.missing', false], ['IsPresent', '$.a', true],
  ])('%s on %s is %s', (operator, variable, expected) => {
    expect(evaluateChoiceRule({ Variable: variable, [operator]: true }, ctxOf(input))).toBe(expected);
    expect(evaluateChoiceRule({ Variable: variable, [operator]: false }, ctxOf(input))).toBe(!expected);
  });

  test('GIVEN IsPresent on an undefined workflow variable THEN false, not an error', () => {
    expect(evaluateChoiceRule({ Variable: '$nope', IsPresent: true }, ctxOf({}))).toBe(false);
  });
});

describe('timestamps', () => {
  test.each([
    '2016-03-14T01:59:00Z',
    '2016-03-14T01:59:00.123Z',
    '2016-03-14T01:59:00.123456789Z',
    '2016-03-14T01:59:00+05:30',
    '2016-03-14T01:59:00-08:00',
    '2024-02-29T00:00:00Z',
    '0050-01-01T00:00:00Z',
  ])('%s is a timestamp', (value) => {
    expect(parseTimestamp(value)).toBeDefined();
  });

  test.each([
    '2016-03-14t01:59:00Z', // lowercase t
    '2016-03-14T01:59:00z', // lowercase z
    '2016-03-14 01:59:00Z',
    '2016-03-14T01:59:00', // no zone
    '2016-03-14',
    '2023-02-29T00:00:00Z', // not a leap year
    '2016-13-01T00:00:00Z',
    '2016-03-14T24:00:00Z',
    '2016-03-14T01:59:00.1234567890Z',
    20160314,
  ])('%s is not', (value) => {
    expect(parseTimestamp(value)).toBeUndefined();
  });

  test('GIVEN offsets THEN the same instant compares equal and order follows the instant', () => {
    const rule = (op: string, operand: string) => evaluateChoiceRule({ Variable: '$.t', [op]: operand }, ctxOf({ t: '2020-06-01T00:00:00-02:00' }));
    expect(rule('TimestampEquals', '2020-06-01T02:00:00Z')).toBe(true);
    expect(rule('TimestampGreaterThan', '2020-06-01T01:00:00Z')).toBe(true);
    expect(rule('TimestampLessThan', '2020-06-01T03:00:00+01:00')).toBe(false);
  });

  test('GIVEN years before 100 THEN they are not taken for 19xx', () => {
    expect(parseTimestamp('0050-01-01T00:00:00Z')![0]).toBe(Date.parse('0050-01-01T00:00:00Z'));
    expect(parseTimestamp('0050-12-31T00:00:00Z')![0]).toBe(Date.parse('0050-12-31T00:00:00Z'));
  });
});

describe('combinators', () => {
  test('GIVEN nested And / Or / Not THEN they combine as boolean logic', () => {
    const rule = {
      Or: [
        { And: [{ Variable: '$.a', IsPresent: true }, { Not: { Variable: '$.a', NumericEquals: 0 } }] },
        { Variable: '$.force', BooleanEquals: true },
      ],
    };
    expect(evaluateChoiceRule(rule, ctxOf({ a: 1 }))).toBe(true);
    expect(evaluateChoiceRule(rule, ctxOf({ a: 0, force: false }))).toBe(false);
    expect(() => evaluateChoiceRule(rule, ctxOf({ a: 0 }))).toThrow(/No results for path: \$\['force'\]/);
    expect(evaluateChoiceRule(rule, ctxOf({ force: true }))).toBe(true);
    expect(evaluateChoiceRule(rule, ctxOf({ force: false }))).toBe(false);
  });

  test('GIVEN And THEN it short-circuits: a missing variable after a false rule is not read', () => {
    const rule = { And: [{ Variable: '$.a', IsPresent: true }, { Variable: '$.a', NumericEquals: 1 }] };
    expect(evaluateChoiceRule(rule, ctxOf({}))).toBe(false);
  });
});

describe('errors', () => {
  test.each([
    ['a missing Variable', { Variable: '$.missing', StringEquals: 'x' }],
    ['a missing Variable under IsNull', { Variable: '$.missing', IsNull: true }],
    ['a missing *Path operand', { Variable: '$.a', NumericEqualsPath: '$.missing' }],
    ['an unknown operator', { Variable: '$.a', NumericIsBig: 1 }],
    ['two operators', { Variable: '$.a', NumericEquals: 1, NumericLessThan: 2 }],
    ['no operator', { Variable: '$.a' }],
    ['no Variable', { NumericEquals: 1 }],
    ['an empty And', { And: [] }],
    ['a non-boolean IsPresent', { Variable: '$.a', IsPresent: 'yes' }],
    ['a non-object rule', 'rule'],
  ])('GIVEN %s THEN States.Runtime', (_, rule) => {
    expect(statesErrorOf(() => evaluateChoiceRule(rule, ctxOf({ a: 1 }))).error).toBe('States.Runtime');
  });
});
