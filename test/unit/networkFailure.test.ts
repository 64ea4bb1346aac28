// A failed request's low-level words ("getaddrinfo ENOTFOUND …") turned into what they mean for the user.
import * as assert from 'node:assert/strict';
import { networkFailure } from '../../src/core/util/networkFailure';

describe('networkFailure', () => {
  it('names the host that cannot be looked up (offline), the endpoint nothing answers at, and a timeout', () => {
    assert.equal(
      networkFailure('kraken GET https://api.kraken.com/0/public/Assets fetch failed: getaddrinfo ENOTFOUND api.kraken.com'),
      'api.kraken.com cannot be looked up: this machine is offline, or its DNS or proxy does not resolve that host',
    );
    assert.match(networkFailure('getaddrinfo EAI_AGAIN www.okx.com')!, /^www\.okx\.com cannot be looked up/);
    assert.equal(networkFailure('binance GET http://127.0.0.1:8765/api/v3/exchangeInfo fetch failed: connect ECONNREFUSED 127.0.0.1:8765'), 'nothing answers at 127.0.0.1:8765: the server is not running there, or a firewall refuses the connection');
    assert.match(networkFailure('connect ETIMEDOUT 10.0.0.1:443')!, /^10\.0\.0\.1:443 did not answer in time/);
  });

  it('says nothing of other failures', () => {
    assert.equal(networkFailure('binance 429 Too Many Requests'), undefined);
    assert.equal(networkFailure('Unknown symbol "X" on binance.'), undefined);
  });
});
