import { bucketStart, type Timeframe } from '../../src/core/timeframes';
import type { Candle } from '../../src/core/types';

/** The obvious, slow way to build candles from a full trade log: the oracle engine output is compared with. */
export function referenceCandles(trades: ReadonlyArray<{ timestamp: number; price: number; amount: number }>, tf: Timeframe): Candle[] {
  const out: Candle[] = [];
  for (const t of [...trades].sort((a, b) => a.timestamp - b.timestamp)) {
    const time = bucketStart(tf, t.timestamp);
    const last = out[out.length - 1];
    if (last && last.time === time) {
      out[out.length - 1] = { ...last, high: Math.max(last.high, t.price), low: Math.min(last.low, t.price), close: t.price, volume: last.volume + t.amount };
    } else out.push({ time, open: t.price, high: t.price, low: t.price, close: t.price, volume: t.amount });
  }
  return out;
}

/** Float sums differ in the last bits depending on order; volumes are compared to 1e-9 relative. */
export function roundCandle(c: Candle): Candle {
  return { ...c, volume: Number(c.volume.toPrecision(12)) };
}
