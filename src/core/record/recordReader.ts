/** Streams a recorded range of one market back in time order, a day at a time: the basis of replay and backtests. */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { parquetReadObjects } from 'hyparquet';
import { errorMessage } from '../util/log';
import { fromRecord } from './parquetColumns';
import type { BookRow, RecordKind, RecordedEvent, RecordedMarket, TickerRow, TradeRow } from './recordTypes';
import { RECORD_KINDS } from './recordTypes';
import { dayFromDirName, dayOf, marketDir, partSpan, partitionDir } from './storeLayout';

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
  const kinds = range.kinds ?? RECORD_KINDS;
  for (const day of await recordedDays(root, kinds, range)) {
    const events: RecordedEvent[] = [];
    for (const kind of kinds) {
      for (const file of await partsOverlapping(partitionDir(root, kind, range.market, day), range.from, range.until)) {
        const rows = await readPart(file, kind, range.onProblem);
        for (const row of rows) if (row.ts >= range.from && row.ts < range.until) events.push(eventOf(kind, row));
      }
    }
    events.sort(inTimeOrder);
    yield* events;
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

function inTimeOrder(a: RecordedEvent, b: RecordedEvent): number {
  if (a.row.ts !== b.row.ts) return a.row.ts - b.row.ts;
  if (a.kind !== b.kind) return KIND_ORDER[a.kind] - KIND_ORDER[b.kind];
  if (a.kind === 'book' && b.kind === 'book') return a.row.seq - b.row.seq;
  return 0; // sort is stable: the recorded order stays
}

function eventOf(kind: RecordKind, row: TradeRow | BookRow | TickerRow): RecordedEvent {
  return { kind, row } as RecordedEvent;
}

/** The part files of a partition whose declared span overlaps [from, until), oldest first; none when it does not exist. */
async function partsOverlapping(dir: string, from: number, until: number): Promise<string[]> {
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch {
    return [];
  }
  return names
    .map((name) => ({ name, span: partSpan(name) }))
    .filter((p): p is { name: string; span: { first: number; last: number } } => p.span !== undefined && p.span.last >= from && p.span.first < until)
    .sort((a, b) => a.span.first - b.span.first || a.name.localeCompare(b.name))
    .map((p) => path.join(dir, p.name));
}

async function readPart(file: string, kind: RecordKind, onProblem: ((message: string) => void) | undefined): Promise<Array<TradeRow | BookRow | TickerRow>> {
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
    onProblem?.(`skipped the recorded file ${file}: ${errorMessage(err)}`);
    return [];
  }
}
