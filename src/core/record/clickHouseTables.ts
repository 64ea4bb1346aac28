/** The ClickHouse record tables: their DDL, a batch as RowBinary rows, and rows read back (checked: the server is untrusted). */
import { assertNever } from '../util/assertNever';
import { quoteString } from './clickHouseHttp';
import type { BookRow, HoleKind, RecordBatch, RecordKind, RecordedMarket, RecordingHole, TickerRow, TradeRow } from './recordTypes';
import { RowBinaryReader, RowBinaryWriter } from './rowBinary';

/**
 * One table per kind, MergeTree, partitioned by exchange and UTC day (a day is dropped or moved as a unit), ordered
 * by symbol, time and sequence. `ins` is the writer's insertion sequence: rows of one millisecond read back in the
 * order they were recorded, and a batch stored twice (a retry after an answer was lost) is told apart from two trades
 * and kept once when read. Times are epoch milliseconds (Int64): the same values the embedded store keeps.
 */
const DDL: { readonly [K in RecordKind]: { readonly columns: string; readonly order: string } } = {
  trades: {
    columns: "exchange String, symbol String, ts Int64, ins UInt64, id String, price Float64, amount Float64, side Enum8('buy' = 1, 'sell' = 2), received Int64",
    order: 'symbol, ts, ins',
  },
  book: {
    columns: "exchange String, symbol String, ts Int64, seq Int64, ins UInt64, kind Enum8('snapshot' = 1, 'delta' = 2), side Enum8('bid' = 1, 'ask' = 2), price Float64, amount Float64",
    order: 'symbol, ts, seq, ins',
  },
  tickers: {
    columns: 'exchange String, symbol String, ts Int64, ins UInt64, last Float64, bid Nullable(Float64), ask Nullable(Float64), change24h_percent Nullable(Float64)',
    order: 'symbol, ts, ins',
  },
};

export function createTableSql(kind: RecordKind): string {
  const t = DDL[kind];
  return `CREATE TABLE IF NOT EXISTS ${kind} (${t.columns}) ENGINE = MergeTree() PARTITION BY (exchange, toDate(toDateTime(intDiv(ts, 1000), 'UTC'))) ORDER BY (${t.order})`;
}

/**
 * The market's tick size as the exchange published it while recording: a row when a writer first records a market
 * on a day, and when it changes (the embedded store keeps it in each trade file's footer). Recordings made before
 * this table have none, and replay infers the tick from their prices.
 */
export const TICK_TABLE = 'market_ticks';

export function createTickTableSql(): string {
  return `CREATE TABLE IF NOT EXISTS ${TICK_TABLE} (exchange String, symbol String, ts Int64, tick_size Float64) ENGINE = MergeTree() ORDER BY (exchange, symbol, ts)`;
}

export function insertTickSql(): string {
  return `INSERT INTO ${TICK_TABLE} FORMAT RowBinary`;
}

/** One tick-size row as RowBinary, in the table's column order. */
export function encodeTickRow(market: RecordedMarket, ts: number, tickSize: number): Uint8Array {
  const w = new RowBinaryWriter(128);
  w.string(market.exchange);
  w.string(market.symbol);
  w.int64(ts);
  w.float64(tickSize);
  return w.bytes();
}

/** The tick size in force at `at` (the newest stored at or before it), else the first stored after it on the same UTC day. */
export function tickSizeSql(market: RecordedMarket, at: number, dayEnd: number): string {
  const when = Math.floor(at);
  return `SELECT toString(tick_size) FROM ${TICK_TABLE} WHERE exchange = ${quoteString(market.exchange)} AND symbol = ${quoteString(market.symbol)} AND ts < ${Math.ceil(dayEnd)} ORDER BY ts > ${when}, abs(ts - ${when}) LIMIT 1 FORMAT TabSeparated`;
}

/** The spans a recording may lack rows in (RecordingHole): a row per hole, written before the trades that carry it. */
export const HOLES_TABLE = 'recording_holes';

/** Whether the holes table has the kind column (count 1), as rows of one value. */
export function holeKindKeptSql(): string {
  return `SELECT count() FROM system.columns WHERE database = currentDatabase() AND table = '${HOLES_TABLE}' AND name = 'kind' FORMAT TabSeparated`;
}

/** What a hole lacks; a row stored before holes had a kind reads as a trade hole (the column's default). */
const HOLE_KIND_TYPE = "Enum8('trades' = 1, 'book' = 2, 'tickers' = 3) DEFAULT 'trades'";
const HOLE_KIND_CODE: Readonly<Record<HoleKind, number>> = { trades: 1, book: 2, tickers: 3 };

/**
 * A hole's identity: the table is a ReplacingMergeTree, so rows equal in every key column are one (a retry's copy).
 * `kind` is in it, or a trade hole and a book hole of one span and reason would merge into one, either.
 */
const HOLES_ORDER = 'exchange, symbol, from_ts, until_ts, reason, kind';

export function createHolesTableSql(): string {
  return `CREATE TABLE IF NOT EXISTS ${HOLES_TABLE} (exchange String, symbol String, from_ts Int64, until_ts Int64, reason String, kind ${HOLE_KIND_TYPE}) ENGINE = ReplacingMergeTree() ORDER BY (${HOLES_ORDER})`;
}

/** The holes table's sorting key as the server says it (one row; none when the table is missing). */
export function holesSortingKeySql(): string {
  return `SELECT sorting_key FROM system.tables WHERE database = currentDatabase() AND name = '${HOLES_TABLE}' FORMAT TabSeparated`;
}

/** Whether a sorting key (as system.tables gives it) holds `kind`: a table made before holes had one, given the column since, has not. */
export function holesKeyHasKind(sortingKey: string): boolean {
  return sortingKey.split(',').some((c) => c.trim() === 'kind');
}

/**
 * A holes table created before holes had a kind gets the column (then, its key lacking it, it is made again: see
 * UNKEYED_HOLES_TABLE; a column with a default may not join the key in the ALTER that adds it). Asked only where
 * holeKindKeptSql says it lacks it: 18.16 has no ADD COLUMN IF NOT EXISTS.
 */
export function addHoleKindSql(): string {
  return `ALTER TABLE ${HOLES_TABLE} ADD COLUMN kind ${HOLE_KIND_TYPE}`;
}

/**
 * Where a holes table with a kind column outside its key is moved while its rows are copied into one made with the
 * right key: a table's key cannot take a column it already has (nor one with a default as it is added). Present only
 * while that move is under way (or was cut short: the next writer finishes it).
 */
export const UNKEYED_HOLES_TABLE = 'recording_holes_unkeyed';

export function unkeyedHolesExistSql(): string {
  return `EXISTS TABLE ${UNKEYED_HOLES_TABLE} FORMAT TabSeparated`;
}

export function moveUnkeyedHolesSql(): string {
  return `RENAME TABLE ${HOLES_TABLE} TO ${UNKEYED_HOLES_TABLE}`;
}

/** Every row of the moved table into the holes table (a copy made twice is absorbed: the key and DISTINCT make rows equal in all columns one). */
export function copyUnkeyedHolesSql(): string {
  const columns = 'exchange, symbol, from_ts, until_ts, reason, kind';
  return `INSERT INTO ${HOLES_TABLE} (${columns}) SELECT ${columns} FROM ${UNKEYED_HOLES_TABLE}`;
}

export function dropUnkeyedHolesSql(): string {
  return `DROP TABLE IF EXISTS ${UNKEYED_HOLES_TABLE}`;
}

export function insertHolesSql(): string {
  return `INSERT INTO ${HOLES_TABLE} (exchange, symbol, from_ts, until_ts, reason, kind) FORMAT RowBinary`;
}

/** The holes as RowBinary rows, in insertHolesSql's column order. */
export function encodeHoleRows(market: RecordedMarket, holes: readonly RecordingHole[]): Uint8Array {
  const w = new RowBinaryWriter(256);
  for (const h of holes) {
    w.string(market.exchange);
    w.string(market.symbol);
    w.int64(h.from);
    w.int64(h.until);
    w.string(h.reason);
    w.int8(HOLE_KIND_CODE[h.kind]);
  }
  return w.bytes();
}

/**
 * The market's holes overlapping [from, until), each once, as rows of from, until, reason and kind (`kindKept`: the
 * table has the column; one no recorder of this version wrote to yet holds trade holes only).
 */
export function holesSql(market: RecordedMarket, from: number, until: number, kindKept: boolean): string {
  return `SELECT DISTINCT toString(from_ts), toString(until_ts), reason${kindKept ? ', toString(kind)' : ''} FROM ${HOLES_TABLE} WHERE exchange = ${quoteString(market.exchange)} AND symbol = ${quoteString(market.symbol)} AND from_ts < ${Math.ceil(until)} AND until_ts > ${Math.floor(from)} ORDER BY from_ts, until_ts FORMAT TabSeparated`;
}

/** The INSERT statement for a kind; its rows are `encodeRows`' bytes. */
export function insertSql(kind: RecordKind): string {
  return `INSERT INTO ${kind} FORMAT RowBinary`;
}

/** A batch as RowBinary rows in the table's column order; `nextIns` numbers each row. */
export function encodeRows(batch: RecordBatch, nextIns: () => number): Uint8Array {
  const w = new RowBinaryWriter(batch.rows.length * 80 + 64);
  const { exchange, symbol } = batch.market;
  const head = (ts: number) => {
    w.string(exchange);
    w.string(symbol);
    w.int64(ts);
  };
  switch (batch.kind) {
    case 'trades':
      for (const r of batch.rows) {
        head(r.ts);
        w.int64(nextIns());
        w.string(r.id);
        w.float64(r.price);
        w.float64(r.amount);
        w.int8(r.side === 'buy' ? 1 : 2);
        w.int64(r.received);
      }
      break;
    case 'book':
      for (const r of batch.rows) {
        head(r.ts);
        w.int64(r.seq);
        w.int64(nextIns());
        w.int8(r.kind === 'snapshot' ? 1 : 2);
        w.int8(r.side === 'bid' ? 1 : 2);
        w.float64(r.price);
        w.float64(r.amount);
      }
      break;
    case 'tickers':
      for (const r of batch.rows) {
        head(r.ts);
        w.int64(nextIns());
        w.float64(r.last);
        w.nullableFloat64(r.bid);
        w.nullableFloat64(r.ask);
        w.nullableFloat64(r.change24hPercent);
      }
      break;
    default:
      assertNever(batch);
  }
  return w.bytes();
}

/** The SELECT of one kind's rows of a market in [from, until), in recorded order, as `decodeRow` reads them. */
export function selectSql(kind: RecordKind, market: RecordedMarket, from: number, until: number): string {
  const where = whereMarket(market, from, until);
  switch (kind) {
    case 'trades':
      return `SELECT ts, ins, id, price, amount, side, received FROM trades WHERE ${where} ORDER BY ts, ins FORMAT RowBinary`;
    case 'book':
      return `SELECT ts, ins, seq, kind, side, price, amount FROM book WHERE ${where} ORDER BY ts, seq, ins FORMAT RowBinary`;
    case 'tickers':
      return `SELECT ts, ins, last, bid, ask, change24h_percent FROM tickers WHERE ${where} ORDER BY ts, ins FORMAT RowBinary`;
    default:
      return assertNever(kind);
  }
}

/**
 * The SELECT of a market's trades in [from, until) as replay reads them: `TRADE_NATIVE_COLUMNS` in the Native
 * (columnar) format, with no ORDER BY: the server streams its parts as they are stored (each already in table
 * order) instead of sorting the day first (18.16 cannot read in order), and the reader merges them by time and `ins`.
 */
export function tradesNativeSql(market: RecordedMarket, from: number, until: number): string {
  return `SELECT ts, ins, id, price, amount, side FROM trades WHERE ${whereMarket(market, from, until)} FORMAT Native`;
}

/**
 * The settings of the unsorted reads: one reading thread, so each stored part comes whole and in table order (a
 * day merged into one part needs no merge at all); with more, the threads' blocks interleave. Order never depends
 * on it: the reader merges whatever comes.
 */
export const UNSORTED_READ_SETTINGS: Readonly<Record<string, string>> = { max_threads: '1' };

/** The SELECT of a market's book levels in [from, until) as replay reads them: `BOOK_NATIVE_COLUMNS`, unsorted (as `tradesNativeSql`; the reader orders by time, seq and `ins`). */
export function bookNativeSql(market: RecordedMarket, from: number, until: number): string {
  return `SELECT ts, seq, ins, kind, side, price, amount FROM book WHERE ${whereMarket(market, from, until)} FORMAT Native`;
}

function whereMarket(market: RecordedMarket, from: number, until: number): string {
  return `exchange = ${quoteString(market.exchange)} AND symbol = ${quoteString(market.symbol)} AND ts >= ${Math.floor(from)} AND ts < ${Math.ceil(until)}`;
}

/** Equal for two copies of one recorded row (only compared between rows of one ts, so ts is left out). */
export function identityOf(kind: RecordKind, row: TradeRow | BookRow | TickerRow): string {
  switch (kind) {
    case 'trades':
      return (row as TradeRow).id;
    case 'book': {
      const b = row as BookRow;
      return `${b.seq}|${b.kind}|${b.side}|${b.price}`;
    }
    case 'tickers': {
      const t = row as TickerRow;
      return `${t.last}|${t.bid}|${t.ask}|${t.change24hPercent}`;
    }
    default:
      return assertNever(kind);
  }
}

/**
 * One row of `selectSql(kind)`'s answer. Throws NeedMoreBytes when the bytes end inside the row, and an Error naming
 * the column when a value is not what the recorder writes (the row is then skipped by the caller).
 */
export function decodeRow(kind: RecordKind, r: RowBinaryReader): TradeRow | BookRow | TickerRow {
  const ts = r.int64();
  r.int64(); // ins: the order is the query's; the value is not needed
  switch (kind) {
    case 'trades': {
      const id = r.string();
      const price = r.float64();
      const amount = r.float64();
      const side = r.int8();
      const received = r.int64();
      return { ts: time(ts, 'ts'), id: nonEmpty(id, 'id'), price: finite(price, 'price'), amount: finite(amount, 'amount'), side: enumOf(side, 'side', ['buy', 'sell']), received: time(received, 'received') };
    }
    case 'book': {
      const seq = r.int64();
      const bookKind = r.int8();
      const side = r.int8();
      const price = r.float64();
      const amount = r.float64();
      return { ts: time(ts, 'ts'), seq: safeInt(seq, 'seq'), kind: enumOf(bookKind, 'kind', ['snapshot', 'delta']), side: enumOf(side, 'side', ['bid', 'ask']), price: finite(price, 'price'), amount: finite(amount, 'amount') };
    }
    case 'tickers': {
      const last = r.float64();
      const bid = r.nullableFloat64();
      const ask = r.nullableFloat64();
      const change = r.nullableFloat64();
      return { ts: time(ts, 'ts'), last: finite(last, 'last'), bid: optionalFinite(bid, 'bid'), ask: optionalFinite(ask, 'ask'), change24hPercent: optionalFinite(change, 'change24h_percent') };
    }
    default:
      return assertNever(kind);
  }
}

function time(v: number, column: string): number {
  if (!Number.isSafeInteger(v) || v < 0) throw new Error(`column ${column}: expected epoch milliseconds, got ${v}`);
  return v;
}

function safeInt(v: number, column: string): number {
  if (!Number.isSafeInteger(v)) throw new Error(`column ${column}: expected an integer, got ${v}`);
  return v;
}

function finite(v: number, column: string): number {
  if (!Number.isFinite(v)) throw new Error(`column ${column}: expected a finite number, got ${v}`);
  return v;
}

function optionalFinite(v: number | null, column: string): number | null {
  return v === null ? null : finite(v, column);
}

function nonEmpty(v: string, column: string): string {
  if (v.length === 0) throw new Error(`column ${column}: expected a non-empty string`);
  return v;
}

/** Enum8 values are 1-based in the DDL above. */
function enumOf<T extends string>(v: number, column: string, values: readonly [T, T]): T {
  const name = values[v - 1];
  if (name === undefined) throw new Error(`column ${column}: expected one of ${values.join(', ')}, got the value ${v}`);
  return name;
}
