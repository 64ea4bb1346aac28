/** Streams a recorded range of one market back in time order, a day at a time: the basis of replay and backtests. */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { hyparquet } from './parquet';
import { errorMessage } from '../util/log';
import { bookColumnsFrom, COLUMNS, TRADE_COLUMNS, rowsFromColumns, tickerColumnsFrom, tradeColumnsFrom } from './parquetColumns';
import { TradeColumns } from './tradeColumns';
import { BookColumns } from './bookColumns';
import { TickerColumns } from './tickerColumns';
import type { BookRow, RecordKind, RecordedEvent, RecordedMarket, RowOf, TickerRow, TradeRow } from './recordTypes';
import { RECORD_KINDS } from './recordTypes';
import { partitionFiles } from './partitionFiles';
import { FORMAT_KEY, formatProblem } from './storeFormat';
import { footerRows, readParquetColumns } from './parquetFileColumns';
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
 * One day of a market's recording, each kind in time order (at one millisecond, in recorded order; books by seq),
 * each as columns (no object per row; trades without their receive time): what replays and backtests go through.
 */
export interface RecordedDay {
  readonly trades: TradeColumns;
  readonly book: BookColumns;
  readonly tickers: TickerColumns;
}

/**
 * Rows in [from, until) in time order; at one millisecond, book before trades before tickers (a trade printed
 * against the book as it stood), and each kind in the order it was recorded. Memory holds one day of the market.
 */
export async function* readRecorded(root: string, range: ReadRange): AsyncGenerator<RecordedEvent> {
  const kinds = range.kinds ?? RECORD_KINDS;
  const read = <K extends RecordKind>(kind: K, day: number): Promise<Array<RowOf<K>>> => (kinds.includes(kind) ? readPartition(partitionDir(root, kind, range.market, day), rowDecoder(kind), range) : Promise.resolve([]));
  for (const day of await recordedDays(root, kinds, range)) yield* mergedInTimeOrder(await read('book', day), await read('trades', day), await read('tickers', day));
}

/**
 * The same data as readRecorded, a day at a time, each kind apart (kinds not asked for are empty): for readers
 * that go through millions of trades (replay, backtests), with one object per trade and nothing more.
 */
export async function* readRecordedDays(root: string, range: ReadRange): AsyncGenerator<RecordedDay> {
  const kinds = range.kinds ?? RECORD_KINDS;
  const read = <C>(kind: RecordKind, decoder: Decoder<C>, day: number): Promise<C> => (kinds.includes(kind) ? readPartition(partitionDir(root, kind, range.market, day), decoder, range) : Promise.resolve(decoder.empty()));
  for (const day of await recordedDays(root, kinds, range)) {
    const recorded: RecordedDay = { book: await read('book', BOOK_DECODER, day), trades: await read('trades', TRADE_DECODER, day), tickers: await read('tickers', TICKER_DECODER, day) };
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

/** How one kind's files become values (a container of them): the columns read, the values built (checked), their time order. */
interface Decoder<C> {
  readonly columns: readonly string[];
  build(columns: ReadonlyMap<string, ArrayLike<unknown>>, n: number): C;
  empty(): C;
  /** The values with a time in [from, until). */
  within(values: C, from: number, until: number): C;
  /** Parts one after another. */
  joined(parts: readonly C[]): C;
  /** In time order (books then by seq), the recorded order kept at one millisecond; sorted only when it is not. */
  inRecordedOrder(values: C): C;
}

const byTs = (a: { readonly ts: number }, b: { readonly ts: number }): number => a.ts - b.ts;
const bookOrder = (a: BookRow, b: BookRow): number => a.ts - b.ts || a.seq - b.seq;

/** Rows (one object each): books, tickers, and trades with every field for checks and compaction. */
function rowsDecoder<K extends RecordKind>(kind: K, compare: (a: RowOf<K>, b: RowOf<K>) => number): Decoder<Array<RowOf<K>>> {
  return {
    columns: COLUMNS[kind],
    build: (c, n) => rowsFromColumns(kind, c, n),
    empty: () => [],
    within: (rows, from, until) => rows.filter((r) => r.ts >= from && r.ts < until),
    joined,
    inRecordedOrder: (rows) => {
      for (let i = 1; i < rows.length; i++) if (compare(rows[i - 1] as RowOf<K>, rows[i] as RowOf<K>) > 0) return rows.sort(compare); // sort is stable
      return rows;
    },
  };
}
const ROW_DECODERS: { readonly [K in RecordKind]: Decoder<Array<RowOf<K>>> } = {
  trades: rowsDecoder('trades', byTs),
  book: rowsDecoder('book', bookOrder),
  tickers: rowsDecoder('tickers', byTs),
};
const rowDecoder = <K extends RecordKind>(kind: K): Decoder<Array<RowOf<K>>> => ROW_DECODERS[kind] as Decoder<Array<RowOf<K>>>;

/** Trades as columns (the receive time left unread): what replays and backtests go through by the million. */
const TRADE_DECODER: Decoder<TradeColumns> = {
  columns: TRADE_COLUMNS,
  build: tradeColumnsFrom,
  empty: () => TradeColumns.EMPTY,
  within: (c, from, until) => c.within(from, until),
  joined: (parts) => TradeColumns.concat(parts),
  inRecordedOrder: (c) => c.sortedByTime(),
};

const BOOK_DECODER: Decoder<BookColumns> = {
  columns: COLUMNS.book,
  build: bookColumnsFrom,
  empty: () => BookColumns.EMPTY,
  within: (c, from, until) => c.within(from, until),
  joined: (parts) => BookColumns.concat(parts),
  inRecordedOrder: (c) => c.inRecordedOrder(),
};

const TICKER_DECODER: Decoder<TickerColumns> = {
  columns: COLUMNS.tickers,
  build: tickerColumnsFrom,
  empty: () => TickerColumns.EMPTY,
  within: (c, from, until) => c.within(from, until),
  joined: (parts) => TickerColumns.concat(parts),
  inRecordedOrder: (c) => c.inRecordedOrder(),
};

/** The days with a partition of any of the kinds in the range, oldest first (read from the folders: ranges may be wide). */
export async function recordedDays(root: string, kinds: readonly RecordKind[], range: ReadRange): Promise<number[]> {
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
async function readPartition<C>(dir: string, decoder: Decoder<C>, range: ReadRange): Promise<C> {
  for (let attempt = 1; ; attempt++) {
    const parts: C[] = [];
    try {
      const listed = await partitionFiles(dir);
      const files = listed.files.filter((f) => f.last >= range.from && f.first < range.until);
      for (const u of listed.unreadable) if (attempt === 1 && u.last >= range.from && u.first < range.until) range.onProblem?.(`skipped the recorded file ${path.join(dir, u.name)}: ${u.reason}`);
      const loaded = readAhead(files.map((f) => path.join(dir, f.name)));
      for (const [i, f] of files.entries()) {
        const read = await decodeFile(path.join(dir, f.name), await loaded(i), decoder, range.onProblem, attempt < 3);
        const whole = f.first >= range.from && f.last < range.until;
        parts.push(whole ? read : decoder.within(read, range.from, range.until));
      }
      return decoder.inRecordedOrder(parts.length === 1 && parts[0] !== undefined ? parts[0] : decoder.joined(parts));
    } catch (err) {
      if (!isMissing(err) || attempt >= 3) throw err;
    }
  }
}

/** How many files are read from disk ahead of the one being decoded (a day is hundreds of small files). */
const READ_AHEAD = 4;

/** A file's bytes, or why they could not be read (held, not thrown: a file read ahead may never be asked for). */
type Loaded = { readonly bytes: Buffer } | { readonly error: unknown };

/** The i-th file's bytes; asking for one starts reading the next READ_AHEAD too, so the disk works while this process decodes. */
function readAhead(files: readonly string[]): (i: number) => Promise<Loaded> {
  const started: Array<Promise<Loaded>> = [];
  const start = (i: number): Promise<Loaded> => (started[i] ??= fs.readFile(files[i] as string).then((bytes) => ({ bytes }), (error: unknown) => ({ error })));
  return (i) => {
    for (let j = i + 1; j <= i + READ_AHEAD && j < files.length; j++) void start(j);
    return start(i);
  };
}

/** Grown, not pre-sized: a holey array of a day's length would be a slow dictionary. */
function joined<T>(parts: readonly T[][]): T[] {
  const out: T[] = [];
  for (const p of parts) for (const v of p) out.push(v);
  return out;
}

const isMissing = (err: unknown): boolean => typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'ENOENT';

/** A file's rows; one that cannot be read is skipped and named (a vanished one is thrown when `missingThrows`). */
export async function readPart<K extends RecordKind>(file: string, kind: K, onProblem: ((message: string) => void) | undefined, missingThrows = false): Promise<Array<RowOf<K>>> {
  const loaded: Loaded = await fs.readFile(file).then((bytes) => ({ bytes }), (error: unknown) => ({ error }));
  return decodeFile(file, loaded, rowDecoder(kind), onProblem, missingThrows);
}

async function decodeFile<C>(file: string, loaded: Loaded, decoder: Decoder<C>, onProblem: ((message: string) => void) | undefined, missingThrows: boolean): Promise<C> {
  // Outside the try: a reader that did not load is one named failure, not every file skipped as damaged.
  const parquet = hyparquet();
  try {
    if ('error' in loaded) throw loaded.error;
    const bytes = loaded.bytes;
    const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength;
    const buffer = (whole ? bytes.buffer : bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)) as ArrayBuffer;
    const metadata = parquet.parquetMetadata(buffer);
    const format = formatProblem(new Map((metadata.key_value_metadata ?? []).map((kv) => [kv.key, kv.value])).get(FORMAT_KEY));
    if (format !== undefined) throw new Error(format);
    const n = footerRows(metadata);
    return decoder.build(await readParquetColumns(buffer, metadata, decoder.columns), n);
  } catch (err) {
    if (missingThrows && isMissing(err)) throw err;
    onProblem?.(`skipped the recorded file ${file}: ${errorMessage(err)}`);
    return decoder.empty();
  }
}
