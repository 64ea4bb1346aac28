import assert from 'node:assert/strict';
import type { ProExchange } from '../../src/core/exchange/ccxtLoader';
import { unreadTrades } from '../../src/core/exchange/unreadTrades';

/** ccxt's trade cache: an array the client empties after each read (ArrayCache has `clear`). */
class ClearableCache extends Array<unknown> {
  clear(): void {
    this.length = 0;
  }
}

const exchange = (internals: { trades?: Record<string, unknown>; clients?: Record<string, { rejections?: Record<string, unknown> }> }): ProExchange => internals as unknown as ProExchange;
const cacheOf = (...trades: unknown[]): ClearableCache => {
  const cache = new ClearableCache();
  cache.push(...trades);
  return cache;
};

describe('unreadTrades: what ccxt took for a market since the last read', () => {
  it('a copy of the trades cached since the last read', () => {
    const cache = cacheOf({ id: '1' }, { id: '2' });
    const got = unreadTrades(exchange({ trades: { 'BTC/USDT': cache } }), 'BTC/USDT');
    assert.deepEqual(got, [{ id: '1' }, { id: '2' }]);
    assert.notEqual(got, cache, 'a copy: the read empties the cache after');
  });

  it('none for an empty cache, another market, or no cache at all', () => {
    assert.equal(unreadTrades(exchange({ trades: { 'BTC/USDT': cacheOf() } }), 'BTC/USDT'), undefined);
    assert.equal(unreadTrades(exchange({ trades: { 'ETH/USDT': cacheOf({ id: '1' }) } }), 'BTC/USDT'), undefined);
    assert.equal(unreadTrades(exchange({}), 'BTC/USDT'), undefined);
  });

  it('none while a socket holds a failure for the next watch: that failure reaches the stream first', () => {
    const ex = exchange({ trades: { 'BTC/USDT': cacheOf({ id: '1' }) }, clients: { ws: { rejections: { 'btcusdt@aggTrade': new Error('gap') } } } });
    assert.equal(unreadTrades(ex, 'BTC/USDT'), undefined);
    const clean = exchange({ trades: { 'BTC/USDT': cacheOf({ id: '1' }) }, clients: { ws: { rejections: {} } } });
    assert.deepEqual(unreadTrades(clean, 'BTC/USDT'), [{ id: '1' }]);
  });

  it('none from a cache the read cannot empty (a plain array): it would be returned again at every read', () => {
    assert.equal(unreadTrades(exchange({ trades: { 'BTC/USDT': [{ id: '1' }] } }), 'BTC/USDT'), undefined);
  });
});
