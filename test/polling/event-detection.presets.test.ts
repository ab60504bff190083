/**
 * Mock presets of event-driven pollers: the `Wait for job event` rounds answered in the mock-config format (the
 * event's `Return` at the round before check N, `States.Timeout` for the rounds before it, or for every round when
 * every event is lost), executed with `Workflow.execute({ mockConfig, testCase })` in both query languages.
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/sfn-local-mock-cfg-file.html
 */
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { BatchPollerJob, GlueCrawlerPollerJob, JobDetection, JobPoller, SageMakerPipelinePollerJob } from '../../src';
import { MockOutcome, MockPreset, MockPresetOptions, MockPresets, Workflow } from '../../src/testing';
import { expectValidAsl, newTestStack } from '../support';

const ACCOUNT = '123456789012';

interface Spec {
  readonly name: string;
  readonly build: (scope: Construct) => { poller: JobPoller; chain: sfn.IChainable; preset: (o: MockPresetOptions) => MockPreset };
}

const SPECS: Spec[] = [
  {
    name: 'BatchPollerJob',
    build: (scope) => {
      const job = new BatchPollerJob(scope, 'Job', {
        jobQueueArn: `arn:aws:batch:us-east-1:${ACCOUNT}:job-queue/q`, jobDefinitionArn: `arn:aws:batch:us-east-1:${ACCOUNT}:job-definition/d`, detection: JobDetection.events(),
      });
      return { poller: job.poller, chain: job, preset: (o) => MockPresets.batchPollerJob(job, o) };
    },
  },
  {
    name: 'GlueCrawlerPollerJob',
    build: (scope) => {
      const job = new GlueCrawlerPollerJob(scope, 'Job', { crawlerName: 'sales', detection: JobDetection.events() });
      return { poller: job.poller, chain: job, preset: (o) => MockPresets.glueCrawlerPollerJob(job, o) };
    },
  },
  {
    name: 'SageMakerPipelinePollerJob',
    build: (scope) => {
      const job = new SageMakerPipelinePollerJob(scope, 'Job', { pipelineName: 'train', detection: JobDetection.events() });
      return { poller: job.poller, chain: job, preset: (o) => MockPresets.sageMakerPipelinePollerJob(job, o) };
    },
  },
];

const LANGUAGES = [['JSONPath', sfn.QueryLanguage.JSON_PATH], ['JSONata', sfn.QueryLanguage.JSONATA]] as const;

function setup(spec: Spec, queryLanguage: sfn.QueryLanguage) {
  const stack = newTestStack();
  const built = spec.build(new Construct(stack, 'Jobs'));
  const sm = new sfn.StateMachine(stack, 'Pipeline', { queryLanguage, definitionBody: sfn.DefinitionBody.fromChainable(built.chain) });
  const workflow = Workflow.fromStateMachine(sm);
  expectValidAsl(workflow.definition);
  const run = async (options: MockPresetOptions) => {
    const preset = built.preset(options);
    const result = await workflow.execute({ input: {}, mockConfig: MockPresets.mockConfig('Pipeline', { Case: preset }), testCase: 'Case' });
    const rounds = result.states.filter((s) => s.name === 'Job: Wait for job event');
    return { preset, result, rounds, checks: result.states.filter((s) => s.name === 'Job: Check job') };
  };
  return { run };
}

describe.each(SPECS.flatMap((spec) => LANGUAGES.map(([l, q]) => [spec.name, l, spec, q] as const)))('%s, %s', (_name, _language, spec, queryLanguage) => {
  const { run } = setup(spec, queryLanguage);

  test('the event at check 3: two rounds time out, the third is woken, the job succeeds', async () => {
    const { result, rounds, checks, preset } = await run({ checks: 3 });
    expect(result.status).toBe('SUCCEEDED');
    expect(checks).toHaveLength(3);
    expect(rounds.map((r) => r.error)).toEqual(['States.Timeout', 'States.Timeout', undefined]);
    expect(Object.keys(preset.testCase)).toContain('Job: Wait for job event');
    expect(preset.mockedResponses['Job: Wait for job event: event at check 3']).toEqual({
      '0-1': { Throw: { Error: 'States.Timeout', Cause: 'No job event within the round (mocked)' } },
      '2': { Return: {} },
    });
  });

  test('every event lost: every round times out, the checks find the end all the same', async () => {
    const { result, rounds } = await run({ checks: 3, eventsLost: true });
    expect(result.status).toBe('SUCCEEDED');
    expect(rounds.map((r) => r.error)).toEqual(['States.Timeout', 'States.Timeout', 'States.Timeout']);
  });

  test('FAILED: the event wakes the check that finds the failure', async () => {
    const { result, rounds, preset } = await run({ checks: 2, outcome: MockOutcome.FAILED });
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe(preset.error);
    expect(rounds.map((r) => r.error)).toEqual(['States.Timeout', undefined]);
  });
});

test('TIMED_OUT: every round times out until the deadline', async () => {
  const { run } = setup(SPECS[1], sfn.QueryLanguage.JSON_PATH);
  const { result, rounds } = await run({ outcome: MockOutcome.TIMED_OUT });
  expect(result.status).toBe('FAILED');
  expect(result.error).toBe(GlueCrawlerPollerJob.JOB_TIMED_OUT);
  expect(rounds.length).toBeGreaterThan(100);
  expect(rounds.every((r) => r.error === 'States.Timeout')).toBe(true);
});

test('a polling poller\'s preset mocks no round', () => {
  const stack = newTestStack();
  const job = new GlueCrawlerPollerJob(stack, 'Job', { crawlerName: 'sales' });
  expect(Object.keys(MockPresets.glueCrawlerPollerJob(job, { checks: 2 }).testCase)).not.toContain('Job: Wait for job event');
});
