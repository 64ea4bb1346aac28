/**
 * The exchange's server goes away while a chart starts, its REST history requests in flight (held unanswered, then
 * cut as the server stops), and comes back seconds later: the chart names what happened (its history offline or
 * retried: `degraded`, `failed`, never a silent `live` over missing bars), then is live with every bar of both
 * timeframes equal to the emulator's trade log (a seed that failed keeps no wrong bar and is not left offline). Real ccxt against each emulator.
 */
import * as assert from 'node:assert/strict';
import type { Timeframe } from '../../src/core/timeframes';
import type { ExchangeId } from '../../src/emulator';
import { Recorder, Rig } from '../helpers/emulatorHub';
import { type CandleReq, THREE_MARKETS } from '../helpers/threeExchanges';
import { referenceCandles, roundCandle } from '../helpers/referenceCandles';


const TIMEFRAMES: readonly Timeframe[] = ['1m', '5m'];
/** The emulator's 30 minutes of history: at least this many bars of each timeframe once it is loaded. */
const HISTORY_BARS: Readonly<Record<string, number>> = { '1m': 30, '5m': 6 };
const statesOf = (rec: Recorder<CandleReq>) => rec.events.flatMap((e) => (e.type === 'state' ? [e.state.status] : []));
/** Live and settled: a `live` still catching up holds bars partial until its check or backfill answers. */
const settledLive = (rec: Recorder<CandleReq>): boolean => {
  const last = rec.events.flatMap((e) => (e.type === 'state' ? [e.state] : [])).at(-1);
  return last?.status === 'live' && last.catchingUp !== true;
};

describe("the exchange's server goes away during a chart's start, its history in flight, and comes back (real ccxt, emulators)", function () {
  this.timeout(120_000);
  let rig: Rig<ExchangeId> | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  for (const m of THREE_MARKETS) {
    it(`${m.exchange}: the history's failure is named, and once the server is back every bar of 1m and 5m is true`, async () => {
      rig = await Rig.start({ exchange: m.exchange, tradesPerSecond: 10, historyMinutes: 30 });
      const { hub, emulator: emu } = rig;
      await hub.markets(m.exchange);
      const release = emu.holdRest();
      const recs = new Map(TIMEFRAMES.map((tf) => [tf, new Recorder<CandleReq>()]));
      const subs = TIMEFRAMES.map((tf) => hub.subscribe({ kind: 'candles', exchange: m.exchange, symbol: m.symbol, timeframe: tf }, recs.get(tf)!.consume));
      await emu.waitForStats((s) => s.restHeld >= 1, 30_000);

      // The seed's requests fail with the server gone (its retries too): each timeframe reports it, and the chart
      // names the trouble (the stream's `reconnecting (n)` outranks the history's `degraded` while both are down).
      const seedsFailed = new Set<Timeframe>();
      const failedSeeds = new Promise<void>((resolve) => {
        const sub = hub.onCandleFactoryEvent({ exchange: m.exchange, symbol: m.symbol }, (e) => {
          if (e.type === 'backfill' && e.outcome !== 'done') seedsFailed.add(e.timeframe);
          if (seedsFailed.size < TIMEFRAMES.length) return;
          sub?.dispose();
          resolve();
        });
        assert.ok(sub, 'the market has a candle factory');
      });
      await emu.stop();
      release();
      await failedSeeds;
      for (const [tf, rec] of recs) {
        const now = statesOf(rec).at(-1);
        assert.ok(now === 'reconnecting' || now === 'degraded' || now === 'failed', `${tf}: the trouble is named (${statesOf(rec).join(' → ')})`);
      }
      await emu.restart();

      for (const [tf, rec] of recs) {
        await rec.next(() => settledLive(rec) && rec.candles.length >= HISTORY_BARS[tf]! && !rec.candles.some((c) => c.partial), `${tf}: live and caught up, with its history and no partial bar (${statesOf(rec).join(' → ')})`, 60_000).catch((error: unknown) => {
          throw new Error(`${String(error)}\n${rig!.log.lines.filter((l) => !l.startsWith('debug [cache]')).slice(-40).join('\n')}\nstates: ${rec.events.flatMap((e) => (e.type === 'state' ? [JSON.stringify(e.state)] : [])).slice(-3).join('\n')}`);
        });
      }
      emu.setTradesPerSecond(0);
      const last = emu.trades(m.symbol).at(-1)!;
      const next5 = last.timestamp - (last.timestamp % 300_000) + 300_000;
      const [closer] = await emu.playPath(m.symbol, [last.price], { intervalMs: 0, startTimestamp: next5 });
      for (const [tf, rec] of recs) {
        await rec.next(() => rec.candles.at(-1)?.time === next5 && rec.candles.at(-1)?.volume === closer!.amount, `${tf}: the closing trade`, 60_000);
        const truth = new Map(referenceCandles(emu.trades(m.symbol), tf).map((c) => [c.time, roundCandle(c)]));
        assert.ok(rec.candles.length >= HISTORY_BARS[tf]!, `${tf}: the history is in (${rec.candles.length} bars)`);
        for (const bar of rec.candles) assert.deepEqual(roundCandle(bar), truth.get(bar.time), `${tf}: the ${new Date(bar.time).toISOString()} bar`);
      }
      for (const sub of subs) sub.dispose();
    });
  }
});
