import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { IConstruct } from 'constructs';
import { isUnresolved } from './refs';
import { invalid } from '../../private/errors';
import { isDynamic, isLiteral } from '../../private/expressions';
import { checkCount, checkLength, checkPattern } from '../../private/validation';

/**
 * Checks and renderings of request fields that several SageMaker job APIs share (tags, environments, S3 URIs,
 * instance types, string lists), each bound as the API reference states it.
 */

const TAG_TEXT = /^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$/u;
const ENV_KEY = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const S3_URI = /^(https|s3):\/\/([^/]+)\/?(.*)$/s;

/** At most 50 tags; keys 1–128 and values 0–256 characters of the tag alphabet; no `aws:` keys. */
export function checkTags(scope: IConstruct, tags: { [key: string]: string } | undefined): void {
  if (!tags || isUnresolved(tags)) return;
  const entries = Object.entries(tags);
  if (entries.length > 50) invalid(scope, 'tags', 'at most 50 tags', `${entries.length} tags`);
  for (const [key, value] of entries) {
    checkLength(scope, `tags key ${JSON.stringify(key)}`, key, 1, 128);
    checkPattern(scope, `tags key ${JSON.stringify(key)}`, key, TAG_TEXT, 'letters, digits, spaces and _.:/=+-@');
    if (isLiteral(key) && key.toLowerCase().startsWith('aws:')) invalid(scope, `tags key ${JSON.stringify(key)}`, 'a key not starting with "aws:" (reserved)', key);
    checkLength(scope, `tags.${key}`, value, 0, 256);
    checkPattern(scope, `tags.${key}`, value, TAG_TEXT, 'letters, digits, spaces and _.:/=+-@');
  }
}

/** `{ Tags: [{ Key, Value }] }`, or nothing without tags. */
export function tagsField(tags: { [key: string]: string } | undefined): { Tags?: Array<{ Key: string; Value: string }> } {
  const list = Object.entries(tags ?? {}).map(([Key, Value]) => ({ Key, Value }));
  return list.length > 0 ? { Tags: list } : {};
}

/** Container environment variables: a count limit, names `[a-zA-Z_][a-zA-Z0-9_]*`, key and value lengths. */
export function checkEnvironment(
  scope: IConstruct,
  environment: { [key: string]: string } | undefined,
  limits: { readonly maxVariables: number; readonly maxKeyLength: number; readonly maxValueLength: number },
): void {
  if (!environment || isUnresolved(environment)) return;
  const entries = Object.entries(environment);
  if (entries.length > limits.maxVariables) invalid(scope, 'environment', `at most ${limits.maxVariables} variables`, `${entries.length} variables`);
  for (const [key, value] of entries) {
    checkLength(scope, `environment key ${JSON.stringify(key)}`, key, 1, limits.maxKeyLength);
    checkPattern(scope, `environment key ${JSON.stringify(key)}`, key, ENV_KEY, `a name matching ${ENV_KEY.source}`);
    checkLength(scope, `environment.${key}`, value, 0, limits.maxValueLength);
  }
}

/** A list of `min` to `max` strings of at most `maxLength` characters each. */
export function checkStringList(scope: IConstruct, prop: string, items: string[] | undefined, min: number, max: number, maxLength: number): void {
  if (items === undefined || isUnresolved(items)) return;
  checkCount(scope, prop, items, min, max);
  items.forEach((item, i) => checkLength(scope, `${prop}[${i}]`, item, 0, maxLength));
}

/** An `s3://` or `https://` URI of at most 1024 characters. */
export function checkS3Uri(scope: IConstruct, prop: string, uri: string): void {
  checkLength(scope, prop, uri, 1, 1024);
  checkPattern(scope, prop, uri, S3_URI, 'an s3:// or https:// URI');
}

/** An ML instance type as the API takes it: `ml.` prepended unless present (or only known at run time). */
export function renderInstanceType(instanceType: ec2.InstanceType | undefined, fallback: string): string {
  if (instanceType === undefined) return fallback;
  const type = instanceType.toString();
  if (isDynamic(type) || type.startsWith('ml.')) return type;
  return `ml.${type}`;
}

/** An ARN (of a workteam, a function, a task UI, …) of at most `maxLength` characters matching the API's pattern. */
export function checkArn(scope: IConstruct, prop: string, arn: string | undefined, pattern: RegExp, what: string, maxLength: number = 2048): void {
  checkLength(scope, prop, arn, 1, maxLength);
  checkPattern(scope, prop, arn, pattern, `${what} (${pattern.source})`);
}

/** An integer of at least `min`, for API fields with no upper bound. */
export function checkMinInteger(scope: IConstruct, prop: string, value: number | undefined, min: number): void {
  if (value === undefined || isUnresolved(value)) return;
  if (!Number.isInteger(value) || value < min) invalid(scope, prop, `an integer of at least ${min}`, value);
}
