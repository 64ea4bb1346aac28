import * as assert from 'node:assert/strict';
import type { ProExchange } from '../../src/core/exchange/ccxtLoader';
import { followServerClock } from '../../src/core/exchange/ccxtHooks';
import { ExchangeClock, FRESH_CLOCK_SLACK_MS, FRESH_MEASURE_MS, REMEASURE_EVERY_MS } from '../../src/core/exchange/exchangeClock';
import { EXCHANGE_CLOCK_SLACK_MS } from '../../src/core/exchange/plausible';

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
    const clock = new ExchangeClock({ now: () => now });
    followServerClock(exchange, (dateMs) => clock.answered(dateMs));
    const ahead = () => clock.ahead();
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

  describe('how far past it a trade may be', () => {
    const T0 = Date.parse('2026-12-03T15:00:00.000Z');

    it('strictly while the measure is fresh, widely once it is old or our clock stepped back behind it; unknown before any answer', () => {
      let now = T0;
      const clock = new ExchangeClock({ now: () => now });
      assert.equal(clock.latestTrade(now), undefined);
      clock.answered(T0 + 4_000); // the exchange 5 s ahead (its header names whole seconds)
      assert.equal(clock.latestTrade(now), T0 + 5_000 + FRESH_CLOCK_SLACK_MS);
      now += FRESH_MEASURE_MS;
      assert.equal(clock.latestTrade(now), now + 5_000 + FRESH_CLOCK_SLACK_MS, 'still fresh at its bound');
      now += 1;
      assert.equal(clock.latestTrade(now), now + 5_000 + EXCHANGE_CLOCK_SLACK_MS, 'old: the wide slack');
      now = T0 - 120_000;
      assert.equal(clock.latestTrade(now), now + 5_000 + EXCHANGE_CLOCK_SLACK_MS, 'our clock stepped back behind the measure');
    });

    it('a trade past the strict bound asks for a new measure first, once at a time and at most once per interval; one within it asks nothing', async () => {
      let now = T0;
      const clock = new ExchangeClock({ now: () => now });
      clock.answered(T0 - 1_000); // the same clock as ours
      let measures = 0;
      let answer: (() => void) | undefined;
      const measure = () => {
        measures++;
        return new Promise<void>((resolve) => {
          answer = () => {
            clock.answered(now + 299_000); // it was 5 minutes ahead after all (our clock stepped back)
            resolve();
          };
        });
      };
      assert.equal(clock.measureBefore(T0 + FRESH_CLOCK_SLACK_MS, measure), undefined, 'within the bound');
      const first = clock.measureBefore(T0 + 300_000, measure);
      const second = clock.measureBefore(T0 + 300_000, measure);
      assert.ok(first && second, 'both wait for the measure');
      assert.equal(measures, 1, 'one measure for both');
      answer!();
      await Promise.all([first, second]);
      assert.equal(clock.latestTrade(now), T0 + 300_000 + FRESH_CLOCK_SLACK_MS, 'judged against the new measure: the trade passes');
      assert.equal(clock.measureBefore(T0 + 900_000, measure), undefined, 'too soon after the last measure');
      now += REMEASURE_EVERY_MS;
      const third = clock.measureBefore(now + 900_000, measure);
      assert.ok(third);
      assert.equal(measures, 2);
    });

    it('a failed measure leaves the measure as it was and the next trade past the bound waits for the interval', async () => {
      let now = T0;
      const clock = new ExchangeClock({ now: () => now });
      clock.answered(T0 - 1_000);
      let measures = 0;
      const failing = () => {
        measures++;
        return Promise.reject(new Error('offline'));
      };
      await clock.measureBefore(T0 + 600_000, failing);
      assert.equal(clock.ahead(), 0);
      assert.equal(clock.latestTrade(now), T0 + FRESH_CLOCK_SLACK_MS);
      assert.equal(clock.measureBefore(T0 + 600_000, failing), undefined);
      now += 2 * FRESH_MEASURE_MS;
      assert.equal(clock.latestTrade(now), now + EXCHANGE_CLOCK_SLACK_MS, 'no fresh measure to be had: the wide slack');
      assert.equal(measures, 1);
    });
  });
});
