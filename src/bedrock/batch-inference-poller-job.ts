import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { JobPollingBaseOptions, PollerJobBase } from '../polling';
import {
  checkIntegerRange,
  checkLength,
  checkPattern,
  integrationResourceArn,
  invalid,
  isDynamic,
  isJsonata,
  passRoleStatement,
  UNIQUE_SUFFIX_LENGTH,
  withoutUndefined,
} from '../private';
// Shared S3 URI parsing (to move to src/private with its other users).
import { parseS3Uri } from '../sagemaker/private/job-role';

/**
 * Properties of a `BedrockBatchInferencePollerJob`.
 */
export interface BedrockBatchInferencePollerJobProps extends JobPollingBaseOptions {
  /**
   * The model to run the prompts on: a foundation model id (`anthropic.claude-3-haiku-20240307-v1:0`), an
   * inference profile id (`us.anthropic.claude-3-5-haiku-20241022-v1:0`) or a model or profile ARN. A `JsonPath`
   * value or JSONata expression is accepted too (IAM then allows any foundation model and any inference profile of
   * the account).
   *
   * @see https://docs.aws.amazon.com/bedrock/latest/userguide/batch-inference-supported.html
   */
  readonly modelId: string;

  /**
   * The JSONL records to run (an S3 prefix or file): `S3Location.fromBucket(bucket, 'prompts/')`. A location from
   * a JSON expression needs `role`.
   */
  readonly input: tasks.S3Location;

  /**
   * Where Bedrock writes the results (an S3 prefix): `S3Location.fromBucket(bucket, 'results/')`. A location from
   * a JSON expression needs `role`.
   */
  readonly output: tasks.S3Location;

  /**
   * The service role Bedrock uses to read the input and write the output.
   *
   * @default - a role trusted by `bedrock.amazonaws.com` for this account's invocation jobs (`aws:SourceAccount`,
   * `aws:SourceArn`), with read on `input`, write on `output` and `bedrock:InvokeModel` on the model
   */
  readonly role?: iam.IRole;

  /**
   * The name of the job: 1 to 63 letters, digits, hyphens, `+` and `.`, starting with a letter or digit. Job names
   * must be unique in the account: a fixed name fails the second run.
   *
   * @default - `<state name>-<UUID>` (`stateName`, else the construct id), unique to each run
   */
  readonly jobName?: string;

  /**
   * Bedrock stops the job after this many hours (24 to 168). Unlike `timeout`, which is the poller's own deadline.
   *
   * @default - Bedrock's default (168 hours)
   */
  readonly timeoutInHours?: number;
}

/**
 * Runs an Amazon Bedrock batch inference job (`CreateModelInvocationJob`) and waits for it to end, with no Lambda
 * function: `bedrock:createModelInvocationJob`, then `bedrock:getModelInvocationJob` on a growing interval until
 * the job is `Completed`, `PartiallyCompleted`, `Failed`, `Stopped` or `Expired`.
 *
 * `PartiallyCompleted` (some records failed; Bedrock writes them to the output's error file) is a success: the
 * result's `status.Status` says so, for a Choice after the poller. At the deadline (`timeout`) the job is stopped
 * (`bedrock:stopModelInvocationJob`) and the poller fails with `BedrockBatchInferencePoller.JobTimedOut`.
 *
 * The result (in JSONPath at `resultPath`, by default `$.<stateName>`; in JSONata `$states.result` of `outputs`/`assign`, by default added to the input under `<stateName>`): `job.jobArn`, `status` (the last GetModelInvocationJob
 * response: `Status`, `Message`, `OutputDataConfig`, `InputTokenCount`…) and `poll` (`checks`, `elapsedSeconds`).
 *
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_CreateModelInvocationJob.html
 */
export class BedrockBatchInferencePollerJob extends PollerJobBase {
  /** The error when the job ends `Failed`, `Stopped` or `Expired`. */
  public static readonly JOB_FAILED = 'BedrockBatchInferencePoller.JobFailed';
  /** The error when the job is still running at `timeout` (after it is stopped). */
  public static readonly JOB_TIMED_OUT = 'BedrockBatchInferencePoller.JobTimedOut';
  /** The poller's own failures, for `addCatch(handler, { errors: BedrockBatchInferencePollerJob.ALL_ERRORS })`. */
  public static readonly ALL_ERRORS: string[] = [BedrockBatchInferencePollerJob.JOB_FAILED, BedrockBatchInferencePollerJob.JOB_TIMED_OUT];

  /** The service role Bedrock runs the job with. */
  public readonly role: iam.IRole;

  constructor(scope: Construct, id: string, props: BedrockBatchInferencePollerJobProps) {
    super(scope, id, props);
    checkLength(this, 'modelId', props.modelId, 1, 2048);
    checkPattern(this, 'jobName', props.jobName, /^[a-zA-Z0-9]{1,63}(-*[a-zA-Z0-9+\-.]){0,63}$/,
      'letters, digits, hyphens, + and ., starting with a letter or digit');
    checkLength(this, 'jobName', props.jobName, 1, 63);
    checkIntegerRange(this, 'timeoutInHours', props.timeoutInHours, 24, 168);

    const stack = Stack.of(this);
    const models = modelArns(this, props.modelId);
    const role = props.role ?? this.createRole(models);
    // S3Location's bind grants the role read on the input and write on the output.
    const grantee: iam.IGrantable = { grantPrincipal: role.grantPrincipal };
    const input = props.input.bind(grantee as any, { forReading: true });
    const output = props.output.bind(grantee as any, { forWriting: true });
    const runTime = (uri: string) => isJsonata(uri) || sfn.JsonPath.isEncodedJsonPath(uri);
    if (!props.role && (runTime(input.uri) || runTime(output.uri))) {
      invalid(this, 'role', 'given when input or output is a location from a JSON expression (the default role cannot be scoped to it)', 'undefined');
    }
    this.role = role;

    const jobs = stack.formatArn({ service: 'bedrock', resource: 'model-invocation-job', resourceName: '*', arnFormat: ArnFormat.SLASH_RESOURCE_NAME });
    const call = (action: string) => integrationResourceArn('aws-sdk:bedrock', action, sfn.IntegrationPattern.REQUEST_RESPONSE);
    const job = { JobIdentifier: 'jobArn' };
    const prefix = this.jobNamePrefix(63 - UNIQUE_SUFFIX_LENGTH, 'batch');

    this.createPoller({
      errorPrefix: 'BedrockBatchInferencePoller',
      start: {
        resource: call('createModelInvocationJob'),
        parameters: withoutUndefined({
          JobName: props.jobName,
          ModelId: props.modelId,
          RoleArn: role.roleArn,
          InputDataConfig: { S3InputDataConfig: { S3Uri: s3Uri(input.uri) } },
          OutputDataConfig: { S3OutputDataConfig: { S3Uri: s3Uri(output.uri) } },
          TimeoutDurationInHours: props.timeoutInHours,
        }),
        uniqueNameParameters: props.jobName === undefined ? { JobName: prefix } : undefined,
        resultFields: { jobArn: 'JobArn' },
        retryErrors: BEDROCK_TRANSIENT_ERRORS,
        policyStatements: [
          // The job ids are generated by Bedrock: `model-invocation-job/*` (this account and region) is the narrowest.
          new iam.PolicyStatement({ actions: ['bedrock:CreateModelInvocationJob'], resources: [...models, jobs] }),
          passRoleStatement([role], 'bedrock.amazonaws.com'),
        ],
      },
      sdkCheck: {
        jobDescription: 'Bedrock batch inference job',
        call: {
          resource: call('getModelInvocationJob'),
          jobParameters: job,
          retryErrors: BEDROCK_TRANSIENT_ERRORS,
          policyStatements: [new iam.PolicyStatement({ actions: ['bedrock:GetModelInvocationJob'], resources: [jobs] })],
        },
        status: {
          statusField: 'Status',
          runningValues: ['Submitted', 'Validating', 'Scheduled', 'InProgress', 'Stopping'],
          succeededValues: ['Completed', 'PartiallyCompleted'],
          reasonField: 'Message',
        },
        cancel: {
          sdkV3ClientClass: 'BedrockClient',
          sdkV3Input: { jobIdentifier: 'jobArn' },
          resource: call('stopModelInvocationJob'),
          jobParameters: job,
          retryErrors: BEDROCK_TRANSIENT_ERRORS,
          // A job that ended between the last check and the stop.
          endedErrors: ['Bedrock.ValidationException', 'Bedrock.ResourceNotFoundException'],
          policyStatements: [new iam.PolicyStatement({ actions: ['bedrock:StopModelInvocationJob'], resources: [jobs] })],
        },
      },
    });
  }

  /** The documented batch inference service role: trusted for this account's invocation jobs. */
  private createRole(models: string[]): iam.Role {
    const stack = Stack.of(this);
    const role = new iam.Role(this, 'Role', {
      description: `cdk-sfn-jobs ${this.node.path}: the service role of Bedrock batch inference jobs`,
      assumedBy: new iam.ServicePrincipal('bedrock.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: { 'aws:SourceArn': stack.formatArn({ service: 'bedrock', resource: 'model-invocation-job', resourceName: '*' }) },
        },
      }),
    });
    // Bedrock's documentation adds InvokeModel for inference profiles (the job invokes the model as the role).
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['bedrock:InvokeModel'], resources: models }));
    return role;
  }
}

/** Bedrock errors worth retrying (throttling, service faults), as the SDK integration names them. */
const BEDROCK_TRANSIENT_ERRORS = ['Bedrock.ThrottlingException', 'Bedrock.InternalServerException', 'Bedrock.ServiceUnavailableException'];

/**
 * Bedrock takes `s3://` URIs only; `S3Location.fromBucket` gives a path-style `https://` URL: the same object in the
 * form Bedrock reads. A URI known only at run time is passed on as it is.
 */
function s3Uri(uri: string): string {
  const parsed = parseS3Uri(uri);
  return parsed ? `s3://${parsed.bucket}/${parsed.key}` : uri;
}

/** Cross-Region inference profile ids start with a geography: `us.`, `eu.`, `apac.`, `global.`… */
const PROFILE_ID = /^(us|us-gov|eu|apac|ca|jp|au|global)\.(.+)$/;

/**
 * The model resources a job on `modelId` uses: a foundation model (`foundation-model/<id>`, no account), an inference
 * profile (`inference-profile/<id>` and the foundation models it routes to, in any Region), an ARN as given; any
 * foundation model and inference profile for a dynamic id.
 */
function modelArns(scope: Construct, modelId: string): string[] {
  const stack = Stack.of(scope);
  const foundation = (id: string, region?: string) => stack.formatArn({
    service: 'bedrock', region, account: '', resource: 'foundation-model', resourceName: id, arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
  });
  const profile = (id: string) => stack.formatArn({ service: 'bedrock', resource: 'inference-profile', resourceName: id, arnFormat: ArnFormat.SLASH_RESOURCE_NAME });
  if (isDynamic(modelId)) return [foundation('*', '*'), profile('*')];
  if (modelId.startsWith('arn:')) return [modelId];
  const m = PROFILE_ID.exec(modelId);
  return m ? [profile(modelId), foundation(m[2], '*')] : [foundation(modelId)];
}
