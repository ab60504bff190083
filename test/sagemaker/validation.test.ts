/**
 * Every bound of the CreateProcessingJob API reference fails at synth time with `<path>: <prop> must be <rule>;
 * got <value>`, and values known only later (tokens, JsonPath, JSONata) skip the checks.
 *
 * @see https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateProcessingJob.html
 */
import { Duration, Lazy, Size, Token, aws_ec2 as ec2, aws_iam as iam, aws_kms as kms, aws_s3 as s3, aws_stepfunctions as sfn, aws_stepfunctions_tasks as tasks } from 'aws-cdk-lib';
import { helloWorldProps } from './fixtures';
import { SageMakerCreateProcessingJob, SageMakerCreateProcessingJobProps } from '../../src';
import { CdkSfnJobsError } from '../../src/private/errors';
import { newTestStack, renderState } from '../support';

function make(extra: (stack: ReturnType<typeof newTestStack>) => Partial<SageMakerCreateProcessingJobProps>): () => SageMakerCreateProcessingJob {
  return () => {
    const stack = newTestStack();
    return new SageMakerCreateProcessingJob(stack, 'Job', helloWorldProps(extra(stack)));
  };
}

const bucket = (stack: any): s3.IBucket => (stack.node.tryFindChild('B') as s3.IBucket | undefined) ?? s3.Bucket.fromBucketName(stack, 'B', 'data-bucket');
const input = (stack: any, inputName: string, extra: object = {}) => ({ inputName, source: tasks.S3Location.fromBucket(bucket(stack), `in/${inputName}/`), ...extra });
const inputs = (stack: any, n: number) => Array.from({ length: n }, (_, i) => input(stack, `in${i}`));
const output = (stack: any, outputName: string, extra: object = {}) => ({ outputName, destination: tasks.S3Location.fromBucket(bucket(stack), `out/${outputName}/`), ...extra });
const outputs = (stack: any, n: number) => Array.from({ length: n }, (_, i) => output(stack, `out${i}`));

describe('each API bound fails at synth time, naming the prop, the rule and the value', () => {
  test.each<[string, (stack: any) => Partial<SageMakerCreateProcessingJobProps>, RegExp]>([
    ['integrationPattern: no callback', () => ({ integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN }), /Job: integrationPattern must be one of REQUEST_RESPONSE, RUN_JOB; got "WAIT_FOR_TASK_TOKEN"/],
    ['instanceCount 0', () => ({ instanceCount: 0 }), /instanceCount must be an integer between 1 and 100; got 0/],
    ['instanceCount 101', () => ({ instanceCount: 101 }), /instanceCount must be an integer between 1 and 100; got 101/],
    ['instanceCount 1.5', () => ({ instanceCount: 1.5 }), /instanceCount must be an integer between 1 and 100; got 1.5/],
    ['volumeSize 0', () => ({ volumeSize: Size.gibibytes(0) }), /volumeSize must be a whole number of GiB between 1 and 16384; got "0 GiB"/],
    ['volumeSize 16385 GiB', () => ({ volumeSize: Size.gibibytes(16385) }), /volumeSize must be a whole number of GiB between 1 and 16384/],
    ['volumeSize 512 MiB', () => ({ volumeSize: Size.mebibytes(512) }), /volumeSize must be a whole number of GiB/],
    ['maxRuntime 10 days', () => ({ maxRuntime: Duration.days(10) }), /maxRuntime must be between 1 second and 9 days; got 10 days/],
    ['maxRuntime 500 ms', () => ({ maxRuntime: Duration.millis(500) }), /maxRuntime must be between 1 second and 9 days/],
    ['maxRuntime 1.5 s', () => ({ maxRuntime: Duration.millis(1500) }), /maxRuntime must be a whole number of seconds/],
    ['11 inputs', (s) => ({ processingInputs: inputs(s, 11) }), /processingInputs must be a list of 0 to 10 items; got "11 items"/],
    ['11 outputs', (s) => ({ processingOutputs: outputs(s, 11) }), /processingOutputs must be a list of 0 to 10 items; got "11 items"/],
    ['duplicate input names', (s) => ({ processingInputs: [input(s, 'raw'), input(s, 'raw')] }), /processingInputs\[\]\.inputName must be unique; got "raw"/],
    ['duplicate output names', (s) => ({ processingOutputs: [output(s, 'o'), output(s, 'o')] }), /processingOutputs\[\]\.outputName must be unique; got "o"/],
    ['input path outside /opt/ml/processing/', (s) => ({ processingInputs: [input(s, 'raw', { localPath: '/tmp/raw' })] }), /processingInputs\[0\]\.localPath must be a path under \/opt\/ml\/processing\/; got "\/tmp\/raw"/],
    ['input path is the root itself', (s) => ({ processingInputs: [input(s, 'raw', { localPath: '/opt/ml/processing/' })] }), /processingInputs\[0\]\.localPath must be a path under/],
    ['output path outside /opt/ml/processing/', (s) => ({ processingOutputs: [output(s, 'o', { localPath: '/opt/ml/model' })] }), /processingOutputs\[0\]\.localPath must be a path under \/opt\/ml\/processing\//],
    ['local path over 256 characters', (s) => ({ processingInputs: [input(s, 'raw', { localPath: `/opt/ml/processing/${'x'.repeat(240)}` })] }), /processingInputs\[0\]\.localPath must be between 1 and 256 characters long/],
    ['default local path too long (from a long name)', (s) => ({ processingInputs: [input(s, 'n'.repeat(240))] }), /processingInputs\[0\]\.localPath \(default, from the input name\) must be between 1 and 256/],
    ['empty input name', (s) => ({ processingInputs: [input(s, '')] }), /processingInputs\[0\]\.inputName must be between 1 and 256 characters long/],
    ['augmented manifest input', (s) => ({ processingInputs: [input(s, 'raw', { s3DataType: tasks.S3DataType.AUGMENTED_MANIFEST_FILE })] }), /processingInputs\[0\]\.s3DataType must be S3_PREFIX or MANIFEST_FILE/],
    ['FastFile input mode', (s) => ({ processingInputs: [input(s, 'raw', { inputMode: tasks.InputMode.FAST_FILE })] }), /processingInputs\[0\]\.inputMode must be FILE or PIPE; got "FastFile"/],
    ['Gzip without Pipe', (s) => ({ processingInputs: [input(s, 'raw', { compressionType: tasks.CompressionType.GZIP })] }), /processingInputs\[0\]\.compressionType must be NONE unless inputMode is PIPE/],
    ['S3 URI over 1024 characters', (s) => ({ processingInputs: [{ inputName: 'raw', source: tasks.S3Location.fromBucket(bucket(s), 'k'.repeat(1020)) }] }), /processingInputs\[0\]\.source must be between 1 and 1024 characters long/],
    ['image URI over 255 characters', () => ({ image: tasks.DockerImage.fromRegistry(`registry.example.com/${'x'.repeat(250)}`) }), /image must be between 1 and 255 characters long/],
    ['empty entrypoint', () => ({ containerEntrypoint: [] }), /containerEntrypoint must be a list of 1 to 100 items; got "0 items"/],
    ['101 arguments', () => ({ containerArguments: Array.from({ length: 101 }, (_, i) => `${i}`) }), /containerArguments must be a list of 1 to 100 items; got "101 items"/],
    ['argument over 256 characters', () => ({ containerArguments: ['x'.repeat(257)] }), /containerArguments\[0\] must be between 0 and 256 characters long/],
    ['101 environment variables', () => ({ environment: Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`V${i}`, 'x'])) }), /environment must be at most 100 variables; got "101 variables"/],
    ['environment key with a dash', () => ({ environment: { 'MY-VAR': 'x' } }), /environment key "MY-VAR" must be a name matching/],
    ['environment value over 256 characters', () => ({ environment: { V: 'x'.repeat(257) } }), /environment\.V must be between 0 and 256 characters long/],
    ['51 tags', () => ({ tags: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`t${i}`, 'x'])) }), /tags must be at most 50 tags; got "51 tags"/],
    ['tag key over 128 characters', () => ({ tags: { ['k'.repeat(129)]: 'v' } }), /tags key "k+" must be between 1 and 128 characters long/],
    ['tag value with a forbidden character', () => ({ tags: { team: 'ml;drop' } }), /tags\.team must be letters, digits, spaces and _.:\/=\+-@; got "ml;drop"/],
    ['reserved aws: tag key', () => ({ tags: { 'aws:team': 'ml' } }), /tags key "aws:team" must be a key not starting with "aws:"/],
    ['experiment name with an underscore', () => ({ experimentConfig: { experimentName: 'my_exp' } }), /experimentConfig\.experimentName must be letters, digits and dashes/],
    ['trial name over 120 characters', () => ({ experimentConfig: { trialName: 't'.repeat(121) } }), /experimentConfig\.trialName must be between 1 and 120 characters long/],
    ['subnets without a vpc', () => ({ subnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } }), /subnets must be given only with vpc/],
    ['security groups without a vpc', (s) => ({ securityGroups: [ec2.SecurityGroup.fromSecurityGroupId(s, 'Sg', 'sg-1')] }), /securityGroups must be given only with vpc/],
    ['6 security groups', (s) => ({
      vpc: new ec2.Vpc(s, 'Vpc'),
      securityGroups: Array.from({ length: 6 }, (_, i) => ec2.SecurityGroup.fromSecurityGroupId(s, `Sg${i}`, `sg-${i}`)),
    }), /securityGroups must be a list of 1 to 5 items; got "6 items"/],
    ['17 subnets', (s) => ({
      vpc: ec2.Vpc.fromVpcAttributes(s, 'Vpc', {
        vpcId: 'vpc-1',
        availabilityZones: ['us-east-1a'],
        privateSubnetIds: Array.from({ length: 17 }, (_, i) => `subnet-${i}`),
      }),
    }), /subnets must be a list of 1 to 16 items; got "17 items"/],
    ['output key without outputs', (s) => ({ outputEncryptionKey: new kms.Key(s, 'K') }), /outputEncryptionKey must be given only with processingOutputs/],
    ['additionalRequestFields overriding a typed field', () => ({ additionalRequestFields: { RoleArn: 'arn:aws:iam::1:role/x' } }), /additionalRequestFields\.RoleArn must be a request field that no typed prop sets/],
    ['additionalRequestFields overriding the name', () => ({ additionalRequestFields: { 'ProcessingJobName.$': '$.name' } }), /additionalRequestFields\.ProcessingJobName\.\$ must be a request field that no typed prop sets/],
    ['additionalRequestFields overriding a nested typed field', () => ({ additionalRequestFields: { ProcessingResources: { ClusterConfig: { InstanceCount: 3 } } } }), /additionalRequestFields\.ProcessingResources\.ClusterConfig\.InstanceCount must be a request field/],
    ['typed + additional inputs over 10', (s) => ({ processingInputs: inputs(s, 8), additionalRequestFields: { ProcessingInputs: [{ InputName: 'a' }, { InputName: 'b' }, { InputName: 'c' }] } }), /processingInputs and additionalRequestFields\.ProcessingInputs must be a list of 0 to 10 items; got "11 items"/],
    ['additional input name clashing with a typed one', (s) => ({ processingInputs: [input(s, 'raw')], additionalRequestFields: { ProcessingInputs: [{ InputName: 'raw' }] } }), /additionalRequestFields\.ProcessingInputs\[\]\.InputName must be unique; got "raw"/],
  ])('%s', (_case, props, message) => {
    expect(make(props)).toThrow(CdkSfnJobsError);
    expect(make(props)).toThrow(message);
  });

  test('the error message starts with the construct path', () => {
    expect(make(() => ({ instanceCount: 0 }))).toThrow(/^TestStack\/Job: instanceCount/);
  });
});

describe('values known only later skip the checks', () => {
  test.each<[string, (stack: any) => Partial<SageMakerCreateProcessingJobProps>]>([
    ['JsonPath instance count', () => ({ instanceCount: sfn.JsonPath.numberAt('$.count') })],
    ['token instance count', () => ({ instanceCount: Token.asNumber(Lazy.number({ produce: () => 500 })) })],
    ['JsonPath volume size', () => ({ volumeSize: Size.gibibytes(sfn.JsonPath.numberAt('$.gib')) })],
    ['JsonPath max runtime', () => ({ maxRuntime: Duration.seconds(sfn.JsonPath.numberAt('$.seconds')) })],
    ['JsonPath job name', () => ({ processingJobName: sfn.JsonPath.stringAt('$.name') })],
    ['JSONata job name', () => ({ processingJobName: '{% $states.input.name_with_underscores %}', queryLanguage: sfn.QueryLanguage.JSONATA })],
    ['token job name', () => ({ processingJobName: Lazy.string({ produce: () => 'x'.repeat(100) }) })],
    ['JsonPath local path', (s) => ({ processingInputs: [input(s, 'raw', { localPath: sfn.JsonPath.stringAt('$.path') })] })],
    ['JSONata local path', (s) => ({ processingInputs: [input(s, 'raw', { localPath: '{% $states.input.path %}' })], queryLanguage: sfn.QueryLanguage.JSONATA })],
    ['JsonPath environment value', () => ({ environment: { V: sfn.JsonPath.stringAt('$.v') } })],
    ['JsonPath argument list', () => ({ containerArguments: sfn.JsonPath.listAt('$.args') })],
    ['JsonPath tag value', () => ({ tags: { run: sfn.JsonPath.stringAt('$.run') } })],
    ['JsonPath experiment name', () => ({ experimentConfig: { experimentName: sfn.JsonPath.stringAt('$.experiment') } })],
    ['JsonPath S3 location', () => ({ processingInputs: [{ inputName: 'raw', source: tasks.S3Location.fromJsonExpression('$.uri') }] })],
  ])('%s', (_case, props) => {
    expect(make(props)).not.toThrow();
  });

  test('a JsonPath input name needs an explicit local path (the default is built from the name)', () => {
    const dynamicName = (s: any) => ({ processingInputs: [{ inputName: sfn.JsonPath.stringAt('$.name'), source: tasks.S3Location.fromBucket(bucket(s), 'x/') }] });
    expect(make(dynamicName)).toThrow(/processingInputs\[0\]\.localPath must be given when the input name is only known at run time/);
    expect(make((s) => ({ processingInputs: [{ ...dynamicName(s).processingInputs[0], localPath: '/opt/ml/processing/input/x' }] }))).not.toThrow();
  });

  test('a JsonPath value renders as a path and is not validated (state renders)', () => {
    const state = renderState((scope) => SageMakerCreateProcessingJob.jsonPath(scope, 'Job', helloWorldProps({
      maxRuntime: Duration.seconds(sfn.JsonPath.numberAt('$.seconds')),
      volumeSize: Size.gibibytes(sfn.JsonPath.numberAt('$.gib')),
    })));
    expect(state.Parameters.StoppingCondition).toEqual({ 'MaxRuntimeInSeconds.$': '$.seconds' });
    expect(state.Parameters.ProcessingResources.ClusterConfig['VolumeSizeInGB.$']).toBe('$.gib');
  });

  test('an imported role still validates nothing about it and gets no policy when immutable', () => {
    expect(make((s) => ({ role: iam.Role.fromRoleName(s, 'R', 'my-role', { mutable: false }) }))).not.toThrow();
  });
});
