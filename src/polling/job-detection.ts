import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';

/**
 * The EventBridge event a service sends when a job changes state, and where in it the job and its status are: what
 * `JobDetection.events()` needs to be woken by a `JobPoller`'s job. The four waits of this library
 * (`BatchPollerJob`, `GlueCrawlerPollerJob`, `SageMakerPipelinePollerJob`, `BedrockBatchInferencePollerJob`) know
 * their event and refuse this.
 *
 * @see https://docs.aws.amazon.com/eventbridge/latest/ref/events.html
 */
export interface JobStateChangeEvent {
  /** The event's `source`, such as `aws.batch`. */
  readonly source: string;

  /** The event's `detail-type`, such as `Batch Job State Change`. */
  readonly detailType: string;

  /**
   * The field of the event's `detail` that identifies the job (a dotted path for a nested one), such as `jobId`.
   * Its value must equal the poller's `job.<jobKey>`, character for character.
   */
  readonly jobField: string;

  /** The field of the event's `detail` that holds the job's status (a dotted path for a nested one), such as `status`. */
  readonly statusField: string;

  /** The statuses that end the job (the events with another status are ignored), such as `['SUCCEEDED', 'FAILED']`. */
  readonly terminalStatuses: string[];

  /**
   * The key of the poller's job (`job.<jobKey>`: a key of `start.resultFields` or `start.jobValues`) whose value the
   * event carries in `detail.<jobField>`. With a check function, the function's answers must keep it.
   */
  readonly jobKey: string;
}

/**
 * Options of `JobDetection.events()`.
 */
export interface JobEventsOptions {
  /**
   * The table the waits store their task tokens in. Partition key `jobKey` (String), sort key `waiter` (String), the
   * token in `token`, Time to Live on `expiresAt` (epoch seconds); the stack's resume path reads it.
   *
   * @default - one table per stack, created with the resume path (on-demand, encrypted, Time to Live on `expiresAt`)
   */
  readonly table?: dynamodb.ITable;

  /**
   * The event that says the job ended. Required for a `JobPoller`; refused by the waits of this library, which know
   * their service's event.
   *
   * @default - the wait's own service event
   */
  readonly event?: JobStateChangeEvent;
}

/**
 * How a poller learns that its job ended.
 *
 * - `JobDetection.polling()` (the default): it checks on a growing interval (`pollInterval`, then 10 % of the
 *   elapsed time, up to `maxPollInterval`), so a job is noticed up to one interval late.
 * - `JobDetection.events()`: each wait stores a task token (`dynamodb:putItem.waitForTaskToken`) that the job's
 *   state-change event returns through the stack's resume path, so the check runs seconds after the job ends. The
 *   check still decides, and each wait still times out after the interval polling would wait, so a lost or early
 *   event costs one interval at most. The first wait is at most 10 seconds, so that a job that ends before its
 *   first token is stored is noticed soon.
 */
export abstract class JobDetection {
  /** Polling only: the check runs on a growing interval. */
  public static polling(): JobDetection {
    return new Detection(false, {});
  }

  /**
   * Event-driven waits, with polling as the safety net.
   *
   * @param options the token table, and (`JobPoller` only) the event
   */
  public static events(options: JobEventsOptions = {}): JobDetection {
    return new Detection(true, options ?? {});
  }

  /** Whether the waits are woken by the job's state-change event. */
  public abstract readonly usesEvents: boolean;

  /** The options given to `events()` (empty for `polling()`). */
  public abstract readonly eventsOptions: JobEventsOptions;
}

class Detection extends JobDetection {
  constructor(public readonly usesEvents: boolean, public readonly eventsOptions: JobEventsOptions) {
    super();
  }
}
