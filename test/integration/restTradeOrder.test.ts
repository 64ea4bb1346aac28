/**
 * Several trades of one millisecond fetched over REST keep the exchange's order. ccxt (4.5.84) sorts the trades it
 * parses by time and then by id as text: Bybit's execIds are UUIDs, so a millisecond's trades came back in an order
 * of no meaning (measured: made 101..106, handed back 101, 103, 102, 105, 104, 106), and a bar opened or closed in
 * that millisecond took the wrong trade; numbered ids (Coinbase's, Binance's) too where one gains a digit ("100" sorts
 * before "99"). Bybit and Coinbase list their newest trade first, Binance its oldest.
 * Real ccxt, the emulators.
 */
import * as assert from 'node:assert/strict';
import type { ExchangeId } from '../../src/emulator';
import { Recorder, Rig } from '../helpers/emulatorHub';
import { referenceCandles, roundCandle } from '../helpers/referenceCandles';
import { type CandleReq, isState } from '../helpers/threeExchanges';

const SYMBOLS: Record<ExchangeId, string> = { binance: 'BTC/USDT', bybit: 'BTC/USDT:USDT', coinbase: 'BTC/USD' };
const MINUTE = 60_000;

/** Trades of one millisecond whose prices say the order they were made in (each a step up from the last). */
function burst(base: number, count: number, timestamp: number): { price: number; amount: number; side: 'buy' | 'sell'; timestamp: number }[] {
  return Array.from({ length: count }, (_, k) => ({ price: base + k, amount: 1 + k / 10, side: k % 2 === 0 ? ('buy' as const) : ('sell' as const), timestamp }));
}

describe('REST trades of one millisecond in the exchange order (real ccxt, emulators)', function () {
  this.timeout(60_000);
  let rig: Rig<ExchangeId> | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  for (const exchange of ['bybit', 'coinbase', 'binance'] as const) {
    it(`${exchange}: fetchTrades gives a millisecond's trades as they were made`, async () => {
      rig = await Rig.start({ exchange, tradesPerSecond: 0, historyMinutes: 5 });
      const symbol = SYMBOLS[exchange];
      const at = rig.emulator.trades(symbol).at(-1)!.timestamp + 1;
      const made = rig.emulator.injectTrades(symbol, [...burst(100, 8, at), ...burst(120, 8, at + 1)]);
      const client = await rig.registry.get(exchange);
      const got = await client.fetchTrades(symbol, undefined, 50);
      const wire = (t: (typeof made)[number]) => rig!.emulator.wireTradeId(symbol, t);
      assert.deepEqual(
        got.filter((t) => t.timestamp >= at).map((t) => [t.id, t.timestamp, t.price]),
        made.map((t) => [wire(t), t.timestamp, t.price]),
      );
    });
  }

  for (const exchange of ['coinbase', 'binance'] as const) {
    it(`${exchange}: numbered ids that gain a digit inside a millisecond (99, 100) keep their order`, async () => {
      rig = await Rig.start({ exchange, tradesPerSecond: 0, historyMinutes: 5 });
      const symbol = SYMBOLS[exchange];
      const emu = rig.emulator;
      const last = emu.trades(symbol).at(-1)!;
      const wireId = Number(emu.wireTradeId(symbol, last));
      const fillers = 95 - wireId;
      assert.ok(fillers >= 0, `the log's last id ${wireId} is below 95`);
      emu.injectTrades(symbol, Array.from({ length: fillers }, (_, k) => ({ price: 90, amount: 1, side: 'buy' as const, timestamp: last.timestamp + 1 + k })));
      const at = last.timestamp + 1 + fillers;
      const made = emu.injectTrades(symbol, burst(100, 10, at));
      assert.deepEqual([emu.wireTradeId(symbol, made[0]!), emu.wireTradeId(symbol, made.at(-1)!)], ['96', '105'], 'the burst crosses 99 to 100');
      const got = await (await rig.registry.get(exchange)).fetchTrades(symbol, undefined, 50);
      assert.deepEqual(
        got.filter((t) => t.timestamp === at).map((t) => [t.id, t.price]),
        made.map((t) => [emu.wireTradeId(symbol, t), t.price]),
      );
    });
  }

  it('bybit: a bar opened and closed inside a millisecond of several trades, its trades from REST, equals the ground truth', async () => {
    rig = await Rig.start({ exchange: 'bybit', tradesPerSecond: 0, historyMinutes: 5 });
    const symbol = SYMBOLS.bybit;
    const emu = rig.emulator;
    // A minute ahead of the log: the bar of these trades is the newest, and the hub takes it from REST trades.
    const open = Math.floor(emu.trades(symbol).at(-1)!.timestamp / MINUTE) * MINUTE + MINUTE;
    emu.injectTrades(symbol, [...burst(100, 8, open), ...burst(200, 8, open + 30_000)]);
    const rec = new Recorder<CandleReq>();
    const sub = rig.hub.subscribe({ kind: 'candles', exchange: 'bybit', symbol, timeframe: '1m' }, rec.consume);
    try {
      await rec.next(isState('live'), 'live', 30_000);
      await rec.next(() => rec.candles.at(-1)?.time === open, 'the bar of the bursts', 30_000);
      const truth = referenceCandles(emu.trades(symbol), '1m').find((c) => c.time === open)!;
      assert.deepEqual([truth.open, truth.close], [100, 207], 'the ground truth: the first trade made opens, the last closes');
      const bar = rec.candles.at(-1)!;
      assert.deepEqual(roundCandle({ ...bar, partial: false }), roundCandle({ ...truth, partial: false }));
    } finally {
      sub.dispose();
    }
  });
});
