import { Duration } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { invalid } from '../private/errors';
import { isLiteral } from '../private/expressions';
import { checkCount, checkDurationRange, checkIntegerRange, checkLength, checkPattern, checkSizeRange, checkUnique, checkHeartbeat, checkProps } from '../private/validation';
import { numberAsString } from '../private/values';
import { checkEnvironment, checkMinInteger, checkS3Uri, checkTags, renderInstanceType, tagsField } from './private/checks';
import { JOB_NAME_PATTERN, TUNING_JOB } from './private/job-kind';
import { SageMakerJobTask } from './private/job-task';
import { attachJobNetwork, checkNetworkProps } from './private/network';
import { SAGEMAKER_COMMON_PROPS, SAGEMAKER_NETWORK_PROPS, SageMakerJobCommonOptions, SageMakerJobNetworkOptions } from './private/options';
import { FILE, isUnresolved, S3_PREFIX } from './private/refs';

/**
 * How the tuning job picks the hyperparameter values of the training jobs it launches.
 *
 * @see https://docs.aws.amazon.com/sagemaker/latest/dg/automatic-model-tuning-how-it-works.html
 */
export enum HyperParameterTuningStrategy {
  /** Bayesian optimization: each choice learns from the training jobs so far. */
  BAYESIAN = 'Bayesian',
  /** Random search: independent choices, so training jobs can all run in parallel. */
  RANDOM = 'Random',
  /** Hyperband: stops under-performing training jobs early and gives their resources to the promising ones. */
  HYPERBAND = 'Hyperband',
  /** Grid search over categorical ranges only: every combination once. */
  GRID = 'Grid',
}

/** Whether the tuning job maximizes or minimizes its objective metric. */
export enum HyperParameterTuningObjectiveType {
  /** Higher is better (e.g. accuracy). */
  MAXIMIZE = 'Maximize',
  /** Lower is better (e.g. loss, RMSE). */
  MINIMIZE = 'Minimize',
}

/**
 * The metric a tuning job optimizes: emitted by the training algorithm (a built-in algorithm's metric, or one of
 * your `metricDefinitions`).
 *
 * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_HyperParameterTuningJobObjective.html
 */
export class HyperParameterTuningObjective {
  /** Find the hyperparameters that give the highest `metricName` (e.g. `validation:accuracy`). */
  public static maximize(metricName: string): HyperParameterTuningObjective {
    return new HyperParameterTuningObjective(HyperParameterTuningObjectiveType.MAXIMIZE, metricName);
  }

  /** Find the hyperparameters that give the lowest `metricName` (e.g. `validation:rmse`). */
  public static minimize(metricName: string): HyperParameterTuningObjective {
    return new HyperParameterTuningObjective(HyperParameterTuningObjectiveType.MINIMIZE, metricName);
  }

  private constructor(
    /** Maximize or minimize. */
    public readonly type: HyperParameterTuningObjectiveType,
    /** The metric's name (1 to 255 characters). */
    public readonly metricName: string,
  ) {}
}

/**
 * How a tuning job searches a numeric range.
 *
 * @see https://docs.aws.amazon.com/sagemaker/latest/dg/automatic-model-tuning-define-ranges.html#scaling-type
 */
export enum HyperParameterScalingType {
  /** SageMaker chooses the scale. */
  AUTO = 'Auto',
  /** Values spread evenly over the range. */
  LINEAR = 'Linear',
  /** Values spread evenly over the logarithm of the range (ranges above 0 only). */
  LOGARITHMIC = 'Logarithmic',
  /** Dense near 1 (continuous ranges within [0, 1) only), e.g. a momentum close to 1. */
  REVERSE_LOGARITHMIC = 'ReverseLogarithmic',
}

/** The kind of values a hyperparameter range holds. */
export enum HyperParameterRangeType {
  /** Whole numbers between a minimum and a maximum. */
  INTEGER = 'Integer',
  /** Real numbers between a minimum and a maximum. */
  CONTINUOUS = 'Continuous',
  /** A list of values. */
  CATEGORICAL = 'Categorical',
}

/**
 * A hyperparameter the tuning job searches, with the values it may take.
 *
 * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ParameterRanges.html
 */
export class HyperParameterRange {
  /**
   * Whole numbers from `minValue` to `maxValue`.
   *
   * @param scalingType how the range is searched. Default: `AUTO`.
   */
  public static integer(name: string, minValue: number, maxValue: number, scalingType?: HyperParameterScalingType): HyperParameterRange {
    return new HyperParameterRange(HyperParameterRangeType.INTEGER, name, minValue, maxValue, undefined, scalingType);
  }

  /**
   * Real numbers from `minValue` to `maxValue`.
   *
   * @param scalingType how the range is searched. Default: `AUTO`.
   */
  public static continuous(name: string, minValue: number, maxValue: number, scalingType?: HyperParameterScalingType): HyperParameterRange {
    return new HyperParameterRange(HyperParameterRangeType.CONTINUOUS, name, minValue, maxValue, undefined, scalingType);
  }

  /** One of `values` (1 to 30 values). */
  public static categorical(name: string, values: string[]): HyperParameterRange {
    return new HyperParameterRange(HyperParameterRangeType.CATEGORICAL, name, undefined, undefined, values, undefined);
  }

  private constructor(
    /** Integer, continuous or categorical. */
    public readonly type: HyperParameterRangeType,
    /** The hyperparameter's name. */
    public readonly name: string,
    /** The smallest value of a numeric range. */
    public readonly minValue?: number,
    /** The largest value of a numeric range. */
    public readonly maxValue?: number,
    /** The values of a categorical range. */
    public readonly values?: string[],
    /** How a numeric range is searched. */
    public readonly scalingType?: HyperParameterScalingType,
  ) {}
}

/**
 * What a warm-started tuning job reuses of its parent jobs.
 *
 * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_HyperParameterTuningJobWarmStartConfig.html
 */
export enum HyperParameterTuningWarmStartType {
  /** Same data and algorithm as the parents; ranges and static hyperparameters may change. */
  IDENTICAL_DATA_AND_ALGORITHM = 'IdenticalDataAndAlgorithm',
  /** Data, algorithm image, ranges or static hyperparameters may differ from the parents'. */
  TRANSFER_LEARNING = 'TransferLearning',
}

/** The task's own fields; see the three exported props below. */
interface SageMakerCreateHyperParameterTuningJobOptions extends SageMakerJobCommonOptions, SageMakerJobNetworkOptions {
  /**
   * The training algorithm: exactly one of `trainingImage` (the job role may pull it, on its ECR repository only)
   * or `algorithmName` (an algorithm resource or AWS Marketplace algorithm); its input mode and the metric
   * definitions (at most 40) that extract the objective metric from a custom algorithm's logs.
   *
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_HyperParameterAlgorithmSpecification.html
   */
  readonly algorithmSpecification: tasks.AlgorithmSpecification;

  /**
   * The metric to optimize: `HyperParameterTuningObjective.maximize('validation:accuracy')` or `.minimize(...)`.
   */
  readonly objective: HyperParameterTuningObjective;

  /**
   * The hyperparameters to tune (at least one; at most 30 of each type, names unique). With `GRID`, categorical
   * ranges only.
   */
  readonly parameterRanges: HyperParameterRange[];

  /**
   * Hyperparameters every training job gets as they are (at most 100; names not tuned).
   *
   * @default - none
   */
  readonly staticHyperParameters?: { [name: string]: string };

  /**
   * The search strategy.
   *
   * @default HyperParameterTuningStrategy.BAYESIAN
   */
  readonly strategy?: HyperParameterTuningStrategy;

  /**
   * `HYPERBAND` only: the least resource (e.g. epochs) a training job gets before it may be stopped (1 to 20000).
   *
   * @default - chosen by SageMaker
   */
  readonly hyperbandMinResource?: number;

  /**
   * `HYPERBAND` only: the most resource (e.g. epochs) a training job may use (1 to 20000).
   *
   * @default - inferred by SageMaker from an `epochs`-like static hyperparameter
   */
  readonly hyperbandMaxResource?: number;

  /**
   * How many training jobs the tuning job launches at most (at least 1).
   *
   * @default 10 (with `GRID`: not set, SageMaker runs each combination once)
   */
  readonly maxNumberOfTrainingJobs?: number;

  /**
   * How many training jobs run at the same time at most (at least 1, at most `maxNumberOfTrainingJobs`).
   *
   * @default 1
   */
  readonly maxParallelTrainingJobs?: number;

  /**
   * How long the whole tuning job may run (2 minutes to 182.5 days, whole seconds).
   *
   * @default - no limit beyond the training jobs' own
   */
  readonly maxTuningRuntime?: Duration;

  /**
   * Whether SageMaker stops training jobs that are unlikely to beat the best so far. Not with `HYPERBAND`, which
   * stops jobs early by itself.
   *
   * @default false
   */
  readonly earlyStopping?: boolean;

  /**
   * Names of up to 5 completed tuning jobs to warm-start from.
   *
   * @default - no warm start
   */
  readonly warmStartParentJobs?: string[];

  /**
   * What the warm start reuses; only with `warmStartParentJobs`.
   *
   * @default HyperParameterTuningWarmStartType.IDENTICAL_DATA_AND_ALGORITHM
   */
  readonly warmStartType?: HyperParameterTuningWarmStartType;

  /**
   * The training jobs' input channels (1 to 20, names unique). Binding each S3 location grants the job role read
   * access to exactly that prefix (with a manifest data type, the manifest's prefix only: grant the objects it lists
   * through `grantPrincipal`).
   *
   * @default - no input channels
   */
  readonly inputDataConfig?: tasks.Channel[];

  /**
   * Where the training jobs write their model artifacts, and the KMS key to encrypt them with. The job role may
   * write under that prefix only, and use the key.
   */
  readonly outputDataConfig: tasks.OutputDataConfig;

  /**
   * The instances of each training job: count (at least 1), ML instance type (`ml.` is prepended unless present),
   * volume size (1 to 16384 GiB) and volume KMS key (the job role may create a grant on it).
   *
   * @default - 1 `ml.m5.xlarge` instance with a 10 GiB volume
   */
  readonly resourceConfig?: tasks.ResourceConfig;

  /**
   * How long each training job may run (1 second to 28 days, whole seconds).
   *
   * @default - 1 hour
   */
  readonly stoppingCondition?: tasks.StoppingCondition;

  /**
   * Environment variables of the training containers (at most 48).
   *
   * @default - none
   */
  readonly environment?: { [key: string]: string };

  /**
   * The tuning job's name (at most 32 characters; it is the prefix of its training jobs' names): a literal (then
   * every execution after the first fails, since job names are unique: a warning says so), a JsonPath value
   * (JSONPath states) or a JSONata expression (JSONata states). IAM is scoped to the name's literal prefix,
   * as given and lower-cased.
   *
   * @default - `<construct id, up to 15 characters>-<16 random hex digits>`, generated per execution at run time
   */
  readonly hyperParameterTuningJobName?: string;

  /**
   * Escape hatch: request fields these props do not type yet (e.g. `Autotune`, `TuningJobCompletionCriteria`,
   * `RandomSeed`, `TrainingJobDefinition.CheckpointConfig`, managed spot training, `AutoParameters`), in the API's
   * own PascalCase, merged into the request: objects key by key, arrays appended after the typed ones. A field a
   * typed prop already sets is an error. No IAM is derived from these fields: grant what they need through
   * `grantPrincipal`.
   *
   * @default - none
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateHyperParameterTuningJob.html
   */
  readonly additionalRequestFields?: { [key: string]: any };
}

/** Properties of `SageMakerCreateHyperParameterTuningJob.jsonPath()`. */
export interface SageMakerCreateHyperParameterTuningJobJsonPathProps
  extends sfn.TaskStateJsonPathBaseProps, SageMakerCreateHyperParameterTuningJobOptions {}

/** Properties of `SageMakerCreateHyperParameterTuningJob.jsonata()`. */
export interface SageMakerCreateHyperParameterTuningJobJsonataProps
  extends sfn.TaskStateJsonataBaseProps, SageMakerCreateHyperParameterTuningJobOptions {}

/** Properties of `SageMakerCreateHyperParameterTuningJob`. */
export interface SageMakerCreateHyperParameterTuningJobProps extends sfn.TaskStateBaseProps, SageMakerCreateHyperParameterTuningJobOptions {}

const DEFAULT_MAX_TRAINING_JOBS = 10;
const DEFAULT_VOLUME_GIB = 10;
const DEFAULT_MAX_RUNTIME_SECONDS = 3600;
const MAX_RANGES_PER_TYPE = 30;
const MAX_HYPERBAND_RESOURCE = 20000;
const CHANNEL_NAME = /^[A-Za-z0-9.\-_]+$/;
const ALGORITHM_NAME = /^(arn:aws[a-z-]*:sagemaker:[a-z0-9-]*:[0-9]{12}:[a-z-]*\/)?([a-zA-Z0-9]([a-zA-Z0-9-]){0,62})(?<!-)$/;
const RANGE_FIELDS: Record<HyperParameterRangeType, string> = {
  [HyperParameterRangeType.INTEGER]: 'IntegerParameterRanges',
  [HyperParameterRangeType.CONTINUOUS]: 'ContinuousParameterRanges',
  [HyperParameterRangeType.CATEGORICAL]: 'CategoricalParameterRanges',
};

/**
 * Runs a SageMaker automatic model tuning (hyperparameter tuning) job from Step Functions: by default with `.sync`
 * (the state waits until the tuning job completes, fails or stops), or `REQUEST_RESPONSE` (the state ends as soon
 * as the job is created). The tuning job launches training jobs with the hyperparameter values its strategy picks
 * and keeps the one with the best objective metric.
 *
 * The job gets a name unique per execution, generated at run time within the API's 32 characters; the training
 * jobs get an execution role with least privilege derived from the props; and the state machine role gets exactly
 * what the integration pattern needs, scoped to the job-name prefix.
 *
 * What the state returns:
 * - `RUN_JOB` (`.sync`): the `DescribeHyperParameterTuningJob` response of the finished job, e.g.
 *   `HyperParameterTuningJobStatus` (`Completed`), `BestTrainingJob.TrainingJobName`,
 *   `BestTrainingJob.TunedHyperParameters`, `BestTrainingJob.FinalHyperParameterTuningJobObjectiveMetric`,
 *   `TrainingJobStatusCounters`. A job that ends `Failed` or `Stopped` fails the state with `States.TaskFailed`,
 *   the description in `Cause` (as a JSON string).
 * - `REQUEST_RESPONSE`: the `CreateHyperParameterTuningJob` response, `{ HyperParameterTuningJobArn }`.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/connect-sagemaker.html
 * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateHyperParameterTuningJob.html
 */
export class SageMakerCreateHyperParameterTuningJob extends SageMakerJobTask implements iam.IGrantable, ec2.IConnectable {
  /** A task that uses JSONPath. */
  public static jsonPath(
    scope: Construct,
    id: string,
    props: SageMakerCreateHyperParameterTuningJobJsonPathProps,
  ): SageMakerCreateHyperParameterTuningJob {
    return new SageMakerCreateHyperParameterTuningJob(scope, id, props);
  }

  /** A task that uses JSONata. */
  public static jsonata(
    scope: Construct,
    id: string,
    props: SageMakerCreateHyperParameterTuningJobJsonataProps,
  ): SageMakerCreateHyperParameterTuningJob {
    return new SageMakerCreateHyperParameterTuningJob(scope, id, { ...props, queryLanguage: sfn.QueryLanguage.JSONATA });
  }

  /** The training jobs' security groups (empty without a VPC). */
  public readonly connections: ec2.Connections;

  constructor(scope: Construct, id: string, props: SageMakerCreateHyperParameterTuningJobProps) {
    super(scope, id, checkProps(scope, id, props, TUNING_JOB_PROPS), TUNING_JOB, props.hyperParameterTuningJobName);
    checkHeartbeat(this, props);
    const strategy = props.strategy ?? HyperParameterTuningStrategy.BAYESIAN;
    this.validateProps(props, strategy);

    const jobRole = this._jobRole;

    const algorithm = props.algorithmSpecification;
    const imageUri = algorithm.trainingImage ? jobRole.bindImage(algorithm.trainingImage) : undefined;
    checkLength(this, 'algorithmSpecification.trainingImage', imageUri, 1, 255);

    const channels = props.inputDataConfig?.map((channel, i) => {
      const source = channel.dataSource.s3DataSource;
      const uri = jobRole.bindRead(source.s3Location);
      checkS3Uri(this, `inputDataConfig[${i}].dataSource.s3DataSource.s3Location`, uri);
      return {
        ChannelName: channel.channelName,
        DataSource: {
          S3DataSource: {
            S3Uri: uri,
            S3DataType: source.s3DataType ?? S3_PREFIX,
            ...(source.s3DataDistributionType ? { S3DataDistributionType: source.s3DataDistributionType } : {}),
            ...(source.attributeNames ? { AttributeNames: source.attributeNames } : {}),
          },
        },
        ...(channel.compressionType ? { CompressionType: channel.compressionType } : {}),
        ...(channel.contentType ? { ContentType: channel.contentType } : {}),
        ...(channel.inputMode ? { InputMode: channel.inputMode } : {}),
        ...(channel.recordWrapperType ? { RecordWrapperType: channel.recordWrapperType } : {}),
        ...(channel.shuffleConfig ? { ShuffleConfig: { Seed: channel.shuffleConfig.seed } } : {}),
      };
    });

    const outputUri = jobRole.bindWrite(props.outputDataConfig.s3OutputLocation);
    checkS3Uri(this, 'outputDataConfig.s3OutputLocation', outputUri);
    const outputKey = props.outputDataConfig.encryptionKey;
    if (outputKey) jobRole.encryptOutputWith(outputKey);
    const resources = props.resourceConfig;
    if (resources?.volumeEncryptionKey) jobRole.encryptVolumesWith(resources.volumeEncryptionKey);

    const network = attachJobNetwork(this, TUNING_JOB, jobRole, props);
    this.connections = network.connections;
    jobRole.finish();

    const request = this._setRequest({
      HyperParameterTuningJobConfig: {
        Strategy: strategy,
        ...(props.hyperbandMinResource !== undefined || props.hyperbandMaxResource !== undefined
          ? {
            StrategyConfig: {
              HyperbandStrategyConfig: {
                ...(props.hyperbandMinResource !== undefined ? { MinResource: props.hyperbandMinResource } : {}),
                ...(props.hyperbandMaxResource !== undefined ? { MaxResource: props.hyperbandMaxResource } : {}),
              },
            },
          }
          : {}),
        HyperParameterTuningJobObjective: { Type: props.objective.type, MetricName: props.objective.metricName },
        ResourceLimits: {
          ...(props.maxNumberOfTrainingJobs !== undefined || strategy !== HyperParameterTuningStrategy.GRID
            ? { MaxNumberOfTrainingJobs: props.maxNumberOfTrainingJobs ?? DEFAULT_MAX_TRAINING_JOBS }
            : {}),
          MaxParallelTrainingJobs: props.maxParallelTrainingJobs ?? 1,
          ...(props.maxTuningRuntime ? { MaxRuntimeInSeconds: props.maxTuningRuntime.toSeconds() } : {}),
        },
        ParameterRanges: renderRanges(props.parameterRanges),
        ...(props.earlyStopping !== undefined ? { TrainingJobEarlyStoppingType: props.earlyStopping ? 'Auto' : 'Off' } : {}),
      },
      TrainingJobDefinition: {
        AlgorithmSpecification: {
          ...(imageUri !== undefined ? { TrainingImage: imageUri } : {}),
          ...(algorithm.algorithmName !== undefined ? { AlgorithmName: algorithm.algorithmName } : {}),
          TrainingInputMode: algorithm.trainingInputMode ?? FILE,
          ...(algorithm.metricDefinitions ? { MetricDefinitions: algorithm.metricDefinitions.map((m) => ({ Name: m.name, Regex: m.regex })) } : {}),
        },
        RoleArn: this.role.roleArn,
        ...(props.staticHyperParameters ? { StaticHyperParameters: props.staticHyperParameters } : {}),
        ...(channels ? { InputDataConfig: channels } : {}),
        OutputDataConfig: { S3OutputPath: outputUri, ...(outputKey ? { KmsKeyId: outputKey.keyArn } : {}) },
        ResourceConfig: {
          InstanceCount: resources?.instanceCount ?? 1,
          InstanceType: renderInstanceType(resources?.instanceType, 'ml.m5.xlarge'),
          VolumeSizeInGB: resources ? resources.volumeSize.toGibibytes() : DEFAULT_VOLUME_GIB,
          ...(resources?.volumeEncryptionKey ? { VolumeKmsKeyId: resources.volumeEncryptionKey.keyArn } : {}),
        },
        StoppingCondition: {
          MaxRuntimeInSeconds: props.stoppingCondition?.maxRuntime ? props.stoppingCondition.maxRuntime.toSeconds() : DEFAULT_MAX_RUNTIME_SECONDS,
        },
        ...(props.environment ? { Environment: props.environment } : {}),
        ...(props.enableNetworkIsolation !== undefined ? { EnableNetworkIsolation: props.enableNetworkIsolation } : {}),
        ...(props.enableInterContainerTrafficEncryption !== undefined
          ? { EnableInterContainerTrafficEncryption: props.enableInterContainerTrafficEncryption }
          : {}),
        ...(network.vpcConfig ? { VpcConfig: network.vpcConfig } : {}),
      },
      ...(props.warmStartParentJobs
        ? {
          WarmStartConfig: {
            ParentHyperParameterTuningJobs: props.warmStartParentJobs.map((name) => ({ HyperParameterTuningJobName: name })),
            WarmStartType: props.warmStartType ?? HyperParameterTuningWarmStartType.IDENTICAL_DATA_AND_ALGORITHM,
          },
        }
        : {}),
      ...tagsField(props.tags),
    }, props.additionalRequestFields, [this.role]);
    this.validateMergedRequest(request);
  }

  private validateProps(props: SageMakerCreateHyperParameterTuningJobProps, strategy: HyperParameterTuningStrategy): void {
    this.validateAlgorithm(props.algorithmSpecification);
    checkLength(this, 'objective.metricName', props.objective.metricName, 1, 255);
    this.validateRanges(props.parameterRanges, strategy);

    const statics = props.staticHyperParameters;
    if (statics && !isUnresolved(statics)) {
      const entries = Object.entries(statics);
      if (entries.length > 100) invalid(this, 'staticHyperParameters', 'at most 100 hyperparameters', `${entries.length} hyperparameters`);
      const tuned = new Set(props.parameterRanges.map((r) => r.name));
      for (const [name, value] of entries) {
        checkLength(this, `staticHyperParameters key ${JSON.stringify(name)}`, name, 1, 256);
        checkLength(this, `staticHyperParameters.${name}`, value, 0, 2500);
        if (tuned.has(name)) invalid(this, `staticHyperParameters.${name}`, 'a hyperparameter that is not also in parameterRanges', name);
      }
    }

    // Resource limits.
    checkMinInteger(this, 'maxNumberOfTrainingJobs', props.maxNumberOfTrainingJobs, 1);
    checkMinInteger(this, 'maxParallelTrainingJobs', props.maxParallelTrainingJobs, 1);
    const maxJobs = props.maxNumberOfTrainingJobs ?? (strategy === HyperParameterTuningStrategy.GRID ? undefined : DEFAULT_MAX_TRAINING_JOBS);
    const maxParallel = props.maxParallelTrainingJobs;
    if (isLiteral(maxJobs) && isLiteral(maxParallel) && maxParallel > maxJobs) {
      invalid(this, 'maxParallelTrainingJobs', `at most maxNumberOfTrainingJobs (${maxJobs}${props.maxNumberOfTrainingJobs === undefined ? ', the default' : ''})`, maxParallel);
    }
    if (props.maxTuningRuntime) checkDurationRange(this, 'maxTuningRuntime', props.maxTuningRuntime, Duration.seconds(120), Duration.seconds(15768000));

    // Strategy-specific settings.
    const hyperband = strategy === HyperParameterTuningStrategy.HYPERBAND;
    for (const prop of ['hyperbandMinResource', 'hyperbandMaxResource'] as const) {
      if (props[prop] !== undefined && !hyperband) invalid(this, prop, 'given only with strategy HYPERBAND', strategy);
      checkIntegerRange(this, prop, props[prop], 1, MAX_HYPERBAND_RESOURCE);
    }
    const [minResource, maxResource] = [props.hyperbandMinResource, props.hyperbandMaxResource];
    if (isLiteral(minResource) && isLiteral(maxResource) && minResource > maxResource) {
      invalid(this, 'hyperbandMinResource', `at most hyperbandMaxResource (${maxResource})`, minResource);
    }
    if (hyperband && props.earlyStopping) {
      invalid(this, 'earlyStopping', 'false or unset with strategy HYPERBAND (Hyperband stops training jobs early by itself)', true);
    }

    // Warm start.
    const parents = props.warmStartParentJobs;
    checkCount(this, 'warmStartParentJobs', parents, 1, 5);
    if (parents && isUnresolved(parents)) {
      invalid(this, 'warmStartParentJobs', 'a list of job names (each name may be a JsonPath or JSONata value, the list itself cannot)', 'a list known only at run time');
    } else if (parents) {
      parents.forEach((name, i) => {
        checkLength(this, `warmStartParentJobs[${i}]`, name, 1, TUNING_JOB.maxNameLength);
        checkPattern(this, `warmStartParentJobs[${i}]`, name, JOB_NAME_PATTERN, `a tuning job name (${JOB_NAME_PATTERN.source})`);
      });
    }
    if (props.warmStartType && !parents) invalid(this, 'warmStartType', 'given only with warmStartParentJobs', props.warmStartType);

    // The training job definition.
    const channels = props.inputDataConfig;
    checkCount(this, 'inputDataConfig', channels, 1, 20);
    checkUnique(this, 'inputDataConfig[].channelName', (channels ?? []).map((c) => c.channelName));
    channels?.forEach((channel, i) => {
      checkLength(this, `inputDataConfig[${i}].channelName`, channel.channelName, 1, 64);
      checkPattern(this, `inputDataConfig[${i}].channelName`, channel.channelName, CHANNEL_NAME, `letters, digits and .-_ (${CHANNEL_NAME.source})`);
      checkLength(this, `inputDataConfig[${i}].contentType`, channel.contentType, 0, 256);
      checkCount(this, `inputDataConfig[${i}].dataSource.s3DataSource.attributeNames`, channel.dataSource.s3DataSource.attributeNames, 0, 16);
    });
    const resources = props.resourceConfig;
    if (resources) {
      checkMinInteger(this, 'resourceConfig.instanceCount', resources.instanceCount, 1);
      checkSizeRange(this, 'resourceConfig.volumeSize', resources.volumeSize, 1, 16384);
    }
    const maxRuntime = props.stoppingCondition?.maxRuntime;
    if (maxRuntime) checkDurationRange(this, 'stoppingCondition.maxRuntime', maxRuntime, Duration.seconds(1), Duration.days(28));
    checkEnvironment(this, props.environment, { maxVariables: 48, maxKeyLength: 512, maxValueLength: 512 });
    checkNetworkProps(this, props);
    checkTags(this, props.tags);
  }

  private validateAlgorithm(algorithm: tasks.AlgorithmSpecification): void {
    if ((algorithm.trainingImage === undefined) === (algorithm.algorithmName === undefined)) {
      invalid(this, 'algorithmSpecification', 'exactly one of trainingImage or algorithmName', algorithm.trainingImage ? 'both' : 'neither');
    }
    checkLength(this, 'algorithmSpecification.algorithmName', algorithm.algorithmName, 1, 170);
    checkPattern(this, 'algorithmSpecification.algorithmName', algorithm.algorithmName, ALGORITHM_NAME, 'an algorithm name or ARN');
    const metrics = algorithm.metricDefinitions;
    checkCount(this, 'algorithmSpecification.metricDefinitions', metrics, 0, 40);
    checkUnique(this, 'algorithmSpecification.metricDefinitions[].name', (metrics ?? []).map((m) => m.name));
    metrics?.forEach((metric, i) => {
      checkLength(this, `algorithmSpecification.metricDefinitions[${i}].name`, metric.name, 1, 255);
      checkLength(this, `algorithmSpecification.metricDefinitions[${i}].regex`, metric.regex, 1, 500);
    });
  }

  private validateRanges(ranges: HyperParameterRange[], strategy: HyperParameterTuningStrategy): void {
    if (isUnresolved(ranges)) return;
    checkCount(this, 'parameterRanges', ranges, 1, 3 * MAX_RANGES_PER_TYPE);
    checkUnique(this, 'parameterRanges[].name', ranges.map((r) => r.name));
    for (const type of Object.values(HyperParameterRangeType)) {
      const count = ranges.filter((r) => r.type === type).length;
      if (count > MAX_RANGES_PER_TYPE) invalid(this, 'parameterRanges', `at most ${MAX_RANGES_PER_TYPE} ${type.toLowerCase()} ranges`, `${count} ${type.toLowerCase()} ranges`);
    }
    ranges.forEach((range, i) => {
      const at = `parameterRanges[${i}]`;
      checkLength(this, `${at}.name`, range.name, 1, 256);
      if (strategy === HyperParameterTuningStrategy.GRID && range.type !== HyperParameterRangeType.CATEGORICAL) {
        invalid(this, `${at}`, 'a categorical range (GRID searches categorical ranges only)', `${range.type.toLowerCase()} range ${range.name}`);
      }
      if (range.type === HyperParameterRangeType.CATEGORICAL) {
        checkCount(this, `${at}.values`, range.values, 1, 30);
        range.values?.forEach((value, j) => checkLength(this, `${at}.values[${j}]`, value, 1, 256));
        return;
      }
      this.validateNumericRange(at, range);
    });
  }

  private validateNumericRange(at: string, range: HyperParameterRange): void {
    const { minValue, maxValue, scalingType } = range;
    if (!isLiteral(minValue) || !isLiteral(maxValue)) return;
    for (const [field, value] of [['minValue', minValue], ['maxValue', maxValue]] as const) {
      const ok = range.type === HyperParameterRangeType.INTEGER ? Number.isInteger(value) : Number.isFinite(value);
      if (!ok) invalid(this, `${at}.${field}`, range.type === HyperParameterRangeType.INTEGER ? 'an integer' : 'a finite number', Number.isFinite(value) ? value : String(value));
    }
    if (minValue > maxValue) invalid(this, `${at}.minValue`, `at most maxValue (${maxValue})`, minValue);
    if (scalingType === HyperParameterScalingType.LOGARITHMIC && minValue <= 0) {
      invalid(this, `${at}.minValue`, 'greater than 0 with LOGARITHMIC scaling', minValue);
    }
    if (scalingType === HyperParameterScalingType.REVERSE_LOGARITHMIC) {
      if (range.type !== HyperParameterRangeType.CONTINUOUS) {
        invalid(this, `${at}.scalingType`, 'REVERSE_LOGARITHMIC only on continuous ranges', `${range.type.toLowerCase()} range`);
      }
      if (minValue < 0 || maxValue >= 1) {
        invalid(this, `${at}`, 'a range within 0 <= x < 1 with REVERSE_LOGARITHMIC scaling', `${minValue} to ${maxValue}`);
      }
    }
  }

  /** Bounds that also count what `additionalRequestFields` appended. */
  private validateMergedRequest(request: Record<string, any>): void {
    const ranges = request.HyperParameterTuningJobConfig?.ParameterRanges ?? {};
    for (const field of Object.values(RANGE_FIELDS)) {
      const list = ranges[field];
      if (Array.isArray(list) && !isUnresolved(list)) {
        checkCount(this, `parameterRanges and additionalRequestFields ${field}`, list, 0, MAX_RANGES_PER_TYPE);
      }
    }
    const channels = request.TrainingJobDefinition?.InputDataConfig;
    if (Array.isArray(channels) && !isUnresolved(channels)) {
      checkCount(this, 'inputDataConfig and additionalRequestFields.TrainingJobDefinition.InputDataConfig', channels, 1, 20);
      checkUnique(this, 'additionalRequestFields.TrainingJobDefinition.InputDataConfig[].ChannelName', channels.map((c: any) => c?.ChannelName).filter((n: unknown) => typeof n === 'string'));
    }
  }
}

/** `ParameterRanges` as the API takes it: one list per type, numbers as strings. */
function renderRanges(ranges: HyperParameterRange[]): Record<string, any[]> {
  const rendered: Record<string, any[]> = {};
  for (const range of ranges) {
    const field = RANGE_FIELDS[range.type];
    (rendered[field] ??= []).push(range.type === HyperParameterRangeType.CATEGORICAL
      ? { Name: range.name, Values: range.values }
      : {
        Name: range.name,
        MinValue: numberAsString(range.minValue!),
        MaxValue: numberAsString(range.maxValue!),
        ...(range.scalingType ? { ScalingType: range.scalingType } : {}),
      });
  }
  return rendered;
}

/** The kinds of the props (see `checkProps`). */
const TUNING_JOB_PROPS: Record<string, string> = {
  ...SAGEMAKER_COMMON_PROPS,
  ...SAGEMAKER_NETWORK_PROPS,
  'algorithmSpecification': 'object',
  'algorithmSpecification.trainingImage': 'dockerImage?',
  'algorithmSpecification.algorithmName': 'string?',
  'objective': 'instance',
  'parameterRanges': 'instance[]',
  'staticHyperParameters': '{string}?',
  'strategy': 'any?',
  'hyperbandMinResource': 'number?',
  'hyperbandMaxResource': 'number?',
  'maxNumberOfTrainingJobs': 'number?',
  'maxParallelTrainingJobs': 'number?',
  'maxTuningRuntime': 'duration?',
  'earlyStopping': 'boolean?',
  'warmStartParentJobs': 'string[]?',
  'warmStartType': 'any?',
  'inputDataConfig': 'object[]?',
  'inputDataConfig[].channelName': 'string',
  'inputDataConfig[].dataSource': 'object',
  'outputDataConfig': 'object',
  'outputDataConfig.s3OutputLocation': 's3Location',
  'outputDataConfig.encryptionKey': 'key?',
  'resourceConfig': 'object?',
  'resourceConfig.instanceCount': 'number?',
  'resourceConfig.instanceType': 'instanceType?',
  'resourceConfig.volumeSize': 'size?',
  'resourceConfig.volumeEncryptionKey': 'key?',
  'stoppingCondition': 'object?',
  'stoppingCondition.maxRuntime': 'duration?',
  'stoppingCondition.maxWaitTime': 'duration?',
  'environment': '{string}?',
  'hyperParameterTuningJobName': 'string?',
  'additionalRequestFields': 'object?',
};
