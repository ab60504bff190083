import { ERRORS, StatesError } from './errors';
import { History } from './history';
import { evaluateExpression, evaluateTemplate, isExpression, JsonataScope } from './jsonata';
import { TestCaseMocks } from './mocks';
import { SeededRandom } from './random';
import { DeadlinePassed, Fiber, Scheduler } from './scheduler';
import { runChoice } from './states/choice';
import { BranchError, checkSize, copy, Frame, GivenError, json, Scope, StateRun, StepResult } from './states/common';
import { isDistributed, runDistributedMap } from './states/distributed-map';
import { runFail } from './states/fail';
import { runMap } from './states/map';
import { runParallel } from './states/parallel';
import { runPass } from './states/pass';
import { runSucceed } from './states/succeed';
import { runTask } from './states/task';
import { runWait } from './states/wait';
import { AttemptRecordData, ExecutionResultData, RunOptions, StateRecordData, WrittenObjectData } from './types';
import { DefinitionInfo } from './validate';

export { PAYLOAD_LIMIT_BYTES } from './states/common';

/**
 * The executor: runs an ASL definition on a virtual clock (see ./scheduler.ts), one file per state type in ./states.
 *
 * Choices made where AWS's documentation is silent (or where an offline run must simplify):
 * - Parallel branches and Map iterations are threads of the scheduler: they run concurrently on the virtual clock,
 *   their events ordered by virtual time; at equal times, in the order they became due (branch and item order
 *   first). Map iterations take `MaxConcurrency` slots (0 = all at once) in item order. The first branch or
 *   iteration to fail (in virtual time) fails the state with its own error and cause; the others still running are
 *   stopped at that moment (their remaining Task calls are never made; a stopped Map iteration records
 *   `MapIterationAborted`). `States.BranchFailed` in a Retry or Catch of that Parallel/Map matches any such failure.
 * - `States.Runtime` is never retried or caught (AWS: it always fails the execution); `States.DataLimitExceeded`
 *   is not matched by `States.ALL` (AWS: a terminal error), only by its own name.
 * - `States.TaskFailed` in a Retry or Catch matches every error except `States.Timeout` and the two above.
 * - Transitions count every state entered plus every retry (AWS bills retries as transitions), in the child
 *   executions of a Distributed Map too, except EXPRESS children's (see ./states/distributed-map.ts, which also says
 *   how child executions, their histories and the ItemReader's S3 calls are run).
 * - The history (`result.history`) holds the events AWS records: ExecutionStarted, <Type>StateEntered, Task:
 *   Scheduled, Started, (Submitted for `.sync` and `.waitForTaskToken`), Succeeded/Failed/TimedOut per attempt (a
 *   Lambda function ARN as Resource: LambdaFunctionScheduled/Started/Succeeded/Failed/TimedOut), <Type>StateExited
 *   on success, Parallel/Map: Started and Succeeded/Failed, Map: IterationStarted and IterationSucceeded/Failed/
 *   Aborted per item, and the execution's end event. A state that fails records no Exited event.
 * - Causes of the engine's own errors (`States.Runtime`, `States.QueryEvaluationError`, path and intrinsic
 *   failures) read as AWS writes them: "An error occurred while executing the state 'X' (entered at the event id
 *   #N). …", N being the id of the state's `…StateEntered` event in the history.
 * - `HeartbeatSeconds`: a mocked or handled task sends no heartbeats, so a task that takes longer than
 *   `HeartbeatSeconds` fails with `States.HeartbeatTimeout` (when that comes before `TimeoutSeconds`).
 * - JSONPath `Assign` sees the state's result as `$` (Task/Parallel/Map: after ResultSelector; Pass: Result or
 *   Parameters; Choice/Wait: the effective input) and, in a Catch, the error output.
 * - Variables: each Parallel branch and Map iteration has its own scope; it reads the outer scopes' variables,
 *   and its assignments (even of an outer name, which then shadows it) stay in the branch.
 * - States inside a Parallel or Map default to the state machine's top-level `QueryLanguage` (not the
 *   Parallel's or Map's own).
 */

interface JsonPathModule {
  readPath(path: string, ctx: PathContext): any;
  applyPayloadTemplate(template: any, ctx: PathContext): any;
  applyResultPath(input: any, result: any, resultPath: string | null | undefined): any;
  evaluateIntrinsic(expression: string, ctx: PathContext): any;
  evaluateChoiceRule(rule: any, ctx: PathContext): boolean;
}
export interface PathContext { readonly input: any; readonly context: any; readonly variables: Record<string, any>; readonly random: () => number }

let jsonPathModule: JsonPathModule | undefined;
export function jsonPath(): JsonPathModule {
  // Loaded on first use (it loads jsonpath-plus): importing the constructs never loads it.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  jsonPathModule ??= require('./jsonpath') as JsonPathModule;
  return jsonPathModule;
}

const DEFAULT_START_TIME = '2026-01-01T00:00:00Z';
const REGION = 'us-east-1';
const ACCOUNT = '123456789012';

/** Error names whose causes the engine writes (and prefixes as AWS does). */
const ENGINE_ERRORS = new Set<string>([
  ERRORS.RUNTIME, ERRORS.QUERY_EVALUATION, ERRORS.RESULT_PATH_MATCH_FAILURE, ERRORS.PARAMETER_PATH_FAILURE, ERRORS.INTRINSIC_FAILURE,
]);

/** An engine error whose cause already reads as AWS writes it. */
class StateError extends StatesError {}

export class Execution {
  public transitions = 0;
  /** Transitions of EXPRESS child executions of Distributed Maps (not billed as transitions: not in the result). */
  public expressTransitions = 0;
  public readonly random: SeededRandom;
  public readonly mocks?: TestCaseMocks;
  public readonly invocations = new Map<string, number>();
  public readonly trace?: (line: string) => void;
  public readonly history = new History();
  /** The objects the Distributed Maps' ResultWriters wrote, in order (result.writtenObjects). */
  public readonly writtenObjects: WrittenObjectData[] = [];
  public readonly region = REGION;
  public readonly account = ACCOUNT;
  public readonly stateMachineName: string;
  public readonly machineLanguage: string;
  public scheduler!: Scheduler;
  private readonly records: StateRecordData[] = [];
  private readonly startMillis: number;
  private readonly deadlineMillis?: number;
  private readonly maxTransitions: number;
  public readonly executionContext: Record<string, any>;
  private readonly stateMachineContext: Record<string, any>;

  constructor(private readonly definition: any, _info: DefinitionInfo, public readonly options: RunOptions) {
    this.random = new SeededRandom(options.seed ?? 1);
    const start = options.startTime ?? DEFAULT_START_TIME;
    this.startMillis = Date.parse(start);
    if (Number.isNaN(this.startMillis)) throw new Error(`startTime must be an ISO 8601 timestamp; got '${start}'`);
    if (definition.TimeoutSeconds !== undefined) this.deadlineMillis = this.startMillis + definition.TimeoutSeconds * 1000;
    this.maxTransitions = options.maxTransitions ?? 100_000;
    this.machineLanguage = definition.QueryLanguage ?? 'JSONPath';
    this.mocks = options.mocks;
    const machineName = options.stateMachineName ?? 'StateMachine';
    this.stateMachineName = machineName;
    const executionName = options.executionName ?? this.random.uuid();
    const stateMachineArn = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${machineName}`;
    this.stateMachineContext = { Id: stateMachineArn, Name: machineName };
    this.executionContext = {
      Id: `arn:aws:states:${REGION}:${ACCOUNT}:execution:${machineName}:${executionName}`,
      Input: options.input ?? {},
      Name: executionName,
      RoleArn: `arn:aws:iam::${ACCOUNT}:role/StepFunctions-${machineName}-role`,
      StartTime: contextTimestamp(this.startMillis),
      RedriveCount: 0,
    };
    if (options.trace) this.trace = options.traceSink ?? ((line) => process.stderr.write(line + '\n'));
  }

  public async run(): Promise<ExecutionResultData> {
    const root = new Fiber();
    const frame: Frame = { path: '', language: this.machineLanguage, scope: new Scope(), fiber: root };
    const input = this.options.input ?? {};
    let status = 'SUCCEEDED';
    let output: any;
    let error: string | undefined;
    let cause: string | undefined;
    try {
      output = await new Promise<any>((resolve, reject) => {
        this.scheduler = new Scheduler(this.startMillis, this.deadlineMillis, reject);
        const startInput = json(input);
        this.history.add(root, this.startMillis, 'ExecutionStarted', () => ({
          input: startInput, inputDetails: { truncated: false }, roleArn: this.executionContext.RoleArn,
        }));
        this.runMachine(this.definition, input, frame).then(resolve, reject);
      });
    } catch (e) {
      if (e instanceof DeadlinePassed) {
        status = 'TIMED_OUT';
        error = ERRORS.TIMEOUT;
        cause = `The execution ran longer than its TimeoutSeconds (${this.definition.TimeoutSeconds})`;
      } else if (e instanceof StatesError) {
        status = 'FAILED';
        error = e.error;
        cause = e.cause;
      } else {
        this.scheduler.halt();
        throw e;
      }
    }
    this.scheduler.halt();
    const end = this.scheduler.now;
    if (status === 'SUCCEEDED') {
      const text = json(output);
      this.history.add(root, end, 'ExecutionSucceeded', () => ({ output: text, outputDetails: { truncated: false } }));
    } else if (status === 'FAILED') {
      this.history.add(root, end, 'ExecutionFailed', () => ({ error, cause }));
    } else {
      this.history.add(root, end, 'ExecutionTimedOut', () => ({ error, cause }));
    }
    this.trace?.(`[${this.seconds(end)}s] execution ${status}${error ? ` ${error}: ${cause}` : ''}`);
    const result = {
      status,
      output: status === 'SUCCEEDED' ? output : undefined,
      error,
      cause,
      elapsedSeconds: this.seconds(end),
      stateTransitions: this.transitions - this.expressTransitions,
      historyEvents: this.history.length,
      states: this.records,
      unusedMocks: this.mocks?.unused() ?? [],
    };
    // The events are built when read (most tests never read them).
    const history = this.history;
    Object.defineProperty(result, 'history', { enumerable: true, configurable: true, get: () => history.events });
    // Not enumerable: the CLI's JSON (toJson) and existing comparisons of the data are unchanged.
    Object.defineProperty(result, 'writtenObjects', { enumerable: false, value: this.writtenObjects });
    return result as ExecutionResultData;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // The state loop of one thread

  public async runMachine(machine: any, input: any, frame: Frame): Promise<any> {
    let name: string = machine.StartAt;
    let value = input;
    for (;;) {
      const state = machine.States[name];
      const language = state.QueryLanguage ?? frame.language;
      this.transitions++;
      if (frame.fiber.express) this.expressTransitions++;
      if (this.transitions > this.maxTransitions) {
        throw new Error(`the execution exceeded maxTransitions (${this.maxTransitions}) at state '${name}': raise maxTransitions or look for an endless loop`);
      }
      const now = this.scheduler.now;
      const record: StateRecordData = { name, type: state.Type, path: frame.path, enteredSeconds: this.seconds(now), input: copy(value) };
      const enteredEventId = this.history.add(frame.fiber, now, `${state.Type}StateEntered`, () => ({
        name: record.name, input: json(record.input), inputDetails: { truncated: false },
      }));
      this.records.push(record);
      this.trace?.(`[${record.enteredSeconds}s] ${frame.path ? frame.path + '/' : ''}${name} (${state.Type}) entered`);
      const run: StateRun = { name, state, input: value, frame, language, enteredTime: contextTimestamp(now), enteredEventId, record };
      let step: StepResult;
      try {
        checkSize(value, name, 'input');
        step = await this.runState(run);
        checkSize(step.output, name, 'output');
      } catch (caught) {
        if (!(caught instanceof StatesError)) throw caught;
        const e = this.asAws(run, caught);
        record.error = e.error;
        record.cause = e.cause;
        record.exitedSeconds = this.seconds(this.scheduler.now);
        const catcher = e.error === ERRORS.RUNTIME ? undefined : (state.Catch ?? []).find((c: any) => matches(c.ErrorEquals, e));
        if (!catcher) {
          this.trace?.(`[${record.exitedSeconds}s] ${name} failed: ${e.error}: ${e.cause}`);
          throw e;
        }
        this.trace?.(`[${record.exitedSeconds}s] ${name} failed: ${e.error}, caught → ${catcher.Next}`);
        const handled = await this.applyCatch(run, catcher, e);
        if (handled.assign) frame.scope.assign(handled.assign);
        name = catcher.Next;
        value = handled.output;
        continue;
      }
      record.output = copy(step.output);
      if (state.Type !== 'Fail') {
        this.history.add(frame.fiber, this.scheduler.now, `${state.Type}StateExited`, () => ({
          name: record.name, output: json(record.output), outputDetails: { truncated: false },
        }));
      }
      if (step.assign) frame.scope.assign(step.assign);
      record.exitedSeconds = this.seconds(this.scheduler.now);
      this.trace?.(`[${record.exitedSeconds}s] ${name} exited${step.next ? ` → ${step.next}` : ''}`);
      if (!step.next) return step.output;
      name = step.next;
      value = step.output;
    }
  }

  private async runState(run: StateRun): Promise<StepResult> {
    switch (run.state.Type) {
      case 'Pass': return runPass(this, run);
      case 'Task': return this.withRetry(run, (attempt) => runTask(this, run, attempt));
      case 'Choice': return runChoice(this, run);
      case 'Wait': return runWait(this, run);
      case 'Succeed': return runSucceed(this, run);
      case 'Fail': return runFail(this, run);
      case 'Parallel': return this.withRetry(run, (attempt) => runParallel(this, run, attempt));
      case 'Map': return this.withRetry(run, (attempt) => (isDistributed(run.state) ? runDistributedMap(this, run, attempt) : runMap(this, run, attempt)));
      default: throw new StatesError(ERRORS.RUNTIME, `State '${run.name}' has an unknown Type '${run.state.Type}'`);
    }
  }

  /** The error as AWS reports it: the engine's own causes get AWS's prefix naming the state and its event id. */
  private asAws(run: StateRun, e: StatesError): StatesError {
    if (e instanceof GivenError || e instanceof BranchError || e instanceof StateError || !ENGINE_ERRORS.has(e.error)) return e;
    const own = `State '${run.name}': `;
    const text = e.cause.startsWith(own) ? e.cause.slice(own.length) : e.cause;
    return new StateError(e.error, `An error occurred while executing the state '${run.name}' (entered at the event id #${run.enteredEventId}). ${text}`);
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Threads: Parallel branches and Map iterations

  /**
   * Runs `count` threads (children of the frame's fiber) concurrently on the virtual clock, at most `limit` at a
   * time (0 = no limit), started in index order; waits for all of them, or for the first failure (the threads still
   * running are stopped).
   */
  public async fork(frame: Frame, count: number, limit: number, body: (index: number, fiber: Fiber) => Promise<any>): Promise<any[]> {
    if (count === 0) return [];
    const scheduler = this.scheduler;
    const parent = frame.fiber;
    const results: any[] = new Array(count);
    const running = new Map<number, Fiber>();
    let started = 0;
    let finished = 0;
    let failure: { error: unknown } | undefined;
    let lastEventId = parent.lastEventId;
    const start = () => {
      const index = started++;
      const fiber = scheduler.spawn(parent, (f) => body(index, f), (f, ok, value) => {
        running.delete(index);
        if (failure) return;
        lastEventId = f.lastEventId;
        if (!ok) {
          failure = { error: value };
          for (const other of running.values()) other.cancel();
          scheduler.wake(parent);
          return;
        }
        results[index] = value;
        finished++;
        if (started < count) start();
        else if (finished === count) scheduler.wake(parent);
      });
      running.set(index, fiber);
    };
    for (let k = 0; k < (limit > 0 ? Math.min(limit, count) : count); k++) start();
    await scheduler.block(parent);
    parent.lastEventId = lastEventId;
    if (failure) throw new ForkFailure(failure.error, [...running.keys()]);
    return results;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Evaluation helpers (used by the states)

  public context(run: StateRun, retryCount: number, extra?: Record<string, any>): Record<string, any> {
    const child = run.frame.fiber.executionContext;
    return {
      Execution: child?.Execution ?? this.executionContext,
      StateMachine: child?.StateMachine ?? this.stateMachineContext,
      State: { EnteredTime: run.enteredTime, Name: run.name, RetryCount: retryCount },
      ...extra,
    };
  }

  public jsonataScope(run: StateRun, states: Record<string, any>): JsonataScope {
    return { stateName: run.name, states, variables: run.frame.scope.all(), nowMillis: this.scheduler.now, random: this.random };
  }

  public pathContext(input: any, context: any, frame: Frame): PathContext {
    return { input, context, variables: frame.scope.all(), random: () => this.random.next() };
  }

  public readPath(path: string | null | undefined, input: any, context: any, frame: Frame): any {
    if (path === undefined || path === '$') return input;
    if (path === null) return {};
    return jsonPath().readPath(path, this.pathContext(input, context, frame));
  }

  /** JSONPath: InputPath then Parameters (or ItemSelector). */
  public effectiveInput(state: any, input: any, context: any, frame: Frame, template?: any): any {
    const selected = this.readPath(state.InputPath, input, context, frame);
    if (template === undefined) return selected;
    return jsonPath().applyPayloadTemplate(template, this.pathContext(selected, context, frame));
  }

  /** JSONPath Assign: a payload template with `$` the given value. */
  public assignPath(template: any, value: any, context: any, frame: Frame): Record<string, any> | undefined {
    return template === undefined ? undefined : jsonPath().applyPayloadTemplate(template, this.pathContext(value, context, frame));
  }

  /** JSONPath: ResultSelector, Assign, ResultPath, OutputPath. */
  public jsonPathOutput(state: any, input: any, result: any, context: any, frame: Frame, options: { selector?: boolean } = {}): StepResult {
    const selected = options.selector !== false && state.ResultSelector !== undefined
      ? jsonPath().applyPayloadTemplate(state.ResultSelector, this.pathContext(result, context, frame))
      : result;
    const assign = this.assignPath(state.Assign, selected, context, frame);
    const combined = jsonPath().applyResultPath(input, selected, state.ResultPath);
    const output = this.readPath(state.OutputPath, combined, context, frame);
    return { output, assign, next: state.Next };
  }

  /** JSONata: Assign and Output, both evaluated with the variables as they were when the state was entered. */
  public async jsonataOutput(run: StateRun, fields: any, states: Record<string, any>, fallback: any, next?: string): Promise<StepResult> {
    const scope = this.jsonataScope(run, states);
    const assign = fields.Assign !== undefined ? await evaluateTemplate(fields.Assign, 'Assign', scope) : undefined;
    const output = fields.Output !== undefined ? await evaluateTemplate(fields.Output, 'Output', scope) : fallback;
    return { output, assign, next };
  }

  public async jsonataNumber(value: any, field: string, scope: JsonataScope): Promise<number | undefined> {
    if (value === undefined) return undefined;
    const n = isExpression(value) ? await evaluateExpression(value, field, scope) : value;
    if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) {
      throw new StatesError(ERRORS.QUERY_EVALUATION, `State '${scope.stateName}': ${field} must be a non-negative number; got ${JSON.stringify(n)}`);
    }
    return n;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // The clock

  /** Lets `seconds` of virtual time pass on the frame's thread (other threads run meanwhile). */
  public advance(frame: Frame, seconds: number): Promise<void> | undefined {
    return this.scheduler.sleep(frame.fiber, this.scheduler.now + Math.round(seconds * 1000));
  }

  public get now(): number {
    return this.scheduler.now;
  }

  public seconds(millis: number): number {
    return (millis - this.startMillis) / 1000;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Retry and Catch

  private async withRetry(run: StateRun, attemptFn: (attempt: number) => Promise<StepResult>): Promise<StepResult> {
    const retriers: any[] = run.state.Retry ?? [];
    const counts = retriers.map(() => 0);
    const attempts: AttemptRecordData[] = [];
    run.record.attempts = attempts;
    for (let attempt = 0; ; attempt++) {
      const record: AttemptRecordData = { attempt, startedSeconds: this.seconds(this.scheduler.now) };
      attempts.push(record);
      try {
        const result = await attemptFn(attempt);
        record.endedSeconds = this.seconds(this.scheduler.now);
        return result;
      } catch (caught) {
        if (!(caught instanceof StatesError)) throw caught;
        const e = this.asAws(run, caught);
        record.endedSeconds = this.seconds(this.scheduler.now);
        record.error = e.error;
        record.cause = e.cause;
        const i = e.error === ERRORS.RUNTIME ? -1 : retriers.findIndex((r) => matches(r.ErrorEquals, e));
        if (i < 0) throw e;
        const r = retriers[i];
        const maxAttempts = r.MaxAttempts ?? 3;
        if (counts[i] >= maxAttempts) throw e;
        let delay = (r.IntervalSeconds ?? 1) * Math.pow(r.BackoffRate ?? 2, counts[i]);
        if (r.MaxDelaySeconds !== undefined) delay = Math.min(delay, r.MaxDelaySeconds);
        if (r.JitterStrategy === 'FULL') delay = this.random.next() * delay;
        counts[i]++;
        record.retryInSeconds = delay;
        this.trace?.(`[${this.seconds(this.scheduler.now)}s] ${run.name} retry ${counts[i]}/${maxAttempts} after ${e.error} in ${delay}s`);
        await this.advance(run.frame, delay);
        this.transitions++; // a retry is a state transition
        if (run.frame.fiber.express) this.expressTransitions++;
        if (this.transitions > this.maxTransitions) {
          throw new Error(`the execution exceeded maxTransitions (${this.maxTransitions}) retrying state '${run.name}'`);
        }
      }
    }
  }

  private async applyCatch(run: StateRun, catcher: any, e: StatesError): Promise<StepResult> {
    const errorOutput = { Error: e.error, Cause: e.cause };
    const context = this.context(run, 0);
    if (run.language === 'JSONata') {
      return this.jsonataOutput(run, catcher, { input: run.input, errorOutput, context }, errorOutput, catcher.Next);
    }
    const assign = this.assignPath(catcher.Assign, errorOutput, context, run.frame);
    return { output: jsonPath().applyResultPath(run.input, errorOutput, catcher.ResultPath), assign, next: catcher.Next };
  }
}

/** A fork's first failure (in virtual time), with the indexes of the threads it stopped. */
export class ForkFailure {
  constructor(public readonly error: unknown, public readonly stopped: number[]) {}

  /** The failure as the Parallel's or Map's own error. */
  public toStateError(): never {
    if (this.error instanceof StatesError) throw new BranchError(this.error.error, this.error.cause);
    throw this.error;
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

/**
 * A timestamp as the context object carries it (Execution.StartTime, State.EnteredTime): ISO 8601, and "when a
 * timestamp has zero fractional seconds, trailing zeros are removed" (`…:00Z`, not `…:00.000Z`), as the context
 * object page says (https://docs.aws.amazon.com/step-functions/latest/dg/input-output-contextobject.html); other
 * fractions keep their milliseconds (`…:13.500Z`), as Java's Instant prints them.
 */
export function contextTimestamp(millis: number): string {
  return new Date(millis).toISOString().replace(/\.000Z$/, 'Z');
}
