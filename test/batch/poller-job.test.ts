import { Duration, Size, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as batch from 'aws-cdk-lib/aws-batch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { BatchPollerJob, BatchPollerJobProps } from '../../src';
import {
  collectPolicyStatements,
  expectLeastPrivilegeIam,
  bundledHandlerRuntimeAcknowledgements,
  executionStoppedAcknowledgements,
  expectNoNagFindings,
  expectValidAsl,
  logicalIdOf,
  newTestStack,
  renderChainable,
  renderStateMachine,
  statementsForRole,
  branchStates,
} from '../support';

const QUEUE_ARN = 'arn:aws:batch:us-east-1:123456789012:job-queue/training';
const DEFINITION_ARN = 'arn:aws:batch:us-east-1:123456789012:job-definition/train:7';

function job(scope: Construct, id = 'Train', props: Partial<BatchPollerJobProps> = {}): BatchPollerJob {
  return new BatchPollerJob(scope, id, { jobQueueArn: QUEUE_ARN, jobDefinitionArn: DEFINITION_ARN, ...props });
}

/** The singleton check function's logical id (the Lambda function resource, not the SingletonFunction wrapper). */
function checkFunctionId(stack: Stack): string {
  const ids = Object.keys(Template.fromStack(stack).findResources('AWS::Lambda::Function', { Properties: { Description: Match.stringLikeRegexp('BatchPollerJob') } }));
  expect(ids).toHaveLength(1);
  return ids[0];
}

/** Statements in a template, with intrinsics rendered by the harness's placeholders where simple. */
function resolved(stack: Stack, value: unknown): unknown {
  return stack.resolve(value);
}

const ALL_PROPS: Partial<BatchPollerJobProps> = {
  jobName: 'train-model',
  containerOverrides: {
    command: ['python', 'train.py', '--epochs', '10'],
    environment: { STAGE: 'prod' },
    instanceType: new ec2.InstanceType('p3.2xlarge'),
    memory: Size.gibibytes(16),
    vcpus: 8,
    gpuCount: 1,
  },
  parameters: { input: 's3://bucket/in' },
  arraySize: 4,
  attempts: 3,
  attemptTimeout: Duration.hours(6),
  tags: { team: 'ml' },
  dependsOn: [{ jobId: 'e3f1a7d4-0000-4000-8000-000000000000', type: 'N_TO_N' }],
};

describe('exact ASL', () => {
  test('JSONPath: submit and check', () => {
    // WHEN
    const { definition, stack } = renderChainable((scope) => job(scope, 'Train', { ...ALL_PROPS, timeout: Duration.hours(12), maxQueueTime: Duration.hours(1) }));
    const fn = `\${${checkFunctionId(stack)}.Arn}`;

    // THEN
    expect(definition.StartAt).toBe('Train');
    expect(definition.States.Train.Branches[0].StartAt).toBe('Train: Start job');
    expect(branchStates(definition, 'Train')['Train: Start job']).toEqual({
      Type: 'Task',
      Resource: 'arn:aws:states:::batch:submitJob',
      Parameters: {
        JobName: 'train-model',
        JobQueue: QUEUE_ARN,
        JobDefinition: DEFINITION_ARN,
        Parameters: { input: 's3://bucket/in' },
        ArrayProperties: { Size: 4 },
        ContainerOverrides: {
          Command: ['python', 'train.py', '--epochs', '10'],
          Environment: [{ Name: 'STAGE', Value: 'prod' }],
          InstanceType: 'p3.2xlarge',
          ResourceRequirements: [{ Type: 'GPU', Value: '1' }, { Type: 'MEMORY', Value: '16384' }, { Type: 'VCPU', Value: '8' }],
        },
        DependsOn: [{ JobId: 'e3f1a7d4-0000-4000-8000-000000000000', Type: 'N_TO_N' }],
        RetryStrategy: { Attempts: 3 },
        Timeout: { AttemptDurationSeconds: 21600 },
        Tags: { team: 'ml' },
      },
      ResultSelector: {
        job: { 'jobId.$': '$.JobId', 'jobName.$': '$.JobName', 'jobArn.$': '$.JobArn', 'poll': { outcome: 'RUNNING', nextPollSeconds: 30 } },
      },
      ResultPath: '$.Train',
      Next: 'Train: Wait',
    });
    expect(branchStates(definition, 'Train')['Train: Check job']).toEqual({
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: {
        FunctionName: fn,
        Payload: {
          'action': 'check',
          'policy': { pollIntervalSeconds: 30, maxPollIntervalSeconds: 3600, growthPercent: 10, timeoutSeconds: 43200, maxQueueSeconds: 3600 },
          'job.$': '$.Train.job',
        },
      },
      ResultSelector: { 'job.$': '$.Payload' },
      ResultPath: '$.Train',
      Retry: [
        {
          ErrorEquals: ['Lambda.ClientExecutionTimeoutException', 'Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException', 'Lambda.TooManyRequestsException'],
          IntervalSeconds: 2,
          MaxAttempts: 6,
          BackoffRate: 2,
          JitterStrategy: 'FULL',
        },
        { ErrorEquals: ['BatchPoller.Throttled'], IntervalSeconds: 10, MaxAttempts: 5, BackoffRate: 2, JitterStrategy: 'FULL' },
      ],
      Next: 'Train: Job finished?',
    });
    expect(branchStates(definition, 'Train')['Train: Job failed']).toEqual({ Type: 'Fail', Error: 'BatchPoller.JobFailed', CausePath: '$.Train.job.poll.cause' });
    expect(branchStates(definition, 'Train')['Train: Job timed out']).toEqual({ Type: 'Fail', Error: 'BatchPoller.JobTimedOut', CausePath: '$.Train.job.poll.cause' });
    expect(branchStates(definition, 'Train')['Train: Job stuck']).toEqual({ Type: 'Fail', Error: 'BatchPoller.JobStuck', CausePath: '$.Train.job.poll.cause' });
    expect(Object.keys(branchStates(definition, 'Train'))).toHaveLength(10);
    expect(definition.States).toEqual({ Train: { Type: 'Parallel', Branches: [expect.any(Object)], OutputPath: '$[0]', End: true } });
    expectValidAsl(definition);
  });

  test('JSONata: submit with run-time values, and check', () => {
    // WHEN
    const { definition, stack } = renderChainable((scope) => job(scope, 'Train', {
      jobName: "{% 'train-' & $states.input.runId %}",
      jobQueueArn: '{% $states.input.queueArn %}',
      parameters: { input: '{% $states.input.inputUri %}' },
    }), { queryLanguage: sfn.QueryLanguage.JSONATA });
    const fn = `\${${checkFunctionId(stack)}.Arn}`;

    // THEN
    expect(branchStates(definition, 'Train')['Train: Start job']).toEqual({
      Type: 'Task',
      Resource: 'arn:aws:states:::batch:submitJob',
      Arguments: {
        JobName: "{% 'train-' & $states.input.runId %}",
        JobQueue: '{% $states.input.queueArn %}',
        JobDefinition: DEFINITION_ARN,
        Parameters: { input: '{% $states.input.inputUri %}' },
      },
      Output: "{% $merge([$states.input, {'Train': {'job': {'jobId': $states.result.JobId, 'jobName': $states.result.JobName, 'jobArn': $states.result.JobArn, 'poll': {'outcome': 'RUNNING', 'nextPollSeconds': 30}}}}]) %}",
      Next: 'Train: Wait',
    });
    expect(branchStates(definition, 'Train')['Train: Check job']).toMatchObject({
      Arguments: {
        FunctionName: fn,
        Payload: { action: 'check', policy: { pollIntervalSeconds: 30, maxPollIntervalSeconds: 3600, growthPercent: 10 }, job: '{% $states.input.Train.job %}' },
      },
      Output: "{% $merge([$states.input, {'Train': {'job': $states.result.Payload}}]) %}",
    });
    expect(branchStates(definition, 'Train')['Train: Job failed']).toEqual({ Type: 'Fail', Error: 'BatchPoller.JobFailed', Cause: '{% $states.input.Train.job.poll.cause %}' });
    expectValidAsl(definition);
  });

  test('JSONPath run-time values render as paths', () => {
    // WHEN
    const { definition } = renderChainable((scope) => job(scope, 'Train', {
      jobName: sfn.JsonPath.format('train-{}', sfn.JsonPath.stringAt('$.runId')),
      jobDefinitionArn: sfn.JsonPath.stringAt('$.definition'),
      arraySize: sfn.JsonPath.numberAt('$.shards'),
    }));

    // THEN
    expect(branchStates(definition, 'Train')['Train: Start job'].Parameters).toEqual({
      'JobName.$': "States.Format('train-{}', $.runId)",
      'JobQueue': QUEUE_ARN,
      'JobDefinition.$': '$.definition',
      'ArrayProperties': { 'Size.$': '$.shards' },
    });
    expectValidAsl(definition);
  });

  test('the job name defaults to the construct id, reduced to what Batch allows', () => {
    // WHEN
    const { definition } = renderChainable((scope) => job(scope, 'Nightly train (GPU)'));

    // THEN
    expect(branchStates(definition, 'Nightly train (GPU)')['Nightly train (GPU): Start job'].Parameters.JobName).toBe('Nightly-train-GPU');
    expect(branchStates(definition, 'Nightly train (GPU)')['Nightly train (GPU): Check job'].ResultPath).toBe('$.Nightly_train__GPU_');
  });

  test('two pollers share one state machine and one function', () => {
    // GIVEN
    const stack = newTestStack();

    // WHEN
    const chain = job(stack, 'Train').next(job(stack, 'Evaluate', { jobDefinitionArn: 'arn:aws:batch:us-east-1:123456789012:job-definition/eval:2' }));
    new sfn.StateMachine(stack, 'Pipeline', { definitionBody: sfn.DefinitionBody.fromChainable(chain) });
    const definition = renderStateMachine(stack);

    // THEN
    // One check function (and log group) for both; beside it, the stack's execution-stopped handler.
    expect(Object.keys(branchStates(definition, 'Train')).filter((n) => n.startsWith('Train: '))).toHaveLength(10);
    expect(Object.keys(branchStates(definition, 'Evaluate')).filter((n) => n.startsWith('Evaluate: '))).toHaveLength(10);
    expect(definition.States.Train.Next).toBe('Evaluate');
    Template.fromStack(stack).resourceCountIs('AWS::Lambda::Function', 2);
    Template.fromStack(stack).resourceCountIs('AWS::Logs::LogGroup', 2);
    expectValidAsl(definition);
  });

  test('twenty pollers in a stack, in two state machines, still use one function', () => {
    // GIVEN
    const stack = newTestStack();

    // WHEN
    for (const machine of ['A', 'B']) {
      const scope = new Construct(stack, machine);
      let chain: sfn.Chain = sfn.Chain.start(job(scope, 'Job0'));
      for (let i = 1; i < 10; i++) chain = chain.next(job(scope, `Job${i}`));
      new sfn.StateMachine(scope, 'Machine', { definitionBody: sfn.DefinitionBody.fromChainable(chain) });
    }

    // THEN one check function, and the stack's execution-stopped handler
    Template.fromStack(stack).resourceCountIs('AWS::Lambda::Function', 2);
  });
});

describe('IAM', () => {
  test('state machine role: submit to the queue, the job definition revision and new jobs; invoke the check function', async () => {
    // GIVEN
    const stack = newTestStack();
    const { stateMachine } = renderChainable(job(stack));

    // THEN
    const statements = statementsForRole(stack, stateMachine);
    expect(statements).toEqual([
      { Effect: 'Allow', Action: ['batch:SubmitJob'], Resource: [QUEUE_ARN, DEFINITION_ARN, { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':batch:us-east-1:123456789012:job/*']] }] },
      { Effect: 'Allow', Action: ['lambda:InvokeFunction'], Resource: { 'Fn::GetAtt': [checkFunctionId(stack), 'Arn'] } },
    ]);
    await expectLeastPrivilegeIam(statements);
  });

  test('tags add batch:TagResource on new jobs, for the given tag keys only', () => {
    // GIVEN
    const stack = newTestStack();
    const { stateMachine } = renderChainable(job(stack, 'Train', { tags: { team: 'ml', cost: 'research' } }));

    // THEN
    expect(statementsForRole(stack, stateMachine)).toEqual(expect.arrayContaining([
      {
        Effect: 'Allow',
        Action: ['batch:TagResource'],
        Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':batch:us-east-1:123456789012:job/*']] },
        Condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['team', 'cost'] } },
      },
    ]));
  });

  test('no tags, no batch:TagResource', () => {
    // GIVEN
    const stack = newTestStack();
    renderChainable(job(stack));

    // THEN
    const actions = Object.values(collectPolicyStatements(stack)).flat().flatMap((s) => s.Action ?? []);
    expect(actions).not.toContain('batch:TagResource');
  });

  test('constructs: the job definition\'s own ARN (with its revision) and the queue\'s', () => {
    // GIVEN
    const stack = newTestStack();
    const definition = new batch.EcsJobDefinition(stack, 'Definition', {
      container: new batch.EcsEc2ContainerDefinition(stack, 'Container', {
        image: ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/python:3.12'),
        cpu: 1,
        memory: Size.gibibytes(2),
      }),
    });
    const queue = batch.JobQueue.fromJobQueueArn(stack, 'Queue', QUEUE_ARN);
    const { stateMachine, definition: asl } = renderChainable(new BatchPollerJob(stack, 'Train', { jobQueue: queue, jobDefinition: definition }));

    // THEN
    expect(branchStates(asl, 'Train')['Train: Start job'].Parameters.JobDefinition).toBe(`\${${logicalIdOf(definition)}}`);
    expect(statementsForRole(stack, stateMachine)[0]).toEqual({
      Effect: 'Allow',
      Action: ['batch:SubmitJob'],
      Resource: [QUEUE_ARN, { Ref: logicalIdOf(definition) }, { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':batch:us-east-1:123456789012:job/*']] }],
    });
  });

  test.each([
    ['a job definition without revision: the name and its revisions', { jobDefinitionArn: 'arn:aws:batch:us-east-1:123456789012:job-definition/train' },
      [QUEUE_ARN, 'arn:aws:batch:us-east-1:123456789012:job-definition/train', 'arn:aws:batch:us-east-1:123456789012:job-definition/train:*']],
    ['run-time (JSONPath) queue and definition: any of the account and region', { jobQueueArn: sfn.JsonPath.stringAt('$.queue'), jobDefinitionArn: sfn.JsonPath.stringAt('$.definition') },
      ['job-queue/*', 'job-definition/*']],
    ['run-time (JSONata) queue and definition: any of the account and region', { jobQueueArn: '{% $states.input.queue %}', jobDefinitionArn: '{% $states.input.definition %}' },
      ['job-queue/*', 'job-definition/*']],
  ])('%s', (_what, props, expected) => {
    // GIVEN
    const stack = newTestStack();
    const jsonata = String((props as any).jobQueueArn ?? '').startsWith('{%');
    const { stateMachine } = renderChainable(job(stack, 'Train', props), { queryLanguage: jsonata ? sfn.QueryLanguage.JSONATA : undefined });

    // WHEN
    const submit = statementsForRole(stack, stateMachine).find((s) => s.Action?.includes('batch:SubmitJob'))!;
    const resources = (submit.Resource as unknown[]).map((r) => (typeof r === 'string' ? r : JSON.stringify(resolved(stack, r))));

    // THEN
    for (const e of expected) {
      if (e.startsWith('arn:')) expect(resources).toContain(e);
      else expect(resources.some((r) => r.includes(`:batch:us-east-1:123456789012:${e}`))).toBe(true);
    }
    expect(resources).toHaveLength(expected.length + 1); // + job/*
    expect(resources.some((r) => r.includes(':job/*'))).toBe(true);
    expect(resources).not.toContain('*');
  });

  test('function role: DescribeJobs on * (its only option), TerminateJob on jobs, its own log group; no managed policy', async () => {
    // GIVEN
    const stack = newTestStack();
    renderChainable(job(stack));
    const template = Template.fromStack(stack);
    const fnId = checkFunctionId(stack);
    const roleId = template.findResources('AWS::Lambda::Function')[fnId].Properties.Role['Fn::GetAtt'][0];
    const logGroupId = Object.keys(template.findResources('AWS::Logs::LogGroup'))[0];

    // THEN
    expect(statementsForRole(stack, roleId)).toEqual([
      { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: { 'Fn::GetAtt': [logGroupId, 'Arn'] } },
      { Effect: 'Allow', Action: ['batch:DescribeJobs'], Resource: '*' },
      { Effect: 'Allow', Action: ['batch:TerminateJob'], Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':batch:us-east-1:123456789012:job/*']] } },
    ]);
    expect(template.findResources('AWS::IAM::Role')[roleId].Properties.ManagedPolicyArns).toBeUndefined();
    template.hasResourceProperties('AWS::Lambda::Function', {
      // aws-cdk-lib's latest Node.js runtime fact for the region, never older than the bundles' nodejs22 target
      Runtime: Match.stringLikeRegexp('^nodejs(2[2-9]|[3-9][0-9])\\.x$'),
      Architectures: ['arm64'],
      Handler: 'index.handler',
      MemorySize: 128,
      Timeout: 30,
      LoggingConfig: { LogFormat: 'JSON', LogGroup: { Ref: logGroupId } },
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: logs.RetentionDays.ONE_MONTH });
    await expectLeastPrivilegeIam(stack);
  });

  test('cdk-nag: only the documented wildcards remain', () => {
    // GIVEN
    const stack = newTestStack();
    const logGroup = new logs.LogGroup(stack, 'MachineLogs', { retention: logs.RetentionDays.ONE_WEEK });
    new sfn.StateMachine(stack, 'Machine', {
      definitionBody: sfn.DefinitionBody.fromChainable(job(stack, 'Train', { tags: { team: 'ml' } })),
      logs: { destination: logGroup, level: sfn.LogLevel.ALL },
      tracingEnabled: true,
    });

    // THEN
    expectNoNagFindings(stack, [
      {
        id: 'AwsSolutions-IAM5',
        reason: 'Batch generates job ids at submission: SubmitJob (job resource), TagResource and TerminateJob can only name jobs/* of this account and region',
        appliesTo: ['Resource::arn:<AWS::Partition>:batch:us-east-1:123456789012:job/*'],
      },
      {
        id: 'AwsSolutions-IAM5',
        reason: 'batch:DescribeJobs does not support resource-level permissions: it only accepts *',
        appliesTo: ['Resource::*'],
        path: `/${stack.node.path}/${stack.node.children.find((c) => c.node.id.startsWith('CdkSfnJobsBatchPollerRole'))!.node.id}`,
      },
      {
        id: 'AwsSolutions-IAM5',
        reason: 'X-Ray and CloudWatch Logs delivery actions of the state machine role (added by aws-cdk-lib) only accept *',
        appliesTo: ['Resource::*'],
        path: '/TestStack/Machine/Role',
      },
      ...bundledHandlerRuntimeAcknowledgements(stack),
      ...executionStoppedAcknowledgements(),
    ]);
  });
});

describe('bad input fails at synthesis', () => {
  test.each<[string, Partial<BatchPollerJobProps>, RegExp]>([
    ['array size 1', { arraySize: 1 }, /Train: arraySize must be an integer between 2 and 10000; got 1/],
    ['array size 10,001', { arraySize: 10_001 }, /arraySize must be an integer between 2 and 10000; got 10001/],
    ['attempts 0', { attempts: 0 }, /attempts must be an integer between 1 and 10; got 0/],
    ['attempts 11', { attempts: 11 }, /attempts must be an integer between 1 and 10; got 11/],
    ['a job name with a space', { jobName: 'train model' }, /jobName must be up to 128 letters, digits, hyphens and underscores, starting with a letter or digit; got "train model"/],
    ['a job name starting with a dash', { jobName: '-train' }, /jobName must be/],
    ['a job name of 129 characters', { jobName: 'a'.repeat(129) }, /jobName must be up to 128/],
    ['an attempt timeout under a minute', { attemptTimeout: Duration.seconds(59) }, /attemptTimeout must be a whole number of seconds, at least 60 seconds; got 59 seconds/],
    ['21 dependencies', { dependsOn: Array.from({ length: 21 }, (_, i) => ({ jobId: `job-${i}` })) }, /dependsOn must be a list of 0 to 20 items; got "21 items"/],
    ['51 tags', { tags: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v'])) }, /tags must be at most 50 tags; got "51 tags"/],
    ['an aws: tag', { tags: { 'aws:owner': 'me' } }, /tags must be keyed by 1 to 128 characters, not starting with "aws:"; got "aws:owner"/],
    ['a reserved environment variable', { containerOverrides: { environment: { AWS_BATCH_JOB_ID: 'x' } } }, /containerOverrides.environment must be free of names starting with AWS_BATCH/],
    ['both queue and queue ARN', { jobQueue: batch.JobQueue.fromJobQueueArn(newTestStack(), 'Q', QUEUE_ARN) }, /jobQueue must be given, either as jobQueue or as jobQueueArn \(exactly one of them\); got "both"/],
    ['no job definition', { jobDefinitionArn: undefined }, /jobDefinition must be given, either as jobDefinition or as jobDefinitionArn \(exactly one of them\); got "neither"/],
    ['a job definition ARN that is not one', { jobDefinitionArn: 'arn:aws:batch:us-east-1:123456789012:job-queue/training' }, /jobDefinitionArn must be a job definition ARN/],
    ['a poll interval of 0', { pollInterval: Duration.seconds(0) }, /Train\/Poller: pollInterval must be a whole number of seconds, at least 1 second/],
    ['a first interval above the cap', { pollInterval: Duration.minutes(10), maxPollInterval: Duration.minutes(5) }, /maxPollInterval must be at least pollInterval/],
    ['a timeout shorter than the first interval', { timeout: Duration.seconds(20) }, /timeout must be at least pollInterval \(30 seconds\)/],
  ])('%s', (_what, props, message) => {
    // GIVEN
    const stack = newTestStack();

    // WHEN / THEN
    expect(() => job(stack, 'Train', props)).toThrow(message);
  });

  test('run-time values skip the static checks', () => {
    // GIVEN
    const stack = newTestStack();

    // WHEN / THEN
    expect(() => job(stack, 'Train', {
      jobName: sfn.JsonPath.stringAt('$.name'),
      arraySize: sfn.JsonPath.numberAt('$.size'),
      attempts: sfn.JsonPath.numberAt('$.attempts'),
    })).not.toThrow();
    expect(() => job(stack, 'Train2', { jobName: "{% 'a b c' & $states.input.x %}" })).not.toThrow();
  });
});

describe('README example', () => {
  test('synthesizes a valid definition with a catch on the poller', () => {
    // GIVEN: the README's TypeScript example (test/python/examples/batch_poller.py is the same in Python)
    const stack = newTestStack('TrainingStack');
    const queue = batch.JobQueue.fromJobQueueArn(stack, 'Queue', 'arn:aws:batch:us-east-1:123456789012:job-queue/training');
    const train = new BatchPollerJob(stack, 'Train', {
      jobQueue: queue,
      jobDefinitionArn: 'arn:aws:batch:us-east-1:123456789012:job-definition/train:3',
      jobName: 'train-model',
      containerOverrides: {
        command: ['python', 'train.py', '--input', 'Ref::input'],
        environment: { STAGE: 'prod' },
      },
      parameters: { input: sfn.JsonPath.stringAt('$.inputUri') },
      attempts: 2,
      maxQueueTime: Duration.minutes(30),
      timeout: Duration.hours(12),
    });
    const notify = new sfn.Pass(stack, 'Report failed job');
    train.addCatch(notify, { errors: BatchPollerJob.ALL_ERRORS, resultPath: '$.error' });
    const publish = new sfn.Pass(stack, 'Publish', { parameters: { 'logStream.$': '$.Train.logStreamName' } });
    new sfn.StateMachine(stack, 'TrainingPipeline', { definitionBody: sfn.DefinitionBody.fromChainable(train.next(publish)) });

    // WHEN
    const definition = renderStateMachine(stack);

    // THEN
    expect(definition.States.Train.Catch).toEqual([
      {
        ErrorEquals: ['BatchPoller.JobFailed', 'BatchPoller.JobTimedOut', 'BatchPoller.JobStuck', 'BatchPoller.JobNotFound'],
        ResultPath: '$.error',
        Next: 'Report failed job',
      },
    ]);
    expect(definition.States.Train).toMatchObject({ Type: 'Parallel', OutputPath: '$[0]', Next: 'Publish' });
    expect(definition.States.Train.Branches[0].StartAt).toBe('Train: Start job');
    expect(definition.States.Train.Branches[0].States['Train: Start job'].Parameters).toEqual({
      JobName: 'train-model',
      JobQueue: 'arn:aws:batch:us-east-1:123456789012:job-queue/training',
      JobDefinition: 'arn:aws:batch:us-east-1:123456789012:job-definition/train:3',
      Parameters: { 'input.$': '$.inputUri' },
      ContainerOverrides: { Command: ['python', 'train.py', '--input', 'Ref::input'], Environment: [{ Name: 'STAGE', Value: 'prod' }] },
      RetryStrategy: { Attempts: 2 },
    });
    expectValidAsl(definition);
  });
});

describe('missing required props (plain JavaScript / Python callers)', () => {
  test('no props at all', () => {
    expect(() => new BatchPollerJob(newTestStack(), 'Train', undefined as any)).toThrow(/TestStack\/Train: props must be given \(required: jobQueue or jobQueueArn, jobDefinition or jobDefinitionArn\); got undefined/);
  });

  test('neither jobQueue nor jobQueueArn', () => {
    expect(() => new BatchPollerJob(newTestStack(), 'Train', { jobDefinitionArn: DEFINITION_ARN } as any)).toThrow(/TestStack\/Train: jobQueue/);
  });
});

test('a JSONata job queue in a JSONPath state machine is refused at synth (it would be sent as text)', () => {
  // GIVEN
  const stack = newTestStack();

  // WHEN / THEN
  expect(() => renderChainable(job(stack, 'Train', { jobQueueArn: '{% $states.input.queue %}' } as any)))
    .toThrow(/TestStack\/Train\/Poller: start\.parameters\.JobQueue must be a literal or a JsonPath value in a JSONPath state/);
});
