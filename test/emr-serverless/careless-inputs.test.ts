/**
 * Careless inputs from plain JavaScript (no type checks) to the EMR Serverless tasks: each is refused at synth with
 * `<construct path>: <prop> must be <rule>; got <value>`, in both query languages, never a TypeError from inside the
 * construct nor a request that fails at run time.
 */
import { Stack, aws_stepfunctions as sfn } from 'aws-cdk-lib';
import {
  EmrServerlessCancelJobRun, EmrServerlessCreateApplication, EmrServerlessDeleteApplication,
  EmrServerlessStartApplication, EmrServerlessStartJobRun, EmrServerlessStopApplication, JobDriver,
} from '../../src';

const create = (extra: any) => (s: Stack) => new EmrServerlessCreateApplication(s, 'Create', { releaseLabel: 'emr-7.5.0', applicationType: 'SPARK', ...extra } as any);
const SPARK = () => JobDriver.sparkSubmit({ entryPoint: 's3://b/k.py' });
const startJobRun = (props: any) => (s: Stack) => new EmrServerlessStartJobRun(s, 'Run', props);
const run = (extra: any) => startJobRun({ applicationId: 'app1', jobDriver: SPARK(), ...extra });

const CASES: Array<[string, (s: Stack) => unknown, RegExp]> = [
  ['StartJobRun props undefined', startJobRun(undefined), /Default\/Run: props must be given \(required: applicationId, jobDriver\); got undefined/],
  ['applicationId: 42', run({ applicationId: 42 }), /applicationId must be a string; got 42/],
  ["jobDriver: 'spark'", run({ jobDriver: 'spark' }), /jobDriver must be an object; got "spark"/],
  ['jobDriver: the request shape', run({ jobDriver: { SparkSubmit: { EntryPoint: 's3://b/k.py' } } }), /jobDriver must be a JobDriver/],
  ['sparkSubmit() without options', run({ jobDriver: (JobDriver as any).sparkSubmit() }), /jobDriver.entryPoint must be a string \(required\); got undefined/],
  ['entryPoint: 42', run({ jobDriver: JobDriver.sparkSubmit({ entryPoint: 42 } as any) }), /jobDriver.entryPoint must be a string \(required\); got 42/],
  ["entryPointArguments: '--day 1'", run({ jobDriver: JobDriver.sparkSubmit({ entryPoint: 's3://b/k', entryPointArguments: '--day 1' } as any) }), /jobDriver.entryPointArguments must be a list of strings/],
  ['entryPointArguments: [1]', run({ jobDriver: JobDriver.sparkSubmit({ entryPoint: 's3://b/k', entryPointArguments: [1] } as any) }), /jobDriver.entryPointArguments\[0\] must be a string; got 1/],
  ['sparkSubmitParameters: 5', run({ jobDriver: JobDriver.sparkSubmit({ entryPoint: 's3://b/k', sparkSubmitParameters: 5 } as any) }), /jobDriver.sparkSubmitParameters must be a string; got 5/],
  ['hive query: 5', run({ jobDriver: JobDriver.hive({ query: 5 } as any) }), /jobDriver.query must be a string \(required\); got 5/],
  ['executionRole: an ARN', run({ executionRole: 'arn:aws:iam::123456789012:role/r' }), /executionRole must be an IAM role \(iam.IRole\)/],
  ['executionTimeout: 60', run({ executionTimeout: 60 }), /executionTimeout must be a Duration/],
  ["tags: 'team=data'", run({ tags: 'team=data' }), /tags must be an object of string values/],
  ['tags value a number', run({ tags: { n: 1 } }), /tags.n must be a string; got 1/],
  ['jobRunName: 7', run({ jobRunName: 7 }), /jobRunName must be a string; got 7/],
  ["applicationConfiguration: 'spark-defaults'", run({ configurationOverrides: { applicationConfiguration: 'spark-defaults' } }), /configurationOverrides.applicationConfiguration must be a list of object items/],
  ['classification missing', run({ configurationOverrides: { applicationConfiguration: [{ properties: {} }] } }), /configurationOverrides.applicationConfiguration\[0\].classification must be given \(required\)/],
  ['properties value a number', run({ configurationOverrides: { applicationConfiguration: [{ classification: 'c', properties: { a: 1 } }] } }), /applicationConfiguration\[0\].properties.a must be a string; got 1/],
  ['s3LogUri: a bucket', run({ configurationOverrides: { monitoring: { s3LogUri: { bucketName: 'b' } } } }), /configurationOverrides.monitoring.s3LogUri must be a string/],
  ['logGroupName: 5', run({ configurationOverrides: { monitoring: { cloudWatchLogs: { logGroupName: 5 } } } }), /cloudWatchLogs.logGroupName must be a string; got 5/],
  ["managedPersistence: 'yes'", run({ configurationOverrides: { monitoring: { managedPersistence: 'yes' } } }), /managedPersistence must be a boolean; got "yes"/],
  ['CancelJobRun no jobRunId', (s) => new EmrServerlessCancelJobRun(s, 'Cancel', { applicationId: 'a' } as any), /Default\/Cancel: jobRunId must be given \(required\)/],
  ['CancelJobRun jobRunId: 5', (s) => new EmrServerlessCancelJobRun(s, 'Cancel', { applicationId: 'a', jobRunId: 5 } as any), /jobRunId must be a string; got 5/],
  ['StartApplication props undefined', (s) => new EmrServerlessStartApplication(s, 'Start', undefined as any), /Default\/Start: props must be given \(required: applicationId\)/],
  ['StopApplication applicationId: 1', (s) => new EmrServerlessStopApplication(s, 'Stop', { applicationId: 1 } as any), /applicationId must be a string; got 1/],
  ['DeleteApplication applicationId: null', (s) => new EmrServerlessDeleteApplication(s, 'Delete', { applicationId: null } as any), /applicationId must be given \(required\)/],
  ['CreateApplication applicationType lower-case', (s) => new EmrServerlessCreateApplication(s, 'Create', { releaseLabel: 'emr-7.5.0', applicationType: 'spark' } as any), /applicationType must be EmrServerlessApplicationType.SPARK or HIVE; got "spark"/],
  ['CreateApplication autoStopIdleTimeout: 15', (s) => new EmrServerlessCreateApplication(s, 'Create', { releaseLabel: 'emr-7.5.0', applicationType: 'SPARK', autoStopIdleTimeout: 15 } as any), /autoStopIdleTimeout must be a Duration/],
  ['CreateApplication maximumCapacity.cpu: 4', (s) => new EmrServerlessCreateApplication(s, 'Create', { releaseLabel: 'emr-7.5.0', applicationType: 'SPARK', maximumCapacity: { cpu: 4, memory: '8 GB' } } as any), /maximumCapacity.cpu must be a string; got 4/],
  ["mode: 'BATCH'", run({ mode: 'BATCH' }), /mode must be an object; got "BATCH"/],
  ['mode: a plain object', run({ mode: { Value: 'BATCH' } }), /mode must be an EmrServerlessJobRunMode/],
  ['retryPolicy: 3', run({ retryPolicy: 3 }), /retryPolicy must be an object; got 3/],
  ["retryPolicy.maxAttempts: '3'", run({ retryPolicy: { maxAttempts: '3' } }), /retryPolicy.maxAttempts must be a number; got "3"/],
  ['executionIamPolicy.policy: a JSON string', run({ executionIamPolicy: { policy: '{"Statement":[]}' } }), /executionIamPolicy.policy must be an object; got/],
  ['executionIamPolicy.policy: a plain object', run({ executionIamPolicy: { policy: { Statement: [] } } }), /executionIamPolicy.policy must be an iam.PolicyDocument/],
  ['executionIamPolicy.managedPolicies: ARNs', run({ executionIamPolicy: { managedPolicies: ['arn:aws:iam::aws:policy/ReadOnlyAccess'] } }), /executionIamPolicy.managedPolicies\[0\] must be an object; got "arn:aws:iam::aws:policy\/ReadOnlyAccess"/],
  ['CreateApplication initialCapacity: a map', create({ initialCapacity: { Driver: { workerCount: 1 } } }), /initialCapacity must be a list of object items/],
  ["CreateApplication initialCapacity workerCount: '1'", create({ initialCapacity: [{ workerType: 'Driver', workerCount: '1', cpu: '1', memory: '2' }] }), /initialCapacity\[0\].workerCount must be a number; got "1"/],
  ['CreateApplication initialCapacity cpu missing', create({ initialCapacity: [{ workerType: 'Driver', workerCount: 1, memory: '2' }] }), /initialCapacity\[0\].cpu must be given \(required\)/],
  ["CreateApplication autoStart: 'yes'", create({ autoStart: 'yes' }), /autoStart must be a boolean; got "yes"/],
  ["CreateApplication vpc: 'vpc-1'", create({ vpc: 'vpc-1' }), /vpc must be a VPC \(ec2.IVpc\); got "vpc-1"/],
  ["CreateApplication securityGroups: ['sg-1']", create({ securityGroups: ['sg-1'] }), /securityGroups\[0\] must be a security group \(ec2.ISecurityGroup\); got "sg-1"/],
  ['CreateApplication imageUri: 5', create({ imageUri: 5 }), /imageUri must be a string; got 5/],
  ["CreateApplication runtimeConfiguration: 'spark-defaults'", create({ runtimeConfiguration: 'spark-defaults' }), /runtimeConfiguration must be a list of object items/],
  ["CreateApplication monitoring.managedPersistence: 'no'", create({ monitoring: { managedPersistence: 'no' } }), /monitoring.managedPersistence must be a boolean; got "no"/],
  ['CreateApplication scheduler.queueTimeout: 60', create({ scheduler: { queueTimeout: 60 } }), /scheduler.queueTimeout must be a Duration/],
  ['s3EncryptionKey: an ARN string', run({ configurationOverrides: { monitoring: { s3EncryptionKey: 'arn:aws:kms:us-east-1:123456789012:key/k' } } }), /configurationOverrides.monitoring.s3EncryptionKey must be a KMS key \(kms.IKey\); got "arn:aws:kms/],
  ["logTypes: ['STDOUT']", run({ configurationOverrides: { monitoring: { cloudWatchLogs: { logTypes: ['STDOUT'] } } } }), /cloudWatchLogs.logTypes must be an object of list values/],
  ['logTypes value a string', run({ configurationOverrides: { monitoring: { cloudWatchLogs: { logTypes: { SPARK_DRIVER: 'STDOUT' } } } } }), /cloudWatchLogs.logTypes.SPARK_DRIVER must be a list/],
  ['diskEncryption without key', run({ configurationOverrides: { diskEncryption: {} } }), /configurationOverrides.diskEncryption.key must be given \(required\)/],
  ['clientToken: 1', run({ clientToken: 1 }), /clientToken must be a string; got 1/],
  ['prometheusRemoteWriteUrl: 5', run({ configurationOverrides: { monitoring: { prometheusRemoteWriteUrl: 5 } } }), /prometheusRemoteWriteUrl must be a string; got 5/],
  ['CreateApplication workerTypeSpecifications: a map', create({ workerTypeSpecifications: { Driver: { imageUri: 'x' } } }), /workerTypeSpecifications must be a list of object items/],
  ['CreateApplication workerTypeSpecifications imageUri missing', create({ workerTypeSpecifications: [{ workerType: 'Driver' }] }), /workerTypeSpecifications\[0\].imageUri must be given \(required\)/],
  ["CreateApplication jobLevelCostAllocation: 'on'", create({ jobLevelCostAllocation: 'on' }), /jobLevelCostAllocation must be a boolean; got "on"/],
  ['CreateApplication identityCenter: an ARN string', create({ identityCenter: 'arn:aws:sso:::instance/ssoins-1234567890abcdef' }), /identityCenter must be an object; got/],
  ['CreateApplication diskEncryption.key: an ARN', create({ diskEncryption: { key: 'arn:aws:kms:us-east-1:123456789012:key/k' } }), /diskEncryption.key must be a KMS key \(kms.IKey\)/],
  ["CreateApplication interactive.sessionEnabled: 'yes'", create({ interactive: { sessionEnabled: 'yes' } }), /interactive.sessionEnabled must be a boolean; got "yes"/],
  ["CreateApplication interactive.studioEnabled: 'true'", create({ interactive: { studioEnabled: 'true' } }), /interactive.studioEnabled must be a boolean; got "true"/],
];

describe.each([['JSONPath', sfn.QueryLanguage.JSON_PATH], ['JSONata', sfn.QueryLanguage.JSONATA]])('careless inputs are refused by name (%s)', (_name, queryLanguage) => {
  test.each(CASES)('%s', (_input, make, message) => {
    const stack = new Stack();
    expect(() => {
      const state = make(stack) as sfn.IChainable;
      new sfn.StateMachine(stack, 'StateMachine', { definitionBody: sfn.DefinitionBody.fromChainable(state), queryLanguage });
    }).toThrow(message);
  });
});
