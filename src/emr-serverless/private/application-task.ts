import * as iam from 'aws-cdk-lib/aws-iam';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { applicationArn, EMR_SERVERLESS_APPLICATION_RULE, EMR_SERVERLESS_ID } from './arns';
import { EmrServerlessTaskBase } from './task-base';
import { managedRuleStatement } from '../../private/iam';
import { TASK_BASE_PROPS } from '../../private/task-props';
import { checkHeartbeat, checkLength, checkPattern, checkProps } from '../../private/validation';

/**
 * Props every task on an existing application has. Not part of the public API by name: jsii copies these members
 * into each task's props (the interface is erased).
 *
 * @internal
 */
export interface EmrServerlessApplicationOptions {
  /**
   * The application: a literal id (IAM is scoped to it), a deploy-time value (`cfnApplication.attrApplicationId`), a
   * JsonPath value (JSONPath states) or a JSONata expression (JSONata states; IAM then covers the applications with
   * the expression's literal prefix, or all of the account's in the Region).
   */
  readonly applicationId: string;
}

/** What differs between StartApplication, StopApplication and DeleteApplication. */
export interface ApplicationApi {
  /** The integration's API name, e.g. `startApplication`. */
  readonly api: string;
  /** The IAM action of the call, e.g. `emr-serverless:StartApplication`. */
  readonly action: string;
  /** The further actions `.sync` needs, as the developer guide lists them. */
  readonly syncActions: readonly string[];
}

const APPLICATION_PROPS: Record<string, string> = { ...TASK_BASE_PROPS, applicationId: 'string' };

/**
 * A task that acts on one existing application (start, stop, delete): `{ ApplicationId }` in, `{ ApplicationId }`
 * out; `.sync` (the default) waits until the application reaches the state the call leads to. IAM as the developer
 * guide's "IAM policies for Amazon EMR Serverless" shows: the call (and for `.sync` `GetApplication`, plus what
 * the guide lists, and the managed rule `StepFunctionsGetEventsForEMRServerlessApplicationRule`) on the
 * application's ARN.
 *
 * @internal
 */
export abstract class EmrServerlessApplicationTask extends EmrServerlessTaskBase {
  private readonly applicationId: string;

  protected constructor(scope: Construct, id: string, props: sfn.TaskStateBaseProps & EmrServerlessApplicationOptions, api: ApplicationApi) {
    super(scope, id, checkProps(scope, id, props, APPLICATION_PROPS), api.api, sfn.IntegrationPattern.RUN_JOB);
    checkHeartbeat(this, props);
    checkLength(this, 'applicationId', props.applicationId, 1, 64);
    checkPattern(this, 'applicationId', props.applicationId, EMR_SERVERLESS_ID, `lower-case letters and digits (${EMR_SERVERLESS_ID.source})`);
    this.applicationId = props.applicationId;
    const sync = this._integrationPattern === sfn.IntegrationPattern.RUN_JOB;
    const application = applicationArn(this, props.applicationId);
    this._setPolicies([
      new iam.PolicyStatement({ actions: [api.action, ...(sync ? api.syncActions : [])], resources: [application] }),
      ...(sync ? [managedRuleStatement(this, EMR_SERVERLESS_APPLICATION_RULE)] : []),
    ]);
  }

  /** @internal */
  protected _request(): Record<string, any> {
    return { ApplicationId: this.applicationId };
  }
}
