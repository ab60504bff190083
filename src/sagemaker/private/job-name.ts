import { Annotations } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { IConstruct } from 'constructs';
import { JOB_NAME_PATTERN, SageMakerJobKind } from './job-kind';
import { JSONATA } from './refs';
import { invalid } from '../../private/errors';
import { isDynamic } from '../../private/expressions';
import { NameShape, nameShape, readablePrefix, UNIQUE_SUFFIX_LENGTH } from '../../private/names';
import { renderForQueryLanguage } from '../../private/values';

/** A compact unique suffix: 16 hex characters (64 random bits) and the dash before it. */
const COMPACT_SUFFIX_LENGTH = 17;

/** The shortest readable prefix worth keeping before a full UUID (below it, the compact suffix is used). */
const MIN_PREFIX_FOR_UUID = 8;

/**
 * The job name of one task: what IAM can know about it (`shape`) and how it is rendered in each query language.
 *
 * - No name given: a name unique per execution is generated at run time, `<prefix>-<uuid>` (or
 *   `<prefix>-<16 hex>` when the API's limit leaves too little room for a UUID, e.g. 32-character tuning job
 *   names), with a readable prefix derived from the construct id, always within the API's length and pattern.
 * - A literal name: validated against the API's length and pattern, and accepted with a warning, since a second
 *   execution fails on the duplicate name.
 * - A JSONPath or JSONata value: used as given; IAM scopes to its literal prefix when one can be read.
 */
export class JobName {
  /**
   * @param prop the prop that holds the name, for messages (e.g. `processingJobName`).
   */
  public static of(scope: IConstruct, kind: SageMakerJobKind, prop: string, given: string | undefined): JobName {
    if (given === undefined) {
      const uuid = kind.maxNameLength - UNIQUE_SUFFIX_LENGTH >= MIN_PREFIX_FOR_UUID;
      const prefix = readablePrefix(scope, kind.maxNameLength - (uuid ? UNIQUE_SUFFIX_LENGTH : COMPACT_SUFFIX_LENGTH), kind.fallbackPrefix);
      return new JobName(scope, prop, undefined, { prefix: `${prefix}-` }, { prefix, uuid });
    }
    if (isDynamic(given)) {
      return new JobName(scope, prop, given, nameShape(given));
    }
    if (given.length < 1 || given.length > kind.maxNameLength) {
      invalid(scope, prop, `between 1 and ${kind.maxNameLength} characters long`, given);
    }
    if (!JOB_NAME_PATTERN.test(given)) {
      invalid(scope, prop, `letters, digits and single dashes, starting and ending with a letter or digit (${JOB_NAME_PATTERN.source})`, given);
    }
    Annotations.of(scope).addWarningV2(
      'cdk-sfn-jobs:literalJobName',
      `${prop} is the literal "${given}": SageMaker ${kind.noun} names must be unique in the account and Region, so every execution after the first fails. Leave it unset for a name generated per execution.`,
    );
    return new JobName(scope, prop, given, { exact: given, prefix: given });
  }

  private constructor(
    private readonly scope: IConstruct,
    private readonly prop: string,
    private readonly given: string | undefined,
    /** What is known about the name at synth time, for IAM scoping. */
    public readonly shape: NameShape,
    private readonly generated?: { readonly prefix: string; readonly uuid: boolean },
  ) {}

  /** True when the name is generated per execution. */
  public get isGenerated(): boolean {
    return this.generated !== undefined;
  }

  /**
   * The request field holding the name, as placed in Parameters (JSONPath: `<field>.$` for a generated name)
   * or Arguments (JSONata).
   */
  public renderField(field: string, queryLanguage: sfn.QueryLanguage): Record<string, string> {
    if (this.generated) {
      const { prefix, uuid } = this.generated;
      if (queryLanguage === JSONATA) {
        return { [field]: uuid ? `{% '${prefix}-' & $uuid() %}` : `{% '${prefix}-' & $substring($join($split($uuid(), '-')), 0, 16) %}` };
      }
      // The intrinsic as text (what JsonPath.format(...) renders to, without a token per task).
      return {
        [`${field}.$`]: uuid
          ? `States.Format('${prefix}-{}', States.UUID())`
          : `States.Format('${prefix}-{}{}', ${FIRST_UUID_SEGMENT}, ${FIRST_UUID_SEGMENT})`,
      };
    }
    // A JsonPath name in a JSONata state is converted (plain references) or refused; a JSONata one in a JSONPath
    // state is refused (see renderForQueryLanguage).
    return { [field]: renderForQueryLanguage(this.scope, this.prop, this.given!, queryLanguage) };
  }
}

/** 8 random hex characters. */
const FIRST_UUID_SEGMENT = "States.ArrayGetItem(States.StringSplit(States.UUID(), '-'), 0)";
