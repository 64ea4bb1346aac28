/**
 * Alert rules on Coinbase and Bybit (issue 12): one scripted path each, through real ccxt and the emulator, and the
 * tick and bar-close rules fire exactly where an offline computation over the emulator's trade log says.
 */
import * as assert from 'node:assert/strict';
import type { AlertEvent } from '../../src/core/alerts/alertEvent';
import { AlertEngine } from '../../src/core/alerts/alertEngine';
import { AlertStateStore } from '../../src/core/alerts/alertState';
import { parseAlertsConfig } from '../../src/core/alerts/config/parseAlertsConfig';
import type { SubscriptionRequest } from '../../src/core/hub/requests';
import { nextBucketStart } from '../../src/core/timeframes';
import type { ExchangeId } from '../../src/emulator';
import { Recorder, Rig } from '../helpers/emulatorHub';
import { referenceCandles } from '../helpers/referenceCandles';
import { barRuleCloses, crossTimes as crossTimesOf } from '../helpers/alertTruth';
import { waitForRuleStatus } from '../helpers/ruleStatusWait';

const CASES: ReadonlyArray<{ exchange: ExchangeId; symbol: string; tradeTopic: string }> = [
  { exchange: 'coinbase', symbol: 'BTC/USD', tradeTopic: 'market_trades:BTC-USD' },
  { exchange: 'bybit', symbol: 'BTC/USDT:USDT', tradeTopic: 'publicTrade.BTCUSDT' },
];

describe('alert rules on Coinbase and Bybit (real ccxt, emulator)', function () {
  this.timeout(90_000);
  let rig: Rig<ExchangeId> | undefined;
  let engine: AlertEngine | undefined;
  afterEach(async () => {
    engine?.dispose();
    engine = undefined;
    await rig?.close();
    rig = undefined;
  });

  for (const { exchange, symbol, tradeTopic } of CASES) {
    it(`${exchange}: price_level crosses, percentage_change, volatility and an SMA cross fire at the ground-truth points`, async () => {
      const r = (rig = await Rig.start({ exchange, tradesPerSecond: 0, historyMinutes: 60, historyTradesPerMinute: 6 }));
      const p0 = r.emulator.trades(symbol).at(-1)!.price;
      const level = Math.round(p0 * 1.003);
      const cfg = parseAlertsConfig(`defaults: { exchange: ${exchange}, autoPause: false }
rules:
  - { id: cross, name: cross, type: price_level, symbol: "${symbol}", crosses: ${level}, frequency: every_time }
  - { id: chg, name: chg, type: percentage_change, symbol: "${symbol}", timeframe: 1m, lookback: 3, above: 0.25, below: -0.25, frequency: once_per_bar_close }
  - { id: sma, name: sma, type: indicator, symbol: "${symbol}", timeframe: 1m, left: close, op: crosses_above, right: { indicator: sma, period: 5 }, frequency: once_per_bar_close }
  - { id: vol, name: vol, type: volatility, symbol: "${symbol}", timeframe: 1m, measure: range, lookback: 3, above: 0.8, frequency: once_per_bar_close }
`);
      assert.deepEqual(cfg.diagnostics, []);
      const e = (engine = new AlertEngine({ hub: r.hub, state: AlertStateStore.inMemory(), log: r.log }));
      const alerts: AlertEvent[] = [];
      e.onAlert((a) => alerts.push(a));
      e.setRules(cfg.rules);
      const byRule = (id: string) => alerts.filter((a) => a.ruleId === id);

      // The engine's first live bar: the bar in progress in the (shared) candle snapshot.
      const candleReq: Extract<SubscriptionRequest, { kind: 'candles' }> = { kind: 'candles', exchange, symbol, timeframe: '1m' };
      const candles = new Recorder<typeof candleReq>();
      const candleSub = r.hub.subscribe(candleReq, candles.consume);
      const snap = await candles.next((ev) => ev.type === 'snapshot', 'snapshot', 30_000);
      const snapLast = snap.type === 'snapshot' ? snap.candles.at(-1)! : undefined;
      const firstLiveBar = snapLast && nextBucketStart('1m', snapLast.time) > Date.now() ? snapLast.time : nextBucketStart('1m', snapLast!.time);
      candleSub.dispose();
      await Promise.all(['chg', 'sma', 'vol'].map((id) => waitForRuleStatus(e, id, 'armed')));
      await r.emulator.waitForStats((s) => (s.subscriptions[tradeTopic] ?? 0) >= 1, 20_000);
      const tradesReq = { kind: 'trades', exchange, symbol } as const;
      const witness = new Recorder<typeof tradesReq>();
      const witnessSub = r.hub.subscribe(tradesReq, witness.consume);
      await witnessSub.ready;

      const prices = Array.from({ length: 300 }, (_, i) => p0 * (1 + 0.006 * Math.sin((2 * Math.PI * i) / 96)));
      const start = r.emulator.trades(symbol).at(-1)!.timestamp + 1000;
      const played = await r.emulator.playPath(symbol, prices, { intervalMs: 0, startTimestamp: start, stepMs: 5000 });
      const lastWire = r.emulator.wireTradeId(symbol, played.at(-1)!);
      await witness.next((ev) => ev.type === 'trades' && ev.trades.some((t) => t.id === lastWire), 'the last played trade', 20_000);
      witnessSub.dispose();

      // Ground truth from the trade log: the crosses of the played trades, and the bar rules over reference candles.
      const seen = r.emulator.trades(symbol).filter((t) => t.timestamp >= start);
      assert.equal(seen.length, played.length);
      const crossTimes = crossTimesOf(seen, level);
      const closed = referenceCandles(r.emulator.trades(symbol), '1m').slice(0, -1);
      const { chg: expectChg, sma: expectSma, vol: expectVol } = barRuleCloses(closed, firstLiveBar);
      assert.ok(crossTimes.length >= 4 && expectChg.length >= 4 && expectSma.length >= 2 && expectVol.length >= 2, `a meaningful path: ${crossTimes.length} ${expectChg.length} ${expectSma.length} ${expectVol.length}`);
      assert.deepEqual(byRule('cross').map((a) => a.firedAt), crossTimes, 'cross');
      assert.deepEqual(byRule('chg').map((a) => a.barTime), expectChg, 'percentage_change');
      assert.deepEqual(byRule('sma').map((a) => a.barTime), expectSma, 'indicator');
      assert.deepEqual(byRule('vol').map((a) => a.barTime), expectVol, 'volatility');
      assert.match(byRule('cross')[0]!.message, new RegExp(`^${symbol.replace(/[/]/g, '\\/')} last [\\d,.]+ crossed (above|below) [\\d,.]+$`));
    });
  }
});
