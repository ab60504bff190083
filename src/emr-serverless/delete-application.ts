import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { EmrServerlessApplicationOptions, EmrServerlessApplicationTask } from './private/application-task';

/** Properties of `EmrServerlessDeleteApplication.jsonPath()`. */
export interface EmrServerlessDeleteApplicationJsonPathProps extends sfn.TaskStateJsonPathBaseProps, EmrServerlessApplicationOptions {}

/** Properties of `EmrServerlessDeleteApplication.jsonata()`. */
export interface EmrServerlessDeleteApplicationJsonataProps extends sfn.TaskStateJsonataBaseProps, EmrServerlessApplicationOptions {}

/** Properties of `EmrServerlessDeleteApplication`. */
export interface EmrServerlessDeleteApplicationProps extends sfn.TaskStateBaseProps, EmrServerlessApplicationOptions {}

/**
 * Deletes an EMR Serverless application (which must be `STOPPED` or `CREATED`) from Step Functions (`deleteApplication`): by default with `.sync`, the state waits until the application is `TERMINATED`;
 * with `REQUEST_RESPONSE` it ends once the call returns. Both return `{ ApplicationId }`.
 *
 * IAM on the application: `emr-serverless:DeleteApplication`; for `.sync` also `GetApplication` and the managed rule
 * `StepFunctionsGetEventsForEMRServerlessApplicationRule` (`events:PutTargets`, `PutRule`, `DescribeRule`).
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/connect-emr-serverless.html
 * @see https://docs.aws.amazon.com/emr-serverless/latest/APIReference/API_DeleteApplication.html
 */
export class EmrServerlessDeleteApplication extends EmrServerlessApplicationTask {
  /** A task that uses JSONPath. */
  public static jsonPath(scope: Construct, id: string, props: EmrServerlessDeleteApplicationJsonPathProps): EmrServerlessDeleteApplication {
    return new EmrServerlessDeleteApplication(scope, id, props);
  }

  /** A task that uses JSONata. */
  public static jsonata(scope: Construct, id: string, props: EmrServerlessDeleteApplicationJsonataProps): EmrServerlessDeleteApplication {
    return new EmrServerlessDeleteApplication(scope, id, { ...props, queryLanguage: sfn.QueryLanguage.JSONATA });
  }

  constructor(scope: Construct, id: string, props: EmrServerlessDeleteApplicationProps) {
    super(scope, id, props, { api: 'deleteApplication', action: 'emr-serverless:DeleteApplication', syncActions: ['emr-serverless:GetApplication'] });
  }
}
