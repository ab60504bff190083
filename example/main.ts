/**
 * `npm run example`: synthesizes the example app to example/cdk.out, then runs its workflow offline on the
 * library's own executor (the public `testing` API, as a user would) with simulated AWS services, printing each
 * state as it ran on the virtual clock, the final output, and the IAM statements on each role the tasks created
 * or extended.
 */
process.env.AWS_SDK_JS_SUPPRESS_NODE_VERSION_WARNING ??= '1'; // the example runs on the machine's Node 20

import * as path from 'path';
import { CfnElement, Stack } from 'aws-cdk-lib';
import { buildExampleApp } from './app';
import { simulatedServices, START_TIME } from './services';
import { testing } from '../src';
import { collectPolicyStatements, renderIntrinsics, validateAsl } from '../test/support';

const input = {
  requestedBy: 'example',
  datasets: [{ key: 'raw/2026-11-22.csv' }, { key: 'raw/2026-11-23.csv' }],
};

async function main(): Promise<void> {
  const outdir = path.join(__dirname, 'cdk.out');
  const { app, stack } = buildExampleApp(outdir);
  app.synth();
  console.log(`synthesized ${stack.stackName} to ${path.relative(process.cwd(), outdir)}`);

  const workflow = testing.Workflow.fromStateMachine(stack.stateMachine);
  validateAsl(workflow.definition);
  console.log(`definition: ${Object.keys(workflow.definition.States).length} top-level states, valid ASL\n`);

  const result = await workflow.execute({ input, startTime: START_TIME, taskHandler: simulatedServices() });
  printStates(result.states);
  console.log(`\nexecution ${result.status} after ${formatSeconds(result.elapsedSeconds)} (virtual), ` +
    `${result.stateTransitions} state transitions, ${result.historyEvents} history events`);
  console.log(JSON.stringify(result.output ?? { error: result.error, cause: result.cause }, null, 2));

  printIamTable(stack);
  if (result.status !== 'SUCCEEDED') process.exit(1);
}

/** One line per state run: virtual time entered, where it ran, and its output or error. */
function printStates(states: testing.StateRecord[]): void {
  for (const state of states) {
    const where = `${state.path ? `${state.path}/` : ''}${state.name} [${state.type}]`;
    const detail = state.error !== undefined ? `✗ ${state.error}: ${state.cause}` : `→ ${preview(state.output)}`;
    console.log(`${formatSeconds(state.enteredSeconds).padStart(8)}  ${where} ${detail}`);
  }
}

function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`;
  return `${Math.floor(seconds / 3600)}h${String(Math.floor((seconds % 3600) / 60)).padStart(2, '0')}m`;
}

function preview(value: unknown, max: number = 160): string {
  const text = value === undefined ? 'undefined' : JSON.stringify(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/**
 * Every IAM role of the stack that our tasks created or extended, with the actions and resources of
 * each statement as synthesized (the state machine role, the SageMaker job role, the handler roles, the
 * ECS task role): what a security review reads.
 */
function printIamTable(stack: Stack): void {
  const byRole = collectPolicyStatements(stack);
  const pathOf = new Map(
    stack.node.findAll().filter((c): c is CfnElement => c instanceof CfnElement).map((c) => [stack.resolve(c.logicalId), c.node.path]),
  );
  console.log('\nIAM statements per role (actions -> resources):');
  for (const [roleId, statements] of Object.entries(byRole)) {
    if (statements.length === 0) continue;
    console.log(`\n  ${(pathOf.get(roleId) ?? roleId).replace(/\/Resource$/, '')}`);
    for (const statement of statements) {
      const actions = (statement.Action ?? []).join(', ');
      const resources = ([] as unknown[]).concat(renderIntrinsics(statement.Resource ?? [])).join(' ');
      const condition = statement.Condition ? `  if ${JSON.stringify(renderIntrinsics(statement.Condition))}` : '';
      console.log(`    ${actions} -> ${resources}${condition}`);
    }
  }
}


main().catch((err) => {
  console.error(err);
  process.exit(1);
});
