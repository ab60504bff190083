/**
 * Values that only break at run time: each either renders so that Step Functions evaluates it, or is refused at
 * synth; and no expression ever reaches an IAM ARN (both query languages, dynamic names and S3 keys).
 */
import { Stack, aws_stepfunctions as sfn, aws_stepfunctions_tasks as tasks } from 'aws-cdk-lib';
import { helloWorldProps } from './fixtures';
import { dataBucket, labelingProps, tuningProps } from './fixtures-jobs';
import { arnsOf, renderTask } from './helpers';
import {
  HyperParameterRange,
  SageMakerCreateHyperParameterTuningJob,
  SageMakerCreateLabelingJob,
  SageMakerCreateProcessingJob,
} from '../../src';
import { expectNoExpressionInIamArns, expressionsInIamArns, newTestStack, renderChainable, statementsForRole } from '../support';

const JSONATA = sfn.QueryLanguage.JSONATA;

describe('hyperparameter range bounds given as JsonPath numbers', () => {
  test('JSONPath: evaluated into the string the API takes (States.Format), never sent as the path text', () => {
    // WHEN
    const { state } = renderTask((s) => new SageMakerCreateHyperParameterTuningJob(s, 'Tune', tuningProps(s, {
      parameterRanges: [HyperParameterRange.integer('depth', sfn.JsonPath.numberAt('$.lo'), 10)],
    })));
    // THEN
    expect(state.Parameters.HyperParameterTuningJobConfig.ParameterRanges).toEqual({
      IntegerParameterRanges: [{ 'Name': 'depth', 'MinValue.$': "States.Format('{}', $.lo)", 'MaxValue': '10' }],
    });
  });

  test('JSONata: a JSONata expression', () => {
    // WHEN
    const { state } = renderTask((s) => new SageMakerCreateHyperParameterTuningJob(s, 'Tune', tuningProps(s, {
      parameterRanges: [HyperParameterRange.continuous('eta', 0.01, sfn.JsonPath.numberAt('$.hi'))],
    })), { queryLanguage: JSONATA });
    // THEN
    expect(state.Arguments.HyperParameterTuningJobConfig.ParameterRanges).toEqual({
      ContinuousParameterRanges: [{ Name: 'eta', MinValue: '0.01', MaxValue: '{% $string($states.input.hi) %}' }],
    });
  });
});

describe('environment', () => {
  test.each([undefined, JSONATA])('a JsonPath key is refused (%s)', (queryLanguage) => {
    expect(() => renderTask((s) => new SageMakerCreateProcessingJob(s, 'Job', helloWorldProps({ environment: { [sfn.JsonPath.stringAt('$.k')]: 'v' } })), { queryLanguage }))
      .toThrow(/TestStack\/Job: Environment.\$.k \(key\) must be a literal key \(keys are not evaluated\); got "\$.k"/);
  });

  test('JSONata: JsonPath values are converted (via .jsonata() or a JSONata state machine)', () => {
    const environment = { A: sfn.JsonPath.stringAt('$.m'), B: sfn.JsonPath.format('x-{}', sfn.JsonPath.executionName) };
    const viaTask = renderTask((s) => SageMakerCreateProcessingJob.jsonata(s, 'Job', helloWorldProps({ environment })));
    const viaMachine = renderTask((s) => new SageMakerCreateProcessingJob(s, 'Job', helloWorldProps({ environment })), { queryLanguage: JSONATA });
    for (const { state } of [viaTask, viaMachine]) {
      expect(state.Arguments.Environment).toEqual({ A: '{% $states.input.m %}', B: "{% 'x-' & $string($states.context.Execution.Name) %}" });
    }
  });

  test('JSONPath: a JSONata expression is refused, whole or inside a larger string', () => {
    expect(() => renderTask((s) => new SageMakerCreateProcessingJob(s, 'Job', helloWorldProps({ environment: { A: '{% $states.input.m %}' } }))))
      .toThrow(/TestStack\/Job: Environment.A must be a literal or a JsonPath value in a JSONPath state/);
    expect(() => renderTask((s) => new SageMakerCreateProcessingJob(s, 'Job', helloWorldProps({ containerArguments: ['--day={% $states.input.day %}'] }))))
      .toThrow(/AppSpecification.ContainerArguments\[0\] must be a literal or a JsonPath value in a JSONPath state/);
  });

  test('JSONata: an expression inside a larger string becomes a concatenation', () => {
    const { state } = renderTask((s) => new SageMakerCreateProcessingJob(s, 'Job', helloWorldProps({ containerArguments: ['--day={% $states.input.day %}'] })), { queryLanguage: JSONATA });
    expect(state.Arguments.AppSpecification.ContainerArguments).toEqual(["{% '--day=' & ($states.input.day) %}"]);
  });
});

describe('S3 locations with an expression in the key', () => {
  test('JSONata: the URI is one evaluated expression, and IAM is scoped to the literal prefix before it', () => {
    // WHEN
    const { state, stack, task } = renderTask((s) => SageMakerCreateLabelingJob.jsonata(s, 'Label', labelingProps(s, {
      outputLocation: tasks.S3Location.fromBucket(dataBucket(s), 'labels/{% $states.input.prefix %}'),
    })));
    // THEN
    expect(state.Arguments.OutputConfig).toEqual({ S3OutputPath: "{% 's3://ml-data/labels/' & ($states.input.prefix) %}" });
    const jobRole = arnsOf(stack, statementsForRole(stack, task.role));
    expect(jobRole).toEqual(expect.arrayContaining([
      { Action: ['s3:AbortMultipartUpload', 's3:GetObject', 's3:PutObject'], Resource: 'arn:aws:s3:::ml-data/labels/*' },
    ]));
    expectNoExpressionInIamArns(stack);
  });

  test('JSONPath: a JSONata key is refused', () => {
    expect(() => renderTask((s) => new SageMakerCreateLabelingJob(s, 'Label', labelingProps(s, {
      outputLocation: tasks.S3Location.fromBucket(dataBucket(s), '{% $states.input.prefix %}'),
    })))).toThrow(/TestStack\/Label: OutputConfig.S3OutputPath must be a literal or a JsonPath value in a JSONPath state/);
  });

  test('a JsonPath key: JSONPath refuses the concatenation, JSONata converts it; IAM on the literal prefix in both', () => {
    const location = (s: Stack) => tasks.S3Location.fromBucket(dataBucket(s), `raw/${sfn.JsonPath.stringAt('$.day')}`);
    expect(() => renderTask((s) => new SageMakerCreateProcessingJob(s, 'Job', helloWorldProps({ processingInputs: [{ inputName: 'raw', source: location(s) }] }))))
      .toThrow(/ProcessingInputs\[0\].S3Input.S3Uri must be a JsonPath value as the whole string in a JSONPath state/);
    const { state, stack, task } = renderTask((s) => new SageMakerCreateProcessingJob(s, 'Job', helloWorldProps({ processingInputs: [{ inputName: 'raw', source: location(s) }] })), { queryLanguage: JSONATA });
    expect(state.Arguments.ProcessingInputs[0].S3Input.S3Uri).toEqual("{% 's3://ml-data/raw/' & $states.input.day %}");
    expect(arnsOf(stack, statementsForRole(stack, task.role))).toEqual(expect.arrayContaining([
      { Action: ['s3:GetObject'], Resource: 'arn:aws:s3:::ml-data/raw/*' },
    ]));
    expectNoExpressionInIamArns(stack);
  });
});

describe('no expression in any IAM ARN: every construct with dynamic names and S3 keys, both languages', () => {
  const dynamicKey = (s: Stack, lang: sfn.QueryLanguage | undefined, key: string) => tasks.S3Location.fromBucket(dataBucket(s),
    lang === JSONATA ? `${key}{% $states.input.run %}/` : key);
  test.each([
    ['JSONPath', undefined, sfn.JsonPath.format('Run-{}', sfn.JsonPath.stringAt('$.id'))],
    ['JSONata', JSONATA, "{% 'Run-' & $states.input.id %}"],
  ])('%s', (_case, queryLanguage, name) => {
    // WHEN
    const { stack } = renderChainable((s) => {
      const scope = s as Stack;
      const processing = new SageMakerCreateProcessingJob(scope, 'Process', helloWorldProps({
        processingJobName: name,
        processingInputs: [{ inputName: 'raw', source: dynamicKey(scope, queryLanguage, 'raw/') }],
        processingOutputs: [{ outputName: 'out', destination: dynamicKey(scope, queryLanguage, 'out/') }],
      }));
      const tuning = new SageMakerCreateHyperParameterTuningJob(scope, 'Tune', tuningProps(scope, {
        hyperParameterTuningJobName: name,
        outputDataConfig: { s3OutputLocation: dynamicKey(scope, queryLanguage, 'models/') },
      }));
      const labeling = new SageMakerCreateLabelingJob(scope, 'Label', labelingProps(scope, {
        labelingJobName: name,
        outputLocation: dynamicKey(scope, queryLanguage, 'labels/'),
      }));
      return processing.next(tuning).next(labeling);
    }, { queryLanguage });
    // THEN
    expect(expressionsInIamArns(stack)).toEqual([]);
    const machine = JSON.stringify(statementsForRole(stack));
    expect(machine).toContain(':processing-job/Run-*');
    expect(machine).toContain(':processing-job/run-*');
  });
});

describe('missing required props (plain JavaScript / Python callers)', () => {
  test.each([
    ['SageMakerCreateProcessingJob', (s: Stack) => new SageMakerCreateProcessingJob(s, 'Job', {} as any), /TestStack\/Job: image must be given \(required\); got undefined/],
    ['SageMakerCreateHyperParameterTuningJob', (s: Stack) => new SageMakerCreateHyperParameterTuningJob(s, 'Job', { ...tuningProps(s), objective: undefined } as any), /TestStack\/Job: objective must be given \(required\)/],
    ['SageMakerCreateHyperParameterTuningJob (nested)', (s: Stack) => new SageMakerCreateHyperParameterTuningJob(s, 'Job', { ...tuningProps(s), outputDataConfig: {} } as any), /TestStack\/Job: outputDataConfig.s3OutputLocation must be given \(required\)/],
    ['SageMakerCreateLabelingJob', (s: Stack) => new SageMakerCreateLabelingJob(s, 'Job', { ...labelingProps(s), taskUi: undefined } as any), /TestStack\/Job: taskUi must be given \(required\)/],
    ['no props', (s: Stack) => new SageMakerCreateProcessingJob(s, 'Job', undefined as any), /TestStack\/Job: props must be given \(required: image\); got undefined/],
  ])('%s', (_case, make, message) => {
    expect(() => make(newTestStack())).toThrow(message);
  });
});
