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
    for (const err of [new ServerShutdownError('binance'), named('NetworkError', 'closed'), named('RequestTimeout', 'x'), named('ExchangeNotAvailable', 'x'), named('OperationFailed', 'x')]) {
      assert.doesNotMatch(userMessage(err), /^[A-Z]\w+: /, `${err.name}: no class name`);
    }
  });
});
