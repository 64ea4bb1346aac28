/** The chart's messages on the host side: engine candles on the wire, and how a frame's chart messages combine. */
import type { Candle, Ticker } from '../../core/types';
import type { AggregateBar } from '../../core/aggregate/aggregateBar';
import type { LaneBar } from '../../core/aggregate/aggregateLanes';
import type { CandleWire, DerivativesWire, FlowWire, LaneWire } from '../../shared/protocol';
import type { MergeRules } from './frameCoalescer';

/** An engine candle as the chart's protocol carries it: compact, with `partial` (and since when) only when it is set. */
export function candleWire(c: Candle): CandleWire {
  if (c.partial !== true) return [c.time, c.open, c.high, c.low, c.close, c.volume];
  return c.partialSince === undefined ? [c.time, c.open, c.high, c.low, c.close, c.volume, true] : [c.time, c.open, c.high, c.low, c.close, c.volume, true, c.partialSince];
}

/** ccxt names a contract BASE/QUOTE:SETTLE (a perpetual 'BTC/USDT:USDT'); a spot market has no settle currency. */
export const isContract = (symbol: string): boolean => symbol.includes(':');

/** A perpetual's ticker for the chart's legend; undefined when the ticker carries no derivatives figures. */
export function derivativesWire(t: Ticker): DerivativesWire | undefined {
  const d = t.derivatives;
  if (d === undefined) return undefined;
  return {
    last: t.last,
    ...(d.markPrice !== undefined ? { markPrice: d.markPrice } : {}),
    ...(d.indexPrice !== undefined ? { indexPrice: d.indexPrice } : {}),
    ...(d.fundingRate !== undefined ? { fundingRate: d.fundingRate } : {}),
    ...(d.nextFundingTime !== undefined ? { nextFundingTime: d.nextFundingTime } : {}),
    ...(d.openInterest !== undefined ? { openInterest: d.openInterest } : {}),
  };
}

/** Rows keyed by bar time (candles, flows) of one frame, oldest first; for a bar changed twice the newer values win. */
export function mergeCandles<W extends CandleWire | FlowWire>(queued: readonly W[], next: readonly W[]): W[] {
  const time = (w: W) => w[0] as number;
  const byTime = new Map<number, W>();
  for (const c of queued) byTime.set(time(c), c);
  for (const c of next) byTime.set(time(c), c);
  return [...byTime.values()].sort((a, b) => time(a) - time(b));
}

/** An aggregate bar's flow on the wire: buy and sell volume, the spot legs' buy and sell volume, then each leg's volume. */
export function flowWire(b: AggregateBar): FlowWire {
  return [b.time, b.buyVolume, b.sellVolume, b.spot.buyVolume, b.spot.sellVolume, ...b.legs.map((l) => l.volume)];
}

/** The flows of the bars that have one: a bar from history (the legs' klines) has no taker split, so the legend shows none rather than a delta of 0. */
export function flowWires(bars: readonly AggregateBar[]): FlowWire[] {
  return bars.filter((b) => !b.history).map(flowWire);
}

/** An aggregate's lanes bar on the wire (the same fields, absent ones left out). */
export function laneWire(b: LaneBar): LaneWire {
  return {
    time: b.time,
    longs: b.longs,
    shorts: b.shorts,
    ...(b.openInterest !== undefined ? { openInterest: b.openInterest } : {}),
    ...(b.fundingRate !== undefined ? { fundingRate: b.fundingRate } : {}),
    ...(b.partial ? { partial: true } : {}),
  };
}

/** Lanes bars merge by time (the newer wins); a reset replaces what was queued. */
function mergeLanes(queued: readonly LaneWire[], next: readonly LaneWire[]): LaneWire[] {
  const byTime = new Map<number, LaneWire>();
  for (const b of queued) byTime.set(b.time, b);
  for (const b of next) byTime.set(b.time, b);
  return [...byTime.values()].sort((a, b) => a.time - b.time);
}

/** Candle changes (and an aggregate's flows) merge by bar time; a snapshot makes the changes queued before it obsolete; volume profile answers add up. */
export const CHART_MERGE_RULES: MergeRules = {
  'chart/candles': {
    merge: (queued, next) => {
      const flows = queued.params.flows || next.params.flows ? mergeCandles(queued.params.flows ?? [], next.params.flows ?? []) : undefined;
      return { method: 'chart/candles', params: { candles: mergeCandles(queued.params.candles, next.params.candles), ...(flows ? { flows } : {}) } };
    },
  },
  'chart/snapshot': { supersedes: ['chart/candles'] },
  // The newest mode wins, and no answer to the page's asks is lost (it waits for every one).
  'chart/volumeProfile': {
    merge: (queued, next) => {
      const answered = (queued.params.answered ?? 0) + (next.params.answered ?? 0);
      return { method: 'chart/volumeProfile', params: { mode: next.params.mode, ...(answered > 0 ? { answered } : {}) } };
    },
  },
  'chart/lanes': {
    merge: (queued, next) => (next.params.reset ? next : { method: 'chart/lanes', params: { bars: mergeLanes(queued.params.bars, next.params.bars), ...(queued.params.reset ? { reset: true } : {}) } }),
  },
};
