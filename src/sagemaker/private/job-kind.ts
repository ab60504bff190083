/**
 * What differs between the SageMaker job kinds that Step Functions runs with `.sync`: the API names, the ARN
 * resource type, the EventBridge rule Step Functions manages for `.sync`, where the job logs and publishes metrics,
 * what its execution role needs by default, and the bounds of its name. Everything else (roles, IAM, names,
 * rendering) is shared code driven by this record.
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
  /**
   * The EventBridge rule Step Functions manages in the account for this kind's `.sync` integration: a name, or a
   * name pattern (with `*`) when AWS documents no name (see `LABELING_JOB`).
   */
  readonly syncRuleName: string;
  /** The request field holding the job name, e.g. `ProcessingJobName`. */
  readonly nameField: string;
  /** The prop holding the job name, for messages, e.g. `processingJobName`. */
  readonly nameProp: string;
  /** The longest job name the API accepts. */
  readonly maxNameLength: number;
  /** CloudWatch Logs log group the job writes to. */
  readonly logGroupName: string;
  /** CloudWatch metric namespaces the job publishes to. */
  readonly metricNamespaces: readonly string[];
  /** Prefix used when no readable prefix can be derived from the construct id. */
  readonly fallbackPrefix: string;
  /** The job runs a container image: its role needs `ecr:GetAuthorizationToken` to pull from ECR. */
  readonly pullsImages: boolean;
  /**
   * How far the role's bucket permissions reach: `prefix` lists only under the job's key prefixes (`s3:prefix`
   * condition); `bucket` grants `s3:ListBucket` and `s3:GetBucketLocation` on each bucket, as the service documents
   * it for its execution role (bucket-level checks carry no `s3:prefix`, so a prefix condition would deny them).
   */
  readonly bucketAccess: 'prefix' | 'bucket';
  /**
   * What the role may do under the job's output prefix. Ground Truth's execution-role documentation lists
   * `s3:AbortMultipartUpload`, `s3:GetObject` and `s3:PutObject` for the output location (automated labeling and
   * post-annotation functions read the output back); the other jobs only write.
   */
  readonly outputActions: readonly string[];
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
  nameProp: 'processingJobName',
  maxNameLength: 63,
  logGroupName: '/aws/sagemaker/ProcessingJobs',
  metricNamespaces: ['/aws/sagemaker/ProcessingJobs'],
  fallbackPrefix: 'processing',
  pullsImages: true,
  bucketAccess: 'prefix',
  outputActions: ['s3:PutObject'],
};

/**
 * The tuning job's execution role is the role of the training jobs it launches: they log and publish metrics as
 * training jobs. The rule name is the one AWS's own policies for the Step Functions Data Science SDK list
 * (aws/aws-step-functions-data-science-sdk-python: doc/StepFunctionsWorkflowExecutionPolicy.json).
 *
 * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateHyperParameterTuningJob.html
 */
export const TUNING_JOB: SageMakerJobKind = {
  noun: 'hyperparameter tuning job',
  createApi: 'createHyperParameterTuningJob',
  createAction: 'CreateHyperParameterTuningJob',
  describeAction: 'DescribeHyperParameterTuningJob',
  stopAction: 'StopHyperParameterTuningJob',
  arnResource: 'hyper-parameter-tuning-job',
  syncRuleName: 'StepFunctionsGetEventsForSageMakerTuningJobsRule',
  nameField: 'HyperParameterTuningJobName',
  nameProp: 'hyperParameterTuningJobName',
  maxNameLength: 32,
  logGroupName: '/aws/sagemaker/TrainingJobs',
  metricNamespaces: ['/aws/sagemaker/TrainingJobs'],
  fallbackPrefix: 'tuning',
  pullsImages: true,
  bucketAccess: 'prefix',
  outputActions: ['s3:PutObject'],
};

/**
 * ASSUMPTION (not confirmed by any AWS source we could find): the name of the EventBridge rule Step Functions
 * manages for `createLabelingJob.sync`. The developer guide says the integration supports `.sync` but its IAM page
 * documents rules only for training and transform jobs; AWS's own policies name the training, transform, tuning
 * and processing rules `StepFunctionsGetEventsForSageMaker<Kind>JobsRule`. A wrong exact name would fail every
 * run, so the events permissions are scoped to the narrowest pattern that covers every SageMaker rule Step Functions
 * manages, `StepFunctionsGetEventsForSageMaker*` (rules Step Functions itself creates and owns), and no further.
 * Searched again (AWS documentation, public policies and code): no source names a labeling rule; the wildcard stays
 * the narrowest safe choice until one does.
 *
 * Metrics: Ground Truth publishes labeling-job metrics in `/aws/sagemaker/LabelingJobs` and worker metrics in
 * `/aws/sagemaker/Workteam`; the role may publish to those two namespaces only.
 *
 * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateLabelingJob.html
 * @see https://docs.aws.amazon.com/sagemaker/latest/dg/sms-security-permission-execution-role.html
 * @see https://docs.aws.amazon.com/sagemaker/latest/dg/sms-security-permissions-get-started.html
 */
export const LABELING_JOB: SageMakerJobKind = {
  noun: 'labeling job',
  createApi: 'createLabelingJob',
  createAction: 'CreateLabelingJob',
  describeAction: 'DescribeLabelingJob',
  stopAction: 'StopLabelingJob',
  arnResource: 'labeling-job',
  syncRuleName: 'StepFunctionsGetEventsForSageMaker*',
  nameField: 'LabelingJobName',
  nameProp: 'labelingJobName',
  maxNameLength: 63,
  logGroupName: '/aws/sagemaker/LabelingJobs',
  metricNamespaces: ['/aws/sagemaker/LabelingJobs', '/aws/sagemaker/Workteam'],
  fallbackPrefix: 'labeling',
  pullsImages: false,
  bucketAccess: 'bucket',
  outputActions: ['s3:AbortMultipartUpload', 's3:GetObject', 's3:PutObject'],
};
