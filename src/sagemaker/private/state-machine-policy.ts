import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { IConstruct } from 'constructs';
import { SageMakerJobKind } from './job-kind';
import { RUN_JOB } from './refs';
import { specOf, StatementSpec } from './statements';
import { managedRuleStatement, passRoleStatement } from '../../private/iam';
import { NameShape, scopedNameArnsBothCases } from '../../private/names';

export interface JobTaskPolicyOptions {
  readonly kind: SageMakerJobKind;
  readonly integrationPattern: sfn.IntegrationPattern;
  /** What is known about the job name (see `JobName`). */
  readonly name: NameShape;
  /** The roles passed to SageMaker in the request. */
  readonly passedRoles: readonly iam.IRole[];
  /** The request carries `Tags`. */
  readonly tagged: boolean;
}

/**
 * What the state machine role needs to run one SageMaker job task, per integration pattern, as the Step Functions
 * developer guide documents it ("IAM policies for Amazon SageMaker AI"), scoped further where the Service
 * Authorization Reference allows:
 *
 * - `sagemaker:Create<Kind>` on the job ARN, plus for `.sync` `Describe<Kind>` and `Stop<Kind>` (Step Functions
 *   polls the job and stops it when the execution is stopped or times out). Scoped to the job name: exact when
 *   literal, `<prefix>*` when generated or partly known, `*` on the name only when nothing of it is known; each
 *   both as given and lower-cased when they differ (see `scopedNameArnsBothCases`).
 * - `sagemaker:AddTags` on the same ARN when the request has `Tags` (SageMaker authorizes tag-on-create as
 *   `AddTags`, the `sagemaker:TaggingAction` condition key exists for it) and always for `.sync`: Step Functions
 *   tags the jobs it runs synchronously (`MANAGED_BY_AWS: STARTED_BY_STEP_FUNCTIONS`; aws/aws-cdk#26012, #32294).
 *   No `TaggingAction` condition: whether that tag is applied on create or by a later `AddTags` call is not
 *   documented, and a wrong guess fails every run.
 * - `sagemaker:ListTags`: listed by the developer guide's policy for every pattern; there on `*`, here on the job
 *   ARN (the reference allows the `<kind>-job` resource type).
 * - `.sync` only: `events:PutTargets`, `events:PutRule`, `events:DescribeRule` on the managed rule
 *   `StepFunctionsGetEventsForSageMaker<Kind>JobsRule` (for labeling jobs, whose rule AWS does not name, the
 *   pattern `StepFunctionsGetEventsForSageMaker*`: see `LABELING_JOB`).
 * - `iam:PassRole` on the passed roles only, to `sagemaker.amazonaws.com` only.
 *
 * @see https://docs.aws.amazon.com/step-functions/latest/dg/sagemaker-iam.html
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsagemaker.html
 */
export function jobTaskStatements(scope: IConstruct, opts: JobTaskPolicyOptions): StatementSpec[] {
  const { kind } = opts;
  const sync = opts.integrationPattern === RUN_JOB;
  const jobArns = scopedNameArnsBothCases(scope, opts.name, { service: 'sagemaker', resource: kind.arnResource });
  const actions = [
    `sagemaker:${kind.createAction}`,
    ...(sync ? [`sagemaker:${kind.describeAction}`, `sagemaker:${kind.stopAction}`] : []),
    ...(sync || opts.tagged ? ['sagemaker:AddTags'] : []),
    'sagemaker:ListTags',
  ];
  const specs: StatementSpec[] = [{ actions, resources: jobArns }];
  if (sync) specs.push(ruleSpec(scope, kind));
  for (const role of opts.passedRoles) specs.push(passRoleSpec(role));
  return specs;
}

// The same role or rule is often used by hundreds of tasks: build their statements once.
const RULE_SPECS = new WeakMap<Stack, Map<string, StatementSpec>>();
const PASS_ROLE_SPECS = new WeakMap<iam.IRole, StatementSpec>();

function ruleSpec(scope: IConstruct, kind: SageMakerJobKind): StatementSpec {
  const stack = Stack.of(scope);
  let byRule = RULE_SPECS.get(stack);
  if (!byRule) RULE_SPECS.set(stack, byRule = new Map());
  let spec = byRule.get(kind.syncRuleName);
  if (!spec) byRule.set(kind.syncRuleName, spec = specOf(managedRuleStatement(scope, kind.syncRuleName))!);
  return spec;
}

function passRoleSpec(role: iam.IRole): StatementSpec {
  let spec = PASS_ROLE_SPECS.get(role);
  if (!spec) PASS_ROLE_SPECS.set(role, spec = specOf(passRoleStatement([role], 'sagemaker.amazonaws.com'))!);
  return spec;
}
