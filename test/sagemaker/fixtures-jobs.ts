/** Fixtures of the tuning and labeling job tests: the smallest valid jobs, on one data bucket per stack. */
import { Stack, aws_s3 as s3, aws_stepfunctions_tasks as tasks } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import {
  HyperParameterRange,
  HyperParameterScalingType,
  HyperParameterTuningObjective,
  LabelingFunction,
  LabelingTaskUi,
  SageMakerCreateHyperParameterTuningJobProps,
  SageMakerCreateLabelingJobProps,
} from '../../src';

/** A training image in a private ECR repository, referenced by URI (DockerImage.fromRegistry). */
export const TRAIN_IMAGE = '123456789012.dkr.ecr.us-east-1.amazonaws.com/xgboost-train:v1';

/** The data bucket's name (an imported bucket: URIs and ARNs are literal). */
export const DATA_BUCKET = 'ml-data';

/** A private work team. */
export const WORKTEAM_ARN = 'arn:aws:sagemaker:us-east-1:123456789012:workteam/private-crowd/labelers';

/** Amazon Mechanical Turk. */
export const PUBLIC_WORKTEAM_ARN = 'arn:aws:sagemaker:us-east-1:394669845002:workteam/public-crowd/default';

/** Ground Truth's own functions for the bounding box task type in us-east-1 (AWS-owned). */
export const PRE_BOUNDING_BOX = 'arn:aws:lambda:us-east-1:432418664414:function:PRE-BoundingBox';
export const ACS_BOUNDING_BOX = 'arn:aws:lambda:us-east-1:432418664414:function:ACS-BoundingBox';

/** The data bucket of the stack holding `scope` (created once per stack). */
export function dataBucket(scope: Construct): s3.IBucket {
  const stack = Stack.of(scope);
  return (stack.node.tryFindChild('DataBucket') as s3.IBucket | undefined) ?? s3.Bucket.fromBucketName(stack, 'DataBucket', DATA_BUCKET);
}

/** `s3://ml-data/<key>` as a bound location. */
export function dataLocation(scope: Construct, key: string): tasks.S3Location {
  return tasks.S3Location.fromBucket(dataBucket(scope), key);
}

/** The smallest tuning job: an image, an objective, two ranges, an output location. */
export function tuningProps(
  scope: Construct,
  extra: Partial<SageMakerCreateHyperParameterTuningJobProps> = {},
): SageMakerCreateHyperParameterTuningJobProps {
  return {
    algorithmSpecification: { trainingImage: tasks.DockerImage.fromRegistry(TRAIN_IMAGE) },
    objective: HyperParameterTuningObjective.maximize('validation:auc'),
    parameterRanges: [
      HyperParameterRange.continuous('eta', 0.01, 0.3, HyperParameterScalingType.LOGARITHMIC),
      HyperParameterRange.integer('max_depth', 3, 10),
    ],
    outputDataConfig: { s3OutputLocation: dataLocation(scope, 'models/') },
    ...extra,
  };
}

/** The ranges of `tuningProps`, as the API takes them. */
export const TUNING_RANGES = {
  ContinuousParameterRanges: [{ Name: 'eta', MinValue: '0.01', MaxValue: '0.3', ScalingType: 'Logarithmic' }],
  IntegerParameterRanges: [{ Name: 'max_depth', MinValue: '3', MaxValue: '10' }],
};

/** A bounding-box labeling job with Ground Truth's built-in functions and a template in S3. */
export function labelingProps(scope: Construct, extra: Partial<SageMakerCreateLabelingJobProps> = {}): SageMakerCreateLabelingJobProps {
  return {
    inputManifest: dataLocation(scope, 'images/manifest.json'),
    outputLocation: dataLocation(scope, 'labels/'),
    labelAttributeName: 'cars',
    labelCategoryConfig: dataLocation(scope, 'config/categories.json'),
    workteamArn: WORKTEAM_ARN,
    taskUi: LabelingTaskUi.fromTemplate(dataLocation(scope, 'config/bounding-box.liquid')),
    preHumanTaskFunction: LabelingFunction.builtIn(PRE_BOUNDING_BOX),
    annotationConsolidationFunction: LabelingFunction.builtIn(ACS_BOUNDING_BOX),
    taskTitle: 'Draw boxes around cars',
    taskDescription: 'Draw a box around every car in the image',
    ...extra,
  };
}
