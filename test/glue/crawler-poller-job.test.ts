/**
 * GlueCrawlerPollerJob: the SDK-check poll loop, executed offline in both query languages against a simulated
 * Glue crawler, plus its exact ASL, IAM, validation and cdk-nag.
 */
import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { GlueCrawlerPollerJob, GlueCrawlerPollerJobProps, JobPoller } from '../../src';
import { GROWTH_PERCENT, pollCost, PollPolicy, sdkLoopCost } from '../../src/polling/private/interval';
import { pollSchedule, scheduledWaits } from '../../src/polling/private/schedule';
import { Workflow } from '../../src/testing';
import { branchStates, expectValidAsl, nagFindings, newTestStack, renderChainable } from '../support';

const LANGUAGES = [['JSONPath', sfn.QueryLanguage.JSON_PATH], ['JSONata', sfn.QueryLanguage.JSONATA]] as const;
/** The table for pollInterval 60 s, maxPollInterval 120 s: 60 s until 10 % of the elapsed time is longer, then growing to 120 s. */
const WAITS = '60, 60, 60, 60, 60, 60, 60, 60, 60, 60, 60, 66, 72, 79, 87, 96, 106, 116, 120';
const NEXT = '1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 18';
const POLICY = { pollIntervalSeconds: 30, maxPollIntervalSeconds: 3600, growthPercent: GROWTH_PERCENT };

function build(queryLanguage: sfn.QueryLanguage, props: Partial<GlueCrawlerPollerJobProps> = {}) {
  let job!: GlueCrawlerPollerJob;
  const rendered = renderChainable((scope) => (job = new GlueCrawlerPollerJob(scope, 'Crawl', { crawlerName: 'sales', ...props })), { queryLanguage });
  expectValidAsl(rendered.definition);
  return { ...rendered, job };
}

/** A crawler that runs until `endSeconds` after the start, then ends with `lastCrawl`. */
class SimulatedCrawler {
  public readonly calls: Array<{ state: string; request: any; seconds: number }> = [];
  public readonly handler: { handle: (inv: any) => any };
  constructor(
    private readonly endSeconds: number,
    private readonly lastCrawl: Record<string, unknown> = { Status: 'SUCCEEDED', LogGroup: '/aws-glue/crawlers' },
    private readonly overrides: Record<string, (inv: any) => any> = {},
  ) {
    this.handler = { handle: (inv: any) => this.answer(inv) };
  }

  public checks(): number[] {
    return this.calls.filter((c) => c.state.endsWith('Check job')).map((c) => c.seconds);
  }

  private answer(inv: any): any {
    {
      const seconds = inv.epochSeconds - Date.parse('2026-01-01T00:00:00Z') / 1000;
      this.calls.push({ state: inv.stateName, request: inv.request, seconds });
      const override = this.overrides[inv.stateName];
      if (override) {
        const answer = override(inv);
        if (answer !== undefined) return answer;
      }
      if (inv.stateName.endsWith('Start job')) return { result: {} };
      if (inv.stateName.endsWith('Cancel job')) return { result: {} };
      const running = seconds < this.endSeconds;
      return {
        result: {
          Crawler: {
            Name: inv.request.Name,
            State: running ? 'RUNNING' : 'READY',
            ...(running ? {} : { LastCrawl: this.lastCrawl }),
          },
        },
      };
    }
  }
}

describe.each(LANGUAGES)('%s', (_label, queryLanguage) => {
  test('a crawl that succeeds after 40 minutes: waits of the Lambda policy, result placed, input kept', async () => {
    // GIVEN
    const { stateMachine } = build(queryLanguage);
    const crawler = new SimulatedCrawler(40 * 60);
    // WHEN
    const result = await Workflow.fromStateMachine(stateMachine).execute({ taskHandler: crawler.handler, input: { keep: 1 } });
    // THEN
    expect(result.status).toBe('SUCCEEDED');
    expect(result.output.keep).toBe(1);
    expect(result.output.Crawl.job).toEqual({ crawlerName: 'sales' });
    expect(result.output.Crawl.status.Crawler.LastCrawl.Status).toBe('SUCCEEDED');
    const expected = pollCost(POLICY, 40 * 60, { loop: sdkLoopCost(true) });
    // the checks happen at the sums of the waits of interval.ts's policy
    const sums = expected.waits.map((_, i) => expected.waits.slice(0, i + 1).reduce((a, b) => a + b, 0));
    expect(crawler.checks()).toEqual(sums);
    expect(result.output.Crawl.poll).toEqual({ checks: expected.polls, elapsedSeconds: sums[sums.length - 1] });
    expect(crawler.calls[0]).toMatchObject({ state: 'Crawl: Start job', request: { Name: 'sales' } });
    expect(crawler.calls[1].request).toEqual({ Name: 'sales' });
    // the cost model is the executor's count
    expect(result.stateTransitions).toBe(expected.transitions);
    expect(result.historyEvents).toBe(expected.events);
  });

  test('a failed crawl fails with the crawl\'s ErrorMessage', async () => {
    const { stateMachine } = build(queryLanguage);
    const crawler = new SimulatedCrawler(200, { Status: 'FAILED', ErrorMessage: 'Internal Service Exception' });
    const result = await Workflow.fromStateMachine(stateMachine).execute({ taskHandler: crawler.handler });
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe(GlueCrawlerPollerJob.JOB_FAILED);
    expect(result.cause).toBe('Internal Service Exception');
  });

  test('a cancelled crawl (stopped, no error message) fails, and the cause shows the last crawl', async () => {
    const { stateMachine } = build(queryLanguage);
    const crawler = new SimulatedCrawler(90, { Status: 'CANCELLED' });
    const result = await Workflow.fromStateMachine(stateMachine).execute({ taskHandler: crawler.handler });
    expect(result.error).toBe(GlueCrawlerPollerJob.JOB_FAILED);
    expect(result.cause).toMatch(/^The Glue crawler run ended with .*"Status":"CANCELLED"/);
  });

  test('the deadline stops the crawl, then fails with JobTimedOut', async () => {
    const { stateMachine } = build(queryLanguage, { timeout: Duration.minutes(10) });
    const crawler = new SimulatedCrawler(3600);
    const result = await Workflow.fromStateMachine(stateMachine).execute({ taskHandler: crawler.handler });
    expect(result.error).toBe(GlueCrawlerPollerJob.JOB_TIMED_OUT);
    expect(result.cause).toBe('The Glue crawler run was still running at the timeout (10 minutes), and was stopped.');
    const cancel = crawler.calls.filter((c) => c.state === 'Crawl: Cancel job');
    expect(cancel).toEqual([{ state: 'Crawl: Cancel job', request: { Name: 'sales' }, seconds: 600 }]);
    expect(crawler.checks()[crawler.checks().length - 1]).toBe(600);
  });

  test('a crawl that ended just before the cancel: CrawlerNotRunningException is caught, JobTimedOut all the same', async () => {
    const { stateMachine } = build(queryLanguage, { timeout: Duration.minutes(2) });
    const crawler = new SimulatedCrawler(3600, undefined, { 'Crawl: Cancel job': () => ({ error: 'Glue.CrawlerNotRunningException', cause: 'not running' }) });
    const result = await Workflow.fromStateMachine(stateMachine).execute({ taskHandler: crawler.handler });
    expect(result.error).toBe(GlueCrawlerPollerJob.JOB_TIMED_OUT);
  });

  test('a throttled GetCrawler is retried', async () => {
    const { stateMachine } = build(queryLanguage);
    let throttled = 0;
    const crawler = new SimulatedCrawler(60, undefined, {
      'Crawl: Check job': (inv) => (inv.attempt < 2 ? (throttled++, { error: 'Glue.ThrottlingException', cause: 'Rate exceeded' }) : undefined),
    });
    const result = await Workflow.fromStateMachine(stateMachine).execute({ taskHandler: crawler.handler });
    expect(throttled).toBeGreaterThanOrEqual(2);
    expect(result.status).toBe('SUCCEEDED');
  });

  test('a crawler that is already running is waited for, not failed', async () => {
    const { stateMachine } = build(queryLanguage);
    const crawler = new SimulatedCrawler(100, undefined, {
      'Crawl: Start job': () => ({ error: 'Glue.CrawlerRunningException', cause: 'Crawler with name sales has already started' }),
    });
    const result = await Workflow.fromStateMachine(stateMachine).execute({ taskHandler: crawler.handler, input: { keep: true } });
    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toMatchObject({ keep: true, Crawl: { job: { crawlerName: 'sales' }, poll: { checks: 4 } } });
    expect(result.output.Crawl.startError).toBeUndefined();
  });

  test('the poller can be caught like a task', async () => {
    const stack = newTestStack();
    const job = new GlueCrawlerPollerJob(stack, 'Crawl', { crawlerName: 'sales' });
    job.addCatch(new sfn.Pass(stack, 'Handled'), { errors: GlueCrawlerPollerJob.ALL_ERRORS });
    const sm = new sfn.StateMachine(stack, 'SM', { definitionBody: sfn.DefinitionBody.fromChainable(job), queryLanguage });
    const crawler = new SimulatedCrawler(60, { Status: 'FAILED', ErrorMessage: 'boom' });
    const result = await Workflow.fromStateMachine(sm).execute({ taskHandler: crawler.handler });
    expect(result.status).toBe('SUCCEEDED');
    expect(result.states.map((s) => s.name)).toContain('Handled');
  });

  test('IAM: each Glue action on the crawler only, no Lambda', () => {
    const { stack } = build(queryLanguage);
    const template = Template.fromStack(stack);
    const arn = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':glue:us-east-1:123456789012:crawler/sales']] };
    for (const action of ['glue:StartCrawler', 'glue:GetCrawler', 'glue:StopCrawler']) {
      template.hasResourceProperties('AWS::IAM::Policy', {
        PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: action, Resource: arn })]) },
      });
    }
    // no function in the poll: the only one is the stack's execution-stopped handler (cancel on stop)
    template.resourceCountIs('AWS::Lambda::Function', 1);
    template.hasResourceProperties('AWS::Lambda::Function', { Description: Match.stringLikeRegexp('cancels the jobs') });
    expect(JSON.stringify(template.findResources('AWS::IAM::Policy'))).not.toMatch(/"Resource":"\*"/);
  });
});

test('IAM: a JSONPath crawler name allows the crawlers of the account and region; JSONata, its literal start', () => {
  const jsonPath = Template.fromStack(build(sfn.QueryLanguage.JSON_PATH, { crawlerName: sfn.JsonPath.stringAt('$.crawler') }).stack);
  const jsonata = Template.fromStack(build(sfn.QueryLanguage.JSONATA, { crawlerName: "{% 'sales-' & $states.input.day %}" }).stack);
  const arn = (name: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:glue:us-east-1:123456789012:crawler/${name}`]] });
  jsonPath.hasResourceProperties('AWS::IAM::Policy', { PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 'glue:GetCrawler', Resource: arn('*') })]) } });
  jsonata.hasResourceProperties('AWS::IAM::Policy', { PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 'glue:GetCrawler', Resource: arn('sales-*') })]) } });
  expect(JSON.stringify(jsonPath.toJSON())).not.toMatch(/crawler\/\$/);
  expect(JSON.stringify(jsonata.toJSON())).not.toMatch(/crawler\/\{%/);
});

test.each(LANGUAGES)('a crawler name from the input (%s) is read once, before the start, and used by every call', async (_l, queryLanguage) => {
  const crawlerName = queryLanguage === sfn.QueryLanguage.JSONATA ? '{% $states.input.crawler %}' : sfn.JsonPath.stringAt('$.crawler');
  const resultPath = queryLanguage === sfn.QueryLanguage.JSONATA ? undefined : '$';
  const { stateMachine } = build(queryLanguage, { crawlerName, resultPath, timeout: Duration.minutes(2) });
  const crawler = new SimulatedCrawler(3600);
  const result = await Workflow.fromStateMachine(stateMachine).execute({ taskHandler: crawler.handler, input: { crawler: 'orders' } });
  expect(result.error).toBe(GlueCrawlerPollerJob.JOB_TIMED_OUT);
  expect(new Set(crawler.calls.map((c) => c.request.Name))).toEqual(new Set(['orders']));
});

test('exact ASL of the check, in JSONPath', () => {
  const { definition } = build(sfn.QueryLanguage.JSON_PATH, { pollInterval: Duration.seconds(60), maxPollInterval: Duration.seconds(120) });
  const states = branchStates(definition, 'Crawl');
  expect(states['Crawl: Check job']).toEqual({
    Type: 'Task',
    Resource: 'arn:aws:states:::aws-sdk:glue:getCrawler',
    Parameters: { 'Name.$': '$.Crawl.job.crawlerName' },
    ResultSelector: {
      'job.$': '$Crawl_poll.job',
      'status.$': '$',
      'poll': {
        'index.$': `States.ArrayGetItem(States.Array(${NEXT}), $Crawl_poll.poll.index)`,
        'checks.$': 'States.MathAdd($Crawl_poll.poll.checks, 1)',
        'elapsedSeconds.$': 'States.MathAdd($Crawl_poll.poll.elapsedSeconds, $Crawl_poll.poll.waitSeconds)',
        'waitSeconds.$': `States.ArrayGetItem(States.Array(${WAITS}), States.ArrayGetItem(States.Array(${NEXT}), $Crawl_poll.poll.index))`,
      },
    },
    Assign: { Crawl_poll: { 'job.$': '$.job', 'poll.$': '$.poll' } },
    ResultPath: '$.Crawl',
    Retry: [{ ErrorEquals: ['Glue.ThrottlingException', 'Glue.OperationTimeoutException', 'Glue.InternalServiceException'], IntervalSeconds: 2, MaxAttempts: 6, BackoffRate: 2, JitterStrategy: 'FULL' }],
    Next: 'Crawl: Job finished?',
  });
});

test('exact ASL of the check, in JSONata', () => {
  const { definition } = build(sfn.QueryLanguage.JSONATA, { pollInterval: Duration.seconds(60), maxPollInterval: Duration.seconds(120) });
  const states = branchStates(definition, 'Crawl');
  const p = '$states.input.Crawl.poll';
  expect(states['Crawl: Check job']).toEqual({
    Type: 'Task',
    Resource: 'arn:aws:states:::aws-sdk:glue:getCrawler',
    Arguments: { Name: '{% $states.input.Crawl.job.crawlerName %}' },
    Output: `{% $merge([$states.input, {'Crawl': {'job': $states.input.Crawl.job, 'status': $states.result, 'poll': {'index': [${NEXT}][${p}.index], 'checks': ${p}.checks + 1, 'elapsedSeconds': ${p}.elapsedSeconds + ${p}.waitSeconds, 'waitSeconds': [${WAITS}][[${NEXT}][${p}.index]]}}}]) %}`,
    Retry: [{ ErrorEquals: ['Glue.ThrottlingException', 'Glue.OperationTimeoutException', 'Glue.InternalServiceException'], IntervalSeconds: 2, MaxAttempts: 6, BackoffRate: 2, JitterStrategy: 'FULL' }],
    Next: 'Crawl: Job finished?',
  });
});

test('the synthesized schedule is the Lambda policy (interval.ts), with and without a timeout', () => {
  const policies: PollPolicy[] = [
    POLICY,
    { ...POLICY, pollIntervalSeconds: 10, maxPollIntervalSeconds: 900 },
    { ...POLICY, timeoutSeconds: 7 * 24 * 3600 },
    { ...POLICY, timeoutSeconds: 1000 },
  ];
  for (const policy of policies) {
    const schedule = pollSchedule(policy);
    const duration = policy.timeoutSeconds ?? 7 * 24 * 3600;
    const lambdaWaits = pollCost({ ...policy, timeoutSeconds: undefined }, duration).waits;
    const sdkWaits = scheduledWaits(schedule, lambdaWaits.length);
    if (policy.timeoutSeconds === undefined) expect(sdkWaits).toEqual(lambdaWaits);
    else expect(schedule.waits).toEqual(pollCost(policy, Number.POSITIVE_INFINITY).waits);
  }
  // the table is short without a timeout: the growing waits, then the cap
  expect(pollSchedule(POLICY).waits.length).toBeLessThan(70);
});

test('invalid props fail at synthesis', () => {
  const stack = newTestStack();
  expect(() => new GlueCrawlerPollerJob(stack, 'A', { crawlerName: '' })).toThrow(/crawlerName must be between 1 and 255 characters long/);
  expect(() => new GlueCrawlerPollerJob(stack, 'B', { crawlerName: 'a\nb' })).toThrow(/crawlerName must be a single line/);
  expect(() => new GlueCrawlerPollerJob(stack, 'C', { crawlerName: 'x', timeout: Duration.days(365), maxPollInterval: Duration.minutes(1) })).toThrow(/timeout must be at most/);
  expect(() => new JobPoller(stack, 'D', {
    errorPrefix: 'X', start: { resource: 'r', parameters: {}, resultFields: {} },
  })).toThrow(/checkFunction must be given, either as checkFunction or as sdkCheck/);
});

test('cdk-nag: no findings', () => {
  const { stack } = build(sfn.QueryLanguage.JSON_PATH);
  expect(nagFindings(stack)).toEqual([]);
});

test('a value written for the other query language: JSONata in JSONPath is refused, not sent as text', () => {
  // GIVEN / WHEN / THEN
  expect(() => build(sfn.QueryLanguage.JSON_PATH, { crawlerName: '{% $states.input.crawler %}' }))
    .toThrow(/Crawl\/Poller: crawlerName must be a literal or a JsonPath value in a JSONPath state \(JSONata expressions \{% … %\} only work in JSONata states\)/);
});

test('JSONata: a JsonPath reference is converted to the same JSONata expression (one policy with every construct), and runs', async () => {
  // GIVEN
  const { definition, stateMachine } = build(sfn.QueryLanguage.JSONATA, { crawlerName: sfn.JsonPath.stringAt('$.crawler') });
  // THEN the Prepare state holds the converted expression
  const prepare = branchStates(definition, 'Crawl')['Crawl: Prepare job'] as any;
  expect(prepare.Assign).toEqual({ Crawl_poll: { job: { crawlerName: '{% $states.input.crawler %}' } } });
  // WHEN it runs
  const crawler = new SimulatedCrawler(5 * 60);
  const result = await Workflow.fromStateMachine(stateMachine).execute({ taskHandler: crawler.handler, input: { crawler: 'nightly' } });
  // THEN the crawler named by the input was started and checked
  expect(result.status).toBe('SUCCEEDED');
  expect(crawler.calls[0]).toMatchObject({ state: 'Crawl: Start job', request: { Name: 'nightly' } });
  expect(result.output.Crawl.job).toEqual({ crawlerName: 'nightly' });
});

test('JSONata: a JsonPath value with no exact JSONata equivalent is refused by name', () => {
  // GIVEN / WHEN / THEN
  expect(() => build(sfn.QueryLanguage.JSONATA, { crawlerName: sfn.JsonPath.stringAt('$.crawlers[?(@.on)].name') }))
    .toThrow(/Crawl\/Poller: crawlerName must be a literal, a JSONata expression or a plain JsonPath reference/);
});

test('stopping the execution stops the crawl: the handler is configured with StopCrawler and allowed it on the crawler only', () => {
  const { stack } = build(sfn.QueryLanguage.JSON_PATH);
  const template = Template.fromStack(stack);
  const handler = Object.values(template.findResources('AWS::Lambda::Function', { Properties: { Description: Match.stringLikeRegexp('cancels the jobs') } }))[0] as any;
  const config = JSON.parse(JSON.stringify(stack.resolve(handler.Properties.Environment.Variables.CANCEL_ON_STOP_CONFIG)));
  const text = JSON.stringify(config).replace(/\\"/g, '"');
  expect(text).toContain('"kind":"sdk"');
  expect(text).toContain('"checkState":"Crawl: Check job"');
  expect(text).toContain('"command":"StopCrawlerCommand"');
  expect(text).toContain('"clientClass":"GlueClient"');
  // StopCrawler takes no run id: the handler first reads the crawler (GetCrawler), and stops only its own crawl
  expect(text).toContain('"byName":{"command":"GetCrawlerCommand","parameters":{},"input":{"Name":"crawlerName"},"statusField":"Crawler.State","runningValues":["RUNNING","STOPPING"],"elapsedTimeField":"Crawler.CrawlElapsedTime"}');
  template.hasResourceProperties('AWS::IAM::Policy', {
    PolicyDocument: {
      Statement: Match.arrayWith([Match.objectLike({
        Action: 'glue:GetCrawler',
        Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':glue:us-east-1:123456789012:crawler/sales']] },
      })]),
    },
    Roles: Match.arrayWith([Match.objectLike({ Ref: Match.stringLikeRegexp('ExecutionStopped') })]),
  });
  template.hasResourceProperties('AWS::IAM::Policy', {
    PolicyDocument: {
      Statement: Match.arrayWith([Match.objectLike({
        Action: 'glue:StopCrawler',
        Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':glue:us-east-1:123456789012:crawler/sales']] },
      })]),
    },
    Roles: Match.arrayWith([Match.objectLike({ Ref: Match.stringLikeRegexp('ExecutionStopped') })]),
  });
  // opted out: no handler
  expect(Template.fromStack(build(sfn.QueryLanguage.JSON_PATH, { cancelJobOnExecutionStop: false }).stack).findResources('AWS::Lambda::Function')).toEqual({});
});
