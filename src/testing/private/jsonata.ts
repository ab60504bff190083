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

interface Compiled {
  readonly expression: ReturnType<Jsonata>;
  /** The lookups that replaced `[constants][predicate]` filters (see `foldConstantFilters`), bound at evaluation. */
  readonly picks: Record<string, unknown>;
}

const compiled = new Map<string, Compiled>();
function compileFolded(body: string): Compiled {
  let entry = compiled.get(body);
  if (!entry) {
    const expression = jsonataLib()(body);
    entry = { expression, picks: foldConstantFilters(expression.ast()) };
    compiled.set(body, entry);
  }
  return entry;
}
function compile(body: string): ReturnType<Jsonata> {
  return compileFolded(body).expression;
}

/** How many `[constants][predicate]` filters of the expression are evaluated once per lookup (for tests). */
export function constantFilterCount(body: string): number {
  return Object.keys(compileFolded(body).picks).length;
}

// ---------------------------------------------------------------------------------------------------------------
// Constant filters, evaluated once
//
// A poller's schedule is a table lookup: `[w0, w1, …][$states.input.poll.index]`. jsonata evaluates it as written:
// the array constructor builds the table item by item, then the filter evaluates its predicate once per item (the
// predicate could depend on the item), so each lookup costs O(table) awaited evaluations, O(table²) when the index
// is itself such a lookup. The value is the same when the table is made of literals and the predicate cannot see
// the item: then the table is built once, when the expression is compiled, and the predicate is evaluated once per
// lookup. The rewritten node calls a function that applies the predicate's value exactly as jsonata's filter does
// (a number or numbers pick items, counted from the end when negative and rounded down; any other value keeps all
// items or none by its effective boolean value), and returns a jsonata sequence, which is unwrapped as the filter's
// result is. Only these predicates are evaluated once: literals, variables bound outside the expression (`$states`,
// workflow variables; `$$`), paths of plain field names from those, arithmetic, comparison, boolean and string
// operators, conditions, and array constructors and constant filters of those: no function calls (`$random()`
// differs per call), no context (`$`, bare field names), no parent, focus or index bindings. A table without items
// is left as it is (jsonata never evaluates a predicate over no items, so it never fails there).
// ---------------------------------------------------------------------------------------------------------------

const PURE_BINARY = new Set(['+', '-', '*', '/', '%', '=', '!=', '<', '<=', '>', '>=', '&', 'and', 'or', 'in', '..']);
/** Keys a node may have to be a candidate (anything else: focus, index, tuple, group, stages, ancestry, …). */
const PLAIN_KEYS = new Set(['type', 'value', 'position', 'steps', 'lhs', 'rhs', 'expression', 'expressions', 'consarray',
  'keepSingletonArray', 'keepArray', 'predicate', 'condition', 'then', 'else', 'arguments', 'procedure', 'pick']);

function plainKeys(node: any): boolean {
  return Object.keys(node).every((k) => PLAIN_KEYS.has(k));
}

function literal(node: any): boolean {
  return node !== null && typeof node === 'object' && plainKeys(node) && node.predicate === undefined
    && (node.type === 'number' || node.type === 'string' || (node.type === 'value' && (node.value === null || typeof node.value === 'boolean')));
}

/** Names bound anywhere in the expression (`:=`, lambda parameters, `@$v`, `#$v`): a predicate naming one is not hoisted. */
function boundNames(node: any, out: Set<string>): Set<string> {
  if (Array.isArray(node)) {
    for (const n of node) boundNames(n, out);
  } else if (node !== null && typeof node === 'object') {
    if (node.type === 'bind' && node.lhs?.type === 'variable') out.add(node.lhs.value);
    if (node.type === 'lambda' && Array.isArray(node.arguments)) for (const a of node.arguments) out.add(a.value);
    if (typeof node.focus === 'string') out.add(node.focus);
    if (typeof node.index === 'string') out.add(node.index);
    for (const v of Object.values(node)) if (v !== null && typeof v === 'object') boundNames(v, out);
  }
  return out;
}

/** Whether the node's value cannot depend on the context item, and is the same each time it is evaluated. */
function contextFree(node: any, bound: Set<string>): boolean {
  if (node === null || typeof node !== 'object' || !plainKeys(node)) return false;
  if (node.pick !== undefined) return node.arguments.every((a: any) => contextFree(a, bound));
  if (node.predicate !== undefined) return false;
  switch (node.type) {
    case 'number': case 'string': return true;
    case 'value': return node.value === null || typeof node.value === 'boolean';
    case 'variable': return node.value !== '' && !bound.has(node.value);
    case 'path': {
      const [head, ...rest] = node.steps ?? [];
      return head?.type === 'variable' && contextFree(head, bound)
        && rest.every((s: any) => s.type === 'name' && plainKeys(s) && s.predicate === undefined && s.keepArray === undefined);
    }
    case 'binary': return PURE_BINARY.has(node.value) && contextFree(node.lhs, bound) && contextFree(node.rhs, bound);
    case 'unary':
      if (node.value === '-') return contextFree(node.expression, bound);
      if (node.value === '[') return node.expressions.every((e: any) => contextFree(e, bound));
      return false;
    case 'condition': return contextFree(node.condition, bound) && contextFree(node.then, bound) && (node.else === undefined || contextFree(node.else, bound));
    default: return false;
  }
}

function jsonataNumeric(n: unknown): n is number {
  if (typeof n !== 'number' || Number.isNaN(n)) return false;
  if (!Number.isFinite(n)) throw { code: 'D1001', value: n, stack: new Error().stack };
  return true;
}

/** jsonata's filter over `table` with the predicate's value `value` (its evaluateFilter, predicate evaluated once). */
function pickFunction(table: readonly unknown[]): unknown {
  return {
    _jsonata_function: true,
    implementation(this: any, value: unknown) {
      const results = this.createSequence();
      let res: unknown = value;
      if (jsonataNumeric(res)) res = [res];
      if (Array.isArray(res) && res.every((r) => jsonataNumeric(r))) {
        // items in table order; an index given twice picks its item twice
        const counts = new Map<number, number>();
        for (const r of res as number[]) {
          let i = Math.floor(r);
          if (i < 0) i = table.length + i;
          counts.set(i, (counts.get(i) ?? 0) + 1);
        }
        for (const i of [...counts.keys()].sort((a, b) => a - b)) {
          if (i < 0 || i >= table.length) continue;
          for (let k = 0; k < counts.get(i)!; k++) results.push(table[i]);
        }
      } else if (this.environment.lookup('boolean').implementation(res)) {
        for (const item of table) results.push(item);
      }
      return results;
    },
  };
}

/**
 * Rewrites, in the compiled expression's tree, each `[literals…][predicate]` whose predicate is context-free into a
 * call of a lookup bound under a name no expression can write. Returns the bindings.
 */
function foldConstantFilters(ast: any): Record<string, unknown> {
  const picks: Record<string, unknown> = {};
  const bound = boundNames(ast, new Set());
  const visit = (node: any, inPath: boolean): void => {
    if (Array.isArray(node)) {
      for (const n of node) visit(n, inPath);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    for (const [k, v] of Object.entries(node)) if (v !== null && typeof v === 'object') visit(v, k === 'steps');
    if (inPath || node.type !== 'unary' || node.value !== '[' || !plainKeys(node) || node.keepArray !== undefined) return;
    if (!Array.isArray(node.predicate) || node.predicate.length !== 1 || node.predicate[0].type !== 'filter') return;
    if (Object.keys(node.predicate[0]).some((k) => k !== 'type' && k !== 'expr' && k !== 'position')) return;
    const predicate = node.predicate[0].expr;
    if (node.expressions.length === 0 || !node.expressions.every(literal) || !contextFree(predicate, bound)) return;
    const name = `0pick${Object.keys(picks).length}`; // not a name jsonata's parser accepts: no expression can bind it
    picks[name] = pickFunction(Object.freeze(node.expressions.map((e: any) => e.value)));
    const position = node.position;
    for (const k of Object.keys(node)) delete node[k];
    Object.assign(node, { type: 'function', value: '(', position, arguments: [predicate], procedure: { type: 'variable', value: name, position }, pick: true });
  };
  visit(ast, false);
  return picks;
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

/**
 * AWS: "Built-in JSONata functions that require integer values as parameters will automatically round down any
 * non-integer numbers provided" (https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html, JSONata
 * functions provided by Step Functions): `$partition`'s chunk size, `$range`'s arguments, `$random`'s seed.
 */
function roundDown(value: unknown): unknown {
  return typeof value === 'number' && Number.isFinite(value) ? Math.floor(value) : value;
}

function stepFunctionsFunctions(scope: JsonataScope): Record<string, any> {
  return {
    partition(array: unknown, chunkSize: unknown) {
      const size = roundDown(chunkSize);
      if (!Array.isArray(array)) throw new Error('$partition: the first argument must be an array');
      if (typeof size !== 'number' || !Number.isInteger(size) || size < 1) throw new Error('$partition: the chunk size must be a positive integer');
      const out: unknown[][] = [];
      for (let i = 0; i < array.length; i += size) out.push(array.slice(i, i + size));
      return out;
    },
    range(first: unknown, last: unknown, delta: unknown = 1) {
      const [start, end, step] = [roundDown(first), roundDown(last), roundDown(delta)];
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
      return seed === undefined ? scope.random.next() : randomFromSeed(roundDown(seed));
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
    const { expression, picks } = compileFolded(body);
    value = await expression.evaluate(null, { ...scope.variables, ...stepFunctionsFunctions(scope), states: scope.states, ...picks });
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
