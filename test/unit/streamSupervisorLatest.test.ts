import * as assert from 'node:assert/strict';
import { StreamSupervisor, type StreamListener } from '../../src/core/streams/streamSupervisor';
import type { StreamKind } from '../../src/core/keys';
import type { OrderBook, StreamState, Trade } from '../../src/core/types';
import { systemClock } from '../../src/core/util/clock';
import { silentLogger } from '../../src/core/util/log';
import { FakeClient } from '../helpers/fakeClient';
import { turnsUntil as until } from '../helpers/turnsUntil';

interface Seen {
  readonly states: StreamState[];
  readonly data: unknown[];
}

function listener(): StreamListener<StreamKind> & Seen {
  const seen: Seen = { states: [], data: [] };
  return { ...seen, onState: (s) => seen.states.push(s), onData: (d) => seen.data.push(d) };
}

const book = (bid: number): OrderBook => ({ timestamp: 1, bids: [[bid, 1]], asks: [[bid + 1, 1]] });
const trade = (id: string): Trade => ({ id, timestamp: 1, price: 1, amount: 1, side: 'buy' });

/** A supervisor over one fake client whose streams back off a minute (no retry comes within a test). */
function supervised(): { supervisor: StreamSupervisor; client: FakeClient } {
  const client = new FakeClient();
  return { client, supervisor: new StreamSupervisor({ clientFor: async () => client, backoff: { baseMs: 60_000, maxMs: 60_000, factor: 1, jitter: 0 }, clock: systemClock, log: silentLogger, orderBookDepth: 10 }) };
}

describe('StreamSupervisor: a newcomer to a live stream', () => {
  let supervisor: StreamSupervisor;
  let client: FakeClient;
  beforeEach(() => ({ supervisor, client } = supervised()));
  afterEach(() => supervisor.stopAll());

  it('gets the current book at once (it read "waiting for the book" until the next update), and no book held while the stream is down', async () => {
    const first = listener();
    const d1 = supervisor.acquire({ kind: 'orderbook', exchange: 'fake', symbol: 'BTC/USDT' }, first);
    client.push('orderbook', book(100));
    await until(() => first.data.length === 1, 'the first book');
    const second = listener();
    const d2 = supervisor.acquire({ kind: 'orderbook', exchange: 'fake', symbol: 'BTC/USDT' }, second);
    assert.equal(second.states.at(-1)?.status, 'live');
    assert.deepEqual(second.data, [book(100)]);
    client.push('orderbook', book(101));
    await until(() => second.data.length === 2, 'the next book');
    assert.deepEqual(second.data.at(-1), book(101));

    client.fail('orderbook', Object.assign(new Error('socket closed'), { name: 'NetworkError' }));
    await until(() => first.states.at(-1)?.status === 'reconnecting', 'reconnecting');
    const third = listener();
    const d3 = supervisor.acquire({ kind: 'orderbook', exchange: 'fake', symbol: 'BTC/USDT' }, third);
    assert.equal(third.states.at(-1)?.status, 'reconnecting');
    assert.deepEqual(third.data, [], 'a book held from before the drop is not handed out as current');
    d1.dispose();
    d2.dispose();
    d3.dispose();
  });

  it('does not get trades again: they are a flow, not a state', async () => {
    const first = listener();
    const d1 = supervisor.acquire({ kind: 'trades', exchange: 'fake', symbol: 'BTC/USDT' }, first);
    client.push('trades', [trade('1')]);
    await until(() => first.data.length === 1, 'the first trades');
    const second = listener();
    const d2 = supervisor.acquire({ kind: 'trades', exchange: 'fake', symbol: 'BTC/USDT' }, second);
    assert.equal(second.states.at(-1)?.status, 'live');
    assert.deepEqual(second.data, []);
    d1.dispose();
    d2.dispose();
  });

  it("one joining a stream still connecting is told connecting once, as the first (before: twice, its join's and the loop's)", async () => {
    const key = { kind: 'trades', exchange: 'fake', symbol: 'BTC/USDT' } as const;
    const first = listener();
    const d1 = supervisor.acquire(key, first);
    const second = listener();
    const d2 = supervisor.acquire(key, second);
    client.push('trades', [trade('1')]);
    await until(() => second.data.length === 1, 'the first trades');
    assert.deepEqual(first.states.map((s) => s.status), ['connecting', 'live']);
    assert.deepEqual(second.states.map((s) => s.status), ['connecting', 'live']);
    d1.dispose();
    d2.dispose();
  });
});

describe('StreamSupervisor: a subscription that ends after a reconnect (the user\'s Reconnect, a markets reload)', () => {
  let supervisor: StreamSupervisor;
  let client: FakeClient;
  beforeEach(() => ({ supervisor, client } = supervised()));
  afterEach(() => supervisor.stopAll());

  it('its listener leaves the fresh stream, which stops with its last listener: nothing outlives the last consumer', async () => {
    const key = { kind: 'orderbook', exchange: 'fake', symbol: 'BTC/USDT' } as const;
    const first = listener();
    const second = listener();
    const d1 = supervisor.acquire(key, first);
    const d2 = supervisor.acquire(key, second);
    client.push('orderbook', book(100));
    await until(() => first.data.length === 1 && second.data.length === 1, 'the first book');
    supervisor.reconnect(key);
    await supervisor.whenIdle(); // the old stream's watch ended: the next book is the fresh stream's
    client.push('orderbook', book(101));
    await until(() => first.data.length === 2 && second.data.length === 2, 'a book on the fresh stream');
    d1.dispose();
    client.push('orderbook', book(102));
    await until(() => second.data.length === 3, 'the next book to the one still subscribed');
    assert.equal(first.data.length, 2, 'a disposed listener gets nothing more');
    assert.equal(supervisor.activeStreams().length, 1, 'the stream stays for the listener still subscribed');
    d2.dispose();
    assert.deepEqual(supervisor.activeStreams(), [], 'the fresh stream stopped with its last listener');
    await supervisor.whenIdle();
  });
});
