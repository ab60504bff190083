import { Aws } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { IConstruct } from 'constructs';
import { invalid } from './errors';

const SUFFIX: Record<sfn.IntegrationPattern, string> = {
  [sfn.IntegrationPattern.REQUEST_RESPONSE]: '',
  [sfn.IntegrationPattern.RUN_JOB]: '.sync',
  [sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN]: '.waitForTaskToken',
};

/** `arn:<partition>:states:::<service>:<api>[.sync|.waitForTaskToken]` */
export function integrationResourceArn(service: string, api: string, pattern: sfn.IntegrationPattern): string {
  return `arn:${Aws.PARTITION}:states:::${service}:${api}${SUFFIX[pattern]}`;
}

/** Fail at synth time when a task is given an integration pattern it does not support. */
export function validatePattern(
  scope: IConstruct,
  pattern: sfn.IntegrationPattern,
  supported: readonly sfn.IntegrationPattern[],
): sfn.IntegrationPattern {
  if (!supported.includes(pattern)) {
    invalid(scope, 'integrationPattern', `one of ${supported.join(', ')}`, pattern);
  }
  return pattern;
}
