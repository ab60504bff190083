/** Helpers the SageMaker job tests share: rendering a task, IAM statements with intrinsics rendered as text, and '*' justifications. */
import { Stack, aws_stepfunctions as sfn } from 'aws-cdk-lib';
import { expectValidAsl, renderChainable, renderIntrinsics } from '../support';

/** Justifications for '*' that the IAM reference would otherwise flag (the action has an optional resource type). */
export const JOB_ROLE_JUSTIFIED = [
  { action: 'cloudwatch:PutMetricData', reason: 'metrics have no ARN (the dataset resource type is for datasets); limited by the cloudwatch:namespace condition' },
  { action: 'ec2:DeleteNetworkInterfacePermission', reason: 'authorized on the permission id; the optional network-interface resource is not in the request context' },
];

/** Statements with intrinsics rendered as in ASL (Fn::Join → text, GetAtt → ${Id.Attr}, Ref → ${Id}, pseudo → values). */
export function arnsOf(_stack: unknown, statements: any[]): any[] {
  return statements.map((s) => {
    const out: any = { Action: s.Action, Resource: renderIntrinsics(s.Resource) };
    if (s.Condition) out.Condition = renderIntrinsics(s.Condition);
    return out;
  });
}


/** Renders the task `make` builds in a fresh state machine (validated ASL) and returns its state, the task and the stack. */
export function renderTask<T extends sfn.State>(make: (scope: Stack) => T, opts: { queryLanguage?: sfn.QueryLanguage } = {}) {
  let task!: T;
  const { definition, stack } = renderChainable((scope) => (task = make(scope as Stack)), opts);
  expectValidAsl(definition);
  return { state: definition.States[task.stateId], definition, task, stack };
}
