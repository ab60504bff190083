/**
 * Table lookups in JSONata (`[w0, w1, …][$states.input.poll.index]`, as the pollers' schedules are written) are
 * evaluated once per lookup instead of once per table item (src/testing/private/jsonata.ts). The values must be
 * jsonata's own: every case below is evaluated by the executor and by plain jsonata and compared.
 * JSONata's path operators and predicates: https://docs.jsonata.org/path-operators and the Step Functions page
 * "Transforming data with JSONata" https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html
 */
import { constantFilterCount, evaluateExpression } from '../../src/testing/private/jsonata';
import { SeededRandom } from '../../src/testing/private/random';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const jsonata = require('jsonata');

const INPUTS = [
  { i: 1, flag: true, s: 'x', arr: [0, 2], obj: { a: 1 }, emptyObj: {} },
  { i: 0, flag: false, s: '', arr: [], obj: {}, emptyObj: {} },
  { i: -1 },
  { i: 9 },
  { i: 1.7 },
];

const CASES: Array<[string, number]> = [
  // expression, how many of its filters are evaluated once
  ['[10, 20, 30][$states.input.i]', 1],
  ['[10, 20, 30][$states.input.i - 5]', 1],
  ['[10, 20, 30][[0, 2, 0]]', 1],
  ['[10, 20, 30][$states.input.flag]', 1],
  ['[10, 20, 30][$states.input.none]', 1],
  ['[10, 20, 30][$states.input.s]', 1],
  ['[10, 20, 30][$states.input.arr]', 1],
  ['[10, 20, 30][$states.input.obj]', 1],
  ['[10, 20, 30][$states.input.emptyObj]', 1],
  ['[10, 20, 30][$states.input.i > 0 ? 0 : 1]', 1],
  ['[10, 20, 30][[1, 2, 3][$states.input.i]]', 2],
  ['{"a": [1, 2, 3][$states.input.i]}', 1],
  ['[[1, 2, 3][$states.input.i]]', 1],
  ['["a", "b"][$states.input.i = 0]', 1],
  ['[null, true, "x"][$states.input.i]', 1],
  ['[1, 2, 3][$states.input.i] + 1', 1],
  ['[1, 2, 3][$v]', 1],
  ['[1, 2, 3][$$.x]', 1],
  ['[10, 20, 30][-1]', 1],
  // not evaluated once: the predicate sees the item, a bound name, a function call, or the table is not literal
  ['[1, 2, 3][$ > 1]', 0],
  ['($v := 2; [1, 2, 3][$v])', 0],
  ['$map([0, 1], function($v) { [5, 6][$v] })', 0],
  ['[1, 2, 3][$random() < 2]', 0],
  ['[1, 2, $states.input.i][0 = 0]', 0],
  ['[][$states.input.i]', 0],
  ['[1, 2, 3][$states.input.i][0]', 0],
];

function scope(input: any) {
  return { stateName: 'S', states: { input }, variables: { v: 1 }, nowMillis: 0, random: new SeededRandom(1) };
}

describe('a table lookup evaluated once has jsonata\'s value', () => {
  test.each(CASES)('%s', async (expression, folded) => {
    expect(constantFilterCount(expression)).toBe(folded);
    for (const input of INPUTS) {
      let ours: string;
      try {
        ours = JSON.stringify(await evaluateExpression(`{% ${expression} %}`, 'F', scope(input)));
      } catch (e: any) {
        ours = `error: ${e.error}`;
      }
      let theirs: string;
      try {
        const value = await jsonata(expression).evaluate(null, { v: 1, states: { input }, random: () => 0.5 });
        theirs = value === undefined ? 'error: States.QueryEvaluationError' : JSON.stringify(JSON.parse(JSON.stringify(value)));
      } catch {
        theirs = 'error: States.QueryEvaluationError';
      }
      expect({ input, value: ours }).toEqual({ input, value: theirs });
    }
  });
});
