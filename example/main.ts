/**
process.env.AWS_SDK_JS_SUPPRESS_NODE_VERSION_WARNING ??= '1'; // the example runs on the machine's Node 20

 * `npm run example`: synthesizes the example app to example/cdk.out, then runs its workflow offline
 * on the local interpreter with simulated AWS services, printing each state as it runs, the final
 * output, and the IAM statements on each role the tasks created or extended.
 */
import * as path from 'path';
import { CfnElement, Stack } from 'aws-cdk-lib';
import { buildExampleApp } from './app';
import { simulatedServices } from './services';
import { collectPolicyStatements, consoleTracer, renderIntrinsics, renderStateMachine, runWorkflow, validateAsl } from '../test/support';

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

  const result = await runWorkflow(definition, input, { services: simulatedServices(), onEvent: consoleTracer() });
  console.log(`\nexecution ${result.status}`);
  console.log(JSON.stringify(result.output ?? { error: result.error, cause: result.cause }, null, 2));

  printIamTable(stack);
  if (result.status !== 'SUCCEEDED') process.exit(1);
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
