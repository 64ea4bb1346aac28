/**
 * A replay playing through a hole of its recording: its trade stream goes through `reconnecting` there, naming the
 * hole, and the bars the hole touches come out partial, as the history's do; the bars around it are whole.
 */
import * as assert from 'node:assert/strict';
import type { SubscriptionRequest } from '../../../src/core/hub/requests';
import type { Candle, Trade } from '../../../src/core/types';
import { Recorder } from '../../helpers/emulatorHub';
import { RecordedReplay } from '../../helpers/recordedReplay';
import { FootprintFeed, type FootprintFeedEvent } from '../../../src/core/orderflow/footprintFeed';
import { priceBuckets } from '../../../src/core/orderflow/priceBuckets';
import type { ReplayState } from '../../../src/core/replay/replaySession';

const market = { exchange: 'bybit', symbol: 'BTC/USDT:USDT' } as const;
const T0 = Date.UTC(2026, 11, 1, 12);
const trade = (n: number): Trade => ({ id: String(n), timestamp: T0 + n * 1000, price: 100 + (n % 7), amount: 1, side: n % 2 ? 'buy' : 'sell' });
const range = (from: number, to: number): Trade[] => Array.from({ length: to - from + 1 }, (_, i) => trade(from + i));
const ts = (n: number) => trade(n).timestamp;
type Candles = Extract<SubscriptionRequest, { kind: 'candles' }>;
type Trades = Extract<SubscriptionRequest, { kind: 'trades' }>;
type Book = Extract<SubscriptionRequest, { kind: 'orderbook' }>;

/** Each bar as [seconds after T0, partial, partial since (seconds after T0) or null]. */
const marks = (bars: readonly Candle[]) => bars.map((b) => [(b.time - T0) / 1000, b.partial === true, b.partialSince === undefined ? null : (b.partialSince - T0) / 1000]);

describe('a replay playing through a hole of its recording', () => {
  let replay: RecordedReplay | undefined;
  afterEach(async () => {
    await replay?.close();
    replay = undefined;
  });

  it('its trade stream says reconnecting, naming the hole; the bars the hole touches come out partial, the others whole', async () => {
    const hole = { kind: 'trades' as const, from: ts(50), until: ts(130), reason: "the exchange's REST trades did not reach back this far after a reconnect" };
    replay = await RecordedReplay.start(market, [...range(1, 50), ...range(130, 300)], ts(20), 200, [], [hole]);
    const r = replay;
    const candles = new Recorder<Candles>();
    const trades = new Recorder<Trades>();
    const subs = [r.hub.subscribe({ kind: 'candles', exchange: r.id, symbol: market.symbol, timeframe: '1m' }, candles.consume), r.hub.subscribe({ kind: 'trades', exchange: r.id, symbol: market.symbol }, trades.consume)];
    try {
      await candles.next((e) => e.type === 'snapshot', 'the replay snapshot');
      await Promise.all(subs.map((s) => s.ready));
      await r.session.seek(ts(300) + 1);
      const reconnecting = await trades.next((e) => e.type === 'state' && e.state.status === 'reconnecting', 'reconnecting at the hole');
      assert.ok(reconnecting.type === 'state' && reconnecting.state.status === 'reconnecting');
      assert.equal(reconnecting.state.reason, "the recording lacks trades from 2026-12-01T12:00:50.000Z to 2026-12-01T12:02:10.000Z (the exchange's REST trades did not reach back this far after a reconnect)");
      // Bars of 60 s from T0; the hole [50 s, 130 s) begins inside the first, covers the second (flat: no trade) and
      // the start of the third. The bar in progress (300 s) and those after the hole are whole.
      const expected = [[0, true, 50], [60, true, null], [120, true, null], [180, false, null], [240, false, null], [300, false, null]];
      await candles.next(() => JSON.stringify(marks(candles.candles)) === JSON.stringify(expected), `bars marked ${JSON.stringify(expected)}`);
      await trades.next((e) => e.type === 'trades' && e.trades.some((t) => t.id === '300'), 'the last trade');
      const ids = trades.events.flatMap((e) => (e.type === 'trades' ? e.trades.map((t) => Number(t.id)) : []));
      assert.deepEqual(ids, [...range(20, 50), ...range(130, 300)].map((t) => Number(t.id)), 'every recorded trade once, in order');
    } finally {
      for (const s of subs) s.dispose();
    }
  });

  it('an order book hole interrupts the book stream there, naming it stale, and leaves the trades and bars whole (before: the bars were partial and the trade stream reconnected)', async () => {
    const level = (n: number, seq: number, kind: 'snapshot' | 'delta', bid: number) => [
      { ts: ts(n), seq, kind, side: 'bid' as const, price: bid, amount: 1 },
      { ts: ts(n), seq, kind, side: 'ask' as const, price: bid + 1, amount: 1 },
    ];
    const book = [...level(10, 1, 'snapshot', 99), ...level(40, 2, 'delta', 98), ...level(130, 3, 'snapshot', 97)];
    // Dropped from a full buffer between the delta at 40 s and the snapshot at 130 s; a ticker hole is read too (no ticker recorded).
    const holes = [
      { kind: 'book' as const, from: ts(50), until: ts(60), reason: 'order book rows dropped: the buffer was full while the store was behind (the book is taken again from a snapshot after them)' },
      { kind: 'tickers' as const, from: ts(70), until: ts(80), reason: 'ticker rows dropped: the buffer was full while the store was behind' },
    ];
    replay = await RecordedReplay.start(market, range(1, 300), ts(20), 200, book, holes);
    const r = replay;
    const candles = new Recorder<Candles>();
    const trades = new Recorder<Trades>();
    const books = new Recorder<Book>();
    const subs = [
      r.hub.subscribe({ kind: 'candles', exchange: r.id, symbol: market.symbol, timeframe: '1m' }, candles.consume),
      r.hub.subscribe({ kind: 'trades', exchange: r.id, symbol: market.symbol }, trades.consume),
      r.hub.subscribe({ kind: 'orderbook', exchange: r.id, symbol: market.symbol }, books.consume),
    ];
    try {
      await candles.next((e) => e.type === 'snapshot', 'the replay snapshot');
      await Promise.all(subs.map((s) => s.ready));
      await books.next((e) => e.type === 'orderbook', 'the book at the start');
      await r.session.seek(ts(300) + 1);
      const stale = await books.next((e) => e.type === 'state' && e.state.status === 'reconnecting', 'the book reconnecting at its hole');
      assert.ok(stale.type === 'state' && stale.state.status === 'reconnecting');
      assert.equal(stale.state.reason, `the recording lacks order book updates (the book shown is stale until its next update) from 2026-12-01T12:00:50.000Z to 2026-12-01T12:01:00.000Z (${holes[0]?.reason})`);
      await books.next((e) => e.type === 'orderbook' && e.book.bids[0]?.[0] === 97, 'the snapshot after the hole');
      await trades.next((e) => e.type === 'trades' && e.trades.some((t) => t.id === '300'), 'the last trade');
      assert.deepEqual(trades.events.filter((e) => e.type === 'state' && e.state.status === 'reconnecting'), [], 'the trade stream never reconnected');
      const ids = trades.events.flatMap((e) => (e.type === 'trades' ? e.trades.map((t) => Number(t.id)) : []));
      assert.deepEqual(ids, range(20, 300).map((t) => Number(t.id)), 'every recorded trade once, in order');
      const expected = [[0, false, null], [60, false, null], [120, false, null], [180, false, null], [240, false, null], [300, false, null]];
      await candles.next(() => JSON.stringify(marks(candles.candles)) === JSON.stringify(expected), `bars whole: ${JSON.stringify(expected)}`);
      assert.deepEqual(r.session.tradeHolesWithin(ts(0), ts(300)), [], 'no trades missing');
      // A chart opened now reads the bars over the holes as history: whole too.
      const later = new Recorder<Candles>();
      subs.push(r.hub.subscribe({ kind: 'candles', exchange: r.id, symbol: market.symbol, timeframe: '5m' }, later.consume));
      await later.next((e) => e.type === 'snapshot', 'the 5m snapshot');
      assert.deepEqual(marks(later.candles), [[0, false, null], [300, false, null]]);
    } finally {
      for (const s of subs) s.dispose();
    }
  });

  it('playing into a hole longer than SKIP_HOLES_LONGER_THAN_MS (TradeSuite closed for 2 days) jumps to where the recording goes on, naming the hole in its state; a short hole is played through; the chart\'s bars in the long hole are partial and bounded', async function () {
    this.timeout(20_000);
    const DAY = 86_400_000;
    const short = { kind: 'trades' as const, from: ts(30), until: ts(40), reason: 'a short test hole' };
    const long = { kind: 'trades' as const, from: ts(50), until: ts(50) + 2 * DAY + 1, reason: 'not recording (TradeSuite closed)' };
    const after = Array.from({ length: 20 }, (_, i): Trade => ({ ...trade(1000 + i), timestamp: long.until - 1 + i * 1000 }));
    let real = 0;
    replay = await RecordedReplay.start(market, [...range(1, 29), ...range(41, 50), ...after], ts(20), 200, [], [short, long], { tickMs: 5, realClock: { now: () => real } });
    const r = replay;
    const candles = new Recorder<Candles>();
    const trades = new Recorder<Trades>();
    const subs = [r.hub.subscribe({ kind: 'candles', exchange: r.id, symbol: market.symbol, timeframe: '1m' }, candles.consume), r.hub.subscribe({ kind: 'trades', exchange: r.id, symbol: market.symbol }, trades.consume)];
    const states: ReplayState[] = [];
    const watch = r.session.onDidChange((s) => states.push(s));
    const reach = (at: number) => new Promise<void>((resolve) => r.session.onDidChange((s) => s.position >= at && resolve()));
    try {
      await candles.next((e) => e.type === 'snapshot', 'the replay snapshot');
      await Promise.all(subs.map((s) => s.ready));
      r.session.play(100);
      const inShort = reach(ts(35) - 1);
      real += 150; // 15 s of market: into the short hole, which is played through at the speed
      await inShort;
      await r.session.settled();
      assert.equal(r.session.now(), ts(35) - 1, 'the short hole is played, not jumped');
      assert.equal(r.session.state().skipped, undefined);
      const past = reach(long.until - 1);
      real += 1000; // 100 s of market: into the long hole
      await past;
      r.session.pause();
      await r.session.settled();
      assert.equal(r.session.now(), long.until - 1, 'where the recording goes on, after 1.15 s of real time, not 29 minutes');
      assert.deepEqual(r.session.state().skipped, long, 'the state names the hole jumped over');
      assert.ok(states.some((s) => s.status === 'playing' && s.skipped !== undefined), 'said while playing');
      await trades.next((e) => e.type === 'trades' && e.trades.some((t) => t.id === '1000'), 'the first trade after the hole');
      const ids = trades.events.flatMap((e) => (e.type === 'trades' ? e.trades.map((t) => t.id) : []));
      assert.deepEqual(ids, [...range(20, 29), ...range(41, 50), after[0]!].map((t) => t.id), 'the recorded trades once, in order, none of after the jump lost');
      const inLong = (b: Candle) => b.time + 60_000 > long.from && b.time < long.until;
      await candles.next(() => candles.candles.some((b) => b.time >= long.until - 60_000), 'the bar after the hole');
      // A chart opened after the jump.
      const opened = new Recorder<Candles>();
      const late = r.hub.subscribe({ kind: 'candles', exchange: r.id, symbol: market.symbol, timeframe: '1m' }, opened.consume);
      subs.push(late);
      await opened.next((e) => e.type === 'snapshot', 'the snapshot of a chart opened after the jump');
      // A page of bars spanning the whole hole (3,000 1m bars, 50 h): no bar in the hole reads as whole (none is made
      // inside it, see the next test), and as many as the page asks at most.
      const page = await (await r.replays.get(r.id)).fetchCandles(market.symbol, '1m', ts(0), 3000);
      assert.ok(page.some((b) => b.time + 60_000 > long.until), 'the page reaches past the hole');
      for (const [name, bars, bound] of [['running', candles.candles, 5000], ['opened after', opened.candles, 5000], ['paged', page, 3000]] as const) {
        assert.ok(bars.length <= bound, `the ${name} chart's bars are bounded (${bars.length})`);
        assert.deepEqual(bars.filter((b) => inLong(b) && !b.partial).map((b) => new Date(b.time).toISOString()), [], `no bar of the ${name} chart in the long hole reads as whole (a quiet market)`);
      }
      // Seeking back forgets the jump.
      await r.session.seek(ts(25));
      assert.equal(r.session.state().skipped, undefined);
    } finally {
      watch.dispose();
      for (const s of subs) s.dispose();
    }
  });

  it('a chart over a hole longer than SKIP_HOLES_LONGER_THAN_MS shows it as a gap: no bar between its first and last (partial) ones, in a page of history, a running chart and one opened after', async function () {
    this.timeout(20_000);
    const DAY = 86_400_000;
    const long = { kind: 'trades' as const, from: ts(50) + 500, until: ts(50) + 2 * DAY + 1, reason: 'not recording (TradeSuite closed)' };
    const after = Array.from({ length: 20 }, (_, i): Trade => ({ ...trade(1000 + i), timestamp: long.until - 1 + i * 1000 }));
    replay = await RecordedReplay.start(market, [...range(1, 50), ...after], ts(20), 200, [], [long]);
    const r = replay;
    const candles = new Recorder<Candles>();
    const sub = r.hub.subscribe({ kind: 'candles', exchange: r.id, symbol: market.symbol, timeframe: '1m' }, candles.consume);
    const opened = new Recorder<Candles>();
    let late: { dispose(): void } | undefined;
    try {
      await candles.next((e) => e.type === 'snapshot', 'the replay snapshot');
      await sub.ready;
      await r.session.seek(after[19]!.timestamp);
      const holeBar = long.from - (long.from % 60_000); // the bar the hole begins in
      const lastBar = long.until - 1 - ((long.until - 1) % 60_000); // the bar it ends in, the first trade after it
      await candles.next(() => candles.candles.some((b) => b.time === lastBar && b.volume > 0), 'the bar after the hole');
      late = r.hub.subscribe({ kind: 'candles', exchange: r.id, symbol: market.symbol, timeframe: '1m' }, opened.consume);
      await opened.next((e) => e.type === 'snapshot', 'the snapshot of a chart opened after the hole');
      const page = await (await r.replays.get(r.id)).fetchCandles(market.symbol, '1m', T0, 3000);
      for (const [name, bars] of [['paged', page], ['running', candles.candles], ['opened after', opened.candles]] as const) {
        assert.deepEqual(bars.filter((b) => b.time > holeBar && b.time < lastBar).map((b) => new Date(b.time).toISOString()), [], `the ${name} chart has no bar inside the hole`);
        assert.deepEqual(marks(bars.filter((b) => b.time === holeBar || b.time === lastBar)), [[(holeBar - T0) / 1000, true, (long.from - T0) / 1000], [(lastBar - T0) / 1000, true, null]], `the ${name} chart's bars at the hole's ends are partial`);
        assert.ok(bars.filter((b) => b.time < holeBar).every((b) => !b.partial), `the ${name} chart's bars before the hole are whole`);
      }
    } finally {
      late?.dispose();
      sub.dispose();
    }
  });

  /** A footprint of the replayed market, its hole events, and its 1m bars marked partial (seconds after T0). */
  function footprintOn(r: RecordedReplay) {
    const feed = new FootprintFeed({ hub: r.hub, history: (m, from, ctx) => r.hub.tradesSince(m, from, ctx), market: { exchange: r.id, symbol: market.symbol }, timeframes: ['1m'], buckets: priceBuckets(1, 1), historyFrom: T0, log: r.log });
    const holes: Array<Extract<FootprintFeedEvent, { type: 'hole' }>> = [];
    let holed: () => void = () => undefined;
    let shown: () => void = () => undefined;
    const firstHole = new Promise<void>((resolve) => (holed = resolve));
    const snapshot = new Promise<void>((resolve) => (shown = resolve));
    feed.onEvent((e) => {
      if (e.type === 'snapshot') shown();
      if (e.type !== 'hole') return;
      holes.push(e);
      holed();
    });
    feed.start();
    const partial = () => (feed.snapshot('1m')?.bars ?? []).filter((b) => b.partial).map((b) => (b.time - T0) / 1000);
    return { feed, holes, firstHole, snapshot, partial };
  }

  for (const when of ['running when the replay reaches the hole', 'opened after the hole was played'] as const) {
    it(`a footprint ${when} marks the hole's span partial, naming it, rather than showing a quiet market`, async () => {
      const hole = { kind: 'trades' as const, from: ts(50), until: ts(130), reason: 'a test hole' };
      replay = await RecordedReplay.start(market, [...range(1, 50), ...range(130, 300)], ts(20), 200, [], [hole]);
      const r = replay;
      // The trade stream is watched once a subscription to it is ready; it goes live with its first trades.
      const trades = new Recorder<Trades>();
      const witness = r.hub.subscribe({ kind: 'trades', exchange: r.id, symbol: market.symbol }, trades.consume);
      await witness.ready;
      let fp: ReturnType<typeof footprintOn> | undefined;
      try {
        if (when === 'running when the replay reaches the hole') {
          fp = footprintOn(r);
          await r.session.seek(ts(30));
          await fp.snapshot; // running: its history loaded
        }
        await r.session.seek(ts(300) + 1);
        await trades.next((e) => e.type === 'trades' && e.trades.some((t) => t.id === '300'), 'the last trade');
        fp ??= footprintOn(r);
        await fp.firstHole;
        await fp.feed.settled();
        assert.deepEqual(fp.holes.map((h) => [h.from, h.until, h.reason, h.retrying]), [[ts(50), ts(130), 'the recording lacks them: a test hole', false]]);
        assert.deepEqual(fp.partial(), [0, 120], 'the bars it has (none where no trade is)');
      } finally {
        fp?.feed.dispose();
        witness.dispose();
      }
    });
  }
});
