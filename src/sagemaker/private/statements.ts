import * as iam from 'aws-cdk-lib/aws-iam';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { ALLOW, PolicyStatementClass } from './refs';

/**
 * A policy statement as plain data (always `Allow`): the unit the SageMaker tasks build their IAM from.
 * Plain data can be merged and compared cheaply before any `iam.PolicyStatement` exists.
 */
export interface StatementSpec {
  readonly actions: readonly string[];
  readonly resources: readonly string[];
  /** IAM condition block, e.g. `{ StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } }`. */
  readonly conditions?: { readonly [operator: string]: { readonly [key: string]: unknown } };
  /**
   * Merge with statements of the same actions and resources by unioning the values of the (single) condition
   * key, rather than by unioning resources. For `s3:ListBucket` on one bucket with an `s3:prefix` per job.
   */
  readonly unionConditionValues?: boolean;
}

type Conditions = NonNullable<StatementSpec['conditions']>;

interface Entry {
  readonly actions: string[];
  readonly resources: Set<string>;
  conditions?: Conditions;
  /** For `unionConditionValues` entries: the operator, key and values so far. */
  readonly union?: { readonly operator: string; readonly key: string; readonly values: Set<unknown> };
}

function singleCondition(conditions: Conditions | undefined): { operator: string; key: string; values: unknown[] } | undefined {
  if (!conditions) return undefined;
  const operators = Object.keys(conditions);
  if (operators.length !== 1) return undefined;
  const keys = Object.keys(conditions[operators[0]]);
  if (keys.length !== 1) return undefined;
  const value = conditions[operators[0]][keys[0]];
  return { operator: operators[0], key: keys[0], values: Array.isArray(value) ? value : [value] };
}

/** Where a statement merges: same actions and conditions (resources unioned), or see `unionConditionValues`. */
function mergeKey(spec: StatementSpec): string {
  const actions = [...new Set(spec.actions)].sort().join(',');
  const union = spec.unionConditionValues ? singleCondition(spec.conditions) : undefined;
  if (union) return `C|${actions}|${[...spec.resources].sort().join(',')}|${union.operator}|${union.key}`;
  return `R|${actions}|${spec.conditions ? JSON.stringify(spec.conditions) : ''}`;
}

/**
 * The most resources (or condition values) one merged statement holds. IAM counts policy size in characters:
 * 10,240 for all the inline policies of a role, 6,144 for a managed policy (10 per role by default), and
 * aws-cdk-lib moves whole statements to overflow managed policies when the inline one gets too large (it cannot
 * split a statement, and in practice puts one large statement per managed policy). 70 ARNs of ~60-90 characters
 * make a statement of 4-6 KB that fits one managed policy, so 200 jobs (each scoped in two letter cases) stay
 * within the default quota; below 70 ARNs everything merges into one statement per (actions, conditions).
 */
export const MAX_MERGED_VALUES = 70;

/**
 * A set of statements that merges as it grows (see `mergeKey`), optionally mirrored into live
 * `iam.PolicyStatement`s: `onNew` receives each new statement once, later merges mutate it in place.
 * A statement that reaches `MAX_MERGED_VALUES` is closed and the next values open a new one.
 */
class MergingStatements {
  private readonly entries = new Map<string, { entry: Entry; statement?: iam.PolicyStatement }>();
  private readonly all: Entry[] = [];

  constructor(private readonly onNew?: (statement: iam.PolicyStatement) => void) {}

  public add(spec: StatementSpec): void {
    if (spec.actions.length === 0 || spec.resources.length === 0) return;
    const key = mergeKey(spec);
    const union = spec.unionConditionValues ? singleCondition(spec.conditions) : undefined;
    let found = this.entries.get(key);
    if (union) {
      for (const value of union.values) {
        if (found?.entry.union!.values.has(value)) continue;
        if (!found || found.entry.union!.values.size >= MAX_MERGED_VALUES) {
          found = this.open(key, { ...spec, conditions: { [union.operator]: { [union.key]: [value] } } }, union);
          continue;
        }
        const u = found.entry.union!;
        u.values.add(value);
        found.entry.conditions = { [u.operator]: { [u.key]: [...u.values] } };
        found.statement?.addCondition(u.operator, { [u.key]: [...u.values] });
      }
      return;
    }
    for (const resource of spec.resources) {
      if (found?.entry.resources.has(resource)) continue;
      if (!found || found.entry.resources.size >= MAX_MERGED_VALUES) {
        found = this.open(key, { ...spec, resources: [resource] });
        continue;
      }
      found.entry.resources.add(resource);
      found.statement?.addResources(resource);
    }
  }

  public entryList(): Entry[] {
    return this.all;
  }

  private open(key: string, spec: StatementSpec, union?: { operator: string; key: string; values: unknown[] }) {
    const entry: Entry = {
      actions: [...new Set(spec.actions)],
      resources: new Set(spec.resources),
      conditions: spec.conditions,
      union: union ? { operator: union.operator, key: union.key, values: new Set(singleCondition(spec.conditions)!.values) } : undefined,
    };
    const statement = this.onNew ? toPolicyStatement(specOfEntry(entry)) : undefined;
    const opened = { entry, statement };
    this.entries.set(key, opened);
    this.all.push(entry);
    if (statement) this.onNew!(statement);
    return opened;
  }
}

function specOfEntry(entry: Entry): StatementSpec {
  return { actions: entry.actions, resources: [...entry.resources], ...(entry.conditions ? { conditions: entry.conditions } : {}) };
}

/**
 * An ordered set of statements that merges as it grows: statements with the same actions and conditions
 * become one statement whose resources are the union (in first-seen order, without duplicates); statements
 * marked `unionConditionValues` merge their condition values instead.
 */
export class StatementSet {
  private readonly merging = new MergingStatements();

  constructor(specs: readonly StatementSpec[] = []) {
    this.add(...specs);
  }

  public add(...specs: readonly StatementSpec[]): this {
    for (const spec of specs) this.merging.add(spec);
    return this;
  }

  /**
   * The merged statements as plain data. Statements that end up with the same resources and conditions are
   * merged once more, their actions unioned (e.g. the KMS actions of a bucket key used to read and to write).
   */
  public specs(): StatementSpec[] {
    const byResources = new Map<string, { actions: Set<string>; resources: string[]; conditions?: Conditions; union: boolean }>();
    for (const entry of this.merging.entryList()) {
      const resources = [...entry.resources];
      const key = `${entry.union ? 'U' : ''}|${[...resources].sort().join(',')}|${entry.conditions ? JSON.stringify(entry.conditions) : ''}`;
      const existing = byResources.get(key);
      if (existing) {
        for (const a of entry.actions) existing.actions.add(a);
      } else {
        byResources.set(key, { actions: new Set(entry.actions), resources, conditions: entry.conditions, union: entry.union !== undefined });
      }
    }
    return [...byResources.values()].map(({ actions, resources, conditions, union }) => ({
      actions: [...actions],
      resources,
      ...(conditions ? { conditions } : {}),
      ...(union ? { unionConditionValues: true } : {}),
    }));
  }

  public toPolicyStatements(): iam.PolicyStatement[] {
    return this.specs().map(toPolicyStatement);
  }
}

export function toPolicyStatement(spec: StatementSpec): iam.PolicyStatement {
  return new PolicyStatementClass({
    actions: [...spec.actions],
    resources: [...spec.resources],
    conditions: spec.conditions as { [key: string]: any } | undefined,
  });
}

/** Reads an `iam.PolicyStatement` back into plain data (Allow statements only; anything else is rejected). */
export function specOf(statement: iam.PolicyStatement): StatementSpec | undefined {
  if (statement.effect !== ALLOW || statement.notActions.length > 0 || statement.notResources.length > 0 || statement.principals.length > 0) {
    return undefined;
  }
  const conditions = statement.conditions;
  return {
    actions: statement.actions,
    resources: statement.resources,
    ...(conditions && Object.keys(conditions).length > 0 ? { conditions } : {}),
  };
}

/**
 * Per state graph, one live `iam.PolicyStatement` per (actions, conditions): every task bound to the graph adds
 * its resources to the shared statement instead of registering statements of its own.
 *
 * Why: `TaskStateBase` registers each task's statements separately, and without the
 * `@aws-cdk/aws-iam:minimizePolicies` feature flag aws-cdk-lib keeps one statement per task in the state
 * machine role's policy (identical ones are only dropped after rendering). 200 jobs with per-job name prefixes
 * then need ~400 statements, which overflows the 10,240-character inline policy limit into several managed
 * policies. Merged here, the role holds one statement per distinct (actions, conditions) whatever the number of
 * tasks, and nothing else of the graph is affected. Statements are kept per graph (a Parallel branch or Map
 * iteration has its own graph, pushed up to the state machine's), never shared across state machines.
 */
const GRAPH_STATEMENTS = new WeakMap<sfn.StateGraph, MergingStatements>();

export function registerMergedStatements(graph: sfn.StateGraph, specs: readonly StatementSpec[]): void {
  let merging = GRAPH_STATEMENTS.get(graph);
  if (!merging) {
    merging = new MergingStatements((statement) => graph.registerPolicyStatement(statement));
    GRAPH_STATEMENTS.set(graph, merging);
  }
  for (const spec of specs) merging.add(spec);
}

/**
 * The same for a role shared by several jobs (a `role` given to many tasks): their grants merge into a few
 * statements of the role's policy instead of one set per job.
 */
const ROLE_STATEMENTS = new WeakMap<iam.IRole, MergingStatements>();

export function addMergedStatementsToRole(role: iam.IRole, specs: readonly StatementSpec[]): void {
  let merging = ROLE_STATEMENTS.get(role);
  if (!merging) {
    merging = new MergingStatements((statement) => role.addToPrincipalPolicy(statement));
    ROLE_STATEMENTS.set(role, merging);
  }
  for (const spec of specs) merging.add(spec);
}
