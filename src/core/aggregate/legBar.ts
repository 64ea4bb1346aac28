/** One leg's trades within one bar: first and last by time (so late trades land right), extremes and taker flow. */
import type { Trade } from '../types';

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

  /** `base`: the trade's amount in base units. */
  add(t: Trade, base: number): void {
    if (t.timestamp < this.openTs) {
      this.openTs = t.timestamp;
      this.open = t.price;
    }
    if (t.timestamp >= this.closeTs) {
      this.closeTs = t.timestamp;
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
