/** Decodes the named columns of one Parquet file into whole arrays (typed where the type allows), without building rows. */
import type { parquetMetadata } from 'hyparquet';
import { hyparquet } from './parquet';
import { snappyUncompressor } from 'hysnappy';

type FileMetadata = ReturnType<typeof parquetMetadata>;
type SchemaElement = FileMetadata['schema'][number];

/** hysnappy's WebAssembly decoder (hyparquet's own is plain JavaScript, ~10 % of a replay's CPU): made on first use. */
let snappy: ((input: Uint8Array, outputLength: number) => Uint8Array) | undefined;
const compressors = {
  SNAPPY: (input: Uint8Array, outputLength: number): Uint8Array => (snappy ??= snappyUncompressor())(input, outputLength),
};

/** Timestamps as epoch ms numbers (hyparquet's default is a Date per value), for the columns not read raw. */
const parsers = { timestampFromMilliseconds: (ms: bigint) => Number(ms), timestampFromMicroseconds: (us: bigint) => Number(us / 1000n), timestampFromNanoseconds: (ns: bigint) => Number(ns / 1_000_000n) };

/**
 * The named columns of a file, decoded whole (row groups put in place). A required 64-bit integer column (plain,
 * or a millisecond timestamp) comes as a Float64Array read straight from its 64-bit words: hyparquet would make a
 * BigInt per value, and its timestamp parser a boxed number too. The file is not changed: its columns stay
 * TIMESTAMP for DuckDB, pandas and polars. A value beyond 2^53 (not a time or an id we write) stays a BigInt.
 */
export async function readParquetColumns(file: ArrayBuffer, metadata: FileMetadata, names: readonly string[]): Promise<Map<string, ArrayLike<unknown>>> {
  const n = footerRows(metadata);
  const raw = new Set(metadata.schema.filter((e) => names.includes(e.name) && isRequiredInt64(e)).map((e) => e.name));
  const chunks = new Map<string, Array<{ readonly start: number; readonly data: ArrayLike<unknown> }>>();
  await hyparquet().parquetRead({
    file,
    metadata: raw.size === 0 ? metadata : { ...metadata, schema: metadata.schema.map((e) => (raw.has(e.name) ? unannotated(e) : e)) },
    columns: [...names],
    parsers,
    compressors,
    onChunk: ({ columnName, columnData, rowStart }) => {
      let list = chunks.get(columnName);
      if (!list) chunks.set(columnName, (list = []));
      list.push({ start: rowStart, data: columnData });
    },
  });
  const out = new Map<string, ArrayLike<unknown>>();
  for (const [name, list] of chunks) {
    // Checked before anything is sized by the footer's count: a footer is untrusted and may claim billions of rows.
    const decoded = list.reduce((sum, c) => sum + c.data.length, 0);
    if (decoded !== n) throw new Error(`its footer says ${n} rows, but its column ${name} holds ${decoded}`);
    const only = list[0];
    const whole = list.length === 1 && only && only.start === 0 ? only.data : assembled(list, n);
    out.set(name, raw.has(name) ? millisFromInt64(whole) : whole);
  }
  return out;
}

/** The file's row count, when its footer agrees with itself (the rows it names = the sum of its row groups'). */
export function footerRows(metadata: FileMetadata): number {
  const n = Number(metadata.num_rows);
  const inGroups = metadata.row_groups.reduce((sum, g) => sum + Number(g.num_rows), 0);
  if (!Number.isSafeInteger(n) || n < 0 || n !== inGroups) throw new Error(`its footer says ${String(metadata.num_rows)} rows, but its row groups hold ${inGroups}`);
  return n;
}

function isRequiredInt64(e: SchemaElement): boolean {
  if (e.type !== 'INT64' || e.repetition_type !== 'REQUIRED') return false;
  const lt = e.logical_type;
  if (lt) return (lt.type === 'TIMESTAMP' && lt.unit === 'MILLIS') || (lt.type === 'INTEGER' && lt.isSigned);
  return e.converted_type === undefined || e.converted_type === 'TIMESTAMP_MILLIS' || e.converted_type === 'INT_64';
}

/** The element as a plain INT64 (what hyparquet hands back undecoded). */
function unannotated(e: SchemaElement): SchemaElement {
  const { converted_type: _c, logical_type: _l, ...plain } = e;
  return plain;
}

/** Epoch ms from 64-bit integers, two 32-bit words at a time (no BigInt per value); other shapes value by value. */
function millisFromInt64(values: ArrayLike<unknown>): ArrayLike<unknown> {
  if (values instanceof BigInt64Array) {
    const lo = new Uint32Array(values.buffer, values.byteOffset, values.length * 2);
    const hi = new Int32Array(values.buffer, values.byteOffset, values.length * 2);
    const out = new Float64Array(values.length);
    for (let i = 0; i < out.length; i++) {
      const high = hi[2 * i + 1] as number;
      if (high >= 0x200000 || high < -0x200000) return values; // beyond 2^53: left exact, for the checks to name
      out[i] = high * 4_294_967_296 + (lo[2 * i] as number);
    }
    return out;
  }
  const out = new Array<unknown>(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    out[i] = typeof v === 'bigint' ? Number(v) : v;
  }
  return out;
}

/** One column from its chunks (row groups): a typed array stays one of its kind (numbers are not boxed one by one). */
function assembled(chunks: ReadonlyArray<{ readonly start: number; readonly data: ArrayLike<unknown> }>, n: number): ArrayLike<unknown> {
  const first = chunks[0]?.data;
  if (first instanceof Float64Array || first instanceof BigInt64Array) {
    const Typed = first instanceof Float64Array ? Float64Array : BigInt64Array;
    if (chunks.every((c) => c.data instanceof Typed)) {
      const whole = new Typed(n);
      for (const { start, data } of chunks) (whole as Float64Array).set((data as Float64Array).subarray(0, Math.max(0, n - start)), start);
      return whole;
    }
  }
  const whole = new Array<unknown>(n);
  for (const { start, data } of chunks) for (let i = 0; i < data.length && start + i < n; i++) whole[start + i] = data[i];
  return whole;
}
