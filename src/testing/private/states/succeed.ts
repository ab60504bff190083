import type { Execution } from '../engine';
import type { StateRun, StepResult } from './common';

/** Succeed: ends the thread with its (filtered) input. */
export async function runSucceed(ex: Execution, run: StateRun): Promise<StepResult> {
  const { state, input, frame } = run;
  const context = ex.context(run, 0);
  if (run.language === 'JSONata') return ex.jsonataOutput(run, state, { input, context }, input);
  return { output: ex.readPath(state.OutputPath, ex.readPath(state.InputPath, input, context, frame), context, frame) };
}
