// The ccxt hook that answers Binance's serverShutdown, on stand-ins for ccxt's exchange and socket client: the event in
// each documented form, a watch between two reads (no pending future) and what is left of the old socket.
import * as assert from 'node:assert/strict';
import { ServerShutdownError } from '../../src/core/errors';
import { reconnectOnBinanceServerShutdown } from '../../src/core/exchange/binanceServerShutdown';
import type { ProExchange } from '../../src/core/exchange/ccxtLoader';

class FakeClient {
  error: unknown;
  futures: Record<string, unknown> = {};
  subscriptions: Record<string, unknown> = {};
  readonly rejections: Record<string, unknown> = {};
  readonly rejected: Array<{ hash: string | undefined; error: unknown }> = [];
  closed = 0;
  constructor(readonly url: string) {}
  reject(error: unknown, hash?: string): unknown {
    this.rejected.push({ hash, error });
    return error;
  }
  /** As ccxt 4.5.84's Client.reset: its timers cleared (none here), then every future rejected. */
  reset(error: unknown): void {
    this.reject(error);
  }
  close(): Promise<void> {
    this.closed += 1;
    return Promise.resolve();
  }
  /** As ccxt 4.5.84's Client.future: a stored rejection rejects the hash's future, which stays the hash's future. */
  future(hash: string): { rejectedWith: unknown } {
    const future = (this.futures[hash] ??= { rejectedWith: undefined }) as { rejectedWith: unknown };
    if (hash in this.rejections) {
      future.rejectedWith = this.rejections[hash];
      delete this.rejections[hash];
    }
    return future;
  }
}

function rig() {
  const passedOn: unknown[] = [];
  const logged: string[] = [];
  const url = 'ws://127.0.0.1:8765/stream/ws/0';
  const ex = {
    clients: {} as Record<string, FakeClient | undefined>,
    options: { ws: { backoffState: { [url]: { attempt: 2 } } as Record<string, unknown> } },
    handleMessage: (_c: FakeClient, m: unknown) => void passedOn.push(m),
    client(u: string): FakeClient {
      return (this.clients[u] ??= new FakeClient(u));
    },
    close: () => Promise.resolve(),
    onError: () => undefined,
    onClose: () => undefined,
  };
  reconnectOnBinanceServerShutdown(ex as unknown as ProExchange, (m) => logged.push(m));
  const old = ex.client(url);
  return { ex, old, url, passedOn, logged };
}

describe('binance: serverShutdown moves a socket’s watches to a new connection at once', () => {
  for (const [form, message] of [
    ['raw stream', { e: 'serverShutdown', E: 1 }],
    ['combined stream', { stream: '!serverShutdown', data: { e: 'serverShutdown', E: 1 } }],
    ['WebSocket API', { event: { e: 'serverShutdown', E: 1 } }],
  ] as const) {
    it(`${form}: the socket's pending watches fail with a ServerShutdownError, it leaves ccxt's registry and is closed`, () => {
      const { ex, old, url, passedOn, logged } = rig();
      old.futures = { 'trade::BTC/USDT': {}, 'orderbook::BTC/USDT': {} };
      old.subscriptions = { 'trade::BTC/USDT': {}, 'orderbook::BTC/USDT': {} };
      ex.handleMessage(old, message);
      assert.equal(old.rejected.length, 1);
      assert.equal(old.rejected[0]?.hash, undefined, 'every pending watch of the socket');
      assert.ok(old.rejected[0]?.error instanceof ServerShutdownError);
      assert.equal(old.error, old.rejected[0]?.error, 'marked failed before its close: its late onClose leaves a newer client alone');
      assert.equal(ex.clients[url], undefined, 'the next watch dials a new socket');
      assert.equal(ex.options.ws.backoffState[url], undefined, 'without a dial backoff');
      assert.equal(old.closed, 1);
      assert.deepEqual(passedOn, [], 'ccxt has nothing to do with it');
      assert.match(logged[0]!, /announced its shutdown: its 2 subscription\(s\) move to a new connection now/);
    });
  }

  it('a watch between two reads (subscribed, no pending future) fails on its next call, which dials the new socket', () => {
    const { ex, old, url } = rig();
    old.futures = { 'orderbook::BTC/USDT': {} };
    old.subscriptions = { 'trade::BTC/USDT': {}, 'orderbook::BTC/USDT': {} };
    ex.handleMessage(old, { e: 'serverShutdown', E: 1 });
    const next = ex.clients[url];
    assert.ok(next !== undefined && next !== old);
    assert.deepEqual(Object.keys(next.rejections), ['trade::BTC/USDT']);
    assert.ok(next.future('trade::BTC/USDT').rejectedWith instanceof ServerShutdownError, 'its next call fails');
    assert.equal(next.future('trade::BTC/USDT').rejectedWith, undefined, 'and only that one: the retry waits on a fresh future (it failed at every retry until a trade came)');
    assert.deepEqual(Object.keys(next.rejections), []);
  });

  it('what the old socket still delivers after the event never reaches ccxt; the new socket’s messages do', () => {
    // ccxt's trade cache is the exchange's: the old socket's late trades joined the new socket's first read, and the
    // seam taken at the oldest of them left the trades between the two sockets in no bar (binanceServerShutdown.test.ts).
    const { ex, old, url, passedOn } = rig();
    old.futures = { 'trade::BTC/USDT': {} };
    old.subscriptions = { 'trade::BTC/USDT': {} };
    ex.handleMessage(old, { stream: '!serverShutdown', data: { e: 'serverShutdown', E: 1 } });
    const late = { stream: 'btcusdt@aggTrade', data: { e: 'aggTrade', s: 'BTCUSDT', a: 171 } };
    ex.handleMessage(old, late);
    ex.handleMessage(old, { e: 'serverShutdown', E: 2 });
    assert.deepEqual(passedOn, [], 'the old socket is no source any more');
    assert.equal(old.closed, 1, 'left once');
    const next = ex.client(url);
    const first = { stream: 'btcusdt@aggTrade', data: { e: 'aggTrade', s: 'BTCUSDT', a: 176 } };
    ex.handleMessage(next, first);
    assert.deepEqual(passedOn, [first]);
  });

  it('every other message goes to ccxt untouched', () => {
    const { ex, old, url, passedOn } = rig();
    const others = [{ e: 'aggTrade', s: 'BTCUSDT', a: 1 }, { result: null, id: 1 }, [{ e: '24hrTicker' }], { stream: 'btcusdt@aggTrade', data: { e: 'aggTrade' } }, null, 'text'];
    for (const m of others) ex.handleMessage(old, m);
    assert.deepEqual(passedOn, others);
    assert.equal(ex.clients[url], old);
    assert.equal(old.rejected.length + old.closed, 0);
  });
});
