/**
 * Careless inputs from plain JavaScript (no type checks): each is refused at synth with
 * `<construct path>: <prop> must be <rule>; got <value>`, in both query languages, never a TypeError from deep inside
 * the construct nor a definition that fails at run time. One row per input; the list is the report's.
 */
import { Duration, Size } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import {
  BatchPollerJob,
  BedrockBatchInferencePollerJob,
  EcsCallbackTask,
  GlueCrawlerPollerJob,
  GlueWorkflowPollerJob,
  JobDetection,
  JobPoller,
  SageMakerCreateHyperParameterTuningJob,
  SageMakerCreateLabelingJob,
  SageMakerCreateProcessingJob,
  SageMakerPipelinePollerJob,
} from '../../src';
import { fargateFixture } from '../ecs/fixtures';
import { helloWorldProps } from '../sagemaker/fixtures';
import { labelingProps, tuningProps } from '../sagemaker/fixtures-jobs';
import { newTestStack } from '../support';

const LANGUAGES = [['JSONPath', sfn.QueryLanguage.JSON_PATH], ['JSONata', sfn.QueryLanguage.JSONATA]] as const;
const ARN = 'arn:aws:iam::123456789012:role/x';
type Make = (scope: Construct) => sfn.IChainable;

/** Builds the construct in a state machine of the language and synthesizes the stack. */
function synth(make: Make, queryLanguage: sfn.QueryLanguage): Template {
  const stack = newTestStack();
  const chainable = make(stack);
  new sfn.StateMachine(stack, 'StateMachine', { definitionBody: sfn.DefinitionBody.fromChainable(chainable), queryLanguage });
  return Template.fromStack(stack);
}

const bucket = (scope: Construct) => (scope.node.tryFindChild('B') as s3.IBucket) ?? s3.Bucket.fromBucketName(scope, 'B', 'data');
const loc = (scope: Construct, key: string) => tasks.S3Location.fromBucket(bucket(scope), key);

// Plain-JS calls: props are `any`.
const crawler = (props: any): Make => (s) => new GlueCrawlerPollerJob(s, 'Crawl', props);
const workflow = (props: any): Make => (s) => new GlueWorkflowPollerJob(s, 'Flow', props);
const pipeline = (props: any): Make => (s) => new SageMakerPipelinePollerJob(s, 'Pipe', props);
const bedrock = (props: (s: Construct) => any): Make => (s) => new BedrockBatchInferencePollerJob(s, 'Infer', props(s));
const bedrockProps = (extra: any) => (s: Construct) => ({ modelId: 'anthropic.claude-3-haiku-20240307-v1:0', input: loc(s, 'in/'), output: loc(s, 'out/'), ...extra });
const batchJob = (props: (s: Construct) => any): Make => (s) => new BatchPollerJob(s, 'Batch', props(s));
const batchProps = (extra: any) => () => ({
  jobQueueArn: 'arn:aws:batch:us-east-1:123456789012:job-queue/q',
  jobDefinitionArn: 'arn:aws:batch:us-east-1:123456789012:job-definition/d',
  ...extra,
});
const sdk = (action: string) => `arn:aws:states:::aws-sdk:${action}`;
const sdkPollerProps = (check: any = {}, extra: any = {}) => ({
  errorPrefix: 'Export',
  start: { resource: sdk('dynamodb:exportTableToPointInTime'), parameters: { TableArn: 'arn:t' }, resultFields: { exportArn: 'ExportDescription.ExportArn' } },
  sdkCheck: {
    jobDescription: 'DynamoDB export',
    call: { resource: sdk('dynamodb:describeExport'), jobParameters: { ExportArn: 'exportArn' }, ...check.call },
    status: { statusField: 'ExportDescription.ExportStatus', runningValues: ['IN_PROGRESS'], succeededValues: ['COMPLETED'], ...check.status },
    ...check.root,
  },
  ...extra,
});
const poller = (props: any): Make => (s) => new JobPoller(s, 'Export', props);
const ecsTask = (extra: (fx: ReturnType<typeof fargateFixture>) => any): Make => (s) => {
  const fx = fargateFixture(s as any);
  return new EcsCallbackTask(s, 'Work', { cluster: fx.cluster, taskDefinition: fx.taskDefinition, launchTarget: new tasks.EcsFargateLaunchTarget(), ...extra(fx) });
};
const processing = (extra: any): Make => (s) => new SageMakerCreateProcessingJob(s, 'Process', { ...helloWorldProps(), ...extra });
const tuning = (extra: (s: Construct) => any): Make => (s) => new SageMakerCreateHyperParameterTuningJob(s, 'Tune', { ...tuningProps(s), ...extra(s) });
const labeling = (extra: (s: Construct) => any): Make => (s) => new SageMakerCreateLabelingJob(s, 'Label', { ...labelingProps(s), ...extra(s) });
const without = (props: any, key: string) => Object.fromEntries(Object.entries(props).filter(([k]) => k !== key));

/** [construct, careless input, how it is built, the message expected] */
const CASES: Array<[string, string, Make, RegExp]> = [
  // GlueCrawlerPollerJob
  ['GlueCrawlerPollerJob', 'props undefined', crawler(undefined), /TestStack\/Crawl: props must be given \(required: crawlerName\); got undefined/],
  ['GlueCrawlerPollerJob', 'no crawlerName', crawler({}), /TestStack\/Crawl: crawlerName must be given \(required\); got undefined/],
  ['GlueCrawlerPollerJob', 'crawlerName: 42', crawler({ crawlerName: 42 }), /crawlerName must be a string; got 42/],
  ['GlueCrawlerPollerJob', 'timeout: 3600', crawler({ crawlerName: 'c', timeout: 3600 }), /timeout must be a Duration \(Duration.seconds\(…\).*; got 3600/],
  ['GlueCrawlerPollerJob', 'pollInterval: 30', crawler({ crawlerName: 'c', pollInterval: 30 }), /pollInterval must be a Duration.*; got 30/],
  ['GlueCrawlerPollerJob', "maxPollInterval: '1h'", crawler({ crawlerName: 'c', maxPollInterval: '1h' }), /maxPollInterval must be a Duration.*; got "1h"/],
  ['GlueCrawlerPollerJob', "queryLanguage: 'jsonata'", crawler({ crawlerName: 'c', queryLanguage: 'jsonata' }), /queryLanguage must be a QueryLanguage.*; got "jsonata"/],
  ['GlueCrawlerPollerJob', "cancelJobOnExecutionStop: 'yes'", crawler({ crawlerName: 'c', cancelJobOnExecutionStop: 'yes' }), /cancelJobOnExecutionStop must be a boolean; got "yes"/],
  ['GlueCrawlerPollerJob', 'resultPath: 5', crawler({ crawlerName: 'c', resultPath: 5 }), /resultPath must be a string; got 5/],
  ['GlueCrawlerPollerJob', "detection: 'events'", crawler({ crawlerName: 'c', detection: 'events' }), /TestStack\/Crawl: detection must be an object; got "events"/],
  ['GlueCrawlerPollerJob', 'detection: the class itself', crawler({ crawlerName: 'c', detection: JobDetection }), /TestStack\/Crawl: detection must be an object; got the class JobDetection/],
  ['GlueCrawlerPollerJob', 'detection: a plain object', crawler({ crawlerName: 'c', detection: { events: true } }), /detection must be a JobDetection \(JobDetection.polling\(\) or JobDetection.events\(…\)\); got \{"events":true\}/],
  ['GlueCrawlerPollerJob', 'detection table: a table name', crawler({ crawlerName: 'c', detection: JobDetection.events({ table: 'tokens' as any }) }), /detection.table must be a DynamoDB table \(dynamodb.ITable\); got "tokens"/],
  ['GlueCrawlerPollerJob', 'crawlerName: unterminated {% $x', crawler({ crawlerName: '{% $states.input.name' }), /crawlerName must be a complete JSONata expression, closed with %}; got "{% \$states.input.name"/],
  ['GlueCrawlerPollerJob', 'crawlerName: JSONata syntax error', crawler({ crawlerName: '{% $states.input.name & %}' }), /crawlerName must be a valid JSONata expression \(Unexpected end of expression/],
  // GlueWorkflowPollerJob
  ['GlueWorkflowPollerJob', 'props undefined', workflow(undefined), /TestStack\/Flow: props must be given \(required: workflowName\); got undefined/],
  ['GlueWorkflowPollerJob', 'no workflowName', workflow({ runProperties: { a: 'b' } }), /workflowName must be given \(required\)/],
  ['GlueWorkflowPollerJob', 'runProperties value a number', workflow({ workflowName: 'w', runProperties: { day: 7 } }), /runProperties.day must be a string; got 7/],
  ['GlueWorkflowPollerJob', 'runProperties value an object', workflow({ workflowName: 'w', runProperties: { day: { d: 7 } } }), /runProperties.day must be a string; got \{"d":7\}/],
  ['GlueWorkflowPollerJob', "runProperties: 'day=7'", workflow({ workflowName: 'w', runProperties: 'day=7' }), /runProperties must be an object of string values; got "day=7"/],
  ['GlueWorkflowPollerJob', 'runProperties value JSONata syntax error', workflow({ workflowName: 'w', runProperties: { day: '{% $states.input.( %}' } }), /runProperties.day must be a valid JSONata expression/],
  // SageMakerPipelinePollerJob
  ['SageMakerPipelinePollerJob', 'props undefined', pipeline(undefined), /TestStack\/Pipe: props must be given \(required: pipelineName\); got undefined/],
  ['SageMakerPipelinePollerJob', 'no pipelineName', pipeline({}), /pipelineName must be given \(required\)/],
  ['SageMakerPipelinePollerJob', 'pipelineParameters value a number', pipeline({ pipelineName: 'p', pipelineParameters: { lr: 0.1 } }), /pipelineParameters.lr must be a string; got 0.1/],
  ['SageMakerPipelinePollerJob', 'pipelineParameters value an object', pipeline({ pipelineName: 'p', pipelineParameters: { lr: { v: 1 } } }), /pipelineParameters.lr must be a string/],
  ['SageMakerPipelinePollerJob', 'pipelineParameters a list of Name/Value', pipeline({ pipelineName: 'p', pipelineParameters: [{ Name: 'lr', Value: '0.1' }] }), /pipelineParameters must be an object of string values/],
  ['SageMakerPipelinePollerJob', 'pipelineExecutionDisplayName: 7', pipeline({ pipelineName: 'p', pipelineExecutionDisplayName: 7 }), /pipelineExecutionDisplayName must be a string; got 7/],
  ['SageMakerPipelinePollerJob', 'pipelineExecutionDescription: 7', pipeline({ pipelineName: 'p', pipelineExecutionDescription: 7 }), /pipelineExecutionDescription must be a string; got 7/],
  ['SageMakerPipelinePollerJob', 'pipelineName: 42', pipeline({ pipelineName: 42 }), /pipelineName must be a string; got 42/],
  // BedrockBatchInferencePollerJob
  ['BedrockBatchInferencePollerJob', 'props undefined', bedrock(() => undefined), /TestStack\/Infer: props must be given \(required: modelId, input, output\); got undefined/],
  ['BedrockBatchInferencePollerJob', 'no modelId', bedrock((s) => without(bedrockProps({})(s), 'modelId')), /modelId must be given \(required\)/],
  ['BedrockBatchInferencePollerJob', 'modelId: 42', bedrock(bedrockProps({ modelId: 42 })), /modelId must be a string; got 42/],
  ['BedrockBatchInferencePollerJob', 'no input', bedrock((s) => without(bedrockProps({})(s), 'input')), /input must be given \(required\)/],
  ['BedrockBatchInferencePollerJob', "input: 's3://…'", bedrock(bedrockProps({ input: 's3://data/in/' })), /input must be an S3Location \(S3Location.fromBucket.*; got "s3:\/\/data\/in\/"/],
  ['BedrockBatchInferencePollerJob', 'no output', bedrock((s) => without(bedrockProps({})(s), 'output')), /output must be given \(required\)/],
  ['BedrockBatchInferencePollerJob', "output: 's3://…'", bedrock(bedrockProps({ output: 's3://data/out/' })), /output must be an S3Location/],
  ['BedrockBatchInferencePollerJob', 'role: an ARN string', bedrock(bedrockProps({ role: ARN })), /role must be an IAM role \(iam.IRole\); got "arn:aws:iam/],
  ['BedrockBatchInferencePollerJob', "timeoutInHours: '24'", bedrock(bedrockProps({ timeoutInHours: '24' })), /timeoutInHours must be a number; got "24"/],
  ['BedrockBatchInferencePollerJob', 'jobName: 5', bedrock(bedrockProps({ jobName: 5 })), /jobName must be a string; got 5/],
  // BatchPollerJob
  ['BatchPollerJob', 'props undefined', batchJob(() => undefined), /TestStack\/Batch: props must be given/],
  ['BatchPollerJob', 'jobQueue: an ARN string', batchJob(() => ({ jobQueue: 'arn:aws:batch:us-east-1:123456789012:job-queue/q', jobDefinitionArn: 'arn:d' })), /jobQueue must be a Batch job queue \(batch.IJobQueue\); got "arn:aws:batch/],
  ['BatchPollerJob', 'jobDefinition: an ARN string', batchJob(() => ({ jobQueueArn: 'arn:q', jobDefinition: 'arn:aws:batch:us-east-1:123456789012:job-definition/d' })), /jobDefinition must be a Batch job definition/],
  ['BatchPollerJob', 'jobQueueArn: 7', batchJob(batchProps({ jobQueueArn: 7 })), /jobQueueArn must be a string; got 7/],
  ['BatchPollerJob', "arraySize: '10'", batchJob(batchProps({ arraySize: '10' })), /arraySize must be a number; got "10"/],
  ['BatchPollerJob', 'attemptTimeout: 60', batchJob(batchProps({ attemptTimeout: 60 })), /attemptTimeout must be a Duration.*; got 60/],
  ['BatchPollerJob', 'maxQueueTime: 600', batchJob(batchProps({ maxQueueTime: 600 })), /maxQueueTime must be a Duration.*; got 600/],
  ['BatchPollerJob', 'parameters value a number', batchJob(batchProps({ parameters: { n: 1 } })), /parameters.n must be a string; got 1/],
  ['BatchPollerJob', 'tags value a number', batchJob(batchProps({ tags: { team: 1 } })), /tags.team must be a string; got 1/],
  ['BatchPollerJob', "dependsOn: 'job-1'", batchJob(batchProps({ dependsOn: 'job-1' })), /dependsOn must be a list of object items; got "job-1"/],
  // JobPoller
  ['JobPoller', 'props undefined', poller(undefined), /TestStack\/Export: props must be given \(required: start, errorPrefix\); got undefined/],
  ['JobPoller', 'no start', poller(without(sdkPollerProps(), 'start')), /start must be given \(required\)/],
  ['JobPoller', 'errorPrefix: 5', poller(sdkPollerProps({}, { errorPrefix: 5 })), /errorPrefix must be a string; got 5/],
  ['JobPoller', 'checkFunction: an ARN string', poller({ ...without(sdkPollerProps(), 'sdkCheck'), checkFunction: 'arn:aws:lambda:us-east-1:123456789012:function:f' }), /checkFunction must be a Lambda function \(lambda.IFunction\)/],
  ['JobPoller', 'sdkCheck with no status', poller(sdkPollerProps({ root: { status: undefined } })), /sdkCheck.status must be given \(required\)/],
  ['JobPoller', 'sdkCheck with no call', poller(sdkPollerProps({ root: { call: undefined } })), /sdkCheck.call must be given \(required\)/],
  ['JobPoller', 'sdkCheck with no jobDescription', poller(sdkPollerProps({ root: { jobDescription: undefined } })), /sdkCheck.jobDescription must be given \(required\)/],
  ['JobPoller', 'sdkCheck.call.resource lambda:invoke', poller(sdkPollerProps({ call: { resource: 'arn:aws:states:::lambda:invoke' } })), /sdkCheck.call.resource must be an AWS SDK integration ARN/],
  ['JobPoller', 'sdkCheck.call.resource with .sync', poller(sdkPollerProps({ call: { resource: sdk('dynamodb:describeExport.sync') } })), /sdkCheck.call.resource must be an AWS SDK integration ARN/],
  ['JobPoller', 'sdkCheck.call.resource DescribeExport', poller(sdkPollerProps({ call: { resource: sdk('dynamodb:DescribeExport') } })), /sdkCheck.call.resource must be .*lower camel case.*; got "arn:aws:states:::aws-sdk:dynamodb:DescribeExport"/],
  ['JobPoller', 'sdkCheck.cancel.resource lambda:invoke', poller(sdkPollerProps({ root: { cancel: { resource: 'arn:aws:states:::lambda:invoke' } } })), /sdkCheck.cancel.resource must be an AWS SDK integration ARN/],
  ['JobPoller', "statusField '$.Status'", poller(sdkPollerProps({ status: { statusField: '$.ExportDescription.ExportStatus' } })), /sdkCheck.status.statusField must be a dotted path of response field names/],
  ['JobPoller', "statusField ''", poller(sdkPollerProps({ status: { statusField: '' } })), /sdkCheck.status.statusField must be a dotted path of response field names.*; got ""/],
  ['JobPoller', "reasonField 'a..b'", poller(sdkPollerProps({ status: { reasonField: 'a..b' } })), /sdkCheck.status.reasonField must be a dotted path/],
  ['JobPoller', 'runningValues []', poller(sdkPollerProps({ status: { runningValues: [] } })), /sdkCheck.status.runningValues must be at least one value; got \[\]/],
  ['JobPoller', 'succeededValues []', poller(sdkPollerProps({ status: { succeededValues: [] } })), /sdkCheck.status.succeededValues must be at least one value; got \[\]/],
  ['JobPoller', 'a value both running and succeeded', poller(sdkPollerProps({ status: { succeededValues: ['COMPLETED', 'IN_PROGRESS'] } })), /sdkCheck.status.succeededValues must be free of runningValues .*; got "IN_PROGRESS"/],
  ['JobPoller', "runningValues: 'IN_PROGRESS'", poller(sdkPollerProps({ status: { runningValues: 'IN_PROGRESS' } })), /sdkCheck.status.runningValues must be a list of string items; got "IN_PROGRESS"/],
  ['JobPoller', 'start.parameters JSONata syntax error', poller(sdkPollerProps({}, { start: { ...sdkPollerProps().start, parameters: { TableArn: '{% $states.input.table. %}' } } })), /start.parameters.TableArn must be a valid JSONata expression/],
  // EcsCallbackTask
  ['EcsCallbackTask', 'props undefined', (s) => new EcsCallbackTask(s, 'Work', undefined as any), /TestStack\/Work: props must be given \(required: cluster, taskDefinition, launchTarget\); got undefined/],
  ['EcsCallbackTask', 'no cluster', ecsTask(() => ({ cluster: undefined })), /cluster must be given \(required\)/],
  ['EcsCallbackTask', 'cluster: a name', ecsTask(() => ({ cluster: 'default' })), /cluster must be an ECS cluster \(ecs.ICluster\); got "default"/],
  ['EcsCallbackTask', 'taskDefinition: a family', ecsTask(() => ({ taskDefinition: 'worker' })), /taskDefinition must be an ECS TaskDefinition; got "worker"/],
  ['EcsCallbackTask', "launchTarget: 'FARGATE'", ecsTask(() => ({ launchTarget: 'FARGATE' })), /launchTarget must be a launch target.*; got "FARGATE"/],
  ['EcsCallbackTask', 'heartbeatTimeout equal to taskTimeout', ecsTask(() => ({ heartbeatTimeout: sfn.Timeout.duration(Duration.hours(1)), taskTimeout: sfn.Timeout.duration(Duration.hours(1)) })), /heartbeatTimeout must be shorter than taskTimeout \(3600 seconds\)/],
  ['EcsCallbackTask', 'heartbeatTimeout longer than taskTimeout', ecsTask(() => ({ heartbeatTimeout: sfn.Timeout.duration(Duration.hours(2)), taskTimeout: sfn.Timeout.duration(Duration.hours(1)) })), /heartbeatTimeout must be shorter than taskTimeout/],
  ['EcsCallbackTask', 'heartbeat (deprecated) longer than timeout', ecsTask(() => ({ heartbeat: Duration.hours(2), timeout: Duration.hours(1) })), /heartbeat must be shorter than timeout/],
  ['EcsCallbackTask', 'environment value a number', ecsTask(() => ({ environment: { WORKERS: 4 } })), /environment.WORKERS must be a string; got 4/],
  ['EcsCallbackTask', "command: 'python app.py'", ecsTask(() => ({ command: 'python app.py' })), /command must be a list of string items; got "python app.py"/],
  ['EcsCallbackTask', 'input: a plain object', ecsTask(() => ({ input: { job: 1 } })), /input must be a TaskInput.*; got \{"job":1\}/],
  ['EcsCallbackTask', 'timeout: 3600', ecsTask(() => ({ timeout: 3600 })), /timeout must be a Duration.*; got 3600/],
  ['EcsCallbackTask', 'taskTimeout: 3600', ecsTask(() => ({ taskTimeout: 3600 })), /taskTimeout must be a Timeout \(Timeout.duration\(…\), Timeout.at\(…\)\); got 3600/],
  ['EcsCallbackTask', "assignPublicIp: 'true'", ecsTask(() => ({ assignPublicIp: 'true' })), /assignPublicIp must be a boolean; got "true"/],
  ['EcsCallbackTask', 'cpu: 1024', ecsTask(() => ({ cpu: 1024 })), /cpu must be a string; got 1024/],
  ['EcsCallbackTask', 'securityGroups: one group', ecsTask((fx) => ({ securityGroups: new ec2.SecurityGroup(fx.vpc, 'Sg', { vpc: fx.vpc }) })), /securityGroups must be a list of security group/],
  ['EcsCallbackTask', 'environment value JSONata syntax error', ecsTask(() => ({ environment: { DAY: '{% $states.input.day + %}' } })), /environment.DAY must be a valid JSONata expression/],
  // SageMakerCreateProcessingJob
  ['SageMakerCreateProcessingJob', 'props undefined', (s) => new SageMakerCreateProcessingJob(s, 'Process', undefined as any), /TestStack\/Process: props must be given \(required: image\); got undefined/],
  ['SageMakerCreateProcessingJob', 'image: a URI string', processing({ image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/x:1' }), /image must be a DockerImage.*; got "123456789012/],
  ['SageMakerCreateProcessingJob', "instanceType: 'ml.m5.xlarge'", processing({ instanceType: 'ml.m5.xlarge' }), /instanceType must be an InstanceType.*; got "ml.m5.xlarge"/],
  ['SageMakerCreateProcessingJob', "instanceCount: '2'", processing({ instanceCount: '2' }), /instanceCount must be a number; got "2"/],
  ['SageMakerCreateProcessingJob', 'volumeSize: 30', processing({ volumeSize: 30 }), /volumeSize must be a Size.*; got 30/],
  ['SageMakerCreateProcessingJob', 'maxRuntime: 3600', processing({ maxRuntime: 3600 }), /maxRuntime must be a Duration.*; got 3600/],
  ['SageMakerCreateProcessingJob', 'role: an ARN string', processing({ role: ARN }), /role must be an IAM role \(iam.IRole\)/],
  ['SageMakerCreateProcessingJob', "processingInputs[0].source: 's3://…'", processing({ processingInputs: [{ inputName: 'raw', source: 's3://data/raw/' }] }), /processingInputs\[0\].source must be an S3Location/],
  ['SageMakerCreateProcessingJob', 'processingOutputs[0] with no destination', processing({ processingOutputs: [{ outputName: 'out' }] }), /processingOutputs\[0\].destination must be given \(required\)/],
  ['SageMakerCreateProcessingJob', 'environment value a number', processing({ environment: { THREADS: 4 } }), /environment.THREADS must be a string; got 4/],
  ['SageMakerCreateProcessingJob', "containerArguments: '--x 1'", processing({ containerArguments: '--x 1' }), /containerArguments must be a list of string items/],
  ['SageMakerCreateProcessingJob', 'outputEncryptionKey: an ARN string', processing({ outputEncryptionKey: 'arn:aws:kms:us-east-1:123456789012:key/k' }), /outputEncryptionKey must be a KMS key/],
  // SageMakerCreateHyperParameterTuningJob
  ['SageMakerCreateHyperParameterTuningJob', 'props undefined', (s) => new SageMakerCreateHyperParameterTuningJob(s, 'Tune', undefined as any), /TestStack\/Tune: props must be given \(required: algorithmSpecification, objective, parameterRanges, outputDataConfig\)/],
  ['SageMakerCreateHyperParameterTuningJob', 'no objective', tuning(() => ({ objective: undefined })), /objective must be given \(required\)/],
  ['SageMakerCreateHyperParameterTuningJob', 'parameterRanges: one range', tuning((s) => ({ parameterRanges: tuningProps(s).parameterRanges[0] })), /parameterRanges must be a list of object items/],
  ['SageMakerCreateHyperParameterTuningJob', 'staticHyperParameters value a number', tuning(() => ({ staticHyperParameters: { rounds: 100 } })), /staticHyperParameters.rounds must be a string; got 100/],
  ['SageMakerCreateHyperParameterTuningJob', 'maxTuningRuntime: 3600', tuning(() => ({ maxTuningRuntime: 3600 })), /maxTuningRuntime must be a Duration.*; got 3600/],
  ['SageMakerCreateHyperParameterTuningJob', "outputDataConfig.s3OutputLocation: 's3://…'", tuning(() => ({ outputDataConfig: { s3OutputLocation: 's3://data/models/' } })), /outputDataConfig.s3OutputLocation must be an S3Location/],
  // SageMakerCreateLabelingJob
  ['SageMakerCreateLabelingJob', 'props undefined', (s) => new SageMakerCreateLabelingJob(s, 'Label', undefined as any), /TestStack\/Label: props must be given \(required: inputManifest, outputLocation/],
  ['SageMakerCreateLabelingJob', "inputManifest: 's3://…'", labeling(() => ({ inputManifest: 's3://data/manifest.json' })), /inputManifest must be an S3Location.*; got "s3:\/\/data\/manifest.json"/],
  ['SageMakerCreateLabelingJob', 'taskTitle: 5', labeling(() => ({ taskTitle: 5 })), /taskTitle must be a string; got 5/],
  ['SageMakerCreateLabelingJob', 'taskTimeLimit: 300', labeling(() => ({ taskTimeLimit: 300 })), /taskTimeLimit must be a Duration.*; got 300/],
  ['SageMakerCreateLabelingJob', 'workteamArn: 7', labeling(() => ({ workteamArn: 7 })), /workteamArn must be a string; got 7/],
];

describe.each(LANGUAGES)('careless inputs are refused by name (%s)', (_name, queryLanguage) => {
  test.each(CASES)('%s: %s', (_construct, _input, make, message) => {
    // GIVEN a careless input from plain JavaScript / WHEN the stack synthesizes / THEN the prop is named
    expect(() => synth(make, queryLanguage)).toThrow(message);
  });
});

describe('careful inputs still synthesize (the rows above differ only by the careless prop)', () => {
  test.each(LANGUAGES)('%s', (_name, queryLanguage) => {
    // GIVEN / WHEN / THEN
    for (const make of [
      crawler({ crawlerName: 'c', timeout: Duration.hours(1) }),
      workflow({ workflowName: 'w', runProperties: { day: '7' } }),
      pipeline({ pipelineName: 'p', pipelineParameters: { lr: '0.1' } }),
      bedrock(bedrockProps({})),
      batchJob(batchProps({ arraySize: 10, attemptTimeout: Duration.minutes(5), parameters: { n: '1' } })),
      poller(sdkPollerProps()),
      ecsTask(() => ({ heartbeatTimeout: sfn.Timeout.duration(Duration.minutes(5)), taskTimeout: sfn.Timeout.duration(Duration.hours(1)) })),
      processing({ instanceCount: 2, volumeSize: Size.gibibytes(30), maxRuntime: Duration.hours(1) }),
      tuning(() => ({ staticHyperParameters: { rounds: '100' } })),
      labeling(() => ({})),
    ]) {
      expect(() => synth(make, queryLanguage)).not.toThrow();
    }
  });
});

describe('JobPoller: a custom SDK check that cannot cancel', () => {
  test('warns that the job keeps running when the execution stops (cancelJobOnExecutionStop left at its default)', () => {
    // GIVEN
    const stack = newTestStack();
    // WHEN
    const job = new JobPoller(stack, 'Export', sdkPollerProps() as any);
    new sfn.StateMachine(stack, 'StateMachine', { definitionBody: sfn.DefinitionBody.fromChainable(job) });
    // THEN
    Annotations.fromStack(stack).hasWarning('/TestStack/Export', Match.stringLikeRegexp('will not be stopped when an execution stops'));
  });

  test('no warning when cancelJobOnExecutionStop is false', () => {
    // GIVEN
    const stack = newTestStack();
    // WHEN
    const job = new JobPoller(stack, 'Export', sdkPollerProps({}, { cancelJobOnExecutionStop: false }) as any);
    new sfn.StateMachine(stack, 'StateMachine', { definitionBody: sfn.DefinitionBody.fromChainable(job) });
    // THEN
    Annotations.fromStack(stack).hasNoWarning('/TestStack/Export', Match.anyValue());
  });
});

describe('Python users read Python names', () => {
  afterEach(() => { delete process.env.JSII_AGENT; });

  test('under the jsii Python runtime (JSII_AGENT=Python/…), props are named in snake_case', () => {
    // GIVEN the environment the jsii Python runtime gives its node process
    process.env.JSII_AGENT = 'Python/3.12.3';
    // WHEN / THEN
    expect(() => synth(processing({ instanceCount: 0 }), sfn.QueryLanguage.JSON_PATH)).toThrow(/TestStack\/Process: instance_count must be an integer between 1 and 100; got 0/);
    expect(() => synth(crawler({}), sfn.QueryLanguage.JSON_PATH)).toThrow(/crawler_name must be given \(required\)/);
    expect(() => synth(poller(sdkPollerProps({ status: { statusField: '' } })), sfn.QueryLanguage.JSON_PATH))
      .toThrow(/sdk_check.status.status_field must be a dotted path/);
    expect(() => synth((s) => new SageMakerCreateProcessingJob(s, 'P', undefined as any), sfn.QueryLanguage.JSON_PATH))
      .toThrow(/props must be given \(required: image\)/);
  });

  test('under node (or another jsii runtime), props keep their camelCase names', () => {
    // GIVEN
    process.env.JSII_AGENT = 'Java/17';
    // WHEN / THEN
    expect(() => synth(processing({ instanceCount: 0 }), sfn.QueryLanguage.JSON_PATH)).toThrow(/instanceCount must be an integer between 1 and 100/);
  });
});

