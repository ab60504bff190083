import type { TestCaseMocks } from './mocks';

/**
 * Internal shapes shared by the executor's modules (the public structs are in ../index.ts and mirror these).
 */

export interface TaskInvocationData {
  readonly stateName: string;
  readonly resource: string;
  readonly request: any;
  readonly taskToken?: string;
  readonly attempt: number;
  readonly invocation: number;
  readonly time: string;
  readonly epochSeconds: number;
  readonly path: string;
}

export interface TaskOutcomeData {
  readonly result?: any;
  readonly error?: string;
  readonly cause?: string;
  readonly durationSeconds?: number;
}

export interface TaskHandlerLike {
  handle(invocation: TaskInvocationData): any;
}

export interface AttemptRecordData {
  attempt: number;
  startedSeconds: number;
  endedSeconds?: number;
  error?: string;
  cause?: string;
  retryInSeconds?: number;
  request?: any;
}

export interface StateRecordData {
  name: string;
  type: string;
  path: string;
  enteredSeconds: number;
  exitedSeconds?: number;
  input: any;
  output?: any;
  request?: any;
  error?: string;
  cause?: string;
  attempts?: AttemptRecordData[];
}

export interface ExecutionResultData {
  readonly status: string;
  readonly output?: any;
  readonly error?: string;
  readonly cause?: string;
  readonly elapsedSeconds: number;
  readonly stateTransitions: number;
  readonly historyEvents: number;
  readonly states: StateRecordData[];
  /** Task states the mock config's test case mocks that never ran. */
  readonly unusedMocks: string[];
  readonly history: Array<Record<string, any>>;
  /** The objects the Distributed Maps' ResultWriters wrote (manifest.json, SUCCEEDED_n.json, …), in order. */
  readonly writtenObjects: WrittenObjectData[];
}

export interface WrittenObjectData {
  readonly stateName: string;
  readonly path: string;
  readonly bucket: string;
  readonly key: string;
  readonly body: string;
  readonly time: string;
}

export interface RunOptions {
  readonly input?: any;
  /** The test case's mocks (selected and checked by the caller: ./mocks selectMocks). */
  readonly mocks?: TestCaseMocks;
  readonly stateMachineName?: string;
  readonly taskHandler?: TaskHandlerLike;
  readonly seed?: number;
  readonly startTime?: string;
  readonly executionName?: string;
  readonly maxTransitions?: number;
  readonly trace?: boolean;
  /** Send each ResultWriter file as a PutObject call of its Map state (mock config or task handler). */
  readonly sendResultWriterCalls?: boolean;
  /** Where trace lines go. @default process.stderr */
  readonly traceSink?: (line: string) => void;
}
