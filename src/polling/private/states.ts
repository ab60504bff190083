import { Aws } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct, IConstruct } from 'constructs';
import { rewriteResultReferences } from './result-expressions';
import { effectiveQueryLanguage, jsonataString, renderForQueryLanguage, renderInStateMachineLanguage } from '../../private';

/**
 * States that render per query language at synthesis time.
 *
 * A fragment does not know, when it is built, which query language the state machine it ends up in will
 * use. aws-cdk-lib's states render what they were given, so a JSONPath `SecondsPath` would end up in a
 * JSONata state machine. Each state here is an aws-cdk-lib state (so graph wiring, Retry, Next/End,
 * prefixes and validation stay aws-cdk-lib's) whose language-specific fields are chosen in
 * `toStateJson(topLevelQueryLanguage)`, from the state's own query language or else the state machine's — also
 * inside a Parallel branch or a Map item processor, where aws-cdk-lib does not pass the state machine's language
 * down (see `renderInStateMachineLanguage`).
 */

/** Fields of a state per query language. */
export interface PerLanguage {
  readonly jsonPath: Record<string, unknown>;
  readonly jsonata: Record<string, unknown>;
}

const JSONATA_RESERVED = new Set(['and', 'or', 'in', 'true', 'false', 'null', 'function']);

/**
 * Where the poll loop keeps its data in the state: a JSONPath reference path (`$`, `$.a.b`), rendered as
 * a JSONPath reference or as JSONata over `$states.input`.
 */
export class DataPath {
  /** `$` → [], `$.a.b` → ['a', 'b'] (the path is validated by the construct). */
  public static parse(path: string): DataPath {
    return new DataPath(path === '$' ? [] : path.slice(2).split('.'));
  }

  private constructor(public readonly segments: readonly string[]) {}

  /** `$.a.b.<sub…>` */
  public jsonPath(...sub: string[]): string {
    return ['$', ...this.segments, ...sub].join('.');
  }

  /** `$states.input.a.b.<sub…>` (field names that JSONata would not read as names are back-quoted). */
  public jsonata(...sub: string[]): string {
    return ['$states.input', ...[...this.segments, ...sub].map(jsonataName)].join('.');
  }

  /**
   * A JSONata expression for the state input with `value` (a JSONata expression) placed at this path,
   * creating the objects on the way: `$merge([$states.input, {'a': $merge([$states.input.a, {'b': value}])}])`.
   */
  public jsonataSet(value: string): string {
    let expression = value;
    for (let i = this.segments.length - 1; i >= 0; i--) {
      const parent = ['$states.input', ...this.segments.slice(0, i).map(jsonataName)].join('.');
      expression = `$merge([${parent}, {${jsonataString(this.segments[i])}: ${expression}}])`;
    }
    return expression;
  }
}

function jsonataName(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !JSONATA_RESERVED.has(name) ? name : `\`${name}\``;
}

function pick(fields: PerLanguage, queryLanguage: sfn.QueryLanguage | undefined, top: sfn.QueryLanguage | undefined) {
  return effectiveQueryLanguage(queryLanguage, top) === sfn.QueryLanguage.JSONATA ? fields.jsonata : fields.jsonPath;
}

function withoutKeys(json: object, keys: readonly string[]): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...(json as Record<string, unknown>) };
  for (const key of keys) delete copy[key];
  return copy;
}

/** Options shared by the states below. */
export interface LanguageStateProps {
  readonly stateName: string;
  readonly comment?: string;
  readonly queryLanguage?: sfn.QueryLanguage;
  /** The public construct the state belongs to, named in errors, and how its user sets the query language. */
  readonly owner: { readonly construct: IConstruct; readonly fix: string };
  /** JSONPath-only props of the owner, refused when the state renders JSONata. @default - none */
  readonly jsonPathOnlyProps?: Record<string, unknown>;
  /** JSONata-only props of the owner, refused when the state renders JSONPath. @default - none */
  readonly jsonataOnlyProps?: Record<string, unknown>;
}

/** `render` in the language of the state machine the state ends up in (see `renderInStateMachineLanguage`). */
function inLanguage(
  state: sfn.State,
  props: LanguageStateProps,
  top: sfn.QueryLanguage | undefined,
  render: (top: sfn.QueryLanguage | undefined) => object,
  internalCatchHandlers?: ReadonlySet<unknown>,
): object {
  return renderInStateMachineLanguage({
    state,
    queryLanguage: props.queryLanguage,
    construct: props.owner.construct,
    fix: props.owner.fix,
    jsonPathOnlyProps: props.jsonPathOnlyProps,
    jsonataOnlyProps: props.jsonataOnlyProps,
    internalCatchHandlers,
  }, top, render);
}

/**
 * A Pass state whose I/O fields depend on the query language: given per language, or built from user values rendered
 * for the state's language by the shared renderer (`renderForQueryLanguage`: a JsonPath value in a JSONata state is
 * converted where exact and refused by name otherwise; a `{% … %}` expression in a JSONPath state is refused).
 */
export class LanguagePass extends sfn.Pass {
  constructor(
    scope: Construct,
    id: string,
    private readonly props: LanguageStateProps,
    private readonly fields: PerLanguage | ((language: sfn.QueryLanguage, values: Record<string, unknown>) => Record<string, unknown>),
    /** User values the state renders, named in errors by their keys. */
    private readonly userValues?: Record<string, unknown>,
  ) {
    super(scope, id, { stateName: props.stateName, comment: props.comment, queryLanguage: props.queryLanguage });
  }

  public toStateJson(topLevelQueryLanguage?: sfn.QueryLanguage): object {
    return inLanguage(this, this.props, topLevelQueryLanguage, (top) => {
      const language = effectiveQueryLanguage(this.props.queryLanguage, top);
      const fields = typeof this.fields === 'function'
        ? this.fields(language, renderForQueryLanguage(this.props.owner.construct, '', this.userValues ?? {}, language))
        : pick(this.fields, this.props.queryLanguage, top);
      return { ...super.toStateJson(top), ...fields };
    });
  }
}

/** A Wait state that waits the number of seconds found at a path of its input. */
export class LanguageWait extends sfn.Wait {
  constructor(
    scope: Construct,
    id: string,
    private readonly props: LanguageStateProps,
    private readonly seconds: DataPath,
    private readonly field: string[],
  ) {
    super(scope, id, {
      stateName: props.stateName,
      comment: props.comment,
      queryLanguage: props.queryLanguage,
      time: sfn.WaitTime.secondsPath(seconds.jsonPath(...field)),
    });
  }

  public toStateJson(topLevelQueryLanguage?: sfn.QueryLanguage): object {
    return inLanguage(this, this.props, topLevelQueryLanguage, (top) => ({
      ...withoutKeys(super.toStateJson(top), ['SecondsPath']),
      ...pick(
        { jsonPath: { SecondsPath: this.seconds.jsonPath(...this.field) }, jsonata: { Seconds: `{% ${this.seconds.jsonata(...this.field)} %}` } },
        this.props.queryLanguage, top,
      ),
    }));
  }
}

/** A Fail state whose cause is read from the state input. */
export class LanguageFail extends sfn.Fail {
  constructor(
    scope: Construct,
    id: string,
    private readonly props: LanguageStateProps & { readonly error: string },
    private readonly causeFields: PerLanguage,
  ) {
    super(scope, id, { stateName: props.stateName, comment: props.comment, queryLanguage: props.queryLanguage, error: props.error });
  }

  public toStateJson(topLevelQueryLanguage?: sfn.QueryLanguage): object {
    return inLanguage(this, this.props, topLevelQueryLanguage, (top) => ({
      ...super.toStateJson(top),
      ...pick(this.causeFields, this.props.queryLanguage, top),
    }));
  }
}

/** One branch of a {@link LanguageChoice}: a JSONPath condition and the same test in JSONata. */
export interface LanguageChoiceRule {
  readonly jsonPath: sfn.Condition;
  readonly jsonata: string;
  readonly next: sfn.IChainable;
}

/** A Choice state whose rules are rendered as JSONPath conditions or JSONata `Condition`s. */
export class LanguageChoice extends sfn.Choice {
  private readonly jsonataConditions: string[] = [];

  constructor(scope: Construct, id: string, private readonly props: LanguageStateProps) {
    super(scope, id, { stateName: props.stateName, comment: props.comment, queryLanguage: props.queryLanguage });
  }

  /** Adds a rule (rules are tested in the order added). */
  public rule(rule: LanguageChoiceRule): LanguageChoice {
    this.when(rule.jsonPath, rule.next);
    this.jsonataConditions.push(`{% ${rule.jsonata} %}`);
    return this;
  }

  public toStateJson(topLevelQueryLanguage?: sfn.QueryLanguage): object {
    return inLanguage(this, this.props, topLevelQueryLanguage, (top) => {
      const json = super.toStateJson(top) as { Choices: Array<{ Next: string }> };
      if (effectiveQueryLanguage(this.props.queryLanguage, top) !== sfn.QueryLanguage.JSONATA) return json;
      return { ...json, Choices: json.Choices.map((choice, i) => ({ Condition: this.jsonataConditions[i], Next: choice.Next })) };
    });
  }
}

/** Options of {@link LanguageTask}. */
export interface LanguageTaskProps extends LanguageStateProps {
  /** The integration's resource ARN. */
  readonly resource: string;
  /** The API parameters per query language (rendered as `Parameters` or `Arguments`). */
  readonly parameters: { readonly jsonPath: Record<string, unknown>; readonly jsonata: Record<string, unknown> };
  /** Output fields per query language (ResultSelector/ResultPath or Output). */
  readonly io: PerLanguage;
  /** Statements for the state machine role. */
  readonly policyStatements: iam.PolicyStatement[];
  /** The prop named when a value of `parameters` is refused. @default 'parameters' */
  readonly parametersProp?: string;
}

/**
 * A request-response Task state: aws-cdk-lib's `TaskStateBase` renders Retry/Catch and registers the
 * IAM statements on the state machine role; the resource, parameters and output are ours, per language.
 */
export class LanguageTask extends sfn.TaskStateBase {
  protected readonly taskMetrics?: sfn.TaskMetricsConfig = undefined;
  protected readonly taskPolicies?: iam.PolicyStatement[];
  /** Handlers of the catchers the poller itself adds, whose ResultPath is rendered per language. */
  private readonly internalCatches = new Set<unknown>();

  constructor(scope: Construct, id: string, private readonly props: LanguageTaskProps) {
    super(scope, id, { stateName: props.stateName, comment: props.comment, queryLanguage: props.queryLanguage });
    this.taskPolicies = props.policyStatements;
  }

  /**
   * A catcher of the poller's own: its `resultPath` (JSONPath) becomes, in JSONata, an Output that passes the state
   * input on. Catchers users add (`addCatch`) are checked against the state's language instead.
   */
  public addInternalCatch(handler: sfn.State, props: sfn.CatchProps): LanguageTask {
    this.internalCatches.add(handler);
    this.addCatch(handler, props);
    return this;
  }

  public toStateJson(topLevelQueryLanguage?: sfn.QueryLanguage): object {
    return inLanguage(this, this.props, topLevelQueryLanguage, (top) => {
      // The request's values are rendered (or refused) per language in _renderTask, by the shared renderer.
      const json = { ...super.toStateJson(top), ...pick(this.props.io, this.props.queryLanguage, top) } as Record<string, any>;
      if (effectiveQueryLanguage(this.props.queryLanguage, top) === sfn.QueryLanguage.JSONATA && Array.isArray(json.Catch)) {
        // aws-cdk-lib renders a catcher's ResultPath in JSONata too, where it is not allowed: the poller's own catchers
        // (which keep the state input, in JSONPath) pass the state input on instead, without the error.
        const internal = new Set([...this.internalCatches].map((handler) => (handler as sfn.State).stateId));
        json.Catch = json.Catch.map(({ ResultPath, ...rest }: Record<string, unknown>) =>
          (ResultPath === undefined || !internal.has(rest.Next as string) ? { ResultPath, ...rest } : { ...rest, Output: '{% $states.input %}' }));
      }
      return json;
    }, this.internalCatches);
  }

  /** @internal */
  protected _renderTask(topLevelQueryLanguage?: sfn.QueryLanguage): any {
    // Public API only (FieldUtils turns JsonPath tokens into `key.$` fields): no other internal hook. Every value
    // goes through the shared per-language renderer: evaluated by Step Functions in this language, or refused.
    const language = effectiveQueryLanguage(this.props.queryLanguage, topLevelQueryLanguage);
    const owner = this.props.owner.construct;
    const prop = this.props.parametersProp ?? 'parameters';
    return language === sfn.QueryLanguage.JSONATA
      ? { Resource: this.props.resource, Arguments: renderForQueryLanguage(owner, prop, this.props.parameters.jsonata, language) }
      : {
        Resource: this.props.resource,
        Parameters: sfn.FieldUtils.renderObject(renderForQueryLanguage(owner, prop, this.props.parameters.jsonPath, language)),
      };
  }
}

/**
 * A Parallel state of one branch whose output is that branch's output (JSONPath `OutputPath: '$[0]'`, JSONata
 * `Output: '{% $states.result[0] %}'`): it makes a fragment catchable and retryable like a task. Its branch is
 * rendered in the language the Parallel itself renders in (aws-cdk-lib would pass none).
 */
export class LanguageParallel extends sfn.Parallel {
  private branchLanguage?: sfn.QueryLanguage;
  private branchCount = 0;

  constructor(scope: Construct, id: string, private readonly props: LanguageStateProps & {
    /** JSONata only: the Output, as on a JSONata task (`$states.result` is `result`). @default - the branch's output */
    readonly outputs?: unknown;
    /** JSONata only: the Assign, as on a JSONata task (`$states.result` is `result`). @default - none */
    readonly assign?: { [key: string]: unknown };
    /** Where the branch's output holds the result `outputs` and `assign` read as `$states.result`. */
    readonly result?: DataPath;
  }) {
    super(scope, id, { stateName: props.stateName, comment: props.comment, queryLanguage: props.queryLanguage });
  }

  public toStateJson(topLevelQueryLanguage?: sfn.QueryLanguage): object {
    return inLanguage(this, this.props, topLevelQueryLanguage, (top) => {
      // The state machine's language, as aws-cdk-lib passes it to the top level: undefined here means JSONPath at the
      // top level, or an unknown language for a JSONata Parallel (whose states are JSONata, valid in either).
      this.branchLanguage = top ?? (this.props.queryLanguage === sfn.QueryLanguage.JSONATA ? undefined : sfn.QueryLanguage.JSON_PATH);
      return {
        ...super.toStateJson(top),
        // Retry/Catch per language (aws-cdk-lib 2.187's Parallel renders its catchers for JSONPath only).
        ...this.renderRetryCatch(top),
        ...pick({ jsonPath: { OutputPath: '$[0]' }, jsonata: this.renderJsonataResult() }, this.props.queryLanguage, top),
      };
    });
  }

  private renderJsonataResult(): Record<string, unknown> {
    const owner = this.props.owner.construct;
    // `result` of `$states.result` becomes `result[0].<data path>`.
    const result = (this.props.result ?? DataPath.parse('$')).jsonata().replace(/^\$states\.input/, 'result[0]');
    const rewrite = (prop: string, value: unknown) =>
      renderForQueryLanguage(owner, prop, rewriteResultReferences(owner, prop, value, result), sfn.QueryLanguage.JSONATA);
    return {
      Output: this.props.outputs === undefined ? '{% $states.result[0] %}' : rewrite('outputs', this.props.outputs),
      ...(this.props.assign === undefined ? {} : { Assign: rewrite('assign', this.props.assign) }),
    };
  }

  public branch(...branches: sfn.IChainable[]): LanguageParallel {
    super.branch(...branches);
    this.branchCount += branches.length;
    return this;
  }

  /** aws-cdk-lib counts branches once bound to a graph: a poller not (yet) in a state machine is not an error. */
  protected validateState(): string[] {
    return this.branchCount === 0 ? super.validateState() : [];
  }

  protected renderBranches(): any {
    return { Branches: this.branches.map((branch) => branch.toGraphJson(this.branchLanguage)) };
  }
}

/** The optimized Lambda integration (`lambda:invoke`, request-response). */
export function lambdaInvokeArn(): string {
  return `arn:${Aws.PARTITION}:states:::lambda:invoke`;
}

/**
 * `lambda:InvokeFunction` on exactly this function (unqualified: the tasks invoke `$LATEST`).
 */
export function invokeStatement(fn: lambda.IFunction): iam.PolicyStatement {
  return new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [fn.functionArn] });
}

/** Lambda errors worth retrying: service faults and throttling of the Invoke API itself. */
export const LAMBDA_TRANSIENT_ERRORS = [
  'Lambda.ClientExecutionTimeoutException',
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
];
