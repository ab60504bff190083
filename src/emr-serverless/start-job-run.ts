import { Aws, Duration, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct, IConstruct } from 'constructs';
import { invalid } from '../private/errors';
import { isDynamic, isLiteral } from '../private/expressions';
import { managedRuleStatement, passRoleStatement } from '../private/iam';
import { escapeIamName, readablePrefix, UNIQUE_SUFFIX_LENGTH, uniqueRuntimeName } from '../private/names';
import { TASK_BASE_PROPS } from '../private/task-props';
import { checkCount, checkDurationRange, checkHeartbeat, checkLength, checkPattern, checkProps } from '../private/validation';
import { containsExpression, containsJsonPath } from '../private/values';
import { applicationArn, EMR_SERVERLESS_ID, EMR_SERVERLESS_JOB_RULE, EMR_SERVERLESS_PRINCIPAL as SERVICE_PRINCIPAL } from './private/arns';
import { EmrServerlessTaskBase } from './private/task-base';

/** Options of {@link JobDriver.sparkSubmit}. */
export interface SparkSubmitJobDriverOptions {
  /**
   * The Spark application to run: an `s3://` URI of a script or JAR, a JsonPath value (JSONPath states) or a JSONata
   * expression (JSONata states). The default execution role may read a literal `s3://` entry point.
   */
  readonly entryPoint: string;

  /**
   * Arguments passed to the entry point.
   *
   * @default - none
   */
  readonly entryPointArguments?: string[];

  /**
   * `spark-submit` parameters, e.g. `--conf spark.executor.cores=2 --conf spark.executor.memory=4g`.
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
   * A file run before the query (an `s3://` URI), e.g. to set variables.
   *
   * @default - none
   */
  readonly initQueryFile?: string;

  /**
   * Hive parameters, e.g. `--hiveconf hive.exec.scratchdir=s3://bucket/scratch`.
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
    if (this.kind === 'SparkSubmit') {
      const o = this.options as SparkSubmitJobDriverOptions;
      checkRequiredString(scope, 'jobDriver.entryPoint', o.entryPoint);
      checkLength(scope, 'jobDriver.entryPoint', o.entryPoint, 1, 256);
      checkPattern(scope, 'jobDriver.entryPoint', o.entryPoint, NOT_BLANK, 'not blank');
      checkS3UriIfLiteral(scope, 'jobDriver.entryPoint', o.entryPoint);
      if (o.entryPointArguments !== undefined && !Token.isUnresolved(o.entryPointArguments)) {
        if (!Array.isArray(o.entryPointArguments)) invalid(scope, 'jobDriver.entryPointArguments', 'a list of strings', o.entryPointArguments);
        o.entryPointArguments.forEach((a, i) => {
          checkOptionalString(scope, `jobDriver.entryPointArguments[${i}]`, a);
          checkLength(scope, `jobDriver.entryPointArguments[${i}]`, a, 1, 10280);
        });
      }
      checkOptionalString(scope, 'jobDriver.sparkSubmitParameters', o.sparkSubmitParameters);
      checkLength(scope, 'jobDriver.sparkSubmitParameters', o.sparkSubmitParameters, 1, 102400);
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
    checkLength(scope, 'jobDriver.query', o.query, 1, 10280);
    checkPattern(scope, 'jobDriver.query', o.query, NOT_BLANK, 'not blank');
    checkOptionalString(scope, 'jobDriver.initQueryFile', o.initQueryFile);
    checkOptionalString(scope, 'jobDriver.parameters', o.parameters);
    checkLength(scope, 'jobDriver.initQueryFile', o.initQueryFile, 1, 256);
    checkPattern(scope, 'jobDriver.initQueryFile', o.initQueryFile, NOT_BLANK, 'not blank');
    checkS3UriIfLiteral(scope, 'jobDriver.initQueryFile', o.initQueryFile);
    checkLength(scope, 'jobDriver.parameters', o.parameters, 1, 102400);
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
   * Tags of the job run (at most 200).
   *
   * @default - none
   */
  readonly tags?: { [key: string]: string };
}

/** Properties of `EmrServerlessStartJobRun.jsonPath()`. */
export interface EmrServerlessStartJobRunJsonPathProps extends sfn.TaskStateJsonPathBaseProps, EmrServerlessStartJobRunOptions {}

/** Properties of `EmrServerlessStartJobRun.jsonata()`. */
export interface EmrServerlessStartJobRunJsonataProps extends sfn.TaskStateJsonataBaseProps, EmrServerlessStartJobRunOptions {}

/** Properties of `EmrServerlessStartJobRun`. */
export interface EmrServerlessStartJobRunProps extends sfn.TaskStateBaseProps, EmrServerlessStartJobRunOptions {}

const NOT_BLANK = /\S/;
const MAX_NAME_LENGTH = 256;
const S3_URI = /^s3:\/\/([^/]+)\/(.*)$/;

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
    checkLength(this, 'jobRunName', props.jobRunName, 1, MAX_NAME_LENGTH);
    checkPattern(this, 'jobRunName', props.jobRunName, NOT_BLANK, 'not blank');
    if (props.executionTimeout) {
      checkDurationRange(this, 'executionTimeout', props.executionTimeout, Duration.minutes(0), Duration.minutes(1_000_000));
      if (!props.executionTimeout.isUnresolved() && !Number.isInteger(props.executionTimeout.toMinutes({ integral: false }))) {
        invalid(this, 'executionTimeout', 'a whole number of minutes', props.executionTimeout);
      }
    }
    checkTagMap(this, props.tags);
    const overrides = renderOverrides(this, props.configurationOverrides);

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
    return statements;
  }
}

function checkRequiredString(scope: IConstruct, prop: string, value: unknown): void {
  if (typeof value !== 'string') invalid(scope, prop, 'a string (required)', value);
}

function checkOptionalString(scope: IConstruct, prop: string, value: unknown): void {
  if (value !== undefined && typeof value !== 'string') invalid(scope, prop, 'a string', value);
}

/** An `s3://` URI known at synth or deploy time (a bucket token is fine; JSONPath and JSONata are not). */
function isLiteralS3Uri(value: string | undefined): value is string {
  return typeof value === 'string' && !containsExpression(value) && !containsJsonPath(value) && S3_URI.test(value);
}

function checkS3UriIfLiteral(scope: IConstruct, prop: string, value: string | undefined): void {
  if (value === undefined || isDynamic(value)) return;
  if (!S3_URI.test(value)) invalid(scope, prop, 'an s3:// URI (s3://bucket/key)', value);
}

/** `arn:<partition>:s3:::<bucket>/<key>` of an `s3://bucket/key` (IAM's special characters escaped, tokens kept). */
function s3ObjectArn(uri: string): string {
  const [, bucket, key] = S3_URI.exec(uri)!;
  return `arn:${Aws.PARTITION}:s3:::${escapeIamName(bucket)}/${escapeIamName(key)}`;
}

function checkTagMap(scope: IConstruct, tags: { [key: string]: string } | undefined): void {
  if (!tags || Token.isUnresolved(tags)) return;
  const entries = Object.entries(tags);
  if (entries.length > 200) invalid(scope, 'tags', 'at most 200 tags', `${entries.length} tags`);
  for (const [key, value] of entries) {
    checkLength(scope, `tags key ${JSON.stringify(key)}`, key, 1, 128);
    if (isLiteral(key) && key.toLowerCase().startsWith('aws:')) invalid(scope, `tags key ${JSON.stringify(key)}`, 'a key not starting with "aws:" (reserved)', key);
    checkLength(scope, `tags.${key}`, value, 0, 256);
  }
}

function renderOverrides(scope: IConstruct, overrides: EmrServerlessConfigurationOverrides | undefined): Record<string, any> | undefined {
  if (!overrides) return undefined;
  const out: Record<string, any> = {};
  if (overrides.applicationConfiguration !== undefined) {
    out.ApplicationConfiguration = renderConfigurations(scope, 'configurationOverrides.applicationConfiguration', overrides.applicationConfiguration);
  }
  const m = overrides.monitoring;
  if (m) {
    const monitoring: Record<string, any> = {};
    if (m.s3LogUri !== undefined) {
      checkLength(scope, 'configurationOverrides.monitoring.s3LogUri', m.s3LogUri, 1, 10280);
      checkS3UriIfLiteral(scope, 'configurationOverrides.monitoring.s3LogUri', m.s3LogUri);
      monitoring.S3MonitoringConfiguration = { LogUri: m.s3LogUri };
    }
    if (m.cloudWatchLogs !== undefined) {
      checkLength(scope, 'configurationOverrides.monitoring.cloudWatchLogs.logGroupName', m.cloudWatchLogs.logGroupName, 1, 512);
      checkLength(scope, 'configurationOverrides.monitoring.cloudWatchLogs.logStreamNamePrefix', m.cloudWatchLogs.logStreamNamePrefix, 1, 512);
      monitoring.CloudWatchLoggingConfiguration = {
        Enabled: true,
        ...(m.cloudWatchLogs.logGroupName !== undefined ? { LogGroupName: m.cloudWatchLogs.logGroupName } : {}),
        ...(m.cloudWatchLogs.logStreamNamePrefix !== undefined ? { LogStreamNamePrefix: m.cloudWatchLogs.logStreamNamePrefix } : {}),
      };
    }
    if (m.managedPersistence !== undefined) {
      monitoring.ManagedPersistenceMonitoringConfiguration = { Enabled: m.managedPersistence };
    }
    if (Object.keys(monitoring).length > 0) out.MonitoringConfiguration = monitoring;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function renderConfigurations(scope: IConstruct, prop: string, configurations: EmrServerlessConfiguration[]): any[] {
  if (!Array.isArray(configurations)) invalid(scope, prop, 'a list of configurations', configurations);
  checkCount(scope, prop, configurations, 0, 100);
  return configurations.map((c, i) => {
    const at = `${prop}[${i}]`;
    if (typeof c !== 'object' || c === null) invalid(scope, at, 'a configuration ({ classification, properties?, configurations? })', c);
    checkRequiredString(scope, `${at}.classification`, c.classification);
    checkLength(scope, `${at}.classification`, c.classification, 1, 1024);
    checkPattern(scope, `${at}.classification`, c.classification, NOT_BLANK, 'not blank');
    if (c.properties !== undefined && !Token.isUnresolved(c.properties)) {
      const entries = Object.entries(c.properties);
      if (entries.length > 100) invalid(scope, `${at}.properties`, 'at most 100 properties', `${entries.length} properties`);
      for (const [key, value] of entries) {
        checkLength(scope, `${at}.properties key ${JSON.stringify(key)}`, key, 1, 1024);
        checkLength(scope, `${at}.properties.${key}`, value, 0, 1024);
      }
    }
    return {
      Classification: c.classification,
      ...(c.properties !== undefined ? { Properties: c.properties } : {}),
      ...(c.configurations !== undefined ? { Configurations: renderConfigurations(scope, `${at}.configurations`, c.configurations) } : {}),
    };
  });
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
  'jobRunName': 'string?',
  'executionTimeout': 'duration?',
  'tags': '{string}?',
};
