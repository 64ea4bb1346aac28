/**
 * Taker buy and sell volume over a rolling time window (t − window, t], from trades in time order. Each trade is
 * pushed once and evicted once: O(1) amortised, in typed-array rings that double when full. Trades with the same
 * timestamp share one entry; for windows of 10 minutes or more, trades of the same second do (bounding memory to
 * one entry per second: 86,400 for a day), and an entry leaves the window once its whole second has. Late trades
 * (older than the newest pushed) are merged into their places in one pass per batch (addLate).
 */
import type { Trade } from '../../types';

/** Windows from this long on aggregate per second. */
export const COARSE_WINDOW_MS = 600_000;

export class RollingFlow {
  private times = new Float64Array(64);
  private buys = new Float64Array(64);
  private sells = new Float64Array(64);
  private head = 0;
  private size = 0;
  private buySum = 0;
  private sellSum = 0;
  private sinceResum = 0;
  /** The newest time pushed: the window's end. */
  private now = Number.NEGATIVE_INFINITY;

  /** Entry resolution in ms: 1, or 1000 for long windows. */
  private readonly resolution: number;

  constructor(readonly windowMs: number) {
    this.resolution = windowMs >= COARSE_WINDOW_MS ? 1000 : 1;
  }

  push(trade: Trade): void {
    if (trade.timestamp > this.now) this.now = trade.timestamp;
    const buy = trade.side === 'buy' ? trade.amount : 0;
    const sell = trade.side === 'sell' ? trade.amount : 0;
    const cap = this.times.length;
    const last = (this.head + this.size - 1) & (cap - 1);
    const key = this.keyOf(trade.timestamp);
    if (this.size > 0 && this.times[last] === key) {
      this.buys[last]! += buy;
      this.sells[last]! += sell;
    } else {
      if (this.size === cap) this.grow();
      const i = (this.head + this.size) & (this.times.length - 1);
      this.times[i] = key;
      this.buys[i] = buy;
      this.sells[i] = sell;
      this.size++;
    }
    this.buySum += buy;
    this.sellSum += sell;
    this.evict(trade.timestamp);
  }

  /**
   * Trades made before the newest pushed (any order), those at `from` or later each put in its place; those already
   * out of the window are not kept. O(entries + trades log trades) for the batch (a reconnect's hole), never per live
   * trade. Returns how many were taken into the window.
   */
  addLate(trades: readonly Trade[], from: number): number {
    const cutoff = this.now - this.windowMs - (this.resolution - 1);
    const late = trades.filter((t) => t.timestamp >= from && this.keyOf(t.timestamp) > cutoff && t.timestamp <= this.now).sort((a, b) => a.timestamp - b.timestamp);
    if (late.length === 0) return 0;
    let cap = this.times.length;
    while (cap < this.size + late.length) cap *= 2;
    const times = new Float64Array(cap);
    const buys = new Float64Array(cap);
    const sells = new Float64Array(cap);
    const mask = this.times.length - 1;
    let n = 0;
    const put = (key: number, buy: number, sell: number) => {
      if (n > 0 && times[n - 1] === key) {
        buys[n - 1] = (buys[n - 1] as number) + buy;
        sells[n - 1] = (sells[n - 1] as number) + sell;
        return;
      }
      times[n] = key;
      buys[n] = buy;
      sells[n] = sell;
      n++;
    };
    let k = 0;
    let j = 0;
    while (k < this.size || j < late.length) {
      const i = (this.head + k) & mask;
      const t = late[j];
      if (t !== undefined && (k >= this.size || this.keyOf(t.timestamp) < (this.times[i] as number))) {
        const buy = t.side === 'buy' ? t.amount : 0;
        const sell = t.side === 'sell' ? t.amount : 0;
        put(this.keyOf(t.timestamp), buy, sell);
        this.buySum += buy;
        this.sellSum += sell;
        j++;
      } else {
        put(this.times[i] as number, this.buys[i] as number, this.sells[i] as number);
        k++;
      }
    }
    this.times = times;
    this.buys = buys;
    this.sells = sells;
    this.head = 0;
    this.size = n;
    return late.length;
  }

  /** Drops what is no longer in (now − window, now]. */
  evict(now: number): void {
    const cutoff = now - this.windowMs - (this.resolution - 1);
    const mask = this.times.length - 1;
    while (this.size > 0 && this.times[this.head]! <= cutoff) {
      this.buySum -= this.buys[this.head]!;
      this.sellSum -= this.sells[this.head]!;
      this.head = (this.head + 1) & mask;
      this.size--;
      this.sinceResum++;
    }
    if (this.size === 0) {
      this.buySum = 0;
      this.sellSum = 0;
      this.sinceResum = 0;
    } else if (this.sinceResum > 4096 && this.sinceResum > this.size) {
      // Running sums drift by rounding as values come and go; recompute now and then (amortised O(1)).
      this.resum();
    }
  }

  get buyVolume(): number {
    return Math.max(0, this.buySum);
  }

  get sellVolume(): number {
    return Math.max(0, this.sellSum);
  }

  get delta(): number {
    return this.buySum - this.sellSum;
  }

  clear(): void {
    this.now = Number.NEGATIVE_INFINITY;
    this.head = 0;
    this.size = 0;
    this.buySum = 0;
    this.sellSum = 0;
    this.sinceResum = 0;
  }

  private keyOf(timestamp: number): number {
    return this.resolution === 1 ? timestamp : timestamp - (((timestamp % 1000) + 1000) % 1000);
  }

  private grow(): void {
    const cap = this.times.length;
    const times = new Float64Array(cap * 2);
    const buys = new Float64Array(cap * 2);
    const sells = new Float64Array(cap * 2);
    for (let k = 0; k < this.size; k++) {
      const i = (this.head + k) & (cap - 1);
      times[k] = this.times[i]!;
      buys[k] = this.buys[i]!;
      sells[k] = this.sells[i]!;
    }
    this.times = times;
    this.buys = buys;
    this.sells = sells;
    this.head = 0;
  }

  private resum(): void {
    const mask = this.times.length - 1;
    let b = 0;
    let s = 0;
    for (let k = 0; k < this.size; k++) {
      const i = (this.head + k) & mask;
      b += this.buys[i]!;
      s += this.sells[i]!;
    }
    this.buySum = b;
    this.sellSum = s;
    this.sinceResum = 0;
  }
}
