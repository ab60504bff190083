/**
 * cdk-nag AwsSolutions checks on a stack, with explicit, reasoned acknowledgements.
 *
 *   expectNoNagFindings(stack, [
 *     { id: 'AwsSolutions-IAM5', reason: 'Job names are generated per execution; scoped to the job-name prefix', appliesTo: ['Resource::arn:…/my-prefix*'] },
 *   ]);
 *
 * Apply it once per stack, after the stack is fully built (cdk-nag runs as an Aspect during synthesis).
 */
import { Aspects, Stack, aws_lambda as lambda } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import {
  AwsSolutionsChecks,
  INagLogger,
  NagLoggerComplianceData,
  NagLoggerErrorData,
  NagLoggerNonComplianceData,
  NagLoggerNotApplicableData,
  NagLoggerSuppressedData,
  NagLoggerSuppressedErrorData,
  NagMessageLevel,
  NagPackSuppressionAppliesTo,
  NagSuppressions,
} from 'cdk-nag';

/** A finding deliberately accepted, with the reason it is acceptable. */
export interface NagAcknowledgement {
  /** The rule id, e.g. `AwsSolutions-IAM5`. */
  readonly id: string;
  /** Why the finding is acceptable (cdk-nag requires at least 10 characters). */
  readonly reason: string;
  /** Only these granular findings, e.g. `['Resource::*', 'Action::s3:GetObject*']`. @default - every finding of the rule */
  readonly appliesTo?: NagPackSuppressionAppliesTo[];
  /** Only this construct and its children, by path (`/Stack/Role` or `Stack/Role`). @default - the whole stack */
  readonly path?: string;
}

/** An unsuppressed cdk-nag finding. */
export interface NagFinding {
  /** The rule id, e.g. `AwsSolutions-S10` (or `CdkNagValidationFailure` when a rule could not evaluate). */
  readonly id: string;
  /** The granular finding, e.g. `Resource::*` (the rule id when the rule is not granular). */
  readonly findingId: string;
  /** The resource's construct path, e.g. `/TestStack/Bucket/Resource`. */
  readonly path: string;
  /** Why the rule was triggered. */
  readonly message: string;
  /** Error or Warning. */
  readonly level: string;
}

/**
 * Runs cdk-nag's AwsSolutionsChecks on the stack (synthesizing it) after applying the acknowledgements as
 * suppressions, and returns the unsuppressed errors and warnings.
 */
export function nagFindings(stack: Stack, acknowledgements: readonly NagAcknowledgement[] = []): NagFinding[] {
  for (const ack of acknowledgements) {
    if (ack.reason.trim().length < 10) {
      throw new Error(`nagFindings: acknowledgement of ${ack.id} needs a reason of 10 characters or more; got ${JSON.stringify(ack.reason)}`);
    }
    const suppression = { id: ack.id, reason: ack.reason, ...(ack.appliesTo ? { appliesTo: ack.appliesTo } : {}) };
    if (ack.path !== undefined) {
      NagSuppressions.addResourceSuppressionsByPath(stack, ack.path.startsWith('/') ? ack.path : `/${ack.path}`, [suppression], true);
    } else {
      NagSuppressions.addStackSuppressions(stack, [suppression], true);
    }
  }
  const collector = new FindingCollector();
  Aspects.of(stack).add(new AwsSolutionsChecks({ reports: false, additionalLoggers: [collector] }));
  Template.fromStack(stack);
  return collector.findings;
}

/** Test assertion: cdk-nag's AwsSolutionsChecks report nothing beyond the acknowledgements. */
export function expectNoNagFindings(stack: Stack, acknowledgements: readonly NagAcknowledgement[] = []): void {
  const findings = nagFindings(stack, acknowledgements);
  if (findings.length > 0) {
    const lines = findings.map((f) => `  - ${f.level} ${f.id}${f.findingId !== f.id ? `[${f.findingId}]` : ''} at ${f.path}: ${f.message}`);
    throw new Error(`cdk-nag findings (fix them, or acknowledge each with a reason):\n${lines.join('\n')}`);
  }
}

// ---------------------------------------------------------------------------------------------------------------------

const REPORTED_LEVELS: readonly string[] = [NagMessageLevel.ERROR, NagMessageLevel.WARN];

/** Collects cdk-nag's unsuppressed non-compliance and rule errors as structured findings. */
class FindingCollector implements INagLogger {
  public readonly findings: NagFinding[] = [];

  public onNonCompliance(data: NagLoggerNonComplianceData): void {
    if (!REPORTED_LEVELS.includes(data.ruleLevel)) return;
    this.findings.push({
      id: data.ruleId,
      findingId: data.findingId,
      path: `/${data.resource.node.path}`,
      message: data.ruleInfo,
      level: data.ruleLevel,
    });
  }

  public onError(data: NagLoggerErrorData): void {
    this.findings.push({
      id: 'CdkNagValidationFailure',
      findingId: data.ruleId,
      path: `/${data.resource.node.path}`,
      message: `${data.ruleId} could not be evaluated: ${data.errorMessage}`,
      level: NagMessageLevel.WARN,
    });
  }

  public onCompliance(_data: NagLoggerComplianceData): void {}
  public onSuppressed(_data: NagLoggerSuppressedData): void {}
  public onSuppressedError(_data: NagLoggerSuppressedErrorData): void {}
  public onNotApplicable(_data: NagLoggerNotApplicableData): void {}
}

/**
 * Acknowledgements for AwsSolutions-L1 on the library's bundled handlers: they run on nodejs22.x on purpose
 * (see src/private/handler.ts), and aws-cdk-lib versions that know a newer Node.js runtime (2.276 knows
 * nodejs24.x) make cdk-nag flag it. One per Lambda function of the stack.
 */
export function bundledHandlerRuntimeAcknowledgements(stack: Stack): NagAcknowledgement[] {
  return stack.node.findAll().filter((c): c is lambda.CfnFunction => c instanceof lambda.CfnFunction).map((fn) => ({
    id: 'AwsSolutions-L1',
    reason: 'The bundled handlers run on aws-cdk-lib\'s latest Node.js runtime for the region (at least nodejs22.x, their build target); a newer runtime the region fact does not list yet is not assumed',
    path: `/${fn.node.path}`,
  }));
}

/**
 * The wildcards of the stack's execution-stopped handler (cancel-on-stop of job-starting states), as narrow as
 * the resource types allow: executions of its state machines (`execution:<name>:*`, ids chosen per execution)
 * and ECS tasks of the clusters used (`task/<cluster>/*`, ids generated at launch). Matched by pattern, so it
 * can be given before synthesis creates the handler; its runtime finding (L1) is acknowledged stack-wide for the
 * same reason. (Batch's `job/*` is acknowledged with the poller's.)
 */
export function executionStoppedAcknowledgements(): NagAcknowledgement[] {
  return [{
    // The handler is created when the app is synthesized, so its path cannot be given beforehand.
    id: 'AwsSolutions-L1',
    reason: 'The bundled handlers (the execution-stopped one included) run on nodejs22.x, the runtime they are built and tested against',
  }, {
    id: 'AwsSolutions-IAM5',
    reason: 'Execution and ECS task ids are generated at run time: the cancel-on-stop handler names the executions of its state machines and the tasks of its clusters',
    appliesTo: [
      { regex: '/^Resource::arn:<AWS::Partition>:states:[^:]+:[0-9]+:execution:<[A-Za-z0-9]+\\.Name>:\\*$/' },
      { regex: '/^Resource::arn:<AWS::Partition>:ecs:[^:]+:[0-9]+:task\\/<[A-Za-z0-9]+>\\/\\*$/' },
    ],
  }, {
    id: 'AwsSolutions-SQS3',
    reason: 'The queue is itself the dead-letter queue of the execution-stopped handler (its Lambda on-failure destination and its rule target\'s DLQ), which cdk-nag only recognises between queues',
  }];
}

/**
 * The acknowledged findings of the stack's resume path of event-driven waits (`JobDetection.events()`, see
 * src/polling/private/job-event-resume.ts), by path under the stack's `CdkSfnJobsJobEvents`.
 */
export function jobEventsAcknowledgements(stack: Stack): NagAcknowledgement[] {
  const resume = `/${stack.node.path}/CdkSfnJobsJobEvents`;
  return [{
    id: 'AwsSolutions-IAM5',
    reason: 'CloudWatch Logs log-delivery actions (logs:CreateLogDelivery, …) that aws-cdk-lib grants for the Express machine\'s logging accept only *',
    appliesTo: ['Resource::*'],
    path: `${resume}/Resume/Role`,
  }, {
    id: 'AwsSolutions-SF2',
    reason: 'The resume path is three API calls per waiter, logged step by step in its log group; X-Ray tracing would add xray:* on * and a trace per event',
    path: `${resume}/Resume`,
  }, {
    id: 'AwsSolutions-SQS3',
    reason: 'The queue is itself the dead-letter queue of the resume rules\' targets, which cdk-nag only recognises between queues',
    path: `${resume}/DeadLetterQueue`,
  }, {
    id: 'AwsSolutions-DDB3',
    reason: 'The token table is a cache of task tokens that expire within a poll round; there is nothing to recover to a point in time',
    path: `${resume}/Tokens`,
  }];
}
