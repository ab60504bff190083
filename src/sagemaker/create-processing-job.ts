import { Duration, Size } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { invalid } from '../private/errors';
import { isDynamic } from '../private/expressions';
import { checkCount, checkDurationRange, checkIntegerRange, checkLength, checkPattern, checkSizeRange, checkUnique, checkHeartbeat, checkProps } from '../private/validation';
import { checkEnvironment, checkS3Uri, checkStringList, checkTags, renderInstanceType, tagsField } from './private/checks';
import { PROCESSING_JOB } from './private/job-kind';
import { SageMakerJobTask } from './private/job-task';
import { attachJobNetwork, checkNetworkProps } from './private/network';
import { SAGEMAKER_COMMON_PROPS, SAGEMAKER_NETWORK_PROPS, SageMakerJobCommonOptions, SageMakerJobNetworkOptions } from './private/options';
import { FILE, FULLY_REPLICATED, GZIP, isUnresolved, MANIFEST_FILE, PIPE, S3_PREFIX } from './private/refs';

/**
 * When a processing job uploads an output to Amazon S3.
 *
 * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ProcessingS3Output.html
 */
export enum ProcessingS3UploadMode {
  /** Upload continuously while the job runs. */
  CONTINUOUS = 'Continuous',
  /** Upload once, when the job ends. */
  END_OF_JOB = 'EndOfJob',
}

/**
 * An S3 input of a processing job: SageMaker copies (or streams) it into the container before the job starts.
 *
 * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ProcessingInput.html
 */
export interface ProcessingInput {
  /** The input's name, unique within the job. */
  readonly inputName: string;

  /**
   * Where the data is in Amazon S3: a key prefix (or a manifest file, see `s3DataType`). Binding it grants the job
   * role read access to exactly that prefix.
   */
  readonly source: tasks.S3Location;

  /**
   * Where the data lands in the container; must start with `/opt/ml/processing/`.
   *
   * @default '/opt/ml/processing/input/<inputName>'
   */
  readonly localPath?: string;

  /**
   * Whether `source` is a key prefix or a manifest file listing the objects (`S3_PREFIX` or `MANIFEST_FILE`). With a
   * manifest, only the manifest's own prefix is granted: grant the objects it lists yourself (`task.grantPrincipal`).
   *
   * @default tasks.S3DataType.S3_PREFIX
   */
  readonly s3DataType?: tasks.S3DataType;

  /**
   * `FILE` copies the data onto the volume before the container starts; `PIPE` streams it.
   *
   * @default tasks.InputMode.FILE
   */
  readonly inputMode?: tasks.InputMode;

  /**
   * Whether every instance gets all the data or a shard of it (by S3 key).
   *
   * @default tasks.S3DataDistributionType.FULLY_REPLICATED
   */
  readonly s3DataDistributionType?: tasks.S3DataDistributionType;

  /**
   * Whether to GZIP-decompress the data as it is streamed (`GZIP` needs `inputMode: PIPE`).
   *
   * @default - not compressed
   */
  readonly compressionType?: tasks.CompressionType;
}

/**
 * An S3 output of a processing job: SageMaker uploads what the container writes to `localPath`.
 *
 * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ProcessingOutput.html
 */
export interface ProcessingOutput {
  /** The output's name, unique within the job. */
  readonly outputName: string;

  /** Where the output goes in Amazon S3. Binding it grants the job role `s3:PutObject` under that prefix. */
  readonly destination: tasks.S3Location;

  /**
   * The container directory whose contents are uploaded; must start with `/opt/ml/processing/`.
   *
   * @default '/opt/ml/processing/output/<outputName>'
   */
  readonly localPath?: string;

  /**
   * When the output is uploaded.
   *
   * @default ProcessingS3UploadMode.END_OF_JOB
   */
  readonly uploadMode?: ProcessingS3UploadMode;
}

/**
 * Associates a SageMaker job with a SageMaker Experiments experiment, trial and run.
 *
 * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ExperimentConfig.html
 */
export interface ExperimentConfig {
  /**
   * The experiment's name.
   *
   * @default - none
   */
  readonly experimentName?: string;

  /**
   * The trial's name.
   *
   * @default - none
   */
  readonly trialName?: string;

  /**
   * The display name of the trial component created for the job.
   *
   * @default - none
   */
  readonly trialComponentDisplayName?: string;

  /**
   * The experiment run's name.
   *
   * @default - none
   */
  readonly runName?: string;
}

/** The task's own fields; see the three exported props below. */
interface SageMakerCreateProcessingJobOptions extends SageMakerJobCommonOptions, SageMakerJobNetworkOptions {
  /**
   * The container image the job runs (`tasks.DockerImage.fromEcrRepository`, `fromAsset`, `fromRegistry`, …).
   * The job role may pull it: on its ECR repository only.
   */
  readonly image: tasks.DockerImage;

  /**
   * The container's entrypoint.
   *
   * @default - the image's entrypoint
   */
  readonly containerEntrypoint?: string[];

  /**
   * The container's arguments.
   *
   * @default - none
   */
  readonly containerArguments?: string[];

  /**
   * Environment variables of the container (at most 100).
   *
   * @default - none
   */
  readonly environment?: { [key: string]: string };

  /**
   * The job's S3 inputs (at most 10, names unique).
   *
   * @default - none
   */
  readonly processingInputs?: ProcessingInput[];

  /**
   * The job's S3 outputs (at most 10, names unique). (Not `outputs`: that is the state's JSONata `Output`.)
   *
   * @default - none
   */
  readonly processingOutputs?: ProcessingOutput[];

  /**
   * KMS key SageMaker encrypts the outputs with. The job role may use it to encrypt.
   *
   * @default - the bucket's default encryption
   */
  readonly outputEncryptionKey?: kms.IKey;

  /**
   * The ML instance type (`ml.` is prepended unless present).
   *
   * @default ml.m5.xlarge
   */
  readonly instanceType?: ec2.InstanceType;

  /**
   * How many instances run the job (1 to 100).
   *
   * @default 1
   */
  readonly instanceCount?: number;

  /**
   * The storage volume of each instance, in whole GiB (1 to 16384).
   *
   * @default Size.gibibytes(30)
   */
  readonly volumeSize?: Size;

  /**
   * KMS key that encrypts the instances' storage volumes. The job role may create a grant on it.
   *
   * @default - SageMaker's default volume encryption
   */
  readonly volumeEncryptionKey?: kms.IKey;

  /**
   * How long the job may run before SageMaker stops it (1 second to 9 days, whole seconds).
   *
   * @default Duration.hours(1)
   */
  readonly maxRuntime?: Duration;

  /**
   * The job's name: a literal (then every execution after the first fails, since job names are unique: a warning
   * says so), a JsonPath value (JSONPath states) or a JSONata expression (JSONata states). IAM is scoped to the
   * name's literal prefix, as given and lower-cased.
   *
   * @default - `<construct id>-<uuid>`, generated per execution at run time
   */
  readonly processingJobName?: string;

  /**
   * Associates the job with a SageMaker Experiments experiment.
   *
   * @default - none
   */
  readonly experimentConfig?: ExperimentConfig;

  /**
   * Escape hatch: request fields these props do not type yet (e.g. Athena or Redshift `DatasetDefinition` inputs,
   * `FeatureStoreOutput` outputs, `AppManaged`), in the API's own PascalCase, merged into the request: objects
   * key by key, arrays appended after the typed ones (`ProcessingInputs`, `ProcessingOutputConfig.Outputs`).
   * A field a typed prop already sets is an error. No IAM is derived from these fields: grant what they need
   * through `grantPrincipal`.
   *
   * @default - none
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateProcessingJob.html
   */
  readonly additionalRequestFields?: { [key: string]: any };
}

/** Properties of `SageMakerCreateProcessingJob.jsonPath()`. */
export interface SageMakerCreateProcessingJobJsonPathProps extends sfn.TaskStateJsonPathBaseProps, SageMakerCreateProcessingJobOptions {}

/** Properties of `SageMakerCreateProcessingJob.jsonata()`. */
export interface SageMakerCreateProcessingJobJsonataProps extends sfn.TaskStateJsonataBaseProps, SageMakerCreateProcessingJobOptions {}

/** Properties of `SageMakerCreateProcessingJob`. */
export interface SageMakerCreateProcessingJobProps extends sfn.TaskStateBaseProps, SageMakerCreateProcessingJobOptions {}

const LOCAL_PATH_ROOT = '/opt/ml/processing/';
const DEFAULT_VOLUME_GIB = 30;
const DEFAULT_MAX_RUNTIME_SECONDS = 3600;
const EXPERIMENT_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,119}$/;

/**
 * Runs a SageMaker Processing job from Step Functions: by default with `.sync` (the state waits until the job
 * completes, fails or stops), or `REQUEST_RESPONSE` (the state ends as soon as the job is created).
 *
 * The job gets a name unique per execution, generated at run time with a readable prefix; an execution role with
 * least privilege derived from the props; and the state machine role gets exactly what the integration pattern
 * needs, scoped to the job-name prefix.
 *
 * What the state returns:
 * - `RUN_JOB` (`.sync`): the `DescribeProcessingJob` response of the finished job, e.g. `ProcessingJobName`,
 *   `ProcessingJobArn`, `ProcessingJobStatus` (`Completed`), `ProcessingOutputConfig.Outputs[].S3Output.S3Uri`,
 *   `ProcessingStartTime`, `ProcessingEndTime`, `ExitMessage`. A job that ends `Failed` or `Stopped` fails the
 *   state with `States.TaskFailed`, the description in `Cause` (as a JSON string).
 * - `REQUEST_RESPONSE`: the `CreateProcessingJob` response, `{ ProcessingJobArn }`.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/connect-sagemaker.html
 * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateProcessingJob.html
 */
export class SageMakerCreateProcessingJob extends SageMakerJobTask implements iam.IGrantable, ec2.IConnectable {
  /** A task that uses JSONPath. */
  public static jsonPath(scope: Construct, id: string, props: SageMakerCreateProcessingJobJsonPathProps): SageMakerCreateProcessingJob {
    return new SageMakerCreateProcessingJob(scope, id, props);
  }

  /** A task that uses JSONata. */
  public static jsonata(scope: Construct, id: string, props: SageMakerCreateProcessingJobJsonataProps): SageMakerCreateProcessingJob {
    return new SageMakerCreateProcessingJob(scope, id, { ...props, queryLanguage: sfn.QueryLanguage.JSONATA });
  }

  /** The job's security groups (empty without a VPC). */
  public readonly connections: ec2.Connections;

  constructor(scope: Construct, id: string, props: SageMakerCreateProcessingJobProps) {
    super(scope, id, checkProps(scope, id, props, PROCESSING_JOB_PROPS), PROCESSING_JOB, props.processingJobName);
    checkHeartbeat(this, props);
    this.validateProps(props);

    const jobRole = this._jobRole;

    const imageUri = jobRole.bindImage(props.image);
    checkLength(this, 'image', imageUri, 1, 255);

    const inputs = (props.processingInputs ?? []).map((input, i) => {
      const uri = jobRole.bindRead(input.source);
      checkS3Uri(this, `processingInputs[${i}].source`, uri);
      return {
        InputName: input.inputName,
        S3Input: {
          S3Uri: uri,
          LocalPath: input.localPath ?? defaultLocalPath(this, `processingInputs[${i}]`, 'input', input.inputName),
          S3DataType: input.s3DataType ?? S3_PREFIX,
          S3InputMode: input.inputMode ?? FILE,
          S3DataDistributionType: input.s3DataDistributionType ?? FULLY_REPLICATED,
          ...(input.compressionType ? { S3CompressionType: input.compressionType } : {}),
        },
      };
    });

    const outputs = (props.processingOutputs ?? []).map((output, i) => {
      const uri = jobRole.bindWrite(output.destination);
      checkS3Uri(this, `processingOutputs[${i}].destination`, uri);
      return {
        OutputName: output.outputName,
        S3Output: {
          S3Uri: uri,
          LocalPath: output.localPath ?? defaultLocalPath(this, `processingOutputs[${i}]`, 'output', output.outputName),
          S3UploadMode: output.uploadMode ?? ProcessingS3UploadMode.END_OF_JOB,
        },
      };
    });
    if (props.outputEncryptionKey) jobRole.encryptOutputWith(props.outputEncryptionKey);
    if (props.volumeEncryptionKey) jobRole.encryptVolumesWith(props.volumeEncryptionKey);

    const network = attachJobNetwork(this, PROCESSING_JOB, jobRole, props);
    this.connections = network.connections;
    jobRole.finish();

    const networkConfig = {
      ...(props.enableInterContainerTrafficEncryption !== undefined
        ? { EnableInterContainerTrafficEncryption: props.enableInterContainerTrafficEncryption }
        : {}),
      ...(props.enableNetworkIsolation !== undefined ? { EnableNetworkIsolation: props.enableNetworkIsolation } : {}),
      ...(network.vpcConfig ? { VpcConfig: network.vpcConfig } : {}),
    };

    const request = this._setRequest({
      RoleArn: this.role.roleArn,
      AppSpecification: {
        ImageUri: imageUri,
        ...(props.containerEntrypoint ? { ContainerEntrypoint: props.containerEntrypoint } : {}),
        ...(props.containerArguments ? { ContainerArguments: props.containerArguments } : {}),
      },
      ...(props.environment ? { Environment: props.environment } : {}),
      ...(inputs.length > 0 ? { ProcessingInputs: inputs } : {}),
      ...(outputs.length > 0
        ? { ProcessingOutputConfig: { Outputs: outputs, ...(props.outputEncryptionKey ? { KmsKeyId: props.outputEncryptionKey.keyArn } : {}) } }
        : {}),
      ProcessingResources: {
        ClusterConfig: {
          InstanceCount: props.instanceCount ?? 1,
          InstanceType: renderInstanceType(props.instanceType, 'ml.m5.xlarge'),
          VolumeSizeInGB: props.volumeSize ? props.volumeSize.toGibibytes() : DEFAULT_VOLUME_GIB,
          ...(props.volumeEncryptionKey ? { VolumeKmsKeyId: props.volumeEncryptionKey.keyArn } : {}),
        },
      },
      StoppingCondition: { MaxRuntimeInSeconds: props.maxRuntime ? props.maxRuntime.toSeconds() : DEFAULT_MAX_RUNTIME_SECONDS },
      ...(Object.keys(networkConfig).length > 0 ? { NetworkConfig: networkConfig } : {}),
      ...(props.experimentConfig ? { ExperimentConfig: renderExperimentConfig(props.experimentConfig) } : {}),
      ...tagsField(props.tags),
    }, props.additionalRequestFields, [this.role]);
    this.validateMergedRequest(request);
  }

  private validateProps(props: SageMakerCreateProcessingJobProps): void {
    checkIntegerRange(this, 'instanceCount', props.instanceCount, 1, 100);
    checkSizeRange(this, 'volumeSize', props.volumeSize, 1, 16384);
    if (props.maxRuntime) checkDurationRange(this, 'maxRuntime', props.maxRuntime, Duration.seconds(1), Duration.seconds(777600));

    checkStringList(this, 'containerEntrypoint', props.containerEntrypoint, 1, 100, 256);
    checkStringList(this, 'containerArguments', props.containerArguments, 1, 100, 256);
    checkEnvironment(this, props.environment, { maxVariables: 100, maxKeyLength: 256, maxValueLength: 256 });

    const inputs = props.processingInputs ?? [];
    checkCount(this, 'processingInputs', inputs, 0, 10);
    checkUnique(this, 'processingInputs[].inputName', inputs.map((i) => i.inputName));
    inputs.forEach((input, i) => {
      const at = `processingInputs[${i}]`;
      checkLength(this, `${at}.inputName`, input.inputName, 1, 256);
      checkLocalPath(this, `${at}.localPath`, input.localPath);
      if (input.s3DataType && ![S3_PREFIX, MANIFEST_FILE].includes(input.s3DataType)) {
        invalid(this, `${at}.s3DataType`, 'S3_PREFIX or MANIFEST_FILE (processing jobs take no augmented manifests)', input.s3DataType);
      }
      if (input.inputMode && ![FILE, PIPE].includes(input.inputMode)) {
        invalid(this, `${at}.inputMode`, 'FILE or PIPE', input.inputMode);
      }
      if (input.compressionType === GZIP && input.inputMode !== PIPE) {
        invalid(this, `${at}.compressionType`, 'NONE unless inputMode is PIPE (SageMaker only decompresses streamed input)', input.compressionType);
      }
    });

    const outputs = props.processingOutputs ?? [];
    checkCount(this, 'processingOutputs', outputs, 0, 10);
    checkUnique(this, 'processingOutputs[].outputName', outputs.map((o) => o.outputName));
    outputs.forEach((output, i) => {
      checkLength(this, `processingOutputs[${i}].outputName`, output.outputName, 1, 256);
      checkLocalPath(this, `processingOutputs[${i}].localPath`, output.localPath);
    });
    if (props.outputEncryptionKey && outputs.length === 0) {
      invalid(this, 'outputEncryptionKey', 'given only with processingOutputs (it encrypts them)', 'a key and no outputs');
    }

    checkNetworkProps(this, props);
    checkTags(this, props.tags);

    const experiment = props.experimentConfig ?? {};
    for (const field of ['experimentName', 'trialName', 'trialComponentDisplayName', 'runName'] as const) {
      checkLength(this, `experimentConfig.${field}`, experiment[field], 1, 120);
      checkPattern(this, `experimentConfig.${field}`, experiment[field], EXPERIMENT_NAME, `letters, digits and dashes (${EXPERIMENT_NAME.source})`);
    }
  }

  /** Bounds that also count what `additionalRequestFields` appended. */
  private validateMergedRequest(request: Record<string, any>): void {
    const inputs = request.ProcessingInputs;
    if (Array.isArray(inputs) && !isUnresolved(inputs)) {
      checkCount(this, 'processingInputs and additionalRequestFields.ProcessingInputs', inputs, 0, 10);
      checkUnique(this, 'additionalRequestFields.ProcessingInputs[].InputName', inputs.map((i: any) => i?.InputName).filter((n: unknown) => typeof n === 'string'));
    }
    const outputs = request.ProcessingOutputConfig?.Outputs;
    if (Array.isArray(outputs) && !isUnresolved(outputs)) {
      checkCount(this, 'processingOutputs and additionalRequestFields.ProcessingOutputConfig.Outputs', outputs, 0, 10);
      checkUnique(this, 'additionalRequestFields.ProcessingOutputConfig.Outputs[].OutputName', outputs.map((o: any) => o?.OutputName).filter((n: unknown) => typeof n === 'string'));
    }
  }
}

function checkLocalPath(scope: Construct, prop: string, path: string | undefined): void {
  if (path === undefined || isDynamic(path)) return;
  if (!path.startsWith(LOCAL_PATH_ROOT) || path.length === LOCAL_PATH_ROOT.length) {
    invalid(scope, prop, `a path under ${LOCAL_PATH_ROOT}`, path);
  }
  checkLength(scope, prop, path, 1, 256);
}

function defaultLocalPath(scope: Construct, prop: string, kind: 'input' | 'output', name: string): string {
  if (isDynamic(name)) {
    invalid(scope, `${prop}.localPath`, `given when the ${kind} name is only known at run time`, 'undefined');
  }
  const path = `${LOCAL_PATH_ROOT}${kind}/${name}`;
  checkLocalPath(scope, `${prop}.localPath (default, from the ${kind} name)`, path);
  return path;
}

function renderExperimentConfig(config: ExperimentConfig): Record<string, string> {
  return {
    ...(config.experimentName !== undefined ? { ExperimentName: config.experimentName } : {}),
    ...(config.trialName !== undefined ? { TrialName: config.trialName } : {}),
    ...(config.trialComponentDisplayName !== undefined ? { TrialComponentDisplayName: config.trialComponentDisplayName } : {}),
    ...(config.runName !== undefined ? { RunName: config.runName } : {}),
  };
}

/** The kinds of the props (see `checkProps`). */
const PROCESSING_JOB_PROPS: Record<string, string> = {
  ...SAGEMAKER_COMMON_PROPS,
  ...SAGEMAKER_NETWORK_PROPS,
  'image': 'dockerImage',
  'containerEntrypoint': 'string[]?',
  'containerArguments': 'string[]?',
  'environment': '{string}?',
  'processingInputs': 'instance[]?',
  'processingInputs[].inputName': 'string',
  'processingInputs[].source': 's3Location',
  'processingInputs[].localPath': 'string?',
  'processingOutputs': 'instance[]?',
  'processingOutputs[].outputName': 'string',
  'processingOutputs[].destination': 's3Location',
  'processingOutputs[].localPath': 'string?',
  'outputEncryptionKey': 'key?',
  'instanceType': 'instanceType?',
  'instanceCount': 'number?',
  'volumeSize': 'size?',
  'volumeEncryptionKey': 'key?',
  'maxRuntime': 'duration?',
  'processingJobName': 'string?',
  'experimentConfig': 'object?',
  'experimentConfig.experimentName': 'string?',
  'experimentConfig.trialName': 'string?',
  'experimentConfig.trialComponentDisplayName': 'string?',
  'experimentConfig.runName': 'string?',
  'additionalRequestFields': 'object?',
};
