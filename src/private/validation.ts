import { Duration, Size, SizeRoundingBehavior, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { CdkSfnJobsError, describeValue, invalid } from './errors';
import { isDynamic } from './expressions';

// Read once: aws-cdk-lib's barrel getters call require() on every access (see expressions.ts).
const isUnresolved = Token.isUnresolved;

/**
 * Static checks on props. Each skips values that are only known later (tokens, JSONPath, JSONata)
 * and throws `<path>: <prop> must be <rule>; got <value>` otherwise.
 */

export function checkIntegerRange(scope: IConstruct, prop: string, value: number | undefined, min: number, max: number): void {
  if (value === undefined || isUnresolved(value)) return;
  if (!Number.isInteger(value) || value < min || value > max) {
    invalid(scope, prop, `an integer between ${min} and ${max}`, value);
  }
}

export function checkDurationRange(scope: IConstruct, prop: string, value: Duration | undefined, min: Duration, max: Duration): void {
  if (value === undefined || value.isUnresolved()) return;
  const seconds = value.toSeconds({ integral: false });
  if (seconds < min.toSeconds() || seconds > max.toSeconds()) {
    invalid(scope, prop, `between ${min.toHumanString()} and ${max.toHumanString()}`, value);
  }
  if (!Number.isInteger(seconds)) {
    invalid(scope, prop, 'a whole number of seconds', value);
  }
}

export function checkSizeRange(scope: IConstruct, prop: string, value: Size | undefined, minGiB: number, maxGiB: number): void {
  if (value === undefined || value.isUnresolved()) return;
  const gib = value.toGibibytes({ rounding: SizeRoundingBehavior.NONE });
  if (!Number.isInteger(gib) || gib < minGiB || gib > maxGiB) {
    invalid(scope, prop, `a whole number of GiB between ${minGiB} and ${maxGiB}`, `${gib} GiB`);
  }
}

export function checkPattern(scope: IConstruct, prop: string, value: string | undefined, pattern: RegExp, rule: string): void {
  if (value === undefined || isDynamic(value)) return;
  if (!pattern.test(value)) invalid(scope, prop, rule, value);
}

export function checkLength(scope: IConstruct, prop: string, value: string | undefined, min: number, max: number): void {
  if (value === undefined || isDynamic(value)) return;
  if (value.length < min || value.length > max) {
    invalid(scope, prop, `between ${min} and ${max} characters long`, value);
  }
}

export function checkCount(scope: IConstruct, prop: string, items: readonly unknown[] | undefined, min: number, max: number): void {
  if (items === undefined || isUnresolved(items)) return;
  if (items.length < min || items.length > max) {
    invalid(scope, prop, `a list of ${min} to ${max} items`, `${items.length} items`);
  }
}

/** Every key must be unique: reports the first duplicate. */
export function checkUnique(scope: IConstruct, prop: string, keys: readonly string[]): void {
  const seen = new Set<string>();
  for (const key of keys) {
    if (isDynamic(key)) continue;
    if (seen.has(key)) invalid(scope, prop, 'unique', key);
    seen.add(key);
  }
}

/**
 * Required props, checked before anything reads them (plain JavaScript and Python callers can leave them out):
 * `<scope path>/<id>: <prop> must be given (required); got undefined`. Dotted names check nested props
 * (`outputDataConfig.s3OutputLocation`). Called in a constructor's `super(...)` arguments, before the construct
 * exists, hence the parent scope and id. Returns `props`.
 */
export function required<T>(scope: IConstruct, id: string, props: T, names: readonly string[]): T {
  const path = scope.node.path === '' ? id : `${scope.node.path}/${id}`;
  if (props === undefined || props === null) throw new CdkSfnJobsError(`${path}: props must be given (required: ${names.join(', ')}); got ${describeValue(props)}`);
  for (const name of names) {
    let value: any = props;
    for (const part of name.split('.')) value = value === undefined || value === null ? undefined : value[part];
    if (value === undefined || value === null) {
      throw new CdkSfnJobsError(`${path}: ${name} must be given (required); got ${describeValue(value)}`);
    }
  }
  return props;
}
