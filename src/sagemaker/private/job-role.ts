import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct, DependencyGroup } from 'constructs';
import { SageMakerJobKind } from './job-kind';
import { isUnresolved, PARTITION } from './refs';
import { addMergedStatementsToRole, specOf, StatementSet, StatementSpec } from './statements';
import { isJsonata } from '../../private/expressions';
import { passRoleStatement } from '../../private/iam';
import { escapeIamName } from '../../private/names';
import { containsJsonPath } from '../../private/values';

/**
 * The execution role of a SageMaker job, with least privilege derived from what the job touches.
 *
 * The job's S3 locations, image and keys are bound through aws-cdk-lib's own `tasks.S3Location` and
 * `tasks.DockerImage` (so every kind of location and image they support works), but their grants are recorded
 * rather than applied, then narrowed:
 *
 * - read location `s3://b/p`: `s3:GetObject` on `b/p*` (or on the folder holding `p`, for a manifest whose data
 *   sits beside it) and `s3:ListBucket` on `b` for keys under `p` only (aws-cdk-lib's `grantRead` would give
 *   `s3:GetObject*`, `s3:GetBucket*`, `s3:List*` on the whole bucket);
 * - a single object (a template, a label-category file): `s3:GetObject` on that object only;
 * - write location: the kind's `outputActions` on `b/p*` (`s3:PutObject`; for Ground Truth also
 *   `s3:AbortMultipartUpload` and `s3:GetObject`, as its execution-role page lists), instead of `grantWrite`'s
 *   delete, tagging, retention, …;
 * - a key holding a JsonPath value or a JSONata expression: the literal part before it, as a prefix;
 * - for kinds whose service documents bucket-level checks (Ground Truth): `s3:ListBucket` and
 *   `s3:GetBucketLocation` on each bucket instead of the prefix-conditioned listing;
 * - the bucket's KMS key: `kms:Decrypt` to read, `kms:GenerateDataKey` and `kms:Decrypt` (multipart upload) to
 *   write;
 * - an ECR image: pull on that repository only (also for `DockerImage.fromRegistry` with an ECR URI, which
 *   aws-cdk-lib does not grant at all);
 * - a location or image known only at run time keeps aws-cdk-lib's own grant (`*`, it cannot be narrower).
 *
 * - the job's own Lambda functions: `lambda:InvokeFunction` on exactly those; passing itself to SageMaker (jobs
 *   that start jobs of their own) in a separate policy.
 *
 * A role created here also gets what every job of the kind needs (its log group, its metric namespaces, ECR
 * authorization when it runs images) and, with a VPC, the ENI permissions SageMaker documents, scoped to the job's
 * subnets, security groups and VPC where the action allows it. No managed policies. The statements go into one
 * inline policy, so a job adds one CloudFormation resource (the role), not two.
 *
 * With a role given by the user, only the job-specific grants (S3, KMS, image, functions) are added to it, as
 * aws-cdk-lib's own SageMaker tasks do; an immutable role is left alone.
 *
 * @see https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-roles.html
 */
export class JobRole {
  /** The role the job runs as. */
  public readonly role: iam.IRole;
  private readonly created: boolean;
  private readonly document?: iam.PolicyDocument;
  private readonly statements = new StatementSet();
  private readonly recorder: StatementRecorder;
  private readonly stack: Stack;
  private finished = false;
  private passesItself = false;

  constructor(scope: Construct, id: string, private readonly kind: SageMakerJobKind, role?: iam.IRole) {
    this.stack = Stack.of(scope);
    if (role) {
      this.role = role;
      this.created = false;
    } else {
      this.document = new iam.PolicyDocument();
      this.role = new iam.Role(scope, id, {
        assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com'),
        description: `Execution role of the SageMaker ${kind.noun} run by ${scope.node.path}`,
        inlinePolicies: { JobPolicy: this.document },
      });
      this.created = true;
      this.statements.add(...this.baseStatements());
    }
    this.recorder = new StatementRecorder(this.role);
  }

  /**
   * Binds an S3 location the job reads; returns its URI.
   *
   * @param extent what is granted: `prefix` every key starting with the location's key; `folder` the whole folder
   * holding it (its key up to the last `/`: for a manifest whose data objects sit beside it); `object` that one
   * object (a template, a label-category file), or its literal prefix when the key is only known at run time.
   */
  public bindRead(location: tasks.S3Location, extent: S3Extent = 'prefix'): string {
    return this.bindS3(location, 'read', extent);
  }

  /** Binds an S3 location the job writes (its kind's `outputActions` under the key prefix); returns its URI. */
  public bindWrite(location: tasks.S3Location): string {
    return this.bindS3(location, 'write', 'prefix');
  }

  /** Binds the job's image (pull on its repository); returns its URI. */
  public bindImage(image: tasks.DockerImage): string {
    // One image is often shared by many jobs (and roles): its grant does not depend on the role, bind it once.
    let recorded = IMAGE_BINDINGS.get(image);
    if (!recorded || recorded.account !== this.role.principalAccount) {
      const fresh = this.recorder.record(() => image.bind({ grantPrincipal: this.recorder }).imageUri);
      recorded = { ...fresh, account: this.role.principalAccount };
      if (!fresh.spilled) IMAGE_BINDINGS.set(image, recorded);
    }
    this.statements.add(...recorded.specs);
    const repository = ecrRepositoryArn(recorded.value);
    if (repository && !recorded.specs.some((s) => s.actions.includes('ecr:BatchGetImage'))) {
      this.statements.add(
        { actions: ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'], resources: [repository] },
        // ecr:GetAuthorizationToken only accepts '*' (no resource types in the Service Authorization Reference).
        { actions: ['ecr:GetAuthorizationToken'], resources: ['*'] },
      );
    }
    return recorded.value;
  }

  /** The job encrypts its S3 output with `key`. */
  public encryptOutputWith(key: kms.IKey): void {
    this.statements.add({ actions: ['kms:Encrypt', 'kms:GenerateDataKey', 'kms:Decrypt'], resources: [key.keyArn] });
  }

  /** The job's storage volumes are encrypted with `key`: SageMaker creates a grant for the volume. */
  public encryptVolumesWith(key: kms.IKey): void {
    this.statements.add({ actions: ['kms:CreateGrant'], resources: [key.keyArn] });
  }

  /** The job invokes a Lambda function of yours (e.g. a Ground Truth pre-annotation function). */
  public allowInvoke(functionArn: string): void {
    this.statements.add({ actions: ['lambda:InvokeFunction'], resources: [functionArn] });
  }

  /**
   * The job passes its own role on to SageMaker (e.g. the training and inference jobs of automated labeling). Kept
   * out of the role's inline policy: a role's own ARN inside its inline policy is a circular reference.
   */
  public allowPassingItself(): void {
    this.passesItself = true;
  }

  /**
   * The job runs in the VPC: the ENI permissions SageMaker documents, scoped where the Service Authorization
   * Reference allows it (only to a role created here).
   */
  public attachToVpc(vpc: ec2.IVpc, subnetIds: readonly string[], securityGroups: readonly ec2.ISecurityGroup[]): void {
    if (!this.created) return;
    const arn = (resource: string, resourceName: string) => this.stack.formatArn({ service: 'ec2', resource, resourceName });
    this.statements.add(
      {
        actions: ['ec2:CreateNetworkInterface'],
        resources: [
          arn('network-interface', '*'),
          ...subnetIds.map((id) => arn('subnet', id)),
          ...securityGroups.map((sg) => arn('security-group', sg.securityGroupId)),
        ],
      },
      {
        actions: ['ec2:CreateNetworkInterfacePermission', 'ec2:DeleteNetworkInterface'],
        resources: [arn('network-interface', '*')],
        conditions: { ArnEquals: { 'ec2:Vpc': vpc.vpcArn } },
      },
      {
        // ec2:Describe* support no resource-level permissions; ec2:DeleteNetworkInterfacePermission is authorized
        // on the permission id, so its optional network-interface resource cannot be relied on: '*' only.
        actions: [
          'ec2:DeleteNetworkInterfacePermission',
          'ec2:DescribeDhcpOptions',
          'ec2:DescribeNetworkInterfaces',
          'ec2:DescribeSecurityGroups',
          'ec2:DescribeSubnets',
          'ec2:DescribeVpcs',
        ],
        // no resource-level permissions usable for these actions (see above): '*' is the only resource
        resources: ['*'],
      },
    );
  }

  /** Writes the derived statements to the role. Call once, after every bind. */
  public finish(): void {
    if (this.finished) return;
    this.finished = true;
    if (this.passesItself) this.role.addToPrincipalPolicy(passRoleStatement([this.role], 'sagemaker.amazonaws.com'));
    if (this.document) {
      this.document.addStatements(...this.statements.toPolicyStatements());
    } else {
      // A role shared by many jobs: their grants merge into a few statements of its policy.
      addMergedStatementsToRole(this.role, this.statements.specs());
    }
  }

  /** The derived statements as plain data (for tests and reuse). */
  public specs(): StatementSpec[] {
    return this.statements.specs();
  }

  private bindS3(location: tasks.S3Location, access: 'read' | 'write', extent: S3Extent): string {
    const recorded = this.recorder.record(() => location.bind({ grantPrincipal: this.recorder }, { forReading: access === 'read', forWriting: access === 'write' }).uri);
    const parsed = parseS3Uri(recorded.value);
    if (!parsed) {
      // Only known at run time: keep aws-cdk-lib's grant as recorded (it is on '*': nothing narrower exists).
      this.statements.add(...recorded.specs);
      return recorded.value;
    }
    // The bucket's own ARN attribute when aws-cdk-lib's grant named it (one token instead of two), else built.
    const recordedS3 = recorded.specs.find((s) => s.actions.every((a) => a.startsWith('s3:')));
    const bucketArn = recordedS3?.resources.find((r) => recordedS3.resources.some((o) => o.startsWith(`${r}/`)))
      ?? `arn:${PARTITION}:s3:::${parsed.bucket}`;
    // IAM reads `*`, `?` and `${…}` in a resource ARN and a StringLike value as wildcards and variables: S3 keys may
    // hold them, so the key's literal text is escaped (`${*}`, `${?}`, `${$}`) before the wildcard of our own is added.
    const prefix = escapeIamName(extent === 'folder' ? parsed.prefix.slice(0, parsed.prefix.lastIndexOf('/') + 1) : parsed.prefix);
    const exact = extent === 'object' && parsed.prefix === parsed.key && parsed.key !== '';
    const objects = exact ? `${bucketArn}/${escapeIamName(parsed.key)}` : `${bucketArn}/${prefix}*`;
    this.statements.add(access === 'read'
      ? { actions: ['s3:GetObject'], resources: [objects] }
      : { actions: [...this.kind.outputActions], resources: [objects] });
    if (this.kind.bucketAccess === 'bucket') {
      this.statements.add({ actions: ['s3:ListBucket', 's3:GetBucketLocation'], resources: [bucketArn] });
    } else if (access === 'read') {
      this.statements.add(prefix === ''
        ? { actions: ['s3:ListBucket'], resources: [bucketArn] }
        : { actions: ['s3:ListBucket'], resources: [bucketArn], conditions: { StringLike: { 's3:prefix': [`${prefix}*`] } }, unionConditionValues: true });
    }
    for (const spec of recorded.specs) {
      if (spec.actions.every((a) => a.startsWith('s3:'))) continue; // replaced above
      if (spec.actions.every((a) => a.startsWith('kms:'))) {
        this.statements.add({ actions: access === 'read' ? ['kms:Decrypt'] : ['kms:GenerateDataKey', 'kms:Decrypt'], resources: spec.resources });
      } else {
        this.statements.add(spec);
      }
    }
    // The canonical form (S3Location.fromBucket gives a path-style https URL, with two more tokens).
    return `s3://${parsed.bucket}/${parsed.key}`;
  }

  private baseStatements(): StatementSpec[] {
    const logGroup = this.stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: this.kind.logGroupName, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    const namespaces = this.kind.metricNamespaces;
    return [
      {
        actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:DescribeLogStreams', 'logs:PutLogEvents'],
        resources: [logGroup, `${logGroup}:*`],
      },
      {
        // cloudwatch:PutMetricData only accepts '*' for metrics (its optional resource type is a dataset);
        // the namespace condition keeps the job to its own metrics.
        actions: ['cloudwatch:PutMetricData'],
        resources: ['*'],
        conditions: { StringEquals: { 'cloudwatch:namespace': namespaces.length === 1 ? namespaces[0] : [...namespaces] } },
      },
      // ecr:GetAuthorizationToken only accepts '*' (no resource types in the Service Authorization Reference).
      ...(this.kind.pullsImages ? [{ actions: ['ecr:GetAuthorizationToken'], resources: ['*'] }] : []),
    ];
  }
}

/** How much of an S3 location a read grants (see `JobRole.bindRead`). */
export type S3Extent = 'prefix' | 'folder' | 'object';

/** Image bindings by image (with the account of the principal they were recorded for). */
const IMAGE_BINDINGS = new WeakMap<tasks.DockerImage, { value: string; specs: StatementSpec[]; account: string | undefined }>();

/**
 * An `iam.IPrincipal` standing in for the job role while aws-cdk-lib binds a location or image: statements meant
 * for the role's own policy are recorded instead of added; anything else (a cross-account resource policy) goes
 * to the real role's identity, as it would without us.
 */
export class StatementRecorder implements iam.IPrincipal {
  public readonly grantPrincipal: iam.IPrincipal = this;
  public readonly assumeRoleAction: string;
  public readonly principalAccount: string | undefined;
  private recording: iam.PolicyStatement[] | undefined;
  private spilled = false;

  constructor(private readonly role: iam.IRole) {
    this.assumeRoleAction = role.assumeRoleAction;
    this.principalAccount = role.principalAccount;
  }

  public get policyFragment(): iam.PrincipalPolicyFragment {
    // Asked for when a grant goes to a resource policy (a cross-account resource): it names the real role.
    this.spilled = true;
    return this.role.policyFragment;
  }

  /** Runs `fn`, returning what it granted; `spilled` when some grant went elsewhere than the principal's policy. */
  public record<T>(fn: () => T): { value: T; specs: StatementSpec[]; spilled: boolean } {
    this.recording = [];
    this.spilled = false;
    try {
      const value = fn();
      const specs: StatementSpec[] = [];
      for (const statement of this.recording) {
        const spec = specOf(statement);
        if (spec) {
          specs.push(spec);
        } else {
          // not plain data we can narrow (e.g. a Deny): give it to the role as is, and do not cache the binding
          this.role.addToPrincipalPolicy(statement);
          this.spilled = true;
        }
      }
      return { value, specs, spilled: this.spilled };
    } finally {
      this.recording = undefined;
    }
  }

  public addToPrincipalPolicy(statement: iam.PolicyStatement): iam.AddToPrincipalPolicyResult {
    if (!this.recording) return this.role.addToPrincipalPolicy(statement);
    this.recording.push(statement);
    return { statementAdded: true, policyDependable: new DependencyGroup() };
  }

  public addToPolicy(statement: iam.PolicyStatement): boolean {
    return this.addToPrincipalPolicy(statement).statementAdded;
  }
}

/**
 * `s3://<bucket>/<prefix>` when the bucket is known at synth time (a literal or a CloudFormation reference) and
 * the prefix's literal start can be read; undefined for a URI known only at run time.
 */
export function parseS3Uri(uri: string): { bucket: string; key: string; prefix: string } | undefined {
  if (isJsonata(uri) || (containsJsonPath(uri) && !/^(s3|https):\/\//.test(uri))) return undefined;
  // s3://bucket/key; https://s3.<region>.<suffix>/bucket/key (path style: what S3Location.fromBucket produces);
  // https://bucket.s3.<region>.<suffix>/key (virtual-hosted style).
  const m =
    /^s3:\/\/(?<bucket>[^/]+)(?:\/(?<key>.*))?$/s.exec(uri) ??
    /^https:\/\/s3[.-][^/]*\/(?<bucket>[^/]+)(?:\/(?<key>.*))?$/s.exec(uri) ??
    /^https:\/\/(?<bucket>[^/]+?)\.s3[.-][^/]*(?:\/(?<key>.*))?$/s.exec(uri);
  if (!m?.groups) return undefined;
  const bucket = m.groups.bucket;
  // A bucket known only at run time (a JsonPath value or an expression): nothing to scope to.
  if (bucket.includes('{%') || containsJsonPath(bucket)) return undefined;
  const key = m.groups.key ?? '';
  // The literal start of the key: up to the first token (JsonPath or CloudFormation) or JSONata expression, so an
  // expression never reaches an IAM ARN.
  const cuts = [key.indexOf('${Token['), key.indexOf('{%')].filter((i) => i >= 0);
  return { bucket, key, prefix: cuts.length > 0 ? key.slice(0, Math.min(...cuts)) : key };
}

/** The repository ARN of a literal ECR image URI (`<account>.dkr.ecr.<region>.amazonaws.com/<repo>[:tag|@digest]`). */
export function ecrRepositoryArn(imageUri: string): string | undefined {
  if (isUnresolved(imageUri) || isJsonata(imageUri)) return undefined;
  const m = /^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/([^:@]+)/.exec(imageUri);
  if (!m) return undefined;
  const partition = m[2].startsWith('cn-') ? 'aws-cn' : m[2].startsWith('us-gov-') ? 'aws-us-gov' : 'aws';
  return `arn:${partition}:ecr:${m[2]}:${m[1]}:repository/${m[3]}`;
}
