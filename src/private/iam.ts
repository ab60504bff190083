import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';

/**
 * `iam:PassRole` on exactly the roles a task hands to a service, only to that service
 * (`iam:PassedToService`), as the Step Functions developer guide's policies do.
 */
export function passRoleStatement(roles: readonly iam.IRole[], service: string): iam.PolicyStatement {
  return new iam.PolicyStatement({
    actions: ['iam:PassRole'],
    resources: roles.map((r) => r.roleArn),
    conditions: { StringEquals: { 'iam:PassedToService': service } },
  });
}

/**
 * `events:PutTargets`, `events:PutRule`, `events:DescribeRule` on the EventBridge rule that
 * Step Functions manages in the user's account for a `.sync` integration.
 */
export function managedRuleStatement(scope: IConstruct, ruleName: string): iam.PolicyStatement {
  return new iam.PolicyStatement({
    actions: ['events:PutTargets', 'events:PutRule', 'events:DescribeRule'],
    resources: [Stack.of(scope).formatArn({ service: 'events', resource: 'rule', resourceName: ruleName })],
  });
}
