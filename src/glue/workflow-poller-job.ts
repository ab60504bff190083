import * as iam from 'aws-cdk-lib/aws-iam';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { JobPoller, JobPollingBaseOptions, JobStatusCondition } from '../polling';
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
 * The result (at `resultPath`, by default `$.<id>`): `job` (`workflowName`, `runId`), `status` (the last
 * GetWorkflowRun response: `Run.Status`, `Run.Statistics`, `Run.ErrorMessage`, …) and `poll` (`checks`,
 * `elapsedSeconds`).
 *
 * @see https://docs.aws.amazon.com/glue/latest/webapi/API_GetWorkflowRun.html
 */
export class GlueWorkflowPollerJob extends sfn.StateMachineFragment {
  /** The error when the run ends other than `COMPLETED` without failed actions. */
  public static readonly JOB_FAILED = 'GlueWorkflowPoller.JobFailed';
  /** The error when the run is still running at `timeout` (after it is stopped). */
  public static readonly JOB_TIMED_OUT = 'GlueWorkflowPoller.JobTimedOut';
  /** The poller's own failures, for `addCatch(handler, { errors: GlueWorkflowPollerJob.ALL_ERRORS })`. */
  public static readonly ALL_ERRORS: string[] = [GlueWorkflowPollerJob.JOB_FAILED, GlueWorkflowPollerJob.JOB_TIMED_OUT];

  public readonly startState: sfn.State;
  public readonly endStates: sfn.INextable[];

  /** The poll loop. */
  public readonly poller: JobPoller;
  /** The `glue:startWorkflowRun` task. */
  public readonly startTask: sfn.TaskStateBase;
  /** Where the result is placed. */
  public readonly resultPath: string;

  constructor(scope: Construct, id: string, props: GlueWorkflowPollerJobProps) {
    super(scope, id);
    // Run properties are strings in the API (a number or an object is refused by Glue when the state runs).
    checkProps(scope, id, props, { workflowName: 'string', runProperties: '{string}?', ...POLLING_BASE_PROPS });
    checkLength(this, 'workflowName', props.workflowName, 1, 255);
    checkPattern(this, 'workflowName', props.workflowName, /^[^\r\n]*$/, 'a single line of text');
    for (const key of Object.keys(props.runProperties ?? {})) {
      if (isDynamic(key) || key.length === 0) invalid(this, 'runProperties', 'keyed by literal, non-empty names', key);
    }

    const workflowArn = scopedNameArn(this, nameShape(props.workflowName), { service: 'glue', resource: 'workflow' });
    const statement = (action: string) => new iam.PolicyStatement({ actions: [`glue:${action}`], resources: [workflowArn] });
    const call = (action: string) => integrationResourceArn('aws-sdk:glue', action, sfn.IntegrationPattern.REQUEST_RESPONSE);
    const job = { Name: 'workflowName', RunId: 'runId' };

    this.poller = new JobPoller(this, 'Poller', {
      pollInterval: props.pollInterval,
      maxPollInterval: props.maxPollInterval,
      timeout: props.timeout,
      resultPath: props.resultPath,
      queryLanguage: props.queryLanguage,
      cancelJobOnExecutionStop: props.cancelJobOnExecutionStop,
      stateNamePrefix: id,
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
    this.startTask = this.poller.startTask;
    this.resultPath = this.poller.resultPath;
    this.startState = this.poller.startState;
    this.endStates = this.poller.endStates;
  }

  /**
   * Adds a retrier, like `addRetry` on a task: on a matching error the whole poller (a new run included) runs
   * again. Glue throttling is already retried inside.
   *
   * @param props the retrier: `errors` defaults to all errors (`States.ALL`)
   */
  public addRetry(props: sfn.RetryProps = {}): GlueWorkflowPollerJob {
    this.poller.addRetry(props);
    return this;
  }

  /**
   * Adds a catcher, like `addCatch` on a task: on a matching error the execution continues at `handler`.
   *
   * @param handler the state to go to
   * @param props the catcher: `errors` defaults to all errors (`States.ALL`)
   */
  public addCatch(handler: sfn.IChainable, props: sfn.CatchProps = {}): GlueWorkflowPollerJob {
    this.poller.addCatch(handler, props);
    return this;
  }
}
