/**
 * What an outside reviewer tries with `JobDetection.events()`: two event-driven waits in one JSONata state machine (two
 * crawlers), with `outputs` and `assign`, executed offline; the stack's resume path is shared (one rule for Glue's
 * crawler events, one Express machine) and answers that state machine only.
 */
import { Template } from 'aws-cdk-lib/assertions';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { GlueCrawlerPollerJob, JobDetection, testing } from '../../src';
import { GLUE_CRAWLER_EVENTS, jobKeyPrefix } from '../../src/polling/private/job-events';
import { logicalIdOf, renderChainable, statementsForRole } from '../support';

const JSONATA = sfn.QueryLanguage.JSONATA;

function twoCrawls() {
  return renderChainable((scope) => {
    const raw = new GlueCrawlerPollerJob(scope, 'Raw', {
      crawlerName: 'sales-raw',
      detection: JobDetection.events(),
      outputs: { raw: '{% $states.result.status.Crawler.LastCrawl.Status %}', curated: '{% $states.input.curated %}' },
      assign: { rawChecks: '{% $states.result.poll.checks %}' },
    });
    const curated = new GlueCrawlerPollerJob(scope, 'Curated', {
      crawlerName: '{% $states.input.curated %}',
      detection: JobDetection.events(),
      outputs: { raw: '{% $states.input.raw %}', curated: '{% $states.result.status.Crawler.LastCrawl.Status %}', rawChecks: '{% $rawChecks %}' },
    });
    return raw.next(curated);
  }, { queryLanguage: JSONATA });
}

/** The two crawlers end at 100 s and 400 s; each event returns the waiting token 5 s later. */
function handler(log: { puts: any[] }): testing.ITaskHandler {
  const endsAt: Record<string, number> = { 'sales-raw': 100, 'sales-curated': 400 };
  const started: Record<string, number> = {};
  return {
    handle: (call: testing.TaskInvocation) => {
      const now = call.epochSeconds;
      if (call.resource.endsWith('glue:startCrawler')) {
        started[call.request.Name] = now;
        return { result: {} };
      }
      if (call.resource.endsWith('glue:getCrawler')) {
        const done = now - started[call.request.Name] >= endsAt[call.request.Name];
        return { result: { Crawler: { Name: call.request.Name, State: done ? 'READY' : 'RUNNING', LastCrawl: { Status: 'SUCCEEDED' } } } };
      }
      if (call.resource.includes('putItem.waitForTaskToken')) {
        log.puts.push(call.request);
        const name = call.request.Item.jobKey.S.slice(jobKeyPrefix(GLUE_CRAWLER_EVENTS).length);
        const arrives = started[name] + endsAt[name] + 5;
        return arrives >= now ? { result: {}, durationSeconds: arrives - now } : { durationSeconds: 1e9 };
      }
      throw new Error(`unexpected call ${call.resource}`);
    },
  };
}

test('two event-driven waits in one JSONata state machine, with outputs and assign: each woken by its own event', async () => {
  // GIVEN
  const { stateMachine } = twoCrawls();
  const log = { puts: [] as any[] };

  // WHEN
  const result = await testing.Workflow.fromStateMachine(stateMachine).execute({ input: { curated: 'sales-curated' }, taskHandler: handler(log) });

  // THEN
  expect({ status: result.status, error: result.error, cause: result.cause }).toEqual({ status: 'SUCCEEDED', error: undefined, cause: undefined });
  // Raw's checks: after the short first round (10 s), two rounds that time out (40 s, 70 s), then the event (105 s).
  expect(result.output).toEqual({ raw: 'SUCCEEDED', curated: 'SUCCEEDED', rawChecks: 4 });
  // Each crawl is noticed at most 5 s after it ends (its event, or a round that ends first), not up to a poll interval
  // later: Raw at 105 s (the event), Curated 400 s after its start (a round ended then, before the event).
  expect(result.elapsedSeconds).toBe(105 + 400);
  const keys = log.puts.map((p) => p.Item.jobKey.S);
  expect(new Set(keys)).toEqual(new Set([`${jobKeyPrefix(GLUE_CRAWLER_EVENTS)}sales-raw`, `${jobKeyPrefix(GLUE_CRAWLER_EVENTS)}sales-curated`]));
  // The two waits are two waiters: their tokens never share a key.
  const waiters = new Set(log.puts.map((p) => `${p.Item.jobKey.S}#${p.Item.waiter.S}`));
  expect(new Set(log.puts.map((p) => p.Item.waiter.S)).size).toBe(2);
  expect(waiters.size).toBe(2);
});

test('the resume path is shared: one rule for the crawler events, one Express machine, SendTaskSuccess on this state machine only', () => {
  // GIVEN / WHEN
  const { stack, stateMachine } = twoCrawls();

  // THEN
  const template = Template.fromStack(stack);
  template.resourceCountIs('AWS::Events::Rule', 2); // the crawler events, and the stop-safety rule
  template.hasResourceProperties('AWS::Events::Rule', { EventPattern: { 'source': ['aws.glue'], 'detail-type': ['Glue Crawler State Change'] } });
  template.resourceCountIs('AWS::DynamoDB::Table', 1);
  const machines = Object.keys(template.findResources('AWS::StepFunctions::StateMachine'));
  expect(machines).toHaveLength(2);
  const resume = machines.find((id) => id !== logicalIdOf(stateMachine))!;
  const send = statementsForRole(stack, resume).filter((s) => s.Action!.some((a) => a.startsWith('states:')));
  expect(send).toEqual([expect.objectContaining({ Action: ['states:SendTaskSuccess'], Resource: { 'Fn::GetAtt': [logicalIdOf(stateMachine), 'Arn'] } })]);
});
