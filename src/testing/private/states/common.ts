import { ERRORS, StatesError } from '../errors';
import type { Fiber } from '../scheduler';
import type { StateRecordData } from '../types';

/** Step Functions' payload quota: 256 KiB of UTF-8 JSON. */
export const PAYLOAD_LIMIT_BYTES = 262_144;

/** A StatesError raised by a branch or iteration (for `States.BranchFailed` matching). */
export class BranchError extends StatesError {}

/**
 * An error whose cause is the service's (a task's outcome) or the definition's (a Fail state): its cause is kept as
 * given. Other StatesErrors are the engine's own and read as AWS writes them ("An error occurred while executing
 * the state 'X' (entered at the event id #N). …").
 */
export class GivenError extends StatesError {}

/** Workflow variables: each Parallel branch and Map iteration has its own scope over its parent's. */
export class Scope {
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

/** A thread of the execution: the top level, a Parallel branch or a Map iteration. */
export interface Frame {
  /** '' at the top; 'Par/0' in branch 0 of Parallel "Par"; 'Map/3' in iteration 3 of Map "Map". */
  readonly path: string;
  /** The language of states that do not set their own: always the state machine's top-level `QueryLanguage`. */
  readonly language: string;
  readonly scope: Scope;
  readonly fiber: Fiber;
  /** Extra context object fields of the thread (`Map.Item` in an iteration). */
  readonly map?: Record<string, any>;
}

/** What one state entry is running with. */
export interface StateRun {
  readonly name: string;
  readonly state: any;
  readonly input: any;
  readonly frame: Frame;
  /** The language this state is evaluated in. */
  readonly language: string;
  readonly enteredTime: string;
  readonly enteredEventId: number;
  readonly record: StateRecordData;
}

export interface StepResult {
  readonly output: any;
  readonly next?: string;
  readonly assign?: Record<string, any>;
}

export function noChoice(name: string): StatesError {
  return new StatesError(ERRORS.NO_CHOICE_MATCHED, `No Choice Rule matched in state '${name}' and it has no Default`);
}

export function join(path: string, part: string): string {
  return path ? `${path}/${part}` : part;
}

export function checkSize(value: any, name: string, what: string): void {
  if (value === undefined) return;
  const text = JSON.stringify(value);
  if (text !== undefined && text.length * 3 > PAYLOAD_LIMIT_BYTES && Buffer.byteLength(text, 'utf8') > PAYLOAD_LIMIT_BYTES) {
    throw new StatesError(ERRORS.DATA_LIMIT_EXCEEDED, `State '${name}': the ${what} is larger than ${PAYLOAD_LIMIT_BYTES} bytes`);
  }
}

export function copy(value: any): any {
  return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
}

export function json(value: any): string {
  return value === undefined ? 'null' : JSON.stringify(value);
}
