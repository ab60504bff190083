import * as iam from 'aws-cdk-lib/aws-iam';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { SageMakerJobKind } from './job-kind';
import { JobName } from './job-name';
import { JobRole } from './job-role';
import { SageMakerJobCommonOptions } from './options';
import { JSON_PATH, RUN_JOB, REQUEST_RESPONSE } from './refs';
import { mergeRequestFields } from './request';
import { jobTaskStatements } from './state-machine-policy';
import { registerMergedStatements, StatementSpec } from './statements';
import { integrationResourceArn, validatePattern } from '../../private/integration';
import { renderInStateMachineLanguage } from '../../private/query-language';
import { renderForQueryLanguage } from '../../private/values';

/** SageMaker has no callback integration: request-response or `.sync`. */
const SUPPORTED_INTEGRATION_PATTERNS: readonly sfn.IntegrationPattern[] = [REQUEST_RESPONSE, RUN_JOB];

/**
 * What every SageMaker job task does the same way, whatever the job: the integration pattern (`.sync` by
 * default), the job name (generated per execution unless given), the request with its `additionalRequestFields`
 * escape hatch, the state machine statements per pattern merged per graph, and the rendering in both query
 * languages. A task builds its request from its props and calls `_setRequest` once, at the end of its constructor.
 *
 * Hidden from the public API (jsii erases it: its members appear on each task).
 *
 * @internal
 */
export abstract class SageMakerJobTask extends sfn.TaskStateBase implements iam.IGrantable {
  /** The role the job runs as (a tuning job's: the role of the training jobs it launches). */
  public readonly role: iam.IRole;

  /** The job role: grant it access to anything else the job reads or writes. */
  public readonly grantPrincipal: iam.IPrincipal;

  /** None: Step Functions emits no task metrics for SageMaker jobs. */
  protected readonly taskMetrics?: sfn.TaskMetricsConfig;
  /** None: the statements are merged per state graph instead (see `whenBoundToGraph`). */
  protected readonly taskPolicies?: iam.PolicyStatement[];

  private readonly kind: SageMakerJobKind;
  private readonly integrationPattern: sfn.IntegrationPattern;
  private readonly resourceArn: string;
  private readonly jobName: JobName;
  private request: Record<string, any> = {};

  /**
   * The job role being derived: the task binds what the job touches to it, then calls `finish()`.
   *
   * @internal
   */
  protected readonly _jobRole: JobRole;
  private stateMachineStatements: StatementSpec[] = [];

  /**
   * @param jobName the name prop's value (see `JobName`).
   */
  protected constructor(
    scope: Construct,
    id: string,
    props: sfn.TaskStateBaseProps & SageMakerJobCommonOptions,
    kind: SageMakerJobKind,
    jobName: string | undefined,
  ) {
    super(scope, id, props);
    this.kind = kind;
    this.integrationPattern = validatePattern(this, props.integrationPattern ?? RUN_JOB, SUPPORTED_INTEGRATION_PATTERNS);
    this.resourceArn = integrationResourceArn('sagemaker', kind.createApi, this.integrationPattern);
    this.jobName = JobName.of(this, kind, kind.nameProp, jobName);
    this._jobRole = new JobRole(this, 'Role', kind, props.role);
    this.role = this._jobRole.role;
    this.grantPrincipal = this._jobRole.role;
  }

  /**
   * Registers this task's state machine statements, merged per (actions, conditions) with those of every other
   * task of the graph: N jobs add N resources to a few statements instead of N copies of each statement.
   */
  protected whenBoundToGraph(graph: sfn.StateGraph): void {
    super.whenBoundToGraph(graph);
    registerMergedStatements(graph, this.stateMachineStatements);
  }

  /**
   * Renders in the query language of the state machine the task ends up in, also inside a Parallel branch or a
   * Map item processor (where aws-cdk-lib does not pass it down).
   */
  public toStateJson(topLevelQueryLanguage?: sfn.QueryLanguage): object {
    return renderInStateMachineLanguage({
      state: this,
      queryLanguage: this.queryLanguage,
      fix: `${this.constructor.name}.jsonPath(...) or ${this.constructor.name}.jsonata(...)`,
      jsonPathOnlyProps: { resultSelector: this.resultSelector, resultPath: this.resultPath, inputPath: this.inputPath, outputPath: this.outputPath },
      jsonataOnlyProps: { outputs: this.outputs, arguments: this.arguments },
    }, topLevelQueryLanguage, (top) => super.toStateJson(top));
  }

  /** @internal */
  protected _renderTask(topLevelQueryLanguage?: sfn.QueryLanguage): any {
    const queryLanguage = this.queryLanguage ?? topLevelQueryLanguage ?? JSON_PATH;
    return {
      Resource: this.resourceArn,
      ...this._renderParametersOrArguments(
        renderForQueryLanguage(this, '', { ...this.jobName.renderField(this.kind.nameField, queryLanguage), ...this.request }, queryLanguage),
        queryLanguage,
      ),
    };
  }

  /**
   * Sets the request the typed props built (without the job name), with `additionalRequestFields` merged in, and
   * derives the state machine statements: create (plus describe and stop for `.sync`) on the job name's scope,
   * tagging, the managed rule for `.sync`, and `iam:PassRole` on `passedRoles`. Returns the merged request.
   *
   * @internal
   */
  protected _setRequest(
    request: Record<string, any>,
    additionalRequestFields: { [key: string]: any } | undefined,
    passedRoles: readonly iam.IRole[],
  ): Record<string, any> {
    const nameField = this.kind.nameField;
    // The name is in the request while merging, so the escape hatch cannot set it either.
    this.request = mergeRequestFields(this, 'additionalRequestFields', { [nameField]: '', ...request }, additionalRequestFields);
    delete this.request[nameField];
    this.stateMachineStatements = jobTaskStatements(this, {
      kind: this.kind,
      integrationPattern: this.integrationPattern,
      name: this.jobName.shape,
      passedRoles,
      tagged: this.request.Tags !== undefined || this.request['Tags.$'] !== undefined,
    });
    return this.request;
  }
}
