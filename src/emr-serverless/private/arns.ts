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

/** Application and job run ids: 1 to 64 lower-case letters and digits. */
export const EMR_SERVERLESS_ID = /^[0-9a-z]+$/;

/** The ARN of a job run of `application` whose id may be literal, a token, JSONPath or JSONata. */
export function jobRunArn(_scope: IConstruct, application: string, jobRunId: string): string {
  return `${application}/jobruns/${scopedResourceName(nameShape(jobRunId), false)}`;
}

/** The EventBridge rule Step Functions manages for the application APIs' `.sync`. */
export const EMR_SERVERLESS_APPLICATION_RULE = 'StepFunctionsGetEventsForEMRServerlessApplicationRule';
