/**
 * Every bound of the CreateHyperParameterTuningJob API reference (and of the training job definition inside it)
 * fails at synth time with `<path>: <prop> must be <rule>; got <value>`; values known only later skip the checks.
 *
 * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateHyperParameterTuningJob.html
 */
import { Duration, Lazy, Size, Token, aws_ec2 as ec2, aws_stepfunctions as sfn, aws_stepfunctions_tasks as tasks } from 'aws-cdk-lib';
import { TRAIN_IMAGE, dataLocation, tuningProps } from './fixtures-jobs';
import {
  HyperParameterRange,
  HyperParameterScalingType,
  HyperParameterTuningObjective,
  HyperParameterTuningStrategy,
  HyperParameterTuningWarmStartType,
  SageMakerCreateHyperParameterTuningJob,
  SageMakerCreateHyperParameterTuningJobProps,
} from '../../src';
import { CdkSfnJobsError } from '../../src/private/errors';
import { newTestStack } from '../support';

type Extra = (stack: any) => Partial<SageMakerCreateHyperParameterTuningJobProps>;

function make(extra: Extra): () => SageMakerCreateHyperParameterTuningJob {
  return () => {
    const stack = newTestStack();
    return new SageMakerCreateHyperParameterTuningJob(stack, 'Tune', tuningProps(stack, extra(stack)));
  };
}

const channel = (stack: any, channelName: string, extra: object = {}): tasks.Channel =>
  ({ channelName, dataSource: { s3DataSource: { s3Location: dataLocation(stack, `in/${channelName}/`) } }, ...extra });
const image = tasks.DockerImage.fromRegistry(TRAIN_IMAGE);
const ints = (n: number, prefix = 'p') => Array.from({ length: n }, (_, i) => HyperParameterRange.integer(`${prefix}${i}`, 1, 2));

describe('each API bound fails at synth time, naming the prop, the rule and the value', () => {
  test.each<[string, Extra, RegExp]>([
    ['integrationPattern: no callback', () => ({ integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN }), /Tune: integrationPattern must be one of REQUEST_RESPONSE, RUN_JOB; got "WAIT_FOR_TASK_TOKEN"/],
    // the algorithm
    ['neither image nor algorithm name', () => ({ algorithmSpecification: {} }), /algorithmSpecification must be exactly one of trainingImage or algorithmName; got "neither"/],
    ['both image and algorithm name', () => ({ algorithmSpecification: { trainingImage: image, algorithmName: 'algo' } }), /algorithmSpecification must be exactly one of trainingImage or algorithmName; got "both"/],
    ['algorithm name with an underscore', () => ({ algorithmSpecification: { algorithmName: 'my_algo' } }), /algorithmSpecification\.algorithmName must be an algorithm name or ARN; got "my_algo"/],
    ['algorithm name over 170 characters', () => ({ algorithmSpecification: { algorithmName: 'a'.repeat(171) } }), /algorithmSpecification\.algorithmName must be between 1 and 170 characters long/],
    ['image URI over 255 characters', () => ({ algorithmSpecification: { trainingImage: tasks.DockerImage.fromRegistry(`registry.example.com/${'x'.repeat(250)}`) } }), /algorithmSpecification\.trainingImage must be between 1 and 255 characters long/],
    ['41 metric definitions', () => ({ algorithmSpecification: { trainingImage: image, metricDefinitions: Array.from({ length: 41 }, (_, i) => ({ name: `m${i}`, regex: 'x' })) } }), /algorithmSpecification\.metricDefinitions must be a list of 0 to 40 items; got "41 items"/],
    ['duplicate metric names', () => ({ algorithmSpecification: { trainingImage: image, metricDefinitions: [{ name: 'm', regex: 'a' }, { name: 'm', regex: 'b' }] } }), /algorithmSpecification\.metricDefinitions\[\]\.name must be unique; got "m"/],
    ['metric regex over 500 characters', () => ({ algorithmSpecification: { trainingImage: image, metricDefinitions: [{ name: 'm', regex: 'r'.repeat(501) }] } }), /metricDefinitions\[0\]\.regex must be between 1 and 500 characters long/],
    ['empty objective metric', () => ({ objective: HyperParameterTuningObjective.maximize('') }), /objective\.metricName must be between 1 and 255 characters long; got ""/],
    // the ranges
    ['no ranges', () => ({ parameterRanges: [] }), /parameterRanges must be a list of 1 to 90 items; got "0 items"/],
    ['31 integer ranges', () => ({ parameterRanges: ints(31) }), /parameterRanges must be at most 30 integer ranges; got "31 integer ranges"/],
    ['duplicate range names', () => ({ parameterRanges: [HyperParameterRange.integer('a', 1, 2), HyperParameterRange.categorical('a', ['x'])] }), /parameterRanges\[\]\.name must be unique; got "a"/],
    ['range name over 256 characters', () => ({ parameterRanges: [HyperParameterRange.integer('n'.repeat(257), 1, 2)] }), /parameterRanges\[0\]\.name must be between 1 and 256 characters long/],
    ['integer range with a fraction', () => ({ parameterRanges: [HyperParameterRange.integer('depth', 1.5, 3)] }), /parameterRanges\[0\]\.minValue must be an integer; got 1.5/],
    ['continuous range with infinity', () => ({ parameterRanges: [HyperParameterRange.continuous('eta', 0, Infinity)] }), /parameterRanges\[0\]\.maxValue must be a finite number; got "Infinity"/],
    ['min above max', () => ({ parameterRanges: [HyperParameterRange.integer('depth', 10, 3)] }), /parameterRanges\[0\]\.minValue must be at most maxValue \(3\); got 10/],
    ['logarithmic scaling from 0', () => ({ parameterRanges: [HyperParameterRange.continuous('eta', 0, 1, HyperParameterScalingType.LOGARITHMIC)] }), /parameterRanges\[0\]\.minValue must be greater than 0 with LOGARITHMIC scaling; got 0/],
    ['reverse logarithmic on an integer range', () => ({ parameterRanges: [HyperParameterRange.integer('n', 0, 0, HyperParameterScalingType.REVERSE_LOGARITHMIC)] }), /parameterRanges\[0\]\.scalingType must be REVERSE_LOGARITHMIC only on continuous ranges/],
    ['reverse logarithmic up to 1', () => ({ parameterRanges: [HyperParameterRange.continuous('momentum', 0.5, 1, HyperParameterScalingType.REVERSE_LOGARITHMIC)] }), /parameterRanges\[0\] must be a range within 0 <= x < 1 with REVERSE_LOGARITHMIC scaling; got "0.5 to 1"/],
    ['categorical range without values', () => ({ parameterRanges: [HyperParameterRange.categorical('booster', [])] }), /parameterRanges\[0\]\.values must be a list of 1 to 30 items; got "0 items"/],
    ['categorical value over 256 characters', () => ({ parameterRanges: [HyperParameterRange.categorical('booster', ['v'.repeat(257)])] }), /parameterRanges\[0\]\.values\[0\] must be between 1 and 256 characters long/],
    ['grid with a numeric range', () => ({ strategy: HyperParameterTuningStrategy.GRID }), /parameterRanges\[0\] must be a categorical range \(GRID searches categorical ranges only\); got "continuous range eta"/],
    // static hyperparameters
    ['101 static hyperparameters', () => ({ staticHyperParameters: Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`h${i}`, '1'])) }), /staticHyperParameters must be at most 100 hyperparameters; got "101 hyperparameters"/],
    ['static value over 2500 characters', () => ({ staticHyperParameters: { h: 'v'.repeat(2501) } }), /staticHyperParameters\.h must be between 0 and 2500 characters long/],
    ['a hyperparameter both static and tuned', () => ({ staticHyperParameters: { eta: '0.1' } }), /staticHyperParameters\.eta must be a hyperparameter that is not also in parameterRanges; got "eta"/],
    // resource limits and strategy settings
    ['0 training jobs', () => ({ maxNumberOfTrainingJobs: 0 }), /maxNumberOfTrainingJobs must be an integer of at least 1; got 0/],
    ['0 parallel training jobs', () => ({ maxParallelTrainingJobs: 0 }), /maxParallelTrainingJobs must be an integer of at least 1; got 0/],
    ['more parallel than total', () => ({ maxNumberOfTrainingJobs: 4, maxParallelTrainingJobs: 5 }), /maxParallelTrainingJobs must be at most maxNumberOfTrainingJobs \(4\); got 5/],
    ['more parallel than the default total', () => ({ maxParallelTrainingJobs: 11 }), /maxParallelTrainingJobs must be at most maxNumberOfTrainingJobs \(10, the default\); got 11/],
    ['tuning runtime of a minute', () => ({ maxTuningRuntime: Duration.minutes(1) }), /maxTuningRuntime must be between 2 minutes and 182 days 12 hours; got 1 minute/],
    ['tuning runtime of a year', () => ({ maxTuningRuntime: Duration.days(365) }), /maxTuningRuntime must be between 2 minutes and 182 days 12 hours; got 365 days/],
    ['hyperband resource without hyperband', () => ({ hyperbandMaxResource: 10 }), /hyperbandMaxResource must be given only with strategy HYPERBAND; got "Bayesian"/],
    ['hyperband resource over 20000', () => ({ strategy: HyperParameterTuningStrategy.HYPERBAND, hyperbandMaxResource: 20001 }), /hyperbandMaxResource must be an integer between 1 and 20000; got 20001/],
    ['hyperband min above max', () => ({ strategy: HyperParameterTuningStrategy.HYPERBAND, hyperbandMinResource: 10, hyperbandMaxResource: 5 }), /hyperbandMinResource must be at most hyperbandMaxResource \(5\); got 10/],
    ['early stopping with hyperband', () => ({ strategy: HyperParameterTuningStrategy.HYPERBAND, earlyStopping: true }), /earlyStopping must be false or unset with strategy HYPERBAND/],
    // warm start
    ['6 parent jobs', () => ({ warmStartParentJobs: Array.from({ length: 6 }, (_, i) => `parent-${i}`) }), /warmStartParentJobs must be a list of 1 to 5 items; got "6 items"/],
    ['parent name over 32 characters', () => ({ warmStartParentJobs: ['p'.repeat(33)] }), /warmStartParentJobs\[0\] must be between 1 and 32 characters long/],
    ['parent name with an underscore', () => ({ warmStartParentJobs: ['my_parent'] }), /warmStartParentJobs\[0\] must be a tuning job name/],
    ['parent jobs as a JsonPath list', () => ({ warmStartParentJobs: sfn.JsonPath.listAt('$.parents') }), /warmStartParentJobs must be a list of job names \(each name may be a JsonPath or JSONata value, the list itself cannot\)/],
    ['warm start type without parents', () => ({ warmStartType: HyperParameterTuningWarmStartType.TRANSFER_LEARNING }), /warmStartType must be given only with warmStartParentJobs; got "TransferLearning"/],
    // the training job definition
    ['no channels', () => ({ inputDataConfig: [] }), /inputDataConfig must be a list of 1 to 20 items; got "0 items"/],
    ['21 channels', (s) => ({ inputDataConfig: Array.from({ length: 21 }, (_, i) => channel(s, `c${i}`)) }), /inputDataConfig must be a list of 1 to 20 items; got "21 items"/],
    ['duplicate channel names', (s) => ({ inputDataConfig: [channel(s, 'train'), channel(s, 'train')] }), /inputDataConfig\[\]\.channelName must be unique; got "train"/],
    ['channel name with a space', (s) => ({ inputDataConfig: [channel(s, 'my channel')] }), /inputDataConfig\[0\]\.channelName must be letters, digits and .-_/],
    ['channel name over 64 characters', (s) => ({ inputDataConfig: [channel(s, 'c'.repeat(65))] }), /inputDataConfig\[0\]\.channelName must be between 1 and 64 characters long/],
    ['content type over 256 characters', (s) => ({ inputDataConfig: [channel(s, 'train', { contentType: 't'.repeat(257) })] }), /inputDataConfig\[0\]\.contentType must be between 0 and 256 characters long/],
    ['17 attribute names', (s) => ({
      inputDataConfig: [{ channelName: 'train', dataSource: { s3DataSource: { s3Location: dataLocation(s, 'm.manifest'), attributeNames: Array.from({ length: 17 }, (_, i) => `a${i}`) } } }],
    }), /attributeNames must be a list of 0 to 16 items; got "17 items"/],
    ['S3 URI over 1024 characters', (s) => ({ inputDataConfig: [channel(s, 'train', { dataSource: { s3DataSource: { s3Location: dataLocation(s, 'k'.repeat(1020)) } } })] }), /inputDataConfig\[0\]\.dataSource\.s3DataSource\.s3Location must be between 1 and 1024 characters long/],
    ['0 instances', () => ({ resourceConfig: { instanceCount: 0, instanceType: new ec2.InstanceType('m5.xlarge'), volumeSize: Size.gibibytes(10) } }), /resourceConfig\.instanceCount must be an integer of at least 1; got 0/],
    ['volume of 512 MiB', () => ({ resourceConfig: { instanceCount: 1, instanceType: new ec2.InstanceType('m5.xlarge'), volumeSize: Size.mebibytes(512) } }), /resourceConfig\.volumeSize must be a whole number of GiB between 1 and 16384/],
    ['training runtime of 30 days', () => ({ stoppingCondition: { maxRuntime: Duration.days(30) } }), /stoppingCondition\.maxRuntime must be between 1 second and 28 days; got 30 days/],
    ['49 environment variables', () => ({ environment: Object.fromEntries(Array.from({ length: 49 }, (_, i) => [`V${i}`, 'x'])) }), /environment must be at most 48 variables; got "49 variables"/],
    ['environment value over 512 characters', () => ({ environment: { V: 'x'.repeat(513) } }), /environment\.V must be between 0 and 512 characters long/],
    ['environment key with a dash', () => ({ environment: { 'MY-VAR': 'x' } }), /environment key "MY-VAR" must be a name matching/],
    ['subnets without a vpc', () => ({ subnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } }), /subnets must be given only with vpc/],
    ['6 security groups', (s) => ({ vpc: new ec2.Vpc(s, 'Vpc'), securityGroups: Array.from({ length: 6 }, (_, i) => ec2.SecurityGroup.fromSecurityGroupId(s, `Sg${i}`, `sg-${i}`)) }), /securityGroups must be a list of 1 to 5 items; got "6 items"/],
    ['51 tags', () => ({ tags: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`t${i}`, 'x'])) }), /tags must be at most 50 tags; got "51 tags"/],
    ['reserved aws: tag key', () => ({ tags: { 'aws:team': 'ml' } }), /tags key "aws:team" must be a key not starting with "aws:"/],
    // the name and the escape hatch
    ['name over 32 characters', () => ({ hyperParameterTuningJobName: 'n'.repeat(33) }), /hyperParameterTuningJobName must be between 1 and 32 characters long/],
    ['name with an underscore', () => ({ hyperParameterTuningJobName: 'my_tuning' }), /hyperParameterTuningJobName must be letters, digits and single dashes/],
    ['additionalRequestFields overriding the strategy', () => ({ additionalRequestFields: { HyperParameterTuningJobConfig: { Strategy: 'Random' } } }), /additionalRequestFields\.HyperParameterTuningJobConfig\.Strategy must be a request field that no typed prop sets/],
    ['additionalRequestFields overriding the role', () => ({ additionalRequestFields: { TrainingJobDefinition: { RoleArn: 'arn:aws:iam::1:role/x' } } }), /additionalRequestFields\.TrainingJobDefinition\.RoleArn must be a request field/],
    ['additionalRequestFields overriding the name', () => ({ additionalRequestFields: { 'HyperParameterTuningJobName.$': '$.name' } }), /additionalRequestFields\.HyperParameterTuningJobName\.\$ must be a request field that no typed prop sets/],
    ['typed + additional integer ranges over 30', () => ({ parameterRanges: ints(30), additionalRequestFields: { HyperParameterTuningJobConfig: { ParameterRanges: { IntegerParameterRanges: [{ Name: 'extra', MinValue: '1', MaxValue: '2' }] } } } }), /parameterRanges and additionalRequestFields IntegerParameterRanges must be a list of 0 to 30 items; got "31 items"/],
    ['additional channel clashing with a typed one', (s) => ({ inputDataConfig: [channel(s, 'train')], additionalRequestFields: { TrainingJobDefinition: { InputDataConfig: [{ ChannelName: 'train' }] } } }), /additionalRequestFields\.TrainingJobDefinition\.InputDataConfig\[\]\.ChannelName must be unique; got "train"/],
  ])('%s', (_case, extra, message) => {
    expect(make(extra)).toThrow(CdkSfnJobsError);
    expect(make(extra)).toThrow(message);
  });

  test('the error message starts with the construct path', () => {
    expect(make(() => ({ maxParallelTrainingJobs: 0 }))).toThrow(/^TestStack\/Tune: maxParallelTrainingJobs/);
  });
});

describe('values known only later skip the checks', () => {
  test.each<[string, Extra]>([
    ['JsonPath training job count', () => ({ maxNumberOfTrainingJobs: sfn.JsonPath.numberAt('$.jobs'), maxParallelTrainingJobs: 50 })],
    ['token parallel count', () => ({ maxParallelTrainingJobs: Token.asNumber(Lazy.number({ produce: () => 500 })) })],
    ['JsonPath tuning runtime', () => ({ maxTuningRuntime: Duration.seconds(sfn.JsonPath.numberAt('$.seconds')) })],
    ['JsonPath range bounds', () => ({ parameterRanges: [HyperParameterRange.integer('depth', sfn.JsonPath.numberAt('$.min'), 3)] })],
    ['JsonPath job name', () => ({ hyperParameterTuningJobName: sfn.JsonPath.stringAt('$.name') })],
    ['JSONata job name', () => ({ hyperParameterTuningJobName: '{% $states.input.name_with_underscores %}', queryLanguage: sfn.QueryLanguage.JSONATA })],
    ['JsonPath parent job', () => ({ warmStartParentJobs: [sfn.JsonPath.stringAt('$.parent')] })],
    ['JsonPath static hyperparameters', () => ({ staticHyperParameters: sfn.JsonPath.objectAt('$.hyperparameters') as any })],
    ['JsonPath output location', () => ({ outputDataConfig: { s3OutputLocation: tasks.S3Location.fromJsonExpression('$.output') } })],
    ['JsonPath instance count', () => ({ resourceConfig: { instanceCount: sfn.JsonPath.numberAt('$.instances'), instanceType: new ec2.InstanceType('m5.xlarge'), volumeSize: Size.gibibytes(10) } })],
  ])('%s', (_case, extra) => {
    expect(make(extra)).not.toThrow();
  });
});
