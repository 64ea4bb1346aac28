/**
 * Backtests of rules on an aggregate (issue 15), real ccxt against the Binance, Coinbase and Bybit emulators: the bars
 * are the legs' klines merged as the aggregate's chart history is, the trades the legs' REST trades merged as live, so
 * the fires are where the legs' merged ground-truth logs say.
 */
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AggregateDefinition } from '../../src/core/aggregate/aggregateDefinition';
import { backtest } from '../../src/core/alerts/backtest';
import { loadAggregateBacktestData, loadRecordedAggregateBacktestData } from '../../src/core/alerts/aggregateBacktestData';
import { parseAlertsConfig } from '../../src/core/alerts/config/parseAlertsConfig';
import type { AlertRule } from '../../src/core/alerts/rules';
import { baseAmount } from '../../src/core/exchange/contractSpec';
import { ParquetStore } from '../../src/core/record/parquetStore';
import { parquetSource } from '../../src/core/record/recordSource';
import { bucketStart } from '../../src/core/timeframes';
import { crossTimes } from '../helpers/alertTruth';
import { DEFINITION, LEGS, NAME, cvdChangeFires, mergedTruth } from '../helpers/aggregateTruth';
import { captureLog } from '../helpers/emulatorHub';
import { LegsRig } from '../helpers/legsRig';
import { referenceAggregate } from '../helpers/referenceAggregate';

const HISTORY_MINUTES = 8;

describe('backtests of rules on an aggregate across Binance, Coinbase and Bybit (real ccxt, emulators)', function () {
  this.timeout(120_000);
  let rig: LegsRig | undefined;
  const log = captureLog();

  before(async () => {
    // A quiet market with 8 minutes of history (100 trades a minute: within one page of every exchange's REST trades).
    rig = await LegsRig.start({ seed: 31, tradesPerSecond: 0, historyMinutes: HISTORY_MINUTES, historyTradesPerMinute: 100, liquidationsPerTrade: 0 }, log, false);
  });
  after(async () => {
    await rig?.close();
  });

  const rulesOf = (yaml: string): readonly AlertRule[] => {
    const cfg = parseAlertsConfig(`aggregates:\n  - { name: "${NAME}", legs: ["binance:BTC/USDT", "coinbase:BTC/USD", "bybit:BTC/USDT:USDT"], usdtIsUsd: true }\nrules:\n${yaml}`);
    assert.deepEqual(cfg.diagnostics, []);
    return cfg.rules;
  };

  it("trade rules: the legs' REST trades merged (base units, the aggregate's VWAP price) are the merged logs, and cvd_change and price_level fire where those say", async () => {
    const h = rig!.hub;
    const now = Date.now();
    const truth = await mergedTruth(h, rig!.emulators, LEGS, 0, now);
    assert.ok(truth.length > 1500, `trades in the legs' history: ${truth.length}`);
    const levels = [-2, -1, 0, 1, 2].map((k) => Math.round(truth[truth.length >> 1]!.price * (1 + k * 0.0005) * 100) / 100);
    const [cvd, ...px] = rulesOf(
      [
        `  - { id: cvd, name: cvd, type: cvd_change, exchange: aggregate, symbol: "${NAME}", window: 5s, above: 0, timeframe: 1m, frequency: once_per_bar, autoPause: false }`,
        ...levels.map((l, i) => `  - { id: px${i}, name: px${i}, type: price_level, exchange: aggregate, symbol: "${NAME}", crosses: ${l}, frequency: every_time, autoPause: false }`),
      ].join('\n'),
    );

    const data = await loadAggregateBacktestData(h, DEFINITION, cvd!, now, 500);
    assert.deepEqual(data.notes, [], 'every leg reaches back to the start');
    assert.deepEqual(
      data.trades!.map((t) => [t.timestamp, t.amount, t.side]),
      truth.map((t) => [t.timestamp, t.base, t.side]),
      'the merged trades are the legs’ logs in time order, in base units',
    );
    data.trades!.forEach((t, i) => assert.ok(Math.abs(t.price - truth[i]!.price) <= 1e-9 * truth[i]!.price, `trade ${i}: the aggregate's price ${t.price} vs ${truth[i]!.price}`));

    const cvdFires = cvdChangeFires(truth, 5000, '1m');
    assert.ok(cvdFires.length >= 3, `the CVD rule has bars to fire in: ${cvdFires.length}`);
    assert.deepEqual(backtest(cvd!, data).fires.map((f) => f.time), cvdFires, 'cvd_change');
    const pxFires = levels.map((l) => crossTimes(truth, l));
    assert.ok(pxFires.some((f) => f.length > 0), `the price crosses one of ${levels.join(', ')}`);
    px.forEach((rule, i) => assert.deepEqual(backtest(rule, data).fires.map((f) => f.time), pxFires[i], `crossing ${levels[i]}`));
  });

  it("bar rules: the bars are the legs' klines merged (volume summed in base units, OHLC weighted by it), the same as the merged logs; the minute in progress is left out", async () => {
    const h = rig!.hub;
    const now = Date.now();
    const [rule] = rulesOf(`  - { id: pc, name: pc, type: percentage_change, exchange: aggregate, symbol: "${NAME}", timeframe: 1m, lookback: 1, above: 0, frequency: once_per_bar_close, autoPause: false }`);
    const data = await loadAggregateBacktestData(h, DEFINITION, rule!, now, 500);
    assert.equal(data.trades, undefined, 'a bar rule reads bars only');
    const legs = await Promise.all(
      LEGS.map(async ({ exchange, symbol }) => {
        const contract = (await h.markets(exchange)).find((m) => m.symbol === symbol)!.contract ?? { segment: 'spot' as const };
        assert.ok(typeof contract !== 'string');
        return { trades: rig!.emulator(exchange).trades(symbol), segment: contract.segment === 'spot' ? ('spot' as const) : ('perp' as const), toBase: (a: number, p: number) => baseAmount(contract, a, p) };
      }),
    );
    const inProgress = bucketStart('1m', now);
    // Only the minutes every leg traded in: the oldest may have begun before one emulator's history.
    const expected = referenceAggregate(legs, '1m', 0).filter((b) => b.time < inProgress && b.legs.every((l) => l.trades > 0));
    const whole = data.candles.filter((c) => c.partial !== true);
    assert.ok(expected.length >= HISTORY_MINUTES - 2, `minutes compared: ${expected.length}`);
    assert.deepEqual(whole.map((c) => c.time), expected.map((b) => b.time), 'one bar per whole minute of history, none in progress');
    whole.forEach((c, i) => {
      const e = expected[i]!;
      const close = (x: number, y: number, what: string) => assert.ok(Math.abs(x - y) <= 1e-9 * Math.max(1, Math.abs(y)), `bar ${new Date(c.time).toISOString()}: ${what} ${x} vs ${y}`);
      close(c.volume, e.volume, 'volume');
      for (const k of ['open', 'high', 'low', 'close'] as const) close(c[k], e.vwap![k], k);
    });
    const closes = data.candles.map((c) => c.close);
    // Not where the bar or the one before is partial (the oldest may lack a leg's trades): no close is evaluated on bars
    // that are not whole (BarTracker), and a backtest has nothing that could settle them.
    const rising = data.candles.filter((c, i) => i > 0 && c.close > closes[i - 1]! && c.partial !== true && data.candles[i - 1]!.partial !== true).map((c) => c.time);
    assert.deepEqual(backtest(rule!, data).fires.map((f) => f.barTime), rising, 'percentage_change over 1 bar fires at each bar that closed higher');
  });

  it("trade rules on recorded legs: tick by tick from the first bar every leg's recording covers whole, the legs' recorded trades merged; a leg not recorded is named and the history is used", async () => {
    const h = rig!.hub;
    const now = Date.now();
    // Recorded from 20 s into a minute of the history on: the ticks count from the next minute.
    const recordFrom = bucketStart('1m', now - (HISTORY_MINUTES - 3) * 60_000) + 20_000;
    const firstBar = bucketStart('1m', recordFrom) + 60_000;
    const root = await fs.mkdtemp(path.join(os.tmpdir(), 'ts-agg-ticks-'));
    try {
      const record = async (legs: readonly (typeof LEGS)[number][]) => {
        const store = new ParquetStore(root);
        for (const { exchange, symbol } of legs) {
          const rows = rig!.emulator(exchange).trades(symbol).filter((t) => t.timestamp >= recordFrom && t.timestamp < now).map((t) => ({ ts: t.timestamp, id: String(t.id), price: t.price, amount: t.amount, side: t.side, received: t.timestamp }));
          await store.write({ kind: 'trades', market: { exchange, symbol }, rows });
        }
        await store.close();
      };
      const [cvd, bars] = rulesOf(
        [
          `  - { id: cvd, name: cvd, type: cvd_change, exchange: aggregate, symbol: "${NAME}", window: 5s, above: 0, timeframe: 1m, frequency: once_per_bar, autoPause: false }`,
          `  - { id: pc, name: pc, type: percentage_change, exchange: aggregate, symbol: "${NAME}", timeframe: 1m, lookback: 1, above: 0 }`,
        ].join('\n'),
      );
      assert.equal(await loadRecordedAggregateBacktestData(parquetSource(root), h, DEFINITION, cvd!, now, 500), undefined, 'nothing recorded');

      await record(LEGS.slice(0, 2));
      assert.deepEqual(await loadRecordedAggregateBacktestData(parquetSource(root), h, DEFINITION, cvd!, now, 500), { kind: 'partly', unrecorded: ['bybit BTC/USDT:USDT'] });

      await record(LEGS.slice(2));
      const ticks = await loadRecordedAggregateBacktestData(parquetSource(root), h, DEFINITION, cvd!, now, 500);
      assert.equal(ticks?.kind, 'recorded');
      const { data } = ticks as Extract<typeof ticks, { kind: 'recorded' }>;
      const truth = await mergedTruth(h, rig!.emulators, LEGS, firstBar, now);
      assert.deepEqual(data.trades!.map((t) => [t.timestamp, t.amount, t.side]), truth.map((t) => [t.timestamp, t.base, t.side]), 'the recorded trades from the first whole bar, merged');
      data.trades!.forEach((t, i) => assert.ok(Math.abs(t.price - truth[i]!.price) <= 1e-9 * truth[i]!.price, `trade ${i}: the aggregate's price`));
      assert.deepEqual(data.recorded, { from: truth[0]!.timestamp, until: truth.at(-1)!.timestamp, trades: truth.length, tickers: 0 });
      assert.ok(data.candles.length > 0 && data.candles.every((c) => c.time < firstBar), 'the bars before the ticks come from history');
      const cvdFires = cvdChangeFires(truth, 5000, '1m');
      assert.ok(cvdFires.length >= 2, `the CVD rule has bars to fire in: ${cvdFires.length}`);
      assert.deepEqual(backtest(cvd!, data).fires.map((f) => f.time), cvdFires);
      assert.equal(await loadRecordedAggregateBacktestData(parquetSource(root), h, DEFINITION, bars!, now, 500), undefined, 'a bar rule runs on the merged klines');
    } finally {
      await fs.rm(root, { recursive: true, force: true });
    }
  });

  it('an aggregate whose leg does not fit rejects, naming the leg', async () => {
    const [rule] = rulesOf(`  - { id: c, name: c, type: cvd_change, exchange: aggregate, symbol: "${NAME}", window: 5s, above: 0 }`);
    const wrong: AggregateDefinition = { ...DEFINITION, legs: [...LEGS.slice(0, 2), { exchange: 'bybit', symbol: 'ETH/USDT:USDT' }] };
    await assert.rejects(loadAggregateBacktestData(rig!.hub, wrong, rule!, Date.now(), 500), /aggregate BTC-USD \(agg\): .*bybit.*ETH\/USDT:USDT/);
  });
});
