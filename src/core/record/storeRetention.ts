/** Disk use of the record store, and the retention and size budget: whole days removed, oldest first. */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { silentLogger, type Logger } from '../util/log';
import { RECORD_KINDS, type RecordKind, type RecordedMarket } from './recordTypes';
import { dayFromDirName } from './storeLayout';

const DAY_MS = 86_400_000;

export interface StoredDay {
  readonly kind: RecordKind;
  readonly market: RecordedMarket;
  readonly day: number;
  readonly bytes: number;
  readonly dir: string;
}

/** Every day partition in the store with the bytes of its files (folders not of the store's layout are ignored); `signal` ends the read. */
export async function storedDays(root: string, signal?: AbortSignal): Promise<StoredDay[]> {
  const out: StoredDay[] = [];
  for (const kind of RECORD_KINDS) {
    for (const exchangeDir of await subdirs(path.join(root, kind), 'exchange=')) {
      for (const symbolDir of await subdirs(exchangeDir.dir, 'symbol=')) {
        const market = { exchange: exchangeDir.value, symbol: symbolDir.value };
        for (const name of await names(symbolDir.dir)) {
          signal?.throwIfAborted();
          const day = dayFromDirName(name);
          if (day === undefined) continue;
          const dir = path.join(symbolDir.dir, name);
          let bytes = 0;
          for (const file of await names(dir)) bytes += (await fs.stat(path.join(dir, file)).catch(() => ({ size: 0 }))).size;
          out.push({ kind, market, day, bytes, dir });
        }
      }
    }
  }
  return out;
}

export interface RetentionPolicy {
  /** Days older than this many days before `now` are removed (0 or undefined: kept). */
  readonly retentionDays?: number;
  /** The store's total size at most (0 or undefined: no budget); the oldest ended days go first. */
  readonly maxBytes?: number;
  readonly now: number;
}

export interface RetentionResult {
  readonly removed: StoredDay[];
  /** The store's size after the removals. */
  readonly bytes: number;
  /**
   * Still over the budget once every ended day is gone: what is left is the day being written, which is never
   * removed (a recorder writes into it), so the caller must say so rather than stop recording silently.
   */
  readonly overBudget: boolean;
}

/**
 * Removes the day partitions the policy no longer allows, oldest first, and never a day that has not ended (UTC):
 * the recorders are writing into it, and a gap fill may still add to it.
 */
export async function enforceRetention(root: string, policy: RetentionPolicy, log: Logger = silentLogger): Promise<RetentionResult> {
  const days = (await storedDays(root)).sort((a, b) => a.day - b.day);
  const removed: StoredDay[] = [];
  const cutoff = policy.retentionDays ? policy.now - policy.retentionDays * DAY_MS : Number.NEGATIVE_INFINITY;
  const budget = policy.maxBytes !== undefined && policy.maxBytes > 0 ? policy.maxBytes : Number.POSITIVE_INFINITY;
  let total = days.reduce((sum, d) => sum + d.bytes, 0);
  for (const d of days) {
    if (d.day + DAY_MS > policy.now) continue; // the day being written
    const tooOld = d.day + DAY_MS <= cutoff;
    const overBudget = total > budget;
    if (!tooOld && !overBudget) continue;
    await fs.rm(d.dir, { recursive: true, force: true });
    total -= d.bytes;
    removed.push(d);
    log.info(`record store: removed ${d.kind} of ${d.market.exchange} ${d.market.symbol} on ${new Date(d.day).toISOString().slice(0, 10)} (${tooOld ? 'older than the retention' : 'over the size budget'})`);
  }
  return { removed, bytes: total, overBudget: total > budget };
}

async function names(dir: string): Promise<string[]> {
  try {
    return await fs.readdir(dir);
  } catch {
    return [];
  }
}

async function subdirs(dir: string, prefix: string): Promise<Array<{ dir: string; value: string }>> {
  const out: Array<{ dir: string; value: string }> = [];
  for (const name of await names(dir)) {
    if (!name.startsWith(prefix)) continue;
    try {
      out.push({ dir: path.join(dir, name), value: decodeURIComponent(name.slice(prefix.length)) });
    } catch {
      // not a name this store wrote (bad percent-encoding): not ours to count or remove
    }
  }
  return out;
}
