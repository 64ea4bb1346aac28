/**
 * An aggregate's footprint (issue 15), real ccxt against the Binance, Coinbase and Bybit emulators: its cells equal
 * the legs' merged ground-truth logs (base units, each trade at the aggregate's VWAP price), across a dropped socket
 * on one leg; the last consumer gone, no leg stream is left.
 */
import * as assert from 'node:assert/strict';
import { aggregateFootprintFeed } from '../../src/core/aggregate/aggregateFootprint';
import type { SubscriptionRequest } from '../../src/core/hub/requests';
import type { FootprintBar } from '../../src/core/orderflow/footprintBar';
import type { FootprintFeed, FootprintFeedEvent } from '../../src/core/orderflow/footprintFeed';
import { autoMultiple, bucketIndex, bucketPrice, priceBuckets, type PriceBuckets } from '../../src/core/orderflow/priceBuckets';
import { bucketStart, type Timeframe } from '../../src/core/timeframes';
import { captureLog, Recorder } from '../helpers/emulatorHub';
import { LegsRig } from '../helpers/legsRig';
import { DEFINITION, LEGS, mergedTruth, type MergedTrade } from '../helpers/aggregateTruth';

const TIMEFRAMES: readonly Timeframe[] = ['1m', '1s'];

/** Bars by time per timeframe, every change merged by price into the bar held (as the chart's webview does). */
class View {
  readonly bars = new Map<Timeframe, Map<number, FootprintBar>>();
  readonly events: FootprintFeedEvent[] = [];
  private readonly waiters: Array<() => void> = [];
  readonly consume = (e: FootprintFeedEvent): void => {
    this.events.push(e);
    if (e.type === 'snapshot') this.bars.set(e.timeframe, new Map(e.bars.map((b) => [b.time, b])));
    if (e.type === 'bars') {
      const held = this.bars.get(e.timeframe);
      for (const b of e.bars) {
        const cells = new Map((held?.get(b.time)?.cells ?? []).map((c) => [c.price, c]));
        for (const c of b.cells) cells.set(c.price, c);
        held?.set(b.time, { ...b, cells: [...cells.values()].sort((x, y) => x.price - y.price) });
      }
    }
    for (const w of this.waiters.splice(0)) w();
  };
  sorted(tf: Timeframe): FootprintBar[] {
    return [...(this.bars.get(tf)?.values() ?? [])].sort((a, b) => a.time - b.time);
  }
  /** Resolves when `pred` holds, checked after every feed event. */
  async until(pred: () => boolean, what: () => string, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pred()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what()}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.max(0, deadline - Date.now()) + 1);
        this.waiters.push(() => (clearTimeout(t), resolve()));
      });
    }
  }
}

/** The reference cells: the merged trades summed in their order, per bar and bucket of the aggregate's price. */
function truthCells(trades: readonly MergedTrade[], tf: Timeframe, buckets: PriceBuckets): Array<[number, Array<[number, number, number]>]> {
  const bars = new Map<number, Map<number, [number, number, number]>>();
  for (const t of trades) {
    const time = bucketStart(tf, t.timestamp);
    let bar = bars.get(time);
    if (!bar) bars.set(time, (bar = new Map()));
    const price = bucketPrice(bucketIndex(t.price, buckets), buckets);
    const cell = bar.get(price) ?? [price, 0, 0];
    if (t.side === 'buy') cell[1] += t.base;
    else cell[2] += t.base;
    bar.set(price, cell);
  }
  return [...bars].map(([time, cells]) => [time, [...cells.values()].sort((a, b) => a[0] - b[0])]);
}

describe("an aggregate's footprint across Binance, Coinbase and Bybit (real ccxt, emulators)", function () {
  this.timeout(120_000);
  let rig: LegsRig | undefined;
  let feed: FootprintFeed | undefined;
  const log = captureLog();

  beforeEach(async () => {
    rig = await LegsRig.start({ seed: 31, tradesPerSecond: 10, historyMinutes: 5, liquidationsPerTrade: 0 }, log);
  });
  afterEach(async () => {
    feed?.dispose();
    feed = undefined;
    await rig?.close();
    rig = undefined;
  });

  it('cells equal the merged logs per bar and bucket of the aggregate price (base units), across a dropped Bybit socket; dispose leaves no stream', async () => {
    const h = rig!.hub;
    const tick = (await h.markets('binance')).find((m) => m.symbol === 'BTC/USDT')!.tickSize!;
    const buckets = priceBuckets(tick, autoMultiple(tick, rig!.emulator('binance').trades('BTC/USDT').at(-1)!.price, 2e-5));
    // Starts inside the minute: the 1m bar it cuts is partial, the 1s bars after it whole.
    const since = bucketStart('1s', Date.now());
    const view = new View();
    feed = aggregateFootprintFeed({ source: h, definition: DEFINITION, timeframes: TIMEFRAMES, buckets, since, holdMs: 5000, log });
    feed.onEvent(view.consume);
    feed.start();
    await view.until(() => view.bars.size === TIMEFRAMES.length, () => 'the snapshots');
    const bars = () => view.sorted('1s').length;
    const later = bars() + 3;
    await view.until(() => bars() >= later, () => 'three more 1s bars');

    // Drop Bybit's socket (the perpetual: contract sizes apply); the aggregate says reconnecting, then live again.
    const bybit = new Recorder<Extract<SubscriptionRequest, { kind: 'trades' }>>();
    const watch = h.subscribe({ kind: 'trades', exchange: 'bybit', symbol: 'BTC/USDT:USDT' }, bybit.consume);
    const reconnecting = bybit.upcoming((e) => e.type === 'state' && e.state.status === 'reconnecting', 'bybit reconnecting');
    assert.ok(rig!.emulator('bybit').dropConnections() > 0, 'a Bybit socket to drop');
    await reconnecting;
    await bybit.upcoming((e) => e.type === 'state' && e.state.status === 'live', 'bybit live again', 30_000);
    watch.dispose();
    const after = bars() + 3;
    await view.until(() => bars() >= after, () => 'three more 1s bars after the drop');
    assert.ok(view.events.some((e) => e.type === 'state' && e.state.status === 'reconnecting' && /bybit/.test(e.state.reason)), 'the feed saw the leg reconnect');

    for (const e of rig!.emulators.values()) e.setTradesPerSecond(0);
    const truth = await mergedTruth(h, rig!.emulators, LEGS, since);
    assert.ok(truth.length > 50, `trades: ${truth.length}`);
    assert.ok(new Set(truth.map((t) => t.leg)).size === 3, 'every leg traded');
    const cells = (tf: Timeframe) => view.sorted(tf).map((b): [number, Array<[number, number, number]>] => [b.time, b.cells.map((c) => [c.price, c.buy, c.sell])]);
    // Every trade is in once every leg is quiet (the merge lets the rest through after its hold).
    const expected1s = truthCells(truth, '1s', buckets);
    await view.until(
      () => JSON.stringify(cells('1s')) === JSON.stringify(expected1s),
      () => `the 1s cells to equal the merged logs (${cells('1s').length} bars vs ${expected1s.length})`,
    );
    for (const tf of TIMEFRAMES) {
      // Exact: the same base amounts summed in the same (merged) order.
      assert.deepEqual(cells(tf), truthCells(truth, tf, buckets), `${tf} cells`);
      for (const bar of view.sorted(tf)) {
        const inBar = truth.filter((t) => bucketStart(tf, t.timestamp) === bar.time);
        assert.deepEqual([bar.open, bar.high, bar.low, bar.close], [inBar[0]!.price, Math.max(...inBar.map((t) => t.price)), Math.min(...inBar.map((t) => t.price)), inBar.at(-1)!.price], `${tf} OHLC at ${bar.time}`);
        assert.equal(bar.partial, tf === '1m' && bar.time < since ? true : undefined, `${tf} bar ${new Date(bar.time).toISOString()}: only the minute the footprint began inside is partial`);
      }
    }
    assert.ok(!log.lines.some((l) => /came after the merged stream/.test(l)), 'no trade came late');

    feed.dispose();
    feed = undefined;
    await h.whenStreamsIdle();
    assert.deepEqual(h.activeStreams(), [], 'the footprint closed, no leg stream is left');
  });
});
