/**
 * Stop safety with `JobDetection.events()`: a state machine of event-driven waits (BatchPollerJob at the top, in a
 * Parallel branch, in a Map of two iterations; a SageMakerPipelinePollerJob in another branch) runs on our executor;
 * its history, stopped at T, with the new `Wait for job event` rounds in it (tokens returned, rounds timed out), is
 * fed to the REAL execution-stopped handler, configured as the construct synthesized it. It must cancel exactly the
 * jobs the run started and that had not ended at T, as without events.
 */
import { BatchClient, TerminateJobCommand } from '@aws-sdk/client-batch';
import { DescribeExecutionCommand, GetExecutionHistoryCommand, HistoryEvent, SFNClient } from '@aws-sdk/client-sfn';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { mockClient } from 'aws-sdk-client-mock';
import { CONFIG_VARIABLE, handler } from '../../lambda/execution-stopped/index';
import { BatchPollerJob, JobDetection, SageMakerPipelinePollerJob, testing } from '../../src';
import { CONTEXT, describedExecution } from '../lambda/execution-stopped/history';
import { logicalIdOf, newTestStack, renderStateMachine, validateAsl } from '../support';
import { historyOf, historyPages, RecordedCalls } from '../support/history';

const sent: Array<{ command: string; input: any }> = [];
jest.mock('@aws-sdk/client-sagemaker', () => {
  class Command {
    constructor(public readonly input: unknown) {}
  }
  return {
    SageMakerClient: class {
      public async send(command: { constructor: { name: string }; input: unknown }) {
        sent.push({ command: command.constructor.name, input: command.input });
        return {};
      }
    },
    StopPipelineExecutionCommand: class StopPipelineExecutionCommand extends Command {},
  };
}, { virtual: true });

const ACCOUNT = '123456789012';
const STATE_MACHINE_ARN = `arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:Pipeline`;
const EXECUTION_ARN = `arn:aws:states:us-east-1:${ACCOUNT}:execution:Pipeline:run-1`;
const START = '2024-05-01T00:00:00.000Z';
const MINUTE = 60;
const HOUR = 3600;

const sfnMock = mockClient(SFNClient);
const batchMock = mockClient(BatchClient);

function pipeline() {
  const stack = newTestStack();
  const events = JobDetection.events();
  const job = (id: string) => new BatchPollerJob(stack, id, {
    jobQueueArn: `arn:aws:batch:us-east-1:${ACCOUNT}:job-queue/q`,
    jobDefinitionArn: `arn:aws:batch:us-east-1:${ACCOUNT}:job-definition/d`,
    jobName: id.toLowerCase(),
    detection: events,
  });
  const train = new SageMakerPipelinePollerJob(stack, 'Train', { pipelineName: 'train', detection: events });
  const shards = new sfn.Map(stack, 'Shards', { itemsPath: '$.shards', resultPath: '$.shards' }).itemProcessor(job('Shard'));
  const fanOut = new sfn.Parallel(stack, 'Fan out', { resultPath: sfn.JsonPath.DISCARD }).branch(job('Eval')).branch(shards).branch(train);
  const stateMachine = new sfn.StateMachine(stack, 'Pipeline', { definitionBody: sfn.DefinitionBody.fromChainable(job('Prepare').next(fanOut)) });
  const definition = renderStateMachine(stack, stateMachine);
  validateAsl(definition);
  return { stack, stateMachine, definition };
}

function synthesizedConfig(stack: Stack, stateMachine: sfn.StateMachine): string {
  const functions = Template.fromStack(stack).findResources('AWS::Lambda::Function', {
    Properties: { Environment: { Variables: { [CONFIG_VARIABLE]: {} } } },
  });
  const value = Object.values(functions)[0].Properties.Environment.Variables[CONFIG_VARIABLE];
  if (typeof value === 'string') return value;
  const machineId = logicalIdOf(stateMachine.node.defaultChild!);
  return value['Fn::Join'][1].map((part: any) => {
    if (typeof part === 'string') return part;
    if (part['Fn::GetAtt']?.[0] === machineId) return STATE_MACHINE_ARN;
    throw new Error(`unexpected token: ${JSON.stringify(part)}`);
  }).join('');
}

/**
 * The simulated account: each Batch job (by name, or by its path for a Shard iteration) ends after `finishes`
 * seconds, its event returning the token 3 seconds later; the pipeline execution never ends.
 */
function answer(finishes: Record<string, number>) {
  const jobs: Array<{ jobId: string; name: string; path: string; at: number }> = [];
  const end = (job: { name: string; path: string }) => finishes[job.path] ?? finishes[job.name];
  const handle = (inv: testing.TaskInvocation): testing.TaskOutcome => {
    const now = inv.epochSeconds;
    // every state of a poller runs in its Parallel's branch, where its job was submitted
    const owner = jobs.find((j) => j.path === inv.path);
    if (inv.stateName.endsWith(': Start job') && inv.resource.includes('batch:submitJob')) {
      const jobId = `job-${jobs.length + 1}`;
      jobs.push({ jobId, name: inv.request.JobName, path: inv.path, at: now });
      return { result: { JobId: jobId, JobName: inv.request.JobName, JobArn: `arn:aws:batch:us-east-1:${ACCOUNT}:job/${jobId}` } };
    }
    if (inv.stateName === 'Train: Start job') return { result: { PipelineExecutionArn: `arn:aws:sagemaker:us-east-1:${ACCOUNT}:pipeline/train/execution/e1` } };
    if (inv.stateName === 'Train: Check job') return { result: { PipelineExecutionStatus: 'Executing' } };
    if (inv.stateName === 'Train: Wait for job event') return { durationSeconds: 1e9 };
    if (inv.stateName === 'Train: Cancel job') return { result: {} }; // its deadline, long after T
    if (!owner) throw new Error(`no job for ${inv.stateName} at ${inv.path}: ${JSON.stringify(jobs)}`);
    const job = owner;
    const ended = now - job.at >= end(job);
    if (inv.stateName.endsWith(': Wait for job event')) {
      const arrives = job.at + end(job) + 3;
      return arrives >= now ? { result: {}, durationSeconds: arrives - now } : { durationSeconds: 1e9 };
    }
    // the check function
    const poll = ended ? { outcome: 'SUCCEEDED', nextPollSeconds: 1 } : { outcome: 'RUNNING', nextPollSeconds: Math.max(30, Math.floor((now - job.at) / 10)) };
    return { result: { Payload: { jobId: job.jobId, jobName: job.name, status: ended ? 'SUCCEEDED' : 'RUNNING', poll } } };
  };
  return { jobs, handle };
}

async function stoppedRun(stopAt: number, finishes: Record<string, number>) {
  const { stack, stateMachine, definition } = pipeline();
  const account = answer(finishes);
  const calls = new RecordedCalls();
  const input = { shards: [{ shard: 'a' }, { shard: 'b' }] };
  const result = await testing.Workflow.fromDefinition(definition).execute({
    input, startTime: START, taskHandler: calls.around(account.handle), maxTransitions: 20_000,
  });
  const events = historyOf(result, calls, { startTime: START, stopAtSeconds: stopAt, input });
  return { stack, stateMachine, result, events, jobs: account.jobs };
}

function givenHistory(events: HistoryEvent[], pageSize: number): void {
  const pages = historyPages(events, pageSize);
  sfnMock.on(GetExecutionHistoryCommand).callsFake((input: { nextToken?: string }) =>
    pages[input.nextToken ? Number(input.nextToken.replace('page-', '')) - 1 : 0]);
}

const statusChange = () => ({
  'source': 'aws.states',
  'detail-type': 'Step Functions Execution Status Change',
  'detail': { executionArn: EXECUTION_ARN, stateMachineArn: STATE_MACHINE_ARN, name: 'run-1', status: 'ABORTED' },
});

beforeEach(() => {
  sfnMock.reset();
  batchMock.reset();
  sent.length = 0;
  sfnMock.on(DescribeExecutionCommand).resolves(describedExecution());
  batchMock.on(TerminateJobCommand).resolves({});
  jest.spyOn(console, 'info').mockImplementation(() => {});
  jest.spyOn(console, 'debug').mockImplementation(() => {});
});

afterEach(() => {
  jest.restoreAllMocks();
  delete process.env[CONFIG_VARIABLE];
});

test('stopped while the event-driven waits run: the jobs not ended at T are cancelled; the one whose event woke its check is left alone', async () => {
  // GIVEN Prepare ends at 20 minutes (its event wakes the check), Shard a at 30 minutes, Eval and Shard b run for
  // hours; the pipeline execution never ends; stopped at 1 hour
  const run = await stoppedRun(HOUR, { 'prepare': 20 * MINUTE, 'eval': 5 * HOUR, 'Fan out/1/Shards/0/Shard/0': 30 * MINUTE, 'Fan out/1/Shards/1/Shard/0': 5 * HOUR });
  process.env[CONFIG_VARIABLE] = synthesizedConfig(run.stack, run.stateMachine);
  givenHistory(run.events, 50);

  // WHEN
  const outcome = await handler(statusChange(), CONTEXT);

  // THEN the history holds the new states: rounds woken by a token, rounds timed out
  const rounds = run.events.filter((e) => e.taskScheduledEventDetails?.resource === 'putItem.waitForTaskToken');
  expect(rounds.length).toBeGreaterThan(10);
  expect(run.events.some((e) => e.type === 'TaskTimedOut')).toBe(true);
  expect(run.events.filter((e) => e.type === 'TaskSucceeded' && e.taskSucceededEventDetails?.resource === 'putItem.waitForTaskToken').length).toBe(2);
  // and the handler cancelled exactly the jobs still running at T
  const byName = (name: string, path?: string) => run.jobs.find((j) => j.name === name && (path === undefined || j.path.startsWith(path)))!.jobId;
  const terminated = batchMock.commandCalls(TerminateJobCommand).map((c) => c.args[0].input.jobId).sort();
  expect(terminated).toEqual([byName('eval'), byName('shard', 'Fan out/1/Shards/1')].sort());
  expect(sent).toEqual([{ command: 'StopPipelineExecutionCommand', input: expect.objectContaining({ PipelineExecutionArn: `arn:aws:sagemaker:us-east-1:${ACCOUNT}:pipeline/train/execution/e1` }) }]);
  expect(outcome).toMatchObject({ cancelled: 3, ended: 2 });
});

test('stopped before any event: every job started is cancelled', async () => {
  // GIVEN everything runs for hours; stopped at 10 minutes (Prepare's rounds have all timed out)
  const run = await stoppedRun(10 * MINUTE, { prepare: 5 * HOUR, eval: 5 * HOUR, shard: 5 * HOUR });
  process.env[CONFIG_VARIABLE] = synthesizedConfig(run.stack, run.stateMachine);
  givenHistory(run.events, 7);

  // WHEN
  const outcome = await handler(statusChange(), CONTEXT);

  // THEN only Prepare had started
  const terminated = batchMock.commandCalls(TerminateJobCommand).map((c) => c.args[0].input.jobId);
  expect(terminated).toEqual([run.jobs.find((j) => j.name === 'prepare')!.jobId]);
  expect(run.events.filter((e) => e.stateEnteredEventDetails?.name === 'Prepare: Wait for job event').length).toBeGreaterThan(2);
  expect(sent).toEqual([]);
  expect(outcome).toMatchObject({ cancelled: 1, ended: 0 });
});
