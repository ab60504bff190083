/**
 * The README's EMR Serverless example (the same code as test/python/examples/emr_serverless_spark.py): it
 * synthesizes, its definition is valid ASL, and it runs offline with one day's job run succeeding and one failing.
 */
import { App, Duration, Stack, aws_stepfunctions as sfn } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { EmrServerlessStartJobRun, JobDriver, testing } from '../../src';
import { TEST_ENV, expectValidAsl, renderStateMachine } from '../support';

// --- README: EMR Serverless, a Spark job run per day in a Map with a Catch -----------------------------------
class SparkStack extends Stack {
  constructor(scope: Construct, id: string) {
    super(scope, id, { env: TEST_ENV });

    // .sync (waits for the job run), a job run name unique per execution, an execution role that
    // may read the script and write the logs, nothing more
    const etl = EmrServerlessStartJobRun.jsonata(this, 'DailyEtl', {
      applicationId: '00f1abcdef123456',
      jobDriver: JobDriver.sparkSubmit({
        entryPoint: 's3://my-spark-code/jobs/etl.py',
        entryPointArguments: ['--day', '{% $states.input.day %}'],
        sparkSubmitParameters: '--conf spark.executor.cores=2 --conf spark.executor.memory=4g',
      }),
      configurationOverrides: { monitoring: { s3LogUri: 's3://my-spark-logs/etl/' } },
      executionTimeout: Duration.hours(2),
      outputs: { day: '{% $states.input.day %}', state: '{% $states.result.JobRun.State %}' },
    });
    // A job run that ends FAILED or CANCELLED: States.TaskFailed, the job run in Cause
    etl.addCatch(sfn.Pass.jsonata(this, 'DayFailed'), {
      errors: ['States.TaskFailed'],
      outputs: { day: '{% $states.input.day %}', failure: '{% $parse($states.errorOutput.Cause).StateDetails %}' },
    });

    const eachDay = sfn.Map.jsonata(this, 'EachDay', {
      items: sfn.ProvideItems.jsonata('{% $states.input.days %}'),
      maxConcurrency: 4,
    }).itemProcessor(etl);

    new sfn.StateMachine(this, 'DailySpark', {
      definitionBody: sfn.DefinitionBody.fromChainable(eachDay),
      queryLanguage: sfn.QueryLanguage.JSONATA,
    });
  }
}

test('README EMR Serverless example: synthesizes, valid ASL, runs offline (one day succeeds, one fails)', async () => {
  // GIVEN
  const stack = new SparkStack(new App(), 'Spark');
  const definition = renderStateMachine(stack);
  expectValidAsl(definition);
  // WHEN
  const result = await testing.Workflow.fromDefinition(definition).execute({
    input: { days: [{ day: '2026-01-01' }, { day: '2026-01-02' }] },
    taskHandler: {
      handle: ({ request }) => (request.JobDriver.SparkSubmit.EntryPointArguments[1] === '2026-01-02'
        ? { error: 'States.TaskFailed', cause: JSON.stringify({ State: 'FAILED', StateDetails: 'Job failed, please check complete logs in configured logging destination.' }) }
        : { result: { JobRun: { ApplicationId: request.ApplicationId, JobRunId: '00f1run', Name: request.Name, State: 'SUCCESS' } } }),
    },
  });
  // THEN
  expect(result.status).toBe('SUCCEEDED');
  expect(result.output).toEqual([
    { day: '2026-01-01', state: 'SUCCESS' },
    { day: '2026-01-02', failure: 'Job failed, please check complete logs in configured logging destination.' },
  ]);
});
