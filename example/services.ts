/**
 * Simulated AWS services for the example workflow: a task handler of the offline executor (`testing`),
 * answering by Task state name. The Batch poller's check function is the real bundled handler
 * (lambda/batch-poller) answering against a simulated AWS Batch, its clock set to the executor's
 * virtual time; the other services answer as AWS would.
 */
import { BatchClient, DescribeJobsCommand, JobDetail, TerminateJobCommand } from '@aws-sdk/client-batch';
import { mockClient } from 'aws-sdk-client-mock';
import { handler as batchPoller } from '../lambda/batch-poller/index';
import { testing } from '../src';

/** The execution's virtual start time. */
export const START_TIME = '2026-11-23T08:00:00.000Z';
const T0 = Date.parse(START_TIME);

type Service = (request: any, invocation: testing.TaskInvocation) => unknown;

/** A Batch job that waits 2 minutes for capacity, runs 40 minutes, and succeeds. */
function jobAt(seconds: number): Partial<JobDetail> {
  if (seconds < 120) return { status: 'RUNNABLE' };
  const startedAt = T0 + 120_000;
  if (seconds < 42 * 60) return { status: 'RUNNING', startedAt, container: { logStreamName: 'train/default/7f3a' } };
  return { status: 'SUCCEEDED', startedAt, stoppedAt: T0 + 42 * 60_000, attempts: [{}], container: { exitCode: 0, logStreamName: 'train/default/7f3a' } };
}

export function simulatedServices(): testing.ITaskHandler {
  let now = T0;
  const batch = mockClient(BatchClient);
  batch.on(DescribeJobsCommand).callsFake((input: { jobs: string[] }) => ({
    jobs: input.jobs.map((jobId) => ({
      jobId,
      jobName: 'train-model',
      jobArn: `arn:aws:batch:us-east-1:123456789012:job/${jobId}`,
      jobQueue: 'arn:aws:batch:us-east-1:123456789012:job-queue/training',
      jobDefinition: 'arn:aws:batch:us-east-1:123456789012:job-definition/train:3',
      createdAt: T0,
      ...jobAt((now - T0) / 1000),
    })),
  }));
  batch.on(TerminateJobCommand).resolves({});

  const invokeCheck = async (payload: unknown) => {
    const realNow = Date.now;
    Date.now = () => now;
    try {
      return { StatusCode: 200, Payload: await batchPoller(payload) };
    } finally {
      Date.now = realNow;
    }
  };

  const services: Record<string, Service> = {
    'CheckDataset': (input) => ({ ContentLength: 1024 * 1024 * (String(input.Key).length + 1), ETag: '"5d41402a"' }),

    // .sync returns DescribeProcessingJob once the job has ended
    'Preprocess': (request) => ({
      ProcessingJobName: request.ProcessingJobName,
      ProcessingJobArn: `arn:aws:sagemaker:us-east-1:123456789012:processing-job/${String(request.ProcessingJobName).toLowerCase()}`,
      ProcessingJobStatus: 'Completed',
      ProcessingOutputConfig: request.ProcessingOutputConfig,
      ProcessingResources: request.ProcessingResources,
    }),

    // .sync returns DescribeHyperParameterTuningJob once the tuning job has ended
    'Tune': (request) => ({
      HyperParameterTuningJobName: request.HyperParameterTuningJobName,
      HyperParameterTuningJobStatus: 'Completed',
      BestTrainingJob: {
        TrainingJobName: `${request.HyperParameterTuningJobName}-014-5e2a9c1d`,
        TunedHyperParameters: { max_depth: '6', eta: '0.12' },
        FinalHyperParameterTuningJobObjectiveMetric: { MetricName: 'validation:auc', Value: 0.93 },
      },
    }),

    // .sync returns DescribeLabelingJob once the workers are done
    'Label': (request) => ({
      LabelingJobName: request.LabelingJobName,
      LabelingJobStatus: 'Completed',
      LabelCounters: { TotalLabeled: 250, HumanLabeled: 250, MachineLabeled: 0, FailedNonRetryableError: 0, Unlabeled: 0 },
      LabelingJobOutput: { OutputDatasetS3Uri: `${request.OutputConfig.S3OutputPath}${request.LabelingJobName}/manifests/output/output.manifest` },
    }),

    'Train: Start job': (request) => ({ JobId: 'a1b2c3', JobName: request.JobName, JobArn: 'arn:aws:batch:us-east-1:123456789012:job/a1b2c3' }),
    'Train: Check job': (input, invocation) => {
      now = Date.parse(invocation.time); // the executor's virtual clock: the Wait before this check has passed
      return invokeCheck(input.Payload);
    },
    'Train: Cancel job (timed out)': (input, invocation) => {
      now = Date.parse(invocation.time);
      return invokeCheck(input.Payload);
    },
    'Train: Cancel job (stuck)': (input, invocation) => {
      now = Date.parse(invocation.time);
      return invokeCheck(input.Payload);
    },

    // the container reads TASK_INPUT, publishes, and calls SendTaskSuccess with its output
    'Publish': (runTask) => {
      const env = Object.fromEntries(
        runTask.Overrides.ContainerOverrides[0].Environment.map((v: { Name: string; Value: string }) => [v.Name, v.Value]),
      );
      const [preprocess, train] = JSON.parse(env.TASK_INPUT);
      return { published: true, features: preprocess.outputs, model: train.jobId, exitCode: train.exitCode };
    },
  };
  return {
    handle: async (invocation) => {
      const service = services[invocation.stateName];
      if (!service) throw new Error(`no simulated service for Task state '${invocation.stateName}'`);
      return { result: await service(invocation.request, invocation) };
    },
  };
}
