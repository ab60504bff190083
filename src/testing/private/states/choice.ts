import { jsonPath } from '../engine';
import type { Execution } from '../engine';
import { ERRORS, StatesError } from '../errors';
import { evaluateTemplate } from '../jsonata';
import { noChoice, StateRun, StepResult } from './common';

/** Choice: the first matching rule's Next (or Default); Assign and Output of that rule (JSONata) or the state. */
export async function runChoice(ex: Execution, run: StateRun): Promise<StepResult> {
  const { name, state, input, frame } = run;
  const context = ex.context(run, 0);
  if (run.language === 'JSONata') {
    const states = { input, context };
    const scope = ex.jsonataScope(run, states);
    for (const [i, rule] of state.Choices.entries()) {
      const ok = await evaluateTemplate(rule.Condition, `Choices[${i}].Condition`, scope);
      if (typeof ok !== 'boolean') {
        throw new StatesError(ERRORS.QUERY_EVALUATION, `State '${name}': Choices[${i}].Condition must evaluate to a boolean; got ${JSON.stringify(ok)}`);
      }
      if (!ok) continue;
      const fields = { Assign: rule.Assign ?? state.Assign, Output: rule.Output ?? state.Output };
      return ex.jsonataOutput(run, fields, states, input, rule.Next);
    }
    if (state.Default === undefined) throw noChoice(name);
    return ex.jsonataOutput(run, state, states, input, state.Default);
  }
  const effective = ex.readPath(state.InputPath, input, context, frame);
  const ctx = ex.pathContext(effective, context, frame);
  let next: string | undefined;
  let ruleAssign: any;
  for (const rule of state.Choices) {
    const { Next, Assign, Comment, ...condition } = rule;
    if (jsonPath().evaluateChoiceRule(condition, ctx)) {
      next = Next;
      ruleAssign = Assign;
      break;
    }
  }
  if (next === undefined) {
    if (state.Default === undefined) throw noChoice(name);
    next = state.Default;
  }
  const assign = ex.assignPath(ruleAssign ?? state.Assign, effective, context, frame);
  return { output: ex.readPath(state.OutputPath, effective, context, frame), assign, next };
}
