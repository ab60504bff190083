import * as zlib from 'zlib';
import { StatesError } from './errors';

/**
 * The rows of an Apache Parquet object, for a Distributed Map's `ItemReader` with `ReaderConfig.InputType: PARQUET`
 * (https://docs.aws.amazon.com/step-functions/latest/dg/input-output-itemreader.html, "Parquet file in an Amazon S3
 * bucket"). Parsed with hyparquet, loaded on first use (an ES module: `require` of it needs Node.js 20.19+ or 22.12+),
 * so importing the package, or running a workflow without a PARQUET reader, never loads it.
 *
 * What AWS documents: a row group of at most 256 MB and a footer of at most 5 MB (beyond either: a run-time error);
 * GZIP, ZSTD and Snappy compression inside the file. What AWS does not document, and we chose: each row is an item,
 * an object keyed by the file's top-level column names, in schema order; values as JSON: integers (INT32, INT64,
 * DECIMAL) and floats as numbers (an INT64 beyond 2^53 rounded as `JSON.parse` would round it; NaN and ±Infinity as
 * the strings "NaN", "Infinity", "-Infinity"), booleans, strings (UTF8/STRING, ENUM, unannotated BYTE_ARRAY), a JSON
 * column as its parsed value, UUID as its canonical text, other binary (FIXED_LEN_BYTE_ARRAY, BSON) as base64,
 * DATE as `YYYY-MM-DD`, timestamps (TIMESTAMP millis/micros/nanos, INT96) as ISO 8601 UTC with milliseconds, a null
 * as `null` (the key is kept), structs as objects, lists as arrays, maps as objects.
 */

/** The part of hyparquet we use (its types are an ES module's, which a CommonJS build cannot import). */
interface Hyparquet {
  parquetMetadata(file: ArrayBuffer): ParquetMetadata;
  parquetReadObjects(options: {
    file: ArrayBuffer;
    metadata: ParquetMetadata;
    rowEnd: number;
    compressors: Record<string, (input: Uint8Array, outputLength: number) => Uint8Array>;
    parsers: Record<string, (value: any) => unknown>;
  }): Promise<Record<string, unknown>[]>;
}
interface ParquetMetadata {
  readonly num_rows: bigint | number;
  readonly row_groups: ReadonlyArray<{ readonly total_byte_size: bigint | number }>;
}
let hyparquetModule: Hyparquet | undefined;

/** The Node.js versions whose `require` loads an ES module without a flag. */
export const PARQUET_NODE_VERSIONS = '20.19 or later in the 20 line, or 22.12 or later';

function hyparquet(): Hyparquet {
  if (hyparquetModule === undefined) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      hyparquetModule = require('hyparquet') as Hyparquet;
    } catch (e) {
      throw new Error(`The offline executor reads PARQUET objects with hyparquet, an ES module, which this Node.js (${process.version}) `
        + `cannot require: it needs Node.js ${PARQUET_NODE_VERSIONS} (${(e as Error).message})`);
    }
  }
  return hyparquetModule;
}

/** AWS's limits for a PARQUET ItemReader (input-output-itemreader.html). */
export const MAX_ROW_GROUP_BYTES = 256 * 1024 * 1024;
export const MAX_FOOTER_BYTES = 5 * 1024 * 1024;

/** The decompressors for the codecs AWS supports inside a Parquet file: Snappy (hyparquet's own), GZIP and ZSTD. */
function compressors(fail: (why: string) => never) {
  const zstd = (zlib as any).zstdDecompressSync as ((b: Uint8Array) => Buffer) | undefined;
  return {
    GZIP: (input: Uint8Array) => new Uint8Array(zlib.gunzipSync(input)),
    ZSTD: (input: Uint8Array) => (zstd !== undefined
      ? new Uint8Array(zstd(input))
      : fail(`its pages are ZSTD-compressed, which the offline executor decompresses with Node.js's zlib from Node.js 22.15 on (this is ${process.version})`)),
  };
}

/** A Parquet value as JSON (see the module comment). */
export function parquetValueToJson(value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'NaN';
    if (value === Infinity) return 'Infinity';
    if (value === -Infinity) return '-Infinity';
    return Object.is(value, -0) ? 0 : value;
  }
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64');
  if (Array.isArray(value) || ArrayBuffer.isView(value)) return Array.from(value as ArrayLike<unknown>, parquetValueToJson);
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = parquetValueToJson(v);
    return out;
  }
  return value;
}

/**
 * The object's bytes from a GetObject result's `Body`: base64 text (the mock config is JSON), or the bytes themselves
 * (a `Uint8Array`/`Buffer`, from a task handler).
 */
export function parquetBytes(body: unknown, fail: (why: string) => never): Uint8Array {
  if (body instanceof Uint8Array) return body;
  if (typeof body === 'string') {
    const text = body.replace(/\s+/g, '');
    if (/^[A-Za-z0-9+/]*={0,2}$/.test(text) && text.length % 4 === 0) return Buffer.from(text, 'base64');
  }
  return fail('the GetObject result\'s Body must be the Parquet object\'s bytes, base64-encoded, for InputType PARQUET; '
    + `got ${JSON.stringify(body)?.slice(0, 200)}`);
}

/** The rows of a Parquet file as items, at most `maxRows` of them (all when undefined). */
export async function parquetRows(bytes: Uint8Array, source: string, maxRows: number | undefined, fail: (why: string) => never): Promise<any[]> {
  const unreadable = (why: string): never => fail(`the object ${source} is not a readable Parquet file: ${why}`);
  // PAR1 at both ends, then the footer (its length in the 4 bytes before the final PAR1).
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = (at: number) => view.toString('latin1', at, at + 4) === 'PAR1';
  if (bytes.length < 12 || !magic(0) || !magic(bytes.length - 4)) unreadable('it does not begin and end with the magic number PAR1');
  const footer = view.readUInt32LE(bytes.length - 8);
  if (footer > MAX_FOOTER_BYTES) fail(`the footer of ${source} is ${footer} bytes; Step Functions reads Parquet footers of at most 5 MB`);
  const lib = hyparquet();
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  let metadata: ParquetMetadata;
  try {
    metadata = lib.parquetMetadata(file);
  } catch (e) {
    return unreadable((e as Error).message);
  }
  metadata.row_groups.forEach((group, i) => {
    const size = Number(group.total_byte_size);
    if (size > MAX_ROW_GROUP_BYTES) fail(`row group ${i} of ${source} is ${size} bytes; Step Functions reads Parquet row groups of at most 256 MB`);
  });
  const total = Number(metadata.num_rows);
  const rowEnd = maxRows !== undefined && maxRows > 0 ? Math.min(maxRows, total) : total;
  if (rowEnd === 0) return [];
  let rows: Record<string, unknown>[];
  try {
    rows = await lib.parquetReadObjects({
      file,
      metadata,
      rowEnd,
      compressors: compressors(fail),
      // hyparquet's parsers (timestamps as Date, UTF-8, JSON, UUID, …) with DATE as its calendar day.
      parsers: { dateFromDays: (days: number) => new Date(days * 86_400_000).toISOString().slice(0, 10) },
    });
  } catch (e) {
    if (e instanceof StatesError) throw e;
    return unreadable((e as Error).message);
  }
  return rows.map((row) => parquetValueToJson(row));
}
