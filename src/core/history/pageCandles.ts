import type { Candle } from '../types';
import { nextBucketStart, timeframeMs, type Timeframe } from '../timeframes';
import type { Logger } from '../util/log';

export type CandlePage = (since: number, limit: number) => Promise<Candle[]>;

/**
 * Pages forward from `from` until `until` (exclusive), returning bars in strictly increasing time. Stops on an
 * empty page, and on a page that does not advance, so a misbehaving exchange cannot loop it forever. Where a page
 * is a time window that leaves buckets without trades out (`pagesAreWindows`), an empty page moves on by one
 * window instead: it is a quiet stretch, not the end (still bounded by `until`). `onPastUntil`: a bar at or after
 * `until` a page held (left out).
 */
export async function pageCandles(
  fetchPage: CandlePage,
  timeframe: Timeframe,
  from: number,
  until: number,
  limit: number,
  log: Logger,
  pagesAreWindows = false,
  onPastUntil?: (time: number) => void,
): Promise<Candle[]> {
  const out: Candle[] = [];
  let since = from;
  while (since < until) {
    const page = await fetchPage(since, limit);
    let advanced = false;
    for (const c of page) {
      if (c.time >= until) onPastUntil?.(c.time);
      if (c.time < since || c.time >= until) continue;
      const prev = out[out.length - 1];
      if (prev && c.time <= prev.time) continue;
      out.push(c);
      advanced = true;
    }
    if (!advanced && pagesAreWindows && page.every((c) => c.time < since || c.time >= until)) {
      since += limit * timeframeMs(timeframe);
      continue;
    }
    if (!advanced) {
      if (page.length > 0 && page[page.length - 1]!.time < since) {
        log.warn(`${timeframe} history page at ${new Date(since).toISOString()} did not advance; stopping`);
      }
      break;
    }
    since = nextBucketStart(timeframe, out[out.length - 1]!.time);
  }
  return out;
}
