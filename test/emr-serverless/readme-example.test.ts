/**
 * The README's EMR Serverless example (the same code as test/python/examples/emr_serverless_spark.py): it
 * synthesizes, its definition is valid ASL, and it runs offline with one day's job run succeeding and one failing.
 */
import { App, Duration, Stack, aws_stepfunctions as sfn } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import {
  EmrServerlessApplicationType, EmrServerlessCreateApplication, EmrServerlessDeleteApplication,
  EmrServerlessStartApplication, EmrServerlessStartJobRun, EmrServerlessStopApplication, JobDriver, testing,
} from '../../src';
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

test('README EMR Serverless application tasks: an application per execution, created, started, used, stopped, deleted (run offline)', async () => {
  // GIVEN
  const stack = new Stack(new App(), 'Emr', { env: TEST_ENV });
  // --- README: the other five ---------------------------------------------------------------------------------
  // An application for this execution only: create, start, run, stop, delete (each .sync)
  const appId = '{% $app.ApplicationId %}';
  const create = EmrServerlessCreateApplication.jsonata(stack, 'CreateApp', {
    releaseLabel: 'emr-7.5.0',
    applicationType: EmrServerlessApplicationType.SPARK,
    assign: { app: '{% $states.result %}' },
  });
  const start = EmrServerlessStartApplication.jsonata(stack, 'StartApp', { applicationId: appId });
  const run = EmrServerlessStartJobRun.jsonata(stack, 'Run', {
    applicationId: appId,
    jobDriver: JobDriver.sparkSubmit({ entryPoint: 's3://my-spark-code/jobs/etl.py' }),
  });
  const stop = EmrServerlessStopApplication.jsonata(stack, 'StopApp', { applicationId: appId });
  const remove = EmrServerlessDeleteApplication.jsonata(stack, 'DeleteApp', { applicationId: appId });

  new sfn.StateMachine(stack, 'Ephemeral', {
    definitionBody: sfn.DefinitionBody.fromChainable(create.next(start).next(run).next(stop).next(remove)),
    queryLanguage: sfn.QueryLanguage.JSONATA,
  });
  // -------------------------------------------------------------------------------------------------------------
  const definition = renderStateMachine(stack);
  expectValidAsl(definition);
  const calls: string[] = [];
  // WHEN
  const result = await testing.Workflow.fromDefinition(definition).execute({
    input: {},
    taskHandler: {
      handle: ({ stateName, resource, request }) => {
        calls.push(`${stateName} ${resource.split(':').pop()} ${request.ApplicationId ?? request.ReleaseLabel}`);
        if (stateName === 'CreateApp') return { result: { ApplicationId: '00f1new', Name: 'n', Arn: 'arn' } };
        if (stateName === 'Run') return { result: { JobRun: { ApplicationId: request.ApplicationId, State: 'SUCCESS' } } };
        return { result: { ApplicationId: request.ApplicationId } };
      },
    },
  });
  // THEN
  expect(result.status).toBe('SUCCEEDED');
  expect(calls).toEqual([
    'CreateApp createApplication.sync emr-7.5.0',
    'StartApp startApplication.sync 00f1new',
    'Run startJobRun.sync 00f1new',
    'StopApp stopApplication.sync 00f1new',
    'DeleteApp deleteApplication.sync 00f1new',
  ]);
});
