/**
 * An aggregate's footprint (issue 15), real ccxt against the Binance, Coinbase and Bybit emulators: its cells equal
 * the legs' merged ground-truth logs (base units, each trade at the aggregate's VWAP price), across a dropped socket
 * on one leg; the last consumer gone, no leg stream is left. A leg's hole filled after the merge passed its time
 * lands in the bars of its trades' time (every bar's buy and sell volume the logs'); one given up marks its bars partial.
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
    log.lines.length = 0; // each test reads its own run's lines
    rig = await LegsRig.start({ seed: 31, tradesPerSecond: 10, historyMinutes: 5, liquidationsPerTrade: 0 }, log);
  });
  afterEach(async () => {
    feed?.dispose();
    feed = undefined;
    await rig?.close();
    rig = undefined;
  });

  /** A footprint of 1m and 1s bars from now on, its snapshots in and three 1s bars after them. */
  async function started(opts: { holdMs: number; backoff?: { baseMs: number; maxMs: number; factor: number; jitter: number } }): Promise<{ view: View; since: number; buckets: PriceBuckets }> {
    const h = rig!.hub;
    const tick = (await h.markets('binance')).find((m) => m.symbol === 'BTC/USDT')!.tickSize!;
    const buckets = priceBuckets(tick, autoMultiple(tick, rig!.emulator('binance').trades('BTC/USDT').at(-1)!.price, 2e-5));
    const since = bucketStart('1s', Date.now());
    const view = new View();
    feed = aggregateFootprintFeed({ source: h, definition: DEFINITION, timeframes: TIMEFRAMES, buckets, since, holdMs: opts.holdMs, ...(opts.backoff ? { backoff: opts.backoff } : {}), log });
    feed.onEvent(view.consume);
    feed.start();
    await view.until(() => view.bars.size === TIMEFRAMES.length, () => 'the snapshots');
    const later = view.sorted('1s').length + 3;
    await view.until(() => view.sorted('1s').length >= later, () => 'three more 1s bars');
    return { view, since, buckets };
  }

  /** Binance's socket dropped, trades made on it while it is down; resolves once it is live again, with them. */
  async function dropBinance(): Promise<readonly { timestamp: number }[]> {
    const h = rig!.hub;
    const binance = new Recorder<Extract<SubscriptionRequest, { kind: 'trades' }>>();
    const watch = h.subscribe({ kind: 'trades', exchange: 'binance', symbol: 'BTC/USDT' }, binance.consume);
    const reconnecting = binance.upcoming((e) => e.type === 'state' && e.state.status === 'reconnecting', 'binance reconnecting');
    assert.ok(rig!.emulator('binance').dropConnections() > 0, 'a Binance socket to drop');
    await reconnecting;
    const price = rig!.emulator('binance').trades('BTC/USDT').at(-1)!.price;
    const made = rig!.emulator('binance').injectTrades('BTC/USDT', [
      { price, amount: 0.7, side: 'buy' },
      { price, amount: 0.3, side: 'sell' },
    ]);
    await binance.upcoming((e) => e.type === 'state' && e.state.status === 'live', 'binance live again', 30_000);
    watch.dispose();
    return made;
  }

  const volumes = (bars: readonly FootprintBar[]) => bars.map((b) => [b.time, Math.round(b.buyVolume * 1e8) / 1e8, Math.round(b.sellVolume * 1e8) / 1e8]);
  function truthVolumes(truth: readonly MergedTrade[], tf: Timeframe): Array<[number, number, number]> {
    const bars = new Map<number, [number, number, number]>();
    for (const t of truth) {
      const time = bucketStart(tf, t.timestamp);
      const bar = bars.get(time) ?? [time, 0, 0];
      if (t.side === 'buy') bar[1] += t.base;
      else bar[2] += t.base;
      bars.set(time, bar);
    }
    return [...bars.values()].sort((a, b) => a[0] - b[0]).map(([time, buy, sell]) => [time, Math.round(buy * 1e8) / 1e8, Math.round(sell * 1e8) / 1e8]);
  }

  it("a leg's hole filled after the merge passed its time: its trades land in the bars of their time, every bar's buy and sell volume the logs'", async () => {
    const { view, since } = await started({ holdMs: 200 });
    // Binance's REST answers only once the merged stream has moved past the trades made while its socket was down.
    const release = rig!.emulator('binance').holdRest();
    let made: readonly { timestamp: number }[];
    try {
      made = await dropBinance();
      const past = Math.max(...made.map((t) => t.timestamp)) + 2000;
      await view.until(() => (view.sorted('1s').at(-1)?.time ?? 0) > past, () => 'the merged stream past the hole');
    } finally {
      release();
    }
    await log.line(/came after the merged stream had passed their time: sent on as late trades/);
    for (const e of rig!.emulators.values()) e.setTradesPerSecond(0);
    const truth = await mergedTruth(rig!.hub, rig!.emulators, LEGS, since);
    assert.ok(made.every((m) => truth.some((t) => t.leg === 0 && t.timestamp === m.timestamp)), 'the trades made while down are in the logs');
    const expected = truthVolumes(truth, '1s');
    await view.until(
      () => JSON.stringify(volumes(view.sorted('1s'))) === JSON.stringify(expected),
      () => `every 1s bar's volume to equal the merged logs' (${JSON.stringify(volumes(view.sorted('1s')).filter((v, i) => JSON.stringify(v) !== JSON.stringify(expected[i])).slice(0, 3))})`,
    );
    assert.deepEqual(volumes(view.sorted('1m')), truthVolumes(truth, '1m'), '1m volumes');
    for (const m of made) {
      const bar = view.sorted('1s').find((b) => b.time === bucketStart('1s', m.timestamp));
      assert.ok(bar && bar.partial === undefined, `the 1s bar of ${new Date(m.timestamp).toISOString()} is whole, with its late trades`);
    }
    assert.ok(!view.events.some((e) => e.type === 'hole'), 'no hole told: the leg filled it');
  });

  it("Bybit's server stopped across 1s boundaries: the bars that start meanwhile are partial (the others trade on); once it is back and its hole filled, every bar is whole and equals the merged logs", async () => {
    const { view, since } = await started({ holdMs: 200 });
    await rig!.emulator('bybit').stop();
    const stopped = Date.now();
    const startedSince = (): FootprintBar[] => view.sorted('1s').filter((b) => b.time > stopped);
    await view.until(() => startedSince().length >= 2, () => 'two 1s bars started after the stop (Binance and Coinbase trade on)');
    const during = startedSince();
    assert.deepEqual(during.filter((b) => b.partial !== true).map((b) => b.time), [], 'every bar that started while Bybit was away is partial');
    await rig!.emulator('bybit').restart();
    await view.until(() => view.sorted('1s').filter((b) => b.time >= since).every((b) => b.partial === undefined) && startedSince().length > during.length + 2, () => 'every 1s bar whole again once Bybit is back', 60_000);
    for (const e of rig!.emulators.values()) e.setTradesPerSecond(0);
    const truth = await mergedTruth(rig!.hub, rig!.emulators, LEGS, since);
    assert.ok(truth.some((t) => t.leg === LEGS.findIndex((l) => l.exchange === 'bybit') && t.timestamp > stopped && bucketStart('1s', t.timestamp) <= (during.at(-1)?.time ?? 0)), 'Bybit traded in the bars made while it was away');
    const expected = truthVolumes(truth, '1s');
    await view.until(
      () => JSON.stringify(volumes(view.sorted('1s'))) === JSON.stringify(expected),
      () => `every 1s bar's volume to equal the merged logs' (${JSON.stringify(volumes(view.sorted('1s')).filter((v, i) => JSON.stringify(v) !== JSON.stringify(expected[i])).slice(0, 3))})`,
    );
    assert.deepEqual(view.sorted('1s').filter((b) => b.partial === true).map((b) => b.time), [], 'none partial');
  });

  it("a leg's hole given up: the feed says so, naming the leg, and the bars over it are partial", async () => {
    const { view } = await started({ holdMs: 200, backoff: { baseMs: 20, maxMs: 40, factor: 2, jitter: 0 } });
    rig!.emulator('binance').failRest({ status: 503, count: 100_000, path: 'aggTrades' });
    const made = await dropBinance();
    await view.until(() => view.events.some((e) => e.type === 'hole'), () => 'the hole told', 60_000);
    const hole = view.events.find((e) => e.type === 'hole');
    assert.ok(hole?.type === 'hole');
    assert.match(hole.reason, /^binance BTC\/USDT: .*(503|not available|unavailable)/i, hole.reason);
    assert.equal(hole.retrying, false);
    assert.ok(made.every((t) => t.timestamp > hole.from && t.timestamp <= hole.until), `the trades made while down are in the span ${JSON.stringify(hole)}`);
    await view.until(() => view.sorted('1s').some((b) => b.time === bucketStart('1s', made[0]!.timestamp)), () => 'the bar of the hole');
    const over = view.sorted('1s').filter((b) => b.time + 1000 > hole.from && b.time <= hole.until);
    assert.ok(over.length > 0 && over.every((b) => b.partial === true), `the 1s bars over the span are partial: ${JSON.stringify(over.map((b) => [b.time, b.partial]))}`);
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
