/**
 * A book stream's updates reach hub consumers a turn later (LatestWins: the newest only), its states at once. A book
 * read just before the stream left live was handed on after that state: an aggregate DOM's leg, or a book panel, took
 * the book from before the drop (or before the lost update of a gap) for the fresh one, and read live with it.
 */
import * as assert from 'node:assert/strict';
import { OrderBookGapError } from '../../../src/core/errors';
import { MarketHub } from '../../../src/core/hub/marketHub';
import type { OrderBookEvent } from '../../../src/core/hub/requests';
import type { OrderBook } from '../../../src/core/types';
import { silentLogger } from '../../../src/core/util/log';
import { FakeClient, fakeLookup } from '../../helpers/fakeClient';
import { turnsUntil as until } from '../../helpers/turnsUntil';

const book = (bid: number): OrderBook => ({ timestamp: bid, bids: [[bid, 1]], asks: [[bid + 1, 1]] });

/** Lets the stream's loop take the update and ask for the next one: promise jobs only, before any later turn. */
async function microtasks(): Promise<void> {
  for (let i = 0; i < 50; i++) await Promise.resolve();
}

describe('MarketHub: a book read just before its stream left live is not handed on after that state', () => {
  let hub: MarketHub;
  let client: FakeClient;
  beforeEach(() => {
    client = new FakeClient();
    hub = new MarketHub({ clients: fakeLookup(client), log: silentLogger, backoff: { baseMs: 1, maxMs: 1, factor: 1, jitter: 0 } });
  });
  afterEach(() => hub.close());

  for (const [what, error] of [
    ['a dropped connection', () => Object.assign(new Error('connection closed'), { name: 'NetworkError' })],
    ['a gap (reconnecting and live again in one turn)', () => new OrderBookGapError('fake', 'BTC/USDT', 'u 7 came after 5')],
  ] as const) {
    it(`${what}: the consumer's next book after the drop is one read after it`, async () => {
      const events: OrderBookEvent[] = [];
      const sub = hub.subscribe({ kind: 'orderbook', exchange: client.exchangeId, symbol: 'BTC/USDT' }, (e) => events.push(e));
      await sub.ready;
      client.push('orderbook', book(100));
      await until(() => events.some((e) => e.type === 'orderbook'), 'the first book');
      client.push('orderbook', book(101));
      await microtasks();
      client.fail('orderbook', error());
      const left = (e: OrderBookEvent) => e.type === 'state' && e.state.status !== 'live' && e.state.status !== 'connecting';
      await until(() => events.some(left), 'the drop');
      const drop = events.findIndex(left);
      client.push('orderbook', book(102));
      await until(() => events.slice(drop).some((e) => e.type === 'orderbook'), 'a book after the drop');
      const after = events.slice(drop).flatMap((e) => (e.type === 'orderbook' ? [e.book.timestamp] : []));
      assert.deepEqual(after, [102], `books handed on after the drop: ${JSON.stringify(after)}`);
      sub.dispose();
    });
  }
});
