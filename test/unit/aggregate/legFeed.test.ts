import * as assert from 'node:assert/strict';
import { LegBar } from '../../../src/core/aggregate/legBar';
import { LegFeed, type LegSource } from '../../../src/core/aggregate/legFeed';
import type { TradesSince } from '../../../src/core/history/seamTrades';
import type { LostHole, TradesEvent } from '../../../src/core/hub/requests';
import type { Trade } from '../../../src/core/types';
import { silentLogger } from '../../../src/core/util/log';
import type { LateTies } from '../../../src/core/util/tradeOrder';

const T0 = Date.UTC(2026, 0, 1, 12, 0);
const trade = (id: number, dt: number): Trade => ({ id: String(id), timestamp: T0 + dt, price: 100, amount: 1, side: 'buy' });

/** A hub stand-in: the test pushes stream events and answers each REST request when it likes. */
const DROPPED = { type: 'state', state: { status: 'reconnecting', attempt: 1, reason: 'dropped', retryInMs: 0 } } as const;
/** The answers' continuations run (a fill's microtasks and the next macrotask). */
const aTurn = (): Promise<void> => new Promise((r) => setImmediate(r));

class FakeSource implements LegSource {
  consumer: ((e: TradesEvent) => void) | undefined;
  disposed = 0;
  readonly requests: Array<{ from: number; answer: (r: TradesSince | Error) => void }> = [];
  private waiting: Array<() => void> = [];

  subscribe(_req: unknown, consumer: (e: TradesEvent) => void) {
    this.consumer = consumer;
    return { ready: Promise.resolve(), dispose: () => void this.disposed++ };
  }

  tradesSince(_m: unknown, from: number): Promise<TradesSince> {
    return new Promise((resolve, reject) => {
      this.requests.push({ from, answer: (r) => (r instanceof Error ? reject(r) : resolve(r)) });
      for (const w of this.waiting.splice(0)) w();
    });
  }

  async request(n: number): Promise<{ from: number; answer: (r: TradesSince | Error) => void }> {
    while (this.requests.length < n) await new Promise<void>((r) => this.waiting.push(r));
    return this.requests[n - 1]!;
  }

  push(e: TradesEvent): void {
    this.consumer?.(e);
  }
}

function feed(source: FakeSource, maxFillAttempts = 3) {
  const got: Trade[][] = [];
  const lost: LostHole[] = [];
  const f = new LegFeed({
    source,
    market: { exchange: 'x', symbol: 'BTC/USD' },
    since: T0,
    onTrades: (ts) => got.push([...ts]),
    onChange: () => undefined,
    backoff: { baseMs: 1, maxMs: 2, factor: 1, jitter: 0 },
    maxFillAttempts,
    log: silentLogger,
    onLost: (hole) => lost.push(hole),
  });
  return { f, got, lost, ids: () => got.flat().map((t) => t.id) };
}

/** A feed whose trades of the millisecond T0 + `dt` build one LegBar, as AggregateSeries builds a bar from a leg's calls. */
function barFeed(source: FakeSource, dt: number, maxFillAttempts: number) {
  const bar = new LegBar();
  const f = new LegFeed({
    source,
    market: { exchange: 'x', symbol: 'BTC/USD' },
    since: T0,
    onTrades: (ts, late) => {
      for (const t of ts) if (t.timestamp === T0 + dt) bar.add(t, 1, late);
    },
    onChange: () => undefined,
    backoff: { baseMs: 1, maxMs: 2, factor: 1, jitter: 0 },
    maxFillAttempts,
    log: silentLogger,
  });
  return { bar, f };
}

const priced = (id: string, dt: number, price: number): Trade => ({ id, timestamp: T0 + dt, price, amount: 1, side: 'buy' });

describe('LegFeed: one leg of an aggregate, its holes filled from REST', () => {
  it('fills from `since` to the first live trade before letting the live trades through, in order, then covers up to the last', async () => {
    const src = new FakeSource();
    const { f, ids } = feed(src);
    assert.deepEqual(f.coverage(), { holes: [{ from: T0, until: undefined, settled: false }], coveredUntil: undefined });
    src.push({ type: 'state', state: { status: 'live', since: T0 } });
    src.push({ type: 'trades', trades: [trade(5, 5000), trade(6, 6000)] });
    src.push({ type: 'trades', trades: [trade(7, 7000)] });
    const req = await src.request(1);
    assert.equal(req.from, T0);
    assert.deepEqual(ids(), [], 'live trades wait for the fill');
    // REST also returns the first live trade and one before `since`: neither is taken twice or at all.
    req.answer({ trades: [trade(0, -1), trade(1, 0), trade(2, 1000), trade(5, 5000)], complete: true });
    await aTurn();
    assert.deepEqual(ids(), ['1', '2', '5', '6', '7']);
    assert.deepEqual(f.coverage(), { holes: [], coveredUntil: T0 + 7000 });
    f.dispose();
  });

  it('a live trade out of order is given on its own call after the newer ones (as a late fill), once', async () => {
    const src = new FakeSource();
    const { f, got } = feed(src);
    src.push({ type: 'state', state: { status: 'live', since: T0 } });
    src.push({ type: 'trades', trades: [trade(1, 1000)] });
    (await src.request(1)).answer({ trades: [], complete: true });
    await aTurn();
    src.push({ type: 'trades', trades: [trade(3, 3000)] });
    src.push({ type: 'trades', trades: [trade(2, 2000), trade(4, 4000)] });
    src.push({ type: 'trades', trades: [trade(2, 2000)] });
    assert.deepEqual(got.map((call) => call.map((t) => t.id)), [['1'], ['3'], ['4'], ['2']]);
    f.dispose();
  });

  it("live trades out of order come late with their connection's ties: before the held ones of their millisecond where ids say nothing, one connection's in the order it sent them; a new connection's have ties of their own", async () => {
    const src = new FakeSource();
    const calls: Array<{ ids: string[]; late: LateTies | undefined }> = [];
    const f = new LegFeed({ source: src, market: { exchange: 'x', symbol: 'BTC/USD' }, since: T0, onTrades: (ts, late) => calls.push({ ids: ts.map((t) => t.id), late }), onChange: () => undefined, backoff: { baseMs: 1, maxMs: 2, factor: 1, jitter: 0 }, maxFillAttempts: 3, log: silentLogger });
    src.push({ type: 'state', state: { status: 'live', since: T0 } });
    src.push({ type: 'trades', trades: [trade(1, 1000)] });
    (await src.request(1)).answer({ trades: [], complete: true });
    await aTurn();
    src.push({ type: 'trades', trades: [trade(5, 3000)] });
    src.push({ type: 'trades', trades: [trade(2, 2000), trade(6, 4000)] });
    src.push({ type: 'trades', trades: [trade(3, 2000)] });
    const late = calls.filter((c) => c.late !== undefined);
    assert.deepEqual(late.map((c) => c.ids), [['2'], ['3']]);
    assert.equal(late[0]?.late, late[1]?.late, 'one connection: one LateTies');
    assert.equal(late[1]?.late?.after('u-b', 'u-a', T0 + 2000), false, 'ids that say nothing: before a held one of another call');
    src.push(DROPPED);
    src.push({ type: 'state', state: { status: 'live', since: T0 + 5000 } });
    src.push({ type: 'trades', trades: [trade(7, 5000)] });
    (await src.request(2)).answer({ trades: [trade(6, 4000), trade(7, 5000)], complete: true });
    await aTurn();
    src.push({ type: 'trades', trades: [trade(4, 2000)] });
    const next = calls.filter((c) => c.late !== undefined).at(-1);
    assert.deepEqual(next?.ids, ['4']);
    assert.notEqual(next?.late, late[0]?.late, 'after a drop: a connection of its own');
    f.dispose();
  });

  it("a connection's late trades of one millisecond sent in two messages keep the order it sent them, ids not sequence numbers: the first the open, the last the close (aggregate property seed 1417)", async () => {
    const src = new FakeSource();
    const { bar, f } = barFeed(src, 2000, 3);
    src.push({ type: 'state', state: { status: 'live', since: T0 } });
    src.push({ type: 'trades', trades: [priced('u-1', 1000, 100), priced('u-3', 3000, 100)] });
    (await src.request(1)).answer({ trades: [], complete: true });
    await aTurn();
    // A lagging socket resends what it had not sent before: two trades of T0+2000, one message each.
    src.push({ type: 'trades', trades: [priced('u-a', 2000, 101)] });
    src.push({ type: 'trades', trades: [priced('u-b', 2000, 102), priced('u-4', 4000, 100)] });
    assert.deepEqual([bar.open, bar.close, bar.trades], [101, 102, 2], 'u-a came first, u-b last, as the socket sent them');
    f.dispose();
  });

  it("a reconnect's resend lists a trade the socket had skipped before one of that millisecond it gave: it goes before that one, not as the newest, ids not sequence numbers (aggregate property seed 1417)", async () => {
    const src = new FakeSource();
    const { bar, f } = barFeed(src, 1000, 3);
    src.push({ type: 'state', state: { status: 'live', since: T0 } });
    // The socket's first trade is u-b; the exchange had u-a before it in that millisecond.
    src.push({ type: 'trades', trades: [priced('u-b', 1000, 102)] });
    (await src.request(1)).answer(new Error('HTTP 503')); // u-b goes through; the fill is retried later
    await aTurn();
    src.push(DROPPED);
    src.push({ type: 'state', state: { status: 'live', since: T0 + 3000 } });
    src.push({ type: 'trades', trades: [priced('u-0', 500, 100), priced('u-a', 1000, 101), priced('u-b', 1000, 102), priced('u-c', 2000, 103)] });
    await aTurn();
    assert.deepEqual([bar.open, bar.close, bar.trades], [101, 102, 2], 'u-a opens, u-b still closes');
    f.dispose();
  });

  it("a resend's late trade listed after a repeat of a trade another connection gave, ids not sequence numbers: it goes after that one, as listed, though in another message", async () => {
    const src = new FakeSource();
    const { bar, f } = barFeed(src, 1000, 1);
    src.push({ type: 'state', state: { status: 'live', since: T0 } });
    src.push({ type: 'trades', trades: [priced('u-h', 1000, 101)] });
    (await src.request(1)).answer({ trades: [], complete: true });
    await aTurn();
    // The first connection gave u-h; the exchange has u-x after it in that millisecond, which the hole's failed fill misses.
    src.push(DROPPED);
    src.push({ type: 'state', state: { status: 'live', since: T0 + 3000 } });
    src.push({ type: 'trades', trades: [priced('u-y', 2000, 103)] });
    (await src.request(2)).answer(new Error('HTTP 503'));
    await aTurn();
    src.push(DROPPED);
    src.push({ type: 'state', state: { status: 'live', since: T0 + 4000 } });
    // The third resends from u-h on, over two messages: u-x is late (older than u-y), listed after u-h.
    src.push({ type: 'trades', trades: [priced('u-h', 1000, 101)] }); // ends the hole before it began: nothing to fetch
    await aTurn();
    src.push({ type: 'trades', trades: [priced('u-x', 1000, 102), priced('u-y', 2000, 103), priced('u-z', 3000, 104)] });
    await aTurn();
    assert.deepEqual([bar.open, bar.close, bar.trades], [101, 102, 2], 'u-h opens, u-x closes');
    f.dispose();
  });

  it("live again with no trade while an earlier hole's trades wait behind its fill, then down again: the next hole begins at the newest trade waiting, not at `since` (aggregate property seed 2183)", async () => {
    const src = new FakeSource();
    const { f, ids } = feed(src);
    src.push({ type: 'state', state: { status: 'live', since: T0 } });
    await aTurn(); // live with no trade: the hole from `since` is fetched open-ended
    const first = await src.request(1);
    src.push({ type: 'trades', trades: [trade(1, 1000), trade(2, 2000), trade(3, 3000)] });
    src.push(DROPPED);
    src.push({ type: 'state', state: { status: 'live', since: T0 + 4000 } });
    await aTurn(); // live again with no trade: that hole's fill waits behind the first's
    src.push(DROPPED);
    assert.deepEqual(
      f.coverage().holes.map((h) => [h.from - T0, h.until === undefined ? undefined : h.until - T0]),
      [
        [0, 1000],
        [3000, 3000],
        [3000, undefined],
      ],
      'trades 1 to 3 are received (waiting): no hole reaches back over them',
    );
    first.answer({ trades: [trade(1, 1000), trade(2, 2000), trade(3, 3000)], complete: true });
    await aTurn();
    src.push({ type: 'state', state: { status: 'live', since: T0 + 6000 } });
    src.push({ type: 'trades', trades: [trade(5, 5000)] });
    (await src.request(2)).answer({ trades: [trade(3, 3000), trade(4, 4000), trade(5, 5000)], complete: true });
    (await src.request(3)).answer({ trades: [trade(3, 3000), trade(4, 4000), trade(5, 5000)], complete: true });
    await aTurn();
    assert.deepEqual(ids(), ['1', '2', '3', '4', '5'], 'every trade once, in order');
    assert.deepEqual(f.coverage(), { holes: [], coveredUntil: T0 + 5000 });
    f.dispose();
  });

  it('a reconnect opens a hole at the last trade; a failed fill lets live trades through, its retry brings the missed ones late', async () => {
    const src = new FakeSource();
    const { f, ids, got } = feed(src);
    src.push({ type: 'trades', trades: [trade(1, 1000)] });
    (await src.request(1)).answer({ trades: [], complete: true });
    await aTurn();
    src.push({ type: 'state', state: { status: 'reconnecting', attempt: 1, reason: 'dropped', retryInMs: 50 } });
    assert.deepEqual(f.coverage(), { holes: [{ from: T0 + 1000, until: undefined, settled: false }], coveredUntil: undefined });
    src.push({ type: 'state', state: { status: 'live', since: T0 + 5000 } });
    src.push({ type: 'trades', trades: [trade(4, 4000)] });
    (await src.request(2)).answer(new Error('HTTP 503'));
    await aTurn();
    assert.deepEqual(ids(), ['1', '4'], 'the live trade is not held up by a failing fill');
    assert.deepEqual(f.coverage().holes, [{ from: T0 + 1000, until: T0 + 4000, settled: false }]);
    (await src.request(3)).answer({ trades: [trade(1, 1000), trade(2, 2000), trade(3, 3000), trade(4, 4000)], complete: true });
    await aTurn();
    assert.deepEqual(got.at(-1)!.map((t) => t.id), ['2', '3'], 'the missed trades, late');
    assert.deepEqual(f.coverage(), { holes: [], coveredUntil: T0 + 4000 });
    f.dispose();
  });

  it("a retried fill's trades come with the ties of its hole: ids that are not sequence numbers go after the held ones at the hole's start, before them where the socket resumed", async () => {
    const src = new FakeSource();
    const calls: Array<{ ids: string[]; late: LateTies | undefined }> = [];
    const f = new LegFeed({ source: src, market: { exchange: 'x', symbol: 'BTC/USD' }, since: T0, onTrades: (ts, late) => calls.push({ ids: ts.map((t) => t.id), late }), onChange: () => undefined, backoff: { baseMs: 1, maxMs: 2, factor: 1, jitter: 0 }, maxFillAttempts: 3, log: silentLogger });
    const uuid = (id: string, dt: number): Trade => ({ ...trade(0, dt), id });
    src.push({ type: 'trades', trades: [uuid('a', 1000)] });
    (await src.request(1)).answer({ trades: [], complete: true });
    await aTurn();
    src.push(DROPPED);
    src.push({ type: 'state', state: { status: 'live', since: T0 + 5000 } });
    src.push({ type: 'trades', trades: [uuid('d', 4000)] });
    (await src.request(2)).answer(new Error('HTTP 503'));
    await aTurn();
    assert.deepEqual(calls.map((c) => [c.ids, c.late]), [[['a'], undefined], [['d'], undefined]], 'the stream’s trades, in order: no ties');
    (await src.request(3)).answer({ trades: [uuid('a', 1000), uuid('b', 1000), uuid('c', 4000), uuid('d', 4000)], complete: true });
    await aTurn();
    // TradeContinuity takes c (at its last millisecond) as in order and b as late: both are the fill's, with its ties.
    const fill = calls.slice(2);
    assert.deepEqual(fill.map((c) => c.ids).sort(), [['b'], ['c']], 'the missed trades');
    for (const { late } of fill) {
      assert.equal(late?.after('b', 'a', T0 + 1000), true, "at the hole's first millisecond the missed trade came after the one held");
      assert.equal(late?.after('c', 'd', T0 + 4000), false, 'where the socket resumed, the missed trade came before its first');
    }
    assert.notEqual(fill[0]?.late, fill[1]?.late, 'each call its own ties (their identity tells a call’s own trades apart)');
    f.dispose();
  });

  it("live again with no trade after a drop (a trade-cache overflow on a healthy socket): the hole is fetched at once, open-ended, and the socket's first trade ends it", async () => {
    const src = new FakeSource();
    const { f, ids, got } = feed(src);
    src.push({ type: 'trades', trades: [trade(1, 1000)] });
    (await src.request(1)).answer({ trades: [], complete: true });
    await aTurn();
    src.push({ type: 'state', state: { status: 'reconnecting', attempt: 1, reason: "one update filled ccxt's trade cache", retryInMs: 0 } });
    src.push({ type: 'state', state: { status: 'live', since: T0 + 20_000 } });
    const fill = await src.request(2);
    assert.equal(fill.from, T0 + 1000, 'from the last trade taken, with no trade after the drop');
    assert.deepEqual(f.coverage().holes, [{ from: T0 + 1000, until: undefined, settled: false }], 'where the socket took over is not known yet');
    src.push({ type: 'trades', trades: [trade(5, 21_000)] }); // waits behind the fill
    assert.deepEqual(f.coverage().holes, [{ from: T0 + 1000, until: T0 + 21_000, settled: false }]);
    fill.answer({ trades: [trade(1, 1000), trade(2, 2000), trade(3, 3000)], complete: true });
    await aTurn();
    assert.deepEqual(ids(), ['1', '2', '3', '5'], 'in order, none twice');
    assert.equal(got.length, 3);
    assert.deepEqual(f.coverage(), { holes: [], coveredUntil: T0 + 21_000 });
    f.dispose();
  });

  it("a fill's trade of the hole's last millisecond that the exchange lists after the socket's first there (a lagging socket had not sent it yet) comes after it, ids not sequence numbers", async () => {
    const src = new FakeSource();
    const bar = new LegBar();
    const f = new LegFeed({ source: src, market: { exchange: 'x', symbol: 'BTC/USD' }, since: T0, onTrades: (ts, late) => ts.forEach((t) => bar.add(t, 1, late)), onChange: () => undefined, backoff: { baseMs: 1, maxMs: 2, factor: 1, jitter: 0 }, maxFillAttempts: 3, log: silentLogger });
    const uuid = (id: string, dt: number, price: number): Trade => ({ ...trade(0, dt), id, price });
    src.push({ type: 'trades', trades: [uuid('u-a', 1000, 100)] });
    (await src.request(1)).answer({ trades: [], complete: true });
    await aTurn();
    src.push(DROPPED);
    src.push({ type: 'state', state: { status: 'live', since: T0 + 20_000 } });
    (await src.request(2)).answer(new Error('HTTP 503'));
    await aTurn();
    src.push({ type: 'trades', trades: [uuid('u-b', 21_000, 101)] }); // the socket's first: ends the hole, taken at once
    assert.deepEqual([bar.open, bar.close], [100, 101]);
    (await src.request(3)).answer({ trades: [uuid('u-a', 1000, 100), uuid('u-b', 21_000, 101), uuid('u-c', 21_000, 102)], complete: true });
    await aTurn();
    assert.deepEqual([bar.trades, bar.close], [3, 102], 'u-c, listed after u-b, is the close');
    f.dispose();
  });

  it('settles a hole the exchange cannot fill completely, or after the last failed attempt: its bars stay partial, and the span missing is told lost', async () => {
    const src = new FakeSource();
    const { f, lost } = feed(src, 2);
    src.push({ type: 'trades', trades: [trade(9, 9000)] });
    (await src.request(1)).answer({ trades: [trade(8, 8000)], complete: false });
    await aTurn();
    assert.deepEqual(f.coverage(), { holes: [{ from: T0, until: T0 + 9000, settled: true }], coveredUntil: T0 + 9000 });
    assert.deepEqual(lost, [{ from: T0, until: T0 + 8000, reason: "the exchange's REST gives only its newest trades, not these" }], 'missing: those before the oldest REST gave');
    src.push({ type: 'state', state: { status: 'reconnecting', attempt: 1, reason: 'dropped', retryInMs: 50 } });
    src.push({ type: 'trades', trades: [trade(12, 12_000)] });
    (await src.request(2)).answer(new Error('HTTP 503'));
    assert.equal(lost.length, 1, 'not lost while a retry is to come');
    (await src.request(3)).answer(new Error('HTTP 503'));
    await aTurn();
    assert.deepEqual(f.coverage().holes.at(-1), { from: T0 + 9000, until: T0 + 12_000, settled: true });
    assert.equal(src.requests.length, 3, 'no attempt after the last');
    assert.deepEqual(lost.at(-1), { from: T0 + 9000, until: T0 + 12_000, reason: 'HTTP 503' });
    f.dispose();
  });

  it('a fill cut short before the hole\'s end (the page budget) tells the rest of it lost; one given up before the socket gave a trade has an open end', async () => {
    const src = new FakeSource();
    const { f, lost } = feed(src, 1);
    src.push({ type: 'trades', trades: [trade(9, 9000)] });
    (await src.request(1)).answer({ trades: [trade(1, 1000), trade(2, 2000)], complete: true, truncated: true });
    await aTurn();
    assert.deepEqual(lost, [{ from: T0 + 2000, until: T0 + 9000, reason: "the exchange's REST answer was cut short before these" }]);
    src.push(DROPPED);
    src.push({ type: 'state', state: { status: 'live', since: T0 + 20_000 } });
    await aTurn();
    (await src.request(2)).answer(new Error('HTTP 503'));
    await aTurn();
    assert.deepEqual(lost.at(-1), { from: T0 + 9000, reason: 'HTTP 503' });
    f.dispose();
  });

  it("a fill takes REST's trades of the hole's last millisecond the socket did not send, and not those it did", async () => {
    const src = new FakeSource();
    const { f, got } = feed(src);
    src.push({ type: 'state', state: { status: 'live', since: T0 } });
    // The socket resumed inside 4000's millisecond: it sent 5 but not 4.
    src.push({ type: 'trades', trades: [trade(5, 4000), trade(6, 6000)] });
    (await src.request(1)).answer({ trades: [trade(1, 1000), trade(4, 4000), trade(5, 4000), trade(6, 6000)], complete: true });
    await aTurn();
    assert.deepEqual(got.flat().map((t) => t.id), ['1', '4', '5', '6'], 'each once, in order');
    f.dispose();
  });

  it("a hole fetched open-ended (live with no trade) takes every trade REST has; the socket's copies later are not given twice", async () => {
    const src = new FakeSource();
    const { f, ids } = feed(src);
    src.push({ type: 'trades', trades: [trade(1, 1000)] });
    (await src.request(1)).answer({ trades: [], complete: true });
    await aTurn();
    src.push(DROPPED);
    src.push({ type: 'state', state: { status: 'live', since: T0 + 20_000 } });
    const fill = await src.request(2);
    fill.answer({ trades: [trade(1, 1000), trade(2, 2000), trade(3, 20_000), trade(4, 20_000)], complete: true });
    await aTurn();
    // The socket, live from inside that millisecond, sends 4 (3 came before it) and a newer one.
    src.push({ type: 'trades', trades: [trade(4, 20_000), trade(5, 21_000)] });
    assert.deepEqual(ids(), ['1', '2', '3', '4', '5']);
    f.dispose();
  });

  it("a retried fill does not give again the hole's trades the socket sent since the failure (a reconnect's snapshot, the last millisecond)", async () => {
    const src = new FakeSource();
    const { f, ids, got } = feed(src);
    src.push({ type: 'trades', trades: [trade(1, 1000)] });
    (await src.request(1)).answer({ trades: [], complete: true });
    await aTurn();
    src.push(DROPPED);
    src.push({ type: 'state', state: { status: 'live', since: T0 + 5000 } });
    src.push({ type: 'trades', trades: [trade(5, 4000)] });
    (await src.request(2)).answer(new Error('HTTP 503'));
    await aTurn();
    // Coinbase's snapshot after another drop resends some of what happened meanwhile: 2 and 4 (at 5's millisecond).
    src.push(DROPPED);
    src.push({ type: 'state', state: { status: 'live', since: T0 + 6000 } });
    src.push({ type: 'trades', trades: [trade(2, 2000), trade(4, 4000), trade(6, 6000)] });
    (await src.request(3)).answer({ trades: [trade(1, 1000), trade(2, 2000), trade(3, 3000), trade(4, 4000), trade(5, 4000)], complete: true });
    await aTurn();
    const all = ids();
    assert.deepEqual([...all].sort(), ['1', '2', '3', '4', '5', '6'], `each once: ${all.join()}`);
    for (const call of got) assert.deepEqual(call, [...call].sort((a, b) => a.timestamp - b.timestamp), 'each call in time order');
    f.dispose();
  });

  it('live with no trade and dropped again in the same turn: the hole stays open until the socket is back, not closed at the clock', async () => {
    const src = new FakeSource();
    const { f, ids } = feed(src);
    src.push({ type: 'trades', trades: [trade(1, 1000)] });
    (await src.request(1)).answer({ trades: [], complete: true });
    await aTurn();
    src.push(DROPPED);
    src.push({ type: 'state', state: { status: 'live', since: T0 + 20_000 } });
    src.push(DROPPED);
    await aTurn();
    assert.deepEqual(f.coverage().holes, [{ from: T0 + 1000, until: undefined, settled: false }], 'still open');
    src.push({ type: 'state', state: { status: 'live', since: T0 + 40_000 } });
    src.push({ type: 'trades', trades: [trade(4, 40_000)] });
    const fill = await src.request(2);
    fill.answer({ trades: [trade(1, 1000), trade(2, 20_000), trade(3, 30_000), trade(4, 40_000)], complete: true });
    await aTurn();
    assert.deepEqual(ids(), ['1', '2', '3', '4'], 'the trades made while down again are fetched');
    assert.equal(src.requests.length, 2, 'one fill');
    f.dispose();
  });

  it("a hole that closes in the millisecond it opened at is still fetched: that millisecond's trades after the last taken are missed ones", async () => {
    const src = new FakeSource();
    const { f, ids } = feed(src);
    src.push({ type: 'trades', trades: [trade(1, 1000)] });
    (await src.request(1)).answer({ trades: [], complete: true });
    await aTurn();
    // Dropped and live again with no trade within 1000's millisecond, in which 2 happened meanwhile.
    src.push(DROPPED);
    src.push({ type: 'state', state: { status: 'live', since: T0 + 1000 } });
    (await src.request(2)).answer({ trades: [trade(1, 1000), trade(2, 1000)], complete: true });
    await aTurn();
    assert.deepEqual(ids(), ['1', '2']);
    assert.deepEqual(f.coverage(), { holes: [], coveredUntil: T0 + 1000 });
    f.dispose();
  });

  it("a retry after more trades than TradeContinuity remembers takes the hole's trades by its bounds, its last millisecond's left out and the hole partial", async () => {
    const src = new FakeSource();
    const { f, got } = feed(src);
    src.push({ type: 'trades', trades: [trade(1, 1000)] });
    (await src.request(1)).answer({ trades: [], complete: true });
    await aTurn();
    src.push(DROPPED);
    src.push({ type: 'state', state: { status: 'live', since: T0 + 4000 } });
    src.push({ type: 'trades', trades: [trade(5, 4000)] });
    (await src.request(2)).answer(new Error('HTTP 503'));
    await aTurn();
    // A busy market: far more trades than remembered before the retry is answered.
    const busy = Array.from({ length: 5000 }, (_, i) => trade(100 + i, 10_000 + i));
    src.push({ type: 'trades', trades: busy });
    const before = got.length;
    (await src.request(3)).answer({ trades: [trade(1, 1000), trade(2, 2000), trade(3, 3000), trade(4, 4000), trade(5, 4000)], complete: true });
    await aTurn();
    assert.deepEqual(got.slice(before).flat().map((t) => t.id), ['2', '3'], "before the hole's last millisecond only: 4 and 5 cannot be told from the socket's");
    assert.deepEqual(f.coverage().holes, [{ from: T0 + 1000, until: T0 + 4000, settled: true }], 'left partial');
    f.dispose();
  });

  it("live again with no trade while the local clock is behind the exchange's: the trades the hole had after the local now are fetched too", async () => {
    const src = new FakeSource();
    // The exchange confirms the resubscription at 20 000, when the local clock (live's `since`) reads 6 s less.
    const { f, ids } = feed(src);
    src.push({ type: 'trades', trades: [trade(1, 1000)] });
    (await src.request(1)).answer({ trades: [], complete: true });
    await aTurn();
    src.push(DROPPED);
    src.push({ type: 'state', state: { status: 'live', since: T0 + 14_000 } });
    (await src.request(2)).answer({ trades: [trade(1, 1000), trade(2, 12_000), trade(3, 15_000), trade(4, 18_000)], complete: true });
    await aTurn();
    assert.deepEqual(ids(), ['1', '2', '3', '4'], 'the missed trades after the local now are not lost');
    assert.deepEqual(f.coverage(), { holes: [], coveredUntil: T0 + 18_000 });
    src.push({ type: 'trades', trades: [trade(4, 18_000), trade(5, 21_000)] });
    assert.deepEqual(ids(), ['1', '2', '3', '4', '5'], "the socket's copy is not given twice");
    f.dispose();
  });

  it("live again with no trade while the local clock is ahead: the hole ends where the socket's first trade is, so a retry past TradeContinuity's memory gives none of the socket's trades again", async () => {
    const src = new FakeSource();
    const { f, got } = feed(src);
    src.push({ type: 'trades', trades: [trade(1, 1000)] });
    (await src.request(1)).answer({ trades: [], complete: true });
    await aTurn();
    src.push(DROPPED);
    // Live at the exchange's 20 000, the local clock 6 s ahead; the socket's first trade comes at 21 000.
    src.push({ type: 'state', state: { status: 'live', since: T0 + 26_000 } });
    const first = await src.request(2);
    src.push({ type: 'trades', trades: [trade(5, 21_000)] });
    assert.deepEqual(f.coverage().holes, [{ from: T0 + 1000, until: T0 + 21_000, settled: false }], "its end is the socket's first trade, not the local clock");
    first.answer(new Error('HTTP 503'));
    await aTurn();
    const busy = Array.from({ length: 5000 }, (_, i) => trade(100 + i, 22_000 + i));
    src.push({ type: 'trades', trades: busy });
    const before = got.length;
    (await src.request(3)).answer({ trades: [trade(1, 1000), trade(2, 2000), trade(5, 21_000), ...busy.slice(0, 3000)], complete: true });
    await aTurn();
    assert.deepEqual(got.slice(before).flat().map((t) => t.id), ['2'], "only the hole's trades before the socket's first");
    assert.deepEqual(f.coverage().holes, [{ from: T0 + 1000, until: T0 + 21_000, settled: true }]);
    f.dispose();
  });

  it('live again with no trade and a fill the exchange cannot complete: the hole is settled and its end is the next trade the socket gives', async () => {
    const src = new FakeSource();
    const { f } = feed(src);
    src.push({ type: 'trades', trades: [trade(1, 1000)] });
    (await src.request(1)).answer({ trades: [], complete: true });
    await aTurn();
    src.push(DROPPED);
    src.push({ type: 'state', state: { status: 'live', since: T0 + 14_000 } });
    (await src.request(2)).answer({ trades: [trade(3, 15_000)], complete: false });
    await aTurn();
    assert.deepEqual(f.coverage().holes, [{ from: T0 + 1000, until: undefined, settled: true }], 'where the socket took over is not known yet');
    src.push({ type: 'trades', trades: [trade(5, 21_000)] });
    assert.deepEqual(f.coverage().holes, [{ from: T0 + 1000, until: T0 + 21_000, settled: true }]);
    f.dispose();
  });

  it('live again with no trade, then dropped before any trade: the first hole ends where the second begins, which the second fill covers', async () => {
    const src = new FakeSource();
    const { f, ids } = feed(src);
    src.push({ type: 'trades', trades: [trade(1, 1000)] });
    (await src.request(1)).answer({ trades: [], complete: true });
    await aTurn();
    src.push(DROPPED);
    src.push({ type: 'state', state: { status: 'live', since: T0 + 20_000 } });
    const first = await src.request(2);
    src.push(DROPPED);
    first.answer({ trades: [trade(2, 2000)], complete: false }); // only the newest: settled
    await aTurn();
    assert.deepEqual(f.coverage().holes, [
      { from: T0 + 1000, until: T0 + 1000, settled: true },
      { from: T0 + 1000, until: undefined, settled: false },
    ]);
    src.push({ type: 'state', state: { status: 'live', since: T0 + 60_000 } });
    src.push({ type: 'trades', trades: [trade(9, 600_000)] });
    (await src.request(3)).answer({ trades: [trade(1, 1000), trade(2, 2000), trade(3, 30_000), trade(9, 600_000)], complete: true });
    await aTurn();
    assert.deepEqual([...ids()].sort(), ['1', '2', '3', '9']);
    assert.deepEqual(f.coverage().holes, [{ from: T0 + 1000, until: T0 + 1000, settled: true }], 'the bars up to the next trade, ten minutes on, are not left partial');
    f.dispose();
  });

  it("an open-ended hole REST could not give whole, ended by a lagging socket's first trade, ends no earlier than the trades REST gave past it", async () => {
    const src = new FakeSource();
    const { f, ids } = feed(src);
    // The stream is live, quiet, when the leg starts: the hole from `since` is fetched open-ended.
    src.push({ type: 'state', state: { status: 'live', since: T0 } });
    (await src.request(1)).answer({ trades: [trade(8, 14_000), trade(9, 15_000)], complete: false }); // only its newest
    await aTurn();
    // The socket, lagging, gives a trade older than REST's and drops before 7 (at 13 000).
    src.push({ type: 'trades', trades: [trade(6, 12_000)] });
    src.push(DROPPED);
    src.push({ type: 'state', state: { status: 'live', since: T0 + 40_000 } });
    src.push({ type: 'trades', trades: [trade(20, 40_000)] });
    (await src.request(2)).answer({ trades: [trade(9, 15_000), trade(10, 30_000), trade(20, 40_000)], complete: true });
    await aTurn();
    assert.deepEqual([...ids()].sort(), ['10', '20', '6', '8', '9'], '7 was given by neither');
    assert.deepEqual(f.coverage().holes, [{ from: T0, until: T0 + 15_000, settled: true }], "7's bar is partial: the settled hole reaches REST's newest trade taken");
    f.dispose();
  });

  it("a drop while a lagging socket's resent trades wait behind a fill: the next hole begins at the newest trade taken, not at those older ones (seed 4513 of the aggregate's property test)", async () => {
    const src = new FakeSource();
    const { f, ids } = feed(src);
    src.push({ type: 'state', state: { status: 'live', since: T0 } });
    src.push({ type: 'trades', trades: [trade(1, 1000), trade(2, 2000), trade(3, 3000)] });
    (await src.request(1)).answer({ trades: [], complete: true });
    await aTurn();
    src.push(DROPPED);
    // Back, resending a trade it gave before the drop; down again before that hole's fill is answered.
    src.push({ type: 'state', state: { status: 'live', since: T0 + 4000 } });
    src.push({ type: 'trades', trades: [trade(2, 2000)] });
    src.push(DROPPED);
    assert.deepEqual(
      f.coverage().holes.map((h) => [h.from - T0, h.until === undefined ? undefined : h.until - T0]),
      [
        [3000, 2000],
        [3000, undefined],
      ],
      'nothing before trade 3 is missing: a bar before it that closed stays whole',
    );
    src.push({ type: 'state', state: { status: 'live', since: T0 + 6000 } });
    src.push({ type: 'trades', trades: [trade(5, 5000)] });
    // The first hole ends before it begins (nothing to fetch): the one request is the second hole's, from trade 3.
    const req = await src.request(2);
    assert.equal(req.from, T0 + 3000);
    req.answer({ trades: [trade(3, 3000), trade(4, 4000), trade(5, 5000)], complete: true });
    await aTurn();
    assert.deepEqual(ids(), ['1', '2', '3', '4', '5'], 'every trade once');
    assert.deepEqual(f.coverage(), { holes: [], coveredUntil: T0 + 5000 });
    f.dispose();
  });

  it('dispose gives the stream back and stops a retry that is waiting', async () => {
    const src = new FakeSource();
    const f = new LegFeed({ source: src, market: { exchange: 'x', symbol: 'BTC/USD' }, since: T0, onTrades: () => undefined, onChange: () => undefined, backoff: { baseMs: 50, maxMs: 50, factor: 1, jitter: 0 }, maxFillAttempts: 5, log: silentLogger });
    src.push({ type: 'trades', trades: [trade(1, 1000)] });
    (await src.request(1)).answer(new Error('HTTP 503'));
    await aTurn();
    f.dispose();
    assert.equal(src.disposed, 1);
    await new Promise((r) => setTimeout(r, 120)); // past the retry's due time (50 ms, no jitter): nothing to wait on for an absence
    assert.equal(src.requests.length, 1, 'the retry was cancelled');
  });
});
