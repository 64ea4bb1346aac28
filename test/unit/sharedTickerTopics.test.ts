import * as assert from 'node:assert/strict';
import { tickerSymbolsToRelease } from '../../src/core/exchange/sharedTickerTopics';

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
