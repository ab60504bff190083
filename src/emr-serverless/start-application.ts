import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { EmrServerlessApplicationOptions, EmrServerlessApplicationTask } from './private/application-task';

/** Properties of `EmrServerlessStartApplication.jsonPath()`. */
export interface EmrServerlessStartApplicationJsonPathProps extends sfn.TaskStateJsonPathBaseProps, EmrServerlessApplicationOptions {}

/** Properties of `EmrServerlessStartApplication.jsonata()`. */
export interface EmrServerlessStartApplicationJsonataProps extends sfn.TaskStateJsonataBaseProps, EmrServerlessApplicationOptions {}

/** Properties of `EmrServerlessStartApplication`. */
export interface EmrServerlessStartApplicationProps extends sfn.TaskStateBaseProps, EmrServerlessApplicationOptions {}

/**
 * Starts an EMR Serverless application (and its initial capacity, if configured) from Step Functions (`startApplication`): by default with `.sync`, the state waits until the application is `STARTED`;
 * with `REQUEST_RESPONSE` it ends once the call returns. Both return `{ ApplicationId }`.
 *
 * IAM on the application: `emr-serverless:StartApplication`; for `.sync` also `GetApplication` and `StopApplication` and the managed rule
 * `StepFunctionsGetEventsForEMRServerlessApplicationRule` (`events:PutTargets`, `PutRule`, `DescribeRule`).
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/connect-emr-serverless.html
 * @see https://docs.aws.amazon.com/emr-serverless/latest/APIReference/API_StartApplication.html
 */
export class EmrServerlessStartApplication extends EmrServerlessApplicationTask {
  /** A task that uses JSONPath. */
  public static jsonPath(scope: Construct, id: string, props: EmrServerlessStartApplicationJsonPathProps): EmrServerlessStartApplication {
    return new EmrServerlessStartApplication(scope, id, props);
  }

  /** A task that uses JSONata. */
  public static jsonata(scope: Construct, id: string, props: EmrServerlessStartApplicationJsonataProps): EmrServerlessStartApplication {
    return new EmrServerlessStartApplication(scope, id, { ...props, queryLanguage: sfn.QueryLanguage.JSONATA });
  }

  constructor(scope: Construct, id: string, props: EmrServerlessStartApplicationProps) {
    super(scope, id, props, { api: 'startApplication', action: 'emr-serverless:StartApplication', syncActions: ['emr-serverless:GetApplication', 'emr-serverless:StopApplication'] });
  }
}
