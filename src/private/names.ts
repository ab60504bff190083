import { ArnFormat, Stack, Token, Tokenization } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { IConstruct } from 'constructs';
import { isJsonata } from './expressions';
import { jsonataBody, parseJsonata } from './jsonata';

/**
 * One place decides how a resource name turns into the IAM resource that scopes it (DESIGN.md §3):
 *
 * - a literal name becomes an exact ARN, with IAM's special characters escaped (`${*}`, `${?}`, `${$}`: IAM reads
 *   `*`, `?` and `${…}` in a resource ARN as wildcards and policy variables);
 * - a deploy-time value (a CloudFormation token: `cfnCrawler.ref`, a `CfnParameter`, an import) goes in as the
 *   token, so the ARN is exact once deployed (the literal parts around it escaped);
 * - a run-time value (JSONPath, JSONata) gets a wildcard after the narrowest prefix that is provably literal: read
 *   from the parsed expression (a JSONata expression whose top node is a `&` concatenation starting with string
 *   literals; a JSONPath `States.Format` whose template starts with literal text), never from the text; else the
 *   wildcard covers the whole name (`crawler/*`: the resource type in this account and Region).
 *
 * Upstream aws-cdk-lib keeps two copies of this logic that drifted apart (a JSONata name ends up
 * literally inside an IAM ARN); every task of this library goes through this module instead.
 */

/** What is known statically about a name that may be a literal, a token, JSONPath or JSONata. */
export interface NameShape {
  /** The literal name, when the whole name is known at synth time. */
  readonly exact?: string;
  /** The name as given, when it is known at deploy time (holds CloudFormation tokens, no run-time value). */
  readonly deployTime?: string;
  /** The literal start of a run-time name (may be the empty string when nothing is known). */
  readonly prefix: string;
}

// Read once: aws-cdk-lib's barrel getters call require() on every access (see expressions.ts).
const JSON_PATH = sfn.QueryLanguage.JSON_PATH;
const reverseString = Tokenization.reverseString;
const isUnresolved = Token.isUnresolved;

/** Read what can be known about `name` at synth time. */
export function nameShape(name: string): NameShape {
  if (isJsonata(name)) return jsonataShape(name);
  const fragments = reverseString(name);
  if (fragments.tokens.length === 0) return { exact: name, prefix: name };
  const paths = fragments.tokens.filter(isJsonPathToken) as unknown as Array<{ readonly path: string }>;
  if (paths.length === 0) return { deployTime: name, prefix: '' };
  // A JSONPath value is the whole string (aws-cdk-lib refuses to concatenate one): `$.name` or an intrinsic.
  return { prefix: paths.length === 1 && fragments.length === 1 ? intrinsicPrefix(paths[0].path) : '' };
}

function isJsonPathToken(token: unknown): boolean {
  return typeof token === 'object' && token !== null && (token as any)[JSON_PATH_TOKEN] === true;
}
// The marker aws-cdk-lib's JsonPathToken carries (`JsonPathToken.isJsonPathToken` is private to aws-stepfunctions).
const JSON_PATH_TOKEN = Symbol.for('@aws-cdk/aws-stepfunctions.JsonPathToken');

/**
 * The literal start of a JSONPath intrinsic's result: for `States.Format('<template>', …)`, the template's text
 * before its first placeholder; nothing for any other path or call.
 */
function intrinsicPrefix(path: string): string {
  const { isIntrinsicCall, parseIntrinsic } = intrinsics();
  if (!isIntrinsicCall(path)) return '';
  let call;
  try {
    call = parseIntrinsic(path);
  } catch {
    return '';
  }
  const template = call.args[0];
  if (call.name !== 'States.Format' || template?.kind !== 'literal' || typeof template.value !== 'string') return '';
  const brace = template.value.indexOf('{');
  return brace < 0 ? template.value : template.value.slice(0, brace);
}

/**
 * A JSONata name: exact when the expression is a string literal; a prefix when its top node is a string
 * concatenation (`&`) whose leftmost operands are string literals (`&` binds tighter than `~>`, comparisons and
 * `? :`, so only the top node decides); nothing otherwise.
 */
function jsonataShape(expression: string): NameShape {
  let ast: JsonataNode;
  try {
    ast = parseJsonata(jsonataBody(expression)) as JsonataNode;
  } catch {
    return { prefix: '' };
  }
  const top = unwrapBlock(ast);
  if (isPlainString(top)) return { exact: top.value, prefix: top.value };
  if (!isConcatenation(top)) return { prefix: '' };
  let prefix = '';
  for (const operand of concatenationOperands(top)) {
    if (!isPlainString(operand)) break;
    prefix += operand.value;
  }
  return { prefix };
}

interface JsonataNode {
  readonly type: string;
  readonly value?: unknown;
  readonly lhs?: JsonataNode;
  readonly rhs?: JsonataNode;
  readonly expressions?: JsonataNode[];
  readonly [key: string]: unknown;
}

/** Only these keys: anything else (a predicate, a group, stages, a focus) changes the node's value. */
function onlyKeys(node: JsonataNode, keys: readonly string[]): boolean {
  return Object.keys(node).every((k) => keys.includes(k));
}

/** `( e )` is `e`. */
function unwrapBlock(node: JsonataNode): JsonataNode {
  let current = node;
  while (current.type === 'block' && onlyKeys(current, ['type', 'position', 'expressions']) && current.expressions?.length === 1) {
    current = current.expressions[0];
  }
  return current;
}

function isPlainString(node: JsonataNode): node is JsonataNode & { value: string } {
  return node.type === 'string' && typeof node.value === 'string' && onlyKeys(node, ['type', 'value', 'position']);
}

function isConcatenation(node: JsonataNode): boolean {
  return node.type === 'binary' && node.value === '&' && onlyKeys(node, ['type', 'value', 'position', 'lhs', 'rhs']);
}

/** The operands of a left-nested `a & b & c`, left to right (blocks unwrapped). */
function concatenationOperands(node: JsonataNode): JsonataNode[] {
  const lhs = unwrapBlock(node.lhs!);
  return [...(isConcatenation(lhs) ? concatenationOperands(lhs) : [lhs]), node.rhs!];
}

type Intrinsics = typeof import('../testing/private/jsonpath/intrinsics');
let intrinsicsModule: Intrinsics | undefined;
/** The offline executor's intrinsic-function parser, loaded on first use (it loads jsonpath-plus). */
function intrinsics(): Intrinsics {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  intrinsicsModule ??= require('../testing/private/jsonpath/intrinsics') as Intrinsics;
  return intrinsicsModule;
}

/**
 * `name` for an IAM resource ARN: IAM's special characters of its literal parts escaped (`*` → `${*}`, `?` →
 * `${?}`, `$` → `${$}`); its tokens left as they are.
 *
 * @see https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html#policy-vars-specialchars
 */
export function escapeIamName(name: string): string {
  const escape = (s: string) => s.replace(/[*?$]/g, (c) => `\${${c}}`);
  const fragments = reverseString(name);
  if (fragments.tokens.length === 0) return escape(name);
  let first = true;
  const piece = (v: unknown) => (typeof v === 'string' && !isUnresolved(v) ? escape(v) : v);
  return fragments.length === 1 ? name : fragments.join({
    join(left: unknown, right: unknown) {
      const l = first ? piece(left) : left;
      first = false;
      return `${l}${piece(right)}`;
    },
  });
}

export interface ScopedArnOptions {
  /** IAM service prefix, e.g. `sagemaker`. */
  readonly service: string;
  /** ARN resource type, e.g. `processing-job`. */
  readonly resource: string;
  /** The service lower-cases names inside its ARNs (SageMaker does). */
  readonly lowerCase?: boolean;
}

/**
 * The ARNs that scope `name` for a service whose ARNs may carry the name as given or lower-cased: both, when they
 * differ, each no broader than the name's literal part. A deploy-time name is scoped as given only (CloudFormation
 * has no function to lower-case a token).
 *
 * Why both: whether IAM sees a SageMaker job's ARN with the name as given or lower-cased is not settled by public
 * evidence (list APIs return lower-cased ARNs while the job's own ARN keeps its capitals: boto/boto3#4606;
 * SageMaker changed ARN casing in 2022: aws/sagemaker-experiments#172; aws-cdk-lib scopes its training job to the
 * name as given). Default names `<construct id>-<uuid>` usually have capitals: with one case only, every such job
 * could be denied at run time.
 */
export function scopedNameArnsBothCases(scope: IConstruct, shape: NameShape, options: Omit<ScopedArnOptions, 'lowerCase'>): string[] {
  const asGiven = scopedNameArn(scope, shape, { ...options, lowerCase: false });
  const lower = scopedNameArn(scope, shape, { ...options, lowerCase: true });
  return asGiven === lower ? [lower] : [asGiven, lower];
}

/**
 * The ARN that scopes a name: exact (escaped) when literal, the token when known at deploy time, `<prefix>*` when
 * only the start is known, `*` on the name otherwise.
 */
export function scopedNameArn(scope: IConstruct, shape: NameShape, options: ScopedArnOptions): string {
  return Stack.of(scope).formatArn({
    service: options.service,
    resource: options.resource,
    resourceName: scopedResourceName(shape, options.lowerCase ?? false),
    arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
  });
}

/** The resource-name part of {@link scopedNameArn}. */
export function scopedResourceName(shape: NameShape, lowerCase: boolean): string {
  // Tokens are never folded (their text is a placeholder, not the name).
  const fold = (s: string) => (lowerCase && reverseString(s).tokens.length === 0 ? s.toLowerCase() : s);
  if (shape.exact !== undefined) return escapeIamName(fold(shape.exact));
  if (shape.deployTime !== undefined) return escapeIamName(shape.deployTime);
  return `${escapeIamName(fold(shape.prefix))}*`;
}

/** Length of the run-time unique part of a generated name: a UUID (36) and the dash before it. */
export const UNIQUE_SUFFIX_LENGTH = 37;

/**
 * A readable prefix for generated names, derived from `name` (else the construct id): letters, digits and single
 * dashes, starting and ending with a letter or digit, at most `maxLength` characters.
 */
export function readablePrefix(scope: IConstruct, maxLength: number, fallback: string, name?: string): string {
  const cleaned = (name ?? scope.node.id)
    .replace(/[^A-Za-z0-9]+/g, '-')
    .replace(/^-+/, '')
    .slice(0, maxLength)
    .replace(/-+$/, '');
  return cleaned === '' ? fallback.slice(0, maxLength) : cleaned;
}

/**
 * A name unique per execution, generated at run time: `<prefix>-<uuid>` as a JSONPath intrinsic
 * (`States.Format`/`States.UUID`) or a JSONata expression (`$uuid()`), per the state's query language.
 * Returned values are ready to place in Parameters (JSONPath) or Arguments (JSONata).
 */
export function uniqueRuntimeName(prefix: string, queryLanguage: sfn.QueryLanguage): string {
  if (queryLanguage === sfn.QueryLanguage.JSONATA) {
    return `{% '${prefix}-' & $uuid() %}`;
  }
  return sfn.JsonPath.format(`${prefix}-{}`, sfn.JsonPath.uuid());
}

/** The query language a state renders in: its own, else the state machine's, else JSONPath. */
export function effectiveQueryLanguage(stateLevel: sfn.QueryLanguage | undefined, topLevel: sfn.QueryLanguage | undefined): sfn.QueryLanguage {
  return stateLevel ?? topLevel ?? JSON_PATH;
}
