import { Aws, Duration, Fn, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { invalid } from '../private/errors';
import { isJsonata, isLiteral } from '../private/expressions';
import { managedRuleStatement } from '../private/iam';
import { TASK_BASE_PROPS } from '../private/task-props';
import { checkCount, checkDurationRange, checkHeartbeat, checkIntegerRange, checkLength, checkPattern, checkProps, checkUnique } from '../private/validation';
import { containsExpression, containsJsonPath } from '../private/values';
import { EMR_SERVERLESS_APPLICATION_RULE } from './private/arns';
import { checkClientToken, checkTagMap, renderConfigurations, renderDiskEncryption, renderMonitoring } from './private/configuration';
import { EmrServerlessTaskBase } from './private/task-base';
import type { EmrServerlessConfiguration, EmrServerlessDiskEncryption, EmrServerlessMonitoring } from './start-job-run';

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

/** The kind of disk of a worker. */
export enum EmrServerlessDiskType {
  /** Standard disks (EMR Serverless's default). */
  STANDARD = 'STANDARD',
  /** Shuffle-optimized disks, for shuffle-heavy jobs. */
  SHUFFLE_OPTIMIZED = 'SHUFFLE_OPTIMIZED',
}

/**
 * Workers of one type kept ready from the application's start (pre-initialized capacity).
 *
 * @see https://docs.aws.amazon.com/emr-serverless/latest/APIReference/API_InitialCapacityConfig.html
 * @see https://docs.aws.amazon.com/emr-serverless/latest/APIReference/API_WorkerResourceConfig.html
 */
export interface EmrServerlessInitialCapacity {
  /** The worker type: `Driver` or `Executor` for Spark, `HiveDriver` or `TezTask` for Hive (1 to 50 letters, `-_` inside). */
  readonly workerType: string;
  /** How many workers (1 to 1,000,000). */
  readonly workerCount: number;
  /** The CPU of each worker, e.g. `4 vCPU`. */
  readonly cpu: string;
  /** The memory of each worker, e.g. `16 GB`. */
  readonly memory: string;
  /**
   * The disk of each worker, e.g. `200 GB`.
   *
   * @default - EMR Serverless's default
   */
  readonly disk?: string;
  /**
   * The kind of disk of each worker.
   *
   * @default EmrServerlessDiskType.STANDARD
   */
  readonly diskType?: EmrServerlessDiskType;
}

/**
 * Interactive use of the application.
 *
 * @see https://docs.aws.amazon.com/emr-serverless/latest/APIReference/API_InteractiveConfiguration.html
 */
export interface EmrServerlessInteractiveConfiguration {
  /**
   * Whether EMR Studio notebooks may run interactive workloads on the application.
   *
   * @default - EMR Serverless's default
   */
  readonly studioEnabled?: boolean;
  /**
   * Whether the application has an Apache Livy endpoint.
   *
   * @default - EMR Serverless's default
   */
  readonly livyEndpointEnabled?: boolean;
  /**
   * Whether interactive sessions may be started on the application (`StartSession`).
   *
   * @default - EMR Serverless's default
   */
  readonly sessionEnabled?: boolean;
}

/**
 * The image of one worker type (instead of `imageUri` for all of them).
 *
 * @see https://docs.aws.amazon.com/emr-serverless/latest/APIReference/API_WorkerTypeSpecificationInput.html
 */
export interface EmrServerlessWorkerTypeSpecification {
  /** The worker type: `Driver` or `Executor` (Spark), `HiveDriver` or `TezTask` (Hive). */
  readonly workerType: string;
  /**
   * The ECR image URI of this worker type (1 to 1024 characters, with a tag or digest). Its repository policy must
   * let EMR Serverless pull it.
   */
  readonly imageUri: string;
}

/**
 * Trusted identity propagation through IAM Identity Center (EMR 7.8.0 and later).
 *
 * @see https://docs.aws.amazon.com/emr-serverless/latest/APIReference/API_IdentityCenterConfigurationInput.html
 * @see https://docs.aws.amazon.com/emr/latest/EMR-Serverless-UserGuide/security-iam-service-trusted-prop-getting-started.html
 */
export interface EmrServerlessIdentityCenterConfiguration {
  /**
   * The ARN of the IAM Identity Center instance, `arn:aws:sso:::instance/ssoins-<16 characters>` (10 to 1024
   * characters): a literal or a deploy-time value (IAM is scoped to it).
   */
  readonly instanceArn: string;
  /**
   * Whether Livy sessions keep running after their users log out or their Identity Center sessions expire.
   *
   * @default - EMR Serverless's default
   */
  readonly userBackgroundSessions?: boolean;
}

/**
 * Job queueing on the application (EMR 7.0.0 and later).
 *
 * @see https://docs.aws.amazon.com/emr-serverless/latest/APIReference/API_SchedulerConfiguration.html
 */
export interface EmrServerlessSchedulerConfiguration {
  /**
   * How long a job run may wait in the `QUEUED` state (whole minutes, 15 to 720).
   *
   * @default - EMR Serverless's default (6 hours)
   */
  readonly queueTimeout?: Duration;
  /**
   * How many job runs may run at once (1 to 1000).
   *
   * @default - EMR Serverless's default (15)
   */
  readonly maxConcurrentRuns?: number;
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
   * Tags of the application (at most 200; keys 1 to 128 characters, values up to 256, of letters, digits, spaces
   * and `/_.:=+@-`).
   *
   * @default - none
   */
  readonly tags?: { [key: string]: string };

  /**
   * Workers kept ready from the application's start (at most 10 worker types).
   *
   * @default - no pre-initialized capacity
   */
  readonly initialCapacity?: EmrServerlessInitialCapacity[];

  /**
   * Whether the application starts by itself when a job run is submitted.
   *
   * @default - EMR Serverless's default (true)
   */
  readonly autoStart?: boolean;

  /**
   * Whether the application stops by itself when idle (after `autoStopIdleTimeout`). `false` cannot be combined with
   * `autoStopIdleTimeout`.
   *
   * @default - EMR Serverless's default (true)
   */
  readonly autoStop?: boolean;

  /**
   * The VPC the application's workers connect to. EMR Serverless creates their network interfaces with its
   * service-linked role; the state machine role needs no `ec2:` permission.
   *
   * @default - no VPC connectivity
   */
  readonly vpc?: ec2.IVpc;

  /**
   * The subnets of `vpc` (at most 16).
   *
   * @default - the VPC's private subnets
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * Security groups of the workers' network interfaces (at most 5; requires `vpc`).
   *
   * @default - none
   */
  readonly securityGroups?: ec2.ISecurityGroup[];

  /**
   * A custom image for every worker type, an ECR image URI such as
   * `123456789012.dkr.ecr.us-east-1.amazonaws.com/spark:7.5.0` (1 to 1024 characters). Its repository policy must let
   * EMR Serverless pull it.
   *
   * @default - EMR Serverless's image of the release
   */
  readonly imageUri?: string;

  /**
   * Configurations applied to every job run of the application (at most 100).
   *
   * @default - none
   */
  readonly runtimeConfiguration?: EmrServerlessConfiguration[];

  /**
   * Where the application's job runs send their logs.
   *
   * @default - EMR Serverless's default (managed persistence)
   */
  readonly monitoring?: EmrServerlessMonitoring;

  /**
   * Interactive use (EMR Studio, Livy).
   *
   * @default - EMR Serverless's default
   */
  readonly interactive?: EmrServerlessInteractiveConfiguration;

  /**
   * Job queueing (EMR 7.0.0 and later).
   *
   * @default - no scheduler configuration
   */
  readonly scheduler?: EmrServerlessSchedulerConfiguration;

  /**
   * Encrypt the workers' local disks with your own KMS key; job runs inherit it. The state machine role gets no
   * permission on the key: none is documented for the caller
   * (https://docs.aws.amazon.com/emr/latest/EMR-Serverless-UserGuide/disk-encryption-cmk.html).
   *
   * @default - a service-owned key
   */
  readonly diskEncryption?: EmrServerlessDiskEncryption;

  /**
   * The image of each worker type; it must name every worker type of the application type (`Driver` and `Executor`
   * for Spark, `HiveDriver` and `TezTask` for Hive), and cannot be combined with `imageUri` (the API takes one or the
   * other).
   *
   * @see https://docs.aws.amazon.com/emr-serverless/latest/APIReference/API_CreateApplication.html
   * @default - `imageUri`, or EMR Serverless's image of the release
   */
  readonly workerTypeSpecifications?: EmrServerlessWorkerTypeSpecification[];

  /**
   * Whether EMR Serverless reports costs per job run (job level cost allocation).
   *
   * @see https://docs.aws.amazon.com/emr-serverless/latest/APIReference/API_JobLevelCostAllocationConfiguration.html
   * @default - EMR Serverless's default
   */
  readonly jobLevelCostAllocation?: boolean;

  /**
   * Trusted identity propagation through IAM Identity Center. The state machine role gets the `sso:` actions EMR
   * Serverless documents for creating such an application (`DescribeInstance`, `CreateApplication`,
   * `DeleteApplication`, `PutApplicationAuthenticationMethod`, `PutApplicationAssignmentConfiguration`,
   * `PutApplicationGrant`, `PutApplicationAccessScope`) on the instance and its applications.
   *
   * @see https://docs.aws.amazon.com/emr/latest/EMR-Serverless-UserGuide/security-iam-service-trusted-prop-getting-started.html
   * @default - no Identity Center integration
   */
  readonly identityCenter?: EmrServerlessIdentityCenterConfiguration;

  /**
   * The idempotency token of the create (1 to 64 characters of letters, digits and `._-`): a repeated token returns
   * the application created first instead of a second one.
   *
   * @see https://docs.aws.amazon.com/emr-serverless/latest/APIReference/API_CreateApplication.html
   * @default - none sent: the API marks the token required and idempotent, and the integration fills it for each call
   */
  readonly clientToken?: string;
}

/** Properties of `EmrServerlessCreateApplication.jsonPath()`. */
export interface EmrServerlessCreateApplicationJsonPathProps extends sfn.TaskStateJsonPathBaseProps, EmrServerlessCreateApplicationOptions {}

/** Properties of `EmrServerlessCreateApplication.jsonata()`. */
export interface EmrServerlessCreateApplicationJsonataProps extends sfn.TaskStateJsonataBaseProps, EmrServerlessCreateApplicationOptions {}

/** Properties of `EmrServerlessCreateApplication`. */
export interface EmrServerlessCreateApplicationProps extends sfn.TaskStateBaseProps, EmrServerlessCreateApplicationOptions {}

const NAME = /^[A-Za-z0-9._/#-]+$/;
/** CpuSize, MemorySize and DiskSize of the API (1 to 15 characters). */
const CPU = /^[1-9][0-9]*(\s)?(vCPU|vcpu|VCPU)?$/;
const MEMORY = /^[1-9][0-9]*(\s)?(GB|gb|gB|Gb)?$/;
const DISK = /^[1-9][0-9]*(\s)?(GB|gb|gB|Gb)$/;
const WORKER_TYPE = /^[a-zA-Z]+[-_]*[a-zA-Z]+$/;
/** ImageUri of the API. */
const IMAGE_URI = /^([a-z0-9]+[a-z0-9-.]*)\/((?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*)(?::([a-zA-Z0-9_][a-zA-Z0-9-._]{0,299})|@(sha256:[0-9a-f]{64}))$/;
const RELEASE_LABEL = /^[A-Za-z0-9._/-]+$/;
const SERVICE_LINKED_ROLE_SERVICE = 'ops.emr-serverless.amazonaws.com';
/** IdentityCenterConfigurationInput.identityCenterInstanceArn, 10 to 1024 characters. */
const SSO_INSTANCE_ARN = /^arn:(aws[a-zA-Z0-9-]*):sso:::instance\/(sso)?ins-[a-zA-Z0-9-.]{16}$/;
/** The worker types of each application type (CreateApplication, workerTypeSpecifications). */
const WORKER_TYPES: Record<string, string[]> = { SPARK: ['Driver', 'Executor'], HIVE: ['HiveDriver', 'TezTask'] };

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
  private identityCenterInstanceArn?: string;

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
    // Bounds: https://docs.aws.amazon.com/emr-serverless/latest/APIReference/API_CreateApplication.html and the
    // pages of its members (MaximumAllowedResources, InitialCapacityConfig, WorkerResourceConfig, NetworkConfiguration,
    // ImageConfigurationInput, SchedulerConfiguration, AutoStopConfig: idleTimeoutMinutes 1 to 10080).
    const capacity = props.maximumCapacity;
    if (capacity) checkResources(this, 'maximumCapacity', capacity);
    checkTagMap(this, props.tags);
    if (props.autoStop === false && props.autoStopIdleTimeout !== undefined) {
      invalid(this, 'autoStopIdleTimeout', 'left out when autoStop is false', props.autoStopIdleTimeout);
    }
    const initialCapacity = renderInitialCapacity(this, props.initialCapacity);
    const network = this.renderNetwork(props);
    if (props.imageUri !== undefined) {
      checkLength(this, 'imageUri', props.imageUri, 1, 1024);
      checkPattern(this, 'imageUri', props.imageUri, IMAGE_URI, 'an image URI with a tag or digest (<registry>/<repository>:<tag>)');
    }
    const scheduler = renderScheduler(this, props.scheduler);
    checkClientToken(this, props.clientToken);
    const disk = renderDiskEncryption(this, 'diskEncryption', props.diskEncryption);
    const workerTypes = renderWorkerTypeSpecifications(this, props);
    const identityCenter = this.renderIdentityCenter(props.identityCenter);
    const monitoring = renderMonitoring(this, 'monitoring', props.monitoring);
    const autoStop = props.autoStop !== undefined || props.autoStopIdleTimeout !== undefined
      ? {
        AutoStopConfiguration: {
          Enabled: props.autoStop ?? true,
          ...(props.autoStopIdleTimeout ? { IdleTimeoutMinutes: props.autoStopIdleTimeout.toMinutes() } : {}),
        },
      }
      : {};
    const interactive = props.interactive
      ? {
        ...(props.interactive.studioEnabled !== undefined ? { StudioEnabled: props.interactive.studioEnabled } : {}),
        ...(props.interactive.livyEndpointEnabled !== undefined ? { LivyEndpointEnabled: props.interactive.livyEndpointEnabled } : {}),
        ...(props.interactive.sessionEnabled !== undefined ? { SessionEnabled: props.interactive.sessionEnabled } : {}),
      }
      : undefined;

    this.request = {
      ...(props.applicationName !== undefined ? { Name: props.applicationName } : {}),
      ReleaseLabel: props.releaseLabel,
      Type: props.applicationType,
      ...(props.architecture !== undefined ? { Architecture: props.architecture } : {}),
      ...(initialCapacity ? { InitialCapacity: initialCapacity } : {}),
      ...(capacity
        ? { MaximumCapacity: { Cpu: capacity.cpu, Memory: capacity.memory, ...(capacity.disk !== undefined ? { Disk: capacity.disk } : {}) } }
        : {}),
      ...(props.autoStart !== undefined ? { AutoStartConfiguration: { Enabled: props.autoStart } } : {}),
      ...autoStop,
      ...(network ? { NetworkConfiguration: network } : {}),
      ...(props.imageUri !== undefined ? { ImageConfiguration: { ImageUri: props.imageUri } } : {}),
      ...(props.runtimeConfiguration !== undefined ? { RuntimeConfiguration: renderConfigurations(this, 'runtimeConfiguration', props.runtimeConfiguration) } : {}),
      ...(monitoring ? { MonitoringConfiguration: monitoring } : {}),
      ...(interactive ? { InteractiveConfiguration: interactive } : {}),
      ...(scheduler ? { SchedulerConfiguration: scheduler } : {}),
      ...(props.tags && Object.keys(props.tags).length > 0 ? { Tags: props.tags } : {}),
      ...(disk ? { DiskEncryptionConfiguration: disk } : {}),
      ...(workerTypes ? { WorkerTypeSpecifications: workerTypes } : {}),
      ...(props.jobLevelCostAllocation !== undefined ? { JobLevelCostAllocationConfiguration: { Enabled: props.jobLevelCostAllocation } } : {}),
      ...(identityCenter ? { IdentityCenterConfiguration: identityCenter } : {}),
      ...(props.clientToken !== undefined ? { ClientToken: props.clientToken } : {}),
    };
    this._setPolicies(this.createPolicyStatements());
  }

  /** @internal */
  protected _request(): Record<string, any> {
    return this.request;
  }

  /**
   * `IdentityCenterConfiguration`: the instance ARN (10 to 1024 characters, `arn:<partition>:sso:::instance/...`),
   * literal or deploy-time (the `sso:` statements are scoped to it, so a run-time value is refused).
   *
   * @see https://docs.aws.amazon.com/emr-serverless/latest/APIReference/API_IdentityCenterConfigurationInput.html
   */
  private renderIdentityCenter(ic: EmrServerlessIdentityCenterConfiguration | undefined): Record<string, any> | undefined {
    if (ic === undefined) return undefined;
    const arn = ic.instanceArn;
    if (isJsonata(arn) || containsExpression(arn) || containsJsonPath(arn) || sfn.JsonPath.isEncodedJsonPath(arn)) {
      invalid(this, 'identityCenter.instanceArn', 'an ARN known at synth or deploy time (the sso: statements are scoped to it)', arn);
    }
    checkLength(this, 'identityCenter.instanceArn', arn, 10, 1024);
    checkPattern(this, 'identityCenter.instanceArn', arn, SSO_INSTANCE_ARN, 'the ARN of an IAM Identity Center instance (arn:<partition>:sso:::instance/ssoins-<16 characters>)');
    this.identityCenterInstanceArn = arn;
    return {
      IdentityCenterInstanceArn: arn,
      ...(ic.userBackgroundSessions !== undefined ? { UserBackgroundSessionsEnabled: ic.userBackgroundSessions } : {}),
    };
  }

  /**
   * `NetworkConfiguration`: the ids of the selected subnets (at most 16) and of the security groups (at most 5).
   *
   * @see https://docs.aws.amazon.com/emr-serverless/latest/APIReference/API_NetworkConfiguration.html
   */
  private renderNetwork(props: EmrServerlessCreateApplicationProps): Record<string, any> | undefined {
    if (props.vpc === undefined) {
      if (props.vpcSubnets !== undefined) invalid(this, 'vpcSubnets', 'given with vpc', props.vpcSubnets);
      if (props.securityGroups !== undefined) invalid(this, 'securityGroups', 'given with vpc', `${props.securityGroups.length} security groups`);
      return undefined;
    }
    let subnetIds: string[];
    try {
      subnetIds = props.vpc.selectSubnets(props.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS }).subnetIds;
    } catch (e) {
      return invalid(this, 'vpcSubnets', `a selection of subnets that vpc has (${(e as Error).message})`, props.vpcSubnets ?? 'the private subnets');
    }
    if (!Token.isUnresolved(subnetIds)) {
      if (subnetIds.length === 0) invalid(this, 'vpcSubnets', 'a selection of at least one subnet', props.vpcSubnets ?? 'the private subnets');
      checkCount(this, 'vpcSubnets', subnetIds, 1, 16);
    }
    checkCount(this, 'securityGroups', props.securityGroups, 0, 5);
    const securityGroupIds = (props.securityGroups ?? []).map((g) => g.securityGroupId);
    return { SubnetIds: subnetIds, ...(securityGroupIds.length > 0 ? { SecurityGroupIds: securityGroupIds } : {}) };
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
   *
   * A network configuration adds nothing: EMR Serverless creates and deletes the workers' network interfaces with its
   * service-linked role, whose policy holds the `ec2:` actions
   * (https://docs.aws.amazon.com/emr/latest/EMR-Serverless-UserGuide/using-service-linked-roles.html,
   * https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonEMRServerlessServiceRolePolicy.html).
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
    if (this.identityCenterInstanceArn !== undefined) {
      // "Permissions to create trusted-identity propagation enabled EMR Serverless Application": EMR Serverless creates
      // (and deletes) one Identity Center application of its own in the caller's name
      // (https://docs.aws.amazon.com/emr/latest/EMR-Serverless-UserGuide/security-iam-service-trusted-prop-getting-started.html).
      // Resources: the instance (arn:<partition>:sso:::instance/<instance id>) and the applications of that instance
      // (arn:<partition>:sso::<account>:application/<instance id>/*), the ARN forms of the IAM Identity Center
      // resource types (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsiamidentitycenter.html).
      const instanceId = Token.isUnresolved(this.identityCenterInstanceArn)
        ? Fn.select(1, Fn.split(':instance/', this.identityCenterInstanceArn))
        : this.identityCenterInstanceArn.split(':instance/')[1];
      statements.push(new iam.PolicyStatement({
        actions: [
          'sso:DescribeInstance', 'sso:CreateApplication', 'sso:DeleteApplication', 'sso:PutApplicationAuthenticationMethod',
          'sso:PutApplicationAssignmentConfiguration', 'sso:PutApplicationGrant', 'sso:PutApplicationAccessScope',
        ],
        resources: [
          this.identityCenterInstanceArn,
          `arn:${Aws.PARTITION}:sso::${stack.account}:application/${instanceId}/*`,
        ],
      }));
    }
    return statements;
  }
}

function checkResources(scope: Construct, prop: string, r: { cpu: string; memory: string; disk?: string }): void {
  checkLength(scope, `${prop}.cpu`, r.cpu, 1, 15);
  checkPattern(scope, `${prop}.cpu`, r.cpu, CPU, 'a whole number of vCPU, e.g. "4 vCPU"');
  checkLength(scope, `${prop}.memory`, r.memory, 1, 15);
  checkPattern(scope, `${prop}.memory`, r.memory, MEMORY, 'a whole number of GB, e.g. "16 GB"');
  checkLength(scope, `${prop}.disk`, r.disk, 1, 15);
  checkPattern(scope, `${prop}.disk`, r.disk, DISK, 'a whole number of GB, e.g. "200 GB"');
}

/** `InitialCapacity`: a map of at most 10 worker types to their count (1 to 1,000,000) and resources. */
function renderInitialCapacity(scope: Construct, capacity: EmrServerlessInitialCapacity[] | undefined): Record<string, any> | undefined {
  if (capacity === undefined) return undefined;
  checkCount(scope, 'initialCapacity', capacity, 1, 10);
  checkUnique(scope, 'initialCapacity workerType', capacity.map((c) => c.workerType));
  const out: Record<string, any> = {};
  capacity.forEach((c, i) => {
    const at = `initialCapacity[${i}]`;
    checkLength(scope, `${at}.workerType`, c.workerType, 1, 50);
    checkPattern(scope, `${at}.workerType`, c.workerType, WORKER_TYPE, 'a worker type such as Driver, Executor, HiveDriver or TezTask');
    if (!isLiteral(c.workerType)) invalid(scope, `${at}.workerType`, 'a literal (it is a key of the request)', c.workerType);
    checkIntegerRange(scope, `${at}.workerCount`, c.workerCount, 1, 1_000_000);
    checkResources(scope, at, c);
    if (isLiteral(c.diskType) && !Object.values(EmrServerlessDiskType).includes(c.diskType)) {
      invalid(scope, `${at}.diskType`, 'EmrServerlessDiskType.STANDARD or SHUFFLE_OPTIMIZED', c.diskType);
    }
    out[c.workerType] = {
      WorkerCount: c.workerCount,
      WorkerConfiguration: {
        Cpu: c.cpu,
        Memory: c.memory,
        ...(c.disk !== undefined ? { Disk: c.disk } : {}),
        ...(c.diskType !== undefined ? { DiskType: c.diskType } : {}),
      },
    };
  });
  return out;
}

/**
 * `WorkerTypeSpecifications`: a map of worker types to their image; every worker type of a literal application type,
 * none other, and not with `imageUri` ("You can either set image details in this parameter for each worker type, or
 * in imageConfiguration for all worker types").
 *
 * @see https://docs.aws.amazon.com/emr-serverless/latest/APIReference/API_CreateApplication.html
 * @see https://docs.aws.amazon.com/emr-serverless/latest/APIReference/API_WorkerTypeSpecificationInput.html
 */
function renderWorkerTypeSpecifications(scope: Construct, props: EmrServerlessCreateApplicationProps): Record<string, any> | undefined {
  const specs = props.workerTypeSpecifications;
  if (specs === undefined) return undefined;
  if (props.imageUri !== undefined) {
    invalid(scope, 'workerTypeSpecifications', 'left out when imageUri is given (the API takes an image for all worker types or one per worker type)', `${specs.length} worker types`);
  }
  checkCount(scope, 'workerTypeSpecifications', specs, 1, 10);
  checkUnique(scope, 'workerTypeSpecifications workerType', specs.map((w) => w.workerType));
  const out: Record<string, any> = {};
  specs.forEach((w, i) => {
    const at = `workerTypeSpecifications[${i}]`;
    if (!isLiteral(w.workerType)) invalid(scope, `${at}.workerType`, 'a literal (it is a key of the request)', w.workerType);
    checkLength(scope, `${at}.workerType`, w.workerType, 1, 50);
    checkPattern(scope, `${at}.workerType`, w.workerType, WORKER_TYPE, 'a worker type such as Driver, Executor, HiveDriver or TezTask');
    checkLength(scope, `${at}.imageUri`, w.imageUri, 1, 1024);
    checkPattern(scope, `${at}.imageUri`, w.imageUri, IMAGE_URI, 'an image URI with a tag or digest (<registry>/<repository>:<tag>)');
    out[w.workerType] = { ImageConfiguration: { ImageUri: w.imageUri } };
  });
  const expected = isLiteral(props.applicationType) ? WORKER_TYPES[props.applicationType] : undefined;
  if (expected !== undefined) {
    const given = Object.keys(out).sort();
    if (given.join(',') !== [...expected].sort().join(',')) {
      invalid(scope, 'workerTypeSpecifications', `every worker type of a ${props.applicationType} application and no other (${expected.join(', ')})`, given.join(', '));
    }
  }
  return out;
}

/** `SchedulerConfiguration`: queueTimeoutMinutes 15 to 720, maxConcurrentRuns 1 to 1000. */
function renderScheduler(scope: Construct, scheduler: EmrServerlessSchedulerConfiguration | undefined): Record<string, any> | undefined {
  if (scheduler === undefined) return undefined;
  if (scheduler.queueTimeout !== undefined) {
    checkDurationRange(scope, 'scheduler.queueTimeout', scheduler.queueTimeout, Duration.minutes(15), Duration.minutes(720));
    if (!scheduler.queueTimeout.isUnresolved() && !Number.isInteger(scheduler.queueTimeout.toMinutes({ integral: false }))) {
      invalid(scope, 'scheduler.queueTimeout', 'a whole number of minutes', scheduler.queueTimeout);
    }
  }
  checkIntegerRange(scope, 'scheduler.maxConcurrentRuns', scheduler.maxConcurrentRuns, 1, 1000);
  return {
    ...(scheduler.queueTimeout !== undefined ? { QueueTimeoutMinutes: scheduler.queueTimeout.toMinutes() } : {}),
    ...(scheduler.maxConcurrentRuns !== undefined ? { MaxConcurrentRuns: scheduler.maxConcurrentRuns } : {}),
  };
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
  'initialCapacity': 'instance[]?',
  'initialCapacity[].workerType': 'string',
  'initialCapacity[].workerCount': 'number',
  'initialCapacity[].cpu': 'string',
  'initialCapacity[].memory': 'string',
  'initialCapacity[].disk': 'string?',
  'initialCapacity[].diskType': 'string?',
  'autoStart': 'boolean?',
  'autoStop': 'boolean?',
  'vpc': 'vpc?',
  'vpcSubnets': 'subnetSelection?',
  'securityGroups': 'securityGroup[]?',
  'imageUri': 'string?',
  'runtimeConfiguration': 'instance[]?',
  'runtimeConfiguration[].classification': 'string',
  'runtimeConfiguration[].properties': '{string}?',
  'runtimeConfiguration[].configurations': 'instance[]?',
  'monitoring': 'object?',
  'monitoring.s3LogUri': 'string?',
  'monitoring.cloudWatchLogs': 'object?',
  'monitoring.cloudWatchLogs.logGroupName': 'string?',
  'monitoring.cloudWatchLogs.logStreamNamePrefix': 'string?',
  'monitoring.managedPersistence': 'boolean?',
  'interactive': 'object?',
  'interactive.studioEnabled': 'boolean?',
  'interactive.livyEndpointEnabled': 'boolean?',
  'interactive.sessionEnabled': 'boolean?',
  'monitoring.s3EncryptionKey': 'key?',
  'monitoring.managedPersistenceEncryptionKey': 'key?',
  'monitoring.prometheusRemoteWriteUrl': 'string?',
  'monitoring.cloudWatchLogs.encryptionKey': 'key?',
  'monitoring.cloudWatchLogs.logTypes': '{array}?',
  'diskEncryption': 'object?',
  'diskEncryption.key': 'key',
  'diskEncryption.encryptionContext': '{string}?',
  'workerTypeSpecifications': 'instance[]?',
  'workerTypeSpecifications[].workerType': 'string',
  'workerTypeSpecifications[].imageUri': 'string',
  'jobLevelCostAllocation': 'boolean?',
  'identityCenter': 'object?',
  'identityCenter.instanceArn': 'string',
  'identityCenter.userBackgroundSessions': 'boolean?',
  'clientToken': 'string?',
  'scheduler': 'object?',
  'scheduler.queueTimeout': 'duration?',
  'scheduler.maxConcurrentRuns': 'number?',
};
