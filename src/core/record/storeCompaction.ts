/**
 * Compaction: a closed day's part files (one per batch, thousands a day) merged into one file per partition.
 * Readers see the day either before or after: the merged file names the parts it replaces, so from the moment it
 * is renamed into place they are ignored, then removed.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { errorMessage, silentLogger, type Logger } from '../util/log';
import { writeAtomic } from '../util/writeAtomic';
import { encodeBatch, holesEnd } from './parquetStore';
import { TICK_SIZE_KEY, tickSizeOf } from './storedTickSize';
import { holesOfFiles } from './storedHoles';
import { readPart } from './recordReader';
import type { BookRow, RecordBatch, RecordKind, RecordedMarket, TickerRow, TradeRow } from './recordTypes';
import { compactedFileName, compactedSpan, footerKeyValues, partitionFiles, REPLACES_KEY } from './partitionFiles';
import { storedDays } from './storeRetention';

const DAY_MS = 86_400_000;
/** A day is compacted once it ended this long ago (a recorder behind, or a gap fill, may still write into it). */
export const COMPACT_AFTER_MS = 2 * 3_600_000;

export interface CompactionResult {
  readonly dir: string;
  /** Files merged (parts, and an older compacted file) and rows written. */
  readonly merged: number;
  readonly rows: number;
}

/**
 * Merges one partition's files into a new compacted file (written atomically, naming what it replaces), then
 * removes the files it replaced. A part that cannot be read is left as it is (and named), never removed.
 */
export async function compactPartition(dir: string, kind: RecordKind, market: RecordedMarket, log: Logger = silentLogger): Promise<CompactionResult> {
  const { files, replaced: leftovers, unreadable } = await partitionFiles(dir);
  // A compacted file that cannot be read would be hidden (or overwritten) by the next one: stop, leaving it for a person to look at.
  const [damaged] = unreadable;
  if (damaged) throw new Error(`the compacted file ${path.join(dir, damaged.name)} cannot be read (${damaged.reason}); left in place, this day is not compacted again`);
  const newest = files.find((f) => compactedSpan(f.name));
  const parts = files.filter((f) => !compactedSpan(f.name));
  let merged = 0;
  const rows: Array<TradeRow | BookRow | TickerRow> = [];
  const replaces: string[] = [];
  if (parts.length > 0) {
    for (const f of files) {
      let problem: string | undefined;
      const read = await readPart(path.join(dir, f.name), kind, (m) => (problem = m));
      if (problem !== undefined) {
        // An unreadable compacted file would be hidden by the next one: stop. An unreadable part stays where it is.
        if (f === newest) throw new Error(problem);
        log.warn(`compaction: ${problem}; left in place`);
        continue;
      }
      for (const row of read) rows.push(row); // not concat: a copy of the day so far per part is quadratic in a day's thousands of parts
      replaces.push(f.name);
      merged++;
    }
    if (merged > (newest ? 1 : 0) && rows.length > 0) {
      rows.sort(kind === 'book' ? (a, b) => a.ts - b.ts || (a as BookRow).seq - (b as BookRow).seq : (a, b) => a.ts - b.ts);
      const generation = (newest ? (compactedSpan(newest.name)?.generation ?? 0) : 0) + 1;
      const tickSize = kind === 'trades' ? await newestTickSize(dir, replaces) : undefined;
      const holes = kind === 'trades' ? await holesOfFiles(dir, replaces) : [];
      const batch = { kind, market, rows, ...(tickSize !== undefined ? { tickSize } : {}), ...(holes.length > 0 ? { holes } : {}) } as RecordBatch;
      const bytes = encodeBatch(batch, [{ key: REPLACES_KEY, value: JSON.stringify([...replaces, ...leftovers]) }]);
      const first = rows[0]?.ts ?? 0;
      const last = Math.max(rows[rows.length - 1]?.ts ?? first, holesEnd(batch)); // its name reaches through its holes, as a part's
      // From this rename on, readers read the new file and ignore what it replaces; removing those is tidying up.
      await writeAtomic(path.join(dir, compactedFileName(first, last, generation)), bytes, { durable: true });
      for (const name of replaces) await fs.rm(path.join(dir, name), { force: true });
    }
  }
  for (const name of leftovers) await fs.rm(path.join(dir, name), { force: true });
  return { dir, merged, rows: rows.length };
}

/** The tick size the newest of the merged trade files keeps (the compacted file keeps it too). */
async function newestTickSize(dir: string, names: readonly string[]): Promise<number | undefined> {
  for (const name of [...names].reverse().slice(0, 8)) { // an older recording: a few files say so
    const tick = tickSizeOf((await footerKeyValues(path.join(dir, name))).get(TICK_SIZE_KEY));
    if (tick !== undefined) return tick;
  }
  return undefined;
}

/**
 * Compacts every day partition of the store that ended at least COMPACT_AFTER_MS before `now` and has parts to
 * merge; `signal` stops it between partitions (a bot shutting down does not wait for a whole store).
 */
export async function compactStore(root: string, now: number, log: Logger = silentLogger, signal?: AbortSignal): Promise<CompactionResult[]> {
  const out: CompactionResult[] = [];
  for (const d of await storedDays(root)) {
    if (signal?.aborted) break;
    if (d.day + DAY_MS + COMPACT_AFTER_MS > now) continue;
    try {
      const r = await compactPartition(d.dir, d.kind, d.market, log);
      if (r.merged > 1) {
        log.info(`record store: compacted ${r.merged} files of ${d.kind} ${d.market.exchange} ${d.market.symbol} on ${new Date(d.day).toISOString().slice(0, 10)} (${r.rows} rows)`);
        out.push(r);
      }
    } catch (err) {
      log.warn(`record store: could not compact ${d.dir}: ${errorMessage(err)}`);
    }
  }
  return out;
}
