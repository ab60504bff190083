import * as iam from 'aws-cdk-lib/aws-iam';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { JobPollingBaseOptions, JobStatusCondition, PollerJobBase } from '../polling';
import { POLLING_BASE_PROPS } from '../polling/private/props';
import { checkLength, checkPattern, checkProps, integrationResourceArn, invalid, isDynamic, nameShape, scopedNameArn } from '../private';
import { GLUE_TRANSIENT_ERRORS } from './private/errors';

/**
 * Properties of a `GlueWorkflowPollerJob`.
 */
export interface GlueWorkflowPollerJobProps extends JobPollingBaseOptions {
  /**
   * The name of the workflow to run: a literal (1 to 255 characters on one line), a `JsonPath` value or a JSONata
   * expression (IAM then allows the workflows whose names start with the expression's literal start, or all
   * workflows of the account and region).
   *
   * @see https://docs.aws.amazon.com/glue/latest/webapi/API_StartWorkflowRun.html
   */
  readonly workflowName: string;

  /**
   * Properties of this run (name → value), which the workflow's jobs read with GetWorkflowRunProperties. Values
   * may be `JsonPath` values or JSONata expressions.
   *
   * @see https://docs.aws.amazon.com/glue/latest/dg/workflow-run-properties-code.html
   * @default - the workflow's default run properties
   */
  readonly runProperties?: { [key: string]: string };
}

/**
 * Runs an AWS Glue workflow and waits for the run to end, with no Lambda function: `glue:startWorkflowRun`, then
 * `glue:getWorkflowRun` on a growing interval until the run is no longer `RUNNING` or `STOPPING`.
 *
 * The run succeeds when it is `COMPLETED` with no failed, errored or timed-out actions in its `Statistics`: Glue
 * reports a run whose jobs failed as `COMPLETED` all the same, and this construct does not. `STOPPED` and `ERROR`
 * are failures (with the run's `ErrorMessage` as the cause when it has one). At the deadline (`timeout`) the run is
 * stopped (`glue:stopWorkflowRun`) and the poller fails with `GlueWorkflowPoller.JobTimedOut`.
 *
 * The result (in JSONPath at `resultPath`, by default `$.<stateName>`; in JSONata `$states.result` of `outputs`/`assign`, by default added to the input under `<stateName>`): `job` (`workflowName`, `runId`), `status` (the last
 * GetWorkflowRun response: `Run.Status`, `Run.Statistics`, `Run.ErrorMessage`, …) and `poll` (`checks`,
 * `elapsedSeconds`).
 *
 * It polls only: `detection: JobDetection.events()` is refused (Glue sends no EventBridge event when a workflow run
 * ends).
 *
 * @see https://docs.aws.amazon.com/glue/latest/webapi/API_GetWorkflowRun.html
 */
export class GlueWorkflowPollerJob extends PollerJobBase {
  /** The error when the run ends other than `COMPLETED` without failed actions. */
  public static readonly JOB_FAILED = 'GlueWorkflowPoller.JobFailed';
  /** The error when the run is still running at `timeout` (after it is stopped). */
  public static readonly JOB_TIMED_OUT = 'GlueWorkflowPoller.JobTimedOut';
  /** The poller's own failures, for `addCatch(handler, { errors: GlueWorkflowPollerJob.ALL_ERRORS })`. */
  public static readonly ALL_ERRORS: string[] = [GlueWorkflowPollerJob.JOB_FAILED, GlueWorkflowPollerJob.JOB_TIMED_OUT];


  constructor(scope: Construct, id: string, props: GlueWorkflowPollerJobProps) {
    super(scope, id, props);
    // Run properties are strings in the API (a number or an object is refused by Glue when the state runs).
    checkProps(scope, id, props, { workflowName: 'string', runProperties: '{string}?', ...POLLING_BASE_PROPS });
    checkLength(this, 'workflowName', props.workflowName, 1, 255);
    checkPattern(this, 'workflowName', props.workflowName, /^[^\r\n]*$/, 'a single line of text');
    if (props.detection?.usesEvents === true) {
      // The Glue events page lists job run, crawler and Data Catalog events, none for a workflow run.
      invalid(this, 'detection', 'JobDetection.polling() (Glue sends no EventBridge event when a workflow run ends)', 'JobDetection.events()');
    }
    for (const key of Object.keys(props.runProperties ?? {})) {
      if (isDynamic(key) || key.length === 0) invalid(this, 'runProperties', 'keyed by literal, non-empty names', key);
    }

    const workflowArn = scopedNameArn(this, nameShape(props.workflowName), { service: 'glue', resource: 'workflow' });
    const statement = (action: string) => new iam.PolicyStatement({ actions: [`glue:${action}`], resources: [workflowArn] });
    const call = (action: string) => integrationResourceArn('aws-sdk:glue', action, sfn.IntegrationPattern.REQUEST_RESPONSE);
    const job = { Name: 'workflowName', RunId: 'runId' };

    this.createPoller({
      errorPrefix: 'GlueWorkflowPoller',
      start: {
        resource: call('startWorkflowRun'),
        parameters: props.runProperties ? { RunProperties: props.runProperties } : {},
        jobValues: { workflowName: props.workflowName },
        jobParameters: { Name: 'workflowName' },
        resultFields: { runId: 'RunId' },
        retryErrors: GLUE_TRANSIENT_ERRORS,
        policyStatements: [statement('StartWorkflowRun')],
      },
      sdkCheck: {
        jobDescription: 'Glue workflow run',
        call: {
          resource: call('getWorkflowRun'),
          parameters: { IncludeGraph: false },
          jobParameters: job,
          retryErrors: GLUE_TRANSIENT_ERRORS,
          policyStatements: [statement('GetWorkflowRun')],
        },
        status: {
          statusField: 'Run.Status',
          runningValues: ['RUNNING', 'STOPPING'],
          succeededValues: ['COMPLETED'],
          successConditions: ['FailedActions', 'ErroredActions', 'TimeoutActions']
            .map((field) => JobStatusCondition.numberEquals(`Run.Statistics.${field}`, 0)),
          reasonField: 'Run.ErrorMessage',
          outcomeField: 'Run',
        },
        cancel: {
          sdkV3ClientClass: 'GlueClient',
          resource: call('stopWorkflowRun'),
          jobParameters: job,
          retryErrors: GLUE_TRANSIENT_ERRORS,
          // The run is no longer running (it ended between the last check and the stop).
          endedErrors: ['Glue.IllegalWorkflowStateException'],
          policyStatements: [statement('StopWorkflowRun')],
        },
      },
    });
  }
}
