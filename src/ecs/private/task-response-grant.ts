import { Annotations, Names, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { IConstruct } from 'constructs';

/**
 * `states:SendTask*` grants, scoped to a state machine, at most once per (role, actions, state machine).
 *
 * About the scope: the Service Authorization Reference lists no resource type for SendTaskSuccess,
 * SendTaskFailure and SendTaskHeartbeat, yet Step Functions authorizes these calls against the ARN of
 * the state machine that issued the token (its AccessDenied messages name
 * `arn:…:stateMachine:<name>`), and aws-cdk-lib's `StateMachine.grantTaskResponse` scopes them the same
 * way. A statement on the state machine ARN therefore lets the container answer its own state machine
 * and no other.
 */

const GRANTED = new WeakMap<iam.IRole, Set<string>>();

export interface TaskResponseGrantOptions {
  /** The construct that asks for the grant (warnings are attached to it). */
  readonly requestedBy: IConstruct;
  readonly role: iam.IRole;
  readonly actions: readonly string[];
  /** A state machine, or the ARN pattern used when the state machine cannot be found. */
  readonly stateMachine: sfn.StateMachine | string;
}

/** Adds the grant unless this role already has it for this state machine. */
export function grantTaskResponse(options: TaskResponseGrantOptions): void {
  const { role, requestedBy, stateMachine } = options;
  const actions = [...options.actions].sort();
  const target = typeof stateMachine === 'string' ? stateMachine : `${Names.nodeUniqueId(stateMachine.node)}`;
  const key = `${actions.join(',')}|${target}`;
  const granted = GRANTED.get(role) ?? new Set<string>();
  GRANTED.set(role, granted);
  if (granted.has(key)) return;
  granted.add(key);

  const arn = typeof stateMachine === 'string' ? stateMachine : stateMachine.stateMachineArn;
  const statement = new iam.PolicyStatement({ actions, resources: [arn] });

  if (typeof stateMachine !== 'string' && Stack.of(stateMachine) !== Stack.of(role)) {
    // The role lives in another stack than the state machine. Granting through the role's own default
    // policy would make that stack depend on the state machine's stack, which usually depends on it
    // already (it names the task definition and its roles): keep the grant next to the state machine.
    const id = `CdkSfnJobs${actions.map((a) => a.replace(/^states:SendTask/, '')).join('')}${Names.nodeUniqueId(role.node)}`;
    const policy = (stateMachine.node.tryFindChild(id) as iam.Policy | undefined) ?? new iam.Policy(stateMachine, id);
    policy.addStatements(statement);
    policy.attachToRole(role);
    return;
  }
  const { statementAdded } = role.addToPrincipalPolicy(statement);
  if (!statementAdded) {
    Annotations.of(requestedBy).addWarningV2(
      'cdk-sfn-jobs:ecsCallbackTaskRoleImmutable',
      `${role.node.path} is immutable: grant it ${actions.join(', ')} on ${typeof stateMachine === 'string' ? stateMachine : 'the state machine'} yourself (stateMachine.grantTaskResponse(role)), or the container cannot call back.`,
    );
  }
}
