/**
 * Event-driven waits vs polling (`--suite events`; alone: `ts-node --project tsconfig.dev.json bench/event-waits.ts`).
 *
 * The real BatchPollerJob state machine (JSONPath), synthesized three ways and executed on the offline executor's
 * virtual clock, with the real batch-poller handler answering the checks (so every wait comes from the same
 * `nextPollSeconds` the loops use), for jobs of 10 minutes to 30 days:
 * - `polling`: `JobDetection.polling()`;
 * - `events`: `JobDetection.events()`, the job's event returning the round's token `EVENT_LATENCY_SECONDS` after the
 *   job ends (the upper bound of the modelled EventBridge delivery; an event that comes before a round stored its
 *   token returns nothing, as in AWS);
 * - `eventsAllLost`: `JobDetection.events()`, every event lost (every round times out).
 *
 * Per job: detection delay (the job's end to the check that sees it), state transitions and history events (the
 * executor's counts), Lambda invocations (the checks), DynamoDB writes (one PutItem per round) and the cost at
 * us-east-1 list prices (see PRICES).
 */
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { DEFINITION_ARN, invokeBatchPoller, mockBatchJob, QUEUE_ARN, START, T0 } from './poller';
import { BatchPollerJob, JobDetection, testing } from '../src';

/** The modelled delay between a job's end and its event returning the token (upper bound). */
export const EVENT_LATENCY_SECONDS = 10;

const DURATIONS: Record<string, number> = {
  '10 min': 600,
  '1 h': 3600,
  '1 day': 86_400,
  '7 days': 7 * 86_400,
  '30 days': 30 * 86_400,
};

/**
 * us-east-1 list prices.
 * @see https://aws.amazon.com/step-functions/pricing/ (Standard: $0.025 per 1,000 transitions; Express: $1.00 per
 * million requests, $0.00001667 per GB-second, billed in 100 ms at 64 MB at least)
 * @see https://aws.amazon.com/lambda/pricing/ ($0.20 per million requests; arm64 $0.0000133334 per GB-second)
 * @see https://aws.amazon.com/dynamodb/pricing/on-demand/ ($0.625 per million write request units, $0.125 per million
 * read request units)
 * @see https://aws.amazon.com/eventbridge/pricing/ (events from AWS services are free)
 */
const PRICES = {
  transition: 0.025 / 1000,
  lambdaRequest: 0.2 / 1e6,
  /** The check function: 128 MB arm64, taken as 100 ms a call. */
  lambdaCall: 0.128 * 0.1 * 0.0000133334,
  dynamoWrite: 0.625 / 1e6,
  dynamoRead: 0.125 / 1e6,
  /** The resume path's Express execution per event: one request, 64 MB for 200 ms. */
  expressExecution: 1 / 1e6 + 0.0625 * 0.2 * 0.00001667,
};

type Mode = 'polling' | 'events' | 'eventsAllLost';

/**
 * The net of the sparse variant: with events, a round may last longer, since the event, not the round's end, notices
 * the job; only a lost event waits that long.
 */
const SPARSE_NET = Duration.hours(6);

function definition(events: boolean, maxPollInterval?: Duration): any {
  const app = new App();
  const stack = new Stack(app, 'Bench', { env: { account: '123456789012', region: 'us-east-1' } });
  const job = new BatchPollerJob(stack, 'Train', {
    jobQueueArn: QUEUE_ARN,
    jobDefinitionArn: DEFINITION_ARN,
    timeout: Duration.days(31),
    maxPollInterval,
    detection: events ? JobDetection.events() : JobDetection.polling(),
  });
  const stateMachine = new sfn.StateMachine(stack, 'StateMachine', { definitionBody: sfn.DefinitionBody.fromChainable(job) });
  return testing.Workflow.fromStateMachine(stateMachine).definition;
}

async function runJob(def: any, mode: Mode, durationSeconds: number) {
  let now = T0;
  const batch = mockBatchJob(durationSeconds, () => now);
  let lambdaInvocations = 0;
  let rounds = 0;
  let woken = 0;
  let checkedAt = 0;
  const realNow = Date.now;
  const realInfo = console.info;
  console.info = () => undefined;
  try {
    const result = await testing.Workflow.fromDefinition(def).execute({
      startTime: START,
      maxTransitions: 1_000_000,
      taskHandler: {
        handle: async (invocation) => {
          now = Date.parse(invocation.time);
          if (invocation.resource.includes('batch:submitJob')) {
            return { result: { JobId: 'job-1', JobName: 'train', JobArn: 'arn:aws:batch:us-east-1:123456789012:job/job-1' } };
          }
          if (invocation.resource.includes('putItem.waitForTaskToken')) {
            rounds++;
            const arrives = T0 / 1000 + durationSeconds + EVENT_LATENCY_SECONDS;
            const at = now / 1000;
            if (mode === 'events' && arrives >= at) return { result: {}, durationSeconds: arrives - at };
            return { durationSeconds: 1e9 }; // no event for this round: it times out
          }
          lambdaInvocations++;
          checkedAt = now;
          return invokeBatchPoller(invocation.request, now);
        },
      },
    });
    woken = result.states.filter((s) => s.name === 'Train: Wait for job event' && s.error === undefined).length;
    const resumeExecutions = mode === 'events' ? woken : 0;
    const usd = result.stateTransitions * PRICES.transition
      + lambdaInvocations * (PRICES.lambdaRequest + PRICES.lambdaCall)
      + rounds * PRICES.dynamoWrite
      + resumeExecutions * (PRICES.expressExecution + PRICES.dynamoRead + PRICES.dynamoWrite);
    return {
      status: result.status,
      detectionDelaySeconds: Math.round((checkedAt - T0) / 1000 - durationSeconds),
      stateTransitions: result.stateTransitions,
      historyEvents: result.historyEvents,
      lambdaInvocations,
      dynamoDbWrites: rounds + resumeExecutions,
      resumeExecutions,
      usdPerJob: Number(usd.toFixed(6)),
    };
  } finally {
    Date.now = realNow;
    console.info = realInfo;
    batch.restore();
  }
}

export async function eventWaitsBenchmark(durations: Record<string, number> = DURATIONS): Promise<any> {
  const defs = { polling: definition(false), events: definition(true), sparse: definition(true, SPARSE_NET) };
  const runs: any[] = [];
  for (const [label, seconds] of Object.entries(durations)) {
    runs.push({
      job: label,
      polling: await runJob(defs.polling, 'polling', seconds),
      events: await runJob(defs.events, 'events', seconds),
      eventsAllLost: await runJob(defs.events, 'eventsAllLost', seconds),
      eventsSparseNet: await runJob(defs.sparse, 'events', seconds),
      eventsSparseNetAllLost: await runJob(defs.sparse, 'eventsAllLost', seconds),
    });
  }
  return {
    benchmark: 'BatchPollerJob: polling vs JobDetection.events() (events on time / every event lost), offline executor, virtual clock',
    eventLatencySecondsModelled: EVENT_LATENCY_SECONDS,
    sparseNet: `eventsSparseNet*: JobDetection.events() with maxPollInterval ${SPARSE_NET.toHumanString()} (fewer rounds; a lost event waits up to that long)`,
    prices: 'us-east-1 list prices: Standard transitions, Lambda requests and 100 ms at 128 MB, DynamoDB on-demand writes, the Express resume execution',
    runs,
  };
}

if (require.main === module) {
  process.env.AWS_SDK_JS_SUPPRESS_NODE_VERSION_WARNING ??= '1';
  void eventWaitsBenchmark().then((r) => console.log(JSON.stringify(r, null, 2)));
}
