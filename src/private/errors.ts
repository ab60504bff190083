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

/** Throw `<path>: <prop> must be <rule>; got <value>`. */
export function invalid(scope: IConstruct, prop: string, rule: string, value: unknown): never {
  throw new CdkSfnJobsError(`${scope.node.path}: ${prop} must be ${rule}; got ${describeValue(value)}`);
}
