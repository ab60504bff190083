import { Token } from 'aws-cdk-lib';

// aws-cdk-lib's barrel resolves each export through a getter that calls require() on every access (~10 µs);
// these checks run many times per task, so the function is read once (measured: bench/, issue 3).
const isUnresolved = Token.isUnresolved;

/** True for a JSONata expression string such as `{% $states.input.name %}`. */
export function isJsonata(value: unknown): value is string {
  return typeof value === 'string' && /^\{%[\s\S]*%\}$/.test(value.trim());
}

/**
 * True when the value is only known at deploy or run time: an unresolved CDK token (which includes
 * `JsonPath.stringAt(...)` and friends) or a JSONata expression. Static checks skip such values.
 */
export function isDynamic(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (isJsonata(value)) return true;
  if (typeof value === 'string' || typeof value === 'number' || Array.isArray(value) || typeof value === 'object') {
    return isUnresolved(value);
  }
  return false;
}

/** True when a value is a plain literal that static checks can look at. */
export function isLiteral<T>(value: T | undefined): value is T {
  return value !== undefined && !isDynamic(value);
}

/** `obj` without its undefined fields (request objects leave optional fields out rather than null). */
export function withoutUndefined<T extends { [key: string]: any }>(obj: T): T {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as T;
}
