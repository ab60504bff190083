import { Aws, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { invalid } from '../../private/errors';
import { isDynamic, isLiteral } from '../../private/expressions';
import { escapeIamName } from '../../private/names';
import { checkCount, checkLength, checkPattern } from '../../private/validation';
import { containsExpression, containsJsonPath } from '../../private/values';
import type { EmrServerlessConfiguration, EmrServerlessMonitoring } from '../start-job-run';

/**
 * Shared by the EMR Serverless tasks: the request members StartJobRun and CreateApplication have in common
 * (configurations, monitoring, tags) and the checks of their bounds, as the EMR Serverless API reference gives them.
 */

/** The API's `.*\S.*` pattern of free-text members: not blank. */
export const NOT_BLANK = /\S/;

/** `s3://bucket/key`. */
export const S3_URI = /^s3:\/\/([^/]+)\/(.*)$/;

export function checkRequiredString(scope: IConstruct, prop: string, value: unknown): void {
  if (typeof value !== 'string') invalid(scope, prop, 'a string (required)', value);
}

export function checkOptionalString(scope: IConstruct, prop: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'string') invalid(scope, prop, 'a string', value);
}

/** Length and the API's not-blank pattern, as most EMR Serverless string members have them. */
export function checkText(scope: IConstruct, prop: string, value: string | undefined, min: number, max: number): void {
  checkLength(scope, prop, value, min, max);
  checkPattern(scope, prop, value, NOT_BLANK, 'not blank');
}

/** An `s3://` URI known at synth or deploy time (a bucket token is fine; JSONPath and JSONata are not). */
export function isLiteralS3Uri(value: string | undefined): value is string {
  return typeof value === 'string' && !containsExpression(value) && !containsJsonPath(value) && S3_URI.test(value);
}

export function checkS3UriIfLiteral(scope: IConstruct, prop: string, value: string | undefined): void {
  if (value === undefined || isDynamic(value)) return;
  if (!S3_URI.test(value)) invalid(scope, prop, 'an s3:// URI (s3://bucket/key)', value);
}

/** `arn:<partition>:s3:::<bucket>/<key>` of an `s3://bucket/key` (IAM's special characters escaped, tokens kept). */
export function s3ObjectArn(uri: string): string {
  const [, bucket, key] = S3_URI.exec(uri)!;
  return `arn:${Aws.PARTITION}:s3:::${escapeIamName(bucket)}/${escapeIamName(key)}`;
}

/** Tag keys and values: `[A-Za-z0-9 /_.:=+@-]`. */
const TAG_TEXT = /^[A-Za-z0-9 /_.:=+@-]*$/;

/**
 * At most 200 tags; keys 1 to 128 characters, values 0 to 256, both of letters, digits, spaces and `/_.:=+@-`.
 *
 * @see https://docs.aws.amazon.com/emr-serverless/latest/APIReference/API_StartJobRun.html (tags: TagMap)
 * @see https://docs.aws.amazon.com/emr-serverless/latest/APIReference/API_CreateApplication.html (tags: TagMap)
 */
export function checkTagMap(scope: IConstruct, tags: { [key: string]: string } | undefined): void {
  if (!tags || Token.isUnresolved(tags)) return;
  const entries = Object.entries(tags);
  if (entries.length > 200) invalid(scope, 'tags', 'at most 200 tags', `${entries.length} tags`);
  for (const [key, value] of entries) {
    const keyProp = `tags key ${JSON.stringify(key)}`;
    checkLength(scope, keyProp, key, 1, 128);
    checkPattern(scope, keyProp, key, TAG_TEXT, 'letters, digits, spaces and /_.:=+@-');
    // The `aws:` prefix is reserved for AWS's own tags in every service:
    // https://docs.aws.amazon.com/tag-editor/latest/userguide/best-practices-and-strats.html
    if (isLiteral(key) && key.toLowerCase().startsWith('aws:')) invalid(scope, keyProp, 'a key not starting with "aws:" (reserved)', key);
    checkLength(scope, `tags.${key}`, value, 0, 256);
    checkPattern(scope, `tags.${key}`, value, TAG_TEXT, 'letters, digits, spaces and /_.:=+@-');
  }
}

/** CloudWatch log group names: `[\.\-_/#A-Za-z0-9]+`. */
const LOG_GROUP_NAME = /^[.\-_/#A-Za-z0-9]+$/;
/** CloudWatch log stream name prefixes: `[^:*]*`. */
const LOG_STREAM_PREFIX = /^[^:*]*$/;

/**
 * The `MonitoringConfiguration` member of a job run's overrides or of an application, from `monitoring`.
 *
 * @see https://docs.aws.amazon.com/emr-serverless/latest/APIReference/API_MonitoringConfiguration.html
 * @see https://docs.aws.amazon.com/emr-serverless/latest/APIReference/API_CloudWatchLoggingConfiguration.html
 * (logGroupName 1 to 512 of `[\.\-_/#A-Za-z0-9]+`, logStreamNamePrefix 1 to 512 of `[^:*]*`)
 * @see https://docs.aws.amazon.com/emr-serverless/latest/APIReference/API_S3MonitoringConfiguration.html (logUri 1 to 10280)
 */
export function renderMonitoring(scope: IConstruct, prop: string, m: EmrServerlessMonitoring | undefined): Record<string, any> | undefined {
  if (!m) return undefined;
  const monitoring: Record<string, any> = {};
  if (m.s3LogUri !== undefined) {
    checkLength(scope, `${prop}.s3LogUri`, m.s3LogUri, 1, 10280);
    checkS3UriIfLiteral(scope, `${prop}.s3LogUri`, m.s3LogUri);
    monitoring.S3MonitoringConfiguration = { LogUri: m.s3LogUri };
  }
  if (m.cloudWatchLogs !== undefined) {
    const cw = m.cloudWatchLogs;
    checkLength(scope, `${prop}.cloudWatchLogs.logGroupName`, cw.logGroupName, 1, 512);
    checkPattern(scope, `${prop}.cloudWatchLogs.logGroupName`, cw.logGroupName, LOG_GROUP_NAME, `letters, digits and ._-/# (${LOG_GROUP_NAME.source})`);
    checkLength(scope, `${prop}.cloudWatchLogs.logStreamNamePrefix`, cw.logStreamNamePrefix, 1, 512);
    checkPattern(scope, `${prop}.cloudWatchLogs.logStreamNamePrefix`, cw.logStreamNamePrefix, LOG_STREAM_PREFIX, 'free of ":" and "*"');
    monitoring.CloudWatchLoggingConfiguration = {
      Enabled: true,
      ...(cw.logGroupName !== undefined ? { LogGroupName: cw.logGroupName } : {}),
      ...(cw.logStreamNamePrefix !== undefined ? { LogStreamNamePrefix: cw.logStreamNamePrefix } : {}),
    };
  }
  if (m.managedPersistence !== undefined) {
    monitoring.ManagedPersistenceMonitoringConfiguration = { Enabled: m.managedPersistence };
  }
  return Object.keys(monitoring).length > 0 ? monitoring : undefined;
}

/**
 * A list of configurations (at most 100), each a classification (1 to 1024, not blank) with at most 100 properties
 * (keys 1 to 1024 and not blank, values up to 1024) and nested configurations.
 *
 * @see https://docs.aws.amazon.com/emr-serverless/latest/APIReference/API_Configuration.html
 */
export function renderConfigurations(scope: IConstruct, prop: string, configurations: EmrServerlessConfiguration[]): any[] {
  if (!Array.isArray(configurations)) invalid(scope, prop, 'a list of configurations', configurations);
  checkCount(scope, prop, configurations, 0, 100);
  return configurations.map((c, i) => {
    const at = `${prop}[${i}]`;
    if (typeof c !== 'object' || c === null) invalid(scope, at, 'a configuration ({ classification, properties?, configurations? })', c);
    checkRequiredString(scope, `${at}.classification`, c.classification);
    checkText(scope, `${at}.classification`, c.classification, 1, 1024);
    if (c.properties !== undefined && !Token.isUnresolved(c.properties)) {
      const entries = Object.entries(c.properties);
      if (entries.length > 100) invalid(scope, `${at}.properties`, 'at most 100 properties', `${entries.length} properties`);
      for (const [key, value] of entries) {
        checkText(scope, `${at}.properties key ${JSON.stringify(key)}`, key, 1, 1024);
        checkLength(scope, `${at}.properties.${key}`, value, 0, 1024);
      }
    }
    return {
      Classification: c.classification,
      ...(c.properties !== undefined ? { Properties: c.properties } : {}),
      ...(c.configurations !== undefined ? { Configurations: renderConfigurations(scope, `${at}.configurations`, c.configurations) } : {}),
    };
  });
}
