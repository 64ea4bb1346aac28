import * as assert from 'node:assert/strict';
import { backoffDelay, type BackoffPolicy } from '../../src/core/streams/backoff';
import { classifyError } from '../../src/core/streams/errorKind';
import { requestWithRetry } from '../../src/core/history/requestWithRetry';
import { RestGate } from '../../src/core/history/restGate';
import { Semaphore } from '../../src/core/util/semaphore';
import { silentLogger } from '../../src/core/util/log';

class NetworkError extends Error {}
class DDoSProtection extends NetworkError {}
class RateLimitExceeded extends DDoSProtection {}
class BadSymbol extends Error {}

const fast: BackoffPolicy = { baseMs: 1, maxMs: 4, factor: 2, jitter: 0 };

describe('backoff schedule', () => {
  const policy: BackoffPolicy = { baseMs: 100, maxMs: 1000, factor: 2, jitter: 0.5 };

  it('grows exponentially and caps at maxMs', () => {
    const noJitter = { ...policy, jitter: 0 };
    assert.deepEqual([1, 2, 3, 4, 5, 6].map((a) => backoffDelay(noJitter, a)), [100, 200, 400, 800, 1000, 1000]);
  });

  it('jitters within [1 - jitter, 1] of the nominal delay', () => {
    assert.equal(backoffDelay(policy, 3, () => 0), 400);
    assert.equal(backoffDelay(policy, 3, () => 1), 200);
    assert.equal(backoffDelay(policy, 3, () => 0.5), 300);
  });
});

describe('error classification', () => {
  it('reads ccxt class names along the prototype chain, most specific first', () => {
    assert.equal(classifyError(new RateLimitExceeded('x')), 'rate-limit');
    assert.equal(classifyError(new DDoSProtection('x')), 'rate-limit');
    assert.equal(classifyError(new NetworkError('x')), 'network');
    assert.equal(classifyError(new BadSymbol('x')), 'bad-request');
    assert.equal(classifyError(new Error('connect ECONNREFUSED 127.0.0.1:1')), 'network');
    assert.equal(classifyError(new Error('boom')), 'unknown');
    assert.equal(classifyError('a string'), 'unknown');
    assert.equal(classifyError(new TypeError("Cannot use 'in' operator")), 'malformed', 'ccxt rejects a non-JSON frame with a TypeError');
    assert.equal(classifyError(new SyntaxError('Cannot convert abc to a BigInt')), 'malformed');
  });
});

describe('requestWithRetry', () => {
  const opts = (semaphore = new Semaphore(1)) => ({ semaphore, gate: new RestGate('test'), backoff: fast, rateLimitBackoff: fast, maxAttempts: 4, maxWaitMs: 60_000, log: silentLogger });

  it('retries rate limits and network errors, then succeeds', async () => {
    let calls = 0;
    const result = await requestWithRetry('t', async () => {
      calls++;
      if (calls === 1) throw new RateLimitExceeded('429');
      if (calls === 2) throw new NetworkError('reset');
      return 'ok';
    }, opts());
    assert.equal(result, 'ok');
    assert.equal(calls, 3);
  });

  it('gives up after maxAttempts with the last error: the request count is bounded', async () => {
    let calls = 0;
    await assert.rejects(requestWithRetry('t', async () => {
      calls++;
      throw new RateLimitExceeded('429');
    }, opts()), RateLimitExceeded);
    assert.equal(calls, 4);
  });

  it('does not retry errors that cannot get better', async () => {
    let calls = 0;
    await assert.rejects(requestWithRetry('t', async () => {
      calls++;
      throw new BadSymbol('nope');
    }, opts()), BadSymbol);
    assert.equal(calls, 1);
  });

  it('sleeps outside the semaphore, so a throttled caller does not hold the slot', async () => {
    const semaphore = new Semaphore(1);
    const slow: BackoffPolicy = { baseMs: 50, maxMs: 50, factor: 1, jitter: 0 };
    let firstCalls = 0;
    let slotFreeWhileFirstSleeps = false;
    const first = requestWithRetry('first', async () => {
      firstCalls++;
      if (firstCalls === 1) throw new RateLimitExceeded('429');
      return 1;
    }, { ...opts(semaphore), rateLimitBackoff: slow });
    // Queued behind the first request; runs during the first one's backoff sleep, before its retry.
    const second = requestWithRetry('second', async () => {
      slotFreeWhileFirstSleeps = firstCalls === 1;
      return 2;
    }, opts(semaphore));
    assert.deepEqual(await Promise.all([first, second]), [1, 2]);
    assert.ok(slotFreeWhileFirstSleeps, 'the second request ran while the first was sleeping');
  });
});

describe('REST pause (Retry-After) and server errors', () => {
  const rateLimited = (retryAfterMs: number) => Object.assign(new RateLimitExceeded('429'), { retryAfterMs });
  class OperationFailed extends Error {}

  it('classifies a server error (ccxt OperationFailed, or a bare 5xx) as retryable, a bare 4xx as a bad request', () => {
    assert.equal(classifyError(new OperationFailed('binance {"code":-1001}')), 'server');
    assert.equal(classifyError(Object.assign(new Error('x'), { httpStatus: 503 })), 'server');
    assert.equal(classifyError(Object.assign(new Error('x'), { httpStatus: 429 })), 'rate-limit');
    assert.equal(classifyError(Object.assign(new Error('x'), { httpStatus: 400 })), 'bad-request');
  });

  it("waits for the server's Retry-After when it is longer than the backoff, and pauses the whole exchange", async () => {
    const gate = new RestGate('test');
    const notices: number[] = [];
    let calls = 0;
    const before = Date.now();
    const result = await requestWithRetry('t', async () => {
      if (++calls === 1) throw rateLimited(30);
      return 'ok';
    }, { semaphore: new Semaphore(1), gate, backoff: fast, rateLimitBackoff: fast, maxAttempts: 3, maxWaitMs: 60_000, log: silentLogger, onRetry: (n) => notices.push(n.retryInMs) });
    assert.equal(result, 'ok');
    assert.deepEqual(notices, [30], 'the retry waited for Retry-After, not the 1 ms backoff');
    assert.ok(gate.pausedUntil >= before + 30, 'every request to the exchange is paused until then');
  });

  it('sends nothing while paused longer than it may wait, and says until when', async () => {
    const gate = new RestGate('binance');
    gate.pauseUntil(Date.now() + 120_000);
    let calls = 0;
    const err = await requestWithRetry('t', async () => ++calls, { semaphore: new Semaphore(1), gate, backoff: fast, rateLimitBackoff: fast, maxAttempts: 5, maxWaitMs: 1000, log: silentLogger }).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.equal(calls, 0, 'no request was sent');
    assert.equal(classifyError(err), 'rate-limit');
    assert.match(String(err), /binance asked for no requests until .*Z \(rate limit\)/);
  });

  it('a request queued behind one that got a 429 waits for the pause too', async () => {
    const gate = new RestGate('test');
    const semaphore = new Semaphore(1);
    const sent: Array<{ who: string; at: number }> = [];
    const opts = { semaphore, gate, backoff: fast, rateLimitBackoff: fast, maxAttempts: 2, maxWaitMs: 60_000, log: silentLogger };
    let first = true;
    const a = requestWithRetry('a', async () => {
      sent.push({ who: 'a', at: Date.now() });
      if (first) {
        first = false;
        throw rateLimited(40);
      }
      return 'a';
    }, opts);
    const b = requestWithRetry('b', async () => {
      sent.push({ who: 'b', at: Date.now() });
      return 'b';
    }, opts);
    assert.deepEqual(await Promise.all([a, b]), ['a', 'b']);
    assert.equal(sent[0]!.who, 'a');
    const pausedUntil = gate.pausedUntil;
    for (const s of sent.slice(1)) assert.ok(s.at >= pausedUntil, `${s.who} went out ${pausedUntil - s.at} ms before the pause ended`);
  });
});

describe('a request aborted while it waits for a slot', () => {
  it('leaves the queue at once and is never sent; the slot goes to the next caller', async () => {
    const semaphore = new Semaphore(1);
    const opts = { semaphore, gate: new RestGate('test'), backoff: fast, rateLimitBackoff: fast, maxAttempts: 3, maxWaitMs: 60_000, log: silentLogger };
    let releaseFirst!: () => void;
    const first = requestWithRetry('first', () => new Promise<string>((resolve) => (releaseFirst = () => resolve('first'))), opts);
    const sent: string[] = [];
    const abort = new AbortController();
    const aborted = requestWithRetry('aborted', async () => {
      sent.push('aborted');
      return 'aborted';
    }, { ...opts, signal: abort.signal });
    const next = requestWithRetry('next', async () => {
      sent.push('next');
      return 'next';
    }, opts);
    await new Promise((r) => setImmediate(r));
    abort.abort();
    // Rejected while the first request still holds the slot: its consumer left, it waits for nothing.
    await assert.rejects(aborted, /abort/i);
    releaseFirst();
    assert.deepEqual(await Promise.all([first, next]), ['first', 'next']);
    assert.deepEqual(sent, ['next'], 'the aborted request was never sent');
    assert.equal(semaphore.inUse, 0);
  });
});
