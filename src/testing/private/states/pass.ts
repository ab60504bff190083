import type { Execution } from '../engine';
import type { StateRun, StepResult } from './common';

/** Pass: Result (or Parameters) as the result (JSONPath); Output and Assign (JSONata). */
export async function runPass(ex: Execution, run: StateRun): Promise<StepResult> {
  const { state, input, frame } = run;
  const context = ex.context(run, 0);
  if (run.language === 'JSONata') {
    return ex.jsonataOutput(run, state, { input, context }, input, state.Next);
  }
  const effective = ex.effectiveInput(state, input, context, frame, state.Parameters);
  const result = state.Result !== undefined ? state.Result : effective;
  return ex.jsonPathOutput(state, input, result, context, frame, { selector: false });
}
