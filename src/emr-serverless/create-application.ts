import { Aws, Duration, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { invalid } from '../private/errors';
import { isLiteral } from '../private/expressions';
import { managedRuleStatement } from '../private/iam';
import { TASK_BASE_PROPS } from '../private/task-props';
import { checkDurationRange, checkHeartbeat, checkLength, checkPattern, checkProps } from '../private/validation';
import { EMR_SERVERLESS_APPLICATION_RULE } from './private/arns';
import { EmrServerlessTaskBase } from './private/task-base';

/** The kind of jobs an EMR Serverless application runs. */
export enum EmrServerlessApplicationType {
  /** Apache Spark. */
  SPARK = 'SPARK',
  /** Apache Hive. */
  HIVE = 'HIVE',
}

/** The CPU architecture of an EMR Serverless application. */
export enum EmrServerlessArchitecture {
  /** x86-64. */
  X86_64 = 'X86_64',
  /** Arm64 (AWS Graviton). */
  ARM64 = 'ARM64',
}

/**
 * The most an application may use at once, across all its workers.
 *
 * @see https://docs.aws.amazon.com/emr-serverless/latest/APIReference/API_MaximumAllowedResources.html
 */
export interface EmrServerlessMaximumCapacity {
  /** The maximum CPU, e.g. `400 vCPU`. */
  readonly cpu: string;
  /** The maximum memory, e.g. `3000 GB`. */
  readonly memory: string;
  /**
   * The maximum disk, e.g. `20000 GB`.
   *
   * @default - EMR Serverless's default
   */
  readonly disk?: string;
}

/** The task's own fields; see the three exported props below. */
interface EmrServerlessCreateApplicationOptions {
  /** The Amazon EMR release, e.g. `emr-7.5.0`. */
  readonly releaseLabel: string;

  /** The kind of jobs the application runs. */
  readonly applicationType: EmrServerlessApplicationType;

  /**
   * The application's name (1 to 64 characters of letters, digits and `._/#-`).
   *
   * @default - no name
   */
  readonly applicationName?: string;

  /**
   * The CPU architecture.
   *
   * @default EmrServerlessArchitecture.X86_64
   */
  readonly architecture?: EmrServerlessArchitecture;

  /**
   * The most the application may use at once.
   *
   * @default - EMR Serverless's default limits
   */
  readonly maximumCapacity?: EmrServerlessMaximumCapacity;

  /**
   * Stop the application after it has been idle this long (whole minutes, 1 minute to 7 days).
   *
   * @default - EMR Serverless's default (stops after 15 idle minutes)
   */
  readonly autoStopIdleTimeout?: Duration;

  /**
   * Tags of the application (at most 200).
   *
   * @default - none
   */
  readonly tags?: { [key: string]: string };
}

/** Properties of `EmrServerlessCreateApplication.jsonPath()`. */
export interface EmrServerlessCreateApplicationJsonPathProps extends sfn.TaskStateJsonPathBaseProps, EmrServerlessCreateApplicationOptions {}

/** Properties of `EmrServerlessCreateApplication.jsonata()`. */
export interface EmrServerlessCreateApplicationJsonataProps extends sfn.TaskStateJsonataBaseProps, EmrServerlessCreateApplicationOptions {}

/** Properties of `EmrServerlessCreateApplication`. */
export interface EmrServerlessCreateApplicationProps extends sfn.TaskStateBaseProps, EmrServerlessCreateApplicationOptions {}

const NAME = /^[A-Za-z0-9._/#-]+$/;
const RELEASE_LABEL = /^[A-Za-z0-9._/-]+$/;
const SERVICE_LINKED_ROLE_SERVICE = 'ops.emr-serverless.amazonaws.com';

/**
 * Creates an EMR Serverless application from Step Functions (`createApplication`): by default with `.sync`, the
 * state waits until the application is `CREATED`. Returns the `CreateApplication` response,
 * `{ ApplicationId, Name, Arn }`.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/connect-emr-serverless.html
 * @see https://docs.aws.amazon.com/emr-serverless/latest/APIReference/API_CreateApplication.html
 */
export class EmrServerlessCreateApplication extends EmrServerlessTaskBase {
  /** A task that uses JSONPath. */
  public static jsonPath(scope: Construct, id: string, props: EmrServerlessCreateApplicationJsonPathProps): EmrServerlessCreateApplication {
    return new EmrServerlessCreateApplication(scope, id, props);
  }

  /** A task that uses JSONata. */
  public static jsonata(scope: Construct, id: string, props: EmrServerlessCreateApplicationJsonataProps): EmrServerlessCreateApplication {
    return new EmrServerlessCreateApplication(scope, id, { ...props, queryLanguage: sfn.QueryLanguage.JSONATA });
  }

  private readonly request: Record<string, any>;

  constructor(scope: Construct, id: string, props: EmrServerlessCreateApplicationProps) {
    super(scope, id, checkProps(scope, id, props, CREATE_APPLICATION_PROPS), 'createApplication', sfn.IntegrationPattern.RUN_JOB);
    checkHeartbeat(this, props);
    checkLength(this, 'releaseLabel', props.releaseLabel, 1, 64);
    checkPattern(this, 'releaseLabel', props.releaseLabel, RELEASE_LABEL, `letters, digits and ._/- (${RELEASE_LABEL.source})`);
    checkLength(this, 'applicationName', props.applicationName, 1, 64);
    checkPattern(this, 'applicationName', props.applicationName, NAME, `letters, digits and ._/#- (${NAME.source})`);
    if (isLiteral(props.applicationType) && !Object.values(EmrServerlessApplicationType).includes(props.applicationType)) {
      invalid(this, 'applicationType', 'EmrServerlessApplicationType.SPARK or HIVE', props.applicationType);
    }
    if (isLiteral(props.architecture) && !Object.values(EmrServerlessArchitecture).includes(props.architecture)) {
      invalid(this, 'architecture', 'EmrServerlessArchitecture.X86_64 or ARM64', props.architecture);
    }
    if (props.autoStopIdleTimeout) {
      checkDurationRange(this, 'autoStopIdleTimeout', props.autoStopIdleTimeout, Duration.minutes(1), Duration.days(7));
      if (!props.autoStopIdleTimeout.isUnresolved() && !Number.isInteger(props.autoStopIdleTimeout.toMinutes({ integral: false }))) {
        invalid(this, 'autoStopIdleTimeout', 'a whole number of minutes', props.autoStopIdleTimeout);
      }
    }
    const capacity = props.maximumCapacity;
    if (capacity) {
      checkLength(this, 'maximumCapacity.cpu', capacity.cpu, 1, 15);
      checkLength(this, 'maximumCapacity.memory', capacity.memory, 1, 15);
      checkLength(this, 'maximumCapacity.disk', capacity.disk, 1, 15);
    }
    if (props.tags && !Token.isUnresolved(props.tags) && Object.keys(props.tags).length > 200) {
      invalid(this, 'tags', 'at most 200 tags', `${Object.keys(props.tags).length} tags`);
    }
    for (const [key, value] of Object.entries(props.tags ?? {})) {
      checkLength(this, `tags key ${JSON.stringify(key)}`, key, 1, 128);
      checkLength(this, `tags.${key}`, value, 0, 256);
    }

    this.request = {
      ...(props.applicationName !== undefined ? { Name: props.applicationName } : {}),
      ReleaseLabel: props.releaseLabel,
      Type: props.applicationType,
      ...(props.architecture !== undefined ? { Architecture: props.architecture } : {}),
      ...(capacity
        ? { MaximumCapacity: { Cpu: capacity.cpu, Memory: capacity.memory, ...(capacity.disk !== undefined ? { Disk: capacity.disk } : {}) } }
        : {}),
      ...(props.autoStopIdleTimeout ? { AutoStopConfiguration: { Enabled: true, IdleTimeoutMinutes: props.autoStopIdleTimeout.toMinutes() } } : {}),
      ...(props.tags && Object.keys(props.tags).length > 0 ? { Tags: props.tags } : {}),
    };
    this._setPolicies(this.createPolicyStatements());
  }

  /** @internal */
  protected _request(): Record<string, any> {
    return this.request;
  }

  /**
   * As Step Functions' "IAM policies for Amazon EMR Serverless" shows for CreateApplication (the same for static and
   * dynamic resources):
   * - `emr-serverless:CreateApplication` on `arn:<partition>:emr-serverless:<region>:<account>:/*`, the guide's
   *   resource (the Service Authorization Reference lists no resource type for the action: the new application's id
   *   is not known before the call);
   * - `.sync`: `GetApplication` and `DeleteApplication` on `/applications/*` (the id is only known at run time) and
   *   the managed rule `StepFunctionsGetEventsForEMRServerlessApplicationRule`;
   * - `iam:CreateServiceLinkedRole` on EMR Serverless's service-linked role `AWSServiceRoleForAmazonEMRServerless`,
   *   only for `ops.emr-serverless.amazonaws.com` (`iam:AWSServiceName`): needed when the account's first
   *   application is created.
   */
  private createPolicyStatements(): iam.PolicyStatement[] {
    const stack = Stack.of(this);
    const statements = [
      new iam.PolicyStatement({
        actions: ['emr-serverless:CreateApplication'],
        resources: [`arn:${Aws.PARTITION}:emr-serverless:${stack.region}:${stack.account}:/*`],
      }),
    ];
    if (this._integrationPattern === sfn.IntegrationPattern.RUN_JOB) {
      statements.push(
        new iam.PolicyStatement({
          actions: ['emr-serverless:GetApplication', 'emr-serverless:DeleteApplication'],
          resources: [`arn:${Aws.PARTITION}:emr-serverless:${stack.region}:${stack.account}:/applications/*`],
        }),
        managedRuleStatement(this, EMR_SERVERLESS_APPLICATION_RULE),
      );
    }
    statements.push(new iam.PolicyStatement({
      actions: ['iam:CreateServiceLinkedRole'],
      resources: [`arn:${Aws.PARTITION}:iam::${stack.account}:role/aws-service-role/${SERVICE_LINKED_ROLE_SERVICE}/AWSServiceRoleForAmazonEMRServerless*`],
      conditions: { StringLike: { 'iam:AWSServiceName': SERVICE_LINKED_ROLE_SERVICE } },
    }));
    return statements;
  }
}

/** The kinds of the props (see `checkProps`). */
const CREATE_APPLICATION_PROPS: Record<string, string> = {
  ...TASK_BASE_PROPS,
  'releaseLabel': 'string',
  'applicationType': 'string',
  'applicationName': 'string?',
  'architecture': 'string?',
  'maximumCapacity': 'object?',
  'maximumCapacity.cpu': 'string',
  'maximumCapacity.memory': 'string',
  'maximumCapacity.disk': 'string?',
  'autoStopIdleTimeout': 'duration?',
  'tags': '{string}?',
};
