/**
 * Coinbase's market_trades snapshot after a reconnect resends trades the bars already held: those REST filled after a
 * lost message (our client never saw them on the stream, so it passes them on). That read's seam takes REST's answer
 * whole, up to its last trade. Here the snapshot has a hole (the emulator's `trade-snapshot-gap`: the 3 trades before
 * its newest left out) and REST's answer ends before those trades (`staleNextTrades`): they were in no bar, and no bar
 * said so, until the resent read was checked against REST like every other first read. With the hole in the minute
 * after the read's first new trade, that minute's bar read whole while it lacked them, until the check held the read's
 * bars partial up to its newest trade. Real ccxt, the Coinbase emulator, a quiet market whose trades the test plays.
 */
import * as assert from 'node:assert/strict';
import type { FactoryEvent } from '../../src/core/candles/candleFactory';
import type { Timeframe } from '../../src/core/timeframes';
import type { Candle } from '../../src/core/types';
import type { EmulatorTrade } from '../../src/emulator';
import { expectEveryBarTrue } from '../helpers/barsTrue';
import { Recorder, Rig } from '../helpers/emulatorHub';
import { referenceCandles, roundCandle } from '../helpers/referenceCandles';
import { type CandleReq, isState } from '../helpers/threeExchanges';

const MINUTE = 60_000;

/** Whether every 1m bar held is the ground truth's bar of its time, and none is partial. */
function whole(candles: readonly Candle[], trades: readonly EmulatorTrade[]): boolean {
  const truth = new Map(referenceCandles(trades, '1m').map((c) => [c.time, roundCandle(c)]));
  return candles.length > 0 && candles.every((c) => !c.partial && JSON.stringify(roundCandle(c)) === JSON.stringify(truth.get(c.time)));
}

describe('coinbase: a reconnect\'s snapshot that resends held trades, with a hole REST\'s answer does not reach (real ccxt, emulator)', function () {
  this.timeout(120_000);
  let rig: Rig<'coinbase'> | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  // `acrossMinute`: the first of the trades made while away ends a minute, the rest (the snapshot's hole and its newest)
  // begin the next: the hole is later in the read than its first new trade, in a later bar.
  for (const acrossMinute of [false, true]) {
    it(acrossMinute ? 'a hole in the next minute after the read\'s first new trade: its bar never reads whole while it lacks them; backfilled, every bar true' : 'the trades the snapshot skipped after REST\'s last are backfilled, and every bar is true', async () => {
      rig = await Rig.start({ exchange: 'coinbase', tradesPerSecond: 5, historyMinutes: 10 });
      const { hub, emulator: emu } = rig;
      const symbol = 'BTC/USD';
      const market = { exchange: 'coinbase' as const, symbol };
      const recs = new Map<Timeframe, Recorder<CandleReq>>();
      const subs: Array<{ dispose(): void }> = [];
      for (const tf of ['1m', '5m'] as const) {
        const rec = new Recorder<CandleReq>();
        recs.set(tf, rec);
        subs.push(hub.subscribe({ kind: 'candles', ...market, timeframe: tf }, rec.consume));
        await rec.next(isState('live'), `${tf} live`, 30_000);
        await rec.next((e) => e.type === 'snapshot', `${tf} snapshot`, 30_000);
      }
      emu.setTradesPerSecond(0);
      const rec1m = recs.get('1m')!;
      const backfillDone = (): Promise<void> =>
        new Promise<void>((resolve, reject) => {
          const sub = hub.onCandleFactoryEvent(market, (e: FactoryEvent) => {
            if (e.type !== 'backfill' || e.timeframe !== '1m') return;
            sub?.dispose();
            if (e.outcome === 'done') resolve();
            else reject(new Error(`the backfill ${e.outcome}: ${e.message}`));
          });
          assert.ok(sub, 'the market has a candle factory');
        });
      const price = (): number => emu.trades(symbol).at(-1)!.price;

      // A lost message: its trade comes from REST, never on the stream (the next batch, 400 ms later, shows the jump).
      let at = rec1m.events.length;
      let filled = backfillDone();
      assert.equal(emu.sendMalformed('trade-gap', undefined, symbol), 1, 'the one connection misses the next batch');
      await emu.playPath(symbol, [price() * 1.001, price() * 0.999], { intervalMs: 400 });
      await rec1m.next((e) => rec1m.events.indexOf(e) >= at && isState('reconnecting')(e), 'the gap said', 30_000);
      await filled;
      // Its first seam's check settled too (it asks REST after the backfill's `done`).
      await rec1m.next(() => whole(rec1m.candles, emu.trades(symbol)), 'every trade in the bars, none partial', 30_000);

      // The next snapshot leaves out the 3 trades before its newest, and REST's next answer ends before the trades made
      // while the socket was down (they are stamped a few seconds ahead of the exchange's clock).
      assert.equal(emu.sendMalformed('trade-snapshot-gap', undefined, symbol), 1, 'the connection\'s next snapshot has a hole');
      emu.staleNextTrades(1);
      at = rec1m.events.length;
      filled = backfillDone();
      // Made while the exchange is away (no subscriber): only the next snapshot and REST have them.
      await emu.stop();
      // Across a minute, the trades lie within the skew REST's window reaches past now (seamTrades.ts), as in a minute's
      // last seconds: the clock is waited for (no event tells a minute's end).
      if (acrossMinute) await new Promise((resolve) => setTimeout(resolve, MINUTE - ((Date.now() + 6_000) % MINUTE)));
      const ahead = acrossMinute ? Math.round((Date.now() + 6_000) / MINUTE) * MINUTE - 100 : Date.now() + 5_000;
      await emu.playPath(symbol, [1.001, 0.999, 1.002, 0.998, 1.001].map((f) => price() * f), { intervalMs: 0, startTimestamp: ahead, stepMs: 200 });
      await emu.restart();
      await filled;
      // Whole again: the chart reads live, not catching up (after the seam's check, and the backfill it may start).
      await rec1m.next((e) => rec1m.events.indexOf(e) >= at && e.type === 'state' && e.state.status === 'live' && e.state.catchingUp !== true, 'live and caught up', 30_000);
      // Every 1m bar the chart was sent as whole since the snapshot (partial while its trades were missing) is the truth's.
      const truth = new Map(referenceCandles(emu.trades(symbol), '1m').map((c) => [c.time, JSON.stringify(roundCandle(c))]));
      const shownWhole = rec1m.events.slice(at).flatMap((e) => (e.type === 'deltas' ? e.deltas.map((d) => d.candle) : e.type === 'snapshot' ? e.candles : []));
      const untrue = shownWhole.filter((c) => !c.partial && c.time >= ahead - (ahead % MINUTE) && JSON.stringify(roundCandle(c)) !== truth.get(c.time));
      assert.deepEqual(untrue.map((c) => `${new Date(c.time).toISOString()} volume ${c.volume}`), [], 'no bar shown whole while it lacked trades');
      await expectEveryBarTrue(rig, symbol, recs, '5m', () => `\nlog:\n${rig!.log.lines.filter((l) => /gap|seam|REST|backfill|missed/i.test(l)).slice(-20).join('\n')}`);
      for (const sub of subs) sub.dispose();
    });
  }
});
