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
   * among those of its millisecond by LateTies; without it, it is the newest of its millisecond unless the ids say
   * otherwise.
   */
  add(t: Trade, base: number, late?: LateTies): void {
    if (t.timestamp < this.openTs || (t.timestamp === this.openTs && !after(t, this.openId, late))) {
      this.openTs = t.timestamp;
      this.openId = t.id;
      this.open = t.price;
    }
    if (t.timestamp > this.closeTs || (t.timestamp === this.closeTs && after(t, this.closeId, late))) {
      this.closeTs = t.timestamp;
      this.closeId = t.id;
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

/** Whether `t` came after the held trade `heldId` of its millisecond. */
const after = (t: Trade, heldId: string, late: LateTies | undefined): boolean => comesAfter(t.id, heldId, t.timestamp, late);
