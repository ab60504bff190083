import { App, Stack, StackProps } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';

/**
 * The example pipeline: what a team running long jobs from Step Functions builds with this library.
 * It grows as constructs land; every task here is simulated by `simulatedServices` in main.ts.
 */
export class ExamplePipelineStack extends Stack {
  public readonly stateMachine: sfn.StateMachine;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const prepare = new sfn.Pass(this, 'Prepare', {
      parameters: { 'datasets.$': '$.datasets', 'requestedBy.$': '$.requestedBy' },
    });

    const checkDataset = new tasks.CallAwsService(this, 'CheckDataset', {
      service: 's3',
      action: 'headObject',
      parameters: { 'Bucket': 'example-raw-data', 'Key.$': '$.key' },
      iamResources: ['arn:aws:s3:::example-raw-data/*'],
      iamAction: 's3:GetObject',
      resultSelector: { 'bytes.$': '$.ContentLength' },
      resultPath: '$.size',
    }).addRetry({ errors: ['S3.SdkClientException'], maxAttempts: 3 });

    const checkAll = new sfn.Map(this, 'CheckEachDataset', {
      itemsPath: '$.datasets',
      resultPath: '$.checked',
      maxConcurrency: 4,
    }).itemProcessor(checkDataset);

    const failed = new sfn.Fail(this, 'PipelineFailed', { error: 'Pipeline.Failed', causePath: '$.error.Cause' });

    const work = new sfn.Parallel(this, 'RunJobs', { resultPath: '$.jobs' })
      .branch(new sfn.Pass(this, 'NoJobYet', { result: sfn.Result.fromObject({ status: 'skipped' }) }))
      .addCatch(failed, { resultPath: '$.error' });

    this.stateMachine = new sfn.StateMachine(this, 'Pipeline', {
      stateMachineName: 'cdk-sfn-jobs-example',
      definitionBody: sfn.DefinitionBody.fromChainable(
        prepare.next(checkAll).next(work).next(new sfn.Succeed(this, 'Done')),
      ),
    });
  }
}

/** The example app: one stack, synthesized to `outdir`. */
export function buildExampleApp(outdir: string): { app: App; stack: ExamplePipelineStack } {
  const app = new App({ outdir });
  const stack = new ExamplePipelineStack(app, 'CdkSfnJobsExample', {
    env: { account: '123456789012', region: 'us-east-1' },
  });
  return { app, stack };
}
