/**
 * Synth-time and IAM-size benchmark of SageMakerCreateProcessingJob (`npm run bench`).
 *
 * For 1, 50 and 200 processing jobs chained in one state machine it measures, in the same run and interleaved:
 * - `typed`: our task, every job given the same job role (what the hand-written version uses too);
 * - `handwritten`: the same jobs as `sfn.CustomState`s with `createProcessingJob.sync` and a hand-written
 *   policy (seed 000's approach: one broad statement on the state machine role, `grantReadWrite` on the role);
 * - `typedDefaultRole`: our task with its default least-privilege role per job (no hand-written equivalent:
 *   reported for its cost, not in the ratio);
 * - `upstreamStyle`: a TaskStateBase that registers the same scoped statements per task the way aws-cdk-lib's
 *   own tasks do (no merging), with the default feature flags and with `@aws-cdk/aws-iam:minimizePolicies`:
 *   what aws-cdk-lib itself does with 200 tasks' statements.
 *
 * Time = build the constructs + `app.synth()`, median of a few repetitions. Policy size = the state machine
 * role's policies (its inline default policy plus any overflow managed policies) as IAM counts them: JSON
 * without whitespace, intrinsics resolved to realistic values.
 *
 * Each measurement starts after a full garbage collection; the variants alternate within each repetition.
 *
 * Prints JSON and writes it to bench/results/<timestamp>.json. Options: --sizes 1,50,200 --reps 5
 * --only typed,handwritten (e.g. for `node --cpu-prof`); --suite synth,executor,poller,sdk-poll,events (default all; `executor` is the
 * offline executor's benchmark, bench/executor.ts; `poller` the BatchPollerJob runs in both languages, bench/poller.ts;
 * `sdk-poll` the cost of the SDK-check waits, bench/sdk-poll.ts; `events` polling vs event-driven waits, bench/event-waits.ts).
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as v8 from 'v8';
import * as vm from 'vm';
import { App, Stack } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { SageMakerCreateProcessingJob } from '../src';
import { eventWaitsBenchmark } from './event-waits';
import { executorBenchmark } from './executor';
import { pollerBenchmark } from './poller';
import { sdkPollBenchmark } from './sdk-poll';

type Variant = 'typed' | 'handwritten' | 'typedDefaultRole' | 'upstreamStyle' | 'upstreamStyleMinimized';
const ALL_VARIANTS: Variant[] = ['typed', 'handwritten', 'typedDefaultRole', 'upstreamStyle', 'upstreamStyleMinimized'];

interface Fixture {
  readonly stack: Stack;
  readonly bucket: s3.Bucket;
  readonly repository: ecr.Repository;
  readonly role: iam.Role;
  /** One image for every job, as a pipeline usually has (the hand-written states share its URI). */
  readonly image: tasks.DockerImage;
  readonly imageUri: string;
}

function fixture(app: App): Fixture {
  const stack = new Stack(app, 'Bench', { env: { account: '123456789012', region: 'us-east-1' } });
  const repository = new ecr.Repository(stack, 'Image');
  return {
    stack,
    bucket: new s3.Bucket(stack, 'Data'),
    repository,
    role: new iam.Role(stack, 'JobRole', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') }),
    image: tasks.DockerImage.fromEcrRepository(repository, 'latest'),
    imageUri: repository.repositoryUriForTag('latest'),
  };
}

/** The request every job sends, by hand (what the CustomState and the upstream-style task render). */
function handRequest(f: Fixture, i: number): Record<string, any> {
  return {
    'ProcessingJobName.$': `States.Format('Job${i}-{}', States.UUID())`,
    'RoleArn': f.role.roleArn,
    'AppSpecification': { ImageUri: f.imageUri },
    'ProcessingInputs': [{
      InputName: 'raw',
      S3Input: { S3Uri: f.bucket.s3UrlForObject(`in/${i}/`), LocalPath: '/opt/ml/processing/input/raw', S3DataType: 'S3Prefix', S3InputMode: 'File', S3DataDistributionType: 'FullyReplicated' },
    }],
    'ProcessingOutputConfig': {
      Outputs: [{ OutputName: 'out', S3Output: { S3Uri: f.bucket.s3UrlForObject(`out/${i}/`), LocalPath: '/opt/ml/processing/output/out', S3UploadMode: 'EndOfJob' } }],
    },
    'ProcessingResources': { ClusterConfig: { InstanceCount: 1, InstanceType: 'ml.m5.xlarge', VolumeSizeInGB: 30 } },
    'StoppingCondition': { MaxRuntimeInSeconds: 3600 },
  };
}

/** A TaskStateBase registering per-task statements the way aws-cdk-lib's own tasks do. */
class UpstreamStyleTask extends sfn.TaskStateBase {
  protected readonly taskMetrics?: sfn.TaskMetricsConfig;
  protected readonly taskPolicies?: iam.PolicyStatement[];
  constructor(scope: Construct, id: string, private readonly request: Record<string, any>, i: number, role: iam.IRole) {
    super(scope, id, {});
    const stack = Stack.of(this);
    this.taskPolicies = [
      new iam.PolicyStatement({
        actions: ['sagemaker:CreateProcessingJob', 'sagemaker:DescribeProcessingJob', 'sagemaker:StopProcessingJob', 'sagemaker:AddTags', 'sagemaker:ListTags'],
        resources: [stack.formatArn({ service: 'sagemaker', resource: 'processing-job', resourceName: `job${i}-*` })],
      }),
      new iam.PolicyStatement({
        actions: ['events:PutTargets', 'events:PutRule', 'events:DescribeRule'],
        resources: [stack.formatArn({ service: 'events', resource: 'rule', resourceName: 'StepFunctionsGetEventsForSageMakerProcessingJobsRule' })],
      }),
      new iam.PolicyStatement({
        actions: ['iam:PassRole'],
        resources: [role.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
      }),
    ];
  }
  protected _renderTask(): any {
    return { Resource: 'arn:aws:states:::sagemaker:createProcessingJob.sync', Parameters: sfn.FieldUtils.renderObject(this.request) };
  }
}

function build(variant: Variant, n: number): { app: App; stack: Stack } {
  const app = new App({
    outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'bench-')),
    context: variant === 'upstreamStyleMinimized' ? { '@aws-cdk/aws-iam:minimizePolicies': true } : {},
  });
  const f = fixture(app);
  const states: sfn.INextable[] = [];
  for (let i = 0; i < n; i++) {
    switch (variant) {
      case 'typed':
      case 'typedDefaultRole':
        states.push(SageMakerCreateProcessingJob.jsonPath(f.stack, `Job${i}`, {
          image: f.image,
          role: variant === 'typed' ? f.role : undefined,
          processingInputs: [{ inputName: 'raw', source: tasks.S3Location.fromBucket(f.bucket, `in/${i}/`) }],
          processingOutputs: [{ outputName: 'out', destination: tasks.S3Location.fromBucket(f.bucket, `out/${i}/`) }],
        }));
        break;
      case 'handwritten':
        states.push(new sfn.CustomState(f.stack, `Job${i}`, {
          stateJson: { Type: 'Task', Resource: 'arn:aws:states:::sagemaker:createProcessingJob.sync', Parameters: handRequest(f, i) },
        }));
        break;
      case 'upstreamStyle':
      case 'upstreamStyleMinimized':
        states.push(new UpstreamStyleTask(f.stack, `Job${i}`, handRequest(f, i), i, f.role));
        break;
    }
  }
  let chain = sfn.Chain.start(states[0] as unknown as sfn.IChainable);
  for (const s of states.slice(1)) chain = chain.next(s as unknown as sfn.IChainable);
  const stateMachine = new sfn.StateMachine(f.stack, 'StateMachine', { definitionBody: sfn.DefinitionBody.fromChainable(chain) });
  if (variant === 'handwritten') {
    f.bucket.grantReadWrite(f.role);
    f.repository.grantPull(f.role);
    stateMachine.addToRolePolicy(new iam.PolicyStatement({
      actions: ['sagemaker:CreateProcessingJob', 'sagemaker:DescribeProcessingJob', 'sagemaker:StopProcessingJob', 'sagemaker:AddTags', 'events:PutTargets', 'events:PutRule', 'events:DescribeRule', 'iam:PassRole'],
      resources: ['*'],
    }));
  }
  return { app, stack: f.stack };
}

// A full garbage collection before each measurement, so one variant's garbage is not collected on another's time.
v8.setFlagsFromString('--expose-gc');
const collectGarbage: () => void = vm.runInNewContext('gc');

/** Builds and synthesizes; returns milliseconds and the synthesized template. */
function run(variant: Variant, n: number): { ms: number; buildMs: number; template: any } {
  collectGarbage();
  const start = process.hrtime.bigint();
  const { app, stack } = build(variant, n);
  const built = process.hrtime.bigint();
  const assembly = app.synth();
  const end = process.hrtime.bigint();
  const ms = Number(end - start) / 1e6;
  const buildMs = Number(built - start) / 1e6;
  const template = assembly.getStackByName(stack.stackName).template;
  fs.rmSync(assembly.directory, { recursive: true, force: true });
  return { ms, buildMs, template };
}

// ---------------------------------------------------------------------------------------------------------------

interface PolicySize {
  /** Characters of all the state machine role's policies, whitespace excluded, intrinsics resolved. */
  readonly characters: number;
  /** Of which in the role's inline default policy (IAM limit: 10,240 for all inline policies of a role). */
  readonly inlineCharacters: number;
  readonly statements: number;
  /** Managed policies aws-cdk-lib split off because the inline policy got too large (quota: 10 per role, 20 max). */
  readonly overflowManagedPolicies: number;
  /** The largest of them (IAM limit: 6,144 characters per managed policy). */
  readonly largestManagedPolicyCharacters: number;
  /** Whether every document is within IAM's limits (inline total ≤ 10,240, each managed ≤ 6,144, ≤ 10 managed). */
  readonly withinIamLimits: boolean;
}

function stateMachineRolePolicySize(template: any): PolicySize {
  const resources: Record<string, any> = template.Resources;
  const sm = Object.values(resources).find((r: any) => r.Type === 'AWS::StepFunctions::StateMachine') as any;
  const roleId = sm.Properties.RoleArn['Fn::GetAtt'][0];
  let characters = 0;
  let inlineCharacters = 0;
  let statements = 0;
  let overflow = 0;
  let largestManaged = 0;
  for (const r of Object.values(resources)) {
    if (r.Type !== 'AWS::IAM::Policy' && r.Type !== 'AWS::IAM::ManagedPolicy') continue;
    if (!(r.Properties.Roles ?? []).some((x: any) => x.Ref === roleId)) continue;
    const size = JSON.stringify(resolve(r.Properties.PolicyDocument, resources)).length;
    characters += size;
    statements += r.Properties.PolicyDocument.Statement.length;
    if (r.Type === 'AWS::IAM::Policy') {inlineCharacters += size;} else {
      overflow++;
      largestManaged = Math.max(largestManaged, size);
    }
  }
  return {
    characters,
    inlineCharacters,
    statements,
    overflowManagedPolicies: overflow,
    largestManagedPolicyCharacters: largestManaged,
    withinIamLimits: inlineCharacters <= 10_240 && largestManaged <= 6_144 && overflow <= 10,
  };
}

const PSEUDO: Record<string, string> = { 'AWS::Partition': 'aws', 'AWS::Region': 'us-east-1', 'AWS::AccountId': '123456789012', 'AWS::URLSuffix': 'amazonaws.com' };

/** Resolves intrinsics to values of realistic length (a physical name is `Bench-<logicalId>-<12 chars>`). */
function resolve(value: any, resources: Record<string, any>): any {
  if (Array.isArray(value)) return value.map((v) => resolve(v, resources));
  if (value === null || typeof value !== 'object') return value;
  const keys = Object.keys(value);
  if (keys.length === 1 && keys[0] === 'Ref') return PSEUDO[value.Ref] ?? `bench-${value.Ref.toLowerCase()}-abcdefghijkl`;
  if (keys.length === 1 && keys[0] === 'Fn::Join') return value['Fn::Join'][1].map((v: any) => resolve(v, resources)).join(value['Fn::Join'][0]);
  if (keys.length === 1 && keys[0] === 'Fn::GetAtt') {
    const [id, attr] = value['Fn::GetAtt'];
    const name = `Bench-${id}-ABCDEFGHIJKL`;
    switch (resources[id]?.Type) {
      case 'AWS::IAM::Role': return `arn:aws:iam::123456789012:role/${name}`;
      case 'AWS::S3::Bucket': return `arn:aws:s3:::${name.toLowerCase()}`;
      case 'AWS::ECR::Repository': return `arn:aws:ecr:us-east-1:123456789012:repository/${name.toLowerCase()}`;
      default: return `arn:aws:${attr}:us-east-1:123456789012:${name}`;
    }
  }
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v, resources)]));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

async function main(): Promise<void> {
  const suites = (arg('suite') ?? 'synth,executor,poller,sdk-poll,events').split(',');
  const executor = suites.includes('executor') ? await executorBenchmark() : undefined;
  const poller = suites.includes('poller') ? await pollerBenchmark() : undefined;
  const sdkPoll = suites.includes('sdk-poll') ? sdkPollBenchmark() : undefined;
  const events = suites.includes('events') ? await eventWaitsBenchmark() : undefined;
  if (!suites.includes('synth')) {
    write({ executor, poller, sdkPoll, events });
    return;
  }
  const sizes = (arg('sizes') ?? '1,50,200').split(',').map(Number);
  const variants = (arg('only')?.split(',') as Variant[] | undefined) ?? ALL_VARIANTS;
  const repsFor = (n: number) => Number(arg('reps') ?? (n >= 200 ? 3 : 5));

  // Warm up module loading and JIT so the first measured size is not penalised.
  for (const v of variants) run(v, 5);

  const results: any[] = [];
  for (const n of sizes) {
    const times: Record<string, number[]> = Object.fromEntries(variants.map((v) => [v, []]));
    const buildTimes: Record<string, number[]> = Object.fromEntries(variants.map((v) => [v, []]));
    const sizesByVariant: Record<string, PolicySize> = {};
    for (let rep = 0; rep < repsFor(n); rep++) {
      for (const v of variants) {
        const { ms, buildMs, template } = run(v, n);
        times[v].push(ms);
        buildTimes[v].push(buildMs);
        sizesByVariant[v] = stateMachineRolePolicySize(template);
      }
    }
    const medians = Object.fromEntries(variants.map((v) => [v, Math.round(median(times[v]))]));
    results.push({
      jobs: n,
      repetitions: repsFor(n),
      synthMsMedian: medians,
      constructMsMedian: Object.fromEntries(variants.map((v) => [v, Math.round(median(buildTimes[v]))])),
      ratioTypedToHandwritten: medians.typed && medians.handwritten ? Number((medians.typed / medians.handwritten).toFixed(2)) : undefined,
      stateMachineRolePolicy: sizesByVariant,
    });
  }
  const report = {
    benchmark: 'SageMakerCreateProcessingJob synth time and state machine role policy size',
    node: process.version,
    cpus: os.cpus().length,
    target: 'ratioTypedToHandwritten <= 1.5 at 200 jobs',
    results,
    executor,
    poller,
    sdkPoll,
    events,
  };
  write(report);
}

function write(report: unknown): void {
  const json = JSON.stringify(report, null, 2);
  console.log(json);
  const dir = path.join(__dirname, 'results');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}.json`), json + '\n');
}

void main();
