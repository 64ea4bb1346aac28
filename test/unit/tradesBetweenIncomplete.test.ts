import * as assert from 'node:assert/strict';
import { HistoryService } from '../../src/core/history/historyService';
import type { Logger } from '../../src/core/util/log';
import { FakeClient } from '../helpers/fakeClient';

const T0 = Date.UTC(2024, 0, 1, 10);
const BTC = { exchange: 'fake', symbol: 'BTC/USDT' };

function capture(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, debug() {}, info() {}, warn: (m) => warnings.push(m), error: (m) => warnings.push(m) };
}

describe('REST trades between two times, where the exchange gives only its newest', () => {
  let client: FakeClient;
  beforeEach(() => {
    client = new FakeClient();
    // 100 trades a second apart; the exchange answers with its newest 20 only.
    for (let i = 0; i < 100; i++) client.log.push({ id: String(i), timestamp: T0 + i * 1000, price: 100, amount: 1, side: 'buy' });
    client.caps = { ...client.caps, tradePaging: 'recent', maxTradesPerPage: 20 };
  });

  function service(log: Logger): HistoryService {
    const fast = { baseMs: 1, maxMs: 2, factor: 1, jitter: 0 };
    return new HistoryService({ clientFor: async () => client, cache: undefined, log, concurrencyPerExchange: 1, backoff: fast, rateLimitBackoff: fast, maxAttempts: 1, clockOf: () => ({ now: () => T0 + 100_000 }) });
  }

  it('a span longer than they reach: what came is given, and the log names the span that may be missing (it was silent: a recording lost the start of a long outage unsaid)', async () => {
    const log = capture();
    const missing: Array<[number, number]> = [];
    const got = await service(log).tradesBetween(BTC, T0, T0 + 100_000, { onMissing: (from, until) => missing.push([from, until]) });
    assert.deepEqual(got.map((t) => t.id), Array.from({ length: 20 }, (_, i) => String(80 + i)));
    assert.deepEqual(missing, [[T0, T0 + 80_000]], 'told to the caller too (a recorder keeps it as a hole)');
    assert.deepEqual(log.warnings, [`fetch trades fake BTC/USDT: the exchange's REST trades do not reach back to ${new Date(T0).toISOString()}; the trades between it and ${new Date(T0 + 80_000).toISOString()} may be missing`]);
  });

  it('a span they reach: no warning', async () => {
    const log = capture();
    const missing: Array<[number, number]> = [];
    const got = await service(log).tradesBetween(BTC, T0 + 85_000, T0 + 100_000, { onMissing: (from, until) => missing.push([from, until]) });
    assert.equal(got.length, 15);
    assert.deepEqual(missing, []);
    assert.deepEqual(log.warnings, []);
  });
});
