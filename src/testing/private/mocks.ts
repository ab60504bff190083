import * as fs from 'fs';

/**
 * Mocked service responses in AWS's Step Functions Local mock-config format:
 *
 *   { "StateMachines": { "<name>": { "TestCases": { "<case>": { "<state>": "<response>" } } } },
 *     "MockedResponses": { "<response>": { "0": { "Return": {…} }, "1-2": { "Throw": { "Error": "…", "Cause": "…" } } } } }
 *
 * Ranges count the calls of one state in one execution from 0 (retries and Map iterations included).
 * Configuration mistakes (unknown test case, state or response, a call beyond the ranges, a mocked state that
 * never ran) are thrown as `MockConfigError`s: they are mistakes in the test, not outcomes of the workflow.
 */
export class MockConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MockConfigError';
  }
}

/** One mocked answer. */
export interface MockedAnswer {
  readonly result?: any;
  readonly error?: string;
  readonly cause?: string;
}

interface Range { readonly from: number; readonly to: number; readonly answer: MockedAnswer }

/** The mocks of one test case: state name → its answers by invocation. */
export class TestCaseMocks {
  private readonly ranges = new Map<string, Range[]>();
  private readonly used = new Set<string>();

  constructor(config: any, options: { testCase: string; stateMachineName?: string; knownStates: Set<string> }) {
    if (config === null || typeof config !== 'object') throw new MockConfigError('mock config must be an object');
    const machines = config.StateMachines ?? {};
    const names = Object.keys(machines);
    let machineName = options.stateMachineName;
    if (machineName === undefined || !(machineName in machines)) {
      if (machineName !== undefined && names.length !== 1) {
        throw new MockConfigError(`mock config has no state machine '${machineName}' under StateMachines (has: ${names.join(', ') || 'none'})`);
      }
      if (names.length !== 1) {
        throw new MockConfigError(`mock config has ${names.length} state machines (${names.join(', ') || 'none'}): name one with stateMachineName`);
      }
      machineName = names[0];
    }
    const testCases = machines[machineName].TestCases ?? {};
    const testCase = testCases[options.testCase];
    if (!testCase) {
      throw new MockConfigError(`mock config: state machine '${machineName}' has no test case '${options.testCase}' (has: ${Object.keys(testCases).join(', ') || 'none'})`);
    }
    const responses = config.MockedResponses ?? {};
    for (const [stateName, responseName] of Object.entries<any>(testCase)) {
      if (!options.knownStates.has(stateName)) {
        throw new MockConfigError(`mock config: test case '${options.testCase}' mocks state '${stateName}', which is not a Task state of the definition`);
      }
      const response = responses[responseName];
      if (!response) {
        throw new MockConfigError(`mock config: test case '${options.testCase}' maps state '${stateName}' to mocked response '${responseName}', which is not under MockedResponses`);
      }
      this.ranges.set(stateName, parseResponse(String(responseName), response));
    }
  }

  public has(stateName: string): boolean {
    return this.ranges.has(stateName);
  }

  /** The answer for the `invocation`-th (0-based) call of the state. */
  public answer(stateName: string, invocation: number): MockedAnswer {
    this.used.add(stateName);
    const range = this.ranges.get(stateName)!.find((r) => invocation >= r.from && invocation <= r.to);
    if (!range) {
      throw new MockConfigError(`mock config: no mocked response for call ${invocation} (0-based) of state '${stateName}'`);
    }
    return range.answer;
  }

  /** Mocked states that were never called. */
  public unused(): string[] {
    return [...this.ranges.keys()].filter((s) => !this.used.has(s));
  }
}

function parseResponse(name: string, response: any): Range[] {
  if (response === null || typeof response !== 'object') throw new MockConfigError(`mocked response '${name}' must be an object`);
  const ranges: Range[] = [];
  for (const [key, value] of Object.entries<any>(response)) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(key);
    if (!m) throw new MockConfigError(`mocked response '${name}': key '${key}' must be an invocation number or range such as "0" or "1-3"`);
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    if (to < from) throw new MockConfigError(`mocked response '${name}': range '${key}' ends before it starts`);
    let answer: MockedAnswer;
    if (value && 'Return' in value) {
      answer = { result: value.Return };
    } else if (value && value.Throw && typeof value.Throw.Error === 'string') {
      answer = { error: value.Throw.Error, cause: value.Throw.Cause ?? '' };
    } else {
      throw new MockConfigError(`mocked response '${name}' '${key}' must have Return or Throw with an Error`);
    }
    ranges.push({ from, to, answer });
  }
  return ranges;
}

/** Reads a mock config given as an object or a JSON file path. */
export function loadMockConfig(config?: any, file?: string): any {
  if (config !== undefined && file !== undefined) throw new MockConfigError('give mockConfig or mockConfigFile, not both');
  if (file !== undefined) {
    try {
      return JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (e: any) {
      throw new MockConfigError(`mock config file '${file}': ${e.message}`);
    }
  }
  return typeof config === 'string' ? JSON.parse(config) : config;
}
