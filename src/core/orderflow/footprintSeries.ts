/** The footprint bars of one timeframe, built trade by trade in O(1) (a typed-array slot) per trade. */
import { bucketStart, nextBucketStart, type Timeframe } from '../timeframes';
import type { TradeSide } from '../types';
import { BucketCells, SIDE_BUY, SIDE_SELL, type SideIndex } from './bucketCells';
import { cellWithImbalances, DEFAULT_IMBALANCE_RATIO, type FootprintBar, type FootprintCell } from './footprintBar';
import { decimalsOf } from '../../shared/util/decimals';
import { bucketIndex, bucketPrice, type PriceBuckets } from './priceBuckets';
import type { TradeColumns } from './tradeColumns';
import { comesAfter, type LateTies } from '../util/tradeOrder';

interface Bar {
  readonly time: number;
  readonly end: number;
  open: number;
  high: number;
  low: number;
  close: number;
  /** The times of the trades open and close are: a late trade (a hole filled after what followed it) lands by time. */
  openTs: number;
  closeTs: number;
  /** The ids of the trades open and close are: a late trade of their millisecond lands by id (LateTies). */
  openId: string;
  closeId: string;
  /** The late call open and close came in (undefined: in order): a call's own trades keep its order (as LegBar's). */
  openLate: LateTies | undefined;
  closeLate: LateTies | undefined;
  buy: number;
  sell: number;
  readonly cells: BucketCells;
  pocIndex: number;
  pocVolume: number;
  partial: boolean;
  dirty: boolean;
  /** Dropped past maxBars. */
  evicted: boolean;
}

export interface FootprintSeriesOptions {
  /** Bars kept; the oldest go first. */
  readonly maxBars?: number;
  /** Diagonal imbalance ratio (3 by default). */
  readonly imbalanceRatio?: number;
  /**
   * Whether trades of [start, end) may be missing (a hole not fetched): a bar whose first trade comes after the hole
   * was marked (a drop across a bar boundary) is partial from the start.
   */
  readonly missingTrades?: (start: number, end: number) => boolean;
}

/**
 * Bars exist only where trades were (a footprint of an empty bucket has nothing to show; the candles beside it
 * have the flat bar). A trade of an older bar (late, or REST history applied after live trades) finds its bar by
 * binary search; the hot path touches only the last bar. Changes are gathered and read once per batch (`drain`).
 */
export class FootprintSeries {
  private bars: Bar[] = [];
  private current: Bar | undefined;
  private dirty: Bar[] = [];
  private epoch = 1;
  /** Trades are counted from this time on: the bar holding it (if it starts before) is partial. */
  private countedFrom = Number.NEGATIVE_INFINITY;
  private readonly maxBars: number;
  private readonly ratio: number;
  private readonly decimals: number;
  private readonly missingTrades: (start: number, end: number) => boolean;
  /** A run's buy and sell volume, indexed by SideIndex. */
  private readonly volume = new Float64Array(2);

  constructor(
    readonly timeframe: Timeframe,
    readonly buckets: PriceBuckets,
    opts: FootprintSeriesOptions = {},
  ) {
    this.maxBars = opts.maxBars ?? 5000;
    this.ratio = opts.imbalanceRatio ?? DEFAULT_IMBALANCE_RATIO;
    if (!(this.ratio > 0)) throw new RangeError(`an imbalance ratio must be positive (got ${this.ratio})`);
    this.decimals = decimalsOf(buckets.tickSize);
    this.missingTrades = opts.missingTrades ?? (() => false);
  }

  get length(): number {
    return this.bars.length;
  }

  apply(timestamp: number, price: number, amount: number, side: TradeSide, id = ''): void {
    this.applyInBucket(timestamp, price, bucketIndex(price, this.buckets), amount, side === 'buy' ? SIDE_BUY : SIDE_SELL, id, undefined);
  }

  /**
   * A batch of trades, in arrival order: each run of trades of the bar in progress is summed in locals and written
   * back once (the same additions in the same order as one trade at a time, so the sums are the same to the bit);
   * a late trade of an older bar goes through applyInBucket. `late`: the trades came late (older than trades held),
   * each through applyInBucket, placed by `late` where one shares the millisecond of a bar's open or close.
   */
  applyColumns(cols: TradeColumns, late?: LateTies): void {
    const { times, prices, buckets, amounts, sides, ids } = cols;
    const n = cols.length;
    const epoch = this.epoch;
    const volume = this.volume;
    if (late) {
      for (let i = 0; i < n; i++) this.applyInBucket(times[i] as number, prices[i] as number, buckets[i] as number, amounts[i] as number, sides[i] as SideIndex, ids[i] as string, late);
      return;
    }
    let i = 0;
    while (i < n) {
      const first = times[i] as number;
      let bar = this.current;
      if (bar === undefined || first < bar.time || first >= bar.end) bar = this.barAt(first, prices[i] as number, ids[i] as string, undefined);
      if (bar !== this.current) {
        this.applyInBucket(first, prices[i] as number, buckets[i] as number, amounts[i] as number, sides[i] as SideIndex, ids[i] as string, undefined);
        i++;
        continue;
      }
      const { time, end, cells } = bar;
      let { high, low, open, close, openTs, closeTs, openId, closeId, openLate, closeLate, pocVolume, pocIndex } = bar;
      volume[SIDE_BUY] = bar.buy;
      volume[SIDE_SELL] = bar.sell;
      for (; i < n; i++) {
        const ts = times[i] as number;
        if (ts < time || ts >= end) break;
        const price = prices[i] as number;
        if (price > high) high = price;
        else if (price < low) low = price;
        if (ts >= closeTs) {
          close = price;
          closeTs = ts;
          closeId = ids[i] as string;
          closeLate = undefined;
        } else if (ts < openTs) {
          open = price;
          openTs = ts;
          openId = ids[i] as string;
          openLate = undefined;
        }
        const amount = amounts[i] as number;
        const index = buckets[i] as number;
        const side = sides[i] as SideIndex;
        const total = cells.add(index, amount, side, epoch);
        volume[side] = (volume[side] as number) + amount;
        // Volumes only grow within a bar, so the point of control is the old one or this cell.
        if (total > pocVolume || (total === pocVolume && index < pocIndex)) {
          pocVolume = total;
          pocIndex = index;
        }
      }
      bar.high = high;
      bar.low = low;
      bar.open = open;
      bar.openTs = openTs;
      bar.openId = openId;
      bar.openLate = openLate;
      bar.close = close;
      bar.closeTs = closeTs;
      bar.closeId = closeId;
      bar.closeLate = closeLate;
      bar.buy = volume[SIDE_BUY] as number;
      bar.sell = volume[SIDE_SELL] as number;
      bar.pocVolume = pocVolume;
      bar.pocIndex = pocIndex;
      this.touch(bar);
    }
  }

  /**
   * One trade whose bucket is known; `late` places it among the trades of its millisecond held, but after those of
   * its own call (the same LateTies); without it, it is the newest.
   */
  private applyInBucket(timestamp: number, price: number, index: number, amount: number, side: SideIndex, id: string, late: LateTies | undefined): void {
    let bar = this.current;
    if (bar === undefined || timestamp < bar.time || timestamp >= bar.end) bar = this.barAt(timestamp, price, id, late);
    if (price > bar.high) bar.high = price;
    else if (price < bar.low) bar.low = price;
    if (timestamp > bar.closeTs || (timestamp === bar.closeTs && (late === undefined || comesAfter(id, bar.closeId, timestamp, late, bar.closeLate)))) {
      bar.close = price;
      bar.closeTs = timestamp;
      bar.closeId = id;
      bar.closeLate = late;
    } else if (timestamp < bar.openTs || (timestamp === bar.openTs && late !== undefined && !comesAfter(id, bar.openId, timestamp, late, bar.openLate))) {
      bar.open = price;
      bar.openTs = timestamp;
      bar.openId = id;
      bar.openLate = late;
    }
    const total = bar.cells.add(index, amount, side, this.epoch);
    if (side === SIDE_BUY) bar.buy += amount;
    else bar.sell += amount;
    if (total > bar.pocVolume || (total === bar.pocVolume && index < bar.pocIndex)) {
      bar.pocVolume = total;
      bar.pocIndex = index;
    }
    this.touch(bar);
  }

  /**
   * Trades before `time` are not all counted: every bar that starts before it is partial, whether it exists now or
   * its first trade comes later (a lagging stream's trade stamped before a depth taken from the clock).
   */
  countFrom(time: number): void {
    this.countedFrom = time;
    for (const bar of this.bars) {
      if (bar.time >= time || bar.partial) continue;
      bar.partial = true;
      this.touch(bar);
    }
  }

  /** Marks every bar overlapping [from, until] partial: trades of that span may be missing. */
  markPartial(from: number, until: number): void {
    const start = bucketStart(this.timeframe, from);
    for (const bar of this.bars) {
      if (bar.time < start || bar.time > until || bar.partial) continue;
      bar.partial = true;
      this.touch(bar);
    }
  }

  /** Bars overlapping [from, until] are whole again (their missed trades came), except where `stillPartial` says not. */
  markWhole(from: number, until: number, stillPartial: (start: number, end: number) => boolean): void {
    const start = bucketStart(this.timeframe, from);
    for (const bar of this.bars) {
      if (bar.time < start || bar.time > until || !bar.partial || stillPartial(bar.time, bar.end)) continue;
      bar.partial = false;
      this.touch(bar);
    }
  }

  /**
   * The bars changed since the last drain, oldest first, each with only its changed cells and their neighbours:
   * O(changed cells), so a batch costs nothing per cell it did not touch.
   */
  drain(): FootprintBar[] {
    if (this.dirty.length === 0) return [];
    const changed = this.dirty.sort((a, b) => a.time - b.time);
    this.dirty = [];
    const epoch = this.epoch++;
    const out: FootprintBar[] = [];
    for (const bar of changed) {
      bar.dirty = false;
      const touched = bar.cells.takeChanged(epoch);
      if (!bar.evicted) out.push(this.toBar(bar, touched));
    }
    return out;
  }

  snapshot(): FootprintBar[] {
    return this.bars.map((b) => this.toBar(b, b.cells.indices()));
  }

  private touch(bar: Bar): void {
    if (bar.dirty) return;
    bar.dirty = true;
    this.dirty.push(bar);
  }

  /** The bar holding `timestamp`, created in order when it is new; a new bar opens at `price` (its first trade's, `id`). */
  private barAt(timestamp: number, price: number, id: string, late: LateTies | undefined): Bar {
    const time = bucketStart(this.timeframe, timestamp);
    const last = this.bars[this.bars.length - 1];
    if (last === undefined || time > last.time) {
      const bar = this.newBar(time, timestamp, price, id, late);
      this.bars.push(bar);
      this.current = bar;
      if (this.bars.length > this.maxBars) {
        const dropped = this.bars.shift();
        if (dropped) dropped.evicted = true;
      }
      return bar;
    }
    let lo = 0;
    let hi = this.bars.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const found = this.bars[mid];
      if (found === undefined) break;
      if (found.time === time) return found;
      if (found.time < time) lo = mid + 1;
      else hi = mid - 1;
    }
    const bar = this.newBar(time, timestamp, price, id, late);
    this.bars.splice(lo, 0, bar);
    return bar;
  }

  private newBar(time: number, timestamp: number, price: number, id: string, late: LateTies | undefined): Bar {
    const end = nextBucketStart(this.timeframe, time);
    return { time, end, open: price, high: price, low: price, close: price, openTs: timestamp, closeTs: timestamp, openId: id, closeId: id, openLate: late, closeLate: late, buy: 0, sell: 0, cells: new BucketCells(), pocIndex: 0, pocVolume: -1, partial: time < this.countedFrom || this.missingTrades(time, end), dirty: false, evicted: false };
  }

  private toBar(b: Bar, indices: readonly number[]): FootprintBar {
    const cells: FootprintCell[] = [];
    const c = b.cells;
    for (const i of indices) cells.push(cellWithImbalances(bucketPrice(i, this.buckets, this.decimals), c.buyAt(i), c.sellAt(i), c.sellAt(i - 1), c.buyAt(i + 1), this.ratio));
    const bar = {
      time: b.time,
      open: b.open,
      high: b.high,
      low: b.low,
      close: b.close,
      buyVolume: b.buy,
      sellVolume: b.sell,
      delta: b.buy - b.sell,
      poc: bucketPrice(b.pocIndex, this.buckets, this.decimals),
      cells,
    };
    return b.partial ? { ...bar, partial: true } : bar;
  }
}
