/** One leg's trades within one bar: first and last by time (so late trades land right), extremes and taker flow. */
import type { Trade } from '../types';
import { comesAfter, type LateTies } from '../util/tradeOrder';

export class LegBar {
  open = 0;
  high = Number.NEGATIVE_INFINITY;
  low = Number.POSITIVE_INFINITY;
  close = 0;
  volume = 0;
  buyVolume = 0;
  sellVolume = 0;
  trades = 0;
  private openTs = Number.POSITIVE_INFINITY;
  private closeTs = Number.NEGATIVE_INFINITY;
  /** Trades of one millisecond can arrive out of the exchange's order (a retried fill's, across its seam): ids place them. */
  private openId = '';
  private closeId = '';
  /** The late call open and close came in (its LateTies; undefined: in order): a call's own trades keep its order. */
  private openLate: LateTies | undefined;
  private closeLate: LateTies | undefined;

  /** A leg's kline as a bar of this kind: its price and its volume in base units; no taker split and no trade count (klines have none). */
  static ofCandle(c: { readonly open: number; readonly high: number; readonly low: number; readonly close: number }, base: number): LegBar {
    const b = new LegBar();
    b.open = c.open;
    b.high = c.high;
    b.low = c.low;
    b.close = c.close;
    b.volume = base;
    return b;
  }

  /**
   * `base`: the trade's amount in base units. `late`: the trade is older than some given before (a fill's), placed
   * among those of its millisecond by LateTies, but after those of its own call (the same LateTies, one per call);
   * without it, it is the newest of its millisecond unless the ids say otherwise.
   */
  add(t: Trade, base: number, late?: LateTies): void {
    if (t.timestamp < this.openTs || (t.timestamp === this.openTs && !comesAfter(t.id, this.openId, t.timestamp, late, this.openLate))) {
      this.openTs = t.timestamp;
      this.openId = t.id;
      this.openLate = late;
      this.open = t.price;
    }
    if (t.timestamp > this.closeTs || (t.timestamp === this.closeTs && comesAfter(t.id, this.closeId, t.timestamp, late, this.closeLate))) {
      this.closeTs = t.timestamp;
      this.closeId = t.id;
      this.closeLate = late;
      this.close = t.price;
    }
    if (t.price > this.high) this.high = t.price;
    if (t.price < this.low) this.low = t.price;
    this.volume += base;
    if (t.side === 'buy') this.buyVolume += base;
    else this.sellVolume += base;
    this.trades++;
  }
}
