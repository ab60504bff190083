// Snapshot test: the four SDK-check waits in one pipeline, no Lambda in any poll: a Glue crawl (already running is
// waited for), a Glue workflow run whose run properties come from the input (its states in JSONata inside the JSONPath
// state machine), a SageMaker pipeline execution and a Bedrock batch inference job with its default service role;
// a failure of any is caught; stopping an execution stops the job it waits for (the stack's execution-stopped rule).
import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Duration, RemovalPolicy, Stack, StackProps, aws_s3 as s3, aws_stepfunctions as sfn, aws_stepfunctions_tasks as tasks } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { BedrockBatchInferencePollerJob, GlueCrawlerPollerJob, GlueWorkflowPollerJob, SageMakerPipelinePollerJob } from '../../src';

class SdkPollersStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const crawl = new GlueCrawlerPollerJob(this, 'Crawl', { crawlerName: 'sales-raw', timeout: Duration.hours(2) });
    const etl = new GlueWorkflowPollerJob(this, 'Etl', {
      workflowName: 'nightly-etl',
      runProperties: { day: '{% $states.input.day %}' },
      queryLanguage: sfn.QueryLanguage.JSONATA,
      timeout: Duration.hours(6),
    });
    const train = new SageMakerPipelinePollerJob(this, 'Train', {
      pipelineName: 'TrainPipeline',
      pipelineParameters: { InputDataUrl: sfn.JsonPath.stringAt('$.dataUrl') },
      pipelineExecutionDisplayName: 'nightly',
    });
    const bucket = new s3.Bucket(this, 'Data', { enforceSSL: true, removalPolicy: RemovalPolicy.DESTROY });
    const summarize = new BedrockBatchInferencePollerJob(this, 'Summarize', {
      modelId: 'anthropic.claude-3-haiku-20240307-v1:0',
      input: tasks.S3Location.fromBucket(bucket, 'prompts/'),
      output: tasks.S3Location.fromBucket(bucket, 'results/'),
      timeoutInHours: 24,
      timeout: Duration.hours(30),
    });

    const failed = new sfn.Fail(this, 'Pipeline failed', { error: 'Pipeline.Failed' });
    // JSONPath catchers place the error at resultPath; the JSONata poller's catcher cannot (ResultPath is a JSONPath
    // field): its default output is the error itself.
    for (const wait of [crawl, train, summarize]) wait.addCatch(failed, { resultPath: '$.error' });
    etl.addCatch(failed);

    new sfn.StateMachine(this, 'Pipeline', {
      definitionBody: sfn.DefinitionBody.fromChainable(crawl.next(etl).next(train).next(summarize)),
    });
  }
}

const app = new App();
const stack = new SdkPollersStack(app, 'SdkPollersStack', { env: { region: 'us-east-1' } });
new IntegTest(app, 'SdkPollers', { testCases: [stack] });
