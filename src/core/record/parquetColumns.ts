/** Rows ⇄ Parquet columns for each record kind: the file schema that DuckDB, pandas and polars read. */
import type { ColumnSource } from 'hyparquet-writer';
import type { BookRow, RecordBatch, RecordKind, RowOf, TickerRow, TradeRow } from './recordTypes';
import { assertNever } from '../util/assertNever';
import { TradeColumns, type TradeIds } from './tradeColumns';
import { BookColumns } from './bookColumns';
import { TickerColumns } from './tickerColumns';
import type { TradeSide } from '../types';

/** The columns of one kind's files, in order (documented in the README's "Recording" section). */
export const COLUMNS: { readonly [K in RecordKind]: readonly string[] } = {
  trades: ['ts', 'id', 'price', 'amount', 'side', 'received'],
  book: ['ts', 'seq', 'kind', 'side', 'price', 'amount'],
  tickers: ['ts', 'last', 'bid', 'ask', 'change24h_percent'],
};

const required = { nullable: false } as const;

export function toColumns(batch: RecordBatch): ColumnSource[] {
  switch (batch.kind) {
    case 'trades': {
      const r = batch.rows;
      return [
        { name: 'ts', type: 'TIMESTAMP', data: r.map((t) => t.ts), ...required },
        numericIds(r) ? { name: 'id', type: 'INT64', data: r.map((t) => BigInt(t.id)), ...required } : { name: 'id', type: 'STRING', data: r.map((t) => t.id), ...required },
        { name: 'price', type: 'DOUBLE', data: r.map((t) => t.price), ...required },
        { name: 'amount', type: 'DOUBLE', data: r.map((t) => t.amount), ...required },
        { name: 'side', type: 'STRING', data: r.map((t) => t.side), ...required },
        { name: 'received', type: 'TIMESTAMP', data: r.map((t) => t.received), ...required },
      ];
    }
    case 'book': {
      const r = batch.rows;
      return [
        { name: 'ts', type: 'TIMESTAMP', data: r.map((b) => b.ts), ...required },
        { name: 'seq', type: 'INT64', data: r.map((b) => BigInt(b.seq)), ...required },
        { name: 'kind', type: 'STRING', data: r.map((b) => b.kind), ...required },
        { name: 'side', type: 'STRING', data: r.map((b) => b.side), ...required },
        { name: 'price', type: 'DOUBLE', data: r.map((b) => b.price), ...required },
        { name: 'amount', type: 'DOUBLE', data: r.map((b) => b.amount), ...required },
      ];
    }
    case 'tickers': {
      const r = batch.rows;
      return [
        { name: 'ts', type: 'TIMESTAMP', data: r.map((t) => t.ts), ...required },
        { name: 'last', type: 'DOUBLE', data: r.map((t) => t.last), ...required },
        { name: 'bid', type: 'DOUBLE', data: r.map((t) => t.bid) },
        { name: 'ask', type: 'DOUBLE', data: r.map((t) => t.ask) },
        { name: 'change24h_percent', type: 'DOUBLE', data: r.map((t) => t.change24hPercent) },
      ];
    }
    default:
      return assertNever(batch);
  }
}

/**
 * The rows of one file from its decoded columns (each `n` values long), every value checked, since a file is
 * untrusted input: the error names the row and the column. Column by column, in tight loops (a day is millions of
 * rows), then one object per row.
 */
export function rowsFromColumns<K extends RecordKind>(kind: K, columns: ReadonlyMap<string, ArrayLike<unknown>>, n: number): Array<RowOf<K>>;
export function rowsFromColumns(kind: RecordKind, columns: ReadonlyMap<string, ArrayLike<unknown>>, n: number): Array<TradeRow | BookRow | TickerRow> {
  const col = columnOf(columns, n);
  switch (kind) {
    case 'trades': {
      const ts = times(col('ts'), 'ts', n);
      const id = idTexts(col('id'), n);
      const price = nums(col('price'), 'price', n);
      const amount = nums(col('amount'), 'amount', n);
      const side = oneOf(col('side'), 'side', n, ['buy', 'sell'] as const);
      const received = times(col('received'), 'received', n);
      const rows = new Array<TradeRow>(n);
      for (let i = 0; i < n; i++) rows[i] = { ts: at(ts, i), id: at(id, i), price: at(price, i), amount: at(amount, i), side: at(side, i), received: at(received, i) };
      return rows;
    }
    case 'book': {
      const ts = times(col('ts'), 'ts', n);
      const seq = integers(col('seq'), 'seq', n);
      const bookKind = oneOf(col('kind'), 'kind', n, ['snapshot', 'delta'] as const);
      const side = oneOf(col('side'), 'side', n, ['bid', 'ask'] as const);
      const price = nums(col('price'), 'price', n);
      const amount = nums(col('amount'), 'amount', n);
      const rows = new Array<BookRow>(n);
      for (let i = 0; i < n; i++) rows[i] = { ts: at(ts, i), seq: at(seq, i), kind: at(bookKind, i), side: at(side, i), price: at(price, i), amount: at(amount, i) };
      return rows;
    }
    case 'tickers': {
      const ts = times(col('ts'), 'ts', n);
      const last = nums(col('last'), 'last', n);
      const bid = nums(col('bid'), 'bid', n, true);
      const ask = nums(col('ask'), 'ask', n, true);
      const change = nums(col('change24h_percent'), 'change24h_percent', n, true);
      const rows = new Array<TickerRow>(n);
      for (let i = 0; i < n; i++) rows[i] = { ts: at(ts, i), last: at(last, i), bid: at(bid, i), ask: at(ask, i), change24hPercent: at(change, i) };
      return rows;
    }
    default:
      return assertNever(kind);
  }
}

/** The columns of a trade file the engine's trades are built from (the receive time is the recorder's own). */
export const TRADE_COLUMNS: readonly string[] = ['ts', 'id', 'price', 'amount', 'side'];

/** A trade file's columns as the replay holds them (no object per trade), checked as rowsFromColumns does. */
export function tradeColumnsFrom(columns: ReadonlyMap<string, ArrayLike<unknown>>, n: number): TradeColumns {
  const col = columnOf(columns, n);
  return new TradeColumns(times(col('ts'), 'ts', n), ids(col('id'), n), float64(nums(col('price'), 'price', n)), float64(nums(col('amount'), 'amount', n)), sideCodes(oneOf(col('side'), 'side', n, ['buy', 'sell'] as const), n), n);
}

/** 'buy'/'sell' as TradeColumns' codes (SIDES). */
function sideCodes(sides: ArrayLike<TradeSide>, n: number): Uint8Array {
  return codes(sides, 'buy', n);
}

/** A checked two-valued column as codes: 0 where it is `first`, else 1. */
function codes(values: ArrayLike<string>, first: string, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = values[i] === first ? 0 : 1;
  return out;
}

/** A book file's columns as the replay holds them (no object per level), checked as rowsFromColumns does. */
export function bookColumnsFrom(columns: ReadonlyMap<string, ArrayLike<unknown>>, n: number): BookColumns {
  const col = columnOf(columns, n);
  return new BookColumns(
    times(col('ts'), 'ts', n),
    integers(col('seq'), 'seq', n),
    codes(oneOf(col('kind'), 'kind', n, ['snapshot', 'delta'] as const), 'snapshot', n),
    codes(oneOf(col('side'), 'side', n, ['bid', 'ask'] as const), 'bid', n),
    float64(nums(col('price'), 'price', n)),
    float64(nums(col('amount'), 'amount', n)),
    n,
  );
}

/** A ticker file's columns as the replay holds them, checked as rowsFromColumns does (a missing value is NaN). */
export function tickerColumnsFrom(columns: ReadonlyMap<string, ArrayLike<unknown>>, n: number): TickerColumns {
  const col = columnOf(columns, n);
  return new TickerColumns(
    times(col('ts'), 'ts', n),
    float64(nums(col('last'), 'last', n)),
    nullableFloat64(col('bid'), 'bid', n),
    nullableFloat64(col('ask'), 'ask', n),
    nullableFloat64(col('change24h_percent'), 'change24h_percent', n),
    n,
  );
}

/** A nullable number column with NaN for null (a NaN value itself is refused, as everywhere). */
function nullableFloat64(values: ArrayLike<unknown>, column: string, n: number): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v === null || v === undefined) out[i] = Number.NaN;
    else if (typeof v === 'number' && Number.isFinite(v)) out[i] = v;
    else throw bad(i, column, 'a finite number', v);
  }
  return out;
}

const float64 = (values: ArrayLike<number>): Float64Array => (values instanceof Float64Array ? values : Float64Array.from(values));

const columnOf =
  (columns: ReadonlyMap<string, ArrayLike<unknown>>, n: number) =>
  (name: string): ArrayLike<unknown> => {
    const values = columns.get(name);
    if (n === 0) return values ?? []; // a file of holes only (see RecordingHole) holds no rows
    if (!values || values.length < n) throw new Error(`column ${name}: missing or short (${values?.length ?? 0} of ${n} rows)`);
    return values;
  };

/** The i-th value of a column already checked to hold `n` values of its type. */
const at = <T>(values: ArrayLike<T>, i: number): T => values[i] as T;

const bad = (i: number, column: string, expected: string, v: unknown): Error => new Error(`row ${i}: column ${column}: expected ${expected}, got ${String(v)}`);

/** Epoch ms: numbers (our reader's timestamp parser), bigints (a plain INT64 column) or Dates (another writer's). */
function times(values: ArrayLike<unknown>, column: string, n: number): Float64Array {
  if (values instanceof Float64Array) {
    for (let i = 0; i < n; i++) if (!Number.isFinite(values[i])) throw bad(i, column, 'a timestamp', values[i]);
    return values;
  }
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    const ms = typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : v instanceof Date ? v.getTime() : Number.NaN;
    if (!Number.isFinite(ms)) throw bad(i, column, 'a timestamp', v);
    out[i] = ms;
  }
  return out;
}

function integers(values: ArrayLike<unknown>, column: string, n: number): Float64Array {
  if (values instanceof Float64Array) {
    for (let i = 0; i < n; i++) if (!Number.isSafeInteger(values[i])) throw bad(i, column, 'an integer', values[i]);
    return values;
  }
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    const x = typeof v === 'bigint' ? Number(v) : typeof v === 'number' && Number.isInteger(v) ? v : Number.NaN;
    if (Number.isNaN(x)) throw bad(i, column, 'an integer', v);
    out[i] = x;
  }
  return out;
}

function nums(values: ArrayLike<unknown>, column: string, n: number): ArrayLike<number>;
function nums(values: ArrayLike<unknown>, column: string, n: number, nullable: true): ArrayLike<number | null>;
function nums(values: ArrayLike<unknown>, column: string, n: number, nullable = false): ArrayLike<number | null> {
  if (values instanceof Float64Array) {
    for (let i = 0; i < n; i++) if (!Number.isFinite(at(values, i))) throw bad(i, column, 'a finite number', values[i]);
    return values;
  }
  const out = new Array<number | null>(n);
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (nullable && (v === null || v === undefined)) out[i] = null;
    else if (typeof v === 'number' && Number.isFinite(v)) out[i] = v;
    else throw bad(i, column, 'a finite number', v);
  }
  return out;
}

/** Ids of one batch are written as 64-bit integers when every one is a plain decimal number (as most exchanges' are). */
const NUMERIC_ID = /^(0|[1-9][0-9]{0,15})$/;
function numericIds(rows: readonly TradeRow[]): boolean {
  for (const r of rows) if (!NUMERIC_ID.test(r.id) || !Number.isSafeInteger(Number(r.id))) return false;
  return rows.length > 0;
}

/** A trade file's ids: a string column (older files, exchanges with ids that are not numbers) or an integer column. */
function ids(values: ArrayLike<unknown>, n: number): TradeIds {
  if (!(values instanceof Float64Array)) return texts(values, 'id', n);
  for (let i = 0; i < n; i++) if (!Number.isSafeInteger(values[i])) throw bad(i, 'id', 'a trade id', values[i]);
  return { numeric: values };
}

function idTexts(values: ArrayLike<unknown>, n: number): ArrayLike<string> {
  const id = ids(values, n);
  return 'numeric' in id ? Array.from(id.numeric, String) : id;
}

function texts(values: ArrayLike<unknown>, column: string, n: number): ArrayLike<string> {
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (typeof v !== 'string' || v.length === 0) throw bad(i, column, 'a non-empty string', v);
  }
  return values as ArrayLike<string>;
}

function oneOf<T extends string>(values: ArrayLike<unknown>, column: string, n: number, allowed: readonly [T, T]): ArrayLike<T> {
  const [a, b] = allowed;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v !== a && v !== b) throw bad(i, column, `one of ${allowed.join(', ')}`, v);
  }
  return values as ArrayLike<T>;
}
