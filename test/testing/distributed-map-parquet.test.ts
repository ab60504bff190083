/**
 * A Distributed Map reading Apache Parquet objects (ItemReader ReaderConfig.InputType PARQUET) on the offline executor.
 * AWS: "ItemReader (Map)", Parquet file in an Amazon S3 bucket, and "Processing nested data sets" (LOAD_AND_FLATTEN)
 *      https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itemreader.html
 *      States.ItemReaderFailed: https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html
 * The Parquet objects are written here, in each test, with hyparquet-writer (a devDependency); the mocked GetObject
 * answers with their bytes base64-encoded in Body.
 */
import * as zlib from 'zlib';
import { testing } from '../../src';
import { parquetValueToJson } from '../../src/testing/private/parquet';
import { validateAsl } from '../support/asl';

const { Workflow } = testing;

interface Column { readonly name: string; readonly data: readonly unknown[]; readonly type?: string }
interface Writer {
  parquetWriteBuffer(options: { columnData: Column[]; schema?: any[]; rowGroupSize?: number; codec?: string; compressors?: any }): ArrayBuffer;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const writer = require('hyparquet-writer') as Writer;

/** A Parquet file's bytes, base64-encoded: the Body of the mocked GetObject. */
function parquet(columnData: Column[], options: { schema?: any[]; rowGroupSize?: number; codec?: string } = {}): string {
  const compressors = { GZIP: (b: Uint8Array) => new Uint8Array(zlib.gzipSync(b)) };
  return Buffer.from(writer.parquetWriteBuffer({ columnData, compressors, ...options })).toString('base64');
}

/** Three rows with the common column types, one of them all nulls; two rows per row group. */
const PEOPLE = parquet([
  { name: 'id', data: [1, 2, null], type: 'INT32' },
  { name: 'big', data: [7n, 9007199254740993n, null], type: 'INT64' },
  { name: 'score', data: [1.5, -0.25, null], type: 'DOUBLE' },
  { name: 'ok', data: [true, false, null], type: 'BOOLEAN' },
  { name: 'name', data: ['ann', 'bøb', null], type: 'STRING' },
  { name: 'at', data: [new Date('2025-09-11T10:00:00.123Z'), new Date(0), null], type: 'TIMESTAMP' },
  { name: 'meta', data: [{ a: [1, 2] }, { a: [] }, null], type: 'JSON' },
], { rowGroupSize: 2 });

const PEOPLE_ITEMS = [
  { id: 1, big: 7, score: 1.5, ok: true, name: 'ann', at: '2025-09-11T10:00:00.123Z', meta: { a: [1, 2] } },
  // an INT64 beyond 2^53 is rounded as JSON.parse rounds it (our choice: AWS does not say)
  { id: 2, big: 9007199254740992, score: -0.25, ok: false, name: 'bøb', at: '1970-01-01T00:00:00.000Z', meta: { a: [] } },
  { id: null, big: null, score: null, ok: null, name: null, at: null, meta: null },
];

function processor(states: Record<string, any>): any {
  return { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: Object.keys(states)[0], States: states };
}

const languages = ['JSONPath', 'JSONata'] as const;
type Language = typeof languages[number];

/** A Distributed Map reading s3://data/<input key> as PARQUET; its children pass their input on. */
function parquetMap(language: Language, readerConfig: Record<string, any> = {}, extra: Record<string, any> = {}): any {
  const jsonata = language === 'JSONata';
  return {
    Type: 'Map',
    ItemReader: {
      Resource: 'arn:aws:states:::s3:getObject',
      ReaderConfig: { InputType: 'PARQUET', ...readerConfig },
      ...(jsonata ? { Arguments: { Bucket: 'data', Key: '{% $states.input.key %}' } } : { Parameters: { 'Bucket': 'data', 'Key.$': '$.key' } }),
    },
    ItemProcessor: processor({ P: { Type: 'Pass', End: true } }),
    ...extra,
  };
}

function mocks(...bodies: unknown[]): any {
  return {
    StateMachines: { SM: { TestCases: { T: { Read: 'Objects' } } } },
    MockedResponses: { Objects: Object.fromEntries(bodies.map((b, i) => [String(i), { Return: { Body: b } }])) },
  };
}
const run = (definition: any, mockConfig: any, input: any = { key: 'people.parquet' }) =>
  Workflow.fromDefinition(definition).execute({ input, mockConfig, testCase: 'T', stateMachineName: 'SM' });

describe.each(languages)('%s: each row of a PARQUET object is an item, at every depth', (language) => {
  const jsonata = language === 'JSONata';
  const top = (states: Record<string, any>) => ({ ...(jsonata ? { QueryLanguage: 'JSONata' } : {}), StartAt: Object.keys(states)[0], States: states });
  /** The states (starting at Read) at the top level, in a Parallel branch, in an inline Map's iterations. */
  const places: Array<[string, (states: Record<string, any>) => any]> = [
    ['top level', (states) => top(states)],
    ['inside a Parallel', (states) => top({
      Par: {
        Type: 'Parallel',
        Branches: [{ StartAt: 'Read', States: states }],
        ...(jsonata ? { Output: '{% $states.result[0] %}' } : { OutputPath: '$[0]' }),
        End: true,
      },
    })],
    ['inside an inline Map', (states) => top({
      Outer: {
        Type: 'Map',
        ...(jsonata ? { Items: '{% [$states.input] %}', Output: '{% $states.result[0] %}' } : { ItemsPath: '$.wrapped', OutputPath: '$[0]' }),
        ItemProcessor: { StartAt: 'Read', States: states },
        End: true,
      },
    })],
  ];

  test.each(places)('%s: column names are the keys; ints, int64s, doubles, booleans, strings, timestamps, JSON and nulls as JSON', async (_where, place) => {
    // GIVEN
    const definition = place({ Read: { ...parquetMap(language), End: true } });
    validateAsl(definition);

    // WHEN
    const result = await run(definition, mocks(PEOPLE), { key: 'people.parquet', wrapped: [{ key: 'people.parquet' }] });

    // THEN
    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toEqual(PEOPLE_ITEMS);
    expect(result.unusedMocks).toEqual([]);
  });

  test.each(places)('%s: a body that is not a Parquet file fails with States.ItemReaderFailed, which a Catch handles', async (_where, place) => {
    // GIVEN: the object is a CSV file
    const withCatch = place({
      Read: { ...parquetMap(language), Catch: [{ ErrorEquals: ['States.ItemReaderFailed'], Next: 'Unreadable' }], Next: 'Done' },
      Done: { Type: 'Pass', End: true },
      Unreadable: { Type: 'Pass', End: true },
    });
    validateAsl(withCatch);
    const csv = Buffer.from('id,name\n1,ann\n').toString('base64');

    // WHEN
    const result = await run(withCatch, mocks(csv), { key: 'people.parquet', wrapped: [{ key: 'people.parquet' }] });

    // THEN
    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toEqual({
      Error: 'States.ItemReaderFailed',
      Cause: "State 'Read': the object S3://data/people.parquet is not a readable Parquet file: it does not begin and end with the magic number PAR1",
    });
  });

  test('ReaderConfig.MaxItems keeps the first rows, across row groups', async () => {
    // GIVEN: 5 rows, 2 per row group
    const body = parquet([{ name: 'n', data: [0, 1, 2, 3, 4], type: 'INT32' }], { rowGroupSize: 2 });
    const definition = top({ Read: { ...parquetMap(language, { MaxItems: jsonata ? '{% $states.input.max %}' : 3 }), End: true } });
    validateAsl(definition);

    // WHEN
    const result = await run(definition, mocks(body), { key: 'n.parquet', max: 3 });

    // THEN
    expect(result.output).toEqual([{ n: 0 }, { n: 1 }, { n: 2 }]);
  });

  test('ItemSelector sees each row as Map.Item.Value, its index and the object as Map.Item.Source', async () => {
    // GIVEN
    const selector = jsonata
      ? { i: '{% $states.context.Map.Item.Index %}', who: '{% $states.context.Map.Item.Value.name %}', src: '{% $states.context.Map.Item.Source %}' }
      : { 'i.$': '$$.Map.Item.Index', 'who.$': '$$.Map.Item.Value.name', 'src.$': '$$.Map.Item.Source' };
    const definition = top({ Read: { ...parquetMap(language, {}, { ItemSelector: selector }), End: true } });
    validateAsl(definition);

    // WHEN
    const result = await run(definition, mocks(PEOPLE));

    // THEN
    expect(result.output).toEqual([
      { i: 0, who: 'ann', src: 'S3://data/people.parquet' },
      { i: 1, who: 'bøb', src: 'S3://data/people.parquet' },
      { i: 2, who: null, src: 'S3://data/people.parquet' },
    ]);
  });

  test('ItemBatcher groups the rows into child inputs { BatchInput, Items }', async () => {
    // GIVEN
    const batcher = { MaxItemsPerBatch: 2, BatchInput: jsonata ? { file: '{% $states.input.key %}' } : { 'file.$': '$.key' } };
    const definition = top({ Read: { ...parquetMap(language, {}, { ItemBatcher: batcher, ItemSelector: jsonata ? { id: '{% $states.context.Map.Item.Value.id %}' } : { 'id.$': '$$.Map.Item.Value.id' } }), End: true } });
    validateAsl(definition);

    // WHEN
    const result = await run(definition, mocks(PEOPLE));

    // THEN
    expect(result.output).toEqual([
      { BatchInput: { file: 'people.parquet' }, Items: [{ id: 1 }, { id: 2 }] },
      { BatchInput: { file: 'people.parquet' }, Items: [{ id: null }] },
    ]);
  });

  test('LOAD_AND_FLATTEN reads each listed PARQUET object; its rows are the items, in listing order', async () => {
    // GIVEN
    const definition = top({
      Read: {
        Type: 'Map',
        ItemReader: {
          Resource: 'arn:aws:states:::s3:listObjectsV2',
          ReaderConfig: { InputType: 'PARQUET', Transformation: 'LOAD_AND_FLATTEN', MaxItems: 3 },
          ...(jsonata ? { Arguments: { Bucket: 'data', Prefix: 'parts/' } } : { Parameters: { Bucket: 'data', Prefix: 'parts/' } }),
        },
        ItemSelector: jsonata
          ? { v: '{% $states.context.Map.Item.Value %}', src: '{% $states.context.Map.Item.Source %}' }
          : { 'v.$': '$$.Map.Item.Value', 'src.$': '$$.Map.Item.Source' },
        ItemProcessor: processor({ P: { Type: 'Pass', End: true } }),
        End: true,
      },
    });
    validateAsl(definition);
    const listing = { Contents: [{ Key: 'parts/a.parquet', Size: 1 }, { Key: 'parts/b.parquet', Size: 1 }, { Key: 'parts/c.parquet', Size: 1 }] };
    const objects: Record<string, string> = {
      'parts/a.parquet': parquet([{ name: 'n', data: [1, 2], type: 'INT32' }]),
      'parts/b.parquet': parquet([{ name: 'n', data: [3, 4], type: 'INT32' }]),
      'parts/c.parquet': parquet([{ name: 'n', data: [5], type: 'INT32' }]),
    };
    const read: string[] = [];
    const taskHandler: testing.ITaskHandler = {
      handle: (inv) => {
        if (inv.resource.endsWith('listObjectsV2')) return { result: listing };
        read.push(inv.request.Key);
        return { result: { Body: objects[inv.request.Key] } };
      },
    };

    // WHEN
    const result = await Workflow.fromDefinition(definition).execute({ taskHandler });

    // THEN: MaxItems 3 stops after the second object; the third is never read
    expect(result.output).toEqual([
      { v: { n: 1 }, src: 'S3://data/parts/a.parquet' },
      { v: { n: 2 }, src: 'S3://data/parts/a.parquet' },
      { v: { n: 3 }, src: 'S3://data/parts/b.parquet' },
    ]);
    expect(read).toEqual(['parts/a.parquet', 'parts/b.parquet']);
  });
});

describe('the values of a PARQUET row (our choices where input-output-itemreader.html is silent)', () => {
  test('structs are objects, lists arrays, DATE a calendar day; GZIP and Snappy pages are read', async () => {
    // GIVEN: a nested schema, GZIP-compressed (hyparquet-writer's default codec is Snappy, used by the other tests)
    const body = parquet([
      { name: 'tags', data: [['x', 'y'], []] },
      { name: 'addr', data: [{ city: 'Oslo', zip: 150 }, { city: 'Rome', zip: null }] },
      { name: 'day', data: [19000, 0] },
    ], {
      codec: 'GZIP',
      schema: [
        { name: 'root', num_children: 3 },
        { name: 'tags', repetition_type: 'OPTIONAL', converted_type: 'LIST', num_children: 1 },
        { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
        { name: 'element', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
        { name: 'addr', repetition_type: 'OPTIONAL', num_children: 2 },
        { name: 'city', type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' },
        { name: 'zip', type: 'INT32', repetition_type: 'OPTIONAL' },
        { name: 'day', type: 'INT32', converted_type: 'DATE', repetition_type: 'OPTIONAL' },
      ],
    });
    const definition = { StartAt: 'Read', States: { Read: { ...parquetMap('JSONPath'), End: true } } };

    // WHEN
    const result = await run(definition, mocks(body));

    // THEN
    expect(result.output).toEqual([
      { tags: ['x', 'y'], addr: { city: 'Oslo', zip: 150 }, day: '2022-01-08' },
      { tags: [], addr: { city: 'Rome', zip: null }, day: '1970-01-01' },
    ]);
  });

  test('values JSON cannot hold: NaN and infinities as strings, binary as base64, -0 as 0', () => {
    expect(parquetValueToJson({ a: NaN, b: Infinity, c: -Infinity, d: -0, e: new Uint8Array([1, 2, 255]), f: undefined, g: [1n] }))
      .toEqual({ a: 'NaN', b: 'Infinity', c: '-Infinity', d: 0, e: 'AQL/', f: null, g: [1] });
  });

  test('a task handler may answer GetObject with the bytes themselves (a Buffer)', async () => {
    // GIVEN
    const bytes = Buffer.from(parquet([{ name: 'n', data: [1, 2], type: 'INT32' }]), 'base64');
    const definition = { StartAt: 'Read', States: { Read: { ...parquetMap('JSONPath'), End: true } } };

    // WHEN
    const result = await Workflow.fromDefinition(definition).execute({ input: { key: 'k' }, taskHandler: { handle: () => ({ result: { Body: bytes } }) } });

    // THEN
    expect(result.output).toEqual([{ n: 1 }, { n: 2 }]);
  });

  test('an empty file (no rows) gives no items', async () => {
    // GIVEN
    const body = parquet([{ name: 'n', data: [], type: 'INT32' }]);
    const definition = { StartAt: 'Read', States: { Read: { ...parquetMap('JSONPath'), End: true } } };

    // WHEN
    const result = await run(definition, mocks(body));

    // THEN
    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toEqual([]);
  });
});

describe('PARQUET objects the reader cannot read fail the Map state with States.ItemReaderFailed', () => {
  const definition = { StartAt: 'Read', States: { Read: { ...parquetMap('JSONPath'), End: true } } };
  const valid = Buffer.from(PEOPLE, 'base64');
  const footerTooBig = Buffer.concat([Buffer.from('PAR1'), Buffer.alloc(8), Buffer.from([0x01, 0x00, 0x50, 0x00]), Buffer.from('PAR1')]);
  const corrupt = Buffer.from(valid);
  corrupt.fill(0xff, 4, valid.length - 8);
  test.each([
    ['Body that is not base64 (the text of a CSV file)', 'id,name\n1,ann\n', /the GetObject result's Body must be the Parquet object's bytes, base64-encoded, for InputType PARQUET; got "id,name\\n1,ann\\n"/],
    ['Body that is not a string', [1, 2], /Body must be the Parquet object's bytes, base64-encoded/],
    ['a truncated file', valid.subarray(0, valid.length - 20).toString('base64'), /is not a readable Parquet file: it does not begin and end with the magic number PAR1/],
    ['pages that are garbage', corrupt.toString('base64'), /the object S3:\/\/data\/people.parquet is not a readable Parquet file: /],
    // input-output-itemreader.html: "5MB is the maximum footer size ... your state machine will return a runtime error"
    ['a footer over 5 MB', footerTooBig.toString('base64'), /the footer of S3:\/\/data\/people.parquet is 5242881 bytes; Step Functions reads Parquet footers of at most 5 MB/],
  ])('%s', async (_name, body, cause) => {
    // WHEN
    const result = await run(definition, mocks(body));

    // THEN
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('States.ItemReaderFailed');
    expect(result.cause).toMatch(cause);
  });

  // input-output-itemreader.html: "The VersionId field is not supported for InputType=Parquet". When AWS refuses it is
  // not documented; we fail the state before the read (our choice).
  test.each(languages)('%s: a VersionId in the request fails before any read', async (language) => {
    // GIVEN
    const map = parquetMap(language);
    const field = language === 'JSONata' ? 'Arguments' : 'Parameters';
    map.ItemReader[field] = { ...map.ItemReader[field], VersionId: 'v1' };
    const versioned = { ...(language === 'JSONata' ? { QueryLanguage: 'JSONata' } : {}), StartAt: 'Read', States: { Read: { ...map, End: true } } };
    validateAsl(versioned);

    // WHEN
    const result = await run(versioned, mocks(PEOPLE));

    // THEN
    expect(result.error).toBe('States.ItemReaderFailed');
    expect(result.cause).toBe("State 'Read': the VersionId field is not supported for InputType PARQUET");
    expect(result.unusedMocks).toEqual(['Read']);
  });
});
