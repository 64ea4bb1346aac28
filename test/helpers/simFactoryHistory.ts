import type { FactoryHistory } from '../../src/core/candles/candleFactory';
import type { ExchangeCapabilities } from '../../src/core/exchange/capabilities';
import type { TradesSince } from '../../src/core/history/seamTrades';
import type { Timeframe } from '../../src/core/timeframes';
import type { Candle, Trade } from '../../src/core/types';
import { referenceCandles } from './referenceCandles';
import * as assert from 'node:assert/strict';
import { settle, settleUntil, SimTradeRest } from './simTradeRest';

/** The exchange's klines of `trades` in [from, until): the bars built from them, minutes with no trade left out. */
export function simKlines(trades: readonly Trade[], tf: Timeframe, from: number, until: number): Candle[] {
  return referenceCandles(
    trades.filter((t) => t.timestamp >= from && t.timestamp < until),
    tf,
  ).filter((c) => c.volume > 0);
}

/**
 * A candle factory's exchange in the seeded seam tests: its trade log, klines answered at once from it, REST trades
 * answered (or failed) when the test says (SimTradeRest); nothing cached.
 */
export class SimFactoryHistory implements FactoryHistory {
  readonly log: Trade[] = [];
  readonly rest = new SimTradeRest(this.log);

  constructor(private readonly caps: ExchangeCapabilities) {}

  capabilities(): Promise<ExchangeCapabilities> {
    return Promise.resolve(this.caps);
  }
  closedHistory(key: { readonly timeframe: Timeframe }, until: number, depth: number): Promise<Candle[]> {
    return Promise.resolve(simKlines(this.log, key.timeframe, -Infinity, until).slice(-depth));
  }
  candlesBetween(_market: unknown, tf: Timeframe, from: number, until: number): Promise<Candle[]> {
    return Promise.resolve(simKlines(this.log, tf, from, until));
  }
  cachedBars(): Promise<Candle[]> {
    return Promise.resolve([]);
  }
  /** The closed bars the factory handed over for the cache, in order. */
  readonly persisted: Candle[] = [];
  persist(_key: unknown, closed: readonly Candle[]): Promise<void> {
    this.persisted.push(...closed);
    return Promise.resolve();
  }
  tradesSince(_market: unknown, from: number): Promise<TradesSince> {
    return this.rest.tradesSince(from);
  }
}

/** Waits (a few turns) until the factory has `count` REST trades requests waiting for the test to answer. */
export async function restAsked(ex: SimFactoryHistory, count = 1): Promise<void> {
  await settleUntil(() => ex.rest.pending >= count);
  assert.equal(ex.rest.pending, count, `the factory has ${count} REST trades request(s) waiting`);
}

/** Answers every REST trades request the factory makes until it asks nothing more (30 idle turns); returns how many. */
export async function answerAllRest(ex: SimFactoryHistory): Promise<number> {
  let answered = 0;
  for (let idle = 0; idle < 30; idle++) {
    await settle();
    if (ex.rest.pending === 0) continue;
    ex.rest.answer();
    answered++;
    idle = 0;
  }
  return answered;
}
