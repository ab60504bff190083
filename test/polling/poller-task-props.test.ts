/**
 * Every poller behaves like a task (issue 15 §3): `stateName`, `comment`, JSONata `outputs`/`assign` (with
 * `$states.result` the poller's result), catchers per query language — rendered exactly, and executed offline in
 * JSONPath and JSONata, at the top level and inside Parallel and Map.
 */
import { Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import {
  BatchPollerJob,
  BedrockBatchInferencePollerJob,
  EcsCallbackTask,
  SageMakerCreateHyperParameterTuningJob,
  SageMakerCreateLabelingJob,
  SageMakerCreateProcessingJob,
  GlueCrawlerPollerJob,
  GlueWorkflowPollerJob,
  JobPoller,
  JobPollingBaseOptions,
  SageMakerPipelinePollerJob,
} from '../../src';
import { Workflow } from '../../src/testing';
import { fargateFixture } from '../ecs/fixtures';
import { helloWorldProps } from '../sagemaker/fixtures';
import { labelingProps, tuningProps } from '../sagemaker/fixtures-jobs';
import { expectValidAsl, LANGUAGES, newTestStack, renderStateMachine, runPlaced } from '../support';

type Poller = sfn.StateMachineFragment & {
  addCatch(handler: sfn.IChainable, props?: sfn.CatchProps): sfn.StateMachineFragment;
};

interface Case {
  /** Builds the poller with the common options. */
  readonly build: (scope: Construct, id: string, options: JobPollingBaseOptions) => Poller;
  /** Answers its Task states (by state name suffix): success, or failure when `fail`. */
  readonly answer: (suffix: string, request: any, fail: boolean) => any;
  /** The error the poller fails with when the job fails. */
  readonly failedError: string;
  /** A field of the poller's result that shows the job's final status. */
  readonly statusOf: (result: any) => unknown;
  readonly succeededStatus: unknown;
}

const FN = 'arn:aws:lambda:us-east-1:123456789012:function:check';

const CASES: Record<string, Case> = {
  BatchPollerJob: {
    build: (scope, id, options) => new BatchPollerJob(scope, id, {
      jobQueueArn: 'arn:aws:batch:us-east-1:123456789012:job-queue/q',
      jobDefinitionArn: 'arn:aws:batch:us-east-1:123456789012:job-definition/d:1',
      ...options,
    }),
    answer: (suffix, request, fail) => {
      if (suffix === 'Start job') return { JobId: 'job-1', JobName: request.JobName, JobArn: 'arn:aws:batch:us-east-1:123456789012:job/job-1' };
      const poll = fail ? { outcome: 'FAILED', nextPollSeconds: 30, cause: 'exit 1' } : { outcome: 'SUCCEEDED', nextPollSeconds: 30 };
      return { StatusCode: 200, Payload: { ...request.Payload.job, status: fail ? 'FAILED' : 'SUCCEEDED', poll } };
    },
    failedError: BatchPollerJob.JOB_FAILED,
    statusOf: (result) => result.status,
    succeededStatus: 'SUCCEEDED',
  },
  JobPoller: {
    build: (scope, id, options) => new JobPoller(scope, id, {
      start: { resource: 'arn:aws:states:::aws-sdk:glue:startJobRun', parameters: { JobName: 'etl' }, resultFields: { jobRunId: 'JobRunId' } },
      checkFunction: { functionArn: FN } as any,
      errorPrefix: 'Etl',
      cancelJobOnExecutionStop: false,
      ...options,
    }),
    answer: (suffix, request, fail) => {
      if (suffix === 'Start job') return { JobRunId: 'jr-1' };
      const poll = fail ? { outcome: 'FAILED', nextPollSeconds: 30, cause: 'broken' } : { outcome: 'SUCCEEDED', nextPollSeconds: 30 };
      return { StatusCode: 200, Payload: { ...request.Payload.job, status: fail ? 'FAILED' : 'SUCCEEDED', poll } };
    },
    failedError: 'Etl.JobFailed',
    statusOf: (result) => result.status,
    succeededStatus: 'SUCCEEDED',
  },
  GlueCrawlerPollerJob: {
    build: (scope, id, options) => new GlueCrawlerPollerJob(scope, id, { crawlerName: 'sales', ...options }),
    answer: (suffix, _request, fail) => (suffix === 'Start job' ? {} : {
      Crawler: { Name: 'sales', State: 'READY', LastCrawl: fail ? { Status: 'FAILED', ErrorMessage: 'broken' } : { Status: 'SUCCEEDED' } },
    }),
    failedError: GlueCrawlerPollerJob.JOB_FAILED,
    statusOf: (result) => result.status.Crawler.LastCrawl.Status,
    succeededStatus: 'SUCCEEDED',
  },
  GlueWorkflowPollerJob: {
    build: (scope, id, options) => new GlueWorkflowPollerJob(scope, id, { workflowName: 'nightly', ...options }),
    answer: (suffix, _request, fail) => (suffix === 'Start job' ? { RunId: 'wr-1' } : {
      Run: {
        Name: 'nightly',
        WorkflowRunId: 'wr-1',
        Status: 'COMPLETED',
        Statistics: { FailedActions: fail ? 1 : 0, ErroredActions: 0, TimeoutActions: 0 },
        ...(fail ? { ErrorMessage: 'broken' } : {}),
      },
    }),
    failedError: GlueWorkflowPollerJob.JOB_FAILED,
    statusOf: (result) => result.status.Run.Status,
    succeededStatus: 'COMPLETED',
  },
  SageMakerPipelinePollerJob: {
    build: (scope, id, options) => new SageMakerPipelinePollerJob(scope, id, { pipelineName: 'train', ...options }),
    answer: (suffix, _request, fail) => (suffix === 'Start job'
      ? { PipelineExecutionArn: 'arn:aws:sagemaker:us-east-1:123456789012:pipeline/train/execution/x1' }
      : { PipelineExecutionStatus: fail ? 'Failed' : 'Succeeded', ...(fail ? { FailureReason: 'broken' } : {}) }),
    failedError: SageMakerPipelinePollerJob.JOB_FAILED,
    statusOf: (result) => result.status.PipelineExecutionStatus,
    succeededStatus: 'Succeeded',
  },
  BedrockBatchInferencePollerJob: {
    build: (scope, id, options) => {
      const bucket = s3.Bucket.fromBucketName(scope, `${id}Bucket`, 'data');
      return new BedrockBatchInferencePollerJob(scope, id, {
        modelId: 'anthropic.claude-3-haiku-20240307-v1:0',
        input: tasks.S3Location.fromBucket(bucket, 'in/'),
        output: tasks.S3Location.fromBucket(bucket, 'out/'),
        ...options,
      });
    },
    answer: (suffix, _request, fail) => (suffix === 'Start job'
      ? { JobArn: 'arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/b1' }
      : { Status: fail ? 'Failed' : 'Completed', ...(fail ? { Message: 'broken' } : {}) }),
    failedError: BedrockBatchInferencePollerJob.JOB_FAILED,
    statusOf: (result) => result.status.Status,
    succeededStatus: 'Completed',
  },
};

/** A task handler answering each Task state of the pollers by the suffix of its name (`<poller>: Check job`). */
function handler(c: Case, fail = false) {
  return {
    handle: (inv: any) => ({ result: c.answer(inv.stateName.replace(/^.*: /, ''), inv.request, fail) }),
  };
}

const LANGUAGE = { JSONPath: sfn.QueryLanguage.JSON_PATH, JSONata: sfn.QueryLanguage.JSONATA } as const;

/** A state machine of `body(scope)` in `language`, its definition validated. */
function machine(language: keyof typeof LANGUAGE, body: (scope: Construct) => sfn.IChainable) {
  const stack = newTestStack();
  const stateMachine = new sfn.StateMachine(stack, 'StateMachine', {
    definitionBody: sfn.DefinitionBody.fromChainable(body(stack)),
    queryLanguage: LANGUAGE[language],
  });
  const definition = renderStateMachine(stack, stateMachine);
  expectValidAsl(definition);
  return { stack, stateMachine, definition };
}

const OUTPUTS = { finished: '{% $exists($states.result.poll) %}', kept: '{% $states.input.keep %}', result: '{% $states.result %}' };
const ASSIGN = { jobStatus: '{% $states.result.status %}', first: '{% $states.result.poll %}' };

describe.each(Object.entries(CASES))('%s', (_name, c) => {
  test('stateName names the poller\'s states and its result: two pollers with the same id in different scopes in one machine', async () => {
    // GIVEN two pollers with the construct id `Job`, in two scopes
    const { definition, stateMachine } = machine('JSONPath', (scope) => {
      const a = c.build(new Construct(scope, 'A'), 'Job', { stateName: 'First job' });
      const b = c.build(new Construct(scope, 'B'), 'Job', { stateName: 'Second job' });
      return a.next(b);
    });
    // THEN the states are named after stateName, the result goes to `$.<stateName>`
    expect(definition.StartAt).toBe('First job');
    expect(definition.States['First job']).toMatchObject({ Type: 'Parallel', Next: 'Second job', OutputPath: '$[0]' });
    expect(definition.States['Second job']).toMatchObject({ Type: 'Parallel', End: true });
    expect(Object.keys(definition.States['First job'].Branches[0].States).every((name) => name.startsWith('First job: '))).toBe(true);
    // WHEN executed
    const result = await Workflow.fromStateMachine(stateMachine).execute({ taskHandler: handler(c), input: { keep: 1 } });
    // THEN both ran, each result under its state name
    expect(result.status).toBe('SUCCEEDED');
    expect(result.output.keep).toBe(1);
    expect(c.statusOf(result.output.First_job)).toEqual(c.succeededStatus);
    expect(c.statusOf(result.output.Second_job)).toEqual(c.succeededStatus);
  });

  test('renaming the construct id changes nothing when stateName is kept', () => {
    // GIVEN / WHEN the same poller under two ids, with one stateName
    const render = (id: string) => machine('JSONPath', (scope) => c.build(scope, id, { stateName: 'Run it' })).definition;
    // THEN the definitions are the same (state names, result path and generated job-name prefixes)
    // (a helper resource's logical id, such as Bedrock's service role, follows the construct id, as CloudFormation's do)
    const ignoringLogicalIds = (definition: unknown) => JSON.stringify(definition).replace(/\$\{(Job|RenamedJob)[A-Za-z0-9]*\.Arn\}/g, '${Role.Arn}');
    expect(ignoringLogicalIds(render('Job'))).toEqual(ignoringLogicalIds(render('RenamedJob')));
  });

  test('comment goes on the poller\'s state, in both languages', () => {
    for (const language of ['JSONPath', 'JSONata'] as const) {
      const { definition } = machine(language, (scope) => c.build(scope, 'Job', { comment: 'Runs the nightly job' }));
      expect(definition.States.Job.Comment).toBe('Runs the nightly job');
    }
  });

  test('JSONata outputs and assign: exact ASL of the poller\'s state', () => {
    // GIVEN / WHEN
    const { definition } = machine('JSONata', (scope) => c.build(scope, 'Job', { outputs: OUTPUTS, assign: ASSIGN }));
    // THEN `$states.result` reads the poller's result (the branch output's `Job` field)
    const { Branches, ...state } = definition.States.Job;
    expect(Branches).toHaveLength(1);
    expect(state).toEqual({
      Type: 'Parallel',
      End: true,
      Output: {
        finished: '{% $exists($states.result[0].Job.poll) %}',
        kept: '{% $states.input.keep %}',
        result: '{% $states.result[0].Job %}',
      },
      Assign: { jobStatus: '{% $states.result[0].Job.status %}', first: '{% $states.result[0].Job.poll %}' },
    });
  });

  // Top level, and a Parallel inside a Map (both kinds of branch at once), in both languages.
  test.each(LANGUAGES.flatMap((l) => (['top', 'parallelInMap'] as const).map((p) => [l, p] as const)))('%s, %s: default output; outputs/assign (JSONata) executed; the job\'s failure caught', async (language, placement) => {
    // GIVEN the poller with a catcher, followed by a Pass that shows the variables (JSONata)
    const build = (with_: boolean) => (scope: Construct) => {
      const job = c.build(scope, 'Job', with_ ? { outputs: OUTPUTS, assign: ASSIGN } : {});
      job.addCatch(new sfn.Pass(scope, 'Caught'), language === 'JSONata'
        ? { errors: [c.failedError], outputs: { error: '{% $states.errorOutput.Error %}', input: '{% $states.input %}' }, assign: { failed: true } }
        : { errors: [c.failedError], resultPath: '$.error' });
      const show = language === 'JSONata' && with_
        ? sfn.Pass.jsonata(scope, 'Show', { outputs: { output: '{% $states.input %}', jobStatus: '{% $jobStatus %}', first: '{% $first %}' } })
        : new sfn.Pass(scope, 'Show');
      return sfn.Chain.start(job.next(show));
    };
    // WHEN it succeeds, with the default output
    const plain = await runPlaced(build(false), { language, placement, input: { keep: 1 }, taskHandler: handler(c) });
    // THEN the result is added to the input under the state name, in either language
    expect(plain.status).toBe('SUCCEEDED');
    expect(plain.output.keep).toBe(1);
    expect(c.statusOf(plain.output.Job)).toEqual(c.succeededStatus);
    if (language === 'JSONata') {
      // WHEN it succeeds with outputs and assign
      const run = await runPlaced(build(true), { language, placement, input: { keep: 1 }, taskHandler: handler(c) });
      // THEN the output is `outputs` over the poller's result, and the variables hold parts of it
      expect(run.status).toBe('SUCCEEDED');
      expect(run.output.output).toMatchObject({ finished: true, kept: 1 });
      expect(c.statusOf(run.output.output.result)).toEqual(c.succeededStatus);
      expect(run.output.jobStatus).toEqual(run.output.output.result.status);
      expect(run.output.first).toEqual(run.output.output.result.poll);
    }
    // WHEN the job fails
    const failed = await runPlaced(build(language === 'JSONata'), { language, placement, input: { keep: 1 }, taskHandler: handler(c, true) });
    // THEN the catcher gets the poller's error (JSONata: in $states.errorOutput; JSONPath: at the catch's resultPath)
    expect(failed.status).toBe('SUCCEEDED');
    const caught = failed.output;
    if (language === 'JSONata') {
      expect(caught).toEqual({ error: c.failedError, input: { keep: 1 } });
    } else {
      expect(caught.keep).toBe(1);
      expect(caught.error.Error).toBe(c.failedError);
    }
  });

  test.each(['top', 'nested'] as const)('JSONata, %s: a catch with resultPath is refused, naming it', (placement) => {
    expect(() => machine('JSONata', (scope) => {
      const job = c.build(scope, 'Job', {});
      job.addCatch(new sfn.Pass(scope, 'Caught'), { resultPath: '$.error' });
      return wrap(scope, job, placement);
    })).toThrow(/Job(\/Poller)?: addCatch resultPath must be unset in a state that renders JSONata \(ResultPath is a JSONPath field; .*got "\$\.error"/);
  });

  test.each(['top', 'nested'] as const)('JSONPath, %s: outputs, assign and a catch\'s outputs are refused, naming them', (placement) => {
    const build = (options: JobPollingBaseOptions, catchProps: sfn.CatchProps = {}) => () => machine('JSONPath', (scope) => {
      const job = c.build(scope, 'Job', options);
      if (Object.keys(catchProps).length > 0) job.addCatch(new sfn.Pass(scope, 'Caught'), catchProps);
      return wrap(scope, job, placement);
    });
    expect(build({ outputs: { a: 1 } })).toThrow(/Job(\/Poller)?: outputs must be unset in a state that renders JSONPath \(a JSONata-only field/);
    expect(build({ assign: { a: '{% $states.result %}' } })).toThrow(/Job(\/Poller)?: assign must be unset in a state that renders JSONPath/);
    expect(build({}, { outputs: { a: 1 } })).toThrow(/Job(\/Poller)?: addCatch outputs must be unset in a state that renders JSONPath/);
  });

  test.each(['top', 'nested'] as const)('JSONata, %s: resultPath is refused, naming it', (placement) => {
    expect(() => machine('JSONata', (scope) => wrap(scope, c.build(scope, 'Job', { resultPath: '$.out' }), placement)))
      .toThrow(/Job(\/Poller)?: resultPath must be unset in a state that renders JSONata \(a JSONPath-only field; use outputs or assign\); got "\$\.out"/);
  });
});

/** The state at the top level, or in a Parallel branch inside a Map item processor. */
function wrap(scope: Construct, inner: sfn.IChainable, placement: 'top' | 'nested'): sfn.IChainable {
  if (placement === 'nested') return new sfn.Map(scope, 'Each').itemProcessor(new sfn.Parallel(scope, 'Fan out').branch(inner));
  return inner;
}

describe('outputs and assign expressions', () => {
  const render = (options: JobPollingBaseOptions) => machine('JSONata', (scope) => CASES.GlueCrawlerPollerJob.build(scope, 'Crawl sales', options)).definition;

  test('`$states.result` is rewritten where it is a reference only: strings, `$states.input` and other variables are kept', () => {
    const definition = render({
      stateName: 'Crawl sales',
      outputs: '{% $merge([$states.input, {"crawl": $states.`result`.status, "text": "$states.result"}]) %}',
    });
    expect(definition.States['Crawl sales'].Output)
      .toBe('{% $merge([$states.input, {"crawl": $states.result[0].Crawl_sales.status, "text": "$states.result"}]) %}');
  });

  test('a JsonPath value in outputs is converted to JSONata; literals are kept', () => {
    const definition = render({ outputs: { from: sfn.JsonPath.stringAt('$.name'), n: 1 } });
    expect(definition.States['Crawl sales'].Output).toEqual({ from: '{% $states.input.name %}', n: 1 });
  });

  test('the whole $states object, and an expression that does not parse, are refused naming the prop', () => {
    expect(() => render({ outputs: { x: '{% $keys($states) %}' } })).toThrow(/Crawl sales\/Poller: outputs\.x must be an expression that reads \$states through its fields/);
    expect(() => render({ assign: { x: '{% $states.result.( %}' } })).toThrow(/TestStack\/Crawl sales: assign\.x must be a valid JSONata expression \(Expected "\)" before end of expression/);
  });
});

describe('stateName', () => {
  test('is refused when longer than 56 characters or empty, naming it', () => {
    const stack = new Stack();
    expect(() => new GlueCrawlerPollerJob(stack, 'A', { crawlerName: 'c', stateName: 'x'.repeat(57) })).toThrow(/A\/Poller: stateName must be a literal between 1 and 56 characters/);
    expect(() => new GlueCrawlerPollerJob(stack, 'B', { crawlerName: 'c', stateName: '' })).toThrow(/B\/Poller: stateName must be a literal between 1 and 56 characters/);
  });

  test('JobPoller: stateNamePrefix is its deprecated name; both given and different is refused', () => {
    const stack = new Stack();
    const props = {
      start: { resource: 'arn:aws:states:::aws-sdk:glue:startJobRun', parameters: {}, resultFields: { id: 'JobRunId' } },
      checkFunction: { functionArn: FN } as any,
      errorPrefix: 'Etl',
      cancelJobOnExecutionStop: false,
    };
    expect(new JobPoller(stack, 'A', { ...props, stateNamePrefix: 'Old' }).startState.stateId).toBe('Old');
    expect(() => new JobPoller(stack, 'B', { ...props, stateNamePrefix: 'Old', stateName: 'New' })).toThrow(/B: stateNamePrefix must be unset or equal to stateName/);
  });

  test('the generated job-name prefixes follow the state name, not the construct id', () => {
    const { definition } = machine('JSONPath', (scope) => CASES.BatchPollerJob.build(scope, 'Id', { stateName: 'Nightly report' }));
    expect(definition.States['Nightly report'].Branches[0].States['Nightly report: Start job'].Parameters.JobName).toBe('Nightly-report');
  });
});

test('README example ("Pollers are tasks"): rendered and executed offline in JSONata', async () => {
  // GIVEN the README's TypeScript example
  const stack = newTestStack();
  const crawl = new GlueCrawlerPollerJob(stack, 'Crawl', {
    crawlerName: 'sales-raw',
    stateName: 'Crawl sales',
    comment: 'Brings the sales tables up to date',
    outputs: { tables: '{% $states.input.tables %}', crawl: '{% $states.result.status.Crawler.LastCrawl %}' },
    assign: { crawlChecks: '{% $states.result.poll.checks %}' },
  });
  crawl.addCatch(new sfn.Pass(stack, 'Crawl failed'), {
    errors: GlueCrawlerPollerJob.ALL_ERRORS,
    outputs: { error: '{% $states.errorOutput.Error %}', tables: '{% $states.input.tables %}' },
  });
  const stateMachine = new sfn.StateMachine(stack, 'Catalog', {
    queryLanguage: sfn.QueryLanguage.JSONATA,
    definitionBody: sfn.DefinitionBody.fromChainable(crawl),
  });
  // WHEN
  const definition = renderStateMachine(stack, stateMachine);
  expectValidAsl(definition);
  const ok = await Workflow.fromStateMachine(stateMachine).execute({ taskHandler: handler(CASES.GlueCrawlerPollerJob), input: { tables: ['orders'] } });
  const failed = await Workflow.fromStateMachine(stateMachine).execute({ taskHandler: handler(CASES.GlueCrawlerPollerJob, true), input: { tables: ['orders'] } });
  // THEN
  const { Branches: _branches, ...state } = definition.States['Crawl sales'];
  expect(state).toEqual({
    Type: 'Parallel',
    Comment: 'Brings the sales tables up to date',
    End: true,
    Output: { tables: '{% $states.input.tables %}', crawl: '{% $states.result[0].Crawl_sales.status.Crawler.LastCrawl %}' },
    Assign: { crawlChecks: '{% $states.result[0].Crawl_sales.poll.checks %}' },
    Catch: [{
      ErrorEquals: GlueCrawlerPollerJob.ALL_ERRORS,
      Next: 'Crawl failed',
      Output: { error: '{% $states.errorOutput.Error %}', tables: '{% $states.input.tables %}' },
    }],
  });
  expect(ok.status).toBe('SUCCEEDED');
  expect(ok.output).toEqual({ tables: ['orders'], crawl: { Status: 'SUCCEEDED' } });
  expect(failed.output).toEqual({ error: GlueCrawlerPollerJob.JOB_FAILED, tables: ['orders'] });
});

/** The Task-based constructs: the same policy for query-language-specific fields. */
const TASKS: Record<string, (scope: Construct, extra: Record<string, unknown>) => sfn.TaskStateBase> = {
  SageMakerCreateProcessingJob: (scope, extra) => new SageMakerCreateProcessingJob(scope, 'Job', { ...helloWorldProps(), ...extra }),
  SageMakerCreateHyperParameterTuningJob: (scope, extra) => new SageMakerCreateHyperParameterTuningJob(scope, 'Job', { ...tuningProps(scope), ...extra }),
  SageMakerCreateLabelingJob: (scope, extra) => new SageMakerCreateLabelingJob(scope, 'Job', { ...labelingProps(scope), ...extra }),
  EcsCallbackTask: (scope, extra) => {
    const { cluster, taskDefinition } = fargateFixture(Stack.of(scope));
    return new EcsCallbackTask(scope, 'Job', { cluster, taskDefinition, launchTarget: new tasks.EcsFargateLaunchTarget(), ...extra });
  },
};

describe.each(Object.entries(TASKS))('%s: fields of the other query language are refused by name', (_name, build) => {
  test.each(['top', 'nested'] as const)('%s', (placement) => {
    type L = keyof typeof LANGUAGE;
    const synth = (language: L, extra: Record<string, unknown>, catchProps?: sfn.CatchProps) => () => machine(language, (scope) => {
      const task = build(scope, extra);
      if (catchProps) task.addCatch(new sfn.Pass(scope, 'Caught'), catchProps);
      return wrap(scope, task, placement);
    });
    // a JSONata catch with resultPath; a JSONPath catch or state with outputs
    expect(synth('JSONata', {}, { resultPath: '$.error' })).toThrow(/Job: addCatch resultPath must be unset in a state that renders JSONata/);
    expect(synth('JSONPath', {}, { outputs: { e: '{% $states.errorOutput %}' } })).toThrow(/Job: addCatch outputs must be unset in a state that renders JSONPath/);
    expect(synth('JSONPath', { outputs: { a: 1 } })).toThrow(/Job: outputs must be unset in a state that renders JSONPath \(a JSONata-only field/);
    // the compliant twins
    expect(synth('JSONata', {}, { outputs: { e: '{% $states.errorOutput %}' }, assign: { failed: true } })).not.toThrow();
    expect(synth('JSONPath', {}, { resultPath: '$.error' })).not.toThrow();
  });
});
