/**
 * Reading a state machine's definition at synthesis, to find out which of our states it contains.
 */
import { CfnResource, Stack } from 'aws-cdk-lib';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { IConstruct } from 'constructs';

/** A Task (or other) state of a definition, at any depth. */
export interface DefinedState {
  readonly name: string;
  readonly type: string | undefined;
  /** `Resource` as text (CloudFormation values replaced as in {@link definitionText}). */
  readonly resource: string | undefined;
  /** Inside a Distributed Map (whose iterations are child executions of their own). */
  readonly distributed: boolean;
}

/** What stands for a value only CloudFormation knows (a `Ref`, `Fn::GetAtt`, …). */
const UNKNOWN = '0';

/**
 * The text of a resolved CloudFormation string: a literal, or `Fn::Join` whose literal parts are kept and
 * whose other parts become `0` (valid JSON inside a string and as a value), so that a definition and a
 * resource ARN built from the same tokens compare equal. `undefined` for anything else.
 */
export function definitionText(resolved: unknown): string | undefined {
  if (typeof resolved === 'string') return resolved;
  if (typeof resolved === 'object' && resolved !== null && !Array.isArray(resolved)) {
    const join = (resolved as Record<string, unknown>)['Fn::Join'];
    if (Array.isArray(join) && typeof join[0] === 'string' && Array.isArray(join[1])) {
      return join[1].map((part) => definitionText(part) ?? UNKNOWN).join(join[0]);
    }
    // `definition` given as an object (rather than a string)
    if ((resolved as Record<string, unknown>).States !== undefined) return JSON.stringify(resolved);
  }
  return undefined;
}

/** Every state of a definition, in branches and Map item processors too; none when it is not JSON. */
export function definitionStates(text: string): DefinedState[] {
  let definition: unknown;
  try {
    definition = JSON.parse(text);
  } catch {
    return [];
  }
  const found: DefinedState[] = [];
  const visit = (graph: unknown, distributed: boolean) => {
    if (!isObject(graph) || !isObject(graph.States)) return;
    for (const [name, state] of Object.entries(graph.States)) {
      if (!isObject(state)) continue;
      found.push({ name, type: str(state.Type), resource: str(state.Resource), distributed });
      for (const branch of Array.isArray(state.Branches) ? state.Branches : []) visit(branch, distributed);
      if (isObject(state.Iterator)) visit(state.Iterator, distributed);
      if (isObject(state.ItemProcessor)) {
        const mode = isObject(state.ItemProcessor.ProcessorConfig) ? state.ItemProcessor.ProcessorConfig.Mode : undefined;
        visit(state.ItemProcessor, distributed || mode === 'DISTRIBUTED');
      }
    }
  };
  visit(definition, false);
  return found;
}

/** Every state machine (L1) under `scope`. */
export function stateMachinesIn(scope: IConstruct): sfn.CfnStateMachine[] {
  return scope.node.findAll()
    .filter((c): c is sfn.CfnStateMachine => CfnResource.isCfnResource(c) && c.cfnResourceType === 'AWS::StepFunctions::StateMachine');
}

/** The states of a definition CDK can read at synthesis (not one in S3). */
export function statesOfMachine(machine: sfn.CfnStateMachine): DefinedState[] | undefined {
  const definition = machine.definitionString ?? machine.definition;
  if (definition === undefined) return undefined;
  const text = definitionText(Stack.of(machine).resolve(definition));
  return text === undefined ? undefined : definitionStates(text);
}

function isObject(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
