/**
 * The cost of waiting for a job with an SDK-check poller (`--suite sdk-poll`): for each wait of issue 10, a job of
 * 1 hour, 24 hours and 7 days with the default policy (pollInterval 30 s, growing to 10 % of the elapsed time,
 * maxPollInterval 1 hour), next to a hand-written loop that checks every 60 seconds (Wait → SDK call → Choice, no
 * Parallel). Counted with the poll loop's cost model (src/polling/private/interval.ts), which the offline executor
 * confirms (test/glue/crawler-poller-job.test.ts compares the two on an executed run).
 *
 * Transitions are what Standard workflows bill; history events count against an execution's 25,000; the detection
 * delay is the time between the job's end and the check that sees it; Lambda invocations are 0 for both.
 */
import { GROWTH_PERCENT, HISTORY_LIMIT, pollCost, sdkLoopCost, SDK_LOOP } from '../src/polling/private/interval';

const WAITS = [
  // construct, whether it has a `Prepare job` state (job values read before the start)
  { construct: 'GlueCrawlerPollerJob', prepare: true },
  { construct: 'GlueWorkflowPollerJob', prepare: true },
  { construct: 'SageMakerPipelinePollerJob', prepare: false },
  { construct: 'BedrockBatchInferencePollerJob', prepare: false },
];
const DURATIONS = [['1h', 3600], ['24h', 86_400], ['7d', 604_800]] as const;
const DEFAULT_POLICY = { pollIntervalSeconds: 30, maxPollIntervalSeconds: 3600, growthPercent: GROWTH_PERCENT };
const FIXED_60S = { pollIntervalSeconds: 60, maxPollIntervalSeconds: 60, growthPercent: 0 };
/** Standard workflows: $0.025 per 1,000 state transitions (us-east-1). */
const USD_PER_TRANSITION = 0.025 / 1000;

export function sdkPollBenchmark(): unknown {
  const handWritten = Object.fromEntries(DURATIONS.map(([label, seconds]) => {
    const cost = pollCost(FIXED_60S, seconds, { parallel: false, loop: SDK_LOOP });
    return [label, row(cost)];
  }));
  return {
    benchmark: 'SDK-check pollers: cost of one job, default policy vs a hand-written fixed 60 s loop',
    policy: { pollInterval: '30 s', growth: '10 % of elapsed', maxPollInterval: '1 h' },
    handWrittenFixed60s: handWritten,
    waits: WAITS.map(({ construct, prepare }) => ({
      construct,
      jobs: Object.fromEntries(DURATIONS.map(([label, seconds]) => [label, row(pollCost(DEFAULT_POLICY, seconds, { loop: sdkLoopCost(prepare) }))])),
    })),
  };
}

function row(cost: ReturnType<typeof pollCost>) {
  return {
    checks: cost.polls,
    transitions: cost.transitions,
    historyEvents: cost.events,
    detectionDelaySeconds: cost.detectionDelaySeconds,
    fitsOneExecution: cost.events <= HISTORY_LIMIT,
    lambdaInvocations: 0,
    usd: Number((cost.transitions * USD_PER_TRANSITION).toFixed(5)),
  };
}
