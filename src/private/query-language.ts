import { CfnResource, IResolvable, IResolveContext, Stack, Token } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { IConstruct } from 'constructs';
import { CdkSfnJobsError, describeValue, invalid } from './errors';

/**
 * Rendering a state in the query language of the state machine it ends up in, at any depth.
 *
 * aws-cdk-lib passes the state machine's query language to the states of its top-level graph only: a
 * `Parallel` renders its branches and a `Map` its item processor with `toGraphJson()` and no language
 * (aws/aws-cdk#35403), so a state there receives `undefined`, which at the top level means JSONPath and in a
 * branch means "unknown". Our states tell the two apart (a branch graph has a super graph) and, when the
 * language is unknown, render a token in place of their JSON. At synthesis the token finds the
 * `AWS::StepFunctions::StateMachine` whose definition holds it — the definition is resolved once more per
 * state machine, in a "probe" pass where our tokens only register themselves — reads that definition's
 * top-level `QueryLanguage`, and renders the state with it as if aws-cdk-lib had passed it down, so Retry,
 * Catch, Assign, Output and the task's own fields all come out in that language. A token that no state
 * machine definition holds (a graph rendered by hand) fails synthesis with the fix.
 *
 * Only public aws-cdk-lib API is used, plus reading two private fields (`State.containingGraph`,
 * `StateGraph.superGraph`) to tell a branch from the top level; both exist from 2.187.0 to 2.276.0.
 */

const STATE_MACHINE_TYPE = 'AWS::StepFunctions::StateMachine';

/** What a state tells the renderer about itself. */
export interface LanguageAwareState {
  /** The state. */
  readonly state: sfn.State;
  /** The state's own query language (its `queryLanguage` prop), if any. */
  readonly queryLanguage: sfn.QueryLanguage | undefined;
  /** How the user sets the language explicitly, for the error message (e.g. `SageMakerCreateProcessingJob.jsonata(...)`). */
  readonly fix: string;
  /** The construct to name in errors (the public construct the state belongs to). @default - the state */
  readonly construct?: IConstruct;
  /**
   * JSONPath-only base props the state was given (`resultPath`, …), refused when it renders JSONata.
   * @default - none
   */
  readonly jsonPathOnlyProps?: Record<string, unknown>;
  /**
   * JSONata-only props the state was given (`outputs`, `arguments`, …), refused when it renders JSONPath.
   * @default - none
   */
  readonly jsonataOnlyProps?: Record<string, unknown>;
  /**
   * Catchers added by the construct itself, whose JSONPath fields the construct renders per language: not checked.
   * @default - none
   */
  readonly internalCatchHandlers?: ReadonlySet<unknown>;
}

/**
 * Renders `state` in the language of its state machine: `render(topLevelQueryLanguage)` is aws-cdk-lib's
 * `toStateJson(topLevelQueryLanguage)` with our fields; it is called with the state machine's language
 * (or `undefined` at the top level of a JSONPath state machine, as aws-cdk-lib does).
 */
export function renderInStateMachineLanguage(
  info: LanguageAwareState,
  topLevelQueryLanguage: sfn.QueryLanguage | undefined,
  render: (topLevelQueryLanguage: sfn.QueryLanguage | undefined) => object,
): object {
  if (topLevelQueryLanguage !== undefined || !inBranch(info.state) || info.queryLanguage === sfn.QueryLanguage.JSONATA) {
    // Known: given by aws-cdk-lib; or the top level (undefined means JSONPath there); or JSONata, which is
    // valid in either kind of state machine (aws-cdk-lib then renders the state's own QueryLanguage field).
    return checkedRender(info, topLevelQueryLanguage, render);
  }
  return new StateInMachineLanguage(info, render);
}

/** The language a state renders in: its own, else the state machine's, else JSONPath. */
function effective(own: sfn.QueryLanguage | undefined, top: sfn.QueryLanguage | undefined): sfn.QueryLanguage {
  return own ?? top ?? sfn.QueryLanguage.JSON_PATH;
}

function checkedRender(
  info: LanguageAwareState,
  top: sfn.QueryLanguage | undefined,
  render: (top: sfn.QueryLanguage | undefined) => object,
): object {
  const construct = info.construct ?? info.state;
  if (top === sfn.QueryLanguage.JSONATA && info.queryLanguage === sfn.QueryLanguage.JSON_PATH) {
    invalid(construct, 'queryLanguage',
      `JSONata or unset in a JSONata state machine (a JSONata state machine cannot contain JSONPath states; use ${info.fix})`,
      info.queryLanguage);
  }
  if (effective(info.queryLanguage, top) === sfn.QueryLanguage.JSONATA) {
    for (const [prop, value] of Object.entries(info.jsonPathOnlyProps ?? {})) {
      if (value !== undefined) {
        invalid(construct, prop, 'unset in a state that renders JSONata (a JSONPath-only field; use outputs or assign)', value);
      }
    }
    for (const c of userCatches(info)) {
      if (c.props?.resultPath !== undefined) {
        invalid(construct, 'addCatch resultPath',
          'unset in a state that renders JSONata (ResultPath is a JSONPath field; use the catcher\'s outputs or assign)', c.props.resultPath);
      }
    }
  } else {
    for (const [prop, value] of Object.entries(info.jsonataOnlyProps ?? {})) {
      if (value !== undefined) {
        invalid(construct, prop, 'unset in a state that renders JSONPath (a JSONata-only field; use the JSONPath fields, such as resultPath)', value);
      }
    }
    for (const c of userCatches(info)) {
      if (c.props?.outputs !== undefined) {
        invalid(construct, 'addCatch outputs', 'unset in a state that renders JSONPath (Output is a JSONata field; use the catcher\'s resultPath)', c.props.outputs);
      }
    }
  }
  return render(top);
}

/**
 * The catchers users added to the state (aws-cdk-lib keeps them in `State.catches`, a private field from 2.187.0 to
 * 2.278.0 that `renderRetryCatch` reads): aws-cdk-lib renders a catcher's ResultPath in JSONata states too, and drops
 * its outputs in JSONPath ones, so either would deploy something other than what was asked.
 */
function userCatches(info: LanguageAwareState): Array<{ next?: unknown; props?: sfn.CatchProps }> {
  const catches = (info.state as unknown as { catches?: Array<{ next?: unknown; props?: sfn.CatchProps }> }).catches ?? [];
  return catches.filter((c) => !info.internalCatchHandlers?.has(c.next));
}

/** True when the state is bound to a Parallel branch or Map item processor graph. */
function inBranch(state: sfn.State): boolean {
  const graph = (state as unknown as { containingGraph?: sfn.StateGraph }).containingGraph;
  return (graph as unknown as { superGraph?: sfn.StateGraph } | undefined)?.superGraph !== undefined;
}

/** The probe in progress: our tokens met while resolving one state machine's definition. */
let probing: Set<StateInMachineLanguage> | undefined;

interface Probe {
  readonly language: sfn.QueryLanguage;
  readonly claimed: ReadonlySet<StateInMachineLanguage>;
}

const probes = new WeakMap<CfnResource, Probe>();

/** A state's JSON, rendered at synthesis in the language of the state machine that holds it. */
class StateInMachineLanguage implements IResolvable {
  public readonly creationStack: string[] = [];
  private language?: sfn.QueryLanguage;

  constructor(
    private readonly info: LanguageAwareState,
    private readonly render: (top: sfn.QueryLanguage | undefined) => object,
  ) {}

  public resolve(context: IResolveContext): any {
    if (probing) {
      probing.add(this);
      return {};
    }
    this.language ??= this.findLanguage(context.scope);
    return checkedRender(this.info, this.language, this.render);
  }

  public toString(): string {
    return Token.asString(this);
  }

  /** `JSON.stringify` of a hand-rendered graph: the language cannot be known there. */
  public toJSON(): never {
    throw this.unknown();
  }

  private findLanguage(scope: IConstruct): sfn.QueryLanguage {
    const candidates = isStateMachineResource(scope)
      ? [scope]
      : Stack.of(scope).node.findAll().filter(isStateMachineResource);
    for (const candidate of candidates) {
      const probe = probeStateMachine(candidate);
      if (probe.claimed.has(this)) return probe.language;
    }
    throw this.unknown();
  }

  private unknown(): CdkSfnJobsError {
    const construct = this.info.construct ?? this.info.state;
    return new CdkSfnJobsError(
      `${construct.node.path}: queryLanguage must be given (${this.info.fix}) for a state in a Parallel branch or Map item processor ` +
      'whose definition is not rendered by an sfn.StateMachine: aws-cdk-lib does not pass the state machine\'s query language into ' +
      `branches, so it cannot be known; got ${describeValue(undefined)}`);
  }
}

function isStateMachineResource(construct: IConstruct): construct is CfnResource {
  return CfnResource.isCfnResource(construct) && construct.cfnResourceType === STATE_MACHINE_TYPE;
}

/** Resolves a state machine's definition once (our tokens only register), and reads its top-level QueryLanguage. */
function probeStateMachine(resource: CfnResource): Probe {
  const cached = probes.get(resource);
  if (cached) return cached;
  const props = resource as unknown as { definitionString?: string; definition?: unknown };
  const body = props.definitionString ?? props.definition;
  const claimed = new Set<StateInMachineLanguage>();
  let resolved: unknown;
  const outer = probing;
  probing = claimed;
  try {
    resolved = body === undefined ? undefined : Stack.of(resource).resolve(body);
  } finally {
    probing = outer;
  }
  const probe: Probe = { language: definitionQueryLanguage(resolved), claimed };
  probes.set(resource, probe);
  return probe;
}

/** The top-level QueryLanguage of a resolved definition: an object, a JSON string, or an `Fn::Join` of one. */
function definitionQueryLanguage(resolved: unknown): sfn.QueryLanguage {
  let definition: unknown = resolved;
  if (typeof resolved === 'string' || isJoin(resolved)) {
    const text = flatten(resolved);
    try {
      definition = JSON.parse(text);
    } catch {
      // aws-cdk-lib writes the top-level QueryLanguage last.
      const m = /"QueryLanguage"\s*:\s*"(JSONata|JSONPath)"\s*\}\s*$/.exec(text);
      definition = { QueryLanguage: m?.[1] };
    }
  }
  const language = (definition as { QueryLanguage?: unknown } | undefined)?.QueryLanguage;
  return language === sfn.QueryLanguage.JSONATA ? sfn.QueryLanguage.JSONATA : sfn.QueryLanguage.JSON_PATH;
}

function isJoin(value: unknown): value is { 'Fn::Join': [string, unknown[]] } {
  return typeof value === 'object' && value !== null && Array.isArray((value as any)['Fn::Join']);
}

/** The text of a JSON definition, with every intrinsic other than a join replaced by `0` (valid in a string and as a value). */
function flatten(value: unknown): string {
  if (typeof value === 'string') return value;
  if (isJoin(value)) {
    const [separator, parts] = value['Fn::Join'];
    return parts.map(flatten).join(separator);
  }
  return '0';
}
