/** "Backtest Alert Rule" on a recorded market: tick by tick over the recording, the closed bars before it from history; a summary of the fires. */
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { backtest } from '../../../src/core/alerts/backtest';
import type { BacktestHistory } from '../../../src/core/alerts/backtestData';
import { summarizeFires, summaryText } from '../../../src/core/alerts/backtestSummary';
import { loadRecordedBacktestData } from '../../../src/core/alerts/recordedBacktestData';
import { ParquetStore } from '../../../src/core/record/parquetStore';
import { parquetSource } from '../../../src/core/record/recordSource';
import type { TradeRow } from '../../../src/core/record/recordTypes';
import { mkCandles, mkRule } from './helpers';

const MIN = 60_000;
const T0 = Date.parse('2026-11-29T10:00:00Z');
const MARKET = { exchange: 'binance', symbol: 'BTC/USDT' } as const;

describe('tick backtest over a recording', () => {
  let root: string;
  let rows: TradeRow[];
  beforeEach(async () => {
    root = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-tick-backtest-'));
    // Recorded from 10:00:31 (mid-bar) to 11:59: a price that swings across 100 every ten minutes.
    rows = [];
    for (let i = 0, ts = T0 + 31_234; ts < T0 + 120 * MIN; i++, ts += 5_000) rows.push({ ts, id: String(i), price: 100 + 2 * Math.sin((ts - T0) / (10 * MIN / (2 * Math.PI))), amount: 1, side: 'buy', received: ts });
    const store = new ParquetStore(root);
    for (let i = 0; i < rows.length; i += 100) await store.write({ kind: 'trades', market: MARKET, rows: rows.slice(i, i + 100) });
    await store.close();
  });
  afterEach(async () => fs.rm(root, { recursive: true, force: true }));

  const history = () => {
    const calls: string[] = [];
    const h: BacktestHistory = {
      candlesBetween: async (_m, tf, from, until) => (calls.push(`candles ${tf} ${new Date(from).toISOString()}..${new Date(until).toISOString()}`), mkCandles([99, 100, 101], MIN, until - 3 * MIN)),
      tradesBetween: async () => {
        throw new Error('no REST trades when the market is recorded');
      },
    };
    return { h, calls };
  };

  it('feeds every recorded trade from the first whole bar, asks history only for the bars before it, and fires where the trades cross', async () => {
    const { h, calls } = history();
    const rule = mkRule({ type: 'price_level', source: 'last', clauses: [{ op: 'crosses', level: 100 }] });
    const now = T0 + 121 * MIN;
    const data = await loadRecordedBacktestData(parquetSource(root), h, rule, now, 500);
    assert.ok(data, 'the market is recorded');
    // 500 bars back from the bar forming at 12:01, up to the first whole recorded bar (the one at 10:00 began before the recording).
    assert.deepEqual(calls, ['candles 1m 2026-11-29T03:41:00.000Z..2026-11-29T10:01:00.000Z']);
    const expected = rows.filter((r) => r.ts >= T0 + MIN);
    assert.equal(data.trades?.length, expected.length);
    assert.deepEqual(data.recorded, { from: expected[0]!.ts, until: rows.at(-1)!.ts, trades: expected.length, tickers: 0 });
    const fires = backtest(rule, data).fires;
    // The ground truth: each recorded trade (from 10:01) on the other side of 100 from the one before it.
    const crossings = expected.filter((r, i) => i > 0 && Math.sign(r.price - 100) !== Math.sign(expected[i - 1]!.price - 100) && r.price !== 100 && expected[i - 1]!.price !== 100).map((r) => r.ts);
    assert.ok(crossings.length >= 20, `${crossings.length} crossings`);
    assert.deepEqual(fires.map((f) => f.time), crossings);
    const summary = summarizeFires(fires);
    assert.deepEqual(summary.perDay, [['2026-11-29', crossings.length]]);
    assert.match(summaryText(summary), new RegExp(`^${crossings.length} fires, first 2026-11-29 10:\\d\\d:\\d\\d UTC, last 2026-11-29 11:\\d\\d:\\d\\d UTC; per day: 2026-11-29 ${crossings.length}$`));
    assert.equal(summaryText(summarizeFires([])), 'no fire');
  });

  it('nothing recorded in the rule window (another market, or too long ago): undefined, so the backtest uses history', async () => {
    const { h } = history();
    assert.equal(await loadRecordedBacktestData(parquetSource(root), h, mkRule({ type: 'price_level', source: 'last', symbol: 'ETH/USDT', clauses: [{ op: 'above', level: 1 }] }), T0 + 121 * MIN, 500), undefined);
    assert.equal(await loadRecordedBacktestData(parquetSource(root), h, mkRule({ type: 'price_level', source: 'last', clauses: [{ op: 'above', level: 1 }] }), T0 + 30 * 24 * 60 * MIN, 500), undefined);
  });
});
