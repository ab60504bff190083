import * as iam from 'aws-cdk-lib/aws-iam';

/**
 * A call of a Step Functions AWS SDK integration (`arn:<partition>:states:::aws-sdk:<service>:<action>`), made by
 * a `JobPoller` to check or cancel a job.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html
 */
export interface JobPollerSdkCall {
  /**
   * The integration's resource ARN, such as `arn:aws:states:::aws-sdk:glue:getCrawler` (with the partition as a
   * token: `` `arn:${Aws.PARTITION}:states:::aws-sdk:glue:getCrawler` ``): an AWS SDK integration, request-response (no
   * `.sync` or `.waitForTaskToken` suffix), its action in lower camel case as Step Functions names it (`getCrawler`,
   * not the API's `GetCrawler`). Checked at synthesis.
   */
  readonly resource: string;

  /**
   * Constant fields of the request, with the integration's PascalCase names.
   *
   * @default - none
   */
  readonly parameters?: { [key: string]: any };

  /**
   * Fields of the request taken from the job: `{ RunId: 'runId' }` sends the job's `runId` (a start `resultFields`
   * or `jobValues` key) as `RunId`.
   *
   * @default - none
   */
  readonly jobParameters?: { [key: string]: string };

  /**
   * Fields of the request that get a new UUID on each call (for example a `ClientRequestToken`).
   *
   * @default - none
   */
  readonly uuidParameters?: string[];

  /**
   * The IAM statements the state machine role needs to make the call.
   *
   * @default - none
   */
  readonly policyStatements?: iam.PolicyStatement[];

  /**
   * Errors of the call worth retrying (throttling, service faults), as the integration names them:
   * `<Service>.<Exception>`, such as `Glue.ThrottlingException`. Retried 6 times, from 2 seconds, backoff rate
   * 2, full jitter.
   *
   * @default - none
   */
  readonly retryErrors?: string[];
}

/**
 * The call that cancels a job at its deadline.
 */
export interface JobPollerSdkCancel extends JobPollerSdkCall {
  /**
   * Errors of the cancel call that mean the job has ended already (for example `Glue.CrawlerNotRunningException`):
   * caught, and the poller fails with its timed-out error all the same.
   *
   * @default - none
   */
  readonly endedErrors?: string[];

  /**
   * The AWS SDK v3 client class of the service (`GlueClient`, from `@aws-sdk/client-glue`), with which the stack's
   * execution-stopped handler makes this call (`<Action>Command`) when an execution stops while the job runs (see
   * `cancelJobOnExecutionStop`). The handler is also allowed `policyStatements`.
   *
   * @default - the job is not cancelled when the execution stops
   */
  readonly sdkV3ClientClass?: string;

  /**
   * The command's input, with the AWS SDK v3 field names, when they differ from the integration's PascalCase ones:
   * `{ jobIdentifier: 'jobArn' }` (Bedrock's API is camelCase). Job keys, as in `jobParameters`.
   *
   * @default - `jobParameters`
   */
  readonly sdkV3Input?: { [key: string]: string };

  /**
   * The check response's field (a dotted path) with the time the job's current run began, a timestamp.
   *
   * Needed to cancel, when an execution stops, a job that this call addresses by name only (none of its job keys
   * comes from the start's `resultFields`): another run of the same name (scheduled, or started by another
   * execution) may be the one going by then. The stack's execution-stopped handler makes the check call first and
   * cancels only while the run that is going began with this execution's start call (within a minute of it).
   *
   * @default - none: a job addressed by name is not cancelled when the execution stops, unless `runElapsedTimeField` is set
   */
  readonly runStartTimeField?: string;

  /**
   * The check response's field (a dotted path) with the time the job's current run has been going, in milliseconds
   * (`Crawler.CrawlElapsedTime`); like `runStartTimeField`, for a job addressed by name.
   *
   * @default - none: a job addressed by name is not cancelled when the execution stops, unless `runStartTimeField` is set
   */
  readonly runElapsedTimeField?: string;
}

/**
 * A condition on a field of the check's response, for `JobStatusMapping.successConditions`.
 *
 * The field is a dotted path of response field names (`Run.Statistics.FailedActions`); a condition on a field
 * that the response does not have does not hold.
 */
export class JobStatusCondition {
  /** The field holds this text. */
  public static stringEquals(field: string, value: string): JobStatusCondition {
    return new JobStatusCondition(field, value);
  }

  /** The field holds this number. */
  public static numberEquals(field: string, value: number): JobStatusCondition {
    return new JobStatusCondition(field, value);
  }

  private constructor(
    /** The response field (a dotted path). */
    public readonly field: string,
    /** The value it must hold. */
    public readonly value: any,
  ) {}
}

/**
 * How a check's response tells where the job is: which values of its status field mean running or succeeded
 * (every other value is a failure), and where the reason of a failure is.
 */
export interface JobStatusMapping {
  /** The response field with the job's status, a dotted path of response field names: `Run.Status` (no `$.`). */
  readonly statusField: string;

  /** Values of `statusField` while the job runs (the poller checks again): at least one. */
  readonly runningValues: string[];

  /**
   * Values of `statusField` that end the job well, when `successConditions` also hold. Any other value (neither
   * running nor succeeded) ends the job as a failure, so a status the service adds later fails rather than polls
   * forever. At least one, and none of `runningValues`.
   */
  readonly succeededValues: string[];

  /**
   * More conditions a successful end must meet (all of them): a Glue crawler is READY and its last crawl
   * SUCCEEDED; a Glue workflow run COMPLETED with no failed actions.
   *
   * @default - none
   */
  readonly successConditions?: JobStatusCondition[];

  /**
   * The response field with the reason of a failure (a dotted path), the cause of the failure when present.
   *
   * @default - no reason field: the cause names the status
   */
  readonly reasonField?: string;

  /**
   * The response field (a dotted path) rendered as JSON into the cause of a failure that has no reason.
   *
   * @default - `statusField`
   */
  readonly outcomeField?: string;
}

/**
 * A check made by the state machine itself: an AWS SDK call and a status mapping, with no Lambda function.
 */
export interface JobPollerSdkCheck {
  /** The call that describes the job (for example `glue:getCrawler`). */
  readonly call: JobPollerSdkCall;

  /** How its response tells where the job is. */
  readonly status: JobStatusMapping;

  /**
   * The call that cancels the job at the deadline.
   *
   * @default - no cancel: at the deadline the poller fails and leaves the job running
   */
  readonly cancel?: JobPollerSdkCancel;

  /** The job in words, for causes: `Glue crawler run`. */
  readonly jobDescription: string;
}
