import { Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { invalid } from '../../private';
import type { JobPollerSdkCheck } from '../sdk-check';
import { POLLING_PROPS } from './props';

/** The kinds of a `JobPoller`'s props (see `checkProps`). */
export const JOB_POLLER_PROPS: Record<string, string> = {
  'start': 'object',
  'start.resource': 'string',
  'start.parameters': 'object',
  'start.resultFields': '{string}',
  'start.jobValues': '{string}?',
  'start.jobParameters': '{string}?',
  'start.uuidParameters': 'string[]?',
  'start.uniqueNameParameters': '{string}?',
  'start.runningErrors': 'string[]?',
  'start.retryErrors': 'string[]?',
  'start.policyStatements': 'array?',
  'errorPrefix': 'string',
  'stateNamePrefix': 'string?',
  'checkFunction': 'lambdaFunction?',
  'sdkCheck': 'object?',
  'sdkCheck.jobDescription': 'string',
  'sdkCheck.call': 'object',
  'sdkCheck.call.resource': 'string',
  'sdkCheck.call.parameters': 'object?',
  'sdkCheck.call.jobParameters': '{string}?',
  'sdkCheck.call.uuidParameters': 'string[]?',
  'sdkCheck.call.retryErrors': 'string[]?',
  'sdkCheck.call.policyStatements': 'array?',
  'sdkCheck.status': 'object',
  'sdkCheck.status.statusField': 'string',
  'sdkCheck.status.runningValues': 'string[]',
  'sdkCheck.status.succeededValues': 'string[]',
  'sdkCheck.status.successConditions': 'instance[]?',
  'sdkCheck.status.reasonField': 'string?',
  'sdkCheck.status.outcomeField': 'string?',
  'sdkCheck.cancel': 'object?',
  'sdkCheck.cancel.resource': 'string',
  'sdkCheck.cancel.parameters': 'object?',
  'sdkCheck.cancel.jobParameters': '{string}?',
  'sdkCheck.cancel.uuidParameters': 'string[]?',
  'sdkCheck.cancel.retryErrors': 'string[]?',
  'sdkCheck.cancel.endedErrors': 'string[]?',
  'sdkCheck.cancel.policyStatements': 'array?',
  'sdkCheck.cancel.sdkV3ClientClass': 'string?',
  'sdkCheck.cancel.sdkV3Input': '{string}?',
  ...POLLING_PROPS,
};

/**
 * An AWS SDK integration's request-response resource: `arn:<partition>:states:::aws-sdk:<service>:<action>`, the action
 * in lower camel case as Step Functions names it (`describeExport`, not the API's `DescribeExport`), no `.sync` or
 * `.waitForTaskToken` suffix (the poller makes a call and reads its response). The partition may be a token.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html
 */
const SDK_RESOURCE = /^arn:(?:aws[a-z-]*|\$\{Token\[[^\]]+\]\}):states:::aws-sdk:[a-z0-9-]+:[a-z][A-Za-z0-9]*$/;
const SDK_RESOURCE_RULE = 'an AWS SDK integration ARN, arn:<partition>:states:::aws-sdk:<service>:<action>, with the action in lower camel case '
  + '(describeExport) and no .sync or .waitForTaskToken suffix (the check is a request-response call)';

/** A response field: a dotted path of field names (`Run.Status`), no JSONPath (`$.`) and no empty part. */
const FIELD_PATH = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;
const FIELD_PATH_RULE = 'a dotted path of response field names, such as "Run.Status" (no "$." prefix)';

/** The checks of an `sdkCheck` that its kinds do not cover (the kinds are checked first, by `checkProps`). */
export function checkSdkCheck(scope: IConstruct, check: JobPollerSdkCheck): void {
  const resource = (prop: string, value: string) => {
    if (Token.isUnresolved(value) && !value.startsWith('arn:')) return; // an ARN known at deployment only
    if (!SDK_RESOURCE.test(value)) invalid(scope, prop, SDK_RESOURCE_RULE, value);
  };
  resource('sdkCheck.call.resource', check.call.resource);
  if (check.cancel) resource('sdkCheck.cancel.resource', check.cancel.resource);

  const status = check.status;
  const field = (prop: string, value: string | undefined) => {
    if (value !== undefined && !FIELD_PATH.test(value)) invalid(scope, `sdkCheck.status.${prop}`, FIELD_PATH_RULE, value);
  };
  field('statusField', status.statusField);
  field('reasonField', status.reasonField);
  field('outcomeField', status.outcomeField);
  (status.successConditions ?? []).forEach((c, i) => field(`successConditions[${i}].field`, c.field));

  for (const prop of ['runningValues', 'succeededValues'] as const) {
    if (status[prop].length === 0) invalid(scope, `sdkCheck.status.${prop}`, 'at least one value', status[prop]);
  }
  const running = new Set(status.runningValues);
  for (const value of status.succeededValues) {
    if (running.has(value)) invalid(scope, 'sdkCheck.status.succeededValues', 'free of runningValues (a status is either running or an end)', value);
  }
}
