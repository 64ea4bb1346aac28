/**
 * One market's footprint, candles and volume profile while its exchange's server is away across bar boundaries
 * (1s bars, so several start during the outage), with the backfill after it: every bar of the outage equals the
 * emulator's ground-truth log, none doubled, none missing. Real ccxt, the emulator stopped and restarted.
 */
import * as assert from 'node:assert/strict';
import { FootprintFeed, type FootprintFeedEvent } from '../../src/core/orderflow/footprintFeed';
import type { FootprintBar } from '../../src/core/orderflow/footprintBar';
import { autoMultiple, bucketIndex, bucketPrice, priceBuckets } from '../../src/core/orderflow/priceBuckets';
import { volumeProfile } from '../../src/core/orderflow/volumeProfile';
import type { SubscriptionRequest } from '../../src/core/hub/requests';
import { bucketStart } from '../../src/core/timeframes';
import type { Candle } from '../../src/core/types';
import { Recorder, Rig } from '../helpers/emulatorHub';
import { referenceCandles } from '../helpers/referenceCandles';

const BTC = { exchange: 'binance', symbol: 'BTC/USDT' } as const;
const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b)), `${what}: ${a} vs ${b}`);

describe("one market's footprint, candles and profile across its server's outage over bar boundaries (real ccxt, emulator)", function () {
  this.timeout(90_000);
  let rig: Rig | undefined;
  let feed: FootprintFeed | undefined;
  const subs: Array<{ dispose(): void }> = [];
  afterEach(async () => {
    feed?.dispose();
    feed = undefined;
    for (const s of subs.splice(0)) s.dispose();
    await rig?.close();
    rig = undefined;
  });

  it('the 1s bars that started while the server was away are filled exactly from REST after it: cells, candles and the profile equal the log', async () => {
    const r = (rig = await Rig.start({ tradesPerSecond: 40 }));
    const markets = await r.hub.markets(BTC.exchange);
    const tick = markets.find((m) => m.symbol === BTC.symbol)?.tickSize;
    assert.ok(tick !== undefined);
    const buckets = priceBuckets(tick, autoMultiple(tick, r.emulator.trades(BTC.symbol).at(-1)?.price ?? 1, 5e-6));
    const bars = new Map<number, FootprintBar>();
    let depth: number | undefined;
    const footprint = (e: FootprintFeedEvent): void => {
      if (e.type === 'snapshot') {
        depth = e.depth;
        for (const b of e.bars) bars.set(b.time, b);
      } else if (e.type === 'bars')
        for (const b of e.bars) {
          const cells = new Map((bars.get(b.time)?.cells ?? []).map((c) => [c.price, c]));
          for (const c of b.cells) cells.set(c.price, c);
          bars.set(b.time, { ...b, cells: [...cells.values()].sort((x, y) => x.price - y.price) });
        }
    };
    const trades = new Recorder<Extract<SubscriptionRequest, { kind: 'trades' }>>();
    subs.push(r.hub.subscribe({ kind: 'trades', ...BTC }, trades.consume));
    const candleReq = { kind: 'candles', ...BTC, timeframe: '1s', historyBars: 10 } as const;
    const candles = new Recorder<typeof candleReq>();
    subs.push(r.hub.subscribe(candleReq, candles.consume));
    const held = new Map<number, Candle>();
    const keep = (): void => {
      for (const e of candles.events.splice(0)) {
        if (e.type === 'snapshot') for (const c of e.candles) held.set(c.time, c);
        else if (e.type === 'deltas') for (const d of e.deltas) held.set(d.candle.time, d.candle);
      }
    };
    feed = new FootprintFeed({ hub: r.hub, history: (m, from, ctx) => r.hub.tradesSince(m, from, ctx), market: BTC, timeframes: ['1s'], buckets, historyFrom: Date.now() - 3_000, cvdReset: 'session', log: r.log });
    feed.onEvent(footprint);
    feed.start();
    await trades.next((e) => e.type === 'state' && e.state.status === 'live', 'live', 30_000);
    await feed.settled();
    await candles.next((e) => e.type === 'snapshot', 'the candles snapshot', 30_000);
    await trades.upcoming((e) => e.type === 'trades', 'trades flowing');

    // Away while the market trades on in three 1s bars at least (two start during the outage).
    const reconnecting = trades.upcoming((e) => e.type === 'state' && e.state.status === 'reconnecting', 'reconnecting', 30_000);
    await r.emulator.stop();
    const stopped = Date.now();
    await reconnecting;
    await new Promise<void>((resolve) => {
      const seconds = new Set<number>();
      const onTrade = (_symbol: string, t: { timestamp: number }): void => {
        if (t.timestamp > stopped) seconds.add(bucketStart('1s', t.timestamp));
        if (seconds.size < 3) return;
        r.emulator.off('trade', onTrade);
        resolve();
      };
      r.emulator.on('trade', onTrade);
    });
    await r.emulator.restart();
    const restarted = Date.now();
    await trades.upcoming((e) => e.type === 'state' && e.state.status === 'live', 'live again', 30_000);
    await trades.upcoming((e) => e.type === 'trades', 'trades after the restart', 30_000);
    r.emulator.setTradesPerSecond(0);
    const last = r.emulator.trades(BTC.symbol).at(-1)!;
    const lastId = r.emulator.wireTradeId(BTC.symbol, last);
    if (!trades.events.some((e) => e.type === 'trades' && e.trades.some((t) => t.id === lastId))) await trades.next((e) => e.type === 'trades' && e.trades.some((t) => t.id === lastId), 'the last trade', 20_000);
    await feed.settled();
    // The candles' bar of the last trade closes with a trade in the next second.
    r.emulator.injectTrades(BTC.symbol, [{ price: last.price, amount: 0.001, side: 'buy', timestamp: Math.max(Date.now(), bucketStart('1s', last.timestamp) + 1_000) }]);
    const closer = r.emulator.trades(BTC.symbol).at(-1)!;
    await candles.next((e) => e.type === 'deltas' && e.deltas.some((d) => d.kind === 'closed' && d.candle.time === bucketStart('1s', last.timestamp) && d.candle.partial !== true), 'the last bar closed whole', 30_000);
    keep();
    assert.ok(depth !== undefined);

    const log = r.emulator.trades(BTC.symbol).filter((t) => t.timestamp >= depth! && t.timestamp <= last.timestamp);
    const outage = log.filter((t) => t.timestamp > stopped && t.timestamp < restarted);
    const outageBars = new Set(outage.map((t) => bucketStart('1s', t.timestamp)));
    assert.ok(outageBars.size >= 2, `trades in ${outageBars.size} bars while the server was away`);

    // Footprint: every bar from the depth, cell by cell (the same amounts summed in log order).
    const truth = new Map<number, Map<number, { buy: number; sell: number }>>();
    for (const t of log) {
      const time = bucketStart('1s', t.timestamp);
      const bar = truth.get(time) ?? new Map<number, { buy: number; sell: number }>();
      truth.set(time, bar);
      const p = bucketPrice(bucketIndex(t.price, buckets), buckets);
      const cell = bar.get(p) ?? { buy: 0, sell: 0 };
      if (t.side === 'buy') cell.buy += t.amount;
      else cell.sell += t.amount;
      bar.set(p, cell);
    }
    const shown = [...bars.values()].filter((b) => b.time >= bucketStart('1s', depth!) && b.time <= bucketStart('1s', last.timestamp) && b.time > bucketStart('1s', depth!)).sort((a, b) => a.time - b.time);
    const expectedTimes = [...truth.keys()].filter((t) => t > bucketStart('1s', depth!)).sort((a, b) => a - b);
    assert.deepEqual(shown.filter((b) => b.cells.length > 0).map((b) => b.time), expectedTimes, 'one footprint bar per second that traded, none missing');
    for (const b of shown.filter((x) => x.cells.length > 0)) {
      const want = [...truth.get(b.time)!.entries()].sort((x, y) => x[0] - y[0]);
      const what = `footprint ${new Date(b.time).toISOString()}${outageBars.has(b.time) ? ' (outage)' : ''}`;
      assert.deepEqual(b.cells.map((c) => c.price), want.map(([p]) => p), `${what}: prices`);
      b.cells.forEach((c, i) => {
        close(c.buy, want[i]![1].buy, `${what} buy at ${c.price}`);
        close(c.sell, want[i]![1].sell, `${what} sell at ${c.price}`);
      });
      assert.equal(b.partial, undefined, `${what}: whole`);
    }
    // The profile over the outage's bars: the log's volume there, per price.
    const first = Math.min(...outageBars);
    const lastOutage = Math.max(...outageBars);
    const profile = volumeProfile(shown, first, lastOutage)!;
    close(profile.volume, log.filter((t) => t.timestamp >= first && t.timestamp < lastOutage + 1_000).reduce((s, t) => s + t.amount, 0), 'the profile over the outage');

    // Candles: every 1s bar from the footprint's depth to the last trade equals the log's (with the closer's bar after).
    const ref = referenceCandles(r.emulator.trades(BTC.symbol).filter((t) => t.timestamp <= closer.timestamp), '1s').filter((c) => c.time > bucketStart('1s', depth!) && c.time <= bucketStart('1s', last.timestamp));
    const got = ref.map((c) => held.get(c.time));
    ref.forEach((c, i) => {
      const g = got[i];
      const what = `candle ${new Date(c.time).toISOString()}${outageBars.has(c.time) ? ' (outage)' : ''}`;
      assert.ok(g, `${what}: held`);
      assert.deepEqual([g.open, g.high, g.low, g.close, g.partial === true], [c.open, c.high, c.low, c.close, false], what);
      close(g.volume, c.volume, `${what} volume`);
    });
  });
});
