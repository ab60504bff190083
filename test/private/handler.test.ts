import { aws_lambda as lambda } from 'aws-cdk-lib';
import { handlerRuntime, nodeRuntimeName } from '../../src/private/handler';
import { newTestStack } from '../support';

describe('the runtime of the bundled handlers', () => {
  test('aws-cdk-lib\'s latest Node.js runtime when newer than the bundles\' target (the oldest across regions)', () => {
    expect(nodeRuntimeName(['nodejs24.x', 'nodejs24.x'])).toBe('nodejs24.x');
    expect(nodeRuntimeName(['nodejs24.x', 'nodejs26.x'])).toBe('nodejs24.x');
  });

  test('never older than the bundles\' target (nodejs22.x)', () => {
    expect(nodeRuntimeName(['nodejs20.x', 'nodejs18.x'])).toBe('nodejs22.x');
    expect(nodeRuntimeName([undefined])).toBe('nodejs22.x');
    expect(nodeRuntimeName([])).toBe('nodejs22.x');
  });

  test('a literal runtime of the Node.js family (cdk-nag can read it)', () => {
    const runtime = handlerRuntime(newTestStack());
    expect(runtime.family).toBe(lambda.RuntimeFamily.NODEJS);
    expect(runtime.name).toMatch(/^nodejs\d+\.x$/);
  });
});
