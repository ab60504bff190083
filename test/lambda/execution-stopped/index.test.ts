import { BatchClient, ClientException, TerminateJobCommand } from '@aws-sdk/client-batch';
import { ECSClient, InvalidParameterException, ServerException, StopTaskCommand } from '@aws-sdk/client-ecs';
import { InvokeCommand, InvokeCommandOutput, LambdaClient, TooManyRequestsException } from '@aws-sdk/client-lambda';
import { DescribeExecutionCommand, GetExecutionHistoryCommand, SFNClient } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import {
  CHECK_FUNCTION_ARN,
  ACCOUNT,
  CONTEXT,
  describedExecution,
  EXECUTION_ARN,
  History,
  STATE_MACHINE_ARN,
  statusChange,
  taskArn,
} from './history';
import { CONFIG_VARIABLE, clusterOf, handler, THROTTLE_ATTEMPTS } from '../../../lambda/execution-stopped/index';

const sfnMock = mockClient(SFNClient);
const batchMock = mockClient(BatchClient);
const ecsMock = mockClient(ECSClient);
const lambdaMock = mockClient(LambdaClient);

const BATCH_POLLER_FUNCTION = 'arn:aws:lambda:us-east-1:123456789012:function:batch-poller';
const REASON = `Step Functions execution ${EXECUTION_ARN} ended ABORTED: stopped by cdk-sfn-jobs`;

/** The configuration the stack writes: our states of the Pipeline state machine. */
const CONFIG = {
  machines: [STATE_MACHINE_ARN, 'arn:aws:states:us-east-1:123456789012:stateMachine:Other'],
  states: [
    { kind: 'batch', name: 'Train: Start job', machines: [0] },
    { kind: 'batch', name: 'Eval: Start job', machines: [0] },
    { kind: 'ecs', name: 'Render', machines: [0] },
    { kind: 'poller', name: 'Etl: Start job', machines: [0], functionArn: CHECK_FUNCTION_ARN, resultFields: { runId: 'JobRunId' } },
    // Same name, another state machine: not ours here.
    { kind: 'ecs', name: 'Elsewhere', machines: [1] },
  ],
};

function running(jobId: string) {
  return { jobId, status: 'RUNNING', poll: { outcome: 'RUNNING', nextPollSeconds: 30 } };
}

function givenHistory(history: History, pageSize = 1000): void {
  const pages = history.pages(pageSize);
  sfnMock.on(GetExecutionHistoryCommand).callsFake((input: { nextToken?: string }) => {
    const index = input.nextToken ? Number(input.nextToken.replace('page-', '')) - 1 : 0;
    return pages[index];
  });
}

function throttledBatch(): ClientException {
  return new ClientException({ message: 'Too Many Requests.', $metadata: { httpStatusCode: 429 } });
}

/** An Invoke response payload. */
function blob(text: string): InvokeCommandOutput['Payload'] {
  return new TextEncoder().encode(text) as unknown as InvokeCommandOutput['Payload'];
}

/** The JSON of an Invoke request payload. */
function payloadOf(payload: unknown): any {
  return JSON.parse(new TextDecoder().decode(payload as Uint8Array));
}

let errorLog: jest.SpyInstance;
let infoLog: jest.SpyInstance;

/** The structured log lines of one level, parsed. */
function logged(spy: jest.SpyInstance): Array<Record<string, unknown>> {
  return spy.mock.calls.map((args) => JSON.parse(args[0]));
}

beforeEach(() => {
  sfnMock.reset();
  batchMock.reset();
  ecsMock.reset();
  lambdaMock.reset();
  sfnMock.on(DescribeExecutionCommand).resolves(describedExecution());
  process.env[CONFIG_VARIABLE] = JSON.stringify(CONFIG);
  jest.spyOn(Math, 'random').mockReturnValue(0); // no backoff pauses in tests
  infoLog = jest.spyOn(console, 'info').mockImplementation(() => {});
  jest.spyOn(console, 'debug').mockImplementation(() => {});
  errorLog = jest.spyOn(console, 'error').mockImplementation(() => {});
  batchMock.on(TerminateJobCommand).resolves({});
  ecsMock.on(StopTaskCommand).callsFake((input: { task: string }) => ({ task: { taskArn: input.task, lastStatus: 'RUNNING', desiredStatus: 'STOPPED' } }));
  lambdaMock.on(InvokeCommand).resolves({ StatusCode: 200, Payload: blob('null') });
});

afterEach(() => {
  jest.restoreAllMocks();
  delete process.env[CONFIG_VARIABLE];
});

describe('our states at the top level', () => {
  test('a BatchPollerJob still polling: its job is terminated, with the execution in the reason', async () => {
    // GIVEN a job submitted and checked once (RUNNING), then the execution was stopped during the next wait
    const h = new History();
    let id = h.batchSubmit(1, 'Train', 'job-1');
    id = h.pollRound(id, 'Train', BATCH_POLLER_FUNCTION, { jobId: 'job-1' }, running('job-1'));
    id = h.enter(id, 'Train: Wait', 'Wait');
    h.aborted(id);
    givenHistory(h);

    // WHEN
    const result = await handler(statusChange(), CONTEXT);

    // THEN
    expect(sfnMock.commandCalls(GetExecutionHistoryCommand)[0].args[0].input).toEqual({
      executionArn: EXECUTION_ARN, maxResults: 1000, includeExecutionData: true, nextToken: undefined,
    });
    expect(batchMock.commandCalls(TerminateJobCommand).map((c) => c.args[0].input)).toEqual([{ jobId: 'job-1', reason: REASON }]);
    expect(result).toEqual({ executionArn: EXECUTION_ARN, status: 'ABORTED', cancelled: 1, alreadyFinished: 0, ended: 0 });
    expect(logged(infoLog)).toContainEqual(expect.objectContaining({ action: 'cancelled', kind: 'AWS Batch job', jobId: 'job-1', state: 'Train: Start job' }));
  });

  test('a job stopped right after submission, before its first check, is terminated too', async () => {
    // GIVEN
    const h = new History();
    h.aborted(h.batchSubmit(1, 'Train', 'job-1'));
    givenHistory(h);

    // WHEN
    await handler(statusChange('TIMED_OUT'), CONTEXT);

    // THEN
    expect(batchMock.commandCalls(TerminateJobCommand)).toHaveLength(1);
  });

  test('a job whose poller saw it SUCCEEDED or FAILED is left alone and logged as not cancelled', async () => {
    // GIVEN two jobs that ended, the execution failing afterwards
    const h = new History();
    let id = h.batchSubmit(1, 'Train', 'job-1');
    id = h.pollRound(id, 'Train', BATCH_POLLER_FUNCTION, { jobId: 'job-1' }, { jobId: 'job-1', poll: { outcome: 'SUCCEEDED' } });
    id = h.batchSubmit(id, 'Eval', 'job-2');
    id = h.pollRound(id, 'Eval', BATCH_POLLER_FUNCTION, { jobId: 'job-2' }, { jobId: 'job-2', poll: { outcome: 'FAILED', cause: 'exit 1' } });
    h.add(id, 'ExecutionFailed', { executionFailedEventDetails: { error: 'BatchPoller.JobFailed' } });
    givenHistory(h);

    // WHEN
    const result = await handler(statusChange('FAILED'), CONTEXT);

    // THEN
    expect(batchMock.commandCalls(TerminateJobCommand)).toHaveLength(0);
    expect(result).toMatchObject({ cancelled: 0, ended: 2 });
    expect(logged(infoLog).filter((l) => l.action === 'notCancelled').map((l) => l.jobId)).toEqual(['job-1', 'job-2']);
  });

  test('a poller that timed out and cancelled its job itself: nothing left to cancel', async () => {
    // GIVEN
    const h = new History();
    let id = h.batchSubmit(1, 'Train', 'job-1');
    id = h.pollRound(id, 'Train', BATCH_POLLER_FUNCTION, { jobId: 'job-1' }, { jobId: 'job-1', poll: { outcome: 'TIMED_OUT', cause: 'late' } });
    id = h.enter(id, 'Train: Cancel job (timed out)');
    id = h.task(id, {
      resourceType: 'lambda',
      resource: 'invoke',
      parameters: { FunctionName: BATCH_POLLER_FUNCTION, Payload: { action: 'cancel', reason: 'TIMED_OUT', job: { jobId: 'job-1' } } },
      succeeded: { Payload: { jobId: 'job-1', terminated: true } },
    });
    h.add(id, 'ExecutionFailed', {});
    givenHistory(h);

    // WHEN
    const result = await handler(statusChange('FAILED'), CONTEXT);

    // THEN
    expect(batchMock.commandCalls(TerminateJobCommand)).toHaveLength(0);
    expect(result).toMatchObject({ ended: 1 });
  });

  test('a generic JobPoller: its check function is invoked with the cancel action, its last answer and reason ABORTED', async () => {
    // GIVEN
    const h = new History();
    let id = h.glueStart(1, 'Etl', 'jr_1');
    id = h.pollRound(id, 'Etl', CHECK_FUNCTION_ARN, { runId: 'jr_1' }, { runId: 'jr_1', state: 'RUNNING', poll: { outcome: 'RUNNING', nextPollSeconds: 30 } });
    h.aborted(id);
    givenHistory(h);

    // WHEN
    await handler(statusChange(), CONTEXT);

    // THEN
    const calls = lambdaMock.commandCalls(InvokeCommand).map((c) => c.args[0].input);
    expect(calls).toHaveLength(1);
    expect(calls[0].FunctionName).toBe(CHECK_FUNCTION_ARN);
    expect(payloadOf(calls[0].Payload)).toEqual({
      action: 'cancel',
      job: { runId: 'jr_1', state: 'RUNNING', poll: { outcome: 'RUNNING', nextPollSeconds: 30 } },
      reason: 'ABORTED',
      execution: { executionArn: EXECUTION_ARN, status: 'ABORTED' },
    });
  });

  test('a generic JobPoller stopped before its first check: the job is the start task\'s result fields', async () => {
    // GIVEN
    const h = new History();
    h.aborted(h.glueStart(1, 'Etl', 'jr_9'));
    givenHistory(h);

    // WHEN
    await handler(statusChange(), CONTEXT);

    // THEN
    const payload = payloadOf(lambdaMock.commandCalls(InvokeCommand)[0].args[0].input.Payload);
    expect(payload.job).toEqual({ runId: 'jr_9' });
  });

  test('an EcsCallbackTask waiting for its callback: its task is stopped on its cluster', async () => {
    // GIVEN
    const h = new History();
    h.aborted(h.ecsRun(1, 'Render', taskArn('t1')));
    givenHistory(h);

    // WHEN
    const result = await handler(statusChange(), CONTEXT);

    // THEN
    expect(ecsMock.commandCalls(StopTaskCommand).map((c) => c.args[0].input)).toEqual([
      { cluster: 'arn:aws:ecs:us-east-1:123456789012:cluster/jobs', task: taskArn('t1'), reason: REASON },
    ]);
    expect(result).toMatchObject({ cancelled: 1 });
  });

  test('an EcsCallbackTask whose container called back (success or failure) is left alone', async () => {
    // GIVEN
    const h = new History();
    let id = h.ecsRun(1, 'Render', taskArn('t1'), 'success');
    id = h.ecsRun(id, 'Render', taskArn('t2'), 'failure');
    h.add(id, 'ExecutionFailed', {});
    givenHistory(h);

    // WHEN
    const result = await handler(statusChange('FAILED'), CONTEXT);

    // THEN
    expect(ecsMock.commandCalls(StopTaskCommand)).toHaveLength(0);
    expect(result).toMatchObject({ ended: 2 });
  });

  test('states of the same name that are not ours (another state machine\'s, another resource) are ignored', async () => {
    // GIVEN a state "Elsewhere" configured for another state machine, and "Train: Start job" calling Lambda
    const h = new History();
    let id = h.ecsRun(1, 'Elsewhere', taskArn('t9'));
    id = h.enter(id, 'Train: Start job');
    id = h.task(id, { resourceType: 'lambda', resource: 'invoke', parameters: {}, succeeded: { Payload: {} } });
    h.aborted(id);
    givenHistory(h);

    // WHEN
    await handler(statusChange(), CONTEXT);

    // THEN
    expect(ecsMock.commandCalls(StopTaskCommand)).toHaveLength(0);
    expect(batchMock.commandCalls(TerminateJobCommand)).toHaveLength(0);
  });
});

describe('our states in Parallel branches and Map iterations', () => {
  test('Parallel: each branch is followed on its own, with interleaved events', async () => {
    // GIVEN branch A polls a Batch job that SUCCEEDED, branch B a job still running, branch C an ECS task waiting;
    // their events interleave
    const h = new History();
    const parallel = h.add(h.enter(1, 'Both', 'Parallel'), 'ParallelStateStarted');
    const a1 = h.batchSubmit(parallel, 'Train', 'job-a');
    const b1 = h.batchSubmit(parallel, 'Eval', 'job-b');
    const c1 = h.ecsRun(parallel, 'Render', taskArn('tc'));
    h.pollRound(a1, 'Train', BATCH_POLLER_FUNCTION, { jobId: 'job-a' }, { jobId: 'job-a', poll: { outcome: 'SUCCEEDED' } });
    const b2 = h.pollRound(b1, 'Eval', BATCH_POLLER_FUNCTION, { jobId: 'job-b' }, running('job-b'));
    h.aborted(Math.max(b2, c1));
    givenHistory(h);

    // WHEN
    const result = await handler(statusChange(), CONTEXT);

    // THEN
    expect(batchMock.commandCalls(TerminateJobCommand).map((c) => c.args[0].input.jobId)).toEqual(['job-b']);
    expect(ecsMock.commandCalls(StopTaskCommand).map((c) => c.args[0].input.task)).toEqual([taskArn('tc')]);
    expect(result).toMatchObject({ cancelled: 2, ended: 1 });
  });

  test('inline Map: the same states in each iteration, each iteration\'s job cancelled unless it ended', async () => {
    // GIVEN three iterations of a generic poller; the second one's job SUCCEEDED
    const h = new History();
    const map = h.add(h.enter(1, 'Each', 'Map'), 'MapStateStarted', { mapStateStartedEventDetails: { length: 3 } });
    const iterations = [0, 1, 2].map((index) =>
      h.add(map, 'MapIterationStarted', { mapIterationStartedEventDetails: { name: 'Each', index } }));
    const started = iterations.map((it, i) => h.glueStart(it, 'Etl', `jr_${i}`));
    started.forEach((s, i) => h.pollRound(s, 'Etl', CHECK_FUNCTION_ARN, { runId: `jr_${i}` },
      { runId: `jr_${i}`, poll: { outcome: i === 1 ? 'SUCCEEDED' : 'RUNNING', nextPollSeconds: 30 } }));
    h.aborted(h.events.length);
    givenHistory(h);

    // WHEN
    const result = await handler(statusChange(), CONTEXT);

    // THEN
    const jobs = lambdaMock.commandCalls(InvokeCommand)
      .map((c) => payloadOf(c.args[0].input.Payload).job.runId)
      .sort();
    expect(jobs).toEqual(['jr_0', 'jr_2']);
    expect(result).toMatchObject({ cancelled: 2, ended: 1 });
  });

  test('a history of several pages: a job started on the first page and checked on the third is followed', async () => {
    // GIVEN pages of 4 events
    const h = new History();
    let id = h.batchSubmit(1, 'Train', 'job-1');
    for (let i = 0; i < 3; i++) id = h.pollRound(id, 'Train', BATCH_POLLER_FUNCTION, { jobId: 'job-1' }, running('job-1'));
    h.aborted(id);
    givenHistory(h, 4);

    // WHEN
    await handler(statusChange(), CONTEXT);

    // THEN every page was read, in order, and the job terminated once
    const tokens = sfnMock.commandCalls(GetExecutionHistoryCommand).map((c) => c.args[0].input.nextToken);
    expect(tokens).toEqual([undefined, ...h.pages(4).slice(0, -1).map((p) => p.nextToken)]);
    expect(tokens.length).toBeGreaterThanOrEqual(3);
    expect(batchMock.commandCalls(TerminateJobCommand)).toHaveLength(1);
  });
});

describe('idempotence and failures', () => {
  function runningEverywhere(): History {
    const h = new History();
    let id = h.batchSubmit(1, 'Train', 'job-1');
    id = h.ecsRun(id, 'Render', taskArn('t1'));
    h.aborted(id);
    return h;
  }

  test('the same event twice: the second run finds the jobs ended and succeeds', async () => {
    // GIVEN
    givenHistory(runningEverywhere());
    await handler(statusChange(), CONTEXT);
    ecsMock.on(StopTaskCommand).resolves({ task: { taskArn: taskArn('t1'), lastStatus: 'STOPPED', stoppedReason: REASON } });

    // WHEN
    const second = await handler(statusChange(), CONTEXT);

    // THEN
    expect(batchMock.commandCalls(TerminateJobCommand)).toHaveLength(2);
    expect(second).toMatchObject({ cancelled: 1, alreadyFinished: 1 }); // TerminateJob cannot tell; StopTask can
  });

  test('jobs that ended meanwhile ("already finished") count as success', async () => {
    // GIVEN
    givenHistory(runningEverywhere());
    batchMock.on(TerminateJobCommand).rejects(new ClientException({ message: 'Job job-1 not found', $metadata: {} }));
    ecsMock.on(StopTaskCommand).rejects(new InvalidParameterException({ message: 'The referenced task was not found.', $metadata: {} }));

    // WHEN
    const result = await handler(statusChange(), CONTEXT);

    // THEN
    expect(result).toMatchObject({ cancelled: 0, alreadyFinished: 2 });
    expect(logged(infoLog).filter((l) => l.action === 'alreadyFinished')).toHaveLength(2);
    expect(errorLog).not.toHaveBeenCalled();
  });

  test('a cancel throttled, then accepted, is retried with backoff', async () => {
    // GIVEN
    givenHistory(runningEverywhere());
    batchMock.on(TerminateJobCommand).rejectsOnce(throttledBatch()).rejectsOnce(throttledBatch()).resolves({});
    lambdaMock.on(InvokeCommand).rejectsOnce(new TooManyRequestsException({ message: 'Rate exceeded', $metadata: {} })).resolves({ StatusCode: 200 });

    // WHEN
    const result = await handler(statusChange(), CONTEXT);

    // THEN
    expect(batchMock.commandCalls(TerminateJobCommand)).toHaveLength(3);
    expect(result).toMatchObject({ cancelled: 2 });
    expect(logged(infoLog).filter((l) => l.action === 'throttled')).toHaveLength(2);
  });

  test('throttled every time: the invocation fails (the event is retried)', async () => {
    // GIVEN
    givenHistory(runningEverywhere());
    batchMock.on(TerminateJobCommand).rejects(throttledBatch());

    // WHEN / THEN
    await expect(handler(statusChange(), CONTEXT)).rejects.toMatchObject({ name: 'ExecutionStopped.CancelFailed', message: expect.stringMatching(/job-1.*ExecutionStopped.Throttled/) });
    expect(batchMock.commandCalls(TerminateJobCommand)).toHaveLength(THROTTLE_ATTEMPTS);
  });

  test('a cancel failing for another reason: the other jobs are still cancelled, the failure is logged and thrown', async () => {
    // GIVEN
    givenHistory(runningEverywhere());
    batchMock.on(TerminateJobCommand).rejects(new ClientException({ message: 'User is not authorized', $metadata: {} }));

    // WHEN / THEN
    await expect(handler(statusChange(), CONTEXT)).rejects.toMatchObject({ name: 'ExecutionStopped.CancelFailed', message: expect.stringContaining('not authorized') });
    expect(ecsMock.commandCalls(StopTaskCommand)).toHaveLength(1);
    expect(logged(errorLog)).toEqual([expect.objectContaining({ action: 'cancelFailed', jobId: 'job-1', error: expect.stringContaining('not authorized') })]);
  });

  test('an ECS server error is not "already finished"', async () => {
    // GIVEN
    givenHistory(runningEverywhere());
    ecsMock.on(StopTaskCommand).rejects(new ServerException({ message: 'internal error', $metadata: {} }));

    // WHEN / THEN
    await expect(handler(statusChange(), CONTEXT)).rejects.toMatchObject({ name: 'ExecutionStopped.CancelFailed' });
  });

  test('a check function that fails to cancel fails the invocation', async () => {
    // GIVEN
    const h = new History();
    h.aborted(h.glueStart(1, 'Etl', 'jr_1'));
    givenHistory(h);
    lambdaMock.on(InvokeCommand).resolves({ StatusCode: 200, FunctionError: 'Unhandled', Payload: blob('{"errorType":"AccessDenied"}') });

    // WHEN / THEN
    await expect(handler(statusChange(), CONTEXT)).rejects.toMatchObject({ name: 'ExecutionStopped.CancelFailed', message: expect.stringContaining('AccessDenied') });
  });

  test('an execution of a state machine without our states (a stale rule): nothing is read', async () => {
    // WHEN
    const result = await handler(statusChange('ABORTED', { stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:Unrelated' }), CONTEXT);

    // THEN
    expect(sfnMock.calls()).toHaveLength(0);
    expect(result).toMatchObject({ cancelled: 0 });
  });

  test('an execution started through a version or alias is matched to its state machine', async () => {
    // GIVEN
    const h = new History();
    h.aborted(h.batchSubmit(1, 'Train', 'job-1'));
    givenHistory(h);
    sfnMock.on(DescribeExecutionCommand).resolves(describedExecution('ABORTED', { stateMachineAliasArn: `${STATE_MACHINE_ARN}:prod` }));

    // WHEN
    await handler(statusChange('ABORTED', { stateMachineArn: `${STATE_MACHINE_ARN}:prod` }), CONTEXT);

    // THEN
    expect(batchMock.commandCalls(TerminateJobCommand)).toHaveLength(1);
  });
});

describe('an event is a claim: the execution is read before anything is cancelled', () => {
  const OTHER_ACCOUNT = '210987654321';

  /** A job left running (a BatchPollerJob polling), so that a trusted event would terminate it. */
  function givenRunningJob(): void {
    const h = new History();
    let id = h.batchSubmit(1, 'Train', 'job-1');
    id = h.pollRound(id, 'Train', BATCH_POLLER_FUNCTION, { jobId: 'job-1' }, running('job-1'));
    h.aborted(id);
    givenHistory(h);
  }

  /** Nothing was cancelled: no TerminateJob, StopTask or cancel invocation, no history read. */
  function expectNothingCancelled(): void {
    expect(batchMock.commandCalls(TerminateJobCommand)).toHaveLength(0);
    expect(ecsMock.commandCalls(StopTaskCommand)).toHaveLength(0);
    expect(lambdaMock.commandCalls(InvokeCommand)).toHaveLength(0);
    expect(sfnMock.commandCalls(GetExecutionHistoryCommand)).toHaveLength(0);
  }

  test('the execution is read with DescribeExecution first, then its history', async () => {
    // GIVEN
    givenRunningJob();

    // WHEN
    await handler(statusChange(), CONTEXT);

    // THEN
    expect(sfnMock.commandCalls(DescribeExecutionCommand).map((c) => c.args[0].input)).toEqual([{ executionArn: EXECUTION_ARN }]);
    expect(sfnMock.calls().map((c) => c.args[0].constructor.name)).toEqual(['DescribeExecutionCommand', 'GetExecutionHistoryCommand']);
    expect(batchMock.commandCalls(TerminateJobCommand)).toHaveLength(1);
  });

  test('a forged event: it says ABORTED, DescribeExecution says RUNNING: nothing is cancelled, and the log says why', async () => {
    // GIVEN
    givenRunningJob();
    sfnMock.on(DescribeExecutionCommand).resolves(describedExecution('RUNNING', { stopDate: undefined }));

    // WHEN
    const result = await handler(statusChange('ABORTED'), CONTEXT);

    // THEN
    expectNothingCancelled();
    expect(result).toMatchObject({ cancelled: 0, skipped: expect.stringContaining('the execution is RUNNING') });
    expect(logged(infoLog)).toContainEqual(expect.objectContaining({ action: 'skipped', executionArn: EXECUTION_ARN, describedStatus: 'RUNNING' }));
  });

  test('a FAILED execution that was redriven since (RUNNING again, or PENDING_REDRIVE): its jobs are left alone', async () => {
    // GIVEN
    givenRunningJob();
    sfnMock.on(DescribeExecutionCommand).resolves(describedExecution('PENDING_REDRIVE'));

    // WHEN
    const result = await handler(statusChange('FAILED'), CONTEXT);

    // THEN
    expectNothingCancelled();
    expect(result.skipped).toMatch(/PENDING_REDRIVE/);
  });

  test('a replayed event (the second delivery, after the jobs were cancelled) cancels nothing new: idempotent', async () => {
    // GIVEN the first delivery terminated the job; AWS Batch now answers as for a terminated job
    givenRunningJob();
    const first = await handler(statusChange(), CONTEXT);
    batchMock.reset();
    batchMock.on(TerminateJobCommand).rejects(new ClientException({ message: 'Job job-1 not found', $metadata: {} }));

    // WHEN the same event comes again
    const second = await handler(statusChange(), CONTEXT);

    // THEN the job counts as already finished; nothing failed, nothing else was touched
    expect(first).toMatchObject({ cancelled: 1 });
    expect(second).toMatchObject({ cancelled: 0, alreadyFinished: 1 });
    expect(ecsMock.commandCalls(StopTaskCommand)).toHaveLength(0);
    expect(lambdaMock.commandCalls(InvokeCommand)).toHaveLength(0);
  });

  test('a cross-account event (execution of another account): nothing is read or cancelled', async () => {
    // GIVEN an event forwarded from another account's bus, about an execution there
    givenRunningJob();
    const executionArn = EXECUTION_ARN.replace(ACCOUNT, OTHER_ACCOUNT);
    const event = { ...statusChange('ABORTED', { executionArn, stateMachineArn: STATE_MACHINE_ARN.replace(ACCOUNT, OTHER_ACCOUNT) }), account: OTHER_ACCOUNT };

    // WHEN
    const result = await handler(event, CONTEXT);

    // THEN
    expectNothingCancelled();
    expect(sfnMock.calls()).toHaveLength(0);
    expect(result.skipped).toMatch(new RegExp(OTHER_ACCOUNT));
  });

  test('an event whose account field is ours but whose execution is another account\'s: nothing is cancelled', async () => {
    // GIVEN
    givenRunningJob();
    const event = statusChange('ABORTED', { executionArn: EXECUTION_ARN.replace(ACCOUNT, OTHER_ACCOUNT) });

    // WHEN
    const result = await handler(event, CONTEXT);

    // THEN
    expectNothingCancelled();
    expect(result.skipped).toMatch(/not this function's account and Region/);
  });

  test('the function of another account (the context says so): our own account\'s executions only', async () => {
    // GIVEN
    givenRunningJob();

    // WHEN
    const result = await handler(statusChange(), { invokedFunctionArn: CONTEXT.invokedFunctionArn.replace(ACCOUNT, OTHER_ACCOUNT) });

    // THEN
    expectNothingCancelled();
    expect(result.skipped).toBeDefined();
  });

  test('a mismatched state machine ARN: DescribeExecution says the execution belongs to another state machine', async () => {
    // GIVEN the event names Pipeline; the execution is in fact one of Other (also listed: its states would be ours too)
    givenRunningJob();
    sfnMock.on(DescribeExecutionCommand).resolves(describedExecution('ABORTED', { stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:Other' }));

    // WHEN
    const result = await handler(statusChange(), CONTEXT);

    // THEN
    expectNothingCancelled();
    expect(result.skipped).toMatch(/belongs to .*stateMachine:Other, not to the state machine the event names/);
  });

  test('an execution ARN of another state machine than the event names: nothing is read', async () => {
    // GIVEN
    givenRunningJob();

    // WHEN
    const result = await handler(statusChange('ABORTED', { executionArn: 'arn:aws:states:us-east-1:123456789012:execution:Other:run-1' }), CONTEXT);

    // THEN
    expectNothingCancelled();
    expect(sfnMock.calls()).toHaveLength(0);
    expect(result.skipped).toMatch(/does not belong to the state machine the event names/);
  });

  test('an execution that does not exist: nothing is cancelled', async () => {
    // GIVEN
    givenRunningJob();
    sfnMock.on(DescribeExecutionCommand).rejects(Object.assign(new Error('Execution Does Not Exist'), { name: 'ExecutionDoesNotExist' }));

    // WHEN
    const result = await handler(statusChange(), CONTEXT);

    // THEN
    expectNothingCancelled();
    expect(result.skipped).toMatch(/does not exist/);
  });

  test('DescribeExecution denied or failing: the invocation fails (the event is retried, then goes to the dead-letter queue)', async () => {
    // GIVEN
    givenRunningJob();
    sfnMock.on(DescribeExecutionCommand).rejects(Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' }));

    // WHEN / THEN
    await expect(handler(statusChange(), CONTEXT)).rejects.toMatchObject({ name: 'AccessDeniedException' });
    expectNothingCancelled();
  });

  test('no Lambda context to tell the own account: ExecutionStopped.InvalidContext, nothing called', async () => {
    // GIVEN
    givenRunningJob();

    // WHEN / THEN
    await expect(handler(statusChange())).rejects.toMatchObject({ name: 'ExecutionStopped.InvalidContext' });
    await expect(handler(statusChange(), { invokedFunctionArn: 'not-an-arn' })).rejects.toMatchObject({ name: 'ExecutionStopped.InvalidContext' });
    expect(sfnMock.calls()).toHaveLength(0);
    expectNothingCancelled();
  });
});

describe('malformed events', () => {
  test.each([
    ['not an object', 'ABORTED'],
    ['another source', { ...statusChange(), source: 'aws.ecs' }],
    ['another detail type', { ...statusChange(), 'detail-type': 'ECS Task State Change' }],
    ['no detail', { ...statusChange(), detail: undefined }],
    ['an execution ARN that is not one', statusChange('ABORTED', { executionArn: 'run-1' })],
    ['an express execution', statusChange('ABORTED', { executionArn: 'arn:aws:states:us-east-1:123456789012:express:Pipeline:run-1:abc' })],
    ['no state machine ARN', statusChange('ABORTED', { stateMachineArn: undefined })],
    ['a status that is not a stop', statusChange('SUCCEEDED')],
  ])('%s: ExecutionStopped.InvalidEvent, nothing called', async (_what, event) => {
    // WHEN / THEN
    await expect(handler(event, CONTEXT)).rejects.toMatchObject({ name: 'ExecutionStopped.InvalidEvent', message: expect.stringMatching(/^Invalid event: /) });
    expect(sfnMock.calls()).toHaveLength(0);
  });

  test('a missing or broken configuration: ExecutionStopped.InvalidConfiguration', async () => {
    // GIVEN
    process.env[CONFIG_VARIABLE] = '{"machines":[],"states":[{"kind":"poller","name":"x","machines":[0]}]}';

    // WHEN / THEN
    await expect(handler(statusChange(), CONTEXT)).rejects.toMatchObject({ name: 'ExecutionStopped.InvalidConfiguration' });
    delete process.env[CONFIG_VARIABLE];
    await expect(handler(statusChange(), CONTEXT)).rejects.toMatchObject({ name: 'ExecutionStopped.InvalidConfiguration' });
  });
});

test('clusterOf: the cluster ARN of a task ARN (none for the old format)', () => {
  expect(clusterOf(taskArn('abc'))).toBe('arn:aws:ecs:us-east-1:123456789012:cluster/jobs');
  expect(clusterOf('arn:aws:ecs:us-east-1:123456789012:task/abc')).toBeUndefined();
});
