/** The backtest's data comes from core: closed bars of the rule's timeframe, and trades only for rules fed by trades. */
import * as assert from 'node:assert/strict';
import { loadBacktestData, type BacktestHistory } from '../../../src/core/alerts/backtestData';
import { mkCandles, mkRule, mkTrades } from './helpers';

const MIN = 60_000;
const HOUR = 60 * MIN;

function recordingHistory() {
  const calls: string[] = [];
  const history: BacktestHistory = {
    candlesBetween: async (market, timeframe, from, until) => (calls.push(`candles ${market.symbol} ${timeframe} ${from / MIN}..${until / MIN}`), mkCandles([1, 2, 3], MIN, from)),
    tradesBetween: async (market, from, until) => (calls.push(`trades ${market.symbol} ${from / MIN}..${until / MIN}`), mkTrades([[from, 1]])),
  };
  return { history, calls };
}

describe('backtest data (core)', () => {
  const now = 10 * HOUR + 30 * MIN + 5_000; // inside the minute 630

  it('reads the closed bars before the one forming, and the last hour of trades for a last-price rule', async () => {
    const { history, calls } = recordingHistory();
    const data = await loadBacktestData(history, mkRule({ type: 'price_level', source: 'last', clauses: [{ op: 'above', level: 1 }] }), now, 500);
    assert.deepEqual(calls, ['candles BTC/USDT 1m 130..630', `trades BTC/USDT ${(now - HOUR) / MIN}..${now / MIN}`]);
    assert.equal(data.candles.length, 3);
    assert.equal(data.trades?.length, 1);
  });

  it('asks for no trades when the rule is not fed by trades (bars, or bid/ask levels)', async () => {
    for (const rule of [mkRule({ type: 'price_level', source: 'bid', clauses: [{ op: 'above', level: 1 }] }), mkRule({ type: 'percentage_change', timeframe: '5m', lookback: 3, clauses: [{ op: 'above', level: 1 }] })]) {
      const { history, calls } = recordingHistory();
      const data = await loadBacktestData(history, rule, now, 10);
      assert.equal(calls.length, 1, calls.join('; '));
      assert.match(calls[0] ?? '', /^candles /);
      assert.equal(data.trades, undefined);
    }
  });
});
