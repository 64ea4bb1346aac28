/**
 * The spans a recording may lack trades in (RecordingHole), as the embedded store keeps them: in the key-value metadata
 * of the trade file written with them, and of the compacted file that replaces it.
 */
import * as path from 'node:path';
import { errorMessage } from '../util/log';
import { footerKeyValues, partitionFiles } from './partitionFiles';
import { RECORD_KINDS, type HoleKind, type RecordedMarket, type RecordingHole } from './recordTypes';
import { recordedDays } from './recordReader';
import { dayOf, partitionDir } from './storeLayout';

export const HOLES_KEY = 'tradesuite.holes';

const DAY_MS = 86_400_000;
/** A stored reason is cut here: it is the store's word, shown in logs and panels. */
export const MAX_HOLE_REASON = 300;

/**
 * `[[from, until, reason, kind], …]`: compact, and readable by DuckDB's json functions. A hole stored before holes had
 * a kind has no fourth element: it is of trades (those were the only holes that marked anything).
 */
export function encodeHoles(holes: readonly RecordingHole[]): string {
  return JSON.stringify(holes.map((h) => [h.from, h.until, h.reason, h.kind]));
}

/** The holes a stored value names; a value that is not one is named through `onProblem` and gives none. */
export function decodeHoles(value: string | undefined, where: string, onProblem?: (message: string) => void): RecordingHole[] {
  if (value === undefined) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch (err) {
    onProblem?.(`${where}: ${HOLES_KEY} is not JSON (${errorMessage(err)}); its holes are ignored`);
    return [];
  }
  if (!Array.isArray(parsed)) {
    onProblem?.(`${where}: ${HOLES_KEY} is not a list; its holes are ignored`);
    return [];
  }
  const out: RecordingHole[] = [];
  for (const entry of parsed) {
    const hole = holeOf(entry);
    if (hole) out.push(hole);
    else onProblem?.(`${where}: ${HOLES_KEY} holds ${JSON.stringify(entry)?.slice(0, 80)}, not [from, until, reason, kind?] with from < until and a known kind; ignored`);
  }
  return out;
}

function holeOf(entry: unknown): RecordingHole | undefined {
  if (!Array.isArray(entry) || (entry.length !== 3 && entry.length !== 4)) return undefined;
  const [from, until, reason, stored] = entry as unknown[];
  if (typeof from !== 'number' || typeof until !== 'number' || !Number.isSafeInteger(from) || !Number.isSafeInteger(until) || !(until > from)) return undefined;
  const kind = entry.length === 3 ? 'trades' : holeKindOf(stored);
  return kind && { kind, from, until, reason: typeof reason === 'string' ? reason.slice(0, MAX_HOLE_REASON) : 'unknown' };
}

/** A stored hole kind, if it is one (a value from a store is untrusted). */
export function holeKindOf(value: unknown): HoleKind | undefined {
  return RECORD_KINDS.find((k) => k === value);
}

/**
 * Sorted by start, apart within each kind: overlapping holes of one kind and reason as one (a recording made before
 * holes were clipped at write stored a growing hole again, longer, and one a reload continued over the hole stored
 * before it), and of one kind and another reason the part already covered left out, so the hole starting first keeps
 * the span with its reason (a recording made before holes of one kind were clipped across reasons): a bar is partial
 * for one reason, and no span is counted twice.
 */
export function distinctHoles(holes: Iterable<RecordingHole>): RecordingHole[] {
  const sorted = [...holes].sort((a, b) => a.from - b.from || b.until - a.until || (a.reason < b.reason ? -1 : a.reason > b.reason ? 1 : 0));
  const out: RecordingHole[] = [];
  const lastOf = new Map<HoleKind, number>(); // kind → index in out of its latest hole (the one reaching furthest)
  for (const h of sorted) {
    const i = lastOf.get(h.kind);
    const last = i === undefined ? undefined : out[i];
    if (i !== undefined && last && h.reason === last.reason && h.from <= last.until) {
      if (h.until > last.until) out[i] = { ...last, until: h.until };
      continue;
    }
    const from = last ? Math.max(h.from, last.until) : h.from;
    if (h.until > from) lastOf.set(h.kind, out.push(from === h.from ? h : { ...h, from }) - 1);
  }
  return out.sort((a, b) => a.from - b.from || a.until - b.until);
}

/** Holes by file path: a stored file never changes (compaction writes a new one), so what its footer says holds. */
export type HoleFooterCache = Map<string, readonly RecordingHole[]>;
const MAX_CACHED_FILES = 20_000;

/** The holes of the files `names` of one partition (a compacted file keeps those of the files it replaced). */
export async function holesOfFiles(dir: string, names: readonly string[], onProblem?: (message: string) => void, cache?: HoleFooterCache, signal?: AbortSignal): Promise<RecordingHole[]> {
  const out: RecordingHole[] = [];
  for (const name of names) {
    signal?.throwIfAborted();
    const file = path.join(dir, name);
    let holes = cache?.get(file);
    if (!holes) {
      try {
        holes = decodeHoles((await footerKeyValues(file)).get(HOLES_KEY), file, onProblem);
      } catch {
        continue; // a file that cannot be read names no hole here; the reader names it when it reads its rows
      }
      if (cache) {
        if (cache.size >= MAX_CACHED_FILES) cache.clear();
        cache.set(file, holes);
      }
    }
    out.push(...holes);
  }
  return distinctHoles(out);
}

/**
 * The market's recorded holes overlapping [from, until). A hole is kept with the trades written after it was known,
 * so the day after `until` is read too (a hole just before midnight, known after it); one no trade came after is kept
 * in a file of its own in the day it starts, so the day before `from` is read too. (A hole longer than a day is found
 * from the days at its ends.)
 */
export async function storedHoles(root: string, market: RecordedMarket, from: number, until: number, onProblem?: (message: string) => void, cache?: HoleFooterCache, signal?: AbortSignal): Promise<RecordingHole[]> {
  const out: RecordingHole[] = [];
  for (const day of await recordedDays(root, ['trades'], { market, from: dayOf(from) - DAY_MS, until: dayOf(until) + 2 * DAY_MS })) {
    signal?.throwIfAborted();
    const dir = partitionDir(root, 'trades', market, day);
    const { files } = await partitionFiles(dir);
    for (const h of await holesOfFiles(dir, files.map((f) => f.name), onProblem, cache, signal)) if (h.from < until && h.until > from) out.push(h);
  }
  return distinctHoles(out);
}

/**
 * How far past its name's end a file written before names reached through their holes (PartitionFile) may hold one:
 * a hole ends at most minutes after the rows it was written with (those buffered while the store was behind).
 */
const OLDER_NAME_SLACK_MS = 15 * 60_000;

/**
 * The market's holes stored that end after `from`, for a recorder resuming where the store ends (StoredTail.holes).
 * Only the files whose names reach `from` (less OLDER_NAME_SLACK_MS) are read: a file's name reaches through its
 * holes' ends, so an older one holds none ending after it, and a day's thousands of part files are not all opened at
 * a reload. Names, not modification times: a file copied with its times kept, or touched, says nothing wrong then.
 */
export async function holesStoredSince(root: string, market: RecordedMarket, from: number, onProblem?: (message: string) => void): Promise<RecordingHole[]> {
  const out: RecordingHole[] = [];
  for (const day of await recordedDays(root, ['trades'], { market, from: dayOf(from) - DAY_MS, until: Number.MAX_SAFE_INTEGER })) {
    const dir = partitionDir(root, 'trades', market, day);
    const recent = (await partitionFiles(dir)).files.filter((f) => f.last >= from - OLDER_NAME_SLACK_MS);
    for (const h of await holesOfFiles(dir, recent.map((f) => f.name), onProblem)) if (h.until > from) out.push(h);
  }
  return distinctHoles(out);
}
