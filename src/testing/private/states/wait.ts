import { jsonPath } from '../engine';
import type { Execution } from '../engine';
import { ERRORS, StatesError } from '../errors';
import { evaluateExpression, isExpression } from '../jsonata';
import type { StateRun, StepResult } from './common';

/**
 * Wait: Seconds, Timestamp, SecondsPath or TimestampPath. A timestamp must carry its zone (`Z` or an offset), as
 * the Wait state's page requires; one without fails the state (`States.Runtime` in JSONPath,
 * `States.QueryEvaluationError` in JSONata).
 */
export async function runWait(ex: Execution, run: StateRun): Promise<StepResult> {
  const { name, state, input, frame } = run;
  const context = ex.context(run, 0);
  let seconds: number;
  if (run.language === 'JSONata') {
    const scope = ex.jsonataScope(run, { input, context });
    if (state.Seconds !== undefined) {
      seconds = (await ex.jsonataNumber(state.Seconds, 'Seconds', scope))!;
    } else {
      const ts = isExpression(state.Timestamp) ? await evaluateExpression(state.Timestamp, 'Timestamp', scope) : state.Timestamp;
      seconds = untilTimestamp(ex, name, 'Timestamp', ts, ERRORS.QUERY_EVALUATION);
    }
    // Output and Assign see the clock before the wait (they are evaluated with the state's input).
    const result = await ex.jsonataOutput(run, state, { input, context }, input, state.Next);
    await ex.advance(frame, seconds);
    return result;
  }
  const effective = ex.readPath(state.InputPath, input, context, frame);
  if (state.Seconds !== undefined) {
    seconds = state.Seconds;
  } else if (state.Timestamp !== undefined) {
    seconds = untilTimestamp(ex, name, 'Timestamp', state.Timestamp, ERRORS.RUNTIME);
  } else if (state.SecondsPath !== undefined) {
    seconds = jsonPath().readPath(state.SecondsPath, ex.pathContext(effective, context, frame));
    if (typeof seconds !== 'number' || seconds < 0) {
      throw new StatesError(ERRORS.RUNTIME, `State '${name}': SecondsPath '${state.SecondsPath}' must select a non-negative number; got ${JSON.stringify(seconds)}`);
    }
  } else {
    const timestamp = jsonPath().readPath(state.TimestampPath, ex.pathContext(effective, context, frame));
    seconds = untilTimestamp(ex, name, `TimestampPath '${state.TimestampPath}'`, timestamp, ERRORS.RUNTIME);
  }
  await ex.advance(frame, seconds);
  const assign = ex.assignPath(state.Assign, effective, context, frame);
  return { output: ex.readPath(state.OutputPath, effective, context, frame), assign, next: state.Next };
}

/** RFC 3339 with a zone: `2026-01-01T00:00:00Z`, `2026-01-01T00:00:00.5+02:00`. */
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function untilTimestamp(ex: Execution, name: string, field: string, value: any, errorName: string): number {
  const t = typeof value === 'string' && RFC3339.test(value) ? Date.parse(value) : NaN;
  if (Number.isNaN(t)) {
    throw new StatesError(errorName, `State '${name}': ${field} must be an RFC 3339 timestamp with a time zone (such as 2026-01-01T00:00:00Z); got ${JSON.stringify(value)}`);
  }
  // AWS counts whole seconds: the milliseconds of a timestamp are cut.
  return Math.max(0, (Math.floor(t / 1000) * 1000 - ex.now) / 1000);
}
