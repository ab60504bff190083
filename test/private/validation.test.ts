import { App, Duration, Size, Stack, Token } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import {
  CdkSfnJobsError,
  checkCount,
  checkDurationRange,
  checkHeartbeat,
  checkIntegerRange,
  checkLength,
  checkPattern,
  checkProps,
  checkSizeRange,
  checkUnique,
  describeValue,
  integrationResourceArn,
  isDynamic,
  propName,
  validatePattern,
} from '../../src/private';

const scope = () => new Stack(new App(), 'Stack').node.root.node.children[0] as Stack;

describe('validation helpers', () => {
  test('messages name the path, the prop, the rule and the value', () => {
    const s = scope();
    expect(() => checkIntegerRange(s, 'instanceCount', 0, 1, 100)).toThrow(
      new CdkSfnJobsError('Stack: instanceCount must be an integer between 1 and 100; got 0'),
    );
    expect(() => checkIntegerRange(s, 'instanceCount', 1.5, 1, 100)).toThrow(/instanceCount must be an integer/);
    expect(() => checkDurationRange(s, 'maxRuntime', Duration.days(6), Duration.seconds(1), Duration.days(5))).toThrow(
      /Stack: maxRuntime must be between 1 second and 5 days; got 6 days/,
    );
    expect(() => checkSizeRange(s, 'volumeSize', Size.gibibytes(20000), 1, 16384)).toThrow(
      /volumeSize must be a whole number of GiB between 1 and 16384; got "20000 GiB"/,
    );
    expect(() => checkPattern(s, 'jobName', 'bad_name', /^[a-z-]+$/, 'letters and dashes')).toThrow(
      /jobName must be letters and dashes; got "bad_name"/,
    );
    expect(() => checkLength(s, 'jobName', 'x'.repeat(64), 1, 63)).toThrow(/jobName must be between 1 and 63 characters long/);
    expect(() => checkCount(s, 'processingInputs', new Array(11).fill(0), 0, 10)).toThrow(
      /processingInputs must be a list of 0 to 10 items; got "11 items"/,
    );
    expect(() => checkUnique(s, 'processingInputs\\[\\].inputName', ['a', 'b', 'a'])).toThrow(/must be unique; got "a"/);
  });

  test('valid values pass', () => {
    const s = scope();
    expect(() => {
      checkIntegerRange(s, 'n', 5, 1, 10);
      checkDurationRange(s, 'd', Duration.hours(1), Duration.seconds(1), Duration.days(5));
      checkSizeRange(s, 'v', Size.gibibytes(30), 1, 16384);
      checkPattern(s, 'p', 'ok-name', /^[a-z-]+$/, 'x');
      checkCount(s, 'c', [1], 0, 10);
      checkUnique(s, 'u', ['a', 'b']);
    }).not.toThrow();
  });

  test('tokens, JSONPath and JSONata skip static checks', () => {
    const s = scope();
    expect(isDynamic(sfn.JsonPath.stringAt('$.x'))).toBe(true);
    expect(isDynamic('{% $states.input.x %}')).toBe(true);
    expect(isDynamic('plain')).toBe(false);
    expect(() => {
      checkIntegerRange(s, 'n', Token.asNumber({ Ref: 'P' }), 1, 10);
      checkPattern(s, 'p', sfn.JsonPath.stringAt('$.name'), /^[a-z]+$/, 'x');
      checkLength(s, 'l', '{% $states.input.name %}', 1, 3);
      checkDurationRange(s, 'd', Duration.seconds(Token.asNumber({ Ref: 'P' })), Duration.seconds(1), Duration.days(1));
    }).not.toThrow();
  });

  test('integration ARNs and pattern checks', () => {
    const s = scope();
    expect(s.resolve(integrationResourceArn('sagemaker', 'createProcessingJob', sfn.IntegrationPattern.RUN_JOB))).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':states:::sagemaker:createProcessingJob.sync']],
    });
    expect(s.resolve(integrationResourceArn('ecs', 'runTask', sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN))['Fn::Join'][1][2]).toEqual(
      ':states:::ecs:runTask.waitForTaskToken',
    );
    expect(() =>
      validatePattern(s, sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN, [sfn.IntegrationPattern.RUN_JOB, sfn.IntegrationPattern.REQUEST_RESPONSE]),
    ).toThrow(/Stack: integrationPattern must be one of RUN_JOB, REQUEST_RESPONSE; got "WAIT_FOR_TASK_TOKEN"/);
  });
});

describe('checkProps: the kinds of props, for callers without type checks', () => {
  const spec = {
    'name': 'string',
    'count': 'number?',
    'wait': 'duration?',
    'values': '{string}?',
    'items': 'instance[]?',
    'items[].location': 'string',
    'nested': 'object?',
    'nested.flag': 'boolean',
  };

  test('compliant: literals, tokens and JsonPath values of the right kind pass', () => {
    // GIVEN
    const s = scope();
    // WHEN / THEN
    expect(() => checkProps(s, 'Job', {
      name: sfn.JsonPath.stringAt('$.name'),
      count: Token.asNumber({ Ref: 'N' }),
      wait: Duration.minutes(1),
      values: { a: 'x', b: '{% $states.input.b %}' },
      items: [{ location: 'here' }],
      nested: { flag: true },
      comment: 'free text, even {% not JSONata %}',
    }, spec)).not.toThrow();
  });

  test.each([
    ['props undefined', undefined, /Stack\/Job: props must be given \(required: name\); got undefined/],
    ['props a string', 'name', /Stack\/Job: props must be an object \(required: name\); got "name"/],
    ['a required prop missing', {}, /Stack\/Job: name must be given \(required\); got undefined/],
    ['a number for a string', { name: 3 }, /Stack\/Job: name must be a string; got 3/],
    ['a number for a Duration', { name: 'n', wait: 60 }, /wait must be a Duration \(Duration.seconds\(…\), Duration.minutes\(…\), …\); got 60/],
    ['a map value of the wrong kind', { name: 'n', values: { a: 1 } }, /values.a must be a string; got 1/],
    ['a list item prop missing', { name: 'n', items: [{ location: 'a' }, {}] }, /items\[1\].location must be given \(required\)/],
    ['a nested required prop missing', { name: 'n', nested: {} }, /nested.flag must be given \(required\)/],
    ['an unclosed JSONata expression', { name: '{% $x' }, /name must be a complete JSONata expression, closed with %}; got "{% \$x"/],
    ['a JSONata syntax error inside a string', { name: 's3://b/{% $states.input. %}' }, /name must be a valid JSONata expression \(.*\); got "s3:\/\/b\/{% \$states.input. %}"/],
    ['a JSONata syntax error deep in an object', { name: 'n', extra: { a: [{ b: '{% 1 + %}' }] } }, /extra.a\[0\].b must be a valid JSONata expression \(Unexpected end of expression/],
  ])('non-compliant: %s', (_name, props, message) => {
    // GIVEN
    const s = scope();
    // WHEN / THEN
    expect(() => checkProps(s, 'Job', props as any, spec)).toThrow(message);
  });
});

describe('describeValue: what a message says was given', () => {
  test('a class or function passed instead of a value is named, not printed as source text', () => {
    class JobDetectionLike {}
    function makeDetection() { return {}; }
    expect(describeValue(JobDetectionLike)).toBe('the class JobDetectionLike');
    expect(describeValue(makeDetection)).toBe('the function makeDetection');
    expect(describeValue(() => 1)).toBe('an anonymous function');
  });

  test('values as JSON, long ones cut', () => {
    expect(describeValue('x')).toBe('"x"');
    expect(describeValue({ a: 1 })).toBe('{"a":1}');
    expect(describeValue('y'.repeat(100))).toBe(`"${'y'.repeat(77)}..."`);
  });
});

describe('propName: Python users read Python names', () => {
  afterEach(() => { delete process.env.JSII_AGENT; });

  test('snake_case under JSII_AGENT=Python/…, quoted keys untouched', () => {
    // GIVEN the jsii Python runtime's environment
    process.env.JSII_AGENT = 'Python/3.12.3';
    // WHEN / THEN
    expect(propName('instanceCount')).toBe('instance_count');
    expect(propName('sdkCheck.status.statusField')).toBe('sdk_check.status.status_field');
    expect(propName('processingInputs[0].inputName')).toBe('processing_inputs[0].input_name');
    expect(propName('tags key "myKey"')).toBe('tags key "myKey"');
    expect(() => checkIntegerRange(scope(), 'instanceCount', 0, 1, 100)).toThrow(/Stack: instance_count must be an integer/);
  });

  test('camelCase otherwise', () => {
    // GIVEN
    delete process.env.JSII_AGENT;
    // WHEN / THEN
    expect(propName('instanceCount')).toBe('instanceCount');
  });
});

describe('checkHeartbeat: HeartbeatSeconds must be smaller than TimeoutSeconds', () => {
  test.each([
    [{ heartbeatTimeout: sfn.Timeout.duration(Duration.minutes(5)), taskTimeout: sfn.Timeout.duration(Duration.hours(1)) }, undefined],
    [{ heartbeat: Duration.minutes(5), timeout: Duration.hours(1) }, undefined],
    [{ heartbeatTimeout: sfn.Timeout.at('$.hb'), taskTimeout: sfn.Timeout.duration(Duration.hours(1)) }, undefined],
    [{ heartbeatTimeout: sfn.Timeout.duration(Duration.hours(1)) }, undefined],
    [{ heartbeatTimeout: sfn.Timeout.duration(Duration.hours(1)), taskTimeout: sfn.Timeout.duration(Duration.hours(1)) },
      /Stack: heartbeatTimeout must be shorter than taskTimeout \(3600 seconds\): HeartbeatSeconds must be smaller than TimeoutSeconds; got "3600 seconds"/],
    [{ heartbeat: Duration.hours(2), taskTimeout: sfn.Timeout.duration(Duration.hours(1)) }, /heartbeat must be shorter than taskTimeout/],
  ])('%j', (props, message) => {
    // GIVEN
    const s = scope();
    // WHEN
    const check = () => checkHeartbeat(s, props as any);
    // THEN
    if (message) expect(check).toThrow(message);
    else expect(check).not.toThrow();
  });
});
