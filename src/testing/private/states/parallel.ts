import { ForkFailure } from '../engine';
import type { Execution } from '../engine';
import { evaluateTemplate } from '../jsonata';
import { Scope, join, StateRun, StepResult } from './common';

/**
 * Parallel: every branch starts at once, as a thread of the scheduler; the result is the branches' outputs in
 * branch order. The first branch to fail (in virtual time) fails the state; the others are stopped.
 */
export async function runParallel(ex: Execution, run: StateRun, attempt: number): Promise<StepResult> {
  const { name, state, input, frame } = run;
  const context = ex.context(run, attempt);
  const branchInput = run.language === 'JSONata'
    ? (state.Arguments !== undefined ? await evaluateTemplate(state.Arguments, 'Arguments', ex.jsonataScope(run, { input, context })) : input)
    : ex.effectiveInput(state, input, context, frame, state.Parameters);
  ex.history.add(frame.fiber, ex.now, 'ParallelStateStarted');
  let results: any[];
  try {
    results = await ex.fork(frame, state.Branches.length, 0, (i, fiber) => ex.runMachine(state.Branches[i], branchInput, {
      path: join(frame.path, `${name}/${i}`),
      language: frame.language,
      scope: new Scope(frame.scope),
      fiber,
    }));
  } catch (e) {
    if (!(e instanceof ForkFailure)) throw e;
    ex.history.add(frame.fiber, ex.now, 'ParallelStateFailed');
    return e.toStateError();
  }
  ex.history.add(frame.fiber, ex.now, 'ParallelStateSucceeded');
  if (run.language === 'JSONata') return ex.jsonataOutput(run, state, { input, result: results, context }, results, state.Next);
  return ex.jsonPathOutput(state, input, results, context, frame);
}
