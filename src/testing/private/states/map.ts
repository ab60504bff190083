import { ForkFailure, jsonPath } from '../engine';
import type { Execution } from '../engine';
import { ERRORS, StatesError } from '../errors';
import { evaluateTemplate, isExpression, evaluateExpression } from '../jsonata';
import { Scope, join, StateRun, StepResult } from './common';

/**
 * Map (inline): one iteration per item, each a thread of the scheduler, at most MaxConcurrency at a time (0: all
 * at once), started in item order as slots free up. The first iteration to fail (in virtual time) fails the state;
 * the iterations still running are stopped (`MapIterationAborted`), the ones not started never start.
 */
export async function runMap(ex: Execution, run: StateRun, attempt: number): Promise<StepResult> {
  const { name, state, input, frame } = run;
  const context = ex.context(run, attempt);
  const processor = state.ItemProcessor ?? state.Iterator;
  let items: any;
  let maxConcurrency: number;
  let effective: any;
  if (run.language === 'JSONata') {
    const scope = ex.jsonataScope(run, { input, context });
    items = state.Items !== undefined ? await evaluateTemplate(state.Items, 'Items', scope) : input;
    const mc = isExpression(state.MaxConcurrency) ? await evaluateExpression(state.MaxConcurrency, 'MaxConcurrency', scope) : state.MaxConcurrency;
    maxConcurrency = concurrency(name, 'MaxConcurrency', mc, ERRORS.QUERY_EVALUATION);
    effective = input;
  } else {
    effective = ex.readPath(state.InputPath, input, context, frame);
    items = ex.readPath(state.ItemsPath, effective, context, frame);
    maxConcurrency = state.MaxConcurrencyPath !== undefined
      ? concurrency(name, `MaxConcurrencyPath '${state.MaxConcurrencyPath}'`, jsonPath().readPath(state.MaxConcurrencyPath, ex.pathContext(effective, context, frame)), ERRORS.RUNTIME)
      : state.MaxConcurrency ?? 0;
  }
  if (!Array.isArray(items)) {
    throw new StatesError(run.language === 'JSONata' ? ERRORS.QUERY_EVALUATION : ERRORS.RUNTIME,
      `State '${name}': the items to iterate over must be an array; got ${JSON.stringify(items)?.slice(0, 200)}`);
  }
  ex.history.add(frame.fiber, ex.now, 'MapStateStarted', () => ({ length: items.length }));
  const selector = state.ItemSelector ?? state.Parameters;
  let results: any[];
  try {
    results = await ex.fork(frame, items.length, maxConcurrency, async (index, fiber) => {
      const item = items[index];
      ex.history.add(fiber, ex.now, 'MapIterationStarted', () => ({ name, index }));
      const itemContext = { ...context, Map: { Item: { Index: index, Value: item, Source: 'STATE_DATA' } } };
      let iterationInput: any;
      if (selector === undefined) {
        iterationInput = item;
      } else if (run.language === 'JSONata') {
        iterationInput = await evaluateTemplate(selector, 'ItemSelector', ex.jsonataScope(run, { input, context: itemContext }));
      } else {
        iterationInput = jsonPath().applyPayloadTemplate(selector, ex.pathContext(effective, itemContext, frame));
      }
      try {
        const output = await ex.runMachine(processor, iterationInput, {
          path: join(frame.path, `${name}/${index}`),
          language: frame.language,
          scope: new Scope(frame.scope),
          fiber,
        });
        ex.history.add(fiber, ex.now, 'MapIterationSucceeded', () => ({ name, index }));
        return output;
      } catch (e) {
        if (e instanceof StatesError) ex.history.add(fiber, ex.now, 'MapIterationFailed', () => ({ name, index }));
        throw e;
      }
    });
  } catch (e) {
    if (!(e instanceof ForkFailure)) throw e;
    for (const index of e.stopped) ex.history.add(frame.fiber, ex.now, 'MapIterationAborted', () => ({ name, index }));
    ex.history.add(frame.fiber, ex.now, 'MapStateFailed');
    return e.toStateError();
  }
  ex.history.add(frame.fiber, ex.now, 'MapStateSucceeded');
  if (run.language === 'JSONata') return ex.jsonataOutput(run, state, { input, result: results, context }, results, state.Next);
  return ex.jsonPathOutput(state, input, results, context, frame);
}

/** MaxConcurrency (or the value MaxConcurrencyPath selects) must be a non-negative integer. */
function concurrency(name: string, field: string, value: any, errorName: string): number {
  if (value === undefined) return 0;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new StatesError(errorName, `State '${name}': ${field} must be a non-negative integer; got ${JSON.stringify(value)}`);
  }
  return value;
}
