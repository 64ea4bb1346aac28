/**
 * One book message lost on the way (the emulator's `book-gap`: Binance's next diff has U past the last u + 1,
 * Coinbase's sequence_num skips one, Bybit's u skips one). ccxt (4.5.84) checks only Binance's ids; on Coinbase and
 * Bybit it applied the next updates to a book lacking the lost one, and the panel showed a book the exchange never
 * held, as `live`. Now the stream says it is taking the book again (`reconnecting`, naming the lost message), and the
 * next book delivered is the exchange's. Real ccxt against each emulator.
 */
import * as assert from 'node:assert/strict';
import type { OrderBook } from '../../src/core/types';
import type { ExchangeId } from '../../src/emulator';
import { Recorder, type Rig } from '../helpers/emulatorHub';
import { rigsPerTest } from '../helpers/rigsPerTest';
import { THREE_MARKETS } from '../helpers/threeExchanges';

type Market = (typeof THREE_MARKETS)[number];

const REASONS: Record<ExchangeId, RegExp> = {
  // ccxt's own check (its ChecksumError), said as ours, in words (the class only in the log).
  binance: /^binance order book BTC\/USDT: an update was lost \(the update ids jumped\); the book is taken again from a new snapshot$/,
  coinbase: /coinbase order book BTC\/USD: sequence_num \d+ came after \d+: 1 message\(s\) lost; the book is taken again from a new snapshot/,
  bybit: /bybit order book BTC\/USDT:USDT: orderbook\.50\.BTCUSDT: u \d+ came after \d+: 1 message\(s\) lost; the book is taken again from a new snapshot/,
};

const keyOf = (book: { bids: readonly (readonly [number, number])[]; asks: readonly (readonly [number, number])[] }): string => JSON.stringify([book.bids.slice(0, 50), book.asks.slice(0, 50)]);

describe('order book: a lost book message (real ccxt, emulators)', function () {
  this.timeout(60_000);
  const rigs = rigsPerTest();

  /** A rig without trades: the book moves by its own steps only, so a step's book can be read from the emulator as it is sent. */
  const startBookRig = (m: Market) => rigs.start({ exchange: m.exchange, tradesPerSecond: 0 });

  /**
   * `m`'s book subscribed, `onStep` told of each step of it the emulator sends (with its update id); resolves after the
   * first book, `before` the events then. `dispose` ends the subscription and the listening.
   */
  async function bookAfterFirst(rig: Rig<ExchangeId>, m: Market, onStep: (id: number) => void) {
    const emu = rig.emulator;
    const request = { kind: 'orderbook', exchange: m.exchange, symbol: m.symbol } as const;
    const record = (symbol: string, id: number): void => {
      if (symbol === m.symbol) onStep(id);
    };
    emu.on('book', record);
    const rec = new Recorder<typeof request>();
    const sub = rig.hub.subscribe(request, rec.consume);
    const dispose = (): void => {
      sub.dispose();
      emu.off('book', record);
    };
    await rec.next((e) => e.type === 'orderbook', 'a first book', 20_000).catch((error: unknown) => {
      dispose();
      throw error;
    });
    return { rec, before: rec.events.length, dispose };
  }

  for (const m of THREE_MARKETS) {
    it(`${m.exchange}: the stream says it takes the book again, then delivers the exchange's book`, async () => {
      const rig = await startBookRig(m);
      const emu = rig.emulator;
      const truth = new Map<string, number>();
      const { rec, before, dispose } = await bookAfterFirst(rig, m, (id) => truth.set(keyOf(emu.orderBook(m.symbol, 50)), id));
      try {
        assert.ok(emu.sendMalformed('book-gap', undefined, m.symbol) > 0, 'a subscriber misses the next book message');
        const lostAt = emu.orderBook(m.symbol, 1).lastUpdateId;
        const reconnecting = await rec.upcoming((e) => e.type === 'state' && e.state.status === 'reconnecting', 'the book taken again', 20_000);
        assert.ok(reconnecting.type === 'state' && reconnecting.state.status === 'reconnecting');
        assert.match(reconnecting.state.reason, REASONS[m.exchange]);
        const after = await rec.upcoming((e) => e.type === 'orderbook', 'a book after it', 20_000);
        assert.ok(after.type === 'orderbook');
        const id = truth.get(keyOf(after.book));
        assert.ok(id !== undefined && id > lostAt, `the exchange's book after the lost message (update id ${id}, lost after ${lostAt})`);
        // A few more books: each one the exchange's (ccxt's copy lacking the lost update would hold a level at an old size).
        const count = (): number => rec.events.slice(before).filter((e) => e.type === 'orderbook').length;
        const seen = count();
        await rec.upcoming(() => count() >= seen + 5, 'more books', 20_000);
        const books = rec.events.slice(before).filter((e): e is { type: 'orderbook'; book: OrderBook } => e.type === 'orderbook');
        for (const { book } of books) assert.ok(truth.has(keyOf(book)), 'every book delivered is one the exchange held');
      } finally {
        dispose();
      }
    });
  }

  // The book is taken again on the same connection (unsubscribe, subscribe): the old subscription's messages the
  // server sent before it read ours still come, between our restart and the new snapshot. None may reach the new book.
  // The stream says `reconnecting` as soon as it sees the lost message, not after the unsubscribe's answer: with the
  // uplink held that answer came only when ccxt's keep-alive gave the connection up (10-15 s, more under load: the
  // wait below timed out once in a full run), and the book was then taken again on a new connection instead.
  for (const m of THREE_MARKETS) {
    it(`${m.exchange}: the old subscription's messages sent while our restart was on its way: every book delivered is the exchange's`, async () => {
      const rig = await startBookRig(m);
      const emu = rig.emulator;
      const truth = new Set<string>();
      let steps = 0;
      const { rec, before, dispose } = await bookAfterFirst(rig, m, () => {
        truth.add(keyOf(emu.orderBook(m.symbol, 50)));
        steps++;
      });
      try {
        const connections = emu.stats().wsConnectionsTotal;
        const hold = emu.holdClientFrames(m.symbol);
        assert.equal(hold.held, 1, 'the one connection');
        assert.ok(emu.sendMalformed('book-gap', undefined, m.symbol) > 0, 'a subscriber misses the next book message');
        await rec.upcoming((e) => e.type === 'state' && e.state.status === 'reconnecting', 'the book taken again', 20_000);
        // Our unsubscribe waits unread (the subscribe follows its answer) while the server sends three more steps of the old subscription.
        const at = steps;
        await new Promise<void>((resolve) => {
          const counted = (symbol: string): void => {
            if (symbol !== m.symbol || steps < at + 3) return;
            emu.off('book', counted);
            resolve();
          };
          emu.on('book', counted);
        });
        hold.release();
        const count = (): number => rec.events.slice(before).filter((e) => e.type === 'orderbook').length;
        await rec.upcoming(() => count() >= 5, 'books after the restart', 30_000);
        const books = rec.events.slice(before).filter((e): e is { type: 'orderbook'; book: OrderBook } => e.type === 'orderbook');
        for (const { book } of books) assert.ok(truth.has(keyOf(book)), `every book delivered is one the exchange held (${books.indexOf(books.find((b) => b.book === book)!)} of ${books.length})`);
        assert.equal(emu.stats().wsConnectionsTotal, connections, 'the book was taken again on the connection that held it');
      } finally {
        dispose();
      }
    });
  }
});
