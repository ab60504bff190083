import { Annotations, ArnFormat, Aspects, FeatureFlags, IAspect, Stack, Token, cx_api } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct, IConstruct } from 'constructs';
import {
  cancelJobsOnExecutionStop,
  CdkSfnJobsError,
  checkPattern,
  containsJsonata,
  effectiveQueryLanguage,
  renderInStateMachineLanguage,
  integrationResourceArn,
  invalid,
  isDynamic,
  isJsonata,
  jsonataBody,
  passRoleStatement,
  containsExpression,
  renderForQueryLanguage,
  checkHeartbeat,
  checkProps,
  TASK_BASE_PROPS,
  toJsonataExpression,
  validatePattern,
  withoutUndefined,
} from '../private';
import { whenStateMachineBound } from './private/bound-state-machine';
import {
  DEFAULT_INPUT_ENVIRONMENT_NAME,
  DEFAULT_TOKEN_ENVIRONMENT_NAME,
  OVERRIDES_MAX_LENGTH,
} from './private/contract';
import { grantTaskResponse } from './private/task-response-grant';
import { TaskStoppedWatcher } from './private/task-stopped-watcher';

/** The actions the container needs to answer its own task token. */
const TASK_RESPONSE_ACTIONS = ['states:SendTaskSuccess', 'states:SendTaskFailure', 'states:SendTaskHeartbeat'];

/** POSIX-style environment variable names: what every container runtime and language reads. */
const ENVIRONMENT_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

interface EcsCallbackTaskOptions {
  /**
   * The ECS cluster to run the task on.
   *
   * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RunTask.html#ECS-RunTask-request-cluster
   */
  readonly cluster: ecs.ICluster;

  /**
   * [disable-awslint:ref-via-interface]
   * The task definition to run.
   *
   * A `TaskDefinition` rather than `ITaskDefinition`: the task needs its family, containers, network
   * mode, compatibility and roles, which imported task definitions do not expose.
   *
   * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RunTask.html#ECS-RunTask-request-taskDefinition
   */
  readonly taskDefinition: ecs.TaskDefinition;

  /**
   * Where the task runs: `new EcsFargateLaunchTarget()` or `new EcsEc2LaunchTarget()` from
   * `aws-cdk-lib/aws-stepfunctions-tasks`.
   *
   * These two rather than any `IEcsLaunchTarget`: a launch target's `bind` is typed for aws-cdk-lib's own
   * `EcsRunTask`, which only these two are known to ignore (and aws-cdk-lib's Python binding of
   * `IEcsLaunchTarget` does not type-check against them).
   *
   * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/launch_types.html
   */
  readonly launchTarget: tasks.EcsFargateLaunchTarget | tasks.EcsEc2LaunchTarget;

  /**
   * The container that receives the task token and the input, and calls back.
   *
   * @default - the task definition's default container (its first essential container)
   * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerOverride.html
   */
  readonly container?: ecs.ContainerDefinition;

  /**
   * Subnets to place the task's network interfaces in (task definitions with the `awsvpc` network mode).
   *
   * @default - public subnets when `assignPublicIp` is true, private subnets with egress otherwise
   * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_AwsVpcConfiguration.html
   */
  readonly subnets?: ec2.SubnetSelection;

  /**
   * Security groups of the task's network interfaces (task definitions with the `awsvpc` network mode).
   *
   * @default - a new security group in the cluster's VPC
   * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_AwsVpcConfiguration.html
   */
  readonly securityGroups?: ec2.ISecurityGroup[];

  /**
   * Whether the task's network interface gets a public IP address (task definitions with the `awsvpc`
   * network mode).
   *
   * @default - not set: ECS does not assign one
   * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_AwsVpcConfiguration.html
   */
  readonly assignPublicIp?: boolean;

  /**
   * More environment variables for the container, beside the task token and the input. Values may be
   * JSONPath (`JsonPath.stringAt('$.x')`) or JSONata (`{% $states.input.x %}`) expressions, matching the
   * state's query language.
   *
   * @default - only the task token and the input
   * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerOverride.html
   */
  readonly environment?: { [name: string]: string };

  /**
   * Command override for the container.
   *
   * @default - the container's command from the task definition or the image
   * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerOverride.html
   */
  readonly command?: string[];

  /**
   * Task-level CPU override, in CPU units (`'1024'` is one vCPU).
   *
   * @default - the task definition's CPU
   * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_TaskOverride.html
   */
  readonly cpu?: string;

  /**
   * Task-level memory override, in MiB.
   *
   * @default - the task definition's memory
   * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_TaskOverride.html
   */
  readonly memoryMiB?: string;

  /**
   * What the container receives, serialized as JSON text, in the `inputEnvironmentName` variable.
   *
   * Select only what the container needs: RunTask caps all overrides (the task token included) at
   * 8,192 characters. `TaskInput.fromJsonPathAt('$.job')` (JSONPath), `TaskInput.fromText('{% $states.input.job %}')`
   * (JSONata), or a literal `TaskInput.fromObject({...})`; with JSONata, objects may hold expressions.
   *
   * @default - the whole state input
   * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RunTask.html#ECS-RunTask-request-overrides
   */
  readonly input?: sfn.TaskInput;

  /**
   * Name of the environment variable that carries the task token.
   *
   * @default 'TASK_TOKEN'
   * @see https://docs.aws.amazon.com/step-functions/latest/apireference/API_SendTaskSuccess.html
   */
  readonly tokenEnvironmentName?: string;

  /**
   * Name of the environment variable that carries the serialized input.
   *
   * @default 'TASK_INPUT'
   */
  readonly inputEnvironmentName?: string;

  /**
   * Whether to propagate the tags from the task definition to the task.
   *
   * @default - no tags are propagated
   * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RunTask.html#ECS-RunTask-request-propagateTags
   */
  readonly propagatedTagSource?: ecs.PropagatedTagSource;

  /**
   * Whether ECS Exec is enabled for the task (the task role then also needs the SSM permissions of ECS Exec).
   *
   * @default false
   * @see https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_RunTask.html#ECS-RunTask-request-enableExecuteCommand
   */
  readonly enableExecuteCommand?: boolean;

  /**
   * Fail the state with `Ecs.TaskStopped` as soon as its ECS task stops without having called back
   * (crash, out-of-memory kill, Spot interruption, image pull failure, manual stop), instead of waiting
   * for `taskTimeout` or `heartbeatTimeout`.
   *
   * Adds one EventBridge rule and one small Lambda function per stack, shared by all EcsCallbackTasks.
   *
   * @default true
   * @see https://docs.aws.amazon.com/AmazonECS/latest/developerguide/ecs_task_events.html
   */
  readonly failOnTaskStop?: boolean;

  /**
   * Stop the ECS task (StopTask) when the execution that started it ends `ABORTED`, `TIMED_OUT` or
   * `FAILED` before the task called back, as Step Functions does for `ecs:runTask.sync`.
   *
   * Adds, once per stack, an EventBridge rule on the stopped executions of the state machines that
   * contain such states and a small Lambda function that reads the execution's history and stops the
   * tasks still running (see the README, "What happens when you stop an execution").
   *
   * @see https://docs.aws.amazon.com/step-functions/latest/dg/cw-events.html
   * @default true
   */
  readonly cancelJobOnExecutionStop?: boolean;
}

/**
 * Properties of an EcsCallbackTask using JSONPath.
 */
export interface EcsCallbackTaskJsonPathProps extends sfn.TaskStateJsonPathBaseProps, EcsCallbackTaskOptions {}

/**
 * Properties of an EcsCallbackTask using JSONata.
 */
export interface EcsCallbackTaskJsonataProps extends sfn.TaskStateJsonataBaseProps, EcsCallbackTaskOptions {}

/**
 * Properties of an EcsCallbackTask.
 */
export interface EcsCallbackTaskProps extends sfn.TaskStateBaseProps, EcsCallbackTaskOptions {}

/**
 * Run a container on Amazon ECS that reports its own result: `ecs:runTask.waitForTaskToken` with the
 * task token and the serialized input injected into the container's environment, the task role
 * allowed to answer exactly this state machine, and (by default) the state failed with `Ecs.TaskStopped`
 * when the task stops without answering, instead of hanging until a timeout.
 *
 * The container reads `TASK_INPUT` (JSON), may call `SendTaskHeartbeat`, and ends with
 * `SendTaskSuccess` (JSON output) or `SendTaskFailure` (error name and cause), passing `TASK_TOKEN`.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/connect-ecs.html
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/connect-to-resource.html#connect-wait-token
 */
export class EcsCallbackTask extends sfn.TaskStateBase implements ec2.IConnectable {
  /**
   * An EcsCallbackTask using JSONPath.
   */
  public static jsonPath(scope: Construct, id: string, props: EcsCallbackTaskJsonPathProps): EcsCallbackTask {
    return new EcsCallbackTask(scope, id, props);
  }

  /**
   * An EcsCallbackTask using JSONata.
   */
  public static jsonata(scope: Construct, id: string, props: EcsCallbackTaskJsonataProps): EcsCallbackTask {
    return new EcsCallbackTask(scope, id, { ...props, queryLanguage: sfn.QueryLanguage.JSONATA });
  }

  private static readonly SUPPORTED_INTEGRATION_PATTERNS = [sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN];

  /** The task's network connections (its security groups, or the cluster's for other network modes). */
  public readonly connections: ec2.Connections = new ec2.Connections();

  /** The container that receives the task token and the input. */
  public readonly container: ecs.ContainerDefinition;

  /** Name of the environment variable that carries the task token. */
  public readonly tokenEnvironmentName: string;

  /** Name of the environment variable that carries the serialized input (JSON text). */
  public readonly inputEnvironmentName: string;

  /**
   * The stack's function that fails the state when its task stops without calling back (shared by all
   * EcsCallbackTasks of the stack); alarm on its `metricErrors()`.
   *
   * @default - none when `failOnTaskStop` is false
   */
  public readonly taskStoppedHandler?: lambda.IFunction;

  protected readonly taskMetrics?: sfn.TaskMetricsConfig;
  protected readonly taskPolicies?: iam.PolicyStatement[] = [];

  private readonly props: EcsCallbackTaskProps;
  private readonly networkConfiguration?: { [key: string]: any };
  private readonly watcher?: TaskStoppedWatcher;
  private readonly stateMachines = new Set<sfn.StateMachine>();
  private boundToGraph = false;

  constructor(scope: Construct, id: string, props: EcsCallbackTaskProps) {
    super(scope, id, checkProps(scope, id, props, ECS_CALLBACK_TASK_PROPS));
    checkHeartbeat(this, props);
    this.props = props;
    validatePattern(this, props.integrationPattern ?? sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN, EcsCallbackTask.SUPPORTED_INTEGRATION_PATTERNS);

    this.container = this.chooseContainer();
    this.tokenEnvironmentName = props.tokenEnvironmentName ?? DEFAULT_TOKEN_ENVIRONMENT_NAME;
    this.inputEnvironmentName = props.inputEnvironmentName ?? DEFAULT_INPUT_ENVIRONMENT_NAME;
    this.validateEnvironment();
    this.validateLaunchTarget();
    this.validateOverridesLength();
    this.networkConfiguration = this.configureNetworking();

    if (props.failOnTaskStop ?? true) {
      this.watcher = TaskStoppedWatcher.of(this);
      this.watcher.watch(this.watchedTask());
      this.taskStoppedHandler = this.watcher.handler;
    }

    if (props.cancelJobOnExecutionStop ?? true) {
      cancelJobsOnExecutionStop(this, { kind: 'ecs', state: this, resource: integrationResourceArn('ecs', 'runTask', sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN), cluster: props.cluster });
    }

    // Once the whole app is built: the checks that need every state machine and every task of the stack.
    const task = this;
    const lastChecks: IAspect = {
      visit(node: IConstruct): void {
        if (node !== task) return;
        task.grantWithoutStateMachine();
        task.warnIfWatchedAnyway();
      },
    };
    Aspects.of(this).add(lastChecks);
  }

  /**
   * Renders in the query language of the state machine the task ends up in, also inside a Parallel branch or a
   * Map item processor (where aws-cdk-lib does not pass it down).
   */
  public toStateJson(topLevelQueryLanguage?: sfn.QueryLanguage): object {
    return renderInStateMachineLanguage({
      state: this,
      queryLanguage: this.queryLanguage,
      fix: 'EcsCallbackTask.jsonPath(...) or EcsCallbackTask.jsonata(...)',
      jsonPathOnlyProps: { resultSelector: this.resultSelector, resultPath: this.resultPath, inputPath: this.inputPath, outputPath: this.outputPath },
      jsonataOnlyProps: { outputs: this.outputs, arguments: this.arguments },
    }, topLevelQueryLanguage, (top) => super.toStateJson(top));
  }

  /**
   * @internal
   */
  protected _renderTask(topLevelQueryLanguage?: sfn.QueryLanguage): any {
    const queryLanguage = effectiveQueryLanguage(this.queryLanguage, topLevelQueryLanguage);
    const jsonata = queryLanguage === sfn.QueryLanguage.JSONATA;
    // Anything left that Step Functions would not evaluate in this language is converted or refused.
    const parameters = renderForQueryLanguage(this, 'request', withoutUndefined({
      Cluster: this.props.cluster.clusterArn,
      TaskDefinition: this.props.taskDefinition.family,
      NetworkConfiguration: this.networkConfiguration,
      Overrides: this.renderOverrides(jsonata),
      PropagateTags: this.props.propagatedTagSource,
      ...this.launchTargetParameters(),
      EnableExecuteCommand: this.props.enableExecuteCommand,
    }), queryLanguage);
    const resource = integrationResourceArn('ecs', 'runTask', sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN);
    return jsonata
      ? { Resource: resource, Arguments: parameters }
      : { Resource: resource, Parameters: sfn.FieldUtils.renderObject(parameters) };
  }

  protected whenBoundToGraph(graph: sfn.StateGraph): void {
    // Built now rather than in the constructor: containers added after this task was created (which may
    // create the execution role) are part of the task definition by the time a state machine is built.
    this.taskPolicies!.push(...this.stateMachineRolePolicies());
    super.whenBoundToGraph(graph);
    this.boundToGraph = true;
    whenStateMachineBound(graph, (stateMachine) => this.onStateMachine(stateMachine));
  }

  private onStateMachine(stateMachine: sfn.StateMachine): void {
    this.stateMachines.add(stateMachine);
    grantTaskResponse({ requestedBy: this, role: this.props.taskDefinition.taskRole, actions: TASK_RESPONSE_ACTIONS, stateMachine });
    this.watcher?.allowFailing(this, stateMachine);
  }

  /**
   * The state is part of a graph that no StateMachine construct ever bound (a definition rendered by
   * hand): grant on the account's and region's state machines rather than on `*`, and say so.
   */
  private grantWithoutStateMachine(): void {
    if (!this.boundToGraph || this.stateMachines.size > 0) return;
    const anyStateMachine = Stack.of(this).formatArn({
      service: 'states',
      resource: 'stateMachine',
      resourceName: '*',
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    Annotations.of(this).addWarningV2(
      'cdk-sfn-jobs:ecsCallbackStateMachineUnknown',
      `No StateMachine construct contains this state, so the task role may answer tokens of every state machine in this account and region (${TASK_RESPONSE_ACTIONS.join(', ')} on stateMachine:*). ` +
      'Build the state machine with DefinitionBody.fromChainable to scope the grant to it.',
    );
    grantTaskResponse({ requestedBy: this, role: this.props.taskDefinition.taskRole, actions: TASK_RESPONSE_ACTIONS, stateMachine: anyStateMachine });
    this.watcher?.allowFailing(this, anyStateMachine);
  }

  /** `failOnTaskStop: false` cannot hold when another task of the stack watches the same tasks. */
  private warnIfWatchedAnyway(): void {
    if (this.watcher || !TaskStoppedWatcher.find(this)?.isWatching(this.watchedTask())) return;
    Annotations.of(this).addWarningV2(
      'cdk-sfn-jobs:ecsCallbackFailOnTaskStopShared',
      `failOnTaskStop is false, but another EcsCallbackTask of this stack watches the same cluster, task definition family (${this.props.taskDefinition.family}) and token variable (${this.tokenEnvironmentName}): ` +
      'this state will fail with Ecs.TaskStopped too when its task stops. Give this task another tokenEnvironmentName to opt out.',
    );
  }

  private watchedTask() {
    return { cluster: this.props.cluster, taskDefinition: this.props.taskDefinition, tokenEnvironmentName: this.tokenEnvironmentName };
  }

  /**
   * The state machine role's statements for `ecs:runTask.waitForTaskToken`, as the Step Functions
   * developer guide lists them ("IAM policies for Amazon ECS/AWS Fargate", Request Response and
   * Callback): `ecs:RunTask` on the task definition, and `iam:PassRole` on the roles the task uses.
   * Nothing of `.sync` (StopTask, DescribeTasks, the managed EventBridge rule).
   */
  private stateMachineRolePolicies(): iam.PolicyStatement[] {
    const taskDefinition = this.props.taskDefinition;
    // Same resource as aws-cdk-lib's EcsRunTask: the exact revision with the fixRunEcsTaskPolicy feature
    // flag, every revision of the family (`family:*`) without it.
    const taskDefinitionResource = FeatureFlags.of(this).isEnabled(cx_api.STEPFUNCTIONS_TASKS_FIX_RUN_ECS_TASK_POLICY)
      ? taskDefinition.taskDefinitionArn
      : `${Stack.of(taskDefinition).formatArn({ service: 'ecs', resource: 'task-definition', resourceName: taskDefinition.family })}:*`;
    const runTask = new iam.PolicyStatement({
      actions: ['ecs:RunTask'],
      resources: [taskDefinitionResource],
      // ecs:cluster narrows RunTask to the cluster this state runs the task on.
      conditions: { ArnEquals: { 'ecs:cluster': this.props.cluster.clusterArn } },
    });
    const roles = [taskDefinition.taskRole, ...(taskDefinition.executionRole ? [taskDefinition.executionRole] : [])];
    return [runTask, passRoleStatement(roles, 'ecs-tasks.amazonaws.com'), ...this.tagOnCreateStatements()];
  }

  /**
   * Tags propagated from the task definition are applied by RunTask as it creates the task: ECS then also authorizes
   * `ecs:TagResource` ("Grant permission to tag resources on creation", ECS developer guide), allowed here only as
   * part of RunTask (`ecs:CreateAction`) and on this cluster's tasks (the `task` resource type).
   */
  private tagOnCreateStatements(): iam.PolicyStatement[] {
    const source = this.props.propagatedTagSource;
    if (source === undefined || source === ecs.PropagatedTagSource.NONE) return [];
    const cluster = this.props.cluster;
    return [new iam.PolicyStatement({
      actions: ['ecs:TagResource'],
      resources: [Stack.of(cluster).formatArn({ service: 'ecs', resource: 'task', resourceName: `${cluster.clusterName}/*` })],
      conditions: { StringEquals: { 'ecs:CreateAction': 'RunTask' } },
    })];
  }

  private chooseContainer(): ecs.ContainerDefinition {
    const { container, taskDefinition } = this.props;
    if (container) {
      if (container.taskDefinition !== taskDefinition) {
        invalid(this, 'container', `a container of ${taskDefinition.node.path}`, container.node.path);
      }
      return container;
    }
    if (!taskDefinition.defaultContainer) {
      invalid(this, 'container', `given, or ${taskDefinition.node.path} must have an essential container before this task is created`, undefined);
    }
    return taskDefinition.defaultContainer;
  }

  private validateEnvironment(): void {
    const { tokenEnvironmentName: token, inputEnvironmentName: input } = this;
    const rule = 'a POSIX environment variable name (letters, digits and _, not starting with a digit)';
    // Names are never evaluated by Step Functions, and the stopped-task watcher finds the task token by this name:
    // a JsonPath value or an expression here would silently turn crash safety off.
    for (const [prop, name] of [['tokenEnvironmentName', token], ['inputEnvironmentName', input]] as const) {
      if (isDynamic(name) || containsExpression(name)) invalid(this, prop, `a literal (${rule})`, describeDynamic(name));
    }
    for (const name of Object.keys(this.props.environment ?? {})) {
      if (isDynamic(name) || containsExpression(name)) invalid(this, 'environment', 'keyed by literal names (keys are not evaluated)', describeDynamic(name));
    }
    const containerName = this.container.containerName;
    if (!Token.isUnresolved(containerName) && (containerName.length < 1 || containerName.length > 255)) {
      invalid(this, 'container', 'a container whose name is 1 to 255 characters long (RunTask overrides find the container by name)', containerName);
    }
    checkPattern(this, 'tokenEnvironmentName', token, ENVIRONMENT_NAME, rule);
    checkPattern(this, 'inputEnvironmentName', input, ENVIRONMENT_NAME, rule);
    if (!isDynamic(token) && token === input) {
      invalid(this, 'inputEnvironmentName', `different from tokenEnvironmentName (${token})`, input);
    }
    for (const name of Object.keys(this.props.environment ?? {})) {
      if (name === token) {
        invalid(this, 'environment', `free of ${token}, which carries the task token (tokenEnvironmentName)`, name);
      }
      if (name === input) {
        invalid(this, 'environment', `free of ${input}, which carries the input (inputEnvironmentName)`, name);
      }
    }
  }

  private validateLaunchTarget(): void {
    const { launchTarget, taskDefinition } = this.props;
    if (launchTarget instanceof tasks.EcsFargateLaunchTarget && !taskDefinition.isFargateCompatible) {
      invalid(this, 'launchTarget', `an EcsEc2LaunchTarget, since ${taskDefinition.node.path} is not Fargate-compatible`, 'EcsFargateLaunchTarget');
    }
    if (launchTarget instanceof tasks.EcsEc2LaunchTarget && !taskDefinition.isEc2Compatible) {
      invalid(this, 'launchTarget', `an EcsFargateLaunchTarget, since ${taskDefinition.node.path} is not EC2-compatible`, 'EcsEc2LaunchTarget');
    }
  }

  /** What synth can know of the overrides' length already exceeds RunTask's limit: fail now, not at run time. */
  private validateOverridesLength(): void {
    const literal = (value: string | undefined) => (value === undefined || isDynamic(value) ? '' : value);
    const environment = Object.entries(this.props.environment ?? {}).map(([name, value]) => ({ name, value: literal(value) }));
    environment.push({ name: this.tokenEnvironmentName, value: '' }, { name: this.inputEnvironmentName, value: '' });
    const known = JSON.stringify({
      containerOverrides: [{
        name: Token.isUnresolved(this.container.containerName) ? '' : this.container.containerName,
        command: this.props.command?.map(literal),
        environment,
      }],
      cpu: literal(this.props.cpu),
      memory: literal(this.props.memoryMiB),
    });
    if (known.length > OVERRIDES_MAX_LENGTH) {
      invalid(
        this,
        'environment',
        `small enough for RunTask's overrides (${OVERRIDES_MAX_LENGTH} characters in total, with environment, command, the task token and the input)`,
        `${known.length} characters before the task token and the input`,
      );
    }
  }

  private configureNetworking(): { [key: string]: any } | undefined {
    const { cluster, taskDefinition, subnets, securityGroups, assignPublicIp } = this.props;
    if (taskDefinition.networkMode !== ecs.NetworkMode.AWS_VPC) {
      for (const [prop, value] of Object.entries({ subnets, securityGroups, assignPublicIp })) {
        if (value !== undefined) {
          invalid(this, prop, `unset unless the task definition uses the awsvpc network mode (${taskDefinition.node.path} uses ${taskDefinition.networkMode})`, prop === 'securityGroups' ? `${securityGroups!.length} security groups` : value);
        }
      }
      this.connections.addSecurityGroup(...cluster.connections.securityGroups);
      return undefined;
    }
    const selection = subnets ?? { subnetType: assignPublicIp ? ec2.SubnetType.PUBLIC : ec2.SubnetType.PRIVATE_WITH_EGRESS };
    const groups = securityGroups ?? [new ec2.SecurityGroup(this, 'SecurityGroup', { vpc: cluster.vpc, description: `${this.node.path} (EcsCallbackTask)` })];
    this.connections.addSecurityGroup(...groups);
    return {
      AwsvpcConfiguration: withoutUndefined({
        Subnets: cluster.vpc.selectSubnets(selection).subnetIds,
        SecurityGroups: groups.map((g) => g.securityGroupId),
        AssignPublicIp: assignPublicIp === undefined ? undefined : assignPublicIp ? 'ENABLED' : 'DISABLED',
      }),
    };
  }

  private launchTargetParameters(): { [key: string]: any } {
    try {
      // Both launch targets only read the task definition and the cluster from their options; their first
      // parameter is typed EcsRunTask for aws-cdk-lib's own task and is not used.
      const config = this.props.launchTarget.bind(this as unknown as tasks.EcsRunTask, {
        taskDefinition: this.props.taskDefinition,
        cluster: this.props.cluster,
      });
      return config.parameters ?? {};
    } catch (e) {
      if (e instanceof CdkSfnJobsError) throw e;
      return invalid(this, 'launchTarget', 'usable with the task definition and the cluster', (e as Error).message);
    }
  }

  private renderOverrides(jsonata: boolean): { [key: string]: any } {
    const { environment = {}, command, cpu, memoryMiB } = this.props;
    if (!jsonata) {
      for (const [i, item] of (command ?? []).entries()) {
        if (sfn.JsonPath.isEncodedJsonPath(item)) {
          invalid(this, `command[${i}]`, 'a literal string in a JSONPath state (RunTask takes the command as a list; JSONPath cannot place a value inside it)', item);
        }
      }
    }
    for (const [name, value] of Object.entries(environment)) this.checkExpressionLanguage(`environment.${name}`, value, jsonata);
    const variables = [
      // Each value rendered for the state's language by the shared renderer (a JsonPath value in a JSONata state is
      // converted where exact, refused by name otherwise), so errors name the variable.
      ...Object.entries(environment).map(([name, value]) => ({
        Name: name,
        Value: renderForQueryLanguage(this, `environment.${name}`, value, jsonata ? sfn.QueryLanguage.JSONATA : sfn.QueryLanguage.JSON_PATH),
      })),
      { Name: this.tokenEnvironmentName, Value: jsonata ? '{% $states.context.Task.Token %}' : sfn.JsonPath.taskToken },
      { Name: this.inputEnvironmentName, Value: this.renderInput(jsonata) },
    ];
    return withoutUndefined({
      Cpu: cpu,
      Memory: memoryMiB,
      ContainerOverrides: [withoutUndefined({
        Name: this.container.containerName,
        Command: command,
        Environment: variables,
      })],
    });
  }

  /** The `inputEnvironmentName` value: the JSON text of `input` (default: the whole state input). */
  private renderInput(jsonata: boolean): string {
    const input = this.props.input;
    if (input === undefined) {
      return jsonata ? '{% $string($states.input) %}' : sfn.JsonPath.jsonToString(sfn.JsonPath.objectAt('$'));
    }
    let value = input.value;
    if (input.type === sfn.InputType.TEXT) {
      this.checkExpressionLanguage('input', value, jsonata);
      // A JsonPath value (TaskInput.fromJsonPathAt) in a JSONata state: its JSON text, converted by the shared renderer.
      if (jsonata && sfn.JsonPath.isEncodedJsonPath(value)) return renderForQueryLanguage(this, 'input', sfn.JsonPath.jsonToString(value), sfn.QueryLanguage.JSONATA);
      if (jsonata && isJsonata(value)) return `{% $string(${jsonataBody(value)}) %}`;
      if (!jsonata && sfn.JsonPath.isEncodedJsonPath(value)) return sfn.JsonPath.jsonToString(value);
      return Stack.of(this).toJsonString(value);
    }
    this.checkExpressionLanguage('input', value, jsonata);
    if (jsonata) value = renderForQueryLanguage(this, 'input', value, sfn.QueryLanguage.JSONATA);
    if (jsonata && containsJsonata(value)) return `{% $string(${toJsonataExpression(value)}) %}`;
    return Stack.of(this).toJsonString(value);
  }

  /**
   * Expressions must match the state's query language (a JSONata string in a JSONPath state would reach
   * the container verbatim), and JSONPath cannot serialize an object built from several paths.
   */
  private checkExpressionLanguage(prop: string, value: unknown, jsonata: boolean): void {
    if (!jsonata && containsJsonata(value)) {
      invalid(this, prop, 'free of JSONata expressions ({% … %}) in a JSONPath state', value);
    }
    const paths = typeof value === 'string'
      ? (sfn.JsonPath.isEncodedJsonPath(value) ? [value] : [])
      : [...sfn.FieldUtils.findReferencedPaths(value as { [key: string]: any }), ...pathTemplateKeys(value)];
    // In a JSONata state, JsonPath values are converted (or refused by name) by the shared renderer.
    if (paths.length === 0 || jsonata) return;
    if (prop === 'input' && typeof value !== 'string') {
      invalid(this, prop, 'a literal object, or one JSONPath (TaskInput.fromJsonPathAt) in a JSONPath state: JSONPath cannot serialize an object built from several paths', `an object referencing ${paths.join(', ')}`);
    }
  }
}

/** Keys written as JSONPath templates (`'name.$': '$.path'`), which would reach the container verbatim. */
function pathTemplateKeys(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(pathTemplateKeys);
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([k, v]) => [...(k.endsWith('.$') ? [`${k}: ${String(v)}`] : []), ...pathTemplateKeys(v)]);
}

/** A JsonPath value as its path, anything else as given (for messages). */
function describeDynamic(value: string): string {
  try {
    return sfn.JsonPath.isEncodedJsonPath(value) ? (sfn.FieldUtils.renderObject({ v: value })?.['v.$'] ?? value) : value;
  } catch {
    return value;
  }
}

/** The kinds of the props (see `checkProps`). */
const ECS_CALLBACK_TASK_PROPS: Record<string, string> = {
  ...TASK_BASE_PROPS,
  cluster: 'cluster',
  taskDefinition: 'taskDefinition',
  launchTarget: 'launchTarget',
  container: 'containerDefinition?',
  subnets: 'subnetSelection?',
  securityGroups: 'securityGroup[]?',
  assignPublicIp: 'boolean?',
  environment: '{string}?',
  command: 'string[]?',
  cpu: 'string?',
  memoryMiB: 'string?',
  input: 'taskInput?',
  tokenEnvironmentName: 'string?',
  inputEnvironmentName: 'string?',
  propagatedTagSource: 'string?',
  enableExecuteCommand: 'boolean?',
  failOnTaskStop: 'boolean?',
  cancelJobOnExecutionStop: 'boolean?',
};
