/**
 * `npm run example`: synthesizes the example app to example/cdk.out, then runs its workflow offline
 * on the local interpreter with simulated AWS services, printing each state as it runs, the final
 * output, and a table of the IAM actions each task attached to the state machine role.
 */
import * as path from 'path';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { buildExampleApp } from './app';
import { ServiceHandler, consoleTracer, renderStateMachine, runWorkflow, validateAsl } from '../test/support';

/** What each simulated service answers, by Task state name. */
const simulatedServices: Record<string, ServiceHandler> = {
  CheckDataset: (input) => ({ ContentLength: 1024 * (String(input.Key).length + 1), ETag: '"abc"' }),
};

const input = {
  requestedBy: 'example',
  datasets: [{ key: 'raw/2026-11-22.csv' }, { key: 'raw/2026-11-23.csv' }],
};

async function main(): Promise<void> {
  const outdir = path.join(__dirname, 'cdk.out');
  const { app, stack } = buildExampleApp(outdir);
  app.synth();
  console.log(`synthesized ${stack.stackName} to ${path.relative(process.cwd(), outdir)}`);

  const definition = renderStateMachine(stack, stack.stateMachine);
  validateAsl(definition);
  console.log(`definition: ${Object.keys(definition.States).length} top-level states, valid ASL\n`);

  const result = await runWorkflow(definition, input, { services: simulatedServices, onEvent: consoleTracer() });
  console.log(`\nexecution ${result.status}`);
  console.log(JSON.stringify(result.output ?? { error: result.error, cause: result.cause }, null, 2));

  printIamTable(stack.stateMachine);
  if (result.status !== 'SUCCEEDED') process.exit(1);
}

/** The IAM statements each task state registered on the state machine role. */
function printIamTable(stateMachine: sfn.StateMachine): void {
  const rows: Array<[string, string, string]> = [];
  const taskStates = stateMachine.stack.node.findAll().filter((c): c is sfn.TaskStateBase => c instanceof sfn.TaskStateBase);
  for (const state of taskStates) {
    // `taskPolicies` is what a task registers on the state machine role (protected in aws-cdk-lib).
    const statements: unknown = Reflect.get(state, 'taskPolicies');
    if (!Array.isArray(statements)) continue;
    for (const statement of statements) {
      const json = stateMachine.stack.resolve(statement.toStatementJson());
      const resources = ([] as unknown[]).concat(json.Resource ?? []).map((r) => (typeof r === 'string' ? r : JSON.stringify(r)));
      rows.push([state.stateId, ([] as string[]).concat(json.Action).join(', '), resources.join(' ')]);
    }
  }
  console.log('\nIAM actions attached to the state machine role, per task:');
  const widths = [0, 1].map((i) => Math.max(...rows.map((r) => r[i].length), i === 0 ? 4 : 7));
  console.log(`${'task'.padEnd(widths[0])}  ${'actions'.padEnd(widths[1])}  resources`);
  for (const [task, actions, resources] of rows) {
    console.log(`${task.padEnd(widths[0])}  ${actions.padEnd(widths[1])}  ${resources}`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
