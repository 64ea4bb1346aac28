/** Streams a recorded range of one market back in time order, a day at a time: the basis of replay and backtests. */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { parquetMetadata, parquetRead } from 'hyparquet';
import { errorMessage } from '../util/log';
import type { Trade } from '../types';
import { COLUMNS, TRADE_COLUMNS, rowsFromColumns, tradesFromColumns } from './parquetColumns';
import type { BookRow, RecordKind, RecordedEvent, RecordedMarket, RowOf, TickerRow, TradeRow } from './recordTypes';
import { RECORD_KINDS } from './recordTypes';
import { partitionFiles } from './partitionFiles';
import { dayFromDirName, dayOf, marketDir, partitionDir } from './storeLayout';

export interface ReadRange {
  readonly market: RecordedMarket;
  /** Epoch ms, inclusive. */
  readonly from: number;
  /** Epoch ms, exclusive. */
  readonly until: number;
  readonly kinds?: readonly RecordKind[];
  /** A file that cannot be read or holds a bad row is skipped whole and named here; the rest is still read. */
  readonly onProblem?: (message: string) => void;
}

/**
 * One day of a market's recording, each kind in time order (at one millisecond, in recorded order; books by seq).
 * Trades come as the engine's trades (the receive time left unread): what replays and backtests feed the hub.
 */
export interface RecordedDay {
  readonly trades: readonly Trade[];
  readonly book: readonly BookRow[];
  readonly tickers: readonly TickerRow[];
}

/**
 * Rows in [from, until) in time order; at one millisecond, book before trades before tickers (a trade printed
 * against the book as it stood), and each kind in the order it was recorded. Memory holds one day of the market.
 */
export async function* readRecorded(root: string, range: ReadRange): AsyncGenerator<RecordedEvent> {
  const kinds = range.kinds ?? RECORD_KINDS;
  const read = <K extends RecordKind>(kind: K, day: number) => (kinds.includes(kind) ? readPartition(partitionDir(root, kind, range.market, day), rowDecoder(kind), range) : Promise.resolve([]));
  for (const day of await recordedDays(root, kinds, range)) yield* mergedInTimeOrder(await read('book', day), await read('trades', day), await read('tickers', day));
}

/**
 * The same data as readRecorded, a day at a time, each kind apart (kinds not asked for are empty): for readers
 * that go through millions of trades (replay, backtests), with one object per trade and nothing more.
 */
export async function* readRecordedDays(root: string, range: ReadRange): AsyncGenerator<RecordedDay> {
  const kinds = range.kinds ?? RECORD_KINDS;
  const read = <T>(kind: RecordKind, decoder: Decoder<T>, day: number): Promise<T[]> => (kinds.includes(kind) ? readPartition(partitionDir(root, kind, range.market, day), decoder, range) : Promise.resolve([]));
  for (const day of await recordedDays(root, kinds, range)) {
    const recorded: RecordedDay = { book: await read('book', rowDecoder('book'), day), trades: await read('trades', TRADE_DECODER, day), tickers: await read('tickers', rowDecoder('tickers'), day) };
    if (recorded.book.length + recorded.trades.length + recorded.tickers.length > 0) yield recorded;
  }
}

/** A day's rows merged into one time order (book, trades, tickers at one millisecond). */
export function* mergedInTimeOrder(book: readonly BookRow[], trades: readonly TradeRow[], tickers: readonly TickerRow[]): Generator<RecordedEvent> {
  let b = 0;
  let t = 0;
  let k = 0;
  for (;;) {
    const bookRow = book[b];
    const tradeRow = trades[t];
    const tickerRow = tickers[k];
    const bt = bookRow?.ts ?? Infinity;
    const tt = tradeRow?.ts ?? Infinity;
    const kt = tickerRow?.ts ?? Infinity;
    if (bookRow && bt <= tt && bt <= kt) {
      b++;
      yield { kind: 'book', row: bookRow };
    } else if (tradeRow && tt <= kt) {
      t++;
      yield { kind: 'trades', row: tradeRow };
    } else if (tickerRow) {
      k++;
      yield { kind: 'tickers', row: tickerRow };
    } else return;
  }
}

/** How one kind's files become values: the columns read, the values built from them (checked), their time order. */
interface Decoder<T> {
  readonly kind: RecordKind;
  readonly columns: readonly string[];
  build(columns: ReadonlyMap<string, ArrayLike<unknown>>, n: number): T[];
  time(value: T): number;
  /** Negative when `a` comes first; at one millisecond, the recorded order is kept unless this says otherwise. */
  compare(a: T, b: T): number;
  /** Whether `values` are already in that order (one monomorphic pass: a day is millions of trades). */
  inOrder(values: readonly T[]): boolean;
}

const byTs = (a: { readonly ts: number }, b: { readonly ts: number }): number => a.ts - b.ts;
const bookOrder = (a: BookRow, b: BookRow): number => a.ts - b.ts || a.seq - b.seq;
function tsInOrder(values: readonly { readonly ts: number }[]): boolean {
  let prev = -Infinity;
  for (const v of values) {
    if (v.ts < prev) return false;
    prev = v.ts;
  }
  return true;
}
const ROW_DECODERS: { readonly [K in RecordKind]: Decoder<RowOf<K>> } = {
  trades: { kind: 'trades', columns: COLUMNS.trades, build: (c, n) => rowsFromColumns('trades', c, n), time: (r) => r.ts, compare: byTs, inOrder: tsInOrder },
  book: {
    kind: 'book',
    columns: COLUMNS.book,
    build: (c, n) => rowsFromColumns('book', c, n),
    time: (r) => r.ts,
    compare: bookOrder,
    inOrder: (rows) => {
      let prev: BookRow | undefined;
      for (const row of rows) {
        if (prev && bookOrder(prev, row) > 0) return false;
        prev = row;
      }
      return true;
    },
  },
  tickers: { kind: 'tickers', columns: COLUMNS.tickers, build: (c, n) => rowsFromColumns('tickers', c, n), time: (r) => r.ts, compare: byTs, inOrder: tsInOrder },
};
const rowDecoder = <K extends RecordKind>(kind: K): Decoder<RowOf<K>> => ROW_DECODERS[kind] as Decoder<RowOf<K>>;
const TRADE_DECODER: Decoder<Trade> = {
  kind: 'trades',
  columns: TRADE_COLUMNS,
  build: tradesFromColumns,
  time: (t) => t.timestamp,
  compare: (a, b) => a.timestamp - b.timestamp,
  inOrder: (trades) => {
    let prev = -Infinity;
    for (const t of trades) {
      if (t.timestamp < prev) return false;
      prev = t.timestamp;
    }
    return true;
  },
};

/** The days with a partition of any of the kinds in the range, oldest first (read from the folders: ranges may be wide). */
async function recordedDays(root: string, kinds: readonly RecordKind[], range: ReadRange): Promise<number[]> {
  const days = new Set<number>();
  for (const kind of kinds) {
    let names: string[];
    try {
      names = await fs.readdir(marketDir(root, kind, range.market));
    } catch {
      continue;
    }
    for (const name of names) {
      const day = dayFromDirName(name);
      if (day !== undefined && day >= dayOf(range.from) && day < range.until) days.add(day);
    }
  }
  return [...days].sort((a, b) => a - b);
}

/**
 * The values of one partition in [from, until), in time order. A file that vanished between listing and reading was
 * replaced by a compaction (whose merged file is in place before any part is removed): the partition is listed and
 * read again, so a reader sees it whole before or whole after.
 */
async function readPartition<T>(dir: string, decoder: Decoder<T>, range: ReadRange): Promise<T[]> {
  for (let attempt = 1; ; attempt++) {
    const parts: T[][] = [];
    try {
      for (const f of (await partitionFiles(dir)).files) {
        if (f.last < range.from || f.first >= range.until) continue;
        const read = await readFile(path.join(dir, f.name), decoder, range.onProblem, attempt < 3);
        const whole = f.first >= range.from && f.last < range.until;
        parts.push(whole ? read : read.filter((v) => decoder.time(v) >= range.from && decoder.time(v) < range.until));
      }
      return inRecordedOrder(decoder, parts.length === 1 && parts[0] ? parts[0] : joined(parts));
    } catch (err) {
      if (!isMissing(err) || attempt >= 3) throw err;
    }
  }
}

/** Sorted by time (books then by seq), keeping the recorded order at one millisecond; sorted only when it is not. */
function inRecordedOrder<T>(decoder: Decoder<T>, values: T[]): T[] {
  return decoder.inOrder(values) ? values : values.sort((a, b) => decoder.compare(a, b)); // sort is stable
}

function joined<T>(parts: readonly T[][]): T[] {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Array<T>(n);
  let at = 0;
  for (const p of parts) for (const v of p) out[at++] = v;
  return out;
}

const isMissing = (err: unknown): boolean => typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'ENOENT';

/** Timestamps as epoch ms numbers (hyparquet's default is a Date per value). */
const parsers = { timestampFromMilliseconds: (ms: bigint) => Number(ms), timestampFromMicroseconds: (us: bigint) => Number(us / 1000n), timestampFromNanoseconds: (ns: bigint) => Number(ns / 1_000_000n) };

/** A file's rows; one that cannot be read is skipped and named (a vanished one is thrown when `missingThrows`). */
export function readPart<K extends RecordKind>(file: string, kind: K, onProblem: ((message: string) => void) | undefined, missingThrows = false): Promise<Array<RowOf<K>>> {
  return readFile(file, rowDecoder(kind), onProblem, missingThrows);
}

async function readFile<T>(file: string, decoder: Decoder<T>, onProblem: ((message: string) => void) | undefined, missingThrows: boolean): Promise<T[]> {
  try {
    const bytes = await fs.readFile(file);
    const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    const metadata = parquetMetadata(buffer);
    const n = Number(metadata.num_rows);
    return decoder.build(await readColumns(buffer, metadata, decoder.columns, n), n);
  } catch (err) {
    if (missingThrows && isMissing(err)) throw err;
    onProblem?.(`skipped the recorded file ${file}: ${errorMessage(err)}`);
    return [];
  }
}

/** The named columns of a file, decoded whole (chunks of row groups put in place), without building rows. */
async function readColumns(file: ArrayBuffer, metadata: ReturnType<typeof parquetMetadata>, names: readonly string[], n: number): Promise<Map<string, ArrayLike<unknown>>> {
  const chunks = new Map<string, Array<{ readonly start: number; readonly data: ArrayLike<unknown> }>>();
  await parquetRead({
    file,
    metadata,
    columns: [...names],
    parsers,
    onChunk: ({ columnName, columnData, rowStart }) => {
      let list = chunks.get(columnName);
      if (!list) chunks.set(columnName, (list = []));
      list.push({ start: rowStart, data: columnData });
    },
  });
  const out = new Map<string, ArrayLike<unknown>>();
  for (const [name, list] of chunks) {
    const only = list[0];
    if (list.length === 1 && only && only.start === 0) {
      out.set(name, only.data);
      continue;
    }
    out.set(name, assembled(list, n));
  }
  return out;
}

/** One column from its chunks (row groups): a typed array stays one (numbers are not boxed one by one). */
function assembled(chunks: ReadonlyArray<{ readonly start: number; readonly data: ArrayLike<unknown> }>, n: number): ArrayLike<unknown> {
  if (chunks.every((c) => c.data instanceof Float64Array)) {
    const whole = new Float64Array(n);
    for (const { start, data } of chunks) whole.set((data as Float64Array).subarray(0, Math.max(0, n - start)), start);
    return whole;
  }
  const whole = new Array<unknown>(n);
  for (const { start, data } of chunks) for (let i = 0; i < data.length && start + i < n; i++) whole[start + i] = data[i];
  return whole;
}
