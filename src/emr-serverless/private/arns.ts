import { ArnFormat, Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { nameShape, scopedResourceName } from '../../private/names';

/** The service principal EMR Serverless assumes job runtime roles as, and the one `iam:PassedToService` names. */
export const EMR_SERVERLESS_PRINCIPAL = 'emr-serverless.amazonaws.com';

/** The EventBridge rule Step Functions manages for `startJobRun.sync` and `cancelJobRun.sync`. */
export const EMR_SERVERLESS_JOB_RULE = 'StepFunctionsGetEventsForEMRServerlessJobRule';

/** The ARN of an EMR Serverless application whose id may be literal, a token, JSONPath or JSONata. */
export function applicationArn(scope: IConstruct, applicationId: string): string {
  return Stack.of(scope).formatArn({
    service: 'emr-serverless',
    resource: '/applications',
    resourceName: scopedResourceName(nameShape(applicationId), false),
    arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
  });
}
