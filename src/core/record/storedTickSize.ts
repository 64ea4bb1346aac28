/** The tick size a recording keeps with its trades (the exchange's, at recording time), read from a trade file's footer. */
import * as path from 'node:path';
import { partitionFiles, footerKeyValues } from './partitionFiles';
import type { RecordedMarket } from './recordTypes';
import { dayOf, partitionDir } from './storeLayout';

/** Key-value metadata of a trade file: the market's price increment as the exchange published it while recording. */
export const TICK_SIZE_KEY = 'tradesuite.tickSize';

/** A stored tick size: a finite positive number, or undefined (absent, or not one). */
export function tickSizeOf(value: string | undefined): number | undefined {
  const tick = value === undefined ? Number.NaN : Number(value);
  return Number.isFinite(tick) && tick > 0 ? tick : undefined;
}

/**
 * The market's tick size as recorded in the trade files of the day of `at`: the newest file that starts at or
 * before `at` and names one (else the day's first that does). Undefined for recordings made before it was kept,
 * or when the day has no trade file: the caller infers it from the prices.
 */
export async function storedTickSize(root: string, market: RecordedMarket, at: number): Promise<number | undefined> {
  const dir = partitionDir(root, 'trades', market, dayOf(at));
  const { files } = await partitionFiles(dir);
  const before = files.filter((f) => f.first <= at).reverse();
  const after = files.filter((f) => f.first > at);
  for (const f of [...before, ...after].slice(0, 8)) { // an older recording: a few files say so
    try {
      const tick = tickSizeOf((await footerKeyValues(path.join(dir, f.name))).get(TICK_SIZE_KEY));
      if (tick !== undefined) return tick;
    } catch {
      // an unreadable or vanished file names nothing: the next one may
    }
  }
  return undefined;
}
