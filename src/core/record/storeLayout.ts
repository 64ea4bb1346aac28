/** Where the embedded store keeps each file: <root>/<kind>/exchange=<id>/symbol=<symbol>/date=<YYYY-MM-DD>/<first>-<last>-<pid>-<n>.parquet. */
import * as path from 'node:path';
import type { RecordKind, RecordedMarket } from './recordTypes';

const DAY_MS = 86_400_000;

/**
 * Hive-style partitions (key=value folders), so `read_parquet('<root>/trades/**\/*.parquet', hive_partitioning = true)`
 * in DuckDB, or pyarrow/polars datasets, get exchange, symbol and date as columns. The symbol is percent-encoded
 * ("BTC%2FUSDT"), which those readers decode.
 */
export function partitionDir(root: string, kind: RecordKind, market: RecordedMarket, day: number): string {
  return path.join(root, kind, `exchange=${encodeURIComponent(market.exchange)}`, `symbol=${encodeURIComponent(market.symbol)}`, `date=${dayName(day)}`);
}

export function marketDir(root: string, kind: RecordKind, market: RecordedMarket): string {
  return path.join(root, kind, `exchange=${encodeURIComponent(market.exchange)}`, `symbol=${encodeURIComponent(market.symbol)}`);
}

/** The UTC day (its start, epoch ms) a timestamp falls in. */
export function dayOf(ts: number): number {
  return Math.floor(ts / DAY_MS) * DAY_MS;
}

export function dayName(day: number): string {
  return new Date(day).toISOString().slice(0, 10);
}

/** The start of the day a `date=YYYY-MM-DD` folder names, or undefined for any other name. */
export function dayFromDirName(name: string): number | undefined {
  const m = /^date=(\d{4}-\d{2}-\d{2})$/.exec(name);
  if (!m) return undefined;
  const t = Date.parse(`${m[1]}T00:00:00Z`);
  return Number.isFinite(t) ? t : undefined;
}

let partCounter = 0;

export function partFileName(firstTs: number, lastTs: number): string {
  return `${firstTs}-${lastTs}-${process.pid}-${++partCounter}.parquet`;
}

/** The time span a part file's name declares, or undefined for a name that is not a part file (temp files included). */
export function partSpan(name: string): { readonly first: number; readonly last: number } | undefined {
  const m = /^(\d+)-(\d+)-\d+-\d+\.parquet$/.exec(name);
  return m ? { first: Number(m[1]), last: Number(m[2]) } : undefined;
}
