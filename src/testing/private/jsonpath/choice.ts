import { ERRORS, StatesError } from '../errors';
import { PathContext, pathExists, readPath } from './path';

/*
 * JSONPath Choice rules, after AWS's "Choice workflow state" (Choice Rules (JSONPath)):
 * - And / Or take a non-empty array of rules, Not one rule; a rule with Variable has exactly one operator.
 * - A comparison whose variable has the wrong type is simply false (NumericEquals on a string, …), and so is
 *   a *Path comparison whose path value has the wrong type.
 * - A Variable path that names nothing raises States.Runtime, except under IsPresent (which is then false);
 *   a *Path operand that names nothing raises States.Runtime too.
 * - Strings compare by UTF-16 code units (Java's String.compareTo); timestamps as instants, with the
 *   fraction to nanosecond precision.
 */

type Comparator = (actual: any, expected: any) => boolean;

const isNumber = (v: any): v is number => typeof v === 'number';
const isString = (v: any): v is string => typeof v === 'string';

function strings(test: (a: string, b: string) => boolean): Comparator {
  return (a, b) => isString(a) && isString(b) && test(a, b);
}
function numbers(test: (a: number, b: number) => boolean): Comparator {
  return (a, b) => isNumber(a) && isNumber(b) && test(a, b);
}
function timestamps(test: (c: number) => boolean): Comparator {
  return (a, b) => {
    const x = parseTimestamp(a);
    const y = parseTimestamp(b);
    return x !== undefined && y !== undefined && test(compareInstants(x, y));
  };
}

const COMPARATORS: Record<string, Comparator> = {
  StringEquals: strings((a, b) => a === b),
  StringLessThan: strings((a, b) => a < b),
  StringGreaterThan: strings((a, b) => a > b),
  StringLessThanEquals: strings((a, b) => a <= b),
  StringGreaterThanEquals: strings((a, b) => a >= b),
  NumericEquals: numbers((a, b) => a === b),
  NumericLessThan: numbers((a, b) => a < b),
  NumericGreaterThan: numbers((a, b) => a > b),
  NumericLessThanEquals: numbers((a, b) => a <= b),
  NumericGreaterThanEquals: numbers((a, b) => a >= b),
  BooleanEquals: (a, b) => typeof a === 'boolean' && typeof b === 'boolean' && a === b,
  TimestampEquals: timestamps((c) => c === 0),
  TimestampLessThan: timestamps((c) => c < 0),
  TimestampGreaterThan: timestamps((c) => c > 0),
  TimestampLessThanEquals: timestamps((c) => c <= 0),
  TimestampGreaterThanEquals: timestamps((c) => c >= 0),
};

/** Type tests: the operand is the boolean the test must equal. */
const TYPE_TESTS: Record<string, (v: any) => boolean> = {
  IsNull: (v) => v === null,
  IsNumeric: isNumber,
  IsString: isString,
  IsBoolean: (v) => typeof v === 'boolean',
  IsTimestamp: (v) => parseTimestamp(v) !== undefined,
};

const COMBINATORS = new Set(['And', 'Or', 'Not']);
const IGNORED = new Set(['Next', 'Comment', 'Variable', 'Assign', 'Output']);

function invalid(message: string): StatesError {
  return new StatesError(ERRORS.RUNTIME, `Invalid Choice rule: ${message}`);
}

/** Evaluates a JSONPath Choice rule (its Next, Comment and Assign are ignored). */
export function evaluateChoiceRule(rule: any, ctx: PathContext): boolean {
  if (rule === null || typeof rule !== 'object' || Array.isArray(rule)) throw invalid(`expected an object; got ${JSON.stringify(rule)}`);
  if ('And' in rule || 'Or' in rule) {
    const op = 'And' in rule ? 'And' : 'Or';
    const rules = rule[op];
    if (!Array.isArray(rules) || rules.length === 0) throw invalid(`${op} must be a non-empty array of rules`);
    return op === 'And' ? rules.every((r: any) => evaluateChoiceRule(r, ctx)) : rules.some((r: any) => evaluateChoiceRule(r, ctx));
  }
  if ('Not' in rule) return !evaluateChoiceRule(rule.Not, ctx);

  const variable = rule.Variable;
  if (typeof variable !== 'string') throw invalid(`Variable must be a path; got ${JSON.stringify(variable)}`);
  const operators = Object.keys(rule).filter((k) => !IGNORED.has(k) && !COMBINATORS.has(k));
  if (operators.length !== 1) throw invalid(`expected exactly one comparison operator; got ${operators.length ? operators.join(', ') : 'none'}`);
  const operator = operators[0];
  const operand = rule[operator];

  if (operator === 'IsPresent') {
    if (typeof operand !== 'boolean') throw invalid('IsPresent must be true or false');
    return pathExists(variable, ctx) === operand;
  }
  const value = readPath(variable, ctx);
  if (operator in TYPE_TESTS) {
    if (typeof operand !== 'boolean') throw invalid(`${operator} must be true or false`);
    return TYPE_TESTS[operator](value) === operand;
  }
  if (operator === 'StringMatches') {
    if (!isString(operand)) throw invalid('StringMatches must be a string pattern');
    return isString(value) && stringMatches(value, operand);
  }
  if (operator.endsWith('Path') && operator.slice(0, -4) in COMPARATORS) {
    if (!isString(operand)) throw invalid(`${operator} must be a path`);
    return COMPARATORS[operator.slice(0, -4)](value, readPath(operand, ctx));
  }
  const compare = COMPARATORS[operator];
  if (!compare) throw invalid(`unknown comparison operator ${operator}`);
  return compare(value, operand);
}

/**
 * StringMatches: `*` matches any run of characters (also none); `\*` is a literal asterisk and `\\` a literal
 * backslash. The whole string must match.
 */
export function stringMatches(value: string, pattern: string): boolean {
  let source = '^';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\' && (pattern[i + 1] === '*' || pattern[i + 1] === '\\')) {
      source += escapeRegExp(pattern[++i]);
    } else if (c === '*') {
      source += '[\\s\\S]*';
    } else {
      source += escapeRegExp(c);
    }
  }
  return new RegExp(source + '$', 'u').test(value);
}

function escapeRegExp(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

/** An instant: epoch milliseconds of the whole second, and the fraction of that second in nanoseconds. */
type Instant = readonly [number, number];

// RFC 3339 with an uppercase T between date and time and an uppercase Z (or a numeric offset), as AWS requires.
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;

/** Parses an RFC 3339 timestamp; undefined when `value` is not one. */
export function parseTimestamp(value: any): Instant | undefined {
  if (!isString(value)) return undefined;
  const m = TIMESTAMP.exec(value);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 60) return undefined;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day > daysInMonth) return undefined;
  let offsetMinutes = 0;
  if (m[8] !== 'Z') {
    const sign = m[8][0] === '-' ? -1 : 1;
    const [oh, om] = m[8].slice(1).split(':').map(Number);
    if (oh > 23 || om > 59) return undefined;
    offsetMinutes = sign * (oh * 60 + om);
  }
  const ms = Date.UTC(year, month - 1, day, hour, minute, second) - offsetMinutes * 60_000;
  const nanos = m[7] ? Number(m[7].padEnd(9, '0')) : 0;
  return [ms, nanos];
}

function compareInstants(a: Instant, b: Instant): number {
  return a[0] !== b[0] ? a[0] - b[0] : a[1] - b[1];
}
