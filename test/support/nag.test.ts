import { aws_iam as iam, aws_s3 as s3 } from 'aws-cdk-lib';
import { newTestStack } from './asl';
import { expectNoNagFindings, nagFindings } from './nag';

/** A stack with a role whose inline policy reads S3 objects on the given resource. */
function stackWithReader(resource: string) {
  const stack = newTestStack();
  new iam.Role(stack, 'Reader', {
    assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com'),
    inlinePolicies: {
      read: new iam.PolicyDocument({ statements: [new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [resource] })] }),
    },
  });
  return stack;
}

describe('nagFindings', () => {
  test('reports a wildcard resource in an IAM policy', () => {
    // WHEN
    const findings = nagFindings(stackWithReader('*'));

    // THEN
    expect(findings).toEqual([
      expect.objectContaining({ id: 'AwsSolutions-IAM5', findingId: 'Resource::*', path: '/TestStack/Reader/Resource', level: 'Error' }),
    ]);
  });

  test('reports nothing for the same policy scoped to one object (any "*", even a prefix, is an IAM5 finding)', () => {
    expect(nagFindings(stackWithReader('arn:aws:s3:::my-bucket/input/data.csv'))).toEqual([]);
  });

  test('reports an S3 bucket without SSL enforcement or access logs', () => {
    // GIVEN
    const stack = newTestStack();
    new s3.Bucket(stack, 'Data');

    // WHEN
    const ids = nagFindings(stack).map((f) => `${f.id} ${f.path}`);

    // THEN
    expect(ids).toEqual(expect.arrayContaining(['AwsSolutions-S1 /TestStack/Data/Resource', 'AwsSolutions-S10 /TestStack/Data/Resource']));
  });

  test('an acknowledgement with a reason suppresses the finding', () => {
    // GIVEN
    const stack = newTestStack();
    new s3.Bucket(stack, 'Data');

    // WHEN
    const findings = nagFindings(stack, [
      { id: 'AwsSolutions-S1', reason: 'Scratch bucket of the test, no access logs needed', path: 'TestStack/Data' },
      { id: 'AwsSolutions-S10', reason: 'Scratch bucket of the test, never read over the network' },
    ]);

    // THEN
    expect(findings).toEqual([]);
  });

  test('a granular acknowledgement only covers the findings it names', () => {
    // GIVEN
    const reason = 'Reads objects whose keys are only known at run time';

    // THEN
    expect(nagFindings(stackWithReader('*'), [{ id: 'AwsSolutions-IAM5', reason, appliesTo: ['Resource::*'] }])).toEqual([]);
    expect(nagFindings(stackWithReader('*'), [{ id: 'AwsSolutions-IAM5', reason, appliesTo: ['Resource::arn:aws:s3:::other/*'] }]))
      .toEqual([expect.objectContaining({ id: 'AwsSolutions-IAM5', findingId: 'Resource::*' })]);
  });

  test('requires a reason of at least 10 characters', () => {
    expect(() => nagFindings(stackWithReader('*'), [{ id: 'AwsSolutions-IAM5', reason: 'because' }])).toThrow(/10 characters/);
  });
});

describe('expectNoNagFindings', () => {
  test('fails listing each finding, and passes once acknowledged', () => {
    expect(() => expectNoNagFindings(stackWithReader('*'))).toThrow(/Error AwsSolutions-IAM5\[Resource::\*\] at \/TestStack\/Reader\/Resource/);
    expect(() => expectNoNagFindings(stackWithReader('*'), [
      { id: 'AwsSolutions-IAM5', reason: 'Reads objects whose keys are only known at run time' },
    ])).not.toThrow();
  });
});
