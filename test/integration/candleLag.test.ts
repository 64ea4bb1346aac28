/**
 * A gap backfill on an exchange whose newest candles lag its trades (Coinbase) never drops trades the chart held. The
 * minutes of the declared lag (klineLagMinutes, 2) come from REST trades; candles that lag longer than that are what
 * the held bars guard against.
 */
import * as assert from 'node:assert/strict';
import type { SubscriptionRequest } from '../../src/core/hub/requests';
import type { Timeframe } from '../../src/core/timeframes';
import type { Candle } from '../../src/core/types';
import { Recorder, Rig } from '../helpers/emulatorHub';
import { referenceCandles, roundCandle } from '../helpers/referenceCandles';

type CandleReq = Extract<SubscriptionRequest, { kind: 'candles' }>;
type TradesReq = Extract<SubscriptionRequest, { kind: 'trades' }>;

const SYMBOL = 'BTC/USD';
const MINUTE = 60_000;
const FIVE = 5 * MINUTE;

describe('gap backfill against lagging candles (coinbase, real ccxt)', function () {
  this.timeout(60_000);
  let rig: Rig<'coinbase'> | undefined;
  afterEach(() => rig?.close());

  it('a held bar whose kline is missing or lags stays, partial since the gap, and settles to the exchange kline once it covers it', async () => {
    // The test's clock: minute M is the second minute of a 5m bucket, so the 5m bar stays in progress to M + 3 min.
    const base = Math.floor(Date.now() / FIVE) * FIVE;
    const M = base + MINUTE;
    let t = M + 10_000;
    const clock = { now: () => t };
    const r = (rig = await Rig.start({ exchange: 'coinbase', tradesPerSecond: 0, historyMinutes: 30, now: clock.now }, { clock }));
    const candles = (timeframe: Timeframe) => {
      const rec = new Recorder<CandleReq>();
      r.hub.subscribe({ kind: 'candles', exchange: 'coinbase', symbol: SYMBOL, timeframe }, rec.consume);
      return rec;
    };
    const one = candles('1m');
    const five = candles('5m');
    const tr = new Recorder<TradesReq>();
    r.hub.subscribe({ kind: 'trades', exchange: 'coinbase', symbol: SYMBOL }, tr.consume);
    await Promise.all([one.next((e) => e.type === 'snapshot', '1m snapshot', 20_000), five.next((e) => e.type === 'snapshot', '5m snapshot', 20_000)]);
    const seen = async (id: number) => {
      const wire = r.emulator.wireTradeId(SYMBOL, r.emulator.trades(SYMBOL).find((x) => x.id === id)!);
      await tr.next((e) => e.type === 'trades' && e.trades.some((x) => x.id === wire), `trade ${id}`, 20_000);
    };
    const price = r.emulator.trades(SYMBOL).at(-1)!.price;

    t = M + 20_000;
    const [held] = r.emulator.injectTrades(SYMBOL, [{ price: price + 5, amount: 0.5, side: 'buy', timestamp: t }]);
    await seen(held!.id);
    const truthAt = (tf: Timeframe, time: number, upTo = Infinity): Candle => referenceCandles(r.emulator.trades(SYMBOL).filter((x) => x.timestamp <= upTo), tf).find((c) => c.time === time)!;
    assert.deepEqual(roundCandle(one.candles.at(-1)!), roundCandle(truthAt('1m', M)), 'the chart holds minute M with its trades');

    const heldFive = five.candles.at(-1)!;
    assert.equal(heldFive.time, base);
    assert.deepEqual(roundCandle(heldFive), roundCandle(truthAt('5m', base)), 'the chart holds the 5m bar with every trade so far');
    // Coinbase's candles now lag five minutes behind its trades, more than the two declared; the socket drops and comes
    // back three minutes later, so minute M is before the backfill's seam (its kline is trusted, and lacks the trade).
    r.emulator.setCandleLag(5 * MINUTE);
    const backfilled = new Promise<void>((resolve) => {
      const sub = r.hub.onCandleFactoryEvent({ exchange: 'coinbase', symbol: SYMBOL }, (e) => {
        if (e.type === 'backfill' && e.outcome === 'done' && e.timeframe === '5m') (sub?.dispose(), resolve());
      });
    });
    const reconnecting = one.upcoming((e) => e.type === 'state' && e.state.status === 'reconnecting', 'reconnecting');
    t = M + 185_000;
    r.emulator.dropConnections();
    await reconnecting;
    await one.upcoming((e) => e.type === 'state' && e.state.status === 'live', 'live again', 20_000);
    await backfilled;
    t = M + 190_000;
    const [after] = r.emulator.injectTrades(SYMBOL, [{ price, amount: 0.25, side: 'sell', timestamp: t }]);
    await seen(after!.id);
    await one.next(() => one.candles.at(-1)?.time === M + 3 * MINUTE, '1m: the bar after the gap', 20_000);
    await five.next(() => five.candles.at(-1)?.close === after!.price, '5m: the trade after the gap', 20_000);

    // Nothing held is lost: minute M keeps its trades (not a flat bar), marked partial since the gap began.
    const barM = one.candles.find((c) => c.time === M);
    assert.ok(barM, 'minute M is still on the chart');
    assert.deepEqual({ ...roundCandle(barM), partial: undefined, partialSince: undefined }, { ...roundCandle(truthAt('1m', M, held!.timestamp)), partial: undefined, partialSince: undefined }, 'minute M holds the trades the chart had');
    assert.equal(barM.partial, true, 'minute M is partial: its kline lags');
    assert.equal(barM.partialSince, held!.timestamp, 'partial since the last trade before the gap');
    const five0 = five.candles.at(-1)!;
    assert.equal(five0.time, base);
    assert.equal(five0.partial, true, 'the 5m bar in progress is partial: the 1m klines it was rebuilt from lag');
    assert.deepEqual(
      roundCandle({ time: five0.time, open: five0.open, high: five0.high, low: five0.low, close: five0.close, volume: five0.volume }),
      roundCandle({ ...heldFive, high: Math.max(heldFive.high, after!.price), low: Math.min(heldFive.low, after!.price), close: after!.price, volume: heldFive.volume + after!.amount }),
      'the 5m bar is what it held before the gap plus the trade after it',
    );
    const closedEvents = [...one.events, ...five.events].flatMap((e) => (e.type === 'deltas' ? e.deltas : []));
    assert.ok(!closedEvents.some((d) => d.kind !== 'updated' && (d.candle.time === M || d.candle.time === base)), 'no lagging bar was ever closed or persisted');

    // Once the candles catch up and the declared lag has passed, every bar settles to the exchange's own and equals
    // the ground truth.
    r.emulator.setCandleLag(0);
    t = base + FIVE + 2 * MINUTE + 5_000;
    const [closing] = r.emulator.injectTrades(SYMBOL, [{ price, amount: 0.1, side: 'buy', timestamp: t }]);
    await seen(closing!.id);
    for (const [rec, tf] of [[one, '1m'], [five, '5m']] as const) {
      await rec.next(() => rec.candles.length > 0 && !rec.candles.slice(0, -1).some((c) => c.partial), `${tf}: every closed bar settled`, 20_000);
      const truth = referenceCandles(r.emulator.trades(SYMBOL), tf);
      const got = rec.candles;
      const expected = truth.filter((c) => c.time >= got[0]!.time);
      assert.deepEqual(got.map(roundCandle), expected.map(roundCandle), `${tf} equals the ground truth`);
    }
    assert.ok(!r.log.lines.some((l) => /revised/.test(l)), 'no closed bar was revised');
  });

  it('a first load while the candles lag builds the minutes they may not hold yet from REST trades: every bar exact', async () => {
    const base = Math.floor(Date.now() / FIVE) * FIVE;
    const M = base + 2 * MINUTE;
    const t = M + 10_000;
    const clock = { now: () => t };
    const r = (rig = await Rig.start({ exchange: 'coinbase', tradesPerSecond: 0, historyMinutes: 30, now: clock.now }, { clock }));
    r.emulator.setCandleLag(2 * MINUTE);
    for (const tf of ['1m', '5m'] as const) {
      const rec = new Recorder<CandleReq>();
      r.hub.subscribe({ kind: 'candles', exchange: 'coinbase', symbol: SYMBOL, timeframe: tf }, rec.consume);
      await rec.next((e) => e.type === 'snapshot', `${tf} snapshot`, 20_000);
      const got = rec.candles;
      const truth = referenceCandles(r.emulator.trades(SYMBOL), tf).filter((c) => c.time >= got[0]!.time);
      assert.ok(r.emulator.trades(SYMBOL).some((x) => x.timestamp >= M - MINUTE && x.timestamp < M), 'the minute before the live one had trades');
      assert.deepEqual(got.map(roundCandle), truth.map(roundCandle), `${tf}: every bar equals the ground truth, none short of the lagging minutes`);
      assert.ok(!got.some((c) => c.partial), `${tf}: nothing partial`);
    }
  });
});
