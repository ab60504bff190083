import { Aws, Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { invalid } from '../private/errors';
import { isLiteral } from '../private/expressions';
import { checkCount, checkDurationRange, checkIntegerRange, checkLength, checkPattern, checkUnique, checkHeartbeat, checkProps } from '../private/validation';
import { checkArn, checkMinInteger, checkS3Uri, checkTags, tagsField } from './private/checks';
import { LABELING_JOB } from './private/job-kind';
import { SageMakerJobTask } from './private/job-task';
import { SAGEMAKER_COMMON_PROPS, SageMakerJobCommonOptions } from './private/options';
import { isUnresolved } from './private/refs';

/**
 * What the workers' UI is: a Liquid/HTML worker task template in Amazon S3 (custom workflows and most built-in task
 * types), or a built-in human task UI (3D point cloud, video frame and named entity recognition task types).
 *
 * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_UiConfig.html
 */
export class LabelingTaskUi {
  /** A worker task template in Amazon S3; the job role may read it. */
  public static fromTemplate(template: tasks.S3Location): LabelingTaskUi {
    return new LabelingTaskUi(template, undefined);
  }

  /** A built-in human task UI, e.g. `arn:aws:sagemaker:us-east-1:394669845002:human-task-ui/PointCloudObjectDetection`. */
  public static fromHumanTaskUiArn(humanTaskUiArn: string): LabelingTaskUi {
    return new LabelingTaskUi(undefined, humanTaskUiArn);
  }

  private constructor(
    /** The worker task template in Amazon S3. */
    public readonly template?: tasks.S3Location,
    /** The built-in human task UI. */
    public readonly humanTaskUiArn?: string,
  ) {}
}

/**
 * A Lambda function Ground Truth runs for the labeling job: before each task (pre-annotation) or to consolidate
 * the workers' annotations.
 *
 * @see https://docs.aws.amazon.com/sagemaker/latest/dg/sms-custom-templates-step3.html
 */
export class LabelingFunction {
  /**
   * One of Ground Truth's own functions for a built-in task type (an AWS-owned ARN per Region, e.g.
   * `arn:aws:lambda:us-east-1:432418664414:function:PRE-BoundingBox`): the job role needs no permission for it.
   */
  public static builtIn(functionArn: string): LabelingFunction {
    return new LabelingFunction(functionArn, false);
  }

  /** Your function (custom workflows): the job role may invoke it. */
  public static fromFunction(fn: lambda.IFunction): LabelingFunction {
    return new LabelingFunction(fn.functionArn, true);
  }

  /** Your function, by ARN (custom workflows): the job role may invoke it. */
  public static fromFunctionArn(functionArn: string): LabelingFunction {
    return new LabelingFunction(functionArn, true);
  }

  private constructor(
    /** The function's ARN. */
    public readonly functionArn: string,
    /** Whether the function is yours: the job role is then allowed to invoke it. */
    public readonly invokedByJobRole: boolean,
  ) {}
}

/**
 * Declares the input data free of personally identifiable information or adult content (needed to use the Amazon
 * Mechanical Turk workforce).
 *
 * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_LabelingJobDataAttributes.html
 */
export enum LabelingContentClassifier {
  /** The data holds no personally identifiable information. */
  FREE_OF_PERSONALLY_IDENTIFIABLE_INFORMATION = 'FreeOfPersonallyIdentifiableInformation',
  /** The data holds no adult content. */
  FREE_OF_ADULT_CONTENT = 'FreeOfAdultContent',
}

/**
 * The algorithm of automated data labeling, one per task type.
 *
 * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_LabelingJobAlgorithmsConfig.html
 */
export class LabelingJobAlgorithm {
  /** Image classification. */
  public static readonly IMAGE_CLASSIFICATION = LabelingJobAlgorithm.builtIn('image-classification');
  /** Text classification. */
  public static readonly TEXT_CLASSIFICATION = LabelingJobAlgorithm.builtIn('text-classification');
  /** Object detection (bounding boxes). */
  public static readonly OBJECT_DETECTION = LabelingJobAlgorithm.builtIn('object-detection');
  /** Semantic segmentation. */
  public static readonly SEMANTIC_SEGMENTATION = LabelingJobAlgorithm.builtIn('semantic-segmentation');

  /** An algorithm specification by ARN. */
  public static fromArn(algorithmSpecificationArn: string): LabelingJobAlgorithm {
    return new LabelingJobAlgorithm(algorithmSpecificationArn);
  }

  private static builtIn(name: string): LabelingJobAlgorithm {
    // Ground Truth's algorithm specifications live in the same AWS account in every Region.
    return new LabelingJobAlgorithm(`arn:${Aws.PARTITION}:sagemaker:${Aws.REGION}:027400017018:labeling-job-algorithm-specification/${name}`);
  }

  private constructor(
    /** The algorithm specification's ARN. */
    public readonly algorithmSpecificationArn: string,
  ) {}
}

/**
 * Automated data labeling: Ground Truth trains a model on the human labels and labels the objects it is confident
 * about. The job role may pass itself to SageMaker for the training and inference jobs this runs.
 *
 * @see https://docs.aws.amazon.com/sagemaker/latest/dg/sms-automated-labeling.html
 */
export interface AutomatedLabelingConfig {
  /** The algorithm for the task type, e.g. `LabelingJobAlgorithm.IMAGE_CLASSIFICATION`. */
  readonly algorithm: LabelingJobAlgorithm;

  /**
   * The ARN of a model from a previous labeling job to start active learning from.
   *
   * @default - a new model
   */
  readonly initialActiveLearningModelArn?: string;

  /**
   * KMS key that encrypts the storage volumes of the training and inference jobs. The job role may create a grant
   * on it.
   *
   * @default - SageMaker's default volume encryption
   */
  readonly volumeEncryptionKey?: kms.IKey;
}

/**
 * What the Amazon Mechanical Turk workforce is paid per task (by each worker).
 *
 * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_USD.html
 */
export interface PublicWorkforceTaskPrice {
  /**
   * Whole dollars (0 to 2).
   *
   * @default 0
   */
  readonly dollars?: number;

  /**
   * Cents (0 to 99).
   *
   * @default 0
   */
  readonly cents?: number;

  /**
   * Tenths of a cent (0 to 9).
   *
   * @default 0
   */
  readonly tenthFractionsOfACent?: number;
}

/** The task's own fields; see the three exported props below. */
interface SageMakerCreateLabelingJobOptions extends SageMakerJobCommonOptions {
  /**
   * The input manifest: one JSON line per data object to label. The job role may read it and, unless
   * `inputDataLocations` says otherwise, the objects beside it (the manifest's folder).
   */
  readonly inputManifest: tasks.S3Location;

  /**
   * Where the data objects the manifest lists are: the job role may read under each location.
   *
   * @default - the folder holding the manifest (its key up to the last `/`)
   */
  readonly inputDataLocations?: tasks.S3Location[];

  /**
   * Declarations about the data (required to use the Amazon Mechanical Turk workforce).
   *
   * @default - none
   */
  readonly contentClassifiers?: LabelingContentClassifier[];

  /** Where Ground Truth writes the output manifest and annotations; the job role may write under it. */
  readonly outputLocation: tasks.S3Location;

  /**
   * KMS key that encrypts the output; the job role may use it.
   *
   * @default - the bucket's default encryption
   */
  readonly outputEncryptionKey?: kms.IKey;

  /**
   * The label's key in the output manifest (1 to 127 letters, digits and single dashes; not ending in
   * `-metadata`). Some built-in task types require it to end in `-ref`.
   */
  readonly labelAttributeName: string;

  /**
   * The label category configuration file (the labels workers choose from); the job role may read it.
   *
   * @default - none
   */
  readonly labelCategoryConfig?: tasks.S3Location;

  /** The work team's ARN: a private team, a vendor, or `…:394669845002:workteam/public-crowd/default` (Amazon Mechanical Turk). */
  readonly workteamArn: string;

  /** The workers' UI: `LabelingTaskUi.fromTemplate(...)` or `LabelingTaskUi.fromHumanTaskUiArn(...)`. */
  readonly taskUi: LabelingTaskUi;

  /**
   * The function run before each task: `LabelingFunction.builtIn(...)` for a built-in task type, or your own.
   *
   * @default - none
   */
  readonly preHumanTaskFunction?: LabelingFunction;

  /**
   * The function that consolidates the workers' annotations: `LabelingFunction.builtIn(...)` or your own.
   *
   * @default - none
   */
  readonly annotationConsolidationFunction?: LabelingFunction;

  /** The task's title, shown to workers (1 to 128 characters). */
  readonly taskTitle: string;

  /** The task's description, shown to workers (1 to 255 characters). */
  readonly taskDescription: string;

  /**
   * Keywords that help workers find the task (1 to 5, each 1 to 30 letters, digits and single spaces).
   *
   * @default - none
   */
  readonly taskKeywords?: string[];

  /**
   * How many workers label each data object (1 to 9).
   *
   * @default 1
   */
  readonly numberOfHumanWorkersPerDataObject?: number;

  /**
   * How long a worker has for a task (at least 30 seconds; at most 8 hours with a task template, 30 days with a
   * human task UI (3D point cloud and video frame task types)).
   *
   * @default Duration.minutes(5)
   */
  readonly taskTimeLimit?: Duration;

  /**
   * How long a task stays available to workers (at least 1 minute; at most 12 hours for Amazon Mechanical Turk, 30
   * days otherwise).
   *
   * @default - 6 hours for Amazon Mechanical Turk, 30 days for private and vendor work teams
   */
  readonly taskAvailabilityLifetime?: Duration;

  /**
   * How many data objects workers label at the same time at most (1 to 5000; above 1000 needs a quota increase).
   *
   * @default 1000
   */
  readonly maxConcurrentTaskCount?: number;

  /**
   * The price per task for the Amazon Mechanical Turk workforce.
   *
   * @default - none (private and vendor work teams)
   */
  readonly publicWorkforceTaskPrice?: PublicWorkforceTaskPrice;

  /**
   * Stop after workers have labeled this many objects (at least 1).
   *
   * @default - no limit
   */
  readonly maxHumanLabeledObjectCount?: number;

  /**
   * Stop after this percentage of the input has been labeled (1 to 100).
   *
   * @default - no limit
   */
  readonly maxPercentageOfInputDatasetLabeled?: number;

  /**
   * Automated data labeling (active learning).
   *
   * @default - humans label every object
   */
  readonly automatedLabeling?: AutomatedLabelingConfig;

  /**
   * The job's name: a literal (then every execution after the first fails, since job names are unique: a warning
   * says so), a JsonPath value (JSONPath states) or a JSONata expression (JSONata states). IAM is scoped to the
   * name's literal prefix, as given and lower-cased.
   *
   * @default - `<construct id>-<uuid>`, generated per execution at run time
   */
  readonly labelingJobName?: string;

  /**
   * Escape hatch: request fields these props do not type yet (e.g. streaming jobs' `SnsDataSource` and
   * `OutputConfig.SnsTopicArn`, `LabelingJobResourceConfig.VpcConfig`), in the API's own PascalCase, merged into the
   * request: objects key by key, arrays appended after the typed ones. A field a typed prop already sets is an
   * error. No IAM is derived from these fields: grant what they need through `grantPrincipal`.
   *
   * @default - none
   * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateLabelingJob.html
   */
  readonly additionalRequestFields?: { [key: string]: any };
}

/** Properties of `SageMakerCreateLabelingJob.jsonPath()`. */
export interface SageMakerCreateLabelingJobJsonPathProps extends sfn.TaskStateJsonPathBaseProps, SageMakerCreateLabelingJobOptions {}

/** Properties of `SageMakerCreateLabelingJob.jsonata()`. */
export interface SageMakerCreateLabelingJobJsonataProps extends sfn.TaskStateJsonataBaseProps, SageMakerCreateLabelingJobOptions {}

/** Properties of `SageMakerCreateLabelingJob`. */
export interface SageMakerCreateLabelingJobProps extends sfn.TaskStateBaseProps, SageMakerCreateLabelingJobOptions {}

const DEFAULT_TASK_TIME_LIMIT_SECONDS = 300;
const LABEL_ATTRIBUTE_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,126}$/;
const TASK_KEYWORD = /^[A-Za-z0-9]+( [A-Za-z0-9]+)*$/;
const TASK_TITLE = /^[\t\n\r -\uD7FF\uE000-\uFFFD]*$/;
const WORKTEAM_ARN = /^arn:aws[a-z-]*:sagemaker:[a-z0-9-]*:[0-9]{12}:workteam\/.*$/;
const HUMAN_TASK_UI_ARN = /^arn:aws[a-z-]*:sagemaker:[a-z0-9-]+:[0-9]{12}:human-task-ui\/.*$/;
const LAMBDA_ARN = /^arn:aws[a-z-]*:lambda:[a-z0-9-]*:[0-9]{12}:function:.*$/;
const MODEL_ARN = /^arn:aws[a-z-]*:sagemaker:[a-z0-9-]*:[0-9]{12}:model\/.*$/;
const PUBLIC_CROWD = ':workteam/public-crowd/';

/**
 * Runs a SageMaker Ground Truth labeling job from Step Functions: by default with `.sync` (the state waits until
 * the workers have labeled the data and the job completes, fails or stops), or `REQUEST_RESPONSE` (the state ends as
 * soon as the job is created).
 *
 * The job gets a name unique per execution, generated at run time with a readable prefix; an execution role with
 * least privilege derived from the props (the manifest and the data beside it, the template, the label categories,
 * the output, keys and your own functions); and the state machine role gets exactly what the integration pattern
 * needs, scoped to the job-name prefix.
 *
 * What the state returns:
 * - `RUN_JOB` (`.sync`): the `DescribeLabelingJob` response of the finished job, e.g. `LabelingJobStatus`
 *   (`Completed`), `LabelingJobOutput.OutputDatasetS3Uri` (the output manifest), `LabelCounters`. A job that ends
 *   `Failed` or `Stopped` fails the state with `States.TaskFailed`, the description in `Cause` (as a JSON string).
 * - `REQUEST_RESPONSE`: the `CreateLabelingJob` response, `{ LabelingJobArn }`.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/connect-sagemaker.html
 * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateLabelingJob.html
 */
export class SageMakerCreateLabelingJob extends SageMakerJobTask implements iam.IGrantable {
  /** A task that uses JSONPath. */
  public static jsonPath(scope: Construct, id: string, props: SageMakerCreateLabelingJobJsonPathProps): SageMakerCreateLabelingJob {
    return new SageMakerCreateLabelingJob(scope, id, props);
  }

  /** A task that uses JSONata. */
  public static jsonata(scope: Construct, id: string, props: SageMakerCreateLabelingJobJsonataProps): SageMakerCreateLabelingJob {
    return new SageMakerCreateLabelingJob(scope, id, { ...props, queryLanguage: sfn.QueryLanguage.JSONATA });
  }

  constructor(scope: Construct, id: string, props: SageMakerCreateLabelingJobProps) {
    super(scope, id, checkProps(scope, id, props, LABELING_JOB_PROPS), LABELING_JOB, props.labelingJobName);
    checkHeartbeat(this, props);
    this.validateProps(props);

    const jobRole = this._jobRole;

    // Reads: the manifest (and, by default, its folder), the data, the label categories, the template.
    const manifestUri = jobRole.bindRead(props.inputManifest, props.inputDataLocations === undefined ? 'folder' : 'object');
    checkS3Uri(this, 'inputManifest', manifestUri);
    props.inputDataLocations?.forEach((location, i) => checkS3Uri(this, `inputDataLocations[${i}]`, jobRole.bindRead(location)));
    const categoriesUri = props.labelCategoryConfig ? jobRole.bindRead(props.labelCategoryConfig, 'object') : undefined;
    if (categoriesUri !== undefined) checkS3Uri(this, 'labelCategoryConfig', categoriesUri);
    const templateUri = props.taskUi.template ? jobRole.bindRead(props.taskUi.template, 'object') : undefined;
    if (templateUri !== undefined) checkS3Uri(this, 'taskUi (template)', templateUri);

    // Writes, keys, functions, automated labeling.
    const outputUri = jobRole.bindWrite(props.outputLocation);
    checkS3Uri(this, 'outputLocation', outputUri);
    if (props.outputEncryptionKey) jobRole.encryptOutputWith(props.outputEncryptionKey);
    for (const fn of [props.preHumanTaskFunction, props.annotationConsolidationFunction]) {
      if (fn?.invokedByJobRole) jobRole.allowInvoke(fn.functionArn);
    }
    const automated = props.automatedLabeling;
    if (automated) {
      jobRole.allowPassingItself();
      if (automated.volumeEncryptionKey) jobRole.encryptVolumesWith(automated.volumeEncryptionKey);
    }
    jobRole.finish();

    const stopping = {
      ...(props.maxHumanLabeledObjectCount !== undefined ? { MaxHumanLabeledObjectCount: props.maxHumanLabeledObjectCount } : {}),
      ...(props.maxPercentageOfInputDatasetLabeled !== undefined
        ? { MaxPercentageOfInputDatasetLabeled: props.maxPercentageOfInputDatasetLabeled }
        : {}),
    };
    this._setRequest({
      LabelAttributeName: props.labelAttributeName,
      InputConfig: {
        DataSource: { S3DataSource: { ManifestS3Uri: manifestUri } },
        ...(props.contentClassifiers ? { DataAttributes: { ContentClassifiers: props.contentClassifiers } } : {}),
      },
      OutputConfig: { S3OutputPath: outputUri, ...(props.outputEncryptionKey ? { KmsKeyId: props.outputEncryptionKey.keyArn } : {}) },
      RoleArn: this.role.roleArn,
      ...(categoriesUri !== undefined ? { LabelCategoryConfigS3Uri: categoriesUri } : {}),
      ...(Object.keys(stopping).length > 0 ? { StoppingConditions: stopping } : {}),
      ...(automated ? { LabelingJobAlgorithmsConfig: renderAutomatedLabeling(automated) } : {}),
      HumanTaskConfig: {
        WorkteamArn: props.workteamArn,
        UiConfig: templateUri !== undefined ? { UiTemplateS3Uri: templateUri } : { HumanTaskUiArn: props.taskUi.humanTaskUiArn },
        ...(props.preHumanTaskFunction ? { PreHumanTaskLambdaArn: props.preHumanTaskFunction.functionArn } : {}),
        ...(props.taskKeywords ? { TaskKeywords: props.taskKeywords } : {}),
        TaskTitle: props.taskTitle,
        TaskDescription: props.taskDescription,
        NumberOfHumanWorkersPerDataObject: props.numberOfHumanWorkersPerDataObject ?? 1,
        TaskTimeLimitInSeconds: props.taskTimeLimit ? props.taskTimeLimit.toSeconds() : DEFAULT_TASK_TIME_LIMIT_SECONDS,
        ...(props.taskAvailabilityLifetime ? { TaskAvailabilityLifetimeInSeconds: props.taskAvailabilityLifetime.toSeconds() } : {}),
        ...(props.maxConcurrentTaskCount !== undefined ? { MaxConcurrentTaskCount: props.maxConcurrentTaskCount } : {}),
        ...(props.annotationConsolidationFunction
          ? { AnnotationConsolidationConfig: { AnnotationConsolidationLambdaArn: props.annotationConsolidationFunction.functionArn } }
          : {}),
        ...(props.publicWorkforceTaskPrice ? { PublicWorkforceTaskPrice: { AmountInUsd: renderPrice(props.publicWorkforceTaskPrice) } } : {}),
      },
      ...tagsField(props.tags),
    }, props.additionalRequestFields, [this.role]);
  }

  private validateProps(props: SageMakerCreateLabelingJobProps): void {
    checkLength(this, 'labelAttributeName', props.labelAttributeName, 1, 127);
    checkPattern(this, 'labelAttributeName', props.labelAttributeName, LABEL_ATTRIBUTE_NAME, `letters, digits and single dashes (${LABEL_ATTRIBUTE_NAME.source})`);
    if (isLiteral(props.labelAttributeName) && props.labelAttributeName.endsWith('-metadata')) {
      invalid(this, 'labelAttributeName', 'a name not ending in "-metadata" (Ground Truth writes that attribute itself)', props.labelAttributeName);
    }
    if (props.inputDataLocations?.length === 0) {
      invalid(this, 'inputDataLocations', "at least one location (leave it unset for the manifest's folder)", 'an empty list');
    }
    checkCount(this, 'contentClassifiers', props.contentClassifiers, 0, 256);
    checkUnique(this, 'contentClassifiers', props.contentClassifiers ?? []);

    // The human task.
    checkArn(this, 'workteamArn', props.workteamArn, WORKTEAM_ARN, 'a work team ARN', 256);
    if (props.taskUi.humanTaskUiArn !== undefined) {
      checkArn(this, 'taskUi (human task UI ARN)', props.taskUi.humanTaskUiArn, HUMAN_TASK_UI_ARN, 'a human task UI ARN', 1024);
    }
    checkArn(this, 'preHumanTaskFunction', props.preHumanTaskFunction?.functionArn, LAMBDA_ARN, 'a Lambda function ARN');
    checkArn(this, 'annotationConsolidationFunction', props.annotationConsolidationFunction?.functionArn, LAMBDA_ARN, 'a Lambda function ARN');
    checkLength(this, 'taskTitle', props.taskTitle, 1, 128);
    checkPattern(this, 'taskTitle', props.taskTitle, TASK_TITLE, 'printable text');
    checkLength(this, 'taskDescription', props.taskDescription, 1, 255);
    checkCount(this, 'taskKeywords', props.taskKeywords, 1, 5);
    if (props.taskKeywords && !isUnresolved(props.taskKeywords)) {
      props.taskKeywords.forEach((keyword, i) => {
        checkLength(this, `taskKeywords[${i}]`, keyword, 1, 30);
        checkPattern(this, `taskKeywords[${i}]`, keyword, TASK_KEYWORD, 'letters and digits, words separated by single spaces');
      });
    }
    checkIntegerRange(this, 'numberOfHumanWorkersPerDataObject', props.numberOfHumanWorkersPerDataObject, 1, 9);
    this.validateTimes(props);
    checkIntegerRange(this, 'maxConcurrentTaskCount', props.maxConcurrentTaskCount, 1, 5000);
    const price = props.publicWorkforceTaskPrice;
    if (price) {
      checkIntegerRange(this, 'publicWorkforceTaskPrice.dollars', price.dollars, 0, 2);
      checkIntegerRange(this, 'publicWorkforceTaskPrice.cents', price.cents, 0, 99);
      checkIntegerRange(this, 'publicWorkforceTaskPrice.tenthFractionsOfACent', price.tenthFractionsOfACent, 0, 9);
    }

    // Stopping conditions and automated labeling.
    checkMinInteger(this, 'maxHumanLabeledObjectCount', props.maxHumanLabeledObjectCount, 1);
    checkIntegerRange(this, 'maxPercentageOfInputDatasetLabeled', props.maxPercentageOfInputDatasetLabeled, 1, 100);
    const automated = props.automatedLabeling;
    if (automated) {
      checkLength(this, 'automatedLabeling.algorithm', automated.algorithm.algorithmSpecificationArn, 1, 2048);
      checkPattern(this, 'automatedLabeling.algorithm', automated.algorithm.algorithmSpecificationArn, /^arn:/, 'an ARN');
      checkArn(this, 'automatedLabeling.initialActiveLearningModelArn', automated.initialActiveLearningModelArn, MODEL_ARN, 'a SageMaker model ARN');
    }
    checkTags(this, props.tags);
  }

  /** Task time limits depend on the UI (template: 8 hours) and the workforce (Mechanical Turk: 12 hours available). */
  private validateTimes(props: SageMakerCreateLabelingJobProps): void {
    const template = props.taskUi.template !== undefined;
    const timeLimitMax = template ? Duration.hours(8) : Duration.days(30);
    if (props.taskTimeLimit) {
      checkDurationRange(this, `taskTimeLimit (with ${template ? 'a task template' : 'a human task UI'})`, props.taskTimeLimit, Duration.seconds(30), timeLimitMax);
    }
    const publicCrowd = isLiteral(props.workteamArn) && props.workteamArn.includes(PUBLIC_CROWD);
    if (props.taskAvailabilityLifetime) {
      const at = `taskAvailabilityLifetime (${publicCrowd ? 'Amazon Mechanical Turk' : 'private or vendor work team'})`;
      checkDurationRange(this, at, props.taskAvailabilityLifetime, Duration.minutes(1), publicCrowd ? Duration.hours(12) : Duration.days(30));
    }
  }
}

function renderAutomatedLabeling(config: AutomatedLabelingConfig): Record<string, any> {
  return {
    LabelingJobAlgorithmSpecificationArn: config.algorithm.algorithmSpecificationArn,
    ...(config.initialActiveLearningModelArn ? { InitialActiveLearningModelArn: config.initialActiveLearningModelArn } : {}),
    ...(config.volumeEncryptionKey ? { LabelingJobResourceConfig: { VolumeKmsKeyId: config.volumeEncryptionKey.keyArn } } : {}),
  };
}

function renderPrice(price: PublicWorkforceTaskPrice): Record<string, number> {
  return { Dollars: price.dollars ?? 0, Cents: price.cents ?? 0, TenthFractionsOfACent: price.tenthFractionsOfACent ?? 0 };
}

/** The kinds of the props (see `checkProps`). */
const LABELING_JOB_PROPS: Record<string, string> = {
  ...SAGEMAKER_COMMON_PROPS,
  'inputManifest': 's3Location',
  'inputDataLocations': 's3Location[]?',
  'contentClassifiers': 'any?',
  'outputLocation': 's3Location',
  'outputEncryptionKey': 'key?',
  'labelAttributeName': 'string',
  'labelCategoryConfig': 's3Location?',
  'workteamArn': 'string',
  'taskUi': 'instance',
  'preHumanTaskFunction': 'instance?',
  'annotationConsolidationFunction': 'instance?',
  'taskTitle': 'string',
  'taskDescription': 'string',
  'taskKeywords': 'string[]?',
  'numberOfHumanWorkersPerDataObject': 'number?',
  'taskTimeLimit': 'duration?',
  'taskAvailabilityLifetime': 'duration?',
  'maxConcurrentTaskCount': 'number?',
  'publicWorkforceTaskPrice': 'object?',
  'publicWorkforceTaskPrice.dollars': 'number?',
  'publicWorkforceTaskPrice.cents': 'number?',
  'publicWorkforceTaskPrice.tenthFractionsOfACent': 'number?',
  'maxHumanLabeledObjectCount': 'number?',
  'maxPercentageOfInputDatasetLabeled': 'number?',
  'automatedLabeling': 'object?',
  'automatedLabeling.algorithm': 'instance',
  'automatedLabeling.initialActiveLearningModelArn': 'string?',
  'automatedLabeling.volumeEncryptionKey': 'key?',
  'labelingJobName': 'string?',
  'additionalRequestFields': 'object?',
};
