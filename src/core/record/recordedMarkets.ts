/** What the store holds per market: the span of its recorded trades and its bytes on disk (for the Markets tree and Open Replay). */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { RecordedMarket } from './recordTypes';
import { partitionFiles } from './partitionFiles';
import { storedDays } from './storeRetention';
import { dayFromDirName, marketDir } from './storeLayout';

export interface RecordedMarketSummary {
  readonly market: RecordedMarket;
  /** Epoch ms of the first and last recorded trade (from the file names: parts and compacted files alike). */
  readonly first: number;
  readonly last: number;
  /** Every kind's files of the market. */
  readonly bytes: number;
}

/** The markets with recorded trades, by exchange then symbol. `signal` ends the read (it rejects with the signal's reason). */
export async function recordedMarkets(root: string, signal?: AbortSignal): Promise<RecordedMarketSummary[]> {
  const byMarket = new Map<string, { market: RecordedMarket; bytes: number; tradeDirs: string[] }>();
  for (const d of await storedDays(root, signal)) {
    const id = `${d.market.exchange}\u0000${d.market.symbol}`;
    const entry = byMarket.get(id) ?? { market: d.market, bytes: 0, tradeDirs: [] };
    entry.bytes += d.bytes;
    if (d.kind === 'trades') entry.tradeDirs.push(d.dir);
    byMarket.set(id, entry);
  }
  const out: RecordedMarketSummary[] = [];
  for (const { market, bytes, tradeDirs } of byMarket.values()) {
    let first = Number.POSITIVE_INFINITY;
    let last = Number.NEGATIVE_INFINITY;
    for (const dir of tradeDirs) {
      signal?.throwIfAborted();
      // The files a reader reads: an ended day is one compacted file, not parts.
      for (const f of (await partitionFiles(dir)).files) {
        first = Math.min(first, f.first);
        last = Math.max(last, f.last);
      }
    }
    if (first <= last) out.push({ market, first, last, bytes });
  }
  return out.sort((a, b) => a.market.exchange.localeCompare(b.market.exchange) || a.market.symbol.localeCompare(b.market.symbol));
}

/**
 * The market's first recorded trade (epoch ms), from the names of its earliest day's files (nothing else is listed
 * or opened: a replay asks this as it opens); undefined when none is recorded.
 */
export async function firstRecordedTrade(root: string, market: RecordedMarket): Promise<number | undefined> {
  const dir = marketDir(root, 'trades', market);
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch {
    return undefined;
  }
  const days = names.filter((n) => dayFromDirName(n) !== undefined).sort(); // date=YYYY-MM-DD sorts by day
  for (const day of days) {
    const { files } = await partitionFiles(path.join(dir, day));
    if (files.length > 0) return Math.min(...files.map((f) => f.first));
  }
  return undefined;
}
