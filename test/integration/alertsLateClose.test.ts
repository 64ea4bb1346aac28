/**
 * A bar-close rule on a bar that was partial when it closed (it may lack trades: here a drop whose backfill failed;
 * on a weak seam, the bar in progress at the seed). Its close used to be skipped for good: kept as history when the
 * next bar began, then only rebuilt from once the retried backfill settled it. Now the settled bar fires its close
 * then, and never before. Faults in combination: a drop, then REST failing, across a bar's close. Real ccxt, the
 * emulator, the alert engine.
 */
import * as assert from 'node:assert/strict';
import type { AlertEvent } from '../../src/core/alerts/alertEvent';
import { AlertEngine } from '../../src/core/alerts/alertEngine';
import { AlertStateStore } from '../../src/core/alerts/alertState';
import { formatPercent } from '../../src/core/alerts/format';
import { parseAlertsConfig } from '../../src/core/alerts/config/parseAlertsConfig';
import { Recorder, Rig } from '../helpers/emulatorHub';
import { referenceCandles } from '../helpers/referenceCandles';
import { waitForRuleStatus } from '../helpers/ruleStatusWait';

const MINUTE = 60_000;

describe('a bar-close rule on a bar that closed partial (real ccxt, emulator)', function () {
  this.timeout(90_000);

  it("a backfill failing at a bar's close: the bar closes partial, and its close fires once the retried backfill settles it", async () => {
    const r = await Rig.start({ tradesPerSecond: 0, historyMinutes: 10, historyTradesPerMinute: 6 });
    let engine: AlertEngine | undefined;
    try {
      const symbol = 'BTC/USDT';
      const cfg = parseAlertsConfig(`defaults: { exchange: binance, autoPause: false }
rules:
  - { id: jump, name: jump, type: percentage_change, symbol: "${symbol}", timeframe: 1m, lookback: 1, above: 0.5, frequency: once_per_bar_close }
`);
      assert.deepEqual(cfg.diagnostics, []);
      engine = new AlertEngine({ hub: r.hub, state: AlertStateStore.inMemory(), log: r.log });
      const alerts: AlertEvent[] = [];
      engine.onAlert((a) => alerts.push(a));
      engine.setRules(cfg.rules);
      await waitForRuleStatus(engine, 'jump', 'armed');
      const candleReq = { kind: 'candles', exchange: 'binance', symbol, timeframe: '1m' } as const;
      const candles = new Recorder<typeof candleReq>();
      const candleSub = r.hub.subscribe(candleReq, candles.consume);
      await candles.next((e) => e.type === 'snapshot', 'the candle snapshot', 30_000);

      // A first live trade (the stream has data: a drop is a gap to fill), then the stream drops and its backfill fails
      // (the exchange's REST answers 503) until told otherwise.
      const before = r.emulator.trades(symbol).at(-1)!;
      const first = await r.emulator.playPath(symbol, [before.price], { intervalMs: 0, startTimestamp: Math.max(before.timestamp + 1, Date.now()) });
      await candles.next((e) => e.type === 'deltas' && e.deltas.some((d) => d.candle.volume > 0 && d.candle.time === first[0]!.timestamp - (first[0]!.timestamp % MINUTE)), 'the first live trade in the bars', 20_000);
      r.emulator.failRest({ status: 503, count: 100_000, path: 'klines' });
      r.emulator.failRest({ status: 503, count: 100_000, path: 'aggTrades' });
      const connections = r.emulator.stats().wsConnectionsTotal;
      r.emulator.dropConnections();
      await r.emulator.waitForStats((st) => st.wsConnectionsTotal > connections && st.subscriptions['btcusdt@aggTrade'] === 1, 20_000);
      // The played trades (stamped from now) must fall in one bar: with less than 3 s of this one left, the next (a
      // wall-clock boundary has no event to wait on).
      const left = MINUTE - (Date.now() % MINUTE);
      if (left < 3000) await new Promise((resolve) => setTimeout(resolve, left + 50));
      const last = r.emulator.trades(symbol).at(-1)!;
      const start = Math.max(last.timestamp + 1, Date.now());
      const barTime = start - (start % MINUTE);
      const end = barTime + MINUTE;
      assert.ok(start + 1000 < end, 'the played trades fit in the bar');
      // The first trade after the drop brings the stream back; its backfill fails: the bar is partial.
      await r.emulator.playPath(symbol, [last.price * 1.005], { intervalMs: 0, startTimestamp: start });
      await waitForRuleStatus(engine, 'jump', 'degraded');
      // +1 % within the bar, then a trade in the next bar closes it.
      const high = last.price * 1.01;
      await r.emulator.playPath(symbol, [high], { intervalMs: 0, startTimestamp: start + 500 });
      await r.emulator.playPath(symbol, [high], { intervalMs: 0, startTimestamp: end + 1000 });
      await candles.next((e) => e.type === 'deltas' && e.deltas.some((d) => d.candle.time === end), 'the next bar', 20_000);
      assert.equal(alerts.length, 0, 'a bar that may lack trades fires no close');
      r.emulator.clearFaults();
      await candles.next((e) => e.type === 'deltas' && e.deltas.some((d) => d.candle.time === barTime && !d.candle.partial && d.kind !== 'updated'), 'the settled bar', 30_000);
      await waitForRuleStatus(engine, 'jump', 'armed');
      candleSub.dispose();
      assert.equal(alerts.length, 1, JSON.stringify(alerts));
      assert.equal(alerts[0]!.barTime, barTime, 'the close of the bar that was partial');
      // The change the exchange's own bars give (the bar before may be the history's or the first live trade's).
      const bars = referenceCandles(r.emulator.trades(symbol), '1m');
      const at = bars.findIndex((b) => b.time === barTime);
      const expected = (bars[at]!.close / bars[at - 1]!.close - 1) * 100;
      assert.ok(Math.abs(alerts[0]!.value - expected) < 1e-9, `${alerts[0]!.value} is the bar's true change ${expected}`);
      assert.equal(alerts[0]!.message, `BTC/USDT 1m change over 1 bar ${formatPercent(alerts[0]!.value)} is above +0.500% at the 1m close`);
    } finally {
      engine?.dispose();
      await r.close();
    }
  });
});
