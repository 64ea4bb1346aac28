// A failed request's low-level words ("getaddrinfo ENOTFOUND …") turned into what they mean for the user.
import * as assert from 'node:assert/strict';
import { networkFailure } from '../../src/core/util/networkFailure';

describe('networkFailure', () => {
  it('names the host that cannot be looked up (offline), the endpoint nothing answers at, and a timeout', () => {
    assert.deepEqual(networkFailure('kraken GET https://api.kraken.com/0/public/Assets fetch failed: getaddrinfo ENOTFOUND api.kraken.com'), {
      summary: 'offline? api.kraken.com not found',
      explanation: 'api.kraken.com cannot be looked up: this machine is offline, or its DNS or proxy does not resolve that host',
    });
    assert.equal(networkFailure('getaddrinfo EAI_AGAIN www.okx.com')?.summary, 'offline? www.okx.com not found');
    assert.deepEqual(networkFailure('binance GET http://127.0.0.1:8765/api/v3/exchangeInfo fetch failed: connect ECONNREFUSED 127.0.0.1:8765'), {
      summary: 'nothing answers at 127.0.0.1:8765',
      explanation: 'nothing answers at 127.0.0.1:8765: the server is not running there, or a firewall refuses the connection',
    });
    assert.match(networkFailure('connect ETIMEDOUT 10.0.0.1:443')?.explanation ?? '', /^10\.0\.0\.1:443 did not answer in time/);
    assert.equal(networkFailure('connect ETIMEDOUT')?.summary, 'the server did not answer');
  });

  it('says nothing of other failures', () => {
    assert.equal(networkFailure('binance 429 Too Many Requests'), undefined);
    assert.equal(networkFailure('Unknown symbol "X" on binance.'), undefined);
  });
});
