import * as iam from 'aws-cdk-lib/aws-iam';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { integrationResourceArn, validatePattern } from '../../private/integration';
import { renderInStateMachineLanguage } from '../../private/query-language';
import { renderForQueryLanguage } from '../../private/values';

/** The integration patterns of every optimized EMR Serverless API: no callback. */
const SUPPORTED_INTEGRATION_PATTERNS: readonly sfn.IntegrationPattern[] = [
  sfn.IntegrationPattern.REQUEST_RESPONSE,
  sfn.IntegrationPattern.RUN_JOB,
];

/**
 * What every EMR Serverless task does the same way: the integration pattern (checked once), the resource ARN, the
 * rendering of its request in the state's query language (also inside a Parallel branch or a Map item processor,
 * where aws-cdk-lib does not pass the language down), and its state machine statements.
 *
 * Hidden from the public API (jsii erases it: its members appear on each task).
 *
 * @internal
 */
export abstract class EmrServerlessTaskBase extends sfn.TaskStateBase {
  protected readonly taskMetrics?: sfn.TaskMetricsConfig;
  /** Filled once by the task's constructor (`_setPolicies`); read by `TaskStateBase` when the state is bound to a graph. */
  protected readonly taskPolicies?: iam.PolicyStatement[] = [];

  /** @internal */
  protected readonly _integrationPattern: sfn.IntegrationPattern;
  private readonly api: string;

  protected constructor(scope: Construct, id: string, props: sfn.TaskStateBaseProps, api: string, defaultPattern: sfn.IntegrationPattern) {
    super(scope, id, props);
    this.api = api;
    this._integrationPattern = validatePattern(this, props.integrationPattern ?? defaultPattern, SUPPORTED_INTEGRATION_PATTERNS);
  }

  /**
   * Sets the state machine statements the task needs (call once, from the constructor).
   *
   * @internal
   */
  protected _setPolicies(statements: iam.PolicyStatement[]): void {
    this.taskPolicies!.push(...statements);
  }

  /**
   * Renders in the query language of the state machine the task ends up in, also inside a Parallel branch or a Map
   * item processor (where aws-cdk-lib does not pass it down).
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
    const queryLanguage = this.queryLanguage ?? topLevelQueryLanguage ?? sfn.QueryLanguage.JSON_PATH;
    return {
      Resource: integrationResourceArn('emr-serverless', this.api, this._integrationPattern),
      ...this._renderParametersOrArguments(renderForQueryLanguage(this, '', this._request(queryLanguage), queryLanguage), queryLanguage),
    };
  }

  /**
   * The request, in the API's PascalCase member names, before rendering for the query language.
   *
   * @internal
   */
  protected abstract _request(queryLanguage: sfn.QueryLanguage): Record<string, any>;
}
