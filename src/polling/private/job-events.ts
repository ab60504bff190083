import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct, IConstruct } from 'constructs';

/**
 * Event-driven waits (`JobDetection.events()`): the shared contract between the waiting side (the poll loop's
 * `putItem.waitForTaskToken` round) and the resume side (EventBridge rule → Express state machine that returns the
 * stored tokens).
 *
 * The token table: partition key `jobKey` (S), sort key `waiter` (S), the task token in `token` (S), the expiry in
 * `expiresAt` (N, epoch seconds; the table's TTL attribute).
 * - `jobKey` is `jobKeyPrefix(source)` followed by the job's identifier as the event carries it in
 *   `detail.<jobField>` (a Batch job id, a crawler name, a pipeline execution ARN, a batch inference job ARN).
 * - `waiter` identifies the waiting poller run (the execution and the state), so that each round of one run
 *   overwrites its previous token, and two runs waiting on the same job both resume.
 */
export const TOKEN_TABLE = {
  partitionKey: 'jobKey',
  sortKey: 'waiter',
  tokenAttribute: 'token',
  ttlAttribute: 'expiresAt',
} as const;

/** The state-change event of a service that says a job ended. */
export interface JobEventSource {
  /** The event's `source`, such as `aws.batch`. */
  readonly source: string;
  /** The event's `detail-type`, such as `Batch Job State Change`. */
  readonly detailType: string;
  /** The field of `detail` that identifies the job (a dotted path for a nested one), such as `jobId`. */
  readonly jobField: string;
  /** The field of `detail` that holds the job's status (a dotted path for a nested one), such as `status`. */
  readonly statusField: string;
  /** The statuses that end the job. */
  readonly terminalStatuses: string[];
}

/** The start of the `jobKey` of the jobs whose end `source` announces. */
export function jobKeyPrefix(source: JobEventSource): string {
  return `${source.source}|${source.detailType}|`;
}

/** The construct id of the per-stack resume path, a direct child of the stack. */
export const JOB_EVENTS_ID = 'CdkSfnJobsJobEvents';

/** What a waiting state needs from the resume path. */
export interface JobEventWait {
  /** The table the waiting state stores its token in. */
  readonly table: dynamodb.ITable;
}

export interface JobEventWaitOptions {
  /** The event that ends the job. */
  readonly source: JobEventSource;
  /** The user's own table (with the key schema of `TOKEN_TABLE`), else the stack's. */
  readonly table?: dynamodb.ITable;
  /** The state that stores the token (`putItem.waitForTaskToken`): the resume path may answer its state machines. */
  readonly waitState: sfn.State;
}

/**
 * Registers a waiting state: creates, once per stack, the token table and the resume path for `options.source`
 * (one rule per event source), and returns the table to store tokens in.
 */
export function registerJobEventWait(requestedBy: IConstruct, options: JobEventWaitOptions): JobEventWait {
  const stack = Stack.of(requestedBy);
  const resume = (stack.node.tryFindChild(JOB_EVENTS_ID) as JobEventResume | undefined) ?? new JobEventResume(stack, JOB_EVENTS_ID);
  return { table: options.table ?? resume.table };
}

/** The per-stack resume path: the token table, and (to come) the rules and the Express state machine. */
class JobEventResume extends Construct {
  public readonly table: dynamodb.ITable;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.table = new dynamodb.Table(this, 'Tokens', {
      partitionKey: { name: TOKEN_TABLE.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: TOKEN_TABLE.sortKey, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: TOKEN_TABLE.ttlAttribute,
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      removalPolicy: RemovalPolicy.DESTROY,
    });
  }
}

/*
 * The events of the four waits of this library. To be verified field by field on each service's EventBridge page
 * (cite it here).
 */

/** AWS Batch. */
export const BATCH_JOB_EVENTS: JobEventSource = {
  source: 'aws.batch',
  detailType: 'Batch Job State Change',
  jobField: 'jobId',
  statusField: 'status',
  terminalStatuses: ['SUCCEEDED', 'FAILED'],
};

/** AWS Glue crawlers. */
export const GLUE_CRAWLER_EVENTS: JobEventSource = {
  source: 'aws.glue',
  detailType: 'Glue Crawler State Change',
  jobField: 'crawlerName',
  statusField: 'state',
  terminalStatuses: ['Succeeded', 'Failed'],
};

/** SageMaker pipelines. */
export const SAGEMAKER_PIPELINE_EVENTS: JobEventSource = {
  source: 'aws.sagemaker',
  detailType: 'SageMaker Model Building Pipeline Execution Status Change',
  jobField: 'pipelineExecutionArn',
  statusField: 'currentPipelineExecutionStatus',
  terminalStatuses: ['Succeeded', 'Failed', 'Stopped'],
};

/** Amazon Bedrock batch inference. */
export const BEDROCK_BATCH_INFERENCE_EVENTS: JobEventSource = {
  source: 'aws.bedrock',
  detailType: 'Batch Inference Job State Change',
  jobField: 'batchJobArn',
  statusField: 'status',
  terminalStatuses: ['Completed', 'PartiallyCompleted', 'Failed', 'Stopped', 'Expired'],
};
