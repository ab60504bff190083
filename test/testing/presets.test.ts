/**
 * Mock presets (`testing.MockPresets`): for each construct, a state machine built with it is executed offline with
 * each preset's mocks, in JSONPath and JSONata, and ends as the preset says (success after N checks, failure with
 * the reason, timeout, stop). The mock-config format is AWS's Step Functions Local one:
 * https://docs.aws.amazon.com/step-functions/latest/dg/sfn-local-mock-cfg-file.html
 */
import { Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
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
  JobPoller,
  SageMakerCreateHyperParameterTuningJob,
  SageMakerCreateLabelingJob,
  SageMakerCreateProcessingJob,
  SageMakerPipelinePollerJob,
} from '../../src';
import { ExecutionResult, ITaskHandler, MockOutcome, MockPreset, MockPresetOptions, MockPresets, TaskInvocation, Workflow } from '../../src/testing';
import { fargateFixture } from '../ecs/fixtures';
import { helloWorldProps } from '../sagemaker/fixtures';
import { labelingProps, tuningProps } from '../sagemaker/fixtures-jobs';
import { expectValidAsl, newTestStack } from '../support';

const LANGUAGES = [['JSONPath', sfn.QueryLanguage.JSON_PATH], ['JSONata', sfn.QueryLanguage.JSONATA]] as const;
const { SUCCEEDED, FAILED, TIMED_OUT, STOPPED, STUCK } = MockOutcome;

interface Spec {
  readonly name: string;
  /** Builds the construct; returns it and the chainable to put in the state machine. */
  readonly build: (scope: Construct) => { construct: any; chain: sfn.IChainable };
  readonly preset: (construct: any, options: MockPresetOptions) => MockPreset;
  readonly outcomes: MockOutcome[];
  /** The Task state that checks a poller's job (counted against `checks`). */
  readonly checkState?: (construct: any) => string;
  /** The state that cancels a poller's job at its deadline. */
  readonly cancelState?: string;
}

const bucket = (scope: Construct) => s3.Bucket.fromBucketName(scope, 'Bucket', 'data-bucket');
const poller = <T extends { poller: JobPoller }>(make: (scope: Construct) => T) => (scope: Construct) => {
  const construct = make(scope);
  return { construct, chain: construct as unknown as sfn.IChainable };
};

const SPECS: Spec[] = [
  {
    name: 'SageMakerCreateProcessingJob',
    build: (scope) => {
      const task = new SageMakerCreateProcessingJob(scope, 'Preprocess', helloWorldProps());
      return { construct: task, chain: task };
    },
    preset: (c, o) => MockPresets.sageMakerProcessingJob(c, o),
    outcomes: [SUCCEEDED, FAILED, TIMED_OUT, STOPPED],
  },
  {
    name: 'SageMakerCreateHyperParameterTuningJob',
    build: (scope) => {
      const task = new SageMakerCreateHyperParameterTuningJob(scope, 'Tune', tuningProps(scope));
      return { construct: task, chain: task };
    },
    preset: (c, o) => MockPresets.sageMakerHyperParameterTuningJob(c, o),
    outcomes: [SUCCEEDED, FAILED, TIMED_OUT, STOPPED],
  },
  {
    name: 'SageMakerCreateLabelingJob',
    build: (scope) => {
      const task = new SageMakerCreateLabelingJob(scope, 'Label', labelingProps(scope));
      return { construct: task, chain: task };
    },
    preset: (c, o) => MockPresets.sageMakerLabelingJob(c, o),
    outcomes: [SUCCEEDED, FAILED, TIMED_OUT, STOPPED],
  },
  {
    name: 'EcsCallbackTask',
    build: (scope) => {
      const fx = fargateFixture(Stack.of(scope));
      const task = new EcsCallbackTask(scope, 'Work', { cluster: fx.cluster, taskDefinition: fx.taskDefinition, launchTarget: new tasks.EcsFargateLaunchTarget() });
      return { construct: task, chain: task };
    },
    preset: (c, o) => MockPresets.ecsCallbackTask(c, o),
    outcomes: [SUCCEEDED, FAILED, TIMED_OUT, STOPPED],
  },
  {
    name: 'BatchPollerJob',
    build: poller((scope) => new BatchPollerJob(scope, 'Train', {
      jobQueueArn: 'arn:aws:batch:us-east-1:123456789012:job-queue/training',
      jobDefinitionArn: 'arn:aws:batch:us-east-1:123456789012:job-definition/train:7',
    })),
    preset: (c, o) => MockPresets.batchPollerJob(c, o),
    outcomes: [SUCCEEDED, FAILED, TIMED_OUT, STUCK],
    checkState: (c: BatchPollerJob) => c.poller.checkTask.stateId,
    cancelState: 'Train: Cancel job (timed out)',
  },
  {
    name: 'GlueCrawlerPollerJob',
    build: poller((scope) => new GlueCrawlerPollerJob(scope, 'Crawl', { crawlerName: 'sales', timeout: Duration.minutes(10) })),
    preset: (c, o) => MockPresets.glueCrawlerPollerJob(c, o),
    outcomes: [SUCCEEDED, FAILED, TIMED_OUT, STOPPED],
    checkState: (c: GlueCrawlerPollerJob) => c.poller.checkTask.stateId,
    cancelState: 'Crawl: Cancel job',
  },
  {
    name: 'GlueWorkflowPollerJob',
    build: poller((scope) => new GlueWorkflowPollerJob(scope, 'Etl', { workflowName: 'nightly', timeout: Duration.minutes(10) })),
    preset: (c, o) => MockPresets.glueWorkflowPollerJob(c, o),
    outcomes: [SUCCEEDED, FAILED, TIMED_OUT, STOPPED],
    checkState: (c: GlueWorkflowPollerJob) => c.poller.checkTask.stateId,
    cancelState: 'Etl: Cancel job',
  },
  {
    name: 'SageMakerPipelinePollerJob',
    build: poller((scope) => new SageMakerPipelinePollerJob(scope, 'Pipeline', { pipelineName: 'TrainPipeline', timeout: Duration.minutes(10) })),
    preset: (c, o) => MockPresets.sageMakerPipelinePollerJob(c, o),
    outcomes: [SUCCEEDED, FAILED, TIMED_OUT, STOPPED],
    checkState: (c: SageMakerPipelinePollerJob) => c.poller.checkTask.stateId,
    cancelState: 'Pipeline: Cancel job',
  },
  {
    name: 'BedrockBatchInferencePollerJob',
    build: poller((scope) => {
      const data = bucket(scope);
      return new BedrockBatchInferencePollerJob(scope, 'Batch', {
        modelId: 'anthropic.claude-3-haiku-20240307-v1:0',
        input: tasks.S3Location.fromBucket(data, 'in/'),
        output: tasks.S3Location.fromBucket(data, 'out/'),
        timeout: Duration.minutes(10),
      });
    }),
    preset: (c, o) => MockPresets.bedrockBatchInferencePollerJob(c, o),
    outcomes: [SUCCEEDED, FAILED, TIMED_OUT, STOPPED],
    checkState: (c: BedrockBatchInferencePollerJob) => c.poller.checkTask.stateId,
    cancelState: 'Batch: Cancel job',
  },
  {
    name: 'JobPoller with an SDK check',
    build: (scope) => {
      const call = (action: string) => `arn:aws:states:::aws-sdk:emrserverless:${action}`;
      const statement = new iam.PolicyStatement({ actions: ['emr-serverless:GetJobRun'], resources: ['*'] });
      const construct = new JobPoller(scope, 'Spark', {
        errorPrefix: 'Spark',
        timeout: Duration.minutes(10),
        start: {
          resource: call('startJobRun'),
          parameters: { ApplicationId: 'app-1', ExecutionRoleArn: 'arn:aws:iam::123456789012:role/spark', ClientToken: 'token' },
          resultFields: { applicationId: 'ApplicationId', jobRunId: 'JobRunId' },
        },
        sdkCheck: {
          jobDescription: 'EMR Serverless job run',
          call: { resource: call('getJobRun'), jobParameters: { ApplicationId: 'applicationId', JobRunId: 'jobRunId' }, policyStatements: [statement] },
          status: {
            statusField: 'JobRun.State',
            runningValues: ['SUBMITTED', 'PENDING', 'SCHEDULED', 'RUNNING', 'CANCELLING'],
            succeededValues: ['SUCCESS'],
            reasonField: 'JobRun.StateDetails',
          },
          cancel: { resource: call('cancelJobRun'), jobParameters: { ApplicationId: 'applicationId', JobRunId: 'jobRunId' } },
        },
      });
      return { construct, chain: construct };
    },
    preset: (c, o) => MockPresets.jobPoller(c, o),
    outcomes: [SUCCEEDED, FAILED, TIMED_OUT, STOPPED],
    checkState: (c: JobPoller) => c.checkTask.stateId,
    cancelState: 'Spark: Cancel job',
  },
];

function workflowOf(spec: Spec, queryLanguage: sfn.QueryLanguage): { workflow: Workflow; construct: any } {
  const stack = newTestStack();
  const scope = new Construct(stack, 'Jobs');
  const { construct, chain } = spec.build(scope);
  const sm = new sfn.StateMachine(stack, 'Pipeline', { queryLanguage, definitionBody: sfn.DefinitionBody.fromChainable(chain) });
  const workflow = Workflow.fromStateMachine(sm);
  expectValidAsl(workflow.definition);
  return { workflow, construct };
}

async function run(workflow: Workflow, preset: MockPreset): Promise<ExecutionResult> {
  const mockConfig = MockPresets.mockConfig('Pipeline', { Case: preset });
  return workflow.execute({ input: {}, mockConfig, testCase: 'Case' });
}

describe.each(SPECS)('$name', (spec) => {
  describe.each(LANGUAGES)('%s', (_, queryLanguage) => {
    let built: { workflow: Workflow; construct: any };
    beforeAll(() => {
      built = workflowOf(spec, queryLanguage);
    });

    test('SUCCEEDED: the execution succeeds (pollers: after the checks asked for)', async () => {
      // GIVEN
      const preset = spec.preset(built.construct, { checks: 3 });

      // WHEN
      const result = await run(built.workflow, preset);

      // THEN
      expect(result).toMatchObject({ status: 'SUCCEEDED' });
      expect(preset.error).toBeUndefined();
      if (spec.checkState) {
        expect(result.states.filter((s) => s.name === spec.checkState!(built.construct))).toHaveLength(3);
      }
    });

    test.each(spec.outcomes.filter((o) => o !== SUCCEEDED))('%s: the execution fails as the preset says', async (outcome) => {
      // GIVEN
      const preset = spec.preset(built.construct, { outcome, checks: 2, cause: 'Access denied to s3://data-bucket/in/' });

      // WHEN
      const result = await run(built.workflow, preset);

      // THEN
      expect(result.status).toBe('FAILED');
      expect(preset.error).toBeDefined();
      expect(result.error).toBe(preset.error);
      if (preset.cause !== undefined) expect(result.cause).toBe(preset.cause);
      if (outcome === FAILED) expect(result.cause).toContain('Access denied to s3://data-bucket/in/');
      if (outcome === TIMED_OUT && spec.cancelState) {
        expect(result.states.map((s) => s.name)).toContain(spec.cancelState);
      }
    });
  });
});

describe('mock presets', () => {
  test('SUCCEEDED responses have the shape the integration returns (PascalCase from AWS SDK integrations)', () => {
    // GIVEN
    const stack = newTestStack();
    const scope = new Construct(stack, 'Jobs');
    const bedrock = SPECS.find((s) => s.name === 'BedrockBatchInferencePollerJob')!.build(scope).construct as BedrockBatchInferencePollerJob;

    // WHEN
    const preset = MockPresets.bedrockBatchInferencePollerJob(bedrock, { checks: 2 });

    // THEN
    expect(preset.testCase).toEqual({
      'Batch: Start job': 'Batch: Start job: started',
      'Batch: Check job': 'Batch: Check job: SUCCEEDED after 2 checks',
    });
    const jobArn = 'arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/0123abcd4567';
    expect(preset.mockedResponses).toEqual({
      'Batch: Start job: started': { 0: { Return: { JobArn: jobArn } } },
      'Batch: Check job: SUCCEEDED after 2 checks': {
        0: { Return: { JobArn: jobArn, JobName: 'mock-batch-inference', Status: 'InProgress' } },
        1: { Return: { JobArn: jobArn, JobName: 'mock-batch-inference', Status: 'Completed' } },
      },
    });
  });

  test('a .sync SageMaker failure is States.TaskFailed with the job description as its cause', () => {
    // GIVEN
    const stack = newTestStack();
    const task = new SageMakerCreateProcessingJob(stack, 'Preprocess', helloWorldProps());

    // WHEN
    const preset = MockPresets.sageMakerProcessingJob(task, { outcome: FAILED, cause: 'OOM' });

    // THEN
    expect(preset).toEqual({
      testCase: { Preprocess: 'Preprocess: Failed' },
      mockedResponses: { 'Preprocess: Failed': { 0: { Throw: { Error: 'States.TaskFailed', Cause: preset.cause } } } },
      error: 'States.TaskFailed',
      cause: expect.any(String),
    });
    expect(JSON.parse(preset.cause!)).toEqual({
      ProcessingJobName: 'mock-processing-job',
      ProcessingJobArn: 'arn:aws:sagemaker:us-east-1:123456789012:processing-job/mock-processing-job',
      ProcessingJobStatus: 'Failed',
      FailureReason: 'OOM',
    });
  });

  test('a REQUEST_RESPONSE SageMaker task gets the Create response', () => {
    // GIVEN
    const stack = newTestStack();
    const task = new SageMakerCreateProcessingJob(stack, 'Preprocess', helloWorldProps({ integrationPattern: sfn.IntegrationPattern.REQUEST_RESPONSE }));

    // WHEN
    const preset = MockPresets.sageMakerProcessingJob(task);

    // THEN
    expect(preset.mockedResponses).toEqual({
      'Preprocess: created': { 0: { Return: { ProcessingJobArn: 'arn:aws:sagemaker:us-east-1:123456789012:processing-job/mock-processing-job' } } },
    });
    expect(() => MockPresets.sageMakerProcessingJob(task, { outcome: STOPPED })).toThrow(/Preprocess: outcome must be one of SUCCEEDED, FAILED, TIMED_OUT for this construct; got "STOPPED"/);
  });

  test('state names follow the construct, also through a prefix (prefixStates)', async () => {
    // GIVEN
    const stack = newTestStack();
    const crawl = new GlueCrawlerPollerJob(stack, 'Crawl', { crawlerName: 'sales' });
    crawl.prefixStates('Nightly ');
    const sm = new sfn.StateMachine(stack, 'Pipeline', { definitionBody: sfn.DefinitionBody.fromChainable(new sfn.Parallel(stack, 'Branch').branch(crawl)) });

    // WHEN
    const preset = MockPresets.glueCrawlerPollerJob(crawl, { checks: 2, response: { Crawler: { LastCrawl: { LogStream: 'sales-run' } } } });
    const result = await Workflow.fromStateMachine(sm).execute({ mockConfig: MockPresets.mockConfig('Pipeline', { Ok: preset }), testCase: 'Ok' });

    // THEN
    expect(Object.keys(preset.testCase)).toEqual(['Nightly Crawl: Start job', 'Nightly Crawl: Check job']);
    expect(result.status).toBe('SUCCEEDED');
    expect(result.output[0].Crawl.status.Crawler).toMatchObject({ Name: 'sales', State: 'READY', LastCrawl: { Status: 'SUCCEEDED', LogStream: 'sales-run' } });
  });

  test('combine: several constructs in one test case; conflicting mocks are refused', async () => {
    // GIVEN
    const stack = newTestStack();
    const crawl = new GlueCrawlerPollerJob(stack, 'Crawl', { crawlerName: 'sales' });
    const pipeline = new SageMakerPipelinePollerJob(stack, 'Train', { pipelineName: 'TrainPipeline' });
    const sm = new sfn.StateMachine(stack, 'Pipeline', { definitionBody: sfn.DefinitionBody.fromChainable(sfn.Chain.start(crawl).next(pipeline)) });

    // WHEN
    const mockConfig = MockPresets.mockConfig('Pipeline', {
      BothSucceed: MockPresets.combine([MockPresets.glueCrawlerPollerJob(crawl), MockPresets.sageMakerPipelinePollerJob(pipeline, { checks: 4 })]),
      TrainingFails: MockPresets.combine([
        MockPresets.glueCrawlerPollerJob(crawl),
        MockPresets.sageMakerPipelinePollerJob(pipeline, { outcome: FAILED, cause: 'Step Train failed' }),
      ]),
    });
    const workflow = Workflow.fromStateMachine(sm);
    const ok = await workflow.execute({ mockConfig, testCase: 'BothSucceed' });
    const failed = await workflow.execute({ mockConfig, testCase: 'TrainingFails' });

    // THEN
    expect(ok.status).toBe('SUCCEEDED');
    expect(ok.output.Train.poll.checks).toBe(4);
    expect(failed).toMatchObject({ status: 'FAILED', error: 'SageMakerPipelinePoller.JobFailed', cause: 'Step Train failed' });
    expect(() => MockPresets.combine([MockPresets.glueCrawlerPollerJob(crawl), MockPresets.glueCrawlerPollerJob(crawl, { outcome: FAILED })]))
      .toThrow(/state 'Crawl: Check job' is mocked twice in one test case/);
  });

  test('invalid options are refused by name', () => {
    // GIVEN
    const stack = newTestStack();
    const crawl = new GlueCrawlerPollerJob(stack, 'Crawl', { crawlerName: 'sales' });
    const batch = new BatchPollerJob(stack, 'Train', {
      jobQueueArn: 'arn:aws:batch:us-east-1:123456789012:job-queue/training',
      jobDefinitionArn: 'arn:aws:batch:us-east-1:123456789012:job-definition/train:7',
    });

    // THEN
    expect(() => MockPresets.glueCrawlerPollerJob(crawl, { checks: 0 })).toThrow(/Crawl\/Poller: checks must be a whole number from 1 to 10000; got 0/);
    expect(() => MockPresets.glueCrawlerPollerJob(crawl, { outcome: STUCK })).toThrow(/outcome must be one of SUCCEEDED, FAILED, TIMED_OUT, STOPPED/);
    expect(() => MockPresets.batchPollerJob(batch, { outcome: STOPPED })).toThrow(/Train: outcome must be one of SUCCEEDED, FAILED, TIMED_OUT, STUCK/);
    expect(() => MockPresets.jobPoller(batch.poller)).toThrow(/Train\/Poller: sdkCheck must be given for MockPresets.jobPoller/);
  });

  test('the README example ("Mocking our constructs"): BothSucceed succeeds, TrainingFails fails with the reason', async () => {
    // GIVEN: the README's app, as written there
    const stack = new Stack();
    const crawl = new GlueCrawlerPollerJob(stack, 'Crawl', { crawlerName: 'sales-raw' });
    const train = new SageMakerPipelinePollerJob(stack, 'Train', { pipelineName: 'TrainPipeline' });
    const stateMachine = new sfn.StateMachine(stack, 'Pipeline', {
      queryLanguage: sfn.QueryLanguage.JSONATA,
      definitionBody: sfn.DefinitionBody.fromChainable(sfn.Chain.start(crawl).next(train)),
    });
    const mockConfig = MockPresets.mockConfig('Pipeline', {
      BothSucceed: MockPresets.combine([
        MockPresets.glueCrawlerPollerJob(crawl, { checks: 2 }),
        MockPresets.sageMakerPipelinePollerJob(train, { checks: 5 }),
      ]),
      TrainingFails: MockPresets.combine([
        MockPresets.glueCrawlerPollerJob(crawl),
        MockPresets.sageMakerPipelinePollerJob(train, { outcome: FAILED, cause: 'Step Train failed' }),
      ]),
    });

    // WHEN
    const workflow = Workflow.fromStateMachine(stateMachine);
    const ok = await workflow.execute({ mockConfig, testCase: 'BothSucceed' });
    const failed = await workflow.execute({ mockConfig, testCase: 'TrainingFails' });

    // THEN: what the README's comments say
    expect([ok.status, ok.error]).toEqual(['SUCCEEDED', undefined]);
    expect(ok.output.Crawl.poll.checks).toBe(2);
    expect(ok.output.Train.poll.checks).toBe(5);
    expect(failed).toMatchObject({ status: 'FAILED', error: 'SageMakerPipelinePoller.JobFailed', cause: 'Step Train failed' });
  });

  test('the README task handler example: the crawl answered in code, the pipeline by its preset', async () => {
    // GIVEN: the README's state machine and handler
    const stack = new Stack();
    const crawl = new GlueCrawlerPollerJob(stack, 'Crawl', { crawlerName: 'sales-raw' });
    const train = new SageMakerPipelinePollerJob(stack, 'Train', { pipelineName: 'TrainPipeline' });
    const stateMachine = new sfn.StateMachine(stack, 'Pipeline', {
      queryLanguage: sfn.QueryLanguage.JSONATA,
      definitionBody: sfn.DefinitionBody.fromChainable(sfn.Chain.start(crawl).next(train)),
    });
    const crawler: ITaskHandler = {
      handle: (call: TaskInvocation) => {
        if (call.stateName === 'Crawl: Start job') return { result: {} };
        const state = call.invocation < 2 ? 'RUNNING' : 'READY';
        return { result: { Crawler: { State: state, LastCrawl: { Status: 'SUCCEEDED' } } }, durationSeconds: 1 };
      },
    };

    // WHEN
    const result = await Workflow.fromStateMachine(stateMachine).execute({
      mockConfig: MockPresets.mockConfig('Pipeline', { TrainOnly: MockPresets.sageMakerPipelinePollerJob(train) }),
      testCase: 'TrainOnly',
      taskHandler: crawler,
    });

    // THEN
    expect(result.status).toBe('SUCCEEDED');
    expect(result.output.Crawl.poll.checks).toBe(3);
  });
});
