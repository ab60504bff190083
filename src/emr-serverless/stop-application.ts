import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { EmrServerlessApplicationOptions, EmrServerlessApplicationTask } from './private/application-task';

/** Properties of `EmrServerlessStopApplication.jsonPath()`. */
export interface EmrServerlessStopApplicationJsonPathProps extends sfn.TaskStateJsonPathBaseProps, EmrServerlessApplicationOptions {}

/** Properties of `EmrServerlessStopApplication.jsonata()`. */
export interface EmrServerlessStopApplicationJsonataProps extends sfn.TaskStateJsonataBaseProps, EmrServerlessApplicationOptions {}

/** Properties of `EmrServerlessStopApplication`. */
export interface EmrServerlessStopApplicationProps extends sfn.TaskStateBaseProps, EmrServerlessApplicationOptions {}

/**
 * Stops an EMR Serverless application (its scheduled and running jobs must have ended or been cancelled) from Step Functions (`stopApplication`): by default with `.sync`, the state waits until the application is `STOPPED`;
 * with `REQUEST_RESPONSE` it ends once the call returns. Both return `{ ApplicationId }`.
 *
 * IAM on the application: `emr-serverless:StopApplication`; for `.sync` also `GetApplication` and the managed rule
 * `StepFunctionsGetEventsForEMRServerlessApplicationRule` (`events:PutTargets`, `PutRule`, `DescribeRule`).
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/connect-emr-serverless.html
 * @see https://docs.aws.amazon.com/emr-serverless/latest/APIReference/API_StopApplication.html
 */
export class EmrServerlessStopApplication extends EmrServerlessApplicationTask {
  /** A task that uses JSONPath. */
  public static jsonPath(scope: Construct, id: string, props: EmrServerlessStopApplicationJsonPathProps): EmrServerlessStopApplication {
    return new EmrServerlessStopApplication(scope, id, props);
  }

  /** A task that uses JSONata. */
  public static jsonata(scope: Construct, id: string, props: EmrServerlessStopApplicationJsonataProps): EmrServerlessStopApplication {
    return new EmrServerlessStopApplication(scope, id, { ...props, queryLanguage: sfn.QueryLanguage.JSONATA });
  }

  constructor(scope: Construct, id: string, props: EmrServerlessStopApplicationProps) {
    super(scope, id, props, { api: 'stopApplication', action: 'emr-serverless:StopApplication', syncActions: ['emr-serverless:GetApplication'] });
  }
}
