// Snapshot test: EMR Serverless (issue 19). An application is started (.sync), a Map runs one Spark job run
// (.sync) per day with a Retry on throttling and a Catch for a FAILED or CANCELLED job run, then the application
// is stopped (.sync).
import { IntegTest } from '@aws-cdk/integ-tests-alpha';
import { App, Duration, RemovalPolicy, Stack, StackProps, aws_s3 as s3, aws_stepfunctions as sfn } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { EmrServerlessStartApplication, EmrServerlessStartJobRun, EmrServerlessStopApplication, JobDriver } from '../../src';

class EmrServerlessPipelineStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const code = new s3.Bucket(this, 'Code', { enforceSSL: true, removalPolicy: RemovalPolicy.DESTROY });
    const applicationId = sfn.JsonPath.stringAt('$.applicationId');

    const start = EmrServerlessStartApplication.jsonPath(this, 'Start application', { applicationId, resultPath: sfn.JsonPath.DISCARD });

    // --- one Spark job run per day, .sync, in a Map, each with its own error handling
    const etl = EmrServerlessStartJobRun.jsonPath(this, 'Daily ETL', {
      applicationId,
      jobDriver: JobDriver.sparkSubmit({
        entryPoint: code.s3UrlForObject('jobs/etl.py'),
        entryPointArguments: sfn.JsonPath.listAt('$.arguments'),
        sparkSubmitParameters: '--conf spark.executor.cores=2 --conf spark.executor.memory=4g',
      }),
      configurationOverrides: {
        applicationConfiguration: [{ classification: 'spark-defaults', properties: { 'spark.dynamicAllocation.enabled': 'true' } }],
        monitoring: { s3LogUri: code.s3UrlForObject('logs/'), managedPersistence: true },
      },
      executionTimeout: Duration.hours(2),
      tags: { project: 'daily-etl' },
      resultSelector: { 'state.$': '$.JobRun.State', 'jobRunId.$': '$.JobRun.JobRunId' },
      resultPath: '$.run',
    });
    etl.addRetry({ errors: ['EMRServerless.ThrottlingException'], interval: Duration.seconds(5), maxAttempts: 3, backoffRate: 2 });
    code.grantRead(etl, 'data/*');
    const failed = new sfn.Pass(this, 'Record failure', {
      parameters: { 'day.$': '$.day', 'failure.$': 'States.StringToJson($.error.Cause)' },
    });
    etl.addCatch(failed, { errors: ['States.TaskFailed'], resultPath: '$.error' });

    const perDay = new sfn.Map(this, 'Per day', {
      itemsPath: '$.days',
      itemSelector: { 'day.$': '$$.Map.Item.Value', 'applicationId.$': '$.applicationId', 'arguments.$': 'States.Array(\'--day\', $$.Map.Item.Value)' },
      maxConcurrency: 4,
      resultPath: '$.days',
    }).itemProcessor(etl);

    const stop = EmrServerlessStopApplication.jsonPath(this, 'Stop application', { applicationId });

    new sfn.StateMachine(this, 'EmrServerlessPipeline', {
      definitionBody: sfn.DefinitionBody.fromChainable(start.next(perDay).next(stop)),
      timeout: Duration.hours(12),
    });
  }
}

const app = new App();
const stack = new EmrServerlessPipelineStack(app, 'CdkSfnJobsIntegEmrServerless');
new IntegTest(app, 'EmrServerlessPipeline', { testCases: [stack] });
app.synth();
