/**
 * Execution histories shaped like GetExecutionHistory's: numbered events, each pointing with
 * `previousEventId` at the previous event of its own branch or Map iteration, so that parallel paths
 * interleave as they do in AWS.
 */
import { HistoryEvent } from '@aws-sdk/client-sfn';

export const ACCOUNT = '123456789012';
export const STATE_MACHINE_ARN = `arn:aws:states:us-east-1:${ACCOUNT}:stateMachine:Pipeline`;
export const EXECUTION_ARN = `arn:aws:states:us-east-1:${ACCOUNT}:execution:Pipeline:run-1`;
export const CHECK_FUNCTION_ARN = `arn:aws:lambda:us-east-1:${ACCOUNT}:function:glue-check`;
export const CLUSTER_ARN = `arn:aws:ecs:us-east-1:${ACCOUNT}:cluster/jobs`;

export function taskArn(id: string): string {
  return `arn:aws:ecs:us-east-1:${ACCOUNT}:task/jobs/${id}`;
}

export class History {
  public readonly events: HistoryEvent[] = [];
  private readonly start = Date.parse('2024-05-01T12:00:00Z');

  constructor() {
    this.add(0, 'ExecutionStarted', { executionStartedEventDetails: { input: '{}', roleArn: `arn:aws:iam::${ACCOUNT}:role/sm` } });
  }

  /** Appends an event after `previous` (an event id) and returns its id. */
  public add(previous: number, type: string, details: Record<string, unknown> = {}): number {
    const id = this.events.length + 1;
    this.events.push({ id, previousEventId: previous, type: type as HistoryEvent['type'], timestamp: new Date(this.start + id * 1000), ...details });
    return id;
  }

  public enter(previous: number, name: string, kind = 'Task'): number {
    return this.add(previous, `${kind}StateEntered`, { stateEnteredEventDetails: { name, input: '{}' } });
  }

  public exit(previous: number, name: string, kind = 'Task'): number {
    return this.add(previous, `${kind}StateExited`, { stateExitedEventDetails: { name, output: '{}' } });
  }

  /** TaskScheduled → TaskStarted → (TaskSubmitted) → (TaskSucceeded | TaskFailed | nothing). */
  public task(previous: number, call: {
    resourceType: string;
    resource: string;
    parameters: unknown;
    submitted?: unknown;
    succeeded?: unknown;
    failed?: { error: string; cause: string };
  }): number {
    const { resourceType, resource } = call;
    let id = this.add(previous, 'TaskScheduled', {
      taskScheduledEventDetails: { resourceType, resource, region: 'us-east-1', parameters: JSON.stringify(call.parameters) },
    });
    id = this.add(id, 'TaskStarted', { taskStartedEventDetails: { resourceType, resource } });
    if (call.submitted !== undefined) {
      id = this.add(id, 'TaskSubmitted', { taskSubmittedEventDetails: { resourceType, resource, output: JSON.stringify(call.submitted) } });
    }
    if (call.succeeded !== undefined) {
      id = this.add(id, 'TaskSucceeded', { taskSucceededEventDetails: { resourceType, resource, output: JSON.stringify(call.succeeded) } });
    }
    if (call.failed !== undefined) {
      id = this.add(id, 'TaskFailed', { taskFailedEventDetails: { resourceType, resource, ...call.failed } });
    }
    return id;
  }

  /** A BatchPollerJob's start: the `batch:submitJob` Task state, with the SubmitJob response. */
  public batchSubmit(previous: number, prefix: string, jobId: string): number {
    let id = this.enter(previous, `${prefix}: Start job`);
    id = this.task(id, {
      resourceType: 'batch',
      resource: 'submitJob',
      parameters: { JobName: 'train', JobQueue: 'q', JobDefinition: 'd' },
      succeeded: { JobArn: `arn:aws:batch:us-east-1:${ACCOUNT}:job/${jobId}`, JobId: jobId, JobName: 'train', SdkHttpMetadata: { HttpStatusCode: 200 } },
    });
    return this.exit(id, `${prefix}: Start job`);
  }

  /** A generic JobPoller's start (here Glue StartJobRun through an SDK integration). */
  public glueStart(previous: number, prefix: string, runId: string): number {
    let id = this.enter(previous, `${prefix}: Start job`);
    id = this.task(id, { resourceType: 'aws-sdk:glue', resource: 'startJobRun', parameters: { JobName: 'etl' }, succeeded: { JobRunId: runId } });
    return this.exit(id, `${prefix}: Start job`);
  }

  /** One round of a poller: Wait, then the check (lambda:invoke) answering `answer`, then the Choice. */
  public pollRound(previous: number, prefix: string, functionArn: string, job: unknown, answer: Record<string, unknown>): number {
    let id = this.enter(previous, `${prefix}: Wait`, 'Wait');
    id = this.exit(id, `${prefix}: Wait`, 'Wait');
    id = this.enter(id, `${prefix}: Check job`);
    id = this.task(id, {
      resourceType: 'lambda',
      resource: 'invoke',
      parameters: { FunctionName: functionArn, Payload: { action: 'check', job, policy: { pollIntervalSeconds: 30 } } },
      succeeded: { ExecutedVersion: '$LATEST', Payload: answer, StatusCode: 200 },
    });
    id = this.exit(id, `${prefix}: Check job`);
    id = this.enter(id, `${prefix}: Job finished?`, 'Choice');
    return this.exit(id, `${prefix}: Job finished?`, 'Choice');
  }

  /** An EcsCallbackTask: RunTask submitted (the response lists the task), then the callback if any. */
  public ecsRun(previous: number, name: string, task: string, callback?: 'success' | 'failure'): number {
    let id = this.enter(previous, name);
    id = this.task(id, {
      resourceType: 'ecs',
      resource: 'runTask.waitForTaskToken',
      parameters: { Cluster: CLUSTER_ARN, TaskDefinition: 'worker' },
      submitted: { Failures: [], Tasks: [{ TaskArn: task, ClusterArn: CLUSTER_ARN, LastStatus: 'PROVISIONING' }] },
      succeeded: callback === 'success' ? { done: true } : undefined,
      failed: callback === 'failure' ? { error: 'Model.Diverged', cause: 'loss is NaN' } : undefined,
    });
    return callback ? this.exit(id, name) : id;
  }

  public aborted(previous: number): number {
    return this.add(previous, 'ExecutionAborted', { executionAbortedEventDetails: { error: 'Stopped', cause: 'by hand' } });
  }

  /** The events in pages of `size` (GetExecutionHistory responses). */
  public pages(size: number): Array<{ events: HistoryEvent[]; nextToken?: string }> {
    const pages = [];
    for (let i = 0; i < this.events.length; i += size) {
      const last = i + size >= this.events.length;
      pages.push({ events: this.events.slice(i, i + size), nextToken: last ? undefined : `page-${i / size + 2}` });
    }
    return pages;
  }
}

/** A `Step Functions Execution Status Change` event, shaped like the EventBridge reference's example. */
export function statusChange(status = 'ABORTED', detail: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    'version': '0',
    'id': '315c1398-40ff-a850-213b-158f73e60175',
    'detail-type': 'Step Functions Execution Status Change',
    'source': 'aws.states',
    'account': ACCOUNT,
    'time': '2024-05-01T12:30:00Z',
    'region': 'us-east-1',
    'resources': [EXECUTION_ARN],
    'detail': {
      executionArn: EXECUTION_ARN,
      stateMachineArn: STATE_MACHINE_ARN,
      name: 'run-1',
      status,
      startDate: 1714564800000,
      stopDate: 1714566600000,
      input: '{}',
      output: null,
      ...detail,
    },
  };
}

/** The Lambda context of the handler: a function of the same account and Region as the executions. */
export const CONTEXT = { invokedFunctionArn: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:cdk-sfn-jobs-execution-stopped` };

/** DescribeExecution's answer for the execution: stopped (`status`), of the Pipeline state machine. */
export function describedExecution(status = 'ABORTED', fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    executionArn: EXECUTION_ARN,
    stateMachineArn: STATE_MACHINE_ARN,
    name: 'run-1',
    status,
    startDate: new Date('2024-05-01T12:00:00Z'),
    stopDate: new Date('2024-05-01T12:30:00Z'),
    ...fields,
  };
}
