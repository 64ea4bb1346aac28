// A socket we leave delivers nothing more into ccxt (leftSockets.ts), on each path that leaves one: closed as idle,
// closed with the whole exchange (the last stream's stop, the user's Reconnect of it), moved away from on Binance's
// serverShutdown, ended by ccxt itself (its keep-alive timeout, an error, the server's close). Stand-ins for ccxt's
// exchange and socket clients.
import * as assert from 'node:assert/strict';
import type { ProExchange } from '../../src/core/exchange/ccxtLoader';
import { closeIdleSockets } from '../../src/core/exchange/closeIdleSockets';
import { dropWhatLeftSocketsDeliver } from '../../src/core/exchange/leftSockets';
import { reconnectOnBinanceServerShutdown } from '../../src/core/exchange/binanceServerShutdown';

class FakeClient {
  error: unknown;
  futures: Record<string, unknown> = {};
  subscriptions: Record<string, unknown> = {};
  readonly rejections: Record<string, unknown> = {};
  closed = 0;
  constructor(readonly url: string) {}
  reject(): void {}
  reset(): void {}
  close(): Promise<void> {
    this.closed += 1;
    return Promise.resolve();
  }
}

const trade = (a: number) => ({ stream: 'btcusdt@aggTrade', data: { e: 'aggTrade', s: 'BTCUSDT', a } });

function rig() {
  const passedOn: Array<{ url: string; message: unknown }> = [];
  let closes = 0;
  const ex = {
    clients: {} as Record<string, FakeClient | undefined>,
    options: { ws: { backoffState: {} as Record<string, unknown> } },
    handleMessage: (c: FakeClient, message: unknown) => void passedOn.push({ url: c.url, message }),
    client(u: string): FakeClient {
      return (this.clients[u] ??= new FakeClient(u));
    },
    /** As ccxt's Exchange.onError and onClose: the client is forgotten, the next watch dials anew. */
    onError(c: FakeClient, _error: unknown): void {
      if (this.clients[c.url] === c) delete this.clients[c.url];
    },
    onClose(c: FakeClient, _event: unknown): void {
      if (this.clients[c.url] === c) delete this.clients[c.url];
    },
    /** As ccxt's Exchange.close: every client closed, then forgotten. */
    async close(): Promise<void> {
      closes += 1;
      const all = Object.values(this.clients).filter((c): c is FakeClient => c !== undefined);
      await Promise.all(all.map((c) => c.close()));
      for (const c of all) delete this.clients[c.url];
    },
  };
  const exchange = ex as unknown as ProExchange;
  dropWhatLeftSocketsDeliver(exchange);
  return { ex, exchange, passedOn, closes: () => closes };
}

describe('a socket we left delivers nothing more into ccxt', () => {
  it('closed as idle: what it delivers after is dropped, a busy socket’s and the next socket’s messages pass', async () => {
    const { ex, exchange, passedOn } = rig();
    const idle = ex.client('ws://e/0');
    const busy = ex.client('ws://e/1');
    busy.subscriptions = { 'orderbook::BTC/USDT': {} };
    const closed = await closeIdleSockets(exchange, () => new Error('idle socket closed'));
    assert.deepEqual(closed, ['ws://e/0']);
    assert.equal(idle.closed, 1);
    ex.handleMessage(idle, trade(1));
    ex.handleMessage(busy, trade(2));
    const next = ex.client('ws://e/0');
    assert.notEqual(next, idle, 'a fresh client on the same URL');
    ex.handleMessage(next, trade(3));
    assert.deepEqual(passedOn, [
      { url: 'ws://e/1', message: trade(2) },
      { url: 'ws://e/0', message: trade(3) },
    ]);
  });

  it('left as the decision is taken, not when the close completes: a message between the two is dropped', async () => {
    const { ex, exchange, passedOn } = rig();
    const idle = ex.client('ws://e/0');
    let finish: () => void = () => undefined;
    idle.close = () => new Promise<void>((resolve) => (finish = resolve));
    const closing = closeIdleSockets(exchange, () => new Error('idle socket closed'));
    ex.handleMessage(idle, trade(1));
    finish();
    await closing;
    assert.deepEqual(passedOn, []);
  });

  it('closed with the whole exchange (the last stream stopped, or its Reconnect): every socket of the moment is left; those made after serve', async () => {
    const { ex, exchange, passedOn, closes } = rig();
    const a = ex.client('ws://e/0');
    const b = ex.client('ws://e/1');
    const closing = (exchange as unknown as { close(): Promise<void> }).close();
    ex.handleMessage(a, trade(1));
    await closing;
    ex.handleMessage(b, trade(2));
    assert.equal(closes(), 1, 'ccxt’s close ran, once');
    assert.deepEqual([a.closed, b.closed], [1, 1]);
    const next = ex.client('ws://e/0');
    ex.handleMessage(next, trade(3));
    assert.deepEqual(passedOn, [{ url: 'ws://e/0', message: trade(3) }]);
  });

  it('binance serverShutdown leaves through the same set: after the event nothing of the old socket passes, a second event included', () => {
    const passedOn: unknown[] = [];
    const ex = {
      clients: {} as Record<string, FakeClient | undefined>,
      options: { ws: { backoffState: {} as Record<string, unknown> } },
      handleMessage: (_c: FakeClient, m: unknown) => void passedOn.push(m),
      client(u: string): FakeClient {
        return (this.clients[u] ??= new FakeClient(u));
      },
      close: () => Promise.resolve(),
      onError: () => undefined,
      onClose: () => undefined,
    };
    const logged: string[] = [];
    reconnectOnBinanceServerShutdown(ex as unknown as ProExchange, (m) => logged.push(m));
    dropWhatLeftSocketsDeliver(ex as unknown as ProExchange); // as createExchange does after every hook: no second wrap
    const old = ex.client('ws://e/0');
    ex.handleMessage(old, { e: 'serverShutdown', E: 1 });
    ex.handleMessage(old, trade(1));
    ex.handleMessage(old, { e: 'serverShutdown', E: 2 });
    assert.equal(old.closed, 1, 'left once');
    assert.equal(logged.length, 1);
    const next = ex.client('ws://e/0');
    ex.handleMessage(next, trade(2));
    assert.deepEqual(passedOn, [trade(2)]);
  });

  it('ended by ccxt itself (its keep-alive timeout’s error, any error, the server’s close): what it delivers after is dropped, the next socket’s passes', () => {
    const { ex, passedOn } = rig();
    const timedOut = ex.client('ws://e/0');
    const closedByServer = ex.client('ws://e/1');
    // ccxt's Client calls these through the functions it bound from the exchange as it made the client.
    ex.onError(timedOut, new Error('Connection to ws://e/0 timed out due to a ping-pong keepalive missing on time'));
    ex.handleMessage(timedOut, trade(1));
    ex.handleMessage(closedByServer, trade(2));
    ex.onClose(closedByServer, { code: 1006 });
    ex.handleMessage(closedByServer, trade(3));
    const next = ex.client('ws://e/0');
    assert.notEqual(next, timedOut, 'ccxt forgot the client: a fresh one on the same URL');
    ex.handleMessage(next, trade(4));
    assert.deepEqual(passedOn, [
      { url: 'ws://e/1', message: trade(2) },
      { url: 'ws://e/0', message: trade(4) },
    ]);
  });

  it('installed twice, it wraps once: ccxt’s close runs once per call', async () => {
    const { ex, exchange, closes } = rig();
    dropWhatLeftSocketsDeliver(exchange);
    ex.client('ws://e/0');
    await (exchange as unknown as { close(): Promise<void> }).close();
    assert.equal(closes(), 1);
  });
});
