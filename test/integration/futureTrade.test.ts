/**
 * A trade timed far ahead of the exchange's clock (the emulator's `future-trade` frame: the newest trade again, 23 h
 * ahead, under a new id) passed the exchange boundary, which allowed a day of clock skew: the 1m series closed its
 * bar in progress and invented flat closed bars up to the next day. Once the exchange's clock is known (any REST
 * answer's Date header), an event more than an hour past it is dropped, naming it. Real ccxt against the emulator.
 */
import * as assert from 'node:assert/strict';
import type { SubscriptionRequest } from '../../src/core/hub/requests';
import { Recorder, Rig } from '../helpers/emulatorHub';

type CandleReq = Extract<SubscriptionRequest, { kind: 'candles' }>;
type TradesReq = Extract<SubscriptionRequest, { kind: 'trades' }>;

describe('a trade a day ahead of the exchange’s clock (real ccxt, emulator)', function () {
  this.timeout(60_000);
  let rig: Rig | undefined;
  afterEach(() => rig?.close());

  it('is dropped and named; the bar in progress stays open and no bar is invented past it', async () => {
    rig = await Rig.start({ tradesPerSecond: 10, historyMinutes: 30 });
    const bars = new Recorder<CandleReq>();
    const trades = new Recorder<TradesReq>();
    rig.hub.subscribe({ kind: 'candles', exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1m' }, bars.consume);
    rig.hub.subscribe({ kind: 'trades', exchange: 'binance', symbol: 'BTC/USDT' }, trades.consume);
    await bars.next((e) => e.type === 'snapshot', 'the bars', 20_000);
    await trades.next((e) => e.type === 'trades', 'a first trade', 20_000);

    assert.ok(rig.emulator.sendMalformed('future-trade', 'btcusdt@aggTrade') > 0, 'a future trade was sent');
    const mark = rig.emulator.trades('BTC/USDT').at(-1)!.id;
    const later = (id: string) => Number(id) > mark + 5 && Number(id) < 1_000_000_000;
    await trades.upcoming((e) => e.type === 'trades' && e.trades.some((t) => later(t.id)), 'trades after the future one', 20_000);

    const horizon = Date.now() + 120_000;
    const ahead = trades.events.flatMap((e) => (e.type === 'trades' ? e.trades : [])).filter((t) => t.timestamp > horizon);
    assert.deepEqual(ahead, [], 'no trade past the exchange’s clock reached a consumer');
    assert.ok(bars.candles.every((c) => c.time < horizon), `no bar past now: the newest is ${new Date(bars.candles.at(-1)!.time).toISOString()}`);
    const newest = bars.candles.at(-1)!.time;
    const closedNewest = bars.events.some((e) => e.type === 'deltas' && e.deltas.some((d) => d.kind === 'closed' && d.candle.time === newest));
    assert.equal(closedNewest, false, 'the bar in progress is still open');
    assert.ok(rig.log.lines.some((l) => /dropped invalid data from binance trade stream BTC\/USDT: trade \d+ timestamp \d+ is 8\d{4} s ahead of the exchange's clock/.test(l)), `named in the log:\n${rig.log.lines.filter((l) => /invalid/.test(l)).join('\n')}`);
  });
});
