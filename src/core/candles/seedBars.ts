// The bars a seed installs at its seam: REST's history and ladder, REST's trades up to the stream's first, the
// stream's buffered trades after it; a gap's held bars kept where the rebuild lacks them (heldBars.ts).
import { bucketStart, nextBucketStart, type Timeframe } from '../timeframes';
import type { Candle, Trade } from '../types';
import { CandleSeries } from './candleSeries';
import { covers, keepClosedAsHeld, keepHeldBars, mergeRanges, type UnsettledRange } from './heldBars';
import { mergeBars } from './seamPlan';
import type { SeedMode } from './timeframeState';

const MINUTE = 60_000;

export interface SeedInput {
  readonly timeframe: Timeframe;
  readonly mode: SeedMode;
  /** The timeframe's bars before this seed (a gap's held bars are read from them). */
  readonly series: CandleSeries;
  /** When the timeframe last stopped taking live trades: every trade it holds is at or before this time. */
  readonly heldUpTo: number | undefined;
  /** The buckets still waiting for the exchange's klines before this seed. */
  readonly unsettled: UnsettledRange | undefined;
  /** Closed bars before the seam's bucket, and the finer closed bars of that bucket before the seam minute. */
  readonly past: readonly Candle[];
  readonly ladder: readonly Candle[];
  /** REST's trades from the seam minute (up to the stream's first, or all of them after a resend). */
  readonly fromRest: readonly Trade[];
  /** The stream's trades buffered during the seed, without the copies of REST's. */
  readonly streamed: readonly Trade[];
  readonly seamMinute: number;
  /**
   * The REST trades do not reach the seam minute: the bar in progress is then its closed finer klines, the
   * exchange's in-progress 1m kline of the seam minute and the live trades after that minute, marked partial (since
   * the seam minute) until it closes and is settled to the exchange's own kline.
   */
  readonly weak: { readonly bar: Candle | undefined } | undefined;
  /** The klines' last minutes before the seam may lag its trades (REST trades did not reach back past the lag): their bars are partial too, until settled. */
  readonly unsureMs: number;
}

export interface SeedBars {
  /** The bars replace the series' from here (all of them for a first seed). */
  readonly replaceFrom: number;
  readonly bars: Candle[];
  /** The buckets to settle from the exchange's klines once they have closed. */
  readonly range: UnsettledRange | undefined;
  /** The held bars kept where the exchange's klines do not yet hold their trades (part of `range`). */
  readonly kept: UnsettledRange | undefined;
}

export function seedBars(input: SeedInput): SeedBars {
  const { timeframe: tf, mode, past, ladder, fromRest, streamed, seamMinute, weak, unsureMs } = input;
  const built = new CandleSeries(tf, Number.MAX_SAFE_INTEGER);
  const start = bucketStart(tf, seamMinute);
  built.replaceFrom(-Infinity, past, true);
  const partial = mergeBars(start, weak?.bar ? [...ladder, weak.bar] : ladder);
  if (weak) {
    const seeded = partial ?? lastClosedAsFlat(past, start);
    if (seeded) built.replaceFrom(start, [{ ...seeded, partial: true, partialSince: seamMinute }], false);
  } else if (partial) built.replaceFrom(start, [partial], false);
  // A reconnect that resent trades from before the gap puts the seam before it: the bars from the seam's bucket are
  // rebuilt too, since the stream's copies of the trades they hold count from the seam on.
  const replaceFrom = mode.kind === 'gap' ? bucketStart(tf, Math.min(mode.since, seamMinute)) : -Infinity;
  // A gap's bars held trades up to the horizon: what REST gives up to then must cover them (Coinbase's klines lag).
  const horizon = mode.kind === 'gap' ? Math.max(mode.since, input.heldUpTo ?? -Infinity) : Infinity;
  for (const t of fromRest) if (t.timestamp <= horizon) built.applyTrade(t.timestamp, t.price, t.amount);
  const held = mode.kind === 'gap' ? input.series.between(replaceFrom, Infinity) : [];
  const lagging = held.some((h) => !covers(built.find(h.time), h));
  const rebuiltAtHorizon = lagging ? new Map(held.map((h) => [h.time, built.find(h.time)])) : undefined;
  for (const t of fromRest) if (t.timestamp > horizon) built.applyTrade(t.timestamp, t.price, t.amount);
  const liveFrom = weak?.bar ? seamMinute + MINUTE : -Infinity;
  for (const t of streamed) if (t.timestamp >= liveFrom) built.applyTrade(t.timestamp, t.price, t.amount);
  let bars = built.snapshot().filter((c) => c.time >= replaceFrom);
  const before = input.unsettled;
  let range = before && before.from < replaceFrom ? { from: before.from, until: Math.min(before.until, replaceFrom) } : undefined;
  if (weak) range = mergeRanges(range, { from: start, until: nextBucketStart(tf, start) });
  const kept = rebuiltAtHorizon
    ? keepHeldBars({ timeframe: tf, held, rebuilt: bars, rebuiltAtHorizon: (time) => rebuiltAtHorizon.get(time), horizon, later: [...fromRest.filter((t) => t.timestamp > horizon), ...streamed], start, seamMinute })
    : undefined;
  if (kept) {
    bars = kept.bars;
    range = mergeRanges(range, kept.range);
  }
  if (unsureMs > 0) {
    const unsure = { from: Math.max(replaceFrom, bucketStart(tf, seamMinute - unsureMs)), until: start < seamMinute ? nextBucketStart(tf, start) : start };
    bars = unsureBars(tf, bars, past, unsure, seamMinute - unsureMs);
    range = mergeRanges(range, unsure);
  }
  if (held.length > 0) bars = keepClosedAsHeld(bars, held);
  return { replaceFrom, bars, range, kept: kept?.range };
}

/** A seam bucket with no trade before the seam: the partial bar opens at the previous close (volume 0). */
function lastClosedAsFlat(past: readonly Candle[], start: number): Candle | undefined {
  const prev = past[past.length - 1];
  return prev ? { time: start, open: prev.close, high: prev.close, low: prev.close, close: prev.close, volume: 0 } : undefined;
}

/**
 * `bars` with every bucket of `range` partial since `since`: a bucket the klines had no bar for is a flat one at the
 * previous close (its trades may not be in the klines yet), not a quiet period drawn as whole.
 */
function unsureBars(tf: Timeframe, bars: readonly Candle[], past: readonly Candle[], range: UnsettledRange, since: number): Candle[] {
  const out: Candle[] = [];
  let prev: Candle | undefined;
  for (const c of past) if (c.time < range.from) prev = c;
  let t = range.from;
  const flatUpTo = (until: number): void => {
    for (; t < until; t = nextBucketStart(tf, t)) if (prev) out.push({ time: t, open: prev.close, high: prev.close, low: prev.close, close: prev.close, volume: 0, partial: true, partialSince: since });
  };
  for (const b of bars) {
    if (b.time >= range.from && b.time < range.until) {
      flatUpTo(b.time);
      t = nextBucketStart(tf, b.time);
      out.push(b.partial ? b : { ...b, partial: true, partialSince: since });
    } else {
      if (b.time >= range.until) flatUpTo(range.until);
      out.push(b);
    }
    prev = b;
  }
  flatUpTo(range.until);
  return out;
}
