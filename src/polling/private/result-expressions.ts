import { IConstruct } from 'constructs';
import { invalid, isJsonata, jsonataBody, parseJsonata } from '../../private';

/**
 * A poller's `outputs` and `assign`, as on a JSONata task: `$states.result` is the poller's result. They are rendered
 * on the Parallel state that wraps the poll loop, whose own `$states.result` is the array of its one branch's output
 * (the state input with the poller's result at the loop's data path): every `$states.result` of the user's
 * expressions is rewritten to `$states.result[0].<data path>` (found by parsing the expression, never by matching
 * text), so the field reads exactly what a task's would. `$states.input` is the poller's input on the Parallel too.
 */
export function rewriteResultReferences(scope: IConstruct, prop: string, value: unknown, resultExpression: string): unknown {
  if (typeof value === 'string') {
    if (!isJsonata(value)) return value;
    return `{% ${rewriteExpression(scope, prop, jsonataBody(value), resultExpression)} %}`;
  }
  if (Array.isArray(value)) return value.map((item, i) => rewriteResultReferences(scope, `${prop}[${i}]`, item, resultExpression));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, rewriteResultReferences(scope, `${prop}.${key}`, item, resultExpression)]));
  }
  return value;
}

interface Node {
  readonly type?: string;
  readonly value?: unknown;
  readonly position?: number;
  readonly steps?: Node[];
}

function rewriteExpression(scope: IConstruct, prop: string, body: string, resultExpression: string): string {
  let ast: Node;
  try {
    ast = parseJsonata(body) as Node;
  } catch (e) {
    return invalid(scope, prop, `a valid JSONata expression (${(e as { message?: string }).message ?? e})`, body);
  }
  // End offsets of the `result` names that follow `$states`, replaced from the last so earlier offsets stay right.
  const ends: Array<{ start: number; end: number }> = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(visit);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    const n = node as Node;
    if (n.type === 'path' && Array.isArray(n.steps) && isStates(n.steps[0])) {
      const second = n.steps[1];
      if (second?.type !== 'name') refuseWholeStates(scope, prop, body);
      if (second.value === 'result') {
        const end = second.position!;
        const width = body.slice(end - 8, end) === '`result`' ? 8 : 6;
        ends.push({ start: end - width, end });
      }
      visitFields(n.steps[0], visit);
      n.steps.slice(1).forEach(visit);
      return;
    }
    if (isStates(n)) refuseWholeStates(scope, prop, body);
    visitFields(n, visit);
  };
  visit(ast);
  let text = body;
  for (const { start, end } of ends.sort((a, b) => b.start - a.start)) {
    text = `${text.slice(0, start)}${resultExpression}${text.slice(end)}`;
  }
  return text;
}

function isStates(node: Node | undefined): boolean {
  return node?.type === 'variable' && node.value === 'states';
}

function visitFields(node: Node, visit: (child: unknown) => void): void {
  for (const [key, child] of Object.entries(node)) {
    if (key !== 'steps' && typeof child === 'object') visit(child);
  }
}

function refuseWholeStates(scope: IConstruct, prop: string, body: string): never {
  return invalid(scope, prop,
    'an expression that reads $states through its fields ($states.result, $states.input, $states.context): the whole $states ' +
    'object is the wrapping Parallel state\'s', body);
}
