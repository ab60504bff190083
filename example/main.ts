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
import { collectPolicyStatements, consoleTracer, renderStateMachine, runWorkflow, validateAsl } from '../test/support';

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
      const resources = ([] as unknown[]).concat(statement.Resource ?? []).map(pretty).join(' ');
      const condition = statement.Condition ? `  if ${pretty(statement.Condition)}` : '';
      console.log(`    ${actions} -> ${resources}${condition}`);
    }
  }
}

/** An intrinsic as readable text: `${Logical.Attr}`, with the partition and pseudo parameters filled in. */
function pretty(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(pretty).join(',');
  if (value && typeof value === 'object') {
    const v = value as Record<string, any>;
    if (v.Ref === 'AWS::Partition') return 'aws';
    if (v.Ref === 'AWS::Region') return 'us-east-1';
    if (v.Ref === 'AWS::AccountId') return '123456789012';
    if (v.Ref === 'AWS::URLSuffix') return 'amazonaws.com';
    if (typeof v.Ref === 'string') return `\${${v.Ref}}`;
    if (v['Fn::GetAtt']) return `\${${v['Fn::GetAtt'].join('.')}}`;
    if (v['Fn::Join']) return v['Fn::Join'][1].map(pretty).join(v['Fn::Join'][0]);
    return JSON.stringify(Object.fromEntries(Object.entries(v).map(([k, x]) => [k, typeof x === 'object' ? JSON.parse(JSON.stringify(x, (_k, y) => (y && typeof y === 'object' && !Array.isArray(y) && (y.Ref || y['Fn::GetAtt'] || y['Fn::Join']) ? pretty(y) : y))) : x])));
  }
  return String(value);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
