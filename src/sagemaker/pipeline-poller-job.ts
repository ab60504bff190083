import * as iam from 'aws-cdk-lib/aws-iam';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { JobPollingBaseOptions, PollerJobBase } from '../polling';
import { SAGEMAKER_PIPELINE_EVENTS } from '../polling/private/job-events';
import { POLLING_BASE_PROPS } from '../polling/private/props';
import { checkCount, checkLength, checkPattern, checkProps, integrationResourceArn, invalid, isDynamic, nameShape, scopedNameArnsBothCases, withoutUndefined } from '../private';

/**
 * Properties of a `SageMakerPipelinePollerJob`.
 */
export interface SageMakerPipelinePollerJobProps extends JobPollingBaseOptions {
  /**
   * The name of the pipeline to run: a literal (up to 256 letters, digits and hyphens, starting and ending with a
   * letter or digit), a `JsonPath` value or a JSONata expression (IAM then allows the pipelines whose names start with
   * the expression's literal start, or all pipelines of the account and region).
   *
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_StartPipelineExecution.html
   */
  readonly pipelineName: string;

  /**
   * Values of the pipeline's parameters (name → value, up to 200); values may be `JsonPath` values or JSONata
   * expressions.
   *
   * @default - the pipeline's default parameter values
   */
  readonly pipelineParameters?: { [name: string]: string };

  /**
   * The display name of the execution: up to 82 letters, digits and hyphens, starting and ending with a letter or
   * digit.
   *
   * @default - none (SageMaker shows the execution's id)
   */
  readonly pipelineExecutionDisplayName?: string;

  /**
   * The description of the execution (up to 3,072 characters).
   *
   * @default - none
   */
  readonly pipelineExecutionDescription?: string;
}

/**
 * Starts an Amazon SageMaker pipeline execution and waits for it to end, with no Lambda function:
 * `sagemaker:startPipelineExecution`, then `sagemaker:describePipelineExecution` on a growing interval until the
 * execution is `Succeeded`, `Failed` or `Stopped`.
 *
 * The start's `ClientRequestToken` is a new UUID each time the start runs (`States.UUID()` / `$uuid()`): unique per
 * execution, per Map iteration and per retry of the poller, so a retry starts a new pipeline execution rather than
 * getting the failed one back. At the deadline (`timeout`) the pipeline execution is stopped
 * (`sagemaker:stopPipelineExecution`) and the poller fails with `SageMakerPipelinePoller.JobTimedOut`.
 *
 * The result (in JSONPath at `resultPath`, by default `$.<stateName>`; in JSONata `$states.result` of `outputs`/`assign`, by default added to the input under `<stateName>`): `job.executionArn`, `status` (the last
 * DescribePipelineExecution response: `PipelineExecutionStatus`, `FailureReason`, `PipelineExperimentConfig`, …)
 * and `poll` (`checks`, `elapsedSeconds`).
 *
 * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_DescribePipelineExecution.html
 */
export class SageMakerPipelinePollerJob extends PollerJobBase {
  /** The error when the execution ends `Failed` or `Stopped`. */
  public static readonly JOB_FAILED = 'SageMakerPipelinePoller.JobFailed';
  /** The error when the execution is still running at `timeout` (after it is stopped). */
  public static readonly JOB_TIMED_OUT = 'SageMakerPipelinePoller.JobTimedOut';
  /** The poller's own failures, for `addCatch(handler, { errors: SageMakerPipelinePollerJob.ALL_ERRORS })`. */
  public static readonly ALL_ERRORS: string[] = [SageMakerPipelinePollerJob.JOB_FAILED, SageMakerPipelinePollerJob.JOB_TIMED_OUT];


  constructor(scope: Construct, id: string, props: SageMakerPipelinePollerJobProps) {
    super(scope, id, props);
    // Parameter values are strings in the API (Parameter.Value; a number or an object is refused when the state runs).
    checkProps(scope, id, props, {
      pipelineName: 'string',
      pipelineParameters: '{string}?',
      pipelineExecutionDisplayName: 'string?',
      pipelineExecutionDescription: 'string?',
      ...POLLING_BASE_PROPS,
    });
    checkPattern(this, 'pipelineName', props.pipelineName, /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,255}$/,
      'up to 256 letters, digits and hyphens, starting and ending with a letter or digit');
    checkPattern(this, 'pipelineExecutionDisplayName', props.pipelineExecutionDisplayName, /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,81}$/,
      'up to 82 letters, digits and hyphens, starting and ending with a letter or digit');
    checkLength(this, 'pipelineExecutionDescription', props.pipelineExecutionDescription, 0, 3072);
    const parameters = Object.entries(props.pipelineParameters ?? {});
    checkCount(this, 'pipelineParameters', parameters, 0, 200);
    for (const [name, value] of parameters) {
      if (isDynamic(name) || !/^[A-Za-z0-9\-_]{1,256}$/.test(name)) {
        invalid(this, 'pipelineParameters', 'keyed by literal names of 1 to 256 letters, digits, hyphens and underscores', name);
      }
      checkLength(this, `pipelineParameters.${name}`, value, 0, 1024);
    }

    // Whether IAM sees pipeline ARNs with the name as given or lower-cased is unsettled (SageMaker's list APIs
    // return lower-cased ARNs): both, as for the SageMaker jobs (see scopedNameArnsBothCases).
    const pipelineArns = scopedNameArnsBothCases(this, nameShape(props.pipelineName), { service: 'sagemaker', resource: 'pipeline' });
    // Executions are `pipeline/<name>/execution/<id>`, the id generated by SageMaker.
    const executionArns = pipelineArns.map((arn) => `${arn}/execution/*`);
    const call = (action: string) => integrationResourceArn('aws-sdk:sagemaker', action, sfn.IntegrationPattern.REQUEST_RESPONSE);
    const statement = (action: string, resources: string[]) => new iam.PolicyStatement({ actions: [`sagemaker:${action}`], resources });
    const job = { PipelineExecutionArn: 'executionArn' };

    this.createPoller({
      errorPrefix: 'SageMakerPipelinePoller',
      start: {
        resource: call('startPipelineExecution'),
        parameters: withoutUndefined({
          PipelineName: props.pipelineName,
          PipelineExecutionDisplayName: props.pipelineExecutionDisplayName,
          PipelineExecutionDescription: props.pipelineExecutionDescription,
          PipelineParameters: parameters.length > 0 ? parameters.map(([Name, Value]) => ({ Name, Value })) : undefined,
        }),
        uuidParameters: ['ClientRequestToken'],
        resultFields: { executionArn: 'PipelineExecutionArn' },
        retryErrors: SAGEMAKER_TRANSIENT_ERRORS,
        policyStatements: [statement('StartPipelineExecution', pipelineArns)],
      },
      sdkCheck: {
        jobDescription: 'SageMaker pipeline execution',
        call: {
          resource: call('describePipelineExecution'),
          jobParameters: job,
          retryErrors: SAGEMAKER_TRANSIENT_ERRORS,
          policyStatements: [statement('DescribePipelineExecution', executionArns)],
        },
        status: {
          statusField: 'PipelineExecutionStatus',
          runningValues: ['Executing', 'Stopping'],
          succeededValues: ['Succeeded'],
          reasonField: 'FailureReason',
        },
        cancel: {
          sdkV3ClientClass: 'SageMakerClient',
          resource: call('stopPipelineExecution'),
          jobParameters: job,
          uuidParameters: ['ClientRequestToken'],
          retryErrors: SAGEMAKER_TRANSIENT_ERRORS,
          // An execution that ended between the last check and the stop.
          endedErrors: ['SageMaker.ConflictException', 'SageMaker.ResourceNotFoundException'],
          policyStatements: [statement('StopPipelineExecution', executionArns)],
        },
      },
    }, { ...SAGEMAKER_PIPELINE_EVENTS, jobKey: 'executionArn' });
  }
}

/** SageMaker errors worth retrying (throttling), as the SDK integration names them. */
const SAGEMAKER_TRANSIENT_ERRORS = ['SageMaker.ThrottlingException'];
