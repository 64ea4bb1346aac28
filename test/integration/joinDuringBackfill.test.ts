/**
 * Two consumers of one candle series (a chart and an alert rule, say), the second arriving while the first's gap
 * backfill is failing: the newcomer shares the series, its hole and its partial bars, so it must be told the same
 * named state (`degraded` while the backfill is retried, `failed` once given up), not `live`. Real ccxt against
 * each emulator; once REST answers again both are live and every bar either holds equals the ground truth.
 */
import * as assert from 'node:assert/strict';
import { parseAlertsConfig } from '../../src/core/alerts/config/parseAlertsConfig';
import { alertRigsPerTest } from '../helpers/alertRigsPerTest';
import { Recorder } from '../helpers/emulatorHub';
import { rigsPerTest } from '../helpers/rigsPerTest';
import { type CandleReq, THREE_MARKETS, isState } from '../helpers/threeExchanges';
import { referenceCandles, roundCandle } from '../helpers/referenceCandles';
import { waitForRuleStatus } from '../helpers/ruleStatusWait';



const states = (rec: Recorder<CandleReq>) => rec.events.flatMap((e) => (e.type === 'state' ? [e.state.status] : []));
const lastState = (rec: Recorder<CandleReq>) => rec.events.filter((e) => e.type === 'state').at(-1);

describe('a second consumer joins a candle series whose gap backfill is failing (real ccxt, emulators)', function () {
  this.timeout(120_000);
  const rigs = rigsPerTest();

  for (const m of THREE_MARKETS) {
    it(`${m.exchange}: the newcomer reads degraded while the backfill is retried and failed once given up, as the first does; then both are live and true`, async () => {
      const rig = await rigs.start({ exchange: m.exchange, tradesPerSecond: 10, historyMinutes: 30 }, { restMaxAttempts: 1, backfillMaxAttempts: 3 });
      const { hub, emulator: emu } = rig;
      const req: CandleReq = { kind: 'candles', exchange: m.exchange, symbol: m.symbol, timeframe: '1m' };
      const first = new Recorder<CandleReq>();
      const subs = [hub.subscribe(req, first.consume)];
      await first.next(isState('live'), 'the first consumer live', 30_000);
      await first.next((e) => e.type === 'snapshot', 'its snapshot', 30_000);

      // The gap's backfill fails on every try: 503s on every REST request naming the market.
      emu.failRest({ status: 503, count: 100_000, symbol: m.symbol });
      const degraded = first.upcoming(isState('degraded'), 'the first consumer degraded', 60_000);
      assert.ok(emu.dropConnections(m.symbol) > 0, 'a connection carried the market');
      await degraded;

      const second = new Recorder<CandleReq>();
      subs.push(hub.subscribe(req, second.consume));
      await second.next((e) => e.type === 'snapshot', "the newcomer's snapshot", 30_000);
      // Its snapshot holds the hole's partial bars; what it is told of them must say so.
      assert.ok(second.candles.some((c) => c.partial), `the newcomer's bars include the hole's partial bars`);
      const secondNow = lastState(second);
      assert.ok(
        secondNow?.type === 'state' && (secondNow.state.status === 'degraded' || secondNow.state.status === 'failed'),
        `the newcomer is told the backfill is failing (it read ${states(second).join(' → ')}; the first ${states(first).join(' → ')})`,
      );

      // Given up (backfillMaxAttempts): a third consumer joining now reads failed, as the first does.
      await first.next(isState('failed'), 'the first consumer failed once the backfill gave up', 60_000);
      const third = new Recorder<CandleReq>();
      subs.push(hub.subscribe(req, third.consume));
      await third.next((e) => e.type === 'snapshot', "the third's snapshot", 30_000);
      const thirdNow = lastState(third);
      assert.ok(thirdNow?.type === 'state' && thirdNow.state.status === 'failed', `the third consumer is told the backfill gave up (it read ${states(third).join(' → ')})`);

      // REST answers again; the next reconnect backfills the hole and every consumer is live with the true bars.
      emu.clearFaults();
      const back = [first, second, third].map((rec, i) => rec.upcoming(isState('live'), `consumer ${i + 1} live again`, 60_000));
      assert.ok(emu.dropConnections(m.symbol) > 0, 'a connection carried the market');
      await Promise.all(back);
      for (const rec of [first, second, third]) await rec.next(() => !rec.candles.some((c) => c.partial), 'no partial bar left', 60_000);

      emu.setTradesPerSecond(0);
      const last = emu.trades(m.symbol).at(-1)!;
      const [closer] = await emu.playPath(m.symbol, [last.price], { intervalMs: 0, startTimestamp: last.timestamp - (last.timestamp % 60_000) + 60_000 });
      const closed = closer!.timestamp - (closer!.timestamp % 60_000);
      const truth = new Map(referenceCandles(emu.trades(m.symbol), '1m').map((c) => [c.time, roundCandle(c)]));
      for (const [i, rec] of [first, second, third].entries()) {
        await rec.next(() => rec.candles.at(-1)?.time === closed && rec.candles.at(-1)?.volume === closer!.amount, `consumer ${i + 1} saw the closing trade`, 30_000);
        for (const bar of rec.candles) assert.deepEqual(roundCandle(bar), truth.get(bar.time), `consumer ${i + 1}: the ${new Date(bar.time).toISOString()} bar`);
      }
      for (const sub of subs) sub.dispose();
    });
  }
});

describe('an alert rule added by a reload on a chart\'s series whose gap backfill gave up (real ccxt, emulator)', function () {
  this.timeout(90_000);
  const rigs = alertRigsPerTest();

  it('reads failed, as the chart does, not armed; once the next reconnect backfills the hole it is armed', async () => {
    // Given up at the first failure: no later failure comes to tell a newcomer, only what the series holds.
    const rig = await rigs.start({ tradesPerSecond: 10, historyMinutes: 30 }, { restMaxAttempts: 1, backfillMaxAttempts: 1 });
    const { hub, emulator: emu } = rig;
    const req: CandleReq = { kind: 'candles', exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1m' };
    const chart = new Recorder<CandleReq>();
    const sub = hub.subscribe(req, chart.consume);
    await chart.next(isState('live'), 'the chart live', 30_000);
    emu.failRest({ status: 503, count: 100_000, symbol: 'BTC/USDT' });
    const failed = chart.upcoming(isState('failed'), 'the chart failed (backfill given up)', 60_000);
    assert.ok(emu.dropConnections('BTC/USDT') > 0, 'a connection carried the market');
    await failed;

    const engine = rigs.engine(rig);
    const cfg = parseAlertsConfig('defaults: { exchange: binance, autoPause: false }\nrules:\n  - { id: chg, name: chg, type: percentage_change, symbol: BTC/USDT, timeframe: 1m, lookback: 3, above: 50, below: -50 }\n');
    assert.deepEqual(cfg.diagnostics, []);
    const kinds: string[] = [];
    engine.onStatus((entry) => kinds.push(entry.status.kind));
    engine.setRules([...cfg.rules]);
    await waitForRuleStatus(engine, 'chg', 'failed', 30_000).catch((error: unknown) => {
      throw new Error(`${String(error)} (it read ${kinds.join(' → ')})`);
    });
    assert.ok(!kinds.includes('armed'), `the rule never read armed over the hole (it read ${kinds.join(' → ')})`);

    emu.clearFaults();
    const armed = waitForRuleStatus(engine, 'chg', 'armed', 60_000);
    assert.ok(emu.dropConnections('BTC/USDT') > 0, 'a connection carried the market');
    await armed;
    sub.dispose();
  });
});
