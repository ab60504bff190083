import * as crypto from 'crypto';
import * as path from 'path';
import { Duration, Names, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Fact, FactName, RegionInfo } from 'aws-cdk-lib/region-info';
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
  /** Where failed asynchronous invocations go, once Lambda's retries are spent. @default none */
  readonly onFailure?: lambda.IDestination;
}

/**
 * One function per stack per purpose and configuration (a `SingletonFunction` whose uuid is derived
 * from them), running a bundled handler: the newest Node.js runtime (at least nodejs22.x, see {@link handlerRuntime}), arm64, JSON logs, an explicit log group with a
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
    runtime: handlerRuntime(scope),
    architecture: lambda.Architecture.ARM_64,
    timeout: options.timeout ?? Duration.seconds(30),
    memorySize: options.memorySize ?? 256,
    environment: options.environment,
    loggingFormat: lambda.LoggingFormat.JSON,
    logGroup,
    onFailure: options.onFailure,
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

/** The Node.js major version the handlers are bundled for (esbuild target, see .projenrc.ts): the oldest they run on. */
export const HANDLER_NODE_MAJOR = 22;

/**
 * The runtime of the bundled handlers: aws-cdk-lib's own choice of the latest Node.js runtime for the user's
 * version (the `LATEST_NODE_RUNTIME` regional fact behind `lambda.determineLatestNodeRuntime`), for the stack's
 * region or, when the region is only known at deploy time, the oldest of every region's, and never older than the
 * bundles' target. A literal name (not `determineLatestNodeRuntime`'s per-region mapping) so cdk-nag can read it
 * (`AwsSolutions-L1`); the bundles keep the AWS SDK v3 external, which every Node.js runtime provides.
 */
export function handlerRuntime(scope: IConstruct): lambda.Runtime {
  const region = Stack.of(scope).region;
  const regions = Token.isUnresolved(region) ? RegionInfo.regions.map((r) => r.name) : [region];
  const name = nodeRuntimeName(regions.map((r) => Fact.find(r, FactName.LATEST_NODE_RUNTIME)));
  if (name === lambda.Runtime.NODEJS_22_X.name) return lambda.Runtime.NODEJS_22_X;
  return new lambda.Runtime(name, lambda.RuntimeFamily.NODEJS, { supportsInlineCode: true });
}

/** `nodejs<N>.x` for the oldest of the given latest-runtime facts, at least {@link HANDLER_NODE_MAJOR}. */
export function nodeRuntimeName(latestPerRegion: ReadonlyArray<string | undefined>): string {
  const majors = latestPerRegion
    .map((name) => /^nodejs(\d+)\.x$/.exec(name ?? '')?.[1])
    .filter((m): m is string => m !== undefined)
    .map(Number);
  const oldestLatest = majors.length > 0 ? Math.min(...majors) : HANDLER_NODE_MAJOR;
  return `nodejs${Math.max(oldestLatest, HANDLER_NODE_MAJOR)}.x`;
}
