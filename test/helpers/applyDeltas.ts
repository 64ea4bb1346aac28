import type { CandleDelta } from '../../src/core/candles/candleDelta';
import type { Candle } from '../../src/core/types';

/** A consumer's view of a candle series: the snapshot with every delta applied (replace by time, else insert). */
export function applyDeltas(candles: readonly Candle[], deltas: readonly CandleDelta[]): Candle[] {
  const out = [...candles];
  for (const { candle } of deltas) {
    const last = out[out.length - 1];
    if (!last || candle.time > last.time) out.push(candle);
    else {
      const i = out.findIndex((c) => c.time === candle.time);
      if (i >= 0) out[i] = candle;
      else {
        out.push(candle);
        out.sort((a, b) => a.time - b.time);
      }
    }
  }
  return out;
}
