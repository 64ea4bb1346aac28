/** Streams a recorded range of one market back in time order, a day at a time: the basis of replay and backtests. */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { parquetReadObjects } from 'hyparquet';
import { errorMessage } from '../util/log';
import { fromRecord } from './parquetColumns';
import type { BookRow, RecordKind, RecordedEvent, RecordedMarket, TickerRow, TradeRow } from './recordTypes';
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
 * Rows in [from, until) in time order; at one millisecond, book before trades before tickers (a trade printed
 * against the book as it stood), and each kind in the order it was recorded. Memory holds one day of the market.
 */
export async function* readRecorded(root: string, range: ReadRange): AsyncGenerator<RecordedEvent> {
  for await (const day of readRecordedDays(root, range)) yield* day;
}

/** The same rows as readRecorded, a day (in time order) at a time: for readers that go through millions of rows. */
export async function* readRecordedDays(root: string, range: ReadRange): AsyncGenerator<readonly RecordedEvent[]> {
  const kinds = range.kinds ?? RECORD_KINDS;
  for (const day of await recordedDays(root, kinds, range)) {
    const events: RecordedEvent[] = [];
    for (const kind of kinds) for (const row of await readPartition(partitionDir(root, kind, range.market, day), kind, range)) events.push(eventOf(kind, row));
    events.sort(inTimeOrder);
    if (events.length > 0) yield events;
  }
}

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

const KIND_ORDER: { readonly [K in RecordKind]: number } = { book: 0, trades: 1, tickers: 2 };

/** The readers' order: time, then at one millisecond book before trades before tickers, book rows by `seq`. */
export function inTimeOrder(a: RecordedEvent, b: RecordedEvent): number {
  if (a.row.ts !== b.row.ts) return a.row.ts - b.row.ts;
  if (a.kind !== b.kind) return KIND_ORDER[a.kind] - KIND_ORDER[b.kind];
  if (a.kind === 'book' && b.kind === 'book') return a.row.seq - b.row.seq;
  return 0; // sort is stable: the recorded order stays
}

export function eventOf(kind: RecordKind, row: TradeRow | BookRow | TickerRow): RecordedEvent {
  return { kind, row } as RecordedEvent;
}

/**
 * The rows of one partition in [from, until). A file that vanished between listing and reading was replaced by a
 * compaction (whose merged file is in place before any part is removed): the partition is listed and read again,
 * so a reader sees it whole before or whole after.
 */
async function readPartition(dir: string, kind: RecordKind, range: ReadRange): Promise<Array<TradeRow | BookRow | TickerRow>> {
  for (let attempt = 1; ; attempt++) {
    const rows: Array<TradeRow | BookRow | TickerRow> = [];
    try {
      for (const f of (await partitionFiles(dir)).files) {
        if (f.last < range.from || f.first >= range.until) continue;
        for (const row of await readPart(path.join(dir, f.name), kind, range.onProblem, attempt < 3)) if (row.ts >= range.from && row.ts < range.until) rows.push(row);
      }
      return rows;
    } catch (err) {
      if (!isMissing(err) || attempt >= 3) throw err;
    }
  }
}

const isMissing = (err: unknown): boolean => typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'ENOENT';

/** A file's rows; one that cannot be read is skipped and named (a vanished one is thrown when `missingThrows`). */
export async function readPart(file: string, kind: RecordKind, onProblem: ((message: string) => void) | undefined, missingThrows = false): Promise<Array<TradeRow | BookRow | TickerRow>> {
  try {
    const bytes = await fs.readFile(file);
    const records = await parquetReadObjects({ file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer });
    return records.map((record, i) => {
      try {
        return fromRecord(kind, record);
      } catch (err) {
        throw new Error(`row ${i}: ${errorMessage(err)}`);
      }
    });
  } catch (err) {
    if (missingThrows && isMissing(err)) throw err;
    onProblem?.(`skipped the recorded file ${file}: ${errorMessage(err)}`);
    return [];
  }
}
