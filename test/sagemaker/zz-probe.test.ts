import { aws_stepfunctions as sfn, aws_stepfunctions_tasks as tasks } from 'aws-cdk-lib';
import { HyperParameterRange, SageMakerCreateHyperParameterTuningJob, SageMakerCreateProcessingJob, SageMakerCreateLabelingJob } from '../../src';
import { renderChainable } from '../support';
import { tuningProps, labelingProps, dataBucket } from './fixtures-jobs';
import { helloWorldProps } from './fixtures';
const t = (f: () => void) => { try { f(); } catch (e) { console.log((e as Error).message); } };
test('probe', () => {
  for (const ql of [sfn.QueryLanguage.JSON_PATH, sfn.QueryLanguage.JSONATA]) {
  t(() => { const r1 = renderChainable((s) => new SageMakerCreateHyperParameterTuningJob(s, 'T', tuningProps(s, { parameterRanges: [HyperParameterRange.integer('d', sfn.JsonPath.numberAt('$.lo'), 10)] })), {queryLanguage: ql});
  console.log(JSON.stringify(r1.definition.States.T.Parameters?.HyperParameterTuningJobConfig.ParameterRanges ?? r1.definition.States.T.Arguments.HyperParameterTuningJobConfig.ParameterRanges)); });
  t(() => renderChainable((s) => new SageMakerCreateProcessingJob(s, 'P', helloWorldProps({ environment: { [sfn.JsonPath.stringAt('$.k')]: 'v' } })), {queryLanguage: ql}));
  t(() => { const r3 = renderChainable((s) => new SageMakerCreateProcessingJob(s, 'P', helloWorldProps({ environment: { a: sfn.JsonPath.stringAt('$.m'), b: '{% $states.input.x %}', c: sfn.JsonPath.format('x-{}', sfn.JsonPath.stringAt('$$.Execution.Name')) } })), {queryLanguage: ql});
  console.log(JSON.stringify(r3.definition.States.P)); });
  t(() => { const r4 = renderChainable((s) => new SageMakerCreateLabelingJob(s, 'L', labelingProps(s, { outputLocation: tasks.S3Location.fromBucket(dataBucket(s), '{% $states.input.prefix %}') })), {queryLanguage: ql});
  console.log(JSON.stringify(r4.definition.States.L.Arguments.OutputConfig)); });
  }
});
