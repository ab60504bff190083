/**
 * Structural checks of a definition before it runs, with errors naming the state and the field. Not a full ASL
 * validator (asl-validator does that in our own tests; bundling it would grow the package for little gain at run
 * time): what the executor needs to run the definition safely, and the features it refuses.
 */
export class DefinitionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DefinitionError';
  }
}

const TYPES = new Set(['Pass', 'Task', 'Choice', 'Wait', 'Succeed', 'Fail', 'Parallel', 'Map']);
const LANGUAGES = new Set(['JSONPath', 'JSONata']);

/** What validation learns about the definition. */
export interface DefinitionInfo {
  /** Every Task state's name, at any depth. */
  readonly taskStates: Set<string>;
  /** Every state's name, at any depth (Parallel branches and Map item processors included), with its Type. */
  readonly stateTypes: Map<string, string>;
  /**
   * Distributed Map states with an ItemReader or a ResultWriter that exports to S3 (their S3 reads, and with
   * `sendResultWriterCalls` their writes, are mocked under the state's name).
   */
  readonly readerStates: Set<string>;
}

export function validateDefinition(definition: any): DefinitionInfo {
  if (definition === null || typeof definition !== 'object' || Array.isArray(definition)) {
    throw new DefinitionError('definition must be a JSON object with StartAt and States');
  }
  if (definition.QueryLanguage !== undefined && !LANGUAGES.has(definition.QueryLanguage)) {
    throw new DefinitionError(`QueryLanguage must be JSONPath or JSONata; got ${JSON.stringify(definition.QueryLanguage)}`);
  }
  if (definition.TimeoutSeconds !== undefined && !(Number.isInteger(definition.TimeoutSeconds) && definition.TimeoutSeconds > 0)) {
    throw new DefinitionError(`TimeoutSeconds must be a positive integer; got ${JSON.stringify(definition.TimeoutSeconds)}`);
  }
  const info: DefinitionInfo = { taskStates: new Set(), stateTypes: new Map(), readerStates: new Set() };
  const seen = new Set<string>();
  checkMachine(definition, '', definition.QueryLanguage ?? 'JSONPath', info, seen);
  return info;
}

function checkMachine(machine: any, where: string, language: string, info: DefinitionInfo, seen: Set<string>): void {
  const at = where ? `${where}: ` : '';
  if (machine === null || typeof machine !== 'object') throw new DefinitionError(`${at}must be an object with StartAt and States`);
  if (typeof machine.StartAt !== 'string') throw new DefinitionError(`${at}StartAt must be a state name; got ${JSON.stringify(machine.StartAt)}`);
  const states = machine.States;
  if (states === null || typeof states !== 'object' || Object.keys(states).length === 0) {
    throw new DefinitionError(`${at}States must be an object with at least one state`);
  }
  if (!(machine.StartAt in states)) throw new DefinitionError(`${at}StartAt '${machine.StartAt}' is not a state of ${where || 'the state machine'}`);
  const target = (name: string, field: string, value: unknown) => {
    if (typeof value !== 'string' || !(value in states)) {
      throw new DefinitionError(`State '${name}': ${field} must name a state of the same ${where ? 'branch' : 'state machine'}; got ${JSON.stringify(value)}`);
    }
  };
  for (const [name, state] of Object.entries<any>(states)) {
    if (seen.has(name)) throw new DefinitionError(`State '${name}': state names must be unique in the whole state machine`);
    seen.add(name);
    const fail = (message: string) => {
      throw new DefinitionError(`State '${name}': ${message}`);
    };
    if (state === null || typeof state !== 'object') fail('must be an object');
    if (!TYPES.has(state.Type)) fail(`Type must be one of ${[...TYPES].join(', ')}; got ${JSON.stringify(state.Type)}`);
    info.stateTypes.set(name, state.Type);
    if (state.QueryLanguage !== undefined) {
      if (!LANGUAGES.has(state.QueryLanguage)) fail(`QueryLanguage must be JSONPath or JSONata; got ${JSON.stringify(state.QueryLanguage)}`);
      if (language === 'JSONata' && state.QueryLanguage === 'JSONPath') fail('QueryLanguage cannot be JSONPath in a JSONata state machine');
    }
    const lang = state.QueryLanguage ?? language;
    const terminal = state.Type === 'Succeed' || state.Type === 'Fail' || state.Type === 'Choice';
    if (!terminal) {
      if (state.End === true && state.Next !== undefined) fail('has both Next and End');
      if (state.End !== true) target(name, 'Next', state.Next);
    }
    for (const [i, c] of (state.Catch ?? []).entries()) {
      if (!Array.isArray(c.ErrorEquals) || c.ErrorEquals.length === 0) fail(`Catch[${i}].ErrorEquals must be a non-empty array`);
      target(name, `Catch[${i}].Next`, c.Next);
      if (lang === 'JSONata' && c.ResultPath !== undefined) fail(`Catch[${i}].ResultPath is a JSONPath field; a JSONata state's Catch uses Output and Assign`);
      if (lang !== 'JSONata' && c.Output !== undefined) fail(`Catch[${i}].Output is a JSONata field; set QueryLanguage to JSONata or use ResultPath`);
    }
    for (const [i, r] of (state.Retry ?? []).entries()) {
      if (!Array.isArray(r.ErrorEquals) || r.ErrorEquals.length === 0) fail(`Retry[${i}].ErrorEquals must be a non-empty array`);
    }
    if (lang === 'JSONata') checkExpressionDelimiters(state, fail);
    if (lang === 'JSONata') {
      for (const field of ['InputPath', 'OutputPath', 'Parameters', 'ResultPath', 'ResultSelector', 'ItemsPath', 'SecondsPath', 'TimestampPath', 'ErrorPath',
        'CausePath', 'MaxConcurrencyPath', 'TimeoutSecondsPath', 'HeartbeatSecondsPath', 'ToleratedFailureCountPath', 'ToleratedFailurePercentagePath']) {
        if (state[field] !== undefined) fail(`${field} is a JSONPath field; a JSONata state uses Arguments, Output and Assign`);
      }
    } else {
      for (const field of ['Arguments', 'Output', 'Items']) {
        if (state[field] !== undefined) fail(`${field} is a JSONata field; set QueryLanguage to JSONata or use the JSONPath fields`);
      }
    }
    switch (state.Type) {
      case 'Task':
        if (typeof state.Resource !== 'string') fail(`Resource must be a string; got ${JSON.stringify(state.Resource)}`);
        info.taskStates.add(name);
        break;
      case 'Choice':
        if (!Array.isArray(state.Choices) || state.Choices.length === 0) fail('Choices must be a non-empty array');
        state.Choices.forEach((rule: any, i: number) => {
          target(name, `Choices[${i}].Next`, rule.Next);
          if (lang === 'JSONata' && rule.Condition === undefined) fail(`Choices[${i}].Condition is required in a JSONata Choice state`);
          if (lang === 'JSONata' && rule.Variable !== undefined) fail(`Choices[${i}].Variable is a JSONPath field; a JSONata Choice rule uses Condition`);
        });
        if (state.Default !== undefined) target(name, 'Default', state.Default);
        break;
      case 'Wait': {
        const n = ['Seconds', 'Timestamp', 'SecondsPath', 'TimestampPath'].filter((f) => state[f] !== undefined).length;
        if (n !== 1) fail('needs exactly one of Seconds, Timestamp, SecondsPath, TimestampPath');
        break;
      }
      case 'Parallel':
        if (!Array.isArray(state.Branches) || state.Branches.length === 0) fail('Branches must be a non-empty array');
        state.Branches.forEach((b: any, i: number) => checkMachine(b, `State '${name}' Branches[${i}]`, language, info, seen));
        break;
      case 'Map': {
        const processor = state.ItemProcessor ?? state.Iterator;
        if (!processor) fail('needs ItemProcessor (or the legacy Iterator)');
        checkDistributed(state, processor, lang, fail);
        if (state.ItemReader !== undefined || state.ResultWriter?.Resource !== undefined) info.readerStates.add(name);
        checkMachine(processor, `State '${name}' ItemProcessor`, language, info, seen);
        break;
      }
      default:
        break;
    }
  }
}

/** Fields of a state that hold no JSONata (or hold a nested state machine, checked on its own). */
const NOT_EVALUATED = new Set(['Type', 'Comment', 'Next', 'Default', 'End', 'QueryLanguage', 'Resource', 'ItemProcessor', 'Iterator', 'Branches']);

/**
 * AWS: a JSONata string "must start with {% with no leading spaces, and must end with %} with no trailing spaces.
 * Improperly opening or closing the expression will result in a validation error"
 * (https://docs.aws.amazon.com/step-functions/latest/dg/transforming-data.html, Writing JSONata expressions in JSON
 * strings). So a string that opens with `{%` but does not close with `%}`, or an expression with spaces around it,
 * is refused; any other string (`x {% 1 %}` included) is a literal.
 */
function checkExpressionDelimiters(state: any, fail: (message: string) => never | void): void {
  const walk = (value: unknown, path: string): void => {
    if (typeof value === 'string') {
      const trimmed = value.trim();
      const unclosed = value.startsWith('{%') && (!value.endsWith('%}') || value === '{%}');
      const spaced = trimmed !== value && trimmed.startsWith('{%') && trimmed.endsWith('%}');
      if (unclosed || spaced) {
        fail(`${path} must be a JSONata expression that starts with {% and ends with %} (no spaces outside them); got ${JSON.stringify(value)}`);
      }
    } else if (Array.isArray(value)) {
      value.forEach((v, i) => walk(v, `${path}[${i}]`));
    } else if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) if (k !== 'Comment') walk(v, path ? `${path}.${k}` : k);
    }
  };
  for (const [field, value] of Object.entries(state)) if (!NOT_EVALUATED.has(field)) walk(value, field);
}

const DISTRIBUTED_ONLY = ['ItemReader', 'ItemBatcher', 'ResultWriter', 'Label', 'ToleratedFailureCount', 'ToleratedFailurePercentage',
  'ToleratedFailureCountPath', 'ToleratedFailurePercentagePath'];
const READERS = new Set(['arn:aws:states:::s3:getObject', 'arn:aws:states:::s3:listObjectsV2']);
const INPUT_TYPES = new Set(['JSON', 'JSONL', 'CSV', 'PARQUET', 'MANIFEST']);

/** A Map's Distributed-mode fields: only in DISTRIBUTED mode, and what the offline executor can run. */
function checkDistributed(state: any, processor: any, language: string, fail: (message: string) => never): void {
  const mode = processor.ProcessorConfig?.Mode ?? 'INLINE';
  if (mode !== 'INLINE' && mode !== 'DISTRIBUTED') fail(`ItemProcessor.ProcessorConfig.Mode must be INLINE or DISTRIBUTED; got ${JSON.stringify(mode)}`);
  if (mode === 'INLINE') {
    const used = DISTRIBUTED_ONLY.filter((f) => state[f] !== undefined);
    if (used.length > 0) fail(`${used.join(', ')} need ItemProcessor.ProcessorConfig.Mode DISTRIBUTED`);
    return;
  }
  const type = processor.ProcessorConfig.ExecutionType;
  if (type !== 'STANDARD' && type !== 'EXPRESS') fail(`ItemProcessor.ProcessorConfig.ExecutionType must be STANDARD or EXPRESS in a Distributed Map; got ${JSON.stringify(type)}`);
  const other = language === 'JSONata' ? 'Parameters' : 'Arguments';
  const reader = state.ItemReader;
  if (reader !== undefined) {
    if (!READERS.has(reader.Resource)) fail(`ItemReader.Resource must be one of ${[...READERS].join(', ')}; got ${JSON.stringify(reader.Resource)}`);
    if (reader[other] !== undefined) fail(`ItemReader.${other} is a ${language === 'JSONata' ? 'JSONPath' : 'JSONata'} field; use ItemReader.${other === 'Parameters' ? 'Arguments' : 'Parameters'}`);
    if (state.ItemsPath !== undefined || state.Items !== undefined) fail('has both ItemReader and ItemsPath/Items: the items come from one of them');
    const config = reader.ReaderConfig ?? {};
    // input-output-itemreader.html: ReaderConfig.Transformation NONE (the listed objects' metadata, the default) or
    // LOAD_AND_FLATTEN (the listed objects' contents), which needs an InputType.
    if (config.Transformation !== undefined && config.Transformation !== 'NONE' && config.Transformation !== 'LOAD_AND_FLATTEN') {
      fail(`ItemReader.ReaderConfig.Transformation must be NONE or LOAD_AND_FLATTEN; got ${JSON.stringify(config.Transformation)}`);
    }
    // input-output-itemreader.html: ManifestType ATHENA_DATA (an Athena UNLOAD manifest, InputType CSV, JSONL or PARQUET)
    // or S3_INVENTORY (an S3 Inventory manifest.json, without an InputType: CSV is assumed), both read with GetObject.
    if (config.ManifestType !== undefined) {
      if (config.ManifestType !== 'ATHENA_DATA' && config.ManifestType !== 'S3_INVENTORY') {
        fail(`ItemReader.ReaderConfig.ManifestType must be ATHENA_DATA or S3_INVENTORY; got ${JSON.stringify(config.ManifestType)}`);
      }
      if (reader.Resource !== 'arn:aws:states:::s3:getObject') fail(`ItemReader.ReaderConfig.ManifestType ${config.ManifestType} needs the Resource arn:aws:states:::s3:getObject`);
      if (config.ManifestType === 'S3_INVENTORY' && config.InputType !== undefined) {
        fail(`ItemReader.ReaderConfig.InputType must not be set with ManifestType S3_INVENTORY (CSV is assumed); got ${JSON.stringify(config.InputType)}`);
      }
      if (config.ManifestType === 'ATHENA_DATA' && !['CSV', 'JSONL', 'PARQUET'].includes(config.InputType)) {
        fail(`ItemReader.ReaderConfig.InputType must be one of CSV, JSONL, PARQUET with ManifestType ATHENA_DATA; got ${JSON.stringify(config.InputType)}`);
      }
    }
    if (config.Transformation === 'LOAD_AND_FLATTEN') {
      if (reader.Resource !== 'arn:aws:states:::s3:listObjectsV2') fail('ItemReader.ReaderConfig.Transformation LOAD_AND_FLATTEN needs the Resource arn:aws:states:::s3:listObjectsV2');
      if (!['CSV', 'JSON', 'JSONL', 'PARQUET'].includes(config.InputType)) {
        fail(`ItemReader.ReaderConfig.InputType must be one of CSV, JSON, JSONL, PARQUET with Transformation LOAD_AND_FLATTEN; got ${JSON.stringify(config.InputType)}`);
      }
    }
    if (reader.Resource === 'arn:aws:states:::s3:getObject') {
      if (config.ManifestType !== 'S3_INVENTORY' && !INPUT_TYPES.has(config.InputType)) fail(`ItemReader.ReaderConfig.InputType must be one of ${[...INPUT_TYPES].join(', ')}; got ${JSON.stringify(config.InputType)}`);
      if (config.CSVHeaderLocation === 'GIVEN' && !(Array.isArray(config.CSVHeaders) && config.CSVHeaders.length > 0)) {
        fail('ItemReader.ReaderConfig.CSVHeaders must be a non-empty array with CSVHeaderLocation GIVEN');
      }
    }
  }
  const writer = state.ResultWriter;
  if (writer !== undefined) {
    if (writer.Resource !== undefined && writer.Resource !== 'arn:aws:states:::s3:putObject') {
      fail(`ResultWriter.Resource must be arn:aws:states:::s3:putObject; got ${JSON.stringify(writer.Resource)}`);
    }
    if (writer.Resource === undefined && writer.WriterConfig === undefined) fail('ResultWriter needs Resource and Parameters/Arguments, WriterConfig, or both');
    // input-output-resultwriter.html: Transformation NONE, COMPACT or FLATTEN; OutputType JSON or JSONL.
    const writerConfig = writer.WriterConfig ?? {};
    if (writerConfig.Transformation !== undefined && !['NONE', 'COMPACT', 'FLATTEN'].includes(writerConfig.Transformation)) {
      fail(`ResultWriter.WriterConfig.Transformation must be one of NONE, COMPACT, FLATTEN; got ${JSON.stringify(writerConfig.Transformation)}`);
    }
    if (writerConfig.OutputType !== undefined && !['JSON', 'JSONL'].includes(writerConfig.OutputType)) {
      fail(`ResultWriter.WriterConfig.OutputType must be JSON or JSONL; got ${JSON.stringify(writerConfig.OutputType)}`);
    }
    if (writer[other] !== undefined) fail(`ResultWriter.${other} is a ${language === 'JSONata' ? 'JSONPath' : 'JSONata'} field`);
  }
}
