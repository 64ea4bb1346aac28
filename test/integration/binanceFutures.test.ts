/**
 * Binance USDⓈ-M perpetuals through the hub (real ccxt against the Binance emulator's fapi and fstream, with the
 * exchange's options asking ccxt for linear markets): candles and trades of BTC/USDT:USDT equal the emulator's log;
 * liquidations from forceOrder equal what the emulator pushed (the latest per second, as Binance snapshots them);
 * polled open interest and funding equal what the emulator served.
 */
import * as assert from 'node:assert/strict';
import type { DerivativesEvent } from '../../src/core/derivatives/derivativesPoller';
import type { FundingFigure, OpenInterestFigure } from '../../src/core/derivatives/derivativesFigures';
import type { SubscriptionRequest } from '../../src/core/hub/requests';
import type { Liquidation } from '../../src/core/types';
import type { EmulatorLiquidation, EmulatorOptions } from '../../src/emulator';
import { Recorder, Rig } from '../helpers/emulatorHub';
import { referenceCandles, roundCandle } from '../helpers/referenceCandles';

const PERP = 'BTC/USDT:USDT';
const LINEAR = { fetchMarkets: { types: ['spot', 'linear'] } };

/** The emulator logs the liquidated position's side (buy: a long); Binance and ccxt give the order's (a long is sold). */
const asReceived = (l: EmulatorLiquidation): Liquidation => ({ timestamp: l.timestamp, price: l.price, amount: l.amount, side: l.side === 'buy' ? 'sell' : 'buy' });

function start(emu: Omit<EmulatorOptions, 'exchange'>, hub: { derivativesPollMs?: number; derivativesPollSpacingMs?: number } = {}): Promise<Rig> {
  return Rig.start({ ...emu, exchange: 'binance' as const }, { ...hub, exchangeOptions: LINEAR });
}

describe('Binance USDⓈ-M perpetuals (real ccxt, emulator fapi/fstream)', function () {
  this.timeout(45_000);
  let rig: Rig | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  it('1m candles and live trades of BTC/USDT:USDT equal the emulator trade log', async () => {
    rig = await start({ tradesPerSecond: 20, historyMinutes: 30, historyTradesPerMinute: 20 });
    const candles = new Recorder<Extract<SubscriptionRequest, { kind: 'candles' }>>();
    const trades = new Recorder<Extract<SubscriptionRequest, { kind: 'trades' }>>();
    const subs = [rig.hub.subscribe({ kind: 'candles', exchange: 'binance', symbol: PERP, timeframe: '1m' }, candles.consume), rig.hub.subscribe({ kind: 'trades', exchange: 'binance', symbol: PERP }, trades.consume)];
    await candles.next((e) => e.type === 'snapshot', 'a candle snapshot', 20_000);
    await trades.next((e) => e.type === 'trades', 'a live trade', 20_000);
    rig.emulator.setTradesPerSecond(0);
    const last = rig.emulator.trades(PERP).at(-1)!;
    // Stamped from now on at the earliest, as an exchange stamps its trades: one from before a seed's seam minute that
    // arrives after the seed sends the bars back to REST (CandleFactory.rebuildBehindSeam), not on through the live path.
    const played = await rig.emulator.playPath(PERP, Array.from({ length: 60 }, (_, i) => last.price * (1 + 0.002 * Math.sin(i / 5))), { intervalMs: 0, startTimestamp: Math.max(last.timestamp + 1000, Date.now()), stepMs: 3000 });
    const wire = rig.emulator.wireTradeId(PERP, played.at(-1)!);
    await trades.next((e) => e.type === 'trades' && e.trades.some((t) => t.id === wire), 'the last scripted trade', 20_000);
    await candles.next(() => candles.candles.length > 0 && !candles.candles.some((c) => c.partial), 'every bar settled', 20_000);
    const got = candles.candles;
    const truth = referenceCandles(rig.emulator.trades(PERP), '1m').filter((c) => c.time >= got[0]!.time && c.time <= got.at(-1)!.time);
    assert.deepEqual(got.map(roundCandle), truth.map(roundCandle));
    const live = trades.events.flatMap((e) => (e.type === 'trades' ? e.trades : [])).filter((t) => t.timestamp >= played[0]!.timestamp);
    assert.deepEqual(
      live.map((t) => [t.id, t.price, t.amount, t.side]),
      played.map((t) => [rig!.emulator.wireTradeId(PERP, t), t.price, t.amount, t.side]),
    );
    assert.equal(rig.emulator.stats().subscriptions['fstream:btcusdt@aggTrade'], 1, 'the trades came over the futures stream');
    for (const s of subs) s.dispose();
  });

  it('the order book of BTC/USDT:USDT syncs on the pu-chained depth stream: 20 updates, never resynced, sorted and uncrossed', async () => {
    rig = await start({ tradesPerSecond: 10, depthIntervalMs: 30 });
    const req = { kind: 'orderbook', exchange: 'binance', symbol: PERP } as const;
    const rec = new Recorder<typeof req>();
    const sub = rig.hub.subscribe(req, rec.consume);
    let books = 0;
    await rec.next((e) => e.type === 'orderbook' && ++books >= 20, '20 books', 20_000);
    for (const e of rec.events) {
      if (e.type !== 'orderbook') continue;
      const { bids, asks } = e.book;
      assert.ok(bids.length > 10 && asks.length > 10 && bids[0]![0] < asks[0]![0], 'a full, uncrossed book');
      for (let i = 1; i < bids.length; i++) assert.ok(bids[i]![0] < bids[i - 1]![0], 'bids descending');
      for (let i = 1; i < asks.length; i++) assert.ok(asks[i]![0] > asks[i - 1]![0], 'asks ascending');
    }
    assert.ok(!rec.events.some((e) => e.type === 'state' && e.state.status !== 'live' && e.state.status !== 'connecting'), JSON.stringify(rec.events.filter((e) => e.type === 'state')));
    assert.equal(rig.emulator.stats().subscriptions['fstream:btcusdt@depth@100ms'], 1, 'the futures depth stream, on its public route');
    assert.equal(rig.emulator.stats().subscriptions['btcusdt@depth@100ms'], undefined, 'not the spot one');
    sub.dispose();
  });

  it('liquidations via watchLiquidations equal what forceOrder pushed: the latest of each second', async () => {
    rig = await start({ tradesPerSecond: 0, liquidationsPerTrade: 0 });
    const req = { kind: 'liquidations', exchange: 'binance', symbol: PERP } as const;
    const rec = new Recorder<typeof req>();
    const sub = rig.hub.subscribe(req, rec.consume);
    await rig.emulator.waitForStats((st) => (st.subscriptions['fstream:btcusdt@forceOrder'] ?? 0) >= 1, 20_000);
    const price = rig.emulator.trades(PERP).at(-1)!.price;
    const received = (from: number) => rec.events.flatMap((e) => (e.type === 'liquidations' ? e.liquidations : [])).filter((l) => l.timestamp >= from);
    // Three in one second: Binance pushes only the last of them.
    const burst = rig.emulator.injectLiquidations(PERP, [
      { side: 'sell', price, amount: 1.5 },
      { side: 'buy', price: price + 10, amount: 0.25 },
      { side: 'sell', price: price - 10, amount: 3 },
    ]);
    const from = burst[0]!.timestamp;
    await rec.next(() => received(from).length >= 1, 'the burst', 10_000);
    const single = rig.emulator.injectLiquidations(PERP, [{ side: 'buy', price: price + 5, amount: 0.5 }]);
    await rec.next(() => received(from).length >= 2, 'the next one', 10_000);
    const truth: Liquidation[] = rig.emulator.liquidations(PERP, from).map(asReceived);
    assert.deepEqual(truth.map((l) => l.timestamp), [burst[2]!.timestamp, single[0]!.timestamp]);
    assert.deepEqual(received(from), truth);
    sub.dispose();
    await rig.hub.whenStreamsIdle();
    assert.deepEqual(rig.hub.activeStreams(), []);
  });

  it('broken forceOrder frames are dropped at the boundary: the stream stays live and the next liquidation arrives intact', async () => {
    rig = await start({ tradesPerSecond: 0, liquidationsPerTrade: 0 });
    const req = { kind: 'liquidations', exchange: 'binance', symbol: PERP } as const;
    const rec = new Recorder<typeof req>();
    const sub = rig.hub.subscribe(req, rec.consume);
    const topic = 'fstream:btcusdt@forceOrder';
    await rig.emulator.waitForStats((st) => (st.subscriptions[topic] ?? 0) >= 1, 20_000);
    assert.equal(rig.emulator.sendMalformed('bad-fields', topic), 1);
    assert.equal(rig.emulator.sendMalformed('invalid-json', topic), 1);
    const price = rig.emulator.trades(PERP).at(-1)!.price;
    const [after] = rig.emulator.injectLiquidations(PERP, [{ side: 'buy', price, amount: 0.75 }]);
    await rec.next((e) => e.type === 'liquidations' && e.liquidations.some((l) => l.timestamp === after!.timestamp), 'the liquidation after the broken frames', 10_000);
    const all = rec.events.flatMap((e) => (e.type === 'liquidations' ? e.liquidations : []));
    assert.deepEqual(all, [asReceived(after!)], 'nothing of the broken frames was delivered');
    assert.equal(rig.hub.activeStreams().length, 1);
    sub.dispose();
  });

  it('polled open interest and funding equal what the emulator served', async () => {
    rig = await start({ tradesPerSecond: 0, depthIntervalMs: 0 }, { derivativesPollMs: 100, derivativesPollSpacingMs: 50 });
    const oi: OpenInterestFigure[] = [];
    const funding: FundingFigure[] = [];
    let wake = (): void => undefined;
    const sub = rig.hub.subscribeDerivatives({ exchange: 'binance', symbol: PERP }, (e: DerivativesEvent) => {
      if (e.type === 'openInterest') oi.push(e.figure);
      else if (e.type === 'funding') funding.push(e.figure);
      wake();
    });
    await new Promise<void>((resolve) => {
      wake = () => (oi.length >= 2 && funding.length >= 2 ? resolve() : undefined);
    });
    sub.dispose();
    const truth = rig.emulator.derivatives(PERP);
    for (const f of funding) assert.deepEqual([f.rate, f.markPrice, f.nextFundingTime], [truth.fundingRate, truth.markPrice, truth.nextFundingTime]);
    for (const o of oi) assert.equal(o.contracts, rig.emulator.openInterestAt(PERP, o.timestamp));
    const paths = new Set(rig.emulator.restLog().map((e) => e.path));
    assert.ok(paths.has('/fapi/v1/openInterest') && paths.has('/fapi/v1/premiumIndex'), [...paths].join(', '));
  });
});
