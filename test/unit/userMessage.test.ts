// What users read of an error: the message without an error class name.
import * as assert from 'node:assert/strict';
import { ServerShutdownError, UnknownSymbolError } from '../../src/core/errors';
import { userMessage } from '../../src/core/util/log';

describe('userMessage', () => {
  it('drops an error class name, keeps a name that says something, and shows non-errors as they are', () => {
    assert.equal(userMessage(new Error('boom')), 'boom');
    assert.equal(userMessage(Object.assign(new Error('x is unknown'), { name: 'UnknownSymbolError' })), 'x is unknown');
    assert.equal(userMessage(Object.assign(new Error('timed out after 10 s'), { name: 'RequestTimeout' })), 'timed out after 10 s', 'the message says it already');
    assert.equal(userMessage('plain text'), 'plain text');
    assert.equal(userMessage(new UnknownSymbolError('binance', 'NOPE/USDT', [])), 'Unknown symbol "NOPE/USDT" on binance. The exchange lists no such market.');
  });

  it("says every error's reason in plain words, never its class (the log keeps it): a stream's reconnect, a retry, a failure", () => {
    const named = (name: string, message: string) => Object.assign(new Error(message), { name });
    assert.equal(userMessage(new ServerShutdownError('binance')), 'binance announced a server shutdown (serverShutdown): reconnecting on a new connection');
    assert.equal(userMessage(named('NetworkError', 'connection closed by remote server, closing code 1006')), 'connection closed by remote server, closing code 1006');
    assert.equal(userMessage(named('NetworkError', 'connect ECONNREFUSED 127.0.0.1:9443')), 'connection refused (ECONNREFUSED 127.0.0.1:9443)');
    assert.equal(userMessage(named('NetworkError', 'read ECONNRESET')), 'connection reset (ECONNRESET)');
    assert.equal(userMessage(named('RequestTimeout', 'binance GET https://x/api/v3/klines 504 Gateway Timeout')), 'timed out: binance GET https://x/api/v3/klines 504 Gateway Timeout');
    assert.equal(userMessage(named('RequestTimeout', 'Connection to wss://x timed out due to a ping-pong keepalive missing on time')), 'Connection to wss://x timed out due to a ping-pong keepalive missing on time');
    assert.equal(userMessage(named('ExchangeNotAvailable', 'binance 503 Service Unavailable')), 'exchange not available: binance 503 Service Unavailable');
    assert.equal(userMessage(named('DDoSProtection', 'binance 418')), 'refused by the exchange (DDoS protection): binance 418');
    assert.equal(userMessage(named('BadSymbol', 'binance does not have market symbol X/Y')), 'bad symbol: binance does not have market symbol X/Y', 'a name not in the table, in words');
    assert.equal(userMessage(named('RequestTimeout', '')), 'timed out');
    assert.equal(userMessage(named('toString', 'x')), 'to string: x', 'a name that is an Object property is no table entry');
    // An exchange's error body (ccxt passes it on as the exchange's id and the JSON): its message and code, in words.
    assert.equal(
      userMessage(named('OperationFailed', 'binance {"code":-1001,"msg":"Service unavailable; unable to process your request. Please try again."}')),
      'binance failed the request: Service unavailable; unable to process your request. Please try again. (code -1001)',
      'the exchange named once, not "the exchange failed the request: binance: …"',
    );
    assert.equal(userMessage(named('OperationFailed', 'bybit {"retCode":10016,"retMsg":"Server Timeout","result":{},"time":1}')), 'bybit failed the request: Server Timeout (code 10016)');
    assert.equal(userMessage(named('ExchangeNotAvailable', 'binance {"code":-1001,"msg":"Service unavailable"}')), 'binance not available: Service unavailable (code -1001)');
    assert.equal(userMessage(named('DDoSProtection', 'bybit {"retCode":10006,"retMsg":"Too many visits!"}')), 'refused by bybit (DDoS protection): Too many visits! (code 10006)');
    assert.equal(
      userMessage(named('OperationFailed', 'binance GET https://x/api/v3/aggTrades 503 Service Unavailable {"code":-1001,"msg":"busy"}')),
      'the exchange failed the request: binance GET https://x/api/v3/aggTrades 503 Service Unavailable: busy (code -1001)',
      'a request line before the body is no exchange id to name',
    );
    assert.equal(userMessage(named('BadRequest', 'coinbase {"error":"INVALID_ARGUMENT","message":"bad product"}')), 'bad request: coinbase: bad product');
    assert.equal(userMessage(named('ExchangeError', 'binance {"code":-1121}')), 'binance {"code":-1121}', 'a body without a message, as it is');
    assert.equal(userMessage(named('ExchangeError', 'binance {not json}')), 'binance {not json}');
    assert.equal(userMessage(named('ExchangeError', 'binance [1,2]')), 'binance [1,2]');
    for (const err of [new ServerShutdownError('binance'), named('NetworkError', 'closed'), named('RequestTimeout', 'x'), named('ExchangeNotAvailable', 'x'), named('OperationFailed', 'x')]) {
      assert.doesNotMatch(userMessage(err), /^[A-Z]\w+: /, `${err.name}: no class name`);
    }
  });
});
