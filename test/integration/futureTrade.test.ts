/**
 * A trade timed far ahead of the exchange's clock (the emulator's `future-trade` frame: the newest trade again, 23 h
 * ahead, under a new id, in each exchange's own form: a Binance trade event, a Coinbase market_trades update, a Bybit
 * publicTrade message) passed the exchange boundary, which allowed a day of clock skew: the 1m series closed its bar
 * in progress and invented flat closed bars up to the next day. Once the exchange's clock is known (any REST
 * answer's Date header), an event more than an hour past it is dropped, naming it; a trade more than 30 s past it,
 * once the measure is fresh (measured again first if it is not: ExchangeClock). Real ccxt against each emulator.
 */
import * as assert from 'node:assert/strict';
import type { SubscriptionRequest } from '../../src/core/hub/requests';
import type { ExchangeId } from '../../src/emulator';
import { Recorder, Rig } from '../helpers/emulatorHub';
import { type CandleReq, THREE_MARKETS } from '../helpers/threeExchanges';

type TradesReq = Extract<SubscriptionRequest, { kind: 'trades' }>;

const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

describe('a trade a day ahead of the exchange’s clock (real ccxt, emulators)', function () {
  this.timeout(60_000);
  let rig: Rig<ExchangeId> | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  const cases = [
    { kind: 'future-trade', ahead: '23 h', seconds: '8\\d{4}' },
    // Within the hour the wide slack allowed: it invented up to 59 flat 1m bars. The exchange's clock, measured by the
    // history's answers moments ago, is fresh, so it is held to the strict bound.
    { kind: 'near-future-trade', ahead: '10 min', seconds: '59\\d|60\\d' },
  ] as const;
  for (const m of THREE_MARKETS) {
    for (const c of cases) {
      it(`${m.exchange}, a trade ${c.ahead} ahead: is dropped and named; the bar in progress stays open and no bar is invented past it`, async () => {
        rig = await Rig.start({ exchange: m.exchange, tradesPerSecond: 10, historyMinutes: 30 }, { strictTradeClock: true });
        const emu = rig.emulator;
        const bars = new Recorder<CandleReq>();
        const trades = new Recorder<TradesReq>();
        rig.hub.subscribe({ kind: 'candles', exchange: m.exchange, symbol: m.symbol, timeframe: '1m' }, bars.consume);
        rig.hub.subscribe({ kind: 'trades', exchange: m.exchange, symbol: m.symbol }, trades.consume);
        await bars.next((e) => e.type === 'snapshot', 'the bars', 20_000);
        await trades.next((e) => e.type === 'trades', 'a first trade', 20_000);

        const mark = emu.trades(m.symbol).at(-1)!.id;
        assert.ok(emu.sendMalformed(c.kind, undefined, m.symbol) > 0, 'a future trade was sent');
        // Trades the emulator logged well after the future one, by their ids on the wire (Bybit's are not numbers).
        const laterIds = () => new Set(emu.trades(m.symbol).filter((t) => t.id > mark + 5).map((t) => emu.wireTradeId(m.symbol, t)));
        await trades.upcoming((e) => e.type === 'trades' && e.trades.some((t) => laterIds().has(t.id)), 'trades after the future one', 20_000);

        const horizon = Date.now() + 60_000;
        const ahead = trades.events.flatMap((e) => (e.type === 'trades' ? e.trades : [])).filter((t) => t.timestamp > horizon);
        assert.deepEqual(ahead, [], 'no trade past the exchange’s clock reached a consumer');
        assert.ok(bars.candles.every((c) => c.time < horizon), `no bar past now: the newest is ${new Date(bars.candles.at(-1)!.time).toISOString()}`);
        const newest = bars.candles.at(-1)!.time;
        const closedNewest = bars.events.some((e) => e.type === 'deltas' && e.deltas.some((d) => d.kind === 'closed' && d.candle.time === newest));
        assert.equal(closedNewest, false, 'the bar in progress is still open');
        const named = new RegExp(`dropped invalid data from ${m.exchange} trade stream ${escaped(m.symbol)}: trade \\S+ timestamp \\d+ is (${c.seconds}) s ahead of the exchange's clock`);
        assert.ok(rig.log.lines.some((l) => named.test(l)), `named in the log:\n${rig.log.lines.filter((l) => /invalid/.test(l)).join('\n')}`);
      });
    }

    it(`${m.exchange}: our clock steps back 5 min while trades stream: the exchange's clock is measured again and no trade is dropped`, async () => {
      let stepped = 0;
      rig = await Rig.start({ exchange: m.exchange, tradesPerSecond: 10, historyMinutes: 30, now: () => Date.now() + stepped }, { strictTradeClock: true });
      const emu = rig.emulator;
      const trades = new Recorder<TradesReq>();
      rig.hub.subscribe({ kind: 'trades', exchange: m.exchange, symbol: m.symbol }, trades.consume);
      await trades.next((e) => e.type === 'trades', 'a first trade', 20_000);
      const mark = emu.trades(m.symbol).at(-1)!.id;
      stepped = 300_000; // the exchange's clock against ours: as ours stepping back (a sync after sleep)
      const wireIdOf = (id: number) => {
        const t = emu.trades(m.symbol).find((x) => x.id === id);
        return t && emu.wireTradeId(m.symbol, t);
      };
      await trades.upcoming((e) => e.type === 'trades' && e.trades.some((t) => t.id === wireIdOf(mark + 21)), 'the 21st trade stamped after the step', 20_000);
      const got = new Set(trades.events.flatMap((e) => (e.type === 'trades' ? e.trades.map((t) => t.id) : [])));
      const stamped = emu.trades(m.symbol).filter((t) => t.id > mark && t.id <= mark + 20);
      assert.ok(stamped.some((t) => t.timestamp > Date.now() + 200_000), 'trades stamped minutes past our clock were sent');
      assert.deepEqual(stamped.filter((t) => !got.has(emu.wireTradeId(m.symbol, t))).map((t) => t.id), [], 'every trade since the step reached the consumer');
      assert.deepEqual(rig.log.lines.filter((l) => /dropped invalid data/.test(l)), [], 'none dropped');
    });
  }
});
