/**
 * Mock presets: the mock-config test case and mocked responses that make one of this library's constructs succeed,
 * fail, time out or stop in an offline execution, without reverse-engineering its state names or response shapes.
 *
 * State names are read from the construct instance (its states' `stateId`, after any `stateName`/prefix), never
 * rebuilt from its id. Responses have the shape the Task state's integration returns: AWS SDK integrations
 * (`aws-sdk:<service>:<action>`) answer with PascalCase member names even where the service's own API is camelCase
 * (Bedrock's `JobArn`); optimized `.sync` SageMaker integrations answer with the job's Describe* response; Lambda
 * `lambda:invoke` with `{ StatusCode, ExecutedVersion, Payload }`; `.waitForTaskToken` with the callback's output.
 */
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { IConstruct } from 'constructs';
import type { BatchPollerJob } from '../batch';
import type { BedrockBatchInferencePollerJob } from '../bedrock';
import type { EcsCallbackTask } from '../ecs';
import type { EmrServerlessStartJobRun } from '../emr-serverless';
import type { GlueCrawlerPollerJob, GlueWorkflowPollerJob } from '../glue';
import type { JobPoller } from '../polling';
import { jobPollerFacts } from '../polling/private/facts';
import { invalid } from '../private/errors';
import type {
  SageMakerCreateHyperParameterTuningJob,
  SageMakerCreateLabelingJob,
  SageMakerCreateProcessingJob,
  SageMakerPipelinePollerJob,
} from '../sagemaker';

// aws-cdk-lib is loaded when a preset is built, not when the executor is: `cdk-sfn-jobs run` (the CLI) loads this
// module with the executor and needs nothing of aws-cdk-lib.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const cdk = () => require('aws-cdk-lib') as typeof import('aws-cdk-lib');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const sfnLib = () => require('aws-cdk-lib/aws-stepfunctions') as typeof import('aws-cdk-lib/aws-stepfunctions');

/** How a mocked construct ends. */
export enum MockOutcome {
  /** The job succeeds (pollers: after `checks` checks). */
  SUCCEEDED = 'SUCCEEDED',
  /** The job fails with `cause` as its reason. */
  FAILED = 'FAILED',
  /**
   * Tasks: the state fails with `States.Timeout`. Pollers: the job is still running at the poller's deadline
   * (`timeout`, else the longest job its history allows); the poller cancels it and fails with its `JobTimedOut`.
   */
  TIMED_OUT = 'TIMED_OUT',
  /**
   * The job is stopped by someone else (SageMaker `Stopped`, Glue crawl `CANCELLED`, Glue workflow `STOPPED`, Bedrock
   * `Stopped`; `EcsCallbackTask`: the ECS task stops without calling back).
   */
  STOPPED = 'STOPPED',
  /** `BatchPollerJob` only: the job never leaves the queue (`maxQueueTime`); it is terminated, the poller fails with `JobStuck`. */
  STUCK = 'STUCK',
}

/** What a mock preset plays. */
export interface MockPresetOptions {
  /**
   * How the construct ends.
   * @default MockOutcome.SUCCEEDED
   */
  readonly outcome?: MockOutcome;

  /**
   * Pollers: how many checks the job takes to end (the checks before the last answer RUNNING). Ignored for tasks and
   * for `TIMED_OUT` of the SDK-check waits (their checks answer RUNNING until the deadline).
   * @default 1
   */
  readonly checks?: number;

  /**
   * The failure's reason (`FAILED`, and `TIMED_OUT`/`STUCK` of `BatchPollerJob`).
   * @default 'Mocked failure'
   */
  readonly cause?: string;

  /**
   * `EcsCallbackTask` with `FAILED`: the error the container sends with `SendTaskFailure`.
   * @default 'JobFailed'
   */
  readonly error?: string;

  /**
   * Fields merged (deeply) into the last response of a successful run: for example
   * `{ ProcessingOutputConfig: { Outputs: [...] } }` for a processing job, or the callback output of an
   * `EcsCallbackTask` (which is `{}` otherwise).
   * @default - the preset's response as is
   */
  readonly response?: any;

  /**
   * Pollers with `detection: JobDetection.events()`: every job event is lost, so each round's
   * `<stateName>: Wait for job event` times out (`States.Timeout`) and the checks find the job's end as when polling.
   * Otherwise the job's event returns the token of the round before the last check (`checks`), and the rounds
   * before it time out. At `TIMED_OUT` every round times out either way. Ignored for pollers that poll only.
   * @default false
   */
  readonly eventsLost?: boolean;
}

/** A mock-config test case for one construct: the states it mocks and their responses. */
export interface MockPreset {
  /** The test case's mapping: Task state name → mocked response name (the `TestCases.<case>` object). */
  readonly testCase: { [stateName: string]: string };

  /** The mocked responses the test case names (the `MockedResponses` object's entries). */
  readonly mockedResponses: { [responseName: string]: any };

  /**
   * The error the construct fails with.
   * @default - none (the construct succeeds)
   */
  readonly error?: string;

  /**
   * The failure's cause, when the preset decides it exactly.
   * @default - none (the construct succeeds, or the cause is the construct's own text)
   */
  readonly cause?: string;
}

/** Calls of a poller's check answered RUNNING until its deadline (well above any history-bounded deadline). */
const UNTIL_DEADLINE = 99_999;
const DEFAULT_CAUSE = 'Mocked failure';

/**
 * Mock presets for this library's constructs, in AWS's Step Functions Local mock-config format, for
 * `Workflow.execute` (`mockConfig` and `testCase`): one builder per construct returns the `MockPreset` of one
 * outcome; `combine` joins the presets of several constructs into one test case; `mockConfig` writes the whole mock
 * config with a test case per preset. (Python: `glue_crawler_poller_job(crawl, outcome=MockOutcome.FAILED,
 * checks=3)`, `mock_config("Pipeline", {"Fails": preset})`.)
 */
export class MockPresets {
  /** A `SageMakerCreateProcessingJob`: its DescribeProcessingJob response (`.sync`) or CreateProcessingJob's. */
  public static sageMakerProcessingJob(task: SageMakerCreateProcessingJob, options: MockPresetOptions = {}): MockPreset {
    return sageMakerJob(task, options, { noun: 'ProcessingJob', arnResource: 'processing-job' });
  }

  /**
   * An `EmrServerlessStartJobRun`: `.sync` returns the ended job run (GetJobRun, `{ JobRun: { …, State: 'SUCCESS' } }`);
   * a job run that ends `FAILED` (`STOPPED`: `CANCELLED`) fails the state with `States.TaskFailed`, the job run as
   * its cause. Request-response returns StartJobRun's `{ ApplicationId, JobRunId, Arn }`.
   */
  public static emrServerlessStartJobRun(task: EmrServerlessStartJobRun, options: MockPresetOptions = {}): MockPreset {
    const sync = ((task as any)._integrationPattern ?? sfnLib().IntegrationPattern.RUN_JOB) === sfnLib().IntegrationPattern.RUN_JOB;
    const outcome = outcomeOf(task, options, sync
      ? [MockOutcome.SUCCEEDED, MockOutcome.FAILED, MockOutcome.TIMED_OUT, MockOutcome.STOPPED]
      : [MockOutcome.SUCCEEDED, MockOutcome.FAILED, MockOutcome.TIMED_OUT]);
    const state = task.stateId;
    const applicationId = literal((task as any).props?.applicationId, 'mockapplication');
    const jobRunId = 'mockjobrun0001';
    const ids = { ApplicationId: applicationId, JobRunId: jobRunId, Arn: arn(task, 'emr-serverless', `/applications/${applicationId}/jobruns/${jobRunId}`) };
    const cause = options.cause ?? DEFAULT_CAUSE;
    const preset = new PresetBuilder();
    switch (outcome) {
      case MockOutcome.SUCCEEDED:
        preset.mock(state, sync ? 'SUCCESS' : 'started', { 0: { Return: merge(sync ? { JobRun: { ...ids, State: 'SUCCESS' } } : ids, options.response) } });
        return preset.done();
      case MockOutcome.FAILED:
      case MockOutcome.STOPPED: {
        if (!sync) {
          preset.mock(state, 'start failed', { 0: { Throw: { Error: 'EMRServerless.ValidationException', Cause: cause } } });
          return preset.done('EMRServerless.ValidationException', cause);
        }
        const jobRun = JSON.stringify(outcome === MockOutcome.FAILED
          ? { ...ids, State: 'FAILED', StateDetails: cause }
          : { ...ids, State: 'CANCELLED', StateDetails: 'Job run cancelled' });
        preset.mock(state, outcome === MockOutcome.FAILED ? 'FAILED' : 'CANCELLED', { 0: { Throw: { Error: 'States.TaskFailed', Cause: jobRun } } });
        return preset.done('States.TaskFailed', jobRun);
      }
      default:
        return timedOutTask(preset, state);
    }
  }

  /** A `SageMakerCreateHyperParameterTuningJob`: its DescribeHyperParameterTuningJob response (`.sync`) or the Create response. */
  public static sageMakerHyperParameterTuningJob(task: SageMakerCreateHyperParameterTuningJob, options: MockPresetOptions = {}): MockPreset {
    return sageMakerJob(task, options, {
      noun: 'HyperParameterTuningJob',
      arnResource: 'hyper-parameter-tuning-job',
      completed: { BestTrainingJob: { TrainingJobName: 'mock-tuning-001-0123abcd', TrainingJobStatus: 'Completed' } },
    });
  }

  /** A `SageMakerCreateLabelingJob`: its DescribeLabelingJob response (`.sync`) or the Create response. */
  public static sageMakerLabelingJob(task: SageMakerCreateLabelingJob, options: MockPresetOptions = {}): MockPreset {
    return sageMakerJob(task, options, {
      noun: 'LabelingJob',
      arnResource: 'labeling-job',
      completed: {
        LabelCounters: { TotalLabeled: 1, HumanLabeled: 1, MachineLabeled: 0, FailedNonRetryableError: 0, Unlabeled: 0 },
        LabelingJobOutput: { OutputDatasetS3Uri: 's3://mock-bucket/labels/output.manifest' },
      },
    });
  }

  /**
   * An `EcsCallbackTask` (`ecs:runTask.waitForTaskToken`): the callback's output (`SendTaskSuccess`), the container's
   * `SendTaskFailure`, `Ecs.TaskStopped` (a task that stopped without calling back) or `States.Timeout`.
   */
  public static ecsCallbackTask(task: EcsCallbackTask, options: MockPresetOptions = {}): MockPreset {
    const outcome = outcomeOf(task, options, [MockOutcome.SUCCEEDED, MockOutcome.FAILED, MockOutcome.TIMED_OUT, MockOutcome.STOPPED]);
    const preset = new PresetBuilder();
    const state = task.stateId;
    switch (outcome) {
      case MockOutcome.SUCCEEDED:
        preset.mock(state, 'callback output', { 0: { Return: options.response ?? {} } });
        return preset.done();
      case MockOutcome.FAILED: {
        const error = options.error ?? 'JobFailed';
        const cause = options.cause ?? DEFAULT_CAUSE;
        preset.mock(state, `SendTaskFailure ${error}`, { 0: { Throw: { Error: error, Cause: cause } } });
        return preset.done(error, cause);
      }
      case MockOutcome.STOPPED: {
        const cause = JSON.stringify({
          taskArn: arn(task, 'ecs', 'task/cluster/0123456789abcdef0123456789abcdef'),
          clusterArn: arn(task, 'ecs', 'cluster/cluster'),
          lastStatus: 'STOPPED',
          stopCode: 'EssentialContainerExited',
          stoppedReason: 'Essential container in task exited',
          containers: [{ name: task.container.containerName, exitCode: 137, lastStatus: 'STOPPED' }],
        });
        preset.mock(state, 'task stopped', { 0: { Throw: { Error: 'Ecs.TaskStopped', Cause: cause } } });
        return preset.done('Ecs.TaskStopped', cause);
      }
      default:
        return timedOutTask(preset, state);
    }
  }

  /**
   * A `BatchPollerJob`: `batch:submitJob`'s response, then the check function's answers (`lambda:invoke`), and the
   * cancel at `TIMED_OUT`/`STUCK`.
   */
  public static batchPollerJob(job: BatchPollerJob, options: MockPresetOptions = {}): MockPreset {
    const outcome = outcomeOf(job, options, [MockOutcome.SUCCEEDED, MockOutcome.FAILED, MockOutcome.TIMED_OUT, MockOutcome.STUCK]);
    const checks = checksOf(job, options);
    const poller = job.poller;
    const cause = options.cause ?? DEFAULT_CAUSE;
    const ids = { jobId: '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0', jobName: 'mock-job' };
    const described = { ...ids, jobArn: arn(job, 'batch', `job/${ids.jobId}`) };
    const invoked = (payload: any) => ({ Return: { StatusCode: 200, ExecutedVersion: '$LATEST', Payload: payload } });
    const answer = (status: string, poll: any, extra: any = {}) => invoked({ ...described, status, ...extra, poll });
    const running = answer('RUNNING', { outcome: 'RUNNING', nextPollSeconds: 60 });
    const preset = new PresetBuilder();
    preset.mock(poller.startTask.stateId, 'submitted', { 0: { Return: { JobId: ids.jobId, JobName: ids.jobName, JobArn: described.jobArn } } });
    const final = {
      [MockOutcome.SUCCEEDED]: answer('SUCCEEDED', { outcome: 'SUCCEEDED' }, merge({ exitCode: 0, attempts: 1 }, options.response)),
      [MockOutcome.FAILED]: answer('FAILED', { outcome: 'FAILED', cause }, { statusReason: cause, exitCode: 1, attempts: 1 }),
      [MockOutcome.TIMED_OUT]: answer('RUNNING', { outcome: 'TIMED_OUT', cause }),
      [MockOutcome.STUCK]: answer('RUNNABLE', { outcome: 'STUCK', cause }),
    }[outcome as MockOutcome.SUCCEEDED];
    preset.mock(poller.checkTask.stateId, `${outcome} after ${checks} checks`, checkRanges(checks, running, final));
    mockEventRounds(preset, poller, options, outcome === MockOutcome.TIMED_OUT || outcome === MockOutcome.STUCK ? undefined : checks);
    if (outcome === MockOutcome.TIMED_OUT || outcome === MockOutcome.STUCK) {
      const cancel = findState(poller, outcome === MockOutcome.STUCK ? 'CancelStuck' : 'CancelTimedOut');
      preset.mock(cancel, 'cancelled', { 0: invoked({}) });
    }
    const errors = {
      [MockOutcome.FAILED]: poller.jobFailedError,
      [MockOutcome.TIMED_OUT]: poller.jobTimedOutError,
      [MockOutcome.STUCK]: poller.jobStuckError,
    };
    return outcome === MockOutcome.SUCCEEDED ? preset.done() : preset.done(errors[outcome as MockOutcome.FAILED], cause);
  }

  /** A `GlueCrawlerPollerJob`: StartCrawler, then GetCrawler (`Crawler.State`, `Crawler.LastCrawl`), StopCrawler at the deadline. */
  public static glueCrawlerPollerJob(job: GlueCrawlerPollerJob, options: MockPresetOptions = {}): MockPreset {
    const name = literal(jobPollerFacts(job.poller)?.start.jobValues?.crawlerName, 'mock-crawler');
    const crawler = (State: string, LastCrawl?: any) => ({ Crawler: { Name: name, State, ...(LastCrawl ? { LastCrawl } : {}) } });
    const crawl = { LogGroup: '/aws-glue/crawlers', LogStream: name, MessagePrefix: '0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0' };
    return sdkPoller(job.poller, options, {
      start: {},
      running: crawler('RUNNING'),
      succeeded: crawler('READY', { ...crawl, Status: 'SUCCEEDED' }),
      failed: (cause) => crawler('READY', { ...crawl, Status: 'FAILED', ErrorMessage: cause }),
      stopped: crawler('READY', { ...crawl, Status: 'CANCELLED' }),
    });
  }

  /** A `GlueWorkflowPollerJob`: StartWorkflowRun (`RunId`), then GetWorkflowRun (`Run.Status`, `Run.Statistics`), StopWorkflowRun at the deadline. */
  public static glueWorkflowPollerJob(job: GlueWorkflowPollerJob, options: MockPresetOptions = {}): MockPreset {
    const name = literal(jobPollerFacts(job.poller)?.start.jobValues?.workflowName, 'mock-workflow');
    const runId = 'wr_0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';
    const statistics = (done: number, failed: number) => ({
      TotalActions: 1,
      SucceededActions: done,
      FailedActions: failed,
      ErroredActions: 0,
      TimeoutActions: 0,
      StoppedActions: 0,
      RunningActions: 1 - done - failed,
      WaitingActions: 0,
    });
    const run = (Status: string, Statistics: any, extra: any = {}) => ({ Run: { Name: name, WorkflowRunId: runId, Status, Statistics, ...extra } });
    return sdkPoller(job.poller, options, {
      start: { RunId: runId },
      running: run('RUNNING', statistics(0, 0)),
      succeeded: run('COMPLETED', statistics(1, 0)),
      failed: (cause) => run('ERROR', statistics(0, 0), { ErrorMessage: cause }),
      stopped: run('STOPPED', { ...statistics(0, 0), RunningActions: 0, StoppedActions: 1 }),
    });
  }

  /** A `SageMakerPipelinePollerJob`: StartPipelineExecution, then DescribePipelineExecution (`PipelineExecutionStatus`, `FailureReason`). */
  public static sageMakerPipelinePollerJob(job: SageMakerPipelinePollerJob, options: MockPresetOptions = {}): MockPreset {
    const name = literal(jobPollerFacts(job.poller)?.start.parameters?.PipelineName, 'mock-pipeline');
    const pipelineArn = arn(job, 'sagemaker', `pipeline/${name.toLowerCase()}`);
    const executionArn = `${pipelineArn}/execution/0123abcd4567`;
    const describe = (status: string, extra: any = {}) =>
      ({ PipelineArn: pipelineArn, PipelineExecutionArn: executionArn, PipelineExecutionStatus: status, ...extra });
    return sdkPoller(job.poller, options, {
      start: { PipelineExecutionArn: executionArn },
      running: describe('Executing'),
      succeeded: describe('Succeeded'),
      failed: (cause) => describe('Failed', { FailureReason: cause }),
      stopped: describe('Stopped'),
    });
  }

  /**
   * A `BedrockBatchInferencePollerJob`: CreateModelInvocationJob (`JobArn`), then GetModelInvocationJob (`Status`,
   * `Message`), in the integration's PascalCase (Bedrock's own API says `jobArn`, `status`, `message`).
   */
  public static bedrockBatchInferencePollerJob(job: BedrockBatchInferencePollerJob, options: MockPresetOptions = {}): MockPreset {
    const jobArn = arn(job, 'bedrock', 'model-invocation-job/0123abcd4567');
    const get = (status: string, extra: any = {}) => ({ JobArn: jobArn, JobName: 'mock-batch-inference', Status: status, ...extra });
    return sdkPoller(job.poller, options, {
      start: { JobArn: jobArn },
      running: get('InProgress'),
      succeeded: get('Completed'),
      failed: (cause) => get('Failed', { Message: cause }),
      stopped: get('Stopped'),
    });
  }

  /**
   * A `JobPoller` with an `sdkCheck`: the start's response holds `mock-<key>` at each of its `resultFields`; the
   * check answers with its status mapping's first running value, then its first succeeded value (with its
   * `successConditions` met), or `FAILED` (another value where that one is taken) with `cause` at `reasonField`, or
   * `STOPPED` with no reason.
   */
  public static jobPoller(poller: JobPoller, options: MockPresetOptions = {}): MockPreset {
    const facts = jobPollerFacts(poller);
    const check = facts?.sdkCheck;
    if (!facts || !check) {
      invalid(poller, 'sdkCheck', 'given for MockPresets.jobPoller (a check function answers as your function does: mock its lambda:invoke state yourself)', undefined);
    }
    const status = check.status;
    const taken = new Set([...status.runningValues, ...status.succeededValues]);
    const free = (...values: string[]) => values.find((v) => !taken.has(v)) ?? `MOCK_${values[0]}`;
    const at = (field: string, value: unknown, into: any = {}) => setPath(into, field, value);
    const start = {};
    for (const [key, field] of Object.entries(facts.start.resultFields ?? {})) at(field, `mock-${key}`, start);
    const succeeded = at(status.statusField, status.succeededValues[0]);
    for (const condition of status.successConditions ?? []) at(condition.field, condition.value, succeeded);
    return sdkPoller(poller, options, {
      start,
      running: at(status.statusField, status.runningValues[0]),
      succeeded,
      failed: (cause) => {
        const failed = at(status.statusField, free('FAILED', 'Failed', 'ERROR'));
        return status.reasonField ? at(status.reasonField, cause, failed) : failed;
      },
      failedCauseIsReason: status.reasonField !== undefined,
      stopped: at(status.statusField, free('STOPPED', 'Stopped', 'CANCELLED')),
    });
  }

  /** One test case of several constructs: their mappings and responses together. */
  public static combine(presets: MockPreset[]): MockPreset {
    const preset = new PresetBuilder();
    for (const p of presets) {
      for (const [state, response] of Object.entries(p.testCase)) preset.map(state, response, p.mockedResponses[response]);
      for (const [name, response] of Object.entries(p.mockedResponses)) preset.response(name, response);
    }
    return preset.done();
  }

  /**
   * A whole mock config: `{ StateMachines: { <stateMachineName>: { TestCases } }, MockedResponses }`, with a test
   * case per entry of `testCases`.
   *
   * @param stateMachineName the name under `StateMachines` (`execute`'s `stateMachineName`; any name with one state machine)
   */
  public static mockConfig(stateMachineName: string, testCases: { [testCase: string]: MockPreset }): any {
    const all = new PresetBuilder();
    const cases: Record<string, Record<string, string>> = {};
    for (const [name, preset] of Object.entries(testCases)) {
      cases[name] = { ...preset.testCase };
      for (const [response, value] of Object.entries(preset.mockedResponses)) all.response(response, value);
    }
    return { StateMachines: { [stateMachineName]: { TestCases: cases } }, MockedResponses: all.done().mockedResponses };
  }

  private constructor() {}
}

/** Collects a preset, refusing two different responses under one name. */
class PresetBuilder {
  private readonly testCase: Record<string, string> = {};
  private readonly responses: Record<string, any> = {};

  public mock(state: string, label: string, ranges: Record<string, unknown>): void {
    this.map(state, `${state}: ${label}`, ranges);
  }

  public map(state: string, name: string, ranges: unknown): void {
    if (this.testCase[state] !== undefined && this.testCase[state] !== name) {
      throw new Error(`MockPresets: state '${state}' is mocked twice in one test case ('${this.testCase[state]}' and '${name}')`);
    }
    this.testCase[state] = name;
    this.response(name, ranges);
  }

  public response(name: string, ranges: unknown): void {
    if (this.responses[name] !== undefined && JSON.stringify(this.responses[name]) !== JSON.stringify(ranges)) {
      throw new Error(`MockPresets: two different mocked responses are named '${name}'`);
    }
    this.responses[name] = ranges;
  }

  public done(error?: string, cause?: string): MockPreset {
    return {
      testCase: { ...this.testCase },
      mockedResponses: { ...this.responses },
      ...(error !== undefined ? { error } : {}),
      ...(cause !== undefined ? { cause } : {}),
    };
  }
}

interface SdkPollerResponses {
  readonly start: any;
  readonly running: any;
  readonly succeeded: any;
  readonly failed: (cause: string) => any;
  /** Whether the failed response's cause is the Fail state's cause (a reason field). @default true */
  readonly failedCauseIsReason?: boolean;
  readonly stopped: any;
}

/** The presets of a poller with an SDK check: Start job, Check job, and Cancel job at the deadline. */
function sdkPoller(poller: JobPoller, options: MockPresetOptions, responses: SdkPollerResponses): MockPreset {
  const outcome = outcomeOf(poller, options, [MockOutcome.SUCCEEDED, MockOutcome.FAILED, MockOutcome.TIMED_OUT, MockOutcome.STOPPED]);
  const checks = checksOf(poller, options);
  const cause = options.cause ?? DEFAULT_CAUSE;
  const ret = (value: unknown) => ({ Return: value });
  const preset = new PresetBuilder();
  preset.mock(poller.startTask.stateId, 'started', { 0: ret(responses.start) });
  const check = poller.checkTask.stateId;
  mockEventRounds(preset, poller, options, outcome === MockOutcome.TIMED_OUT ? undefined : checks);
  switch (outcome) {
    case MockOutcome.SUCCEEDED:
      preset.mock(check, `SUCCEEDED after ${checks} checks`, checkRanges(checks, ret(responses.running), ret(merge(responses.succeeded, options.response))));
      return preset.done();
    case MockOutcome.FAILED:
      preset.mock(check, `FAILED after ${checks} checks`, checkRanges(checks, ret(responses.running), ret(responses.failed(cause))));
      return preset.done(poller.jobFailedError, responses.failedCauseIsReason === false ? undefined : cause);
    case MockOutcome.STOPPED:
      preset.mock(check, `STOPPED after ${checks} checks`, checkRanges(checks, ret(responses.running), ret(responses.stopped)));
      return preset.done(poller.jobFailedError);
    default: {
      preset.mock(check, 'running until the deadline', { [`0-${UNTIL_DEADLINE}`]: ret(responses.running) });
      const cancel = tryFindState(poller, 'Cancel');
      if (cancel !== undefined) preset.mock(cancel, 'cancelled', { 0: ret({}) });
      return preset.done(poller.jobTimedOutError);
    }
  }
}

interface SageMakerKind {
  /** `ProcessingJob` → `ProcessingJobName`, `ProcessingJobArn`, `ProcessingJobStatus`. */
  readonly noun: string;
  readonly arnResource: string;
  /** Fields of a completed job's description beyond name, ARN and status. */
  readonly completed?: Record<string, unknown>;
}

function sageMakerJob(task: sfn.TaskStateBase, options: MockPresetOptions, kind: SageMakerKind): MockPreset {
  // The pattern is the task's own (`integrationPattern` is private to the task classes of this library).
  const pattern: sfn.IntegrationPattern = (task as any).integrationPattern ?? sfnLib().IntegrationPattern.RUN_JOB;
  const sync = pattern === sfnLib().IntegrationPattern.RUN_JOB;
  const outcome = outcomeOf(task, options, sync
    ? [MockOutcome.SUCCEEDED, MockOutcome.FAILED, MockOutcome.TIMED_OUT, MockOutcome.STOPPED]
    : [MockOutcome.SUCCEEDED, MockOutcome.FAILED, MockOutcome.TIMED_OUT]);
  const state = task.stateId;
  const name = `mock-${kind.arnResource}`;
  const jobArn = arn(task, 'sagemaker', `${kind.arnResource}/${name}`);
  const cause = options.cause ?? DEFAULT_CAUSE;
  const preset = new PresetBuilder();
  const describe = (status: string, extra: Record<string, unknown> = {}) => ({
    [`${kind.noun}Name`]: name,
    [`${kind.noun}Arn`]: jobArn,
    [`${kind.noun}Status`]: status,
    ...extra,
  });
  switch (outcome) {
    case MockOutcome.SUCCEEDED:
      preset.mock(state, sync ? 'Completed' : 'created', {
        0: { Return: sync ? merge(describe('Completed', kind.completed), options.response) : merge({ [`${kind.noun}Arn`]: jobArn }, options.response) },
      });
      return preset.done();
    case MockOutcome.FAILED:
    case MockOutcome.STOPPED: {
      if (!sync) {
        // The Create call itself fails (a request-response state does not follow the job).
        preset.mock(state, 'create failed', { 0: { Throw: { Error: 'SageMaker.AmazonSageMakerException', Cause: cause } } });
        return preset.done('SageMaker.AmazonSageMakerException', cause);
      }
      // A `.sync` job that ends Failed or Stopped fails the state with States.TaskFailed, the description as its cause.
      const description = JSON.stringify(outcome === MockOutcome.FAILED
        ? describe('Failed', { FailureReason: cause })
        : describe('Stopped'));
      preset.mock(state, outcome === MockOutcome.FAILED ? 'Failed' : 'Stopped', { 0: { Throw: { Error: 'States.TaskFailed', Cause: description } } });
      return preset.done('States.TaskFailed', description);
    }
    default:
      return timedOutTask(preset, state);
  }
}

function timedOutTask(preset: PresetBuilder, state: string): MockPreset {
  preset.mock(state, 'States.Timeout', { 0: { Throw: { Error: 'States.Timeout', Cause: '' } } });
  return preset.done('States.Timeout', '');
}

function outcomeOf(owner: IConstruct, options: MockPresetOptions, allowed: MockOutcome[]): MockOutcome {
  const outcome = options.outcome ?? MockOutcome.SUCCEEDED;
  if (!allowed.includes(outcome)) invalid(owner, 'outcome', `one of ${allowed.join(', ')} for this construct`, outcome);
  return outcome;
}

function checksOf(owner: IConstruct, options: MockPresetOptions): number {
  const checks = options.checks ?? 1;
  if (!Number.isInteger(checks) || checks < 1 || checks > 10_000) invalid(owner, 'checks', 'a whole number from 1 to 10000', checks);
  return checks;
}

/**
 * The rounds of an event-driven poller (`<stateName>: Wait for job event`, `putItem.waitForTaskToken`): the job's
 * event returns the token of round `eventAt` (1-based: the round before check `eventAt`), the rounds before it time
 * out; with `eventsLost` or no `eventAt` (the job never ends), every round times out.
 */
function mockEventRounds(preset: PresetBuilder, poller: JobPoller, options: MockPresetOptions, eventAt: number | undefined): void {
  const round = poller.eventWaitState?.stateId;
  if (round === undefined) return;
  const timedOut = { Throw: { Error: 'States.Timeout', Cause: 'No job event within the round (mocked)' } };
  if (options.eventsLost === true || eventAt === undefined) {
    preset.mock(round, 'every event lost', { [`0-${UNTIL_DEADLINE}`]: timedOut });
    return;
  }
  preset.mock(round, `event at check ${eventAt}`, checkRanges(eventAt, timedOut, { Return: {} }));
}

/** `checks - 1` running answers, then the last. */
function checkRanges(checks: number, running: unknown, last: unknown): Record<string, unknown> {
  if (checks === 1) return { 0: last };
  return { [checks === 2 ? '0' : `0-${checks - 2}`]: running, [String(checks - 1)]: last };
}

function tryFindState(root: IConstruct, id: string): string | undefined {
  const found = root.node.findAll().find((c) => c !== root && c.node.id === id && c instanceof sfnLib().State) as sfn.State | undefined;
  return found?.stateId;
}

function findState(root: IConstruct, id: string): string {
  const name = tryFindState(root, id);
  if (name === undefined) throw new Error(`${root.node.path}: has no state '${id}'`);
  return name;
}

/** An ARN in the construct's stack's account and Region (the offline executor's placeholders when they are tokens). */
function arn(scope: IConstruct, service: string, resource: string): string {
  const { Stack, Token } = cdk();
  const stack = Stack.of(scope);
  const region = Token.isUnresolved(stack.region) ? 'us-east-1' : stack.region;
  const account = Token.isUnresolved(stack.account) ? '123456789012' : stack.account;
  const partition = Token.isUnresolved(stack.partition) ? 'aws' : stack.partition;
  return `arn:${partition}:${service}:${region}:${account}:${resource}`;
}

/** A prop's value when it is literal text, else the fallback. */
function literal(value: unknown, fallback: string): string {
  if (typeof value !== 'string' || cdk().Token.isUnresolved(value) || sfnLib().JsonPath.isEncodedJsonPath(value) || /^\s*\{%/.test(value)) return fallback;
  return value;
}

function setPath(into: any, path: string, value: unknown): any {
  const keys = path.split('.');
  let at = into;
  for (const key of keys.slice(0, -1)) {
    if (at[key] === null || typeof at[key] !== 'object') at[key] = {};
    at = at[key];
  }
  at[keys[keys.length - 1]] = value;
  return into;
}

function merge(base: any, extra: any): any {
  if (extra === undefined) return base;
  if (base === null || typeof base !== 'object' || Array.isArray(base) || extra === null || typeof extra !== 'object' || Array.isArray(extra)) return extra;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(extra)) out[key] = merge(base[key], value);
  return out;
}
