// A failed history request's reason, as a badge and a rule's status show it.
import * as assert from 'node:assert/strict';
import { historyTrouble } from '../../src/core/history/historyTrouble';
import { attachResponseFacts } from '../../src/core/streams/errorKind';

// ccxt's error classes by their names (the engine classifies errors by the class names along the chain).
class NetworkError extends Error {}
class RequestTimeout extends NetworkError {}
class ExchangeNotAvailable extends NetworkError {}
class RateLimitExceeded extends NetworkError {}

describe('historyTrouble', () => {
  it('names a request the server did not answer in time apart from a network that is down', () => {
    assert.equal(historyTrouble(new RequestTimeout('binance GET http://x/api/v3/klines request timed out (15000 ms)')).reason, 'history unavailable (timed out)');
    assert.equal(historyTrouble(new NetworkError('fetch failed: connect ECONNREFUSED 127.0.0.1:1')).reason, 'history unavailable (network error)');
  });

  it('names the HTTP status where the answer had one, and a rate limit as a pause', () => {
    const unavailable = new ExchangeNotAvailable('503 Service Unavailable');
    attachResponseFacts(unavailable, { httpStatus: 503 });
    assert.equal(historyTrouble(unavailable).reason, 'history unavailable (HTTP 503)');
    const limited = new RateLimitExceeded('429');
    attachResponseFacts(limited, { httpStatus: 429, retryAfterMs: 1000 });
    assert.equal(historyTrouble(limited).reason, 'REST paused by a rate limit (HTTP 429)');
  });
});
