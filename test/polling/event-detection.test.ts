/**
 * `JobDetection.events()` at synthesis: the exact ASL of the round (`<prefix>: Wait for job event`, the net
 * `<prefix>: Wait`) in both query languages and both loops, the state machine role's `dynamodb:PutItem` on the token
 * table only, the history budget, and every refused combination.
 *
 * The round's resource: the AWS SDK integration with `.waitForTaskToken` (SDK integrations support request-response
 * and the callback pattern).
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/supported-services-awssdk.html
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazondynamodb.html (PutItem: table)
 */
import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import {
  BatchPollerJob,
  BedrockBatchInferencePollerJob,
  GlueCrawlerPollerJob,
  GlueWorkflowPollerJob,
  JobDetection,
  JobPoller,
  JobPollerProps,
  JobStateChangeEvent,
  SageMakerPipelinePollerJob,
  testing,
} from '../../src';
import { EVENTS, eventLoopCost, FUNCTION_LOOP, GROWTH_PERCENT, maxSupportedSeconds, pollCost, PollPolicy, sdkLoopCost } from '../../src/polling/private/interval';
import { JOB_EVENTS_ID } from '../../src/polling/private/job-events';
import { pollSchedule } from '../../src/polling/private/schedule';
import { branchStates, expectLeastPrivilegeIam, expectValidAsl, logicalIdOf, newTestStack, renderChainable, statementsForRole } from '../support';

const ACCOUNT = '123456789012';
const BATCH_EVENT: JobStateChangeEvent = {
  source: 'aws.batch', detailType: 'Batch Job State Change', jobField: 'jobId', statusField: 'status', terminalStatuses: ['SUCCEEDED', 'FAILED'], jobKey: 'jobId',
};
const QL = { JSONPath: sfn.QueryLanguage.JSON_PATH, JSONata: sfn.QueryLanguage.JSONATA } as const;

function checkFunction(scope: Construct): lambda.IFunction {
  return lambda.Function.fromFunctionArn(scope, 'CheckFn', `arn:aws:lambda:us-east-1:${ACCOUNT}:function:check`);
}

/** A JobPoller with a check function (Batch's submitJob, to keep it short). */
function functionPoller(scope: Construct, props: Partial<JobPollerProps> = {}): JobPoller {
  return new JobPoller(scope, 'Job', {
    errorPrefix: 'My',
    checkFunction: checkFunction(scope),
    start: { resource: 'arn:aws:states:::batch:submitJob', parameters: { JobName: 'x' }, resultFields: { jobId: 'JobId' } },
    detection: JobDetection.events({ event: BATCH_EVENT }),
    ...props,
  });
}

/** A JobPoller with an SDK check (a Glue job run). */
function sdkPoller(scope: Construct, props: Partial<JobPollerProps> = {}): JobPoller {
  return new JobPoller(scope, 'Job', {
    errorPrefix: 'My',
    start: { resource: 'arn:aws:states:::aws-sdk:glue:startJobRun', parameters: { JobName: 'etl' }, resultFields: { runId: 'JobRunId' } },
    sdkCheck: {
      jobDescription: 'Glue job run',
      call: { resource: 'arn:aws:states:::aws-sdk:glue:getJobRun', parameters: { JobName: 'etl' }, jobParameters: { RunId: 'runId' } },
      status: { statusField: 'JobRun.JobRunState', runningValues: ['RUNNING'], succeededValues: ['SUCCEEDED'] },
    },
    detection: JobDetection.events({
      event: { source: 'aws.glue', detailType: 'Glue Job State Change', jobField: 'jobRunId', statusField: 'state', terminalStatuses: ['SUCCEEDED', 'FAILED'], jobKey: 'runId' },
    }),
    cancelJobOnExecutionStop: false,
    ...props,
  });
}

function tableRef(stack: any): string {
  return `\${${logicalIdOf(stack.node.findChild(JOB_EVENTS_ID).node.findChild('Tokens'))}}`;
}

/** The round as rendered: JSONata always (marked so in a JSONPath state machine). */
function expectedRound(language: keyof typeof QL, table: string, seconds: string, check = 'Job: Check job', keyPrefix = 'aws.batch|Batch Job State Change|', job = '$states.input.Job.job.jobId') {
  return {
    ...(language === 'JSONPath' ? { QueryLanguage: 'JSONata' } : {}),
    Type: 'Task',
    Resource: 'arn:aws:states:::aws-sdk:dynamodb:putItem.waitForTaskToken',
    Arguments: {
      TableName: table,
      Item: {
        jobKey: { S: `{% '${keyPrefix}' & ${job} %}` },
        waiter: { S: "{% $states.context.Execution.Id & '|' & $states.context.State.Name %}" },
        token: { S: '{% $states.context.Task.Token %}' },
        expiresAt: { N: `{% $string($floor($toMillis($states.context.State.EnteredTime) / 1000) + ${seconds} + 3600) %}` },
      },
    },
    TimeoutSeconds: `{% ${seconds} %}`,
    Output: '{% $states.input %}',
    Next: check,
    Catch: [
      { ErrorEquals: ['States.Timeout'], Output: '{% $states.input %}', Next: check },
      { ErrorEquals: ['States.ALL'], Output: '{% $states.input %}', Next: 'Job: Wait' },
    ],
  };
}

describe('the round, exact ASL', () => {
  test.each(['JSONPath', 'JSONata'] as const)('%s, check function: Start → Wait for job event → Check job; the net Wait; a 10-second first round', (language) => {
    // GIVEN / WHEN
    const { definition, stack } = renderChainable((scope) => functionPoller(scope), { queryLanguage: QL[language] });

    // THEN
    expectValidAsl(definition);
    const states = branchStates(definition, 'Job');
    expect(states['Job: Wait for job event']).toEqual(expectedRound(language, tableRef(stack), '$states.input.Job.job.poll.nextPollSeconds'));
    expect(states['Job: Wait']).toEqual(language === 'JSONPath'
      ? { Type: 'Wait', SecondsPath: '$.Job.job.poll.nextPollSeconds', Next: 'Job: Check job' }
      : { Type: 'Wait', Seconds: '{% $states.input.Job.job.poll.nextPollSeconds %}', Next: 'Job: Check job' });
    expect(states['Job: Start job'].Next).toBe('Job: Wait for job event');
    expect(states['Job: Job finished?'].Choices[0].Next).toBe('Job: Wait for job event');
    if (language === 'JSONPath') {
      expect(states['Job: Start job'].ResultSelector.job.poll).toEqual({ outcome: 'RUNNING', nextPollSeconds: 10 });
    } else {
      expect(states['Job: Start job'].Output).toContain("'nextPollSeconds': 10");
    }
  });

  test.each(['JSONPath', 'JSONata'] as const)('%s, SDK check: the round reads poll.waitSeconds; the schedule starts with 10 seconds', (language) => {
    // GIVEN / WHEN
    const { definition, stack } = renderChainable((scope) => sdkPoller(scope), { queryLanguage: QL[language] });

    // THEN
    expectValidAsl(definition);
    const states = branchStates(definition, 'Job');
    expect(states['Job: Wait for job event']).toEqual(expectedRound(language, tableRef(stack), '$states.input.Job.poll.waitSeconds',
      'Job: Check job', 'aws.glue|Glue Job State Change|', '$states.input.Job.job.runId'));
    expect(states['Job: Wait']).toEqual(language === 'JSONPath'
      ? { Type: 'Wait', SecondsPath: '$.Job.poll.waitSeconds', Next: 'Job: Check job' }
      : { Type: 'Wait', Seconds: '{% $states.input.Job.poll.waitSeconds %}', Next: 'Job: Check job' });
    const schedule = pollSchedule({ pollIntervalSeconds: 30, maxPollIntervalSeconds: 3600, growthPercent: GROWTH_PERCENT }, 10);
    expect(schedule.waits.slice(0, 3)).toEqual([10, 30, 30]);
    if (language === 'JSONPath') {
      expect(states['Job: Start job'].ResultSelector.poll).toEqual({ index: 0, checks: 0, elapsedSeconds: 0, waitSeconds: 10 });
      expect(states['Job: Check job'].ResultSelector.poll['waitSeconds.$']).toContain(`States.Array(${schedule.waits.join(', ')})`);
    }
  });

  test('pollInterval under 10 seconds: the first round is pollInterval', () => {
    const { definition } = renderChainable((scope) => functionPoller(scope, { pollInterval: Duration.seconds(4) }));
    expect(branchStates(definition, 'Job')['Job: Start job'].ResultSelector.job.poll.nextPollSeconds).toBe(4);
  });

  test('polling (the default, and JobDetection.polling()) renders the Wait as before, and no token table', () => {
    for (const detection of [undefined, JobDetection.polling()]) {
      const { definition, stack } = renderChainable((scope) => functionPoller(scope, { detection }));
      const states = branchStates(definition, 'Job');
      expect(states['Job: Wait for job event']).toBeUndefined();
      expect(states['Job: Start job'].Next).toBe('Job: Wait');
      expect(states['Job: Start job'].ResultSelector.job.poll.nextPollSeconds).toBe(30);
      expect(stack.node.tryFindChild(JOB_EVENTS_ID)).toBeUndefined();
    }
  });

  test('the four waits render their own event\'s key', () => {
    const cases: Array<[string, (scope: Construct) => sfn.IChainable, string]> = [
      ['Batch', (scope) => new BatchPollerJob(scope, 'Job', { jobQueueArn: `arn:aws:batch:us-east-1:${ACCOUNT}:job-queue/q`, jobDefinitionArn: `arn:aws:batch:us-east-1:${ACCOUNT}:job-definition/d`, detection: JobDetection.events() }),
        "{% 'aws.batch|Batch Job State Change|' & $states.input.Job.job.jobId %}"],
      ['Crawler', (scope) => new GlueCrawlerPollerJob(scope, 'Job', { crawlerName: 'sales', detection: JobDetection.events() }),
        "{% 'aws.glue|Glue Crawler State Change|' & $states.input.Job.job.crawlerName %}"],
      ['Pipeline', (scope) => new SageMakerPipelinePollerJob(scope, 'Job', { pipelineName: 'train', detection: JobDetection.events() }),
        "{% 'aws.sagemaker|SageMaker Model Building Pipeline Execution Status Change|' & $states.input.Job.job.executionArn %}"],
      ['Bedrock', (scope) => bedrock(scope, JobDetection.events()),
        "{% 'aws.bedrock|Batch Inference Job State Change|' & $states.input.Job.job.jobArn %}"],
    ];
    for (const [, build, key] of cases) {
      const { definition } = renderChainable(build);
      expectValidAsl(definition);
      expect(branchStates(definition, 'Job')['Job: Wait for job event'].Arguments.Item.jobKey).toEqual({ S: key });
    }
  });
});

function bedrock(scope: Construct, detection: JobDetection) {
  const bucket = s3.Bucket.fromBucketName(scope, 'Bucket', 'prompts');
  return new BedrockBatchInferencePollerJob(scope, 'Job', {
    modelId: 'anthropic.claude-3-haiku-20240307-v1:0',
    input: tasks.S3Location.fromBucket(bucket, 'in/'),
    output: tasks.S3Location.fromBucket(bucket, 'out/'),
    detection,
  });
}

describe('IAM', () => {
  test('the state machine role: dynamodb:PutItem on the stack\'s token table, and nothing else of DynamoDB', async () => {
    // GIVEN / WHEN
    const { stack, stateMachine } = renderChainable((scope) => functionPoller(scope));

    // THEN
    const table = stack.node.findChild(JOB_EVENTS_ID).node.findChild('Tokens');
    const dynamo = statementsForRole(stack, stateMachine).filter((s) => s.Action!.some((a) => a.startsWith('dynamodb:')));
    expect(dynamo).toEqual([expect.objectContaining({
      Effect: 'Allow',
      Action: ['dynamodb:PutItem'],
      Resource: { 'Fn::GetAtt': [logicalIdOf(table), 'Arn'] },
    })]);
    await expectLeastPrivilegeIam(stack);
  });

  test('a table of the user\'s: the items go there, PutItem on its ARN only', () => {
    // GIVEN
    const stack = newTestStack();
    const table = dynamodb.Table.fromTableArn(stack, 'Mine', `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/my-tokens`);

    // WHEN
    const { definition, stateMachine } = renderChainable(functionPoller(stack, { detection: JobDetection.events({ event: BATCH_EVENT, table }) }));

    // THEN
    expect(branchStates(definition, 'Job')['Job: Wait for job event'].Arguments.TableName).toBe('my-tokens');
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Action: 'dynamodb:PutItem', Resource: `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/my-tokens` })]),
      },
    });
    const dynamo = statementsForRole(stack, stateMachine).filter((s) => s.Action!.some((a) => a.startsWith('dynamodb:')));
    expect(dynamo.map((s) => s.Resource)).toEqual([`arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/my-tokens`]);
  });
});

describe('history budget', () => {
  const policy: PollPolicy = { pollIntervalSeconds: 30, maxPollIntervalSeconds: 3600, growthPercent: GROWTH_PERCENT };

  test('a round counts at its worst: 7 events (the PutItem failed, 5, and the net Wait, 2); one transition more', () => {
    const loop = eventLoopCost(FUNCTION_LOOP, policy);
    expect(loop).toEqual({ ...FUNCTION_LOOP, pollEvents: 9 - 2 + 7, pollTransitions: 3 - 1 + 2, firstWaitSeconds: 10 });
    expect(EVENTS.eventWait).toBe(6);
    expect(eventLoopCost(sdkLoopCost(true), policy).extraStartEvents).toBe(2);
  });

  test('maxJobDuration is shorter with events (more history per round), and computed with the event loop', () => {
    const stack = newTestStack();
    const events = functionPoller(stack);
    const polling = functionPoller(new Construct(stack, 'Other'), { detection: JobDetection.polling() });
    expect(events.maxJobDuration.toSeconds()).toBe(maxSupportedSeconds(policy, eventLoopCost(FUNCTION_LOOP, policy)));
    expect(events.maxJobDuration.toSeconds()).toBeLessThan(polling.maxJobDuration.toSeconds());
  });

  test('a timeout that fits polling but not events is refused with events', () => {
    const tight: PollPolicy = { ...policy, maxPollIntervalSeconds: 60 };
    const fitsPolling = maxSupportedSeconds(tight, FUNCTION_LOOP);
    const fitsEvents = maxSupportedSeconds(tight, eventLoopCost(FUNCTION_LOOP, tight));
    expect(fitsEvents).toBeLessThan(fitsPolling);
    const timeout = Duration.seconds(fitsEvents + 3600);
    expect(() => functionPoller(newTestStack(), { maxPollInterval: Duration.seconds(60), timeout, detection: JobDetection.polling() })).not.toThrow();
    expect(() => functionPoller(newTestStack(), { maxPollInterval: Duration.seconds(60), timeout }))
      .toThrow(/Job: timeout must be at most .* history events; a Standard execution allows 25000/);
  });

  test.each([
    ['the token returns', { result: {}, durationSeconds: 3 }, ['TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskSubmitted', 'TaskSucceeded', 'TaskStateExited']],
    // caught: no TaskStateExited
    ['the round times out', { durationSeconds: 1e9 }, ['TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskSubmitted', 'TaskTimedOut']],
    ['the PutItem fails (then the net Wait)', { error: 'DynamoDb.InternalServerErrorException' },
      ['TaskStateEntered', 'TaskScheduled', 'TaskStarted', 'TaskSubmitted', 'TaskFailed', 'WaitStateEntered', 'WaitStateExited']],
  ])('the executor records a round as the cost counts it (at most 7 events): %s', async (_case, answer, expected) => {
    // GIVEN
    const { definition } = renderChainable((scope) => functionPoller(scope));

    // WHEN the job has ended at the first check
    const result = await testing.Workflow.fromDefinition(definition).execute({
      input: {},
      taskHandler: {
        handle: (inv) => (inv.stateName === 'Job: Start job' ? { result: { JobId: 'j' } }
          : inv.stateName === 'Job: Wait for job event' ? answer
            : { result: { Payload: { jobId: 'j', poll: { outcome: 'SUCCEEDED', nextPollSeconds: 1 } } } }),
      },
    });

    // THEN the round's events, between the start's TaskStateExited and the check's TaskStateEntered
    const types = result.history.map((e: any) => e.type);
    const from = types.indexOf('TaskStateExited') + 1;
    const to = types.indexOf('TaskStateEntered', from + 1);
    expect(types.slice(from, to)).toEqual(expected);
    expect(expected.length).toBeLessThanOrEqual(Math.max(EVENTS.eventWait, EVENTS.eventWaitNet));
    // the whole run, counted with the round's worst case, bounds the history
    expect(types.length).toBeLessThanOrEqual(pollCost(policy, 1, { loop: eventLoopCost(FUNCTION_LOOP, policy) }).events);
  });
});

describe('refused', () => {
  test('JobPoller with events() and no event', () => {
    expect(() => functionPoller(newTestStack(), { detection: JobDetection.events() }))
      .toThrow(/Job: detection.event must be given for a JobPoller .*; got undefined/);
  });

  test.each([
    ['source', { source: '' }, /detection.event.source must be a non-empty literal string/],
    ['detailType', { detailType: 3 }, /detection.event.detailType must be a non-empty literal string/],
    ['jobField', { jobField: '$.detail.jobId' }, /detection.event.jobField must be a dotted path of detail field names/],
    ['statusField', { statusField: 'a..b' }, /detection.event.statusField must be a dotted path/],
    ['terminalStatuses', { terminalStatuses: [] }, /detection.event.terminalStatuses must be a list of at least one non-empty status/],
    ['jobKey', { jobKey: 'jobArn' }, /detection.event.jobKey must be a key of the job \(start.resultFields or start.jobValues: jobId\); got "jobArn"/],
  ])('JobPoller event.%s invalid', (_prop, change, error) => {
    const event = { ...BATCH_EVENT, ...change } as any;
    expect(() => functionPoller(newTestStack(), { detection: JobDetection.events({ event }) })).toThrow(error);
  });

  test('detection that is not a JobDetection (plain JavaScript)', () => {
    expect(() => functionPoller(newTestStack(), { detection: 'events' as any })).toThrow(/Job: detection must be an object; got "events"/);
    expect(() => functionPoller(newTestStack(), { detection: {} as any })).toThrow(/Job: detection must be a JobDetection/);
  });

  test('a table that is not a table', () => {
    expect(() => functionPoller(newTestStack(), { detection: JobDetection.events({ event: BATCH_EVENT, table: { tableName: 'x' } as any }) }))
      .toThrow(/Job: detection.table must be a DynamoDB table/);
  });

  test.each([
    ['BatchPollerJob', (scope: Construct, d: JobDetection) => new BatchPollerJob(scope, 'Job', { jobQueueArn: `arn:aws:batch:us-east-1:${ACCOUNT}:job-queue/q`, jobDefinitionArn: `arn:aws:batch:us-east-1:${ACCOUNT}:job-definition/d`, detection: d }), 'Batch Job State Change'],
    ['GlueCrawlerPollerJob', (scope: Construct, d: JobDetection) => new GlueCrawlerPollerJob(scope, 'Job', { crawlerName: 'sales', detection: d }), 'Glue Crawler State Change'],
    ['SageMakerPipelinePollerJob', (scope: Construct, d: JobDetection) => new SageMakerPipelinePollerJob(scope, 'Job', { pipelineName: 'train', detection: d }), 'SageMaker Model Building Pipeline Execution Status Change'],
    ['BedrockBatchInferencePollerJob', (scope: Construct, d: JobDetection) => bedrock(scope, d), 'Batch Inference Job State Change'],
  ])('%s refuses an event of the user\'s (it knows its own)', (name, build, detailType) => {
    expect(() => build(newTestStack(), JobDetection.events({ event: BATCH_EVENT })))
      .toThrow(new RegExp(`Job: detection.event must be unset \\(${name} waits for its service's own event, "${detailType}"`));
    expect(() => build(newTestStack(), JobDetection.events())).not.toThrow();
  });

  test('GlueWorkflowPollerJob refuses events(): Glue sends no workflow-run event', () => {
    expect(() => new GlueWorkflowPollerJob(newTestStack(), 'Flow', { workflowName: 'nightly', detection: JobDetection.events() }))
      .toThrow(/Flow: detection must be JobDetection.polling\(\) \(Glue sends no EventBridge event when a workflow run ends\); got "JobDetection.events\(\)"/);
    expect(() => new GlueWorkflowPollerJob(newTestStack(), 'Flow', { workflowName: 'nightly', detection: JobDetection.polling() })).not.toThrow();
  });
});

test('a user table is used as given; the policy holds no expression text', () => {
  const stack = newTestStack();
  const table = new dynamodb.Table(stack, 'Tokens', { partitionKey: { name: 'jobKey', type: dynamodb.AttributeType.STRING }, sortKey: { name: 'waiter', type: dynamodb.AttributeType.STRING } });
  const { stateMachine } = renderChainable(functionPoller(stack, { detection: JobDetection.events({ event: BATCH_EVENT, table }) }));
  const policies = JSON.stringify(Template.fromStack(stack).findResources('AWS::IAM::Policy'));
  expect(policies).not.toMatch(/\{%|\$\./);
  expect(statementsForRole(stack, stateMachine).filter((s) => s.Action!.includes('dynamodb:PutItem')).map((s) => s.Resource))
    .toEqual([{ 'Fn::GetAtt': [logicalIdOf(table), 'Arn'] }]);
  void iam;
});

test('README example ("Event-driven waits"): synthesizes to valid ASL, both rounds in it', () => {
  // GIVEN the README's TypeScript example, as written
  const stack = newTestStack();
  const scope: Construct = stack;
  const crawl = new GlueCrawlerPollerJob(scope, 'Crawl', { crawlerName: 'sales-raw', detection: JobDetection.events() });
  const etl = new JobPoller(scope, 'Etl', {
    errorPrefix: 'Etl',
    start: { resource: 'arn:aws:states:::aws-sdk:glue:startJobRun', parameters: { JobName: 'etl' }, resultFields: { runId: 'JobRunId' } },
    sdkCheck: {
      jobDescription: 'Glue job run',
      call: { resource: 'arn:aws:states:::aws-sdk:glue:getJobRun', parameters: { JobName: 'etl' }, jobParameters: { RunId: 'runId' } },
      status: {
        statusField: 'JobRun.JobRunState',
        runningValues: ['STARTING', 'RUNNING', 'STOPPING', 'WAITING'],
        succeededValues: ['SUCCEEDED'],
        reasonField: 'JobRun.ErrorMessage',
      },
    },
    detection: JobDetection.events({
      event: {
        source: 'aws.glue',
        detailType: 'Glue Job State Change',
        jobField: 'jobRunId',
        statusField: 'state',
        terminalStatuses: ['SUCCEEDED', 'FAILED', 'TIMEOUT', 'STOPPED'],
        jobKey: 'runId',
      },
    }),
    cancelJobOnExecutionStop: false,
  });

  // WHEN
  const { definition } = renderChainable(crawl.next(etl));

  // THEN
  expectValidAsl(definition);
  expect(branchStates(definition, 'Crawl')['Crawl: Wait for job event'].Arguments.Item.jobKey.S).toContain('aws.glue|Glue Crawler State Change|');
  expect(branchStates(definition, 'Etl')['Etl: Wait for job event'].Arguments.Item.jobKey.S).toContain('aws.glue|Glue Job State Change|');
  expect(stack.node.findAll().filter((c) => c.node.id === JOB_EVENTS_ID)).toHaveLength(1); // one resume path per stack
});
