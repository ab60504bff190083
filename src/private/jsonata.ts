import { isJsonata } from './expressions';

/**
 * Building JSONata text: the expressions our states render in JSONata mode. One place for the quoting rules.
 */

/** The expression inside `{% … %}`. */
export function jsonataBody(expression: string): string {
  return expression.trim().slice(2, -2).trim();
}

/** True when `value` (a string, array or object, at any depth) holds a `{% … %}` expression. */
export function containsJsonata(value: unknown): boolean {
  if (typeof value === 'string') return isJsonata(value);
  if (Array.isArray(value)) return value.some(containsJsonata);
  if (value !== null && typeof value === 'object') return Object.values(value).some(containsJsonata);
  return false;
}

/** A JSONata expression that builds `value`: literals as JSON, `{% e %}` strings as `(e)`. */
export function toJsonataExpression(value: unknown): string {
  if (typeof value === 'string') return isJsonata(value) ? `(${jsonataBody(value)})` : JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(toJsonataExpression).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}: ${toJsonataExpression(v)}`).join(', ')}}`;
  }
  return JSON.stringify(value ?? null);
}

/**
 * A JSONata string literal: single-quoted when it needs no escape, else JSON's double-quoted form (JSONata has
 * JSON's escapes only: a backslash-escaped quote inside single quotes is a syntax error).
 */
export function jsonataString(value: string): string {
  return /['\\\u0000-\u001f]/.test(value) ? JSON.stringify(value) : `'${value}'`;
}

/** A JSONata object constructor from literal keys and JSONata expressions. */
export function jsonataObject(fields: Record<string, string>): string {
  return `{${Object.entries(fields).map(([k, v]) => `${jsonataString(k)}: ${v}`).join(', ')}}`;
}

type JsonataModule = typeof import('jsonata');
let jsonataModule: JsonataModule | undefined;

/**
 * Parses a JSONata expression body with the `jsonata` package this library ships (bundled), loaded on first use so
 * that importing the constructs never loads it. Returns the parser's syntax tree; throws the parser's error (with
 * its `position`) on a syntax error. The one parser of the constructs: prop checks, IAM name prefixes and the
 * pollers' `$states.result` rewriting all read expressions through it.
 */
export function parseJsonata(body: string): unknown {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  jsonataModule ??= require('jsonata') as JsonataModule;
  return jsonataModule(body).ast();
}

/** The syntax error of a JSONata expression body, or undefined when it parses. */
export function jsonataSyntaxError(body: string): string | undefined {
  try {
    parseJsonata(body);
    return undefined;
  } catch (e) {
    const err = e as { message?: string; position?: number };
    return `${err.message ?? String(e)}${err.position !== undefined ? ` (at character ${err.position})` : ''}`;
  }
}
