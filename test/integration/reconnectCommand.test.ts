/**
 * The user's Reconnect (MarketHub.reconnect: the stream's socket is replaced while its consumers stay subscribed) on a
 * market that trades throughout: the trades made while the old socket closed and the new one subscribed must still
 * reach the bars. Every bar equals the ground truth built from the emulator's trade log; the last consumer gone, no stream
 * is left. Real ccxt, each emulator.
 */
import * as assert from 'node:assert/strict';
import type { Timeframe } from '../../src/core/timeframes';
import type { ExchangeId } from '../../src/emulator';
import { expectEveryBarTrue } from '../helpers/barsTrue';
import { Recorder, Rig } from '../helpers/emulatorHub';
import { type CandleReq, THREE_MARKETS, isState } from '../helpers/threeExchanges';

describe('the Reconnect command on a trading market (real ccxt, emulators)', function () {
  this.timeout(120_000);
  let rig: Rig<ExchangeId> | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  for (const m of THREE_MARKETS) {
    it(`${m.exchange}: reads reconnecting → live, and the bars lose no trade made meanwhile`, async () => {
      rig = await Rig.start({ exchange: m.exchange, tradesPerSecond: 50, historyMinutes: 10 });
      const { hub } = rig;
      const rec = new Recorder<CandleReq>();
      const recs = new Map<Timeframe, Recorder<CandleReq>>([['1m', rec]]);
      const sub = hub.subscribe({ kind: 'candles', exchange: m.exchange, symbol: m.symbol, timeframe: '1m' }, rec.consume);
      await rec.next(isState('live'), 'live', 30_000);
      await rec.next((e) => e.type === 'snapshot', 'snapshot', 30_000);
      for (let round = 0; round < 3; round++) {
        const at = rec.events.length;
        const after = (pred: (e: (typeof rec.events)[number]) => boolean) => (e: (typeof rec.events)[number]) => rec.events.indexOf(e) >= at && pred(e);
        hub.reconnect({ kind: 'trades', exchange: m.exchange, symbol: m.symbol });
        await rec.next(after(isState('live')), `round ${round}: live again`, 30_000);
        const statuses = rec.events.slice(at).flatMap((e) => (e.type === 'state' ? [e.state.status] : []));
        assert.ok(!statuses.includes('connecting') && !statuses.includes('stopped'), `a consumer reads the Reconnect as a reconnect: ${statuses.join(' → ')}`);
        // Trades on the new socket before the next round.
        const live = rec.events.length;
        await rec.next((e) => e.type === 'deltas' && rec.events.indexOf(e) > live + 3, `round ${round}: bars after it`, 30_000);
      }
      await expectEveryBarTrue(rig, m.symbol, recs, '1m');
      sub.dispose();
      // Nothing outlives the last consumer, Reconnects or not: the fresh streams stop, their topics leave the exchange.
      await hub.whenStreamsIdle();
      assert.deepEqual(hub.activeStreams(), [], 'no stream left after the last consumer');
      await rig.emulator.waitForStats((s) => Object.keys(s.subscriptions).length === 0, 20_000);
    });
  }
});
