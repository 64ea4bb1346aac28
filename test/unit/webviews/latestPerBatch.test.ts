/** The book and ladder panels draw only the newest update of each host batch; connection and errors go to their sinks. */
import * as assert from 'node:assert/strict';
import { ConnectionState } from '../../../src/webviews/shared/connection';
import { onLatestPerBatch } from '../../../src/webviews/shared/latestPerBatch';

const book = (bid: number) => ({ method: 'book/update', params: { market: { exchange: 'binance', symbol: 'BTC/USDT' }, bids: [[bid, 1]], asks: [[bid + 1, 1]], levels: 20 } });

describe('webviews/shared onLatestPerBatch', () => {
  const g = globalThis as { window?: EventTarget };
  let previous: EventTarget | undefined;
  beforeEach(() => {
    previous = g.window;
    g.window = new EventTarget();
  });
  afterEach(() => {
    g.window = previous;
  });

  const postBatch = (...messages: unknown[]) => g.window!.dispatchEvent(new MessageEvent('message', { data: { method: 'panel/batch', params: { messages } } }));

  it('draws once per batch with the newest update; first is true once; other messages reach their sinks', () => {
    const connection = new ConnectionState();
    const errors: (string | null)[] = [];
    const drawn: [number, boolean][] = [];
    const off = onLatestPerBatch('book/update', { connection, onError: (update) => errors.push(update(null)) }, (p, first) => drawn.push([p.bids[0]![0], first]));
    postBatch(book(100), { method: 'panel/connection', params: { status: 'live' } }, book(101), book(102));
    postBatch({ method: 'panel/error', params: { message: 'stream failed' } });
    postBatch(book(103));
    off();
    postBatch(book(104));
    assert.deepEqual(drawn, [
      [102, true],
      [103, false],
    ]);
    assert.deepEqual(errors, ['stream failed']);
    assert.equal(connection.info?.status, 'live');
    assert.ok(connection.lastDataAt !== undefined, 'an update marks data');
  });

  it("an update that holds none of the stream's data is drawn but leaves the badge's data time alone", () => {
    const connection = new ConnectionState();
    const drawn: number[] = [];
    // A DOM's ladder from the trades before its book: drawn, and the badge still has no data to call stale.
    const off = onLatestPerBatch('book/update', { connection, onError: () => undefined }, (p) => drawn.push(p.bids[0]![0]), (p) => p.bids[0]![0] > 100);
    postBatch({ method: 'panel/connection', params: { status: 'connecting' } }, book(100));
    assert.deepEqual(drawn, [100]);
    assert.equal(connection.lastDataAt, undefined);
    postBatch(book(101));
    off();
    assert.deepEqual(drawn, [100, 101]);
    assert.ok(connection.lastDataAt !== undefined, 'the data marked');
  });

  it('a resolved error drops the banner that says it, not a newer one', () => {
    let banner: string | null = null;
    const off = onLatestPerBatch('book/update', { connection: new ConnectionState(), onError: (update) => (banner = update(banner)) }, () => undefined);
    postBatch({ method: 'panel/error', params: { message: 'binance no longer trades SOL/USDT' } });
    assert.equal(banner, 'binance no longer trades SOL/USDT');
    postBatch({ method: 'panel/errorResolved', params: { message: 'binance no longer trades SOL/USDT' } });
    assert.equal(banner, null);
    postBatch({ method: 'panel/error', params: { message: 'a newer failure' } });
    postBatch({ method: 'panel/errorResolved', params: { message: 'binance no longer trades SOL/USDT' } });
    assert.equal(banner, 'a newer failure');
    off();
  });
});
