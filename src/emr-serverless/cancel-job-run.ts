import * as iam from 'aws-cdk-lib/aws-iam';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { managedRuleStatement } from '../private/iam';
import { TASK_BASE_PROPS } from '../private/task-props';
import { checkHeartbeat, checkLength, checkPattern, checkProps } from '../private/validation';
import { applicationArn, EMR_SERVERLESS_ID, EMR_SERVERLESS_JOB_RULE, jobRunArn } from './private/arns';
import { EmrServerlessTaskBase } from './private/task-base';

/** The task's own fields; see the three exported props below. */
interface EmrServerlessCancelJobRunOptions {
  /**
   * The application of the job run: a literal id, a deploy-time value, a JsonPath value (JSONPath states) or a
   * JSONata expression (JSONata states). IAM is scoped to it.
   */
  readonly applicationId: string;

  /**
   * The job run to cancel (e.g. `sfn.JsonPath.stringAt('$.run.JobRunId')` or `{% $states.input.run.JobRunId %}`).
   * IAM is scoped to it when literal.
   */
  readonly jobRunId: string;
}

/** Properties of `EmrServerlessCancelJobRun.jsonPath()`. */
export interface EmrServerlessCancelJobRunJsonPathProps extends sfn.TaskStateJsonPathBaseProps, EmrServerlessCancelJobRunOptions {}

/** Properties of `EmrServerlessCancelJobRun.jsonata()`. */
export interface EmrServerlessCancelJobRunJsonataProps extends sfn.TaskStateJsonataBaseProps, EmrServerlessCancelJobRunOptions {}

/** Properties of `EmrServerlessCancelJobRun`. */
export interface EmrServerlessCancelJobRunProps extends sfn.TaskStateBaseProps, EmrServerlessCancelJobRunOptions {}

/**
 * Cancels an EMR Serverless job run from Step Functions (`cancelJobRun`): with `REQUEST_RESPONSE` the state ends as soon as the
 * cancellation is requested (returning `{ ApplicationId, JobRunId }`); by default (`RUN_JOB`,
 * `cancelJobRun.sync`) it waits until the job run is `CANCELLED`.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/connect-emr-serverless.html
 * @see https://docs.aws.amazon.com/emr-serverless/latest/APIReference/API_CancelJobRun.html
 */
export class EmrServerlessCancelJobRun extends EmrServerlessTaskBase {
  /** A task that uses JSONPath. */
  public static jsonPath(scope: Construct, id: string, props: EmrServerlessCancelJobRunJsonPathProps): EmrServerlessCancelJobRun {
    return new EmrServerlessCancelJobRun(scope, id, props);
  }

  /** A task that uses JSONata. */
  public static jsonata(scope: Construct, id: string, props: EmrServerlessCancelJobRunJsonataProps): EmrServerlessCancelJobRun {
    return new EmrServerlessCancelJobRun(scope, id, { ...props, queryLanguage: sfn.QueryLanguage.JSONATA });
  }

  private readonly props: EmrServerlessCancelJobRunProps;

  constructor(scope: Construct, id: string, props: EmrServerlessCancelJobRunProps) {
    super(scope, id, checkProps(scope, id, props, CANCEL_JOB_RUN_PROPS), 'cancelJobRun', sfn.IntegrationPattern.RUN_JOB);
    checkHeartbeat(this, props);
    this.props = props;
    for (const prop of ['applicationId', 'jobRunId'] as const) {
      checkLength(this, prop, props[prop], 1, 64);
      checkPattern(this, prop, props[prop], EMR_SERVERLESS_ID, `lower-case letters and digits (${EMR_SERVERLESS_ID.source})`);
    }
    this._setPolicies(this.createPolicyStatements());
  }

  /** @internal */
  protected _request(): Record<string, any> {
    return { ApplicationId: this.props.applicationId, JobRunId: this.props.jobRunId };
  }

  /**
   * As Step Functions' "IAM policies for Amazon EMR Serverless" shows for CancelJobRun: `CancelJobRun` (and for
   * `.sync` `GetJobRun` and the managed rule) on the job run, `/applications/<id>/jobruns/<id>`, each part exact when
   * literal and narrowed to its literal prefix when known at run time.
   */
  private createPolicyStatements(): iam.PolicyStatement[] {
    const run = jobRunArn(this, applicationArn(this, this.props.applicationId), this.props.jobRunId);
    if (this._integrationPattern !== sfn.IntegrationPattern.RUN_JOB) {
      return [new iam.PolicyStatement({ actions: ['emr-serverless:CancelJobRun'], resources: [run] })];
    }
    return [
      new iam.PolicyStatement({ actions: ['emr-serverless:CancelJobRun', 'emr-serverless:GetJobRun'], resources: [run] }),
      managedRuleStatement(this, EMR_SERVERLESS_JOB_RULE),
    ];
  }
}

/** The kinds of the props (see `checkProps`). */
const CANCEL_JOB_RUN_PROPS: Record<string, string> = {
  ...TASK_BASE_PROPS,
  applicationId: 'string',
  jobRunId: 'string',
};
