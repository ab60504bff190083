import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { CdkSfnJobsError, invalid, readablePrefix } from '../private';
import { JobDetection, JobStateChangeEvent } from './job-detection';
import { JobPoller, JobPollerProps, JobPollingOptions } from './job-poller';

/** The props of `JobPollingOptions`, which every poller passes to its `JobPoller` as given. */
const POLLING_OPTIONS: ReadonlyArray<keyof JobPollingOptions> = [
  'stateName', 'comment', 'outputs', 'assign', 'resultPath', 'queryLanguage',
  'pollInterval', 'maxPollInterval', 'timeout', 'maxQueueTime', 'cancelJobOnExecutionStop', 'detection',
];

/**
 * The base of the waits built on a `JobPoller` (`BatchPollerJob`, `GlueCrawlerPollerJob`, …): a fragment that behaves
 * like a task. Its state is the Parallel state that runs the poll loop, named `stateName` (default: the construct id)
 * with the `comment`, `outputs` and `assign` of `JobPollingBaseOptions`; `addRetry`, `addCatch` and `next` act on it.
 *
 * A subclass is its configuration: it checks its own props, then calls `createPoller` with how to start, check and
 * cancel its job.
 */
export abstract class PollerJobBase extends sfn.StateMachineFragment {
  private readonly pollingOptions: JobPollingOptions;
  private _poller?: JobPoller;

  /**
   * @param scope the scope
   * @param id the construct id
   * @param options the subclass's props: their `JobPollingOptions` are passed to the poller as given
   */
  protected constructor(scope: Construct, id: string, options: JobPollingOptions) {
    super(scope, id);
    this.pollingOptions = options ?? {};
  }

  /** The poll loop. */
  public get poller(): JobPoller {
    if (!this._poller) throw new CdkSfnJobsError(`${this.node.path}: the poller is not created yet (call createPoller in the constructor)`);
    return this._poller;
  }

  /** The poller's state: the Parallel state that runs the poll loop. */
  public get startState(): sfn.State {
    return this.poller.startState;
  }

  /** The poller's state, which is also its end. */
  public get endStates(): sfn.INextable[] {
    return this.poller.endStates;
  }

  /** The task that starts the job. */
  public get startTask(): sfn.TaskStateBase {
    return this.poller.startTask;
  }

  /** Where the result is placed in a JSONPath state machine (a JSONPath reference path). */
  public get resultPath(): string {
    return this.poller.resultPath;
  }

  /**
   * Adds a retrier, like `addRetry` on a task: on a matching error the whole poller (the start of the job included)
   * runs again. The service's throttling is already retried inside.
   *
   * @param props the retrier: `errors` defaults to all errors (`States.ALL`)
   */
  public addRetry(props: sfn.RetryProps = {}): PollerJobBase {
    this.poller.addRetry(props);
    return this;
  }

  /**
   * Adds a catcher, like `addCatch` on a task: on a matching error the execution continues at `handler`.
   *
   * @param handler the state to go to
   * @param props the catcher: `errors` defaults to all errors (`States.ALL`). In a JSONPath state machine,
   * `resultPath` places the error in the poller's input (default `$`: the error replaces it); in a JSONata one,
   * `outputs` and `assign` read it as `$states.errorOutput` (`resultPath` is refused there: a JSONPath field)
   */
  public addCatch(handler: sfn.IChainable, props: sfn.CatchProps = {}): PollerJobBase {
    this.poller.addCatch(handler, props);
    return this;
  }

  /**
   * The readable start of the job names this poller generates: its state name (`stateName`, else the construct id)
   * reduced to letters, digits and hyphens, at most `maxLength` characters.
   *
   * @param maxLength the longest prefix
   * @param fallback the prefix when nothing of the state name is left
   */
  protected jobNamePrefix(maxLength: number, fallback: string): string {
    return readablePrefix(this, maxLength, fallback, this.pollingOptions.stateName);
  }

  /**
   * Creates the poll loop, once, from the wait's configuration and the props of `JobPollingOptions` this poller was
   * given.
   *
   * @param wait how to start, check and cancel the job (its own polling options are ignored)
   * @param jobEvent the event the service sends when the job ends, for `detection: JobDetection.events()`
   * (its `jobKey` a key of the job); without one, `events()` is refused
   */
  protected createPoller(wait: JobPollerProps, jobEvent?: JobStateChangeEvent): JobPoller {
    if (this._poller) throw new CdkSfnJobsError(`${this.node.path}: createPoller must be called once`);
    const options: { [key: string]: unknown } = {};
    for (const key of POLLING_OPTIONS) options[key] = this.pollingOptions[key];
    const detection = this.pollingOptions.detection;
    if (detection && typeof detection === 'object' && detection.usesEvents === true) {
      const kind = this.constructor.name;
      if (!jobEvent) {
        invalid(this, 'detection', `JobDetection.polling() (${kind} has no job state-change event to wait for)`, 'JobDetection.events()');
      }
      if (detection.eventsOptions?.event !== undefined) {
        invalid(this, 'detection.event',
          `unset (${kind} waits for its service's own event, "${jobEvent.detailType}" from ${jobEvent.source}; the event option is for JobPoller)`,
          detection.eventsOptions.event);
      }
      options.detection = JobDetection.events({ table: detection.eventsOptions?.table, event: jobEvent });
    }
    this._poller = new JobPoller(this, 'Poller', { ...wait, ...options, stateName: this.pollingOptions.stateName ?? this.node.id });
    return this._poller;
  }
}
