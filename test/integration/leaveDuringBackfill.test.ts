/**
 * Consumers of one market leave while its gap backfill is in flight (the stream reconnected, the REST requests of
 * the gap held unanswered): a second consumer of the same series and the only consumer of another timeframe. The
 * one that stays gets its backfill, goes live and holds the true bars; the market keeps one trade stream, and the
 * timeframe nobody watches any more is not seeded again. Real ccxt against each emulator.
 */
import * as assert from 'node:assert/strict';
import type { ExchangeId } from '../../src/emulator';
import { Recorder, Rig } from '../helpers/emulatorHub';
import { type CandleReq, THREE_MARKETS, isState } from '../helpers/threeExchanges';
import { referenceCandles, roundCandle } from '../helpers/referenceCandles';



describe('consumers leave a market while its gap backfill is in flight (real ccxt, emulators)', function () {
  this.timeout(120_000);
  let rig: Rig<ExchangeId> | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  for (const m of THREE_MARKETS) {
    it(`${m.exchange}: the consumer that stays is backfilled and true; one trade stream; the left timeframe is not seeded again`, async () => {
      rig = await Rig.start({ exchange: m.exchange, tradesPerSecond: 10, historyMinutes: 30 });
      const { hub, emulator: emu } = rig;
      const chart = new Recorder<CandleReq>();
      const rule = new Recorder<CandleReq>();
      const coarse = new Recorder<CandleReq>();
      const staying = hub.subscribe({ kind: 'candles', exchange: m.exchange, symbol: m.symbol, timeframe: '1m' }, chart.consume);
      const leaving = [
        hub.subscribe({ kind: 'candles', exchange: m.exchange, symbol: m.symbol, timeframe: '1m' }, rule.consume),
        hub.subscribe({ kind: 'candles', exchange: m.exchange, symbol: m.symbol, timeframe: '5m' }, coarse.consume),
      ];
      for (const rec of [chart, rule, coarse]) await rec.next((e) => e.type === 'snapshot', 'a snapshot', 30_000);
      await chart.next(isState('live'), 'live', 30_000);

      const backfills: string[] = [];
      const factoryEvents = hub.onCandleFactoryEvent({ exchange: m.exchange, symbol: m.symbol }, (e) => {
        if (e.type === 'backfill') backfills.push(`${e.timeframe} ${e.outcome}`);
      });
      const release = emu.holdRest();
      const back = chart.upcoming((e) => e.type === 'state' && e.state.status === 'live', 'live again', 30_000);
      assert.ok(emu.dropConnections(m.symbol) > 0, 'a connection carried the market');
      await back;
      await emu.waitForStats((s) => s.restHeld >= 1, 30_000); // the gap's backfill is in flight
      for (const sub of leaving) sub.dispose();
      release();
      await chart.next(() => backfills.includes('1m done'), 'the 1m backfill done', 30_000).catch((error: unknown) => {
        throw new Error(`${String(error)}: ${backfills.join(', ')}`);
      });
      assert.deepEqual(backfills.filter((b) => b.startsWith('5m')), [], 'the 5m series, left during the job, was not installed or seeded again');
      assert.equal(hub.activeStreams().filter((k) => k.kind === 'trades').length, 1, 'one trade stream');

      emu.setTradesPerSecond(0);
      const last = emu.trades(m.symbol).at(-1)!;
      const [closer] = await emu.playPath(m.symbol, [last.price], { intervalMs: 0, startTimestamp: last.timestamp - (last.timestamp % 60_000) + 60_000 });
      const closed = closer!.timestamp - (closer!.timestamp % 60_000);
      await chart.next(() => chart.candles.at(-1)?.time === closed && chart.candles.at(-1)?.volume === closer!.amount && !chart.candles.some((c) => c.partial), 'the closing trade', 30_000);
      const truth = new Map(referenceCandles(emu.trades(m.symbol), '1m').map((c) => [c.time, roundCandle(c)]));
      for (const bar of chart.candles) assert.deepEqual(roundCandle(bar), truth.get(bar.time), `the ${new Date(bar.time).toISOString()} bar`);
      factoryEvents?.dispose();
      staying.dispose();
    });
  }
});
