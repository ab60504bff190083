/**
 * The conformance cases: worked examples of AWS's Step Functions developer guide (and the Amazon States Language
 * specification), each with the result the documentation states. Data lives in cases/<topic>.json.
 */
import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';

/** What a documented example says the execution ends with. */
export interface CaseExpectation {
  readonly status: 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT';
  readonly output?: unknown;
  readonly error?: string;
  readonly cause?: string;
  /** Virtual time the execution takes (waits, retry intervals). */
  readonly elapsedSeconds?: number;
}

/** What a documented example says about one state (any visit of that state may match). */
export interface StateExpectation {
  readonly name: string;
  readonly input?: unknown;
  readonly output?: unknown;
  /** The request sent to the integration (the effective input of a Task). */
  readonly request?: unknown;
}

/** A shape check for a non-deterministic value in the output (States.UUID, States.MathRandom, $random, $uuid…). */
export interface ShapeExpectation {
  readonly type: 'uuidv4' | 'integer' | 'number' | 'string';
  readonly min?: number;
  readonly max?: number;
  readonly maxExclusive?: boolean;
  readonly pattern?: string;
  /** The value must equal the output's value at this dotted path. */
  readonly equalsPath?: string;
}

export interface ConformanceCase {
  readonly name: string;
  /** Title and address of the documentation page the example comes from. */
  readonly source: string;
  readonly description: string;
  readonly definition: any;
  readonly input: unknown;
  readonly mockConfig?: unknown;
  readonly testCase?: string;
  /** Execution start time (for Wait timestamps and the context object). */
  readonly startTime?: string;
  readonly expect: CaseExpectation;
  readonly expectState?: StateExpectation | StateExpectation[];
  /** Dotted output paths → shape, for values that differ run to run. */
  readonly expectShape?: Record<string, ShapeExpectation>;
  /**
   * Set when the page documents a definition that asl-validator refuses (its schema lags the page): the case then
   * asserts that asl-validator still refuses it, so the gap is noticed when asl-validator catches up.
   */
  readonly aslValidatorGap?: string;
  /** Set when the executor is known to disagree with the documentation: the case runs as `test.failing`. */
  readonly knownFailure?: string;
}

export interface Topic {
  readonly topic: string;
  readonly cases: ConformanceCase[];
}

/** The state machine name every case runs under (mock configs are keyed by it). */
export const STATE_MACHINE_NAME = 'Conformance';

export const CASES_DIR = join(__dirname, 'cases');

/** Every topic file, in name order. */
export function loadTopics(): Topic[] {
  return readdirSync(CASES_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => ({ topic: f.replace(/\.json$/, ''), cases: JSON.parse(readFileSync(join(CASES_DIR, f), 'utf8')) as ConformanceCase[] }));
}

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/** Reads a dotted path (`a.b.0`) from a value. */
export function at(value: any, path: string): any {
  return path.split('.').reduce((v, key) => (v === undefined || v === null ? undefined : v[key]), value);
}

/** Problems with `output` against the case's shape expectations (empty when it conforms). */
export function shapeProblems(output: unknown, shapes: Record<string, ShapeExpectation>): string[] {
  const problems: string[] = [];
  for (const [path, shape] of Object.entries(shapes)) {
    const v = at(output, path);
    const bad = (why: string) => problems.push(`${path}: ${why}; got ${JSON.stringify(v)}`);
    switch (shape.type) {
      case 'uuidv4':
        if (typeof v !== 'string' || !UUID_V4.test(v)) bad('must be a version 4 UUID');
        break;
      case 'integer':
      case 'number':
        if (typeof v !== 'number' || (shape.type === 'integer' && !Number.isInteger(v))) {
          bad(`must be ${shape.type === 'integer' ? 'an integer' : 'a number'}`);
        } else if ((shape.min !== undefined && v < shape.min) || (shape.max !== undefined && (shape.maxExclusive ? v >= shape.max : v > shape.max))) {
          bad(`must be in ${shape.min ?? '-∞'}..${shape.max ?? '∞'}${shape.maxExclusive ? ' (exclusive)' : ''}`);
        }
        break;
      case 'string':
        if (typeof v !== 'string' || (shape.pattern !== undefined && !new RegExp(shape.pattern).test(v))) bad(`must be a string matching ${shape.pattern ?? '.*'}`);
        break;
    }
    if (shape.equalsPath !== undefined && JSON.stringify(v) !== JSON.stringify(at(output, shape.equalsPath))) {
      bad(`must equal ${shape.equalsPath} (${JSON.stringify(at(output, shape.equalsPath))})`);
    }
  }
  return problems;
}
