/** A batch of trades as reused typed columns (time, price, bucket, amount, side), read once per batch for every timeframe. */
import type { Trade } from '../types';
import { SIDE_BUY, SIDE_SELL } from './bucketCells';
import { bucketIndex, type PriceBuckets } from './priceBuckets';

/**
 * Reading a Trade's fields once per batch instead of once per timeframe, and the timeframes' loops then reading
 * flat numbers, is what keeps a footprint of several timeframes near the cost of one. The arrays grow by doubling
 * and are reused from batch to batch, so a batch allocates nothing.
 */
export class TradeColumns {
  length = 0;
  times = new Float64Array(0);
  prices = new Float64Array(0);
  /** The price bucket of each trade (bucketIndex). */
  buckets = new Float64Array(0);
  amounts = new Float64Array(0);
  /** The aggressor's side as a SideIndex (SIDE_BUY, SIDE_SELL). */
  sides = new Uint8Array(0);
  /** Each trade's id (references, no copy): the order of late trades within a millisecond. */
  readonly ids: string[] = [];

  constructor(private readonly spec: PriceBuckets) {}

  /** Fills the columns with `trades` (the previous batch's are overwritten). */
  fill(trades: readonly Trade[]): this {
    const n = trades.length;
    if (this.times.length < n) this.grow(Math.max(n, 2 * this.times.length));
    const { times, prices, buckets, amounts, sides, ids, spec } = this;
    for (let i = 0; i < n; i++) {
      const t = trades[i] as Trade;
      times[i] = t.timestamp;
      prices[i] = t.price;
      buckets[i] = bucketIndex(t.price, spec);
      amounts[i] = t.amount;
      sides[i] = t.side === 'buy' ? SIDE_BUY : SIDE_SELL;
      ids[i] = t.id;
    }
    this.length = n;
    return this;
  }

  private grow(size: number): void {
    this.times = new Float64Array(size);
    this.prices = new Float64Array(size);
    this.buckets = new Float64Array(size);
    this.amounts = new Float64Array(size);
    this.sides = new Uint8Array(size);
  }
}
