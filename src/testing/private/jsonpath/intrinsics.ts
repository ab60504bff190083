import { createHash } from 'node:crypto';
import { ERRORS, StatesError } from '../errors';
import { PathContext, readPath } from './path';

/*
 * The intrinsic functions of JSONPath states (`States.Format(...)` and friends), after AWS's developer guide
 * "Intrinsic functions for JSONPath states". A small tokenizer and recursive-descent parser turn the call
 * into a tree (cached per expression); evaluation reads paths from the PathContext.
 *
 * Error choices (AWS validates most of these when the state machine is created; at run time):
 * - a malformed call, an unknown function, an open escape backslash → States.Runtime (the guide says an
 *   open escape "will throw a runtime error"; a syntax error is never an intrinsic failing on its data);
 * - a path argument that names nothing → States.Runtime, as for any other path;
 * - a wrong argument count, type or value, or a limit exceeded (ArrayRange's 1000 items, the 10,000
 *   characters of Base64/Hash, a deep JsonMerge) → States.IntrinsicFailure.
 */

/** An argument of a call: a literal, a path, or a nested call. */
type Arg =
  | { readonly kind: 'literal'; readonly value: any; readonly raw?: string }
  | { readonly kind: 'path'; readonly path: string }
  | { readonly kind: 'call'; readonly call: Call };

interface Call {
  readonly name: string;
  readonly args: readonly Arg[];
}

const cache = new Map<string, Call>();
const CACHE_LIMIT = 5_000;

function syntaxError(expression: string, message: string): StatesError {
  return new StatesError(ERRORS.RUNTIME, `Invalid intrinsic function call '${expression}': ${message}`);
}

/** Parses `States.X(arg, …)`; throws States.Runtime on a syntax error. */
export function parseIntrinsic(expression: string): Call {
  let call = cache.get(expression);
  if (call === undefined) {
    call = new Parser(expression).parseAll();
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(expression, call);
  }
  return call;
}

/** True when `value` looks like an intrinsic function call (a `States.` name followed by `(`). */
export function isIntrinsicCall(value: string): boolean {
  return /^\s*States\.[A-Za-z0-9]+\s*\(/.test(value);
}

class Parser {
  private i = 0;
  constructor(private readonly text: string) {}

  parseAll(): Call {
    this.skipSpace();
    const call = this.parseCall();
    this.skipSpace();
    if (this.i !== this.text.length) throw this.error(`unexpected '${this.text.slice(this.i)}' after the call`);
    return call;
  }

  private error(message: string): StatesError {
    return syntaxError(this.text, `${message} (at character ${this.i})`);
  }

  private skipSpace(): void {
    while (this.i < this.text.length && /\s/.test(this.text[this.i])) this.i++;
  }

  private parseCall(): Call {
    const m = /^States\.[A-Za-z0-9]+/.exec(this.text.slice(this.i));
    if (!m) throw this.error('expected a function name States.<Name>');
    const name = m[0];
    if (!(name in FUNCTIONS)) throw this.error(`unknown intrinsic function ${name}`);
    this.i += name.length;
    this.skipSpace();
    if (this.text[this.i] !== '(') throw this.error(`expected '(' after ${name}`);
    this.i++;
    const args: Arg[] = [];
    this.skipSpace();
    if (this.text[this.i] === ')') {
      this.i++;
      return { name, args };
    }
    for (;;) {
      this.skipSpace();
      args.push(this.parseArg());
      this.skipSpace();
      const c = this.text[this.i];
      if (c === ',') {
        this.i++;
        continue;
      }
      if (c === ')') {
        this.i++;
        return { name, args };
      }
      throw this.error(c === undefined ? `missing ')' to close ${name}` : `expected ',' or ')' but found '${c}'`);
    }
  }

  private parseArg(): Arg {
    const rest = this.text.slice(this.i);
    const c = rest[0];
    if (c === "'") return this.parseString();
    if (c === '$') return { kind: 'path', path: this.parsePathToken() };
    if (rest.startsWith('States.')) return { kind: 'call', call: this.parseCall() };
    const num = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(rest);
    if (num) {
      this.i += num[0].length;
      return { kind: 'literal', value: Number(num[0]) };
    }
    for (const [word, value] of [['true', true], ['false', false], ['null', null]] as const) {
      if (rest.startsWith(word) && !/[A-Za-z0-9_]/.test(rest[word.length] ?? '')) {
        this.i += word.length;
        return { kind: 'literal', value };
      }
    }
    throw this.error(c === undefined ? 'missing argument' : `unexpected '${c}'`);
  }

  /** A single-quoted string; `\'`, `\{`, `\}`, `\\` are the only escapes. Keeps the raw text for States.Format. */
  private parseString(): Arg {
    const start = this.i;
    this.i++; // opening quote
    let value = '';
    for (;;) {
      const c = this.text[this.i];
      if (c === undefined) throw this.error('unterminated string literal');
      if (c === "'") break;
      if (c === '\\') {
        const next = this.text[this.i + 1];
        if (next !== "'" && next !== '{' && next !== '}' && next !== '\\') {
          throw this.error(`open escape backslash before '${next ?? 'end of input'}'`);
        }
        value += next;
        this.i += 2;
      } else {
        value += c;
        this.i++;
      }
    }
    this.i++; // closing quote
    return { kind: 'literal', value, raw: this.text.slice(start + 1, this.i - 1) };
  }

  /** A path runs to the next ',' or ')' outside brackets, quotes and parentheses (filters contain both). */
  private parsePathToken(): string {
    const start = this.i;
    let depth = 0;
    let quote: string | undefined;
    while (this.i < this.text.length) {
      const c = this.text[this.i];
      if (quote) {
        if (c === '\\') this.i++;
        else if (c === quote) quote = undefined;
      } else if (c === "'" || c === '"') {
        quote = c;
      } else if (c === '[' || c === '(') {
        depth++;
      } else if (c === ']' || c === ')') {
        if (depth === 0) break;
        depth--;
      } else if (c === ',' && depth === 0) {
        break;
      }
      this.i++;
    }
    return this.text.slice(start, this.i).trim();
  }
}

/** Evaluates an intrinsic function call such as `States.Format('{}-{}', $.a, $$.Execution.Name)`. */
export function evaluateIntrinsic(expression: string, ctx: PathContext): any {
  return evaluateCall(parseIntrinsic(expression), ctx);
}

function evaluateCall(call: Call, ctx: PathContext): any {
  const values = call.args.map((arg) => {
    switch (arg.kind) {
      case 'literal':
        return arg.value;
      case 'path':
        return readArgumentPath(arg.path, ctx);
      case 'call':
        return evaluateCall(arg.call, ctx);
    }
  });
  return FUNCTIONS[call.name](values, call, ctx);
}

function readArgumentPath(path: string, ctx: PathContext): any {
  try {
    return readPath(path, ctx);
  } catch (e) {
    if (e instanceof StatesError && e.error === ERRORS.RUNTIME) {
      throw new StatesError(ERRORS.RUNTIME, `The JsonPath argument for the field '${path}' could not be found in the input '${safeJson(ctx.input)}'`);
    }
    throw e;
  }
}

function safeJson(value: any): string {
  try {
    return JSON.stringify(value) ?? 'undefined';
  } catch {
    return String(value);
  }
}

function fail(name: string, message: string): never {
  throw new StatesError(ERRORS.INTRINSIC_FAILURE, `Invalid arguments in ${name}: ${message}`);
}

type Kind = 'string' | 'number' | 'integer' | 'boolean' | 'array' | 'object' | 'any';

function kindOf(value: any): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function check(name: string, values: any[], kinds: readonly Kind[], optional = 0): void {
  const min = kinds.length - optional;
  if (values.length < min || values.length > kinds.length) {
    const expected = optional ? `${min} to ${kinds.length}` : `${kinds.length}`;
    fail(name, `expected ${expected} argument(s), got ${values.length}`);
  }
  values.forEach((value, k) => {
    const kind = kinds[k];
    const ok = kind === 'any'
      || (kind === 'integer' ? typeof value === 'number' && Number.isInteger(value)
        : kind === 'object' ? kindOf(value) === 'object'
          : kindOf(value) === kind);
    if (!ok) fail(name, `argument ${k + 1} must be ${kind === 'integer' ? 'an integer' : `of type ${kind}`}; got ${safeJson(value)}`);
  });
}

/** Deep equality of JSON values (ArrayContains, ArrayUnique). */
function jsonEquals(a: any, b: any): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) return a.length === b.length && a.every((x, k) => jsonEquals(x, b[k]));
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && jsonEquals(a[k], b[k]));
}

const MAX_CHARS = 10_000;
const HASHES: Record<string, string> = { 'MD5': 'md5', 'SHA-1': 'sha1', 'SHA-256': 'sha256', 'SHA-384': 'sha384', 'SHA-512': 'sha512' };

/** A small seeded generator (mulberry32) for States.MathRandom's optional seed. */
/* eslint-disable no-bitwise */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
/* eslint-enable no-bitwise */

/**
 * How States.Format renders a value in place of `{}`: strings as they are, numbers, booleans and null as JSON;
 * objects and arrays as AWS renders them (a Java map's and list's text, members unquoted at any depth):
 * `{"a":1,"b":["x",null]}` → `{a=1, b=[x, null]}`.
 */
function formatValue(value: any): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return `[${value.map(formatValue).join(', ')}]`;
  if (value !== null && typeof value === 'object') return `{${Object.entries(value).map(([k, v]) => `${k}=${formatValue(v)}`).join(', ')}}`;
  return JSON.stringify(value);
}

/** States.Format: each `{}` of the template takes the next argument; `\{`, `\}` in a literal template are literal braces. */
function format(values: any[], call: Call): string {
  const name = call.name;
  if (values.length < 1 || typeof values[0] !== 'string') fail(name, 'the first argument must be a string template');
  // A literal template keeps its escapes (so `\{}` is not a placeholder); a template read from a path has none.
  const first = call.args[0];
  const template = first.kind === 'literal' && first.raw !== undefined ? first.raw : values[0];
  const escaped = first.kind === 'literal' && first.raw !== undefined;
  const parts: string[] = [];
  let used = 0;
  for (let i = 0; i < template.length; i++) {
    const c = template[i];
    if (escaped && c === '\\') {
      parts.push(template[++i]);
    } else if (c === '{' && template[i + 1] === '}') {
      used++;
      if (used < values.length) parts.push(formatValue(values[used]));
      i++;
    } else {
      parts.push(c);
    }
  }
  if (used !== values.length - 1) {
    fail(name, `the template has ${used} placeholder(s) {} but ${values.length - 1} argument(s) follow it`);
  }
  return parts.join('');
}

type Impl = (values: any[], call: Call, ctx: PathContext) => any;

const FUNCTIONS: Record<string, Impl> = {
  'States.Format': (values, call) => format(values, call),

  'States.StringToJson': (values, call) => {
    check(call.name, values, ['string']);
    try {
      return JSON.parse(values[0]);
    } catch (e) {
      return fail(call.name, `the argument is not JSON text: ${(e as Error).message}`);
    }
  },

  'States.JsonToString': (values, call) => {
    check(call.name, values, ['any']);
    return JSON.stringify(values[0]);
  },

  'States.Array': (values) => values,

  // A non-integer chunk size is rounded to the nearest integer (half up, as Java's Math.round) first, as AWS does.
  'States.ArrayPartition': (values, call) => {
    check(call.name, values, ['array', 'number']);
    const array = values[0] as any[];
    const size = Math.round(values[1]);
    if (size <= 0) fail(call.name, `the chunk size must be a positive integer; got ${size}`);
    const chunks: any[][] = [];
    for (let k = 0; k < array.length; k += size) chunks.push(array.slice(k, k + size));
    return chunks;
  },

  'States.ArrayContains': (values, call) => {
    check(call.name, values, ['array', 'any']);
    return (values[0] as any[]).some((item) => jsonEquals(item, values[1]));
  },

  // Inclusive of both ends when the step lands on the end; a step away from the end gives an empty array.
  // Non-integer arguments are rounded to the nearest integer (half up, as Java's Math.round) first, as AWS does.
  'States.ArrayRange': (values, call) => {
    check(call.name, values, ['number', 'number', 'number']);
    const [start, end, step] = (values as number[]).map((v) => Math.round(v));
    if (step === 0) fail(call.name, 'the step must not be 0');
    const count = Math.floor((end - start) / step) + 1;
    if (count <= 0) return [];
    if (count > 1000) fail(call.name, `the range would have ${count} items; at most 1000 are allowed`);
    return Array.from({ length: count }, (_, k) => start + k * step);
  },

  'States.ArrayGetItem': (values, call) => {
    check(call.name, values, ['array', 'integer']);
    const [array, index] = values as [any[], number];
    if (index < 0 || index >= array.length) fail(call.name, `index ${index} is out of bounds for an array of ${array.length} item(s)`);
    return array[index];
  },

  'States.ArrayLength': (values, call) => {
    check(call.name, values, ['array']);
    return values[0].length;
  },

  'States.ArrayUnique': (values, call) => {
    check(call.name, values, ['array']);
    const unique: any[] = [];
    for (const item of values[0] as any[]) {
      if (!unique.some((u) => jsonEquals(u, item))) unique.push(item);
    }
    return unique;
  },

  'States.Base64Encode': (values, call) => {
    check(call.name, values, ['string']);
    if (values[0].length > MAX_CHARS) fail(call.name, `the input has ${values[0].length} characters; at most ${MAX_CHARS} are allowed`);
    return Buffer.from(values[0], 'utf8').toString('base64');
  },

  'States.Base64Decode': (values, call) => {
    check(call.name, values, ['string']);
    const text: string = values[0];
    if (text.length > MAX_CHARS) fail(call.name, `the input has ${text.length} characters; at most ${MAX_CHARS} are allowed`);
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 === 1) fail(call.name, `'${text}' is not Base64`);
    return Buffer.from(text, 'base64').toString('utf8');
  },

  'States.Hash': (values, call) => {
    check(call.name, values, ['string', 'string']);
    const [data, algorithm] = values as string[];
    if (data.length > MAX_CHARS) fail(call.name, `the data has ${data.length} characters; at most ${MAX_CHARS} are allowed`);
    const node = HASHES[algorithm];
    if (!node) fail(call.name, `the algorithm must be one of ${Object.keys(HASHES).join(', ')}; got '${algorithm}'`);
    return createHash(node).update(data, 'utf8').digest('hex');
  },

  'States.JsonMerge': (values, call) => {
    check(call.name, values, ['object', 'object', 'boolean']);
    if (values[2] !== false) fail(call.name, 'deep merge is not supported: the third argument must be false');
    return { ...values[0], ...values[1] };
  },

  // Non-integer bounds are rounded to the nearest integer (AWS's documented behaviour); the result is in [start, end).
  'States.MathRandom': (values, call, ctx) => {
    check(call.name, values, ['number', 'number', 'number'], 1);
    const start = Math.round(values[0]);
    const end = Math.round(values[1]);
    if (end <= start) fail(call.name, `the end (${end}) must be greater than the start (${start})`);
    const random = values.length === 3 ? seededRandom(Math.round(values[2])) : ctx.random;
    return start + Math.floor(random() * (end - start));
  },

  // Non-integers are rounded to the nearest integer first, half up as Java's Math.round (AWS: 1.5 + 1.51 = 4, -1.49 + -1.5 = -2).
  'States.MathAdd': (values, call) => {
    check(call.name, values, ['number', 'number']);
    return Math.round(values[0]) + Math.round(values[1]);
  },

  // Every character of the second argument is a delimiter, and empty pieces are dropped (AWS: 'This.is+a,test=string'
  // split on '.+,=' gives This, is, a, test, string).
  'States.StringSplit': (values, call) => {
    check(call.name, values, ['string', 'string']);
    const [text, delimiters] = values as string[];
    const pieces: string[] = [];
    let current = '';
    for (const c of text) {
      if (delimiters.includes(c)) {
        if (current) pieces.push(current);
        current = '';
      } else {
        current += c;
      }
    }
    if (current) pieces.push(current);
    return pieces;
  },

  // A version 4 UUID from the execution's seeded random source, so runs are reproducible.
  'States.UUID': (values, call, ctx) => {
    check(call.name, values, []);
    const bytes = Array.from({ length: 16 }, () => Math.min(255, Math.floor(ctx.random() * 256)));
    /* eslint-disable no-bitwise */
    bytes[6] = (bytes[6] & 0x0f) | 0x40; // version 4
    bytes[8] = (bytes[8] & 0x3f) | 0x80; // RFC 4122 variant
    /* eslint-enable no-bitwise */
    const hex = bytes.map((b) => b.toString(16).padStart(2, '0')).join('');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  },
};
