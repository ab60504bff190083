import { Duration, Stack, Token } from 'aws-cdk-lib';
import * as batch from 'aws-cdk-lib/aws-batch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { JobPollingOptions, PollerJobBase } from '../polling';
import { BATCH_JOB_EVENTS } from '../polling/private/job-events';
import { POLLING_PROPS } from '../polling/private/props';
import {
  bundledHandler,
  cancelJobsOnExecutionStop,
  checkCount,
  checkIntegerRange,
  checkPattern,
  checkProps,
  integrationResourceArn,
  invalid,
  isJsonata,
  required,
  withoutUndefined,
} from '../private';

/**
 * Properties of a `BatchPollerJob`.
 */
export interface BatchPollerJobProps extends JobPollingOptions {
  /**
   * The name of the job: up to 128 letters, digits, hyphens and underscores, starting with a letter or
   * digit. Batch job names need not be unique (each job gets its own id).
   *
   * @see https://docs.aws.amazon.com/batch/latest/APIReference/API_SubmitJob.html#Batch-SubmitJob-request-jobName
   * @default - the state name (`stateName`, else the construct id), reduced to the allowed characters
   */
  readonly jobName?: string;

  /**
   * The job queue to submit the job to. Give `jobQueue` or `jobQueueArn`.
   *
   * @default - `jobQueueArn`
   */
  readonly jobQueue?: batch.IJobQueue;

  /**
   * The ARN of the job queue to submit the job to, when it is not a construct: a literal, a token, or a
   * value known at run time (`JsonPath.stringAt(...)` or a JSONata expression; IAM then allows any job
   * queue of the account and region). Give `jobQueue` or `jobQueueArn`.
   *
   * @default - `jobQueue`
   */
  readonly jobQueueArn?: string;

  /**
   * The job definition of the job. Give `jobDefinition` or `jobDefinitionArn`.
   *
   * @default - `jobDefinitionArn`
   */
  readonly jobDefinition?: batch.IJobDefinition;

  /**
   * The ARN of the job definition, with or without `:<revision>` (without: the latest active revision),
   * when it is not a construct: a literal, a token, or a value known at run time (IAM then allows any job
   * definition of the account and region). Give `jobDefinition` or `jobDefinitionArn`.
   *
   * @default - `jobDefinition`
   */
  readonly jobDefinitionArn?: string;

  /**
   * Overrides of the job definition's container: command, environment variables, instance type, memory,
   * vCPUs, GPUs.
   *
   * @see https://docs.aws.amazon.com/batch/latest/APIReference/API_ContainerOverrides.html
   * @default - the job definition's values
   */
  readonly containerOverrides?: tasks.BatchContainerOverrides;

  /**
   * Values for the `Ref::<name>` placeholders of the job definition's command.
   *
   * @see https://docs.aws.amazon.com/batch/latest/APIReference/API_SubmitJob.html#Batch-SubmitJob-request-parameters
   * @default - the job definition's default parameters
   */
  readonly parameters?: { [key: string]: string };

  /**
   * Run an array job of this many children (2 to 10,000).
   *
   * @see https://docs.aws.amazon.com/batch/latest/userguide/array_jobs.html
   * @default - a single job
   */
  readonly arraySize?: number;

  /**
   * How many times Batch runs the job before it fails it (1 to 10).
   *
   * @see https://docs.aws.amazon.com/batch/latest/APIReference/API_RetryStrategy.html
   * @default - the job definition's retry strategy
   */
  readonly attempts?: number;

  /**
   * The time limit of each attempt (at least 60 seconds); Batch terminates an attempt that runs longer.
   * Unlike `timeout`, which bounds the whole job including its queue time and retries.
   *
   * @see https://docs.aws.amazon.com/batch/latest/APIReference/API_JobTimeout.html
   * @default - the job definition's timeout
   */
  readonly attemptTimeout?: Duration;

  /**
   * Tags for the job (up to 50). The state machine role is then also allowed `batch:TagResource` on jobs,
   * for these tag keys.
   *
   * @see https://docs.aws.amazon.com/batch/latest/APIReference/API_SubmitJob.html#Batch-SubmitJob-request-tags
   * @default - no tags
   */
  readonly tags?: { [key: string]: string };

  /**
   * Jobs this job waits for (up to 20). Time spent waiting for them counts as queue time (`maxQueueTime`).
   *
   * @see https://docs.aws.amazon.com/batch/latest/APIReference/API_JobDependency.html
   * @default - no dependencies
   */
  readonly dependsOn?: tasks.BatchJobDependency[];
}

/**
 * Submits an AWS Batch job and follows it to its end with a cheap, growing poll: notices a job stuck in
 * the queue (`maxQueueTime`), gives up at a deadline (`timeout`), reports status, exit code, log stream
 * and array progress, and fails with a cause.
 *
 * Use it instead of `BatchSubmitJob` with `.sync` when a job can wait forever for capacity (a misconfigured
 * compute environment keeps it RUNNABLE and `.sync` waits with it), when the workflow needs a deadline, or
 * when you want the job's details rather than only its end.
 *
 * The job is submitted with Step Functions' request-response `batch:submitJob` integration, then checked
 * by one small bundled Lambda function per stack (DescribeJobs), which also terminates the job at a
 * deadline (TerminateJob). Waits start at `pollInterval` and grow to 10 % of the elapsed time, up to
 * `maxPollInterval`. Built on `JobPoller`; its states are named `<stateName>: …` (default: the construct id), so several can share a state
 * machine.
 *
 * The result (in JSONPath at `resultPath`, by default `$.<stateName>`; in JSONata `$states.result` of `outputs`/`assign`, by default added to the input under `<stateName>`): `jobId`, `jobName`, `jobArn`, `jobQueue`, `status`,
 * `statusReason`, `exitCode`, `logStreamName`, `createdAt`, `startedAt`, `stoppedAt` (ISO 8601),
 * `attempts`, `arrayProperties` (`size`, `statusSummary`) and `poll` (`outcome`, `elapsedSeconds`,
 * `queuedSeconds`). Failures: `BatchPoller.JobFailed`, `BatchPoller.JobTimedOut`, `BatchPoller.JobStuck`
 * (Fail states, with a cause), `BatchPoller.JobNotFound` and `BatchPoller.InvalidEvent` (from the function).
 * Catch and retry them like a task's: `addCatch(handler, { errors: BatchPollerJob.ALL_ERRORS })`, `addRetry(...)`
 * (the loop runs in a Parallel state named `<stateName>`, which takes the `comment`, and in JSONata the `outputs` and `assign`).
 *
 * @see https://docs.aws.amazon.com/batch/latest/APIReference/API_SubmitJob.html
 * @see https://docs.aws.amazon.com/batch/latest/APIReference/API_DescribeJobs.html
 */
export class BatchPollerJob extends PollerJobBase {
  /** The error when the job ends FAILED. */
  public static readonly JOB_FAILED = 'BatchPoller.JobFailed';
  /** The error when the job is still running at `timeout` (after it is terminated). */
  public static readonly JOB_TIMED_OUT = 'BatchPoller.JobTimedOut';
  /** The error when the job has not started at `maxQueueTime` (after it is terminated). */
  public static readonly JOB_STUCK = 'BatchPoller.JobStuck';
  /** The error when DescribeJobs does not know the job. */
  public static readonly JOB_NOT_FOUND = 'BatchPoller.JobNotFound';
  /**
   * The poller's own failures, for `addCatch(handler, { errors: BatchPollerJob.ALL_ERRORS })`: `JOB_FAILED`,
   * `JOB_TIMED_OUT`, `JOB_STUCK` and `JOB_NOT_FOUND`.
   */
  public static readonly ALL_ERRORS: string[] = [
    BatchPollerJob.JOB_FAILED,
    BatchPollerJob.JOB_TIMED_OUT,
    BatchPollerJob.JOB_STUCK,
    BatchPollerJob.JOB_NOT_FOUND,
  ];

  /** The `batch:submitJob` task (add a `Retry` or `Catch` to it if you need one). */
  public readonly submitTask: sfn.TaskStateBase;
  /** The function that checks and terminates jobs (one per stack). */
  public readonly checkFunction: lambda.IFunction;

  constructor(scope: Construct, id: string, props: BatchPollerJobProps) {
    super(scope, id, props);
    if (props === undefined || props === null) required(scope, id, props, ['jobQueue or jobQueueArn', 'jobDefinition or jobDefinitionArn']);
    checkProps(scope, id, props, {
      jobName: 'string?',
      jobQueue: 'jobQueue?',
      jobQueueArn: 'string?',
      jobDefinition: 'jobDefinition?',
      jobDefinitionArn: 'string?',
      containerOverrides: 'object?',
      parameters: '{string}?',
      arraySize: 'number?',
      attempts: 'number?',
      attemptTimeout: 'duration?',
      tags: '{string}?',
      dependsOn: 'object[]?',
      ...POLLING_PROPS,
    });

    const jobQueueArn = oneOf(this, 'jobQueue', props.jobQueue?.jobQueueArn, 'jobQueueArn', props.jobQueueArn);
    const jobDefinitionArn = oneOf(this, 'jobDefinition', props.jobDefinition?.jobDefinitionArn, 'jobDefinitionArn', props.jobDefinitionArn);
    const jobName = props.jobName ?? this.jobNamePrefix(128, 'job');
    checkPattern(this, 'jobName', jobName, /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/,
      'up to 128 letters, digits, hyphens and underscores, starting with a letter or digit');
    checkIntegerRange(this, 'arraySize', props.arraySize, 2, 10_000);
    checkIntegerRange(this, 'attempts', props.attempts, 1, 10);
    checkCount(this, 'dependsOn', props.dependsOn, 0, 20);
    const attemptSeconds = attemptTimeoutSeconds(this, props.attemptTimeout);
    validateTags(this, props.tags);
    for (const key of Object.keys(props.containerOverrides?.environment ?? {})) {
      if (/^AWS_BATCH/.test(key)) invalid(this, 'containerOverrides.environment', 'free of names starting with AWS_BATCH (reserved by AWS Batch)', key);
    }

    const fn = bundledHandler(this, {
      handler: 'batch-poller',
      purpose: 'batch-poller',
      description: 'cdk-sfn-jobs BatchPollerJob: describes and terminates AWS Batch jobs for Step Functions pollers',
      memorySize: 128,
    });
    // DescribeJobs does not support resource-level permissions: it only accepts '*'.
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['batch:DescribeJobs'], resources: ['*'] }));
    // TerminateJob accepts only the `job` resource type, and job ids are generated by Batch at submission:
    // jobs of this account and region is as narrow as it gets.
    fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['batch:TerminateJob'], resources: [jobArns(this)] }));
    this.checkFunction = fn;

    this.createPoller({
      errorPrefix: 'BatchPoller',
      checkFunction: fn,
      start: {
        resource: integrationResourceArn('batch', 'submitJob', sfn.IntegrationPattern.REQUEST_RESPONSE),
        parameters: withoutUndefined({
          JobName: jobName,
          JobQueue: jobQueueArn,
          JobDefinition: jobDefinitionArn,
          Parameters: props.parameters,
          ArrayProperties: props.arraySize !== undefined ? { Size: props.arraySize } : undefined,
          ContainerOverrides: props.containerOverrides ? renderContainerOverrides(props.containerOverrides) : undefined,
          DependsOn: props.dependsOn?.map((d) => withoutUndefined({ JobId: d.jobId, Type: d.type })),
          RetryStrategy: props.attempts !== undefined ? { Attempts: props.attempts } : undefined,
          Timeout: attemptSeconds !== undefined ? { AttemptDurationSeconds: attemptSeconds } : undefined,
          Tags: props.tags,
        }),
        resultFields: { jobId: 'JobId', jobName: 'JobName', jobArn: 'JobArn' },
        policyStatements: submitStatements(this, jobQueueArn, jobDefinitionArn, props.tags),
      },
    }, { ...BATCH_JOB_EVENTS, jobKey: 'jobId' });

    this.submitTask = this.poller.startTask;
    if (props.cancelJobOnExecutionStop ?? true) {
      // Terminated directly (TerminateJob), rather than through the check function as for other pollers.
      cancelJobsOnExecutionStop(this, { kind: 'batch', state: this.submitTask, resource: integrationResourceArn('batch', 'submitJob', sfn.IntegrationPattern.REQUEST_RESPONSE) });
    }
  }
}

/** Exactly one of the construct and the ARN. */
function oneOf(scope: Construct, constructProp: string, fromConstruct: string | undefined, arnProp: string, arn: string | undefined): string {
  if ((fromConstruct === undefined) === (arn === undefined)) {
    invalid(scope, constructProp, `given, either as ${constructProp} or as ${arnProp} (exactly one of them)`,
      fromConstruct === undefined ? 'neither' : 'both');
  }
  return (fromConstruct ?? arn)!;
}

/** A value only known when the state runs (JSONPath or JSONata). */
function isRuntimeValue(value: string): boolean {
  return isJsonata(value) || sfn.JsonPath.isEncodedJsonPath(value);
}

function batchArn(scope: Construct, resource: string, name: string): string {
  return Stack.of(scope).formatArn({ service: 'batch', resource, resourceName: name });
}

/** `arn:<partition>:batch:<region>:<account>:job/*` */
function jobArns(scope: Construct): string {
  return batchArn(scope, 'job', '*');
}

/**
 * The state machine role's statements for `batch:SubmitJob` (request-response: nothing else).
 *
 * The Service Authorization Reference lists `job` and `job-queue` as required resource types of SubmitJob,
 * and `job-definition` / `job-definition-revision` as the ones a job definition is authorized against
 * (`job-definition/<name>` when submitted without a revision, `job-definition/<name>:<revision>` with one).
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsbatch.html
 */
function submitStatements(
  scope: Construct,
  jobQueueArn: string,
  jobDefinitionArn: string,
  tags: { [key: string]: string } | undefined,
): iam.PolicyStatement[] {
  const queue = isRuntimeValue(jobQueueArn) ? batchArn(scope, 'job-queue', '*') : jobQueueArn;
  const statements = [
    new iam.PolicyStatement({
      actions: ['batch:SubmitJob'],
      // Job ids are generated by Batch at submission: `job/*` (this account and region) is the narrowest.
      resources: [queue, ...jobDefinitionResources(scope, jobDefinitionArn), jobArns(scope)],
    }),
  ];
  if (tags && Object.keys(tags).length > 0) {
    // Tagging on creation is authorized as batch:TagResource on the new job; only for our tag keys.
    const keys = Object.keys(tags);
    statements.push(new iam.PolicyStatement({
      actions: ['batch:TagResource'],
      resources: [jobArns(scope)],
      conditions: keys.some((k) => Token.isUnresolved(k)) ? undefined : { 'ForAllValues:StringEquals': { 'aws:TagKeys': keys } },
    }));
  }
  return statements;
}

function jobDefinitionResources(scope: Construct, arn: string): string[] {
  if (isRuntimeValue(arn)) return [batchArn(scope, 'job-definition', '*')];
  if (Token.isUnresolved(arn)) return [arn]; // a construct's ARN (with its revision) or an imported value
  const m = /^(arn:[^:]+:batch:[^:]*:[^:]*:job-definition\/[^:]+)(:\d+)?$/.exec(arn);
  if (!m) invalid(scope, 'jobDefinitionArn', 'a job definition ARN (arn:<partition>:batch:<region>:<account>:job-definition/<name>[:<revision>])', arn);
  // With a revision: exactly that revision. Without (the latest active revision): the name, and its revisions.
  return m[2] ? [arn] : [arn, `${arn}:*`];
}

function attemptTimeoutSeconds(scope: Construct, timeout: Duration | undefined): number | undefined {
  if (timeout === undefined) return undefined;
  if (timeout.isUnresolved()) return timeout.toSeconds();
  const seconds = timeout.toSeconds({ integral: false });
  if (!Number.isInteger(seconds) || seconds < 60) invalid(scope, 'attemptTimeout', 'a whole number of seconds, at least 60 seconds', timeout);
  return seconds;
}

function validateTags(scope: Construct, tags: { [key: string]: string } | undefined): void {
  if (tags === undefined) return;
  const entries = Object.entries(tags);
  if (entries.length > 50) invalid(scope, 'tags', 'at most 50 tags', `${entries.length} tags`);
  for (const [key, value] of entries) {
    if (Token.isUnresolved(key)) continue;
    if (key.length < 1 || key.length > 128 || /^aws:/i.test(key)) invalid(scope, 'tags', 'keyed by 1 to 128 characters, not starting with "aws:"', key);
    if (!Token.isUnresolved(value) && !isRuntimeValue(value) && value.length > 256) invalid(scope, 'tags', 'values of at most 256 characters', value);
  }
}

function renderContainerOverrides(overrides: tasks.BatchContainerOverrides): Record<string, unknown> {
  const resources: Array<{ Type: string; Value: string }> = [];
  if (overrides.gpuCount !== undefined) resources.push({ Type: 'GPU', Value: `${overrides.gpuCount}` });
  if (overrides.memory !== undefined) resources.push({ Type: 'MEMORY', Value: `${overrides.memory.toMebibytes()}` });
  if (overrides.vcpus !== undefined) resources.push({ Type: 'VCPU', Value: `${overrides.vcpus}` });
  return withoutUndefined({
    Command: overrides.command,
    Environment: overrides.environment ? Object.entries(overrides.environment).map(([Name, Value]) => ({ Name, Value })) : undefined,
    InstanceType: overrides.instanceType?.toString(),
    ResourceRequirements: resources.length > 0 ? resources : undefined,
  });
}

