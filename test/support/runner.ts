/**
 * Offline execution of state machine definitions (JSONPath and JSONata) on our executor (`src/testing`), with
 * simulated services, and a differential oracle for JSONPath definitions.
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
 * Every JSONPath definition is ALSO run on aws-local-stepfunctions ({@link runOnLocalStepFunctions}), the services'
 * answers replayed from our run, and the test fails when status, output, error, cause or a request differ. The
 * oracle cannot run JSONata, variables (`Assign`) or distributed Map fields: a JSONata definition skips it, and a
 * JSONPath one using the others must say so with `skipOracle: '<reason>'`.
 */
import type { RunOptions, StateMachineDefinition } from 'aws-local-stepfunctions' with { 'resolution-mode': 'import' };
import { testing } from '../../src';

type LocalStepFunctions = typeof import('aws-local-stepfunctions', { with: { 'resolution-mode': 'import' } });

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

/** What a simulated service receives besides the Task state's request. */
export interface ServiceContext {
  /** Name of the Task state being simulated. */
  readonly stateName: string;
  /** 1-based count of calls of this state's service in this execution (retries and Map iterations included). */
  readonly invocation: number;
  /** 0-based retry of this state entry. */
  readonly attempt: number;
  /** Virtual time of the call (ISO 8601), on the executor's clock (Waits and retry pauses advance it). */
  readonly time: string;
  /** Virtual time of the call in epoch milliseconds. */
  readonly epochMillis: number;
  /** Where the state runs: '' at the top, 'Par/0' in branch 0 of Parallel "Par", 'Map/3' in iteration 3 of Map "Map". */
  readonly path: string;
  /** The task token of a `.waitForTaskToken` state. */
  readonly taskToken?: string;
}

/**
 * Simulates the service behind a Task state: receives the state's request (JSONPath: after InputPath/Parameters;
 * JSONata: Arguments) and returns its raw result (before ResultSelector/ResultPath/OutputPath or Output), or throws
 * {@link taskError} / {@link taskTimeout}.
 */
export type ServiceHandler = (input: any, ctx: ServiceContext) => unknown;

/** Options of {@link runWorkflow}. */
export interface RunWorkflowOptions {
  /** Simulated services by Task state name (states inside Map and Parallel included). A Task without one fails the run. */
  readonly services?: Record<string, ServiceHandler>;
  /**
   * Context object fields for the oracle run only, merged over {@link DEFAULT_CONTEXT} (aws-local-stepfunctions
   * does not fill `$$.State`, for instance). Our executor builds its own context object; `Execution.Name` is
   * given to both.
   */
  readonly context?: Record<string, any>;
  /** Virtual start time of the execution (ISO 8601). @default '2026-01-01T00:00:00Z' */
  readonly startTime?: string;
  /** Called for each state entered, retried, caught, failed and exited, in order, once the execution has ended. */
  readonly onEvent?: (event: TraceEvent) => void;
  /**
   * Why the differential oracle (aws-local-stepfunctions) must not run this JSONPath definition, e.g. 'variables
   * (Assign)'. Required when the definition uses a feature the oracle does not support.
   * @default - the oracle runs every JSONPath definition
   */
  readonly skipOracle?: string;
}

/** One state entered during the execution. */
export interface TraceEntry {
  /** The state's name. */
  readonly state: string;
  /** The state's type (Task, Map, …). */
  readonly type: string;
  /** The state's raw input. */
  readonly input: any;
  /** The state's output (for a caught error: the output of the Catch). */
  output?: any;
  /** SUCCEEDED; CAUGHT when a Catch handled its error; FAILED when the error escaped. */
  status: 'RUNNING' | 'SUCCEEDED' | 'CAUGHT' | 'FAILED';
  /** The last error name raised by the state (or by its service, even if a retry then succeeded), if any. */
  error?: string;
  /** The last error cause raised by the state, if any. */
  cause?: string;
  /** How many times a Retry re-ran the state (Task states). */
  retries: number;
  /** The Map iteration this state ran in (the outermost Map's index when Maps are nested). */
  readonly mapIndex?: number;
  /** Where the state ran (see {@link ServiceContext.path}). */
  readonly path: string;
  /** The request a Task state sent (of its last attempt). */
  readonly request?: any;
  /** Virtual seconds since the start when the state was entered / exited. */
  readonly enteredSeconds: number;
  readonly exitedSeconds?: number;
}

/** A step of the execution, for printing. */
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
  /** Every state entered, in the order entered (Parallel branches and Map iterations interleave in virtual-time order). */
  readonly trace: TraceEntry[];
  /** The requests each simulated service received, by Task state name, in call order. */
  readonly serviceCalls: Record<string, any[]>;
  /** Our executor's own result (virtual time, transitions, history events, state records). */
  readonly execution: testing.ExecutionResult;
  /** Whether the oracle ran and agreed (false: skipped, with the reason in `oracleSkipped`). */
  readonly oracleChecked: boolean;
  readonly oracleSkipped?: string;
}

/** Context object used by the oracle when none of its fields are given. */
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
 * Builds the error a simulated service throws to time its Task state out (`States.Timeout`), which
 * `States.TaskFailed` does not match, as in AWS.
 */
export function taskTimeout(cause: string = 'Task timed out'): Error {
  return Object.assign(taskError('States.Timeout', cause), { [TIMEOUT_MARK]: true });
}

/** One service call of our run, replayed to the oracle. */
interface RecordedCall {
  readonly stateName: string;
  readonly path: string;
  readonly attempt: number;
  readonly request: any;
  readonly outcome: { result?: any; error?: Error };
}

/**
 * Runs a definition (JSONPath or JSONata) on our executor and reports how it ended; JSONPath definitions are
 * checked against the oracle (see the module comment). An execution failure is returned as `status: 'FAILED'`
 * with `error` and `cause`; mistakes in the test itself (invalid ASL; a Task without a simulated service; a
 * service for an unknown state; the oracle disagreeing) are thrown.
 */
export async function runWorkflow(definition: any, input: unknown = {}, opts: RunWorkflowOptions = {}): Promise<WorkflowResult> {
  const states = collectStates(definition);
  const services = opts.services ?? {};
  const unknown = Object.keys(services).filter((name) => states.get(name)?.Type !== 'Task');
  if (unknown.length > 0) {
    throw new Error(`runWorkflow: services given for ${unknown.join(', ')}, which ${unknown.length > 1 ? 'are not Task states' : 'is not a Task state'} of the definition`);
  }
  const oracleBlockers = oracleCannotRun(definition);
  const jsonata = oracleBlockers.jsonata.length > 0;
  if (!jsonata && oracleBlockers.unsupported.length > 0 && !opts.skipOracle) {
    throw new Error(
      `runWorkflow: the oracle (aws-local-stepfunctions) cannot run these features:\n${oracleBlockers.unsupported.map((u) => `  - ${u}`).join('\n')}\n` +
      'Give skipOracle: \'<reason>\' to run on our executor alone.',
    );
  }

  const executionName = opts.context?.Execution?.Name ?? DEFAULT_CONTEXT.Execution.Name;
  const calls: RecordedCall[] = [];
  const counts = new Map<string, number>();
  const serviceCalls: Record<string, any[]> = {};
  const taskHandler: testing.ITaskHandler = {
    handle: async (invocation: testing.TaskInvocation): Promise<testing.TaskOutcome> => {
      const handler = services[invocation.stateName];
      (serviceCalls[invocation.stateName] ??= []).push(plainClone(invocation.request));
      if (!handler) {
        throw new Error(`runWorkflow: Task state ${JSON.stringify(invocation.stateName)} ran without a simulated service: add it to options.services`);
      }
      const count = (counts.get(invocation.stateName) ?? 0) + 1;
      counts.set(invocation.stateName, count);
      const recorded = {
        stateName: invocation.stateName, path: invocation.path, attempt: invocation.attempt, request: plainClone(invocation.request),
      };
      try {
        const result = await handler(plainClone(invocation.request), {
          stateName: invocation.stateName,
          invocation: count,
          attempt: invocation.attempt,
          time: invocation.time,
          epochMillis: Date.parse(invocation.time),
          path: invocation.path,
          taskToken: invocation.taskToken,
        });
        const value = result === undefined ? null : plainClone(result);
        calls.push({ ...recorded, outcome: { result: value } });
        return { result: value };
      } catch (e) {
        const error = e instanceof Error ? e : taskError('Error', String(e));
        calls.push({ ...recorded, outcome: { error } });
        return { error: error.name, cause: error.message };
      }
    },
  };

  const execution = await testing.Workflow.fromDefinition(definition).execute({
    input: plainClone(input) ?? {},
    taskHandler,
    executionName,
    startTime: opts.startTime,
  });
  const trace = traceOf(execution, states, calls);
  for (const event of eventsOf(trace)) opts.onEvent?.(event);
  const result = {
    status: execution.status as WorkflowResult['status'],
    ...(execution.output !== undefined ? { output: execution.output } : {}),
    ...(execution.error !== undefined ? { error: execution.error } : {}),
    ...(execution.cause !== undefined ? { cause: execution.cause } : {}),
  };

  let oracleSkipped: string | undefined;
  if (jsonata) oracleSkipped = `JSONata (${oracleBlockers.jsonata.join(', ')})`;
  else if (opts.skipOracle) oracleSkipped = opts.skipOracle;
  if (oracleSkipped === undefined) {
    await checkAgainstOracle(definition, input, opts, result, calls);
  }
  return { ...result, trace, serviceCalls, execution, oracleChecked: oracleSkipped === undefined, oracleSkipped };
}

/** Thrown when our executor and the oracle disagree on a JSONPath definition. */
export class OracleMismatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OracleMismatchError';
  }
}

/**
 * Runs the definition on aws-local-stepfunctions, each service answering what it answered in our run (matched by
 * state name and request, UUIDs and timestamps aside), and throws {@link OracleMismatchError} when the
 * outcomes differ or the oracle sends a request ours did not.
 */
async function checkAgainstOracle(
  definition: any, input: unknown, opts: RunWorkflowOptions,
  ours: { status: string; output?: any; error?: string; cause?: string }, calls: RecordedCall[],
): Promise<void> {
  const unused = [...calls];
  const problems: string[] = [];
  const replay: Record<string, LocalServiceHandler> = {};
  for (const name of new Set(calls.map((c) => c.stateName))) {
    replay[name] = (request) => {
      const same = unused.filter((c) => c.stateName === name);
      const match = same.find((c) => deepEqual(normalize(c.request), normalize(request))) ?? same[0];
      if (!match) {
        problems.push(`the oracle called ${JSON.stringify(name)} more often than ours, with ${preview(request)}`);
        throw taskError('Oracle.UnexpectedCall', name);
      }
      if (!deepEqual(normalize(match.request), normalize(request))) {
        problems.push(`request of ${JSON.stringify(name)}: ours ${preview(match.request, 400)}, oracle ${preview(request, 400)}`);
      }
      unused.splice(unused.indexOf(match), 1);
      if (match.outcome.error) throw match.outcome.error;
      return plainClone(match.outcome.result);
    };
  }
  const theirs = await runOnLocalStepFunctions(definition, input, {
    services: replay,
    context: { ...opts.context, Execution: { ...DEFAULT_CONTEXT.Execution, ...opts.context?.Execution, StartTime: opts.startTime ?? '2026-01-01T00:00:00.000Z' } },
  });
  // The cause of an error the interpreter raises itself is free text in AWS's documentation: compare the name only.
  const pick = (r: { status: string; output?: any; error?: string; cause?: string }) =>
    normalize({ status: r.status, output: r.output, error: r.error, cause: INTERPRETER_ERRORS.includes(r.error ?? '') ? undefined : r.cause });
  if (!deepEqual(pick(ours), pick(theirs))) {
    problems.push(`outcome: ours ${preview(pick(ours), 1000)}, oracle ${preview(pick(theirs), 1000)}`);
  }
  if (problems.length > 0) {
    throw new OracleMismatchError(`runWorkflow: our executor and the oracle (aws-local-stepfunctions) disagree:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Errors the interpreter raises itself (not a service, not a Fail state): their causes are worded freely. */
const INTERPRETER_ERRORS = [
  'States.NoChoiceMatched', 'States.Runtime', 'States.ParameterPathFailure', 'States.ResultPathMatchFailure',
  'States.IntrinsicFailure', 'States.DataLimitExceeded', 'States.QueryEvaluationError',
];

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
/** Name suffixes made of generated hex (`States.UUID` sliced, `States.Hash`). */
const HEX_RUN = /\b[0-9a-f]{12,}\b/g;
const ISO_TIME = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})/g;

/** Values that legitimately differ between the two runs (generated UUIDs, hex and task tokens, wall-clock timestamps). */
function normalize(value: any): any {
  if (value === undefined) return undefined;
  return JSON.parse(JSON.stringify(value)
    .replace(UUID, '<uuid>')
    .replace(/test-task-token/g, '<uuid>')
    .replace(HEX_RUN, '<hex>')
    .replace(ISO_TIME, '<time>'));
}

function deepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
}

function sortKeys(value: any): any {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (isPlainObject(value)) return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortKeys(value[k])]));
  return value;
}

/** Our executor's state records as trace entries, with retries and service errors from the recorded calls. */
function traceOf(execution: testing.ExecutionResult, states: Map<string, any>, calls: RecordedCall[]): TraceEntry[] {
  // Each entry of a Task state is one run of calls with attempts 0, 1, …, in order, per (state, path).
  const attemptsOf = new Map<string, RecordedCall[][]>();
  for (const call of calls) {
    const key = `${call.path}\u0000${call.stateName}`;
    const runs = attemptsOf.get(key) ?? [];
    if (call.attempt === 0 || runs.length === 0) runs.push([]);
    runs[runs.length - 1].push(call);
    attemptsOf.set(key, runs);
  }
  const seen = new Map<string, number>();
  return execution.states.map((record) => {
    const key = `${record.path}\u0000${record.name}`;
    const n = seen.get(key) ?? 0;
    seen.set(key, n + 1);
    const attempts = record.type === 'Task' ? attemptsOf.get(key)?.[n] ?? [] : [];
    const lastError = [...attempts].reverse().find((c) => c.outcome.error)?.outcome.error;
    const error = record.error ?? lastError?.name;
    const cause = record.cause ?? lastError?.message;
    const mapIndex = mapIndexOf(record.path, states);
    let status: TraceEntry['status'] = 'SUCCEEDED';
    if (record.error !== undefined) status = catches(states.get(record.name), record.error) ? 'CAUGHT' : 'FAILED';
    return {
      state: record.name,
      type: record.type,
      input: record.input,
      ...(record.output !== undefined ? { output: record.output } : {}),
      status,
      ...(error !== undefined ? { error, cause } : {}),
      retries: Math.max(0, attempts.length - 1),
      ...(mapIndex !== undefined ? { mapIndex } : {}),
      path: record.path,
      ...(record.request !== undefined ? { request: record.request } : {}),
      enteredSeconds: record.enteredSeconds,
      ...(record.exitedSeconds !== undefined ? { exitedSeconds: record.exitedSeconds } : {}),
    };
  });
}

function eventsOf(trace: TraceEntry[]): TraceEvent[] {
  const events: TraceEvent[] = [];
  for (const entry of trace) {
    events.push({ kind: 'entered', entry });
    for (let i = 0; i < entry.retries; i++) events.push({ kind: 'retried', entry });
    if (entry.status === 'SUCCEEDED') events.push({ kind: 'exited', entry });
    else if (entry.status === 'CAUGHT') events.push({ kind: 'caught', entry });
    else events.push({ kind: 'failed', entry });
  }
  return events;
}

/** The index of the outermost Map iteration in a path such as `Outer/2/Branch/0`. */
function mapIndexOf(path: string, states: Map<string, any>): number | undefined {
  const parts = path ? path.split('/') : [];
  let name = '';
  for (const part of parts) {
    if (name && /^\d+$/.test(part) && states.has(name)) {
      if (states.get(name).Type === 'Map') return Number(part);
      name = '';
      continue;
    }
    name = name ? `${name}/${part}` : part;
  }
  return undefined;
}

/** Whether a state's Catch handles the error (the rules of src/testing: States.Runtime is never caught). */
function catches(state: any, error: string): boolean {
  if (error === 'States.Runtime') return false;
  return (state?.Catch ?? []).some((c: any) => c.ErrorEquals.some((name: string) =>
    name === error
    || (name === 'States.ALL' && error !== 'States.DataLimitExceeded')
    || (name === 'States.TaskFailed' && !['States.Timeout', 'States.DataLimitExceeded'].includes(error))
    || (name === 'States.BranchFailed' && (state.Type === 'Parallel' || state.Type === 'Map'))));
}

/** Why the oracle cannot run a definition: JSONata states, and features it silently ignores. */
export function oracleCannotRun(definition: any): { jsonata: string[]; unsupported: string[] } {
  const states = collectStates(definition);
  const jsonata: string[] = [];
  if (definition?.QueryLanguage === 'JSONata') jsonata.push('the top-level QueryLanguage');
  for (const [name, state] of states) {
    if (state.QueryLanguage === 'JSONata') jsonata.push(`state ${JSON.stringify(name)}`);
  }
  const unsupported: string[] = [];
  for (const [name, state] of states) {
    const rules = [...state.Catch ?? [], ...state.Choices ?? []];
    if ('Assign' in state || rules.some((rule: any) => 'Assign' in rule)) unsupported.push(`state ${JSON.stringify(name)}: variables (Assign)`);
    const distributed = UNSUPPORTED_MAP_FIELDS.filter((field) => field in state);
    if (distributed.length > 0) unsupported.push(`state ${JSON.stringify(name)}: distributed Map ${distributed.join(', ')}`);
  }
  return { jsonata, unsupported };
}

// ---------------------------------------------------------------------------------------------------------------------
// The oracle: aws-local-stepfunctions 3.0.0 (JSONPath only)

/** A simulated service of the oracle run. */
export type LocalServiceHandler = (input: any, ctx: { stateName: string; invocation: number }) => unknown;

/** Options of {@link runOnLocalStepFunctions}. */
export interface LocalRunOptions {
  /** Simulated services by Task state name; `ctx.invocation` counts from 1. */
  readonly services?: Record<string, LocalServiceHandler>;
  readonly waitTimeOverrides?: Record<string, number>;
  readonly retryIntervalOverrides?: Record<string, number | number[]>;
  readonly context?: Record<string, any>;
}

/** What {@link runOnLocalStepFunctions} returns. */
export interface LocalRunResult {
  readonly status: 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT';
  readonly output?: any;
  readonly error?: string;
  readonly cause?: string;
  readonly serviceCalls: Record<string, any[]>;
}

/**
 * The differential oracle: runs a JSONPath definition on aws-local-stepfunctions 3.0.0 (Waits and retry pauses
 * take 0 ms unless overridden). Throws on definitions it would mis-run ({@link assertOfflineRunnable}).
 */
export async function runOnLocalStepFunctions(definition: any, input: unknown = {}, opts: LocalRunOptions = {}): Promise<LocalRunResult> {
  assertOfflineRunnable(definition);
  const states = collectStates(definition);
  const services = opts.services ?? {};
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
  let result: Omit<LocalRunResult, 'serviceCalls'>;
  try {
    result = { status: 'SUCCEEDED', output: await execution.result };
  } catch (e) {
    result = failureOf(e);
  }
  if (harnessErrors.length > 0) {
    throw new Error(`runOnLocalStepFunctions: the simulated services are incomplete:\n${harnessErrors.map((m) => `  - ${m}`).join('\n')}`);
  }
  return { ...result, serviceCalls };
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
      `runOnLocalStepFunctions: aws-local-stepfunctions supports JSONPath only and would silently mis-evaluate JSONata; ${jsonata.join(', ')} ` +
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
      `runOnLocalStepFunctions: aws-local-stepfunctions would silently ignore these features:\n${unsupported.map((u) => `  - ${u}`).join('\n')}\n` +
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
  handler: LocalServiceHandler | undefined,
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

function failureOf(e: unknown): Omit<LocalRunResult, 'serviceCalls'> {
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
