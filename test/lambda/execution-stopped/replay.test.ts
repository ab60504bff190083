/**
 * The abort-safety handler fed the history of a real run: a synthesized state machine with BatchPollerJobs (top
 * level, in a Parallel branch, in a Map of two iterations) and an EcsCallbackTask runs on our executor, the
 * Batch checks answered by the REAL bundled batch-poller handler against a simulated AWS Batch on the virtual
 * clock, and the ECS task calling back long after T. The run's states entered before T become the
 * GetExecutionHistory events (test/support/history.ts) of that execution stopped at T, fed page by page to the
 * REAL execution-stopped handler, configured with the environment the construct synthesized. It must terminate
 * exactly the Batch jobs and stop exactly the ECS tasks the run started and that had not ended at T.
 */
import { BatchClient, DescribeJobsCommand, JobDetail, TerminateJobCommand } from '@aws-sdk/client-batch';
import { ECSClient, StopTaskCommand } from '@aws-sdk/client-ecs';
import { DescribeExecutionCommand, GetExecutionHistoryCommand, HistoryEvent, SFNClient } from '@aws-sdk/client-sfn';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { mockClient } from 'aws-sdk-client-mock';
import { CONTEXT, describedExecution } from './history';
import { handler as checkHandler } from '../../../lambda/batch-poller/index';
import { CONFIG_VARIABLE, handler } from '../../../lambda/execution-stopped/index';
import { BatchPollerJob, EcsCallbackTask, testing } from '../../../src';
import { fargateFixture } from '../../ecs/fixtures';
import { logicalIdOf, newTestStack, validateAsl, renderStateMachine } from '../../support';
import { historyOf, historyPages, RecordedCalls } from '../../support/history';

const ACCOUNT = '123456789012';
const STATE_MACHINE_ARN = `arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:Pipeline`;
const EXECUTION_ARN = `arn:aws:states:us-east-1:${ACCOUNT}:execution:Pipeline:run-1`;
const CLUSTER_ARN = `arn:aws:ecs:us-east-1:${ACCOUNT}:cluster/jobs`;
const QUEUE_ARN = `arn:aws:batch:us-east-1:${ACCOUNT}:job-queue/training`;
const DEFINITION_ARN = `arn:aws:batch:us-east-1:${ACCOUNT}:job-definition/train:7`;
const START = '2024-05-01T00:00:00.000Z';
const T0 = Date.parse(START);
const MINUTE = 60;
const HOUR = 3600;
/** Where the Shard jobs are submitted: BatchPollerJob's Parallel `Shard` in each iteration of Map `Shards`. */
const SHARD_A = 'Fan out/1/Shards/0/Shard/0';
const SHARD_B = 'Fan out/1/Shards/1/Shard/0';
const REASON = `Step Functions execution ${EXECUTION_ARN} ended ABORTED: stopped by cdk-sfn-jobs`;

const sfnMock = mockClient(SFNClient);
const batchMock = mockClient(BatchClient);
const ecsMock = mockClient(ECSClient);

/**
 * The pipeline: `Prepare` (top level), then Parallel `Fan out` with `Eval` (a branch), Map `Shards` over
 * `$.shards` running `Shard` (a branch), and the EcsCallbackTask `Render` (a branch).
 */
function pipeline() {
  const stack = newTestStack();
  const job = (id: string) => new BatchPollerJob(stack, id, { jobQueueArn: QUEUE_ARN, jobDefinitionArn: DEFINITION_ARN, jobName: id.toLowerCase() });
  const fx = fargateFixture(stack);
  const render = new EcsCallbackTask(stack, 'Render', {
    cluster: fx.cluster,
    taskDefinition: fx.taskDefinition,
    launchTarget: new tasks.EcsFargateLaunchTarget(),
    resultPath: '$.render',
  });
  const shards = new sfn.Map(stack, 'Shards', { itemsPath: '$.shards', resultPath: '$.shards' }).itemProcessor(job('Shard'));
  const fanOut = new sfn.Parallel(stack, 'Fan out', { resultPath: sfn.JsonPath.DISCARD }).branch(job('Eval')).branch(shards).branch(render);
  const stateMachine = new sfn.StateMachine(stack, 'Pipeline', { definitionBody: sfn.DefinitionBody.fromChainable(job('Prepare').next(fanOut)) });
  const definition = renderStateMachine(stack, stateMachine);
  validateAsl(definition);
  return { stack, stateMachine, definition };
}

/**
 * CANCEL_ON_STOP_CONFIG as the construct wrote it into the template, with the state machine's ARN (the only
 * token in it) resolved to the ARN the stopped execution belongs to.
 */
function synthesizedConfig(stack: Stack, stateMachine: sfn.StateMachine): string {
  const functions = Template.fromStack(stack).findResources('AWS::Lambda::Function', {
    Properties: { Environment: { Variables: { [CONFIG_VARIABLE]: {} } } },
  });
  const [fn] = Object.values(functions);
  expect(Object.values(functions)).toHaveLength(1);
  const value = fn.Properties.Environment.Variables[CONFIG_VARIABLE];
  if (typeof value === 'string') return value;
  const machineId = logicalIdOf(stateMachine.node.defaultChild!);
  return value['Fn::Join'][1].map((part: any) => {
    if (typeof part === 'string') return part;
    if (part['Fn::GetAtt']?.[0] === machineId && part['Fn::GetAtt'][1] === 'Arn') return STATE_MACHINE_ARN;
    throw new Error(`unexpected token in ${CONFIG_VARIABLE}: ${JSON.stringify(part)}`);
  }).join('');
}

/**
 * Seconds after a job's submission at which its status becomes SUCCEEDED (RUNNING until then), by the path of
 * its SubmitJob call or else by job name.
 */
type Finishes = Record<string, number>;

/** A simulated AWS Batch and ECS on the executor's virtual clock; SubmitJob and RunTask answers are recorded. */
class SimulatedAccount {
  public now = T0;
  public readonly jobs: Array<{ jobId: string; jobName: string; path: string; submittedAt: number }> = [];
  public readonly tasks: Array<{ taskArn: string; path: string }> = [];

  constructor(private readonly finishes: Finishes, private readonly renderSeconds: number) {
    batchMock.on(DescribeJobsCommand).callsFake((input: { jobs: string[] }) => ({
      jobs: this.jobs.filter((j) => input.jobs.includes(j.jobId)).map((j) => this.describe(j)),
    }));
  }

  /** Answers the Task states of the pipeline. */
  public answer = async (invocation: testing.TaskInvocation) => {
    this.now = Date.parse(invocation.time);
    if (invocation.resource.endsWith(':batch:submitJob')) {
      const jobId = `job-${this.jobs.length + 1}`;
      this.jobs.push({ jobId, jobName: invocation.request.JobName, path: invocation.path, submittedAt: this.now });
      // The request-response integration returns SubmitJob's response.
      return { result: { JobId: jobId, JobName: invocation.request.JobName, JobArn: `arn:aws:batch:us-east-1:${ACCOUNT}:job/${jobId}` } };
    }
    if (invocation.resource.endsWith(':ecs:runTask.waitForTaskToken')) {
      const taskArn = `arn:aws:ecs:us-east-1:${ACCOUNT}:task/jobs/task-${this.tasks.length + 1}`;
      this.tasks.push({ taskArn, path: invocation.path });
      return {
        // RunTask's response: Step Functions records it in TaskSubmitted; the executor never gets it (it only
        // delivers the callback), so it is recorded next to the outcome (see RecordedCalls).
        submitted: { Failures: [], Tasks: [{ TaskArn: taskArn, ClusterArn: CLUSTER_ARN, LastStatus: 'PROVISIONING' }] },
        result: { rendered: true },
        durationSeconds: this.renderSeconds,
      };
    }
    // The poller's Lambda tasks: the real check handler, its clock at the call's virtual time.
    const clock = jest.spyOn(Date, 'now').mockReturnValue(this.now);
    try {
      return { result: { ExecutedVersion: '$LATEST', StatusCode: 200, Payload: await checkHandler(invocation.request.Payload) } };
    } finally {
      clock.mockRestore();
    }
  };

  private describe(job: { jobId: string; jobName: string; path: string; submittedAt: number }): JobDetail {
    const seconds = (this.now - job.submittedAt) / 1000;
    const finish = this.finishes[job.path] ?? this.finishes[job.jobName] ?? Number.POSITIVE_INFINITY;
    const base = {
      jobId: job.jobId,
      jobName: job.jobName,
      jobArn: `arn:aws:batch:us-east-1:${ACCOUNT}:job/${job.jobId}`,
      jobQueue: QUEUE_ARN,
      jobDefinition: DEFINITION_ARN,
      createdAt: job.submittedAt,
      startedAt: job.submittedAt + 1000,
      container: { logStreamName: 'train/default/abc' },
    };
    if (seconds < finish) return { ...base, status: 'RUNNING' } as JobDetail;
    return { ...base, status: 'SUCCEEDED', stoppedAt: job.submittedAt + finish * 1000, attempts: [{}], container: { exitCode: 0 } } as JobDetail;
  }
}

/** Runs the pipeline on the executor; returns the history of the execution stopped at `stopAt`, and what ran. */
async function stoppedRun(stopAt: number, finishes: Finishes, renderSeconds = 12 * HOUR) {
  const { stack, stateMachine, definition } = pipeline();
  const account = new SimulatedAccount(finishes, renderSeconds);
  const calls = new RecordedCalls();
  const input = { shards: [{ shard: 'a' }, { shard: 'b' }] };
  const result = await testing.Workflow.fromDefinition(definition).execute({ input, startTime: START, taskHandler: calls.around(account.answer) });
  const events = historyOf(result, calls, { startTime: START, stopAtSeconds: stopAt, input });
  return { stack, stateMachine, result, events, account };
}

function givenHistory(events: HistoryEvent[], pageSize: number): void {
  const pages = historyPages(events, pageSize);
  sfnMock.on(GetExecutionHistoryCommand).callsFake((input: { nextToken?: string }) =>
    pages[input.nextToken ? Number(input.nextToken.replace('page-', '')) - 1 : 0]);
}

function statusChange() {
  return {
    'source': 'aws.states',
    'detail-type': 'Step Functions Execution Status Change',
    'detail': { executionArn: EXECUTION_ARN, stateMachineArn: STATE_MACHINE_ARN, name: 'run-1', status: 'ABORTED' },
  };
}

const terminated = () => batchMock.commandCalls(TerminateJobCommand).map((c) => c.args[0].input);
const stopped = () => ecsMock.commandCalls(StopTaskCommand).map((c) => c.args[0].input);

beforeEach(() => {
  sfnMock.reset();
  batchMock.reset();
  ecsMock.reset();
  sfnMock.on(DescribeExecutionCommand).resolves(describedExecution());
  jest.spyOn(console, 'info').mockImplementation(() => {});
  jest.spyOn(console, 'debug').mockImplementation(() => {});
  batchMock.on(TerminateJobCommand).resolves({});
  ecsMock.on(StopTaskCommand).callsFake((input: { task: string }) => ({ task: { taskArn: input.task, lastStatus: 'RUNNING', desiredStatus: 'STOPPED' } }));
});

afterEach(() => {
  jest.restoreAllMocks();
  delete process.env[CONFIG_VARIABLE];
});

describe('the history of a real run, stopped at T, fed to the real handler', () => {
  test('stopped while Prepare (top level) polls: its job is terminated, nothing else had started', async () => {
    // GIVEN Prepare's job runs 30 minutes; the execution is stopped after 10
    const run = await stoppedRun(10 * MINUTE, { prepare: 30 * MINUTE, eval: 2 * HOUR, shard: 2 * HOUR });
    process.env[CONFIG_VARIABLE] = synthesizedConfig(run.stack, run.stateMachine);
    givenHistory(run.events, 7);

    // WHEN
    const outcome = await handler(statusChange(), CONTEXT);

    // THEN
    expect(run.result.status).toBe('SUCCEEDED'); // the run itself went on to the end
    const prepare = run.account.jobs.filter((j) => j.jobName === 'prepare');
    expect(prepare).toHaveLength(1);
    expect(terminated()).toEqual([{ jobId: prepare[0].jobId, reason: REASON }]);
    expect(stopped()).toEqual([]);
    expect(outcome).toMatchObject({ cancelled: 1, alreadyFinished: 0, ended: 0 });
    expect(sfnMock.commandCalls(GetExecutionHistoryCommand).length).toBe(Math.ceil(run.events.length / 7));
  });

  test('stopped while the branches run: the jobs of Eval, both Shard iterations and the Render task, not the ended Prepare', async () => {
    // GIVEN Prepare ended after 20 minutes (its check said SUCCEEDED); the others run for hours; stopped at 1 hour
    const run = await stoppedRun(HOUR, { prepare: 20 * MINUTE, eval: 3 * HOUR, shard: 3 * HOUR });
    process.env[CONFIG_VARIABLE] = synthesizedConfig(run.stack, run.stateMachine);
    givenHistory(run.events, 10);

    // WHEN
    const outcome = await handler(statusChange(), CONTEXT);

    // THEN the jobs started before T: Prepare's (ended), Eval's, one per Shard iteration; one ECS task
    const { jobs, tasks: ecsTasks } = run.account;
    expect(jobs.map((j) => [j.jobName, j.path])).toEqual([
      ['prepare', 'Prepare/0'], ['eval', 'Fan out/0/Eval/0'], ['shard', SHARD_A], ['shard', SHARD_B],
    ]);
    expect(ecsTasks.map((t) => t.path)).toEqual(['Fan out/2']);
    expect(terminated().map((t) => t.jobId).sort()).toEqual(jobs.filter((j) => j.jobName !== 'prepare').map((j) => j.jobId).sort());
    expect(terminated().every((t) => t.reason === REASON)).toBe(true);
    expect(stopped()).toEqual([{ cluster: CLUSTER_ARN, task: ecsTasks[0].taskArn, reason: REASON }]);
    expect(outcome).toMatchObject({ cancelled: 4, alreadyFinished: 0, ended: 1 });
  });

  test('a Shard iteration whose check said SUCCEEDED before T is left alone; the other iteration\'s job is terminated', async () => {
    // GIVEN Shard a's job ends after 15 minutes, Shard b's runs on; stopped at 1 hour
    const run = await stoppedRun(HOUR, { prepare: 5 * MINUTE, eval: 3 * HOUR, [SHARD_A]: 15 * MINUTE, [SHARD_B]: 3 * HOUR });
    process.env[CONFIG_VARIABLE] = synthesizedConfig(run.stack, run.stateMachine);
    givenHistory(run.events, 1000);

    // WHEN
    const outcome = await handler(statusChange(), CONTEXT);

    // THEN
    const { jobs, tasks: ecsTasks } = run.account;
    const jobAt = (path: string) => jobs.find((j) => j.path === path)!.jobId;
    // Shard a's last check before T answered SUCCEEDED, in the history the handler read
    const checksOfA = run.events.filter((e) => e.type === 'TaskSucceeded' && JSON.parse(e.taskSucceededEventDetails!.output!).Payload?.jobId === jobAt(SHARD_A));
    expect(JSON.parse(checksOfA[checksOfA.length - 1].taskSucceededEventDetails!.output!).Payload.poll.outcome).toBe('SUCCEEDED');
    expect(terminated().map((t) => t.jobId).sort()).toEqual([jobAt('Fan out/0/Eval/0'), jobAt(SHARD_B)].sort());
    expect(stopped().map((t) => t.task)).toEqual([ecsTasks[0].taskArn]);
    expect(outcome).toMatchObject({ cancelled: 3, ended: 2 });
  });

  test('the ECS callback arrived before T: the task is not stopped', async () => {
    // GIVEN Render calls back after 30 minutes; stopped at 1 hour
    const run = await stoppedRun(HOUR, { prepare: 5 * MINUTE, eval: 3 * HOUR, shard: 3 * HOUR }, 30 * MINUTE);
    process.env[CONFIG_VARIABLE] = synthesizedConfig(run.stack, run.stateMachine);
    givenHistory(run.events, 1000);

    // WHEN
    const outcome = await handler(statusChange(), CONTEXT);

    // THEN
    expect(run.events.some((e) => e.type === 'TaskStateExited' && e.stateExitedEventDetails?.name === 'Render')).toBe(true);
    expect(stopped()).toEqual([]);
    expect(terminated()).toHaveLength(3); // Eval, Shard ×2
    expect(outcome).toMatchObject({ cancelled: 3, ended: 2 });
  });
});

describe('the converted history', () => {
  test('chains each branch and iteration on its own, ends with ExecutionAborted at T, nothing after T', async () => {
    // GIVEN / WHEN
    const run = await stoppedRun(HOUR, { prepare: 20 * MINUTE, eval: 3 * HOUR, shard: 3 * HOUR });

    // THEN
    const { events } = run;
    expect(events[0].type).toBe('ExecutionStarted');
    expect(events[events.length - 1]).toMatchObject({ type: 'ExecutionAborted', timestamp: new Date(T0 + HOUR * 1000) });
    expect(events.every((e, i) => e.id === i + 1 && e.previousEventId! < e.id!)).toBe(true);
    expect(events.every((e, i) => i === 0 || e.timestamp!.getTime() >= events[i - 1].timestamp!.getTime())).toBe(true);
    // The first state of each iteration points at its MapIterationStarted, of each branch at ParallelStateStarted.
    const byId = new Map(events.map((e) => [e.id!, e]));
    const entered = (name: string) => events.filter((e) => e.stateEnteredEventDetails?.name === name);
    expect(entered('Shard').map((e) => byId.get(e.previousEventId!)!.mapIterationStartedEventDetails)).toEqual([
      { name: 'Shards', index: 0 }, { name: 'Shards', index: 1 },
    ]);
    expect(['Eval', 'Shards', 'Render'].map((n) => byId.get(entered(n)[0].previousEventId!)!.type)).toEqual([
      'ParallelStateStarted', 'ParallelStateStarted', 'ParallelStateStarted',
    ]);
    // Render: submitted, no callback yet.
    const ecsEvents = events.filter((e) => [e.taskScheduledEventDetails, e.taskStartedEventDetails, e.taskSubmittedEventDetails,
      e.taskSucceededEventDetails].some((d) => d?.resourceType === 'ecs'));
    expect(ecsEvents.map((e) => e.type)).toEqual(['TaskScheduled', 'TaskStarted', 'TaskSubmitted']);
    // The run went on for hours after T (the callback after 12 hours): those events are cut.
    expect(run.result.elapsedSeconds).toBeGreaterThanOrEqual(12 * HOUR);
    expect(events.filter((e) => e.type === 'ParallelStateSucceeded' || e.type === 'MapStateSucceeded').map((e) => e.type)).toEqual([
      'ParallelStateSucceeded', // Prepare's own Parallel, ended at 20 minutes
    ]);
  });
});
