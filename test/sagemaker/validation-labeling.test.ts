/**
 * Every bound of the CreateLabelingJob API reference fails at synth time with `<path>: <prop> must be <rule>; got
 * <value>`; values known only later skip the checks.
 *
 * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateLabelingJob.html
 * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_HumanTaskConfig.html
 */
import { Duration, Lazy, Token, aws_stepfunctions as sfn, aws_stepfunctions_tasks as tasks } from 'aws-cdk-lib';
import { PUBLIC_WORKTEAM_ARN, dataLocation, labelingProps } from './fixtures-jobs';
import {
  LabelingContentClassifier,
  LabelingFunction,
  LabelingJobAlgorithm,
  LabelingTaskUi,
  SageMakerCreateLabelingJob,
  SageMakerCreateLabelingJobProps,
} from '../../src';
import { CdkSfnJobsError } from '../../src/private/errors';
import { newTestStack } from '../support';

type Extra = (stack: any) => Partial<SageMakerCreateLabelingJobProps>;

function make(extra: Extra): () => SageMakerCreateLabelingJob {
  return () => {
    const stack = newTestStack();
    return new SageMakerCreateLabelingJob(stack, 'Label', labelingProps(stack, extra(stack)));
  };
}

const POINT_CLOUD_UI = LabelingTaskUi.fromHumanTaskUiArn('arn:aws:sagemaker:us-east-1:394669845002:human-task-ui/PointCloudObjectDetection');

describe('each API bound fails at synth time, naming the prop, the rule and the value', () => {
  test.each<[string, Extra, RegExp]>([
    ['integrationPattern: no callback', () => ({ integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN }), /Label: integrationPattern must be one of REQUEST_RESPONSE, RUN_JOB; got "WAIT_FOR_TASK_TOKEN"/],
    // the label attribute and the data
    ['label attribute name over 127 characters', () => ({ labelAttributeName: 'l'.repeat(128) }), /labelAttributeName must be between 1 and 127 characters long/],
    ['label attribute name with an underscore', () => ({ labelAttributeName: 'my_label' }), /labelAttributeName must be letters, digits and single dashes/],
    ['label attribute name ending in -metadata', () => ({ labelAttributeName: 'cars-metadata' }), /labelAttributeName must be a name not ending in "-metadata".*; got "cars-metadata"/],
    ['an empty list of data locations', () => ({ inputDataLocations: [] }), /inputDataLocations must be at least one location \(leave it unset for the manifest's folder\); got "an empty list"/],
    ['duplicate content classifiers', () => ({ contentClassifiers: [LabelingContentClassifier.FREE_OF_ADULT_CONTENT, LabelingContentClassifier.FREE_OF_ADULT_CONTENT] }), /contentClassifiers must be unique; got "FreeOfAdultContent"/],
    ['manifest URI over 1024 characters', (s) => ({ inputManifest: dataLocation(s, 'k'.repeat(1020)) }), /inputManifest must be between 1 and 1024 characters long/],
    ['output URI over 1024 characters', (s) => ({ outputLocation: dataLocation(s, 'k'.repeat(1020)) }), /outputLocation must be between 1 and 1024 characters long/],
    // the human task
    ['workteam ARN of another resource type', () => ({ workteamArn: 'arn:aws:sagemaker:us-east-1:123456789012:workforce/default' }), /workteamArn must be a work team ARN/],
    ['workteam ARN over 256 characters', () => ({ workteamArn: `arn:aws:sagemaker:us-east-1:123456789012:workteam/private-crowd/${'t'.repeat(200)}` }), /workteamArn must be between 1 and 256 characters long/],
    ['human task UI ARN of another resource type', () => ({ taskUi: LabelingTaskUi.fromHumanTaskUiArn('arn:aws:sagemaker:us-east-1:394669845002:workteam/x') }), /taskUi \(human task UI ARN\) must be a human task UI ARN/],
    ['pre-annotation ARN that is no function', () => ({ preHumanTaskFunction: LabelingFunction.builtIn('arn:aws:lambda:us-east-1:432418664414:layer:PRE') }), /preHumanTaskFunction must be a Lambda function ARN/],
    ['consolidation ARN of another service', () => ({ annotationConsolidationFunction: LabelingFunction.fromFunctionArn('arn:aws:states:us-east-1:123456789012:stateMachine:acs') }), /annotationConsolidationFunction must be a Lambda function ARN/],
    ['empty title', () => ({ taskTitle: '' }), /taskTitle must be between 1 and 128 characters long; got ""/],
    ['title over 128 characters', () => ({ taskTitle: 't'.repeat(129) }), /taskTitle must be between 1 and 128 characters long/],
    ['title with a control character', () => ({ taskTitle: 'Draw\u0007boxes' }), /taskTitle must be printable text/],
    ['description over 255 characters', () => ({ taskDescription: 'd'.repeat(256) }), /taskDescription must be between 1 and 255 characters long/],
    ['6 keywords', () => ({ taskKeywords: ['a', 'b', 'c', 'd', 'e', 'f'] }), /taskKeywords must be a list of 1 to 5 items; got "6 items"/],
    ['no keywords', () => ({ taskKeywords: [] }), /taskKeywords must be a list of 1 to 5 items; got "0 items"/],
    ['keyword over 30 characters', () => ({ taskKeywords: ['k'.repeat(31)] }), /taskKeywords\[0\] must be between 1 and 30 characters long/],
    ['keyword with punctuation', () => ({ taskKeywords: ['bounding-boxes'] }), /taskKeywords\[0\] must be letters and digits, words separated by single spaces; got "bounding-boxes"/],
    ['0 workers per object', () => ({ numberOfHumanWorkersPerDataObject: 0 }), /numberOfHumanWorkersPerDataObject must be an integer between 1 and 9; got 0/],
    ['10 workers per object', () => ({ numberOfHumanWorkersPerDataObject: 10 }), /numberOfHumanWorkersPerDataObject must be an integer between 1 and 9; got 10/],
    ['task time limit of 10 seconds', () => ({ taskTimeLimit: Duration.seconds(10) }), /taskTimeLimit \(with a task template\) must be between 30 seconds and 8 hours; got 10 seconds/],
    ['task time limit of 9 hours with a template', () => ({ taskTimeLimit: Duration.hours(9) }), /taskTimeLimit \(with a task template\) must be between 30 seconds and 8 hours; got 9 hours/],
    ['task time limit of 31 days with a human task UI', () => ({ taskUi: POINT_CLOUD_UI, taskTimeLimit: Duration.days(31) }), /taskTimeLimit \(with a human task UI\) must be between 30 seconds and 30 days; got 31 days/],
    ['task time limit with milliseconds', () => ({ taskTimeLimit: Duration.millis(30500) }), /taskTimeLimit \(with a task template\) must be a whole number of seconds/],
    ['availability of 30 seconds', () => ({ taskAvailabilityLifetime: Duration.seconds(30) }), /taskAvailabilityLifetime \(private or vendor work team\) must be between 1 minute and 30 days; got 30 seconds/],
    ['availability of 31 days', () => ({ taskAvailabilityLifetime: Duration.days(31) }), /taskAvailabilityLifetime \(private or vendor work team\) must be between 1 minute and 30 days/],
    ['availability of 13 hours on Mechanical Turk', () => ({ workteamArn: PUBLIC_WORKTEAM_ARN, taskAvailabilityLifetime: Duration.hours(13) }), /taskAvailabilityLifetime \(Amazon Mechanical Turk\) must be between 1 minute and 12 hours; got 13 hours/],
    ['0 concurrent tasks', () => ({ maxConcurrentTaskCount: 0 }), /maxConcurrentTaskCount must be an integer between 1 and 5000; got 0/],
    ['5001 concurrent tasks', () => ({ maxConcurrentTaskCount: 5001 }), /maxConcurrentTaskCount must be an integer between 1 and 5000; got 5001/],
    ['3 dollars per task', () => ({ publicWorkforceTaskPrice: { dollars: 3 } }), /publicWorkforceTaskPrice\.dollars must be an integer between 0 and 2; got 3/],
    ['100 cents', () => ({ publicWorkforceTaskPrice: { cents: 100 } }), /publicWorkforceTaskPrice\.cents must be an integer between 0 and 99; got 100/],
    ['10 tenths of a cent', () => ({ publicWorkforceTaskPrice: { tenthFractionsOfACent: 10 } }), /publicWorkforceTaskPrice\.tenthFractionsOfACent must be an integer between 0 and 9; got 10/],
    // stopping conditions and automated labeling
    ['0 human-labeled objects', () => ({ maxHumanLabeledObjectCount: 0 }), /maxHumanLabeledObjectCount must be an integer of at least 1; got 0/],
    ['101 percent', () => ({ maxPercentageOfInputDatasetLabeled: 101 }), /maxPercentageOfInputDatasetLabeled must be an integer between 1 and 100; got 101/],
    ['algorithm that is no ARN', () => ({ automatedLabeling: { algorithm: LabelingJobAlgorithm.fromArn('image-classification') } }), /automatedLabeling\.algorithm must be an ARN; got "image-classification"/],
    ['initial model that is no model', () => ({ automatedLabeling: { algorithm: LabelingJobAlgorithm.IMAGE_CLASSIFICATION, initialActiveLearningModelArn: 'arn:aws:sagemaker:us-east-1:123456789012:endpoint/x' } }), /automatedLabeling\.initialActiveLearningModelArn must be a SageMaker model ARN/],
    // tags, the name and the escape hatch
    ['51 tags', () => ({ tags: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`t${i}`, 'x'])) }), /tags must be at most 50 tags; got "51 tags"/],
    ['tag value with a forbidden character', () => ({ tags: { team: 'ml;drop' } }), /tags\.team must be letters, digits, spaces and _.:\/=\+-@; got "ml;drop"/],
    ['name over 63 characters', () => ({ labelingJobName: 'n'.repeat(64) }), /labelingJobName must be between 1 and 63 characters long/],
    ['name with a dot', () => ({ labelingJobName: 'cars.v1' }), /labelingJobName must be letters, digits and single dashes/],
    ['additionalRequestFields overriding the work team', () => ({ additionalRequestFields: { HumanTaskConfig: { WorkteamArn: 'arn:aws:sagemaker:us-east-1:1:workteam/x' } } }), /additionalRequestFields\.HumanTaskConfig\.WorkteamArn must be a request field that no typed prop sets/],
    ['additionalRequestFields overriding the manifest', () => ({ additionalRequestFields: { InputConfig: { DataSource: { S3DataSource: { ManifestS3Uri: 's3://x/y' } } } } }), /additionalRequestFields\.InputConfig\.DataSource\.S3DataSource\.ManifestS3Uri must be a request field/],
  ])('%s', (_case, extra, message) => {
    expect(make(extra)).toThrow(CdkSfnJobsError);
    expect(make(extra)).toThrow(message);
  });

  test('the error message starts with the construct path', () => {
    expect(make(() => ({ numberOfHumanWorkersPerDataObject: 0 }))).toThrow(/^TestStack\/Label: numberOfHumanWorkersPerDataObject/);
  });

  test('the largest values the API allows are accepted', () => {
    const largest = { taskTimeLimit: Duration.days(30), taskAvailabilityLifetime: Duration.days(30), maxConcurrentTaskCount: 5000 };
    expect(make(() => ({ taskUi: POINT_CLOUD_UI, ...largest }))).not.toThrow();
    const price = { dollars: 2, cents: 99, tenthFractionsOfACent: 9 };
    expect(make(() => ({ taskTimeLimit: Duration.hours(8), numberOfHumanWorkersPerDataObject: 9, publicWorkforceTaskPrice: price }))).not.toThrow();
    expect(make(() => ({ workteamArn: PUBLIC_WORKTEAM_ARN, taskAvailabilityLifetime: Duration.hours(12), labelAttributeName: 'l'.repeat(127) }))).not.toThrow();
  });
});

describe('values known only later skip the checks', () => {
  test.each<[string, Extra]>([
    ['JsonPath worker count', () => ({ numberOfHumanWorkersPerDataObject: sfn.JsonPath.numberAt('$.workers') })],
    ['token concurrent task count', () => ({ maxConcurrentTaskCount: Token.asNumber(Lazy.number({ produce: () => 9000 })) })],
    ['JsonPath task time limit', () => ({ taskTimeLimit: Duration.seconds(sfn.JsonPath.numberAt('$.seconds')) })],
    ['JsonPath label attribute name', () => ({ labelAttributeName: sfn.JsonPath.stringAt('$.attribute') })],
    ['JsonPath work team', () => ({ workteamArn: sfn.JsonPath.stringAt('$.team'), taskAvailabilityLifetime: Duration.days(20) })],
    ['JSONata work team', () => ({ workteamArn: '{% $states.input.team %}', queryLanguage: sfn.QueryLanguage.JSONATA })],
    ['JsonPath title and keywords', () => ({ taskTitle: sfn.JsonPath.stringAt('$.title'), taskKeywords: sfn.JsonPath.listAt('$.keywords') })],
    ['JsonPath job name', () => ({ labelingJobName: sfn.JsonPath.stringAt('$.name') })],
    ['JsonPath manifest', () => ({ inputManifest: tasks.S3Location.fromJsonExpression('$.manifest') })],
    ['JsonPath function ARN', () => ({ preHumanTaskFunction: LabelingFunction.fromFunctionArn(sfn.JsonPath.stringAt('$.pre')) })],
  ])('%s', (_case, extra) => {
    expect(make(extra)).not.toThrow();
  });
});
