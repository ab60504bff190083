/**
 * The SageMaker job tasks executed on our executor in both query languages, at the top level and inside
 * Parallel, Map and Parallel-in-Map: the job completes, fails, is stopped, is refused, is throttled then succeeds,
 * and a Catch takes a failure. Step Functions' `.sync` integration answers with the job's Describe response when
 * it completes and fails the state with `States.TaskFailed` (Cause: the description as JSON) when the job ends
 * `Failed` or `Stopped`; a Create call refused by SageMaker fails it with `SageMaker.<error>`.
 */
import { Duration } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { helloWorldProps, HELLO_WORLD_IMAGE } from './fixtures';
import { labelingProps, tuningProps } from './fixtures-jobs';
import { SageMakerCreateHyperParameterTuningJob, SageMakerCreateLabelingJob, SageMakerCreateProcessingJob, testing } from '../../src';
import { MATRIX, requestsOf, runPlaced, stateNames } from '../support';

interface JobKind {
  readonly kind: string;
  readonly id: string;
  readonly build: (scope: Construct) => sfn.TaskStateBase;
  readonly resource: string;
  readonly nameField: string;
  readonly statusField: string;
}

const JOBS: JobKind[] = [
  {
    kind: 'processing',
    id: 'Process',
    build: (scope) => new SageMakerCreateProcessingJob(scope, 'Process', helloWorldProps()),
    resource: 'arn:aws:states:::sagemaker:createProcessingJob.sync',
    nameField: 'ProcessingJobName',
    statusField: 'ProcessingJobStatus',
  },
  {
    kind: 'tuning',
    id: 'Tune',
    build: (scope) => new SageMakerCreateHyperParameterTuningJob(scope, 'Tune', tuningProps(scope)),
    resource: 'arn:aws:states:::sagemaker:createHyperParameterTuningJob.sync',
    nameField: 'HyperParameterTuningJobName',
    statusField: 'HyperParameterTuningJobStatus',
  },
  {
    kind: 'labeling',
    id: 'Label',
    build: (scope) => new SageMakerCreateLabelingJob(scope, 'Label', labelingProps(scope)),
    resource: 'arn:aws:states:::sagemaker:createLabelingJob.sync',
    nameField: 'LabelingJobName',
    statusField: 'LabelingJobStatus',
  },
];

/** The `.sync` answer: the ended job's description; Failed and Stopped jobs fail the state with States.TaskFailed. */
function endsAs(job: JobKind, status: 'Completed' | 'Failed' | 'Stopped', durationSeconds = 1800) {
  return (invocation: testing.TaskInvocation): testing.TaskOutcome => {
    const description = { [job.nameField]: invocation.request[job.nameField], [job.statusField]: status, ...(status === 'Failed' ? { FailureReason: 'AlgorithmError: exit 1' } : {}) };
    if (status === 'Completed') return { result: description, durationSeconds };
    return { error: 'States.TaskFailed', cause: JSON.stringify(description), durationSeconds };
  };
}

describe.each(JOBS)('$kind job', (job) => {
  test.each(MATRIX)('%s, %s: the job completes; the state returns its description', async (language, placement) => {
    // WHEN
    const run = await runPlaced(job.build, { language, placement, input: { dataset: 'd-1' }, taskHandler: endsAs(job, 'Completed') });

    // THEN
    expect(run.status).toBe('SUCCEEDED');
    const [request] = requestsOf(run, job.id);
    expect(request[job.nameField]).toMatch(new RegExp(`^${job.id}-[0-9a-f-]+$`));
    expect(run.output).toEqual({ [job.nameField]: request[job.nameField], [job.statusField]: 'Completed' });
    expect(run.states.map((s) => [s.name, s.type, s.enteredSeconds, s.exitedSeconds])).toEqual([[job.id, 'Task', 0, 1800]]);
    expect(run.definition).toMatchObject(language === 'JSONata' ? { QueryLanguage: 'JSONata' } : {});
  });

  test.each(MATRIX)('%s, %s: a stopped job fails the execution with States.TaskFailed and the description as Cause', async (language, placement) => {
    // WHEN
    const run = await runPlaced(job.build, { language, placement, taskHandler: endsAs(job, 'Stopped') });

    // THEN
    expect(run.status).toBe('FAILED');
    expect(run.error).toBe('States.TaskFailed');
    expect(JSON.parse(run.cause!)).toMatchObject({ [job.statusField]: 'Stopped' });
  });
});

describe('processing job: every failure path', () => {
  const job = JOBS[0];

  test.each(MATRIX)('%s, %s: the request is the job definition, with a unique name per execution', async (language, placement) => {
    // WHEN
    const run = await runPlaced(job.build, { language, placement, taskHandler: endsAs(job, 'Completed') });

    // THEN
    const [request] = requestsOf(run, 'Process');
    expect(request).toMatchObject({
      AppSpecification: { ImageUri: HELLO_WORLD_IMAGE },
      ProcessingResources: { ClusterConfig: { InstanceCount: 1 } },
      RoleArn: expect.stringMatching(/^\$\{ProcessRole[0-9A-F]+\.Arn\}$/),
    });
    expect(run.definition).toBeDefined();
  });

  test.each(MATRIX)('%s, %s: a failed job fails the execution with States.TaskFailed and its FailureReason', async (language, placement) => {
    // WHEN
    const run = await runPlaced(job.build, { language, placement, taskHandler: endsAs(job, 'Failed', 600) });

    // THEN
    expect([run.status, run.error]).toEqual(['FAILED', 'States.TaskFailed']);
    expect(JSON.parse(run.cause!)).toMatchObject({ ProcessingJobStatus: 'Failed', FailureReason: 'AlgorithmError: exit 1' });
    expect(run.result.elapsedSeconds).toBe(600);
  });

  test.each(MATRIX)('%s, %s: SageMaker refuses the job (SageMaker.AmazonSageMakerException)', async (language, placement) => {
    // WHEN
    const run = await runPlaced(job.build, {
      language,
      placement,
      taskHandler: () => ({ error: 'SageMaker.AmazonSageMakerException', cause: 'The account-level service limit for ml.m5.xlarge is 4 Instances' }),
    });

    // THEN
    expect(run).toMatchObject({ status: 'FAILED', error: 'SageMaker.AmazonSageMakerException', cause: expect.stringMatching(/service limit/) });
  });

  test.each(MATRIX)('%s, %s: throttled twice, then the retry succeeds', async (language, placement) => {
    // GIVEN
    const build = (scope: Construct) => job.build(scope).addRetry({ errors: ['SageMaker.ThrottlingException'], interval: Duration.seconds(5), backoffRate: 2, maxAttempts: 3 });

    // WHEN
    const run = await runPlaced(build, {
      language,
      placement,
      taskHandler: (invocation) => (invocation.attempt < 2
        ? { error: 'SageMaker.ThrottlingException', cause: 'Rate exceeded' }
        : endsAs(job, 'Completed', 60)(invocation)),
    });

    // THEN
    expect(run.status).toBe('SUCCEEDED');
    expect(run.output).toMatchObject({ ProcessingJobStatus: 'Completed' });
    // 5 s, then 10 s between attempts, then the 60 s job; each retry is a state transition
    expect(run.result.elapsedSeconds).toBe(75);
    expect(run.states).toHaveLength(1);
    const wrappers = { top: 0, parallel: 1, map: 1, parallelInMap: 2 }[placement];
    expect(run.result.stateTransitions).toBe(1 + 2 + wrappers);
  });

  test.each(MATRIX)('%s, %s: a Catch takes the failed job and the workflow goes on', async (language, placement) => {
    // GIVEN
    const build = (scope: Construct) => {
      const handled = language === 'JSONata'
        ? sfn.Pass.jsonata(scope, 'Handle failure', { outputs: { job: '{% $parse($states.input.Cause) %}' } })
        : new sfn.Pass(scope, 'Handle failure', { parameters: { 'job.$': 'States.StringToJson($.Cause)' } });
      return job.build(scope).addCatch(handled, { errors: ['States.TaskFailed'] });
    };

    // WHEN
    const run = await runPlaced(build, { language, placement, taskHandler: endsAs(job, 'Failed') });

    // THEN
    expect(run.status).toBe('SUCCEEDED');
    expect(stateNames(run)).toEqual(['Process', 'Handle failure']);
    expect(run.output.job).toMatchObject({ ProcessingJobStatus: 'Failed', FailureReason: 'AlgorithmError: exit 1' });
  });
});
