import type { AlertRule } from '../../../src/core/alerts/rules';
import type { Candle, Ticker, Trade } from '../../../src/core/types';

type Base = Pick<AlertRule, 'id' | 'name' | 'exchange' | 'symbol' | 'timeframe' | 'frequency' | 'cooldownMs' | 'enabled' | 'autoPause'>;

const base: Base = {
  id: 'r',
  name: 'rule',
  exchange: 'binance',
  symbol: 'BTC/USDT',
  timeframe: '1m',
  frequency: 'every_time',
  cooldownMs: 0,
  enabled: true,
  autoPause: undefined,
};

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A rule with test-friendly defaults: every_time, no cooldown, no auto-pause, 1m bars. */
export function mkRule(specific: DistributiveOmit<AlertRule, keyof Base> & Partial<Base>): AlertRule {
  return { ...base, ...specific } as AlertRule;
}

let nextId = 1;

/** [timestamp, price, amount?, side?] rows → trades (side: buy unless given). */
export function mkTrades(rows: ReadonlyArray<readonly [number, number, number?, ('buy' | 'sell')?]>): Trade[] {
  return rows.map(([timestamp, price, amount, side]) => ({ id: String(nextId++), timestamp, price, amount: amount ?? 1, side: side ?? 'buy' }));
}

/** Bars of `tfMs` from closes (open = previous close, high/low = max/min of the two unless given). */
export function mkCandles(closes: readonly number[], tfMs = 60_000, start = 0): Candle[] {
  return closes.map((close, i) => {
    const open = i === 0 ? close : closes[i - 1]!;
    return { time: start + i * tfMs, open, high: Math.max(open, close), low: Math.min(open, close), close, volume: 1 };
  });
}

export function mkTicker(timestamp: number, bid: number | undefined, ask: number | undefined, last = 100): Ticker {
  return { timestamp, last, bid, ask, change24hPercent: undefined };
}

export const MIN = 60_000;
export const SEC = 1000;
