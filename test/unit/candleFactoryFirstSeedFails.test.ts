// A first seed whose REST history fails: its consumers are told so before they get its bars, as a consumer joining
// later is (fake history layer). The bars first used to go out while the series still read as whole: the bot logged
// "rule x: armed" and, 2 ms later, "rule x: degraded: history unavailable (HTTP 503)".
import * as assert from 'node:assert/strict';
import { CandleFactory, type FactoryEvent, type FactoryHistory } from '../../src/core/candles/candleFactory';
import type { ExchangeCapabilities } from '../../src/core/exchange/capabilities';
import type { TradesSince } from '../../src/core/history/seamTrades';
import type { Candle } from '../../src/core/types';
import { silentLogger } from '../../src/core/util/log';

const M = Date.UTC(2026, 10, 30, 10, 0);
const CAPS: ExchangeCapabilities = { klineTimeframes: ['1m'], maxCandlesPerPage: 300, candlePagesAreWindows: false, tradePaging: 'forward', maxTradesPerPage: 100, watchTickers: false, klineLagMinutes: 0, tradeWindowMs: undefined, historyStart: 0 };

/** An exchange whose every history request answers 503. */
class UnavailableHistory implements FactoryHistory {
  capabilities(): Promise<ExchangeCapabilities> {
    return Promise.resolve(CAPS);
  }
  closedHistory(): Promise<Candle[]> {
    return Promise.reject(new Error('HTTP 503 Service Unavailable'));
  }
  candlesBetween(): Promise<Candle[]> {
    return Promise.reject(new Error('HTTP 503 Service Unavailable'));
  }
  tradesSince(): Promise<TradesSince> {
    return Promise.reject(new Error('HTTP 503 Service Unavailable'));
  }
  cachedBars(): Promise<Candle[]> {
    return Promise.resolve([]);
  }
  persist(): Promise<void> {
    return Promise.resolve();
  }
}

describe('CandleFactory: a first seed that fails', () => {
  const made: CandleFactory[] = [];
  afterEach(() => made.splice(0).forEach((f) => f.dispose()));

  for (const maxAttempts of [3, 1]) {
    const outcome = maxAttempts === 1 ? 'gave up' : 'failed';
    it(`names its trouble (${outcome}) before its bars are ready, and the series holds it from then on`, async () => {
      const f = new CandleFactory({ exchange: 'binance', symbol: 'BTC/USDT' }, { history: new UnavailableHistory(), clock: { now: () => M + 10_000 }, log: silentLogger, maxBars: 100, tickMs: 60_000, persistEveryMs: 60_000, repairBackoff: { baseMs: 60_000, maxMs: 60_000, factor: 1, jitter: 0 }, repairMaxAttempts: maxAttempts });
      made.push(f);
      const events: FactoryEvent[] = [];
      const ready = new Promise<void>((resolve) =>
        f.onEvent((e) => {
          events.push(e);
          if (e.type === 'ready') resolve();
        }),
      );
      f.onStreamState({ status: 'live', since: M });
      f.addTimeframe('1m', 10);
      await ready;
      assert.deepEqual(
        events.map((e) => (e.type === 'backfill' ? `backfill ${e.outcome}` : e.type)),
        [`backfill ${outcome}`, 'ready'],
        'the trouble first, then the bars',
      );
      assert.equal(f.backfillTrouble('1m')?.outcome, outcome, 'a consumer joining now is told the same');
      assert.equal(f.historyMissing('1m'), true);
      assert.deepEqual(f.snapshot('1m'), [], 'no bars were made up');
    });
  }
});
