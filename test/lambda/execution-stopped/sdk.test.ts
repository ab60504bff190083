/**
 * The execution-stopped handler and the SDK-check waits: the job read from the start's request and response, its
 * end from the check's response, the cancel made with the service's AWS SDK v3 client (mocked here as a virtual
 * module: the Lambda runtime provides the real one).
 */
import { DescribeExecutionCommand, GetExecutionHistoryCommand, SFNClient } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { CONTEXT, describedExecution, EXECUTION_ARN, History, STATE_MACHINE_ARN, statusChange } from './history';
import { CONFIG_VARIABLE, handler } from '../../../lambda/execution-stopped/index';

const sent: Array<{ command: string; input: any }> = [];
let failWith: { name: string; message: string } | undefined;
/** GetCrawler's answer (the crawler as Glue describes it now). */
let crawler: Record<string, unknown> = {};

jest.mock('@aws-sdk/client-glue', () => {
  class Command {
    constructor(public readonly input: unknown) {}
  }
  return {
    GlueClient: class {
      public async send(command: { constructor: { name: string }; input: unknown }) {
        sent.push({ command: command.constructor.name, input: command.input });
        if (command.constructor.name === 'GetCrawlerCommand') return { Crawler: crawler };
        if (failWith) throw Object.assign(new Error(failWith.message), { name: failWith.name });
        return {};
      }
    },
    StopCrawlerCommand: class StopCrawlerCommand extends Command {},
    GetCrawlerCommand: class GetCrawlerCommand extends Command {},
  };
}, { virtual: true });

const sfnMock = mockClient(SFNClient);

const CONFIG = {
  machines: [STATE_MACHINE_ARN],
  states: [{
    kind: 'sdk',
    name: 'Crawl: Start job',
    machines: [0],
    resultFields: {},
    jobParameters: { Name: 'crawlerName' },
    checkState: 'Crawl: Check job',
    statusField: 'Crawler.State',
    runningValues: ['RUNNING', 'STOPPING'],
    cancelState: 'Crawl: Cancel job',
    cancelEndedErrors: ['Glue.CrawlerNotRunningException'],
    cancel: { client: 'glue', clientClass: 'GlueClient', command: 'StopCrawlerCommand', input: { Name: 'crawlerName' }, uuidFields: [], endedErrors: ['CrawlerNotRunningException'] },
    // StopCrawler takes no run id: GetCrawler first, to stop only the crawl this execution started.
    byName: {
      command: 'GetCrawlerCommand',
      parameters: {},
      input: { Name: 'crawlerName' },
      statusField: 'Crawler.State',
      runningValues: ['RUNNING', 'STOPPING'],
      elapsedTimeField: 'Crawler.CrawlElapsedTime',
    },
  }],
};

/** The time of a history event (History numbers its events one second apart from 12:00:00). */
function timeOf(h: History, id: number): number {
  return h.events[id - 1].timestamp!.getTime();
}

/** When the crawl of {@link crawl} was started: its StartCrawler call's TaskScheduled event (id 3). */
let startCallAt = 0;

/** The crawler's start (StartCrawler returns nothing), then one check answering `state` each. */
function crawl(h: History, states: string[]): number {
  let id = h.enter(1, 'Crawl: Start job');
  id = h.task(id, { resourceType: 'aws-sdk:glue', resource: 'startCrawler', parameters: { Name: 'sales' }, succeeded: {} });
  startCallAt = timeOf(h, id - 2);
  id = h.exit(id, 'Crawl: Start job');
  for (const state of states) {
    id = h.enter(id, 'Crawl: Wait', 'Wait');
    id = h.exit(id, 'Crawl: Wait', 'Wait');
    id = h.enter(id, 'Crawl: Check job');
    id = h.task(id, { resourceType: 'aws-sdk:glue', resource: 'getCrawler', parameters: { Name: 'sales' }, succeeded: { Crawler: { Name: 'sales', State: state } } });
    id = h.exit(id, 'Crawl: Check job');
  }
  return id;
}

function givenHistory(h: History): void {
  sfnMock.on(GetExecutionHistoryCommand).resolves(h.pages(1000)[0]);
}

/** It is now 20 minutes after the start call; GetCrawler says the crawler runs a crawl that began `offset` ms after the call. */
function givenCrawlRunning(offsetMs: number, state = 'RUNNING'): void {
  const now = startCallAt + 20 * 60_000;
  jest.spyOn(Date, 'now').mockReturnValue(now);
  crawler = { Name: 'sales', State: state, CrawlElapsedTime: now - (startCallAt + offsetMs) };
}

beforeEach(() => {
  sent.length = 0;
  failWith = undefined;
  crawler = { Name: 'sales', State: 'READY' };
  sfnMock.reset();
  sfnMock.on(DescribeExecutionCommand).resolves(describedExecution());
  process.env[CONFIG_VARIABLE] = JSON.stringify(CONFIG);
  jest.spyOn(console, 'info').mockImplementation(() => {});
  jest.spyOn(console, 'error').mockImplementation(() => {});
});

afterEach(() => {
  jest.restoreAllMocks();
  delete process.env[CONFIG_VARIABLE];
});

test('a crawl still RUNNING when the execution is stopped is stopped with StopCrawler, its name from the start request', async () => {
  const h = new History();
  h.aborted(crawl(h, ['RUNNING', 'RUNNING']));
  givenHistory(h);
  givenCrawlRunning(2_000);
  const result = await handler(statusChange(), CONTEXT);
  expect(sent).toEqual([
    { command: 'GetCrawlerCommand', input: { Name: 'sales' } },
    { command: 'StopCrawlerCommand', input: { Name: 'sales' } },
  ]);
  expect(result).toMatchObject({ executionArn: EXECUTION_ARN, cancelled: 1, alreadyFinished: 0 });
});

test('a crawl the poller saw end (READY) is left alone', async () => {
  const h = new History();
  h.aborted(crawl(h, ['RUNNING', 'READY']));
  givenHistory(h);
  const result = await handler(statusChange('FAILED'), CONTEXT);
  expect(sent).toEqual([]);
  expect(result).toMatchObject({ cancelled: 0, ended: 1 });
});

test('a crawl that ended meanwhile (CrawlerNotRunningException) counts as already finished, not as a failure', async () => {
  const h = new History();
  h.aborted(crawl(h, ['RUNNING']));
  givenHistory(h);
  givenCrawlRunning(2_000);
  failWith = { name: 'CrawlerNotRunningException', message: 'Crawler with name sales is not running' };
  const result = await handler(statusChange(), CONTEXT);
  expect(result).toMatchObject({ cancelled: 0, alreadyFinished: 1 });
});

test('any other error of the cancel fails the invocation (Lambda retries the event)', async () => {
  const h = new History();
  h.aborted(crawl(h, ['RUNNING']));
  givenHistory(h);
  givenCrawlRunning(2_000);
  failWith = { name: 'AccessDeniedException', message: 'no' };
  await expect(handler(statusChange(), CONTEXT)).rejects.toThrow(/Could not cancel 1 of the jobs/);
});

describe('a crawler is stopped only when this execution started the crawl that is running (StopCrawler takes no run id)', () => {
  test('a joined crawl (StartCrawler failed as running already; the poller waited for that crawl): not stopped', async () => {
    // GIVEN a scheduled crawl was running when the execution's StartCrawler was called
    const h = new History();
    let id = h.enter(1, 'Crawl: Start job');
    id = h.task(id, {
      resourceType: 'aws-sdk:glue',
      resource: 'startCrawler',
      parameters: { Name: 'sales' },
      failed: { error: 'Glue.CrawlerRunningException', cause: 'Crawler with name sales has already started' },
    });
    id = h.exit(id, 'Crawl: Start job');
    id = h.enter(id, 'Crawl: Job already running', 'Pass');
    id = h.exit(id, 'Crawl: Job already running', 'Pass');
    id = h.enter(id, 'Crawl: Wait', 'Wait');
    id = h.exit(id, 'Crawl: Wait', 'Wait');
    id = h.enter(id, 'Crawl: Check job');
    id = h.task(id, { resourceType: 'aws-sdk:glue', resource: 'getCrawler', parameters: { Name: 'sales' }, succeeded: { Crawler: { Name: 'sales', State: 'RUNNING' } } });
    h.aborted(h.exit(id, 'Crawl: Check job'));
    givenHistory(h);
    crawler = { Name: 'sales', State: 'RUNNING', CrawlElapsedTime: 600_000 };

    // WHEN
    const result = await handler(statusChange(), CONTEXT);

    // THEN no Glue call at all: the execution started nothing
    expect(sent).toEqual([]);
    expect(result).toMatchObject({ cancelled: 0, alreadyFinished: 0, ended: 0 });
  });

  test('an own crawl (started by this execution\'s StartCrawler, still the one running): stopped', async () => {
    // GIVEN the running crawl began 2 s after the start call was scheduled
    const h = new History();
    h.aborted(crawl(h, ['RUNNING']));
    givenHistory(h);
    givenCrawlRunning(2_000);

    // WHEN
    const result = await handler(statusChange(), CONTEXT);

    // THEN
    expect(sent.map((c) => c.command)).toEqual(['GetCrawlerCommand', 'StopCrawlerCommand']);
    expect(result).toMatchObject({ cancelled: 1 });
  });

  test('our crawl ended and another began (scheduled, or another execution\'s) before the handler ran: not stopped', async () => {
    // GIVEN the crawl going now began 10 minutes after the start call
    const h = new History();
    h.aborted(crawl(h, ['RUNNING']));
    givenHistory(h);
    givenCrawlRunning(10 * 60_000);

    // WHEN
    const result = await handler(statusChange(), CONTEXT);

    // THEN
    expect(sent.map((c) => c.command)).toEqual(['GetCrawlerCommand']);
    expect(result).toMatchObject({ cancelled: 0, alreadyFinished: 1 });
  });

  test('a crawl going since before the start call (clock or race): not ours, not stopped', async () => {
    // GIVEN
    const h = new History();
    h.aborted(crawl(h, ['RUNNING']));
    givenHistory(h);
    givenCrawlRunning(-5 * 60_000);

    // WHEN
    await handler(statusChange(), CONTEXT);

    // THEN
    expect(sent.map((c) => c.command)).toEqual(['GetCrawlerCommand']);
  });

  test('the crawler is READY (our crawl ended after the last check): not stopped', async () => {
    // GIVEN
    const h = new History();
    h.aborted(crawl(h, ['RUNNING']));
    givenHistory(h);
    crawler = { Name: 'sales', State: 'READY', LastCrawl: { Status: 'SUCCEEDED' } };

    // WHEN
    const result = await handler(statusChange(), CONTEXT);

    // THEN
    expect(sent.map((c) => c.command)).toEqual(['GetCrawlerCommand']);
    expect(result).toMatchObject({ cancelled: 0, alreadyFinished: 1 });
  });

  test('a replayed event, after our crawl was stopped and a scheduled crawl began: the second delivery stops nothing', async () => {
    // GIVEN the first delivery stopped our crawl
    const h = new History();
    h.aborted(crawl(h, ['RUNNING']));
    givenHistory(h);
    givenCrawlRunning(2_000);
    await handler(statusChange(), CONTEXT);
    expect(sent.filter((c) => c.command === 'StopCrawlerCommand')).toHaveLength(1);

    // WHEN the event comes again while a scheduled crawl runs (it began 25 minutes after our start call)
    sent.length = 0;
    givenCrawlRunning(25 * 60_000);
    const second = await handler(statusChange(), CONTEXT);

    // THEN
    expect(sent.map((c) => c.command)).toEqual(['GetCrawlerCommand']);
    expect(second).toMatchObject({ cancelled: 0 });
  });
});
