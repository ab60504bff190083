import { Annotations, Duration, Token } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { cancelJobsOnExecutionStop, checkProps, invalid, jsonataObject, jsonataString } from '../private';
import { JobDetection } from './job-detection';
import { JOB_POLLER_PROPS, checkSdkCheck } from './private/checks';
import { buildEventWait, EventWait } from './private/event-wait';
import { rememberJobPoller } from './private/facts';
import { eventLoopCost, FUNCTION_LOOP, GROWTH_PERCENT, HISTORY_LIMIT, LoopCost, maxSupportedSeconds, pollCost, PollPolicy, sdkLoopCost } from './private/interval';
import { JobEventSource } from './private/job-events';
import { pollSchedule } from './private/schedule';
import { buildSdkLoop, cancelSdkJobOnExecutionStop } from './private/sdk-loop';
import {
  DataPath,
  invokeStatement,
  LAMBDA_TRANSIENT_ERRORS,
  lambdaInvokeArn,
  LanguageChoice,
  LanguageFail,
  LanguageParallel,
  LanguagePass,
  LanguageTask,
  LanguageWait,
  PerLanguage,
} from './private/states';
import { JobPollerSdkCheck } from './sdk-check';

/**
 * How a poller polls, what it gives up on, and where it puts its result: the options every poller has, including
 * the ones whose check is an AWS SDK call (such as `GlueCrawlerPollerJob`).
 */
export interface JobPollingBaseOptions {
  /**
   * The name of the poller's state (the Parallel state that runs it), and the start of the names of the states
   * inside it (`<stateName>: Check job`, …), as `stateName` names a task's state. Give different names to pollers
   * that share a construct id in one state machine. At most 56 characters (state names are limited to 80).
   *
   * The default `resultPath` and the job-name prefixes the pollers generate derive from it, so a renamed construct
   * id that keeps its `stateName` changes nothing in the state machine.
   *
   * @default - the construct id
   */
  readonly stateName?: string;

  /**
   * A comment on the poller's state (the Parallel state that runs it), as `comment` on a task.
   *
   * @default - no comment
   */
  readonly comment?: string;

  /**
   * JSONata state machines: the poller's output, as `outputs` on a JSONata task: any JSON value whose `{% … %}`
   * strings are JSONata expressions, where `$states.result` is the poller's result (`job`, `status`, `poll`, …) and
   * `$states.input` the poller's input. Refused in a JSONPath state machine (use `resultPath` there).
   *
   * @see https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html
   * @default - the poller's input with its result added under the key `<stateName>` (characters other than letters,
   * digits and `_` replaced by `_`), as `resultPath` places it in a JSONPath state machine
   */
  readonly outputs?: any;

  /**
   * JSONata state machines: workflow variables to set when the poller succeeds, as `assign` on a JSONata task
   * (`$states.result` is the poller's result, `$states.input` its input). Refused in a JSONPath state machine.
   *
   * @see https://docs.aws.amazon.com/step-functions/latest/dg/workflow-variables.html
   * @default - no variables
   */
  readonly assign?: { [name: string]: any };

  /**
   * The first wait between checks, and the shortest.
   *
   * Later waits grow to 10 % of the time elapsed since the job was submitted, up to `maxPollInterval`,
   * so a job's end is noticed within `max(pollInterval, 10 % of its duration)`.
   *
   * @default Duration.seconds(30)
   */
  readonly pollInterval?: Duration;

  /**
   * The longest wait between checks.
   *
   * It bounds the detection delay of long jobs, and with it the number of checks: each check adds 9
   * events to the execution history, which a Standard execution caps at 25,000 (see `maxJobDuration`).
   *
   * @default - one hour, or `pollInterval` when that is longer
   */
  readonly maxPollInterval?: Duration;

  /**
   * Give up on a job that has not finished this long after it was submitted: cancel it, then fail with
   * `<errorPrefix>.JobTimedOut`.
   *
   * @default - no deadline: the poller follows the job until it ends
   */
  readonly timeout?: Duration;

  /**
   * JSONPath state machines: where the job's result goes in the state's data: `$` replaces the state input, `$.a.b`
   * adds it at that place and keeps the rest of the input. The poller also keeps its working data there while the
   * job runs. A JSONPath reference path of simple names. Refused in a JSONata state machine (use `outputs` there).
   *
   * @default - `$.<stateName>`: the state name (`stateName`, else the construct id) with every character other than
   * a letter, digit or `_` replaced by `_` (for example `$.Train` for a poller named `Train`)
   */
  readonly resultPath?: string;

  /**
   * The query language of the poller's states.
   *
   * @default - the state machine's query language (the states render for JSONPath or JSONata accordingly)
   */
  readonly queryLanguage?: sfn.QueryLanguage;

  /**
   * Cancel the job when the execution that started it ends `ABORTED`, `TIMED_OUT` or `FAILED` while
   * the job runs, as Step Functions does for `.sync` tasks.
   *
   * Adds, once per stack, an EventBridge rule on the stopped executions of the state machines that
   * contain such states and a small Lambda function that reads the execution's history and cancels
   * what is still running (see the README, "What happens when you stop an execution").
   *
   * With an `sdkCheck`, the handler makes the check's cancel call with the service's AWS SDK v3 client, when the
   * cancel names it (`sdkV3ClientClass`; the four waits of this library do); without one, the job keeps running
   * (and synthesis warns, unless this is `false`).
   *
   * @see https://docs.aws.amazon.com/step-functions/latest/dg/cw-events.html
   * @default true
   */
  readonly cancelJobOnExecutionStop?: boolean;

  /**
   * How the poller learns that its job ended: `JobDetection.polling()` checks on the growing interval;
   * `JobDetection.events()` also stores, at each wait, a task token that the job's EventBridge state-change event
   * returns, so the check runs seconds after the job ends (each wait still times out after the interval, and the
   * check still decides: a lost event costs one interval at most). Events add, once per stack, a DynamoDB token table
   * and the resume path (see the README, "Event-driven waits").
   *
   * @default JobDetection.polling()
   */
  readonly detection?: JobDetection;
}

/**
 * How a poller polls, what it gives up on, and where it puts its result. Shared by `JobPoller` and the
 * polling constructs built on a check function (such as `BatchPollerJob`).
 */
export interface JobPollingOptions extends JobPollingBaseOptions {
  /**
   * Give up on a job that has not started this long after it was submitted (for example a job left in
   * a queue whose compute environment cannot run it): cancel it, then fail with `<errorPrefix>.JobStuck`.
   *
   * @default - no limit on the time a job may wait to start
   */
  readonly maxQueueTime?: Duration;

}

/**
 * The request-response Task state that starts a job, as a `JobPoller` needs it.
 */
export interface JobPollerStart {
  /**
   * The integration's resource ARN, a request-response integration such as
   * `arn:aws:states:::batch:submitJob` or `arn:aws:states:::aws-sdk:glue:startCrawler`.
   *
   * @see https://docs.aws.amazon.com/step-functions/latest/dg/integrate-services.html
   */
  readonly resource: string;

  /**
   * The API request, with the integration's PascalCase field names. Values may be `JsonPath` tokens in a
   * JSONPath state machine, or `{% … %}` JSONata expressions in a JSONata one.
   */
  readonly parameters: { [key: string]: any };

  /**
   * The fields of the API response that identify the job, and the names the check receives them under:
   * `{ jobId: 'JobId' }` passes the response's `JobId` as `job.jobId`. May be empty (`{}`) with an SDK check whose
   * `jobValues` identify the job (a Glue crawler is known by its name; StartCrawler returns nothing).
   */
  readonly resultFields: { [key: string]: string };

  /**
   * SDK checks only: values that identify the job but are not in the start's response (such as the name of the
   * crawler to start), evaluated once against the poller's input before the job starts, and kept as `job.<key>`.
   * Literals, `JsonPath` tokens or JSONata expressions, per the state machine's query language.
   *
   * @default - none
   */
  readonly jobValues?: { [key: string]: string };

  /**
   * SDK checks only: fields of the start request taken from `jobValues`: `{ Name: 'crawlerName' }` sends the job
   * value `crawlerName` as `Name`.
   *
   * @default - none
   */
  readonly jobParameters?: { [key: string]: string };

  /**
   * SDK checks only: fields of the start request that get a new UUID each time the start runs (for example a
   * `ClientRequestToken`).
   *
   * @default - none
   */
  readonly uuidParameters?: string[];

  /**
   * SDK checks only: fields of the start request that get a name unique to each start, `<prefix>-<UUID>`
   * (`{ JobName: 'nightly' }`); the prefix is checked by the construct that sets it.
   *
   * @default - none
   */
  readonly uniqueNameParameters?: { [key: string]: string };

  /**
   * SDK checks only: errors of the start call that mean the job is running already (for example
   * `Glue.CrawlerRunningException`): the poller then waits for that run. Needs every field the check uses to come
   * from `jobValues` (`resultFields` empty).
   *
   * @default - none: such errors fail the poller
   */
  readonly runningErrors?: string[];

  /**
   * SDK checks only: errors of the start call worth retrying (throttling), as the integration names them. Retried
   * 6 times, from 2 seconds, backoff rate 2, full jitter.
   *
   * @default - none
   */
  readonly retryErrors?: string[];

  /**
   * The IAM statements the state machine role needs to call the API.
   *
   * @default - none
   */
  readonly policyStatements?: iam.PolicyStatement[];
}

/**
 * Properties of a `JobPoller`.
 */
export interface JobPollerProps extends JobPollingOptions {
  /**
   * How to start the job.
   */
  readonly start: JobPollerStart;

  /**
   * The function that checks the job and cancels it, following the poll protocol described on `JobPoller`.
   * Give `checkFunction` or `sdkCheck`.
   *
   * @default - `sdkCheck`
   */
  readonly checkFunction?: lambda.IFunction;

  /**
   * A check made by the state machine itself, with no function: an AWS SDK call and a status mapping. The poll
   * policy, the deadline and the cancel are then computed by the state machine (see `JobPoller`). Give
   * `checkFunction` or `sdkCheck`.
   *
   * @default - `checkFunction`
   */
  readonly sdkCheck?: JobPollerSdkCheck;

  /**
   * The first part of the error names this poller fails with (`<errorPrefix>.JobFailed`, …): letters
   * and digits, starting with a letter.
   */
  readonly errorPrefix: string;

  /**
   * The text that starts every state name of this poller (`<prefix>: Check job`, …), so that several
   * pollers can live in one state machine. At most 56 characters.
   *
   * @deprecated use `stateName`, which means the same
   * @default - `stateName`
   */
  readonly stateNamePrefix?: string;
}

/**
 * A poll loop around a job that Step Functions cannot wait for by itself (or not well): starts the job,
 * then loops Wait → Check → Choice until the job ends, gives up at a deadline, and places a compact
 * result in the state data.
 *
 * ```
 * <prefix>: Start job ─► Wait ─► Check job ─► Job finished? ─ RUNNING ──► Wait (again)
 *                                                            ├ SUCCEEDED ─► Job succeeded (result placed; end)
 *                                                            ├ FAILED ────► Job failed (Fail <errorPrefix>.JobFailed)
 *                                                            ├ TIMED_OUT ─► Cancel job (timed out) ─► Job timed out (Fail <errorPrefix>.JobTimedOut)
 *                                                            └ STUCK ─────► Cancel job (stuck) ─► Job stuck (Fail <errorPrefix>.JobStuck)
 * ```
 *
 * The waits start at `pollInterval` and grow to 10 % of the job's elapsed time, capped at
 * `maxPollInterval`, so a job's end is noticed within `max(pollInterval, 10 % of its duration)` while
 * the number of checks grows with the logarithm of the duration (not linearly, as with a fixed wait).
 * Each check costs 3 state transitions, 9 history events and one Lambda invocation.
 *
 * The poll protocol. The check function is invoked (`lambda:invoke`, retried on Lambda service errors
 * and throttling, and on `<errorPrefix>.Throttled`) with
 * `{ "action": "check", "job": <job>, "policy": { "pollIntervalSeconds", "maxPollIntervalSeconds",
 * "growthPercent", "timeoutSeconds"?, "maxQueueSeconds"? } }`, where `<job>` is the start task's
 * `resultFields` at first and the function's previous answer afterwards. It answers with the job's
 * status (any fields; they become the poller's result) and a `poll` object:
 * `{ "outcome": "RUNNING" | "SUCCEEDED" | "FAILED" | "TIMED_OUT" | "STUCK", "nextPollSeconds": <integer ≥ 1>,
 * "cause": <text for the Fail state, required unless RUNNING or SUCCEEDED> }`. To cancel, it is invoked with
 * `{ "action": "cancel", "job": <its last answer>, "reason": "TIMED_OUT" | "STUCK" | "ABORTED" }`; its answer is
 * discarded (`ABORTED`: the execution was stopped, timed out or failed; see `cancelJobOnExecutionStop`; the
 * event then also holds `execution: { executionArn, status }`, and a job that has already ended must not be
 * an error). Deadlines are decided by the function from the policy, so it can use the service's own
 * timestamps.
 *
 * With an `sdkCheck` instead of a check function, no function is involved: the check is an AWS SDK integration call
 * and a status mapping, and the state machine computes the policy itself. The waits come from a table made at
 * synthesis with the same policy (JSONPath has no multiplication), indexed by the poll count
 * (`States.ArrayGetItem` / `States.MathAdd` in the check's ResultSelector, reading the loop's state from a workflow
 * variable local to the Parallel branch; an array index in the check's JSONata Output); the deadline (`timeout`,
 * else `maxJobDuration`) is a Choice rule on the elapsed time, the sum of the waits; the cancel is an SDK call too.
 * Its states: `[Prepare job]`, `Start job`, `[Job already running]`, `Wait`, `Check job`, `Job finished?`,
 * `Job succeeded`, `Job failed`, `Job failed (no reason)`, `[Cancel job]`, `Job timed out`; its result: `job`,
 * `status` (the last check's response) and `poll` (`checks`, `elapsedSeconds`); its errors
 * `<errorPrefix>.JobFailed` and `.JobTimedOut`. Each check costs 3 state transitions and 9 history events.
 *
 * With `detection: JobDetection.events({ event })`, each `Wait` becomes `<prefix>: Wait for job event`, a
 * `putItem.waitForTaskToken` Task that stores the round's task token for the job's state-change event to return, and
 * times out after the round's wait (the first round after at most 10 seconds); the check runs either way, and a failed
 * PutItem falls back to the plain `Wait` (see the README, "Event-driven waits"). A round then costs 6 history events
 * instead of 2 (7 counted, for the fallback).
 *
 * The loop runs as the single branch of a Parallel state named `<prefix>` whose output is the branch's, so the
 * poller can be caught and retried like a task: `addCatch(handler, { errors: poller.errors })`, `addRetry(...)`,
 * `next(...)`, in either query language. The Parallel costs 1 state transition and 4 history events per run.
 */
export class JobPoller extends sfn.StateMachineFragment {
  /** The default `pollInterval`. */
  public static readonly DEFAULT_POLL_INTERVAL: Duration = Duration.seconds(30);
  /** The default `maxPollInterval`. */
  public static readonly DEFAULT_MAX_POLL_INTERVAL: Duration = Duration.hours(1);

  public readonly startState: sfn.State;
  public readonly endStates: sfn.INextable[];

  private readonly parallel: sfn.Parallel;

  /** The task that starts the job (add a `Retry` or `Catch` to it if the start can fail transiently). */
  public readonly startTask: sfn.TaskStateBase;
  /** The task that checks the job. */
  public readonly checkTask: sfn.TaskStateBase;
  /**
   * With `JobDetection.events()`: the task that stores the round's task token and waits for the job's event
   * (`<prefix>: Wait for job event`); else undefined.
   */
  public readonly eventWaitState?: sfn.TaskStateBase;
  /** Where the result is placed (a JSONPath reference path). */
  public readonly resultPath: string;
  /** The error of the Fail state reached when the job fails: `<errorPrefix>.JobFailed`. */
  public readonly jobFailedError: string;
  /** The error of the Fail state reached after `timeout`: `<errorPrefix>.JobTimedOut`. */
  public readonly jobTimedOutError: string;
  /** The error of the Fail state reached after `maxQueueTime`: `<errorPrefix>.JobStuck`. */
  public readonly jobStuckError: string;
  /**
   * The poller's own failures (`jobFailedError`, `jobTimedOutError`, `jobStuckError`), for `addCatch(handler,
   * { errors: poller.errors })`. Errors of the check function other than these are the function's own.
   */
  public readonly errors: string[];
  /**
   * The longest job this poller can follow within the 25,000-event history of a Standard execution
   * (counting only the poller's own events).
   */
  public readonly maxJobDuration: Duration;

  constructor(scope: Construct, id: string, props: JobPollerProps) {
    super(scope, id);
    checkProps(scope, id, props, JOB_POLLER_PROPS);
    if (props.sdkCheck) checkSdkCheck(this, props.sdkCheck);

    if ((props.checkFunction === undefined) === (props.sdkCheck === undefined)) {
      invalid(this, 'checkFunction', 'given, either as checkFunction or as sdkCheck (exactly one of them)', props.checkFunction ? 'both' : 'neither');
    }
    if (props.sdkCheck && props.maxQueueTime !== undefined) {
      invalid(this, 'maxQueueTime', 'unset with an sdkCheck (a status mapping does not tell queued from running)', props.maxQueueTime);
    }
    if (!props.sdkCheck) {
      for (const prop of ['jobValues', 'jobParameters', 'uuidParameters', 'uniqueNameParameters', 'runningErrors', 'retryErrors'] as const) {
        if (props.start[prop] !== undefined) invalid(this, `start.${prop}`, 'unset with a checkFunction (it applies to SDK checks)', props.start[prop]);
      }
    }
    const events = jobEvents(this, props);
    const baseLoop = props.sdkCheck ? sdkLoopCost(Object.keys(props.start.jobValues ?? {}).length > 0) : FUNCTION_LOOP;
    const { policy, loop: loopCost } = pollPolicy(this, props, baseLoop, events !== undefined);
    if (props.stateNamePrefix !== undefined && props.stateName !== undefined && props.stateNamePrefix !== props.stateName) {
      invalid(this, 'stateNamePrefix', `unset or equal to stateName ("${props.stateName}"; it is its deprecated name)`, props.stateNamePrefix);
    }
    const prefix = props.stateName ?? props.stateNamePrefix ?? id;
    if (typeof prefix !== 'string' || prefix.length === 0 || prefix.length > 56 || Token.isUnresolved(prefix)) {
      invalid(this, props.stateName === undefined && props.stateNamePrefix !== undefined ? 'stateNamePrefix' : 'stateName',
        'a literal between 1 and 56 characters long (state names are limited to 80)', prefix);
    }
    if (props.assign !== undefined && (props.assign === null || typeof props.assign !== 'object' || Array.isArray(props.assign))) {
      invalid(this, 'assign', 'an object of variable names and values', props.assign);
    }
    if (!/^[A-Za-z][A-Za-z0-9]*$/.test(props.errorPrefix) || props.errorPrefix === 'States') {
      invalid(this, 'errorPrefix', 'letters and digits starting with a letter, other than "States"', props.errorPrefix);
    }
    this.resultPath = props.resultPath ?? defaultResultPath(prefix);
    if (!/^\$(\.[A-Za-z_][A-Za-z0-9_]*)*$/.test(this.resultPath)) {
      invalid(this, 'resultPath', 'a JSONPath reference path of simple names such as "$" or "$.job"', props.resultPath);
    }
    const fields = Object.entries(props.start.resultFields);
    const valueKeys = Object.keys(props.start.jobValues ?? {});
    if (fields.length + valueKeys.length === 0) invalid(this, 'start.resultFields', 'at least one field (or, with an sdkCheck, one of start.jobValues)', props.start.resultFields);
    for (const key of valueKeys) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key) || props.start.resultFields[key] !== undefined) {
        invalid(this, 'start.jobValues', 'keyed by simple names that are not also keys of start.resultFields', key);
      }
    }
    if ((props.start.runningErrors ?? []).length > 0 && fields.length > 0) {
      invalid(this, 'start.runningErrors', 'used with job values only (start.resultFields empty: a run started by someone else has no start response)', props.start.runningErrors);
    }
    const jobKeys = new Set([...valueKeys, ...fields.map(([key]) => key)]);
    const checkKeys = (prop: string, refs: { [key: string]: string } | undefined, known: Set<string>) => {
      for (const key of Object.values(refs ?? {})) if (!known.has(key)) invalid(this, prop, `keys of the job (${[...known].join(', ') || 'none'})`, key);
    };
    checkKeys('start.jobParameters', props.start.jobParameters, new Set(valueKeys));
    checkKeys('sdkCheck.call.jobParameters', props.sdkCheck?.call.jobParameters, jobKeys);
    checkKeys('sdkCheck.cancel.jobParameters', props.sdkCheck?.cancel?.jobParameters, jobKeys);
    for (const [key, field] of fields) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key) || key === 'poll') {
        invalid(this, 'start.resultFields', 'keyed by simple names other than "poll"', key);
      }
      if (!/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/.test(field)) invalid(this, 'start.resultFields', 'response field names (a dotted path for a nested one)', field);
    }

    rememberJobPoller(this, { start: props.start, sdkCheck: props.sdkCheck });
    this.jobFailedError = `${props.errorPrefix}.JobFailed`;
    this.jobTimedOutError = `${props.errorPrefix}.JobTimedOut`;
    this.jobStuckError = `${props.errorPrefix}.JobStuck`;
    this.maxJobDuration = Duration.seconds(maxSupportedSeconds(policy, loopCost));

    const data = DataPath.parse(this.resultPath);
    const ql = props.queryLanguage;
    const owner = { construct: this, fix: 'the queryLanguage prop of the poller' };
    // The wrapping Parallel is the poller's state, as a task's state is the task: the base props render there.
    const parallelProps = {
      stateName: prefix,
      comment: props.comment,
      queryLanguage: ql,
      owner,
      outputs: props.outputs,
      assign: props.assign,
      result: data,
      jsonPathOnlyProps: { resultPath: props.resultPath },
      jsonataOnlyProps: { outputs: props.outputs, assign: props.assign },
    };
    const name = (suffix: string) => ({ stateName: `${prefix}: ${suffix}`, queryLanguage: ql, owner });
    const jsonataExpr = (expression: string) => `{% ${expression} %}`;

    if (props.sdkCheck) {
      const loop = buildSdkLoop(this, {
        start: props.start,
        check: props.sdkCheck,
        schedule: pollSchedule(policy, loopCost.firstWaitSeconds),
        deadlineSeconds: policy.timeoutSeconds ?? maxSupportedSeconds(policy, loopCost),
        deadlineIsTimeout: policy.timeoutSeconds !== undefined,
        data,
        name,
        variable: `${defaultResultPath(prefix).slice(2)}_poll`,
        jobFailedError: this.jobFailedError,
        jobTimedOutError: this.jobTimedOutError,
        events,
      });
      this.eventWaitState = loop.eventWait?.first;
      this.parallel = new LanguageParallel(this, 'Parallel', parallelProps);
      this.parallel.branch(loop.first);
      if ((props.cancelJobOnExecutionStop ?? true) && props.sdkCheck.cancel?.sdkV3ClientClass) {
        cancelSdkJobOnExecutionStop(this, { startTask: loop.start, checkTask: loop.check }, props.start, props.sdkCheck);
      } else if (props.cancelJobOnExecutionStop !== false) {
        // Left at its default (true) or set: either way the job cannot be stopped with the execution, so say so.
        Annotations.of(this).addWarningV2('cdk-sfn-jobs:cancelOnStopSdkCheck',
          'The job will not be stopped when an execution stops: cancelJobOnExecutionStop needs sdkCheck.cancel with sdkV3ClientClass ' +
          '(the AWS SDK v3 client the stop handler cancels the job with). Give it, or set cancelJobOnExecutionStop: false to acknowledge.');
      }
      this.startTask = loop.start;
      this.checkTask = loop.check;
      this.errors = [this.jobFailedError, this.jobTimedOutError];
      this.startState = this.parallel;
      this.endStates = [this.parallel];
      return;
    }
    const checkFunction = props.checkFunction!;

    // Start: keep the job reference and schedule the first check.
    const firstWait = loopCost.firstWaitSeconds ?? policy.pollIntervalSeconds;
    const firstPoll = { outcome: 'RUNNING', nextPollSeconds: firstWait };
    const start = new LanguageTask(this, 'Start', {
      ...name('Start job'),
      resource: props.start.resource,
      parameters: { jsonPath: props.start.parameters, jsonata: props.start.parameters },
      parametersProp: 'start.parameters',
      policyStatements: props.start.policyStatements ?? [],
      io: {
        jsonPath: {
          ResultSelector: {
            job: { ...Object.fromEntries(fields.map(([key, field]) => [`${key}.$`, `$.${field}`])), poll: firstPoll },
          },
          ResultPath: data.jsonPath(),
        },
        jsonata: {
          Output: jsonataExpr(data.jsonataSet(jsonataObject({
            job: jsonataObject({
              ...Object.fromEntries(fields.map(([key, field]) => [key, `$states.result.${field}`])),
              poll: jsonataObject({ outcome: jsonataString('RUNNING'), nextPollSeconds: String(firstWait) }),
            }),
          }))),
        },
      },
    });

    const secondsField = ['job', 'poll', 'nextPollSeconds'];
    const eventWait: EventWait | undefined = events ? buildEventWait(this, { name, data, secondsField, ...events }) : undefined;
    const wait: sfn.State = eventWait?.first ?? new LanguageWait(this, 'Wait', name('Wait'), data, secondsField);
    this.eventWaitState = eventWait?.first;

    const invoke = (id_: string, suffix: string, payload: Record<string, unknown>, io: PerLanguage) => {
      const task = new LanguageTask(this, id_, {
        ...name(suffix),
        resource: lambdaInvokeArn(),
        parameters: {
          jsonPath: { FunctionName: checkFunction.functionArn, Payload: { ...payload, job: sfn.JsonPath.objectAt(data.jsonPath('job')) } },
          jsonata: { FunctionName: checkFunction.functionArn, Payload: { ...payload, job: jsonataExpr(data.jsonata('job')) } },
        },
        policyStatements: [invokeStatement(checkFunction)],
        io,
      });
      const jitterStrategy = sfn.JitterType.FULL;
      task.addRetry({ errors: LAMBDA_TRANSIENT_ERRORS, interval: Duration.seconds(2), maxAttempts: 6, backoffRate: 2, jitterStrategy });
      task.addRetry({ errors: [`${props.errorPrefix}.Throttled`], interval: Duration.seconds(10), maxAttempts: 5, backoffRate: 2, jitterStrategy });
      return task;
    };

    const check = invoke('Check', 'Check job', { action: 'check', policy: renderPolicy(policy) }, {
      jsonPath: { ResultSelector: { 'job.$': '$.Payload' }, ResultPath: data.jsonPath() },
      jsonata: { Output: jsonataExpr(data.jsonataSet(jsonataObject({ job: '$states.result.Payload' }))) },
    });

    const keepInput = { jsonPath: { ResultPath: null }, jsonata: { Output: '{% $states.input %}' } };
    const cause = { jsonPath: { CausePath: data.jsonPath('job', 'poll', 'cause') }, jsonata: { Cause: jsonataExpr(data.jsonata('job', 'poll', 'cause')) } };

    const succeeded = new LanguagePass(this, 'Succeeded', name('Job succeeded'), {
      jsonPath: { InputPath: data.jsonPath('job'), ResultPath: data.jsonPath() },
      jsonata: { Output: jsonataExpr(data.jsonataSet(data.jsonata('job'))) },
    });
    const failed = new LanguageFail(this, 'Failed', { ...name('Job failed'), error: this.jobFailedError }, cause);
    const cancelTimedOut = invoke('CancelTimedOut', 'Cancel job (timed out)', { action: 'cancel', reason: 'TIMED_OUT' }, keepInput);
    const timedOut = new LanguageFail(this, 'TimedOut', { ...name('Job timed out'), error: this.jobTimedOutError }, cause);
    const cancelStuck = invoke('CancelStuck', 'Cancel job (stuck)', { action: 'cancel', reason: 'STUCK' }, keepInput);
    const stuck = new LanguageFail(this, 'Stuck', { ...name('Job stuck'), error: this.jobStuckError }, cause);

    const outcome = (value: string, next: sfn.IChainable) => ({
      jsonPath: sfn.Condition.stringEquals(data.jsonPath('job', 'poll', 'outcome'), value),
      jsonata: `${data.jsonata('job', 'poll', 'outcome')} = ${jsonataString(value)}`,
      next,
    });
    const decide = new LanguageChoice(this, 'Decide', name('Job finished?'))
      .rule(outcome('RUNNING', wait))
      .rule(outcome('SUCCEEDED', succeeded))
      .rule(outcome('FAILED', failed))
      .rule(outcome('TIMED_OUT', cancelTimedOut.next(timedOut)))
      .rule(outcome('STUCK', cancelStuck.next(stuck)));

    start.next(wait);
    if (eventWait) eventWait.next(check);
    else (wait as LanguageWait).next(check);
    check.next(decide);

    // The loop runs as the single branch of a Parallel named after the poller: the Parallel's output is the
    // branch's (the state input with the result at resultPath), and a failing Fail state of the loop fails the
    // Parallel with the same error and cause, so the poller can be caught and retried like a task.
    this.parallel = new LanguageParallel(this, 'Parallel', parallelProps);
    this.parallel.branch(start);
    if (props.cancelJobOnExecutionStop ?? true) {
      cancelJobsOnExecutionStop(this, { kind: 'poller', state: start, resource: props.start.resource, checkFunction, resultFields: props.start.resultFields });
    }

    this.startTask = start;
    this.checkTask = check;
    this.errors = [this.jobFailedError, this.jobTimedOutError, this.jobStuckError];
    this.startState = this.parallel;
    this.endStates = [this.parallel];
  }

  /**
   * Adds a retrier for errors of the poller (the start task's, the check task's once its own retries are
   * exhausted, and the Fail states' `<errorPrefix>.JobFailed`, `.JobTimedOut`, `.JobStuck`): the whole poller
   * (submission included) runs again.
   *
   * @param props the retrier: `errors` defaults to all errors (`States.ALL`)
   */
  public addRetry(props: sfn.RetryProps = {}): JobPoller {
    this.parallel.addRetry(props);
    return this;
  }

  /**
   * Adds a catcher for errors of the poller, like `addCatch` on a task: on a matching error the execution
   * continues at `handler`. `errors: poller.errors` catches the poller's own failures only.
   *
   * @param handler the state to go to
   * @param props the catcher: `errors` defaults to all errors (`States.ALL`). In a JSONPath state machine,
   * `resultPath` places the error in the poller's input (default `$`: the error replaces it); in a JSONata one,
   * `outputs` and `assign` read it as `$states.errorOutput` (`resultPath` is refused there: a JSONPath field)
   */
  public addCatch(handler: sfn.IChainable, props: sfn.CatchProps = {}): JobPoller {
    this.parallel.addCatch(handler, props);
    return this;
  }
}

/** `$.<prefix>` with characters other than letters, digits and `_` replaced by `_`. */
function defaultResultPath(prefix: string): string {
  const key = prefix.replace(/[^A-Za-z0-9_]/g, '_');
  return `$.${/^[0-9]/.test(key) ? `_${key}` : key}`;
}

function seconds(scope: Construct, prop: string, value: Duration | undefined, fallback: Duration | undefined): number | undefined {
  const duration = value ?? fallback;
  if (duration === undefined) return undefined;
  if (duration.isUnresolved()) {
    invalid(scope, prop, 'a literal duration (the poll policy is checked and rendered at synthesis)', duration);
  }
  const s = duration.toSeconds({ integral: false });
  if (!Number.isInteger(s) || s < 1) invalid(scope, prop, 'a whole number of seconds, at least 1 second', duration);
  if (s > 31_536_000) invalid(scope, prop, 'at most 365 days (the longest a Standard execution runs)', duration);
  return s;
}

function pollPolicy(scope: Construct, props: JobPollingOptions, baseLoop: LoopCost, events: boolean): { policy: PollPolicy; loop: LoopCost } {
  const pollIntervalSeconds = seconds(scope, 'pollInterval', props.pollInterval, JobPoller.DEFAULT_POLL_INTERVAL)!;
  // When only a pollInterval longer than the default cap is given, the waits stay at pollInterval.
  const maxPollIntervalSeconds = seconds(scope, 'maxPollInterval', props.maxPollInterval, undefined)
    ?? Math.max(pollIntervalSeconds, JobPoller.DEFAULT_MAX_POLL_INTERVAL.toSeconds());
  const timeoutSeconds = seconds(scope, 'timeout', props.timeout, undefined);
  const maxQueueSeconds = seconds(scope, 'maxQueueTime', props.maxQueueTime, undefined);
  if (maxPollIntervalSeconds < pollIntervalSeconds) {
    invalid(scope, 'maxPollInterval', `at least pollInterval (${pollIntervalSeconds} seconds)`, props.maxPollInterval);
  }
  if (timeoutSeconds !== undefined && timeoutSeconds < pollIntervalSeconds) {
    invalid(scope, 'timeout', `at least pollInterval (${pollIntervalSeconds} seconds): the first check comes after one interval`, props.timeout);
  }
  if (maxQueueSeconds !== undefined && maxQueueSeconds < pollIntervalSeconds) {
    invalid(scope, 'maxQueueTime', `at least pollInterval (${pollIntervalSeconds} seconds): the first check comes after one interval`, props.maxQueueTime);
  }
  if (maxQueueSeconds !== undefined && timeoutSeconds !== undefined && maxQueueSeconds >= timeoutSeconds) {
    Annotations.of(scope).addWarningV2('cdk-sfn-jobs:maxQueueTimeNotBeforeTimeout',
      `maxQueueTime (${maxQueueSeconds} s) is not shorter than timeout (${timeoutSeconds} s): a job that never starts times out first.`);
  }
  const policy: PollPolicy = { pollIntervalSeconds, maxPollIntervalSeconds, growthPercent: GROWTH_PERCENT, timeoutSeconds, maxQueueSeconds };
  const loop = events ? eventLoopCost(baseLoop, policy) : baseLoop;
  if (timeoutSeconds !== undefined) {
    const historyEvents = pollCost(policy, Number.POSITIVE_INFINITY, { loop }).events;
    if (historyEvents > HISTORY_LIMIT) {
      const max = maxSupportedSeconds(policy, loop);
      invalid(scope, 'timeout',
        `at most ${Duration.seconds(max).toHumanString()} with maxPollInterval ${Duration.seconds(maxPollIntervalSeconds).toHumanString()} ` +
        `(a longer poll would need ${historyEvents} history events; a Standard execution allows ${HISTORY_LIMIT}); raise maxPollInterval or shorten timeout`,
        props.timeout);
    }
  }
  return { policy, loop };
}

/** The event and table of `detection: JobDetection.events(...)`, checked; undefined when polling. */
function jobEvents(scope: Construct, props: JobPollerProps): { source: JobEventSource; jobKey: string; table?: dynamodb.ITable } | undefined {
  const detection = props.detection;
  if (detection === undefined || detection === null) return undefined;
  if (typeof detection !== 'object' || typeof (detection as JobDetection).usesEvents !== 'boolean') {
    invalid(scope, 'detection', 'a JobDetection (JobDetection.polling() or JobDetection.events(…))', detection);
  }
  if (!detection.usesEvents) return undefined;
  const options = detection.eventsOptions ?? {};
  if (options.table !== undefined && (typeof options.table !== 'object' || typeof options.table.tableArn !== 'string')) {
    invalid(scope, 'detection.table', 'a DynamoDB table (dynamodb.ITable)', options.table);
  }
  const event = options.event;
  if (event === undefined || event === null) {
    invalid(scope, 'detection.event', 'given for a JobPoller (the event\'s source, detail-type, job and status fields, terminal statuses and the job key)', event);
  }
  const text = (prop: string, value: unknown) => {
    if (typeof value !== 'string' || value.length === 0 || Token.isUnresolved(value)) invalid(scope, `detection.event.${prop}`, 'a non-empty literal string', value);
  };
  text('source', event.source);
  text('detailType', event.detailType);
  for (const prop of ['jobField', 'statusField'] as const) {
    if (typeof event[prop] !== 'string' || !FIELD_PATH.test(event[prop])) {
      invalid(scope, `detection.event.${prop}`, 'a dotted path of detail field names, such as "jobId" (no "$." or "detail." prefix)', event[prop]);
    }
  }
  if (!Array.isArray(event.terminalStatuses) || event.terminalStatuses.length === 0 || event.terminalStatuses.some((x) => typeof x !== 'string' || x.length === 0)) {
    invalid(scope, 'detection.event.terminalStatuses', 'a list of at least one non-empty status', event.terminalStatuses);
  }
  const keys = [...Object.keys(props.start.resultFields ?? {}), ...Object.keys(props.start.jobValues ?? {})];
  if (typeof event.jobKey !== 'string' || !keys.includes(event.jobKey)) {
    invalid(scope, 'detection.event.jobKey', `a key of the job (start.resultFields or start.jobValues: ${keys.join(', ') || 'none'})`, event.jobKey);
  }
  const { jobKey, ...source } = event;
  return { source: { ...source, terminalStatuses: [...source.terminalStatuses] }, jobKey, table: options.table };
}

/** A detail field: a dotted path of names. */
const FIELD_PATH = /^[A-Za-z_][A-Za-z0-9_-]*(\.[A-Za-z_][A-Za-z0-9_-]*)*$/;

function renderPolicy(policy: PollPolicy): Record<string, number> {
  const rendered: Record<string, number> = {
    pollIntervalSeconds: policy.pollIntervalSeconds,
    maxPollIntervalSeconds: policy.maxPollIntervalSeconds,
    growthPercent: policy.growthPercent,
  };
  if (policy.timeoutSeconds !== undefined) rendered.timeoutSeconds = policy.timeoutSeconds;
  if (policy.maxQueueSeconds !== undefined) rendered.maxQueueSeconds = policy.maxQueueSeconds;
  return rendered;
}
