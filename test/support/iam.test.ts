import { aws_iam as iam, aws_stepfunctions as sfn } from 'aws-cdk-lib';
import { logicalIdOf, newTestStack } from './asl';
import {
  checkActionsExist,
  checkResourceTypes,
  checkWildcardsJustified,
  collectPolicyStatements,
  expectLeastPrivilegeIam,
  statementsForRole,
  Statement,
} from './iam';

const BUCKET_OBJECTS = 'arn:aws:s3:::my-bucket/*';

/** A stack with one role carrying the given statements in an attached AWS::IAM::Policy. */
function stackWithRole(...statements: iam.PolicyStatement[]) {
  const stack = newTestStack();
  const role = new iam.Role(stack, 'JobRole', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
  statements.forEach((s) => role.addToPolicy(s));
  return { stack, role };
}

function allow(actions: string[], resources: string[]): Statement {
  return { Effect: 'Allow', Action: actions, Resource: resources.length === 1 ? resources[0] : resources };
}

describe('collectPolicyStatements', () => {
  test('gathers attached and inline statements per role, with Action as an array', () => {
    // GIVEN
    const stack = newTestStack();
    const role = new iam.Role(stack, 'Puller', {
      assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
      inlinePolicies: {
        ecr: new iam.PolicyDocument({ statements: [new iam.PolicyStatement({ actions: ['ecr:GetAuthorizationToken'], resources: ['*'] })] }),
      },
    });
    role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [BUCKET_OBJECTS] }));

    // WHEN
    const statements = collectPolicyStatements(stack);

    // THEN
    expect(statements).toEqual({
      [logicalIdOf(role)]: [
        { Effect: 'Allow', Action: ['ecr:GetAuthorizationToken'], Resource: '*' },
        { Effect: 'Allow', Action: ['s3:GetObject'], Resource: BUCKET_OBJECTS },
      ],
    });
  });
});

describe('statementsForRole', () => {
  test('finds the state machine role by default, by construct or by role', () => {
    // GIVEN
    const stack = newTestStack();
    const stateMachine = new sfn.StateMachine(stack, 'Machine', { definitionBody: sfn.DefinitionBody.fromChainable(new sfn.Pass(stack, 'P')) });
    stateMachine.addToRolePolicy(new iam.PolicyStatement({
      actions: ['sagemaker:DescribeProcessingJob'],
      resources: ['arn:aws:sagemaker:us-east-1:123456789012:processing-job/my-job-*'],
    }));
    const expected = [expect.objectContaining({ Action: ['sagemaker:DescribeProcessingJob'] })];

    // THEN
    expect(statementsForRole(stack)).toEqual(expected);
    expect(statementsForRole(stack, stateMachine)).toEqual(expected);
    expect(statementsForRole(stack, stateMachine.role)).toEqual(expected);
    expect(statementsForRole(stack, logicalIdOf(stateMachine.role))).toEqual(expected);
    expect(() => statementsForRole(stack, 'Missing')).toThrow(/Missing is not an AWS::IAM::Role/);
  });
});

describe('checkActionsExist', () => {
  test('reports actions and services the IAM reference does not know', async () => {
    // GIVEN
    const { stack, role } = stackWithRole(new iam.PolicyStatement({
      actions: ['s3:GetObject', 's3:FlyToTheMoon', 'notaservice:DoThings', 's3:Get*', 's3:Teleport*'],
      resources: [BUCKET_OBJECTS],
    }));

    // WHEN
    const unknown = await checkActionsExist(statementsForRole(stack, role));

    // THEN
    expect(unknown).toEqual(['notaservice:DoThings', 's3:FlyToTheMoon', 's3:Teleport*']);
  });

  test('accepts known actions whatever their case', async () => {
    expect(await checkActionsExist([allow(['SageMaker:createProcessingJob', 'iam:PassRole'], ['*'])])).toEqual([]);
  });
});

describe('checkWildcardsJustified', () => {
  test('reports an action with resource types on Resource "*"', async () => {
    expect(await checkWildcardsJustified([allow(['s3:GetObject'], ['*'])])).toEqual(['s3:GetObject']);
  });

  test('reports a wildcard within a Resource list', async () => {
    expect(await checkWildcardsJustified([allow(['s3:GetObject'], [BUCKET_OBJECTS, '*'])])).toEqual(['s3:GetObject']);
  });

  test('accepts an action that accepts no narrower resource', async () => {
    expect(await checkWildcardsJustified([allow(['ecr:GetAuthorizationToken'], ['*'])])).toEqual([]);
  });

  test('accepts any action on a scoped resource, and Deny statements', async () => {
    expect(await checkWildcardsJustified([
      allow(['s3:GetObject'], [BUCKET_OBJECTS]),
      { Effect: 'Deny', Action: ['s3:DeleteObject'], Resource: '*' },
    ])).toEqual([]);
  });

  test('reports an action pattern when any action it covers has resource types', async () => {
    expect(await checkWildcardsJustified([allow(['s3:Get*', 'ecr:GetAuthorization*'], ['*'])])).toEqual(['s3:Get*']);
  });

  test('accepts explicitly justified actions', async () => {
    const statements = [allow(['cloudwatch:PutMetricData'], ['*'])];
    expect(await checkWildcardsJustified(statements)).toEqual(['cloudwatch:PutMetricData']);
    expect(await checkWildcardsJustified(statements, {
      justified: [{ action: 'cloudwatch:PutMetricData', reason: 'metrics are scoped by namespace condition' }],
    })).toEqual([]);
  });
});

describe('expectLeastPrivilegeIam', () => {
  test('passes for a well-scoped policy', async () => {
    // GIVEN
    const { stack } = stackWithRole(
      new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [BUCKET_OBJECTS] }),
      new iam.PolicyStatement({ actions: ['ecr:GetAuthorizationToken'], resources: ['*'] }),
    );

    // THEN
    await expect(expectLeastPrivilegeIam(stack)).resolves.toBeUndefined();
  });

  test('fails naming the role, the unknown actions and the unjustified wildcards', async () => {
    // GIVEN
    const { stack, role } = stackWithRole(
      new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] }),
      new iam.PolicyStatement({ actions: ['s3:Bogus'], resources: [BUCKET_OBJECTS] }),
    );
    const roleId = logicalIdOf(role);

    // THEN
    await expect(expectLeastPrivilegeIam(stack)).rejects.toThrow(
      new RegExp(`${roleId}: actions not in the IAM reference: s3:Bogus[\\s\\S]*${roleId}: Resource '\\*' .* for: s3:GetObject`),
    );
  });

  test('requires a reason for each justification', async () => {
    await expect(expectLeastPrivilegeIam([], { justified: [{ action: 'cloudwatch:PutMetricData', reason: 'ok' }] }))
      .rejects.toThrow(/10 characters/);
  });
});

describe('checkResourceTypes', () => {
  test('reports an action on a resource of a type the IAM reference does not list for it (a dead grant)', async () => {
    // GIVEN
    const statements = [
      { Effect: 'Allow', Action: ['bedrock:InvokeModel'], Resource: 'arn:aws:bedrock:us-east-1:123456789012:custom-model/m' },
      { Effect: 'Allow', Action: ['bedrock:CreateModelInvocationJob'], Resource: ['arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.x.y', 'arn:aws:bedrock:*::foundation-model/x.y'] },
    ];
    // WHEN
    const dead = await checkResourceTypes(statements);
    // THEN
    expect(dead).toEqual([
      'bedrock:CreateModelInvocationJob on arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.x.y',
      'bedrock:InvokeModel on arn:aws:bedrock:us-east-1:123456789012:custom-model/m',
    ]);
  });

  test('accepts resources of listed types, wildcards and escaped characters included', async () => {
    // GIVEN
    const statements = [
      { Effect: 'Allow', Action: ['glue:StopCrawler'], Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':glue:us-east-1:123456789012:crawler/sales${*}']] } },
      { Effect: 'Allow', Action: ['bedrock:InvokeModel'], Resource: 'arn:aws:bedrock:*::foundation-model/*' },
    ];
    // WHEN / THEN
    expect(await checkResourceTypes(statements)).toEqual([]);
  });
});
