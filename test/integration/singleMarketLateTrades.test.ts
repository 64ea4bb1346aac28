/**
 * Alert rules on one market across a reconnect (real ccxt against the Binance emulator): a spike traded while the
 * socket is down is in no message the stream sends; the candle factory's gap backfill fetches it from REST, and the
 * hub hands it to the market's trades subscribers as late trades, so a price rule fires on it once, saying so.
 */
import * as assert from 'node:assert/strict';
import type { AlertEngine } from '../../src/core/alerts/alertEngine';
import { parseAlertsConfig } from '../../src/core/alerts/config/parseAlertsConfig';
import type { CandleEvent, TradesEvent } from '../../src/core/hub/requests';
import { Rig } from '../helpers/emulatorHub';
import { KeptAlerts } from '../helpers/keptAlerts';

const BTC = { exchange: 'binance', symbol: 'BTC/USDT' } as const;

describe("alert rules on one market: a reconnect's hole (real ccxt, Binance emulator)", function () {
  this.timeout(120_000);
  let rig: Rig | undefined;
  let engine: AlertEngine | undefined;

  beforeEach(async () => {
    rig = await Rig.start({ seed: 23, tradesPerSecond: 10, historyMinutes: 5 });
  });
  afterEach(async () => {
    engine?.dispose();
    engine = undefined;
    await rig?.close();
    rig = undefined;
  });

  it("a spike in the socket's hole, fetched by a chart's gap backfill, reaches a price rule once as a late trade at its own price", async () => {
    const h = rig!.hub;
    const binance = rig!.emulator;
    // A chart holds the market's bars: its candle factory is what fills a reconnect's hole from REST.
    let snapshot = false;
    let chartLive!: () => void;
    const chartTakesTrades = new Promise<void>((resolve) => (chartLive = resolve));
    const chart = h.subscribe({ kind: 'candles', ...BTC, timeframe: '1m' }, (e: CandleEvent) => {
      if (e.type === 'snapshot') snapshot = true;
      else if (e.type === 'deltas' && snapshot) chartLive();
    });
    const spike = (): number => Math.round(binance.trades('BTC/USDT').at(-1)!.price * 1.05 * 100) / 100;
    const level = spike() * 0.99;
    const cfg = parseAlertsConfig(`rules:
  - { id: spike, name: spike, type: price_level, exchange: binance, symbol: BTC/USDT, above: ${level}, frequency: every_time, autoPause: false }
  - { id: flow, name: flow, type: price_level, exchange: binance, symbol: BTC/USDT, above: 1, frequency: every_time, autoPause: false }
`);
    assert.deepEqual(cfg.diagnostics, []);
    const kept = new KeptAlerts(h, rig!.log, () => rig!.log.lines.filter((l) => /binance|late|hole/i.test(l)).slice(-15).join('\n'));
    const { alerts } = kept;
    engine = kept.engine;
    engine.setRules(cfg.rules);
    await chart.ready;
    await chartTakesTrades; // seeded and live: a drop from here is a gap its backfill fills
    await kept.fired('flow', 1, 'the stream to reach the rules');

    // The socket drops; while it is down (no socket to carry it) a spike trades, and the price goes straight back.
    let spikeAt = Number.NaN;
    let spikePrice = Number.NaN;
    const streamed: TradesEvent[] = [];
    const watch = h.subscribe({ kind: 'trades', ...BTC }, (e) => {
      streamed.push(e);
      if (e.type !== 'state' || e.state.status !== 'reconnecting' || !Number.isNaN(spikeAt)) return;
      const before = binance.trades('BTC/USDT').at(-1)!.price;
      spikePrice = spike();
      const [up] = binance.injectTrades('BTC/USDT', [{ price: spikePrice, amount: 0.5, side: 'buy' }, { price: before, amount: 0.5, side: 'sell' }]);
      spikeAt = up!.timestamp;
    });
    try {
      await watch.ready;
      assert.ok(binance.dropConnections() > 0, 'a Binance socket to drop');
      await kept.fired('spike', 1, 'the late spike');
      // Once: the next late-trade log line is this hole's only one, and the stream goes on after it.
      await rig!.log.line(/trade\(s\) of the reconnect's hole, fetched from REST, sent on as late trades/);
      const after = streamed.length;
      await new Promise<void>((resolve) => {
        const more = h.subscribe({ kind: 'trades', ...BTC }, (e) => {
          if (e.type === 'trades' && !e.late && streamed.length > after) {
            more.dispose();
            resolve();
          }
        });
      });
    } finally {
      watch.dispose();
      chart.dispose();
    }
    const at = new Date(spikeAt).toISOString().replace('T', ' ').replace('Z', '');
    const late = alerts.filter((a) => a.ruleId === 'spike');
    assert.equal(late.length, 1, `once: ${JSON.stringify(late)}`);
    assert.equal(late[0]!.value, spikePrice, 'at its own price');
    assert.ok(late[0]!.message.endsWith(` (a late trade, made at ${at} UTC)`), late[0]!.message);
    assert.ok(late[0]!.firedAt >= spikeAt, 'judged when it came, never back in time');
    const lateEvents = streamed.filter((e) => e.type === 'trades' && e.late === true);
    assert.equal(lateEvents.length, 1, 'one late event');
    const ids = streamed.flatMap((e) => (e.type === 'trades' ? e.trades.map((t) => t.id) : []));
    assert.equal(new Set(ids).size, ids.length, 'no trade twice');
    assert.ok(!streamed.some((e) => e.type === 'trades' && !e.late && e.trades.some((t) => t.price === spikePrice)), 'the spike is in no streamed message');
  });
});
