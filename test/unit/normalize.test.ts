import * as assert from 'node:assert/strict';
import { checkCandleRow, checkOrderBook, checkTicker, checkTrade, normaliseTimestamp } from '../../src/core/exchange/normalize';

describe('exchange boundary validation', () => {
  it('accepts a good trade and normalises its id and timestamp', () => {
    const r = checkTrade({ id: 42, timestamp: 1_700_000_000, price: 10, amount: 0.5, side: 'buy' });
    assert.deepEqual(r, { ok: true, value: { id: '42', timestamp: 1_700_000_000_000, price: 10, amount: 0.5, side: 'buy' } });
  });

  it('names the bad field and value of a trade', () => {
    const bad = (raw: unknown) => {
      const r = checkTrade(raw);
      assert.equal(r.ok, false);
      return r.ok ? '' : r.issue;
    };
    assert.match(bad({ id: '1', timestamp: 1e12, price: 'abc', amount: 1, side: 'buy' }), /trade 1 price "abc"/);
    assert.match(bad({ id: '1', timestamp: 1e12, price: 1, amount: 1, side: 'up' }), /side "up"/);
    assert.match(bad({ id: '1', timestamp: NaN, price: 1, amount: 1, side: 'buy' }), /timestamp/);
    assert.match(bad(null), /not an object/);
  });

  it('checks OHLCV rows', () => {
    assert.equal(checkCandleRow([1e12, 1, 2, 0.5, 1.5, 10]).ok, true);
    const r = checkCandleRow([1e12, 1, 0.5, 2, 1.5, 10]);
    assert.ok(!r.ok && /inconsistent/.test(r.issue));
    const s = checkCandleRow([1e12, 1, 2, 0.5, null, 10]);
    assert.ok(!s.ok && /close is not a number/.test(s.issue));
  });

  it('copies the top levels of a book and drops empty ones', () => {
    const bids = [[10, 1], [9, 0], [8, 2], [7, 3]];
    const r = checkOrderBook({ bids, asks: [[11, 1]], timestamp: 1e12 }, 2, 5);
    assert.ok(r.ok);
    assert.deepEqual(r.value.bids, [[10, 1], [8, 2]]);
    bids[0]![1] = 99;
    assert.equal(r.value.bids[0]![1], 1, 'a copy, not the live ccxt array');
    const bad = checkOrderBook({ bids: [['x', 1]], asks: [] }, 2, 5);
    assert.ok(!bad.ok && /bids\[0\]/.test(bad.issue));
  });

  it('reads tickers with optional bid/ask', () => {
    const r = checkTicker({ last: 5, bid: 4.9, percentage: 1.5 }, 77);
    assert.deepEqual(r, { ok: true, value: { timestamp: 77, last: 5, bid: 4.9, ask: undefined, change24hPercent: 1.5 } });
    assert.equal(checkTicker({ last: -1 }, 0).ok, false);
  });

  it('recognises seconds, milliseconds and microseconds', () => {
    assert.equal(normaliseTimestamp(1_700_000_000), 1_700_000_000_000);
    assert.equal(normaliseTimestamp(1_700_000_000_123), 1_700_000_000_123);
    assert.equal(normaliseTimestamp(1_700_000_000_123_456), 1_700_000_000_123);
  });
});
