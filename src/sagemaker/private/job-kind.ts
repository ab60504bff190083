/**
 * What differs between the SageMaker job kinds that Step Functions runs with `.sync`: the API names, the ARN
 * resource type, the EventBridge rule Step Functions manages for `.sync`, where the job logs and publishes metrics,
 * and the bounds of its name. Everything else (roles, IAM, names) is shared code driven by this record.
 */
export interface SageMakerJobKind {
  /** Noun used in messages, e.g. `processing job`. */
  readonly noun: string;
  /** Step Functions API name, e.g. `createProcessingJob`. */
  readonly createApi: string;
  /** IAM actions (without the `sagemaker:` prefix). */
  readonly createAction: string;
  readonly describeAction: string;
  readonly stopAction: string;
  /** ARN resource type, e.g. `processing-job`. */
  readonly arnResource: string;
  /** The EventBridge rule Step Functions manages in the account for this kind's `.sync` integration. */
  readonly syncRuleName: string;
  /** The request field holding the job name, e.g. `ProcessingJobName`. */
  readonly nameField: string;
  /** The longest job name the API accepts. */
  readonly maxNameLength: number;
  /** CloudWatch Logs log group the job's containers write to. */
  readonly logGroupName: string;
  /** CloudWatch metric namespace of the job's instance metrics. */
  readonly metricNamespace: string;
  /** Prefix used when no readable prefix can be derived from the construct id. */
  readonly fallbackPrefix: string;
}

/** The SageMaker job name pattern (CreateProcessingJob, CreateTrainingJob, …): letters, digits, single dashes. */
export const JOB_NAME_PATTERN = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;

/** @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateProcessingJob.html */
export const PROCESSING_JOB: SageMakerJobKind = {
  noun: 'processing job',
  createApi: 'createProcessingJob',
  createAction: 'CreateProcessingJob',
  describeAction: 'DescribeProcessingJob',
  stopAction: 'StopProcessingJob',
  arnResource: 'processing-job',
  syncRuleName: 'StepFunctionsGetEventsForSageMakerProcessingJobsRule',
  nameField: 'ProcessingJobName',
  maxNameLength: 63,
  logGroupName: '/aws/sagemaker/ProcessingJobs',
  metricNamespace: '/aws/sagemaker/ProcessingJobs',
  fallbackPrefix: 'processing',
};
