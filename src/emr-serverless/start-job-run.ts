import { Duration, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct, IConstruct } from 'constructs';
import { invalid } from '../private/errors';
import { isLiteral } from '../private/expressions';
import { managedRuleStatement, passRoleStatement } from '../private/iam';
import { readablePrefix, UNIQUE_SUFFIX_LENGTH, uniqueRuntimeName } from '../private/names';
import { TASK_BASE_PROPS } from '../private/task-props';
import { checkCount, checkDurationRange, checkHeartbeat, checkIntegerRange, checkLength, checkPattern, checkProps } from '../private/validation';
import { containsExpression } from '../private/values';
import { applicationArn, EMR_SERVERLESS_ID, EMR_SERVERLESS_JOB_RULE, EMR_SERVERLESS_PRINCIPAL as SERVICE_PRINCIPAL } from './private/arns';
import {
  checkClientToken, checkOptionalString, checkRequiredString, checkTagMap, checkText, isLiteralS3Uri, logEncryptionKeyArns,
  renderConfigurations, renderDiskEncryption, renderMonitoring, s3ObjectArn,
} from './private/configuration';
import { EmrServerlessTaskBase } from './private/task-base';

/** Options of {@link JobDriver.sparkSubmit}. */
export interface SparkSubmitJobDriverOptions {
  /**
   * The Spark application to run (1 to 256 characters): an `s3://` URI of a script or JAR, a path in the image
   * (`local:///usr/lib/spark/examples/jars/spark-examples.jar`), a JsonPath value (JSONPath states) or a JSONata
   * expression (JSONata states). The default execution role may read a literal `s3://` entry point.
   */
  readonly entryPoint: string;

  /**
   * Arguments passed to the entry point (each 1 to 10,280 characters, not blank).
   *
   * @default - none
   */
  readonly entryPointArguments?: string[];

  /**
   * `spark-submit` parameters, e.g. `--conf spark.executor.cores=2 --conf spark.executor.memory=4g` (1 to 102,400
   * characters).
   *
   * @default - none
   */
  readonly sparkSubmitParameters?: string;
}

/** Options of {@link JobDriver.hive}. */
export interface HiveJobDriverOptions {
  /**
   * The query file to run: an `s3://` URI, a JsonPath value or a JSONata expression. The default execution role may
   * read a literal `s3://` query file.
   */
  readonly query: string;

  /**
   * A file run before the query (1 to 256 characters, e.g. an `s3://` URI), e.g. to set variables. The default
   * execution role may read a literal `s3://` file.
   *
   * @default - none
   */
  readonly initQueryFile?: string;

  /**
   * Hive parameters, e.g. `--hiveconf hive.exec.scratchdir=s3://bucket/scratch` (1 to 102,400 characters).
   *
   * @default - none
   */
  readonly parameters?: string;
}

/**
 * What an EMR Serverless job run executes: a Spark application or a Hive query.
 *
 * @see https://docs.aws.amazon.com/emr-serverless/latest/APIReference/API_JobDriver.html
 */
export class JobDriver {
  /** A Spark application run with `spark-submit`. */
  public static sparkSubmit(options: SparkSubmitJobDriverOptions): JobDriver {
    return new JobDriver('SparkSubmit', options ?? {} as SparkSubmitJobDriverOptions);
  }

  /** A Hive query. */
  public static hive(options: HiveJobDriverOptions): JobDriver {
    return new JobDriver('Hive', options ?? {} as HiveJobDriverOptions);
  }

  private constructor(
    private readonly kind: 'SparkSubmit' | 'Hive',
    private readonly options: SparkSubmitJobDriverOptions | HiveJobDriverOptions,
  ) {}

  /**
   * Validates the driver, renders its request member and returns the literal `s3://` files the job reads.
   *
   * @internal
   */
  public _bind(scope: IConstruct): { request: Record<string, any>; reads: string[] } {
    // Bounds: https://docs.aws.amazon.com/emr-serverless/latest/APIReference/API_SparkSubmit.html and
    // https://docs.aws.amazon.com/emr-serverless/latest/APIReference/API_Hive.html. The entry point and the init query
    // file may be any path the job can read (`s3://`, or `local://` in a custom image): only their length and the
    // not-blank pattern are the API's rules.
    if (this.kind === 'SparkSubmit') {
      const o = this.options as SparkSubmitJobDriverOptions;
      checkRequiredString(scope, 'jobDriver.entryPoint', o.entryPoint);
      checkText(scope, 'jobDriver.entryPoint', o.entryPoint, 1, 256);
      if (o.entryPointArguments !== undefined && !Token.isUnresolved(o.entryPointArguments)) {
        if (!Array.isArray(o.entryPointArguments)) invalid(scope, 'jobDriver.entryPointArguments', 'a list of strings', o.entryPointArguments);
        o.entryPointArguments.forEach((a, i) => {
          checkOptionalString(scope, `jobDriver.entryPointArguments[${i}]`, a);
          checkText(scope, `jobDriver.entryPointArguments[${i}]`, a, 1, 10280);
        });
      }
      checkOptionalString(scope, 'jobDriver.sparkSubmitParameters', o.sparkSubmitParameters);
      checkText(scope, 'jobDriver.sparkSubmitParameters', o.sparkSubmitParameters, 1, 102400);
      return {
        request: {
          SparkSubmit: {
            EntryPoint: o.entryPoint,
            ...(o.entryPointArguments !== undefined ? { EntryPointArguments: o.entryPointArguments } : {}),
            ...(o.sparkSubmitParameters !== undefined ? { SparkSubmitParameters: o.sparkSubmitParameters } : {}),
          },
        },
        reads: [o.entryPoint].filter(isLiteralS3Uri),
      };
    }
    const o = this.options as HiveJobDriverOptions;
    checkRequiredString(scope, 'jobDriver.query', o.query);
    checkText(scope, 'jobDriver.query', o.query, 1, 10280);
    checkOptionalString(scope, 'jobDriver.initQueryFile', o.initQueryFile);
    checkOptionalString(scope, 'jobDriver.parameters', o.parameters);
    checkText(scope, 'jobDriver.initQueryFile', o.initQueryFile, 1, 256);
    checkText(scope, 'jobDriver.parameters', o.parameters, 1, 102400);
    return {
      request: {
        Hive: {
          Query: o.query,
          ...(o.initQueryFile !== undefined ? { InitQueryFile: o.initQueryFile } : {}),
          ...(o.parameters !== undefined ? { Parameters: o.parameters } : {}),
        },
      },
      reads: [o.query, o.initQueryFile].filter(isLiteralS3Uri),
    };
  }
}

/**
 * A configuration of the applications a job run uses (a classification such as `spark-defaults` and its
 * properties).
 *
 * @see https://docs.aws.amazon.com/emr-serverless/latest/APIReference/API_Configuration.html
 */
export interface EmrServerlessConfiguration {
  /** The classification, e.g. `spark-defaults`, `spark-env`, `hive-site`. */
  readonly classification: string;

  /**
   * The classification's properties (at most 100).
   *
   * @default - none
   */
  readonly properties?: { [key: string]: string };

  /**
   * Nested configurations (at most 100).
   *
   * @default - none
   */
  readonly configurations?: EmrServerlessConfiguration[];
}

/**
 * Where a job run sends its logs to Amazon CloudWatch Logs.
 *
 * @see https://docs.aws.amazon.com/emr-serverless/latest/APIReference/API_CloudWatchLoggingConfiguration.html
 */
export interface EmrServerlessCloudWatchLogging {
  /**
   * The log group (1 to 512 characters).
   *
   * @default - `/aws/emr-serverless`
   */
  readonly logGroupName?: string;

  /**
   * A prefix of the log stream names (1 to 512 characters).
   *
   * @default - none
   */
  readonly logStreamNamePrefix?: string;

  /**
   * The KMS key that encrypts the logs in CloudWatch Logs (a symmetric key, not an alias). On a job run, the state
   * machine role gets `kms:GenerateDataKey` and `kms:Decrypt` on it: EMR Serverless refuses a job run whose submitter
   * may not use the key (https://docs.aws.amazon.com/emr/latest/EMR-Serverless-UserGuide/jobs-log-encryption.html).
   * The key policy must also let CloudWatch Logs use it.
   *
   * @default - CloudWatch Logs' own encryption
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * Which logs of which workers go to CloudWatch Logs: 1 to 4 of `SPARK_DRIVER`, `SPARK_EXECUTOR`, `HIVE_DRIVER`,
   * `TEZ_TASK`, each with 1 to 5 of `STDOUT`, `STDERR`, `HIVE_LOG`, `TEZ_AM`, `SYSTEM_LOGS`, e.g.
   * `{ SPARK_DRIVER: ['STDOUT', 'STDERR'], SPARK_EXECUTOR: ['STDERR'] }`.
   *
   * @default - the driver's STDOUT and STDERR (EMR Serverless's default)
   */
  readonly logTypes?: { [workerType: string]: string[] };
}

/**
 * Where a job run's logs go.
 *
 * @see https://docs.aws.amazon.com/emr-serverless/latest/APIReference/API_MonitoringConfiguration.html
 */
export interface EmrServerlessMonitoring {
  /**
   * An `s3://` URI the job run writes its logs under. The default execution role may write there (a literal URI).
   *
   * @default - no S3 logs
   */
  readonly s3LogUri?: string;

  /**
   * Send the logs to CloudWatch Logs too. The execution role then needs `logs:` permissions on the log group: grant
   * them through `grantPrincipal`.
   *
   * @default - no CloudWatch logs
   */
  readonly cloudWatchLogs?: EmrServerlessCloudWatchLogging;

  /**
   * Whether EMR Serverless keeps the logs in managed storage (for the Spark UI after the job run ends).
   *
   * @default - the application's setting (enabled unless turned off)
   */
  readonly managedPersistence?: boolean;

  /**
   * The KMS key that encrypts the logs written under `s3LogUri` (a symmetric key, not an alias). On a job run, the
   * state machine role gets `kms:GenerateDataKey` and `kms:Decrypt` on it (EMR Serverless refuses a job run whose
   * submitter may not use the key); the execution role writes the logs: grant it the key through `grantPrincipal`.
   *
   * @see https://docs.aws.amazon.com/emr/latest/EMR-Serverless-UserGuide/jobs-log-encryption.html
   * @default - the bucket's default encryption
   */
  readonly s3EncryptionKey?: kms.IKey;

  /**
   * The KMS key that encrypts the logs kept in managed storage (a symmetric key, not an alias; not with
   * `managedPersistence: false`). On a job run, the state machine role gets `kms:GenerateDataKey` and `kms:Decrypt`
   * on it (EMR Serverless refuses a job run whose submitter may not use the key).
   *
   * @see https://docs.aws.amazon.com/emr/latest/EMR-Serverless-UserGuide/jobs-log-encryption.html
   * @default - an AWS owned key
   */
  readonly managedPersistenceEncryptionKey?: kms.IKey;

  /**
   * Send the job runs' metrics to Amazon Managed Service for Prometheus: the workspace's remote write URL,
   * `https://aps-workspaces.<region>.amazonaws.com/workspaces/<workspace id>/api/v1/remote_write` (1 to 10,280
   * characters). The execution role writes the metrics (`aps:RemoteWrite`): grant it through `grantPrincipal`.
   *
   * @see https://docs.aws.amazon.com/emr-serverless/latest/APIReference/API_PrometheusMonitoringConfiguration.html
   * @default - no Prometheus metrics
   */
  readonly prometheusRemoteWriteUrl?: string;
}

/**
 * Encryption of the workers' local disks with your own KMS key (instead of a service-owned key).
 *
 * IAM: neither the EMR Serverless API reference nor its disk encryption guide documents a permission the caller needs
 * on the key, so the state machine role gets none; the key policy decides who may use the key.
 *
 * @see https://docs.aws.amazon.com/emr-serverless/latest/APIReference/API_DiskEncryptionConfiguration.html
 * @see https://docs.aws.amazon.com/emr/latest/EMR-Serverless-UserGuide/disk-encryption-cmk.html
 */
export interface EmrServerlessDiskEncryption {
  /** The KMS key (a symmetric encryption key; an alias is refused, the API takes key ARNs). */
  readonly key: kms.IKey;

  /**
   * An encryption context (at most 8 entries; keys 1 to 128 characters, values 1 to 384). It appears in plain text in
   * CloudTrail: no secrets.
   *
   * @default - none
   */
  readonly encryptionContext?: { [key: string]: string };
}

/**
 * Overrides of the application's configuration for one job run.
 *
 * @see https://docs.aws.amazon.com/emr-serverless/latest/APIReference/API_ConfigurationOverrides.html
 */
export interface EmrServerlessConfigurationOverrides {
  /**
   * Application configurations (at most 100).
   *
   * @default - the application's
   */
  readonly applicationConfiguration?: EmrServerlessConfiguration[];

  /**
   * Where the job run's logs go.
   *
   * @default - the application's monitoring configuration
   */
  readonly monitoring?: EmrServerlessMonitoring;

  /**
   * Encrypt the workers' local disks of this job run with your own KMS key.
   *
   * @default - the application's disk encryption
   */
  readonly diskEncryption?: EmrServerlessDiskEncryption;
}

/**
 * How a job run runs: a batch job that ends, or a streaming job that runs until cancelled.
 *
 * @see https://docs.aws.amazon.com/emr-serverless/latest/APIReference/API_StartJobRun.html (mode: BATCH | STREAMING)
 */
export class EmrServerlessJobRunMode {
  /** A batch job run (EMR Serverless's default): runs to the end; `retryPolicy.maxAttempts` applies. */
  public static readonly BATCH = new EmrServerlessJobRunMode('BATCH');

  /**
   * A streaming job run: runs until cancelled (with `.sync` the state waits until then); EMR Serverless restarts it
   * on failure, `retryPolicy.maxFailedAttemptsPerHour` times an hour at most.
   */
  public static readonly STREAMING = new EmrServerlessJobRunMode('STREAMING');

  /**
   * A mode given as text: a JsonPath value (JSONPath states), a JSONata expression (JSONata states), or a mode newer
   * than this library (upper-case letters and underscores).
   */
  public static of(value: string): EmrServerlessJobRunMode {
    return new EmrServerlessJobRunMode(value);
  }

  /** @param value the mode as the API takes it */
  private constructor(public readonly value: string) {}
}

/**
 * How EMR Serverless itself reruns a failed job run (EMR 7.1.0 and later).
 *
 * @see https://docs.aws.amazon.com/emr-serverless/latest/APIReference/API_RetryPolicy.html
 * @see https://docs.aws.amazon.com/emr/latest/EMR-Serverless-UserGuide/jobs-resiliency.html
 */
export interface EmrServerlessRetryPolicy {
  /**
   * BATCH job runs: how many times the job run may be attempted in all (1 to 10; 1 means no rerun). Not allowed in
   * STREAMING mode.
   *
   * @default - EMR Serverless's default (1: a failed batch job run is not rerun)
   */
  readonly maxAttempts?: number;

  /**
   * STREAMING job runs: how many failed attempts an hour EMR Serverless tolerates before it stops restarting the job
   * run (1 to 10). Only with `mode: EmrServerlessJobRunMode.STREAMING`.
   *
   * @default - EMR Serverless's default (5)
   */
  readonly maxFailedAttemptsPerHour?: number;
}

/**
 * A policy that narrows what the job run may do: the job run's permissions are the intersection of its execution
 * role's policies and these. Needs nothing more of the state machine role.
 *
 * @see https://docs.aws.amazon.com/emr-serverless/latest/APIReference/API_JobRunExecutionIamPolicy.html
 * @see https://docs.aws.amazon.com/emr/latest/EMR-Serverless-UserGuide/jobs-cli-execution.html
 */
export interface EmrServerlessExecutionIamPolicy {
  /**
   * An inline policy (at most 2,048 characters as JSON; sent as text, so it cannot hold JsonPath or JSONata).
   *
   * @default - no inline policy
   */
  readonly policy?: iam.PolicyDocument;

  /**
   * Managed policies (at most 10), e.g. `iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonS3ReadOnlyAccess')`.
   *
   * @default - no managed policies
   */
  readonly managedPolicies?: iam.IManagedPolicy[];
}

/** The task's own fields; see the three exported props below. */
interface EmrServerlessStartJobRunOptions {
  /**
   * The EMR Serverless application that runs the job: a literal id (IAM is scoped to it), a deploy-time value
   * (`cfnApplication.attrApplicationId`), a JsonPath value (JSONPath states) or a JSONata expression (JSONata
   * states; IAM then covers the applications of the account and Region, or those with the expression's literal
   * prefix).
   */
  readonly applicationId: string;

  /** What the job run executes: `JobDriver.sparkSubmit({...})` or `JobDriver.hive({...})`. */
  readonly jobDriver: JobDriver;

  /**
   * The role the job run assumes. The state machine role may pass it to `emr-serverless.amazonaws.com` only.
   *
   * @default - a role trusted by `emr-serverless.amazonaws.com` that may read a literal `s3://` entry point (or
   * Hive query files) and write under a literal S3 log URI, nothing more: grant the rest through `grantPrincipal`
   */
  readonly executionRole?: iam.IRole;

  /**
   * Overrides of the application's configuration for this job run.
   *
   * @default - the application's configuration
   */
  readonly configurationOverrides?: EmrServerlessConfigurationOverrides;

  /**
   * The job run's name (1 to 256 characters): a literal, a JsonPath value or a JSONata expression.
   *
   * @default - `<construct id>-<uuid>`, generated per execution at run time
   */
  readonly jobRunName?: string;

  /**
   * How long the job run may run before EMR Serverless cancels it, in whole minutes (up to 1,000,000 minutes).
   *
   * @default - EMR Serverless's default (12 hours)
   */
  readonly executionTimeout?: Duration;

  /**
   * Tags of the job run (at most 200; keys 1 to 128 characters, values up to 256, of letters, digits, spaces and
   * `/_.:=+@-`).
   *
   * @default - none
   */
  readonly tags?: { [key: string]: string };

  /**
   * Whether the job run is a batch or a streaming job.
   *
   * @default - EMR Serverless's default (`BATCH`)
   */
  readonly mode?: EmrServerlessJobRunMode;

  /**
   * How EMR Serverless reruns the job run when it fails (before Step Functions sees a failure).
   *
   * @default - EMR Serverless's default (batch job runs are not rerun)
   */
  readonly retryPolicy?: EmrServerlessRetryPolicy;

  /**
   * A policy that narrows the execution role's permissions for this job run.
   *
   * @default - the execution role's permissions
   */
  readonly executionIamPolicy?: EmrServerlessExecutionIamPolicy;

  /**
   * The idempotency token of the start (1 to 64 characters of letters, digits and `._-`): EMR Serverless starts one
   * job run per token and returns that job run again for a repeated token. Give a value derived from the execution
   * (`States.Format('{}-etl', $$.Execution.Name)`, `{% $states.context.Execution.Name & '-etl' %}`) so that a
   * retried start whose first answer was lost does not start a second job run; add the attempt
   * (`$$.State.RetryCount`) if retrying a failed `.sync` job run should start a new one, since the same token returns
   * the failed job run.
   *
   * @see https://docs.aws.amazon.com/emr-serverless/latest/APIReference/API_StartJobRun.html
   * @default - none sent: the API marks the token required and idempotent, and the integration fills it for each call
   */
  readonly clientToken?: string;
}

/** Properties of `EmrServerlessStartJobRun.jsonPath()`. */
export interface EmrServerlessStartJobRunJsonPathProps extends sfn.TaskStateJsonPathBaseProps, EmrServerlessStartJobRunOptions {}

/** Properties of `EmrServerlessStartJobRun.jsonata()`. */
export interface EmrServerlessStartJobRunJsonataProps extends sfn.TaskStateJsonataBaseProps, EmrServerlessStartJobRunOptions {}

/** Properties of `EmrServerlessStartJobRun`. */
export interface EmrServerlessStartJobRunProps extends sfn.TaskStateBaseProps, EmrServerlessStartJobRunOptions {}

const MAX_NAME_LENGTH = 256;

/**
 * Runs a job on an EMR Serverless application from Step Functions: by default with `.sync` (the state waits until
 * the job run succeeds, fails or is cancelled; stopping the execution cancels the job run), or `REQUEST_RESPONSE`
 * (the state ends as soon as the job run is started).
 *
 * What the state returns:
 * - `RUN_JOB` (`.sync`): the `GetJobRun` response of the finished job run, `{ JobRun: { ApplicationId, JobRunId,
 *   Arn, Name, State: 'SUCCESS', StateDetails, ... } }`. A job run that ends `FAILED` or `CANCELLED` fails the
 *   state with `States.TaskFailed`, the job run in `Cause` (as a JSON string).
 * - `REQUEST_RESPONSE`: the `StartJobRun` response, `{ ApplicationId, JobRunId, Arn }`.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/connect-emr-serverless.html
 * @see https://docs.aws.amazon.com/emr-serverless/latest/APIReference/API_StartJobRun.html
 */
export class EmrServerlessStartJobRun extends EmrServerlessTaskBase implements iam.IGrantable {
  /** A task that uses JSONPath. */
  public static jsonPath(scope: Construct, id: string, props: EmrServerlessStartJobRunJsonPathProps): EmrServerlessStartJobRun {
    return new EmrServerlessStartJobRun(scope, id, props);
  }

  /** A task that uses JSONata. */
  public static jsonata(scope: Construct, id: string, props: EmrServerlessStartJobRunJsonataProps): EmrServerlessStartJobRun {
    return new EmrServerlessStartJobRun(scope, id, { ...props, queryLanguage: sfn.QueryLanguage.JSONATA });
  }

  /** The role the job run assumes. */
  public readonly executionRole: iam.IRole;

  /** The execution role: grant it what the job reads and writes. */
  public readonly grantPrincipal: iam.IPrincipal;

  private readonly props: EmrServerlessStartJobRunProps;
  private readonly request: Record<string, any>;
  private readonly namePrefix?: string;

  constructor(scope: Construct, id: string, props: EmrServerlessStartJobRunProps) {
    super(scope, id, checkProps(scope, id, props, START_JOB_RUN_PROPS), 'startJobRun', sfn.IntegrationPattern.RUN_JOB);
    checkHeartbeat(this, props);
    this.props = props;

    checkLength(this, 'applicationId', props.applicationId, 1, 64);
    checkPattern(this, 'applicationId', props.applicationId, EMR_SERVERLESS_ID, `lower-case letters and digits (${EMR_SERVERLESS_ID.source})`);
    // Bounds: https://docs.aws.amazon.com/emr-serverless/latest/APIReference/API_StartJobRun.html
    checkText(this, 'jobRunName', props.jobRunName, 1, MAX_NAME_LENGTH);
    if (props.executionTimeout) {
      checkDurationRange(this, 'executionTimeout', props.executionTimeout, Duration.minutes(0), Duration.minutes(1_000_000));
      if (!props.executionTimeout.isUnresolved() && !Number.isInteger(props.executionTimeout.toMinutes({ integral: false }))) {
        invalid(this, 'executionTimeout', 'a whole number of minutes', props.executionTimeout);
      }
    }
    checkTagMap(this, props.tags);
    checkClientToken(this, props.clientToken);
    const overrides = renderOverrides(this, props.configurationOverrides);
    if (props.mode !== undefined) {
      if (typeof (props.mode as any).value !== 'string') invalid(this, 'mode', 'an EmrServerlessJobRunMode (EmrServerlessJobRunMode.BATCH or STREAMING)', props.mode);
      checkPattern(this, 'mode', props.mode.value, /^[A-Z][A-Z_]*$/, 'EmrServerlessJobRunMode.BATCH, STREAMING or upper-case letters and underscores');
    }
    const retryPolicy = renderRetryPolicy(this, props.retryPolicy, props.mode);
    const executionIamPolicy = renderExecutionIamPolicy(this, props.executionIamPolicy);

    if (typeof (props.jobDriver as any)._bind !== 'function') {
      invalid(this, 'jobDriver', 'a JobDriver (JobDriver.sparkSubmit({...}) or JobDriver.hive({...}))', props.jobDriver);
    }
    const driver = props.jobDriver._bind(this);
    this.executionRole = props.executionRole ?? new iam.Role(this, 'ExecutionRole', {
      assumedBy: new iam.ServicePrincipal(SERVICE_PRINCIPAL),
      description: `EMR Serverless job runs of ${this.node.path}`,
    });
    this.grantPrincipal = this.executionRole;
    if (!props.executionRole) {
      const reads = driver.reads.map(s3ObjectArn);
      if (reads.length > 0) {
        this.executionRole.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: reads }));
      }
      const logUri = props.configurationOverrides?.monitoring?.s3LogUri;
      if (isLiteralS3Uri(logUri)) {
        this.executionRole.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:PutObject'], resources: [`${s3ObjectArn(logUri.replace(/\/*$/, '/'))}*`] }));
      }
    }

    if (props.jobRunName === undefined) this.namePrefix = readablePrefix(this, MAX_NAME_LENGTH - UNIQUE_SUFFIX_LENGTH, 'job-run');
    this.request = {
      ApplicationId: props.applicationId,
      ExecutionRoleArn: this.executionRole.roleArn,
      JobDriver: driver.request,
      ...(overrides ? { ConfigurationOverrides: overrides } : {}),
      ...(props.executionTimeout ? { ExecutionTimeoutMinutes: props.executionTimeout.toMinutes() } : {}),
      ...(props.tags && Object.keys(props.tags).length > 0 ? { Tags: props.tags } : {}),
      ...(props.mode !== undefined ? { Mode: props.mode.value } : {}),
      ...(retryPolicy ? { RetryPolicy: retryPolicy } : {}),
      ...(executionIamPolicy ? { ExecutionIamPolicy: executionIamPolicy } : {}),
      ...(props.clientToken !== undefined ? { ClientToken: props.clientToken } : {}),
    };
    this._setPolicies(this.createPolicyStatements());
  }

  /** @internal */
  protected _request(queryLanguage: sfn.QueryLanguage): Record<string, any> {
    const name = this.namePrefix !== undefined ? uniqueRuntimeName(this.namePrefix, queryLanguage) : this.props.jobRunName;
    return { ...this.request, Name: name };
  }

  /**
   * As Step Functions' "IAM policies for Amazon EMR Serverless" shows for StartJobRun: `StartJobRun` on the
   * application; for `.sync` also `GetJobRun` and `CancelJobRun` on its job runs and the managed rule; `iam:PassRole`
   * on the execution role to EMR Serverless only. The application ARN is exact for a literal or deploy-time id, and
   * `/applications/<literal prefix>*` for a run-time one (the guide's dynamic-resources policy).
   */
  private createPolicyStatements(): iam.PolicyStatement[] {
    const application = applicationArn(this, this.props.applicationId);
    const statements = [new iam.PolicyStatement({ actions: ['emr-serverless:StartJobRun'], resources: [application] })];
    if (this._integrationPattern === sfn.IntegrationPattern.RUN_JOB) {
      statements.push(
        new iam.PolicyStatement({ actions: ['emr-serverless:GetJobRun', 'emr-serverless:CancelJobRun'], resources: [`${application}/jobruns/*`] }),
        managedRuleStatement(this, EMR_SERVERLESS_JOB_RULE),
      );
    }
    statements.push(passRoleStatement([this.executionRole], SERVICE_PRINCIPAL));
    // Log encryption keys: "the user who submits the job ... must have permissions to use the key"
    // (kms:GenerateDataKey, kms:Decrypt), or EMR Serverless refuses the job run
    // (https://docs.aws.amazon.com/emr/latest/EMR-Serverless-UserGuide/jobs-log-encryption.html). The disk encryption
    // key gets nothing: no caller permission is documented for it (disk-encryption-cmk.html).
    const logKeys = logEncryptionKeyArns(this.props.configurationOverrides?.monitoring);
    if (logKeys.length > 0) {
      statements.push(new iam.PolicyStatement({ actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: logKeys }));
    }
    return statements;
  }
}

function renderOverrides(scope: IConstruct, overrides: EmrServerlessConfigurationOverrides | undefined): Record<string, any> | undefined {
  if (!overrides) return undefined;
  const out: Record<string, any> = {};
  if (overrides.applicationConfiguration !== undefined) {
    out.ApplicationConfiguration = renderConfigurations(scope, 'configurationOverrides.applicationConfiguration', overrides.applicationConfiguration);
  }
  const monitoring = renderMonitoring(scope, 'configurationOverrides.monitoring', overrides.monitoring);
  if (monitoring) out.MonitoringConfiguration = monitoring;
  const disk = renderDiskEncryption(scope, 'configurationOverrides.diskEncryption', overrides.diskEncryption);
  if (disk) out.DiskEncryptionConfiguration = disk;
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * `RetryPolicy`: each bound 1 to 10 (the API gives a minimum of 1; the user guide caps batch attempts at 10 and
 * streaming failed attempts per hour between 1 and 10); `maxAttempts` only for BATCH, `maxFailedAttemptsPerHour`
 * only for STREAMING, checked when the mode is literal.
 *
 * @see https://docs.aws.amazon.com/emr-serverless/latest/APIReference/API_RetryPolicy.html
 * @see https://docs.aws.amazon.com/emr/latest/EMR-Serverless-UserGuide/jobs-resiliency.html
 */
function renderRetryPolicy(
  scope: IConstruct, policy: EmrServerlessRetryPolicy | undefined, mode: EmrServerlessJobRunMode | undefined,
): Record<string, any> | undefined {
  if (policy === undefined) return undefined;
  checkIntegerRange(scope, 'retryPolicy.maxAttempts', policy.maxAttempts, 1, 10);
  checkIntegerRange(scope, 'retryPolicy.maxFailedAttemptsPerHour', policy.maxFailedAttemptsPerHour, 1, 10);
  const literalMode = mode !== undefined && isLiteral(mode.value) ? mode.value : undefined;
  if (policy.maxAttempts !== undefined && literalMode === 'STREAMING') {
    invalid(scope, 'retryPolicy.maxAttempts', 'left out in STREAMING mode (it applies to BATCH job runs; use maxFailedAttemptsPerHour)', policy.maxAttempts);
  }
  if (policy.maxFailedAttemptsPerHour !== undefined && literalMode !== 'STREAMING') {
    invalid(scope, 'retryPolicy.maxFailedAttemptsPerHour', 'left out unless mode is EmrServerlessJobRunMode.STREAMING (it applies to streaming job runs; use maxAttempts)', policy.maxFailedAttemptsPerHour);
  }
  const out = {
    ...(policy.maxAttempts !== undefined ? { MaxAttempts: policy.maxAttempts } : {}),
    ...(policy.maxFailedAttemptsPerHour !== undefined ? { MaxFailedAttemptsPerHour: policy.maxFailedAttemptsPerHour } : {}),
  };
  if (Object.keys(out).length === 0) invalid(scope, 'retryPolicy', 'given with maxAttempts or maxFailedAttemptsPerHour', policy);
  return out;
}

/**
 * `ExecutionIamPolicy`: the inline policy as a JSON string of 1 to 2048 characters, and at most 10 managed policy
 * ARNs (each 20 to 2048 characters). The policy is sent as text: it must not hold JsonPath or JSONata (Step Functions
 * would not evaluate them inside a string).
 *
 * @see https://docs.aws.amazon.com/emr-serverless/latest/APIReference/API_JobRunExecutionIamPolicy.html
 * @see https://docs.aws.amazon.com/emr/latest/EMR-Serverless-UserGuide/jobs-cli-execution.html
 */
function renderExecutionIamPolicy(scope: IConstruct, policy: EmrServerlessExecutionIamPolicy | undefined): Record<string, any> | undefined {
  if (policy === undefined) return undefined;
  const out: Record<string, any> = {};
  if (policy.policy !== undefined) {
    if (typeof (policy.policy as any).toJSON !== 'function' || typeof (policy.policy as any).addStatements !== 'function') {
      invalid(scope, 'executionIamPolicy.policy', 'an iam.PolicyDocument', policy.policy);
    }
    if (policy.policy.isEmpty) invalid(scope, 'executionIamPolicy.policy', 'a policy document with at least one statement', 'an empty document');
    const errors = policy.policy.validateForIdentityPolicy();
    if (errors.length > 0) invalid(scope, 'executionIamPolicy.policy', 'a valid identity policy', errors.join('; '));
    const json = Stack.of(scope).resolve(policy.policy);
    walkStrings(json, (text) => {
      if (containsExpression(text) || /\$\.|\$\$\./.test(text) || sfn.JsonPath.isEncodedJsonPath(text)) {
        invalid(scope, 'executionIamPolicy.policy', 'free of JsonPath and JSONata (the policy is sent as text, never evaluated)', text);
      }
    });
    // The length of the JSON text when no deploy-time value is inside (a token's text is only known at deployment).
    const literalText = JSON.stringify(policy.policy.toJSON());
    if (!Token.isUnresolved(literalText)) checkLength(scope, 'executionIamPolicy.policy', literalText, 1, 2048);
    out.Policy = Stack.of(scope).toJsonString(json);
  }
  if (policy.managedPolicies !== undefined) {
    if (!Array.isArray(policy.managedPolicies)) invalid(scope, 'executionIamPolicy.managedPolicies', 'a list of iam.IManagedPolicy', policy.managedPolicies);
    checkCount(scope, 'executionIamPolicy.managedPolicies', policy.managedPolicies, 0, 10);
    out.PolicyArns = policy.managedPolicies.map((m, i) => {
      if (typeof m !== 'object' || m === null || typeof m.managedPolicyArn !== 'string') {
        invalid(scope, `executionIamPolicy.managedPolicies[${i}]`, 'an iam.IManagedPolicy (iam.ManagedPolicy.fromAwsManagedPolicyName(...), ...)', m);
      }
      checkLength(scope, `executionIamPolicy.managedPolicies[${i}]`, m.managedPolicyArn, 20, 2048);
      return m.managedPolicyArn;
    });
  }
  if (Object.keys(out).length === 0) invalid(scope, 'executionIamPolicy', 'given with policy or managedPolicies', policy);
  return out;
}

function walkStrings(value: unknown, visit: (text: string) => void): void {
  if (typeof value === 'string') visit(value);
  else if (Array.isArray(value)) value.forEach((v) => walkStrings(v, visit));
  else if (value !== null && typeof value === 'object') Object.values(value).forEach((v) => walkStrings(v, visit));
}

/** The kinds of the props (see `checkProps`). */
const START_JOB_RUN_PROPS: Record<string, string> = {
  ...TASK_BASE_PROPS,
  'applicationId': 'string',
  'jobDriver': 'instance',
  'executionRole': 'role?',
  'configurationOverrides': 'object?',
  'configurationOverrides.monitoring': 'object?',
  'configurationOverrides.monitoring.s3LogUri': 'string?',
  'configurationOverrides.monitoring.cloudWatchLogs': 'object?',
  'configurationOverrides.monitoring.cloudWatchLogs.logGroupName': 'string?',
  'configurationOverrides.monitoring.cloudWatchLogs.logStreamNamePrefix': 'string?',
  'configurationOverrides.applicationConfiguration': 'instance[]?',
  'configurationOverrides.applicationConfiguration[].classification': 'string',
  'configurationOverrides.applicationConfiguration[].properties': '{string}?',
  'configurationOverrides.applicationConfiguration[].configurations': 'instance[]?',
  'configurationOverrides.monitoring.managedPersistence': 'boolean?',
  'configurationOverrides.monitoring.s3EncryptionKey': 'key?',
  'configurationOverrides.monitoring.managedPersistenceEncryptionKey': 'key?',
  'configurationOverrides.monitoring.prometheusRemoteWriteUrl': 'string?',
  'configurationOverrides.monitoring.cloudWatchLogs.encryptionKey': 'key?',
  'configurationOverrides.monitoring.cloudWatchLogs.logTypes': '{array}?',
  'configurationOverrides.diskEncryption': 'object?',
  'configurationOverrides.diskEncryption.key': 'key',
  'configurationOverrides.diskEncryption.encryptionContext': '{string}?',
  'clientToken': 'string?',
  'jobRunName': 'string?',
  'executionTimeout': 'duration?',
  'tags': '{string}?',
  'mode': 'instance?',
  'retryPolicy': 'object?',
  'retryPolicy.maxAttempts': 'number?',
  'retryPolicy.maxFailedAttemptsPerHour': 'number?',
  'executionIamPolicy': 'object?',
  'executionIamPolicy.policy': 'instance?',
  'executionIamPolicy.managedPolicies': 'instance[]?',
};
