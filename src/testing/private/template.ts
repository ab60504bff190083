/**
 * A state machine definition out of a synthesized CloudFormation template. CloudFormation intrinsics inside the
 * definition are resolved to stable placeholders: pseudo parameters to the values the executor's context object
 * uses (partition `aws`, region `us-east-1`, account `123456789012`, URL suffix `amazonaws.com`), `{ Ref: X }` to
 * `${X}`, `{ Fn::GetAtt: [X, Y] }` to `${X.Y}`, `Fn::Sub` the same way (with its own variables first),
 * `Fn::Join`, `Fn::Select` and `Fn::Split` computed. Placeholders never reach AWS: the executor never calls it.
 */
export class TemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateError';
  }
}

const PSEUDO: Record<string, string> = {
  'AWS::Partition': 'aws',
  'AWS::Region': 'us-east-1',
  'AWS::AccountId': '123456789012',
  'AWS::URLSuffix': 'amazonaws.com',
  'AWS::StackName': 'Stack',
  'AWS::StackId': 'arn:aws:cloudformation:us-east-1:123456789012:stack/Stack/00000000-0000-0000-0000-000000000000',
  'AWS::NoValue': '',
};

/** The state machine resources of a template: logical id → resource. */
function stateMachines(template: any): Record<string, any> {
  if (template === null || typeof template !== 'object' || typeof template.Resources !== 'object') {
    throw new TemplateError('template must be a CloudFormation template object with Resources');
  }
  return Object.fromEntries(Object.entries<any>(template.Resources).filter(([, r]) => r?.Type === 'AWS::StepFunctions::StateMachine'));
}

/** A state machine resource's `StateMachineName`, when it resolves to a string. */
function machineName(resource: any): string | undefined {
  const raw = resource?.Properties?.StateMachineName;
  if (raw === undefined) return undefined;
  try {
    const name = resolve(raw);
    return typeof name === 'string' ? name : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The definition of the template's state machine: the one whose logical id or `StateMachineName` is `name`, or the
 * template's only one. `what` is how the caller spells the choice in errors (an argument, a CLI flag).
 */
export function definitionFromTemplate(template: any, name?: string, what: string = 'the logical id or StateMachineName'):
{ definition: any; logicalId: string; stateMachineName?: string } {
  const machines = stateMachines(template);
  const ids = Object.keys(machines);
  const describe = () => ids.map((i) => (machineName(machines[i]) !== undefined ? `${i} (StateMachineName ${machineName(machines[i])})` : i)).join(', ') || 'none';
  let id = name;
  if (id === undefined) {
    if (ids.length !== 1) {
      throw new TemplateError(`the template has ${ids.length} AWS::StepFunctions::StateMachine resources (${describe()}): pick one with ${what}`);
    }
    id = ids[0];
  } else if (!machines[id]) {
    const byName = ids.filter((i) => machineName(machines[i]) === name);
    if (byName.length !== 1) {
      throw new TemplateError(`the template has no AWS::StepFunctions::StateMachine whose logical id or StateMachineName is '${name}' (has: ${describe()})`);
    }
    id = byName[0];
  }
  const props = machines[id].Properties ?? {};
  const substitutions: Record<string, any> = props.DefinitionSubstitutions ?? {};
  let definition: any;
  if (props.Definition !== undefined) {
    definition = resolve(props.Definition);
  } else if (props.DefinitionString !== undefined) {
    const text = resolve(props.DefinitionString);
    if (typeof text !== 'string') throw new TemplateError(`state machine '${id}': DefinitionString did not resolve to a string`);
    try {
      definition = JSON.parse(text);
    } catch (e: any) {
      throw new TemplateError(`state machine '${id}': DefinitionString is not JSON: ${e.message}`);
    }
  } else {
    throw new TemplateError(`state machine '${id}' has no Definition or DefinitionString (DefinitionS3Location is not supported)`);
  }
  if (Object.keys(substitutions).length > 0) {
    const values = Object.fromEntries(Object.entries(substitutions).map(([k, v]) => [k, String(resolve(v))]));
    definition = JSON.parse(JSON.stringify(definition).replace(/\$\{([^}]+)\}/g, (m, k) => (k in values ? jsonEscape(values[k]) : m)));
  }
  return { definition, logicalId: id, stateMachineName: machineName(machines[id]) };
}

function jsonEscape(value: string): string {
  return JSON.stringify(value).slice(1, -1);
}

function resolve(value: any): any {
  if (Array.isArray(value)) return value.map(resolve);
  if (value === null || typeof value !== 'object') return value;
  const keys = Object.keys(value);
  if (keys.length === 1) {
    const [key] = keys;
    const arg = value[key];
    switch (key) {
      case 'Ref': return PSEUDO[arg] ?? `\${${arg}}`;
      case 'Fn::GetAtt': return `\${${Array.isArray(arg) ? arg.join('.') : arg}}`;
      case 'Fn::Join': return (resolve(arg[1]) as any[]).map(String).join(arg[0]);
      case 'Fn::Select': return resolve(arg[1])[Number(resolve(arg[0]))];
      case 'Fn::Split': return String(resolve(arg[1])).split(arg[0]);
      case 'Fn::Sub': {
        const [text, vars] = Array.isArray(arg) ? arg : [arg, {}];
        const own = Object.fromEntries(Object.entries<any>(vars ?? {}).map(([k, v]) => [k, String(resolve(v))]));
        return String(text).replace(/\$\{([^}!]+)\}/g, (_m, name: string) => own[name] ?? PSEUDO[name] ?? `\${${name}}`);
      }
      default:
        if (key.startsWith('Fn::')) throw new TemplateError(`unsupported intrinsic ${key} in the state machine definition`);
    }
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v)]));
}
