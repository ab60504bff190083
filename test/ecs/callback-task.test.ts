import {
  App,
  Duration,
  Stack,
  Tags,
  aws_ec2 as ec2,
  aws_ecs as ecs,
  aws_iam as iam,
  aws_stepfunctions as sfn,
  aws_stepfunctions_tasks as tasks,
} from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { Construct } from 'constructs';
import { ec2Fixture, fargateFixture } from './fixtures';
import { EcsCallbackTask, EcsCallbackTaskProps } from '../../src';
import {
  TEST_ENV,
  checkResourceTypes,
  expectLeastPrivilegeIam,
  expectValidAsl,
  logicalIdOf,
  newTestStack,
  renderChainable,
  renderState,
  renderStateMachine,
  statementsForRole,
} from '../support';

const RESOURCE = 'arn:aws:states:::ecs:runTask.waitForTaskToken';

/** The stack's Fargate fixture, created on first use. */
function fixtureOf(scope: Construct): { cluster: ecs.Cluster; taskDefinition: ecs.FargateTaskDefinition } {
  const stack = Stack.of(scope);
  if (!stack.node.tryFindChild('FxCluster')) return fargateFixture(stack);
  return { cluster: stack.node.findChild('FxCluster') as ecs.Cluster, taskDefinition: stack.node.findChild('FxTaskDef') as ecs.FargateTaskDefinition };
}

/** A Fargate EcsCallbackTask on the stack's fixture, with the given extra props. */
function fargateTask(scope: Construct, extra: Partial<EcsCallbackTaskProps> = {}, id: string = 'Run'): EcsCallbackTask {
  const { cluster, taskDefinition } = fixtureOf(scope);
  return new EcsCallbackTask(scope, id, { cluster, taskDefinition, launchTarget: new tasks.EcsFargateLaunchTarget(), ...extra });
}

const FARGATE_NETWORK = {
  AwsvpcConfiguration: {
    Subnets: ['${FxVpcPrivateSubnet1Subnet115AF99C}', '${FxVpcPrivateSubnet2SubnetF888C610}'],
    SecurityGroups: ['${RunSecurityGroupFBA8EDA8.GroupId}'],
  },
};

describe('ASL', () => {
  test('JSONPath, Fargate: token and whole input injected into the default container', () => {
    // GIVEN / WHEN
    const state = renderState((scope) => EcsCallbackTask.jsonPath(scope, 'Run', { ...fixtureOf(scope), launchTarget: new tasks.EcsFargateLaunchTarget() }));

    // THEN
    expect(state).toEqual({
      Type: 'Task',
      Resource: RESOURCE,
      Parameters: {
        Cluster: '${FxCluster22E4349E.Arn}',
        TaskDefinition: 'worker',
        NetworkConfiguration: FARGATE_NETWORK,
        Overrides: {
          ContainerOverrides: [{
            Name: 'app',
            Environment: [
              { 'Name': 'TASK_TOKEN', 'Value.$': '$$.Task.Token' },
              { 'Name': 'TASK_INPUT', 'Value.$': 'States.JsonToString($)' },
            ],
          }],
        },
        LaunchType: 'FARGATE',
      },
      End: true,
    });
  });

  test('JSONata, Fargate: the same in JSONata syntax', () => {
    // GIVEN / WHEN
    const state = renderState((scope) => EcsCallbackTask.jsonata(scope, 'Run', {
      ...fixtureOf(scope),
      launchTarget: new tasks.EcsFargateLaunchTarget({ platformVersion: ecs.FargatePlatformVersion.VERSION1_4 }),
    }));

    // THEN
    expect(state).toEqual({
      Type: 'Task',
      QueryLanguage: 'JSONata',
      Resource: RESOURCE,
      Arguments: {
        Cluster: '${FxCluster22E4349E.Arn}',
        TaskDefinition: 'worker',
        NetworkConfiguration: FARGATE_NETWORK,
        Overrides: {
          ContainerOverrides: [{
            Name: 'app',
            Environment: [
              { Name: 'TASK_TOKEN', Value: '{% $states.context.Task.Token %}' },
              { Name: 'TASK_INPUT', Value: '{% $string($states.input) %}' },
            ],
          }],
        },
        LaunchType: 'FARGATE',
        PlatformVersion: '1.4.0',
      },
      End: true,
    });
  });

  test('JSONata from the state machine: no state-level QueryLanguage, JSONata syntax', () => {
    // GIVEN / WHEN
    const state = renderState((scope) => fargateTask(scope), { queryLanguage: sfn.QueryLanguage.JSONATA });

    // THEN
    expect(state.QueryLanguage).toBeUndefined();
    expect(state.Parameters).toBeUndefined();
    expect(state.Arguments.Overrides.ContainerOverrides[0].Environment).toEqual([
      { Name: 'TASK_TOKEN', Value: '{% $states.context.Task.Token %}' },
      { Name: 'TASK_INPUT', Value: '{% $string($states.input) %}' },
    ]);
  });

  function ec2State(queryLanguage?: sfn.QueryLanguage) {
    return renderState((scope) => {
      const fx = ec2Fixture(Stack.of(scope));
      return new EcsCallbackTask(scope, 'Run', {
        cluster: fx.cluster,
        taskDefinition: fx.taskDefinition,
        launchTarget: new tasks.EcsEc2LaunchTarget({
          placementStrategies: [ecs.PlacementStrategy.spreadAcrossInstances()],
          placementConstraints: [ecs.PlacementConstraint.memberOf('attribute:ecs.instance-type =~ t3.*')],
        }),
        queryLanguage,
      });
    });
  }

  test('JSONPath, EC2 (bridge network): no network configuration, placement from the launch target', () => {
    expect(ec2State()).toEqual({
      Type: 'Task',
      Resource: RESOURCE,
      Parameters: {
        Cluster: '${Ec2ClusterEE43E89D.Arn}',
        TaskDefinition: 'ec2-worker',
        Overrides: {
          ContainerOverrides: [{
            Name: 'app',
            Environment: [
              { 'Name': 'TASK_TOKEN', 'Value.$': '$$.Task.Token' },
              { 'Name': 'TASK_INPUT', 'Value.$': 'States.JsonToString($)' },
            ],
          }],
        },
        LaunchType: 'EC2',
        PlacementConstraints: [{ Type: 'memberOf', Expression: 'attribute:ecs.instance-type =~ t3.*' }],
        PlacementStrategy: [{ Type: 'spread', Field: 'instanceId' }],
      },
      End: true,
    });
  });

  test('JSONata, EC2 (bridge network)', () => {
    expect(ec2State(sfn.QueryLanguage.JSONATA)).toEqual({
      Type: 'Task',
      QueryLanguage: 'JSONata',
      Resource: RESOURCE,
      Arguments: {
        Cluster: '${Ec2ClusterEE43E89D.Arn}',
        TaskDefinition: 'ec2-worker',
        Overrides: {
          ContainerOverrides: [{
            Name: 'app',
            Environment: [
              { Name: 'TASK_TOKEN', Value: '{% $states.context.Task.Token %}' },
              { Name: 'TASK_INPUT', Value: '{% $string($states.input) %}' },
            ],
          }],
        },
        LaunchType: 'EC2',
        PlacementConstraints: [{ Type: 'memberOf', Expression: 'attribute:ecs.instance-type =~ t3.*' }],
        PlacementStrategy: [{ Type: 'spread', Field: 'instanceId' }],
      },
      End: true,
    });
  });

  test('JSONPath, every option: selected input, extra environment, command, cpu/memory, networking, tags, exec, base props', () => {
    // GIVEN / WHEN
    const state = renderState((scope) => {
      const stack = Stack.of(scope);
      const fx = fargateFixture(stack);
      const sg = new ec2.SecurityGroup(stack, 'Sg', { vpc: fx.vpc });
      return new EcsCallbackTask(scope, 'Run', {
        cluster: fx.cluster,
        taskDefinition: fx.taskDefinition,
        launchTarget: new tasks.EcsFargateLaunchTarget(),
        input: sfn.TaskInput.fromJsonPathAt('$.job'),
        environment: { MODE: 'fast', RUN_ID: sfn.JsonPath.stringAt('$$.Execution.Name') },
        command: ['python', 'app.py'],
        cpu: '512',
        memoryMiB: '1024',
        subnets: { subnetType: ec2.SubnetType.PUBLIC },
        securityGroups: [sg],
        assignPublicIp: true,
        tokenEnvironmentName: 'SFN_TOKEN',
        inputEnvironmentName: 'JOB',
        propagatedTagSource: ecs.PropagatedTagSource.TASK_DEFINITION,
        enableExecuteCommand: true,
        heartbeatTimeout: sfn.Timeout.duration(Duration.minutes(5)),
        taskTimeout: sfn.Timeout.duration(Duration.hours(2)),
        resultPath: '$.result',
        comment: 'worker',
      });
    });

    // THEN
    expect(state).toEqual({
      Type: 'Task',
      Comment: 'worker',
      Resource: RESOURCE,
      Parameters: {
        Cluster: '${FxCluster22E4349E.Arn}',
        TaskDefinition: 'worker',
        NetworkConfiguration: {
          AwsvpcConfiguration: {
            Subnets: ['${FxVpcPublicSubnet1SubnetA77564C9}', '${FxVpcPublicSubnet2Subnet0D01DDC8}'],
            SecurityGroups: ['${SgD4954771.GroupId}'],
            AssignPublicIp: 'ENABLED',
          },
        },
        Overrides: {
          Cpu: '512',
          Memory: '1024',
          ContainerOverrides: [{
            Name: 'app',
            Command: ['python', 'app.py'],
            Environment: [
              { Name: 'MODE', Value: 'fast' },
              { 'Name': 'RUN_ID', 'Value.$': '$$.Execution.Name' },
              { 'Name': 'SFN_TOKEN', 'Value.$': '$$.Task.Token' },
              { 'Name': 'JOB', 'Value.$': 'States.JsonToString($.job)' },
            ],
          }],
        },
        PropagateTags: 'TASK_DEFINITION',
        LaunchType: 'FARGATE',
        EnableExecuteCommand: true,
      },
      ResultPath: '$.result',
      HeartbeatSeconds: 300,
      TimeoutSeconds: 7200,
      End: true,
    });
  });

  test('JSONata, every option: expressions in environment and input object', () => {
    // GIVEN / WHEN
    const state = renderState((scope) => fargateTask(scope, {
      queryLanguage: sfn.QueryLanguage.JSONATA,
      input: sfn.TaskInput.fromObject({ job: '{% $states.input.job %}', attempt: 1, tags: ['a', '{% $states.context.Execution.Name %}'] }),
      environment: { MODE: '{% $states.input.mode %}' },
      assignPublicIp: false,
      outputs: '{% $states.result %}',
    }));

    // THEN
    expect(state.Arguments.NetworkConfiguration.AwsvpcConfiguration.AssignPublicIp).toBe('DISABLED');
    expect(state.Arguments.Overrides.ContainerOverrides[0].Environment).toEqual([
      { Name: 'MODE', Value: '{% $states.input.mode %}' },
      { Name: 'TASK_TOKEN', Value: '{% $states.context.Task.Token %}' },
      { Name: 'TASK_INPUT', Value: '{% $string({"job": ($states.input.job), "attempt": 1, "tags": ["a", ($states.context.Execution.Name)]}) %}' },
    ]);
    expect(state.Output).toBe('{% $states.result %}');
  });

  test.each([
    ['JSONPath literal text', undefined, sfn.TaskInput.fromText('hello "world"'), '"hello \\"world\\""'],
    ['JSONPath literal object', undefined, sfn.TaskInput.fromObject({ a: 1, b: ['x'] }), '{"a":1,"b":["x"]}'],
    ['JSONata literal object', sfn.QueryLanguage.JSONATA, sfn.TaskInput.fromObject({ a: 1 }), '{"a":1}'],
    ['JSONata expression text', sfn.QueryLanguage.JSONATA, sfn.TaskInput.fromText('{% $states.input.job %}'), '{% $string($states.input.job) %}'],
  ])('input %s becomes its JSON text', (_name, queryLanguage, input, expected) => {
    const state = renderState((scope) => fargateTask(scope, { queryLanguage, input }));
    const args = state.Parameters ?? state.Arguments;
    expect(args.Overrides.ContainerOverrides[0].Environment[1]).toEqual({ Name: 'TASK_INPUT', Value: expected });
  });

  test('token and input land in the chosen container, not the default one', () => {
    // GIVEN
    const state = renderState((scope) => {
      const stack = Stack.of(scope);
      const fx = fargateFixture(stack);
      const worker = fx.taskDefinition.addContainer('worker', {
        containerName: 'worker',
        image: ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/node:22'),
        essential: false,
      });
      return new EcsCallbackTask(scope, 'Run', { cluster: fx.cluster, taskDefinition: fx.taskDefinition, launchTarget: new tasks.EcsFargateLaunchTarget(), container: worker });
    });

    // THEN
    expect(state.Parameters.Overrides.ContainerOverrides).toEqual([{
      Name: 'worker',
      Environment: [
        { 'Name': 'TASK_TOKEN', 'Value.$': '$$.Task.Token' },
        { 'Name': 'TASK_INPUT', 'Value.$': 'States.JsonToString($)' },
      ],
    }]);
  });

  test('exposes the container, the variable names, the handler and connections', () => {
    const stack = newTestStack();
    const task = fargateTask(stack, { tokenEnvironmentName: 'T', inputEnvironmentName: 'I' });
    expect(task.container.containerName).toBe('app');
    expect(task.tokenEnvironmentName).toBe('T');
    expect(task.inputEnvironmentName).toBe('I');
    expect(task.taskStoppedHandler).toBeDefined();
    expect(task.connections.securityGroups).toHaveLength(1);
    expect(fargateTask(newTestStack(), { failOnTaskStop: false }).taskStoppedHandler).toBeUndefined();
  });

  test('every definition is valid ASL (both query languages, both launch types)', () => {
    for (const queryLanguage of [sfn.QueryLanguage.JSON_PATH, sfn.QueryLanguage.JSONATA]) {
      const { definition } = renderChainable((scope) => fargateTask(scope, {
        environment: { MODE: queryLanguage === sfn.QueryLanguage.JSONATA ? '{% $states.input.mode %}' : 'x' },
        input: queryLanguage === sfn.QueryLanguage.JSONATA ? sfn.TaskInput.fromText('{% $states.input.job %}') : sfn.TaskInput.fromJsonPathAt('$.job'),
      }), { queryLanguage });
      expectValidAsl(definition);
    }
    const stack = newTestStack();
    const fx = ec2Fixture(stack);
    renderChainable(EcsCallbackTask.jsonata(stack, 'Run', { cluster: fx.cluster, taskDefinition: fx.taskDefinition, launchTarget: new tasks.EcsEc2LaunchTarget() }));
    expectValidAsl(stack);
  });
});

describe('IAM', () => {
  function build(app?: App) {
    const stack = new Stack(app ?? new App(), 'TestStack', { env: TEST_ENV });
    const fx = fargateFixture(stack);
    const task = new EcsCallbackTask(stack, 'Run', { cluster: fx.cluster, taskDefinition: fx.taskDefinition, launchTarget: new tasks.EcsFargateLaunchTarget() });
    const stateMachine = new sfn.StateMachine(stack, 'StateMachine', { definitionBody: sfn.DefinitionBody.fromChainable(task) });
    return { stack, fx, task, stateMachine };
  }

  const familyArn = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ecs:us-east-1:123456789012:task-definition/worker:*']] };

  test('state machine role: ecs:RunTask on the family on this cluster, iam:PassRole to ECS tasks only, nothing of .sync', async () => {
    // GIVEN
    const { stack, fx, stateMachine } = build();

    // THEN
    const statements = statementsForRole(stack, stateMachine);
    expect(statements).toEqual([
      {
        Effect: 'Allow',
        Action: ['ecs:RunTask'],
        Resource: familyArn,
        Condition: { ArnEquals: { 'ecs:cluster': { 'Fn::GetAtt': [logicalIdOf(fx.cluster), 'Arn'] } } },
      },
      {
        Effect: 'Allow',
        Action: ['iam:PassRole'],
        Resource: [
          { 'Fn::GetAtt': [logicalIdOf(fx.taskDefinition.taskRole), 'Arn'] },
          { 'Fn::GetAtt': [logicalIdOf(fx.taskDefinition.executionRole!), 'Arn'] },
        ],
        Condition: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
      },
    ]);
    const actions = statements.flatMap((s) => s.Action ?? []);
    for (const syncOnly of ['ecs:StopTask', 'ecs:DescribeTasks', 'events:PutTargets', 'events:PutRule', 'events:DescribeRule']) {
      expect(actions).not.toContain(syncOnly);
    }
    await expectLeastPrivilegeIam(stack);
  });

  test.each([
    ['JSONPath', sfn.QueryLanguage.JSON_PATH],
    ['JSONata', sfn.QueryLanguage.JSONATA],
  ])('tags propagated from a tagged task definition (%s): ecs:TagResource on this cluster\'s tasks, only as part of RunTask', async (_l, queryLanguage) => {
    // GIVEN: tags on the task definition, propagated to the task RunTask creates
    const stack = newTestStack();
    const fx = fargateFixture(stack);
    Tags.of(fx.taskDefinition).add('team', 'ml');
    const task = new EcsCallbackTask(stack, 'Run', {
      cluster: fx.cluster,
      taskDefinition: fx.taskDefinition,
      launchTarget: new tasks.EcsFargateLaunchTarget(),
      propagatedTagSource: ecs.PropagatedTagSource.TASK_DEFINITION,
    });

    // WHEN
    const { stateMachine } = renderChainable(task, { queryLanguage });

    // THEN
    const statements = statementsForRole(stack, stateMachine);
    expect(statements).toEqual(expect.arrayContaining([{
      Effect: 'Allow',
      Action: ['ecs:TagResource'],
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ecs:us-east-1:123456789012:task/', { Ref: logicalIdOf(fx.cluster) }, '/*']] },
      Condition: { StringEquals: { 'ecs:CreateAction': 'RunTask' } },
    }]));
    expect(await checkResourceTypes(statements)).toEqual([]);
    await expectLeastPrivilegeIam(stack);
  });

  test('no propagated tags (or NONE): no ecs:TagResource', () => {
    for (const propagatedTagSource of [undefined, ecs.PropagatedTagSource.NONE]) {
      // GIVEN
      const stack = newTestStack();
      const fx = fargateFixture(stack);
      const task = new EcsCallbackTask(stack, 'Run', { cluster: fx.cluster, taskDefinition: fx.taskDefinition, launchTarget: new tasks.EcsFargateLaunchTarget(), propagatedTagSource });
      // WHEN
      const { stateMachine } = renderChainable(task);
      // THEN
      expect(statementsForRole(stack, stateMachine).flatMap((s) => s.Action ?? [])).not.toContain('ecs:TagResource');
    }
  });

  test('with the fixRunEcsTaskPolicy feature flag: ecs:RunTask on the exact revision', () => {
    // GIVEN
    const app = new App({ context: { '@aws-cdk/aws-stepfunctions-tasks:fixRunEcsTaskPolicy': true } });
    const { stack, fx, stateMachine } = build(app);

    // THEN
    expect(statementsForRole(stack, stateMachine)[0]).toEqual(expect.objectContaining({
      Action: ['ecs:RunTask'],
      Resource: { Ref: logicalIdOf(fx.taskDefinition) },
    }));
  });

  test('an execution role created after the task (container added later) is still passed', () => {
    // GIVEN
    const stack = newTestStack();
    const fx = fargateFixture(stack);
    const td = new ecs.FargateTaskDefinition(stack, 'Late', { family: 'late' });
    td.addContainer('first', { image: ecs.ContainerImage.fromRegistry('busybox') });
    const task = new EcsCallbackTask(stack, 'Run', { cluster: fx.cluster, taskDefinition: td, launchTarget: new tasks.EcsFargateLaunchTarget() });
    expect(td.executionRole).toBeUndefined();
    td.addContainer('logs', { image: ecs.ContainerImage.fromRegistry('busybox'), logging: ecs.LogDrivers.awsLogs({ streamPrefix: 'x' }) });

    // WHEN
    const { stateMachine } = renderChainable(task);

    // THEN
    expect(statementsForRole(stack, stateMachine)[1].Resource).toEqual([
      { 'Fn::GetAtt': [logicalIdOf(td.taskRole), 'Arn'] },
      { 'Fn::GetAtt': [logicalIdOf(td.executionRole!), 'Arn'] },
    ]);
  });

  test('task role: SendTaskSuccess/Failure/Heartbeat on this state machine only', () => {
    // GIVEN
    const { stack, fx, stateMachine } = build();

    // THEN
    expect(statementsForRole(stack, fx.taskDefinition.taskRole)).toEqual([{
      Effect: 'Allow',
      Action: ['states:SendTaskFailure', 'states:SendTaskHeartbeat', 'states:SendTaskSuccess'],
      Resource: { Ref: logicalIdOf(stateMachine) },
    }]);
  });

  test('handler role: SendTaskFailure on this state machine, its log group, nothing else (no ecs:DescribeTasks)', async () => {
    // GIVEN
    const { stack, task, stateMachine } = build();

    // THEN
    const statements = statementsForRole(stack, task.taskStoppedHandler!.role!);
    expect(statements).toEqual([
      expect.objectContaining({ Action: ['logs:CreateLogStream', 'logs:PutLogEvents'] }),
      { Effect: 'Allow', Action: ['states:SendTaskFailure'], Resource: { Ref: logicalIdOf(stateMachine) } },
    ]);
    expect(statements.flatMap((s) => s.Action ?? []).filter((a) => a.startsWith('ecs:'))).toEqual([]);
    await expectLeastPrivilegeIam(stack);
  });

  test('two tasks sharing a task definition: no duplicate statements on any role', () => {
    // GIVEN
    const stack = newTestStack();
    const fx = fargateFixture(stack);
    const props = { cluster: fx.cluster, taskDefinition: fx.taskDefinition, launchTarget: new tasks.EcsFargateLaunchTarget() };
    const first = new EcsCallbackTask(stack, 'First', props);
    const second = new EcsCallbackTask(stack, 'Second', props);

    // WHEN
    const { stateMachine } = renderChainable(first.next(second));

    // THEN
    const smStatements = statementsForRole(stack, stateMachine);
    expect(smStatements.map((s) => s.Action)).toEqual([['ecs:RunTask'], ['iam:PassRole']]);
    expect(statementsForRole(stack, fx.taskDefinition.taskRole)).toHaveLength(1);
    const handlerStatements = statementsForRole(stack, first.taskStoppedHandler!.role!);
    expect(handlerStatements.filter((s) => s.Action?.includes('states:SendTaskFailure'))).toHaveLength(1);
    expect(first.taskStoppedHandler).toBe(second.taskStoppedHandler);
    Template.fromStack(stack).resourcePropertiesCountIs('AWS::Events::Rule', { EventPattern: { source: ['aws.ecs'] } }, 1);
    Template.fromStack(stack).resourcePropertiesCountIs('AWS::Lambda::Function', { Description: Match.stringLikeRegexp('Ecs.TaskStopped') }, 1);
  });

  test('the same task definition in two state machines: one statement per state machine', () => {
    // GIVEN
    const stack = newTestStack();
    const fx = fargateFixture(stack);
    const props = { cluster: fx.cluster, taskDefinition: fx.taskDefinition, launchTarget: new tasks.EcsFargateLaunchTarget() };
    const a = new sfn.StateMachine(stack, 'SmA', { definitionBody: sfn.DefinitionBody.fromChainable(new EcsCallbackTask(stack, 'A', props)) });
    const b = new sfn.StateMachine(stack, 'SmB', { definitionBody: sfn.DefinitionBody.fromChainable(new EcsCallbackTask(stack, 'B', props)) });

    // THEN
    expect(statementsForRole(stack, fx.taskDefinition.taskRole).map((s) => s.Resource)).toEqual([
      { Ref: logicalIdOf(a) },
      { Ref: logicalIdOf(b) },
    ]);
  });

  test('inside a Parallel branch and a Map item processor: still scoped to the containing state machine', () => {
    // GIVEN
    const stack = newTestStack();
    const fx = fargateFixture(stack);
    const props = { cluster: fx.cluster, taskDefinition: fx.taskDefinition, launchTarget: new tasks.EcsFargateLaunchTarget() };
    const parallel = new sfn.Parallel(stack, 'Parallel').branch(new EcsCallbackTask(stack, 'InBranch', props));
    const otherTd = new ecs.FargateTaskDefinition(stack, 'Other', { family: 'other' });
    otherTd.addContainer('c', { image: ecs.ContainerImage.fromRegistry('busybox') });
    const map = new sfn.Map(stack, 'Map', { itemsPath: '$.items' })
      .itemProcessor(new EcsCallbackTask(stack, 'InMap', { ...props, taskDefinition: otherTd }));

    // WHEN
    const { stateMachine } = renderChainable(parallel.next(map));

    // THEN
    for (const role of [fx.taskDefinition.taskRole, otherTd.taskRole]) {
      expect(statementsForRole(stack, role)).toEqual([expect.objectContaining({ Resource: { Ref: logicalIdOf(stateMachine) } })]);
    }
  });

  test('task definition in another stack: the grant lives with the state machine, no dependency cycle', () => {
    // GIVEN
    const app = new App();
    const shared = new Stack(app, 'Shared', { env: TEST_ENV });
    const fx = fargateFixture(shared);
    const workflow = new Stack(app, 'Workflow', { env: TEST_ENV });
    const task = new EcsCallbackTask(workflow, 'Run', { cluster: fx.cluster, taskDefinition: fx.taskDefinition, launchTarget: new tasks.EcsFargateLaunchTarget() });
    new sfn.StateMachine(workflow, 'StateMachine', { definitionBody: sfn.DefinitionBody.fromChainable(task) });

    // WHEN
    const assembly = app.synth();

    // THEN
    expect(assembly.getStackByName('Workflow').dependencies.map((d) => d.id)).toContain('Shared');
    expect(assembly.getStackByName('Shared').dependencies.map((d) => d.id)).not.toContain('Workflow');
    Template.fromStack(workflow).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [{
          Action: ['states:SendTaskFailure', 'states:SendTaskHeartbeat', 'states:SendTaskSuccess'],
          Effect: 'Allow',
          Resource: { Ref: Match.stringLikeRegexp('^StateMachine') },
        }],
      },
      Roles: [{ 'Fn::ImportValue': Match.stringLikeRegexp('FxTaskDefTaskRole') }],
    });
    Template.fromStack(shared).resourcePropertiesCountIs('AWS::IAM::Policy', { Roles: [{ Ref: logicalIdOf(fx.taskDefinition.taskRole) }] }, 0);
  });

  test('no state machine construct (graph rendered by hand): narrower-than-* fallback and a warning', () => {
    // GIVEN
    const stack = newTestStack();
    const fx = fargateFixture(stack);
    const task = new EcsCallbackTask(stack, 'Run', { cluster: fx.cluster, taskDefinition: fx.taskDefinition, launchTarget: new tasks.EcsFargateLaunchTarget() });
    const graph = new sfn.StateGraph(task, 'by hand');
    new sfn.StateMachine(stack, 'Handmade', { definitionBody: sfn.DefinitionBody.fromString(JSON.stringify(stack.resolve(graph.toGraphJson()))) });

    // THEN
    const anyStateMachine = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':states:us-east-1:123456789012:stateMachine:*']] };
    expect(statementsForRole(stack, fx.taskDefinition.taskRole)).toEqual([
      expect.objectContaining({ Action: ['states:SendTaskFailure', 'states:SendTaskHeartbeat', 'states:SendTaskSuccess'], Resource: anyStateMachine }),
    ]);
    expect(statementsForRole(stack, task.taskStoppedHandler!.role!)).toContainEqual(
      expect.objectContaining({ Action: ['states:SendTaskFailure'], Resource: anyStateMachine }),
    );
    Annotations.fromStack(stack).hasWarning('/TestStack/Run', Match.stringLikeRegexp('No StateMachine construct contains this state'));
  });

  test('a task in no graph at all grants nothing and warns nothing', () => {
    const stack = newTestStack();
    const task = fargateTask(stack);
    expect(statementsForRole(stack, (stack.node.findChild('FxTaskDef') as ecs.TaskDefinition).taskRole)).toEqual([]);
    Annotations.fromStack(stack).hasNoWarning('*', Match.anyValue());
    void task;
  });

  test('a task role that refuses statements gets a warning instead of a silent miss', () => {
    // GIVEN a role whose principal policy cannot take statements
    const stack = newTestStack();
    const fx = fargateFixture(stack);
    const role = iam.Role.fromRoleArn(stack, 'Imported', 'arn:aws:iam::123456789012:role/fixed');
    role.addToPrincipalPolicy = () => ({ statementAdded: false });
    const td = new ecs.FargateTaskDefinition(stack, 'Imm', { family: 'imm', taskRole: role });
    td.addContainer('c', { image: ecs.ContainerImage.fromRegistry('busybox') });

    // WHEN
    renderChainable(new EcsCallbackTask(stack, 'Run', { cluster: fx.cluster, taskDefinition: td, launchTarget: new tasks.EcsFargateLaunchTarget() }));

    // THEN
    Annotations.fromStack(stack).hasWarning('/TestStack/Run', Match.stringLikeRegexp('is immutable: grant it'));
  });

  test('the stack has no dependency cycle (task role policy → state machine → its role → task role)', () => {
    const { stack } = build();
    expect(findCycle(Template.fromStack(stack).toJSON().Resources)).toBeUndefined();
  });
});

describe('crash safety', () => {
  test('one rule per stack on stopped tasks of the clusters and families used, targeting the handler', () => {
    // GIVEN
    const stack = newTestStack();
    const fx = fargateFixture(stack);
    const onEc2 = ec2Fixture(stack);
    const a = new EcsCallbackTask(stack, 'A', { cluster: fx.cluster, taskDefinition: fx.taskDefinition, launchTarget: new tasks.EcsFargateLaunchTarget() });
    const b = new EcsCallbackTask(stack, 'B', { cluster: onEc2.cluster, taskDefinition: onEc2.taskDefinition, launchTarget: new tasks.EcsEc2LaunchTarget(), tokenEnvironmentName: 'MY_TOKEN' });
    const c = new EcsCallbackTask(stack, 'C', { cluster: fx.cluster, taskDefinition: fx.taskDefinition, launchTarget: new tasks.EcsFargateLaunchTarget() });

    // WHEN
    renderChainable(a.next(b).next(c));

    // THEN
    const template = Template.fromStack(stack);
    template.resourcePropertiesCountIs('AWS::Events::Rule', { EventPattern: { source: ['aws.ecs'] } }, 1);
    const familyPrefix = (family: string) => ({
      prefix: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:ecs:us-east-1:123456789012:task-definition/${family}:`]] },
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        'source': ['aws.ecs'],
        'detail-type': ['ECS Task State Change'],
        'detail': {
          lastStatus: ['STOPPED'],
          clusterArn: [
            { 'Fn::GetAtt': [logicalIdOf(fx.cluster), 'Arn'] },
            { 'Fn::GetAtt': [logicalIdOf(onEc2.cluster), 'Arn'] },
          ],
          taskDefinitionArn: [familyPrefix('worker'), familyPrefix('ec2-worker')],
        },
      },
      State: 'ENABLED',
      Targets: [Match.objectLike({
        Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^CdkSfnJobsEcsTaskStopped'), 'Arn'] },
        RetryPolicy: { MaximumEventAgeInSeconds: 7200, MaximumRetryAttempts: 8 },
      })],
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      // aws-cdk-lib's latest Node.js runtime fact for the region, never older than the bundles' nodejs22 target
      Runtime: Match.stringLikeRegexp('^nodejs(2[2-9]|[3-9][0-9])\\.x$'),
      Architectures: ['arm64'],
      Handler: 'index.handler',
      Environment: { Variables: { TOKEN_ENVIRONMENT_NAMES: '["MY_TOKEN","TASK_TOKEN"]' } },
      LoggingConfig: Match.objectLike({ LogFormat: 'JSON' }),
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'events.amazonaws.com',
      SourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('Rule'), 'Arn'] },
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  });

  test('failOnTaskStop: false next to a task that watches the same tasks: a warning with the way out', () => {
    // GIVEN
    const stack = newTestStack();
    const watched = fargateTask(stack, {}, 'Watched');
    const optedOut = fargateTask(stack, { failOnTaskStop: false }, 'OptedOut');
    const reallyOut = fargateTask(stack, { failOnTaskStop: false, tokenEnvironmentName: 'UNWATCHED_TOKEN' }, 'ReallyOut');

    // WHEN
    renderChainable(watched.next(optedOut).next(reallyOut));

    // THEN
    const annotations = Annotations.fromStack(stack);
    annotations.hasWarning('/TestStack/OptedOut', Match.stringLikeRegexp('failOnTaskStop is false, but another EcsCallbackTask of this stack watches .* Give this task another tokenEnvironmentName'));
    annotations.hasNoWarning('/TestStack/ReallyOut', Match.anyValue());
    annotations.hasNoWarning('/TestStack/Watched', Match.anyValue());
  });

  test('failOnTaskStop: false adds no rule and no function', () => {
    const stack = newTestStack();
    renderChainable(fargateTask(stack, { failOnTaskStop: false }));
    Template.fromStack(stack).resourcePropertiesCountIs('AWS::Events::Rule', { EventPattern: { source: ['aws.ecs'] } }, 0);
    Template.fromStack(stack).resourcePropertiesCountIs('AWS::Lambda::Function', { Description: Match.stringLikeRegexp('Ecs.TaskStopped') }, 0);
  });
});

describe('validation', () => {
  function expectInvalid(extra: (scope: Construct) => Partial<EcsCallbackTaskProps>, prop: RegExp) {
    const stack = newTestStack();
    expect(() => fargateTask(stack, extra(stack))).toThrow(prop);
  }

  test('integrationPattern other than WAIT_FOR_TASK_TOKEN', () => {
    expectInvalid(() => ({ integrationPattern: sfn.IntegrationPattern.RUN_JOB }), /TestStack\/Run: integrationPattern must be one of WAIT_FOR_TASK_TOKEN; got "RUN_JOB"/);
  });

  test('container of another task definition', () => {
    expectInvalid((scope) => {
      const other = new ecs.FargateTaskDefinition(scope, 'OtherTd');
      return { container: other.addContainer('x', { image: ecs.ContainerImage.fromRegistry('busybox') }) };
    }, /TestStack\/Run: container must be a container of TestStack\/FxTaskDef; got "TestStack\/OtherTd\/x"/);
  });

  test('task definition without any container', () => {
    const stack = newTestStack();
    const fx = fargateFixture(stack);
    const empty = new ecs.FargateTaskDefinition(stack, 'Empty');
    expect(() => new EcsCallbackTask(stack, 'Run', { cluster: fx.cluster, taskDefinition: empty, launchTarget: new tasks.EcsFargateLaunchTarget() }))
      .toThrow(/TestStack\/Run: container must be given, or TestStack\/Empty must have an essential container before this task is created; got undefined/);
  });

  test.each([
    ['TASK_TOKEN', {}, /environment must be free of TASK_TOKEN, which carries the task token \(tokenEnvironmentName\); got "TASK_TOKEN"/],
    ['TASK_INPUT', {}, /environment must be free of TASK_INPUT, which carries the input \(inputEnvironmentName\); got "TASK_INPUT"/],
    ['MY_TOKEN', { tokenEnvironmentName: 'MY_TOKEN' }, /environment must be free of MY_TOKEN/],
  ])('environment variable %s clashes with an injected one', (name, names, error) => {
    expectInvalid(() => ({ ...names, environment: { [name]: 'mine' } }), error);
  });

  test.each([
    ['tokenEnvironmentName', '1TOKEN'],
    ['inputEnvironmentName', 'MY-INPUT'],
    ['tokenEnvironmentName', ''],
  ])('%s must be an environment variable name (%j)', (prop, value) => {
    expectInvalid(() => ({ [prop]: value }), new RegExp(`${prop} must be a POSIX environment variable name`));
  });

  test('token and input variables must differ', () => {
    expectInvalid(() => ({ tokenEnvironmentName: 'X', inputEnvironmentName: 'X' }), /inputEnvironmentName must be different from tokenEnvironmentName \(X\); got "X"/);
  });

  test('Fargate launch target with an EC2-only task definition', () => {
    const stack = newTestStack();
    const fx = ec2Fixture(stack);
    expect(() => new EcsCallbackTask(stack, 'Run', { cluster: fx.cluster, taskDefinition: fx.taskDefinition, launchTarget: new tasks.EcsFargateLaunchTarget() }))
      .toThrow(/TestStack\/Run: launchTarget must be an EcsEc2LaunchTarget, since TestStack\/Ec2TaskDef is not Fargate-compatible; got "EcsFargateLaunchTarget"/);
  });

  test('EC2 launch target with a Fargate-only task definition', () => {
    expectInvalid(() => ({ launchTarget: new tasks.EcsEc2LaunchTarget() }), /launchTarget must be an EcsFargateLaunchTarget, since TestStack\/FxTaskDef is not EC2-compatible/);
  });

  test('EC2 launch target on a cluster without EC2 capacity fails when the state machine is built', () => {
    const stack = newTestStack();
    const vpc = new ec2.Vpc(stack, 'Vpc');
    const cluster = new ecs.Cluster(stack, 'Bare', { vpc });
    const td = new ecs.Ec2TaskDefinition(stack, 'Td');
    td.addContainer('c', { image: ecs.ContainerImage.fromRegistry('busybox'), memoryLimitMiB: 128 });
    const task = new EcsCallbackTask(stack, 'Run', { cluster, taskDefinition: td, launchTarget: new tasks.EcsEc2LaunchTarget() });
    expect(() => renderChainable(task)).toThrow(/TestStack\/Run: launchTarget must be usable with the task definition and the cluster; got "Cluster for this service needs Ec2 capacity/);
  });

  test.each([
    ['subnets', { subnets: { subnetType: ec2.SubnetType.PUBLIC } }],
    ['assignPublicIp', { assignPublicIp: true }],
  ])('%s without the awsvpc network mode', (prop, extra) => {
    const stack = newTestStack();
    const fx = ec2Fixture(stack);
    expect(() => new EcsCallbackTask(stack, 'Run', { cluster: fx.cluster, taskDefinition: fx.taskDefinition, launchTarget: new tasks.EcsEc2LaunchTarget(), ...extra }))
      .toThrow(new RegExp(`Run: ${prop} must be unset unless the task definition uses the awsvpc network mode \\(TestStack/Ec2TaskDef uses bridge\\)`));
  });

  test('literal overrides already longer than RunTask allows', () => {
    expectInvalid(() => ({ environment: { BIG: 'x'.repeat(8200) } }), /environment must be small enough for RunTask's overrides \(8192 characters in total.*; got "8\d\d\d characters before the task token and the input"/);
  });

  test('dynamic environment values are not counted', () => {
    expect(() => fargateTask(newTestStack(), { environment: { BIG: sfn.JsonPath.stringAt('$.big') } })).not.toThrow();
  });

  test('JSONPath: an input object built from several paths cannot be serialized', () => {
    const stack = newTestStack();
    const task = fargateTask(stack, { input: sfn.TaskInput.fromObject({ a: sfn.JsonPath.stringAt('$.a'), b: sfn.JsonPath.stringAt('$.b') }) });
    expect(() => renderChainable(task)).toThrow(/TestStack\/Run: input must be a literal object, or one JSONPath \(TaskInput.fromJsonPathAt\) in a JSONPath state.*; got "an object referencing \$.a, \$.b"/);
  });

  test('JSONPath: an input object written with path-template keys ("x.$") is refused, not sent verbatim', () => {
    const task = fargateTask(newTestStack(), { input: sfn.TaskInput.fromObject({ 'model.$': '$.jobs[1].jobId', 'stage': 'prod' }) });
    expect(() => renderChainable(task)).toThrow(/TestStack\/Run: input must be a literal object, or one JSONPath.*; got "an object referencing model.\$: \$.jobs\[1\].jobId"/);
  });

  test('JSONata: JsonPath input or environment is converted to the same JSONata (one policy with every construct)', () => {
    // GIVEN
    const task = fargateTask(newTestStack(), {
      queryLanguage: sfn.QueryLanguage.JSONATA,
      input: sfn.TaskInput.fromJsonPathAt('$.job'),
      environment: { X: sfn.JsonPath.stringAt('$.x'), RUN: sfn.JsonPath.stringAt('$$.Execution.Name') },
    });
    // WHEN
    const state = renderChainable(task).definition.States.Run as any;
    // THEN
    expect(state.Arguments.Overrides.ContainerOverrides[0].Environment).toEqual([
      { Name: 'X', Value: '{% $states.input.x %}' },
      { Name: 'RUN', Value: '{% $states.context.Execution.Name %}' },
      { Name: 'TASK_TOKEN', Value: '{% $states.context.Task.Token %}' },
      { Name: 'TASK_INPUT', Value: '{% $string($states.input.job) %}' },
    ]);
    // an object input with JsonPath fields: each converted, the object serialized
    const task2 = fargateTask(newTestStack(), { queryLanguage: sfn.QueryLanguage.JSONATA, input: sfn.TaskInput.fromObject({ a: sfn.JsonPath.stringAt('$.a'), b: 1 }) });
    const env2 = (renderChainable(task2).definition.States.Run as any).Arguments.Overrides.ContainerOverrides[0].Environment;
    expect(env2[env2.length - 1]).toEqual({ Name: 'TASK_INPUT', Value: '{% $string({"a": ($states.input.a), "b": 1}) %}' });
  });

  test('JSONata: a JsonPath value with no exact JSONata equivalent is refused by name', () => {
    // GIVEN
    const task = fargateTask(newTestStack(), { queryLanguage: sfn.QueryLanguage.JSONATA, environment: { X: sfn.JsonPath.stringAt('$.items[*].x') } });
    // WHEN / THEN
    expect(() => renderChainable(task)).toThrow(/TestStack\/Run: environment.X must be a literal, a JSONata expression or a plain JsonPath reference/);
  });

  test('JSONPath: JSONata in input or environment', () => {
    const task = fargateTask(newTestStack(), { environment: { X: '{% $states.input.x %}' } });
    expect(() => renderChainable(task)).toThrow(/environment.X must be free of JSONata expressions \(\{% … %\}\) in a JSONPath state; got "\{% \$states.input.x %\}"/);
    const task2 = fargateTask(newTestStack(), { input: sfn.TaskInput.fromText('{% $states.input %}') });
    expect(() => renderChainable(task2)).toThrow(/input must be free of JSONata expressions/);
  });

  test('JSONPath: a path inside the command list', () => {
    const task = fargateTask(newTestStack(), { command: ['run', sfn.JsonPath.stringAt('$.arg')] });
    expect(() => renderChainable(task)).toThrow(/TestStack\/Run: command\[1\] must be a literal string in a JSONPath state/);
  });
});

describe('values that would break at run time', () => {
  test.each(['tokenEnvironmentName', 'inputEnvironmentName'])('%s must be a literal name (a JsonPath value would render "Name.$" and blind the stopped-task watcher)', (prop) => {
    expect(() => fargateTask(newTestStack(), { [prop]: sfn.JsonPath.stringAt('$.k') }))
      .toThrow(new RegExp(`TestStack/Run: ${prop} must be a literal \\(a POSIX environment variable name.*; got "\\$.k"`));
    expect(() => fargateTask(newTestStack(), { [prop]: '{% $states.input.k %}' })).toThrow(new RegExp(`${prop} must be a literal`));
  });

  test('environment keys must be literal names', () => {
    expect(() => fargateTask(newTestStack(), { environment: { [sfn.JsonPath.stringAt('$.k')]: 'v' } }))
      .toThrow(/TestStack\/Run: environment must be keyed by literal names \(keys are not evaluated\); got "\$.k"/);
  });

  test('a container whose name is empty is refused', () => {
    // GIVEN
    const stack = newTestStack();
    const { cluster, taskDefinition } = fixtureOf(stack);
    const container = taskDefinition.addContainer('blank', { containerName: '', image: ecs.ContainerImage.fromRegistry('public.ecr.aws/docker/library/busybox:1') });
    // THEN
    expect(() => new EcsCallbackTask(stack, 'Run', { cluster, taskDefinition, container, launchTarget: new tasks.EcsFargateLaunchTarget() }))
      .toThrow(/TestStack\/Run: container must be a container whose name is 1 to 255 characters long.*; got ""/);
  });

  test('JSONata: a JsonPath reference in the command is converted to JSONata', () => {
    // WHEN
    const task = fargateTask(newTestStack(), { queryLanguage: sfn.QueryLanguage.JSONATA, command: ['run', sfn.JsonPath.stringAt('$.arg')] });
    const { definition } = renderChainable(task);
    // THEN
    expect(definition.States.Run.Arguments.Overrides.ContainerOverrides[0].Command).toEqual(['run', '{% $states.input.arg %}']);
  });

  test.each([
    ['cluster', { cluster: undefined }],
    ['taskDefinition', { taskDefinition: undefined }],
    ['launchTarget', { launchTarget: undefined }],
  ])('a missing required prop (%s) is named (plain JavaScript / Python)', (prop, extra) => {
    expect(() => fargateTask(newTestStack(), extra as any)).toThrow(new RegExp(`TestStack/Run: ${prop} must be given \\(required\\); got undefined`));
  });

  test('no props at all', () => {
    expect(() => new EcsCallbackTask(newTestStack(), 'Run', undefined as any)).toThrow(/TestStack\/Run: props must be given \(required: cluster, taskDefinition, launchTarget\); got undefined/);
  });
});

describe('a complete stack', () => {
  test('renders, validates and keeps the state machine definition in the template', () => {
    const stack = newTestStack();
    const task = fargateTask(stack);
    const stateMachine = new sfn.StateMachine(stack, 'StateMachine', { definitionBody: sfn.DefinitionBody.fromChainable(task) });
    expect(renderStateMachine(stack, stateMachine).States.Run.Resource).toBe(RESOURCE);
  });
});

/** A dependency cycle among the template's resources (Ref, Fn::GetAtt, DependsOn), or undefined. */
function findCycle(resources: Record<string, any>): string[] | undefined {
  const edges = new Map<string, Set<string>>();
  for (const [id, resource] of Object.entries(resources)) {
    const deps = new Set<string>([...(resource.DependsOn ?? [])].flat());
    const walk = (v: any): void => {
      if (Array.isArray(v)) {v.forEach(walk);} else if (v && typeof v === 'object') {
        if (typeof v.Ref === 'string' && resources[v.Ref]) deps.add(v.Ref);
        if (Array.isArray(v['Fn::GetAtt']) && resources[v['Fn::GetAtt'][0]]) deps.add(v['Fn::GetAtt'][0]);
        Object.values(v).forEach(walk);
      }
    };
    walk(resource.Properties);
    edges.set(id, deps);
  }
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (id: string): string[] | undefined => {
    if (state.get(id) === 'done') return undefined;
    if (state.get(id) === 'visiting') return [...stack.slice(stack.indexOf(id)), id];
    state.set(id, 'visiting');
    stack.push(id);
    for (const dep of edges.get(id) ?? []) {
      const cycle = visit(dep);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const id of edges.keys()) {
    const cycle = visit(id);
    if (cycle) return cycle;
  }
  return undefined;
}
