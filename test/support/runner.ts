/**
 * Offline execution of JSONPath state machine definitions with aws-local-stepfunctions, with simulated services.
 *
 *   const result = await runWorkflow(definition, { items: [1, 2] }, {
 *     services: {
 *       'Start Job': (input, { invocation }) => {
 *         if (invocation === 1) throw taskError('SageMaker.ThrottlingException', 'Rate exceeded');
 *         return { ProcessingJobStatus: 'Completed' };
 *       },
 *     },
 *   });
 *   expect(result.status).toBe('SUCCEEDED');
 *
 * JSONata definitions are refused: aws-local-stepfunctions 3.0.0 ignores `QueryLanguage` and would silently
 * produce wrong results. Check JSONata definitions with `validateAsl` instead. Variables (`Assign`) and distributed
 * Map fields are refused for the same reason (see {@link assertOfflineRunnable}).
 */
import type { RunOptions, StateMachineDefinition } from 'aws-local-stepfunctions' with { 'resolution-mode': 'import' };

type LocalStepFunctions = typeof import('aws-local-stepfunctions', { with: { 'resolution-mode': 'import' } });
type EventLog = ReturnType<InstanceType<LocalStepFunctions['StateMachine']>['run']>['eventLogs'] extends AsyncGenerator<infer E> ? E : never;

/**
 * Installs a `Promise.withResolvers` polyfill when the runtime lacks it (Node < 22).
 * aws-local-stepfunctions 3.0.0 calls it for every Task state. Returns true when it installed the polyfill.
 */
export function installPromiseWithResolvers(): boolean {
  const ctor = Promise as unknown as { withResolvers?: unknown };
  if (typeof ctor.withResolvers === 'function') return false;
  Object.defineProperty(Promise, 'withResolvers', {
    configurable: true,
    writable: true,
    value: function withResolvers<T>(this: PromiseConstructor) {
      let resolve!: (value: T | PromiseLike<T>) => void;
      let reject!: (reason?: unknown) => void;
      const promise = new this<T>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      return { promise, resolve, reject };
    },
  });
  return true;
}

installPromiseWithResolvers();

// aws-local-stepfunctions is an ES module package with a CommonJS build; TypeScript (module node16) only lets a
// CommonJS file import its types, so load the CommonJS build with require.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const localStepFunctions: LocalStepFunctions = require('aws-local-stepfunctions');

/** What a simulated service receives besides the Task state's effective input. */
export interface ServiceContext {
  /** Name of the Task state being simulated. */
  readonly stateName: string;
  /** 1-based count of calls of this state's service in this execution (retries and Map iterations included). */
  readonly invocation: number;
}

/**
 * Simulates the service behind a Task state: receives the state's effective input (after InputPath/Parameters)
 * and returns its raw result (before ResultSelector/ResultPath/OutputPath), or throws {@link taskError}.
 */
export type ServiceHandler = (input: any, ctx: ServiceContext) => unknown;

/** Options of {@link runWorkflow}. */
export interface RunWorkflowOptions {
  /** Simulated services by Task state name (states inside Map and Parallel included). A Task without one fails the run. */
  readonly services?: Record<string, ServiceHandler>;
  /** Wait state durations in milliseconds by state name. @default 0 for every Wait state */
  readonly waitTimeOverrides?: Record<string, number>;
  /** Retry pauses in milliseconds by state name (a number, or one per retrier, -1 keeps the computed pause). @default 0 for every retrier */
  readonly retryIntervalOverrides?: Record<string, number | number[]>;
  /** Context object fields, merged over {@link DEFAULT_CONTEXT} (`Execution.Input` and `StartTime` are always set by the runner). */
  readonly context?: Record<string, any>;
  /** Called as each state is entered, retried, caught, failed and exited, e.g. {@link consoleTracer}. */
  readonly onEvent?: (event: TraceEvent) => void;
}

/** One state entered during the execution. `output`, `status` and `retries` are filled in as the state progresses. */
export interface TraceEntry {
  /** The state's name. */
  readonly state: string;
  /** The state's type (Task, Map, …). */
  readonly type: string;
  /** The state's raw input. */
  readonly input: any;
  /** The state's output (for a caught error: the input with the error at the Catch's ResultPath). */
  output?: any;
  /** RUNNING until the state exits; CAUGHT when a Catch handled its error; FAILED when the error escaped. */
  status: 'RUNNING' | 'SUCCEEDED' | 'CAUGHT' | 'FAILED';
  /** The last error name raised by the state, if any. */
  error?: string;
  /** The last error cause raised by the state, if any. */
  cause?: string;
  /** How many times a Retry re-ran the state. */
  retries: number;
  /** The Map iteration this state ran in (the outermost Map's index when Maps are nested). */
  readonly mapIndex?: number;
}

/** A step of the execution as it happens, for live printing. */
export interface TraceEvent {
  readonly kind: 'entered' | 'exited' | 'retried' | 'caught' | 'failed';
  readonly entry: TraceEntry;
}

/** What {@link runWorkflow} returns. */
export interface WorkflowResult {
  /** SUCCEEDED, FAILED (an error escaped) or TIMED_OUT (the definition's TimeoutSeconds elapsed). */
  readonly status: 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT';
  /** The execution output when it succeeded. */
  readonly output?: any;
  /** The error name when it did not succeed (e.g. `States.TaskFailed`, or a Fail state's Error). */
  readonly error?: string;
  /** The error cause when it did not succeed. */
  readonly cause?: string;
  /** Every state entered, in the order entered. */
  readonly trace: TraceEntry[];
  /** The inputs each simulated service received, by Task state name, in call order. */
  readonly serviceCalls: Record<string, any[]>;
}

/** Context object used when none of its fields are given. */
export const DEFAULT_CONTEXT = {
  Execution: {
    Id: 'arn:aws:states:us-east-1:123456789012:execution:TestStateMachine:test-execution',
    Name: 'test-execution',
    RoleArn: 'arn:aws:iam::123456789012:role/TestStateMachineRole',
  },
  StateMachine: {
    Id: 'arn:aws:states:us-east-1:123456789012:stateMachine:TestStateMachine',
    Name: 'TestStateMachine',
  },
  Task: { Token: 'test-task-token' },
} as const;

/**
 * Builds the error a simulated service throws to fail its Task state. Retry and Catch match `name`
 * (`States.TaskFailed`, `SageMaker.ThrottlingException`, …); `cause` becomes the Cause (objects are JSON-encoded).
 * Use {@link taskTimeout} for `States.Timeout`.
 */
export function taskError(name: string, cause: string | object = ''): Error {
  const error = new Error(typeof cause === 'string' ? cause : JSON.stringify(cause));
  error.name = name;
  return error;
}

const TIMEOUT_MARK = Symbol('cdk-sfn-jobs.taskTimeout');

/**
 * Builds the error a simulated service throws to time its Task state out (`States.Timeout`). Unlike
 * `taskError('States.Timeout')`, it is not matched by `States.TaskFailed`, as in AWS.
 */
export function taskTimeout(cause: string = 'Task timed out'): Error {
  return Object.assign(taskError('States.Timeout', cause), { [TIMEOUT_MARK]: true });
}

/**
 * Runs a JSONPath definition offline and reports how it ended. An execution failure is returned as
 * `status: 'FAILED'` with `error` and `cause`; mistakes in the test itself (a definition the runner cannot run
 * faithfully, see {@link assertOfflineRunnable}; invalid ASL; a Task without a simulated service; a service for an
 * unknown state) are thrown.
 */
export async function runWorkflow(definition: any, input: unknown = {}, opts: RunWorkflowOptions = {}): Promise<WorkflowResult> {
  assertOfflineRunnable(definition);
  const states = collectStates(definition);
  const services = opts.services ?? {};
  const unknown = Object.keys(services).filter((name) => states.get(name)?.Type !== 'Task');
  if (unknown.length > 0) {
    throw new Error(`runWorkflow: services given for ${unknown.join(', ')}, which ${unknown.length > 1 ? 'are not Task states' : 'is not a Task state'} of the definition`);
  }

  const harnessErrors: string[] = [];
  const serviceCalls: Record<string, any[]> = {};
  const taskResourceLocalHandlers: Record<string, (input: any) => Promise<any>> = {};
  const waitTimeOverrides: Record<string, number> = {};
  const retryIntervalOverrides: Record<string, number | number[]> = {};
  const timeoutErrorType = await statesTimeoutErrorType();

  for (const [name, state] of states) {
    if (state.Type === 'Task') {
      taskResourceLocalHandlers[name] = simulate(name, services[name], serviceCalls, harnessErrors, timeoutErrorType);
    }
    if (state.Type === 'Wait') waitTimeOverrides[name] = 0;
    if (Array.isArray(state.Retry)) retryIntervalOverrides[name] = 0;
  }

  const machine = new localStepFunctions.StateMachine(withoutRootResultPaths(plainClone(definition)) as StateMachineDefinition);
  const runOptions: RunOptions = {
    overrides: {
      taskResourceLocalHandlers,
      waitTimeOverrides: { ...waitTimeOverrides, ...opts.waitTimeOverrides },
      retryIntervalOverrides: { ...retryIntervalOverrides, ...opts.retryIntervalOverrides },
    },
    context: mergeContext(opts.context),
  };
  const execution = machine.run(plainClone(input) as any, runOptions);
  const recorder = new TraceRecorder(opts.onEvent);
  const recording = (async () => {
    for await (const event of execution.eventLogs) recorder.record(event);
  })();

  let result: Omit<WorkflowResult, 'trace' | 'serviceCalls'>;
  try {
    result = { status: 'SUCCEEDED', output: await execution.result };
  } catch (e) {
    result = failureOf(e);
  }
  await recording;
  if (harnessErrors.length > 0) {
    throw new Error(`runWorkflow: the test's simulated services are incomplete:\n${harnessErrors.map((m) => `  - ${m}`).join('\n')}`);
  }
  return { ...result, trace: recorder.trace, serviceCalls };
}

/**
 * Throws unless the offline runner can execute the definition faithfully: every state (Parallel branches and Map
 * item processors included) uses JSONPath, and no feature that aws-local-stepfunctions 3.0.0 silently ignores is
 * used (variables via `Assign`; distributed Map's ItemReader, ItemBatcher, ResultWriter, ToleratedFailure*).
 */
export function assertOfflineRunnable(definition: any): void {
  const states = collectStates(definition);
  const jsonata: string[] = [];
  if (definition?.QueryLanguage === 'JSONata') jsonata.push('the top-level QueryLanguage');
  for (const [name, state] of states) {
    if (state.QueryLanguage === 'JSONata') jsonata.push(`state ${JSON.stringify(name)}`);
  }
  if (jsonata.length > 0) {
    throw new Error(
      `runWorkflow: the offline runner (aws-local-stepfunctions) supports JSONPath only and would silently mis-evaluate JSONata; ${jsonata.join(', ')} ` +
      `${jsonata.length > 1 ? 'use' : 'uses'} QueryLanguage JSONata. Check JSONata definitions with validateAsl instead.`,
    );
  }
  const unsupported: string[] = [];
  for (const [name, state] of states) {
    const rules = [...state.Catch ?? [], ...state.Choices ?? []];
    if ('Assign' in state || rules.some((rule: any) => 'Assign' in rule)) unsupported.push(`state ${JSON.stringify(name)}: variables (Assign)`);
    const distributed = UNSUPPORTED_MAP_FIELDS.filter((field) => field in state);
    if (distributed.length > 0) unsupported.push(`state ${JSON.stringify(name)}: distributed Map ${distributed.join(', ')}`);
  }
  if (unsupported.length > 0) {
    throw new Error(
      `runWorkflow: the offline runner (aws-local-stepfunctions) would silently ignore these features:\n${unsupported.map((u) => `  - ${u}`).join('\n')}\n` +
      'Cover them with exact-ASL assertions and validateAsl instead.',
    );
  }
}

/** One line describing a trace event, e.g. `→ Submit [Task] input={"x":1}` or `↻ Submit [Task] retry 1 after …`. */
export function formatTraceEvent(event: TraceEvent): string {
  const { entry } = event;
  const where = `${entry.state} [${entry.type}]${entry.mapIndex !== undefined ? ` #${entry.mapIndex}` : ''}`;
  switch (event.kind) {
    case 'entered': return `→ ${where} input=${preview(entry.input)}`;
    case 'exited': return `← ${where} output=${preview(entry.output)}`;
    case 'retried': return `↻ ${where} retry ${entry.retries} after ${entry.error}: ${entry.cause}`;
    case 'caught': return `⤳ ${where} caught ${entry.error}: ${entry.cause}`;
    case 'failed': return `✗ ${where} ${entry.error}: ${entry.cause}`;
  }
}

/** A listener for {@link RunWorkflowOptions.onEvent} that prints each event as it happens. */
export function consoleTracer(log: (line: string) => void = console.log): (event: TraceEvent) => void {
  return (event) => log(formatTraceEvent(event));
}

/** Prints a finished trace, one line per state: name, type, status, retries and output or error. */
export function printTrace(trace: readonly TraceEntry[], log: (line: string) => void = console.log): void {
  for (const entry of trace) {
    const where = `${entry.state} [${entry.type}]${entry.mapIndex !== undefined ? ` #${entry.mapIndex}` : ''}`;
    const retries = entry.retries > 0 ? ` after ${entry.retries} retr${entry.retries > 1 ? 'ies' : 'y'}` : '';
    const detail = entry.status === 'SUCCEEDED' ? `output=${preview(entry.output)}` : `${entry.error ?? ''}: ${entry.cause ?? ''}`;
    log(`${entry.status.padEnd(9)} ${where}${retries} ${detail}`);
  }
}

// ---------------------------------------------------------------------------------------------------------------------

type ErrorConstructor0 = new () => Error;

const UNSUPPORTED_MAP_FIELDS = [
  'ItemReader', 'ItemBatcher', 'ResultWriter',
  'ToleratedFailureCount', 'ToleratedFailureCountPath', 'ToleratedFailurePercentage', 'ToleratedFailurePercentagePath',
];

/** All states of a definition by name, Parallel branches and Map item processors (ItemProcessor or Iterator) included. */
function collectStates(definition: any, into: Map<string, any> = new Map()): Map<string, any> {
  for (const [name, state] of Object.entries<any>(definition?.States ?? {})) {
    into.set(name, state);
    for (const branch of state.Branches ?? []) collectStates(branch, into);
    if (state.ItemProcessor) collectStates(state.ItemProcessor, into);
    if (state.Iterator) collectStates(state.Iterator, into);
  }
  return into;
}

function simulate(
  stateName: string,
  handler: ServiceHandler | undefined,
  serviceCalls: Record<string, any[]>,
  harnessErrors: string[],
  timeoutErrorType: ErrorConstructor0 | undefined,
): (input: any) => Promise<any> {
  return async (input) => {
    const calls = (serviceCalls[stateName] ??= []);
    calls.push(plainClone(input));
    if (!handler) {
      harnessErrors.push(`Task state ${JSON.stringify(stateName)} ran without a simulated service: add it to options.services`);
      throw taskError('Harness.NoSimulatedService', `no simulated service for ${stateName}`);
    }
    let output: unknown;
    try {
      output = await handler(plainClone(input), { stateName, invocation: calls.length });
    } catch (e) {
      throw asStatesError(e, timeoutErrorType);
    }
    return output === undefined ? null : output;
  };
}

/** Errors are matched by `name` and their Cause is `message`; a timeout must be the library's own error type. */
function asStatesError(e: unknown, timeoutErrorType: ErrorConstructor0 | undefined): Error {
  if (!(e instanceof Error)) return taskError('Error', String(e));
  if ((e as any)[TIMEOUT_MARK] && timeoutErrorType) {
    return Object.assign(new timeoutErrorType(), { message: e.message });
  }
  return e;
}

let timeoutErrorTypePromise: Promise<ErrorConstructor0 | undefined> | undefined;

/**
 * aws-local-stepfunctions tells a task timeout from other task errors with `instanceof` on an error class it does
 * not export; obtain the class once from a run whose Task times out after 1 ms.
 */
function statesTimeoutErrorType(): Promise<ErrorConstructor0 | undefined> {
  timeoutErrorTypePromise ??= (async () => {
    const machine = new localStepFunctions.StateMachine({
      StartAt: 'T',
      States: { T: { Type: 'Task', Resource: 'arn:aws:states:::timeout', TimeoutSeconds: 0.001, End: true } },
    }, { validationOptions: { noValidate: true } });
    const execution = machine.run({}, { overrides: { taskResourceLocalHandlers: { T: () => new Promise(() => undefined) } } });
    try {
      await execution.result;
    } catch (e) {
      const cause = (e as Error).cause;
      if (cause instanceof Error && cause.name === 'States.Timeout') return cause.constructor as ErrorConstructor0;
    }
    return undefined;
  })();
  return timeoutErrorTypePromise;
}

function mergeContext(context: Record<string, any> = {}): Record<string, any> {
  const merged: Record<string, any> = { ...DEFAULT_CONTEXT };
  for (const [key, value] of Object.entries(context)) {
    const base = merged[key];
    const bothObjects = isPlainObject(base) && isPlainObject(value);
    merged[key] = bothObjects ? { ...base, ...value } : value;
  }
  return merged;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function failureOf(e: unknown): Omit<WorkflowResult, 'trace' | 'serviceCalls'> {
  if (e instanceof localStepFunctions.ExecutionTimeoutError) {
    return { status: 'TIMED_OUT', error: 'States.Timeout', cause: 'The execution timed out (TimeoutSeconds)' };
  }
  if (e instanceof localStepFunctions.ExecutionError && e.cause instanceof Error) {
    return { status: 'FAILED', error: e.cause.name, cause: e.cause.message };
  }
  throw e;
}

function preview(value: unknown, max: number = 200): string {
  const text = value === undefined ? 'undefined' : JSON.stringify(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Turns the library's event log into {@link TraceEntry}s, pairing each state's exit with its entry. */
class TraceRecorder {
  public readonly trace: TraceEntry[] = [];
  private readonly open: Array<{ entry: TraceEntry; inputRef: unknown }> = [];

  constructor(private readonly onEvent?: (event: TraceEvent) => void) {}

  public record(event: EventLog): void {
    switch (event.type) {
      case 'StateEntered': {
        const entry: TraceEntry = {
          state: event.state.name,
          type: event.state.type,
          input: plainClone(event.state.input),
          status: 'RUNNING',
          retries: 0,
          ...(event.index !== undefined ? { mapIndex: event.index } : {}),
        };
        this.trace.push(entry);
        this.open.push({ entry, inputRef: event.state.input });
        this.emit('entered', entry);
        break;
      }
      case 'StateExited': {
        const entry = this.close(event);
        if (!entry) break;
        entry.output = plainClone(event.state.output);
        if (entry.status === 'RUNNING') entry.status = 'SUCCEEDED';
        this.emit('exited', entry);
        break;
      }
      case 'StateFailed': {
        const entry = this.find(event);
        if (!entry) break;
        entry.error = event.Error;
        entry.cause = typeof event.Cause === 'string' ? event.Cause : JSON.stringify(event.Cause);
        entry.status = 'FAILED';
        this.emit('failed', entry);
        break;
      }
      case 'StateRetried': {
        const entry = this.find(event);
        if (!entry) break;
        entry.retries++;
        entry.status = 'RUNNING';
        this.emit('retried', entry);
        break;
      }
      case 'StateCaught': {
        const entry = this.find(event);
        if (!entry) break;
        entry.status = 'CAUGHT';
        this.emit('caught', entry);
        break;
      }
      default:
        break;
    }
  }

  /** The open entry an event belongs to: same state and Map iteration, preferring the same input object. */
  private indexOf(event: { state: { name: string; input: unknown }; index?: number }): number {
    const candidates = this.open
      .map((o, i) => ({ o, i }))
      .filter(({ o }) => o.entry.state === event.state.name && o.entry.mapIndex === event.index);
    const sameInput = candidates.find(({ o }) => o.inputRef === event.state.input);
    return (sameInput ?? candidates[0])?.i ?? -1;
  }

  private find(event: { state: { name: string; input: unknown }; index?: number }): TraceEntry | undefined {
    return this.open[this.indexOf(event)]?.entry;
  }

  private close(event: { state: { name: string; input: unknown }; index?: number }): TraceEntry | undefined {
    const i = this.indexOf(event);
    return i < 0 ? undefined : this.open.splice(i, 1)[0].entry;
  }

  private emit(kind: TraceEvent['kind'], entry: TraceEntry): void {
    this.onEvent?.({ kind, entry });
  }
}

/**
 * aws-local-stepfunctions 3.0.0 mishandles `"ResultPath": "$"` (it writes the result under a key named `$`
 * instead of replacing the input). `$` is also the default, so the field is dropped, in states and in their
 * Catchers, with the same meaning.
 */
function withoutRootResultPaths(definition: any): any {
  for (const state of collectStates(definition).values()) {
    if (state.ResultPath === '$') delete state.ResultPath;
    for (const catcher of state.Catch ?? []) {
      if (catcher.ResultPath === '$') delete catcher.ResultPath;
    }
  }
  return definition;
}

/**
 * Deep copy of plain JSON data made in this realm. Not `structuredClone`: under Jest it returns objects of
 * Node's outer realm, whose prototype is not this realm's `Object.prototype`, and aws-local-stepfunctions then
 * silently leaves nested `.$` fields (Parameters, ResultSelector) unevaluated.
 */
export function plainClone<T>(value: T): T {
  return value === undefined ? value : JSON.parse(JSON.stringify(value));
}
