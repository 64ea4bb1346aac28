import type { Candle } from '../types';
import { bucketStart, nextBucketStart, timeframeMs, type Timeframe } from '../timeframes';
import type { CandleDelta } from './candleDelta';

interface Bar {
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  /** The data covers its end: a trade after it arrived on a gap-free stream, or REST history covers it. */
  final: boolean;
  /** Trades of it may be missing (it overlaps a gap that could not be backfilled): never final until replaced. */
  partial: boolean;
  /** See Candle.partialSince. */
  partialSince: number | undefined;
  /** Consumers have been told it is final. */
  announcedFinal: boolean;
  /** The drain epoch in which it was last marked dirty. */
  epoch: number;
  /**
   * The times of the trades its open and close are: a trade that comes late (a delayed message), however many bars
   * back, must not become the close of a bar holding a newer trade, nor be left out of the open of one whose first
   * trade came after it. Unknown for bars from REST: -Infinity and +Infinity (neither moves), but the close of the
   * newest one follows the trades applied after it (-Infinity).
   */
  openTs: number;
  closeTs: number;
}

/**
 * Every bar is built by this one literal, fields in one order: a bar made by spreading a candle (`{ ...c, final }`)
 * got a hidden class of its own in V8 (about 350 B more per bar: 17 MB for 10 charts of 5,000 bars).
 */
const newBar = (c: Candle, final: boolean, partial: boolean, partialSince: number | undefined, announcedFinal: boolean, closeTs: number): Bar => ({
  time: c.time,
  open: c.open,
  high: c.high,
  low: c.low,
  close: c.close,
  volume: c.volume,
  final,
  partial,
  partialSince,
  announcedFinal,
  epoch: 0,
  openTs: -Infinity,
  closeTs,
});

/** A bar opened by one trade at `ts`: the same literal, fields in the same order, as newBar's. */
const tradeBar = (time: number, price: number, amount: number, ts: number, partial: boolean): Bar => ({
  time,
  open: price,
  high: price,
  low: price,
  close: price,
  volume: amount,
  final: false,
  partial,
  partialSince: undefined,
  announcedFinal: false,
  epoch: 0,
  openTs: ts,
  closeTs: ts,
});

/**
 * One literal per shape, no spread: a drain makes one per changed bar per timeframe, and spreading a partial bar
 * was a third of the hub's own CPU in a profile at 2,000 trades/s (the 1h–1d bars seeded partial).
 */
const toCandle = (b: Candle): Candle => {
  if (!b.partial) return { time: b.time, open: b.open, high: b.high, low: b.low, close: b.close, volume: b.volume };
  if (b.partialSince === undefined) return { time: b.time, open: b.open, high: b.high, low: b.low, close: b.close, volume: b.volume, partial: true };
  return { time: b.time, open: b.open, high: b.high, low: b.low, close: b.close, volume: b.volume, partial: true, partialSince: b.partialSince };
};

/**
 * The bars of one timeframe, built incrementally. Applying a trade is O(1) for the current bucket and allocates
 * nothing; changes are gathered and turned into deltas once per batch by `drain()`.
 *
 * Closed means final: a bar becomes final only when a trade after its end arrives on a gap-free stream (or REST
 * history replaces it), never by the clock. Every bucket between two traded ones gets a bar: a period without
 * trades is a flat bar at the previous close with volume 0, as Binance's klines have it. Across a hole (a gap that
 * could not be backfilled, see openHole) nothing is invented: the bars around it are marked partial instead.
 */
export class CandleSeries {
  private bars: Bar[] = [];
  private dirty: number[] = [];
  private epoch = 1;
  private currentStart = Number.NaN;
  private currentEnd = Number.NaN;
  /** The last bar while trades in [currentStart, currentEnd) belong to it: the hot path touches only this. */
  private current: Bar | undefined;
  /** Trades may be missing before the next one (openHole): its bar is partial and no empty bars are filled. */
  private hole = false;

  constructor(
    readonly timeframe: Timeframe,
    private readonly maxBars = 5000,
  ) {}

  get length(): number {
    return this.bars.length;
  }

  /** The newest bar's start, without a copy of the bar (asked on every flush). */
  lastTime(): number | undefined {
    return this.bars[this.bars.length - 1]?.time;
  }

  snapshot(): Candle[] {
    return this.bars.map(toCandle);
  }

  /** The bars in [from, until), oldest first (binary search, then a copy of that range only). */
  between(from: number, until: number): Candle[] {
    const out: Candle[] = [];
    for (const bar of this.bars.slice(this.lowerBound(from))) {
      if (bar.time >= until) break;
      out.push(toCandle(bar));
    }
    return out;
  }

  /** The bar at `time`, if any (binary search). */
  find(time: number): Candle | undefined {
    const i = this.indexOf(time);
    return i >= 0 ? toCandle(this.bars[i]!) : undefined;
  }

  applyTrade(timestamp: number, price: number, amount: number): void {
    const bar = this.current;
    if (bar !== undefined && timestamp >= this.currentStart && timestamp < this.currentEnd) {
      if (price > bar.high) bar.high = price;
      else if (price < bar.low) bar.low = price;
      if (timestamp >= bar.closeTs) {
        bar.close = price;
        bar.closeTs = timestamp;
      } else if (timestamp < bar.openTs) {
        bar.open = price;
        bar.openTs = timestamp;
      }
      bar.volume += amount;
      if (bar.epoch !== this.epoch) this.markDirty(bar, this.bars.length - 1);
      return;
    }
    this.applyOutsideCurrent(timestamp, price, amount);
  }

  /**
   * Trades may be missing from the newest trade on (a gap whose backfill failed): the last bar is marked partial,
   * and the bar of the next trade will be too; no empty bars are invented across the hole. `missingFrom`: the hole
   * begins then, so a last bar that ended by then lacks none of its trades and stays as it is (it closes with the
   * next trade).
   */
  openHole(missingFrom = -Infinity): void {
    const idx = this.bars.length - 1;
    const bar = this.bars[idx];
    if (bar && !bar.final && !bar.partial && nextBucketStart(this.timeframe, bar.time) > missingFrom) {
      bar.partial = true;
      this.markDirty(bar, idx);
    }
    this.hole = true;
    this.current = undefined; // the next trade goes through applyOutsideCurrent, which closes the hole
    this.currentStart = Number.NaN;
    this.currentEnd = Number.NaN;
  }

  /**
   * The bars from `from` to `until` (bucket starts, both in) partial, not final, until replaced: trades of them may be
   * missing. A bar consumers were told is final stays so (what it lacks is rebuilt by a backfill). O(bars in range).
   */
  markPartial(from: number, until: number): void {
    for (let i = this.lowerBound(from); i < this.bars.length; i++) {
      const bar = this.bars[i];
      if (!bar || bar.time > until) return;
      if (bar.partial || bar.announcedFinal) continue;
      bar.partial = true;
      bar.final = false;
      this.markDirty(bar, i);
    }
  }

  /** Whether openHole was called and no trade came since (the next trade's bar will be partial). */
  get holeOpen(): boolean {
    return this.hole;
  }

  /** Partial bars (overlapping a hole), oldest first. */
  partialTimes(): number[] {
    const out: number[] = [];
    for (const b of this.bars) if (b.partial) out.push(b.time);
    return out;
  }

  /**
   * Replaces every bar at or after `from` with `bars` (sorted, all at or after `from`), keeping earlier bars.
   * Only bars whose values actually differ are reported by the next drain. Bars that break that contract are a
   * caller's bug: it throws, naming the bar, before anything changes (a second bar of one time would follow).
   */
  replaceFrom(from: number, bars: readonly Candle[], lastIsFinal: boolean): void {
    const misplaced = misplacedBar(from, bars);
    if (misplaced) throw new Error(`${this.timeframe} bars replacing from ${iso(from)}: ${misplaced}; the series is left as it was`);
    const cut = this.lowerBound(from);
    const kept = new Map(this.bars.slice(cut).map((b) => [b.time, b]));
    this.bars.length = cut;
    this.dirty = this.dirty.filter((i) => i < cut);
    const before = this.bars[cut - 1];
    let filled = withEmptyPeriods(this.timeframe, before, bars, this.maxBars + 1);
    if (filled.length > this.maxBars) {
      // More than the series holds (a history that skips months is 200,000 flat minutes): the newest bars only, as
      // the next trim would leave them, without making the rest first.
      filled = filled.slice(1);
      this.bars.length = 0;
      this.dirty = [];
    }
    // A bar from REST stops following the trades applied after it once it is not the newest.
    if (before && filled.length > 0 && before.closeTs === -Infinity) before.closeTs = Infinity;
    for (let i = 0; i < filled.length; i++) {
      const c = filled[i]!;
      const partial = c.partial === true;
      const newest = i === filled.length - 1;
      const final = !partial && (!newest || lastIsFinal);
      const old = kept.get(c.time);
      const bar = newBar(c, final, partial, partial ? c.partialSince : undefined, old?.announcedFinal ?? false, newest ? -Infinity : Infinity);
      this.bars.push(bar);
      const changed = !old || old.final !== final || old.partial !== partial || old.partialSince !== bar.partialSince || !sameValues(old, c);
      if (changed) this.markDirty(bar, this.bars.length - 1);
    }
    this.hole = false;
    this.syncCurrent();
  }

  /** Deltas for everything that changed since the previous drain, oldest first. */
  drain(): CandleDelta[] {
    if (this.dirty.length === 0) return [];
    const indices = this.dirty;
    this.dirty = [];
    this.epoch++;
    if (!isSorted(indices)) indices.sort((a, b) => a - b);
    const deltas: CandleDelta[] = [];
    for (const i of indices) {
      const bar = this.bars[i]!;
      if (!bar.final) deltas.push({ kind: 'updated', candle: toCandle(bar) });
      else {
        deltas.push({ kind: bar.announcedFinal ? 'revised' : 'closed', candle: toCandle(bar) });
        bar.announcedFinal = true;
      }
    }
    this.trim();
    return deltas;
  }

  private applyOutsideCurrent(timestamp: number, price: number, amount: number): void {
    const start = bucketStart(this.timeframe, timestamp);
    const afterHole = this.hole;
    this.hole = false;
    const lastIdx = this.bars.length - 1;
    const last = this.bars[lastIdx];
    if (!last || start > last.time) {
      if (last && !last.final && !last.partial) {
        last.final = true; // a trade after its end, on a gap-free stream
        this.markDirty(last, lastIdx);
      }
      if (last && !afterHole) this.fillEmpty(last, start);
      const bar = tradeBar(start, price, amount, timestamp, afterHole);
      this.bars.push(bar);
      this.markDirty(bar, this.bars.length - 1);
      this.currentStart = start;
      this.currentEnd = nextBucketStart(this.timeframe, start);
      this.current = bar;
      return;
    }
    if (start === last.time) {
      // The last bar, outside the hot path: right after a hole (it is partial), or already final (a revision).
      foldTrade(last, timestamp, price, amount);
      this.markDirty(last, lastIdx);
      this.syncCurrent();
      return;
    }
    // A late trade for an earlier bucket: fold it into that bar (or create it, keeping order).
    const idx = this.lowerBound(start);
    let bar = this.bars[idx];
    if (!bar || bar.time !== start) {
      // No bar of its bucket: it lies before the first bar held or inside a hole (elsewhere every bucket has one), so
      // the bucket's other trades are unknown. Its bar is partial until replaced, never closed or persisted as whole
      // on one trade, and the bar after it keeps its prices (what came between is unknown too: nothing is re-flattened).
      bar = tradeBar(start, price, amount, timestamp, true);
      this.bars.splice(idx, 0, bar);
      this.shiftDirty(idx);
      this.markDirty(bar, idx);
      return;
    }
    if (bar.volume === 0) {
      // A bar closed empty holds the previous close as a placeholder, not a price traded in it: its first trade is
      // its open, high, low and close.
      bar.open = bar.high = bar.low = bar.close = price;
      bar.openTs = bar.closeTs = timestamp;
    }
    foldTrade(bar, timestamp, price, amount);
    this.markDirty(bar, idx);
    this.reflatAfter(idx);
  }

  /**
   * The bars closed empty right after bar `idx` are flat at its close, which a late trade may have changed: they
   * follow it, up to the next bar that traded (or one partial: across a hole nothing was filled). Late trades only;
   * O(those bars).
   */
  private reflatAfter(idx: number): void {
    const bar = this.bars[idx];
    // A partial bar's close may not be its bucket's last price: the flat bars after it keep theirs.
    if (!bar || bar.partial) return;
    const p = bar.close;
    let prev = bar.time;
    for (let i = idx + 1; i < this.bars.length; i++) {
      const flat = this.bars[i];
      // Only the buckets right after it: past a bucket without a bar (a hole) the price in between is unknown.
      if (!flat || flat.volume !== 0 || flat.partial || flat.time !== nextBucketStart(this.timeframe, prev)) return;
      prev = flat.time;
      if (flat.close === p && flat.open === p && flat.high === p && flat.low === p) return;
      flat.open = flat.high = flat.low = flat.close = p;
      this.markDirty(flat, i);
    }
  }

  /** The buckets strictly between `last` and `start` had no trade: flat final bars at the last close, volume 0. */
  private fillEmpty(last: Bar, start: number): void {
    for (const c of emptyBarsBetween(this.timeframe, last, start, this.maxBars)) {
      const bar = newBar(c, true, false, undefined, false, Infinity);
      this.bars.push(bar);
      this.markDirty(bar, this.bars.length - 1);
    }
  }

  private markDirty(bar: Bar, idx: number): void {
    if (bar.epoch === this.epoch) return;
    bar.epoch = this.epoch;
    this.dirty.push(idx);
  }

  private shiftDirty(insertedAt: number): void {
    for (let i = 0; i < this.dirty.length; i++) if (this.dirty[i]! >= insertedAt) this.dirty[i]!++;
  }

  private syncCurrent(): void {
    const last = this.bars[this.bars.length - 1];
    if (last && !last.final) {
      this.currentStart = last.time;
      this.currentEnd = nextBucketStart(this.timeframe, last.time);
      this.current = last;
    } else {
      this.currentStart = Number.NaN;
      this.currentEnd = Number.NaN;
      this.current = undefined;
    }
  }

  /** Drops the oldest bars in chunks, so trimming is amortised O(1) per bar. */
  private trim(): void {
    const excess = this.bars.length - this.maxBars;
    if (excess < Math.max(1, this.maxBars >> 3)) return;
    this.bars = this.bars.slice(excess);
  }

  private indexOf(time: number): number {
    const i = this.lowerBound(time);
    return this.bars[i]?.time === time ? i : -1;
  }

  private lowerBound(time: number): number {
    let lo = 0;
    let hi = this.bars.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.bars[mid]!.time < time) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/**
 * `bars` with a flat bar (the previous close, volume 0) in every bucket missing between consecutive bars, and
 * between `before` and the first: exchanges that leave empty periods out of their history get the same bars as
 * those (Binance) that report them. Not across partial bars: a hole's extent is unknown. At most the newest `limit`
 * bars, made newest first so that the older ones are never made.
 */
export function withEmptyPeriods(timeframe: Timeframe, before: Candle | undefined, bars: readonly Candle[], limit = Number.POSITIVE_INFINITY): Candle[] {
  const newestFirst: Candle[] = [];
  for (let i = bars.length - 1; i >= 0 && newestFirst.length < limit; i--) {
    const c = bars[i] as Candle;
    newestFirst.push(c);
    const prev = i > 0 ? bars[i - 1] : before;
    if (!prev || prev.partial || c.partial) continue;
    // One at a time, not push(...): an exchange's history may skip months (a halted market), more bars than arguments fit.
    const empty = emptyBarsBetween(timeframe, prev, c.time, limit - newestFirst.length);
    for (let j = empty.length - 1; j >= 0; j--) newestFirst.push(empty[j] as Candle);
  }
  return newestFirst.reverse();
}

/** Flat bars for the buckets strictly between `prev` and `until`, oldest first: the newest `max` only, the older ones not made. */
function emptyBarsBetween(timeframe: Timeframe, prev: Candle, until: number, max: number): Candle[] {
  const out: Candle[] = [];
  if (max <= 0) return out;
  const p = prev.close;
  let t = nextBucketStart(timeframe, prev.time);
  if (timeframe !== '1M') {
    // Fixed-length buckets: straight to the first of the newest `max` (months differ in length and are few).
    const size = timeframeMs(timeframe);
    const count = Math.ceil((until - t) / size);
    if (count > max) t += (count - max) * size;
  }
  for (; t < until; t = nextBucketStart(timeframe, t)) out.push({ time: t, open: p, high: p, low: p, close: p, volume: 0 });
  return out.length > max ? out.slice(out.length - max) : out;
}

/** A trade into a bar outside the hot path: its open or close only if it is the oldest or newest by time. */
function foldTrade(bar: Bar, timestamp: number, price: number, amount: number): void {
  if (price > bar.high) bar.high = price;
  if (price < bar.low) bar.low = price;
  if (timestamp >= bar.closeTs) {
    bar.close = price;
    bar.closeTs = timestamp;
  } else if (timestamp < bar.openTs) {
    bar.open = price;
    bar.openTs = timestamp;
  }
  bar.volume += amount;
}

function sameValues(a: Candle, b: Candle): boolean {
  return a.open === b.open && a.high === b.high && a.low === b.low && a.close === b.close && a.volume === b.volume;
}

/** Why `bars` cannot replace the bars from `from` on (one before it, or out of time order), if so. */
function misplacedBar(from: number, bars: readonly Candle[]): string | undefined {
  let prev: number | undefined;
  for (const b of bars) {
    if (b.time < from) return `a bar of ${iso(b.time)} is before it`;
    if (prev !== undefined && b.time <= prev) return `a bar of ${iso(b.time)} follows one of ${iso(prev)}`;
    prev = b.time;
  }
  return undefined;
}

const iso = (ms: number): string => (Number.isFinite(ms) ? new Date(ms).toISOString() : String(ms));

function isSorted(xs: readonly number[]): boolean {
  for (let i = 1; i < xs.length; i++) if (xs[i - 1]! > xs[i]!) return false;
  return true;
}
