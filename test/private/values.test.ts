import { Stack, aws_s3 as s3, aws_stepfunctions as sfn } from 'aws-cdk-lib';
import { numberAsString, renderForQueryLanguage } from '../../src/private/values';
import { newTestStack } from '../support';

const JSONPATH = sfn.QueryLanguage.JSON_PATH;
const JSONATA = sfn.QueryLanguage.JSONATA;

function render(value: unknown, lang: sfn.QueryLanguage, stack: Stack = newTestStack()) {
  return stack.resolve(renderForQueryLanguage(stack, 'field', value, lang));
}

describe('renderForQueryLanguage in a JSONPath state', () => {
  test('literals, JsonPath values and CloudFormation tokens are kept', () => {
    // GIVEN
    const stack = newTestStack();
    const bucket = new s3.Bucket(stack, 'B');
    // WHEN
    const out = renderForQueryLanguage(stack, 'field', { a: 'x', n: 3, p: sfn.JsonPath.stringAt('$.p'), b: bucket.bucketName }, JSONPATH);
    // THEN
    expect(stack.resolve(sfn.FieldUtils.renderObject(out))).toEqual({ 'a': 'x', 'n': 3, 'p.$': '$.p', 'b': { Ref: 'B08E7C7AF' } });
  });

  test.each([
    ['a whole JSONata expression', '{% $states.input.x %}'],
    ['an expression inside a larger string', 's3://bucket/{% $states.input.prefix %}'],
  ])('%s is refused', (_case, value) => {
    expect(() => render({ deep: [value] }, JSONPATH)).toThrow(/TestStack: field.deep\[0\] must be a literal or a JsonPath value in a JSONPath state .*; got "/);
  });

  test('a JsonPath value inside a larger string is refused', () => {
    expect(() => render(`s3://bucket/${sfn.JsonPath.stringAt('$.key')}`, JSONPATH))
      .toThrow(/field must be a JsonPath value as the whole string in a JSONPath state .*JsonPath.format.*; got "s3:\/\/bucket\/\$.key"/);
  });
});

describe('renderForQueryLanguage in a JSONata state', () => {
  test.each([
    ['$.a.b[0]', '{% $states.input.a.b[0] %}'],
    ['$', '{% $states.input %}'],
    ['$$.Execution.Id', '{% $states.context.Execution.Id %}'],
    ['$myVar.x', '{% $myVar.x %}'],
  ])('the plain reference %s is converted', (path, expected) => {
    expect(render(sfn.JsonPath.stringAt(path), JSONATA)).toEqual(expected);
  });

  test('JsonPath numbers and lists are converted, not sent as text', () => {
    expect(render({ n: sfn.JsonPath.numberAt('$.n'), l: sfn.JsonPath.listAt('$.l') }, JSONATA))
      .toEqual({ n: '{% $states.input.n %}', l: '{% $states.input.l %}' });
  });

  test('States.Format and States.JsonToString of plain references are converted', () => {
    expect(render(sfn.JsonPath.format('job-{}-{}', sfn.JsonPath.stringAt('$.id'), sfn.JsonPath.executionName), JSONATA))
      .toEqual("{% 'job-' & $string($states.input.id) & '-' & $string($states.context.Execution.Name) %}");
    expect(render(sfn.JsonPath.jsonToString(sfn.JsonPath.objectAt('$.o')), JSONATA)).toEqual('{% $string($states.input.o) %}');
  });

  test('an expression or a JsonPath value inside a larger string becomes one concatenation', () => {
    expect(render('s3://bucket/{% $states.input.prefix %}/out', JSONATA)).toEqual("{% 's3://bucket/' & ($states.input.prefix) & '/out' %}");
    expect(render(`s3://bucket/${sfn.JsonPath.stringAt('$.key')}`, JSONATA)).toEqual("{% 's3://bucket/' & $states.input.key %}");
  });

  test('a whole expression and CloudFormation tokens are kept', () => {
    // GIVEN
    const stack = newTestStack();
    const bucket = new s3.Bucket(stack, 'B');
    // THEN
    expect(render({ e: '{% $x %}', b: bucket.bucketName }, JSONATA, stack)).toEqual({ e: '{% $x %}', b: { Ref: 'B08E7C7AF' } });
  });

  test('other JsonPath values are refused', () => {
    expect(() => render(sfn.JsonPath.stringAt('$.items[?(@.a)]'), JSONATA))
      .toThrow(/field must be a literal, a JSONata expression or a plain JsonPath reference .* in a JSONata state; got "\$.items\[\?\(@.a\)\]"/);
    expect(() => render(sfn.JsonPath.arrayLength(sfn.JsonPath.listAt('$.l')), JSONATA)).toThrow(/field must be a literal, a JSONata expression/);
  });

  test('a JSONPath ".$" field is refused', () => {
    expect(() => render({ 'x.$': '$.a' }, JSONATA)).toThrow(/field.x.\$ must be a field without the JSONPath ".\$" suffix in a JSONata state/);
  });
});

describe('keys', () => {
  test.each([JSONPATH, JSONATA])('a JsonPath or JSONata key is refused (%s)', (lang) => {
    expect(() => render({ env: { [sfn.JsonPath.stringAt('$.k')]: 'v' } }, lang)).toThrow(/field.env.\$.k \(key\) must be a literal key \(keys are not evaluated\); got "\$.k"/);
    expect(() => render({ env: { '{% $k %}': 'v' } }, lang)).toThrow(/\(key\) must be a literal key/);
  });
});

describe('numberAsString', () => {
  test('literal, JsonPath and CloudFormation numbers', () => {
    const stack = newTestStack();
    expect(numberAsString(3)).toEqual('3');
    expect(sfn.FieldUtils.renderObject({ v: numberAsString(sfn.JsonPath.numberAt('$.lo')) })).toEqual({ 'v.$': "States.Format('{}', $.lo)" });
    expect(render(numberAsString(sfn.JsonPath.numberAt('$.lo')), JSONATA, stack)).toEqual('{% $string($states.input.lo) %}');
  });
});
