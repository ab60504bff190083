import { Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { IConstruct } from 'constructs';
import { JobEventSource } from './job-event-keys';
import { JobEventResume } from './job-event-resume';

/**
 * Event-driven waits (`JobDetection.events()`): the shared contract between the waiting side (the poll loop's
 * `putItem.waitForTaskToken` round) and the resume side (EventBridge rule → Express state machine that returns the
 * stored tokens).
 *
 * The token table's key schema and the job keys: see job-event-keys.ts (`TOKEN_TABLE`, `jobKeyPrefix`), re-exported
 * here. The resume side: job-event-resume.ts (the construct) and job-event-definition.ts (the Express definition).
 */
export { TOKEN_TABLE, jobKeyPrefix } from './job-event-keys';
export type { JobEventSource, JobEventResumeOutput } from './job-event-keys';
export { JobEventResume } from './job-event-resume';

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
  /**
   * The prop that gave `source`, for error messages (`<path>: <sourceProp>.jobField must be …`).
   * @default 'source'
   */
  readonly sourceProp?: string;
  /**
   * The user's own table (with the key schema of `TOKEN_TABLE` and TTL on `expiresAt`), else the stack's. A table of
   * this app with another key schema fails at synthesis.
   */
  readonly table?: dynamodb.ITable;
  /** The state that stores the token (`putItem.waitForTaskToken`): the resume path may answer its state machines. */
  readonly waitState: sfn.State;
}

/** The stack's resume path, if a wait registered it. */
export function findJobEventResume(scope: IConstruct): JobEventResume | undefined {
  return Stack.of(scope).node.tryFindChild(JOB_EVENTS_ID) as JobEventResume | undefined;
}

/**
 * Registers a waiting state: creates, once per stack, the resume path (the Express state machine, its log group and
 * dead-letter queue), the rule for `options.source` and the table (one rule per event source and table), and the
 * stack's token table unless `options.table` is given; returns the table to store tokens in. Throws at synthesis for an
 * invalid source (`sourceProp`) or a table of this app with another key schema.
 */
export function registerJobEventWait(requestedBy: IConstruct, options: JobEventWaitOptions): JobEventWait {
  const stack = Stack.of(requestedBy);
  const resume = findJobEventResume(stack) ?? new JobEventResume(stack, JOB_EVENTS_ID);
  const table = resume._register({
    requestedBy,
    source: options.source,
    sourceProp: options.sourceProp ?? 'source',
    table: options.table,
    waitState: options.waitState,
  });
  return { table };
}

/*
 * The events of the four waits of this library, verified field by field on each service's EventBridge page.
 * Every page says delivery is best effort: a lost event is caught by the round's timeout and the check.
 */

/**
 * AWS Batch: an event for every state change of a submitted job; `detail` is the job as DescribeJobs returns it.
 * @see https://docs.aws.amazon.com/batch/latest/userguide/batch_job_events.html (source, detail-type, detail.jobId, detail.status)
 * @see https://docs.aws.amazon.com/batch/latest/userguide/job_states.html (SUCCEEDED and FAILED end a job)
 */
export const BATCH_JOB_EVENTS: JobEventSource = {
  source: 'aws.batch',
  detailType: 'Batch Job State Change',
  jobField: 'jobId',
  statusField: 'status',
  terminalStatuses: ['SUCCEEDED', 'FAILED'],
};

/**
 * AWS Glue crawlers: "Glue Crawler State Change" events are sent for Started, Succeeded and Failed (none for a crawl
 * that is stopped: its wait ends by the poll); `detail.crawlerName`, `detail.state`.
 * @see https://docs.aws.amazon.com/glue/latest/dg/automating-awsglue-with-cloudwatch-events.html
 * @see https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-glue.html (no event for workflow runs)
 */
export const GLUE_CRAWLER_EVENTS: JobEventSource = {
  source: 'aws.glue',
  detailType: 'Glue Crawler State Change',
  jobField: 'crawlerName',
  statusField: 'state',
  terminalStatuses: ['Succeeded', 'Failed'],
};

/**
 * SageMaker pipelines: "SageMaker Model Building Pipeline Execution Status Change", with
 * `detail.pipelineExecutionArn` and `detail.currentPipelineExecutionStatus` (Executing, Stopping, and the ends:
 * Succeeded, Failed, Stopped). SageMaker may send several events for one change: repeats are no-ops.
 * @see https://docs.aws.amazon.com/sagemaker/latest/dg/automating-sagemaker-with-eventbridge.html
 */
export const SAGEMAKER_PIPELINE_EVENTS: JobEventSource = {
  source: 'aws.sagemaker',
  detailType: 'SageMaker Model Building Pipeline Execution Status Change',
  jobField: 'pipelineExecutionArn',
  statusField: 'currentPipelineExecutionStatus',
  terminalStatuses: ['Succeeded', 'Failed', 'Stopped'],
};

/**
 * Amazon Bedrock batch inference: "Batch Inference Job State Change", with `detail.batchJobArn` (not `jobArn`, which is
 * the model customization event's field) and `detail.status`; the ends of a job are Completed, PartiallyCompleted,
 * Failed, Stopped and Expired.
 * @see https://docs.aws.amazon.com/bedrock/latest/userguide/monitoring-eventbridge-how-it-works.html
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_GetModelInvocationJob.html (the statuses)
 */
export const BEDROCK_BATCH_INFERENCE_EVENTS: JobEventSource = {
  source: 'aws.bedrock',
  detailType: 'Batch Inference Job State Change',
  jobField: 'batchJobArn',
  statusField: 'status',
  terminalStatuses: ['Completed', 'PartiallyCompleted', 'Failed', 'Stopped', 'Expired'],
};
