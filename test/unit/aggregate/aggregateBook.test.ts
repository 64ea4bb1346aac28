/**
 * AggregateBook: legs' books merged by price in base units (an inverse leg converted), a failed leg dropped and named, a
 * stale leg left out while another is current (held, with the others, when none is), streams given back.
 */
import * as assert from 'node:assert/strict';
import { AggregateBook, type AggregateBookEvent, type BookSource } from '../../../src/core/aggregate/aggregateBook';
import type { AggregateDefinition } from '../../../src/core/aggregate/aggregateDefinition';
import { FIRST_BOOK_WAIT_MS } from '../../../src/core/aggregate/legBookStates';
import type { MarketInfo } from '../../../src/core/exchange/marketDataClient';
import type { OrderBookEvent } from '../../../src/core/hub/requests';
import { withLegShares } from '../../../src/extension/panels/legShares';
import { DomLadder } from '../../../src/extension/panels/domLadder';

const MARKETS: Record<string, MarketInfo[]> = {
  spot: [{ symbol: 'BTC/USDT', base: 'BTC', quote: 'USDT', active: true, tickSize: 0.1 }],
  usd: [{ symbol: 'BTC/USD', base: 'BTC', quote: 'USD', active: true, tickSize: 0.01 }],
  inv: [{ symbol: 'BTC/USD:BTC', base: 'BTC', quote: 'USD', active: true, tickSize: 0.5, contract: { segment: 'perp', settlement: 'inverse', contractSize: 1 } }],
};

/** Each leg's book stream as the test pushes it; `failing` exchanges' subscriptions reject. */
class Books implements BookSource {
  readonly consumers = new Map<string, (e: OrderBookEvent) => void>();
  readonly disposed: string[] = [];
  constructor(private readonly failing: ReadonlySet<string> = new Set()) {}
  markets(exchange: string): Promise<readonly MarketInfo[]> {
    return Promise.resolve(MARKETS[exchange] ?? []);
  }
  subscribe(request: { exchange: string; symbol: string }, consumer: (e: OrderBookEvent) => void) {
    this.consumers.set(request.exchange, consumer);
    return {
      ready: this.failing.has(request.exchange) ? Promise.reject(new Error(`${request.exchange} has no order book stream`)) : Promise.resolve(),
      dispose: () => void this.disposed.push(request.exchange),
    };
  }
  push(exchange: string, e: OrderBookEvent): void {
    this.consumers.get(exchange)?.(e);
  }
}

const DEF: AggregateDefinition = {
  name: 'BTC (agg)',
  legs: [
    { exchange: 'spot', symbol: 'BTC/USDT' },
    { exchange: 'usd', symbol: 'BTC/USD' },
    { exchange: 'inv', symbol: 'BTC/USD:BTC' },
  ],
  price: { kind: 'vwap' },
  usdtIsUsd: true,
};

describe('AggregateBook', () => {
  it('merges the legs’ levels by price, sizes in base units (an inverse leg’s contracts at its price), bids high first, asks low first', async () => {
    const src = new Books();
    const events: AggregateBookEvent[] = [];
    const book = new AggregateBook(src, DEF, (e) => events.push(e));
    await book.ready;
    // As a stream gives them: live, then its books.
    for (const leg of ['spot', 'usd', 'inv']) src.push(leg, { type: 'state', state: { status: 'live', since: 1 } });
    src.push('spot', { type: 'orderbook', book: { timestamp: 1, bids: [[100, 1], [99.9, 2]], asks: [[100.1, 3]] } });
    src.push('usd', { type: 'orderbook', book: { timestamp: 2, bids: [[100, 0.5], [99.95, 4]], asks: [[100.1, 1], [100.2, 1]] } });
    src.push('inv', { type: 'orderbook', book: { timestamp: 3, bids: [[100, 2000]], asks: [[100.5, 100.5]] } });
    assert.deepEqual(book.merged(), {
      timestamp: 3,
      bids: [[100, 1 + 0.5 + 20], [99.95, 4], [99.9, 2]],
      asks: [[100.1, 4], [100.2, 1], [100.5, 1]],
    });
    assert.deepEqual(book.best(), { bid: 100, ask: 100.1 });
    assert.equal(events.filter((e) => e.type === 'book').length, 3, 'one change per leg update, merged only when read');

    // The ladder's rows carry each leg's share of the row's resting size, in leg order.
    const ladder = new DomLadder(0.01);
    const rows = withLegShares(ladder.rows(book.merged(), 10, 11), book.legBooks(), 0.01, 10);
    const at100 = rows.find((r) => r.price === 100)!;
    assert.equal(at100.bid, 21.5);
    assert.deepEqual(at100.shares, [1 / 21.5, 0.5 / 21.5, 20 / 21.5]);
    assert.equal(rows.find((r) => r.bid + r.ask === 0)?.shares, undefined, 'an empty row has no shares');
    book.dispose();
    assert.deepEqual(src.disposed.sort(), ['inv', 'spot', 'usd'], 'every leg’s stream given back');
  });

  it('a leg whose book fails is dropped from the merge and named (degraded); the others stay', async () => {
    const src = new Books(new Set(['usd']));
    const events: AggregateBookEvent[] = [];
    const book = new AggregateBook(src, DEF, (e) => events.push(e));
    await book.ready;
    await new Promise((r) => setImmediate(r));
    src.push('spot', { type: 'orderbook', book: { timestamp: 1, bids: [[100, 1]], asks: [[100.1, 1]] } });
    src.push('spot', { type: 'state', state: { status: 'live', since: 1 } });
    src.push('inv', { type: 'state', state: { status: 'live', since: 1 } });
    assert.deepEqual(book.legs.map((l) => l.state.status), ['live', 'failed', 'live']);
    const last = events.filter((e) => e.type === 'state').at(-1);
    assert.ok(last?.type === 'state' && last.state.status === 'degraded' && /usd BTC\/USD failed: usd has no order book stream/.test(last.state.reason), JSON.stringify(last));
    assert.deepEqual(book.merged().bids, [[100, 1]], 'the live legs’ books stay');
    // A leg that fails after giving a book: its last book is not shown as current.
    src.push('inv', { type: 'orderbook', book: { timestamp: 2, bids: [[100, 1000]], asks: [] } });
    assert.deepEqual(book.merged().bids, [[100, 11]]);
    src.push('inv', { type: 'state', state: { status: 'failed', reason: 'gone' } });
    assert.deepEqual(book.merged().bids, [[100, 1]]);
    book.dispose();
  });

  /** Every leg live with a book; the events from then on. */
  async function allCurrent(now: () => number) {
    const src = new Books();
    const events: AggregateBookEvent[] = [];
    const book = new AggregateBook(src, DEF, (e) => events.push(e), now);
    await book.ready;
    for (const leg of ['spot', 'usd', 'inv']) src.push(leg, { type: 'state', state: { status: 'live', since: 1 } });
    src.push('spot', { type: 'orderbook', book: { timestamp: 1, bids: [[100, 1]], asks: [[100.1, 1]] } });
    src.push('usd', { type: 'orderbook', book: { timestamp: 1, bids: [[100.5, 2]], asks: [[100.6, 2]] } });
    src.push('inv', { type: 'orderbook', book: { timestamp: 1, bids: [[99.5, 995]], asks: [[101, 1010]] } });
    const lastState = () => events.filter((e) => e.type === 'state').at(-1);
    assert.equal(lastState()?.type === 'state' && lastState()?.state.status, 'live');
    events.length = 0;
    return { src, book, events, lastState };
  }
  const reconnecting = (attempt: number) => ({ type: 'state' as const, state: { status: 'reconnecting' as const, attempt, reason: 'connection refused', retryInMs: 100 } });
  const DROP = Date.UTC(2026, 11, 6, 14, 2, 31, 400);

  it("a leg whose stream reconnects: its held book is left out while the others' are current, the state names it stale since the drop; live again only with its fresh book", async () => {
    let t = DROP;
    const { src, book, events, lastState } = await allCurrent(() => t);
    src.push('usd', reconnecting(1));
    assert.deepEqual(events.map((e) => e.type), ['state', 'book'], 'the ladder is drawn again without it');
    const down = lastState();
    assert.ok(down?.type === 'state' && down.state.status === 'degraded', JSON.stringify(down));
    assert.equal(down.state.status === 'degraded' && down.state.reason, 'usd BTC/USD stale since 14:02:31 UTC (reconnecting (1))');
    assert.deepEqual(book.merged().bids, [[100, 1], [99.5, 10]], 'the frozen leg is not among the live ones');
    assert.deepEqual(book.best(), { bid: 100, ask: 100.1 }, 'nor its best prices');
    assert.equal(book.legBooks()[1], undefined, 'nor its shares');
    assert.deepEqual(book.legs.map((l) => [l.current, l.shown, l.staleSince]), [[true, true, undefined], [false, false, DROP], [true, true, undefined]]);

    t += 5_000;
    src.push('usd', reconnecting(2));
    const again = lastState();
    assert.ok(again?.type === 'state' && again.state.status === 'degraded' && again.state.reason === 'usd BTC/USD stale since 14:02:31 UTC (reconnecting (2))', 'since the drop, through every attempt');

    events.length = 0;
    src.push('usd', { type: 'state', state: { status: 'live', since: t } });
    const waiting = lastState();
    assert.ok(waiting?.type === 'state' && waiting.state.status === 'degraded' && /usd BTC\/USD stale since 14:02:31 UTC \(live again, waiting for its book\)/.test(waiting.state.reason), `its stream's live is not its book: ${JSON.stringify(waiting)}`);
    assert.deepEqual(book.merged().bids, [[100, 1], [99.5, 10]]);

    events.length = 0;
    src.push('usd', { type: 'orderbook', book: { timestamp: 2, bids: [[100.2, 3]], asks: [[100.3, 3]] } });
    assert.deepEqual(events.map((e) => (e.type === 'state' ? e.state.status : e.type)), ['live', 'book'], 'live in the same turn as the fresh book, before it is drawn');
    assert.deepEqual(book.merged().bids, [[100.2, 3], [100, 1], [99.5, 10]]);
    assert.equal(book.legs[1]?.staleSince, undefined);
    events.length = 0;
    src.push('usd', { type: 'orderbook', book: { timestamp: 3, bids: [[100.2, 4]], asks: [[100.3, 3]] } });
    assert.deepEqual(events.map((e) => e.type), ['book'], 'a current leg\'s next book changes no state');
    book.dispose();
  });

  it('no leg current: the ladder holds every leg\'s last book, as of the oldest, in the legs\' own state; the first fresh book shows alone', async () => {
    let t = DROP;
    const { src, book, lastState } = await allCurrent(() => t);
    src.push('usd', reconnecting(1));
    t += 3_000;
    src.push('spot', reconnecting(1));
    src.push('inv', reconnecting(1));
    const down = lastState();
    assert.ok(down?.type === 'state' && down.state.status === 'reconnecting', `the panel dims what it holds: ${JSON.stringify(down)}`);
    assert.equal(down.heldSince, DROP, 'as of the oldest book held');
    assert.deepEqual(book.merged().bids, [[100.5, 2], [100, 1], [99.5, 10]], 'every leg held, none emptied');
    for (const leg of ['spot', 'usd', 'inv']) src.push(leg, { type: 'state', state: { status: 'live', since: t } });
    const streamsBack = lastState();
    assert.equal(streamsBack?.type === 'state' && streamsBack.state.status, 'live', 'every stream live again: a book panel reads live only with the book that follows');
    assert.deepEqual(book.merged().bids, [[100.5, 2], [100, 1], [99.5, 10]], 'still held until a fresh book comes');

    src.push('inv', { type: 'orderbook', book: { timestamp: 2, bids: [[98, 980]], asks: [[102, 1020]] } });
    const one = lastState();
    assert.ok(one?.type === 'state' && one.state.status === 'degraded' && one.heldSince === undefined, JSON.stringify(one));
    assert.equal(one.state.status === 'degraded' && one.state.reason, 'spot BTC/USDT stale since 14:02:34 UTC (live again, waiting for its book), usd BTC/USD stale since 14:02:31 UTC (live again, waiting for its book)');
    assert.deepEqual(book.merged().bids, [[98, 10]], 'only the fresh book');

    // None current again: every book held; one that fails meanwhile goes.
    src.push('inv', reconnecting(1));
    assert.deepEqual(book.merged().bids, [[100.5, 2], [100, 1], [98, 10]]);
    src.push('inv', { type: 'state', state: { status: 'failed', reason: 'gone' } });
    assert.deepEqual(book.merged().bids, [[100.5, 2], [100, 1]]);
    book.dispose();
  });

  it("at the start: connecting, naming the legs without a book yet, until every leg's first book came (opening is not degradation)", async () => {
    const src = new Books();
    const events: AggregateBookEvent[] = [];
    const book = new AggregateBook(src, DEF, (e) => events.push(e));
    await book.ready;
    for (const leg of ['spot', 'usd', 'inv']) src.push(leg, { type: 'state', state: { status: 'live', since: 1 } });
    src.push('spot', { type: 'orderbook', book: { timestamp: 1, bids: [[100, 1]], asks: [[100.1, 1]] } });
    const states = () => events.flatMap((e) => (e.type === 'state' ? [e.state] : []));
    assert.deepEqual(states().at(-1), { status: 'connecting', reason: 'waiting for the first book of usd BTC/USD, inv BTC/USD:BTC', brief: 'waiting for 2 legs' });
    assert.deepEqual(book.merged().bids, [[100, 1]], "the first leg's levels show meanwhile");
    src.push('usd', { type: 'orderbook', book: { timestamp: 1, bids: [[100, 1]], asks: [[100.1, 1]] } });
    src.push('inv', { type: 'orderbook', book: { timestamp: 1, bids: [[100, 1]], asks: [[100.1, 1]] } });
    assert.deepEqual(states().at(-1), { status: 'live', since: 1 });
    assert.ok(states().every((s) => s.status !== 'degraded'), JSON.stringify(states()));
    book.dispose();
  });

  it(`a leg with no book ${FIRST_BOOK_WAIT_MS / 1000} s after the start turns it degraded when the wait ends; the wait is cancelled on dispose`, async () => {
    const src = new Books();
    const events: AggregateBookEvent[] = [];
    let now = 1_000;
    const waits: Array<{ readonly fire: () => void; readonly delayMs: number; cancelled: boolean }> = [];
    const schedule = (fire: () => void, delayMs: number) => {
      const wait = { fire, delayMs, cancelled: false };
      waits.push(wait);
      return () => void (wait.cancelled = true);
    };
    const book = new AggregateBook(src, DEF, (e) => events.push(e), () => now, schedule);
    await book.ready;
    assert.deepEqual(waits.map((w) => w.delayMs), [FIRST_BOOK_WAIT_MS], 'one wait, from the start');
    for (const leg of ['spot', 'usd', 'inv']) src.push(leg, { type: 'state', state: { status: 'live', since: 1 } });
    for (const leg of ['spot', 'usd']) src.push(leg, { type: 'orderbook', book: { timestamp: 1, bids: [[100, 1]], asks: [[100.1, 1]] } });
    const last = () => events.flatMap((e) => (e.type === 'state' ? [e.state] : [])).at(-1);
    assert.equal(last()?.status, 'connecting');
    now += FIRST_BOOK_WAIT_MS;
    waits[0]!.fire();
    assert.deepEqual(last(), { status: 'degraded', reason: `inv BTC/USD:BTC no book in ${FIRST_BOOK_WAIT_MS / 1000} s (live)`, brief: '1 leg without a book' });
    book.dispose();
    assert.equal(waits[0]!.cancelled, true, 'disposed: the wait is cancelled');

    // Every first book in time: the wait ends with nothing to say.
    const quick = new Books();
    const quickEvents: AggregateBookEvent[] = [];
    const quickWaits: Array<() => void> = [];
    const open = new AggregateBook(quick, DEF, (e) => quickEvents.push(e), () => now, (fire) => (quickWaits.push(fire), () => {}));
    await open.ready;
    for (const leg of ['spot', 'usd', 'inv']) {
      quick.push(leg, { type: 'state', state: { status: 'live', since: 1 } });
      quick.push(leg, { type: 'orderbook', book: { timestamp: 1, bids: [[100, 1]], asks: [[100.1, 1]] } });
    }
    const before = quickEvents.length;
    now += FIRST_BOOK_WAIT_MS;
    quickWaits[0]!();
    assert.equal(quickEvents.length, before, 'no state re-sent');
    open.dispose();
  });

  it('legs that do not resolve (quotes not one currency) reject ready, naming the leg; no stream is opened', async () => {
    const src = new Books();
    const book = new AggregateBook(src, { ...DEF, usdtIsUsd: false }, () => undefined);
    await assert.rejects(book.ready, /usd BTC\/USD: quote USD is not USDT.*set usdtIsUsd/);
    assert.equal(src.consumers.size, 0);
  });
});
