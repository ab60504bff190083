import { Annotations, Aspects, Duration, IAspect, Names, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct, IConstruct } from 'constructs';
import { resumeDefinition } from './job-event-definition';
import { JobEventSource, jobKeyPrefix, TOKEN_TABLE } from './job-event-keys';
import { DefinedState, stateMachinesIn, statesOfMachine } from '../../private/abort/definition';
import { invalid } from '../../private/errors';

/** A waiting state, as registered by the waiting side. */
export interface JobEventRegistration {
  /** The construct that registers the wait (warnings and errors name it). */
  readonly requestedBy: IConstruct;
  /** The event that ends the job. */
  readonly source: JobEventSource;
  /** The prop that gave `source`, for error messages. */
  readonly sourceProp: string;
  /** The user's table, else the stack's. */
  readonly table?: dynamodb.ITable;
  /** The `putItem.waitForTaskToken` state. */
  readonly waitState: sfn.State;
}

/** A field of `detail`, as EventBridge's input paths accept it: dot notation over letters, digits, `_` and `-`. */
const FIELD_PATH = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;

/**
 * The per-stack resume path of event-driven waits: one EventBridge rule per registered event source (and per token
 * table) → one Express state machine that returns the tokens stored under the job's key (see job-event-definition.ts),
 * its log group, its dead-letter queue, and the stack's token table when a wait uses it.
 *
 * Once per stack, an Aspect visits the stack when the app is synthesized and lets the Express machine answer the state
 * machines whose definitions contain a registered wait state (`states:SendTaskSuccess` on exactly those).
 */
export class JobEventResume extends Construct {
  /** The Express state machine the rules start. */
  public readonly stateMachine: sfn.StateMachine;

  /** The Express machine's log group (every step logged, without execution data: no task token reaches the logs). */
  public readonly logGroup: logs.LogGroup;

  /** Events the rules could not deliver to the Express machine after their retries. Encrypted (SSE-SQS), kept 14 days. */
  public readonly deadLetterQueue: sqs.Queue;

  private stackTable?: dynamodb.Table;
  private readonly rules = new Map<string, events.Rule>();
  private readonly grantedTables = new Set<dynamodb.ITable>();
  private readonly fields = new Map<string, { readonly source: JobEventSource; readonly requestedBy: IConstruct }>();
  private readonly waits: JobEventRegistration[] = [];

  constructor(scope: Stack, id: string) {
    super(scope, id);

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      retentionPeriod: Duration.days(14),
      enforceSSL: true,
    });
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      // Step Functions' advice: a `/aws/vendedlogs/` name keeps CloudWatch Logs' resource policy small
      // (https://docs.aws.amazon.com/step-functions/latest/dg/bp-cwl.html).
      logGroupName: `/aws/vendedlogs/states/${Names.uniqueResourceName(this, { maxLength: 400, separator: '-' })}`,
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.stateMachine = new sfn.StateMachine(this, 'Resume', {
      stateMachineType: sfn.StateMachineType.EXPRESS,
      definitionBody: sfn.DefinitionBody.fromString(JSON.stringify(resumeDefinition())),
      logs: { destination: this.logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
    });
    Aspects.of(scope).add(new ResumeGrantAspect(scope, this));
  }

  /** The role of the Express state machine. */
  public get role(): iam.IRole {
    return this.stateMachine.role;
  }

  /**
   * The stack's token table, created on first use: on demand, TTL on `expiresAt`, encrypted with an AWS managed key.
   * Destroyed with the stack: it only holds task tokens that expire within a poll round.
   */
  public get defaultTable(): dynamodb.ITable {
    this.stackTable ??= new dynamodb.Table(this, 'Tokens', {
      partitionKey: { name: TOKEN_TABLE.partitionKey, type: dynamodb.AttributeType.STRING },
      sortKey: { name: TOKEN_TABLE.sortKey, type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: TOKEN_TABLE.ttlAttribute,
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    return this.stackTable;
  }

  /** The rules, by construct id. */
  public get eventRules(): events.Rule[] {
    return [...this.rules.values()];
  }

  /** The registered wait states. @internal */
  public get _waits(): readonly JobEventRegistration[] {
    return this.waits;
  }

  /**
   * Registers a waiting state: checks its event source, creates (or widens) the rule for the source and the table,
   * and lets the Express machine query and delete in the table. Returns the table the state stores its token in.
   *
   * @internal
   */
  public _register(registration: JobEventRegistration): dynamodb.ITable {
    const { requestedBy, source, sourceProp } = registration;
    checkSource(requestedBy, sourceProp, source);
    const table = registration.table ?? this.defaultTable;
    checkTableSchema(requestedBy, table);

    // One job key prefix, one way to read the job and its status: the same jobField and statusField everywhere.
    const fieldsKey = jobKeyPrefix(source);
    const known = this.fields.get(fieldsKey);
    if (known) {
      for (const field of ['jobField', 'statusField'] as const) {
        if (known.source[field] !== source[field]) {
          invalid(requestedBy, `${sourceProp}.${field}`,
            `${JSON.stringify(known.source[field])}, as for the other waits on "${source.detailType}" events of ${source.source} (${known.requestedBy.node.path})`, source[field]);
        }
      }
    } else {
      this.fields.set(fieldsKey, { source, requestedBy });
    }

    this.grantTable(table);
    this.ruleFor(source, table);
    this.waits.push({ ...registration, table });
    return table;
  }

  private grantTable(table: dynamodb.ITable): void {
    if (this.grantedTables.has(table)) return;
    this.grantedTables.add(table);
    // The Query and the conditional delete of the definition, on the table itself (no index is read).
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['dynamodb:Query', 'dynamodb:DeleteItem'],
      resources: [table.tableArn],
    }));
    // A table encrypted with a customer managed key: reading its items needs kms:Decrypt on that key.
    table.encryptionKey?.grantDecrypt(this.role);
  }

  private ruleFor(source: JobEventSource, table: dynamodb.ITable): void {
    const tableSuffix = table === this.stackTable ? '' : Names.nodeUniqueId(table.node);
    const id = `${pascal(`${source.source} ${source.detailType}`)}${tableSuffix}`;
    const statuses = [...new Set(source.terminalStatuses)];
    const existing = this.rules.get(id);
    if (existing) {
      // Another wait on the same event and table: the rule also matches its terminal statuses (merged, deduplicated).
      existing.addEventPattern({ detail: nested(source.statusField, statuses) });
      return;
    }
    const rule = new events.Rule(this, id, {
      description: `cdk-sfn-jobs: resumes the waits on the jobs whose "${source.detailType}" event (${source.source}) says they ended`,
      eventPattern: {
        source: [source.source],
        detailType: [source.detailType],
        // The job's field must be there: the target's input needs it.
        detail: deepMerge(nested(source.jobField, [{ exists: true }]), nested(source.statusField, statuses)),
      },
    });
    // Delivery is retried by EventBridge; what it cannot deliver goes to the dead-letter queue.
    rule.addTarget(new targets.SfnStateMachine(this.stateMachine, {
      input: events.RuleTargetInput.fromObject({
        jobKeyPrefix: jobKeyPrefix(source),
        // Outside quotes: the value arrives as JSON, whatever characters it holds.
        jobId: events.EventField.fromPath(`$.detail.${source.jobField}`),
        tableName: table.tableName,
      }),
      retryAttempts: 8,
      maxEventAge: Duration.hours(2),
      deadLetterQueue: this.deadLetterQueue,
    }));
    this.rules.set(id, rule);
  }
}

/** `{ a: { b: value } }` for `a.b`. */
function nested(path: string, value: unknown): Record<string, any> {
  return path.split('.').reduceRight<any>((inner, key) => ({ [key]: inner }), value);
}

/** Both patterns in one, for fields that share a parent (`job.id`, `job.status`). */
function deepMerge(a: Record<string, any>, b: Record<string, any>): Record<string, any> {
  const merged: Record<string, any> = { ...a };
  for (const [key, value] of Object.entries(b)) {
    const mine = merged[key];
    merged[key] = isPlainObject(mine) && isPlainObject(value) ? deepMerge(mine, value) : value;
  }
  return merged;
}

function isPlainObject(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function pascal(text: string): string {
  return text.split(/[^A-Za-z0-9]+/).filter(Boolean).map((w) => w[0].toUpperCase() + w.slice(1)).join('');
}

function checkSource(scope: IConstruct, prop: string, source: JobEventSource): void {
  if (source === undefined || source === null || typeof source !== 'object') invalid(scope, prop, 'an event source (source, detailType, jobField, statusField, terminalStatuses)', source);
  for (const field of ['source', 'detailType'] as const) {
    if (typeof source[field] !== 'string' || source[field].trim() === '') invalid(scope, `${prop}.${field}`, 'a non-empty string', source[field]);
  }
  for (const field of ['jobField', 'statusField'] as const) {
    if (typeof source[field] !== 'string' || !FIELD_PATH.test(source[field])) {
      invalid(scope, `${prop}.${field}`, 'a field of the event\'s detail in dot notation (letters, digits, _ and -, such as "jobId" or "job.id")', source[field]);
    }
  }
  const [job, status] = [source.jobField, source.statusField];
  if (job === status || status.startsWith(`${job}.`) || job.startsWith(`${status}.`)) {
    invalid(scope, `${prop}.statusField`, `a field apart from jobField (${JSON.stringify(job)}), neither inside the other`, status);
  }
  const statuses = source.terminalStatuses;
  if (!Array.isArray(statuses) || statuses.length === 0 || statuses.some((s) => typeof s !== 'string' || s === '')) {
    invalid(scope, `${prop}.terminalStatuses`, 'a non-empty list of non-empty strings', statuses);
  }
}

/** A table of this app (not an imported one) must have the key schema of TOKEN_TABLE. */
function checkTableSchema(scope: IConstruct, table: dynamodb.ITable): void {
  if (!(table instanceof dynamodb.Table)) return;
  const { partitionKey, sortKey } = table.schema();
  const ok = partitionKey.name === TOKEN_TABLE.partitionKey && partitionKey.type === dynamodb.AttributeType.STRING
    && sortKey?.name === TOKEN_TABLE.sortKey && sortKey.type === dynamodb.AttributeType.STRING;
  if (!ok) {
    invalid(scope, 'table', `a table with partition key "${TOKEN_TABLE.partitionKey}" (string) and sort key "${TOKEN_TABLE.sortKey}" (string)`,
      `partition key ${partitionKey.name} (${partitionKey.type}), ${sortKey ? `sort key ${sortKey.name} (${sortKey.type})` : 'no sort key'}`);
  }
}

/** A task state that waits for its token. */
function isWaitState(state: DefinedState, wait: JobEventRegistration): boolean {
  return state.name === wait.waitState.stateId && state.type === 'Task' && (state.resource ?? '').endsWith('.waitForTaskToken');
}

function machinePath(machine: sfn.CfnStateMachine): string {
  return machine.node.id === 'Resource' && machine.node.scope ? machine.node.scope.node.path : machine.node.path;
}

/**
 * Visits the stack once (when the app is synthesized, after every state machine is built): `states:SendTaskSuccess`
 * for the Express machine on the state machines that contain a registered wait state, and warnings for the waits it
 * cannot answer.
 *
 * SendTaskSuccess has no resource type in the Service Authorization Reference, yet Step Functions authorizes it
 * against the ARN of the state machine that issued the token (see src/ecs/private/task-response-grant.ts): the grant
 * names exactly those state machines.
 */
class ResumeGrantAspect implements IAspect {
  private done = false;

  constructor(private readonly stack: Stack, private readonly resume: JobEventResume) {}

  public visit(node: IConstruct): void {
    if (node !== this.stack || this.done) return;
    this.done = true;
    const own = this.resume.stateMachine.node.defaultChild;
    const machines = stateMachinesIn(this.stack).filter((m) => m !== own);
    const answered: sfn.CfnStateMachine[] = [];
    const seen = new Set<JobEventRegistration>();
    for (const machine of machines) {
      const states = statesOfMachine(machine);
      if (!states) continue;
      let holds = false;
      for (const wait of this.resume._waits) {
        const found = states.filter((s) => isWaitState(s, wait));
        if (found.length === 0) continue;
        holds = true;
        seen.add(wait);
        if (found.some((s) => s.distributed)) {
          Annotations.of(wait.requestedBy).addWarningV2('cdk-sfn-jobs:jobEventsDistributedMap',
            `${wait.waitState.stateId} runs in a Distributed Map of ${machinePath(machine)}: its child executions may not be resumed by the job's event; each round then ends at its timeout.`);
        }
      }
      if (holds) answered.push(machine);
    }
    if (answered.length > 0) {
      this.resume.role.addToPrincipalPolicy(new iam.PolicyStatement({
        actions: ['states:SendTaskSuccess'],
        resources: answered.map((m) => m.attrArn),
      }));
    }
    const elsewhere = stateMachinesIn(this.stack.node.root).filter((m) => Stack.of(m) !== this.stack);
    for (const wait of this.resume._waits) {
      if (seen.has(wait)) continue;
      const other = elsewhere.find((m) => (statesOfMachine(m) ?? []).some((s) => isWaitState(s, wait)));
      if (other) {
        Annotations.of(wait.requestedBy).addWarningV2('cdk-sfn-jobs:jobEventsOtherStack',
          `The state "${wait.waitState.stateId}" is in state machine ${machinePath(other)}, of another stack than the construct (${this.stack.node.path}): job events do not resume it; each round ends at its timeout. ` +
          'Create the construct in the state machine\'s stack.');
        continue;
      }
      if (machines.length === 0) continue;
      Annotations.of(wait.requestedBy).addWarningV2('cdk-sfn-jobs:jobEventsNoStateMachine',
        `No state machine of stack ${this.stack.node.path} contains the state "${wait.waitState.stateId}", so job events do not resume it; each round ends at its timeout. ` +
        'Build the state machine in the same stack, with a definition CDK can read.');
    }
  }
}
