import * as assert from 'node:assert/strict';
import { namedTickerBooksToRelease, tickerSymbolsToRelease } from '../../src/core/exchange/sharedTickerTopics';

describe('tickerSymbolsToRelease: which markets a leaving ticker stream may unsubscribe', () => {
  const held = new Set(['BTC/USDT:USDT']);

  it('on Bybit (one `tickers.{id}` topic for watchTicker and watchTickers) keeps the markets another ticker stream holds', () => {
    assert.deepEqual(tickerSymbolsToRelease('bybit', ['BTC/USDT:USDT', 'ETH/USDT:USDT'], held), ['ETH/USDT:USDT']);
    assert.deepEqual(tickerSymbolsToRelease('bybit', ['BTC/USDT:USDT'], held), []);
    assert.deepEqual(tickerSymbolsToRelease('bybit', ['ETH/USDT:USDT'], new Set()), ['ETH/USDT:USDT']);
  });

  it('elsewhere (separate channels: Coinbase `ticker` and `ticker_batch`) releases every market of the stream', () => {
    assert.deepEqual(tickerSymbolsToRelease('coinbase', ['BTC/USD', 'ETH/USD'], new Set(['BTC/USD'])), ['BTC/USD', 'ETH/USD']);
  });
});

describe('namedTickerBooksToRelease: which Coinbase products a leaving named tickers stream may unsubscribe', () => {
  const bookOf = (s: string) => (s === 'BTC/USDC' ? 'BTC/USD' : s === 'ETH/USDC' ? 'ETH/USD' : s);

  it("the USDC group leaving keeps the products the USD group watches (an alias's book is its -USD product's)", () => {
    assert.deepEqual(namedTickerBooksToRelease(['BTC/USDC', 'ETH/USDC', 'SOL/USDC'], ['BTC/USD', 'ETH/USD'], bookOf), ['SOL/USDC']);
  });

  it('the last stream of a book releases it under the name it was watched by, once', () => {
    assert.deepEqual(namedTickerBooksToRelease(['BTC/USD', 'BTC/USDC'], [], bookOf), ['BTC/USD']);
    assert.deepEqual(namedTickerBooksToRelease(['BTC/USD', 'ETH/USD'], ['ETH/USDC'], bookOf), ['BTC/USD']);
  });
});
