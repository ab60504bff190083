import { jsonPath, PathContext } from '../engine';
import type { Execution } from '../engine';
import { ERRORS, StatesError } from '../errors';
import { evaluateTemplate } from '../jsonata';
import { GivenError, StateRun, StepResult } from './common';

/** Fail: fails the thread with Error and Cause (JSONPath: or ErrorPath and CausePath, paths or intrinsics). */
export async function runFail(ex: Execution, run: StateRun): Promise<StepResult> {
  const { name, state, input, frame } = run;
  const context = ex.context(run, 0);
  let error: any;
  let cause: any;
  if (run.language === 'JSONata') {
    const scope = ex.jsonataScope(run, { input, context });
    error = await evaluateTemplate(state.Error, 'Error', scope);
    cause = await evaluateTemplate(state.Cause, 'Cause', scope);
  } else {
    const ctx = ex.pathContext(input, context, frame);
    error = state.ErrorPath !== undefined ? pathOrIntrinsic(state.ErrorPath, ctx) : state.Error;
    cause = state.CausePath !== undefined ? pathOrIntrinsic(state.CausePath, ctx) : state.Cause;
  }
  for (const [field, v] of [['Error', error], ['Cause', cause]]) {
    if (v !== undefined && typeof v !== 'string') {
      throw new StatesError(ERRORS.RUNTIME, `State '${name}': ${field} must evaluate to a string; got ${JSON.stringify(v)}`);
    }
  }
  throw new GivenError(error ?? '', cause ?? '');
}

function pathOrIntrinsic(value: string, ctx: PathContext): any {
  return value.startsWith('States.') ? jsonPath().evaluateIntrinsic(value, ctx) : jsonPath().readPath(value, ctx);
}
