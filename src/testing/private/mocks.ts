import * as fs from 'fs';
import { ERRORS, StatesError } from './errors';
import type { DefinitionInfo } from './validate';

/**
 * Mocked service responses in AWS's Step Functions Local mock-config format:
 *
 *   { "StateMachines": { "<name>": { "TestCases": { "<case>": { "<state>": "<response>" } } } },
 *     "MockedResponses": { "<response>": { "0": { "Return": {…} }, "1-2": { "Throw": { "Error": "…", "Cause": "…" } } } } }
 *
 * Ranges count the calls of one state in one execution from 0 (retries and Map iterations included).
 *
 * What it means follows Step Functions Local (developer guide, "Configuration file for mocked service
 * integrations" and "Using mocked service integrations"):
 * - a mistake in the config is a `MockConfigError` before anything runs: an unknown state machine, test case or
 *   mocked response; a test case naming a state the definition does not have (at any depth: Parallel branches and
 *   Map item processors included) or a state that is not a Task; a response with both `Return` and `Throw`, or
 *   neither;
 * - a mocked state that never runs is not an error: the result lists it in `unusedMocks`;
 * - a call with no mocked response fails the execution ("When you mock a Task, you must specify a mocked response
 *   for every invocation … If you do not specify a mocked response, the state machine execution will fail"). AWS
 *   does not name the error: we fail with `States.Runtime`, which no Retry or Catch matches, and a cause naming the
 *   state and the call. A Task state that the test case does not mock would call the real service in Step Functions
 *   Local; offline there is none, so it fails the same way unless a task handler answers it.
 */
export class MockConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MockConfigError';
  }
}

/** How the caller spells the options that errors mention: `testCase` in the API, `--test-case` in the CLI. */
export interface OptionNames {
  readonly mockConfig: string;
  readonly mockConfigFile: string;
  readonly testCase: string;
  readonly mockStateMachine: string;
  readonly stateMachineName: string;
}

export const API_OPTION_NAMES: OptionNames = {
  mockConfig: 'mockConfig',
  mockConfigFile: 'mockConfigFile',
  testCase: 'testCase',
  mockStateMachine: 'mockStateMachine',
  stateMachineName: 'stateMachineName',
};

/** One mocked answer. */
export interface MockedAnswer {
  readonly result?: any;
  readonly error?: string;
  readonly cause?: string;
}

interface Range { readonly from: number; readonly to: number; readonly answer: MockedAnswer }

/** What selects the mocks of one execution. */
export interface MockSelection {
  /** The mock config (object or JSON text). */
  readonly config?: any;
  /** A JSON file with the mock config. */
  readonly file?: string;
  readonly testCase?: string;
  /** The entry under `StateMachines` to use, exactly. */
  readonly mockStateMachine?: string;
  /** Names the state machine goes by (execution option, template logical id, StateMachineName), tried in order. */
  readonly candidateNames: readonly (string | undefined)[];
  readonly info: DefinitionInfo;
  readonly names: OptionNames;
}

/** The mocks of one execution, or undefined without a mock config. Throws `MockConfigError` for a mistaken config. */
export function selectMocks(selection: MockSelection): TestCaseMocks | undefined {
  const { names } = selection;
  const config = loadMockConfig(selection.config, selection.file, names);
  if (config === undefined) {
    if (selection.testCase !== undefined) throw new MockConfigError(`${names.testCase} needs a mock config (${names.mockConfig === names.mockConfigFile ? names.mockConfig : `${names.mockConfig} or ${names.mockConfigFile}`})`);
    if (selection.mockStateMachine !== undefined) throw new MockConfigError(`${names.mockStateMachine} needs a mock config`);
    return undefined;
  }
  if (selection.testCase === undefined) throw new MockConfigError(`a mock config needs ${names.testCase}: the test case under the state machine's TestCases`);
  if (config === null || typeof config !== 'object' || Array.isArray(config)) throw new MockConfigError('mock config must be a JSON object with StateMachines and MockedResponses');
  const machines = config.StateMachines ?? {};
  if (typeof machines !== 'object' || Array.isArray(machines)) throw new MockConfigError('mock config: StateMachines must be an object');
  const available = Object.keys(machines);
  const has = (n: string) => Object.prototype.hasOwnProperty.call(machines, n);
  let machineName: string;
  if (selection.mockStateMachine !== undefined) {
    if (!has(selection.mockStateMachine)) {
      throw new MockConfigError(`${names.mockStateMachine} '${selection.mockStateMachine}': the mock config has no such entry under StateMachines (has: ${available.join(', ') || 'none'})`);
    }
    machineName = selection.mockStateMachine;
  } else {
    const found = selection.candidateNames.find((n): n is string => n !== undefined && has(n));
    if (found !== undefined) {
      machineName = found;
    } else if (available.length === 1) {
      machineName = available[0];
    } else {
      const tried = selection.candidateNames.filter((n): n is string => n !== undefined);
      throw new MockConfigError(`the mock config has ${available.length} state machines under StateMachines (${available.join(', ') || 'none'})`
        + `${tried.length ? `, none named ${tried.map((n) => `'${n}'`).join(' or ')}` : ''}: pick one with ${names.mockStateMachine}`);
    }
  }
  return new TestCaseMocks(config, machineName, selection.testCase, selection.info);
}

/** The mocks of one test case: state name → its answers by invocation. */
export class TestCaseMocks {
  private readonly ranges = new Map<string, Range[]>();
  private readonly responseNames = new Map<string, string>();
  private readonly used = new Set<string>();

  constructor(config: any, machineName: string, public readonly testCase: string, info: DefinitionInfo) {
    const machine = config.StateMachines[machineName];
    const testCases = machine?.TestCases ?? {};
    const where = `mock config: state machine '${machineName}'`;
    if (!Object.prototype.hasOwnProperty.call(testCases, testCase)) {
      throw new MockConfigError(`${where} has no test case '${testCase}' under TestCases (has: ${Object.keys(testCases).join(', ') || 'none'})`);
    }
    const mapping = testCases[testCase];
    if (mapping === null || typeof mapping !== 'object' || Array.isArray(mapping)) {
      throw new MockConfigError(`${where}: test case '${testCase}' must be an object of state name → mocked response name; got ${JSON.stringify(mapping)}`);
    }
    const responses = config.MockedResponses ?? {};
    for (const [stateName, responseName] of Object.entries<any>(mapping)) {
      const type = info.stateTypes.get(stateName);
      if (type === undefined) {
        throw new MockConfigError(`${where}: test case '${testCase}' mocks state '${stateName}', which the definition does not have (a typo?)`);
      }
      if (type !== 'Task' && !info.readerStates.has(stateName)) {
        throw new MockConfigError(`${where}: test case '${testCase}' mocks state '${stateName}', which is a ${type} state: only Task states `
          + 'and Distributed Map states with an ItemReader or a ResultWriter call services');
      }
      if (typeof responseName !== 'string') {
        throw new MockConfigError(`${where}: test case '${testCase}' maps state '${stateName}' to ${JSON.stringify(responseName)}; it must be the name of a mocked response`);
      }
      if (!Object.prototype.hasOwnProperty.call(responses, responseName)) {
        throw new MockConfigError(`${where}: test case '${testCase}' maps state '${stateName}' to mocked response '${responseName}', which is not under MockedResponses`);
      }
      this.ranges.set(stateName, parseResponse(responseName, responses[responseName]));
      this.responseNames.set(stateName, responseName);
    }
  }

  public has(stateName: string): boolean {
    return this.ranges.has(stateName);
  }

  /**
   * The answer for the `invocation`-th (0-based) call of the state. A call beyond the ranges fails the execution
   * (a `States.Runtime` error: Step Functions Local fails the execution when a mocked Task has no response).
   */
  public answer(stateName: string, invocation: number): MockedAnswer {
    this.used.add(stateName);
    const range = this.ranges.get(stateName)!.find((r) => invocation >= r.from && invocation <= r.to);
    if (!range) {
      const ranges = this.ranges.get(stateName)!.map((r) => (r.from === r.to ? `${r.from}` : `${r.from}-${r.to}`)).join(', ');
      throw new StatesError(ERRORS.RUNTIME,
        `Task state '${stateName}' has no mocked response for call ${invocation} (0-based) in test case '${this.testCase}': `
        + `mocked response '${this.responseNames.get(stateName)}' answers calls ${ranges}`);
    }
    return range.answer;
  }

  /** Mocked states that were never called, in the order the test case names them. */
  public unused(): string[] {
    return [...this.ranges.keys()].filter((s) => !this.used.has(s));
  }
}

/** The failure of a Task call that neither a mock nor a task handler answers. */
export function unansweredCall(stateName: string, resource: string, testCase: string | undefined): StatesError {
  return new StatesError(ERRORS.RUNTIME,
    `Task state '${stateName}' (${resource}) has no mocked response${testCase !== undefined ? ` in test case '${testCase}'` : ''} and no task handler answers it: `
    + 'the offline executor never calls AWS');
}

function parseResponse(name: string, response: any): Range[] {
  if (response === null || typeof response !== 'object' || Array.isArray(response)) {
    throw new MockConfigError(`mock config: mocked response '${name}' must be an object of invocation number or range → Return or Throw`);
  }
  const ranges: Range[] = [];
  for (const [key, value] of Object.entries<any>(response)) {
    const at = `mock config: mocked response '${name}' "${key}"`;
    const m = /^(\d+)(?:-(\d+))?$/.exec(key);
    if (!m) throw new MockConfigError(`mock config: mocked response '${name}': key "${key}" must be an invocation number or an inclusive range such as "0" or "1-3"`);
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    if (to < from) throw new MockConfigError(`${at}: the range ends before it starts`);
    const overlap = ranges.find((r) => from <= r.to && to >= r.from);
    if (overlap) throw new MockConfigError(`${at} overlaps "${overlap.from === overlap.to ? overlap.from : `${overlap.from}-${overlap.to}`}": each call has one response`);
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new MockConfigError(`${at} must be an object with Return or Throw`);
    const hasReturn = Object.prototype.hasOwnProperty.call(value, 'Return');
    const hasThrow = Object.prototype.hasOwnProperty.call(value, 'Throw');
    if (hasReturn && hasThrow) throw new MockConfigError(`${at} has both Return and Throw: a response must contain a single field named Return or Throw`);
    let answer: MockedAnswer;
    if (hasReturn) {
      answer = { result: value.Return };
    } else if (hasThrow) {
      const t = value.Throw;
      if (t === null || typeof t !== 'object' || typeof t.Error !== 'string') throw new MockConfigError(`${at}: Throw must be an object with an Error string (and a Cause string); got ${JSON.stringify(t)}`);
      if (t.Cause !== undefined && typeof t.Cause !== 'string') throw new MockConfigError(`${at}: Throw.Cause must be a string; got ${JSON.stringify(t.Cause)}`);
      answer = { error: t.Error, cause: t.Cause ?? '' };
    } else {
      throw new MockConfigError(`${at} must have a Return or a Throw field; got ${Object.keys(value).join(', ') || 'none'}`);
    }
    ranges.push({ from, to, answer });
  }
  return ranges;
}

/** Reads a mock config given as an object, its JSON text, or a JSON file path. */
export function loadMockConfig(config: any, file: string | undefined, names: OptionNames = API_OPTION_NAMES): any {
  if (config !== undefined && file !== undefined) throw new MockConfigError(`give ${names.mockConfig} or ${names.mockConfigFile}, not both`);
  if (file !== undefined) {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (e: any) {
      throw new MockConfigError(`${names.mockConfigFile} '${file}' cannot be read: ${e.message}`);
    }
    try {
      return JSON.parse(text);
    } catch (e: any) {
      throw new MockConfigError(`${names.mockConfigFile} '${file}' is not JSON: ${e.message}`);
    }
  }
  if (typeof config === 'string') {
    try {
      return JSON.parse(config);
    } catch (e: any) {
      throw new MockConfigError(`${names.mockConfig} is not JSON: ${e.message}`);
    }
  }
  return config;
}
