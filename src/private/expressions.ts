import { Token } from 'aws-cdk-lib';

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
    return Token.isUnresolved(value);
  }
  return false;
}

/** True when a value is a plain literal that static checks can look at. */
export function isLiteral<T>(value: T | undefined): value is T {
  return value !== undefined && !isDynamic(value);
}
