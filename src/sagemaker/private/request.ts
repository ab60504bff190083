import { IConstruct } from 'constructs';
import { isUnresolved } from './refs';
import { invalid } from '../../private/errors';

/**
 * Merges the user's `additionalRequestFields` into the request a task built from its typed props:
 * objects merge key by key, arrays are appended after ours (e.g. an Athena dataset input after the S3 inputs),
 * and a scalar the typed props already set is an error naming the field, so the escape hatch cannot silently
 * undo what the task validated and granted IAM for.
 */
export function mergeRequestFields(
  scope: IConstruct,
  prop: string,
  request: Record<string, any>,
  extra: Record<string, any> | undefined,
): Record<string, any> {
  if (extra === undefined) return request;
  return mergeObject(scope, prop, request, extra);
}

function mergeObject(scope: IConstruct, path: string, ours: Record<string, any>, theirs: Record<string, any>): Record<string, any> {
  const merged: Record<string, any> = { ...ours };
  for (const [key, value] of Object.entries(theirs)) {
    if (value === undefined) continue;
    const here = `${path}.${key}`;
    const existing = ours[stripPathSuffix(key)] ?? ours[`${stripPathSuffix(key)}.$`];
    if (existing === undefined) {
      merged[key] = value;
    } else if (Array.isArray(existing) && Array.isArray(value) && !isUnresolved(existing) && !isUnresolved(value)) {
      merged[key] = [...existing, ...value];
    } else if (isPlainObject(existing) && isPlainObject(value)) {
      merged[key] = mergeObject(scope, here, existing, value);
    } else {
      invalid(scope, here, 'a request field that no typed prop sets (use the typed prop instead)', value);
    }
  }
  return merged;
}

function stripPathSuffix(key: string): string {
  return key.endsWith('.$') ? key.slice(0, -2) : key;
}

function isPlainObject(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !isUnresolved(value) && Object.getPrototypeOf(value) === Object.prototype;
}
