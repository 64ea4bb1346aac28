/** ClickHouse's Native format read as it streams in: blocks of columns, each column's values copied straight into typed arrays. */
import { TradeSuiteError } from '../errors';

/** An answer that is not the columns asked for, or ends inside a block: named, never read as data. */
export class ClickHouseAnswerError extends TradeSuiteError {}

/** A column as the query names and types it (`Int64`, `Float64`, `String`, `Enum8('buy' = 1, 'sell' = 2)`…). */
export interface NativeColumn {
  readonly name: string;
  readonly type: string;
}

/** Bytes in fixed-width columns (Int64, UInt64, Float64; Int8 and Enum8). */
const WIDTH: Readonly<Record<string, number>> = { Int64: 8, UInt64: 8, Float64: 8, Int8: 1 };

/** A value's width, by its type (Enum8 is stored as Int8); undefined for String. */
function widthOf(type: string): number | undefined {
  return type.startsWith('Enum8(') ? 1 : WIDTH[type];
}

/**
 * Pulls an answer's chunks only as the reader needs bytes (back-pressure: the server waits while a block is being
 * used), keeping unread bytes of the last chunk and joining chunks only for a value that spans them.
 */
class ByteFeed {
  buf: Buffer = Buffer.alloc(0);
  at = 0;
  /** Bytes read before `buf` (for positions in messages). */
  private before = 0;
  private ended = false;

  constructor(private readonly chunks: AsyncIterator<Buffer>) {}

  get available(): number {
    return this.buf.length - this.at;
  }

  /** The answer's byte offset of the next byte. */
  get offset(): number {
    return this.before + this.at;
  }

  /** Ensures `n` bytes are held unread; false when the answer ends first. */
  async fill(n: number): Promise<boolean> {
    if (this.available >= n) return true;
    const parts: Buffer[] = [this.buf.subarray(this.at)];
    let held = this.available;
    while (held < n && !this.ended) {
      const r = await this.chunks.next();
      if (r.done) this.ended = true;
      else {
        parts.push(r.value);
        held += r.value.length;
      }
    }
    this.before += this.at;
    this.buf = parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts, held);
    this.at = 0;
    return held >= n;
  }

  /** True at the answer's end (nothing left unread and nothing more coming). */
  async atEnd(): Promise<boolean> {
    return !(await this.fill(1));
  }

  /** A variable-length unsigned integer (LEB128), as Native writes counts and string lengths. */
  async varUInt(what: () => string): Promise<number> {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 9; i++) {
      if (!(await this.fill(1))) throw new ClickHouseAnswerError(`${what()}: the answer ended inside a number`);
      const byte = this.buf[this.at++] as number;
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
      scale *= 128;
    }
    throw new ClickHouseAnswerError(`${what()}: a length longer than 9 bytes`);
  }

  async text(what: () => string): Promise<string> {
    const n = await this.varUInt(what);
    if (n > 4096) throw new ClickHouseAnswerError(`${what()}: a name of ${n} bytes`);
    if (!(await this.fill(n))) throw new ClickHouseAnswerError(`${what()}: the answer ended inside a name`);
    const v = this.buf.toString('utf8', this.at, this.at + n);
    this.at += n;
    return v;
  }
}

/** One block's values of a column: fixed-width bytes (little-endian, aligned copies), or strings' bytes with their bounds. */
export type NativeValues =
  | { readonly kind: 'fixed'; readonly bytes: Uint8Array }
  | { readonly kind: 'strings'; readonly bytes: Buffer; readonly start: Uint32Array; readonly end: Uint32Array };

export interface NativeBlock {
  /** The answer's block number (from 0) and its first row's number: for naming where a bad value is. */
  readonly index: number;
  readonly firstRow: number;
  readonly rows: number;
  /** In the order of the columns expected. */
  readonly values: readonly NativeValues[];
}

/** How ClickHouse's error text begins when it fails after the answer has begun (its status is already 200 then). */
const SERVER_ERROR = 'Code: ';

/** The longest block accepted (ClickHouse sends 65,536 rows at most by default): a bigger count is a corrupt answer. */
const MAX_BLOCK_ROWS = 1 << 24;

/**
 * The answer's blocks, each checked against the columns expected (names, types and order) and read whole before it
 * is yielded. A server error written into the answer after its first bytes (ClickHouse's "Code: …" text), an answer
 * cut off inside a block, or a block whose columns differ is a ClickHouseAnswerError naming the block and column.
 */
export async function* nativeBlocks(chunks: AsyncIterable<Buffer>, columns: readonly NativeColumn[], what: string): AsyncGenerator<NativeBlock> {
  const feed = new ByteFeed(chunks[Symbol.asyncIterator]());
  let firstRow = 0;
  for (let index = 0; !(await feed.atEnd()); index++) {
    await feed.fill(SERVER_ERROR.length);
    if (feed.buf.toString('latin1', feed.at, feed.at + SERVER_ERROR.length) === SERVER_ERROR) throw new ClickHouseAnswerError(`${what}: the server failed after answering ${firstRow} rows: ${await serverText(feed)}`);
    const where = `${what}, block ${index} (from row ${firstRow})`;
    const n = await feed.varUInt(() => `${where}: the column count`);
    const rows = await feed.varUInt(() => `${where}: the row count`);
    if (n !== columns.length) throw new ClickHouseAnswerError(`${where}: expected ${columns.length} columns (${columns.map((c) => c.name).join(', ')}), got ${n}`);
    if (rows > MAX_BLOCK_ROWS) throw new ClickHouseAnswerError(`${where}: a block of ${rows} rows`);
    const values: NativeValues[] = [];
    for (const expected of columns) {
      const at = () => `${where}, column ${expected.name}`;
      const name = await feed.text(at);
      const type = await feed.text(at);
      if (name !== expected.name || type !== expected.type) throw new ClickHouseAnswerError(`${at()}: expected ${expected.name} ${expected.type}, got ${JSON.stringify(name)} ${JSON.stringify(type)}`);
      values.push(await readColumn(feed, type, rows, at));
    }
    yield { index, firstRow, rows, values };
    firstRow += rows;
  }
}

async function readColumn(feed: ByteFeed, type: string, rows: number, at: () => string): Promise<NativeValues> {
  const width = widthOf(type);
  if (width !== undefined) {
    const size = rows * width;
    if (!(await feed.fill(size))) throw new ClickHouseAnswerError(`${at()}: the answer ended inside the column (${feed.available} of ${size} bytes)`);
    const bytes = new Uint8Array(size); // a copy of its own: aligned for typed-array views, and the chunk can go
    bytes.set(feed.buf.subarray(feed.at, feed.at + size));
    feed.at += size;
    return { kind: 'fixed', bytes };
  }
  if (type !== 'String') throw new ClickHouseAnswerError(`${at()}: the type ${type} is not read`);
  const start = new Uint32Array(rows);
  const end = new Uint32Array(rows);
  // Bounds are offsets into one buffer: the strings' bytes are made contiguous by filling past each string as needed.
  const base = feed.offset;
  const parts: Buffer[] = [];
  let partsBytes = 0;
  let row = 0;
  while (row < rows) {
    const { buf } = feed;
    let p = feed.at;
    const chunkStart = p;
    // Strings wholly in the bytes held, without awaiting.
    for (; row < rows; row++) {
      let len = 0;
      let scale = 1;
      let q = p;
      let byte = 0x80;
      while (byte >= 0x80 && q < buf.length) {
        byte = buf[q++] as number;
        len += (byte & 0x7f) * scale;
        scale *= 128;
      }
      if (byte >= 0x80 || q + len > buf.length) break;
      start[row] = partsBytes + (q - chunkStart);
      end[row] = partsBytes + (q - chunkStart) + len;
      p = q + len;
    }
    parts.push(buf.subarray(chunkStart, p));
    partsBytes += p - chunkStart;
    feed.at = p;
    if (row < rows && !(await feed.fill(feed.available + 1))) throw new ClickHouseAnswerError(`${at()}: the answer ended inside row ${row} of the block (byte ${feed.offset - base} of the column)`);
  }
  return { kind: 'strings', bytes: parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts, partsBytes), start, end };
}

/** The server's error text that follows (it ends the answer). */
async function serverText(feed: ByteFeed): Promise<string> {
  await feed.fill(2000);
  return feed.buf.toString('utf8', feed.at, Math.min(feed.buf.length, feed.at + 500)).trim();
}
