/**
 * Offline executor benchmark (part of `npm run bench`; alone: `ts-node --project tsconfig.dev.json bench/executor.ts`).
 *
 * - `pollLoop`: a JSONPath Wait → Task → Choice poll loop of N cycles on the virtual clock: transitions per second
 *   of real time, in JSONPath and in JSONata.
 * - `thirtyDays`: a job polled every 20 minutes that ends after 30 days (2,160 cycles, ~6,500 transitions): real
 *   milliseconds for 30 virtual days.
 * - `awsLocalStepFunctions`: the same JSONPath loop on aws-local-stepfunctions (waits overridden to 0 ms), for the
 *   ratio of its time to ours.
 *
 * - `interleaving`: a Map of 1,000 items (MaxConcurrency 40) whose iterations each run a Parallel of two branches
 *   (Wait of 1-7 s → Task of 1-5 s), so that hundreds of threads interleave on the virtual clock: transitions per
 *   second, in JSONPath and in JSONata.
 *
 * - `distributedMap`: a Distributed Map of 10,000 items read by its ItemReader (a JSON array in S3, answered by the
 *   task handler), ItemSelector, MaxConcurrency 1,000, STANDARD child executions of Wait (0-4 s) → Task (1-3 s) →
 *   Choice → Pass: transitions per second (the children's transitions count, as AWS bills them), in JSONPath and in
 *   JSONata.
 *
 * - `longSdkPoll`: a GlueCrawlerPollerJob (the SDK-check poll loop of src/polling, waits from its schedule table)
 *   with maxPollInterval 1 minute and a timeout of 46 hours, the longest its history budget allows, on a crawler
 *   that never ends: it runs to its deadline (about 8,300 transitions), in JSONPath and in JSONata. Before the
 *   executor evaluated `[table][index]` lookups once (src/testing/private/jsonata.ts), the JSONata run took about
 *   57 s (O(table) per lookup).
 *
 * Targets: at least 1,000 transitions/s; the 30-day loop under 2 s.
 */
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { GlueCrawlerPollerJob, testing } from '../src';
import { runOnLocalStepFunctions } from '../test/support/runner';

const START_SECONDS = Date.parse('2026-01-01T00:00:00Z') / 1000;

function pollLoop(language: 'JSONPath' | 'JSONata', waitSeconds: number): any {
  if (language === 'JSONata') {
    return {
      QueryLanguage: 'JSONata',
      StartAt: 'Wait',
      States: {
        'Wait': { Type: 'Wait', Seconds: waitSeconds, Next: 'Check' },
        'Check': { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Arguments: { FunctionName: 'check', Payload: '{% $states.input %}' }, Output: '{% $merge([$states.input, { "status": $states.result.status }]) %}', Next: 'Done?' },
        'Done?': { Type: 'Choice', Choices: [{ Condition: '{% $states.input.status = "DONE" %}', Next: 'Finished' }], Default: 'Wait' },
        'Finished': { Type: 'Succeed' },
      },
    };
  }
  return {
    StartAt: 'Wait',
    States: {
      'Wait': { Type: 'Wait', Seconds: waitSeconds, Next: 'Check' },
      'Check': { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { 'FunctionName': 'check', 'Payload.$': '$' }, ResultSelector: { 'status.$': '$.status' }, ResultPath: '$.check', Next: 'Done?' },
      'Done?': { Type: 'Choice', Choices: [{ Variable: '$.check.status', StringEquals: 'DONE', Next: 'Finished' }], Default: 'Wait' },
      'Finished': { Type: 'Succeed' },
    },
  };
}

async function ours(language: 'JSONPath' | 'JSONata', cycles: number, waitSeconds: number): Promise<{ ms: number; transitions: number; events: number; elapsedSeconds: number }> {
  const wf = testing.Workflow.fromDefinition(pollLoop(language, waitSeconds));
  const doneAt = cycles * waitSeconds;
  const began = process.hrtime.bigint();
  const result = await wf.execute({
    input: { jobId: 'j-1' },
    maxTransitions: 1_000_000,
    taskHandler: { handle: (inv) => ({ result: { status: inv.epochSeconds - START_SECONDS >= doneAt ? 'DONE' : 'RUNNING' } }) },
  });
  const ms = Number(process.hrtime.bigint() - began) / 1e6;
  if (result.status !== 'SUCCEEDED') throw new Error(`benchmark run ${result.status}: ${result.error} ${result.cause}`);
  return { ms, transitions: result.stateTransitions, events: result.historyEvents, elapsedSeconds: result.elapsedSeconds };
}

async function longSdkPoll(language: 'JSONPath' | 'JSONata', hours: number): Promise<{ ms: number; transitions: number; events: number; elapsedSeconds: number }> {
  const stack = new Stack(new App(), 'Bench');
  const job = new GlueCrawlerPollerJob(stack, 'Crawl', { crawlerName: 'sales', timeout: Duration.hours(hours), maxPollInterval: Duration.minutes(1) });
  const machine = new sfn.StateMachine(stack, 'Machine', {
    definitionBody: sfn.DefinitionBody.fromChainable(job),
    queryLanguage: language === 'JSONata' ? sfn.QueryLanguage.JSONATA : sfn.QueryLanguage.JSON_PATH,
  });
  const wf = testing.Workflow.fromStateMachine(machine);
  const began = process.hrtime.bigint();
  const result = await wf.execute({
    maxTransitions: 1_000_000,
    taskHandler: { handle: (inv) => ({ result: inv.stateName.endsWith('Check job') ? { Crawler: { Name: 'sales', State: 'RUNNING' } } : {} }) },
  });
  const ms = Number(process.hrtime.bigint() - began) / 1e6;
  if (result.error !== GlueCrawlerPollerJob.JOB_TIMED_OUT) throw new Error(`benchmark run ${result.status}: ${result.error} ${result.cause}`);
  return { ms, transitions: result.stateTransitions, events: result.historyEvents, elapsedSeconds: result.elapsedSeconds };
}

function interleaving(language: 'JSONPath' | 'JSONata'): any {
  const jsonata = language === 'JSONata';
  const branch = (b: number) => ({
    StartAt: `Wait${b}`,
    States: {
      [`Wait${b}`]: jsonata
        ? { Type: 'Wait', Seconds: `{% $states.input.i % 7 + ${b} %}`, Next: `Work${b}` }
        : { Type: 'Wait', SecondsPath: b === 0 ? '$.w0' : '$.w1', Next: `Work${b}` },
      [`Work${b}`]: jsonata
        ? { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Arguments: { i: '{% $states.input.i %}' }, Output: '{% $states.result %}', End: true }
        : { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { 'i.$': '$.i' }, End: true },
    },
  });
  const selector = jsonata
    ? { i: '{% $states.context.Map.Item.Index %}' }
    : { 'i.$': '$$.Map.Item.Index', 'w0.$': '$$.Map.Item.Value.w0', 'w1.$': '$$.Map.Item.Value.w1' };
  return {
    ...(jsonata ? { QueryLanguage: 'JSONata' } : {}),
    StartAt: 'Items',
    States: {
      Items: {
        Type: 'Map',
        ...(jsonata ? { Items: '{% $states.input.items %}' } : { ItemsPath: '$.items' }),
        MaxConcurrency: 40,
        ItemSelector: selector,
        ItemProcessor: { StartAt: 'Both', States: { Both: { Type: 'Parallel', Branches: [branch(0), branch(1)], End: true } } },
        End: true,
      },
    },
  };
}

async function interleaved(language: 'JSONPath' | 'JSONata', items: number): Promise<{ ms: number; transitions: number; events: number; elapsedSeconds: number }> {
  const wf = testing.Workflow.fromDefinition(interleaving(language));
  const input = { items: Array.from({ length: items }, (_, i) => ({ w0: i % 7, w1: (i % 7) + 1 })) };
  const began = process.hrtime.bigint();
  const result = await wf.execute({
    input,
    maxTransitions: 1_000_000,
    taskHandler: { handle: (inv) => ({ result: { ok: inv.request.i }, durationSeconds: (inv.request.i % 5) + 1 }) },
  });
  const ms = Number(process.hrtime.bigint() - began) / 1e6;
  if (result.status !== 'SUCCEEDED') throw new Error(`interleaving run ${result.status}: ${result.error} ${result.cause}`);
  return { ms, transitions: result.stateTransitions, events: result.historyEvents, elapsedSeconds: result.elapsedSeconds };
}

function distributed(language: 'JSONPath' | 'JSONata'): any {
  const jsonata = language === 'JSONata';
  const child = jsonata
    ? {
      'Wait': { Type: 'Wait', Seconds: '{% $states.input.i % 5 %}', Next: 'Work' },
      'Work': { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Arguments: { i: '{% $states.input.i %}' }, Output: '{% $states.result %}', Next: 'Even?' },
      'Even?': { Type: 'Choice', Choices: [{ Condition: '{% $states.input.ok % 2 = 0 %}', Next: 'Even' }], Default: 'Odd' },
      'Even': { Type: 'Pass', Output: '{% 0 %}', End: true },
      'Odd': { Type: 'Pass', Output: '{% 1 %}', End: true },
    }
    : {
      'Wait': { Type: 'Wait', SecondsPath: '$.w', Next: 'Work' },
      'Work': { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { 'i.$': '$.i' }, Next: 'Even?' },
      'Even?': { Type: 'Choice', Choices: [{ Variable: '$.even', BooleanEquals: true, Next: 'Even' }], Default: 'Odd' },
      'Even': { Type: 'Pass', Result: 0, End: true },
      'Odd': { Type: 'Pass', Result: 1, End: true },
    };
  return {
    ...(jsonata ? { QueryLanguage: 'JSONata' } : {}),
    StartAt: 'Items',
    States: {
      Items: {
        Type: 'Map',
        ItemReader: {
          Resource: 'arn:aws:states:::s3:getObject',
          ReaderConfig: { InputType: 'JSON' },
          ...(jsonata ? { Arguments: { Bucket: 'bench', Key: 'items.json' } } : { Parameters: { Bucket: 'bench', Key: 'items.json' } }),
        },
        MaxConcurrency: 1000,
        ItemSelector: jsonata
          ? { i: '{% $states.context.Map.Item.Index %}' }
          : { 'i.$': '$$.Map.Item.Index', 'w.$': '$$.Map.Item.Value.w' },
        ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: 'Wait', States: child },
        ResultWriter: {
          Resource: 'arn:aws:states:::s3:putObject',
          ...(jsonata ? { Arguments: { Bucket: 'bench', Prefix: 'out' } } : { Parameters: { Bucket: 'bench', Prefix: 'out' } }),
        },
        End: true,
      },
    },
  };
}

async function distributedRun(language: 'JSONPath' | 'JSONata', items: number): Promise<{ ms: number; transitions: number; events: number; elapsedSeconds: number }> {
  const wf = testing.Workflow.fromDefinition(distributed(language));
  const body = JSON.stringify(Array.from({ length: items }, (_, i) => ({ w: i % 5 })));
  const began = process.hrtime.bigint();
  const result = await wf.execute({
    maxTransitions: 1_000_000,
    taskHandler: {
      handle: (inv) => (inv.resource === 'arn:aws:states:::s3:getObject'
        ? { result: { Body: body } }
        : { result: { ok: inv.request.i, even: inv.request.i % 2 === 0 }, durationSeconds: (inv.request.i % 3) + 1 }),
    },
  });
  const ms = Number(process.hrtime.bigint() - began) / 1e6;
  if (result.status !== 'SUCCEEDED') throw new Error(`distributed map run ${result.status}: ${result.error} ${result.cause}`);
  return { ms, transitions: result.stateTransitions, events: result.historyEvents, elapsedSeconds: result.elapsedSeconds };
}

async function theirs(cycles: number): Promise<{ ms: number }> {
  let calls = 0;
  const began = process.hrtime.bigint();
  const result = await runOnLocalStepFunctions(pollLoop('JSONPath', 60), { jobId: 'j-1' }, {
    services: { Check: () => ({ status: ++calls >= cycles ? 'DONE' : 'RUNNING' }) },
  });
  const ms = Number(process.hrtime.bigint() - began) / 1e6;
  if (result.status !== 'SUCCEEDED') throw new Error(`aws-local-stepfunctions run ${result.status}`);
  return { ms };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

type Language = 'JSONPath' | 'JSONata';

interface Run {
  readonly ms: number;
  readonly transitions: number;
  readonly events: number;
  readonly elapsedSeconds?: number;
}

/**
 * One case in both query languages: a warm-up run (when given), then `reps` runs; the figures of the first run, the
 * median time and the throughput, after the case's own `fields`.
 */
async function inBothLanguages(reps: number, fields: Record<string, unknown>,
  warmUp: ((language: Language) => Promise<unknown>) | undefined, run: (language: Language) => Promise<Run>): Promise<Record<string, any>> {
  const figures: Record<string, any> = {};
  for (const language of ['JSONPath', 'JSONata'] as const) {
    if (warmUp) await warmUp(language);
    const runs: Run[] = [];
    for (let i = 0; i < reps; i++) runs.push(await run(language));
    const ms = median(runs.map((r) => r.ms));
    figures[language] = {
      ...fields,
      transitions: runs[0].transitions,
      historyEvents: runs[0].events,
      ...(runs[0].elapsedSeconds !== undefined ? { virtualSeconds: runs[0].elapsedSeconds } : {}),
      msMedian: Math.round(ms),
      transitionsPerSecond: Math.round(runs[0].transitions / (ms / 1000)),
    };
  }
  return figures;
}

export async function executorBenchmark(reps = 3): Promise<any> {
  await ours('JSONPath', 20, 60); // warm-up (module loading, JIT)
  await ours('JSONata', 20, 60);
  const cycles = 1000;
  const loop = await inBothLanguages(reps, { cycles }, undefined, async (language) => {
    const { ms, transitions, events } = await ours(language, cycles, 60); // the figures this case has always shown
    return { ms, transitions, events };
  });
  const interleave = await inBothLanguages(reps, { items: 1000, maxConcurrency: 40 },
    (language) => interleaved(language, 20), (language) => interleaved(language, 1000));
  const distributedMap = await inBothLanguages(reps, { items: 10_000, maxConcurrency: 1000 },
    (language) => distributedRun(language, 100), (language) => distributedRun(language, 10_000));
  const longPoll = await inBothLanguages(reps, { timeoutHours: 46 },
    (language) => longSdkPoll(language, 1), (language) => longSdkPoll(language, 46));
  const thirty = [];
  for (let i = 0; i < reps; i++) thirty.push(await ours('JSONPath', 30 * 72, 1200));
  await theirs(20);
  const localRuns = [];
  for (let i = 0; i < reps; i++) localRuns.push((await theirs(cycles)).ms);
  const localMs = median(localRuns);
  return {
    benchmark: 'offline executor: poll loop (Wait → Task → Choice) on the virtual clock',
    node: process.version,
    targets: 'transitionsPerSecond >= 1000 (pollLoop, interleaving, distributedMap and longSdkPoll); thirtyDays.msMedian < 2000',
    pollLoop: loop,
    interleaving: interleave,
    distributedMap,
    longSdkPoll: longPoll,
    thirtyDays: {
      cycles: 30 * 72,
      waitSeconds: 1200,
      virtualSeconds: thirty[0].elapsedSeconds,
      transitions: thirty[0].transitions,
      historyEvents: thirty[0].events,
      msMedian: Math.round(median(thirty.map((r) => r.ms))),
    },
    awsLocalStepFunctions: {
      cycles,
      msMedian: Math.round(localMs),
      ratioTheirsToOurs: Number((localMs / loop.JSONPath.msMedian).toFixed(2)),
    },
  };
}

if (require.main === module) {
  void executorBenchmark().then((r) => console.log(JSON.stringify(r, null, 2)));
}
