import { ForkFailure, jsonPath } from '../engine';
import type { Execution } from '../engine';
import { ERRORS, StatesError } from '../errors';
import { evaluateExpression, evaluateTemplate, isExpression } from '../jsonata';
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
 *   `{ "Body": "<the object's text>" }`, ListObjectsV2's `{ "Contents": [...] }`; for an S3 Inventory `MANIFEST`, call 0
 *   answers the manifest.json and the following calls its CSV data files, in order) or the task handler (called with
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
 * - With a `ResultWriter` that has a Resource, the results are written (recorded, not sent: there is no S3
 *   offline) and the state's result is `{ "MapRunArn", "ResultWriterDetails": { "Bucket", "Key" } }`, the Key being
 *   `<Prefix>/<map run id>/manifest.json`. Without one, the result is the array of the children's outputs.
 */
export function isDistributed(state: any): boolean {
  return (state.ItemProcessor ?? state.Iterator)?.ProcessorConfig?.Mode === 'DISTRIBUTED';
}

/** AWS's cause when a Map Run fails on its tolerated failure threshold. */
export const EXCEEDED_CAUSE = 'The specified tolerated failure threshold was exceeded';

const CSV_DELIMITERS: Record<string, string> = { COMMA: ',', PIPE: '|', SEMICOLON: ';', SPACE: ' ', TAB: '\t' };

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
  let source = 'STATE_DATA';
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
    const itemContext = { ...context, Map: { Item: { Index: index, Value: item, Source: source } } };
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
      try {
        return await ex.runMachine(processor, children[index].input, {
          path: join(frame.path, `${name}/${index}`),
          language: frame.language,
          scope: new Scope(),
          fiber,
        });
      } catch (e) {
        if (!(e instanceof StatesError)) throw e;
        failedItems += children[index].weight;
        if (!allowed(failedItems)) throw new StatesError(ERRORS.EXCEED_TOLERATED_FAILURE_THRESHOLD, EXCEEDED_CAUSE);
        // A failed child's result is its execution's, unchanged (input-output-resultwriter.html): as DescribeExecution.
        const execution = fiber.executionContext!.Execution;
        return {
          Cause: e.cause,
          Error: e.error,
          ExecutionArn: execution.Id,
          Input: JSON.stringify(children[index].input),
          InputDetails: { Included: true },
          Name: execution.Name,
          StartDate: execution.StartTime,
          StateMachineArn: fiber.executionContext!.StateMachine.Id,
          Status: 'FAILED',
          StopDate: new Date(ex.now).toISOString(),
        };
      }
    });
  } catch (e) {
    if (!(e instanceof ForkFailure)) throw e;
    const failure = e.error;
    if (failure instanceof StatesError) {
      ex.history.add(frame.fiber, ex.now, 'MapRunFailed', () => ({ error: failure.error, cause: failure.cause }));
      throw new GivenError(failure.error, failure.cause);
    }
    throw failure;
  }
  ex.history.add(frame.fiber, ex.now, 'MapRunSucceeded');

  const result = await writeResults(ex, run, results, effective, context, mapRunId, mapRunArn);
  if (jsonata) return ex.jsonataOutput(run, state, { input, result, context }, result, state.Next);
  return ex.jsonPathOutput(state, input, result, context, frame);
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
  maxItems: number | undefined): Promise<{ items: any[]; source: string }> {
  const { name, state, frame } = run;
  const reader = state.ItemReader;
  const config = reader.ReaderConfig ?? {};
  const request = run.language === 'JSONata'
    ? (reader.Arguments !== undefined ? await evaluateTemplate(reader.Arguments, 'ItemReader.Arguments', ex.jsonataScope(run, { input: run.input, context })) : {})
    : (reader.Parameters !== undefined ? jsonPath().applyPayloadTemplate(reader.Parameters, ex.pathContext(effective, context, frame)) : {});
  const fail = (why: string): never => {
    throw new StatesError(ERRORS.ITEM_READER_FAILED, `State '${name}': ${why}`);
  };
  const limit = (items: any[]) => (maxItems !== undefined && maxItems > 0 ? items.slice(0, maxItems) : items);
  const resource: string = reader.Resource;
  if (resource === 'arn:aws:states:::s3:listObjectsV2') {
    const items: any[] = [];
    let params = request;
    for (;;) {
      const page = await call(ex, run, resource, params);
      if (page === null || typeof page !== 'object' || (page.Contents !== undefined && !Array.isArray(page.Contents))) {
        fail(`the ListObjectsV2 result must be an object with a Contents array; got ${JSON.stringify(page)?.slice(0, 200)}`);
      }
      for (const o of page.Contents ?? []) items.push(listedObject(o));
      if (maxItems !== undefined && maxItems > 0 && items.length >= maxItems) break;
      if (!page.IsTruncated || page.NextContinuationToken === undefined) break;
      params = { ...request, ContinuationToken: page.NextContinuationToken };
    }
    return { items: limit(items), source: `S3://${request.Bucket}` };
  }
  // s3:getObject
  const source = `S3://${request.Bucket}/${request.Key}`;
  const object = await call(ex, run, resource, request);
  const inputType = config.InputType ?? 'JSON';
  const body = object !== null && typeof object === 'object' && !Array.isArray(object) && 'Body' in object ? object.Body : object;
  const text = () => (typeof body === 'string' ? body : fail(`the GetObject result's Body must be the object's text for InputType ${inputType}; got ${JSON.stringify(body)?.slice(0, 200)}`));
  const parse = (t: string, what: string) => {
    try {
      return JSON.parse(t);
    } catch (e) {
      return fail(`${what} is not valid JSON: ${(e as Error).message}`);
    }
  };
  switch (inputType) {
    case 'JSON': {
      const value = typeof body === 'string' ? parse(body, `the object ${source}`) : body;
      if (!Array.isArray(value)) fail(`the object ${source} must hold a JSON array; got ${JSON.stringify(value)?.slice(0, 200)}`);
      return { items: limit(value), source };
    }
    case 'JSONL':
      return { items: limit(text().split(/\r?\n/).filter((l) => l.trim() !== '').map((l, i) => parse(l, `line ${i + 1} of ${source}`))), source };
    case 'CSV': {
      const delimiter = CSV_DELIMITERS[config.CSVDelimiter ?? 'COMMA'] ?? fail(`ReaderConfig.CSVDelimiter ${JSON.stringify(config.CSVDelimiter)} is not one of ${Object.keys(CSV_DELIMITERS).join(', ')}`);
      const rows = parseCsv(text(), delimiter);
      let headers: string[];
      if ((config.CSVHeaderLocation ?? 'FIRST_ROW') === 'GIVEN') {
        headers = config.CSVHeaders;
      } else {
        headers = rows.shift() ?? fail(`the object ${source} has no header row`);
      }
      return {
        items: limit(rows).map((row) => Object.fromEntries(headers.map((h, i) => [h, row[i] ?? '']))),
        source,
      };
    }
    case 'MANIFEST': {
      // An S3 Inventory manifest.json: its files are CSV data files (gzipped on S3; the mock gives their text), each
      // read with a further call of the same state; each row is an item keyed by the manifest's fileSchema.
      const manifest = typeof body === 'string' ? parse(body, `the manifest ${source}`) : body;
      if (manifest === null || typeof manifest !== 'object' || !Array.isArray(manifest.files) || typeof manifest.fileSchema !== 'string') {
        fail(`the manifest ${source} must be an S3 Inventory manifest.json (fileSchema, files); got ${JSON.stringify(manifest)?.slice(0, 200)}`);
      }
      if ((manifest.fileFormat ?? 'CSV') !== 'CSV') fail(`the manifest's fileFormat ${manifest.fileFormat} is not supported by the offline executor (CSV is)`);
      const columns = manifest.fileSchema.split(',').map((c: string) => c.trim());
      const bucket = String(manifest.destinationBucket ?? request.Bucket).replace(/^arn:[^:]+:s3:::/, '');
      const items: any[] = [];
      for (const file of manifest.files) {
        const data = await call(ex, run, resource, { Bucket: bucket, Key: file.key });
        const csv = data !== null && typeof data === 'object' && 'Body' in data ? data.Body : data;
        if (typeof csv !== 'string') fail(`the inventory file s3://${bucket}/${file.key} must be given as its CSV text in Body; got ${JSON.stringify(csv)?.slice(0, 200)}`);
        for (const row of parseCsv(csv, ',')) items.push(Object.fromEntries(columns.map((c: string, i: number) => [c, row[i] ?? ''])));
        if (maxItems !== undefined && maxItems > 0 && items.length >= maxItems) break;
      }
      return { items: limit(items), source };
    }
    default:
      return fail(`ReaderConfig.InputType ${inputType} is not supported by the offline executor (JSON, JSONL, CSV and MANIFEST are)`);
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

/** RFC 4180 CSV: quoted fields ("" is a quote inside one), CRLF or LF line ends, blank lines skipped. */
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

async function writeResults(ex: Execution, run: StateRun, results: any[], effective: any, context: any,
  mapRunId: string, mapRunArn: string): Promise<any> {
  const writer = run.state.ResultWriter;
  if (writer === undefined) return results;
  const transformation = writer.WriterConfig?.Transformation ?? (writer.Resource !== undefined ? 'NONE' : 'COMPACT');
  if (writer.Resource === undefined) {
    return transformation === 'FLATTEN' ? results.flatMap((r) => (Array.isArray(r) ? r : [r])) : results;
  }
  const params = run.language === 'JSONata'
    ? (writer.Arguments !== undefined ? await evaluateTemplate(writer.Arguments, 'ResultWriter.Arguments', ex.jsonataScope(run, { input: run.input, context })) : {})
    : (writer.Parameters !== undefined ? jsonPath().applyPayloadTemplate(writer.Parameters, ex.pathContext(effective, context, run.frame)) : {});
  const prefix = typeof params.Prefix === 'string' && params.Prefix !== '' ? `${params.Prefix.replace(/\/+$/, '')}/` : '';
  const key = `${prefix}${mapRunId}/manifest.json`;
  ex.trace?.(`[${ex.seconds(ex.now)}s] ${run.name}: ${results.length} results written (recorded, not sent) to s3://${params.Bucket}/${prefix}${mapRunId}/`);
  return { MapRunArn: mapRunArn, ResultWriterDetails: { Bucket: params.Bucket, Key: key } };
}
