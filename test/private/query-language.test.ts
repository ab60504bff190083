/**
 * Every construct renders the query language of the state machine it ends up in, at any depth: top level,
 * Parallel branch, Map item processor, Parallel inside a Map — created the plain way (`new X(...)`).
 */
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import {
  BatchPollerJob,
  EcsCallbackTask,
  JobPoller,
  SageMakerCreateHyperParameterTuningJob,
  SageMakerCreateLabelingJob,
  SageMakerCreateProcessingJob,
} from '../../src';
import { fargateFixture } from '../ecs/fixtures';
import { helloWorldProps } from '../sagemaker/fixtures';
import { labelingProps, tuningProps } from '../sagemaker/fixtures-jobs';
import { expectValidAsl, newTestStack, renderStateMachine } from '../support';

type Factory = (scope: Construct) => sfn.IChainable;

const CONSTRUCTS: Record<string, Factory> = {
  SageMakerCreateProcessingJob: (scope) => new SageMakerCreateProcessingJob(scope, 'Job', helloWorldProps()),
  SageMakerCreateHyperParameterTuningJob: (scope) => new SageMakerCreateHyperParameterTuningJob(scope, 'Job', tuningProps(scope)),
  SageMakerCreateLabelingJob: (scope) => new SageMakerCreateLabelingJob(scope, 'Job', labelingProps(scope)),
  EcsCallbackTask: (scope) => {
    const { cluster, taskDefinition } = fargateFixture(Stack.of(scope));
    return new EcsCallbackTask(scope, 'Job', { cluster, taskDefinition, launchTarget: new tasks.EcsFargateLaunchTarget() });
  },
  JobPoller: (scope) => {
    const fn = { functionArn: 'arn:aws:lambda:us-east-1:123456789012:function:check' } as any;
    return new JobPoller(scope, 'Job', {
      start: { resource: 'arn:aws:states:::aws-sdk:glue:startJobRun', parameters: { JobName: 'etl' }, resultFields: { jobRunId: 'JobRunId' } },
      checkFunction: fn,
      errorPrefix: 'Etl',
    });
  },
  BatchPollerJob: (scope) => new BatchPollerJob(scope, 'Job', {
    jobQueueArn: 'arn:aws:batch:us-east-1:123456789012:job-queue/q',
    jobDefinitionArn: 'arn:aws:batch:us-east-1:123456789012:job-definition/d:1',
  }),
};

const PLACEMENTS: Record<string, (scope: Construct, inner: sfn.IChainable) => sfn.IChainable> = {
  'top level': (_scope, inner) => inner,
  'Parallel branch': (scope, inner) => new sfn.Parallel(scope, 'Fan out').branch(inner),
  'Map item processor': (scope, inner) => new sfn.Map(scope, 'Each item').itemProcessor(inner),
  'Parallel in a Map': (scope, inner) => new sfn.Map(scope, 'Each item').itemProcessor(new sfn.Parallel(scope, 'Fan out').branch(inner)),
};

const LANGUAGES = { JSONPath: sfn.QueryLanguage.JSON_PATH, JSONata: sfn.QueryLanguage.JSONATA };

const JSONPATH_ONLY = ['Parameters', 'ResultSelector', 'ResultPath', 'InputPath', 'OutputPath', 'SecondsPath', 'TimestampPath',
  'Variable', 'ItemsPath', 'CausePath', 'ErrorPath', 'TimeoutSecondsPath', 'HeartbeatSecondsPath', 'ItemSelector'];
const JSONATA_ONLY = ['Arguments', 'Output', 'Condition', 'Items'];

/** Every state of a definition, at any depth, with its path. */
function allStates(definition: any, path = ''): Array<[string, any]> {
  const states: Array<[string, any]> = [];
  for (const [name, state] of Object.entries<any>(definition.States ?? {})) {
    states.push([`${path}${name}`, state]);
    for (const [i, branch] of (state.Branches ?? []).entries()) states.push(...allStates(branch, `${path}${name}/${i}/`));
    if (state.ItemProcessor) states.push(...allStates(state.ItemProcessor, `${path}${name}/`));
    if (state.Iterator) states.push(...allStates(state.Iterator, `${path}${name}/`));
  }
  return states;
}

/** Keys ending in `.$` anywhere in a value (not descending into nested state graphs). */
function dollarKeys(value: any): string[] {
  if (Array.isArray(value)) return value.flatMap(dollarKeys);
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([k, v]) => [
    ...(k.endsWith('.$') ? [k] : []),
    ...(k === 'Branches' || k === 'ItemProcessor' || k === 'Iterator' ? [] : dollarKeys(v)),
  ]);
}

function synth(factory: Factory, place: (scope: Construct, inner: sfn.IChainable) => sfn.IChainable, queryLanguage: sfn.QueryLanguage) {
  const stack = newTestStack();
  const sm = new sfn.StateMachine(stack, 'StateMachine', {
    queryLanguage,
    definitionBody: sfn.DefinitionBody.fromChainable(place(stack, factory(stack))),
  });
  return { stack, definition: renderStateMachine(stack, sm) };
}

describe.each(Object.entries(CONSTRUCTS))('%s', (_name, factory) => {
  describe.each(Object.entries(PLACEMENTS))('in the %s', (_placement, place) => {
    test('of a JSONata state machine: valid ASL, no JSONPath-only field', () => {
      // GIVEN / WHEN
      const { definition } = synth(factory, place, sfn.QueryLanguage.JSONATA);

      // THEN
      expectValidAsl(definition);
      expect(definition.QueryLanguage).toBe('JSONata');
      for (const [path, state] of allStates(definition)) {
        expect({ path, fields: Object.keys(state).filter((k) => JSONPATH_ONLY.includes(k)), dollarKeys: dollarKeys(state) })
          .toEqual({ path, fields: [], dollarKeys: [] });
        expect({ path, QueryLanguage: state.QueryLanguage }).toEqual({ path, QueryLanguage: undefined });
      }
    });

    test('of a JSONPath state machine: valid ASL, no JSONata-only field', () => {
      // GIVEN / WHEN
      const { definition } = synth(factory, place, sfn.QueryLanguage.JSON_PATH);

      // THEN
      expectValidAsl(definition);
      for (const [path, state] of allStates(definition)) {
        expect({ path, fields: Object.keys(state).filter((k) => JSONATA_ONLY.includes(k)), QueryLanguage: state.QueryLanguage })
          .toEqual({ path, fields: [], QueryLanguage: undefined });
      }
    });
  });

  test.each(Object.entries(LANGUAGES))('renders the same in a Parallel in a Map as at the top level (%s)', (_l, language) => {
    // GIVEN
    const top = synth(factory, PLACEMENTS['top level'], language).definition;
    const nested = synth(factory, PLACEMENTS['Parallel in a Map'], language).definition;

    // WHEN
    const inner = nested.States['Each item'].ItemProcessor.States['Fan out'].Branches[0];

    // THEN
    const withoutEnd = (states: Record<string, any>) => Object.fromEntries(Object.entries(states).map(([k, v]) => {
      const { End: _end, ...rest } = v;
      return [k, rest];
    }));
    expect(inner.StartAt).toBe(top.StartAt);
    expect(withoutEnd(inner.States)).toEqual(withoutEnd(top.States));
  });
});

describe('exact ASL in a branch', () => {
  test.each(Object.entries(LANGUAGES))('the poller\'s wait, in a Parallel in a Map (%s)', (l, language) => {
    // GIVEN / WHEN
    const { definition } = synth(CONSTRUCTS.BatchPollerJob, PLACEMENTS['Parallel in a Map'], language);
    const poller = definition.States['Each item'].ItemProcessor.States['Fan out'].Branches[0].States.Job;

    // THEN
    expect(poller.Branches[0].States['Job: Wait']).toEqual(l === 'JSONata'
      ? { Type: 'Wait', Seconds: '{% $states.input.Job.job.poll.nextPollSeconds %}', Next: 'Job: Check job' }
      : { Type: 'Wait', SecondsPath: '$.Job.job.poll.nextPollSeconds', Next: 'Job: Check job' });
    expect(poller).toMatchObject(l === 'JSONata'
      ? { Type: 'Parallel', Output: '{% $states.result[0] %}', End: true }
      : { Type: 'Parallel', OutputPath: '$[0]', End: true });
  });

  test('a JSONata task in a Parallel of a JSONPath state machine says so itself', () => {
    // GIVEN / WHEN
    const { definition } = synth((scope) => SageMakerCreateProcessingJob.jsonata(scope, 'Job', helloWorldProps()),
      PLACEMENTS['Parallel branch'], sfn.QueryLanguage.JSON_PATH);

    // THEN
    expectValidAsl(definition);
    expect(definition.States['Fan out'].Branches[0].States.Job).toMatchObject({ QueryLanguage: 'JSONata', Arguments: expect.any(Object) });
  });
});

describe('where the language cannot be known, or is wrong, synthesis fails', () => {
  test('a branch rendered by hand, outside a state machine', () => {
    // GIVEN
    const stack = newTestStack();
    const job = new SageMakerCreateProcessingJob(stack, 'Job', helloWorldProps());
    const graph = new sfn.StateGraph(new sfn.Parallel(stack, 'Fan out').branch(job), 'by hand');

    // WHEN / THEN
    const message = /TestStack\/Job: queryLanguage must be given \(SageMakerCreateProcessingJob\.jsonPath\(\.\.\.\) or SageMakerCreateProcessingJob\.jsonata\(\.\.\.\)\).*cannot be known; got undefined/;
    expect(() => stack.resolve(graph.toGraphJson())).toThrow(message);
    expect(() => JSON.stringify(graph.toGraphJson())).toThrow(message);
  });

  test('a JSONPath state in a branch of a JSONata state machine', () => {
    // GIVEN
    const stack = newTestStack();
    const job = new SageMakerCreateProcessingJob(stack, 'Job', { ...helloWorldProps(), queryLanguage: sfn.QueryLanguage.JSON_PATH });
    new sfn.StateMachine(stack, 'StateMachine', {
      queryLanguage: sfn.QueryLanguage.JSONATA,
      definitionBody: sfn.DefinitionBody.fromChainable(new sfn.Parallel(stack, 'Fan out').branch(job)),
    });

    // WHEN / THEN
    expect(() => Template.fromStack(stack)).toThrow(/TestStack\/Job: queryLanguage must be JSONata or unset in a JSONata state machine.*got "JSONPath"/);
  });

  test('a JSONPath poller in a Map of a JSONata state machine', () => {
    // GIVEN
    const stack = newTestStack();
    const job = new BatchPollerJob(stack, 'Job', {
      jobQueueArn: 'arn:aws:batch:us-east-1:123456789012:job-queue/q',
      jobDefinitionArn: 'arn:aws:batch:us-east-1:123456789012:job-definition/d:1',
      queryLanguage: sfn.QueryLanguage.JSON_PATH,
    });
    new sfn.StateMachine(stack, 'StateMachine', {
      queryLanguage: sfn.QueryLanguage.JSONATA,
      definitionBody: sfn.DefinitionBody.fromChainable(new sfn.Map(stack, 'Each item').itemProcessor(job)),
    });

    // WHEN / THEN
    expect(() => Template.fromStack(stack)).toThrow(/TestStack\/Job\/Poller: queryLanguage must be JSONata or unset in a JSONata state machine/);
  });

  describe.each(['resultSelector', 'resultPath', 'inputPath', 'outputPath'])('JSONPath-only %s on a state that renders JSONata', (prop) => {
    const value = prop === 'resultSelector' ? { 'a.$': '$.b' } : '$.x';
    const message = new RegExp(`TestStack/Job: ${prop} must be unset in a state that renders JSONata.*; got `);

    test.each([
      ['SageMakerCreateProcessingJob', (scope: Construct) => new SageMakerCreateProcessingJob(scope, 'Job', { ...helloWorldProps(), [prop]: value })],
      ['EcsCallbackTask', (scope: Construct) => {
        const { cluster, taskDefinition } = fargateFixture(Stack.of(scope));
        return new EcsCallbackTask(scope, 'Job', { cluster, taskDefinition, launchTarget: new tasks.EcsFargateLaunchTarget(), [prop]: value });
      }],
    ])('%s at the top level and in a Parallel', (_name, make) => {
      for (const place of [PLACEMENTS['top level'], PLACEMENTS['Parallel branch']]) {
        expect(() => synth(make, place, sfn.QueryLanguage.JSONATA)).toThrow(message);
        expect(() => synth(make, place, sfn.QueryLanguage.JSON_PATH)).not.toThrow();
      }
    });
  });
});
