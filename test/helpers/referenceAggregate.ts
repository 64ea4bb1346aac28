/** The slow, obvious aggregate of several legs' full trade logs: the oracle the engine's aggregated bars are compared with. */
import { bucketStart, nextBucketStart, type Timeframe } from '../../src/core/timeframes';

export interface ReferenceLeg {
  readonly trades: ReadonlyArray<{ timestamp: number; price: number; amount: number; side: 'buy' | 'sell' }>;
  readonly segment: 'spot' | 'perp';
  /** Base units of a trade's amount (contract sizes applied). */
  readonly toBase: (amount: number, price: number) => number;
}

export interface ReferenceFlow {
  trades: number;
  volume: number;
  buyVolume: number;
  sellVolume: number;
}

export interface ReferenceBar extends ReferenceFlow {
  time: number;
  legs: ReferenceFlow[];
  spot: ReferenceFlow;
  perp: ReferenceFlow;
  /** Volume-weighted means of the legs' own open, high, low, close (undefined for a bar without trades). */
  vwap: { open: number; high: number; low: number; close: number } | undefined;
}

const zero = (): ReferenceFlow => ({ trades: 0, volume: 0, buyVolume: 0, sellVolume: 0 });

/**
 * Every bucket from the first trade's at or after `since` to the last trade's. Each leg's flow is summed in its own time order, the legs in
 * their order: the sums the definition asks for, so they are compared exactly.
 */
export function referenceAggregate(legs: readonly ReferenceLeg[], tf: Timeframe, since: number): ReferenceBar[] {
  const inRange = legs.map((l) => l.trades.filter((t) => t.timestamp >= since).sort((a, b) => a.timestamp - b.timestamp));
  const last = Math.max(...inRange.map((ts) => ts.at(-1)?.timestamp ?? since));
  const first = Math.min(...inRange.map((ts) => ts[0]?.timestamp ?? last));
  const times: number[] = [];
  for (let t = bucketStart(tf, first); t <= last; t = nextBucketStart(tf, t)) times.push(t);
  return times.map((time) => {
    const end = nextBucketStart(tf, time);
    const perLeg = inRange.map((ts, i) => {
      const leg = legs[i]!;
      const f = zero();
      let ohlc: { open: number; high: number; low: number; close: number } | undefined;
      for (const t of ts) {
        if (t.timestamp < time || t.timestamp >= end) continue;
        const base = leg.toBase(t.amount, t.price);
        f.trades++;
        f.volume += base;
        if (t.side === 'buy') f.buyVolume += base;
        else f.sellVolume += base;
        ohlc = ohlc ? { open: ohlc.open, high: Math.max(ohlc.high, t.price), low: Math.min(ohlc.low, t.price), close: t.price } : { open: t.price, high: t.price, low: t.price, close: t.price };
      }
      return { f, ohlc };
    });
    const sum = (pick: (i: number) => boolean): ReferenceFlow => {
      const s = zero();
      perLeg.forEach(({ f }, i) => {
        if (!pick(i)) return;
        s.trades += f.trades;
        s.volume += f.volume;
        s.buyVolume += f.buyVolume;
        s.sellVolume += f.sellVolume;
      });
      return s;
    };
    const total = sum(() => true);
    const traded = perLeg.filter((l) => l.ohlc !== undefined);
    const w = (v: number) => v / total.volume;
    const vwap = traded.length === 0 ? undefined : {
      open: traded.reduce((a, l) => a + l.ohlc!.open * w(l.f.volume), 0),
      high: traded.reduce((a, l) => a + l.ohlc!.high * w(l.f.volume), 0),
      low: traded.reduce((a, l) => a + l.ohlc!.low * w(l.f.volume), 0),
      close: traded.reduce((a, l) => a + l.ohlc!.close * w(l.f.volume), 0),
    };
    return { time, ...total, legs: perLeg.map((l) => l.f), spot: sum((i) => legs[i]!.segment === 'spot'), perp: sum((i) => legs[i]!.segment === 'perp'), vwap };
  });
}
