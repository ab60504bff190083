import { IConstruct } from 'constructs';

/**
 * The error every construct of this library throws for invalid input.
 *
 * Its message always reads `<construct path>: <prop> must be <rule>; got <value>`, so a user can
 * find the construct, the prop, the allowed range and what they passed in one line.
 */
export class CdkSfnJobsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CdkSfnJobsError';
    Object.setPrototypeOf(this, CdkSfnJobsError.prototype);
  }
}

/** Render a received value for an error message: short, quoted when a string. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') {
    return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
  }
  if (value === undefined) return 'undefined';
  if (typeof value === 'function') {
    // A class or function passed instead of a value (`detection: JobDetection`): its name, not its source text.
    const kind = /^class\b/.test(Function.prototype.toString.call(value)) ? 'class' : 'function';
    return value.name ? `the ${kind} ${value.name}` : `an anonymous ${kind}`;
  }
  if (typeof value === 'object' && value !== null && 'toHumanString' in value) {
    return String((value as { toHumanString(): string }).toHumanString());
  }
  try {
    const json = JSON.stringify(value);
    return json.length > 120 ? `${json.slice(0, 117)}...` : json;
  } catch {
    return String(value);
  }
}

/**
 * A prop's name as the caller spells it: camelCase in TypeScript and JavaScript; snake_case under the jsii Python
 * runtime, which sets `JSII_AGENT` to `Python/<version>` in the environment of the node process it starts
 * (`instanceCount` → `instance_count`, `sdkCheck.call.resource` → `sdk_check.call.resource`). Quoted parts (map
 * keys) are left as they are.
 */
export function propName(prop: string): string {
  if (!(process.env.JSII_AGENT ?? '').startsWith('Python')) return prop;
  return prop.split(/("(?:[^"\\]|\\.)*")/).map((part, i) => (i % 2 === 1 ? part : part.replace(
    /\b[a-z][a-z0-9]*(?:[A-Z][a-z0-9]*)+\b/g,
    (word) => word.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase(),
  ))).join('');
}

/** Throw `<path>: <prop> must be <rule>; got <value>`. */
export function invalid(scope: IConstruct, prop: string, rule: string, value: unknown): never {
  throw new CdkSfnJobsError(`${scope.node.path}: ${propName(prop)} must be ${rule}; got ${describeValue(value)}`);
}
