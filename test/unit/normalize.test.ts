import * as assert from 'node:assert/strict';
import { checkCandleRow, checkMarket, checkOrderBook, checkTicker, checkTrade, normaliseTimestamp, type Checked } from '../../src/core/exchange/normalize';
import { EXCHANGE_CLOCK_SLACK_MS } from '../../src/core/exchange/plausible';

const NOW = Date.UTC(2025, 0, 1);
const ctx = { now: NOW };
const T = NOW - 60_000;

function issueOf(r: Checked<unknown>): string {
  assert.equal(r.ok, false, `expected a rejection, got ${JSON.stringify(r)}`);
  return r.ok ? '' : r.issue;
}

describe('exchange boundary validation', () => {
  it('accepts a good trade and normalises its id and timestamp', () => {
    const r = checkTrade({ id: 42, timestamp: 1_700_000_000, price: 10, amount: 0.5, side: 'buy' }, ctx);
    assert.deepEqual(r, { ok: true, value: { id: '42', timestamp: 1_700_000_000_000, price: 10, amount: 0.5, side: 'buy' } });
  });

  it('names the bad field and value of a trade', () => {
    assert.match(issueOf(checkTrade({ id: '1', timestamp: T, price: 'abc', amount: 1, side: 'buy' }, ctx)), /trade 1 price "abc"/);
    assert.match(issueOf(checkTrade({ id: '1', timestamp: T, price: 1, amount: 1, side: 'up' }, ctx)), /side "up"/);
    assert.match(issueOf(checkTrade({ id: '1', timestamp: NaN, price: 1, amount: 1, side: 'buy' }, ctx)), /timestamp/);
    assert.match(issueOf(checkTrade(null, ctx)), /not an object/);
  });

  it('refuses a trade of amount 0, naming it: a bar it opened would read as one without trades', () => {
    assert.match(issueOf(checkTrade({ id: 'z1', timestamp: T, price: 10, amount: 0, side: 'buy' }, ctx)), /trade z1 amount 0 is not a trade: nothing changed hands/);
    assert.match(issueOf(checkTrade({ id: 'z2', timestamp: T, price: 10, amount: -0, side: 'sell' }, ctx)), /trade z2 amount 0/);
    assert.equal(checkTrade({ id: 'z3', timestamp: T, price: 10, amount: 1e-12, side: 'buy' }, ctx).ok, true, 'a tiny amount is a trade');
    assert.equal(checkCandleRow([T, 1, 1, 1, 1, 0], ctx).ok, true, 'a kline of volume 0 is a period without trades, as exchanges send them');
  });

  it('checks OHLCV rows', () => {
    assert.equal(checkCandleRow([T, 1, 2, 0.5, 1.5, 10], ctx).ok, true);
    assert.match(issueOf(checkCandleRow([T, 1, 0.5, 2, 1.5, 10], ctx)), /inconsistent/);
    assert.match(issueOf(checkCandleRow([T, 1, 2, 0.5, null, 10], ctx)), /close null is not a positive number/);
  });

  it('copies the top levels of a book and drops empty ones', () => {
    const bids = [[10, 1], [9, 0], [8, 2], [7, 3]];
    const r = checkOrderBook({ bids, asks: [[11, 1]], timestamp: T }, 2, ctx);
    assert.ok(r.ok);
    assert.deepEqual(r.value.bids, [[10, 1], [8, 2]]);
    bids[0]![1] = 99;
    assert.equal(r.value.bids[0]![1], 1, 'a copy, not the live ccxt array');
    assert.match(issueOf(checkOrderBook({ bids: [['x', 1]], asks: [] }, 2, ctx)), /bids\[0\] price "x"/);
  });

  it('reads tickers with optional bid/ask', () => {
    assert.deepEqual(checkTicker({ last: 5, bid: 4.9, percentage: 1.5 }, ctx), { ok: true, value: { timestamp: NOW, last: 5, bid: 4.9, ask: undefined, change24hPercent: 1.5 } });
    assert.equal(checkTicker({ last: -1 }, ctx).ok, false);
  });

  it('reads a perpetual ticker\'s mark, index, funding and open interest (Bybit names in info), and rejects bad ones by name', () => {
    const next = NOW + 3_600_000;
    const raw = { last: 5, markPrice: 5.01, indexPrice: 5.02, info: { fundingRate: '0.0001', nextFundingTime: String(next), openInterest: '1234.5' } };
    assert.deepEqual(checkTicker(raw, ctx), { ok: true, value: { timestamp: NOW, last: 5, bid: undefined, ask: undefined, change24hPercent: undefined, derivatives: { markPrice: 5.01, indexPrice: 5.02, fundingRate: 0.0001, nextFundingTime: next, openInterest: 1234.5 } } });
    assert.match(issueOf(checkTicker({ ...raw, info: { fundingRate: 'x' } }, ctx)), /funding rate "x" is not a finite number/);
    assert.match(issueOf(checkTicker({ ...raw, info: { openInterest: '-1' } }, ctx)), /open interest -1 is negative/);
    assert.match(issueOf(checkTicker({ ...raw, markPrice: -3 }, ctx)), /mark price/);
    assert.equal(checkTicker({ last: 5, info: { s: 'BTCUSDT' } }, ctx).ok && (checkTicker({ last: 5, info: {} }, ctx) as { value: { derivatives?: unknown } }).value.derivatives, undefined, 'a spot ticker has none');
  });

  it('recognises seconds, milliseconds and microseconds', () => {
    assert.equal(normaliseTimestamp(1_700_000_000), 1_700_000_000_000);
    assert.equal(normaliseTimestamp(1_700_000_000_123), 1_700_000_000_123);
    assert.equal(normaliseTimestamp(1_700_000_000_123_456), 1_700_000_000_123);
  });

  it('reads markets and their tick size in the exchange precision mode', () => {
    assert.deepEqual(checkMarket({ symbol: 'BTC/USDT', base: 'BTC', quote: 'USDT', precision: { price: 0.01 } }, 4), { ok: true, value: { symbol: 'BTC/USDT', base: 'BTC', quote: 'USDT', active: true, tickSize: 0.01 } });
    const places = checkMarket({ symbol: 'A/B', base: 'A', quote: 'B', active: false, precision: { price: 3 } }, 2);
    assert.ok(places.ok && places.value.tickSize === 0.001 && !places.value.active);
    const bad = checkMarket({ symbol: 'A/B', base: 'A', quote: 'B', precision: { price: -1 } }, 4);
    assert.ok(bad.ok && bad.value.tickSize === undefined, 'a negative tick size is unknown, not used');
    assert.match(issueOf(checkMarket({ symbol: 'A/B\n', base: 'A', quote: 'B' }, 4)), /symbol/);
  });

  it("reads a market's lot step (precision.amount) in the exchange precision mode; unknown or invalid: none", () => {
    const ticks = checkMarket({ symbol: 'BTC/USDT', base: 'BTC', quote: 'USDT', precision: { price: 0.01, amount: 0.00001 } }, 4);
    assert.ok(ticks.ok && ticks.value.amountStep === 0.00001);
    const places = checkMarket({ symbol: 'A/B', base: 'A', quote: 'B', precision: { price: 2, amount: 3 } }, 2);
    assert.ok(places.ok && places.value.amountStep === 0.001);
    for (const amount of [undefined, 0, -0.1, 'x', Number.NaN]) {
      const m = checkMarket({ symbol: 'A/B', base: 'A', quote: 'B', precision: { price: 0.01, amount } }, 4);
      assert.ok(m.ok && !('amountStep' in m.value), `precision.amount ${String(amount)}: no lot step`);
    }
  });

  // Issue 17, defect 2: each of these came out of normalisation as valid data (or threw a TypeError).
  describe('issue 17 defect 2: bad books, candles, tickers and times are rejected', () => {
    it('rejects unsorted, crossed and negative books', () => {
      assert.match(issueOf(checkOrderBook({ bids: [[9, 1], [10, 1]], asks: [[11, 1]] }, 10, ctx)), /bids\[1\] price 10 is out of order/);
      assert.match(issueOf(checkOrderBook({ bids: [[10, 1]], asks: [[12, 1], [11, 1]] }, 10, ctx)), /asks\[1\] price 11 is out of order/);
      assert.match(issueOf(checkOrderBook({ bids: [[12, 1]], asks: [[11, 1]] }, 10, ctx)), /crossed: best bid 12 ≥ best ask 11/);
      assert.match(issueOf(checkOrderBook({ bids: [[-5, 1]], asks: [] }, 10, ctx)), /bids\[0\] price -5 is not a positive number/);
      assert.match(issueOf(checkOrderBook({ bids: [[10, -1]], asks: [] }, 10, ctx)), /bids\[0\] amount -1/);
    });

    it('rejects a candle whose close is above its high, and negative prices', () => {
      assert.match(issueOf(checkCandleRow([T, 1, 2, 0.5, 3, 10], ctx)), /inconsistent/);
      assert.match(issueOf(checkCandleRow([T, -1, 2, 0.5, 1, 10], ctx)), /open -1 is not a positive number/);
    });

    it('rejects a ticker with bid above ask', () => {
      assert.match(issueOf(checkTicker({ last: 10, bid: 11, ask: 10.5 }, ctx)), /crossed: bid 11 > ask 10.5/);
    });

    it("once the exchange's clock is known, an event more than the slack past it is refused; a funding time hours ahead is not", () => {
      const known = { now: NOW, latest: NOW + 5_000 + EXCHANGE_CLOCK_SLACK_MS }; // the exchange 5 s ahead of us
      assert.equal(checkTrade({ id: 'a', timestamp: NOW + EXCHANGE_CLOCK_SLACK_MS, price: 1, amount: 1, side: 'buy' }, known).ok, true, 'within the slack');
      assert.match(issueOf(checkTrade({ id: 'a', timestamp: NOW + 23 * 3_600_000, price: 1, amount: 1, side: 'buy' }, known)), /trade a timestamp \d+ is 82795 s ahead of the exchange's clock/);
      assert.match(issueOf(checkOrderBook({ bids: [], asks: [], timestamp: NOW + 2 * EXCHANGE_CLOCK_SLACK_MS }, 10, known)), /ahead of the exchange's clock/);
      assert.match(issueOf(checkTicker({ last: 1, timestamp: NOW + 2 * EXCHANGE_CLOCK_SLACK_MS }, known)), /ahead of the exchange's clock/);
      assert.equal(checkTrade({ id: 'a', timestamp: NOW + 23 * 3_600_000, price: 1, amount: 1, side: 'buy' }, ctx).ok, true, 'unknown: a day of skew is allowed');
      const perp = checkTicker({ last: 1, timestamp: NOW, markPrice: 1, info: { fundingRate: 0.0001, nextFundingTime: NOW + 8 * 3_600_000 } }, known);
      assert.equal(perp.ok ? perp.value.derivatives?.nextFundingTime : perp.issue, NOW + 8 * 3_600_000);
    });

    it('rejects timestamps of -Infinity, 0 and -1000', () => {
      for (const ts of [-Infinity, 0, -1000]) {
        assert.match(issueOf(checkTrade({ id: 'a', timestamp: ts, price: 1, amount: 1, side: 'buy' }, ctx)), /timestamp/);
        assert.match(issueOf(checkCandleRow([ts, 1, 1, 1, 1, 1], ctx)), /time/);
        assert.match(issueOf(checkOrderBook({ bids: [], asks: [], timestamp: ts }, 10, ctx)), /timestamp/);
        assert.match(issueOf(checkTicker({ last: 1, timestamp: ts }, ctx)), /timestamp/);
      }
    });

    it('rejects a trade at 1e14 on a 0.01-tick market, and one 1000× away from the market', () => {
      assert.match(issueOf(checkTrade({ id: 'a', timestamp: T, price: 1e14, amount: 1, side: 'buy' }, { now: NOW, tickSize: 0.01 })), /price 100000000000000 is above/);
      assert.match(issueOf(checkTrade({ id: 'a', timestamp: T, price: 1e11, amount: 1, side: 'buy' }, { now: NOW, tickSize: 0.01 })), /ticks of 0.01/);
      assert.match(issueOf(checkTrade({ id: 'a', timestamp: T, price: 7e7, amount: 1, side: 'buy' }, { now: NOW, tickSize: 0.01, referencePrice: 6e4 })), /away from the market's price 60000/);
      assert.match(issueOf(checkOrderBook({ bids: [[1e14, 1]], asks: [] }, 10, { now: NOW, tickSize: 0.01 })), /bids\[0\] price/);
    });

    it('returns an issue instead of throwing a TypeError', () => {
      // JSON.stringify throws on a BigInt, and String() on an object without a prototype: both in one value.
      const unprintable = [1n, Object.create(null) as object];
      assert.match(issueOf(checkCandleRow(unprintable, ctx)), /OHLCV row/);
      assert.match(issueOf(checkOrderBook({ bids: [unprintable], asks: [] }, 10, ctx)), /bids\[0\]/);
      assert.match(issueOf(checkTrade({ id: unprintable, timestamp: T, price: 1, amount: 1, side: 'buy' }, ctx)), /trade id/);
      assert.match(issueOf(checkTicker({ last: unprintable }, ctx)), /last price/);
    });
  });
});
