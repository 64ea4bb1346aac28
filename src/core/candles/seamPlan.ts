import type { Candle } from '../types';
import { bucketStart, tiles, timeframeMs, type Timeframe } from '../timeframes';

const LADDER: readonly Timeframe[] = ['1d', '1h', '1m'];

export interface LadderRange {
  readonly timeframe: Timeframe;
  readonly from: number;
  readonly until: number;
}

/**
 * The in-progress bar of `timeframe` at the seam minute `seamMinute` is rebuilt exactly from closed finer bars
 * covering [bucket start, seamMinute) — coarsest first (1d, then 1h, then 1m) so a weekly bar needs a handful of
 * requests, not ten thousand minutes — plus the trades from `seamMinute` on. Returns undefined when the exchange's
 * timeframes cannot tile that span exactly.
 */
export function ladderRanges(timeframe: Timeframe, seamMinute: number, supported: readonly Timeframe[]): LadderRange[] | undefined {
  const start = bucketStart(timeframe, seamMinute);
  const ranges: LadderRange[] = [];
  let cursor = start;
  for (const level of LADDER) {
    if (cursor === seamMinute) break;
    if (timeframeMs(level) >= timeframeMs(timeframe) || !tiles(level, timeframe) || !supported.includes(level)) continue;
    const end = bucketStart(level, seamMinute);
    if (end > cursor) {
      ranges.push({ timeframe: level, from: cursor, until: end });
      cursor = end;
    }
  }
  return cursor === seamMinute ? ranges : undefined;
}

/**
 * Folds consecutive bars into one bar starting at `time`, the way Binance folds its own klines: a bar without
 * volume is a period without trades (a flat bar at the previous close), not a price, so it adds nothing; undefined
 * when no bar has a trade. (Folding it in set the open, and possibly the high or low, of the bar in progress to a
 * stale price: issue 10, defect 5.)
 */
export function mergeBars(time: number, bars: readonly Candle[]): Candle | undefined {
  const traded = bars.filter((b) => b.volume > 0);
  if (traded.length === 0) return undefined;
  let high = -Infinity;
  let low = Infinity;
  let volume = 0;
  for (const b of traded) {
    if (b.high > high) high = b.high;
    if (b.low < low) low = b.low;
    volume += b.volume;
  }
  return { time, open: traded[0]!.open, high, low, close: traded[traded.length - 1]!.close, volume };
}

/** Bars of a finer timeframe (sorted) folded into `timeframe` buckets; buckets without a traded bar are left out. */
export function foldBars(timeframe: Timeframe, bars: readonly Candle[]): Candle[] {
  const out: Candle[] = [];
  let group: Candle[] = [];
  let start = Number.NaN;
  const close = (): void => {
    const bar = group.length > 0 ? mergeBars(start, group) : undefined;
    if (bar) out.push(bar);
  };
  for (const b of bars) {
    const s = bucketStart(timeframe, b.time);
    if (s !== start) {
      close();
      group = [];
      start = s;
    }
    group.push(b);
  }
  close();
  return out;
}
