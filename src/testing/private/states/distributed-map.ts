import * as zlib from 'zlib';
import { ForkFailure, jsonPath } from '../engine';
import type { Execution } from '../engine';
import { ERRORS, StatesError } from '../errors';
import { evaluateExpression, evaluateTemplate, isExpression } from '../jsonata';
import { parquetBytes, parquetRows } from '../parquet';
import type { Fiber } from '../scheduler';
import { GivenError, Scope, join, StateRun, StepResult } from './common';
import { answerCall } from './task';

/**
 * Map in Distributed mode (`ItemProcessor.ProcessorConfig.Mode: DISTRIBUTED`), as the developer guide describes it
 * (state-map-distributed.html, input-output-itemreader.html, input-output-itemselector.html,
 * input-output-itembatcher.html, input-output-resultwriter.html, maprun-fail-threshold.html):
 *
 * - The items come from the state input (`ItemsPath` / JSONata `Items`) or from the `ItemReader`'s S3 call, which
 *   the mock config answers (the Map state's name is the mocked state; the response is S3's result: GetObject's
 *   `{ "Body": "<the object's text>" }`, for InputType PARQUET the object's bytes base64-encoded (see ../parquet.ts),
 *   ListObjectsV2's `{ "Contents": [...] }`; for an S3 Inventory (`InputType: MANIFEST` or `ManifestType:
 *   S3_INVENTORY`), call 0 answers the manifest.json and the following calls its CSV data files, in order; for an
 *   Athena manifest (`ManifestType: ATHENA_DATA`), call 0 answers the manifest and the following calls the data files
 *   it lists; GZIP/ZSTD-compressed objects are decompressed, see `decompress`) or the task handler (called with
 *   the Map state's name, the reader's Resource and its Parameters/Arguments as the request).
 * - `ReaderConfig.MaxItems` (`MaxItemsPath`) keeps the first N items; `ItemSelector` builds each item's input with
 *   `$$.Map.Item.Index`, `Value` and `Source` (`STATE_DATA`, `S3://bucket/key`, `S3://bucket` for a listing);
 *   `ItemBatcher` groups them (`MaxItemsPerBatch`, `MaxInputBytesPerBatch` and their Path forms) into child inputs
 *   `{ "BatchInput": …, "Items": [...] }`.
 * - Each item (or batch) is a child workflow execution: a thread of the scheduler, at most `MaxConcurrency` at a
 *   time (0: all at once), in item order. A child execution has its own history (its events are not in the
 *   parent's; the parent records `MapRunStarted` and `MapRunSucceeded`/`MapRunFailed`) and its own variables (it
 *   does not see the parent's) and its own context object: `$$.Execution` (Id
 *   `arn:aws:states:<region>:<account>:execution:<machine>/<label>:<uuid>`, `express:` for EXPRESS children; Input: the
 *   child's input) and `$$.StateMachine` (`<machine>/<label>`), the Label defaulting to the state's name. Its states
 *   are in `result.states` with the path `Map/<index>`. The state
 *   transitions of STANDARD children count in `stateTransitions` (AWS bills them); EXPRESS children's do not.
 * - Failed children are tolerated up to `ToleratedFailureCount` / `ToleratedFailurePercentage` (of the items; a
 *   failed batch counts all its items); when the failures exceed the threshold (0 when neither is set) the Map Run
 *   fails at that moment with `States.ExceedToleratedFailureThreshold` and the children still running are stopped.
 *   A tolerated failure's entry in the results is the failed execution's own result, unchanged, as the ResultWriter
 *   page says (DescribeExecution's members: Cause, Error, ExecutionArn, Input, InputDetails, Name, StartDate,
 *   StateMachineArn, Status FAILED, StopDate).
 * - With a `ResultWriter` that has a Resource, the results are exported as AWS exports them (see `exportResults`:
 *   SUCCEEDED_0.json, FAILED_0.json, PENDING_0.json and manifest.json, in `result.writtenObjects`, and sent as PutObject
 *   calls with `sendResultWriterCalls`), also when the Map Run fails, and the state's result is
 *   `{ "MapRunArn", "ResultWriterDetails": { "Bucket", "Key" } }`, the Key being
 *   `<Prefix>/<map run id>/manifest.json`. With only a `WriterConfig`, the state's result is the results as its
 *   Transformation shapes them (NONE: each child's execution result; COMPACT: the outputs; FLATTEN: the outputs,
 *   arrays flattened); without a ResultWriter, the array of the children's outputs. The Map Run ARN
 *   (`…:mapRun:<machine>/<label>:<id>`), the children's ARNs and the execution-result members follow the
 *   ResultWriter page's examples.
 * - `ReaderConfig.Transformation: LOAD_AND_FLATTEN` on a ListObjectsV2 reader reads each listed object with GetObject
 *   (further calls of the same state) and iterates over its records (InputType JSON, JSONL, CSV or PARQUET), each item's
 *   `Map.Item.Source` being its object; `ReaderConfig.ItemsPointer` (a JSON Pointer) selects the array in a JSON object.
 * - Our choice (AWS documents the error, not its cause): a Map Run over its threshold fails with the cause
 *   "The specified tolerated failure threshold was exceeded".
 */
export function isDistributed(state: any): boolean {
  return (state.ItemProcessor ?? state.Iterator)?.ProcessorConfig?.Mode === 'DISTRIBUTED';
}

/** The cause when a Map Run fails on its tolerated failure threshold (AWS names the error, not its cause: our choice). */
export const EXCEEDED_CAUSE = 'The specified tolerated failure threshold was exceeded';

const CSV_DELIMITERS: Record<string, string> = { COMMA: ',', PIPE: '|', SEMICOLON: ';', SPACE: ' ', TAB: '\t' };

/** A child execution's result as the ResultWriter writes it (DescribeExecution's members, PascalCase). */
type ChildRecord = Record<string, any>;

interface Child {
  readonly input: any;
  /** Items in this child (1 without batching). */
  readonly weight: number;
}

export async function runDistributedMap(ex: Execution, run: StateRun, attempt: number): Promise<StepResult> {
  const { name, state, input, frame } = run;
  const context = ex.context(run, attempt);
  const jsonata = run.language === 'JSONata';
  const processor = state.ItemProcessor ?? state.Iterator;
  const scope = () => ex.jsonataScope(run, { input, context });
  const effective = jsonata ? input : ex.readPath(state.InputPath, input, context, frame);
  const pathValue = (path: string) => jsonPath().readPath(path, ex.pathContext(effective, context, frame));
  /** A number field of the state (its `…Path` form in JSONPath, an expression in JSONata). */
  const numberField = async (holder: any, field: string, where: string): Promise<number | undefined> => {
    let value: any;
    let label = `${where}${field}`;
    if (holder?.[field] !== undefined) {
      value = jsonata && isExpression(holder[field]) ? await evaluateExpression(holder[field], label, scope()) : holder[field];
    } else if (!jsonata && holder?.[`${field}Path`] !== undefined) {
      label = `${where}${field}Path '${holder[`${field}Path`]}'`;
      value = pathValue(holder[`${field}Path`]);
    } else {
      return undefined;
    }
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new StatesError(jsonata ? ERRORS.QUERY_EVALUATION : ERRORS.RUNTIME, `State '${name}': ${label} must be a non-negative number; got ${JSON.stringify(value)}`);
    }
    return value;
  };

  // The items and where they come from.
  let items: any[];
  let source: string | string[] = 'STATE_DATA';
  if (state.ItemReader !== undefined) {
    const read = await readItems(ex, run, effective, context, await numberField(state.ItemReader.ReaderConfig, 'MaxItems', 'ItemReader.ReaderConfig.'));
    items = read.items;
    source = read.source;
  } else {
    const value = jsonata
      ? (state.Items !== undefined ? await evaluateTemplate(state.Items, 'Items', scope()) : input)
      : ex.readPath(state.ItemsPath, effective, context, frame);
    if (!Array.isArray(value)) {
      throw new StatesError(jsonata ? ERRORS.QUERY_EVALUATION : ERRORS.RUNTIME,
        `State '${name}': the items to iterate over must be an array; got ${JSON.stringify(value)?.slice(0, 200)}`);
    }
    items = value;
  }

  const maxConcurrency = (await numberField(state, 'MaxConcurrency', '')) ?? 0;
  const toleratedCount = await numberField(state, 'ToleratedFailureCount', '');
  const toleratedPercentage = await numberField(state, 'ToleratedFailurePercentage', '');
  if (toleratedPercentage !== undefined && toleratedPercentage > 100) {
    throw new StatesError(jsonata ? ERRORS.QUERY_EVALUATION : ERRORS.RUNTIME, `State '${name}': ToleratedFailurePercentage must be between 0 and 100; got ${toleratedPercentage}`);
  }

  // Each item's input (ItemSelector), then the batches.
  const selector = state.ItemSelector ?? state.Parameters;
  const selected: any[] = [];
  for (let index = 0; index < items.length; index++) {
    const item = items[index];
    if (selector === undefined) {
      selected.push(item);
      continue;
    }
    const itemContext = { ...context, Map: { Item: { Index: index, Value: item, Source: Array.isArray(source) ? source[index] : source } } };
    selected.push(jsonata
      ? await evaluateTemplate(selector, 'ItemSelector', ex.jsonataScope(run, { input, context: itemContext }))
      : jsonPath().applyPayloadTemplate(selector, ex.pathContext(effective, itemContext, frame)));
  }
  const children = await batch(ex, run, selected, effective, context, numberField, scope);

  // The Map Run.
  const mapRunId = ex.random.uuid();
  const label = state.Label ?? name;
  const mapRunArn = `arn:aws:states:${ex.region}:${ex.account}:mapRun:${ex.stateMachineName}/${label}:${mapRunId}`;
  ex.history.add(frame.fiber, ex.now, 'MapRunStarted', () => ({ mapRunArn }));
  const express = processor.ProcessorConfig?.ExecutionType === 'EXPRESS';
  // Neither set: no failure is tolerated; both set: exceeding either fails the Map Run (maprun-fail-threshold.html).
  const allowed = (failedItems: number) => {
    if (toleratedCount === undefined && toleratedPercentage === undefined) return failedItems === 0;
    if (toleratedCount !== undefined && failedItems > toleratedCount) return false;
    return toleratedPercentage === undefined || (failedItems * 100) / items.length <= toleratedPercentage;
  };
  let failedItems = 0;
  let results: any[];
  /** Each child's execution result (DescribeExecution's members), for the `NONE` transformation. */
  const succeededRecords: ChildRecord[] = new Array(children.length);
  /** Each failed child's execution result, by item index. */
  const failedRecords: ChildRecord[] = new Array(children.length);
  /** Each started child's context object (`Execution`, `StateMachine`). */
  const executions: any[] = new Array(children.length);
  try {
    results = await ex.fork(frame, children.length, maxConcurrency, async (index: number, fiber: Fiber) => {
      fiber.childEvents = { last: 1 }; // 1: the child's ExecutionStarted
      fiber.express = express;
      const childName = ex.random.uuid();
      const machine = `${ex.stateMachineName}/${label}`;
      fiber.executionContext = {
        Execution: {
          Id: `arn:aws:states:${ex.region}:${ex.account}:${express ? 'express' : 'execution'}:${machine}:${childName}`,
          Input: children[index].input,
          Name: childName,
          RoleArn: ex.executionContext.RoleArn,
          StartTime: new Date(ex.now).toISOString(),
          RedriveCount: 0,
        },
        StateMachine: { Id: `arn:aws:states:${ex.region}:${ex.account}:stateMachine:${machine}`, Name: machine },
      };
      executions[index] = fiber.executionContext;
      try {
        const output = await ex.runMachine(processor, children[index].input, {
          path: join(frame.path, `${name}/${index}`),
          language: frame.language,
          scope: new Scope(),
          fiber,
        });
        const execution = fiber.executionContext!.Execution;
        // The child's execution result, in the members and order of the ResultWriter page's `NONE` example.
        succeededRecords[index] = {
          ExecutionArn: execution.Id,
          Input: JSON.stringify(children[index].input),
          InputDetails: { Included: true },
          Name: execution.Name,
          Output: JSON.stringify(output ?? null),
          OutputDetails: { Included: true },
          RedriveCount: 0,
          RedriveStatus: 'NOT_REDRIVABLE',
          RedriveStatusReason: 'Execution is SUCCEEDED and cannot be redriven',
          StartDate: execution.StartTime,
          StateMachineArn: fiber.executionContext!.StateMachine.Id,
          Status: 'SUCCEEDED',
          StopDate: new Date(ex.now).toISOString(),
        };
        return output;
      } catch (e) {
        if (!(e instanceof StatesError)) throw e;
        failedItems += children[index].weight;
        // A failed child's result is its execution's, unchanged (input-output-resultwriter.html): as DescribeExecution.
        const execution = fiber.executionContext!.Execution;
        const record: ChildRecord = {
          Cause: e.cause,
          Error: e.error,
          ExecutionArn: execution.Id,
          Input: JSON.stringify(children[index].input),
          InputDetails: { Included: true },
          Name: execution.Name,
          RedriveCount: 0,
          StartDate: execution.StartTime,
          StateMachineArn: fiber.executionContext!.StateMachine.Id,
          Status: 'FAILED',
          StopDate: new Date(ex.now).toISOString(),
        };
        failedRecords[index] = record;
        if (!allowed(failedItems)) throw new StatesError(ERRORS.EXCEED_TOLERATED_FAILURE_THRESHOLD, EXCEEDED_CAUSE);
        return record;
      }
    });
  } catch (e) {
    if (!(e instanceof ForkFailure)) throw e;
    const failure = e.error;
    if (failure instanceof StatesError) {
      ex.history.add(frame.fiber, ex.now, 'MapRunFailed', () => ({ error: failure.error, cause: failure.cause }));
      // The Map Run failed: its results are still exported (input-output-resultwriter.html: FAILED_n.json holds the
      // failed, timed out and aborted children, PENDING_n.json those never started because the Map Run failed).
      if (run.state.ResultWriter?.Resource !== undefined) {
        const stopped = new Set(e.stopped);
        const failed: ChildRecord[] = [];
        const pending: ChildRecord[] = [];
        for (let i = 0; i < children.length; i++) {
          if (failedRecords[i] !== undefined) {
            failed.push(failedRecords[i]);
          } else if (succeededRecords[i] === undefined && executions[i] !== undefined && stopped.has(i)) {
            failed.push(abortedRecord(executions[i], children[i].input, ex.now));
          } else if (succeededRecords[i] === undefined) {
            pending.push(pendingRecord(children[i].input));
          }
        }
        const succeeded = succeededRecords.map((r, i) => (r !== undefined ? i : -1)).filter((i) => i >= 0);
        await exportResults(ex, run, effective, context, mapRunId, mapRunArn, {
          succeeded: succeeded.map((i) => succeededRecords[i]),
          outputs: succeeded.map((i) => JSON.parse(succeededRecords[i].Output)),
          failed,
          pending,
        });
      }
      throw new GivenError(failure.error, failure.cause);
    }
    throw failure;
  }
  ex.history.add(frame.fiber, ex.now, 'MapRunSucceeded');

  const failedSet = new Set<any>(failedRecords.filter((r) => r !== undefined));
  const records = results.map((r, i) => (failedSet.has(r) ? r : succeededRecords[i]));
  let result: any;
  const writer = state.ResultWriter;
  if (writer === undefined) {
    result = results;
  } else if (writer.Resource === undefined) {
    // Only a WriterConfig (a preview, nothing written): the state's output, shaped by the Transformation.
    result = transformResults(writer.WriterConfig?.Transformation ?? 'COMPACT', results, records, failedSet);
  } else {
    const ok = results.map((_r, i) => i).filter((i) => !failedSet.has(results[i]));
    result = await exportResults(ex, run, effective, context, mapRunId, mapRunArn, {
      succeeded: ok.map((i) => succeededRecords[i]),
      outputs: ok.map((i) => results[i]),
      failed: results.filter((r) => failedSet.has(r)),
      pending: [],
    });
  }
  if (jsonata) return ex.jsonataOutput(run, state, { input, result, context }, result, state.Next);
  return ex.jsonPathOutput(state, input, result, context, frame);
}

/** A child stopped when its Map Run failed: its execution result with Status ABORTED (our choice of members). */
function abortedRecord(execution: any, input: any, now: number): ChildRecord {
  return {
    ExecutionArn: execution.Execution.Id,
    Input: JSON.stringify(input),
    InputDetails: { Included: true },
    Name: execution.Execution.Name,
    RedriveCount: 0,
    StartDate: execution.Execution.StartTime,
    StateMachineArn: execution.StateMachine.Id,
    Status: 'ABORTED',
    StopDate: new Date(now).toISOString(),
  };
}

/** A child never started (its Map Run failed first): its input and Status PENDING (our choice: no execution yet). */
function pendingRecord(input: any): ChildRecord {
  return { Input: JSON.stringify(input), InputDetails: { Included: true }, Status: 'PENDING' };
}

// ---------------------------------------------------------------------------------------------------------------
// ItemBatcher

async function batch(ex: Execution, run: StateRun, selected: any[], effective: any, context: any,
  numberField: (holder: any, field: string, where: string) => Promise<number | undefined>, scope: () => any): Promise<Child[]> {
  const batcher = run.state.ItemBatcher;
  if (batcher === undefined) return selected.map((input) => ({ input, weight: 1 }));
  const maxItems = await numberField(batcher, 'MaxItemsPerBatch', 'ItemBatcher.');
  const maxBytes = await numberField(batcher, 'MaxInputBytesPerBatch', 'ItemBatcher.');
  let batchInput: any;
  if (batcher.BatchInput !== undefined) {
    batchInput = run.language === 'JSONata'
      ? await evaluateTemplate(batcher.BatchInput, 'ItemBatcher.BatchInput', scope())
      : jsonPath().applyPayloadTemplate(batcher.BatchInput, ex.pathContext(effective, context, run.frame));
  }
  const make = (items: any[]) => (batchInput !== undefined ? { BatchInput: batchInput, Items: items } : { Items: items });
  const children: Child[] = [];
  let current: any[] = [];
  for (const item of selected) {
    const next = [...current, item];
    const tooMany = maxItems !== undefined && next.length > maxItems;
    const tooBig = maxBytes !== undefined && Buffer.byteLength(JSON.stringify(make(next)), 'utf8') > maxBytes;
    if (current.length > 0 && (tooMany || tooBig)) {
      children.push({ input: make(current), weight: current.length });
      current = [item];
    } else {
      current = next;
    }
  }
  if (current.length > 0) children.push({ input: make(current), weight: current.length });
  return children;
}

// ---------------------------------------------------------------------------------------------------------------
// ItemReader

/** One call of the reader's S3 API, answered by the mock config (the Map state's name) or the task handler. */
async function call(ex: Execution, run: StateRun, resource: string, request: any): Promise<any> {
  const { name, frame } = run;
  const outcome = await answerCall(ex, run, { resource, request, attempt: 0 }, () => new StatesError(ERRORS.RUNTIME,
    `Map state '${name}' reads its items with ${resource}, which has no mocked response${ex.mocks ? ` in test case '${ex.mocks.testCase}'` : ''} `
    + 'and no task handler answers it: the offline executor never calls AWS'));
  await ex.advance(frame, outcome.durationSeconds ?? 0);
  if (outcome.error !== undefined) throw new GivenError(outcome.error, outcome.cause ?? '');
  return outcome.result;
}

async function readItems(ex: Execution, run: StateRun, effective: any, context: any,
  maxItems: number | undefined): Promise<{ items: any[]; source: string | string[] }> {
  const { name, state, frame } = run;
  const reader = state.ItemReader;
  const config = reader.ReaderConfig ?? {};
  const request = run.language === 'JSONata'
    ? (reader.Arguments !== undefined ? await evaluateTemplate(reader.Arguments, 'ItemReader.Arguments', ex.jsonataScope(run, { input: run.input, context })) : {})
    : (reader.Parameters !== undefined ? jsonPath().applyPayloadTemplate(reader.Parameters, ex.pathContext(effective, context, frame)) : {});
  const fail = (why: string): never => {
    throw new StatesError(ERRORS.ITEM_READER_FAILED, `State '${name}': ${why}`);
  };
  const enough = (items: any[]) => maxItems !== undefined && maxItems > 0 && items.length >= maxItems;
  const limit = <T>(items: T[]) => (maxItems !== undefined && maxItems > 0 ? items.slice(0, maxItems) : items);
  const resource: string = reader.Resource;
  if (resource === 'arn:aws:states:::s3:listObjectsV2') {
    const flatten = config.Transformation === 'LOAD_AND_FLATTEN';
    const listed: any[] = [];
    let params = request;
    for (;;) {
      const page = await call(ex, run, resource, params);
      if (page === null || typeof page !== 'object' || (page.Contents !== undefined && !Array.isArray(page.Contents))) {
        fail(`the ListObjectsV2 result must be an object with a Contents array; got ${JSON.stringify(page)?.slice(0, 200)}`);
      }
      for (const o of page.Contents ?? []) listed.push(listedObject(o));
      if (!flatten && enough(listed)) break;
      if (!page.IsTruncated || page.NextContinuationToken === undefined) break;
      params = { ...request, ContinuationToken: page.NextContinuationToken };
    }
    if (!flatten) return { items: limit(listed), source: `S3://${request.Bucket}` };
    // LOAD_AND_FLATTEN (input-output-itemreader.html, "Processing nested data sets"): each listed object is read
    // with GetObject (a further call of the same state: the next mocked response, or the task handler with the
    // Resource arn:aws:states:::s3:getObject and { Bucket, Key }) and parsed by InputType; its rows or records are
    // the items, in listing order, each with the object as its Map.Item.Source.
    const items: any[] = [];
    const sources: string[] = [];
    for (const o of listed) {
      const objectRequest = { Bucket: request.Bucket, Key: o.Key };
      const object = await call(ex, run, 'arn:aws:states:::s3:getObject', objectRequest);
      const source = `S3://${request.Bucket}/${o.Key}`;
      const remaining = maxItems !== undefined && maxItems > 0 ? maxItems - items.length : undefined;
      for (const item of await parseObject(object, config, source, remaining, fail)) {
        items.push(item);
        sources.push(source);
      }
      if (enough(items)) break;
    }
    return { items: limit(items), source: limit(sources) };
  }
  // s3:getObject
  const source = `S3://${request.Bucket}/${request.Key}`;
  // input-output-itemreader.html: "The VersionId field is not supported for InputType=Parquet". Whether AWS refuses it
  // when the state machine is created or when the state runs is not documented: the request is only known at run
  // time here (VersionId.$), so we fail the state, as AWS fails a reader it cannot run (our choice).
  if (config.InputType === 'PARQUET' && request.VersionId !== undefined) fail('the VersionId field is not supported for InputType PARQUET');
  const object = await call(ex, run, resource, request);
  if (config.ManifestType === 'ATHENA_DATA') return readAthenaManifest(ex, run, object, config, source, maxItems, fail);
  const inventory = config.ManifestType === 'S3_INVENTORY' || config.InputType === 'MANIFEST';
  if (!inventory) return { items: limit(await parseObject(object, config, source, maxItems, fail)), source };
  // An S3 Inventory manifest.json: its files are CSV data files (gzipped on S3; the mock gives their text), each
  // read with a further call of the same state; each row is an item keyed by the manifest's fileSchema.
  const body = bodyOf(object);
  const manifest = typeof body === 'string' ? parseJson(body, `the manifest ${source}`, fail) : body;
  if (manifest === null || typeof manifest !== 'object' || !Array.isArray(manifest.files) || typeof manifest.fileSchema !== 'string') {
    fail(`the manifest ${source} must be an S3 Inventory manifest.json (fileSchema, files); got ${JSON.stringify(manifest)?.slice(0, 200)}`);
  }
  if ((manifest.fileFormat ?? 'CSV') !== 'CSV') fail(`the manifest's fileFormat ${manifest.fileFormat} is not supported by the offline executor (CSV is)`);
  const columns = manifest.fileSchema.split(',').map((c: string) => c.trim());
  const bucket = String(manifest.destinationBucket ?? request.Bucket).replace(/^arn:[^:]+:s3:::/, '');
  const items: any[] = [];
  for (const file of manifest.files) {
    const data = await call(ex, run, resource, { Bucket: bucket, Key: file.key });
    const csv = decompress(bodyOf(data), `s3://${bucket}/${file.key}`, fail);
    if (typeof csv !== 'string') fail(`the inventory file s3://${bucket}/${file.key} must be given as its CSV text in Body; got ${JSON.stringify(csv)?.slice(0, 200)}`);
    for (const row of parseCsv(csv, ',')) items.push(Object.fromEntries(columns.map((c: string, i: number) => [c, row[i] ?? ''])));
    if (enough(items)) break;
  }
  return { items: limit(items), source };
}

/**
 * An Athena UNLOAD manifest (`ReaderConfig.ManifestType: ATHENA_DATA`, input-output-itemreader.html, "Athena manifest"):
 * a CSV list of the data files' S3 URIs (`s3://bucket/key`, one a line), each read with a further GetObject call of
 * the same state and parsed by InputType (CSV, JSONL or PARQUET; UNLOAD's CSV has no header row, so CSVHeaderLocation
 * applies to each file as configured). The items are the files' rows in manifest order, each with its file as
 * `Map.Item.Source`.
 */
async function readAthenaManifest(ex: Execution, run: StateRun, object: any, config: any, source: string, maxItems: number | undefined,
  fail: (why: string) => never): Promise<{ items: any[]; source: string[] }> {
  const text = decompress(bodyOf(object), source, fail);
  if (typeof text !== 'string') fail(`the Athena manifest ${source} must be given as its CSV text in Body; got ${JSON.stringify(text)?.slice(0, 200)}`);
  const items: any[] = [];
  const sources: string[] = [];
  for (const [uri] of parseCsv(text, ',')) {
    if (uri === undefined || uri.trim() === '') continue;
    const match = /^s3:\/\/([^/]+)\/(.+)$/i.exec(uri.trim());
    if (!match) fail(`the Athena manifest ${source} lists ${JSON.stringify(uri)}, which is not an S3 URI (s3://bucket/key)`);
    const [, bucket, key] = match!;
    const data = await call(ex, run, 'arn:aws:states:::s3:getObject', { Bucket: bucket, Key: key });
    const file = `S3://${bucket}/${key}`;
    const remaining = maxItems !== undefined && maxItems > 0 ? maxItems - items.length : undefined;
    for (const item of await parseObject(data, config, file, remaining, fail)) {
      items.push(item);
      sources.push(file);
    }
    if (maxItems !== undefined && maxItems > 0 && items.length >= maxItems) break;
  }
  const limit = <T>(list: T[]) => (maxItems !== undefined && maxItems > 0 ? list.slice(0, maxItems) : list);
  return { items: limit(items), source: limit(sources) };
}

const GZIP_MAGIC = [0x1f, 0x8b];
const ZSTD_MAGIC = [0x28, 0xb5, 0x2f, 0xfd];

/**
 * A GZIP- or ZSTD-compressed object, decompressed (input-output-itemreader.html: "Input files support the following
 * external compression types: GZIP, ZSTD", e.g. `myObject.jsonl.gz`, `myObject.csv.zstd`). What AWS does not say is how
 * it recognizes one; we go by the key's extension (`.gz`, `.gzip`; `.zst`, `.zstd`) and the bytes' magic number: the
 * Body is then the compressed bytes base64-encoded (or a Buffer). A Body that is not compressed (text given for a `.gz`
 * key) is used as it is. ZSTD needs Node.js 22.15 or later (zlib's zstdDecompressSync).
 */
function decompress(body: any, source: string, fail: (why: string) => never): any {
  const codec = /\.(gz|gzip)$/i.test(source) ? 'GZIP' : /\.(zst|zstd)$/i.test(source) ? 'ZSTD' : undefined;
  if (codec === undefined) return body;
  let bytes: Buffer | undefined;
  if (Buffer.isBuffer(body) || body instanceof Uint8Array) bytes = Buffer.from(body);
  else if (typeof body === 'string' && /^[A-Za-z0-9+/=\s]+$/.test(body)) bytes = Buffer.from(body, 'base64');
  const magic = codec === 'GZIP' ? GZIP_MAGIC : ZSTD_MAGIC;
  if (bytes === undefined || bytes.length < magic.length || magic.some((b, i) => bytes![i] !== b)) return body;
  try {
    if (codec === 'GZIP') return zlib.gunzipSync(bytes).toString('utf8');
    const zstd = (zlib as any).zstdDecompressSync as ((b: Uint8Array) => Buffer) | undefined;
    if (zstd === undefined) fail(`the object ${source} is ZSTD-compressed, which the offline executor decompresses with Node.js's zlib from Node.js 22.15 on (this is ${process.version})`);
    return zstd!(bytes).toString('utf8');
  } catch (e) {
    if (e instanceof StatesError) throw e;
    return fail(`the object ${source} is not valid ${codec}: ${(e as Error).message}`);
  }
}

/** GetObject's result: `{ "Body": … }` (S3's member), or the body itself. */
function bodyOf(object: any): any {
  return object !== null && typeof object === 'object' && !Array.isArray(object) && 'Body' in object ? object.Body : object;
}

function parseJson(text: string, what: string, fail: (why: string) => never): any {
  try {
    return JSON.parse(text);
  } catch (e) {
    return fail(`${what} is not valid JSON: ${(e as Error).message}`);
  }
}

/** RFC 6901 JSON Pointer (ReaderConfig.ItemsPointer): `/inventory/products/featured`. */
function pointer(value: any, path: string, source: string, fail: (why: string) => never): any {
  if (path === '') return value;
  if (!path.startsWith('/')) fail(`ReaderConfig.ItemsPointer must be a JSON Pointer starting with '/'; got ${JSON.stringify(path)}`);
  let node = value;
  for (const raw of path.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object' || !(key in node)) fail(`ReaderConfig.ItemsPointer ${path} selects nothing in ${source}`);
    node = node[key];
  }
  return node;
}

/**
 * One object's items by ReaderConfig.InputType (JSON, JSONL, CSV, PARQUET), as input-output-itemreader.html describes;
 * a PARQUET object's rows are read up to `maxItems` (the others are never decoded).
 */
async function parseObject(object: any, config: any, source: string, maxItems: number | undefined, fail: (why: string) => never): Promise<any[]> {
  const inputType = config.InputType ?? 'JSON';
  // Parquet is compressed inside the file (../parquet.ts); other objects may be compressed as a whole.
  const body = inputType === 'PARQUET' ? bodyOf(object) : decompress(bodyOf(object), source, fail);
  const text = () => (typeof body === 'string' ? body : fail(`the GetObject result's Body must be the object's text for InputType ${inputType}; got ${JSON.stringify(body)?.slice(0, 200)}`));
  switch (inputType) {
    case 'JSON': {
      let value = typeof body === 'string' ? parseJson(body, `the object ${source}`, fail) : body;
      if (config.ItemsPointer !== undefined) value = pointer(value, config.ItemsPointer, source, fail);
      if (!Array.isArray(value)) fail(`the object ${source} must hold a JSON array; got ${JSON.stringify(value)?.slice(0, 200)}`);
      return value;
    }
    case 'JSONL':
      return text().split(/\r?\n/).filter((l) => l.trim() !== '').map((l, i) => parseJson(l, `line ${i + 1} of ${source}`, fail));
    case 'CSV': {
      const delimiter = CSV_DELIMITERS[config.CSVDelimiter ?? 'COMMA'] ?? fail(`ReaderConfig.CSVDelimiter ${JSON.stringify(config.CSVDelimiter)} is not one of ${Object.keys(CSV_DELIMITERS).join(', ')}`);
      const rows = parseCsv(text(), delimiter);
      const headers: string[] = (config.CSVHeaderLocation ?? 'FIRST_ROW') === 'GIVEN'
        ? config.CSVHeaders
        : rows.shift() ?? fail(`the object ${source} has no header row`);
      // Fewer fields than headers: empty strings; more: the extra fields are skipped (input-output-itemreader.html).
      return rows.map((row) => Object.fromEntries(headers.map((h, i) => [h, row[i] ?? ''])));
    }
    case 'PARQUET':
      // A binary object: the mock gives its bytes base64-encoded in Body (a task handler may give a Buffer).
      return parquetRows(parquetBytes(body, fail), source, maxItems, fail);
    default:
      return fail(`ReaderConfig.InputType ${inputType} is not supported by the offline executor (JSON, JSONL, CSV, PARQUET and MANIFEST are)`);
  }
}

/** An object of a ListObjectsV2 result as a Distributed Map item: Etag, Key, LastModified (epoch seconds), Size, StorageClass. */
function listedObject(o: any): any {
  const modified = o.LastModified;
  return {
    Etag: o.ETag ?? o.Etag,
    Key: o.Key,
    LastModified: typeof modified === 'string' ? Math.floor(Date.parse(modified) / 1000) : modified,
    Size: o.Size,
    StorageClass: o.StorageClass,
  };
}

/**
 * CSV as input-output-itemreader.html's parsing rules say: RFC 4180 quoted fields ("" is a quote inside one), CRLF or LF
 * line ends, blank lines skipped, and backslash escapes: a backslash before a backslash, a double quote or the
 * delimiter keeps that character as text; "a backslash followed by any other character is silently removed" (the
 * character stays).
 */
export function parseCsv(text: string, delimiter: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let any = false;
  const endRow = () => {
    if (any || row.length > 0) {
      row.push(field);
      rows.push(row);
    }
    row = [];
    field = '';
    any = false;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\') {
      const next = text[i + 1];
      if (next === '\\' || next === '"' || next === delimiter) {
        field += next;
        i++;
      }
      any = true;
      continue;
    }
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c === '"') {
      quoted = true;
      any = true;
    } else if (c === delimiter) {
      row.push(field);
      field = '';
      any = true;
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      endRow();
    } else {
      field += c;
      any = true;
    }
  }
  endRow();
  return rows;
}

// ---------------------------------------------------------------------------------------------------------------
// ResultWriter

/**
 * The results as the ResultWriter's `WriterConfig.Transformation` shapes them (input-output-resultwriter.html):
 * `NONE`, each child's execution result (ExecutionArn, Input, InputDetails, Name, Output as JSON text, OutputDetails,
 * RedriveCount, RedriveStatus, RedriveStatusReason, StartDate, StateMachineArn, Status, StopDate); `COMPACT`, the
 * children's outputs; `FLATTEN`, the outputs with array outputs flattened into the list. A failed child's entry is
 * its execution result unchanged under every transformation.
 */
export function transformResults(transformation: string, outputs: any[], records: ChildRecord[], failed: Set<any>): any[] {
  switch (transformation) {
    case 'NONE': return records;
    case 'COMPACT': return outputs;
    case 'FLATTEN': return outputs.flatMap((r) => (Array.isArray(r) && !failed.has(r) ? r : [r]));
    default: throw new StatesError(ERRORS.RUNTIME, `ResultWriter.WriterConfig.Transformation must be one of NONE, COMPACT, FLATTEN; got ${JSON.stringify(transformation)}`);
  }
}

/** The children's results of one Map Run, by the file they go to. */
interface MapRunResults {
  /** Succeeded children's execution results (the `NONE` entries), in item order. */
  readonly succeeded: ChildRecord[];
  /** Their outputs (the `COMPACT` entries), in the same order. */
  readonly outputs: any[];
  /** Failed, timed out and aborted children's execution results, in item order. */
  readonly failed: ChildRecord[];
  /** Children never started, in item order. */
  readonly pending: ChildRecord[];
}

/**
 * Exports a Map Run's results as input-output-resultwriter.html ("Exporting to Amazon S3") describes, under
 * `<Prefix>/<map run id>/`: `SUCCEEDED_0.json` (the succeeded children, shaped by `WriterConfig.Transformation`, NONE
 * by default), `FAILED_0.json` (the failed, timed out and aborted children's execution results, unchanged),
 * `PENDING_0.json` (children not started because the Map Run failed), each only when it has entries and formatted by
 * `WriterConfig.OutputType` (JSON: a JSON array; JSONL: one JSON value a line), then `manifest.json`. AWS starts a
 * new file (`_1`, …) past 5 GB, which an offline run never reaches.
 *
 * The manifest's members are not spelled out on the page ("Map Run metadata, such as export location, Map Run ARN,
 * and information about the result files"); we write them as manifests written by AWS read:
 * `{ "DestinationBucket", "MapRunArn", "ResultFiles": { "FAILED": [{ "Key", "Size" }], "PENDING": [...],
 * "SUCCEEDED": [...] } }`, Key being the object's whole key and Size its bytes. Under OutputType JSONL the files keep
 * the page's `.json` names (our choice: the page names no other), and the lines are joined with `\n`.
 *
 * Each object is kept in `result.writtenObjects`; with `sendResultWriterCalls` each is also a PutObject call of the
 * Map state (`{ Bucket, Key, Body }`, answered by the mock config or the task handler). A call that fails fails the
 * state with `States.ResultWriterFailed` (the page's error when the bucket cannot be written).
 *
 * @returns the state's result: `{ MapRunArn, ResultWriterDetails: { Bucket, Key } }`
 */
async function exportResults(ex: Execution, run: StateRun, effective: any, context: any, mapRunId: string, mapRunArn: string,
  results: MapRunResults): Promise<any> {
  const writer = run.state.ResultWriter;
  const params = run.language === 'JSONata'
    ? (writer.Arguments !== undefined ? await evaluateTemplate(writer.Arguments, 'ResultWriter.Arguments', ex.jsonataScope(run, { input: run.input, context })) : {})
    : (writer.Parameters !== undefined ? jsonPath().applyPayloadTemplate(writer.Parameters, ex.pathContext(effective, context, run.frame)) : {});
  const prefix = typeof params.Prefix === 'string' && params.Prefix !== '' ? `${params.Prefix.replace(/\/+$/, '')}/` : '';
  const bucket = params.Bucket;
  const directory = `${prefix}${mapRunId}/`;
  // Exported without a WriterConfig: NONE (input-output-resultwriter.html).
  const transformation = writer.WriterConfig?.Transformation ?? 'NONE';
  const jsonLines = writer.WriterConfig?.OutputType === 'JSONL';
  const format = (entries: any[]) => (jsonLines ? entries.map((e) => JSON.stringify(e)).join('\n') : JSON.stringify(entries));
  const put = async (key: string, body: string) => {
    ex.writtenObjects.push({ stateName: run.name, path: run.frame.path, bucket, key, body, time: new Date(ex.now).toISOString() });
    ex.trace?.(`[${ex.seconds(ex.now)}s] ${run.name}: ResultWriter wrote s3://${bucket}/${key} (${Buffer.byteLength(body, 'utf8')} bytes)`);
    if (!ex.options.sendResultWriterCalls) return;
    const resource = 'arn:aws:states:::s3:putObject';
    const request = { Bucket: bucket, Key: key, Body: body };
    const outcome = await answerCall(ex, run, { resource, request, attempt: 0 }, () => new StatesError(ERRORS.RUNTIME,
      `Map state '${run.name}' writes its results with ${resource}, which has no mocked response${ex.mocks ? ` in test case '${ex.mocks.testCase}'` : ''} `
      + 'and no task handler answers it: the offline executor never calls AWS'));
    await ex.advance(run.frame, outcome.durationSeconds ?? 0);
    if (outcome.error !== undefined) {
      throw new StatesError(ERRORS.RESULT_WRITER_FAILED, `State '${run.name}': writing s3://${bucket}/${key} failed with ${outcome.error}${outcome.cause ? `: ${outcome.cause}` : ''}`);
    }
  };
  const files: Record<string, Array<{ Key: string; Size: number }>> = { FAILED: [], PENDING: [], SUCCEEDED: [] };
  const entries: Record<string, any[]> = {
    SUCCEEDED: transformResults(transformation, results.outputs, results.succeeded, new Set()),
    FAILED: results.failed,
    PENDING: results.pending,
  };
  for (const status of ['SUCCEEDED', 'FAILED', 'PENDING']) {
    if (entries[status].length === 0) continue;
    const key = `${directory}${status}_0.json`;
    const body = format(entries[status]);
    await put(key, body);
    files[status].push({ Key: key, Size: Buffer.byteLength(body, 'utf8') });
  }
  const manifestKey = `${directory}manifest.json`;
  await put(manifestKey, JSON.stringify({ DestinationBucket: bucket, MapRunArn: mapRunArn, ResultFiles: files }));
  return { MapRunArn: mapRunArn, ResultWriterDetails: { Bucket: bucket, Key: manifestKey } };
}
