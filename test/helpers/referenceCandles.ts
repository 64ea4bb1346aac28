import { bucketStart, nextBucketStart, type Timeframe } from '../../src/core/timeframes';
import type { Candle } from '../../src/core/types';
import type { EmulatorTrade } from '../../src/emulator';

/**
 * The obvious, slow way to build candles from a full trade log: the oracle engine output is compared with. Every
 * bucket from the first trade's to the last's has a bar; one without trades is flat at the previous close with
 * volume 0 (Binance's klines; the engine's one policy for empty periods, live and from history).
 */
export function referenceCandles(trades: ReadonlyArray<{ timestamp: number; price: number; amount: number }>, tf: Timeframe): Candle[] {
  const out: Candle[] = [];
  for (const t of [...trades].sort((a, b) => a.timestamp - b.timestamp)) {
    const time = bucketStart(tf, t.timestamp);
    const last = out[out.length - 1];
    for (let t = last ? nextBucketStart(tf, last.time) : time; last && t < time; t = nextBucketStart(tf, t)) {
      const p = out[out.length - 1]!.close;
      out.push({ time: t, open: p, high: p, low: p, close: p, volume: 0 });
    }
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

/** An OHLCV row as ccxt returns it: [open time, open, high, low, close, volume]. */
export type OhlcvRow = [number, number, number, number, number, number];

/** ccxt-shaped OHLCV rows computed independently from the ground-truth log (volume summed exactly in 1e-8 units). */
export function exactOhlcv(trades: readonly EmulatorTrade[], timeframeMs: number): OhlcvRow[] {
  const rows: OhlcvRow[] = [];
  let current: { row: OhlcvRow; units: number } | undefined;
  for (const t of trades) {
    const open = Math.floor(t.timestamp / timeframeMs) * timeframeMs;
    if (current === undefined || current.row[0] !== open) {
      if (current) rows.push(current.row);
      current = { row: [open, t.price, t.price, t.price, t.price, 0], units: 0 };
    }
    const row = current.row;
    row[2] = Math.max(row[2], t.price);
    row[3] = Math.min(row[3], t.price);
    row[4] = t.price;
    current.units += Math.round(t.amount * 1e8);
    row[5] = current.units / 1e8;
  }
  if (current) rows.push(current.row);
  return rows;
}

/**
 * exactOhlcv as Binance's klines have it: every bucket from the first trade's to the one opening at `lastOpen`, one
 * without trades flat at the previous close with volume 0.
 */
export function binanceOhlcv(trades: readonly EmulatorTrade[], timeframeMs: number, lastOpen: number): OhlcvRow[] {
  const rows: OhlcvRow[] = [];
  for (const row of exactOhlcv(trades, timeframeMs)) {
    flatUntil(rows, row[0], timeframeMs);
    rows.push(row);
  }
  flatUntil(rows, lastOpen + timeframeMs, timeframeMs);
  return rows;
}

/** Appends flat volume-0 rows after the last one, up to (not including) `open`. */
function flatUntil(rows: OhlcvRow[], open: number, timeframeMs: number): void {
  for (let last = rows.at(-1); last !== undefined && last[0] + timeframeMs < open; last = rows.at(-1)) {
    const close = last[4];
    rows.push([last[0] + timeframeMs, close, close, close, close, 0]);
  }
}
