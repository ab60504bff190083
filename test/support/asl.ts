/**
 * Rendering and validation of Amazon States Language (ASL) definitions synthesized by the CDK.
 *
 * Typical use:
 *
 *   const state = renderState((scope) => MyTask.jsonPath(scope, 'Run', { ... }));
 *   expect(state).toEqual({ Type: 'Task', Resource: 'arn:aws:states:::…', ... });
 *
 *   const { definition } = renderChainable((scope) => a(scope).next(b(scope)));
 *   expectValidAsl(definition);
 */
import { dirname } from 'path';
import { App, CfnElement, Stack, aws_stepfunctions as sfn } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Construct, IConstruct } from 'constructs';
import jsonata from 'jsonata';

/** Account and region of every stack built by this harness. */
export const TEST_ENV = { account: '123456789012', region: 'us-east-1' } as const;

/** Values substituted for CloudFormation pseudo parameters when rendering a definition. */
export const PSEUDO_PARAMETERS: Readonly<Record<string, string>> = {
  'AWS::Partition': 'aws',
  'AWS::Region': TEST_ENV.region,
  'AWS::AccountId': TEST_ENV.account,
  'AWS::URLSuffix': 'amazonaws.com',
};

const STATE_MACHINE_TYPE = 'AWS::StepFunctions::StateMachine';

/** Creates a fresh App and a Stack in {@link TEST_ENV}. */
export function newTestStack(id: string = 'TestStack'): Stack {
  return new Stack(new App(), id, { env: TEST_ENV });
}

/** The CloudFormation logical id of a construct's L1 resource (the construct itself or its default child). */
export function logicalIdOf(construct: IConstruct): string {
  const element = (construct.node.defaultChild ?? construct) as CfnElement;
  if (!CfnElement.isCfnElement(element)) {
    throw new Error(`${construct.node.path} has no CloudFormation resource (is it an imported resource?)`);
  }
  return Stack.of(element).resolve(element.logicalId);
}

/**
 * Synthesizes `stack` and returns one state machine's definition as a JSON object.
 *
 * CloudFormation intrinsics inside the `DefinitionString` become stable placeholders:
 * pseudo parameters become {@link PSEUDO_PARAMETERS}, `{ Ref: X }` becomes `${X}` and
 * `{ 'Fn::GetAtt': [X, Y] }` becomes `${X.Y}`; any other intrinsic is an error.
 *
 * @param stateMachine the state machine construct or its logical id; required when the stack has several.
 */
export function renderStateMachine(stack: Stack, stateMachine?: sfn.IStateMachine | string): any {
  const resources = stateMachineResources(stack);
  const ids = Object.keys(resources);
  let id: string;
  if (stateMachine === undefined) {
    if (ids.length !== 1) {
      throw new Error(`renderStateMachine: ${stack.stackName} has ${ids.length} state machines (${ids.join(', ')}); say which one to render`);
    }
    id = ids[0];
  } else {
    id = typeof stateMachine === 'string' ? stateMachine : logicalIdOf(stateMachine);
    if (!resources[id]) {
      throw new Error(`renderStateMachine: no ${STATE_MACHINE_TYPE} with logical id ${id} in ${stack.stackName} (found: ${ids.join(', ') || 'none'})`);
    }
  }
  return renderDefinition(id, resources[id].Properties ?? {});
}

/** Renders every state machine of `stack`, keyed by logical id. */
export function renderAllStateMachines(stack: Stack): Record<string, any> {
  const resources = stateMachineResources(stack);
  return Object.fromEntries(Object.entries(resources).map(([id, resource]) => [id, renderDefinition(id, resource.Properties ?? {})]));
}

/** Options of {@link renderChainable} and {@link renderState}. */
export interface RenderOptions {
  /** The state machine's query language. @default - the CDK default (JSONPath) */
  readonly queryLanguage?: sfn.QueryLanguage;
}

/** What {@link renderChainable} returns. */
export interface RenderedChainable {
  /** The rendered ASL definition. */
  readonly definition: any;
  /** The stack holding the state machine. */
  readonly stack: Stack;
  /** The state machine built around the chainable. */
  readonly stateMachine: sfn.StateMachine;
}

/** Builds the states of a definition inside the given scope. */
export type ChainableFactory = (scope: Construct) => sfn.IChainable;

/**
 * Wraps a chainable in a StateMachine and renders its definition.
 *
 * Pass a factory `(scope) => chain` to build the states in a fresh stack ({@link newTestStack});
 * pass an existing chainable to use the stack its states already live in.
 */
export function renderChainable(definition: sfn.IChainable | ChainableFactory, opts: RenderOptions = {}): RenderedChainable {
  let stack: Stack;
  let chainable: sfn.IChainable;
  if (typeof definition === 'function') {
    stack = newTestStack();
    chainable = definition(stack);
  } else {
    stack = Stack.of(definition.startState);
    chainable = definition;
  }
  const stateMachine = new sfn.StateMachine(stack, uniqueChildId(stack, 'StateMachine'), {
    definitionBody: sfn.DefinitionBody.fromChainable(chainable),
    queryLanguage: opts.queryLanguage,
  });
  return { definition: renderStateMachine(stack, stateMachine), stack, stateMachine };
}

/**
 * Renders a single state's ASL (`definition.States[state.stateId]`), for exact-ASL assertions.
 * Accepts the state or a factory `(scope) => state` (built in a fresh stack).
 */
export function renderState(state: sfn.State | ((scope: Construct) => sfn.State), opts: RenderOptions = {}): any {
  let built: sfn.State | undefined = typeof state === 'function' ? undefined : state;
  const { definition } = renderChainable(typeof state === 'function' ? (scope) => (built = state(scope)) : state, opts);
  const stateId = built!.stateId;
  const rendered = definition.States?.[stateId];
  if (!rendered) {
    throw new Error(`renderState: state ${stateId} is not a top-level state of the rendered definition (${Object.keys(definition.States ?? {}).join(', ')})`);
  }
  return rendered;
}

/**
 * Validates a definition with asl-validator 4 (JSONPath and JSONata aware, ARNs and paths checked) and
 * parses every `{% … %}` JSONata expression found anywhere in it. Throws one error listing every problem.
 */
export function validateAsl(definition: unknown): void {
  const problems = [...aslValidatorProblems(definition), ...jsonataProblems(definition)];
  if (problems.length > 0) {
    throw new Error(`Invalid state machine definition:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/**
 * Test assertion: the definition (or every state machine of a stack) is valid ASL, see {@link validateAsl}.
 */
export function expectValidAsl(definitionOrStack: unknown): void {
  if (Stack.isStack(definitionOrStack)) {
    for (const [id, definition] of Object.entries(renderAllStateMachines(definitionOrStack))) {
      try {
        validateAsl(definition);
      } catch (e) {
        throw new Error(`${id}: ${(e as Error).message}`);
      }
    }
    return;
  }
  validateAsl(definitionOrStack);
}

/**
 * Every `{% … %}` string in `value` with its JSON path (e.g. `$.States.Run.Arguments.Name`), in document order.
 */
export function findJsonataExpressions(value: unknown): Array<{ path: string; expression: string }> {
  const found: Array<{ path: string; expression: string }> = [];
  walkStrings(value, '$', (text, path) => {
    const trimmed = text.trim();
    if (trimmed.startsWith('{%') && trimmed.endsWith('%}') && trimmed.length >= 4) {
      found.push({ path, expression: trimmed.slice(2, -2) });
    }
  });
  return found;
}

// ---------------------------------------------------------------------------------------------------------------------

interface AslValidatorResult {
  readonly isValid: boolean;
  readonly errors: ReadonlyArray<{ readonly 'Error code': string; readonly 'Message': string }>;
}
type AslValidator = (definition: unknown, options?: { checkPaths?: boolean; checkArn?: boolean }) => AslValidatorResult;

// asl-validator ships no type declarations; it is a CommonJS module exporting one function.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const aslValidator: AslValidator = require('asl-validator');
compileAslSchemasOnce();

/**
 * asl-validator 4 builds a new Ajv instance and compiles all its ASL schemas on every call (about 250 ms of CPU
 * each, hundreds of calls per test file: the largest single cost of `npm test`). Its schemas are constants and we
 * always pass the same options, so the instance it configures on the first call is exactly the one it would build
 * again: later constructions get that instance back, with their configuration calls (formats, keywords, which
 * are the same again) skipped, and the schemas compile once per test file. Validation itself is untouched: each
 * call still runs `ajv.validate` on its definition and reads that call's `ajv.errors`.
 */
function compileAslSchemasOnce(): void {
  // The ajv that asl-validator itself loads (its own copy, nested in its folder).
  const ajvPath = require.resolve('ajv', { paths: [dirname(require.resolve('asl-validator'))] });
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ajvModule: { default: new (...args: any[]) => object } = require(ajvPath);
  const Ajv = ajvModule.default;
  const configuration = new Set(['addFormat', 'addKeyword', 'addVocabulary', 'addSchema', 'addMetaSchema']);
  let shared: object | undefined;
  function SharedAjv(...args: any[]): object {
    if (!shared) {
      shared = new Ajv(...args);
      return shared;
    }
    return new Proxy(shared, {
      get: (target, key, receiver) => (typeof key === 'string' && configuration.has(key) ? () => receiver : Reflect.get(target, key, receiver)),
    });
  }
  ajvModule.default = SharedAjv as unknown as typeof Ajv;
}

function aslValidatorProblems(definition: unknown): string[] {
  // asl-validator writes a default QueryLanguage into every state: validate a copy.
  const { isValid, errors } = aslValidator(structuredClone(definition), { checkPaths: true, checkArn: true });
  return isValid ? [] : errors.map((e) => `${e['Error code']}: ${e.Message}`);
}

function jsonataProblems(definition: unknown): string[] {
  const problems: string[] = [];
  walkStrings(definition, '$', (text, path) => {
    const trimmed = text.trim();
    const opens = trimmed.startsWith('{%');
    const closes = trimmed.endsWith('%}');
    if (!opens && !closes) return;
    if (!opens || !closes || trimmed.length < 4) {
      problems.push(`${path}: unterminated JSONata expression ${JSON.stringify(text)}`);
      return;
    }
    const expression = trimmed.slice(2, -2);
    if (expression.trim() === '') {
      problems.push(`${path}: empty JSONata expression ${JSON.stringify(text)}`);
      return;
    }
    try {
      jsonata(expression);
    } catch (e) {
      problems.push(`${path}: JSONata expression ${JSON.stringify(expression)} does not parse: ${(e as Error).message}`);
    }
  });
  return problems;
}

function walkStrings(value: unknown, path: string, visit: (text: string, path: string) => void): void {
  if (typeof value === 'string') {
    visit(value, path);
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => walkStrings(item, `${path}[${i}]`, visit));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      walkStrings(item, /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`, visit);
    }
  }
}

function stateMachineResources(stack: Stack): Record<string, { Properties?: Record<string, any> }> {
  return Template.fromStack(stack).findResources(STATE_MACHINE_TYPE);
}

function uniqueChildId(scope: Construct, base: string): string {
  let id = base;
  for (let i = 2; scope.node.tryFindChild(id); i++) {
    id = `${base}${i}`;
  }
  return id;
}

function renderDefinition(logicalId: string, properties: Record<string, any>): any {
  const body = properties.DefinitionString;
  if (body === undefined) {
    throw new Error(`renderStateMachine: ${logicalId} has no DefinitionString (found: ${Object.keys(properties).join(', ')})`);
  }
  const substitutions: Record<string, string> = {};
  for (const [key, value] of Object.entries<unknown>(properties.DefinitionSubstitutions ?? {})) {
    substitutions[key] = renderIntrinsic(value, logicalId, {});
  }
  const text = renderIntrinsic(body, logicalId, substitutions);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`renderStateMachine: ${logicalId}'s rendered definition is not JSON (${(e as Error).message}):\n${text}`);
  }
}

/**
 * Any synthesized CloudFormation value (a statement, a condition, an ARN…) with its intrinsics rendered as text,
 * as in rendered definitions: `Fn::Join` → the joined text, `Fn::GetAtt` → `${Id.Attr}`, `Ref` → `${Id}`, pseudo
 * parameters → {@link PSEUDO_PARAMETERS}. Other objects and arrays are rendered member by member.
 */
export function renderIntrinsics(value: any): any {
  if (Array.isArray(value)) return value.map(renderIntrinsics);
  if (value === null || typeof value !== 'object') return value;
  const text = intrinsicText(value, (part) => renderIntrinsics(part));
  if (text !== undefined) return text;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renderIntrinsics(v)]));
}

/** `Ref`, `Fn::GetAtt` or `Fn::Join` as text (parts rendered by `part`), or undefined for anything else. */
function intrinsicText(value: object, part: (p: unknown) => string): string | undefined {
  const entries = Object.entries(value);
  if (entries.length !== 1) return undefined;
  const [fn, arg] = entries[0];
  if (fn === 'Ref' && typeof arg === 'string') return PSEUDO_PARAMETERS[arg] ?? `\${${arg}}`;
  if (fn === 'Fn::GetAtt') {
    if (Array.isArray(arg) && arg.length === 2 && arg.every((a) => typeof a === 'string')) return `\${${arg[0]}.${arg[1]}}`;
    if (typeof arg === 'string') return `\${${arg}}`;
  }
  if (fn === 'Fn::Join' && Array.isArray(arg) && typeof arg[0] === 'string' && Array.isArray(arg[1])) {
    return arg[1].map(part).join(arg[0]);
  }
  return undefined;
}

/** Renders a string-valued CloudFormation expression; `substitutions` apply to its literal parts. */
function renderIntrinsic(value: unknown, logicalId: string, substitutions: Record<string, string>): string {
  if (typeof value === 'string') {
    return value.replace(/\$\{([^}]+)\}/g, (whole, key: string) => substitutions[key] ?? whole);
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const text = intrinsicText(value, (p) => renderIntrinsic(p, logicalId, substitutions));
    if (text !== undefined) return text;
  }
  throw new Error(
    `renderStateMachine: unsupported CloudFormation expression in ${logicalId}'s definition: ${JSON.stringify(value)} ` +
    '(supported: strings, Ref, Fn::GetAtt and Fn::Join)',
  );
}

/**
 * The states of the (first) branch of the Parallel state `name` of a definition: a poller's loop
 * (`JobPoller`, `BatchPollerJob`) runs in the branch of a Parallel named after the poller.
 */
export function branchStates(definition: any, name: string, branch: number = 0): Record<string, any> {
  const parallel = definition.States?.[name];
  if (parallel?.Type !== 'Parallel') {
    throw new Error(`branchStates: no Parallel state ${name} in the definition (${Object.keys(definition.States ?? {}).join(', ')})`);
  }
  return parallel.Branches[branch].States;
}
