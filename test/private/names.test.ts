import { App, Aws, CfnParameter, Stack } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { escapeIamName, nameShape, readablePrefix, scopedNameArn, uniqueRuntimeName } from '../../src/private';
import { renderIntrinsics } from '../support';

function stack(): Stack {
  return new Stack(new App(), 'Stack', { env: { account: '123456789012', region: 'eu-west-1' } });
}

/** Resolve an ARN with the partition filled in, for readable assertions. */
function arnOf(s: Stack, arn: string): string {
  return renderIntrinsics(s.resolve(arn));
}

const SCOPE = { service: 'sagemaker', resource: 'processing-job', lowerCase: true };

describe('nameShape + scopedNameArn', () => {
  test('a literal name is scoped exactly, lower-cased for SageMaker', () => {
    // GIVEN
    const s = stack();
    // WHEN
    const arn = scopedNameArn(s, nameShape('Nightly-ETL'), SCOPE);
    // THEN
    expect(arnOf(s, arn)).toEqual('arn:aws:sagemaker:eu-west-1:123456789012:processing-job/nightly-etl');
  });

  test('a JSONPath States.Format name is scoped to its literal prefix', () => {
    const s = stack();
    const name = sfn.JsonPath.format('Train-{}', sfn.JsonPath.executionName);
    expect(nameShape(name)).toEqual({ prefix: 'Train-' });
    expect(arnOf(s, scopedNameArn(s, nameShape(name), SCOPE))).toEqual(
      'arn:aws:sagemaker:eu-west-1:123456789012:processing-job/train-*',
    );
  });

  test('a JSONata name never lands literally in the ARN: its literal prefix is used', () => {
    const s = stack();
    const name = "{% 'Job-' & $states.context.Execution.Name %}";
    const arn = arnOf(s, scopedNameArn(s, nameShape(name), SCOPE));
    expect(arn).toEqual('arn:aws:sagemaker:eu-west-1:123456789012:processing-job/job-*');
    expect(arn).not.toContain('{%');
  });

  test.each([
    ['JSONPath reference', () => sfn.JsonPath.stringAt('$.name')],
    ['JSONata expression', () => '{% $states.input.name %}'],
    ['JSONata with a leading variable', () => "{% $prefix & 'x' %}"],
  ])('a wholly dynamic name (%s) gets a wildcard on the name', (_label, make) => {
    const s = stack();
    expect(arnOf(s, scopedNameArn(s, nameShape(make()), SCOPE))).toEqual(
      'arn:aws:sagemaker:eu-west-1:123456789012:processing-job/*',
    );
  });

  test('a literal with a deploy-time token goes into the ARN as given, the token resolved at deploy time', () => {
    const s = stack();
    const name = `fixed-${Aws.ACCOUNT_ID}`;
    expect(nameShape(name)).toEqual({ deployTime: name, prefix: '' });
    expect(s.resolve(scopedNameArn(s, nameShape(name), SCOPE))).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sagemaker:eu-west-1:123456789012:processing-job/fixed-', { Ref: 'AWS::AccountId' }]],
    });
  });

  test('a service that keeps case keeps it', () => {
    const s = stack();
    const arn = scopedNameArn(s, nameShape('MyJob'), { service: 'batch', resource: 'job' });
    expect(arnOf(s, arn)).toEqual('arn:aws:batch:eu-west-1:123456789012:job/MyJob');
  });
});

describe('generated names', () => {
  test('readablePrefix keeps letters, digits and single dashes within the limit', () => {
    const s = stack();
    const scope = new sfn.Pass(s, '--My Processing_Job!! with a very long construct id');
    const prefix = readablePrefix(scope, 26, 'job');
    expect(prefix).toEqual('My-Processing-Job-with-a-v');
    expect(prefix).toMatch(/^[a-zA-Z0-9](-*[a-zA-Z0-9])*$/);
    expect(readablePrefix(new sfn.Pass(s, '___'), 26, 'job')).toEqual('job');
  });

  test('uniqueRuntimeName renders per query language', () => {
    const s = stack();
    expect(uniqueRuntimeName('etl', sfn.QueryLanguage.JSONATA)).toEqual("{% 'etl-' & $uuid() %}");
    const jsonPath = uniqueRuntimeName('etl', sfn.QueryLanguage.JSON_PATH);
    const rendered = s.resolve(new sfn.Pass(s, 'P', { parameters: { Name: jsonPath } }).toStateJson());
    expect(rendered.Parameters).toEqual({ 'Name.$': "States.Format('etl-{}', States.UUID())" });
    // and the scoping helper reads its prefix back
    expect(nameShape(jsonPath)).toEqual({ prefix: 'etl-' });
  });
});

describe('one rule for names (DESIGN.md §3)', () => {
  test.each([
    ["{% 'Sales-' & $states.input.suffix %}", { prefix: 'Sales-' }],
    ["{% 'a-' & 'b-' & $x & 'c' %}", { prefix: 'a-b-' }],
    ["{% ('p-' & $x) %}", { prefix: 'p-' }],
    ["{% 'Sales-' & $states.input.suffix ~> $lowercase() %}", { prefix: '' }],
    ["{% $x = 1 ? 'Sales-a' : 'b' %}", { prefix: '' }],
    ["{% 'Sales-' & $x = 'Sales-y' %}", { prefix: '' }],
    ["{% $lowercase('Sales-' & $x) %}", { prefix: '' }],
    ["{% 'fixed' %}", { exact: 'fixed', prefix: 'fixed' }],
    ['{% this is not jsonata ( %}', { prefix: '' }],
  ])('JSONata %s: read from the parsed expression', (name, shape) => {
    // WHEN / THEN
    expect(nameShape(name)).toEqual(shape);
  });

  test.each([
    ['sales*', 'sales${*}'],
    ['a?b', 'a${?}b'],
    ['cost$center', 'cost${$}center'],
  ])('a literal %j is escaped for IAM: %j', (name, resourceName) => {
    // GIVEN
    const s = stack();
    // WHEN
    const arn = arnOf(s, scopedNameArn(s, nameShape(name), { service: 'glue', resource: 'crawler' }));
    // THEN
    expect(arn).toEqual(`arn:aws:glue:eu-west-1:123456789012:crawler/${resourceName}`);
  });

  test('a deploy-time token goes in as the token; the literal text around it is escaped', () => {
    // GIVEN
    const s = stack();
    const name = `team*-${new CfnParameter(s, 'Suffix').valueAsString}`;
    // WHEN
    const arn = s.resolve(scopedNameArn(s, nameShape(name), { service: 'glue', resource: 'crawler' }));
    // THEN
    expect(arn).toEqual({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':glue:eu-west-1:123456789012:crawler/team${*}-', { Ref: 'Suffix' }]] });
    expect(escapeIamName(name)).toContain('${Token[');
  });

  test('a JSONPath intrinsic other than States.Format gives no prefix', () => {
    expect(nameShape(sfn.JsonPath.stringAt("States.ArrayGetItem(States.StringSplit($.a, '-'), 0)"))).toEqual({ prefix: '' });
  });
});
