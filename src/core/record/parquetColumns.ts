/** Rows ⇄ Parquet columns for each record kind: the file schema that DuckDB, pandas and polars read. */
import type { ColumnSource } from 'hyparquet-writer';
import type { BookRow, RecordBatch, RecordKind, TickerRow, TradeRow } from './recordTypes';
import { assertNever } from '../util/assertNever';

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
        { name: 'id', type: 'STRING', data: r.map((t) => t.id), ...required },
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

/** A row as read from a file; every field checked, since a file is untrusted input. The error names the column. */
export function fromRecord<K extends RecordKind>(kind: K, record: Readonly<Record<string, unknown>>): TradeRow | BookRow | TickerRow {
  switch (kind) {
    case 'trades':
      return {
        ts: time(record, 'ts'),
        id: text(record, 'id'),
        price: num(record, 'price'),
        amount: num(record, 'amount'),
        side: oneOf(record, 'side', ['buy', 'sell'] as const),
        received: time(record, 'received'),
      };
    case 'book':
      return {
        ts: time(record, 'ts'),
        seq: Number(integer(record, 'seq')),
        kind: oneOf(record, 'kind', ['snapshot', 'delta'] as const),
        side: oneOf(record, 'side', ['bid', 'ask'] as const),
        price: num(record, 'price'),
        amount: num(record, 'amount'),
      };
    case 'tickers':
      return {
        ts: time(record, 'ts'),
        last: num(record, 'last'),
        bid: optionalNum(record, 'bid'),
        ask: optionalNum(record, 'ask'),
        change24hPercent: optionalNum(record, 'change24h_percent'),
      };
    default:
      throw new Error(`unknown record kind ${String(kind)}`);
  }
}

function time(r: Readonly<Record<string, unknown>>, column: string): number {
  const v = r[column];
  const ms = v instanceof Date ? v.getTime() : typeof v === 'bigint' ? Number(v) : typeof v === 'number' ? v : Number.NaN;
  if (!Number.isFinite(ms)) throw new Error(`column ${column}: expected a timestamp, got ${String(v)}`);
  return ms;
}

function integer(r: Readonly<Record<string, unknown>>, column: string): bigint {
  const v = r[column];
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
  throw new Error(`column ${column}: expected an integer, got ${String(v)}`);
}

function num(r: Readonly<Record<string, unknown>>, column: string): number {
  const v = r[column];
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`column ${column}: expected a finite number, got ${String(v)}`);
  return v;
}

function optionalNum(r: Readonly<Record<string, unknown>>, column: string): number | null {
  return r[column] === null || r[column] === undefined ? null : num(r, column);
}

function text(r: Readonly<Record<string, unknown>>, column: string): string {
  const v = r[column];
  if (typeof v !== 'string' || v.length === 0) throw new Error(`column ${column}: expected a non-empty string, got ${String(v)}`);
  return v;
}

function oneOf<T extends string>(r: Readonly<Record<string, unknown>>, column: string, allowed: readonly T[]): T {
  const v = r[column];
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) throw new Error(`column ${column}: expected one of ${allowed.join(', ')}, got ${String(v)}`);
  return v as T;
}
