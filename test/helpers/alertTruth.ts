/** Offline ground truth of the scripted alert paths: where rules should fire, computed from the emulator's log. */
import { isDeepStrictEqual } from 'node:util';
import type { AlertEvent } from '../../src/core/alerts/alertEvent';
import type { FirePoint } from '../../src/core/alerts/backtest';
import { bucketStart, nextBucketStart } from '../../src/core/timeframes';
import type { Candle, Trade } from '../../src/core/types';
import type { EmulatorTrade } from '../../src/emulator';

/** The times at which the price crosses `level` (a touch keeps the previous side), trade by trade, from `firesFrom` on. */
export function crossTimes(trades: readonly { readonly timestamp: number; readonly price: number }[], level: number, firesFrom = -Infinity): number[] {
  const out: number[] = [];
  let side = 0;
  for (const t of trades) {
    const s = t.price > level ? 1 : t.price < level ? -1 : side;
    if (side !== 0 && s !== side && t.timestamp >= firesFrom) out.push(t.timestamp);
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

/**
 * The bars an alert engine may have taken as its first live 1m bar. It takes the last bar of its candle snapshot when
 * that bar had not ended by its clock at the snapshot, else the next one. The test sees the same snapshot (`last`: its
 * last bar) a moment later: `before` (taken before the engine started) and `after` (once the test had the snapshot)
 * bound the engine's clock. Both bars are possible only when the bar's end fell between them.
 */
export function firstLiveBars(last: Candle, before: number, after: number): number[] {
  const end = nextBucketStart('1m', last.time);
  if (end > after) return [last.time];
  if (end <= before) return [end];
  return [last.time, end];
}

/**
 * Of the expectations for each possible first live bar, the one the engine's fires match (by `got`), else the first
 * (whose differences the caller's assertions then show). Every rule and backtest is checked against that one bar.
 */
export function matchingFirstBar<E>(candidates: readonly number[], expect: (firstLiveBar: number) => E, got: E): { firstLiveBar: number; expected: E } {
  const all = candidates.map((firstLiveBar) => ({ firstLiveBar, expected: expect(firstLiveBar) }));
  return all.find((c) => isDeepStrictEqual(c.expected, got)) ?? (all[0] as { firstLiveBar: number; expected: E });
}

const signed = (t: EmulatorTrade): number => (t.side === 'buy' ? t.amount : -t.amount);
export const asTrades = (ts: readonly EmulatorTrade[]): Trade[] => ts.map((t) => ({ id: String(t.id), timestamp: t.timestamp, price: t.price, amount: t.amount, side: t.side }));
export const firePoints = (events: readonly AlertEvent[]): FirePoint[] => events.map((e) => ({ time: e.firedAt, value: e.value, message: e.message, ...(e.barTime !== undefined ? { barTime: e.barTime } : {}) }));

/**
 * Trade-by-trade ground truth of the scripted CVD rules (cvd_level 1m ±0.105 once per bar; cvd_change and cvd_ratio
 * over 30 s, ±0.085 and 0.8 / 0.2, 20 s cooldowns), from the trades the rules saw; `first`: since when the rules have
 * observed the stream (a period or window is judged only once it was observed whole); `firesFrom`: since when they
 * may fire (what came before, as a subscription's snapshot, only fills the periods and windows).
 */
export function cvdTruth(seen: readonly EmulatorTrade[], first: number, firesFrom = -Infinity): { lvl: number[]; roll: number[]; ratio: number[] } {
  const lvl: number[] = [];
  let period = -1;
  let sum = 0;
  let firedBar = -1;
  for (const t of seen) {
    const ps = bucketStart('1m', t.timestamp);
    if (ps !== period) (period = ps), (sum = 0);
    sum += signed(t);
    if (ps >= first && t.timestamp >= firesFrom && (sum > 0.105 || sum < -0.105) && ps !== firedBar) (lvl.push(t.timestamp), (firedBar = ps));
  }
  const rolling = (value: (w: readonly EmulatorTrade[]) => boolean): number[] => {
    const out: number[] = [];
    let coolUntil = -Infinity;
    for (const t of seen) {
      if (t.timestamp - 30_000 < first) continue;
      const w = seen.filter((x) => x.timestamp > t.timestamp - 30_000 && x.timestamp <= t.timestamp);
      if (value(w) && t.timestamp >= firesFrom && t.timestamp >= coolUntil) (out.push(t.timestamp), (coolUntil = t.timestamp + 20_000));
    }
    return out;
  };
  const roll = rolling((w) => {
    const d = w.reduce((a, x) => a + signed(x), 0);
    return d > 0.085 || d < -0.085;
  });
  const ratio = rolling((w) => {
    const total = w.reduce((a, x) => a + x.amount, 0);
    const r = total > 0 ? w.filter((x) => x.side === 'buy').reduce((a, x) => a + x.amount, 0) / total : 0.5;
    return r > 0.8 || r < 0.2;
  });
  return { lvl, roll, ratio };
}
