import { Annotations, Duration } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { cancelJobsOnExecutionStop, isJsonata, jsonataObject, jsonataString, SdkJobStarter } from '../../private';
import type { JobPollerStart } from '../job-poller';
import type { JobPollerSdkCall, JobPollerSdkCheck } from '../sdk-check';
import { buildEventWait, EventWait } from './event-wait';
import type { JobEventSource } from './job-events';
import { PollSchedule } from './schedule';
import { DataPath, LanguageChoice, LanguageFail, LanguagePass, LanguageStateProps, LanguageTask, LanguageWait, PerLanguage } from './states';

/**
 * The poll loop of a `JobPoller` whose check is an AWS SDK call: no function, the policy computed by the state
 * machine from a table made at synthesis (see `pollSchedule`).
 *
 * ```
 * [Prepare job] ─► Start job ─► Wait ─► Check job ─► Job finished? ─ running, deadline passed ─► [Cancel job] ─► Job timed out
 *                    └(already running)─► Job already running ─┘            ├ running ────────► Wait
 *                                                                           ├ succeeded ──────► Job succeeded
 *                                                                           ├ reason given ───► Job failed
 *                                                                           └ otherwise ──────► Job failed (no reason)
 * ```
 *
 * The data at `resultPath`: `job` (the job's identifiers: `jobValues` and the start's `resultFields`), `status`
 * (the last check's whole response) and `poll` (`index` in the table, `checks`, `elapsedSeconds` — the sum of the
 * waits — and `waitSeconds`, the next wait). JSONPath cannot read a task's input in its ResultSelector, so the
 * loop's own state (`job`, `poll`) is also kept in a workflow variable, local to the poller's Parallel branch;
 * JSONata reads it from `$states.input`.
 */
export interface SdkLoopProps {
  readonly start: JobPollerStart;
  readonly check: JobPollerSdkCheck;
  readonly schedule: PollSchedule;
  /** When the poller gives up: `timeout`, else the longest job the history allows. */
  readonly deadlineSeconds: number;
  /** Whether the deadline is the user's `timeout` (else the history limit). */
  readonly deadlineIsTimeout: boolean;
  readonly data: DataPath;
  readonly name: (suffix: string) => LanguageStateProps;
  /** The workflow variable of the loop (a valid, poller-specific name). */
  readonly variable: string;
  readonly jobFailedError: string;
  readonly jobTimedOutError: string;
  /** `JobDetection.events()`: the event, the job key and the table; each round waits for the event (see `buildEventWait`). */
  readonly events?: { readonly source: JobEventSource; readonly jobKey: string; readonly table?: dynamodb.ITable };
}

export interface SdkLoop {
  readonly first: sfn.State;
  readonly start: LanguageTask;
  readonly check: LanguageTask;
  /** With events: the round's states. */
  readonly eventWait?: EventWait;
}

const RETRY = { interval: Duration.seconds(2), maxAttempts: 6, backoffRate: 2, jitterStrategy: sfn.JitterType.FULL };

export function buildSdkLoop(scope: Construct, props: SdkLoopProps): SdkLoop {
  const { data, name, schedule, variable: v, check } = props;
  const jobValues = props.start.jobValues ?? {};
  const valueKeys = Object.keys(jobValues);
  const resultFields = Object.entries(props.start.resultFields);
  const expr = (e: string) => `{% ${e} %}`;
  const initialPoll = { index: 0, checks: 0, elapsedSeconds: 0, waitSeconds: schedule.waits[0] };
  const initialPollJsonata = jsonataObject(Object.fromEntries(Object.entries(initialPoll).map(([k, n]) => [k, String(n)])));

  // Prepare: evaluate the job values once, against the poller's input, into the loop's variable.
  let prepare: LanguagePass | undefined;
  if (valueKeys.length > 0) {
    prepare = new LanguagePass(scope, 'Prepare', name('Prepare job'), (language, values) => (language === sfn.QueryLanguage.JSONATA
      ? { Assign: { [v]: { job: values } } }
      : { Parameters: { job: sfn.FieldUtils.renderObject(values) }, ResultPath: null, Assign: { [`${v}.$`]: '$' } }), jobValues);
  }

  const startParameters = (language: 'jsonPath' | 'jsonata') => ({
    ...props.start.parameters,
    ...refs(props.start.jobParameters ?? {}, language, (key) => `$${v}.job.${key}`),
    ...uuids(props.start.uuidParameters, language),
    ...Object.fromEntries(Object.entries(props.start.uniqueNameParameters ?? {}).map(([field, prefix]) => (language === 'jsonPath'
      ? [`${field}.$`, `States.Format('${intrinsicEscape(prefix)}-{}', States.UUID())`]
      : [field, `{% ${jsonataString(`${prefix}-`)} & $uuid() %}`]))),
  });
  const jobFromStart = {
    jsonPath: {
      ...Object.fromEntries(valueKeys.map((k) => [`${k}.$`, `$${v}.job.${k}`])),
      ...Object.fromEntries(resultFields.map(([k, field]) => [`${k}.$`, `$.${field}`])),
    },
    jsonata: jsonataObject({
      ...Object.fromEntries(valueKeys.map((k) => [k, `$${v}.job.${k}`])),
      ...Object.fromEntries(resultFields.map(([k, field]) => [k, `$states.result.${field}`])),
    }),
  };
  const start = new LanguageTask(scope, 'Start', {
    ...name('Start job'),
    resource: props.start.resource,
    parameters: { jsonPath: startParameters('jsonPath'), jsonata: startParameters('jsonata') },
    policyStatements: props.start.policyStatements ?? [],
    io: {
      jsonPath: {
        ResultSelector: { job: jobFromStart.jsonPath, poll: initialPoll },
        Assign: { [`${v}.$`]: '$' },
        ResultPath: data.jsonPath(),
      },
      jsonata: { Output: expr(data.jsonataSet(jsonataObject({ job: jobFromStart.jsonata, poll: initialPollJsonata }))) },
    },
  });
  retryOn(start, props.start.retryErrors);

  const secondsField = ['poll', 'waitSeconds'];
  const eventWait = props.events ? buildEventWait(scope, { name, data, secondsField, ...props.events }) : undefined;
  const wait: sfn.State = eventWait?.first ?? new LanguageWait(scope, 'Wait', name('Wait'), data, secondsField);
  start.next(wait);

  if ((props.start.runningErrors ?? []).length > 0) {
    // The job is running already (started by someone else): wait for that run instead of failing.
    const alreadyRunning = new LanguagePass(scope, 'AlreadyRunning', name('Job already running'), {
      jsonPath: {
        Parameters: { 'job.$': `$${v}.job`, 'poll': initialPoll },
        Assign: { [`${v}.$`]: '$' },
        ResultPath: data.jsonPath(),
      },
      jsonata: { Output: expr(data.jsonataSet(jsonataObject({ job: `$${v}.job`, poll: initialPollJsonata }))) },
    });
    start.addInternalCatch(alreadyRunning, { errors: props.start.runningErrors, resultPath: data.jsonPath('startError') });
    alreadyRunning.next(wait);
  }

  // Check: the SDK call; its output is the loop's new state, computed from the table.
  const arr = (xs: number[]) => `States.Array(${xs.join(', ')})`;
  const old = `$${v}.poll`;
  const nextIndex = `States.ArrayGetItem(${arr(schedule.next)}, ${old}.index)`;
  const jsonPathPoll = {
    'index.$': nextIndex,
    'checks.$': `States.MathAdd(${old}.checks, 1)`,
    'elapsedSeconds.$': `States.MathAdd(${old}.elapsedSeconds, ${old}.waitSeconds)`,
    'waitSeconds.$': `States.ArrayGetItem(${arr(schedule.waits)}, ${nextIndex})`,
  };
  const inPoll = (f: string) => data.jsonata('poll', f);
  const jsonataNextIndex = `[${schedule.next.join(', ')}][${inPoll('index')}]`;
  const jsonataPoll = jsonataObject({
    index: jsonataNextIndex,
    checks: `${inPoll('checks')} + 1`,
    elapsedSeconds: `${inPoll('elapsedSeconds')} + ${inPoll('waitSeconds')}`,
    waitSeconds: `[${schedule.waits.join(', ')}][${jsonataNextIndex}]`,
  });
  const checkTask = sdkTask(scope, 'Check', name('Check job'), check.call, data, {
    jsonPath: {
      ResultSelector: { 'job.$': `$${v}.job`, 'status.$': '$', 'poll': jsonPathPoll },
      Assign: { [v]: { 'job.$': '$.job', 'poll.$': '$.poll' } },
      ResultPath: data.jsonPath(),
    },
    jsonata: {
      Output: expr(data.jsonataSet(jsonataObject({ job: data.jsonata('job'), status: '$states.result', poll: jsonataPoll }))),
    },
  });
  if (eventWait) eventWait.next(checkTask);
  else (wait as LanguageWait).next(checkTask);

  // The outcomes.
  const status = check.status;
  const at = (field: string) => field.split('.');
  const statusPath = at(status.statusField);
  const oneOf = (values: string[]) => ({
    jsonPath: values.length === 1
      ? sfn.Condition.stringEquals(data.jsonPath('status', ...statusPath), values[0])
      : sfn.Condition.or(...values.map((x) => sfn.Condition.stringEquals(data.jsonPath('status', ...statusPath), x))),
    jsonata: `${data.jsonata('status', ...statusPath)} in [${values.map(jsonataString).join(', ')}]`,
  });
  const running = oneOf(status.runningValues);
  const succeededStatus = oneOf(status.succeededValues);

  const keepInput: PerLanguage = { jsonPath: { ResultPath: null }, jsonata: { Output: '{% $states.input %}' } };
  const deadlineText = Duration.seconds(props.deadlineSeconds).toHumanString();
  const timedOutCause = props.deadlineIsTimeout
    ? `The ${check.jobDescription} was still running at the timeout (${deadlineText})${check.cancel ? ', and was stopped' : ''}.`
    : `The ${check.jobDescription} was still running after ${deadlineText}, the longest this poller can follow within an execution's history of 25,000 events${check.cancel ? '; it was stopped' : ''}. Set a timeout, or a longer maxPollInterval.`;
  const timedOut = new LanguageFail(scope, 'TimedOut', { ...name('Job timed out'), error: props.jobTimedOutError },
    { jsonPath: { Cause: timedOutCause }, jsonata: { Cause: timedOutCause } });
  let onDeadline: sfn.IChainable = timedOut;
  if (check.cancel) {
    const cancel = sdkTask(scope, 'Cancel', name('Cancel job'), check.cancel, data, keepInput);
    if ((check.cancel.endedErrors ?? []).length > 0) cancel.addCatch(timedOut, { errors: check.cancel.endedErrors });
    onDeadline = cancel.next(timedOut);
  }

  const succeeded = new LanguagePass(scope, 'Succeeded', name('Job succeeded'), {
    jsonPath: {
      Parameters: {
        'job.$': data.jsonPath('job'),
        'status.$': data.jsonPath('status'),
        'poll': { 'checks.$': data.jsonPath('poll', 'checks'), 'elapsedSeconds.$': data.jsonPath('poll', 'elapsedSeconds') },
      },
      ResultPath: data.jsonPath(),
    },
    jsonata: {
      Output: expr(data.jsonataSet(jsonataObject({
        job: data.jsonata('job'),
        status: data.jsonata('status'),
        poll: jsonataObject({ checks: inPoll('checks'), elapsedSeconds: inPoll('elapsedSeconds') }),
      }))),
    },
  });

  const outcomePath = at(status.outcomeField ?? status.statusField);
  const noReasonPrefix = `The ${check.jobDescription} ended with `;
  const failedNoReason = new LanguageFail(scope, 'FailedNoReason', { ...name('Job failed (no reason)'), error: props.jobFailedError }, {
    jsonPath: { CausePath: `States.Format('${intrinsicEscape(noReasonPrefix)}{}', States.JsonToString(${data.jsonPath('status', ...outcomePath)}))` },
    jsonata: { Cause: expr(`${jsonataString(noReasonPrefix)} & $string(${data.jsonata('status', ...outcomePath)})`) },
  });

  const conditions = status.successConditions ?? [];
  const decide = new LanguageChoice(scope, 'Decide', name('Job finished?'))
    .rule({
      jsonPath: sfn.Condition.and(running.jsonPath, sfn.Condition.numberGreaterThanEquals(data.jsonPath('poll', 'elapsedSeconds'), props.deadlineSeconds)),
      jsonata: `(${running.jsonata}) and ${inPoll('elapsedSeconds')} >= ${props.deadlineSeconds}`,
      next: onDeadline,
    })
    .rule({ jsonPath: running.jsonPath, jsonata: running.jsonata, next: wait })
    .rule({
      jsonPath: conditions.length === 0 ? succeededStatus.jsonPath : sfn.Condition.and(succeededStatus.jsonPath, ...conditions.map((c) => {
        const path = data.jsonPath('status', ...at(c.field));
        return sfn.Condition.and(sfn.Condition.isPresent(path),
          typeof c.value === 'number' ? sfn.Condition.numberEquals(path, c.value) : sfn.Condition.stringEquals(path, c.value));
      })),
      jsonata: [succeededStatus.jsonata, ...conditions.map((c) => `${data.jsonata('status', ...at(c.field))} = ${typeof c.value === 'number' ? String(c.value) : jsonataString(c.value)}`)]
        .map((t, i) => (i === 0 && conditions.length > 0 ? `(${t})` : t)).join(' and '),
      next: succeeded,
    });
  if (status.reasonField) {
    const reasonPath = at(status.reasonField);
    const failed = new LanguageFail(scope, 'Failed', { ...name('Job failed'), error: props.jobFailedError }, {
      jsonPath: { CausePath: data.jsonPath('status', ...reasonPath) },
      jsonata: { Cause: expr(data.jsonata('status', ...reasonPath)) },
    });
    decide.rule({
      jsonPath: sfn.Condition.isPresent(data.jsonPath('status', ...reasonPath)),
      jsonata: `$exists(${data.jsonata('status', ...reasonPath)})`,
      next: failed,
    });
  }
  decide.otherwise(failedNoReason);
  checkTask.next(decide);

  if (prepare) prepare.next(start);
  return { first: prepare ?? start, start, check: checkTask, eventWait };
}

function sdkTask(scope: Construct, id: string, props: LanguageStateProps, call: JobPollerSdkCall, data: DataPath, io: PerLanguage): LanguageTask {
  const parameters = (language: 'jsonPath' | 'jsonata') => ({
    ...call.parameters,
    ...refs(call.jobParameters ?? {}, language, (key) => (language === 'jsonPath' ? data.jsonPath('job', key) : data.jsonata('job', key))),
    ...uuids(call.uuidParameters, language),
  });
  const task = new LanguageTask(scope, id, {
    ...props,
    resource: call.resource,
    parameters: { jsonPath: parameters('jsonPath'), jsonata: parameters('jsonata') },
    policyStatements: call.policyStatements ?? [],
    io,
  });
  retryOn(task, call.retryErrors);
  return task;
}

function refs(fields: { [key: string]: string }, language: 'jsonPath' | 'jsonata', path: (key: string) => string): Record<string, string> {
  return Object.fromEntries(Object.entries(fields).map(([field, key]) =>
    (language === 'jsonPath' ? [`${field}.$`, path(key)] : [field, `{% ${path(key)} %}`])));
}

function uuids(fields: string[] | undefined, language: 'jsonPath' | 'jsonata'): Record<string, string> {
  return Object.fromEntries((fields ?? []).map((field) => (language === 'jsonPath' ? [`${field}.$`, 'States.UUID()'] : [field, '{% $uuid() %}'])));
}

function retryOn(task: LanguageTask, errors: string[] | undefined): void {
  if (errors && errors.length > 0) task.addRetry({ errors, ...RETRY });
}

/** Text inside a `States.Format` literal: `'`, `{`, `}` and `\` escaped. */
function intrinsicEscape(text: string): string {
  return text.replace(/[\\'{}]/g, (c) => `\\${c}`);
}

/** Whether a value is only known at run time. */
export function isRunTime(value: unknown): boolean {
  return isJsonata(value) || (typeof value === 'string' && sfn.JsonPath.isEncodedJsonPath(value));
}

/**
 * Registers an SDK-check poller with the stack's execution-stopped handler, so that stopping an execution cancels its
 * job with the same call the poller makes at its deadline. The service and command come from the cancel call's
 * resource (`aws-sdk:<service>:<action>` → `@aws-sdk/client-<service>`, `<Action>Command`).
 */
export function cancelSdkJobOnExecutionStop(
  requestedBy: Construct,
  poller: { readonly startTask: sfn.State; readonly checkTask: sfn.State },
  start: JobPollerStart,
  check: JobPollerSdkCheck,
): void {
  const cancel = check.cancel;
  if (!cancel?.sdkV3ClientClass) return;
  const m = /aws-sdk:([a-z0-9-]+):([A-Za-z0-9]+)$/.exec(cancel.resource);
  if (!m) return;
  const command = (action: string) => `${action[0].toUpperCase()}${action.slice(1)}Command`;
  const withoutService = (error: string) => error.replace(/^[A-Za-z0-9]+\./, '');
  const cancelState = poller.checkTask.stateId.replace(/Check job$/, 'Cancel job');
  const input = cancel.sdkV3Input ?? cancel.jobParameters ?? {};

  // A cancel that takes no value of the start's response (a run id) addresses the job by name: a run of the same
  // name may have been started by someone else. The handler then cancels only the run this execution started, told
  // by the check call's start time of the run that is running.
  let byName: SdkJobStarter['byName'];
  const byRunId = Object.values(input).some((key) => Object.prototype.hasOwnProperty.call(start.resultFields, key));
  if (!byRunId) {
    const checkAction = /aws-sdk:([a-z0-9-]+):([A-Za-z0-9]+)$/.exec(check.call.resource);
    if ((!cancel.runStartTimeField && !cancel.runElapsedTimeField) || !checkAction || checkAction[1] !== m[1]) {
      Annotations.of(requestedBy).addWarningV2('cdk-sfn-jobs:cancelOnStopByName',
        'The cancel call addresses the job by name only (no run id from the start\'s response), and the check does not tell when the running run began ' +
        '(sdkCheck.cancel.runStartTimeField or runElapsedTimeField, with a check call of the same service): the job is not cancelled when the execution stops, ' +
        'since the run going then may not be this execution\'s.');
      return;
    }
    byName = {
      command: command(checkAction[2]),
      parameters: check.call.parameters ?? {},
      input: check.call.jobParameters ?? {},
      statusField: check.status.statusField,
      runningValues: check.status.runningValues,
      startTimeField: cancel.runStartTimeField,
      elapsedTimeField: cancel.runElapsedTimeField,
    };
  }
  cancelJobsOnExecutionStop(requestedBy, {
    kind: 'sdk',
    state: poller.startTask,
    resource: start.resource,
    resultFields: start.resultFields,
    jobParameters: start.jobParameters ?? {},
    checkState: poller.checkTask.stateId,
    statusField: check.status.statusField,
    runningValues: check.status.runningValues,
    cancelState,
    cancelEndedErrors: cancel.endedErrors ?? [],
    cancel: {
      client: m[1],
      clientClass: cancel.sdkV3ClientClass,
      command: command(m[2]),
      input,
      uuidFields: cancel.uuidParameters ?? [],
      // SDK v3 exception names; Step Functions adds `Exception` where the service's name has none.
      endedErrors: (cancel.endedErrors ?? []).flatMap((e) => [withoutService(e), withoutService(e).replace(/Exception$/, '')]),
    },
    byName,
    statements: [...cancel.policyStatements ?? [], ...(byName ? check.call.policyStatements ?? [] : [])],
  });
}
