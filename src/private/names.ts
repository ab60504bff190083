import { ArnFormat, Stack, Tokenization } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { IConstruct } from 'constructs';
import { isJsonata } from './expressions';

/**
 * One place decides how a resource name turns into the IAM resource that scopes it:
 * a literal name becomes an exact ARN, a dynamic name a wildcard on the narrowest literal prefix
 * that can be read from it, and a name we cannot read at all a wildcard on the whole name.
 *
 * Upstream aws-cdk-lib keeps two copies of this logic that drifted apart (a JSONata name ends up
 * literally inside an IAM ARN); every task of this library goes through this module instead.
 */

/** What is known statically about a name that may be a literal, a token, JSONPath or JSONata. */
export interface NameShape {
  /** The literal name, when the whole name is known at synth time. */
  readonly exact?: string;
  /** The literal start of a dynamic name (may be the empty string when nothing is known). */
  readonly prefix: string;
}

// Read once: aws-cdk-lib's barrel getters call require() on every access (see expressions.ts).
const JSON_PATH = sfn.QueryLanguage.JSON_PATH;

const STATES_FORMAT = /^States\.Format\(\s*'((?:[^'\\{]|\\.)*)\{\}/;
const JSONATA_PREFIX = /^\{%\s*(['"])((?:(?!\1)[^\\]|\\.)*)\1\s*&/;

/** Read what can be known about `name` at synth time. */
export function nameShape(name: string): NameShape {
  if (isJsonata(name)) {
    const m = JSONATA_PREFIX.exec(name.trim());
    return { prefix: m ? unescape(m[2]) : '' };
  }
  if (!Tokenization.isResolvable(name) && !containsToken(name)) {
    return { exact: name, prefix: name };
  }
  // A string with tokens in it: keep the literal text before the first token...
  const fragments = Tokenization.reverseString(name);
  const first = fragments.tokens.length > 0 ? literalBeforeFirstToken(name) : name;
  if (first !== '') return { prefix: first };
  // ...or, for a JSONPath intrinsic such as States.Format('job-{}', ...), the literal it starts with.
  const token = fragments.firstToken as unknown as { path?: unknown } | undefined;
  if (fragments.length === 1 && token && typeof token.path === 'string') {
    const m = STATES_FORMAT.exec(token.path);
    if (m) return { prefix: unescape(m[1]) };
  }
  return { prefix: '' };
}

function containsToken(s: string): boolean {
  return Tokenization.reverseString(s).tokens.length > 0;
}

function literalBeforeFirstToken(s: string): string {
  const m = /\$\{Token\[/.exec(s);
  return m ? s.slice(0, m.index) : s;
}

function unescape(s: string): string {
  return s.replace(/\\(.)/g, '$1');
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
 * differ, each no broader than the name's literal part.
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
 * The ARN that scopes `name` (or, when no name is given, names starting with `generatedPrefix`):
 * exact when literal, `<prefix>*` when only the start is known, `*` on the name otherwise.
 */
export function scopedNameArn(scope: IConstruct, shape: NameShape, options: ScopedArnOptions): string {
  const fold = (s: string) => (options.lowerCase ? s.toLowerCase() : s);
  const resourceName = shape.exact !== undefined ? fold(shape.exact) : `${fold(shape.prefix)}*`;
  return Stack.of(scope).formatArn({
    service: options.service,
    resource: options.resource,
    resourceName,
    arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
  });
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
