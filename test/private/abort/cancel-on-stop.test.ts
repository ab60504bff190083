import { App, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { BatchPollerJob, BatchPollerJobProps, EcsCallbackTask, ExecutionStopped, JobPoller } from '../../../src';
import { definitionStates, definitionText } from '../../../src/private/abort/definition';
import { fargateFixture } from '../../ecs/fixtures';
import {
  bundledHandlerRuntimeAcknowledgements,
  executionStoppedAcknowledgements,
  expectLeastPrivilegeIam,
  expectNoNagFindings,
  expectValidAsl,
  logicalIdOf,
  newTestStack,
  renderAllStateMachines,
  statementsForRole,
} from '../../support';

const QUEUE_ARN = 'arn:aws:batch:us-east-1:123456789012:job-queue/training';
const DEFINITION_ARN = 'arn:aws:batch:us-east-1:123456789012:job-definition/train:7';
const PARTITION = { Ref: 'AWS::Partition' };

function batchJob(scope: Construct, id = 'Train', props: Partial<BatchPollerJobProps> = {}): BatchPollerJob {
  return new BatchPollerJob(scope, id, { jobQueueArn: QUEUE_ARN, jobDefinitionArn: DEFINITION_ARN, ...props });
}

function glueJob(scope: Construct, id = 'Etl', cancelJobOnExecutionStop?: boolean): JobPoller {
  const checkFunction = (Stack.of(scope).node.tryFindChild('GlueCheck') as lambda.IFunction | undefined) ?? new lambda.Function(Stack.of(scope), 'GlueCheck', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({});'),
  });
  return new JobPoller(scope, id, {
    start: {
      resource: 'arn:aws:states:::aws-sdk:glue:startJobRun',
      parameters: { JobName: 'etl' },
      resultFields: { jobRunId: 'JobRunId' },
      policyStatements: [new iam.PolicyStatement({ actions: ['glue:StartJobRun'], resources: ['arn:aws:glue:us-east-1:123456789012:job/etl'] })],
    },
    checkFunction,
    errorPrefix: 'Glue',
    cancelJobOnExecutionStop,
  });
}

function machine(scope: Construct, id: string, definition: sfn.IChainable): sfn.StateMachine {
  return new sfn.StateMachine(scope, id, { definitionBody: sfn.DefinitionBody.fromChainable(definition) });
}

function watcherResources(stack: Stack) {
  const template = Template.fromStack(stack);
  return {
    rules: template.findResources('AWS::Events::Rule', { Properties: { EventPattern: { source: ['aws.states'] } } }),
    functions: template.findResources('AWS::Lambda::Function', { Properties: { Description: Match.stringLikeRegexp('cancels the jobs') } }),
  };
}

function handlerRoleId(stack: Stack): string {
  Template.fromStack(stack); // the handler is created when the app is synthesized
  return logicalIdOf(stack.node.children.find((c) => c.node.id.startsWith('CdkSfnJobsExecutionStoppedRole'))!);
}

function handlerConfig(stack: Stack): any {
  const [fn] = Object.values(watcherResources(stack).functions);
  const value = fn.Properties.Environment.Variables.CANCEL_ON_STOP_CONFIG;
  // Render the Fn::Join with ${LogicalId.Attr} placeholders, then parse.
  const text = typeof value === 'string' ? value : value['Fn::Join'][1]
    .map((p: any) => (typeof p === 'string' ? p : `\${${p['Fn::GetAtt'][0]}.${p['Fn::GetAtt'][1]}}`)).join('');
  return JSON.parse(text);
}

function stateMachineArn(sm: Construct) {
  return { 'Fn::GetAtt': [logicalIdOf(sm.node.defaultChild!), 'Arn'] };
}

describe('the rule', () => {
  test('one rule per stack: stopped, timed-out and failed executions of the state machines with our states, their versions and aliases', () => {
    // GIVEN a Batch poller in one machine, a Glue poller in another, and a machine without our states
    const stack = newTestStack();
    const a = machine(stack, 'A', batchJob(stack));
    const b = machine(stack, 'B', glueJob(stack));
    machine(stack, 'Plain', new sfn.Pass(stack, 'Nothing'));

    // WHEN
    const { rules } = watcherResources(stack);

    // THEN
    expect(Object.values(rules)).toHaveLength(1);
    const [rule] = Object.values(rules);
    expect(rule.Properties.EventPattern).toEqual({
      'source': ['aws.states'],
      'detail-type': ['Step Functions Execution Status Change'],
      'detail': {
        status: ['ABORTED', 'TIMED_OUT', 'FAILED'],
        stateMachineArn: [
          stateMachineArn(a),
          { prefix: { 'Fn::Join': ['', [stateMachineArn(a), ':']] } },
          stateMachineArn(b),
          { prefix: { 'Fn::Join': ['', [stateMachineArn(b), ':']] } },
        ],
      },
    });
    expect(rule.Properties.Targets).toEqual([{
      Arn: { 'Fn::GetAtt': [Object.keys(watcherResources(stack).functions)[0], 'Arn'] },
      Id: 'Target0',
      RetryPolicy: { MaximumEventAgeInSeconds: 7200, MaximumRetryAttempts: 8 },
      // what EventBridge cannot deliver to the function goes to the handler's dead-letter queue
      DeadLetterConfig: { Arn: { 'Fn::GetAtt': [expect.stringMatching(/^CdkSfnJobsExecutionStoppedDeadLetterQueue/), 'Arn'] } },
    }]);
  });

  test('the handler: one bundled function per stack, arm64, JSON logs to its own log group, told which states are ours', () => {
    // GIVEN
    const stack = newTestStack();
    const a = machine(stack, 'A', batchJob(stack).next(glueJob(stack)));
    machine(stack, 'B', batchJob(stack, 'Other'));

    // WHEN
    const { functions } = watcherResources(stack);

    // THEN
    expect(Object.values(functions)).toHaveLength(1);
    const [fn] = Object.values(functions);
    expect(fn.Properties).toMatchObject({ Architectures: ['arm64'], Runtime: expect.stringMatching(/^nodejs(2[2-9]|[3-9][0-9])\.x$/), LoggingConfig: { LogFormat: 'JSON', LogGroup: { Ref: expect.any(String) } } });
    expect(handlerConfig(stack)).toEqual({
      machines: [`\${${logicalIdOf(a.node.defaultChild!)}.Arn}`, expect.stringMatching(/^\$\{B[A-F0-9]+\.Arn\}$/)],
      states: [
        { kind: 'batch', name: 'Train: Start job', machines: [0] },
        { kind: 'poller', name: 'Etl: Start job', machines: [0], functionArn: `\${${logicalIdOf(stack.node.findChild('GlueCheck'))}.Arn}`, resultFields: { jobRunId: 'JobRunId' } },
        { kind: 'batch', name: 'Other: Start job', machines: [1] },
      ],
    });
  });

  test('our states in a Parallel branch, an inline Map and a nested state machine: each machine that holds them is covered', () => {
    // GIVEN a child machine with an ECS task inside a Map, started .sync by a parent whose Parallel holds a Batch poller
    const stack = newTestStack();
    const fx = fargateFixture(stack);
    const launchTarget = new tasks.EcsFargateLaunchTarget();
    const ecsTask = new EcsCallbackTask(stack, 'Render', { cluster: fx.cluster, taskDefinition: fx.taskDefinition, launchTarget });
    const child = machine(stack, 'Child', new sfn.Map(stack, 'Each').itemProcessor(ecsTask));
    const parallel = new sfn.Parallel(stack, 'Both')
      .branch(batchJob(stack))
      .branch(new tasks.StepFunctionsStartExecution(stack, 'RunChild', { stateMachine: child, integrationPattern: sfn.IntegrationPattern.RUN_JOB }));
    const parent = machine(stack, 'Parent', parallel);

    // WHEN
    const [rule] = Object.values(watcherResources(stack).rules);

    // THEN
    const exact = rule.Properties.EventPattern.detail.stateMachineArn.filter((v: unknown) => !(v as any).prefix);
    expect(exact).toEqual([stateMachineArn(child), stateMachineArn(parent)]);
    expect(handlerConfig(stack).states).toEqual([
      { kind: 'ecs', name: 'Render', machines: [0] },
      { kind: 'batch', name: 'Train: Start job', machines: [1] },
    ]);
    for (const definition of Object.values(renderAllStateMachines(stack))) expectValidAsl(definition);
  });

  test('a state of the same name with another resource is not ours', () => {
    // GIVEN a hand-written definition reusing the Batch poller's start state name for a Pass state
    const stack = newTestStack();
    batchJob(stack);
    new sfn.StateMachine(stack, 'Impostor', {
      definitionBody: sfn.DefinitionBody.fromString(JSON.stringify({ StartAt: 'Train: Start job', States: { 'Train: Start job': { Type: 'Pass', End: true } } })),
    });

    // WHEN / THEN
    expect(Object.values(watcherResources(stack).rules)).toHaveLength(0);
    Annotations.fromStack(stack).hasWarning('/TestStack/Train', Match.stringLikeRegexp('cancelOnStopNoStateMachine'));
  });

  test('a hand-written definition holding our state is recognized', () => {
    // GIVEN the Batch poller rendered to JSON by hand (for example from a file)
    const stack = newTestStack();
    const job = batchJob(stack);
    const definition = new sfn.StateGraph(job.startState, 'g').toGraphJson();
    new sfn.StateMachine(stack, 'FromString', { definitionBody: sfn.DefinitionBody.fromString(stack.toJsonString(definition)) });

    // WHEN / THEN
    expect(Object.values(watcherResources(stack).rules)).toHaveLength(1);
  });
});

describe('IAM: least privilege', () => {
  test('history of the executions of those machines; TerminateJob on jobs; StopTask on the tasks of the clusters used; invoke of the check functions', async () => {
    // GIVEN
    const stack = newTestStack();
    const fx = fargateFixture(stack);
    const ecsTask = new EcsCallbackTask(stack, 'Render', { cluster: fx.cluster, taskDefinition: fx.taskDefinition, launchTarget: new tasks.EcsFargateLaunchTarget() });
    const sm = machine(stack, 'Pipeline', batchJob(stack).next(glueJob(stack)).next(ecsTask));

    // WHEN
    const statements = statementsForRole(stack, handlerRoleId(stack));

    // THEN
    const smId = logicalIdOf(sm.node.defaultChild!);
    const clusterId = logicalIdOf(fx.cluster.node.defaultChild!);
    expect(statements).toEqual([
      expect.objectContaining({ Action: ['logs:CreateLogStream', 'logs:PutLogEvents'] }),
      { Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: { 'Fn::GetAtt': [expect.stringMatching(/^CdkSfnJobsExecutionStoppedDeadLetterQueue/), 'Arn'] } },
      {
        Effect: 'Allow',
        Action: ['states:DescribeExecution', 'states:GetExecutionHistory'],
        Resource: { 'Fn::Join': ['', ['arn:', PARTITION, ':states:us-east-1:123456789012:execution:', { 'Fn::GetAtt': [smId, 'Name'] }, ':*']] },
      },
      {
        Effect: 'Allow',
        Action: ['batch:TerminateJob'],
        Resource: { 'Fn::Join': ['', ['arn:', PARTITION, ':batch:us-east-1:123456789012:job/*']] },
      },
      {
        Effect: 'Allow',
        Action: ['ecs:StopTask'],
        Resource: { 'Fn::Join': ['', ['arn:', PARTITION, ':ecs:us-east-1:123456789012:task/', { Ref: clusterId }, '/*']] },
        Condition: { ArnEquals: { 'ecs:cluster': [{ 'Fn::GetAtt': [clusterId, 'Arn'] }] } },
      },
      {
        Effect: 'Allow',
        Action: ['lambda:InvokeFunction'],
        Resource: { 'Fn::GetAtt': [logicalIdOf(stack.node.findChild('GlueCheck')), 'Arn'] },
      },
    ]);
    await expectLeastPrivilegeIam(stack);
  });

  test('only what the machines hold: a stack with Batch pollers only gets no ECS or Lambda permission', () => {
    // GIVEN
    const stack = newTestStack();
    machine(stack, 'Pipeline', batchJob(stack));

    // WHEN
    const actions = statementsForRole(stack, handlerRoleId(stack)).map((s) => s.Action);

    // THEN
    expect(actions).toEqual([['logs:CreateLogStream', 'logs:PutLogEvents'], ['sqs:SendMessage'], ['states:DescribeExecution', 'states:GetExecutionHistory'], ['batch:TerminateJob']]);
  });

  test('cdk-nag: only the documented wildcards remain', () => {
    // GIVEN
    const stack = newTestStack();
    const fx = fargateFixture(stack);
    const ecsTask = new EcsCallbackTask(stack, 'Render', { cluster: fx.cluster, taskDefinition: fx.taskDefinition, launchTarget: new tasks.EcsFargateLaunchTarget() });
    machine(stack, 'Pipeline', ecsTask);

    // WHEN / THEN
    expectNoNagFindings(stack, [
      ...executionStoppedAcknowledgements(),
      ...bundledHandlerRuntimeAcknowledgements(stack),
      { id: 'AwsSolutions-IAM5', reason: 'X-Ray and CloudWatch Logs delivery actions of the state machine role (added by aws-cdk-lib) only accept *', appliesTo: ['Resource::*'], path: '/TestStack/Pipeline/Role' },
      { id: 'AwsSolutions-SF1', reason: 'Logging of the test state machine is not what this test is about', path: '/TestStack/Pipeline' },
      { id: 'AwsSolutions-SF2', reason: 'Tracing of the test state machine is not what this test is about', path: '/TestStack/Pipeline' },
      { id: 'AwsSolutions-VPC7', reason: 'Flow logs of the fixture VPC are not what this test is about', path: '/TestStack/FxVpc' },
      { id: 'AwsSolutions-ECS2', reason: 'The fixture task definition has no environment worth externalising', path: '/TestStack/FxTaskDef' },
      { id: 'AwsSolutions-IAM5', reason: 'The fixture task definition roles (aws-cdk-lib) are not what this test is about', path: '/TestStack/FxTaskDef' },
      { id: 'AwsSolutions-IAM5', reason: 'RunTask of the fixture task definition family (aws-cdk-lib without the fixRunEcsTaskPolicy flag)', appliesTo: ['Resource::arn:<AWS::Partition>:ecs:us-east-1:123456789012:task-definition/worker:*'], path: '/TestStack/Pipeline/Role' },
    ]);
  });
});

describe('cancelJobOnExecutionStop', () => {
  test.each([
    ['BatchPollerJob', (s: Stack) => batchJob(s, 'Train', { cancelJobOnExecutionStop: false })],
    ['JobPoller', (s: Stack) => glueJob(s, 'Etl', false)],
    ['EcsCallbackTask', (s: Stack) => {
      const fx = fargateFixture(s);
      return new EcsCallbackTask(s, 'Render', { cluster: fx.cluster, taskDefinition: fx.taskDefinition, launchTarget: new tasks.EcsFargateLaunchTarget(), cancelJobOnExecutionStop: false });
    }],
  ])('%s with false: no rule, no handler, no warning', (_name, build) => {
    // GIVEN
    const stack = newTestStack();

    // WHEN
    machine(stack, 'Pipeline', build(stack));

    // THEN
    const { rules, functions } = watcherResources(stack);
    expect(Object.keys(rules)).toHaveLength(0);
    expect(Object.keys(functions)).toHaveLength(0);
    Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp('cancelOnStop'));
  });

  test('off for one construct only: the others of the machine are still covered', () => {
    // GIVEN
    const stack = newTestStack();
    machine(stack, 'Pipeline', batchJob(stack, 'Train', { cancelJobOnExecutionStop: false }).next(batchJob(stack, 'Eval')));

    // WHEN / THEN
    expect(handlerConfig(stack).states).toEqual([{ kind: 'batch', name: 'Eval: Start job', machines: [0] }]);
  });

  test('on by default', () => {
    // GIVEN
    const stack = newTestStack();

    // WHEN
    machine(stack, 'Pipeline', batchJob(stack));

    // THEN
    expect(Object.keys(watcherResources(stack).rules)).toHaveLength(1);
  });
});

describe('operating the handler: ExecutionStopped.of, the dead-letter queue, what to alarm on', () => {
  test('ExecutionStopped.of: the function, its rule, its role and its dead-letter queue, for alarms', () => {
    // GIVEN
    const stack = newTestStack();
    machine(stack, 'Pipeline', batchJob(stack));

    // WHEN
    const handle = ExecutionStopped.of(stack)!;
    new cloudwatch.Alarm(stack, 'HandlerErrors', { metric: handle.handler.metricErrors(), threshold: 1, evaluationPeriods: 1 });
    new cloudwatch.Alarm(stack, 'Unhandled', { metric: handle.deadLetterQueue.metricApproximateNumberOfMessagesVisible(), threshold: 1, evaluationPeriods: 1 });

    // THEN the handle is the one the stack gets at synthesis (no second rule or function)
    expect(ExecutionStopped.of(new Construct(stack, 'Anywhere'))).toBe(handle);
    const { rules, functions } = watcherResources(stack);
    expect(Object.keys(rules)).toHaveLength(1);
    expect(Object.keys(functions)).toHaveLength(1);
    expect(stack.resolve(handle.rule.ruleArn)).toEqual({ 'Fn::GetAtt': [Object.keys(rules)[0], 'Arn'] });
    expect(stack.resolve(handle.role.roleArn)).toEqual({ 'Fn::GetAtt': [handlerRoleId(stack), 'Arn'] });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'Errors', Namespace: 'AWS/Lambda', Dimensions: [{ Name: 'FunctionName', Value: { Ref: Object.keys(functions)[0] } }] });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ApproximateNumberOfMessagesVisible', Namespace: 'AWS/SQS' });
    // the pattern holds the state machine (attached when `of` was called), once
    expect(Object.values(rules)[0].Properties.EventPattern.detail.stateMachineArn).toHaveLength(2);
  });

  test('ExecutionStopped.of before any state machine holds our states: undefined; a state machine added after it is still covered', () => {
    // GIVEN
    const stack = newTestStack();
    const first = batchJob(stack);
    expect(ExecutionStopped.of(stack)).toBeUndefined();
    const a = machine(stack, 'A', first);
    const handle = ExecutionStopped.of(stack);

    // WHEN a second machine comes after the handle was taken
    const b = machine(stack, 'B', batchJob(stack, 'Eval'));

    // THEN both are watched by the one handler
    const [rule] = Object.values(watcherResources(stack).rules);
    expect(handle).toBeDefined();
    expect(rule.Properties.EventPattern.detail.stateMachineArn.filter((v: any) => !v.prefix)).toEqual([stateMachineArn(a), stateMachineArn(b)]);
    expect(handlerConfig(stack).states).toEqual([
      { kind: 'batch', name: 'Train: Start job', machines: [0] },
      { kind: 'batch', name: 'Eval: Start job', machines: [1] },
    ]);
  });

  test('a stack without our constructs: no handle', () => {
    const stack = newTestStack();
    machine(stack, 'Plain', new sfn.Pass(stack, 'P'));
    expect(ExecutionStopped.of(stack)).toBeUndefined();
  });

  test('the dead-letter queue: encrypted (SSE-SQS), kept 14 days, TLS only; the on-failure destination of the function and the rule target\'s DLQ', () => {
    // GIVEN
    const stack = newTestStack();
    machine(stack, 'Pipeline', batchJob(stack));

    // WHEN
    const template = Template.fromStack(stack);

    // THEN
    const queues = template.findResources('AWS::SQS::Queue');
    expect(Object.values(queues)).toEqual([expect.objectContaining({
      Properties: { SqsManagedSseEnabled: true, MessageRetentionPeriod: Duration.days(14).toSeconds() },
    })]);
    const queueId = Object.keys(queues)[0];
    template.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Action: 'sqs:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          // EventBridge may send what it cannot deliver, for this rule only
          Match.objectLike({
            Effect: 'Allow',
            Action: 'sqs:SendMessage',
            Principal: { Service: 'events.amazonaws.com' },
            Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [Object.keys(watcherResources(stack).rules)[0], 'Arn'] } } },
          }),
        ]),
      },
      Queues: [{ Ref: queueId }],
    });
    // Lambda's asynchronous retries spent: the event, the error and the response go to the queue
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: Object.keys(watcherResources(stack).functions)[0] },
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queueId, 'Arn'] } } },
    });
    expect(statementsForRole(stack, handlerRoleId(stack))).toContainEqual({ Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: { 'Fn::GetAtt': [queueId, 'Arn'] } });
  });
});

describe('a JobPoller whose SDK cancel addresses the job by name only (no run id from the start)', () => {
  function byNamePoller(scope: Construct, timing: { runStartTimeField?: string; runElapsedTimeField?: string }): JobPoller {
    const arn = 'arn:aws:glue:us-east-1:123456789012:crawler/sales';
    const statement = (action: string) => new iam.PolicyStatement({ actions: [action], resources: [arn] });
    return new JobPoller(scope, 'Crawl', {
      errorPrefix: 'Crawl',
      start: {
        resource: 'arn:aws:states:::aws-sdk:glue:startCrawler',
        parameters: {},
        jobValues: { crawlerName: 'sales' },
        jobParameters: { Name: 'crawlerName' },
        resultFields: {},
        policyStatements: [statement('glue:StartCrawler')],
      },
      sdkCheck: {
        jobDescription: 'crawl',
        call: { resource: 'arn:aws:states:::aws-sdk:glue:getCrawler', jobParameters: { Name: 'crawlerName' }, policyStatements: [statement('glue:GetCrawler')] },
        status: { statusField: 'Crawler.State', runningValues: ['RUNNING'], succeededValues: ['READY'] },
        cancel: {
          resource: 'arn:aws:states:::aws-sdk:glue:stopCrawler',
          jobParameters: { Name: 'crawlerName' },
          sdkV3ClientClass: 'GlueClient',
          policyStatements: [statement('glue:StopCrawler')],
          ...timing,
        },
      },
    });
  }

  test('without a way to tell whose run is going: not cancelled on stop (no handler), and a warning says why', () => {
    // GIVEN
    const stack = newTestStack();

    // WHEN
    machine(stack, 'Pipeline', byNamePoller(stack, {}));

    // THEN
    expect(Object.keys(watcherResources(stack).functions)).toHaveLength(0);
    Annotations.fromStack(stack).hasWarning('/TestStack/Crawl', Match.stringLikeRegexp('by name only.*not cancelled when the execution stops.*cancelOnStopByName'));
  });

  test('with runStartTimeField: the handler checks the run first (the check call, and its permission)', () => {
    // GIVEN
    const stack = newTestStack();

    // WHEN
    machine(stack, 'Pipeline', byNamePoller(stack, { runStartTimeField: 'Crawler.CurrentRun.StartedOn' }));

    // THEN
    expect(handlerConfig(stack).states[0].byName).toEqual({
      command: 'GetCrawlerCommand',
      parameters: {},
      input: { Name: 'crawlerName' },
      statusField: 'Crawler.State',
      runningValues: ['RUNNING'],
      startTimeField: 'Crawler.CurrentRun.StartedOn',
    });
    expect(statementsForRole(stack, handlerRoleId(stack))).toEqual(expect.arrayContaining([
      expect.objectContaining({ Action: ['glue:GetCrawler'], Resource: 'arn:aws:glue:us-east-1:123456789012:crawler/sales' }),
      expect.objectContaining({ Action: ['glue:StopCrawler'], Resource: 'arn:aws:glue:us-east-1:123456789012:crawler/sales' }),
    ]));
    Annotations.fromStack(stack).hasNoWarning('*', Match.stringLikeRegexp('cancelOnStopByName'));
  });
});

describe('a state machine encrypted with a customer managed key', () => {
  test('the handler may decrypt with the key, in the state machine\'s encryption context only', () => {
    // GIVEN
    const stack = newTestStack();
    const key = new kms.Key(stack, 'Key');
    const sm = new sfn.StateMachine(stack, 'Pipeline', {
      definitionBody: sfn.DefinitionBody.fromChainable(batchJob(stack)),
      encryptionConfiguration: new sfn.CustomerManagedEncryptionConfiguration(key),
    });

    // WHEN
    const statements = statementsForRole(stack, handlerRoleId(stack));

    // THEN
    expect(statements).toContainEqual({
      Effect: 'Allow',
      Action: ['kms:Decrypt'],
      Resource: { 'Fn::GetAtt': [logicalIdOf(key.node.defaultChild!), 'Arn'] },
      Condition: { StringEquals: { 'kms:EncryptionContext:aws:states:stateMachineArn': stateMachineArn(sm) } },
    });
  });

  test('a key given by alias: the key the alias names (kms:ResourceAliases), in the encryption context', () => {
    // GIVEN
    const stack = newTestStack();
    const sm = new sfn.StateMachine(stack, 'Pipeline', { definitionBody: sfn.DefinitionBody.fromChainable(batchJob(stack)) });
    (sm.node.defaultChild as sfn.CfnStateMachine).encryptionConfiguration = { type: 'CUSTOMER_MANAGED_KMS_KEY', kmsKeyId: 'alias/pipelines' };

    // WHEN
    const statements = statementsForRole(stack, handlerRoleId(stack));

    // THEN
    expect(statements).toContainEqual({
      Effect: 'Allow',
      Action: ['kms:Decrypt'],
      Resource: { 'Fn::Join': ['', ['arn:', PARTITION, ':kms:us-east-1:123456789012:key/*']] },
      Condition: {
        'StringEquals': { 'kms:EncryptionContext:aws:states:stateMachineArn': stateMachineArn(sm) },
        'ForAnyValue:StringEquals': { 'kms:ResourceAliases': 'alias/pipelines' },
      },
    });
  });

  test('a key given by id: its ARN in the stack\'s account and Region', () => {
    // GIVEN
    const stack = newTestStack();
    const sm = new sfn.StateMachine(stack, 'Pipeline', { definitionBody: sfn.DefinitionBody.fromChainable(batchJob(stack)) });
    (sm.node.defaultChild as sfn.CfnStateMachine).encryptionConfiguration = { type: 'CUSTOMER_MANAGED_KMS_KEY', kmsKeyId: '1234abcd-12ab-34cd-56ef-1234567890ab' };

    // WHEN / THEN
    expect(statementsForRole(stack, handlerRoleId(stack))).toContainEqual(expect.objectContaining({
      Action: ['kms:Decrypt'],
      Resource: { 'Fn::Join': ['', ['arn:', PARTITION, ':kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab']] },
    }));
  });

  test('AWS owned keys (the default, or said explicitly): no KMS permission', () => {
    // GIVEN
    const stack = newTestStack();
    new sfn.StateMachine(stack, 'Pipeline', {
      definitionBody: sfn.DefinitionBody.fromChainable(batchJob(stack)),
      encryptionConfiguration: new sfn.AwsOwnedEncryptionConfiguration(),
    });

    // WHEN / THEN
    expect(statementsForRole(stack, handlerRoleId(stack)).map((st) => st.Action)).not.toContainEqual(['kms:Decrypt']);
  });
});

describe('what is not covered is said at synthesis', () => {
  test('an Express state machine: a warning, and neither a rule nor a function (Express executions send no status-change events)', () => {
    // GIVEN
    const stack = newTestStack();
    new sfn.StateMachine(stack, 'Fast', { definitionBody: sfn.DefinitionBody.fromChainable(batchJob(stack)), stateMachineType: sfn.StateMachineType.EXPRESS });

    // WHEN
    const { rules, functions } = watcherResources(stack);

    // THEN
    expect(Object.keys(rules)).toHaveLength(0);
    expect(Object.keys(functions)).toHaveLength(0);
    expect(ExecutionStopped.of(stack)).toBeUndefined();
    Annotations.fromStack(stack).hasWarning('/TestStack/Train', Match.stringLikeRegexp('Fast is an Express state machine.*not cancelled.*cancelOnStopExpress'));
  });

  test('an Express and a Standard state machine holding our states: only the Standard one is watched', () => {
    // GIVEN
    const stack = newTestStack();
    new sfn.StateMachine(stack, 'Fast', { definitionBody: sfn.DefinitionBody.fromChainable(batchJob(stack, 'Quick')), stateMachineType: sfn.StateMachineType.EXPRESS });
    const slow = machine(stack, 'Slow', batchJob(stack));

    // WHEN
    const [rule] = Object.values(watcherResources(stack).rules);

    // THEN
    expect(rule.Properties.EventPattern.detail.stateMachineArn.filter((v: any) => !v.prefix)).toEqual([stateMachineArn(slow)]);
    Annotations.fromStack(stack).hasWarning('/TestStack/Quick', Match.stringLikeRegexp('Express'));
    Annotations.fromStack(stack).hasNoWarning('/TestStack/Train', Match.stringLikeRegexp('Express'));
  });

  test('a construct whose state machine is in another stack: a warning on the construct, no rule in either stack', () => {
    // GIVEN the poller in one stack, the state machine holding it in another
    const app = new App();
    const jobs = new Stack(app, 'Jobs', { env: { account: '123456789012', region: 'us-east-1' } });
    const pipeline = new Stack(app, 'Pipeline', { env: { account: '123456789012', region: 'us-east-1' } });
    const job = batchJob(jobs);
    machine(pipeline, 'Machine', job);
    machine(jobs, 'Unrelated', new sfn.Pass(jobs, 'P'));

    // WHEN / THEN
    Annotations.fromStack(jobs).hasWarning('/Jobs/Train', Match.stringLikeRegexp('Pipeline/Machine, of another stack.*not cancelled when an execution stops.*cancelOnStopOtherStack'));
    expect(Object.keys(watcherResources(jobs).rules)).toHaveLength(0);
    expect(Object.keys(watcherResources(pipeline).rules)).toHaveLength(0);
  });

  test('the same, with no state machine at all in the construct\'s stack: still a warning', () => {
    // GIVEN
    const app = new App();
    const jobs = new Stack(app, 'Jobs', { env: { account: '123456789012', region: 'us-east-1' } });
    const pipeline = new Stack(app, 'Pipeline', { env: { account: '123456789012', region: 'us-east-1' } });
    machine(pipeline, 'Machine', batchJob(jobs));

    // WHEN / THEN
    Annotations.fromStack(jobs).hasWarning('/Jobs/Train', Match.stringLikeRegexp('cancelOnStopOtherStack'));
  });

  test('a state inside a Distributed Map: a warning', () => {
    // GIVEN
    const stack = newTestStack();
    const job = batchJob(stack);
    machine(stack, 'Pipeline', new sfn.DistributedMap(stack, 'Fan').itemProcessor(job));

    // WHEN / THEN
    Annotations.fromStack(stack).hasWarning('*', Match.stringLikeRegexp('Distributed Map'));
  });

  test('a state in a stack whose state machines do not hold it: a warning on the construct', () => {
    // GIVEN
    const stack = newTestStack();
    batchJob(stack);
    machine(stack, 'Other', new sfn.Pass(stack, 'P'));

    // WHEN / THEN
    Annotations.fromStack(stack).hasWarning('/TestStack/Train', Match.stringLikeRegexp('not cancelled when an execution stops'));
  });
});

describe('reading definitions', () => {
  test('definitionText keeps the literal parts of Fn::Join and stands 0 for the others', () => {
    expect(definitionText({ 'Fn::Join': ['', ['{"a":"arn:', { Ref: 'AWS::Partition' }, ':x"}']] })).toBe('{"a":"arn:0:x"}');
    expect(definitionText('{"StartAt":"x"}')).toBe('{"StartAt":"x"}');
    expect(definitionText({ 'Fn::GetAtt': ['X', 'Y'] })).toBeUndefined();
  });

  test('definitionStates finds states in Parallel branches, Map iterators and item processors, and marks Distributed Maps', () => {
    const text = JSON.stringify({
      StartAt: 'P',
      States: {
        P: { Type: 'Parallel', Branches: [{ StartAt: 'A', States: { A: { Type: 'Task', Resource: 'r:a' } } }] },
        M: { Type: 'Map', Iterator: { StartAt: 'B', States: { B: { Type: 'Task', Resource: 'r:b' } } } },
        D: { Type: 'Map', ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED' }, StartAt: 'C', States: { C: { Type: 'Task', Resource: 'r:c' } } } },
      },
    });
    expect(definitionStates(text).map((s) => [s.name, s.resource ?? null, s.distributed])).toEqual([
      ['P', null, false], ['A', 'r:a', false], ['M', null, false], ['B', 'r:b', false], ['D', null, false], ['C', 'r:c', true],
    ]);
    expect(definitionStates('not json')).toEqual([]);
  });
});
