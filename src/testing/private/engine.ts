import { ERRORS, StatesError } from './errors';
import { evaluateExpression, evaluateTemplate, isExpression, JsonataScope } from './jsonata';
import { TestCaseMocks, unansweredCall } from './mocks';
import { SeededRandom } from './random';
import { ExecutionResultData, RunOptions, StateRecordData, TaskOutcomeData } from './types';
import { DefinitionInfo } from './validate';

/**
 * The executor: runs an ASL definition on a virtual clock.
 *
 * Choices made where AWS's documentation is silent (or where an offline run must simplify):
 * - Parallel branches and Map iterations run one after the other, in index order, so runs are deterministic.
 *   Their virtual time is still concurrent: every branch starts when the Parallel starts and the Parallel ends
 *   with its slowest branch; Map iterations are placed on `MaxConcurrency` slots (0 = all at once).
 *   When a branch or iteration fails, the ones after it are not run (AWS would stop them), and the state fails
 *   at the failing branch's virtual time.
 * - A failing branch or iteration fails its Parallel/Map with the branch's own error and cause;
 *   `States.BranchFailed` in a Retry or Catch of that Parallel/Map matches any such failure.
 * - `States.Runtime` is never retried or caught (AWS: it always fails the execution); `States.DataLimitExceeded`
 *   is not matched by `States.ALL` (AWS: a terminal error), only by its own name.
 * - `States.TaskFailed` in a Retry or Catch matches every error except `States.Timeout` and the two above.
 * - Transitions count every state entered plus every retry (AWS bills retries as transitions). History events
 *   count as AWS records them: ExecutionStarted, <Type>StateEntered, Task: Scheduled, Started, (Submitted for
 *   `.sync` and `.waitForTaskToken`), Succeeded/Failed/TimedOut per attempt, <Type>StateExited on success,
 *   Parallel/Map: Started and Succeeded/Failed, Map: IterationStarted and IterationSucceeded/Failed per item,
 *   and the execution's end event. A state that fails records no Exited event.
 * - `HeartbeatSeconds`: a mocked or handled task sends no heartbeats, so a task that takes longer than
 *   `HeartbeatSeconds` fails with `States.HeartbeatTimeout` (when that comes before `TimeoutSeconds`).
 * - JSONPath `Assign` sees the state's result as `$` (Task/Parallel/Map: after ResultSelector; Pass: Result or
 *   Parameters; Choice/Wait: the effective input) and, in a Catch, the error output.
 * - Variables: each Parallel branch and Map iteration has its own scope; it reads the outer scopes' variables,
 *   and its assignments (even of an outer name, which then shadows it) stay in the branch.
 */

/** Raised when the execution's own `TimeoutSeconds` passes: not a state error, nothing catches it. */
class ExecutionTimedOut extends Error {}

/** A StatesError raised by a branch or iteration (for `States.BranchFailed` matching). */
class BranchError extends StatesError {}

interface Clock { now: number }

class Scope {
  private readonly own: Record<string, any> = {};
  private cache?: Record<string, any>;
  constructor(private readonly parent?: Scope) {}

  public all(): Record<string, any> {
    // A scope's parent does not change while the scope lives (the outer state waits for its branches).
    this.cache ??= { ...this.parent?.all(), ...this.own };
    return this.cache;
  }

  public assign(values: Record<string, any>): void {
    Object.assign(this.own, values);
    this.cache = undefined;
  }
}

interface Frame {
  readonly path: string;
  readonly language: string;
  readonly scope: Scope;
  readonly clock: Clock;
}

interface StepResult {
  readonly output: any;
  readonly next?: string;
  readonly assign?: Record<string, any>;
}

interface JsonPathModule {
  readPath(path: string, ctx: PathContext): any;
  applyPayloadTemplate(template: any, ctx: PathContext): any;
  applyResultPath(input: any, result: any, resultPath: string | null | undefined): any;
  evaluateIntrinsic(expression: string, ctx: PathContext): any;
  evaluateChoiceRule(rule: any, ctx: PathContext): boolean;
}
interface PathContext { readonly input: any; readonly context: any; readonly variables: Record<string, any>; readonly random: () => number }

let jsonPathModule: JsonPathModule | undefined;
function jsonPath(): JsonPathModule {
  // Loaded on first use (it loads jsonpath-plus): importing the constructs never loads it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  jsonPathModule ??= require('./jsonpath') as JsonPathModule;
  return jsonPathModule;
}

/** Step Functions' payload quota: 256 KiB of UTF-8 JSON. */
export const PAYLOAD_LIMIT_BYTES = 262_144;
const DEFAULT_TASK_TIMEOUT_SECONDS = 99_999_999;
const DEFAULT_START_TIME = '2026-01-01T00:00:00Z';
const REGION = 'us-east-1';
const ACCOUNT = '123456789012';

export class Execution {
  private transitions = 0;
  private events = 0;
  private readonly records: StateRecordData[] = [];
  private readonly invocations = new Map<string, number>();
  private readonly random: SeededRandom;
  private readonly startMillis: number;
  private readonly deadlineMillis?: number;
  private readonly mocks?: TestCaseMocks;
  private readonly maxTransitions: number;
  private readonly executionContext: Record<string, any>;
  private readonly stateMachineContext: Record<string, any>;
  private readonly trace?: (line: string) => void;

  constructor(private readonly definition: any, _info: DefinitionInfo, private readonly options: RunOptions) {
    this.random = new SeededRandom(options.seed ?? 1);
    const start = options.startTime ?? DEFAULT_START_TIME;
    this.startMillis = Date.parse(start);
    if (Number.isNaN(this.startMillis)) throw new Error(`startTime must be an ISO 8601 timestamp; got '${start}'`);
    if (definition.TimeoutSeconds !== undefined) this.deadlineMillis = this.startMillis + definition.TimeoutSeconds * 1000;
    this.maxTransitions = options.maxTransitions ?? 100_000;
    this.mocks = options.mocks;
    const machineName = options.stateMachineName ?? 'StateMachine';
    const executionName = options.executionName ?? this.random.uuid();
    const stateMachineArn = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${machineName}`;
    this.stateMachineContext = { Id: stateMachineArn, Name: machineName };
    this.executionContext = {
      Id: `arn:aws:states:${REGION}:${ACCOUNT}:execution:${machineName}:${executionName}`,
      Input: options.input ?? {},
      Name: executionName,
      RoleArn: `arn:aws:iam::${ACCOUNT}:role/StepFunctions-${machineName}-role`,
      StartTime: new Date(this.startMillis).toISOString(),
      RedriveCount: 0,
    };
    if (options.trace) this.trace = options.traceSink ?? ((line) => process.stderr.write(line + '\n'));
  }

  public async run(): Promise<ExecutionResultData> {
    const clock: Clock = { now: this.startMillis };
    const frame: Frame = { path: '', language: this.definition.QueryLanguage ?? 'JSONPath', scope: new Scope(), clock };
    this.events++; // ExecutionStarted
    let status = 'SUCCEEDED';
    let output: any;
    let error: string | undefined;
    let cause: string | undefined;
    try {
      output = await this.runMachine(this.definition, this.options.input ?? {}, frame);
    } catch (e) {
      if (e instanceof ExecutionTimedOut) {
        clock.now = this.deadlineMillis!;
        status = 'TIMED_OUT';
        error = ERRORS.TIMEOUT;
        cause = `The execution ran longer than its TimeoutSeconds (${this.definition.TimeoutSeconds})`;
      } else if (e instanceof StatesError) {
        status = 'FAILED';
        error = e.error;
        cause = e.cause;
      } else {
        throw e;
      }
    }
    this.events++; // ExecutionSucceeded / ExecutionFailed / ExecutionTimedOut
    this.trace?.(`[${this.seconds(clock.now)}s] execution ${status}${error ? ` ${error}: ${cause}` : ''}`);
    return {
      status,
      output: status === 'SUCCEEDED' ? output : undefined,
      error,
      cause,
      elapsedSeconds: this.seconds(clock.now),
      stateTransitions: this.transitions,
      historyEvents: this.events,
      states: this.records,
      unusedMocks: this.mocks?.unused() ?? [],
    };
  }

  // ---------------------------------------------------------------------------------------------------------------
  // The state loop

  private async runMachine(machine: any, input: any, frame: Frame): Promise<any> {
    let name: string = machine.StartAt;
    let value = input;
    for (;;) {
      const state = machine.States[name];
      const language = state.QueryLanguage ?? frame.language;
      const stateFrame: Frame = language === frame.language ? frame : { ...frame, language };
      this.transitions++;
      if (this.transitions > this.maxTransitions) {
        throw new Error(`the execution exceeded maxTransitions (${this.maxTransitions}) at state '${name}': raise maxTransitions or look for an endless loop`);
      }
      this.events++; // <Type>StateEntered
      const record: StateRecordData = { name, type: state.Type, path: frame.path, enteredSeconds: this.seconds(frame.clock.now), input: copy(value) };
      this.records.push(record);
      this.trace?.(`[${record.enteredSeconds}s] ${frame.path ? frame.path + '/' : ''}${name} (${state.Type}) entered`);
      const enteredTime = new Date(frame.clock.now).toISOString();
      let step: StepResult;
      try {
        checkSize(value, name, 'input');
        step = await this.runState(name, state, value, stateFrame, enteredTime, record);
        checkSize(step.output, name, 'output');
      } catch (e) {
        if (!(e instanceof StatesError)) throw e;
        record.error = e.error;
        record.cause = e.cause;
        record.exitedSeconds = this.seconds(frame.clock.now);
        const catcher = (state.Catch ?? []).find((c: any) => matches(c.ErrorEquals, e));
        if (!catcher) {
          this.trace?.(`[${record.exitedSeconds}s] ${name} failed: ${e.error}: ${e.cause}`);
          throw e;
        }
        this.trace?.(`[${record.exitedSeconds}s] ${name} failed: ${e.error}, caught → ${catcher.Next}`);
        const caught = await this.applyCatch(name, catcher, value, e, stateFrame, enteredTime);
        if (caught.assign) frame.scope.assign(caught.assign);
        name = catcher.Next;
        value = caught.output;
        continue;
      }
      if (state.Type !== 'Fail') this.events++; // <Type>StateExited
      if (step.assign) frame.scope.assign(step.assign);
      record.output = copy(step.output);
      record.exitedSeconds = this.seconds(frame.clock.now);
      this.trace?.(`[${record.exitedSeconds}s] ${name} exited${step.next ? ` → ${step.next}` : ''}`);
      if (!step.next) return step.output;
      name = step.next;
      value = step.output;
    }
  }

  private async runState(name: string, state: any, input: any, frame: Frame, enteredTime: string, record: StateRecordData): Promise<StepResult> {
    switch (state.Type) {
      case 'Pass': return this.runPass(name, state, input, frame, enteredTime);
      case 'Task': return this.withRetry(name, state, frame, (attempt) => this.runTask(name, state, input, frame, enteredTime, attempt, record));
      case 'Choice': return this.runChoice(name, state, input, frame, enteredTime);
      case 'Wait': return this.runWait(name, state, input, frame, enteredTime);
      case 'Succeed': return this.runSucceed(name, state, input, frame, enteredTime);
      case 'Fail': return this.runFail(name, state, input, frame, enteredTime);
      case 'Parallel': return this.withRetry(name, state, frame, (attempt) => this.runParallel(name, state, input, frame, enteredTime, attempt));
      case 'Map': return this.withRetry(name, state, frame, (attempt) => this.runMap(name, state, input, frame, enteredTime, attempt));
      default: throw new StatesError(ERRORS.RUNTIME, `State '${name}' has an unknown Type '${state.Type}'`);
    }
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Evaluation helpers

  private context(name: string, enteredTime: string, retryCount: number, extra?: Record<string, any>): Record<string, any> {
    return {
      Execution: this.executionContext,
      StateMachine: this.stateMachineContext,
      State: { EnteredTime: enteredTime, Name: name, RetryCount: retryCount },
      ...extra,
    };
  }

  private jsonataScope(name: string, frame: Frame, states: Record<string, any>): JsonataScope {
    return { stateName: name, states, variables: frame.scope.all(), nowMillis: frame.clock.now, random: this.random };
  }

  private pathContext(input: any, context: any, frame: Frame): PathContext {
    return { input, context, variables: frame.scope.all(), random: () => this.random.next() };
  }

  private readPath(path: string | null | undefined, input: any, context: any, frame: Frame): any {
    if (path === undefined || path === '$') return input;
    if (path === null) return {};
    return jsonPath().readPath(path, this.pathContext(input, context, frame));
  }

  /** JSONPath: InputPath then Parameters (or ItemSelector). */
  private effectiveInput(state: any, input: any, context: any, frame: Frame, template?: any): any {
    const selected = this.readPath(state.InputPath, input, context, frame);
    if (template === undefined) return selected;
    return jsonPath().applyPayloadTemplate(template, this.pathContext(selected, context, frame));
  }

  /** JSONPath Assign: a payload template with `$` the given value. */
  private assignPath(template: any, value: any, context: any, frame: Frame): Record<string, any> | undefined {
    return template === undefined ? undefined : jsonPath().applyPayloadTemplate(template, this.pathContext(value, context, frame));
  }

  /** JSONPath: ResultSelector, Assign, ResultPath, OutputPath. */
  private jsonPathOutput(state: any, input: any, result: any, context: any, frame: Frame, options: { selector?: boolean } = {}): StepResult {
    const selected = options.selector !== false && state.ResultSelector !== undefined
      ? jsonPath().applyPayloadTemplate(state.ResultSelector, this.pathContext(result, context, frame))
      : result;
    const assign = this.assignPath(state.Assign, selected, context, frame);
    const combined = jsonPath().applyResultPath(input, selected, state.ResultPath);
    const output = this.readPath(state.OutputPath, combined, context, frame);
    return { output, assign, next: state.Next };
  }

  /** JSONata: Assign and Output, both evaluated with the variables as they were when the state was entered. */
  private async jsonataOutput(
    name: string, state: any, states: Record<string, any>, frame: Frame, fallback: any, next?: string,
  ): Promise<StepResult> {
    const scope = this.jsonataScope(name, frame, states);
    const assign = state.Assign !== undefined ? await evaluateTemplate(state.Assign, 'Assign', scope) : undefined;
    const output = state.Output !== undefined ? await evaluateTemplate(state.Output, 'Output', scope) : fallback;
    return { output, assign, next };
  }

  private async jsonataNumber(value: any, field: string, scope: JsonataScope): Promise<number | undefined> {
    if (value === undefined) return undefined;
    const n = isExpression(value) ? await evaluateExpression(value, field, scope) : value;
    if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) {
      throw new StatesError(ERRORS.QUERY_EVALUATION, `State '${scope.stateName}': ${field} must be a non-negative number; got ${JSON.stringify(n)}`);
    }
    return n;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // The clock

  private advance(clock: Clock, seconds: number): void {
    const target = clock.now + Math.round(seconds * 1000);
    if (this.deadlineMillis !== undefined && target > this.deadlineMillis) {
      clock.now = Math.max(clock.now, this.deadlineMillis);
      throw new ExecutionTimedOut();
    }
    clock.now = target;
  }

  private seconds(millis: number): number {
    return (millis - this.startMillis) / 1000;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Retry and Catch

  private async withRetry(name: string, state: any, frame: Frame, attemptFn: (attempt: number) => Promise<StepResult>): Promise<StepResult> {
    const retriers: any[] = state.Retry ?? [];
    const counts = retriers.map(() => 0);
    for (let attempt = 0; ; attempt++) {
      try {
        return await attemptFn(attempt);
      } catch (e) {
        if (!(e instanceof StatesError)) throw e;
        const i = retriers.findIndex((r) => matches(r.ErrorEquals, e));
        if (i < 0) throw e;
        const r = retriers[i];
        const maxAttempts = r.MaxAttempts ?? 3;
        if (counts[i] >= maxAttempts) throw e;
        let delay = (r.IntervalSeconds ?? 1) * Math.pow(r.BackoffRate ?? 2, counts[i]);
        if (r.MaxDelaySeconds !== undefined) delay = Math.min(delay, r.MaxDelaySeconds);
        if (r.JitterStrategy === 'FULL') delay = this.random.next() * delay;
        counts[i]++;
        this.trace?.(`[${this.seconds(frame.clock.now)}s] ${name} retry ${counts[i]}/${maxAttempts} after ${e.error} in ${delay}s`);
        this.advance(frame.clock, delay);
        this.transitions++; // a retry is a state transition
        if (this.transitions > this.maxTransitions) {
          throw new Error(`the execution exceeded maxTransitions (${this.maxTransitions}) retrying state '${name}'`);
        }
      }
    }
  }

  private async applyCatch(name: string, catcher: any, input: any, e: StatesError, frame: Frame, enteredTime: string): Promise<StepResult> {
    const errorOutput = { Error: e.error, Cause: e.cause };
    const context = this.context(name, enteredTime, 0);
    if (frame.language === 'JSONata') {
      return this.jsonataOutput(name, catcher, { input, errorOutput, context }, frame, errorOutput, catcher.Next);
    }
    const assign = this.assignPath(catcher.Assign, errorOutput, context, frame);
    return { output: jsonPath().applyResultPath(input, errorOutput, catcher.ResultPath), assign, next: catcher.Next };
  }

  // ---------------------------------------------------------------------------------------------------------------
  // States

  private async runPass(name: string, state: any, input: any, frame: Frame, enteredTime: string): Promise<StepResult> {
    const context = this.context(name, enteredTime, 0);
    if (frame.language === 'JSONata') {
      return this.jsonataOutput(name, state, { input, context }, frame, input, state.Next);
    }
    const effective = this.effectiveInput(state, input, context, frame, state.Parameters);
    const result = state.Result !== undefined ? state.Result : effective;
    return this.jsonPathOutput(state, input, result, context, frame, { selector: false });
  }

  private async runSucceed(name: string, state: any, input: any, frame: Frame, enteredTime: string): Promise<StepResult> {
    const context = this.context(name, enteredTime, 0);
    if (frame.language === 'JSONata') return this.jsonataOutput(name, state, { input, context }, frame, input);
    return { output: this.readPath(state.OutputPath, this.readPath(state.InputPath, input, context, frame), context, frame) };
  }

  private async runFail(name: string, state: any, input: any, frame: Frame, enteredTime: string): Promise<StepResult> {
    const context = this.context(name, enteredTime, 0);
    let error: any;
    let cause: any;
    if (frame.language === 'JSONata') {
      const scope = this.jsonataScope(name, frame, { input, context });
      error = await evaluateTemplate(state.Error, 'Error', scope);
      cause = await evaluateTemplate(state.Cause, 'Cause', scope);
    } else {
      const ctx = this.pathContext(input, context, frame);
      error = state.ErrorPath !== undefined ? pathOrIntrinsic(state.ErrorPath, ctx) : state.Error;
      cause = state.CausePath !== undefined ? pathOrIntrinsic(state.CausePath, ctx) : state.Cause;
    }
    for (const [field, v] of [['Error', error], ['Cause', cause]]) {
      if (v !== undefined && typeof v !== 'string') {
        throw new StatesError(ERRORS.RUNTIME, `State '${name}': ${field} must evaluate to a string; got ${JSON.stringify(v)}`);
      }
    }
    throw new StatesError(error ?? '', cause ?? '');
  }

  private async runChoice(name: string, state: any, input: any, frame: Frame, enteredTime: string): Promise<StepResult> {
    const context = this.context(name, enteredTime, 0);
    if (frame.language === 'JSONata') {
      const states = { input, context };
      const scope = this.jsonataScope(name, frame, states);
      for (const [i, rule] of state.Choices.entries()) {
        const ok = await evaluateTemplate(rule.Condition, `Choices[${i}].Condition`, scope);
        if (typeof ok !== 'boolean') {
          throw new StatesError(ERRORS.QUERY_EVALUATION, `State '${name}': Choices[${i}].Condition must evaluate to a boolean; got ${JSON.stringify(ok)}`);
        }
        if (!ok) continue;
        const fields = { Assign: rule.Assign ?? state.Assign, Output: rule.Output ?? state.Output };
        return this.jsonataOutput(name, fields, states, frame, input, rule.Next);
      }
      if (state.Default === undefined) throw noChoice(name);
      return this.jsonataOutput(name, state, states, frame, input, state.Default);
    }
    const effective = this.readPath(state.InputPath, input, context, frame);
    const ctx = this.pathContext(effective, context, frame);
    let next: string | undefined;
    let ruleAssign: any;
    for (const rule of state.Choices) {
      const { Next, Assign, Comment, ...condition } = rule;
      if (jsonPath().evaluateChoiceRule(condition, ctx)) {
        next = Next;
        ruleAssign = Assign;
        break;
      }
    }
    if (next === undefined) {
      if (state.Default === undefined) throw noChoice(name);
      next = state.Default;
    }
    const assignTemplate = ruleAssign ?? state.Assign;
    const assign = this.assignPath(assignTemplate, effective, context, frame);
    return { output: this.readPath(state.OutputPath, effective, context, frame), assign, next };
  }

  private async runWait(name: string, state: any, input: any, frame: Frame, enteredTime: string): Promise<StepResult> {
    const context = this.context(name, enteredTime, 0);
    let seconds: number;
    if (frame.language === 'JSONata') {
      const scope = this.jsonataScope(name, frame, { input, context });
      if (state.Seconds !== undefined) {
        seconds = (await this.jsonataNumber(state.Seconds, 'Seconds', scope))!;
      } else {
        const ts = isExpression(state.Timestamp) ? await evaluateExpression(state.Timestamp, 'Timestamp', scope) : state.Timestamp;
        seconds = this.untilTimestamp(name, ts, frame, ERRORS.QUERY_EVALUATION);
      }
    } else {
      const effective = this.readPath(state.InputPath, input, context, frame);
      if (state.Seconds !== undefined) {
        seconds = state.Seconds;
      } else if (state.Timestamp !== undefined) {
        seconds = this.untilTimestamp(name, state.Timestamp, frame, ERRORS.RUNTIME);
      } else if (state.SecondsPath !== undefined) {
        seconds = jsonPath().readPath(state.SecondsPath, this.pathContext(effective, context, frame));
        if (typeof seconds !== 'number' || seconds < 0) {
          throw new StatesError(ERRORS.RUNTIME, `State '${name}': SecondsPath '${state.SecondsPath}' must select a non-negative number; got ${JSON.stringify(seconds)}`);
        }
      } else {
        const timestamp = jsonPath().readPath(state.TimestampPath, this.pathContext(effective, context, frame));
        seconds = this.untilTimestamp(name, timestamp, frame, ERRORS.RUNTIME);
      }
      this.advance(frame.clock, seconds);
      const assign = this.assignPath(state.Assign, effective, context, frame);
      return { output: this.readPath(state.OutputPath, effective, context, frame), assign, next: state.Next };
    }
    // JSONata: Output and Assign see the clock before the wait (they are evaluated with the state's input).
    const result = await this.jsonataOutput(name, state, { input, context }, frame, input, state.Next);
    this.advance(frame.clock, seconds);
    return result;
  }

  private untilTimestamp(name: string, value: any, frame: Frame, errorName: string): number {
    const t = typeof value === 'string' ? Date.parse(value) : NaN;
    if (Number.isNaN(t)) throw new StatesError(errorName, `State '${name}': Timestamp must be an ISO 8601 timestamp; got ${JSON.stringify(value)}`);
    return Math.max(0, (t - frame.clock.now) / 1000);
  }

  private async runTask(
    name: string, state: any, input: any, frame: Frame, enteredTime: string, attempt: number, record: StateRecordData,
  ): Promise<StepResult> {
    const resource: string = state.Resource;
    const pattern = resource.endsWith('.waitForTaskToken') ? 'callback' : /\.sync(:\d+)?$/.test(resource) ? 'sync' : 'request';
    const taskToken = pattern === 'callback' ? this.random.uuid() : undefined;
    const context = this.context(name, enteredTime, attempt, taskToken ? { Task: { Token: taskToken } } : undefined);
    let request: any;
    let timeout: number;
    let heartbeat: number | undefined;
    if (frame.language === 'JSONata') {
      const scope = this.jsonataScope(name, frame, { input, context });
      request = state.Arguments !== undefined ? await evaluateTemplate(state.Arguments, 'Arguments', scope) : input;
      timeout = (await this.jsonataNumber(state.TimeoutSeconds, 'TimeoutSeconds', scope)) ?? DEFAULT_TASK_TIMEOUT_SECONDS;
      heartbeat = await this.jsonataNumber(state.HeartbeatSeconds, 'HeartbeatSeconds', scope);
    } else {
      request = this.effectiveInput(state, input, context, frame, state.Parameters);
      const ctx = this.pathContext(input, context, frame);
      timeout = state.TimeoutSecondsPath !== undefined
        ? jsonPath().readPath(state.TimeoutSecondsPath, ctx)
        : state.TimeoutSeconds ?? DEFAULT_TASK_TIMEOUT_SECONDS;
      heartbeat = state.HeartbeatSecondsPath !== undefined ? jsonPath().readPath(state.HeartbeatSecondsPath, ctx) : state.HeartbeatSeconds;
    }
    checkSize(request, name, 'request');
    record.request = copy(request);

    // Call the (mocked) service.
    const key = name;
    const invocation = this.invocations.get(key) ?? 0;
    this.invocations.set(key, invocation + 1);
    this.events += 2; // TaskScheduled, TaskStarted
    let outcome: TaskOutcomeData;
    if (this.mocks?.has(name)) {
      outcome = this.mocks.answer(name, invocation);
    } else if (this.options.taskHandler) {
      outcome = (await this.options.taskHandler.handle({
        stateName: name,
        resource,
        request,
        taskToken,
        attempt,
        invocation,
        time: new Date(frame.clock.now).toISOString(),
        epochSeconds: Math.floor(frame.clock.now / 1000),
        path: frame.path,
      })) ?? {};
    } else {
      throw unansweredCall(name, resource, this.mocks?.testCase);
    }
    const duration = outcome.durationSeconds ?? 0;
    if (heartbeat !== undefined && duration > heartbeat && heartbeat < timeout) {
      this.advance(frame.clock, heartbeat);
      this.events++; // TaskTimedOut
      throw new StatesError(ERRORS.HEARTBEAT_TIMEOUT, `State '${name}' sent no heartbeat within HeartbeatSeconds (${heartbeat})`);
    }
    if (duration > timeout) {
      this.advance(frame.clock, timeout);
      this.events++; // TaskTimedOut
      throw new StatesError(ERRORS.TIMEOUT, `State '${name}' did not finish within TimeoutSeconds (${timeout})`);
    }
    this.advance(frame.clock, duration);
    if (pattern !== 'request') this.events++; // TaskSubmitted
    this.events++; // TaskSucceeded / TaskFailed
    if (outcome.error !== undefined) throw new StatesError(outcome.error, outcome.cause ?? '');
    const result = outcome.result === undefined ? null : outcome.result;
    checkSize(result, name, 'result');
    if (frame.language === 'JSONata') {
      return this.jsonataOutput(name, state, { input, result, context }, frame, result, state.Next);
    }
    return this.jsonPathOutput(state, input, result, context, frame);
  }

  private async runParallel(name: string, state: any, input: any, frame: Frame, enteredTime: string, attempt: number): Promise<StepResult> {
    const context = this.context(name, enteredTime, attempt);
    const branchInput = frame.language === 'JSONata'
      ? (state.Arguments !== undefined ? await evaluateTemplate(state.Arguments, 'Arguments', this.jsonataScope(name, frame, { input, context })) : input)
      : this.effectiveInput(state, input, context, frame, state.Parameters);
    this.events++; // ParallelStateStarted
    const start = frame.clock.now;
    let end = start;
    const results: any[] = [];
    for (const [i, branch] of state.Branches.entries()) {
      const clock: Clock = { now: start };
      const branchFrame: Frame = { path: join(frame.path, `${name}/${i}`), language: branch.QueryLanguage ?? frame.language, scope: new Scope(frame.scope), clock };
      try {
        results.push(await this.runMachine(branch, branchInput, branchFrame));
      } catch (e) {
        if (e instanceof StatesError) {
          frame.clock.now = clock.now;
          this.events++; // ParallelStateFailed
          throw new BranchError(e.error, e.cause);
        }
        throw e;
      }
      end = Math.max(end, clock.now);
    }
    frame.clock.now = end;
    this.events++; // ParallelStateSucceeded
    if (frame.language === 'JSONata') return this.jsonataOutput(name, state, { input, result: results, context }, frame, results, state.Next);
    return this.jsonPathOutput(state, input, results, context, frame);
  }

  private async runMap(name: string, state: any, input: any, frame: Frame, enteredTime: string, attempt: number): Promise<StepResult> {
    const context = this.context(name, enteredTime, attempt);
    const processor = state.ItemProcessor ?? state.Iterator;
    let items: any;
    let maxConcurrency: number;
    let effective: any;
    if (frame.language === 'JSONata') {
      const scope = this.jsonataScope(name, frame, { input, context });
      items = state.Items !== undefined ? await evaluateTemplate(state.Items, 'Items', scope) : input;
      maxConcurrency = (await this.jsonataNumber(state.MaxConcurrency, 'MaxConcurrency', scope)) ?? 0;
      effective = input;
    } else {
      effective = this.readPath(state.InputPath, input, context, frame);
      items = this.readPath(state.ItemsPath, effective, context, frame);
      maxConcurrency = state.MaxConcurrencyPath !== undefined
        ? jsonPath().readPath(state.MaxConcurrencyPath, this.pathContext(effective, context, frame))
        : state.MaxConcurrency ?? 0;
    }
    if (!Array.isArray(items)) {
      throw new StatesError(frame.language === 'JSONata' ? ERRORS.QUERY_EVALUATION : ERRORS.RUNTIME,
        `State '${name}': the items to iterate over must be an array; got ${JSON.stringify(items)?.slice(0, 200)}`);
    }
    this.events++; // MapStateStarted
    const start = frame.clock.now;
    // Virtual time: iterations take MaxConcurrency slots (0 = unlimited) in index order.
    const slots: number[] = [];
    let end = start;
    const results: any[] = [];
    const selector = state.ItemSelector ?? state.Parameters;
    for (const [index, item] of items.entries()) {
      const itemContext = { ...context, Map: { Item: { Index: index, Value: item } } };
      let iterationInput: any;
      if (selector === undefined) {
        iterationInput = item;
      } else if (frame.language === 'JSONata') {
        iterationInput = await evaluateTemplate(selector, 'ItemSelector', this.jsonataScope(name, frame, { input, context: itemContext }));
      } else {
        iterationInput = jsonPath().applyPayloadTemplate(selector, this.pathContext(effective, itemContext, frame));
      }
      let slot = slots.length;
      if (maxConcurrency > 0 && slots.length >= maxConcurrency) {
        slot = slots.indexOf(Math.min(...slots));
      }
      const clock: Clock = { now: slot < slots.length ? Math.max(start, slots[slot]) : start };
      const iterationFrame: Frame = {
        path: join(frame.path, `${name}/${index}`),
        language: processor.QueryLanguage ?? frame.language,
        scope: new Scope(frame.scope),
        clock,
      };
      this.events++; // MapIterationStarted
      try {
        results.push(await this.runMachine(processor, iterationInput, iterationFrame));
      } catch (e) {
        if (e instanceof StatesError) {
          this.events += 2; // MapIterationFailed, MapStateFailed
          frame.clock.now = clock.now;
          throw new BranchError(e.error, e.cause);
        }
        throw e;
      }
      this.events++; // MapIterationSucceeded
      slots[slot] = clock.now;
      end = Math.max(end, clock.now);
    }
    frame.clock.now = end;
    this.events++; // MapStateSucceeded
    if (frame.language === 'JSONata') return this.jsonataOutput(name, state, { input, result: results, context }, frame, results, state.Next);
    return this.jsonPathOutput(state, input, results, context, frame);
  }
}

// -----------------------------------------------------------------------------------------------------------------

/** Whether a Retry's or Catch's ErrorEquals matches the error (see the module comment for the wildcards). */
export function matches(errorEquals: string[], e: StatesError): boolean {
  if (e.error === ERRORS.RUNTIME) return false;
  return errorEquals.some((name) => {
    if (name === e.error) return true;
    const terminal = e.error === ERRORS.DATA_LIMIT_EXCEEDED;
    if (name === ERRORS.ALL) return !terminal;
    if (name === ERRORS.TASK_FAILED) return !terminal && e.error !== ERRORS.TIMEOUT;
    if (name === ERRORS.BRANCH_FAILED) return e instanceof BranchError;
    return false;
  });
}

function noChoice(name: string): StatesError {
  return new StatesError(ERRORS.NO_CHOICE_MATCHED, `No Choice Rule matched in state '${name}' and it has no Default`);
}

function join(path: string, part: string): string {
  return path ? `${path}/${part}` : part;
}

function pathOrIntrinsic(value: string, ctx: PathContext): any {
  return value.startsWith('States.') ? jsonPath().evaluateIntrinsic(value, ctx) : jsonPath().readPath(value, ctx);
}

function checkSize(value: any, name: string, what: string): void {
  if (value === undefined) return;
  const text = JSON.stringify(value);
  if (text !== undefined && text.length * 3 > PAYLOAD_LIMIT_BYTES && Buffer.byteLength(text, 'utf8') > PAYLOAD_LIMIT_BYTES) {
    throw new StatesError(ERRORS.DATA_LIMIT_EXCEEDED, `State '${name}': the ${what} is larger than ${PAYLOAD_LIMIT_BYTES} bytes`);
  }
}

function copy(value: any): any {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}
