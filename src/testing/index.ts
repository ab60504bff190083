/**
 * Offline execution of Step Functions state machines, for tests: `Workflow.fromStateMachine(sm).execute({...})`.
 *
 * Runs Amazon States Language definitions (JSONPath and JSONata) on a virtual clock, with Task states answered by
 * mocks in AWS's Step Functions Local mock-config format or by a task handler. Nothing sleeps and nothing calls
 * AWS. JSONata and JSONPath libraries are loaded on the first `execute`, so importing the constructs stays cheap.
 */
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { OptionNames } from './private/mocks';
import { API_OPTION_NAMES, selectMocks } from './private/mocks';
import { definitionFromTemplate } from './private/template';
import type { ExecutionResultData } from './private/types';
import type { DefinitionInfo } from './private/validate';
import { validateDefinition } from './private/validate';

/** What `Workflow.execute` runs with. */
export interface ExecuteOptions {
  /**
   * The execution's input.
   *
   * From Python, prefer `inputJson`: jsii drops JSON `null` values on their way into the executor
   * (aws/jsii#3240), so `{"keep": None}` would arrive as `{}`.
   * @default {}
   */
  readonly input?: any;
  /**
   * The execution's input as JSON text (instead of `input`). Survives the jsii boundary intact, `null`s included.
   * @default - `input`
   */
  readonly inputJson?: string;
  /**
   * Mocked responses in AWS's Step Functions Local mock-config format (an object or its JSON text).
   * @default - no mocks (every Task state needs `taskHandler`)
   */
  readonly mockConfig?: any;
  /**
   * Path of a JSON file with the mock config (instead of `mockConfig`).
   * @default - no file
   */
  readonly mockConfigFile?: string;
  /**
   * The test case of the mock config to use. Required with a mock config.
   * @default - none
   */
  readonly testCase?: string;
  /**
   * The state machine's name: the name in the context object (`$$.StateMachine.Name`), and the entry under the
   * mock config's `StateMachines` when it has one of that name.
   * @default - the template's `StateMachineName` when it is a string (`Workflow.fromTemplate`), else `StateMachine`
   */
  readonly stateMachineName?: string;
  /**
   * The entry under the mock config's `StateMachines` to use (exactly this one).
   * @default - the first of `stateMachineName`, the template's logical id and its `StateMachineName` that the mock
   * config has; else the mock config's only state machine
   */
  readonly mockStateMachine?: string;
  /**
   * Answers Task states that the mock config does not name.
   * @default - none
   */
  readonly taskHandler?: ITaskHandler;
  /**
   * Seed of the random numbers (`$random`, `$uuid`, `States.UUID`, task tokens, retry jitter).
   * @default 1
   */
  readonly seed?: number;
  /**
   * The execution's virtual start time (ISO 8601).
   * @default '2026-01-01T00:00:00Z'
   */
  readonly startTime?: string;
  /**
   * The execution's name (context object `Execution.Name`).
   * @default - a UUID from the seeded generator
   */
  readonly executionName?: string;
  /**
   * Stop with an error after this many state transitions (a guard against endless loops).
   * @default 100000
   */
  readonly maxTransitions?: number;
  /**
   * Print each state as it runs (to stderr).
   * @default false
   */
  readonly trace?: boolean;
  /**
   * Send each object a Distributed Map's `ResultWriter` writes (`SUCCEEDED_0.json`, `FAILED_0.json`,
   * `PENDING_0.json`, then `manifest.json`) as a PutObject call of the Map state: the state's next mocked response in
   * the mock config, or the task handler with the Resource `arn:aws:states:::s3:putObject` and the request
   * `{ Bucket, Key, Body }` (Body: the object's JSON text). A call answered with an error fails the state with
   * `States.ResultWriterFailed`. Either way the objects are in `ExecutionResult.writtenObjects`.
   * @see https://docs.aws.amazon.com/step-functions/latest/dg/input-output-resultwriter.html
   * @default false - the objects are only recorded in `ExecutionResult.writtenObjects`
   */
  readonly sendResultWriterCalls?: boolean;
}

/**
 * An object a Distributed Map's `ResultWriter` wrote to Amazon S3 (offline: recorded, not sent).
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/input-output-resultwriter.html
 */
export interface WrittenObject {
  /** The Map state's name. */
  readonly stateName: string;
  /** Where the Map state runs: '' at the top, 'Par/0' in branch 0 of Parallel "Par", as `StateRecord.path`. */
  readonly path: string;
  /** The bucket (the ResultWriter's `Bucket`). */
  readonly bucket: string;
  /** The object's key: `<Prefix>/<map run id>/manifest.json`, `…/SUCCEEDED_0.json`, `…/FAILED_0.json`, `…/PENDING_0.json`. */
  readonly key: string;
  /** The object's content: JSON text (JSON Lines for the result files under `WriterConfig.OutputType` JSONL). */
  readonly body: string;
  /** Virtual time of the write (ISO 8601). */
  readonly time: string;
}

/** Answers the Task states of an execution (for states the mock config does not name). */
export interface ITaskHandler {
  /**
   * Answers one call of a Task state.
   * @returns a `TaskOutcome` (in TypeScript also a Promise of one)
   */
  handle(invocation: TaskInvocation): any;
}

/** One call of a Task state. */
export interface TaskInvocation {
  /** The Task state's name. */
  readonly stateName: string;
  /** The state's `Resource`. */
  readonly resource: string;
  /** The request the state sends: Parameters (JSONPath) or Arguments (JSONata) after evaluation. */
  readonly request: any;
  /**
   * The task token of a `.waitForTaskToken` state.
   * @default - none (other integration patterns)
   */
  readonly taskToken?: string;
  /** 0-based retry of this state entry. */
  readonly attempt: number;
  /** 0-based call of this state in the execution (the counter of mock-config ranges). */
  readonly invocation: number;
  /** Virtual time of the call (ISO 8601). */
  readonly time: string;
  /** Virtual time of the call in epoch seconds. */
  readonly epochSeconds: number;
  /** Where the state runs: '' at the top, 'Par/0' in branch 0 of Parallel "Par", 'Map/3' in iteration 3 of Map "Map". */
  readonly path: string;
}

/** What a Task state's call returns. */
export interface TaskOutcome {
  /**
   * The service's response (or the job's final result for `.sync`, the callback output for `.waitForTaskToken`).
   * @default null
   */
  readonly result?: any;
  /**
   * Fail the call with this error name.
   * @default - the call succeeds
   */
  readonly error?: string;
  /**
   * The failure's cause.
   * @default ''
   */
  readonly cause?: string;
  /**
   * Virtual seconds the call (or job) takes; drives TimeoutSeconds and HeartbeatSeconds.
   * @default 0
   */
  readonly durationSeconds?: number;
}

/** One attempt of a Task, Parallel or Map state (the first call and each retry). */
export interface AttemptRecord {
  /** 0-based: 0 is the first call, 1 the first retry. */
  readonly attempt: number;
  /** Virtual seconds since the execution started when the attempt began. */
  readonly startedSeconds: number;
  /**
   * Virtual seconds when the attempt ended (succeeded or failed).
   * @default - the attempt did not end (the execution ended first)
   */
  readonly endedSeconds?: number;
  /**
   * The error the attempt failed with.
   * @default - none (the attempt succeeded)
   */
  readonly error?: string;
  /**
   * The error's cause.
   * @default - none
   */
  readonly cause?: string;
  /**
   * The Retry interval that followed this failed attempt, in seconds.
   * @default - none (no retry followed)
   */
  readonly retryInSeconds?: number;
  /**
   * The request a Task state sent in this attempt.
   * @default - none (not a Task, or the attempt failed before its call)
   */
  readonly request?: any;
}

/** One state's run. */
export interface StateRecord {
  /** The state's name. */
  readonly name: string;
  /** The state's Type. */
  readonly type: string;
  /** '' at the top; 'Par/0' in branch 0 of Parallel "Par"; 'Map/3' in iteration 3 of Map "Map"; nested joined with '/'. */
  readonly path: string;
  /** Virtual seconds since the execution started when the state was entered. */
  readonly enteredSeconds: number;
  /**
   * Virtual seconds when the state exited (or failed).
   * @default - the state did not finish (the execution timed out)
   */
  readonly exitedSeconds?: number;
  /** The state's input. */
  readonly input: any;
  /**
   * The state's output.
   * @default - none (the state failed)
   */
  readonly output?: any;
  /**
   * The request a Task state sent (of its last attempt).
   * @default - none (not a Task)
   */
  readonly request?: any;
  /**
   * The error the state failed with (whether caught or not).
   * @default - none
   */
  readonly error?: string;
  /**
   * The error's cause.
   * @default - none
   */
  readonly cause?: string;
  /**
   * Every attempt of a Task, Parallel or Map state, retries included, with its error, cause and virtual times.
   * @default - none (a state without Retry: Pass, Choice, Wait, Succeed, Fail)
   */
  readonly attempts?: AttemptRecord[];
}

/** The outcome of an execution. */
export class ExecutionResult {
  /** @internal */
  public static _fromData(data: ExecutionResultData): ExecutionResult {
    return new ExecutionResult(data);
  }

  /** SUCCEEDED, FAILED or TIMED_OUT. */
  public readonly status: string;
  /**
   * The execution's output.
   *
   * From Python, prefer `outputJson`: jsii drops JSON `null` values on their way out (aws/jsii#3240).
   * @default - none (the execution did not succeed)
   */
  public readonly output?: any;
  /**
   * The execution's output as JSON text, `null`s included.
   * @default - none (the execution did not succeed)
   */
  public readonly outputJson?: string;
  /**
   * The error of a failed or timed-out execution.
   * @default - none
   */
  public readonly error?: string;
  /**
   * The error's cause.
   * @default - none
   */
  public readonly cause?: string;
  /** Virtual seconds the execution took. */
  public readonly elapsedSeconds: number;
  /** State transitions, as Step Functions counts them for billing (states entered, retries included). */
  public readonly stateTransitions: number;
  /** History events, as Step Functions records them (a Standard execution holds at most 25,000). */
  public readonly historyEvents: number;
  /** Every state entered, in order of virtual time (branches and iterations interleave as they run). */
  public readonly states: StateRecord[];
  /**
   * Task states that the mock config's test case mocks but that never ran (in Step Functions Local, as here, not an
   * error: one test case can serve several paths).
   */
  public readonly unusedMocks: string[];
  private readonly data!: ExecutionResultData;

  /**
   * The execution's history in GetExecutionHistory's shape: `{ id, previousEventId, type, timestamp, …Details }`
   * for each event AWS records (ExecutionStarted, TaskStateEntered, TaskScheduled, TaskStarted, TaskSucceeded,
   * ParallelStateStarted, MapIterationStarted, …), oldest first. `timestamp` is ISO 8601 text; the details are under
   * AWS's member names (`stateEnteredEventDetails`, `taskScheduledEventDetails`, …) with JSON payloads as text.
   * Built when first read.
   */
  public get history(): any[] {
    return this.data.history;
  }

  /**
   * The objects the Distributed Maps' `ResultWriter`s wrote, in the order written: for each Map Run its
   * `SUCCEEDED_0.json`, `FAILED_0.json` and `PENDING_0.json` (those with entries), then its `manifest.json`, under
   * `<Prefix>/<map run id>/`, as input-output-resultwriter.html describes. Also written when the Map Run fails.
   */
  public get writtenObjects(): WrittenObject[] {
    return this.data.writtenObjects ?? [];
  }

  private constructor(data: ExecutionResultData) {
    this.status = data.status;
    this.output = data.output;
    this.outputJson = data.status === 'SUCCEEDED' && data.output !== undefined ? JSON.stringify(data.output) : undefined;
    this.error = data.error;
    this.cause = data.cause;
    this.elapsedSeconds = data.elapsedSeconds;
    this.stateTransitions = data.stateTransitions;
    this.historyEvents = data.historyEvents;
    this.states = data.states;
    this.unusedMocks = data.unusedMocks;
    // not enumerable: JSON.stringify(result) and toEqual see the public fields only
    Object.defineProperty(this, 'data', { value: data, enumerable: false });
  }

  /**
   * The whole result as JSON text (2-space indented): what the `cdk-sfn-jobs run` command prints. From Python,
   * `json.loads(result.to_json())` keeps every `null` of the output and of the states' inputs and outputs.
   */
  public toJson(): string {
    // the history only when asked for (`cdk-sfn-jobs run --history`): it is built when read, and long
    const {
      status, output, error, cause, elapsedSeconds, stateTransitions, historyEvents, states, unusedMocks, history: _history, ...rest
    } = this.data;
    return JSON.stringify({ status, output, error, cause, elapsedSeconds, stateTransitions, historyEvents, states, unusedMocks, ...rest }, null, 2);
  }
}

/** How the caller spells options in errors (the CLI passes its flags). */
interface ExecuteNames {
  readonly options: OptionNames;
}

/** A state machine definition that can be executed offline. */
export class Workflow {
  /** From an ASL definition: an object or its JSON text. From Python, use `fromDefinitionJson`. */
  public static fromDefinition(definition: any): Workflow {
    if (typeof definition === 'string') return Workflow.fromDefinitionJson(definition);
    return new Workflow(definition);
  }

  /**
   * From an ASL definition's JSON text. Survives the jsii boundary intact: from Python, a definition passed as a
   * dict loses its `null` values (aws/jsii#3240) — `"ResultPath": None` vanishes and a different state machine runs.
   */
  public static fromDefinitionJson(text: string): Workflow {
    if (typeof text !== 'string') throw new Error(`definition JSON must be a string; got ${typeof text}`);
    let parsed: any;
    try {
      parsed = JSON.parse(text);
    } catch (e: any) {
      throw new Error(`definition is not JSON: ${e.message}`);
    }
    return new Workflow(parsed);
  }

  /**
   * From a synthesized CloudFormation template (a `cdk.out` template object, or its JSON text). Intrinsics in
   * the definition become stable placeholders (`${LogicalId}`, `${LogicalId.Attribute}`; partition `aws`,
   * region `us-east-1`, account `123456789012`).
   * @param stateMachine the state machine's logical id or its `StateMachineName`; required when the template has several.
   */
  public static fromTemplate(template: any, stateMachine?: string): Workflow {
    let parsed = template;
    if (typeof template === 'string') {
      try {
        parsed = JSON.parse(template);
      } catch (e: any) {
        throw new Error(`template is not JSON: ${e.message}`);
      }
    }
    const found = definitionFromTemplate(parsed, stateMachine, 'the stateMachine argument (its logical id or StateMachineName)');
    return new Workflow(found.definition, found.logicalId, found.stateMachineName);
  }

  /** From a state machine of a CDK app: synthesizes its stack and reads its definition. */
  public static fromStateMachine(stateMachine: sfn.StateMachine): Workflow {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Stack, CfnResource } = require('aws-cdk-lib') as typeof import('aws-cdk-lib');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Template } = require('aws-cdk-lib/assertions') as typeof import('aws-cdk-lib/assertions');
    const stack = Stack.of(stateMachine);
    const resource = stateMachine.node.defaultChild;
    if (!(resource instanceof CfnResource)) throw new Error(`${stateMachine.node.path}: has no CloudFormation state machine resource`);
    return Workflow.fromTemplate(Template.fromStack(stack).toJSON(), stack.getLogicalId(resource));
  }

  /** @internal the CLI: a template's state machine picked with `what` (its flag) in errors. */
  public static _fromTemplateFor(template: any, stateMachine: string | undefined, what: string): Workflow {
    const found = definitionFromTemplate(template, stateMachine, what);
    return new Workflow(found.definition, found.logicalId, found.stateMachineName);
  }

  /** The ASL definition. */
  public readonly definition: any;
  /**
   * The state machine's logical id in the template it came from.
   * @default - none (not from a template)
   */
  public readonly logicalId?: string;
  /**
   * The template's `StateMachineName` of the state machine, when it is a string.
   * @default - none
   */
  public readonly stateMachineName?: string;
  private readonly info: DefinitionInfo;

  private constructor(definition: any, logicalId?: string, stateMachineName?: string) {
    this.info = validateDefinition(definition);
    this.definition = definition;
    this.logicalId = logicalId;
    this.stateMachineName = stateMachineName;
  }

  /** The ASL definition as JSON text (`null`s included, for Python). */
  public get definitionJson(): string {
    return JSON.stringify(this.definition);
  }

  /** Runs the definition to its end on the virtual clock. */
  public async execute(options: ExecuteOptions = {}): Promise<ExecutionResult> {
    return this._execute(options, { options: API_OPTION_NAMES });
  }

  /** @internal `execute`, with errors naming options as the caller spells them. */
  public async _execute(options: ExecuteOptions, names: ExecuteNames): Promise<ExecutionResult> {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Execution } = require('./private/engine') as typeof import('./private/engine');
    const o = names.options;
    if (options.input !== undefined && options.inputJson !== undefined) throw new Error('give input or inputJson, not both');
    let input = options.input;
    if (options.inputJson !== undefined) {
      if (typeof options.inputJson !== 'string') throw new Error(`inputJson must be JSON text; got ${typeof options.inputJson}`);
      try {
        input = JSON.parse(options.inputJson);
      } catch (e: any) {
        throw new Error(`inputJson is not JSON: ${e.message}`);
      }
    }
    const mocks = selectMocks({
      config: options.mockConfig,
      file: options.mockConfigFile,
      testCase: options.testCase,
      mockStateMachine: options.mockStateMachine,
      candidateNames: [options.stateMachineName, this.logicalId, this.stateMachineName],
      info: this.info,
      names: o,
    });
    const data = await new Execution(this.definition, this.info, {
      ...options,
      input,
      mocks,
      stateMachineName: options.stateMachineName ?? this.stateMachineName,
    }).run();
    return ExecutionResult._fromData(data);
  }
}

export * from './presets';
