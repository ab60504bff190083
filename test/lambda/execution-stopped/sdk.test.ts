/**
 * The execution-stopped handler and the SDK-check waits: the job read from the start's request and response, its
 * end from the check's response, the cancel made with the service's AWS SDK v3 client (mocked here as a virtual
 * module: the Lambda runtime provides the real one).
 */
import { GetExecutionHistoryCommand, SFNClient } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { EXECUTION_ARN, History, STATE_MACHINE_ARN, statusChange } from './history';
import { CONFIG_VARIABLE, handler } from '../../../lambda/execution-stopped/index';

const sent: Array<{ command: string; input: any }> = [];
let failWith: { name: string; message: string } | undefined;

jest.mock('@aws-sdk/client-glue', () => {
  class Command {
    constructor(public readonly input: unknown) {}
  }
  return {
    GlueClient: class {
      public async send(command: { constructor: { name: string }; input: unknown }) {
        sent.push({ command: command.constructor.name, input: command.input });
        if (failWith) throw Object.assign(new Error(failWith.message), { name: failWith.name });
        return {};
      }
    },
    StopCrawlerCommand: class StopCrawlerCommand extends Command {},
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
  }],
};

/** The crawler's start (StartCrawler returns nothing), then one check answering `state`. */
function crawl(h: History, states: string[]): number {
  let id = h.enter(1, 'Crawl: Start job');
  id = h.task(id, { resourceType: 'aws-sdk:glue', resource: 'startCrawler', parameters: { Name: 'sales' }, succeeded: {} });
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

beforeEach(() => {
  sent.length = 0;
  failWith = undefined;
  sfnMock.reset();
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
  const result = await handler(statusChange());
  expect(sent).toEqual([{ command: 'StopCrawlerCommand', input: { Name: 'sales' } }]);
  expect(result).toMatchObject({ executionArn: EXECUTION_ARN, cancelled: 1, alreadyFinished: 0 });
});

test('a crawl the poller saw end (READY) is left alone', async () => {
  const h = new History();
  h.aborted(crawl(h, ['RUNNING', 'READY']));
  givenHistory(h);
  const result = await handler(statusChange('FAILED'));
  expect(sent).toEqual([]);
  expect(result).toMatchObject({ cancelled: 0, ended: 1 });
});

test('a crawl that ended meanwhile (CrawlerNotRunningException) counts as already finished, not as a failure', async () => {
  const h = new History();
  h.aborted(crawl(h, ['RUNNING']));
  givenHistory(h);
  failWith = { name: 'CrawlerNotRunningException', message: 'Crawler with name sales is not running' };
  const result = await handler(statusChange());
  expect(result).toMatchObject({ cancelled: 0, alreadyFinished: 1 });
});

test('any other error of the cancel fails the invocation (Lambda retries the event)', async () => {
  const h = new History();
  h.aborted(crawl(h, ['RUNNING']));
  givenHistory(h);
  failWith = { name: 'AccessDeniedException', message: 'no' };
  await expect(handler(statusChange())).rejects.toThrow(/Could not cancel 1 of the jobs/);
});
