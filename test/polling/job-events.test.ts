import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import {
  INCOMPLETE_ERROR,
  QUERY_PAGE_SIZE,
  resumeDefinition,
  TOKEN_ENDED_ERRORS,
  TOKEN_REPLACED_ERROR,
} from '../../src/polling/private/job-event-definition';
import {
  BATCH_JOB_EVENTS,
  BEDROCK_BATCH_INFERENCE_EVENTS,
  findJobEventResume,
  GLUE_CRAWLER_EVENTS,
  JOB_EVENTS_ID,
  JobEventResume,
  JobEventSource,
  jobKeyPrefix,
  registerJobEventWait,
  SAGEMAKER_PIPELINE_EVENTS,
  TOKEN_TABLE,
} from '../../src/polling/private/job-events';
import {
  expectLeastPrivilegeIam,
  expectNoExpressionInIamArns,
  expectNoNagFindings,
  expectValidAsl,
  jobEventsAcknowledgements,
  logicalIdOf,
  newTestStack,
  renderStateMachine,
  runWorkflow,
  statementsForRole,
  taskError,
  TEST_ENV,
} from '../support';

const WAIT_RESOURCE = 'arn:aws:states:::aws-sdk:dynamodb:putItem.waitForTaskToken';

/** A stand-in for the waiting side's round: a Task that stores its token and waits for it. */
function waitState(scope: Construct, id: string): sfn.CustomState {
  return new sfn.CustomState(scope, id, {
    stateJson: {
      Type: 'Task',
      Resource: WAIT_RESOURCE,
      Parameters: { TableName: 'tokens', Item: { token: { 'S.$': '$$.Task.Token' } } },
      TimeoutSeconds: 60,
    },
  });
}

/** Registers a wait state for `source` and returns it (not yet in a state machine). */
function registeredWait(scope: Construct, id: string, source: JobEventSource = BATCH_JOB_EVENTS, table?: dynamodb.ITable): sfn.CustomState {
  const state = waitState(scope, id);
  registerJobEventWait(state, { source, waitState: state, table });
  return state;
}

function machine(scope: Construct, id: string, definition: sfn.IChainable, queryLanguage?: sfn.QueryLanguage): sfn.StateMachine {
  return new sfn.StateMachine(scope, id, { definitionBody: sfn.DefinitionBody.fromChainable(definition), queryLanguage });
}

function resumeOf(stack: Stack): JobEventResume {
  const resume = findJobEventResume(stack);
  if (!resume) throw new Error('no resume path');
  return resume;
}

function getAtt(construct: Construct, attribute = 'Arn') {
  return { 'Fn::GetAtt': [logicalIdOf(construct), attribute] };
}

function rulesOf(stack: Stack): any[] {
  return Object.values(Template.fromStack(stack).findResources('AWS::Events::Rule'));
}

describe('the four services\' events, as their EventBridge pages give them', () => {
  test('Batch: https://docs.aws.amazon.com/batch/latest/userguide/batch_job_events.html', () => {
    expect(BATCH_JOB_EVENTS).toEqual({ source: 'aws.batch', detailType: 'Batch Job State Change', jobField: 'jobId', statusField: 'status', terminalStatuses: ['SUCCEEDED', 'FAILED'] });
  });

  test('Glue crawlers: https://docs.aws.amazon.com/glue/latest/dg/automating-awsglue-with-cloudwatch-events.html', () => {
    expect(GLUE_CRAWLER_EVENTS).toEqual({ source: 'aws.glue', detailType: 'Glue Crawler State Change', jobField: 'crawlerName', statusField: 'state', terminalStatuses: ['Succeeded', 'Failed'] });
  });

  test('SageMaker pipelines: https://docs.aws.amazon.com/sagemaker/latest/dg/automating-sagemaker-with-eventbridge.html', () => {
    expect(SAGEMAKER_PIPELINE_EVENTS).toEqual({
      source: 'aws.sagemaker',
      detailType: 'SageMaker Model Building Pipeline Execution Status Change',
      jobField: 'pipelineExecutionArn',
      statusField: 'currentPipelineExecutionStatus',
      terminalStatuses: ['Succeeded', 'Failed', 'Stopped'],
    });
  });

  test('Bedrock batch inference (batchJobArn, not jobArn): https://docs.aws.amazon.com/bedrock/latest/userguide/monitoring-eventbridge-how-it-works.html', () => {
    expect(BEDROCK_BATCH_INFERENCE_EVENTS).toEqual({
      source: 'aws.bedrock',
      detailType: 'Batch Inference Job State Change',
      jobField: 'batchJobArn',
      statusField: 'status',
      terminalStatuses: ['Completed', 'PartiallyCompleted', 'Failed', 'Stopped', 'Expired'],
    });
  });

  test('job keys start with the source and detail-type', () => {
    expect(jobKeyPrefix(GLUE_CRAWLER_EVENTS)).toBe('aws.glue|Glue Crawler State Change|');
  });
});

describe('the resume path: one per stack', () => {
  test('nothing until a wait registers', () => {
    // GIVEN
    const stack = newTestStack();

    // WHEN
    machine(stack, 'Pipeline', waitState(stack, 'Wait'));

    // THEN
    expect(findJobEventResume(stack)).toBeUndefined();
    Template.fromStack(stack).resourceCountIs('AWS::Events::Rule', 0);
  });

  test('one Express state machine, one queue, one log group and one table for every wait of the stack', () => {
    // GIVEN
    const stack = newTestStack();

    // WHEN
    const waits = [BATCH_JOB_EVENTS, GLUE_CRAWLER_EVENTS, SAGEMAKER_PIPELINE_EVENTS, BEDROCK_BATCH_INFERENCE_EVENTS, BATCH_JOB_EVENTS]
      .map((source, i) => registeredWait(stack, `Wait${i}`, source));
    machine(stack, 'Pipeline', sfn.Chain.start(waits[0]).next(waits[1]).next(waits[2]).next(waits[3]).next(waits[4]));

    // THEN
    const template = Template.fromStack(stack);
    expect(resumeOf(stack).node.id).toBe(JOB_EVENTS_ID);
    expect(resumeOf(stack).node.scope).toBe(stack);
    template.resourceCountIs('AWS::StepFunctions::StateMachine', 2);
    template.resourcePropertiesCountIs('AWS::StepFunctions::StateMachine', { StateMachineType: 'EXPRESS' }, 1);
    template.resourceCountIs('AWS::SQS::Queue', 1);
    template.resourceCountIs('AWS::Logs::LogGroup', 1);
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    template.resourceCountIs('AWS::Events::Rule', 4);
  });

  test('the token table: on demand, TTL on expiresAt, encrypted, destroyed with the stack (a token cache)', () => {
    // GIVEN
    const stack = newTestStack();

    // WHEN
    registeredWait(stack, 'Wait');

    // THEN
    Template.fromStack(stack).hasResource('AWS::DynamoDB::Table', {
      Properties: {
        KeySchema: [{ AttributeName: 'jobKey', KeyType: 'HASH' }, { AttributeName: 'waiter', KeyType: 'RANGE' }],
        AttributeDefinitions: [{ AttributeName: 'jobKey', AttributeType: 'S' }, { AttributeName: 'waiter', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
        SSESpecification: { SSEEnabled: true },
      },
      DeletionPolicy: 'Delete',
      UpdateReplacePolicy: 'Delete',
    });
  });

  test('the Express machine logs every step to its log group, without execution data (no task token in the logs)', () => {
    // GIVEN
    const stack = newTestStack();

    // WHEN
    registeredWait(stack, 'Wait');

    // THEN
    const resume = resumeOf(stack);
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'EXPRESS',
      LoggingConfiguration: {
        Level: 'ALL',
        IncludeExecutionData: false,
        Destinations: [{ CloudWatchLogsLogGroup: { LogGroupArn: getAtt(resume.logGroup) } }],
      },
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: Match.stringLikeRegexp('^/aws/vendedlogs/states/'),
      RetentionInDays: 30,
    });
  });

  test('the dead-letter queue: encrypted, TLS only, kept 14 days', () => {
    // GIVEN
    const stack = newTestStack();

    // WHEN
    registeredWait(stack, 'Wait');

    // THEN
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 24 * 3600 });
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({
            Effect: 'Allow',
            Action: 'sqs:SendMessage',
            Principal: { Service: 'events.amazonaws.com' },
            Condition: { ArnEquals: { 'aws:SourceArn': getAtt(resumeOf(stack).eventRules[0]) } },
          }),
        ]),
      },
    });
  });
});

describe('rules: the terminal events of each source → the Express machine', () => {
  test.each([
    [BATCH_JOB_EVENTS, { jobId: [{ exists: true }], status: ['SUCCEEDED', 'FAILED'] }, 'jobId'],
    [GLUE_CRAWLER_EVENTS, { crawlerName: [{ exists: true }], state: ['Succeeded', 'Failed'] }, 'crawlerName'],
    [SAGEMAKER_PIPELINE_EVENTS, { pipelineExecutionArn: [{ exists: true }], currentPipelineExecutionStatus: ['Succeeded', 'Failed', 'Stopped'] }, 'pipelineExecutionArn'],
    [BEDROCK_BATCH_INFERENCE_EVENTS, { batchJobArn: [{ exists: true }], status: ['Completed', 'PartiallyCompleted', 'Failed', 'Stopped', 'Expired'] }, 'batchJobArn'],
  ])('%j: pattern, input transformer, retries and dead-letter queue, exactly', (source, detail, field) => {
    // GIVEN
    const stack = newTestStack();

    // WHEN
    registeredWait(stack, 'Wait', source);

    // THEN
    const resume = resumeOf(stack);
    const [rule] = rulesOf(stack);
    expect(rule.Properties.EventPattern).toEqual({ 'source': [source.source], 'detail-type': [source.detailType], detail });
    expect(rule.Properties.State).toBe('ENABLED');
    expect(rule.Properties.Targets).toEqual([{
      Id: 'Target0',
      Arn: { Ref: logicalIdOf(resume.stateMachine) },
      RoleArn: expect.objectContaining({ 'Fn::GetAtt': [expect.stringMatching(/EventsRole/), 'Arn'] }),
      RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 7200 },
      DeadLetterConfig: { Arn: getAtt(resume.deadLetterQueue) },
      InputTransformer: {
        InputPathsMap: { [`detail-${field}`]: `$.detail.${field}` },
        InputTemplate: {
          'Fn::Join': ['', [
            `{"jobKeyPrefix":"${source.source}|${source.detailType}|","jobId":<detail-${field}>,"tableName":"`,
            { Ref: logicalIdOf(resume.defaultTable) },
            '"}',
          ]],
        },
      },
    }]);
  });

  test('two waits on the same source and table share a rule; a custom source adds its statuses to it', () => {
    // GIVEN
    const stack = newTestStack();

    // WHEN
    registeredWait(stack, 'Train', BATCH_JOB_EVENTS);
    registeredWait(stack, 'Eval', BATCH_JOB_EVENTS);
    registeredWait(stack, 'Custom', { ...BATCH_JOB_EVENTS, terminalStatuses: ['FAILED', 'RUNNABLE'] });

    // THEN
    const rules = rulesOf(stack);
    expect(rules).toHaveLength(1);
    expect(rules[0].Properties.EventPattern.detail).toEqual({ jobId: [{ exists: true }], status: ['SUCCEEDED', 'FAILED', 'RUNNABLE'] });
  });

  test('a user table gets its own rule and input; a stack whose waits all use user tables has no table of its own', () => {
    // GIVEN
    const stack = newTestStack();
    const mine = new dynamodb.Table(stack, 'MyTokens', {
      partitionKey: { name: 'jobKey', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'waiter', type: dynamodb.AttributeType.STRING },
    });
    const imported = dynamodb.Table.fromTableName(stack, 'Imported', 'shared-tokens');

    // WHEN
    registeredWait(stack, 'A', GLUE_CRAWLER_EVENTS, mine);
    registeredWait(stack, 'B', GLUE_CRAWLER_EVENTS, imported);

    // THEN
    Template.fromStack(stack).resourceCountIs('AWS::DynamoDB::Table', 1);
    const templates = rulesOf(stack).map((r) => r.Properties.Targets[0].InputTransformer.InputTemplate);
    expect(templates).toEqual([
      { 'Fn::Join': ['', ['{"jobKeyPrefix":"aws.glue|Glue Crawler State Change|","jobId":<detail-crawlerName>,"tableName":"', { Ref: logicalIdOf(mine) }, '"}']] },
      '{"jobKeyPrefix":"aws.glue|Glue Crawler State Change|","jobId":<detail-crawlerName>,"tableName":"shared-tokens"}',
    ]);
  });

  test('nested fields (a dotted path): a nested pattern and input path', () => {
    // GIVEN
    const stack = newTestStack();
    const source: JobEventSource = { source: 'my.app', detailType: 'Export Finished', jobField: 'job.id', statusField: 'job.state', terminalStatuses: ['DONE'] };

    // WHEN
    registeredWait(stack, 'Wait', source);

    // THEN
    const [rule] = rulesOf(stack);
    expect(rule.Properties.EventPattern.detail).toEqual({ job: { id: [{ exists: true }], state: ['DONE'] } });
    expect(rule.Properties.Targets[0].InputTransformer.InputPathsMap).toEqual({ 'detail-job-id': '$.detail.job.id' });
  });
});

describe('IAM', () => {
  function pipelineStack(queryLanguage?: sfn.QueryLanguage) {
    const stack = newTestStack();
    const top = registeredWait(stack, 'Top');
    const inParallel = registeredWait(stack, 'InParallel', GLUE_CRAWLER_EVENTS);
    const inMap = registeredWait(stack, 'InMap', SAGEMAKER_PIPELINE_EVENTS);
    const parallel = new sfn.Parallel(stack, 'Par').branch(inParallel);
    const map = new sfn.Map(stack, 'Each').itemProcessor(inMap);
    const pipeline = machine(stack, 'Pipeline', sfn.Chain.start(top).next(parallel).next(map), queryLanguage);
    const other = machine(stack, 'Other', new sfn.Pass(stack, 'Nothing'));
    return { stack, pipeline, other };
  }

  test.each([
    ['JSONPath', sfn.QueryLanguage.JSON_PATH],
    ['JSONata', sfn.QueryLanguage.JSONATA],
  ])('%s: the Express role answers exactly the state machines holding a wait (at the top, in Parallel, in Map), and queries and deletes in the table only', (_name, language) => {
    // GIVEN
    const { stack, pipeline } = pipelineStack(language);

    // WHEN
    const statements = statementsForRole(stack, resumeOf(stack).stateMachine);

    // THEN
    const resume = resumeOf(stack);
    expect(statements).toEqual(expect.arrayContaining([
      expect.objectContaining({ Effect: 'Allow', Action: ['dynamodb:Query', 'dynamodb:DeleteItem'], Resource: getAtt(resume.defaultTable) }),
      expect.objectContaining({ Effect: 'Allow', Action: ['states:SendTaskSuccess'], Resource: getAtt(pipeline) }),
    ]));
    // Nothing else but the log delivery actions aws-cdk-lib adds for the log group.
    const others = statements.filter((s) => !['dynamodb:Query', 'states:SendTaskSuccess'].includes(s.Action![0]));
    expect(others.flatMap((s) => s.Action ?? [])).toEqual(expect.arrayContaining(['logs:CreateLogDelivery']));
    expect(others.every((s) => s.Action!.every((a) => a.startsWith('logs:')))).toBe(true);
  });

  test('the events role may start the Express machine, and nothing else', () => {
    // GIVEN
    const { stack } = pipelineStack();

    // WHEN
    const resume = resumeOf(stack);
    const roleId = rulesOf(stack)[0].Properties.Targets[0].RoleArn['Fn::GetAtt'][0];

    // THEN
    expect(statementsForRole(stack, roleId)).toEqual([
      expect.objectContaining({ Effect: 'Allow', Action: ['states:StartExecution'], Resource: { Ref: logicalIdOf(resume.stateMachine) } }),
    ]);
  });

  test('least privilege: every action exists, "*" only for the log delivery actions that accept nothing else; no expression in an ARN', async () => {
    // GIVEN
    const { stack } = pipelineStack();

    // THEN
    await expectLeastPrivilegeIam(stack);
    expectNoExpressionInIamArns(stack);
    const wildcards = statementsForRole(stack, resumeOf(stack).stateMachine).filter((s) => s.Resource === '*');
    expect(wildcards.flatMap((s) => s.Action ?? []).every((a) => a.startsWith('logs:'))).toBe(true);
  });

  test('several tables: Query and DeleteItem on each; kms:Decrypt on a customer managed key', () => {
    // GIVEN
    const stack = newTestStack();
    const key = new kms.Key(stack, 'Key');
    const mine = new dynamodb.Table(stack, 'MyTokens', {
      partitionKey: { name: 'jobKey', type: dynamodb.AttributeType.STRING },
      sortKey: { name: 'waiter', type: dynamodb.AttributeType.STRING },
      encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: key,
    });

    // WHEN
    const machineA = machine(stack, 'Pipeline', sfn.Chain.start(registeredWait(stack, 'A')).next(registeredWait(stack, 'B', BATCH_JOB_EVENTS, mine)));

    // THEN
    const statements = statementsForRole(stack, resumeOf(stack).stateMachine);
    expect(statements).toEqual(expect.arrayContaining([
      expect.objectContaining({ Action: ['dynamodb:Query', 'dynamodb:DeleteItem'], Resource: getAtt(resumeOf(stack).defaultTable) }),
      expect.objectContaining({ Action: ['dynamodb:Query', 'dynamodb:DeleteItem'], Resource: getAtt(mine) }),
      expect.objectContaining({ Action: ['kms:Decrypt'], Resource: getAtt(key) }),
      expect.objectContaining({ Action: ['states:SendTaskSuccess'], Resource: getAtt(machineA) }),
    ]));
  });

  test('no state machine holds the wait: no SendTaskSuccess at all, and a warning', () => {
    // GIVEN
    const stack = newTestStack();
    const wait = registeredWait(stack, 'Wait');

    // WHEN
    machine(stack, 'Other', new sfn.Pass(stack, 'Nothing'));

    // THEN
    const actions = statementsForRole(stack, resumeOf(stack).stateMachine).flatMap((s) => s.Action);
    expect(actions).not.toContain('states:SendTaskSuccess');
    Annotations.fromStack(stack).hasWarning(`/${wait.node.path}`, Match.stringLikeRegexp('No state machine of stack TestStack contains the state "Wait"'));
  });

  test('the wait in a state machine of another stack: a warning, no cross-stack grant', () => {
    // GIVEN
    const app = new App();
    const stack = new Stack(app, 'Waits', { env: TEST_ENV });
    const other = new Stack(app, 'Machines', { env: TEST_ENV });
    const wait = registeredWait(stack, 'Wait');

    // WHEN
    machine(other, 'Pipeline', wait);

    // THEN
    Annotations.fromStack(stack).hasWarning(`/${wait.node.path}`, Match.stringLikeRegexp('of another stack than the construct'));
  });
});

describe('cdk-nag', () => {
  test('clean, with the acknowledged findings of the resume path', () => {
    // GIVEN
    const stack = newTestStack();
    const wait = registeredWait(stack, 'Wait');
    const pipeline = machine(stack, 'Pipeline', wait);

    // WHEN / THEN
    expectNoNagFindings(stack, [
      ...jobEventsAcknowledgements(stack),
      { id: 'AwsSolutions-SF1', reason: 'Logging of the test state machine is not what this test is about', path: `/${pipeline.node.path}` },
      { id: 'AwsSolutions-SF2', reason: 'Tracing of the test state machine is not what this test is about', path: `/${pipeline.node.path}` },
    ]);
  });
});

describe('invalid input fails at synthesis', () => {
  test.each<[string, Partial<JobEventSource>, RegExp]>([
    ['empty source', { source: '' }, /Wait: source\.source must be a non-empty string; got ""/],
    ['empty detail-type', { detailType: ' ' }, /Wait: source\.detailType must be a non-empty string; got " "/],
    ['job field with a space', { jobField: 'job id' }, /Wait: source\.jobField must be a field of the event's detail in dot notation .*; got "job id"/],
    ['status field as a JSONPath', { statusField: '$.detail.status' }, /Wait: source\.statusField must be a field of the event's detail/],
    ['same field twice', { statusField: 'jobId' }, /Wait: source\.statusField must be a field apart from jobField \("jobId"\), neither inside the other; got "jobId"/],
    ['status field inside the job field', { jobField: 'job', statusField: 'job.status' }, /Wait: source\.statusField must be a field apart from jobField/],
    ['no terminal status', { terminalStatuses: [] }, /Wait: source\.terminalStatuses must be a non-empty list of non-empty strings; got \[\]/],
    ['an empty status', { terminalStatuses: ['DONE', ''] }, /Wait: source\.terminalStatuses must be a non-empty list of non-empty strings/],
  ])('%s', (_name, change, message) => {
    // GIVEN
    const stack = newTestStack();

    // WHEN / THEN
    expect(() => registeredWait(stack, 'Wait', { ...BATCH_JOB_EVENTS, ...change })).toThrow(message);
  });

  test('the prop named as the waiting side calls it', () => {
    // GIVEN
    const stack = newTestStack();
    const state = waitState(stack, 'Wait');

    // WHEN / THEN
    expect(() => registerJobEventWait(state, { source: { ...BATCH_JOB_EVENTS, jobField: '' }, sourceProp: 'detection.event', waitState: state }))
      .toThrow(/Wait: detection\.event\.jobField must be/);
  });

  test('another jobField for the same source and detail-type (one job key prefix, one way to read the job)', () => {
    // GIVEN
    const stack = newTestStack();
    registeredWait(stack, 'Train');

    // WHEN / THEN
    expect(() => registeredWait(stack, 'Other', { ...BATCH_JOB_EVENTS, jobField: 'jobArn' }))
      .toThrow(/Other: source\.jobField must be "jobId", as for the other waits on "Batch Job State Change" events of aws\.batch \(TestStack\/Train\); got "jobArn"/);
  });

  test('a table of this app with another key schema', () => {
    // GIVEN
    const stack = newTestStack();
    const table = new dynamodb.Table(stack, 'Wrong', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING } });

    // WHEN / THEN
    expect(() => registeredWait(stack, 'Wait', BATCH_JOB_EVENTS, table))
      .toThrow(/Wait: table must be a table with partition key "jobKey" \(string\) and sort key "waiter" \(string\); got "partition key pk \(S\), no sort key"/);
  });
});

describe('the Express definition', () => {
  test('deployed exactly as built, and valid ASL', () => {
    // GIVEN
    const stack = newTestStack();
    registeredWait(stack, 'Wait');

    // WHEN
    const definition = renderStateMachine(stack, resumeOf(stack).stateMachine);

    // THEN
    expect(definition).toEqual(resumeDefinition());
    expectValidAsl(definition);
  });

  test('the states, exactly', () => {
    const { States: states } = resumeDefinition();
    expect(Object.keys(states)).toEqual(['Job key', 'Query tokens', 'Resume waiters', 'More tokens?', 'All handled?', 'Incomplete', 'Done']);
    expect(states['Query tokens']).toEqual({
      Type: 'Task',
      Resource: 'arn:aws:states:::aws-sdk:dynamodb:query',
      Arguments: '{% {\'TableName\': $states.input.tableName, \'KeyConditionExpression\': \'#jobKey = :jobKey\', '
        + '\'ExpressionAttributeNames\': {\'#jobKey\': \'jobKey\', \'#waiter\': \'waiter\', \'#token\': \'token\'}, '
        + '\'ExpressionAttributeValues\': {\':jobKey\': {\'S\': $states.input.jobKey}}, \'ProjectionExpression\': \'#waiter, #token\', '
        + '\'ConsistentRead\': true, \'Limit\': 50, \'ExclusiveStartKey\': $states.input.startKey} %}',
      Output: '{% {\'jobKey\': $states.input.jobKey, \'tableName\': $states.input.tableName, \'items\': $states.result.Items, \'startKey\': $states.result.LastEvaluatedKey} %}',
      Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 1, BackoffRate: 2, MaxAttempts: 6, MaxDelaySeconds: 20, JitterStrategy: 'FULL' }],
      Next: 'Resume waiters',
    });
    const processor = states['Resume waiters'].ItemProcessor.States;
    expect(processor['Send task success'].Retry[0]).toEqual({
      ErrorEquals: ['Sfn.TaskTimedOutException', 'Sfn.InvalidTokenException', 'Sfn.TaskDoesNotExistException'],
      MaxAttempts: 0,
    });
    expect(processor['Delete token'].Arguments).toEqual({
      TableName: '{% $states.input.tableName %}',
      Key: { jobKey: { S: '{% $states.input.jobKey %}' }, waiter: { S: '{% $states.input.waiter %}' } },
      ConditionExpression: '#token = :token',
      ExpressionAttributeNames: { '#token': 'token' },
      ExpressionAttributeValues: { ':token': { S: '{% $states.input.token %}' } },
    });
    expect(processor['Delete token'].Catch[0]).toEqual({ ErrorEquals: ['DynamoDb.ConditionalCheckFailedException'], Output: { handled: true }, Next: 'Token replaced' });
  });
});

// ---------------------------------------------------------------------------------------------------------------------
// The Express definition, executed offline against a simulated token table and Step Functions.

const PREFIX = jobKeyPrefix(GLUE_CRAWLER_EVENTS);
const INPUT = { jobKeyPrefix: PREFIX, jobId: 'nightly-crawl', tableName: 'tokens' };
const KEY = `${PREFIX}nightly-crawl`;

interface Item { jobKey: string; waiter: string; token: string }

/** A token table (Query with Limit and paging, conditional DeleteItem) and Step Functions' open tasks. */
class World {
  public readonly items: Item[] = [];
  public readonly openTokens = new Set<string>();
  public readonly resumed: Array<{ token: string; output: any }> = [];
  /** An error SendTaskSuccess throws for this call instead of answering, if any. */
  public sendFailure?: (request: any, invocation: number) => Error | undefined;
  /** An error DeleteItem throws for this call, if any. */
  public deleteFailure?: (request: any, invocation: number) => Error | undefined;
  /** Run just before a delete (a later round storing a new token). */
  public beforeDelete?: (request: any) => void;
  public pageSize?: number;

  public store(waiter: string, token: string, open = true): void {
    const i = this.items.findIndex((it) => it.jobKey === KEY && it.waiter === waiter);
    if (i >= 0) this.items.splice(i, 1);
    this.items.push({ jobKey: KEY, waiter, token });
    this.items.sort((a, b) => a.waiter.localeCompare(b.waiter));
    if (open) this.openTokens.add(token);
  }

  public services() {
    return {
      'Query tokens': (request: any) => {
        expect(request.TableName).toBe('tokens');
        expect(request.ConsistentRead).toBe(true);
        const key = request.ExpressionAttributeValues[':jobKey'].S;
        const matching = this.items.filter((it) => it.jobKey === key);
        const start = request.ExclusiveStartKey ? matching.findIndex((it) => it.waiter === request.ExclusiveStartKey.waiter.S) + 1 : 0;
        const limit = Math.min(request.Limit, this.pageSize ?? request.Limit);
        const page = matching.slice(start, start + limit);
        const last = page[page.length - 1];
        return {
          Count: page.length,
          ScannedCount: page.length,
          Items: page.map((it) => ({ waiter: { S: it.waiter }, token: { S: it.token } })),
          ...(start + limit < matching.length ? { LastEvaluatedKey: { jobKey: { S: last.jobKey }, waiter: { S: last.waiter } } } : {}),
        };
      },
      'Send task success': (request: any, ctx: { invocation: number }) => {
        const failure = this.sendFailure?.(request, ctx.invocation);
        if (failure) throw failure;
        if (!this.openTokens.has(request.TaskToken)) {
          throw taskError('Sfn.TaskTimedOutException', 'Task Timed Out: \'Provided task does not exist anymore\' (Service: Sfn, Status Code: 400)');
        }
        this.openTokens.delete(request.TaskToken);
        this.resumed.push({ token: request.TaskToken, output: JSON.parse(request.Output) });
        return {};
      },
      'Delete token': (request: any, ctx: { invocation: number }) => {
        const failure = this.deleteFailure?.(request, ctx.invocation);
        if (failure) throw failure;
        this.beforeDelete?.(request);
        const i = this.items.findIndex((it) => it.jobKey === request.Key.jobKey.S && it.waiter === request.Key.waiter.S);
        expect(request.ConditionExpression).toBe('#token = :token');
        if (i < 0 || this.items[i].token !== request.ExpressionAttributeValues[':token'].S) {
          throw taskError(TOKEN_REPLACED_ERROR, 'The conditional request failed (Service: DynamoDb, Status Code: 400)');
        }
        this.items.splice(i, 1);
        return {};
      },
    };
  }

  public run(input: unknown = INPUT) {
    return runWorkflow(resumeDefinition(), input, { services: this.services() });
  }
}

describe('the Express definition, executed', () => {
  test('one waiter: resumed with a small output, then its item deleted', async () => {
    // GIVEN
    const world = new World();
    world.store('exec-1#Crawl: Wait', 'token-1');

    // WHEN
    const result = await world.run();

    // THEN
    expect(result.status).toBe('SUCCEEDED');
    expect(world.resumed).toEqual([{ token: 'token-1', output: { jobEvent: 'arrived', jobKey: KEY } }]);
    expect(world.items).toEqual([]);
    expect(result.serviceCalls['Query tokens'][0]).toEqual({
      TableName: 'tokens',
      KeyConditionExpression: '#jobKey = :jobKey',
      ExpressionAttributeNames: { '#jobKey': 'jobKey', '#waiter': 'waiter', '#token': 'token' },
      ExpressionAttributeValues: { ':jobKey': { S: KEY } },
      ProjectionExpression: '#waiter, #token',
      ConsistentRead: true,
      Limit: QUERY_PAGE_SIZE,
    });
  });

  test('two executions waiting on one crawl: both resumed, both deleted', async () => {
    // GIVEN
    const world = new World();
    world.store('exec-1#Crawl: Wait', 'token-1');
    world.store('exec-2#Crawl: Wait', 'token-2');

    // WHEN
    const result = await world.run();

    // THEN
    expect(result.status).toBe('SUCCEEDED');
    expect(world.resumed.map((r) => r.token).sort()).toEqual(['token-1', 'token-2']);
    expect(world.items).toEqual([]);
  });

  test('an event for a job nobody waits on: one Query, nothing else', async () => {
    // GIVEN
    const world = new World();
    world.store('exec-1#Other: Wait', 'token-1');
    world.items[0].jobKey = `${PREFIX}another-crawler`;

    // WHEN
    const result = await world.run();

    // THEN
    expect(result.status).toBe('SUCCEEDED');
    expect(result.serviceCalls['Query tokens']).toHaveLength(1);
    expect(result.serviceCalls['Send task success']).toBeUndefined();
    expect(result.serviceCalls['Delete token']).toBeUndefined();
    expect(world.items).toHaveLength(1);
  });

  test('a repeated event: the second run finds nothing and does nothing', async () => {
    // GIVEN
    const world = new World();
    world.store('exec-1#Crawl: Wait', 'token-1');
    await world.run();

    // WHEN
    const again = await world.run();

    // THEN
    expect(again.status).toBe('SUCCEEDED');
    expect(again.serviceCalls['Send task success']).toBeUndefined();
    expect(world.resumed).toHaveLength(1);
  });

  test.each(TOKEN_ENDED_ERRORS)('a token already used or expired (%s): not retried, deleted, no failure', async (error) => {
    // GIVEN
    const world = new World();
    world.store('exec-1#Crawl: Wait', 'token-1');
    world.sendFailure = (_request, n) => (n === 1 ? taskError(error, 'Provided task does not exist anymore (Service: Sfn, Status Code: 400)') : undefined);

    // WHEN
    const result = await world.run();

    // THEN
    expect(result.status).toBe('SUCCEEDED');
    expect(result.serviceCalls['Send task success']).toHaveLength(1);
    expect(world.items).toEqual([]);
    expect(result.trace.find((t) => t.state === 'Send task success')).toMatchObject({ status: 'CAUGHT', retries: 0, error });
  });

  test('throttled SendTaskSuccess: retried with backoff, then resumed and deleted', async () => {
    // GIVEN
    const world = new World();
    world.store('exec-1#Crawl: Wait', 'token-1');
    const throttled = () => taskError('Sfn.SfnException', 'Rate exceeded (Service: Sfn, Status Code: 400)');
    world.sendFailure = (_request, n) => (n <= 2 ? throttled() : undefined);

    // WHEN
    const result = await world.run();

    // THEN
    expect(result.status).toBe('SUCCEEDED');
    expect(result.serviceCalls['Send task success']).toHaveLength(3);
    expect(world.resumed.map((r) => r.token)).toEqual(['token-1']);
    expect(world.items).toEqual([]);
  });

  test('a new token stored between the Query and the delete: the failed condition is a no-op, the new token stays', async () => {
    // GIVEN
    const world = new World();
    world.store('exec-1#Crawl: Wait', 'token-1');
    world.beforeDelete = () => world.store('exec-1#Crawl: Wait', 'token-1b');

    // WHEN
    const result = await world.run();

    // THEN
    expect(result.status).toBe('SUCCEEDED');
    expect(result.serviceCalls['Delete token']).toHaveLength(1);
    expect(world.items).toEqual([{ jobKey: KEY, waiter: 'exec-1#Crawl: Wait', token: 'token-1b' }]);
    expect(result.trace.find((t) => t.state === 'Token replaced')).toBeDefined();
  });

  test('several Query pages: every page resumed, the next page asked with LastEvaluatedKey', async () => {
    // GIVEN
    const world = new World();
    world.pageSize = 2;
    for (let i = 1; i <= 5; i++) world.store(`exec-${i}#Crawl: Wait`, `token-${i}`);

    // WHEN
    const result = await world.run();

    // THEN
    expect(result.status).toBe('SUCCEEDED');
    expect(result.serviceCalls['Query tokens'].map((q) => q.ExclusiveStartKey)).toEqual([
      undefined,
      { jobKey: { S: KEY }, waiter: { S: 'exec-2#Crawl: Wait' } },
      { jobKey: { S: KEY }, waiter: { S: 'exec-4#Crawl: Wait' } },
    ]);
    expect(world.resumed.map((r) => r.token).sort()).toEqual(['token-1', 'token-2', 'token-3', 'token-4', 'token-5']);
    expect(world.items).toEqual([]);
  });

  test('SendTaskSuccess failing for good: the other waiters are still resumed; the execution fails, naming the count', async () => {
    // GIVEN
    const world = new World();
    world.store('exec-1#Crawl: Wait', 'token-1');
    world.store('exec-2#Crawl: Wait', 'token-2');
    const denied = taskError('Sfn.SfnException', 'User is not authorized to perform: states:SendTaskSuccess (Service: Sfn, Status Code: 400)');
    world.sendFailure = (request) => (request.TaskToken === 'token-1' ? denied : undefined);

    // WHEN
    const result = await world.run();

    // THEN
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe(INCOMPLETE_ERROR);
    expect(result.serviceCalls['Send task success'].filter((r) => r.TaskToken === 'token-1')).toHaveLength(7);
    expect(result.cause).toBe(`1 stored token(s) of ${KEY} could not be returned or deleted after retries; their waiters wake at the timeout of their round`);
    expect(world.resumed.map((r) => r.token)).toEqual(['token-2']);
    expect(world.items.map((it) => it.token)).toEqual(['token-1']);
  });

  test('DeleteItem failing for good after the resume: counted, the item is left to its TTL', async () => {
    // GIVEN
    const world = new World();
    world.store('exec-1#Crawl: Wait', 'token-1');
    const down = taskError('DynamoDb.InternalServerErrorException', 'Internal server error (Service: DynamoDb, Status Code: 500)');
    world.deleteFailure = () => down;

    // WHEN
    const result = await world.run();

    // THEN
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe(INCOMPLETE_ERROR);
    expect(world.resumed.map((r) => r.token)).toEqual(['token-1']);
    expect(result.serviceCalls['Delete token']).toHaveLength(7);
  });

  test('a job id that is not a string (a custom event): the key is its text', async () => {
    // GIVEN
    const world = new World();

    // WHEN
    const result = await world.run({ ...INPUT, jobId: 42 });

    // THEN
    expect(result.status).toBe('SUCCEEDED');
    expect(result.serviceCalls['Query tokens'][0].ExpressionAttributeValues).toEqual({ ':jobKey': { S: `${PREFIX}42` } });
  });

  test.each([
    [BATCH_JOB_EVENTS, { jobId: '4c7599ae-0a82-49aa-ba5a-4727fcce14a8', status: 'SUCCEEDED' }, '4c7599ae-0a82-49aa-ba5a-4727fcce14a8'],
    [GLUE_CRAWLER_EVENTS, { crawlerName: 'nightly "raw" crawl', state: 'Failed' }, 'nightly "raw" crawl'],
    [BEDROCK_BATCH_INFERENCE_EVENTS, { batchJobArn: 'arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/abcdefghwxyz', status: 'Completed' }, 'arn:aws:bedrock:us-east-1:123456789012:model-invocation-job/abcdefghwxyz'],
  ])('%j: the rule\'s input, filled as EventBridge fills it, queries the key the waiting side stores', async (source, detail, jobId) => {
    // GIVEN: the rule's input template, its placeholder replaced by the detail's value as JSON (it stands outside quotes)
    const stack = newTestStack();
    registeredWait(stack, 'Wait', source);
    const { InputPathsMap: paths, InputTemplate: template } = rulesOf(stack)[0].Properties.Targets[0].InputTransformer;
    const [[name, path]] = Object.entries(paths as Record<string, string>);
    const text = (template['Fn::Join'][1] as any[]).map((part) => (typeof part === 'string' ? part : 'tokens')).join('');
    const value = path.split('.').slice(1).reduce((v: any, key) => v[key], { detail });
    const input = JSON.parse(text.replace(`<${name}>`, JSON.stringify(value)));

    // WHEN
    const world = new World();
    const result = await world.run(input);

    // THEN
    expect(result.status).toBe('SUCCEEDED');
    expect(result.serviceCalls['Query tokens'][0].ExpressionAttributeValues).toEqual({ ':jobKey': { S: `${jobKeyPrefix(source)}${jobId}` } });
  });

  test('the table contract the definition reads', () => {
    expect(TOKEN_TABLE).toEqual({ partitionKey: 'jobKey', sortKey: 'waiter', tokenAttribute: 'token', ttlAttribute: 'expiresAt' });
  });
});
