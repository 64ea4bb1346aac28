/**
 * Binance trade events lost on the way (the emulator's `trade-gap`: each spot trade stream loses its next three
 * events while the market trades on; the trades stay in its log). Binance numbers them (an aggTrade's `a`, a trade's
 * `t`), but ccxt (4.5.84) never reads the numbers for continuity: without our hook the lost trades were missing from
 * the bars for good, unflagged. With it the jump fails the trade watch (a TradesGapError), the stream passes through
 * `reconnecting` naming it, and the candle factory fills the hole from REST: every bar equals the ground truth built
 * from the trade log. Real ccxt, the Binance emulator.
 */
import * as assert from 'node:assert/strict';
import type { Timeframe } from '../../src/core/timeframes';
import type { CcxtMarketDataClient } from '../../src/core/exchange/ccxtClient';
import type { ProExchange } from '../../src/core/exchange/ccxtLoader';
import { TRADE_GAP_MESSAGES } from '../../src/emulator/binance/protocol';
import { expectEveryBarTrue } from '../helpers/barsTrue';
import { Recorder, Rig } from '../helpers/emulatorHub';
import { type CandleReq, isState } from '../helpers/threeExchanges';
import type { TradesReq } from '../helpers/chaos/consumers';

const symbol = 'BTC/USDT';

async function liveCandles(rig: Rig, timeframes: readonly Timeframe[]): Promise<{ recs: Map<Timeframe, Recorder<CandleReq>>; subs: Array<{ dispose(): void }> }> {
  const recs = new Map<Timeframe, Recorder<CandleReq>>();
  const subs: Array<{ dispose(): void }> = [];
  for (const tf of timeframes) {
    const rec = new Recorder<CandleReq>();
    recs.set(tf, rec);
    subs.push(rig.hub.subscribe({ kind: 'candles', exchange: 'binance', symbol, timeframe: tf }, rec.consume));
    await rec.next(isState('live'), `${tf} live`, 30_000);
    await rec.next((e) => e.type === 'snapshot', `${tf} snapshot`, 30_000);
  }
  return { recs, subs };
}

/** Resolves once `count` more updates reached the recorder: the stream has moved past the gap. */
async function updatesPastTheGap(rec: Recorder<CandleReq>, count: number): Promise<void> {
  const at = rec.events.length;
  await rec.next((e) => e.type === 'deltas' && rec.events.indexOf(e) >= at + count, `${count} updates past the gap`, 30_000);
}

describe('binance: trade events lost on the way (real ccxt, emulator)', function () {
  this.timeout(120_000);
  let rig: Rig | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  it('without the id check the lost trades are missing from the bars for good (the defect)', async () => {
    rig = await Rig.start({ tradesPerSecond: 20, historyMinutes: 10 });
    const { recs, subs } = await liveCandles(rig, ['1m']);
    const client = (await rig.registry.get('binance')) as CcxtMarketDataClient;
    const ex = await (client as unknown as { exchange(): Promise<ProExchange> }).exchange();
    // The hook is an own property over ccxt's method: taking it out leaves ccxt as it ships.
    assert.ok(delete (ex as unknown as Record<string, unknown>).handleTrade);
    assert.equal(rig.emulator.sendMalformed('trade-gap', undefined, symbol), 1);
    const rec1m = recs.get('1m')!;
    await updatesPastTheGap(rec1m, 10);
    const states = rec1m.events.flatMap((e) => (e.type === 'state' ? [e.state.status] : []));
    // Live again after the start's seam check (its first read checked against REST), and nothing else.
    assert.deepEqual([...new Set(states)], ['connecting', 'live'], 'nothing said the trades went missing');
    await assert.rejects(expectEveryBarTrue(rig, symbol, recs, '1m'), (err: Error) => /the .* bar/.test(err.message) && /volume/.test(err.message));
    for (const sub of subs) sub.dispose();
  });

  it('with it the stream says trades were missed, fills them from REST, and every bar is true', async () => {
    rig = await Rig.start({ tradesPerSecond: 20, historyMinutes: 10 });
    const emu = rig.emulator;
    const { recs, subs } = await liveCandles(rig, ['1m', '5m']);
    const rec1m = recs.get('1m')!;
    for (let round = 0; round < 3; round++) {
      const tradesBefore = emu.trades(symbol).length;
      assert.equal(emu.sendMalformed('trade-gap', undefined, symbol), 1, 'the one connection misses the next batch');
      const at = rec1m.events.length;
      const after = (pred: (e: (typeof rec1m.events)[number]) => boolean) => (e: (typeof rec1m.events)[number]) => rec1m.events.indexOf(e) >= at && pred(e);
      const reconnecting = await rec1m.next(after(isState('reconnecting')), `round ${round}: the gap said`, 30_000);
      assert.ok(reconnecting.type === 'state' && reconnecting.state.status === 'reconnecting');
      assert.match(reconnecting.state.reason, new RegExp(`^binance trade stream BTC/USDT: aggTrade id \\d+ came after \\d+: ${TRADE_GAP_MESSAGES} event\\(s\\) lost; the trades missed are fetched from REST$`));
      assert.ok(emu.trades(symbol).length >= tradesBefore + TRADE_GAP_MESSAGES, 'the lost events held trades');
      // Live again at once (the socket is healthy), possibly in the same turn as the reconnecting state.
      await rec1m.next(after(isState('live')), `round ${round}: live again`, 30_000);
    }
    await expectEveryBarTrue(rig, symbol, recs, '5m', () => `\nlog:\n${rig!.log.lines.filter((l) => /gap|seam|REST|backfill/i.test(l)).slice(-20).join('\n')}`);
    for (const sub of subs) sub.dispose();
  });

  it('the trades that came with the jump reach the consumers though the market then goes quiet (chaos seed 303)', async () => {
    rig = await Rig.start({ tradesPerSecond: 10, historyMinutes: 10 });
    const emu = rig.emulator;
    const { subs } = await liveCandles(rig, ['1m']);
    const trades = new Recorder<TradesReq>();
    subs.push(rig.hub.subscribe({ kind: 'trades', exchange: 'binance', symbol }, trades.consume));
    await trades.next((e) => e.type === 'trades', 'the first trades', 30_000);
    emu.setTradesPerSecond(0);
    assert.equal(emu.sendMalformed('trade-gap', undefined, symbol), 1);
    // One burst, as after a stall: the events arrive in one read of the socket, the jump's first, then one more, and
    // then the market is quiet. ccxt took the second while no watch waited (the jump had failed the one that did).
    const price = emu.trades(symbol).at(-1)!.price;
    const burst = emu.injectTrades(symbol, Array.from({ length: TRADE_GAP_MESSAGES + 2 }, () => ({ price, amount: 0.01, side: 'buy' as const })));
    const ids = burst.map((t) => emu.wireTradeId(symbol, t));
    const got = (id: string) => trades.events.some((e) => e.type === 'trades' && e.trades.some((t) => t.id === id));
    await trades.next(() => ids.every(got), 'every trade of the burst: the lost ones late, the two after them streamed', 20_000).catch((error: unknown) => {
      assert.fail(`${String(error)}\nmissing: ${ids.filter((id) => !got(id)).join(' ')}`);
    });
    const streamed = trades.events.flatMap((e) => (e.type === 'trades' && e.late !== true ? e.trades.map((t) => t.id) : []));
    assert.deepEqual(ids.slice(TRADE_GAP_MESSAGES).filter((id) => !streamed.includes(id)), [], 'the two after the jump came on the stream');
    for (const sub of subs) sub.dispose();
  });
});
