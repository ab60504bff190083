// Snapshot test: event-driven waits (`detection: JobDetection.events()`). A Batch job and a Glue crawl inside a Map
// (JSONPath) and a SageMaker pipeline (JSONata states in the JSONPath state machine) are each woken by their service's
// EventBridge event, with the poll as the net; a custom JobPoller (a Glue job run) names its own event. The stack gets
// one token table, one rule per event source and one Express state machine that returns the stored task tokens.
import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Duration, Stack, StackProps, aws_stepfunctions as sfn } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { BatchPollerJob, GlueCrawlerPollerJob, JobDetection, JobPoller, SageMakerPipelinePollerJob } from '../../src';

class EventWaitsStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);
    const events = JobDetection.events();

    const train = new BatchPollerJob(this, 'Train', {
      jobQueueArn: this.formatArn({ service: 'batch', resource: 'job-queue', resourceName: 'training' }),
      jobDefinitionArn: this.formatArn({ service: 'batch', resource: 'job-definition', resourceName: 'train:1' }),
      timeout: Duration.hours(12),
      detection: events,
    });
    const crawl = new GlueCrawlerPollerJob(this, 'Crawl', {
      crawlerName: sfn.JsonPath.stringAt('$.crawler'),
      timeout: Duration.hours(2),
      detection: events,
    });
    const perCrawler = new sfn.Map(this, 'Each crawler', { itemsPath: '$.crawlers', maxConcurrency: 4 })
      .itemProcessor(crawl);
    const pipeline = new SageMakerPipelinePollerJob(this, 'Pipeline', {
      pipelineName: 'TrainPipeline',
      queryLanguage: sfn.QueryLanguage.JSONATA,
      detection: events,
    });
    const etl = new JobPoller(this, 'Etl', {
      errorPrefix: 'Etl',
      start: { resource: 'arn:aws:states:::aws-sdk:glue:startJobRun', parameters: { JobName: 'etl' }, resultFields: { runId: 'JobRunId' } },
      sdkCheck: {
        jobDescription: 'Glue job run',
        call: { resource: 'arn:aws:states:::aws-sdk:glue:getJobRun', parameters: { JobName: 'etl' }, jobParameters: { RunId: 'runId' } },
        status: {
          statusField: 'JobRun.JobRunState',
          runningValues: ['STARTING', 'RUNNING', 'STOPPING', 'WAITING'],
          succeededValues: ['SUCCEEDED'],
          reasonField: 'JobRun.ErrorMessage',
        },
      },
      detection: JobDetection.events({
        event: {
          source: 'aws.glue',
          detailType: 'Glue Job State Change',
          jobField: 'jobRunId',
          statusField: 'state',
          terminalStatuses: ['SUCCEEDED', 'FAILED', 'TIMEOUT', 'STOPPED'],
          jobKey: 'runId',
        },
      }),
      cancelJobOnExecutionStop: false,
    });

    const failed = new sfn.Fail(this, 'Failed', { error: 'Pipeline.Failed' });
    train.addCatch(failed, { resultPath: '$.error' });
    pipeline.addCatch(failed); // JSONata: the catcher's output is the error (ResultPath is a JSONPath field)
    new sfn.StateMachine(this, 'Nightly', {
      definitionBody: sfn.DefinitionBody.fromChainable(train.next(perCrawler).next(pipeline).next(etl)),
    });
  }
}

const app = new App();
const stack = new EventWaitsStack(app, 'EventWaitsStack', { env: { region: 'us-east-1' } });
new IntegTest(app, 'EventWaits', { testCases: [stack] });
