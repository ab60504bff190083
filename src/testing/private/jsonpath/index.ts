/**
 * The JSONPath query language of the offline executor: paths (InputPath, OutputPath, ItemsPath, Choice
 * variables, `.$` fields), ResultPath, payload templates (Parameters, ResultSelector, ItemSelector and the
 * JSONPath form of Assign), intrinsic functions and Choice rules, after AWS's Step Functions developer guide.
 *
 * Library choice. Step Functions evaluates JSONPath with semantics like Jayway's (Java): a definite path
 * names one value and fails when it is missing; an indefinite path (wildcard, deep scan, filter, slice,
 * union) returns the list of its matches. Simple reference paths (`$.a.b[0]`, `$['x y']`, `$$.Execution.Id`,
 * `$var.x`) — by far the most common, and the ones a poll loop reads thousands of times — go through our
 * own small parser (path.ts, parsed once and cached). Only indefinite paths go to a library:
 * `jsonpath-plus`, because it is maintained, widely used (tens of millions of weekly downloads), already in
 * our dependency tree (asl-validator uses it), covers Jayway's syntax for wildcards, `..`, slices, unions
 * and `[?(@.x < 1)]` filters, and has a safe evaluator for filter scripts (`eval: 'safe'`, no native eval).
 * We use the 10.x line (>= 10.4): 11.x requires Node >= 22 and this project builds and tests on Node 20.
 * Compared and not chosen: `jsonpath` (dchester; unmaintained since 2021, filters through static-eval),
 * `jsonpath-rfc9535` / `json-p3` (RFC 9535 semantics: `?@.x` filters and no Jayway-style results, further
 * from Step Functions), `@astronautlabs/jsonpath` (a fork of `jsonpath`, little use).
 *
 * Not supported (documented gaps): Jayway's filter operators `in`, `nin`, `subsetof`, `=~` regexes and
 * path functions (`length()`, `min()`, …) inside indefinite paths; the 10-level nesting limit of intrinsic
 * functions is not enforced; payload sizes (256 KiB) are the engine's concern.
 */
import { ERRORS, StatesError } from '../errors';
import { evaluateIntrinsic, isIntrinsicCall } from './intrinsics';
import { PathContext, readPath } from './path';

export type { PathContext } from './path';
export { readPath, applyResultPath, isReferencePath, pathExists, parsePath } from './path';
export { evaluateIntrinsic } from './intrinsics';
export { evaluateChoiceRule, stringMatches, parseTimestamp } from './choice';

/**
 * Applies a payload template: Parameters, ResultSelector, ItemSelector, or a JSONPath state's Assign.
 * A field whose name ends in `.$` takes its value from a path (`$.x`, `$$.x`, `$var`) or an intrinsic
 * function call, and loses the `.$` suffix; other fields are copied; objects and arrays are processed
 * recursively. A `.$` field whose value is neither a path nor an intrinsic call fails with States.Runtime,
 * as does a path that names nothing (AWS: "The JSONPath … specified for the field … could not be found in
 * the input …"); an intrinsic that fails on its arguments raises States.IntrinsicFailure.
 */
export function applyPayloadTemplate(template: any, ctx: PathContext): any {
  if (Array.isArray(template)) return template.map((item) => applyPayloadTemplate(item, ctx));
  if (template === null || typeof template !== 'object') return template;
  const out: Record<string, any> = {};
  for (const key of Object.keys(template)) {
    const value = template[key];
    if (key.endsWith('.$')) {
      out[key.slice(0, -2)] = resolveDynamicField(key, value, ctx);
    } else {
      out[key] = applyPayloadTemplate(value, ctx);
    }
  }
  return out;
}

function resolveDynamicField(key: string, value: any, ctx: PathContext): any {
  if (typeof value !== 'string') {
    throw new StatesError(ERRORS.RUNTIME, `The value for the field '${key}' must be a JSONPath or an intrinsic function call; got ${JSON.stringify(value)}`);
  }
  const text = value.trim();
  if (text.startsWith('$')) {
    try {
      return readPath(text, ctx);
    } catch (e) {
      if (e instanceof StatesError && e.error === ERRORS.RUNTIME) {
        throw new StatesError(ERRORS.RUNTIME,
          `The JSONPath '${text}' specified for the field '${key}' could not be found in the input '${describeRoot(text, ctx)}'`);
      }
      throw e;
    }
  }
  if (isIntrinsicCall(text)) return evaluateIntrinsic(text, ctx);
  throw new StatesError(ERRORS.RUNTIME, `The value for the field '${key}' must be a JSONPath or an intrinsic function call; got '${value}'`);
}

function describeRoot(path: string, ctx: PathContext): string {
  try {
    const root = path.startsWith('$$') ? ctx.context : /^\$[\p{L}_]/u.test(path) ? ctx.variables : ctx.input;
    return JSON.stringify(root) ?? 'undefined';
  } catch {
    return '<unprintable>';
  }
}
