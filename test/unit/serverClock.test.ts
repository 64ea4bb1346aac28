import * as assert from 'node:assert/strict';
import type { ProExchange } from '../../src/core/exchange/ccxtLoader';
import { followServerClock } from '../../src/core/exchange/ccxtHooks';

/** The two ccxt internals the hook wraps: an answer's handling and its headers. */
function fakeExchange() {
  const handled: unknown[] = [];
  const ex = {
    handleRestResponse: (response: { headers: Record<string, string> }) => {
      handled.push(response);
      return Promise.resolve('body');
    },
    getResponseHeaders: (response: { headers: Record<string, string> }) => response.headers,
  };
  return { ex, handled, exchange: ex as unknown as ProExchange };
}

describe("the exchange's clock, from its answers' Date header", () => {
  it('how far it is ahead of ours (the header names whole seconds: up to a second more), 0 when ours is ahead, unknown before an answer', async () => {
    let now = Date.parse('2026-12-03T15:00:00.000Z');
    const { ex, handled, exchange } = fakeExchange();
    const ahead = followServerClock(exchange, { now: () => now });
    assert.equal(ahead(), undefined, 'before any answer');
    assert.equal(await ex.handleRestResponse({ headers: { Date: 'Thu, 03 Dec 2026 15:01:30 GMT' } }), 'body', 'the answer is handled as before');
    assert.equal(handled.length, 1);
    assert.equal(ahead(), 91_000);
    now += 60_000;
    void ex.handleRestResponse({ headers: { date: 'Thu, 03 Dec 2026 15:01:30 GMT' } });
    assert.equal(ahead(), 31_000, 'the latest answer counts; the header name in any case');
    void ex.handleRestResponse({ headers: { date: 'not a date' } });
    assert.equal(ahead(), 31_000, 'an answer without a readable date changes nothing');
    void ex.handleRestResponse({ headers: { date: 'Thu, 03 Dec 2026 14:59:00 GMT' } });
    assert.equal(ahead(), 0, 'ours ahead: nothing to reach further for');
  });
});
