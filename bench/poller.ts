/**
 * BatchPollerJob on the offline executor (part of `npm run bench`; alone:
 * `ts-node --project tsconfig.dev.json bench/poller.ts`).
 *
 * The real BatchPollerJob state machine, synthesized in JSONPath and in JSONata, executed on the virtual clock with
 * the real batch-poller handler answering the check Lambda task (its AWS Batch client mocked with
 * aws-sdk-client-mock, its clock set to the executor's virtual time), for jobs of 10 minutes to 30 days. Reports per
 * language: state transitions, history events, Lambda invocations, detection delay (seconds between the job's end
 * and the poller noticing it) and real milliseconds. Both languages must give the same figures.
 */
import { BatchClient, DescribeJobsCommand, JobDetail, TerminateJobCommand } from '@aws-sdk/client-batch';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { mockClient } from 'aws-sdk-client-mock';
import { handler as batchPoller } from '../lambda/batch-poller/index';
import { BatchPollerJob, testing } from '../src';

export type Language = 'JSONPath' | 'JSONata';

export const START = '2026-01-01T00:00:00.000Z';
export const T0 = Date.parse(START);
export const QUEUE_ARN = 'arn:aws:batch:us-east-1:123456789012:job-queue/training';
export const DEFINITION_ARN = 'arn:aws:batch:us-east-1:123456789012:job-definition/train:1';

/** The benchmarked durations, seconds. */
export const DURATIONS: Record<string, number> = {
  '10 min': 600,
  '1 h': 3600,
  '1 day': 86_400,
  '7 days': 7 * 86_400,
  '30 days': 30 * 86_400,
};

/** What one run of the poller gives. */
export interface PollerRun {
  readonly status: string;
  readonly stateTransitions: number;
  readonly historyEvents: number;
  readonly lambdaInvocations: number;
  readonly detectionDelaySeconds: number;
  readonly elapsedSeconds: number;
  readonly ms: number;
}

/** The synthesized definition of a BatchPollerJob state machine (the poller alone, 31-day timeout). */
export function pollerDefinition(language: Language): any {
  const app = new App();
  const stack = new Stack(app, 'Bench', { env: { account: '123456789012', region: 'us-east-1' } });
  const job = new BatchPollerJob(stack, 'Train', {
    jobQueueArn: QUEUE_ARN,
    jobDefinitionArn: DEFINITION_ARN,
    timeout: Duration.days(31),
  });
  const stateMachine = new sfn.StateMachine(stack, 'StateMachine', {
    definitionBody: sfn.DefinitionBody.fromChainable(job),
    queryLanguage: language === 'JSONata' ? sfn.QueryLanguage.JSONATA : sfn.QueryLanguage.JSON_PATH,
  });
  return testing.Workflow.fromStateMachine(stateMachine).definition;
}

/**
 * A Batch job that starts at T0 and succeeds `durationSeconds` later on the virtual clock `now()`: DescribeJobs and
 * TerminateJob answered by an AWS SDK mock, for the real check handler. Restore it when done.
 */
export function mockBatchJob(durationSeconds: number, now: () => number) {
  const batch = mockClient(BatchClient);
  batch.on(DescribeJobsCommand).callsFake((input: { jobs: string[] }) => {
    const ended = (now() - T0) / 1000 >= durationSeconds;
    const job: Partial<JobDetail> = {
      jobId: input.jobs[0],
      jobName: 'train',
      jobQueue: QUEUE_ARN,
      jobDefinition: DEFINITION_ARN,
      createdAt: T0,
      startedAt: T0,
      status: ended ? 'SUCCEEDED' : 'RUNNING',
      ...(ended ? { stoppedAt: T0 + durationSeconds * 1000, attempts: [{}], container: { exitCode: 0 } } : {}),
    };
    return { jobs: [job] };
  });
  batch.on(TerminateJobCommand).resolves({});
  return batch;
}

/** The real check handler's answer to the Lambda invoke `request`, its clock set to the virtual time `now`. */
export async function invokeBatchPoller(request: { Payload: any }, now: number): Promise<{ result: any }> {
  const realNow = Date.now;
  Date.now = () => now;
  try {
    return { result: { StatusCode: 200, Payload: await batchPoller(request.Payload as any) } };
  } finally {
    Date.now = realNow;
  }
}

/** Runs a job that starts at once and succeeds after `durationSeconds`, polled by the real handler. */
export async function runPoller(definition: any, durationSeconds: number): Promise<PollerRun> {
  let now = T0;
  let jobId = '';
  const batch = mockBatchJob(durationSeconds, () => now);
  let lambdaInvocations = 0;
  const realNow = Date.now;
  const realInfo = console.info;
  console.info = () => undefined; // the handler's structured logs
  const began = process.hrtime.bigint();
  try {
    const result = await testing.Workflow.fromDefinition(definition).execute({
      startTime: START,
      maxTransitions: 1_000_000,
      taskHandler: {
        handle: async (invocation) => {
          now = Date.parse(invocation.time);
          if (invocation.resource.includes('batch:submitJob')) {
            jobId = 'job-1';
            return { result: { JobId: jobId, JobName: invocation.request.JobName, JobArn: `arn:aws:batch:us-east-1:123456789012:job/${jobId}` } };
          }
          lambdaInvocations++;
          return invokeBatchPoller(invocation.request, now);
        },
      },
    });
    const ms = Number(process.hrtime.bigint() - began) / 1e6;
    return {
      status: result.status,
      stateTransitions: result.stateTransitions,
      historyEvents: result.historyEvents,
      lambdaInvocations,
      detectionDelaySeconds: result.elapsedSeconds - durationSeconds,
      elapsedSeconds: result.elapsedSeconds,
      ms: Math.round(ms),
    };
  } finally {
    Date.now = realNow;
    console.info = realInfo;
    batch.restore();
  }
}

/** The benchmark: both languages for every duration; `equal` says whether they gave the same figures. */
export async function pollerBenchmark(durations: Record<string, number> = DURATIONS): Promise<any> {
  const definitions = { JSONPath: pollerDefinition('JSONPath'), JSONata: pollerDefinition('JSONata') };
  await runPoller(definitions.JSONPath, 600); // warm-up (module loading, JIT)
  await runPoller(definitions.JSONata, 600);
  const rows: any[] = [];
  for (const [label, seconds] of Object.entries(durations)) {
    const path = await runPoller(definitions.JSONPath, seconds);
    const ata = await runPoller(definitions.JSONata, seconds);
    const figures = (r: PollerRun) => [r.status, r.stateTransitions, r.historyEvents, r.lambdaInvocations, r.detectionDelaySeconds];
    rows.push({
      job: label,
      jobSeconds: seconds,
      JSONPath: path,
      JSONata: ata,
      equal: JSON.stringify(figures(path)) === JSON.stringify(figures(ata)),
    });
  }
  return {
    benchmark: 'BatchPollerJob on the offline executor: the real state machine and handler, virtual clock',
    node: process.version,
    runs: rows,
    allEqual: rows.every((r) => r.equal),
  };
}

if (require.main === module) {
  process.env.AWS_SDK_JS_SUPPRESS_NODE_VERSION_WARNING ??= '1';
  void pollerBenchmark().then((r) => console.log(JSON.stringify(r, null, 2)));
}
