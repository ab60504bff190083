import { JSONPath } from 'jsonpath-plus';
import { ERRORS, StatesError } from '../errors';

/** What a JSONPath expression of a state can read. */
export interface PathContext {
  /** The document `$` refers to (the state's effective input at that step). */
  readonly input: any;
  /** The context object `$$` refers to. */
  readonly context: any;
  /** Workflow variables, read as `$name` / `$name.field`. */
  readonly variables: Record<string, any>;
  /** A seeded random source in [0, 1), for States.MathRandom (without seed) and States.UUID. */
  readonly random: () => number;
}

/** Where a path starts: the input (`$`), the context object (`$$`) or a workflow variable (`$name`). */
export type PathRoot = { readonly kind: 'input' } | { readonly kind: 'context' } | { readonly kind: 'variable'; readonly name: string };

/** One step of a simple path: an object member or an array index (negative counts from the end, as in Jayway). */
export type PathStep = string | number;

/** A parsed path. `steps` is set for simple (definite) paths, `rest` for the library's wildcards, filters, slices. */
export interface ParsedPath {
  readonly text: string;
  readonly root: PathRoot;
  /** The steps of a simple reference path; undefined when the path needs the JSONPath library. */
  readonly steps?: readonly PathStep[];
  /** The path rewritten against its root as `$…`, handed to the library (only when `steps` is undefined). */
  readonly rest?: string;
}

const INPUT_ROOT: PathRoot = { kind: 'input' };
const CONTEXT_ROOT: PathRoot = { kind: 'context' };
// Variable names: a letter or underscore, then letters, digits and underscores (Unicode letters allowed).
const VARIABLE_NAME = /^[\p{L}_][\p{L}\p{N}_]*/u;
// Characters that make a dot-notation member anything but a plain name (wildcards, filters, unions, functions).
const NOT_SIMPLE_IN_NAME = /[*?@(),:'"\]\\\s]/;
const INDEX = /^-?\d+$/;

const CACHE_LIMIT = 10_000;
const cache = new Map<string, ParsedPath | null>();

/**
 * Parses `path` (cached). Returns null when it is not a path at all (does not start with `$`) or is malformed.
 * Simple reference paths (`$.a.b[0]`, `$['x y']`, `$$.Execution.Id`, `$var.x`) get `steps`; any other
 * JSONPath (wildcards, `..`, filters, slices, unions) gets `rest` for the library.
 */
export function parsePath(path: string): ParsedPath | null {
  let parsed = cache.get(path);
  if (parsed === undefined) {
    parsed = parseUncached(path);
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(path, parsed);
  }
  return parsed;
}

function parseUncached(text: string): ParsedPath | null {
  if (typeof text !== 'string' || text[0] !== '$') return null;
  let root: PathRoot;
  let i: number;
  if (text[1] === '$') {
    root = CONTEXT_ROOT;
    i = 2;
  } else {
    const name = VARIABLE_NAME.exec(text.slice(1));
    if (name) {
      root = { kind: 'variable', name: name[0] };
      i = 1 + name[0].length;
    } else {
      root = INPUT_ROOT;
      i = 1;
    }
  }
  const rest = '$' + text.slice(i);
  const steps = parseSteps(text, i);
  if (steps === 'complex') {
    return { text, root, rest };
  }
  if (steps === 'invalid') return null;
  return { text, root, steps };
}

/** Parses the simple steps from position i; 'complex' when the library must evaluate it, 'invalid' when malformed. */
function parseSteps(text: string, start: number): PathStep[] | 'complex' | 'invalid' {
  const steps: PathStep[] = [];
  let i = start;
  while (i < text.length) {
    const c = text[i];
    if (c === '.') {
      // `$.abc.['def ghi']`: a dot before a bracket, as AWS's intrinsics page writes it
      // (https://docs.aws.amazon.com/step-functions/latest/dg/intrinsic-functions.html, Reserved characters).
      if (text[i + 1] === '[') {
        i++;
        continue;
      }
      if (text[i + 1] === '.') return i + 2 < text.length && text[i + 2] !== '.' ? 'complex' : 'invalid'; // deep scan
      let j = i + 1;
      while (j < text.length && text[j] !== '.' && text[j] !== '[') j++;
      const name = text.slice(i + 1, j);
      if (name.length === 0) return 'invalid';
      if (NOT_SIMPLE_IN_NAME.test(name)) return name.includes('*') || name.includes('(') ? 'complex' : 'invalid';
      steps.push(name);
      i = j;
    } else if (c === '[') {
      const q = text[i + 1];
      if (q === "'" || q === '"') {
        // A quoted member: ['x y'] or ["x y"], with \' \" \\ escapes.
        let j = i + 2;
        let name = '';
        while (j < text.length && text[j] !== q) {
          if (text[j] === '\\' && j + 1 < text.length) {
            name += text[j + 1];
            j += 2;
          } else {
            name += text[j++];
          }
        }
        if (j >= text.length) return 'invalid';
        if (text[j + 1] !== ']') return 'complex'; // ['a','b'] union
        steps.push(name);
        i = j + 2;
      } else {
        const close = text.indexOf(']', i);
        if (close < 0) return 'invalid';
        const inner = text.slice(i + 1, close).trim();
        if (!INDEX.test(inner)) return 'complex'; // *, slices, unions, filters
        steps.push(Number(inner));
        i = close + 1;
      }
    } else {
      return 'invalid';
    }
  }
  return steps;
}

/** The step rendered in the bracket notation AWS's messages use: `$['a'][0]`. */
function normalized(steps: readonly PathStep[], upTo: number): string {
  let s = '$';
  for (let k = 0; k < upTo; k++) {
    const step = steps[k];
    s += typeof step === 'number' ? `[${step}]` : `['${step}']`;
  }
  return s;
}

/** True for a simple reference path (no wildcards, filters, slices, unions, deep scans): what ResultPath accepts. */
export function isReferencePath(path: string): boolean {
  const parsed = parsePath(path);
  return parsed !== null && parsed.steps !== undefined;
}

function rootValue(parsed: ParsedPath, ctx: PathContext): any {
  switch (parsed.root.kind) {
    case 'input':
      return ctx.input;
    case 'context':
      return ctx.context;
    case 'variable': {
      const name = parsed.root.name;
      if (ctx.variables === undefined || !Object.prototype.hasOwnProperty.call(ctx.variables, name)) {
        throw new StatesError(ERRORS.RUNTIME, `Invalid path '${parsed.text}': the variable '$${name}' is not defined`);
      }
      return ctx.variables[name];
    }
  }
}

/** The sentinel of a missing value in `stepInto`. */
const MISSING: unique symbol = Symbol('missing');

function stepInto(value: any, step: PathStep): any {
  if (typeof step === 'number') {
    if (!Array.isArray(value)) return MISSING;
    const index = step < 0 ? value.length + step : step;
    return index >= 0 && index < value.length ? value[index] : MISSING;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return MISSING;
  return Object.prototype.hasOwnProperty.call(value, step) ? value[step] : MISSING;
}

/**
 * Reads `path` against the context. Simple reference paths return the single value they name, and a
 * missing one throws States.Runtime. Wildcard, filter and slice paths (Jayway's "indefinite" paths)
 * return the array of their matches, possibly empty (Jayway returns an empty list rather than failing).
 */
export function readPath(path: string, ctx: PathContext): any {
  const parsed = parsePath(path);
  if (parsed === null) {
    throw new StatesError(ERRORS.RUNTIME, `Invalid path '${path}': not a JSONPath`);
  }
  const root = rootValue(parsed, ctx);
  const steps = parsed.steps;
  if (steps === undefined) return queryLibrary(parsed, root);
  let value = root;
  for (let k = 0; k < steps.length; k++) {
    value = stepInto(value, steps[k]);
    if (value === MISSING) {
      throw new StatesError(ERRORS.RUNTIME, `Invalid path '${path}' : No results for path: ${normalized(steps, k + 1)}`);
    }
  }
  return value;
}

/** Evaluates an indefinite path with jsonpath-plus (safe script evaluation, never native eval). */
function queryLibrary(parsed: ParsedPath, root: any): any[] {
  try {
    return JSONPath({ path: parsed.rest!, json: root, wrap: true, eval: 'safe' });
  } catch (e) {
    throw new StatesError(ERRORS.RUNTIME, `Invalid path '${parsed.text}': ${(e as Error).message}`);
  }
}

/** Whether `path` names a value (for IsPresent); indefinite paths are present when they match something. */
export function pathExists(path: string, ctx: PathContext): boolean {
  const parsed = parsePath(path);
  if (parsed === null) {
    throw new StatesError(ERRORS.RUNTIME, `Invalid path '${path}': not a JSONPath`);
  }
  if (parsed.root.kind === 'variable' && (ctx.variables === undefined || !Object.prototype.hasOwnProperty.call(ctx.variables, parsed.root.name))) {
    return false;
  }
  const root = rootValue(parsed, ctx);
  if (parsed.steps === undefined) return queryLibrary(parsed, root).length > 0;
  let value = root;
  for (const step of parsed.steps) {
    value = stepInto(value, step);
    if (value === MISSING) return false;
  }
  return true;
}

/**
 * Places `result` into `input` at `resultPath`, as a state's ResultPath (and a Catch's ResultPath) does.
 * `undefined` means the default `$` (the result replaces the input); `null` discards the result. A path
 * creates missing objects on its way; it fails with States.ResultPathMatchFailure when it runs into a
 * value that is not an object (or an array index out of range). Only the objects on the path are copied:
 * neither argument is mutated, untouched branches are shared.
 */
export function applyResultPath(input: any, result: any, resultPath: string | null | undefined): any {
  if (resultPath === null) return input;
  if (resultPath === undefined || resultPath === '$') return result;
  const parsed = parsePath(resultPath);
  if (parsed === null || parsed.steps === undefined || parsed.root.kind !== 'input') {
    throw new StatesError(ERRORS.RUNTIME, `Invalid ResultPath '${resultPath}': a ResultPath must be a reference path starting with '$'`);
  }
  const steps = parsed.steps;
  const fail = (): never => {
    throw new StatesError(ERRORS.RESULT_PATH_MATCH_FAILURE,
      `Unable to apply ResultPath '${resultPath}' to input '${JSON.stringify(input)}'`);
  };
  const place = (container: any, k: number): any => {
    if (k === steps.length) return result;
    const step = steps[k];
    if (typeof step === 'number') {
      if (!Array.isArray(container)) return fail();
      const index = step < 0 ? container.length + step : step;
      if (index < 0 || index >= container.length) return fail();
      const copy = container.slice();
      copy[index] = place(container[index], k + 1);
      return copy;
    }
    if (container === null || typeof container !== 'object' || Array.isArray(container)) return fail();
    const child = Object.prototype.hasOwnProperty.call(container, step) ? container[step] : undefined;
    // A missing member on the way is created as an object; a present one must be an object (or array, for an index).
    const next = child === undefined && k + 1 < steps.length ? (typeof steps[k + 1] === 'number' ? fail() : {}) : child;
    const copy: Record<string, any> = { ...container };
    copy[step] = place(next, k + 1);
    return copy;
  };
  return place(input, 0);
}
