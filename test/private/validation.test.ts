import { App, Duration, Size, Stack, Token } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import {
  CdkSfnJobsError,
  checkCount,
  checkDurationRange,
  checkIntegerRange,
  checkLength,
  checkPattern,
  checkSizeRange,
  checkUnique,
  integrationResourceArn,
  isDynamic,
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
