/**
 * The README's TypeScript examples (the same code as test/python/examples/sagemaker_processing.py and
 * nested_parallel.py): they synthesize, produce valid ASL, and the nested workflow runs offline.
 */
import { App, Duration, Size, Stack, aws_ec2 as ec2, aws_s3 as s3, aws_stepfunctions as sfn, aws_stepfunctions_tasks as tasks } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { SageMakerCreateProcessingJob } from '../../src';
import { TEST_ENV, expectValidAsl, renderStateMachine, runWorkflow, taskError } from '../support';

// --- README: hello world (quick start) ----------------------------------------------------------------------
class HelloWorldProcessingStack extends Stack {
  constructor(scope: Construct, id: string) {
    super(scope, id, { env: TEST_ENV });

    const helloWorld = new SageMakerCreateProcessingJob(this, 'HelloWorld', {
      image: tasks.DockerImage.fromRegistry('000000000000.dkr.ecr.ap-northeast-1.amazonaws.com/hello-world'),
      instanceType: new ec2.InstanceType('t3.medium'),
      volumeSize: Size.gibibytes(1),
      maxRuntime: Duration.minutes(10),
    });

    new sfn.StateMachine(this, 'Sandbox', {
      definitionBody: sfn.DefinitionBody.fromChainable(helloWorld),
    });
  }
}

// --- README: outputs and status with resultSelector -----------------------------------------------------------
class FeaturesStack extends Stack {
  constructor(scope: Construct, id: string) {
    super(scope, id, { env: TEST_ENV });

    const data = new s3.Bucket(this, 'Data', { enforceSSL: true });

    const preprocess = SageMakerCreateProcessingJob.jsonPath(this, 'Preprocess', {
      image: tasks.DockerImage.fromRegistry('123456789012.dkr.ecr.us-east-1.amazonaws.com/preprocess:v1'),
      processingInputs: [{ inputName: 'raw', source: tasks.S3Location.fromBucket(data, 'raw/') }],
      processingOutputs: [
        { outputName: 'train', destination: tasks.S3Location.fromBucket(data, 'features/train/') },
        { outputName: 'test', destination: tasks.S3Location.fromBucket(data, 'features/test/') },
      ],
      containerArguments: ['--split', '0.8'],
      // .sync returns DescribeProcessingJob: keep the output URIs and the status
      resultSelector: {
        'outputs.$': '$.ProcessingOutputConfig.Outputs[*].S3Output.S3Uri',
        'status.$': '$.ProcessingJobStatus',
      },
      resultPath: '$.preprocess',
    });

    new sfn.StateMachine(this, 'Features', {
      definitionBody: sfn.DefinitionBody.fromChainable(preprocess),
    });
  }
}

// --- README: a nested workflow -----------------------------------------------------------------------------
class NestedWorkflowStack extends Stack {
  public readonly sub: sfn.StateMachine;
  public readonly main: sfn.StateMachine;

  constructor(scope: Construct, id: string) {
    super(scope, id, { env: TEST_ENV });

    const data = new s3.Bucket(this, 'Data', { enforceSSL: true });

    const process = SageMakerCreateProcessingJob.jsonPath(this, 'Process', {
      image: tasks.DockerImage.fromRegistry('123456789012.dkr.ecr.us-east-1.amazonaws.com/process:v1'),
      processingInputs: [{ inputName: 'raw', source: tasks.S3Location.fromBucket(data, 'raw/') }],
      processingOutputs: [{ outputName: 'result', destination: tasks.S3Location.fromBucket(data, 'results/') }],
      // the job sees only its parameters...
      inputPath: '$.params',
      environment: { MESSAGE: sfn.JsonPath.stringAt('$.message') },
      resultSelector: {
        'status.$': '$.ProcessingJobStatus',
        'outputs.$': '$.ProcessingOutputConfig.Outputs[*].S3Output.S3Uri',
      },
      resultPath: '$.job',
      outputPath: '$.job',
    });
    const errorHandler = new sfn.Pass(this, 'Error Handler', {
      parameters: { 'parallel_no.$': '$.parallel_no', 'failure.$': 'States.StringToJson($.error.Cause)' },
    });
    process.addCatch(errorHandler, { errors: ['States.ALL'], resultPath: '$.error' });
    const report = new sfn.Pass(this, 'Report', { parameters: { 'status.$': '$.status' } });

    this.sub = new sfn.StateMachine(this, 'Sub StateMachine', {
      definitionBody: sfn.DefinitionBody.fromChainable(process.next(report)),
    });

    const first = new sfn.Pass(this, 'First Task', { result: sfn.Result.fromObject({ message: 'Hello world' }) });
    const parallel = new sfn.Parallel(this, 'Parallel Task');
    for (let i = 1; i <= 3; i++) {
      parallel.branch(new tasks.StepFunctionsStartExecution(this, `Sub Task ${i}`, {
        stateMachine: this.sub,
        integrationPattern: sfn.IntegrationPattern.RUN_JOB,
        input: sfn.TaskInput.fromObject({
          parallel_no: i,
          params: { message: sfn.JsonPath.stringAt('$.message') },
          context_name: sfn.JsonPath.stringAt('$$.State.Name'),
        }),
        outputPath: '$.Output',
      }));
    }
    this.main = new sfn.StateMachine(this, 'Main StateMachine', {
      definitionBody: sfn.DefinitionBody.fromChainable(first.next(parallel)),
    });
  }
}

test('hello world and the resultSelector example synthesize valid ASL', () => {
  const app = new App();
  for (const stack of [new HelloWorldProcessingStack(app, 'HelloWorldProcessing'), new FeaturesStack(app, 'Features')]) {
    expectValidAsl(stack);
  }
  const helloWorld = renderStateMachine(app.node.findChild('HelloWorldProcessing') as Stack);
  expect(helloWorld.States.HelloWorld.Parameters.ProcessingResources).toEqual({
    ClusterConfig: { InstanceCount: 1, InstanceType: 'ml.t3.medium', VolumeSizeInGB: 1 },
  });
  expect(helloWorld.States.HelloWorld.Parameters.StoppingCondition).toEqual({ MaxRuntimeInSeconds: 600 });
});

describe('nested workflow: a main state machine running the sub state machine three times in a Parallel', () => {
  const stack = new NestedWorkflowStack(new App(), 'NestedWorkflow');
  const sub = renderStateMachine(stack, stack.sub);
  const main = renderStateMachine(stack, stack.main);

  test('both definitions are valid ASL', () => {
    expectValidAsl(sub);
    expectValidAsl(main);
  });

  test('the sub state machine: InputPath narrows, ResultPath keeps, OutputPath passes on; a failed job is caught', async () => {
    const input = { parallel_no: 2, params: { message: 'Hello world' }, context_name: 'Sub Task 2' };
    // a completed job
    const ok = await runWorkflow(sub, input, {
      services: {
        Process: (request) => {
          // the job's Parameters were built from the narrowed input; nothing else reached it
          expect(request.ProcessingJobName).toMatch(/^Process-[0-9a-f-]{36}$/);
          expect(request.Environment).toEqual({ MESSAGE: 'Hello world' });
          return { ProcessingJobStatus: 'Completed', ProcessingOutputConfig: request.ProcessingOutputConfig };
        },
      },
    });
    expect(ok.status).toBe('SUCCEEDED');
    expect(ok.trace.find((t) => t.state === 'Process')?.output).toEqual({
      status: 'Completed',
      outputs: [expect.stringMatching(/^s3:\/\/.+\/results\/$/)],
    });
    expect(ok.output).toEqual({ status: 'Completed' });
    // a failed job
    const failed = await runWorkflow(sub, input, {
      services: { Process: () => { throw taskError('States.TaskFailed', { ProcessingJobStatus: 'Failed', FailureReason: 'exit 1' }); } },
    });
    expect(failed.status).toBe('SUCCEEDED');
    expect(failed.output).toEqual({ parallel_no: 2, failure: { ProcessingJobStatus: 'Failed', FailureReason: 'exit 1' } });
  });

  test('the main state machine starts three sub executions and collects their outputs', async () => {
    const result = await runWorkflow(main, {}, {
      skipOracle: 'aws-local-stepfunctions 3.0.0 does not fill $$.State (AWS gives each state its own name)',
      services: Object.fromEntries([1, 2, 3].map((i) => [`Sub Task ${i}`, (request: any) => ({
        Output: { status: request.Input.parallel_no % 2 === 0 ? 'Failed' : 'Completed', from: request.Input.context_name },
      })])),
    });
    expect([result.status, result.error, result.cause]).toEqual(['SUCCEEDED', undefined, undefined]);
    expect(result.output).toEqual([
      { status: 'Completed', from: 'Sub Task 1' },
      { status: 'Failed', from: 'Sub Task 2' },
      { status: 'Completed', from: 'Sub Task 3' },
    ]);
  });
});
