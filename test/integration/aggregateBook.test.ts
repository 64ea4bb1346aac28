/**
 * An aggregate's order book (issue 15), real ccxt against the Binance, Coinbase and Bybit emulators: the merged
 * ladder equals the legs' books as their shared streams give them; a leg whose server stops shows as down while
 * the others stay, and comes back; the last consumer gone, no stream is left.
 */
import * as assert from 'node:assert/strict';
import { AggregateBook, type AggregateBookEvent } from '../../src/core/aggregate/aggregateBook';
import type { BookLevel, OrderBook } from '../../src/core/types';
import { captureLog } from '../helpers/emulatorHub';
import { LegsRig } from '../helpers/legsRig';
import { DEFINITION, LEGS } from '../helpers/aggregateTruth';

/** The reference merge: every level of every book, sizes at one price summed. */
function mergeOf(books: readonly OrderBook[], side: 'bids' | 'asks'): BookLevel[] {
  const sizes = new Map<number, number>();
  for (const b of books) for (const [p, a] of b[side]) sizes.set(p, (sizes.get(p) ?? 0) + a);
  return [...sizes].sort((x, y) => (side === 'bids' ? y[0] - x[0] : x[0] - y[0]));
}

describe("an aggregate's order book across Binance, Coinbase and Bybit (real ccxt, emulators)", function () {
  this.timeout(90_000);
  let rig: LegsRig | undefined;
  const log = captureLog();

  beforeEach(async () => {
    rig = await LegsRig.start({ seed: 37, tradesPerSecond: 5, historyMinutes: 2 }, log);
  });
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  it("the merged book equals the legs' books (one socket subscription each, shared with a single DOM); a stopped leg shows down, the others stay", async () => {
    const h = rig!.hub;
    // A single market's DOM on Binance: the aggregate's Binance leg must ride the same subscription.
    const single: OrderBook[] = [];
    const dom = h.subscribe({ kind: 'orderbook', ...LEGS[0] }, (e) => {
      if (e.type === 'orderbook') single.push(e.book);
    });
    const events: AggregateBookEvent[] = [];
    const waiters: Array<() => void> = [];
    const book = new AggregateBook(h, DEFINITION, (e) => {
      events.push(e);
      for (const w of waiters.splice(0)) w();
    });
    const until = async (pred: () => boolean, what: string) => {
      const deadline = Date.now() + 30_000;
      while (!pred()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(book.legs)}`);
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, 200);
          waiters.push(() => (clearTimeout(t), resolve()));
        });
      }
    };
    await book.ready;
    await until(() => book.legBooks().every((b) => b !== undefined && b.bids.length > 0 && b.asks.length > 0), "every leg's book");
    await until(() => book.legs.every((l) => l.state.status === 'live'), 'every leg live');

    const legBooks = book.legBooks() as OrderBook[];
    const merged = book.merged();
    assert.deepEqual(merged.bids, mergeOf(legBooks, 'bids'));
    assert.deepEqual(merged.asks, mergeOf(legBooks, 'asks'));
    assert.equal(merged.bids.length, new Set(legBooks.flatMap((b) => b.bids.map((l) => l[0]))).size, 'one level per price');
    // Bybit's linear perpetual: 1 contract = 1 BTC (ccxt's contractSize), so its sizes are its book's.
    assert.ok(single.includes(legBooks[0]!), "the Binance leg's book is the very book the single DOM got");
    for (const [i, { exchange }] of LEGS.entries()) {
      const subs = Object.entries(rig!.emulator(exchange).stats().subscriptions).filter(([topic]) => /depth|level2|orderbook/i.test(topic));
      assert.ok(subs.length > 0 && subs.every(([, n]) => n === 1), `${exchange}: one book subscription, shared (${JSON.stringify(subs)}), leg ${i}`);
    }

    // Coinbase's server stops: its leg is down and named, the others keep their books; it comes back after a restart.
    rig!.emulator('coinbase').restartAfter(1500);
    await until(() => book.legs[1]!.state.status !== 'live', 'the Coinbase leg down');
    const down = events.filter((e) => e.type === 'state').at(-1);
    assert.ok(down?.type === 'state' && down.state.status === 'degraded' && /coinbase BTC\/USD/.test(down.state.reason), JSON.stringify(down));
    assert.ok(book.legBooks()[0] && book.legBooks()[2], 'Binance and Bybit still have their books');
    assert.ok(book.merged().bids.length > 0);
    await until(() => book.legs.every((l) => l.state.status === 'live'), 'Coinbase live again');

    book.dispose();
    dom.dispose();
    await h.whenStreamsIdle();
    assert.deepEqual(h.activeStreams(), [], 'the DOMs closed, no book stream is left');
  });
});
