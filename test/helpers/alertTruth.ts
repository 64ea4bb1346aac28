/** Offline ground truth of the scripted alert paths: where rules should fire, computed from the emulator's log. */
import type { Candle } from '../../src/core/types';

/** The times at which the price crosses `level` (a touch keeps the previous side), trade by trade. */
export function crossTimes(trades: readonly { readonly timestamp: number; readonly price: number }[], level: number): number[] {
  const out: number[] = [];
  let side = 0;
  for (const t of trades) {
    const s = t.price > level ? 1 : t.price < level ? -1 : side;
    if (side !== 0 && s !== side) out.push(t.timestamp);
    side = s;
  }
  return out;
}

/**
 * The bar closes (from `firstLiveBar` on) at which the scripted bar rules fire: |3-bar % change| > 0.25, a 3-bar
 * range > 0.8 % of the close, and the close crossing above its 5-bar SMA.
 */
export function barRuleCloses(closed: readonly Candle[], firstLiveBar: number): { chg: number[]; vol: number[]; sma: number[] } {
  const chg: number[] = [];
  const sma: number[] = [];
  const vol: number[] = [];
  let side = 0;
  closed.forEach((c, i) => {
    const isLive = c.time >= firstLiveBar;
    if (i >= 3) {
      const change = (c.close / closed[i - 3]!.close - 1) * 100;
      if (isLive && (change > 0.25 || change < -0.25)) chg.push(c.time);
    }
    if (i >= 2) {
      const window = closed.slice(i - 2, i + 1);
      const range = ((Math.max(...window.map((b) => b.high)) - Math.min(...window.map((b) => b.low))) / c.close) * 100;
      if (isLive && range > 0.8) vol.push(c.time);
    }
    if (i >= 4) {
      const mean = closed.slice(i - 4, i + 1).reduce((a, b) => a + b.close, 0) / 5;
      const s = c.close > mean ? 1 : c.close < mean ? -1 : side;
      if (isLive && side === -1 && s === 1) sma.push(c.time);
      side = s;
    }
  });
  return { chg, vol, sma };
}
