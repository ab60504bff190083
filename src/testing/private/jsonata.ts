import { createHash } from 'crypto';
import { ERRORS, StatesError } from './errors';
import { randomFromSeed, SeededRandom } from './random';

/**
 * JSONata evaluation for JSONata states, with Step Functions' additions: the `$states` variable, workflow
 * variables, `$partition`, `$range`, `$hash`, `$random`, `$uuid`, `$parse`; `$eval` refused; `$now()` and
 * `$millis()` on the executor's virtual clock.
 *
 * jsonata is loaded on first use, so importing the package (the constructs) never loads it.
 */

type Jsonata = typeof import('jsonata');
let jsonataModule: Jsonata | undefined;
function jsonataLib(): Jsonata {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  jsonataModule ??= require('jsonata') as Jsonata;
  return jsonataModule;
}

const compiled = new Map<string, ReturnType<Jsonata>>();
function compile(body: string): ReturnType<Jsonata> {
  let expression = compiled.get(body);
  if (!expression) {
    expression = jsonataLib()(body);
    compiled.set(body, expression);
  }
  return expression;
}

/** True for a JSONata expression string: the whole string is `{% … %}` (anything else is a literal). */
export function isExpression(value: unknown): value is string {
  return typeof value === 'string' && value.startsWith('{%') && value.endsWith('%}') && value.length >= 4;
}

/** What a JSONata expression of a state can see. */
export interface JsonataScope {
  /** The state's name (for error messages). */
  readonly stateName: string;
  /** `$states`: input, result, errorOutput, context. */
  readonly states: Record<string, any>;
  /** Workflow variables visible to the state (outer scopes included). */
  readonly variables: Record<string, any>;
  /** Virtual now, epoch milliseconds. */
  readonly nowMillis: number;
  readonly random: SeededRandom;
}

const HASH_ALGORITHMS: Record<string, string> = { 'MD5': 'md5', 'SHA-1': 'sha1', 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512' };

function stepFunctionsFunctions(scope: JsonataScope): Record<string, any> {
  return {
    partition(array: unknown, size: unknown) {
      if (!Array.isArray(array)) throw new Error('$partition: the first argument must be an array');
      if (typeof size !== 'number' || !Number.isInteger(size) || size < 1) throw new Error('$partition: the chunk size must be a positive integer');
      const out: unknown[][] = [];
      for (let i = 0; i < array.length; i += size) out.push(array.slice(i, i + size));
      return out;
    },
    range(start: unknown, end: unknown, step: unknown = 1) {
      if (typeof start !== 'number' || typeof end !== 'number' || typeof step !== 'number' || step === 0) {
        throw new Error('$range: start, end and step must be numbers, step not 0');
      }
      const out: number[] = [];
      for (let v = start; step > 0 ? v <= end : v >= end; v += step) {
        out.push(v);
        if (out.length > 1000) throw new Error('$range: at most 1000 items');
      }
      return out.length === 1 ? singleton(out) : out;
    },
    hash(data: unknown, algorithm: unknown) {
      const name = typeof algorithm === 'string' ? HASH_ALGORITHMS[algorithm] : undefined;
      if (!name) throw new Error(`$hash: the algorithm must be one of ${Object.keys(HASH_ALGORITHMS).join(', ')}; got ${JSON.stringify(algorithm)}`);
      if (typeof data !== 'string') throw new Error('$hash: the data must be a string');
      return createHash(name).update(data).digest('hex');
    },
    random(seed?: unknown) {
      return seed === undefined ? scope.random.next() : randomFromSeed(seed);
    },
    uuid() {
      return scope.random.uuid();
    },
    parse(text: unknown) {
      if (typeof text !== 'string') throw new Error('$parse: the argument must be a string');
      return JSON.parse(text);
    },
    eval() {
      throw new Error('$eval is not supported by Step Functions');
    },
    now(picture?: string, timezone?: string) {
      if (picture === undefined && timezone === undefined) return new Date(scope.nowMillis).toISOString();
      return compile('$fromMillis($ms, $picture, $tz)').evaluate({}, { ms: scope.nowMillis, picture, tz: timezone });
    },
    millis() {
      return scope.nowMillis;
    },
  };
}

/**
 * A one-item JSONata sequence: JSONata unwraps it to its item wherever the result is used (`$range(5, 5)` is `5`,
 * `[$range(5, 5)]` is `[5]`), as AWS's `$range` result is.
 */
function singleton(items: unknown[]): unknown[] {
  return Object.defineProperty(items, 'sequence', { value: true });
}

/** Evaluates one `{% … %}` string. Failures and an undefined result are `States.QueryEvaluationError`s naming the field. */
export async function evaluateExpression(text: string, field: string, scope: JsonataScope): Promise<any> {
  const body = text.slice(2, -2).trim();
  let value: any;
  try {
    const expression = compile(body);
    value = await expression.evaluate(null, { ...scope.variables, ...stepFunctionsFunctions(scope), states: scope.states });
  } catch (e: any) {
    const message = e instanceof StatesError ? e.cause : e?.message ?? String(e);
    throw new StatesError(ERRORS.QUERY_EVALUATION,
      `An error occurred while evaluating the JSONata expression '${body}' in field '${field}' of state '${scope.stateName}': ${message}`);
  }
  if (value === undefined) {
    throw new StatesError(ERRORS.QUERY_EVALUATION,
      `The JSONata expression '${body}' specified for the field '${field}' of state '${scope.stateName}' returned nothing (undefined).`);
  }
  return normalize(value);
}

/**
 * Evaluates a field's value: `{% … %}` strings at any depth of objects and arrays are evaluated, every other
 * value (a string that only contains `{% %}` somewhere, numbers, …) is a literal.
 */
export async function evaluateTemplate(value: any, field: string, scope: JsonataScope): Promise<any> {
  if (isExpression(value)) return evaluateExpression(value, field, scope);
  if (Array.isArray(value)) {
    const out: any[] = [];
    for (let i = 0; i < value.length; i++) out.push(await evaluateTemplate(value[i], `${field}[${i}]`, scope));
    return out;
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, any> = {};
    for (const [k, v] of Object.entries(value)) out[k] = await evaluateTemplate(v, `${field}.${k}`, scope);
    return out;
  }
  return value;
}

/** JSONata results carry sequence markers and functions: keep JSON values only. */
function normalize(value: any): any {
  if (typeof value === 'function') return undefined;
  if (Array.isArray(value)) return value.map(normalize);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, any> = {};
    for (const [k, v] of Object.entries(value)) {
      const n = normalize(v);
      if (n !== undefined) out[k] = n;
    }
    return out;
  }
  return value;
}
