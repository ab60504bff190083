import { ArnFormat, Aws, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { JobPollingBaseOptions, PollerJobBase } from '../polling';
import { BEDROCK_BATCH_INFERENCE_EVENTS } from '../polling/private/job-events';
import { POLLING_BASE_PROPS } from '../polling/private/props';
import {
  checkIntegerRange,
  checkLength,
  checkPattern,
  checkProps,
  escapeIamName,
  integrationResourceArn,
  invalid,
  isDynamic,
  isJsonata,
  passRoleStatement,
  UNIQUE_SUFFIX_LENGTH,
  withoutUndefined,
} from '../private';
// Shared S3 URI parsing (to move to src/private with its other users).
import { parseS3Uri, StatementRecorder } from '../sagemaker/private/job-role';

/**
 * Properties of a `BedrockBatchInferencePollerJob`.
 */
export interface BedrockBatchInferencePollerJobProps extends JobPollingBaseOptions {
  /**
   * The model to run the prompts on: a foundation model id (`anthropic.claude-3-haiku-20240307-v1:0`), a
   * cross-Region inference profile id (`us.anthropic.claude-3-5-haiku-20241022-v1:0`), or the ARN of a foundation
   * model, inference profile, custom model or provisioned model. A deploy-time value (`formatArn(...)`, an import,
   * a parameter) goes into IAM as it is (give an ARN); a `JsonPath` value or JSONata expression is accepted too (IAM
   * then allows the model kinds a job can use, in this account: see the README's IAM table).
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
   * `aws:SourceArn`), with `s3:GetObject` and a prefix-scoped `s3:ListBucket` on `input`, `s3:PutObject` on `output`
   * (and their buckets' KMS keys), and `bedrock:InvokeModel` on an inference profile and its models or a provisioned
   * model
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
    checkProps(scope, id, props, {
      modelId: 'string',
      input: 's3Location',
      output: 's3Location',
      role: 'role?',
      jobName: 'string?',
      timeoutInHours: 'number?',
      ...POLLING_BASE_PROPS,
    });
    checkLength(this, 'modelId', props.modelId, 1, 2048);
    checkModelId(this, props.modelId);
    checkPattern(this, 'jobName', props.jobName, /^[a-zA-Z0-9]{1,63}(-*[a-zA-Z0-9+\-.]){0,63}$/,
      'letters, digits, hyphens, + and ., starting with a letter or digit');
    checkLength(this, 'jobName', props.jobName, 1, 63);
    checkIntegerRange(this, 'timeoutInHours', props.timeoutInHours, 24, 168);

    const stack = Stack.of(this);
    const models = modelResources(this, props.modelId);
    const role = props.role ?? this.createRole(models.invoke);
    const inputUri = this.bindLocation(props.input, 'read', role, !props.role);
    const outputUri = this.bindLocation(props.output, 'write', role, !props.role);
    const runTime = (uri: string) => isJsonata(uri) || sfn.JsonPath.isEncodedJsonPath(uri);
    if (!props.role && (runTime(inputUri) || runTime(outputUri))) {
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
          InputDataConfig: { S3InputDataConfig: { S3Uri: s3Uri(inputUri) } },
          OutputDataConfig: { S3OutputDataConfig: { S3Uri: s3Uri(outputUri) } },
          TimeoutDurationInHours: props.timeoutInHours,
        }),
        uniqueNameParameters: props.jobName === undefined ? { JobName: prefix } : undefined,
        resultFields: { jobArn: 'JobArn' },
        retryErrors: BEDROCK_TRANSIENT_ERRORS,
        policyStatements: [
          // The resource types the Service Authorization Reference lists for CreateModelInvocationJob: the model
          // (foundation-model, custom-model) and the job, whose ids Bedrock generates: `model-invocation-job/*`
          // (this account and Region) is the narrowest.
          new iam.PolicyStatement({ actions: ['bedrock:CreateModelInvocationJob'], resources: [...models.create, jobs] }),
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
    }, { ...BEDROCK_BATCH_INFERENCE_EVENTS, jobKey: 'jobArn' });
  }

  /**
   * The documented batch inference service role ("Create a custom service role for batch inference"): trusted for
   * this account's invocation jobs; `bedrock:InvokeModel` only where that page asks for it (an inference profile and
   * the foundation models it routes to) or the Service Authorization Reference lists the model's type for it (a
   * provisioned model).
   */
  private createRole(invoke: string[]): iam.Role {
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
    if (invoke.length > 0) role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['bedrock:InvokeModel'], resources: invoke }));
    return role;
  }

  /**
   * The location's URI. For the default role, the S3 access the batch inference service role page lists, no more:
   * `s3:GetObject` under the input prefix and `s3:ListBucket` on its bucket for keys under it (`s3:prefix`),
   * `s3:PutObject` under the output prefix; `kms:Decrypt` on the input's key, `kms:GenerateDataKey` and
   * `kms:Decrypt` (multipart uploads) on the output's. aws-cdk-lib's grants (recorded, not added) only tell the
   * bucket and key ARNs. A given role gets aws-cdk-lib's grants, as `S3Location.bind` makes them.
   */
  private bindLocation(location: tasks.S3Location, access: 'read' | 'write', role: iam.IRole, scoped: boolean): string {
    const options = { forReading: access === 'read', forWriting: access === 'write' };
    if (!scoped) return location.bind({ grantPrincipal: role.grantPrincipal } as any, options).uri;
    const recorder = new StatementRecorder(role);
    const recorded = recorder.record(() => location.bind({ grantPrincipal: recorder } as any, options).uri);
    const parsed = parseS3Uri(recorded.value);
    if (!parsed) return recorded.value; // known at run time only: refused above (a role is needed)
    const s3 = recorded.specs.find((spec) => spec.actions.every((a) => a.startsWith('s3:')));
    const bucketArn = s3?.resources.find((r) => s3.resources.some((o) => o.startsWith(`${r}/`))) ?? `arn:${Aws.PARTITION}:s3:::${parsed.bucket}`;
    const prefix = escapeIamName(parsed.prefix);
    if (access === 'read') {
      role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [`${bucketArn}/${prefix}*`] }));
      role.addToPrincipalPolicy(new iam.PolicyStatement({
        actions: ['s3:ListBucket'],
        resources: [bucketArn],
        conditions: prefix === '' ? undefined : { StringLike: { 's3:prefix': [`${prefix}*`] } },
      }));
    } else {
      role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [`${bucketArn}/${prefix}*`] }));
    }
    for (const spec of recorded.specs) {
      if (!spec.actions.every((a) => a.startsWith('kms:'))) continue;
      role.addToPrincipalPolicy(new iam.PolicyStatement({
        actions: access === 'read' ? ['kms:Decrypt'] : ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: [...spec.resources],
      }));
    }
    return recorded.value;
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
 * The literal forms `modelId` takes: a model id (`provider.model[:version]`, the API's model-id pattern without its
 * catch-all name alternative), a cross-Region inference profile id (a geography before the model id), or the ARN of
 * a foundation model, inference profile, custom model or provisioned model.
 *
 * @see https://docs.aws.amazon.com/bedrock/latest/APIReference/API_CreateModelInvocationJob.html
 */
const MODEL_ID = /^[a-z0-9-]{1,63}(\.[a-z0-9-]{1,63}){1,3}(:[a-z0-9-]{1,63}){0,2}$/;
const MODEL_ARN = /^arn:aws(-[a-z-]+)?:bedrock:[a-z0-9-]{1,20}:(?<account>[0-9]{12})?:(?<type>foundation-model|inference-profile|custom-model|provisioned-model)\/(?<id>[a-zA-Z0-9._:/-]{1,1011})$/;

function checkModelId(scope: Construct, modelId: string): void {
  if (isDynamic(modelId)) return;
  const arn = MODEL_ARN.exec(modelId);
  const ok = arn?.groups
    ? (arn.groups.type === 'foundation-model' ? arn.groups.account === undefined && MODEL_ID.test(arn.groups.id) : arn.groups.account !== undefined)
    : MODEL_ID.test(modelId);
  if (!ok) {
    invalid(scope, 'modelId', 'a model id (anthropic.claude-3-haiku-20240307-v1:0), an inference profile id (us.anthropic.claude-3-5-haiku-20241022-v1:0) ' +
      'or the ARN of a foundation model, inference profile, custom model or provisioned model', modelId);
  }
}

/** What the job's model needs: `create` for the state machine role (with the job), `invoke` for the service role. */
interface ModelResources {
  readonly create: string[];
  readonly invoke: string[];
}

/**
 * The model resources of a job on `modelId`, as the Service Authorization Reference lists them: CreateModelInvocationJob
 * takes `foundation-model` and `custom-model` (not `inference-profile` nor `provisioned-model`); InvokeModel, which the
 * service role needs for an inference profile (Bedrock's batch inference service role page), takes
 * `inference-profile`, `foundation-model` and `provisioned-model` (not `custom-model`).
 *
 * - a foundation model id: `foundation-model/<id>` in this Region (no account);
 * - an inference profile id or ARN: the foundation model it routes to, in any Region (the profile sends requests to
 *   the Regions of its geography); the service role may invoke the profile and those models;
 * - a foundation or custom model ARN: that ARN (its own Region); a provisioned model ARN: the service role may invoke it;
 * - an ARN whose resource type is literal but other parts are deploy-time tokens (`formatArn`): as its type says;
 * - a deploy-time value whose kind cannot be read (an import, a parameter): taken as a foundation or custom model ARN;
 * - a run-time value (JSONPath, JSONata): every kind, in this account and Region (any Region for foundation models).
 */
function modelResources(scope: Construct, modelId: string): ModelResources {
  const stack = Stack.of(scope);
  const arn = (resource: string, resourceName: string, opts: { region?: string; account?: string } = {}) => stack.formatArn({
    service: 'bedrock', resource, resourceName, arnFormat: ArnFormat.SLASH_RESOURCE_NAME, ...opts,
  });
  const foundation = (id: string, region?: string) => arn('foundation-model', id, { region, account: '' });
  const routedModels = (profileId: string) => {
    const m = PROFILE_ID.exec(profileId);
    return [foundation(m && !Token.isUnresolved(m[2]) ? m[2] : '*', '*')];
  };
  if (isJsonata(modelId) || sfn.JsonPath.isEncodedJsonPath(modelId)) {
    return {
      create: [foundation('*', '*'), arn('custom-model', '*')],
      invoke: [arn('inference-profile', '*'), foundation('*', '*'), arn('provisioned-model', '*')],
    };
  }
  const typed = literalArnType(modelId);
  if (typed) {
    switch (typed.type) {
      case 'inference-profile': return { create: routedModels(typed.id), invoke: [modelId, ...routedModels(typed.id)] };
      case 'provisioned-model': return { create: [], invoke: [modelId] };
      default: return { create: [modelId], invoke: [] };
    }
  }
  if (Token.isUnresolved(modelId)) return { create: [modelId], invoke: [] };
  if (PROFILE_ID.test(modelId)) return { create: routedModels(modelId), invoke: [arn('inference-profile', modelId), ...routedModels(modelId)] };
  return { create: [foundation(modelId)], invoke: [] };
}

/**
 * The resource type and id of a model ARN, read from its literal text (`formatArn` with deploy-time partition,
 * Region or account keeps the type literal); undefined when the type is not literal.
 */
function literalArnType(modelId: string): { type: string; id: string } | undefined {
  const m = /^arn:[^/]*:(foundation-model|inference-profile|custom-model|provisioned-model)\/(.+)$/.exec(modelId);
  return m ? { type: m[1], id: m[2] } : undefined;
}
