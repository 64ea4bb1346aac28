/** Footprint, delta/CVD and volume profile against the emulator's ground-truth trade log (real ccxt), across a socket drop. */
import * as assert from 'node:assert/strict';
import { FootprintFeed, type FootprintFeedEvent, type FootprintFeedOptions } from '../../src/core/orderflow/footprintFeed';
import type { FootprintBar } from '../../src/core/orderflow/footprintBar';
import type { DeltaBar } from '../../src/core/orderflow/cvdSeries';
import { autoMultiple, bucketIndex, bucketPrice, priceBuckets, type PriceBuckets } from '../../src/core/orderflow/priceBuckets';
import { volumeProfile } from '../../src/core/orderflow/volumeProfile';
import type { SubscriptionRequest } from '../../src/core/hub/requests';
import { bucketStart, nextBucketStart, timeframeMs, type Timeframe } from '../../src/core/timeframes';
import type { EmulatorTrade, ExchangeId } from '../../src/emulator/types';
import type { MarketKey } from '../../src/core/keys';
import { footprintLoadingLabel } from '../../src/webviews/chart/footprintLoading';
import { Recorder, Rig } from '../helpers/emulatorHub';

const BTC = { exchange: 'binance', symbol: 'BTC/USDT' } as const;
const SPEED = 8; // emulator time runs 8× wall time
const TIMEFRAMES: readonly Timeframe[] = ['1m', '3m', '5m'];

/** What a consumer holds after applying every event: bars and delta bars by time, per timeframe. */
class FootprintView {
  readonly bars = new Map<Timeframe, Map<number, FootprintBar>>();
  readonly deltas = new Map<Timeframe, Map<number, DeltaBar>>();
  depth: number | undefined;
  readonly holes: Array<Extract<FootprintFeedEvent, { type: 'hole' }>> = [];
  readonly filled: Array<Extract<FootprintFeedEvent, { type: 'filled' }>> = [];
  readonly loading: Array<Extract<FootprintFeedEvent, { type: 'loading' }>> = [];
  /** What each event was, in order (the loading progress before the snapshots). */
  readonly order: Array<FootprintFeedEvent['type']> = [];
  readonly consume = (e: FootprintFeedEvent): void => {
    this.order.push(e.type);
    switch (e.type) {
      case 'loading':
        this.loading.push(e);
        break;
      case 'snapshot':
        this.depth = e.depth;
        this.bars.set(e.timeframe, new Map(e.bars.map((b) => [b.time, b])));
        this.deltas.set(e.timeframe, new Map(e.deltas.map((b) => [b.time, b])));
        break;
      case 'bars':
        // A change carries the changed cells (and their neighbours): merged by price into the bar held.
        for (const b of e.bars) {
          const held = this.bars.get(e.timeframe);
          const cells = new Map((held?.get(b.time)?.cells ?? []).map((c) => [c.price, c]));
          for (const c of b.cells) cells.set(c.price, c);
          held?.set(b.time, { ...b, cells: [...cells.values()].sort((x, y) => x.price - y.price) });
        }
        for (const b of e.deltas) this.deltas.get(e.timeframe)?.set(b.time, b);
        break;
      case 'hole':
        this.holes.push(e);
        break;
      case 'filled':
        this.filled.push(e);
        break;
      case 'state':
        break;
    }
  };
  sorted(tf: Timeframe): FootprintBar[] {
    return [...(this.bars.get(tf)?.values() ?? [])].sort((a, b) => a.time - b.time);
  }
}

/** The reference: cells summed straight from the log, in log order, per bar and bucket. */
function truthCells(log: readonly EmulatorTrade[], tf: Timeframe, buckets: PriceBuckets): Map<number, Map<number, { buy: number; sell: number }>> {
  const bars = new Map<number, Map<number, { buy: number; sell: number }>>();
  for (const t of log) {
    const time = bucketStart(tf, t.timestamp);
    let bar = bars.get(time);
    if (!bar) bars.set(time, (bar = new Map()));
    const price = bucketPrice(bucketIndex(t.price, buckets), buckets);
    const cell = bar.get(price) ?? { buy: 0, sell: 0 };
    if (t.side === 'buy') cell.buy += t.amount;
    else cell.sell += t.amount;
    bar.set(price, cell);
  }
  return bars;
}

const close = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b)), `${what}: ${a} vs ${b}`);

describe('footprint, delta and volume profile against the emulator (real ccxt)', function () {
  this.timeout(120_000);
  let rig: Rig | undefined;
  let coinbase: Rig<'coinbase'> | undefined;
  let feed: FootprintFeed | undefined;
  afterEach(async () => {
    feed?.dispose();
    feed = undefined;
    await rig?.close();
    rig = undefined;
    await coinbase?.close();
    coinbase = undefined;
  });

  async function startFeed(
    r: Rig<ExchangeId>,
    emuTime: () => number,
    retry: Pick<FootprintFeedOptions, 'backoff' | 'maxFillAttempts'> = {},
    historyFrom = bucketStart('5m', emuTime()) - 5 * 60_000,
    market: MarketKey = BTC,
  ): Promise<{ view: FootprintView; buckets: PriceBuckets; trades: Recorder<Extract<SubscriptionRequest, { kind: 'trades' }>> }> {
    const markets = await r.hub.markets(market.exchange);
    const tick = markets.find((m) => m.symbol === market.symbol)?.tickSize;
    assert.ok(tick, 'the market has a tick size');
    const lastPrice = r.emulator.trades(market.symbol).at(-1)?.price ?? 1;
    const buckets = priceBuckets(tick, autoMultiple(tick, lastPrice, 5e-6));
    const view = new FootprintView();
    const trades = new Recorder<Extract<SubscriptionRequest, { kind: 'trades' }>>();
    r.hub.subscribe({ kind: 'trades', ...market }, trades.consume);
    feed = new FootprintFeed({
      hub: r.hub,
      history: (m, from, ctx) => r.hub.tradesSince(m, from, ctx),
      market,
      timeframes: TIMEFRAMES,
      buckets,
      historyFrom,
      cvdReset: 'session',
      log: r.log,
      ...retry,
    });
    feed.onEvent(view.consume);
    feed.start();
    await trades.next((e) => e.type === 'state' && e.state.status === 'live', 'live', 30_000);
    await feed.settled();
    return { view, buckets, trades };
  }

  it('cells equal the log exactly per bar and bucket, across a dropped connection; delta, CVD and the profile agree with the log', async () => {
    const start = Date.now();
    const emuTime = () => start + (Date.now() - start) * SPEED;
    rig = await Rig.start({ tradesPerSecond: 200, historyMinutes: 12, now: emuTime });
    const r = rig;
    const { view, buckets, trades } = await startFeed(r, emuTime);
    const until = async (ms: number) => {
      const target = emuTime() + ms;
      while (emuTime() < target) await trades.upcoming((e) => e.type === 'trades', 'trades flowing', 10_000);
    };
    await until(60_000);
    const reconnecting = trades.upcoming((e) => e.type === 'state' && e.state.status === 'reconnecting', 'reconnecting');
    r.emulator.dropConnections();
    await reconnecting;
    await trades.upcoming((e) => e.type === 'state' && e.state.status === 'live', 'live again', 30_000);
    await until(60_000);
    r.emulator.setTradesPerSecond(0);
    const last = r.emulator.trades(BTC.symbol).at(-1)!;
    const lastId = r.emulator.wireTradeId(BTC.symbol, last);
    await trades.next((e) => e.type === 'trades' && e.trades.some((t) => t.id === lastId), 'the last trade to arrive', 20_000);
    await feed!.settled();
    assert.ok(r.log.lines.some((l) => /retrying in/.test(l)), 'the drop happened');
    assert.deepEqual(view.holes, [], 'the reconnect’s hole was filled from REST');

    const depth = view.depth;
    assert.ok(depth !== undefined, 'a snapshot came');
    assert.equal(view.order.find((t) => t === 'loading' || t === 'snapshot'), 'loading', 'the load said it began before its snapshot');
    const log = r.emulator.trades(BTC.symbol).filter((t) => t.timestamp >= depth);
    assert.ok(log.length > 2000, `minutes of trades (${log.length})`);
    let imbalances = 0;
    for (const tf of TIMEFRAMES) {
      const truth = truthCells(log, tf, buckets);
      const bars = view.sorted(tf);
      assert.deepEqual(bars.map((b) => b.time), [...truth.keys()], `${tf}: one bar per bucket that traded, from the depth reached`);
      for (const bar of bars) {
        const expected = truth.get(bar.time)!;
        // Exact: the same amounts summed in the same order.
        assert.deepEqual(bar.cells.map((c) => [c.price, c.buy, c.sell]), [...expected.entries()].sort((a, b) => a[0] - b[0]).map(([p, c]) => [p, c.buy, c.sell]), `${tf} bar ${new Date(bar.time).toISOString()}`);
        // Imbalances after merging every change: ask at p ≥ 3 × bid one bucket below, bid at p ≥ 3 × ask one above.
        const step = buckets.tickSize * buckets.multiple;
        const at = (p: number) => [...expected.entries()].find(([q]) => Math.abs(q - p) < step / 2)?.[1];
        assert.deepEqual(
          bar.cells.map((c) => [c.price, c.buyImbalance === true, c.sellImbalance === true]),
          [...expected.entries()].sort((a, b) => a[0] - b[0]).map(([p, c]) => {
            const below = at(p - step)?.sell ?? 0;
            const above = at(p + step)?.buy ?? 0;
            return [p, below > 0 && c.buy >= 3 * below, above > 0 && c.sell >= 3 * above];
          }),
          `${tf} imbalances of ${new Date(bar.time).toISOString()}`,
        );
        imbalances += bar.cells.filter((c) => c.buyImbalance || c.sellImbalance).length;
        const pocVolume = Math.max(...bar.cells.map((c) => c.buy + c.sell));
        assert.equal(bar.poc, bar.cells.find((c) => c.buy + c.sell === pocVolume)!.price, 'the POC is the lowest bucket with the most volume');
        assert.equal(bar.partial, bucketStart(tf, depth) < depth && bar.time === bucketStart(tf, depth) ? true : undefined, 'only a bar the history began inside is partial');
        const barTrades = log.filter((t) => bucketStart(tf, t.timestamp) === bar.time);
        assert.equal(bar.open, barTrades[0]!.price);
        assert.equal(bar.close, barTrades.at(-1)!.price);
        assert.equal(bar.high, Math.max(...barTrades.map((t) => t.price)));
        assert.equal(bar.low, Math.min(...barTrades.map((t) => t.price)));
      }

      // CVD: Σ buy − Σ sell of the log from the session's start (or the depth) through each bar's end.
      const deltas = [...(view.deltas.get(tf)?.values() ?? [])].sort((a, b) => a.time - b.time);
      assert.deepEqual(deltas.map((d) => d.time), bars.map((b) => b.time));
      for (const d of deltas) {
        const end = bars.find((b) => b.time > d.time)?.time ?? Number.POSITIVE_INFINITY;
        const session = bucketStart('1d', d.time);
        const span = log.filter((t) => t.timestamp >= session && bucketStart(tf, t.timestamp) <= d.time && t.timestamp < end);
        const buy = span.filter((t) => t.side === 'buy').reduce((s, t) => s + t.amount, 0);
        const sell = span.filter((t) => t.side === 'sell').reduce((s, t) => s + t.amount, 0);
        close(d.cvd, buy - sell, `${tf} CVD at ${new Date(d.time).toISOString()}`);
        const bar = bars.find((b) => b.time === d.time)!;
        close(d.delta, bar.delta, `${tf} delta of the bar and of the delta series`);
      }

      // The profile of every bar: sums to the bars' volume; POC and value area match the reference from the log.
      const profile = volumeProfile(bars)!;
      close(profile.volume, bars.reduce((s, b) => s + b.buyVolume + b.sellVolume, 0), `${tf} profile volume`);
      // Exact sums (whole 1e-8 units: the amounts have at most 8 decimals), so the reference's ties are true ties.
      const byPrice = new Map<number, number>();
      for (const t of log) {
        const p = bucketPrice(bucketIndex(t.price, buckets), buckets);
        byPrice.set(p, (byPrice.get(p) ?? 0) + Math.round(t.amount * 1e8));
      }
      const ref = referenceValueArea(byPrice);
      assert.equal(profile.poc, ref.poc, `${tf} POC`);
      assert.deepEqual([profile.valueAreaLow, profile.valueAreaHigh], [ref.low, ref.high], `${tf} value area`);
    }
    assert.ok(imbalances > 10, `imbalances were checked on real data (${imbalances})`);
  });

  /** Drops the socket while the hole's fills fail `failures` times (Binance's 400 on aggTrades); waits for trades after it. */
  async function dropWithFailingFills(r: Rig, trades: Recorder<Extract<SubscriptionRequest, { kind: 'trades' }>>, failures: number): Promise<void> {
    await trades.upcoming((e) => e.type === 'trades', 'trades flowing');
    r.emulator.failRest({ status: 400, count: failures, path: '/api/v3/aggTrades' });
    const reconnecting = trades.upcoming((e) => e.type === 'state' && e.state.status === 'reconnecting', 'reconnecting');
    r.emulator.dropConnections();
    await reconnecting;
    await trades.upcoming((e) => e.type === 'state' && e.state.status === 'live', 'live again', 30_000);
    await trades.upcoming((e) => e.type === 'trades', 'trades after the reconnect');
  }

  /**
   * Bars of each timeframe against the log, leaving out the bar in progress (it may lead the log read) and those `skip`
   * names. A bar `late` names got trades after newer ones (a retried fill's, into a bar the stream had gone on with):
   * the same amounts summed in another order, so its cells equal the log's to rounding (the prices exactly).
   */
  function compareWithLog(r: Rig, view: FootprintView, buckets: PriceBuckets, skip: (tf: Timeframe, bar: FootprintBar) => boolean, late: (tf: Timeframe, bar: FootprintBar) => boolean = () => false): number {
    const log = r.emulator.trades(BTC.symbol).filter((t) => t.timestamp >= view.depth!);
    let compared = 0;
    for (const tf of TIMEFRAMES) {
      const truth = truthCells(log, tf, buckets);
      const newest = view.sorted(tf).at(-1)?.time;
      for (const bar of view.sorted(tf)) {
        if (bar.time === newest || skip(tf, bar)) continue;
        const what = `${tf} bar ${new Date(bar.time).toISOString()}`;
        const expected = [...truth.get(bar.time)!.entries()].sort((a, b) => a[0] - b[0]).map(([p, c]) => [p, c.buy, c.sell] as const);
        if (late(tf, bar)) {
          assert.deepEqual(bar.cells.map((c) => c.price), expected.map(([p]) => p), `${what}: its prices`);
          bar.cells.forEach((c, i) => {
            close(c.buy, expected[i]![1], `${what} buy at ${c.price}`);
            close(c.sell, expected[i]![2], `${what} sell at ${c.price}`);
          });
        } else assert.deepEqual(bar.cells.map((c) => [c.price, c.buy, c.sell]), expected, what);
        compared++;
      }
    }
    return compared;
  }

  it('hours of a quiet market, opened on a stream already live: every bar from the depth has the log\'s volume (the history stopped after its first hour and joined the live trades)', async () => {
    // 6 trades a minute before the emulator started (an hour of them is less than one page), 20 a second since.
    rig = await Rig.start({ tradesPerSecond: 20, historyMinutes: 240 });
    const r = rig;
    // A chart is open on the market: its stream is live before the footprint asks for its history.
    const chart = new Recorder<Extract<SubscriptionRequest, { kind: 'trades' }>>();
    r.hub.subscribe({ kind: 'trades', ...BTC }, chart.consume);
    await chart.next((e) => e.type === 'trades', 'the chart\'s live trades', 30_000);
    const historyFrom = bucketStart('1m', Date.now()) - 180 * 60_000;
    const { view, trades } = await startFeed(r, Date.now, {}, historyFrom);
    await trades.upcoming((e) => e.type === 'trades', 'live trades after the history', 10_000);
    r.emulator.setTradesPerSecond(0);
    const last = r.emulator.trades(BTC.symbol).at(-1)!;
    const lastId = r.emulator.wireTradeId(BTC.symbol, last);
    await trades.next((e) => e.type === 'trades' && e.trades.some((t) => t.id === lastId), 'the last trade to arrive', 20_000);
    await feed!.settled();
    assert.equal(view.depth, historyFrom, 'every trade counted from the start asked');
    assert.deepEqual(view.holes, []);
    const truth = new Map<number, { buy: number; sell: number }>();
    for (const t of r.emulator.trades(BTC.symbol, historyFrom)) {
      const bar = truth.get(bucketStart('1m', t.timestamp)) ?? { buy: 0, sell: 0 };
      bar[t.side] += t.amount;
      truth.set(bucketStart('1m', t.timestamp), bar);
    }
    const bars = view.sorted('1m');
    assert.ok(truth.size > 170, `three hours of bars (${truth.size})`);
    assert.deepEqual(bars.map((b) => b.time), [...truth.keys()], 'one bar per minute that traded');
    for (const b of bars) {
      const want = truth.get(b.time)!;
      close(b.buyVolume, want.buy, `buy volume of ${new Date(b.time).toISOString()}`);
      close(b.sellVolume, want.sell, `sell volume of ${new Date(b.time).toISOString()}`);
    }
  });

  it('on Coinbase, whose trades page backwards from now: the toolbar\'s share rises page by page as they reach back toward the start; every bar has the log\'s volume', async () => {
    const CB = { exchange: 'coinbase', symbol: 'BTC/USD' } as const;
    // 120 trades a minute before the emulator started: the 50 minutes asked are six pages of 1,000.
    coinbase = await Rig.start({ exchange: 'coinbase', tradesPerSecond: 20, historyMinutes: 60, historyTradesPerMinute: 120 });
    const r = coinbase;
    const historyFrom = bucketStart('1m', Date.now()) - 50 * 60_000;
    const { view, trades } = await startFeed(r, Date.now, {}, historyFrom, CB);
    r.emulator.setTradesPerSecond(0);
    const last = r.emulator.trades(CB.symbol).at(-1)!;
    const lastId = r.emulator.wireTradeId(CB.symbol, last);
    await trades.next((e) => e.type === 'trades' && e.trades.some((t) => t.id === lastId), 'the last trade to arrive', 20_000);
    await feed!.settled();

    const [first, ...pages] = view.loading;
    assert.equal(first?.reached, undefined, 'the load began without a share');
    assert.ok(pages.length >= 4, `a report per page (${pages.length})`);
    assert.ok(pages.every((e) => e.reached?.direction === 'backward'), 'backwards from now');
    const shares = pages.map((e) => Number(/(\d+)%$/.exec(footprintLoadingLabel({ from: e.from, until: e.until, ...(e.reached ? { reached: e.reached } : {}) }))?.[1]));
    assert.deepEqual(shares, [...shares].sort((a, b) => a - b), `the share only rises: ${shares.join(', ')}`);
    assert.ok(shares[0]! > 0 && shares[0]! < 40 && shares.at(-1)! > 70, `from the first page's share to near the whole span: ${shares.join(', ')}`);

    assert.equal(view.depth, historyFrom, 'every trade counted from the start asked');
    assert.deepEqual(view.holes, []);
    const truth = new Map<number, { buy: number; sell: number }>();
    for (const t of r.emulator.trades(CB.symbol, historyFrom)) {
      const bar = truth.get(bucketStart('1m', t.timestamp)) ?? { buy: 0, sell: 0 };
      bar[t.side] += t.amount;
      truth.set(bucketStart('1m', t.timestamp), bar);
    }
    const bars = view.sorted('1m');
    assert.deepEqual(bars.map((b) => b.time), [...truth.keys()], 'one bar per minute that traded');
    for (const b of bars) {
      const want = truth.get(b.time)!;
      close(b.buyVolume, want.buy, `buy volume of ${new Date(b.time).toISOString()}`);
      close(b.sellVolume, want.sell, `sell volume of ${new Date(b.time).toISOString()}`);
    }
  });

  it('a hole whose fill failed is fetched again on a backoff: its bars are whole again and equal the log', async () => {
    const start = Date.now();
    const emuTime = () => start + (Date.now() - start) * SPEED;
    rig = await Rig.start({ tradesPerSecond: 200, historyMinutes: 12, now: emuTime }, { restMaxAttempts: 1 });
    const r = rig;
    const { view, buckets, trades } = await startFeed(r, emuTime, { backoff: { baseMs: 200, maxMs: 1_000, factor: 2, jitter: 0 }, maxFillAttempts: 4 });
    await dropWithFailingFills(r, trades, 2);
    await feed!.settled();
    assert.deepEqual(view.holes.map((h) => h.retrying), [true], 'one hole, retried');
    const hole = view.holes[0]!;
    assert.deepEqual(view.filled, [{ type: 'filled', from: hole.from, until: hole.until }], 'the third fill got it');
    // On into the next minute: the 1m bar over the hole is compared too, not left out as the bar in progress.
    const nextMinute = nextBucketStart('1m', hole.until);
    while ((view.sorted('1m').at(-1)?.time ?? 0) < nextMinute) await trades.upcoming((e) => e.type === 'trades', 'trades of the minute after the hole', 10_000);
    await feed!.settled();
    const depth = view.depth!;
    let overHole = 0;
    for (const tf of TIMEFRAMES) {
      for (const bar of view.sorted(tf)) {
        const startsBeforeDepth = bar.time < depth && depth < bar.time + 60_000 * Number(tf.replace('m', ''));
        if (!startsBeforeDepth) assert.equal(bar.partial, undefined, `${tf} bar ${new Date(bar.time).toISOString()} is whole`);
        if (bar.time >= bucketStart(tf, hole.from) && bar.time <= hole.until) overHole++;
      }
    }
    // The hole's trades came after the stream had gone on: the bars over it summed them last.
    const overTheHole = (tf: Timeframe, bar: FootprintBar) => bar.time <= hole.until && hole.from < bar.time + timeframeMs(tf);
    const compared = compareWithLog(r, view, buckets, (_tf, bar) => bar.partial === true, overTheHole);
    assert.ok(overHole >= TIMEFRAMES.length && compared >= 5, `bars over the hole (${overHole}) compared with the rest (${compared})`);
  });

  it('a hole whose fills keep failing is given up after maxFillAttempts, its bars partial; dispose stops a retry waiting for its backoff', async () => {
    const start = Date.now();
    const emuTime = () => start + (Date.now() - start) * SPEED;
    rig = await Rig.start({ tradesPerSecond: 200, historyMinutes: 12, now: emuTime }, { restMaxAttempts: 1 });
    const r = rig;
    const fills = () => r.emulator.stats().restRequests['/api/v3/aggTrades'] ?? 0;
    const { view, buckets, trades } = await startFeed(r, emuTime, { backoff: { baseMs: 100, maxMs: 400, factor: 2, jitter: 0 }, maxFillAttempts: 3 });
    const before = fills();
    await dropWithFailingFills(r, trades, 1_000);
    await feed!.settled();
    assert.deepEqual(view.holes.map((h) => h.retrying), [true, false], 'retried, then given up');
    assert.equal(fills() - before, 3, 'three fills of the hole');
    assert.deepEqual(view.filled, []);
    const hole = view.holes[0]!;
    const over = (tf: Timeframe, bar: FootprintBar) => bar.time >= bucketStart(tf, hole.from) && bar.time <= hole.until;
    let partial = 0;
    for (const tf of TIMEFRAMES) {
      for (const bar of view.sorted(tf).filter((b) => over(tf, b))) {
        assert.equal(bar.partial, true, `${tf} bar ${new Date(bar.time).toISOString()} over the hole is partial`);
        partial++;
      }
    }
    const compared = compareWithLog(r, view, buckets, (tf, bar) => over(tf, bar) || bar.partial === true);
    assert.ok(partial >= TIMEFRAMES.length && compared >= 5, `bars over the hole (${partial}) and outside it (${compared})`);

    // A second drop whose retry waits a minute: disposing ends the wait (settled() would not resolve for a minute).
    feed!.dispose();
    const { trades: trades2 } = await startFeed(r, emuTime, { backoff: { baseMs: 60_000, maxMs: 60_000, factor: 2, jitter: 0 }, maxFillAttempts: 3 });
    const second = feed!;
    const holeSeen = new Promise<void>((resolve) => second.onEvent((e) => e.type === 'hole' && resolve()));
    await dropWithFailingFills(r, trades2, 1_000);
    await holeSeen;
    const atDispose = fills();
    second.dispose();
    await second.settled();
    assert.equal(fills(), atDispose, 'no fill after dispose');
  });

  it('a reconnect whose missed trades cannot be fetched marks the bars over the hole partial; the rest still equal the log', async () => {
    const start = Date.now();
    const emuTime = () => start + (Date.now() - start) * SPEED;
    rig = await Rig.start({ tradesPerSecond: 200, historyMinutes: 12, now: emuTime }, { restMaxAttempts: 1 });
    const r = rig;
    const { view, buckets, trades } = await startFeed(r, emuTime, { maxFillAttempts: 1 });
    await dropWithFailingFills(r, trades, 1);
    await feed!.settled();
    assert.equal(view.holes.length, 1, 'one hole');
    const hole = view.holes[0]!;
    assert.equal(hole.retrying, false, 'one attempt allowed: no retry');
    const depth = view.depth!;
    const log = r.emulator.trades(BTC.symbol).filter((t) => t.timestamp >= depth && t.timestamp <= r.emulator.trades(BTC.symbol).at(-1)!.timestamp);
    let compared = 0;
    let partial = 0;
    for (const tf of TIMEFRAMES) {
      const truth = truthCells(log, tf, buckets);
      for (const bar of view.sorted(tf)) {
        const overHole = bar.time >= bucketStart(tf, hole.from) && bar.time <= hole.until;
        if (overHole) {
          assert.equal(bar.partial, true, `${tf} bar ${new Date(bar.time).toISOString()} over the hole is partial`);
          partial++;
          continue;
        }
        if (bar.partial || bar.time === [...view.bars.get(tf)!.keys()].reduce((a, b) => Math.max(a, b), 0)) continue; // the bar in progress may lead the log read
        const expected = truth.get(bar.time)!;
        assert.deepEqual(bar.cells.map((c) => [c.price, c.buy, c.sell]), [...expected.entries()].sort((a, b) => a[0] - b[0]).map(([p, c]) => [p, c.buy, c.sell]), `${tf} bar ${new Date(bar.time).toISOString()} outside the hole`);
        compared++;
      }
    }
    assert.ok(partial >= TIMEFRAMES.length && compared >= 5, `bars over the hole (${partial}) and outside it (${compared})`);
  });
});

/** The value area by the textbook rule, from exact volume per price: POC first, then the larger neighbour (upper on a tie) until 70 %. */
function referenceValueArea(byPrice: Map<number, number>): { poc: number; low: number; high: number } {
  const rows = [...byPrice.entries()].sort((a, b) => a[0] - b[0]);
  const total = rows.reduce((s, [, v]) => s + v, 0);
  let poc = 0;
  rows.forEach(([, v], i) => {
    if (v > rows[poc]![1]) poc = i;
  });
  let lo = poc;
  let hi = poc;
  let taken = rows[poc]![1];
  while (taken < 0.7 * total) {
    const up = hi + 1 < rows.length ? rows[hi + 1]![1] : -1;
    const down = lo > 0 ? rows[lo - 1]![1] : -1;
    if (up < 0 && down < 0) break;
    if (up >= down) taken += rows[++hi]![1];
    else taken += rows[--lo]![1];
  }
  return { poc: rows[poc]![0], low: rows[lo]![0], high: rows[hi]![0] };
}
