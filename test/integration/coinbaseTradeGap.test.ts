/**
 * A Coinbase market_trades message lost on the way (the emulator's `trade-gap`: the connection's sequence_num skips
 * one, and the trades stay in the exchange's log). ccxt (4.5.84) never reads sequence_num, so the batch's trades were
 * missing from the bars for good, which were not flagged. Now the gap fails the trade watch (a TradesGapError, a `gap`
 * like a trade-cache overflow), the stream passes through `reconnecting` naming it, and the candle factory fills the
 * hole from REST: afterwards every bar equals the ground truth built from the trade log. Real ccxt, the Coinbase
 * emulator.
 */
import * as assert from 'node:assert/strict';
import type { Timeframe } from '../../src/core/timeframes';
import { expectEveryBarTrue } from '../helpers/barsTrue';
import { Recorder, Rig } from '../helpers/emulatorHub';
import { type CandleReq, isState } from '../helpers/threeExchanges';

describe('coinbase: a lost market_trades message (real ccxt, emulator)', function () {
  this.timeout(120_000);
  let rig: Rig<'coinbase'> | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  it('the stream says trades were missed, fills them from REST, and every bar is true', async () => {
    rig = await Rig.start({ exchange: 'coinbase', tradesPerSecond: 20, historyMinutes: 10 });
    const { hub, emulator: emu } = rig;
    const symbol = 'BTC/USD';
    const recs = new Map<Timeframe, Recorder<CandleReq>>();
    const subs: Array<{ dispose(): void }> = [];
    for (const tf of ['1m', '5m'] as const) {
      const rec = new Recorder<CandleReq>();
      recs.set(tf, rec);
      subs.push(hub.subscribe({ kind: 'candles', exchange: 'coinbase', symbol, timeframe: tf }, rec.consume));
      await rec.next(isState('live'), `${tf} live`, 30_000);
      await rec.next((e) => e.type === 'snapshot', `${tf} snapshot`, 30_000);
    }
    const rec1m = recs.get('1m')!;
    for (let round = 0; round < 3; round++) {
      const tradesBefore = emu.trades(symbol).length;
      assert.equal(emu.sendMalformed('trade-gap', undefined, symbol), 1, 'the one connection misses the next batch');
      const at = rec1m.events.length;
      const after = (pred: (e: (typeof rec1m.events)[number]) => boolean) => (e: (typeof rec1m.events)[number]) => rec1m.events.indexOf(e) >= at && pred(e);
      const reconnecting = await rec1m.next(after(isState('reconnecting')), `round ${round}: the gap said`, 30_000);
      assert.ok(reconnecting.type === 'state' && reconnecting.state.status === 'reconnecting');
      assert.match(reconnecting.state.reason, /^coinbase trade stream BTC\/USD: sequence_num \d+ came after \d+: 1 message\(s\) lost; the trades missed are fetched from REST$/);
      assert.ok(emu.trades(symbol).length > tradesBefore, 'the lost batch held trades');
      // Live again at once (the socket is healthy), possibly in the same turn as the reconnecting state.
      await rec1m.next(after(isState('live')), `round ${round}: live again`, 30_000);
    }
    await expectEveryBarTrue(rig, symbol, recs, '5m', () => `\nlog:\n${rig!.log.lines.filter((l) => /gap|seam|REST|backfill/i.test(l)).slice(-20).join('\n')}`);
    for (const sub of subs) sub.dispose();
  });

  it('Bybit numbers no trade message: the fault reaches nobody there (Binance: binanceTradeGap.test.ts)', async () => {
    const other = await Rig.start({ exchange: 'bybit', tradesPerSecond: 5 });
    try {
      const rec = new Recorder<CandleReq>();
      const sub = other.hub.subscribe({ kind: 'candles', exchange: 'bybit', symbol: 'BTC/USDT:USDT', timeframe: '1m' }, rec.consume);
      await rec.next(isState('live'), 'bybit live', 30_000);
      assert.equal(other.emulator.sendMalformed('trade-gap'), 0);
      sub.dispose();
    } finally {
      await other.close();
    }
  });
});
