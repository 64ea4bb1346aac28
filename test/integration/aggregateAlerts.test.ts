/**
 * Alert rules on an aggregate (issue 15), real ccxt against the Binance, Coinbase and Bybit emulators: CVD and price
 * rules fire at the points computed from the legs' merged ground-truth logs (base units, the aggregate's price), and
 * a liquidations rule at the Bybit leg's liquidations; the last rule gone, no leg stream is left.
 */
import * as assert from 'node:assert/strict';
import { AggregateTrades } from '../../src/core/aggregate/aggregateTrades';
import { mergedTradeLeg } from '../../src/core/aggregate/tradeMerge';
import { TradeTape } from '../../src/extension/panels/tradeTape';
import { AggregateAlertHub, type AggregateMarketsHub } from '../../src/core/alerts/aggregateAlertHub';
import type { StreamState, Trade } from '../../src/core/types';
import type { AlertEvent } from '../../src/core/alerts/alertEvent';
import { AlertEngine } from '../../src/core/alerts/alertEngine';
import { AlertStateStore } from '../../src/core/alerts/alertState';
import { parseAlertsConfig } from '../../src/core/alerts/config/parseAlertsConfig';
import { bucketStart } from '../../src/core/timeframes';
import { crossTimes } from '../helpers/alertTruth';
import { DEFINITION, LEGS, NAME, cvdChangeFires, mergedTruth } from '../helpers/aggregateTruth';
import { captureLog } from '../helpers/emulatorHub';
import { KeptAlerts } from '../helpers/keptAlerts';
import { LegsRig } from '../helpers/legsRig';

describe('alert rules on an aggregate across Binance, Coinbase and Bybit (real ccxt, emulators)', function () {
  this.timeout(120_000);
  let rig: LegsRig | undefined;
  let engine: AlertEngine | undefined;
  const log = captureLog();

  beforeEach(async () => {
    rig = await LegsRig.start({ seed: 23, tradesPerSecond: 10, historyMinutes: 5, liquidationsPerTrade: 0 }, log);
  });
  afterEach(async () => {
    engine?.dispose();
    engine = undefined;
    await rig?.close();
    rig = undefined;
  });

  /** The rules (YAML list items) on the three legs' aggregate, set on an engine over its alert hub; every alert kept. */
  const onTheAggregate = (hub: AggregateMarketsHub, rules: string): KeptAlerts => {
    const cfg = parseAlertsConfig(`aggregates:
  - { name: "${NAME}", legs: ["binance:BTC/USDT", "coinbase:BTC/USD", "bybit:BTC/USDT:USDT"], usdtIsUsd: true }
rules:
${rules}`);
    assert.deepEqual(cfg.diagnostics, []);
    const kept = new KeptAlerts(new AggregateAlertHub(hub, cfg.aggregates, { log }), log);
    engine = kept.engine;
    engine.setRules(cfg.rules);
    return kept;
  };

  it('cvd_change and price_level fire where the merged legs’ logs say (contract sizes applied, the aggregate’s VWAP price)', async () => {
    const h = rig!.hub;
    // Clear of a minute boundary, so the aggregate's start (the minute in progress) is known here.
    while (Date.now() % 60_000 > 55_000) await new Promise((r) => setTimeout(r, 250));
    const since = bucketStart('1m', Date.now());
    // Levels around the price: which of them the VWAP crosses in 20 s is up to the market.
    const price = rig!.emulator('binance').trades('BTC/USDT').at(-1)!.price;
    const levels = [-4, -3, -2, -1, 0, 1, 2, 3, 4].map((k) => Math.round(price * (1 + k * 0.0004) * 100) / 100);
    const cfg = parseAlertsConfig(`aggregates:
  - { name: "${NAME}", legs: ["binance:BTC/USDT", "coinbase:BTC/USD", "bybit:BTC/USDT:USDT"], usdtIsUsd: true }
rules:
  - { id: cvd, name: cvd, type: cvd_change, exchange: aggregate, symbol: "${NAME}", window: 5s, above: 0, timeframe: 1m, frequency: once_per_bar, autoPause: false }
${levels.map((l, i) => `  - { id: px${i}, name: px${i}, type: price_level, exchange: aggregate, symbol: "${NAME}", crosses: ${l}, frequency: every_time, autoPause: false }`).join('\n')}
`);
    assert.deepEqual(cfg.diagnostics, []);
    assert.deepEqual(cfg.aggregates, [DEFINITION]);
    const alertHub = new AggregateAlertHub(h, cfg.aggregates, { log });
    const kept = new KeptAlerts(alertHub, log);
    const { alerts } = kept;
    engine = kept.engine;
    // The aggregate's stream opens with the minute's trades so far: older than the rules, they only set their state.
    // No trade is made while the rules start, so every trade is plainly before or after it.
    for (const e of rig!.emulators.values()) e.setTradesPerSecond(0);
    const started = Date.now();
    engine.setRules(cfg.rules);
    for (const e of rig!.emulators.values()) e.setTradesPerSecond(10);
    // Two minutes' boundaries' worth of trades would be slow; 20 s of them give the CVD window several bars' chances.
    await new Promise((r) => setTimeout(r, 20_000));
    const crossedAny = async () => {
      const sofar = await mergedTruth(h, rig!.emulators, LEGS, since);
      return levels.some((l) => crossTimes(sofar, l, started).length > 0);
    };
    // The price (the bar's running VWAP) moves little within a minute, and the random walk may cross no level at all
    // (CI saw none in 60 s): then a burst of large buys above the top level carries the VWAP through some of them.
    if (!(await crossedAny())) {
      const above = Math.round(price * (1 + 5 * 0.0004) * 100) / 100;
      await rig!.emulator('binance').playPath('BTC/USDT', Array.from({ length: 10 }, () => above), { intervalMs: 100, amount: 20 });
      assert.ok(await crossedAny(), 'the burst carried the VWAP through a level');
    }
    for (const e of rig!.emulators.values()) e.setTradesPerSecond(0);
    const truth = await mergedTruth(h, rig!.emulators, LEGS, since);
    assert.ok(truth.length > 300, `trades: ${truth.length}`);

    // cvd_change over 5 s, once per 1m bar: the first trade of each minute at which the window (observed whole) sums above 0.
    const cvdFires = cvdChangeFires(truth, 5000, '1m', started);
    const pxFires = levels.map((l) => crossTimes(truth, l, started));
    assert.ok(cvdFires.length >= 1, 'the CVD rule has something to fire on');
    assert.ok(pxFires.some((f) => f.length > 0), `the price crosses one of ${levels.join(', ')}`);
    await kept.fired('cvd', cvdFires.length, 'the CVD fires');
    for (const [i, f] of pxFires.entries()) await kept.fired(`px${i}`, f.length, `the price crossing ${levels[i]}`);
    assert.deepEqual(alerts.filter((a) => a.ruleId === 'cvd').map((a) => a.firedAt), cvdFires);
    assert.ok(!log.lines.some((l) => /came after the merged stream/.test(l)), 'no trade came late');
    for (const [i, f] of pxFires.entries()) assert.deepEqual(alerts.filter((a) => a.ruleId === `px${i}`).map((a) => a.firedAt), f, `crossing ${levels[i]}`);
    assert.match(alerts.find((a) => a.ruleId.startsWith('px'))!.message, /BTC-USD \(agg\) last/);

    engine.dispose();
    engine = undefined;
    await h.whenStreamsIdle();
    assert.deepEqual(h.activeStreams(), [], 'the last rule gone, no leg stream is left');
  });

  it('a leg that reconnects during trading: the trades of its hole, filled after the merged stream passed them, reach the rules as late trades', async () => {
    const h = rig!.hub;
    const binance = rig!.emulator('binance');
    const spike = (): number => Math.round(binance.trades('BTC/USDT').at(-1)!.price * 1.05 * 100) / 100;
    const level = spike() * 0.99;
    const kept = onTheAggregate(h, `  - { id: spike, name: spike, type: price_level, exchange: aggregate, symbol: "${NAME}", above: ${level}, frequency: every_time, autoPause: false }
  - { id: flow, name: flow, type: price_level, exchange: aggregate, symbol: "${NAME}", above: 1, frequency: every_time, autoPause: false }
`);
    const { alerts } = kept;
    await kept.fired('flow', 1, 'the merged stream to reach the rules');

    // Binance's socket drops; while it is down (no socket to carry it) a spike trades there. Its REST answers only
    // once the merged stream has gone past the spike, so the hole's fill comes late.
    const releaseRest = binance.holdRest();
    let spikeAt = Number.NaN;
    let spikePrice = Number.NaN;
    const down = new Promise<void>((resolve) => {
      const watch = h.subscribe({ kind: 'trades', exchange: 'binance', symbol: 'BTC/USDT' }, (e) => {
        if (e.type !== 'state' || e.state.status !== 'reconnecting' || !Number.isNaN(spikeAt)) return;
        // Up and straight back: the emulator's walk goes on from its last trade, which stays below the level.
        const before = binance.trades('BTC/USDT').at(-1)!.price;
        spikePrice = spike();
        const [up] = binance.injectTrades('BTC/USDT', [{ price: spikePrice, amount: 0.5, side: 'buy' }, { price: before, amount: 0.5, side: 'sell' }]);
        spikeAt = up!.timestamp;
        watch.dispose();
        resolve();
      });
    });
    try {
      assert.ok(binance.dropConnections() > 0, 'a Binance socket to drop');
      await down;
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('the merged stream never passed the spike')), 60_000);
        const check = (a: AlertEvent) => {
          if (a.ruleId !== 'flow' || !(a.firedAt > spikeAt)) return;
          clearTimeout(timer);
          resolve();
        };
        engine!.onAlert(check);
      });
      assert.deepEqual(alerts.filter((a) => a.ruleId === 'spike'), [], 'the spike is not in the merged stream');
    } finally {
      releaseRest();
    }
    await kept.fired('spike', 1, 'the late spike');
    const at = new Date(spikeAt).toISOString().replace('T', ' ').replace('Z', '');
    const late = alerts.filter((a) => a.ruleId === 'spike');
    assert.equal(late.length, 1, `once: ${JSON.stringify(late)}\n${log.lines.filter((l) => /binance|aggregate/i.test(l)).slice(-15).join('\n')}`);
    assert.equal(late[0]!.value, spikePrice, 'at its own price');
    assert.ok(late[0]!.message.startsWith(`${NAME} last `) && late[0]!.message.endsWith(` (a late trade, made at ${at} UTC)`), late[0]!.message);
    assert.ok(late[0]!.firedAt >= spikeAt, 'judged when it came, never back in time');
    const flowLate = alerts.filter((a) => a.ruleId === 'flow' && / \(a late trade, made at /.test(a.message));
    assert.ok(flowLate.some((a) => a.value === spikePrice), 'every rule on the stream read it');
    await log.line(/came after the merged stream had passed their time: sent on as late trades/);
  });

  it("the aggregate's time & sales: every leg's trade from the start, in time order (equal times in leg order), at its own price, in base units", async () => {
    const h = rig!.hub;
    const got: Trade[] = [];
    const states: StreamState[] = [];
    const tape = new AggregateTrades(h, DEFINITION, { log, prices: 'own' }, (e) => {
      if (e.type === 'trades') got.push(...e.trades);
      else if (e.type === 'state') states.push(e.state);
    });
    try {
      await tape.ready;
      const enough = Date.now() + 8000;
      while (Date.now() < enough) await new Promise((r) => setTimeout(r, 250));
      for (const e of rig!.emulators.values()) e.setTradesPerSecond(0);
      const liveAt = states.findIndex((s) => s.status === 'live');
      assert.ok(liveAt >= 0, `the tape went live: ${JSON.stringify(states)}`);
      assert.ok(states.slice(0, liveAt).every((s) => s.status === 'connecting'), `opening is not degradation: ${JSON.stringify(states.slice(0, liveAt))}`);
      const truth = await mergedTruth(h, rig!.emulators, LEGS, tape.since);
      assert.ok(truth.length > 100, `trades: ${truth.length}`);
      const deadline = Date.now() + 30_000;
      while (got.length < truth.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      assert.deepEqual(
        got.map((t) => [t.timestamp, t.price, t.amount, t.side]),
        truth.map((t) => [t.timestamp, t.print, t.base, t.side]),
        `${got.length} trades vs ${truth.length} in the logs since ${tape.since}; ${log.lines.filter((l) => /aggregate|late|came after/.test(l)).slice(-5).join(' | ')}`,
      );
      // The tape's exchange column: each print's leg, as the logs say.
      assert.deepEqual(got.map((t) => mergedTradeLeg(t.id)), truth.map((t) => t.leg), "each row names its leg (the tape's exchange column)");
      const rows = new TradeTape(truth.length + 1, (t) => mergedTradeLeg(t.id)).add(got);
      assert.deepEqual(new Set(rows.map((r) => r[6])), new Set([0, 1, 2]), 'rows of every leg');
    } finally {
      tape.dispose();
    }
    await h.whenStreamsIdle();
    assert.deepEqual(h.activeStreams(), [], 'the tape closed, no leg stream is left');
  });

  it('a liquidations rule on the aggregate reads its derivatives leg (Bybit) and fires where the emulator’s liquidation log says', async () => {
    const h = rig!.hub;
    const bybit = rig!.emulator('bybit');
    const price = bybit.trades('BTC/USDT:USDT').at(-1)!.price;
    const level = 2.5 * price;
    const kept = onTheAggregate(h, `  - { id: liq, name: liq, type: liquidations, exchange: aggregate, symbol: "${NAME}", window: 10s, above: ${level}, frequency: every_time, autoPause: false }
`);
    const { alerts } = kept;
    await bybit.waitForStats((st) => (st.subscriptions['allLiquidation.BTCUSDT'] ?? 0) >= 1, 20_000);
    const t0 = Date.now();
    const script: Array<[number, number]> = [[0, 1], [2000, 1], [4000, 1], [12_500, 0.5], [13_000, 2.5]];
    bybit.injectLiquidations('BTC/USDT:USDT', script.map(([dt, amount], i) => ({ side: i % 2 === 0 ? 'sell' : 'buy', price, amount, timestamp: t0 + dt })));
    const truth = bybit.liquidations('BTC/USDT:USDT', t0);
    const expected = truth.flatMap((l) => {
      const sum = truth.filter((o) => o.timestamp > l.timestamp - 10_000 && o.timestamp <= l.timestamp).reduce((n, o) => n + o.amount * o.price, 0);
      return sum > level ? [l.timestamp] : [];
    });
    assert.deepEqual(expected.map((t) => t - t0), [4000, 13_000]);
    await kept.fired('liq', expected.length, 'the liquidation fires');
    assert.deepEqual(alerts.map((a) => a.firedAt), expected);
    assert.deepEqual(rig!.emulator('binance').stats().subscriptions, {}, 'a spot leg has no liquidations: nothing is asked of Binance');
  });

  it('a rule naming no aggregate fails, naming the aggregate; a spread rule on one is refused at the file', async () => {
    const cfg = parseAlertsConfig(`rules:
  - { id: a, name: a, type: cvd_change, exchange: aggregate, symbol: "BTC-USD (ag)", window: 5s, above: 0 }
  - { id: s, name: s, type: spread, exchange: aggregate, symbol: "${NAME}", above: 1 }
`);
    assert.deepEqual(
      cfg.diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`),
      ['3:47 an aggregate has no bid/ask: spread rules need one exchange\'s market'],
    );
    engine = new AlertEngine({ hub: new AggregateAlertHub(rig!.hub, [DEFINITION], { log }), state: AlertStateStore.inMemory(), log });
    const failed = new Promise<string>((resolve) =>
      engine!.onStatus((s) => {
        if (s.ruleId === 'a' && s.status.kind === 'failed') resolve(s.status.reason);
      }),
    );
    engine.setRules(cfg.rules);
    assert.equal(await failed, 'unknown aggregate "BTC-USD (ag)"; did you mean "BTC-USD (agg)"?');
  });
});
