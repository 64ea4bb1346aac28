/** Where an earlier run's recording of a market ends: what a recorder resuming on the same store continues from. */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Trade } from '../types';
import { errorMessage } from '../util/log';
import { footerRows, partitionFiles, type PartitionFile } from './partitionFiles';
import { readRecorded } from './recordReader';
import type { RecordSource } from './recordSource';
import type { RecordedEvent, RecordedMarket, RecordingHole } from './recordTypes';
import { holesStoredSince } from './storedHoles';
import { dayFromDirName, marketDir } from './storeLayout';

export interface StoredTail {
  /** The newest recorded trade's time (the exchange's). */
  readonly last: number;
  /**
   * `last` less the span asked for: every trade recorded from here through `last` is in `trades`. For a newest trade
   * before the request's `notBefore`, `last + 1`: its time only, no trades.
   */
  readonly from: number;
  /** Those trades, oldest first. */
  readonly trades: readonly Trade[];
  /**
   * The holes stored that end after `from` (or after `last`, for one given by its time only): what the run that
   * stored them may have stored of the hole the new run continues from there, which it stores only the rest of.
   */
  readonly holes: readonly RecordingHole[];
}

export interface TailRequest {
  /** How far back from the newest trade the tail reaches. */
  readonly withinMs: number;
  /**
   * A newest trade before this is given by its time only (where the recording ended: the time since is a hole), its
   * rows not read: older days may be compacted, large files.
   */
  readonly notBefore: number;
  /** A bad row or file is skipped and named here. */
  readonly onProblem: (message: string) => void;
}

/** The store's tail for `market` (undefined when it holds no trade of it); an unreadable store rejects. */
export type StoredTailReader = (market: RecordedMarket, request: TailRequest) => Promise<StoredTail | undefined>;

/** Part files looked through, newest first, for the last trade (those after it hold only holes: a stop in a quiet market). */
const MAX_FILES_LOOKED_AT = 20;

/** The embedded store's tail: the newest day's file names say where to look, only those files are read. */
export function parquetStoredTail(root: string): StoredTailReader {
  return async (market, { withinMs, notBefore, onProblem }) => {
    const last = await lastStoredTrade(root, market, notBefore, onProblem);
    if (last === undefined) return undefined;
    const holes = (from: number) => holesStoredSince(root, market, from, onProblem);
    return last < notBefore ? endOnly(last, holes, onProblem) : tailFrom((from, until) => rowsOf(readRecorded(root, { market, from, until, kinds: ['trades'], onProblem })), holes, last, withinMs, onProblem);
  };
}

/** A source's tail (ClickHouse): its newest trade asked of the server, then the rows before it. */
export function sourceStoredTail(source: RecordSource & { lastTrade(market: RecordedMarket): Promise<number | undefined> }): StoredTailReader {
  return async (market, { withinMs, notBefore, onProblem }) => {
    const last = await source.lastTrade(market);
    if (last === undefined) return undefined;
    const holes = (from: number) => source.holes(market, from, Number.MAX_SAFE_INTEGER, onProblem);
    return last < notBefore ? endOnly(last, holes, onProblem) : tailFrom((from, until) => rowsOf(source.readRows({ market, from, until, kinds: ['trades'], onProblem })), holes, last, withinMs, onProblem);
  };
}

type HolesFrom = (from: number) => Promise<readonly RecordingHole[]>;

/** A recording that ended before the tail's horizon: where it ends, none of its trades, the holes stored after it. */
async function endOnly(last: number, holes: HolesFrom, onProblem: (message: string) => void): Promise<StoredTail> {
  return { last, from: last + 1, trades: [], holes: await holesOrNone(holes, last, onProblem) };
}

async function tailFrom(read: (from: number, until: number) => Promise<Trade[]>, holes: HolesFrom, last: number, withinMs: number, onProblem: (message: string) => void): Promise<StoredTail> {
  const from = last - withinMs;
  return { last, from, trades: await read(from, last + 1), holes: await holesOrNone(holes, from, onProblem) };
}

/** The stored holes from `from` on; none when they cannot be read (the tail's trades still dedupe the stream). */
async function holesOrNone(holes: HolesFrom, from: number, onProblem: (message: string) => void): Promise<readonly RecordingHole[]> {
  try {
    return await holes(from);
  } catch (err) {
    onProblem(`the holes stored where the recording ends could not be read (${errorMessage(err)}); a hole continued from there may be stored over one stored before`);
    return [];
  }
}

async function rowsOf(events: AsyncGenerator<RecordedEvent>): Promise<Trade[]> {
  const trades: Trade[] = [];
  for await (const e of events) if (e.kind === 'trades') trades.push({ id: e.row.id, timestamp: e.row.ts, price: e.row.price, amount: e.row.amount, side: e.row.side });
  return trades;
}

/**
 * The newest trade's time: the newest day's part files by their names' end, read until no file left can hold a newer
 * trade (a name's end may be a hole's, past its rows: PartitionFile). A file ending before `notBefore` is not read:
 * its footer says whether it holds rows and its newest row's time.
 */
async function lastStoredTrade(root: string, market: RecordedMarket, notBefore: number, onProblem: (message: string) => void): Promise<number | undefined> {
  const dir = marketDir(root, 'trades', market);
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch (err) {
    // Never recorded; any other failure is an unreadable store, which the recorder names (it cannot dedupe then).
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  const days = names.filter((n) => dayFromDirName(n) !== undefined).sort().reverse(); // date=YYYY-MM-DD sorts by day
  let looked = 0;
  let newest: number | undefined;
  for (const day of days) {
    const files = (await partitionFiles(path.join(dir, day))).files.sort((a, b) => b.last - a.last);
    for (const f of files) {
      if (newest !== undefined && f.last <= newest) break;
      if (++looked > MAX_FILES_LOOKED_AT) return newest;
      const last = await newestTradeOf(root, market, path.join(dir, day, f.name), f, notBefore, onProblem);
      if (last !== undefined) newest = Math.max(newest ?? last, last);
    }
    // A day's rows are all of that day: none in an older day's files is newer.
    if (newest !== undefined) return newest;
  }
  return undefined;
}

/** A file's newest trade: from its footer when it ends before `notBefore` (a large compacted day), else its rows. */
async function newestTradeOf(root: string, market: RecordedMarket, file: string, f: PartitionFile, notBefore: number, onProblem: (message: string) => void): Promise<number | undefined> {
  if (f.last < notBefore) {
    try {
      const { count, lastTs } = await footerRows(file);
      return count > 0 ? (lastTs ?? f.last) : undefined;
    } catch (err) {
      onProblem(`${file}: its footer could not be read (${errorMessage(err)}); skipped when looking for where the recording ends`);
      return undefined;
    }
  }
  let newest: number | undefined;
  for (const t of await rowsOf(readRecorded(root, { market, from: f.first, until: f.last + 1, kinds: ['trades'], onProblem }))) newest = Math.max(newest ?? t.timestamp, t.timestamp);
  return newest;
}
