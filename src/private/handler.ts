import * as crypto from 'crypto';
import * as path from 'path';
import { Duration, Names, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { IConstruct } from 'constructs';

/** Where the bundled handler `lambda/<name>/index.ts` lands (see .projenrc.ts). */
export function handlerAssetPath(name: string): string {
  // src/private (ts-jest) and lib/private (published) both sit two levels below the package root.
  return path.join(__dirname, '..', '..', 'assets', 'lambda', name, 'index');
}

export interface BundledHandlerOptions {
  /** Handler folder name under `lambda/`. */
  readonly handler: string;
  /** What the function is for, e.g. `batch-poller`: with `configuration`, decides the singleton. */
  readonly purpose: string;
  /** Anything that changes the function's configuration: one function per distinct value. */
  readonly configuration?: Record<string, string>;
  readonly description: string;
  readonly environment?: Record<string, string>;
  /** @default 30 seconds */
  readonly timeout?: Duration;
  /** @default 256 */
  readonly memorySize?: number;
  /** @default one month */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * One function per stack per purpose and configuration (a `SingletonFunction` whose uuid is derived
 * from them), running a bundled handler: nodejs22.x, arm64, JSON logs, an explicit log group with a
 * retention, and a role that may only write to that log group. Returns the function; callers grant it exactly
 * what it needs through `addToRolePolicy` (or {@link singletonRole}).
 */
export function bundledHandler(scope: IConstruct, options: BundledHandlerOptions): lambda.SingletonFunction {
  const stack = Stack.of(scope);
  const config = Object.entries(options.configuration ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${v}`)
    .join(';');
  const uuid = deterministicUuid(`cdk-sfn-jobs/${options.purpose}/${config}`);
  const lambdaPurpose = `CdkSfnJobs${pascal(options.purpose)}`;
  const logGroupId = `${lambdaPurpose}Logs${uuid.slice(0, 8)}`;
  const logGroup =
    (stack.node.tryFindChild(logGroupId) as logs.LogGroup | undefined) ??
    new logs.LogGroup(stack, logGroupId, {
      retention: options.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
  // Least-privilege role: writes to its own log group only (instead of AWSLambdaBasicExecutionRole,
  // whose logs:CreateLogGroup/CreateLogStream/PutLogEvents apply to every log group: cdk-nag AwsSolutions-IAM4).
  // One per function, so the singleton shares it; callers add their service permissions to it.
  const roleId = `${lambdaPurpose}Role${uuid.slice(0, 8)}`;
  let role = stack.node.tryFindChild(roleId) as iam.Role | undefined;
  if (!role) {
    role = new iam.Role(stack, roleId, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Role of the ${options.purpose} function (cdk-sfn-jobs)`,
    });
    logGroup.grantWrite(role);
  }
  return new lambda.SingletonFunction(scope, `${Names.uniqueId(scope)}${lambdaPurpose}`, {
    uuid,
    role,
    lambdaPurpose,
    description: options.description,
    code: lambda.Code.fromAsset(handlerAssetPath(options.handler)),
    handler: 'index.handler',
    runtime: lambda.Runtime.NODEJS_22_X,
    architecture: lambda.Architecture.ARM_64,
    timeout: options.timeout ?? Duration.seconds(30),
    memorySize: options.memorySize ?? 256,
    environment: options.environment,
    loggingFormat: lambda.LoggingFormat.JSON,
    logGroup,
  });
}

/** The role of a singleton function, for grants. */
export function singletonRole(fn: lambda.SingletonFunction): iam.IRole {
  return fn.role!;
}

function pascal(s: string): string {
  return s.replace(/(^|[^A-Za-z0-9]+)([A-Za-z0-9])/g, (_m, _sep, c: string) => c.toUpperCase());
}

/** A stable UUID-shaped string from a seed (SingletonFunction needs a uuid; it must not change). */
function deterministicUuid(seed: string): string {
  const hash = crypto.createHash('sha256').update(seed).digest('hex');
  return `${hash.slice(0, 8)}-${hash.slice(8, 12)}-${hash.slice(12, 16)}-${hash.slice(16, 20)}-${hash.slice(20, 32)}`;
}
