// The ccxt hook that catches a lost Binance trade event by its id (`t` of @trade, `a` of @aggTrade), on stand-ins for
// ccxt's exchange and socket client: the edges the emulator's integration test does not reach (a resubscribe on the
// same socket, an event in flight after an unwatch, a new socket, a futures socket, a wild id, unreadable events).
import * as assert from 'node:assert/strict';
import { TradesGapError } from '../../src/core/errors';
import { failBinanceTradeWatchesOnIdJumps } from '../../src/core/exchange/binanceTradeIds';
import type { ProExchange } from '../../src/core/exchange/ccxtLoader';

class FakeClient {
  subscriptions: Record<string, unknown> = {};
  readonly rejected: Array<{ hash: string | undefined; error: unknown }> = [];
  constructor(readonly url = 'ws://127.0.0.1:8765/stream/ws/0') {}
  reject(error: unknown, hash?: string): unknown {
    this.rejected.push({ hash, error });
    return error;
  }
}

function rig() {
  const passedOn: unknown[] = [];
  const ex = {
    handleTrade: (_c: FakeClient, m: unknown) => void passedOn.push(m),
    isSpotUrl: (c: FakeClient) => c.url.includes('/stream'),
    safeMarket: (id: string) => ({ symbol: id === 'BTCUSDT' ? 'BTC/USDT' : id === 'ETHUSDT' ? 'ETH/USDT' : undefined }),
  };
  failBinanceTradeWatchesOnIdJumps(ex as unknown as ProExchange);
  const subscribed = (c: FakeClient, symbol = 'BTC/USDT') => (c.subscriptions[`trade::${symbol}`] = { id: Math.random() });
  const agg = (c: FakeClient, a: unknown, s = 'BTCUSDT') => ex.handleTrade(c, { e: 'aggTrade', s, a, f: a, l: a, p: '1', q: '1', T: 1, m: false });
  const trade = (c: FakeClient, t: unknown, s = 'BTCUSDT') => ex.handleTrade(c, { e: 'trade', s, t, p: '1', q: '1', T: 1, m: false });
  return { passedOn, subscribed, agg, trade };
}

describe('binance: a jump in a spot trade stream’s ids fails that symbol’s trade watch', () => {
  it('ids one apart: nothing; a jump: the symbol’s watch fails with a TradesGapError naming the ids, and the event still goes to ccxt', () => {
    const { passedOn, subscribed, agg } = rig();
    const client = new FakeClient();
    subscribed(client);
    subscribed(client, 'ETH/USDT');
    for (const a of [100, 101, 102]) agg(client, a);
    agg(client, 7, 'ETHUSDT');
    assert.equal(client.rejected.length, 0);
    agg(client, 106);
    assert.deepEqual(client.rejected.map((r) => r.hash), ['trade::BTC/USDT']);
    const error = client.rejected[0]?.error;
    assert.ok(error instanceof TradesGapError);
    assert.equal(error.message, 'binance trade stream BTC/USDT: aggTrade id 106 came after 102: 3 event(s) lost; the trades missed are fetched from REST');
    assert.equal(passedOn.length, 5, 'every event still goes to ccxt');
    agg(client, 107);
    agg(client, 8, 'ETHUSDT');
    assert.equal(client.rejected.length, 1, 'counting goes on from the jump; the other symbol keeps its own count');
  });

  it('@trade counts its `t`, apart from @aggTrade’s `a` of the same symbol on the same socket', () => {
    const { subscribed, agg, trade } = rig();
    const client = new FakeClient();
    subscribed(client);
    agg(client, 50);
    trade(client, 9000);
    agg(client, 51);
    trade(client, 9001);
    assert.equal(client.rejected.length, 0);
    trade(client, 9003);
    assert.equal((client.rejected[0]?.error as Error).message, 'binance trade stream BTC/USDT: trade id 9003 came after 9001: 1 event(s) lost; the trades missed are fetched from REST');
  });

  it('the first event after a (re)subscribe, on a new socket or the same one, is no jump; nor is one in flight after an unwatch', () => {
    const { subscribed, agg } = rig();
    const client = new FakeClient();
    subscribed(client);
    agg(client, 10);
    agg(client, 11);
    // Unwatched: ccxt drops the subscription; an event already on the way comes after it.
    delete client.subscriptions['trade::BTC/USDT'];
    agg(client, 12);
    // Subscribed again on the same socket while the market traded on.
    subscribed(client);
    agg(client, 40);
    agg(client, 41);
    const fresh = new FakeClient();
    subscribed(fresh);
    agg(fresh, 90);
    agg(fresh, 91);
    assert.equal(client.rejected.length, 0);
    assert.equal(fresh.rejected.length, 0);
    agg(client, 43);
    assert.equal(client.rejected.length, 1, 'counted again from the resubscribe');
  });

  it('a repeat and unreadable events are no gap; a wild id is one, and the count resumes with the next true id', () => {
    const { subscribed, agg } = rig();
    const client = new FakeClient();
    subscribed(client);
    agg(client, 20);
    agg(client, 20);
    agg(client, 21);
    for (const bad of ['22', -1, 1.5, undefined, Number.MAX_SAFE_INTEGER + 10]) agg(client, bad);
    agg(client, 22);
    assert.equal(client.rejected.length, 0);
    // A wild id (the emulator's future-trade) is one gap; the true ids after it are not.
    agg(client, 1_000_000_022);
    agg(client, 23);
    agg(client, 24);
    assert.equal(client.rejected.length, 1);
  });

  it('futures sockets are not checked (their aggregates leave out insurance-fund and ADL trades)', () => {
    const { subscribed, agg } = rig();
    const client = new FakeClient('ws://127.0.0.1:8765/fstream/market/ws/0');
    subscribed(client);
    agg(client, 1);
    agg(client, 5);
    assert.equal(client.rejected.length, 0);
  });
});
