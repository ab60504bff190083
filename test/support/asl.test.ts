import { Aws, Duration, Fn, aws_s3 as s3, aws_stepfunctions as sfn } from 'aws-cdk-lib';
import {
  expectValidAsl,
  findJsonataExpressions,
  logicalIdOf,
  newTestStack,
  renderAllStateMachines,
  renderChainable,
  renderState,
  renderStateMachine,
  validateAsl,
} from './asl';

describe('renderChainable', () => {
  test('renders the exact ASL of a small JSONPath chain', () => {
    // WHEN
    const { definition } = renderChainable((scope) =>
      new sfn.Pass(scope, 'Start', { result: sfn.Result.fromObject({ a: 1 }), resultPath: '$.start' })
        .next(new sfn.Wait(scope, 'Pause', { time: sfn.WaitTime.duration(Duration.seconds(5)) }))
        .next(new sfn.Succeed(scope, 'Done')));

    // THEN
    expect(definition).toEqual({
      StartAt: 'Start',
      States: {
        Start: { Type: 'Pass', Result: { a: 1 }, ResultPath: '$.start', Next: 'Pause' },
        Pause: { Type: 'Wait', Seconds: 5, Next: 'Done' },
        Done: { Type: 'Succeed' },
      },
    });
  });

  test('renders a JSONata state machine with the top-level QueryLanguage', () => {
    // WHEN
    const { definition } = renderChainable(
      (scope) => sfn.Pass.jsonata(scope, 'Shape', { outputs: { total: '{% $sum($states.input.values) %}' } }),
      { queryLanguage: sfn.QueryLanguage.JSONATA },
    );

    // THEN
    expect(definition).toEqual({
      QueryLanguage: 'JSONata',
      StartAt: 'Shape',
      States: { Shape: { Type: 'Pass', Output: { total: '{% $sum($states.input.values) %}' }, End: true } },
    });
  });

  test('replaces Ref, GetAtt and pseudo parameters with stable placeholders', () => {
    // GIVEN
    const stack = newTestStack();
    const bucket = new s3.Bucket(stack, 'Data');
    const pass = new sfn.Pass(stack, 'Refs', {
      parameters: {
        name: bucket.bucketName,
        arn: bucket.bucketArn,
        partition: Aws.PARTITION,
        region: Aws.REGION,
        account: Aws.ACCOUNT_ID,
        url: `https://s3.${Aws.URL_SUFFIX}/x`,
      },
    });

    // WHEN
    const { definition } = renderChainable(pass);

    // THEN
    const bucketId = logicalIdOf(bucket);
    expect(definition.States.Refs.Parameters).toEqual({
      name: `\${${bucketId}}`,
      arn: `\${${bucketId}.Arn}`,
      partition: 'aws',
      region: 'us-east-1',
      account: '123456789012',
      url: 'https://s3.amazonaws.com/x',
    });
  });

  test('refuses intrinsics it cannot render', () => {
    // GIVEN
    const stack = newTestStack();
    const pass = new sfn.Pass(stack, 'Imported', { parameters: { value: Fn.importValue('SharedValue') } });

    // THEN
    expect(() => renderChainable(pass)).toThrow(/unsupported CloudFormation expression.*Fn::ImportValue/);
  });

  test('renderState returns only the state, in either query language', () => {
    // WHEN
    const jsonPath = renderState((scope) => new sfn.Pass(scope, 'Only', { resultPath: sfn.JsonPath.DISCARD }));
    const jsonata = renderState(
      (scope) => sfn.Pass.jsonata(scope, 'Only', { outputs: '{% $states.input.x %}' }),
      { queryLanguage: sfn.QueryLanguage.JSONATA },
    );

    // THEN
    expect(jsonPath).toEqual({ Type: 'Pass', ResultPath: null, End: true });
    expect(jsonata).toEqual({ Type: 'Pass', Output: '{% $states.input.x %}', End: true });
  });
});

describe('renderStateMachine', () => {
  test('requires the state machine when the stack has several', () => {
    // GIVEN
    const stack = newTestStack();
    const first = new sfn.StateMachine(stack, 'First', { definitionBody: sfn.DefinitionBody.fromChainable(new sfn.Pass(stack, 'A')) });
    new sfn.StateMachine(stack, 'Second', { definitionBody: sfn.DefinitionBody.fromChainable(new sfn.Succeed(stack, 'B')) });

    // THEN
    expect(() => renderStateMachine(stack)).toThrow(/2 state machines/);
    expect(renderStateMachine(stack, first).StartAt).toBe('A');
    expect(renderStateMachine(stack, logicalIdOf(first)).StartAt).toBe('A');
    expect(Object.values(renderAllStateMachines(stack)).map((d) => d.StartAt).sort()).toEqual(['A', 'B']);
    expect(() => renderStateMachine(stack, 'Nope')).toThrow(/no AWS::StepFunctions::StateMachine with logical id Nope/);
  });
});

describe('validateAsl', () => {
  test('accepts valid JSONPath and JSONata definitions', () => {
    // GIVEN
    const jsonPath = renderChainable((scope) =>
      new sfn.Pass(scope, 'A', { parameters: { 'x.$': '$.input' } }).next(new sfn.Succeed(scope, 'B'))).definition;
    const jsonata = renderChainable(
      (scope) => sfn.Pass.jsonata(scope, 'A', { outputs: { upper: '{% $uppercase($states.input.name) %}' } }),
      { queryLanguage: sfn.QueryLanguage.JSONATA },
    ).definition;

    // THEN
    expect(() => validateAsl(jsonPath)).not.toThrow();
    expect(() => validateAsl(jsonata)).not.toThrow();
    expectValidAsl(jsonata);
  });

  test('does not modify the definition it validates', () => {
    // GIVEN
    const definition = { StartAt: 'A', States: { A: { Type: 'Pass', End: true } } };

    // WHEN
    validateAsl(definition);

    // THEN
    expect(definition).toEqual({ StartAt: 'A', States: { A: { Type: 'Pass', End: true } } });
  });

  test('rejects a transition to a missing state', () => {
    expect(() => validateAsl({ StartAt: 'A', States: { A: { Type: 'Pass', Next: 'Missing' } } }))
      .toThrow(/MISSING_TRANSITION_TARGET.*Missing/);
  });

  test('rejects an unknown state type', () => {
    expect(() => validateAsl({ StartAt: 'A', States: { A: { Type: 'Teleport', End: true } } })).toThrow(/Invalid state machine definition/);
  });

  test('rejects a broken JSONata expression, naming its path and expression', () => {
    // GIVEN: asl-validator does not look inside Arguments, the JSONata parse does
    const definition = {
      QueryLanguage: 'JSONata',
      StartAt: 'Call',
      States: {
        Call: {
          Type: 'Task',
          Resource: 'arn:aws:states:::aws-sdk:s3:getObject',
          Arguments: { Bucket: 'b', Key: { nested: '{% $states.input.( %}' } },
          End: true,
        },
      },
    };

    // THEN
    expect(() => validateAsl(definition)).toThrow(/\$\.States\.Call\.Arguments\.Key\.nested: JSONata expression " \$states\.input\.\( " does not parse/);
  });

  test('judges each definition on its own although asl-validator\'s schemas compile once per file', () => {
    // GIVEN: schema errors (the shared Ajv instance), path errors and ARN errors (its formats), in turn with valid ones
    const valid = { StartAt: 'A', States: { A: { Type: 'Pass', End: true } } };
    const badSchema = { StartAt: 'A', States: { A: { Type: 'Teleport', End: true } } };
    const badPath = { StartAt: 'A', States: { A: { Type: 'Pass', InputPath: 'not a path', End: true } } };
    const badArn = { StartAt: 'A', States: { A: { Type: 'Task', Resource: 'not-an-arn', End: true } } };

    // THEN: no error carries over to the next call, and every kind of check still runs after the first
    expect(() => validateAsl(valid)).not.toThrow();
    expect(() => validateAsl(badSchema)).toThrow(/Invalid state machine definition/);
    expect(() => validateAsl(valid)).not.toThrow();
    expect(() => validateAsl(badPath)).toThrow(/InputPath/);
    expect(() => validateAsl(valid)).not.toThrow();
    expect(() => validateAsl(badArn)).toThrow(/Resource/);
    expect(() => validateAsl(valid)).not.toThrow();
  });

  test('rejects an unterminated JSONata expression', () => {
    const definition = { QueryLanguage: 'JSONata', StartAt: 'A', States: { A: { Type: 'Pass', Output: { x: '{% 1 + 1' }, End: true } } };
    expect(() => validateAsl(definition)).toThrow(/\$\.States\.A\.Output\.x: unterminated JSONata expression/);
  });

  test('expectValidAsl checks every state machine of a stack', () => {
    // GIVEN
    const stack = newTestStack();
    new sfn.StateMachine(stack, 'Good', { definitionBody: sfn.DefinitionBody.fromChainable(new sfn.Pass(stack, 'A')) });
    new sfn.StateMachine(stack, 'Bad', {
      definitionBody: sfn.DefinitionBody.fromString(JSON.stringify({ StartAt: 'X', States: { X: { Type: 'Pass', Next: 'Nowhere' } } })),
    });

    // THEN
    expect(() => expectValidAsl(stack)).toThrow(/^Bad[0-9A-F]+: Invalid state machine definition[\s\S]*Nowhere/);
  });
});

describe('findJsonataExpressions', () => {
  test('lists every {% %} string with its path', () => {
    expect(findJsonataExpressions({ 'a': ['{% 1 %}', 'plain'], 'b-c': { d: ' {% $x %} ' } })).toEqual([
      { path: '$.a[0]', expression: ' 1 ' },
      { path: '$["b-c"].d', expression: ' $x ' },
    ]);
  });
});
