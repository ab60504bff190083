import { Duration, Size, SizeRoundingBehavior, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { CdkSfnJobsError, describeValue, invalid, propName } from './errors';
import { isDynamic } from './expressions';
import { jsonataSyntaxError } from './jsonata';

// Read once: aws-cdk-lib's barrel getters call require() on every access (see expressions.ts).
const isUnresolved = Token.isUnresolved;

/**
 * Static checks on props. Each skips values that are only known later (tokens, JSONPath, JSONata)
 * and throws `<path>: <prop> must be <rule>; got <value>` otherwise.
 */

export function checkIntegerRange(scope: IConstruct, prop: string, value: number | undefined, min: number, max: number): void {
  if (value === undefined || isUnresolved(value)) return;
  if (!Number.isInteger(value) || value < min || value > max) {
    invalid(scope, prop, `an integer between ${min} and ${max}`, value);
  }
}

export function checkDurationRange(scope: IConstruct, prop: string, value: Duration | undefined, min: Duration, max: Duration): void {
  if (value === undefined || value.isUnresolved()) return;
  const seconds = value.toSeconds({ integral: false });
  if (seconds < min.toSeconds() || seconds > max.toSeconds()) {
    invalid(scope, prop, `between ${min.toHumanString()} and ${max.toHumanString()}`, value);
  }
  if (!Number.isInteger(seconds)) {
    invalid(scope, prop, 'a whole number of seconds', value);
  }
}

export function checkSizeRange(scope: IConstruct, prop: string, value: Size | undefined, minGiB: number, maxGiB: number): void {
  if (value === undefined || value.isUnresolved()) return;
  const gib = value.toGibibytes({ rounding: SizeRoundingBehavior.NONE });
  if (!Number.isInteger(gib) || gib < minGiB || gib > maxGiB) {
    invalid(scope, prop, `a whole number of GiB between ${minGiB} and ${maxGiB}`, `${gib} GiB`);
  }
}

export function checkPattern(scope: IConstruct, prop: string, value: string | undefined, pattern: RegExp, rule: string): void {
  if (value === undefined || isDynamic(value)) return;
  if (!pattern.test(value)) invalid(scope, prop, rule, value);
}

export function checkLength(scope: IConstruct, prop: string, value: string | undefined, min: number, max: number): void {
  if (value === undefined || isDynamic(value)) return;
  if (value.length < min || value.length > max) {
    invalid(scope, prop, `between ${min} and ${max} characters long`, value);
  }
}

export function checkCount(scope: IConstruct, prop: string, items: readonly unknown[] | undefined, min: number, max: number): void {
  if (items === undefined || isUnresolved(items)) return;
  if (items.length < min || items.length > max) {
    invalid(scope, prop, `a list of ${min} to ${max} items`, `${items.length} items`);
  }
}

/** Every key must be unique: reports the first duplicate. */
export function checkUnique(scope: IConstruct, prop: string, keys: readonly string[]): void {
  const seen = new Set<string>();
  for (const key of keys) {
    if (isDynamic(key)) continue;
    if (seen.has(key)) invalid(scope, prop, 'unique', key);
    seen.add(key);
  }
}

/**
 * Required props, checked before anything reads them (plain JavaScript and Python callers can leave them out):
 * `<scope path>/<id>: <prop> must be given (required); got undefined`. Dotted names check nested props
 * (`outputDataConfig.s3OutputLocation`). Called in a constructor's `super(...)` arguments, before the construct
 * exists, hence the parent scope and id. Returns `props`.
 */
export function required<T>(scope: IConstruct, id: string, props: T, names: readonly string[]): T {
  const path = scope.node.path === '' ? id : `${scope.node.path}/${id}`;
  if (props === undefined || props === null) throw new CdkSfnJobsError(`${path}: props must be given (required: ${names.map(propName).join(', ')}); got ${describeValue(props)}`);
  for (const name of names) {
    let value: any = props;
    for (const part of name.split('.')) value = value === undefined || value === null ? undefined : value[part];
    if (value === undefined || value === null) {
      throw new CdkSfnJobsError(`${path}: ${propName(name)} must be given (required); got ${describeValue(value)}`);
    }
  }
  return props;
}

/**
 * What a prop holds, for callers without type checks (plain JavaScript; jsii checks types for the other languages
 * but a hand-built dict or a `None` still gets through): a name and its test. aws-cdk-lib types are recognised by
 * their shape (duck typing), since `instanceof` fails across two copies of aws-cdk-lib.
 */
interface Kind {
  readonly rule: string;
  readonly test: (value: any) => boolean;
}

const isObject = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null;
const isPlainObject = (v: unknown): v is Record<string, any> =>
  isObject(v) && !Array.isArray(v) && (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null);
const hasFunction = (v: unknown, ...names: string[]) => isObject(v) && names.every((n) => typeof v[n] === 'function');
const hasString = (v: unknown, ...names: string[]) => isObject(v) && names.every((n) => typeof v[n] === 'string');

const KINDS: Record<string, Kind> = {
  string: { rule: 'a string', test: (v) => typeof v === 'string' },
  number: { rule: 'a number', test: (v) => typeof v === 'number' && !Number.isNaN(v) },
  boolean: { rule: 'a boolean', test: (v) => typeof v === 'boolean' },
  object: { rule: 'an object', test: isPlainObject },
  instance: { rule: 'an object', test: (v) => isObject(v) && !Array.isArray(v) },
  array: { rule: 'a list', test: (v) => Array.isArray(v) },
  duration: { rule: 'a Duration (Duration.seconds(…), Duration.minutes(…), …)', test: (v) => hasFunction(v, 'toSeconds', 'toHumanString') },
  size: { rule: 'a Size (Size.gibibytes(…), …)', test: (v) => hasFunction(v, 'toGibibytes', 'toMebibytes') },
  role: { rule: 'an IAM role (iam.IRole)', test: (v) => hasString(v, 'roleArn') && isObject(v.grantPrincipal) },
  key: { rule: 'a KMS key (kms.IKey)', test: (v) => hasString(v, 'keyArn') },
  s3Location: { rule: 'an S3Location (S3Location.fromBucket(…), S3Location.fromJsonExpression(…))', test: (v) => hasFunction(v, 'bind') },
  dockerImage: { rule: 'a DockerImage (DockerImage.fromRegistry(…), …)', test: (v) => hasFunction(v, 'bind') },
  instanceType: { rule: 'an InstanceType (new ec2.InstanceType(…), InstanceType.of(…))', test: (v) => isObject(v) && 'architecture' in v && hasFunction(v, 'toString') },
  vpc: { rule: 'a VPC (ec2.IVpc)', test: (v) => hasString(v, 'vpcId') && hasFunction(v, 'selectSubnets') },
  subnetSelection: { rule: 'a SubnetSelection ({ subnetType: … }, { subnets: [...] })', test: isPlainObject },
  securityGroup: { rule: 'a security group (ec2.ISecurityGroup)', test: (v) => hasString(v, 'securityGroupId') },
  cluster: { rule: 'an ECS cluster (ecs.ICluster)', test: (v) => hasString(v, 'clusterArn', 'clusterName') },
  taskDefinition: { rule: 'an ECS TaskDefinition', test: (v) => hasString(v, 'family', 'taskDefinitionArn') && isObject(v.taskRole) },
  containerDefinition: { rule: 'an ECS ContainerDefinition', test: (v) => hasString(v, 'containerName') && isObject(v.taskDefinition) },
  launchTarget: { rule: 'a launch target (new EcsFargateLaunchTarget(…) or new EcsEc2LaunchTarget(…))', test: (v) => hasFunction(v, 'bind') },
  lambdaFunction: { rule: 'a Lambda function (lambda.IFunction)', test: (v) => hasString(v, 'functionArn') },
  jobQueue: { rule: 'a Batch job queue (batch.IJobQueue)', test: (v) => hasString(v, 'jobQueueArn') },
  jobDefinition: { rule: 'a Batch job definition (batch.IJobDefinition)', test: (v) => hasString(v, 'jobDefinitionArn') },
  taskInput: { rule: 'a TaskInput (TaskInput.fromObject(…), TaskInput.fromJsonPathAt(…), TaskInput.fromText(…))', test: (v) => isObject(v) && 'type' in v && 'value' in v },
  timeout: {
    rule: 'a Timeout (Timeout.duration(…), Timeout.at(…))',
    test: (v) => isPlainObject(v) && (typeof v.seconds === 'number' || typeof v.path === 'string' || typeof v.jsonataExpression === 'string'),
  },
  queryLanguage: { rule: 'a QueryLanguage (QueryLanguage.JSON_PATH or QueryLanguage.JSONATA)', test: (v) => v === 'JSONPath' || v === 'JSONata' },
  integrationPattern: { rule: 'an IntegrationPattern (IntegrationPattern.RUN_JOB, …)', test: (v) => v === 'REQUEST_RESPONSE' || v === 'RUN_JOB' || v === 'WAIT_FOR_TASK_TOKEN' },
  any: { rule: 'given', test: () => true },
};

/**
 * Checks the props a constructor receives, before anything reads them: `props` itself, then each prop of `spec`
 * (`name: 'kind'`, `'kind?'` when optional, `'kind[]'` for a list of them, `'{kind}'` for a map of them; a dotted
 * name checks a nested prop whose parent is given), then every JSONata expression (`{% … %}`) found in the props'
 * plain values, which must parse. Values only known later (tokens) pass: an unresolved string token is a string, an
 * unresolved number a number. Throws `<scope path>/<id>: <prop> must be <rule>; got <value>`; usable in a `super(...)`
 * call, before the construct exists (hence the parent scope and id). Returns `props`.
 */
export function checkProps<T>(scope: IConstruct, id: string, props: T, spec: Record<string, string>): T {
  const path = scope.node.path === '' ? id : `${scope.node.path}/${id}`;
  const fail = (prop: string, rule: string, value: unknown): never => {
    throw new CdkSfnJobsError(`${path}: ${propName(prop)} must be ${rule}; got ${describeValue(value)}`);
  };
  const requiredNames = Object.entries(spec).filter(([, k]) => !k.endsWith('?')).map(([n]) => n);
  if (!isObject(props) || Array.isArray(props)) {
    const needed = requiredNames.filter((n) => !n.includes('.'));
    fail('props', `${props === undefined || props === null ? 'given' : 'an object'}${needed.length > 0 ? ` (required: ${needed.map(propName).join(', ')})` : ''}`, props);
  }
  for (const [name, kindText] of Object.entries(spec)) {
    const optional = kindText.endsWith('?');
    const kind = optional ? kindText.slice(0, -1) : kindText;
    // `a.b` a nested prop (checked when `a` is given), `a[].b` the prop of each item of the list `a`.
    const visit = (holder: unknown, parts: string[], shown: string): void => {
      if (!isObject(holder)) return; // an optional parent left out (a required one is checked by its own entry)
      const [part, ...rest] = parts;
      const list = part.endsWith('[]');
      const key = list ? part.slice(0, -2) : part;
      const value = (holder as Record<string, unknown>)[key];
      const at = shown === '' ? key : `${shown}.${key}`;
      if (list) {
        if (Array.isArray(value)) value.forEach((item, i) => visit(item, rest, `${at}[${i}]`));
        return;
      }
      if (rest.length > 0) return visit(value, rest, at);
      if (value === undefined || value === null) {
        if (!optional) fail(at, 'given (required)', value);
        return;
      }
      checkKind(at, kind, value, fail);
    };
    visit(props, name.split('.'), '');
  }
  for (const [name, value] of Object.entries(props as object)) {
    // A state's Comment is free text that Step Functions never evaluates.
    if (name !== 'comment') checkJsonataText(name, value, fail);
  }
  return props;
}

function checkKind(name: string, kind: string, value: unknown, fail: (prop: string, rule: string, value: unknown) => never): void {
  if (kind.endsWith('[]')) {
    const item = KINDS[kind.slice(0, -2)];
    if (!Array.isArray(value)) {
      if (isUnresolved(value)) return;
      fail(name, `a list of ${item.rule.replace(/^an? /, '')} items`, value);
    }
    (value as unknown[]).forEach((v, i) => {
      if (!item.test(v) && !isUnresolved(v)) fail(`${name}[${i}]`, item.rule, v);
    });
    return;
  }
  if (kind.startsWith('{')) {
    const item = KINDS[kind.slice(1, -1)];
    if (!isPlainObject(value)) {
      if (isUnresolved(value)) return;
      fail(name, `an object of ${item.rule.replace(/^an? /, '')} values`, value);
    }
    for (const [key, v] of Object.entries(value as object)) {
      if (v !== undefined && !item.test(v) && !isUnresolved(v)) fail(`${name}.${key}`, item.rule, v);
    }
    return;
  }
  const k = KINDS[kind];
  if (k === undefined) throw new Error(`unknown kind ${kind}`);
  if (!k.test(value) && !(typeof value !== 'object' && isUnresolved(value))) fail(name, k.rule, value);
}

/**
 * Every `{% … %}` expression in a plain value (strings, lists, objects; a TaskInput's value) must parse, and a string
 * that opens one must close it: a broken expression would otherwise make an invalid definition that only a
 * validator, or the deployment, notices.
 */
function checkJsonataText(prop: string, value: unknown, fail: (prop: string, rule: string, value: unknown) => never): void {
  if (typeof value === 'string') {
    if (!value.includes('{%')) return;
    const trimmed = value.trim();
    if (trimmed.startsWith('{%') && !trimmed.endsWith('%}')) fail(prop, 'a complete JSONata expression, closed with %}', value);
    for (const m of value.matchAll(/\{%([\s\S]*?)%\}/g)) {
      const error = jsonataSyntaxError(m[1]);
      if (error !== undefined) fail(prop, `a valid JSONata expression (${error})`, value);
    }
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((v, i) => checkJsonataText(`${prop}[${i}]`, v, fail));
  } else if (isPlainObject(value)) {
    for (const [key, v] of Object.entries(value)) checkJsonataText(`${prop}.${key}`, v, fail);
  } else if (isObject(value) && 'type' in value && 'value' in value && !('bind' in value)) {
    checkJsonataText(prop, value.value, fail); // a TaskInput
  }
}

/**
 * The heartbeat of a task must be shorter than its timeout: the Amazon States Language requires `HeartbeatSeconds` to
 * be smaller than `TimeoutSeconds` (a definition with an equal or longer heartbeat fails validation at deployment).
 * Checked when both are literal (`heartbeat`/`timeout` durations or `heartbeatTimeout`/`taskTimeout` of
 * `Timeout.duration`).
 */
export function checkHeartbeat(
  scope: IConstruct,
  props: { heartbeat?: Duration; heartbeatTimeout?: { seconds?: number }; timeout?: Duration; taskTimeout?: { seconds?: number } },
): void {
  const seconds = (d: Duration | undefined, t: { seconds?: number } | undefined): number | undefined => {
    if (d !== undefined) return d.isUnresolved() ? undefined : d.toSeconds({ integral: false });
    return t?.seconds === undefined || isUnresolved(t.seconds) ? undefined : t.seconds;
  };
  const heartbeat = seconds(props.heartbeat, props.heartbeatTimeout);
  const timeout = seconds(props.timeout, props.taskTimeout);
  if (heartbeat === undefined || timeout === undefined || heartbeat < timeout) return;
  const heartbeatProp = props.heartbeat !== undefined ? 'heartbeat' : 'heartbeatTimeout';
  const timeoutProp = props.timeout !== undefined ? 'timeout' : 'taskTimeout';
  invalid(scope, heartbeatProp,
    `shorter than ${propName(timeoutProp)} (${timeout} seconds): HeartbeatSeconds must be smaller than TimeoutSeconds`, `${heartbeat} seconds`);
}
