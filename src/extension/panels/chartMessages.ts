/** The chart's messages on the host side: engine candles on the wire, and how a frame's chart messages combine. */
import type { Candle } from '../../core/types';
import type { CandleWire } from '../../shared/protocol';
import type { MergeRules } from './frameCoalescer';

/** An engine candle as the chart's protocol carries it: compact, with `partial` (and since when) only when it is set. */
export function candleWire(c: Candle): CandleWire {
  if (c.partial !== true) return [c.time, c.open, c.high, c.low, c.close, c.volume];
  return c.partialSince === undefined ? [c.time, c.open, c.high, c.low, c.close, c.volume, true] : [c.time, c.open, c.high, c.low, c.close, c.volume, true, c.partialSince];
}

/** Candle changes of one frame by bar time, oldest first; for a bar changed twice the newer values win. */
export function mergeCandles(queued: readonly CandleWire[], next: readonly CandleWire[]): CandleWire[] {
  const byTime = new Map<number, CandleWire>();
  for (const c of queued) byTime.set(c[0], c);
  for (const c of next) byTime.set(c[0], c);
  return [...byTime.values()].sort((a, b) => a[0] - b[0]);
}

/** Candle changes merge by bar time; a snapshot makes the changes queued before it obsolete. */
export const CHART_MERGE_RULES: MergeRules = {
  'chart/candles': { merge: (queued, next) => ({ method: 'chart/candles', params: { candles: mergeCandles(queued.params.candles, next.params.candles) } }) },
  'chart/snapshot': { supersedes: ['chart/candles'] },
};
