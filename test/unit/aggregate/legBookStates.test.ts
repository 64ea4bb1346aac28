/**
 * LegBookStates at the start: opening is not degradation. Until each leg's first book came the aggregate reads
 * connecting, naming the legs it waits for; a leg that fails, or has no book FIRST_BOOK_WAIT_MS after the start, makes
 * it degraded; its brief (a badge's text) counts the legs, the reason names them.
 */
import * as assert from 'node:assert/strict';
import { FIRST_BOOK_WAIT_MS, LegBookStates } from '../../../src/core/aggregate/legBookStates';
import type { StreamState } from '../../../src/core/types';

const MARKETS = [
  { exchange: 'binance', symbol: 'BTC/USDT' },
  { exchange: 'coinbase', symbol: 'BTC/USD' },
  { exchange: 'bybit', symbol: 'BTC/USDT:USDT' },
];
const T0 = Date.UTC(2026, 11, 6, 14, 2, 31);
const live: StreamState = { status: 'live', since: T0 };

function legs() {
  const clock = { now: T0 };
  const states = new LegBookStates(MARKETS, () => clock.now);
  return { clock, states };
}

describe('LegBookStates at the start', () => {
  it('reads connecting, naming the legs it still waits for, while the others are current; live once every first book came', () => {
    const { states } = legs();
    assert.deepEqual(states.read(), { status: 'connecting', reason: 'waiting for the first book of binance BTC/USDT, coinbase BTC/USD, bybit BTC/USDT:USDT', brief: 'waiting for 3 legs' });
    for (let i = 0; i < 3; i++) states.state(i, live);
    states.book(0);
    assert.deepEqual(states.read(), { status: 'connecting', reason: 'waiting for the first book of coinbase BTC/USD, bybit BTC/USDT:USDT', brief: 'waiting for 2 legs' });
    assert.deepEqual(states.statuses.map((l) => l.shown), [true, false, false], "the current leg's levels show meanwhile");
    states.book(2);
    assert.deepEqual(states.read(), { status: 'connecting', reason: 'waiting for the first book of coinbase BTC/USD', brief: 'waiting for 1 leg' });
    assert.equal(states.firstBookPending, true);
    states.book(1);
    assert.deepEqual(states.read(), { status: 'live', since: T0 });
    assert.equal(states.firstBookPending, false);
  });

  it('a leg awaited while its stream reconnects says so in the reason, still connecting', () => {
    const { states } = legs();
    states.state(0, live);
    states.book(0);
    states.state(1, { status: 'reconnecting', attempt: 2, reason: 'connection refused', retryInMs: 800 });
    states.state(2, live);
    states.book(2);
    assert.deepEqual(states.read(), { status: 'connecting', reason: 'waiting for the first book of coinbase BTC/USD (reconnecting (2))', brief: 'waiting for 1 leg' });
  });

  it('a leg that fails while the others open makes it degraded at once, naming it', () => {
    const { states } = legs();
    states.state(0, live);
    states.book(0);
    states.state(1, { status: 'failed', reason: 'no order book stream' });
    assert.deepEqual(states.read(), {
      status: 'degraded',
      reason: 'coinbase BTC/USD failed: no order book stream, bybit BTC/USDT:USDT waiting for its first book',
      brief: '1 leg failed, 1 waiting',
    });
  });

  it(`a leg still without a book ${FIRST_BOOK_WAIT_MS / 1000} s after the start makes it degraded; with none current, the legs' own state`, () => {
    const { clock, states } = legs();
    for (let i = 0; i < 3; i++) states.state(i, live);
    states.book(0);
    states.book(1);
    clock.now = T0 + FIRST_BOOK_WAIT_MS - 1;
    assert.equal(states.read().status, 'connecting');
    clock.now = T0 + FIRST_BOOK_WAIT_MS;
    assert.deepEqual(states.read(), { status: 'degraded', reason: `bybit BTC/USDT:USDT no book in ${FIRST_BOOK_WAIT_MS / 1000} s (live)`, brief: '1 leg without a book' });
    assert.equal(states.firstBookPending, true, 'the wait is over, the book is still awaited');

    const none = legs();
    none.states.state(0, { status: 'reconnecting', attempt: 3, reason: 'refused', retryInMs: 1000 });
    none.clock.now = T0 + FIRST_BOOK_WAIT_MS;
    assert.equal(none.states.read().status, 'reconnecting', 'no leg with a book: not connecting for ever');
  });

  it('once open, a drop is stale, not connecting: the brief counts the stale legs, the reason names each and since when', () => {
    const { clock, states } = legs();
    for (let i = 0; i < 3; i++) {
      states.state(i, live);
      states.book(i);
    }
    clock.now = T0 + 5_000;
    states.state(2, { status: 'reconnecting', attempt: 1, reason: 'closed', retryInMs: 300 });
    assert.deepEqual(states.read(), { status: 'degraded', reason: 'bybit BTC/USDT:USDT stale since 14:02:36 UTC (reconnecting (1))', brief: '1 leg stale' });
    states.state(1, { status: 'reconnecting', attempt: 1, reason: 'closed', retryInMs: 300 });
    const two = states.read();
    assert.equal(two.status === 'degraded' ? two.brief : two.status, '2 legs stale');
  });
});
