import { Aws, Token } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { IConstruct } from 'constructs';
import { invalid } from '../../private/errors';
import { isDynamic, isLiteral } from '../../private/expressions';
import { escapeIamName } from '../../private/names';
import { checkCount, checkLength, checkPattern } from '../../private/validation';
import { containsExpression, containsJsonPath } from '../../private/values';
import type { EmrServerlessConfiguration, EmrServerlessDiskEncryption, EmrServerlessMonitoring } from '../start-job-run';

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
 * `EncryptionKeyArn` of every EMR Serverless member that takes one: a key ARN (not an alias), 20 to 2048 characters.
 *
 * @see https://docs.aws.amazon.com/emr-serverless/latest/APIReference/API_DiskEncryptionConfiguration.html
 * @see https://docs.aws.amazon.com/emr-serverless/latest/APIReference/API_CloudWatchLoggingConfiguration.html
 */
const KMS_KEY_ARN = /^arn:(aws[a-zA-Z0-9-]*):kms:[a-zA-Z0-9-]*:([0-9]{12}):key\/[a-zA-Z0-9-]+$/;
/**
 * `PrometheusMonitoringConfiguration.remoteWriteUrl`: 1 to 10280 characters of an Amazon Managed Service for
 * Prometheus workspace's remote write URL.
 *
 * @see https://docs.aws.amazon.com/emr-serverless/latest/APIReference/API_PrometheusMonitoringConfiguration.html
 */
const PROMETHEUS_URL = /^https:\/\/aps-workspaces.([a-z]{2}-[a-z-]{1,20}-[1-9]).amazonaws(.[0-9A-Za-z]{2,4})+\/workspaces\/[-_.0-9A-Za-z]{1,100}\/api\/v1\/remote_write$/;
/**
 * `CloudWatchLoggingConfiguration.logTypes`: 1 to 4 worker types, each with 1 to 5 log types, from the values the API
 * reference lists.
 *
 * @see https://docs.aws.amazon.com/emr-serverless/latest/APIReference/API_CloudWatchLoggingConfiguration.html
 */
const LOG_TYPE_WORKERS = ['SPARK_DRIVER', 'SPARK_EXECUTOR', 'HIVE_DRIVER', 'TEZ_TASK'];
const LOG_TYPES = ['STDOUT', 'STDERR', 'HIVE_LOG', 'TEZ_AM', 'SYSTEM_LOGS'];
/**
 * `clientToken` of StartJobRun and CreateApplication: 1 to 64 characters of `[A-Za-z0-9._-]`.
 *
 * @see https://docs.aws.amazon.com/emr-serverless/latest/APIReference/API_StartJobRun.html
 * @see https://docs.aws.amazon.com/emr-serverless/latest/APIReference/API_CreateApplication.html
 */
const CLIENT_TOKEN = /^[A-Za-z0-9._-]+$/;

export function checkClientToken(scope: IConstruct, token: string | undefined): void {
  checkLength(scope, 'clientToken', token, 1, 64);
  checkPattern(scope, 'clientToken', token, CLIENT_TOKEN, 'letters, digits and ._- (1 to 64 characters)');
}

/**
 * The ARN of a KMS key given to an `EncryptionKeyArn` member: a key (an alias is refused: the API takes key ARNs only),
 * known at synth or deploy time (IAM is scoped to it, so a JsonPath or JSONata value cannot stand in for it).
 */
export function kmsKeyArn(scope: IConstruct, prop: string, key: kms.IKey | undefined): string | undefined {
  if (key === undefined) return undefined;
  if (typeof key !== 'object' || key === null || typeof (key as any).keyArn !== 'string') {
    invalid(scope, prop, 'a KMS key (kms.IKey, e.g. kms.Key.fromKeyArn(...))', key);
  }
  if (typeof (key as any).aliasName === 'string') {
    invalid(scope, prop, 'a KMS key, not an alias (the API takes key ARNs only)', (key as any).aliasName);
  }
  const arn = key.keyArn;
  if (containsExpression(arn) || containsJsonPath(arn) || sfn.JsonPath.isEncodedJsonPath(arn)) {
    invalid(scope, prop, 'a KMS key known at synth or deploy time (IAM is scoped to its ARN)', arn);
  }
  if (!Token.isUnresolved(arn)) {
    checkLength(scope, prop, arn, 20, 2048);
    checkPattern(scope, prop, arn, KMS_KEY_ARN, 'the ARN of a KMS key (arn:<partition>:kms:<region>:<account>:key/<id>)');
  }
  return arn;
}

/** The KMS keys of a monitoring configuration that encrypt logs (S3, CloudWatch, managed persistence). */
export function logEncryptionKeyArns(m: EmrServerlessMonitoring | undefined): string[] {
  if (!m) return [];
  const arns = [m.s3EncryptionKey, m.cloudWatchLogs?.encryptionKey, m.managedPersistenceEncryptionKey]
    .filter((k): k is kms.IKey => k !== undefined)
    .map((k) => k.keyArn);
  return [...new Set(arns)];
}

/**
 * The `MonitoringConfiguration` member of a job run's overrides or of an application, from `monitoring`.
 *
 * @see https://docs.aws.amazon.com/emr-serverless/latest/APIReference/API_MonitoringConfiguration.html
 * @see https://docs.aws.amazon.com/emr-serverless/latest/APIReference/API_CloudWatchLoggingConfiguration.html
 * (logGroupName 1 to 512 of `[\.\-_/#A-Za-z0-9]+`, logStreamNamePrefix 1 to 512 of `[^:*]*`, logTypes)
 * @see https://docs.aws.amazon.com/emr-serverless/latest/APIReference/API_S3MonitoringConfiguration.html (logUri 1 to 10280)
 * @see https://docs.aws.amazon.com/emr-serverless/latest/APIReference/API_ManagedPersistenceMonitoringConfiguration.html
 * @see https://docs.aws.amazon.com/emr-serverless/latest/APIReference/API_PrometheusMonitoringConfiguration.html
 */
export function renderMonitoring(scope: IConstruct, prop: string, m: EmrServerlessMonitoring | undefined): Record<string, any> | undefined {
  if (!m) return undefined;
  const monitoring: Record<string, any> = {};
  const s3Key = kmsKeyArn(scope, `${prop}.s3EncryptionKey`, m.s3EncryptionKey);
  if (m.s3LogUri !== undefined || s3Key !== undefined) {
    checkLength(scope, `${prop}.s3LogUri`, m.s3LogUri, 1, 10280);
    checkS3UriIfLiteral(scope, `${prop}.s3LogUri`, m.s3LogUri);
    monitoring.S3MonitoringConfiguration = {
      ...(m.s3LogUri !== undefined ? { LogUri: m.s3LogUri } : {}),
      ...(s3Key !== undefined ? { EncryptionKeyArn: s3Key } : {}),
    };
  }
  if (m.cloudWatchLogs !== undefined) {
    const cw = m.cloudWatchLogs;
    checkLength(scope, `${prop}.cloudWatchLogs.logGroupName`, cw.logGroupName, 1, 512);
    checkPattern(scope, `${prop}.cloudWatchLogs.logGroupName`, cw.logGroupName, LOG_GROUP_NAME, `letters, digits and ._-/# (${LOG_GROUP_NAME.source})`);
    checkLength(scope, `${prop}.cloudWatchLogs.logStreamNamePrefix`, cw.logStreamNamePrefix, 1, 512);
    checkPattern(scope, `${prop}.cloudWatchLogs.logStreamNamePrefix`, cw.logStreamNamePrefix, LOG_STREAM_PREFIX, 'free of ":" and "*"');
    const cwKey = kmsKeyArn(scope, `${prop}.cloudWatchLogs.encryptionKey`, cw.encryptionKey);
    monitoring.CloudWatchLoggingConfiguration = {
      Enabled: true,
      ...(cw.logGroupName !== undefined ? { LogGroupName: cw.logGroupName } : {}),
      ...(cw.logStreamNamePrefix !== undefined ? { LogStreamNamePrefix: cw.logStreamNamePrefix } : {}),
      ...(cwKey !== undefined ? { EncryptionKeyArn: cwKey } : {}),
      ...(cw.logTypes !== undefined ? { LogTypes: checkLogTypes(scope, `${prop}.cloudWatchLogs.logTypes`, cw.logTypes) } : {}),
    };
  }
  const persistenceKey = kmsKeyArn(scope, `${prop}.managedPersistenceEncryptionKey`, m.managedPersistenceEncryptionKey);
  if (m.managedPersistence === false && persistenceKey !== undefined) {
    invalid(scope, `${prop}.managedPersistenceEncryptionKey`, 'left out when managedPersistence is false (nothing is stored to encrypt)', persistenceKey);
  }
  if (m.managedPersistence !== undefined || persistenceKey !== undefined) {
    monitoring.ManagedPersistenceMonitoringConfiguration = {
      ...(m.managedPersistence !== undefined ? { Enabled: m.managedPersistence } : {}),
      ...(persistenceKey !== undefined ? { EncryptionKeyArn: persistenceKey } : {}),
    };
  }
  if (m.prometheusRemoteWriteUrl !== undefined) {
    checkLength(scope, `${prop}.prometheusRemoteWriteUrl`, m.prometheusRemoteWriteUrl, 1, 10280);
    checkPattern(scope, `${prop}.prometheusRemoteWriteUrl`, m.prometheusRemoteWriteUrl, PROMETHEUS_URL,
      'the remote write URL of an Amazon Managed Service for Prometheus workspace (https://aps-workspaces.<region>.amazonaws.com/workspaces/<id>/api/v1/remote_write)');
    monitoring.PrometheusMonitoringConfiguration = { RemoteWriteUrl: m.prometheusRemoteWriteUrl };
  }
  return Object.keys(monitoring).length > 0 ? monitoring : undefined;
}

function checkLogTypes(scope: IConstruct, prop: string, logTypes: { [workerType: string]: string[] }): { [workerType: string]: string[] } {
  if (Token.isUnresolved(logTypes)) return logTypes;
  if (typeof logTypes !== 'object' || logTypes === null || Array.isArray(logTypes)) {
    invalid(scope, prop, 'an object of worker types to lists of log types', logTypes);
  }
  const entries = Object.entries(logTypes);
  if (entries.length < 1 || entries.length > 4) invalid(scope, prop, 'an object of 1 to 4 worker types', `${entries.length} worker types`);
  for (const [worker, types] of entries) {
    if (!LOG_TYPE_WORKERS.includes(worker)) invalid(scope, `${prop} key ${JSON.stringify(worker)}`, `one of ${LOG_TYPE_WORKERS.join(', ')}`, worker);
    if (Token.isUnresolved(types)) continue;
    if (!Array.isArray(types)) invalid(scope, `${prop}.${worker}`, 'a list of log types', types);
    checkCount(scope, `${prop}.${worker}`, types, 1, 5);
    types.forEach((t, i) => {
      if (typeof t !== 'string') invalid(scope, `${prop}.${worker}[${i}]`, 'a string', t);
      if (isLiteral(t) && !LOG_TYPES.includes(t)) invalid(scope, `${prop}.${worker}[${i}]`, `one of ${LOG_TYPES.join(', ')}`, t);
    });
  }
  return logTypes;
}

/**
 * `DiskEncryptionConfiguration` of an application or a job run: the key's ARN and at most 8 encryption context
 * entries (keys 1 to 128 characters, values 1 to 384).
 *
 * @see https://docs.aws.amazon.com/emr-serverless/latest/APIReference/API_DiskEncryptionConfiguration.html
 */
export function renderDiskEncryption(scope: IConstruct, prop: string, d: EmrServerlessDiskEncryption | undefined): Record<string, any> | undefined {
  if (d === undefined) return undefined;
  const arn = kmsKeyArn(scope, `${prop}.key`, d.key);
  const context = d.encryptionContext;
  if (context !== undefined && !Token.isUnresolved(context)) {
    const entries = Object.entries(context);
    if (entries.length > 8) invalid(scope, `${prop}.encryptionContext`, 'at most 8 entries', `${entries.length} entries`);
    for (const [key, value] of entries) {
      checkLength(scope, `${prop}.encryptionContext key ${JSON.stringify(key)}`, key, 1, 128);
      checkLength(scope, `${prop}.encryptionContext.${key}`, value, 1, 384);
    }
  }
  return {
    EncryptionKeyArn: arn,
    ...(context !== undefined && Object.keys(context).length > 0 ? { EncryptionContext: context } : {}),
  };
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
