import { backoffDelay, type BackoffPolicy } from '../streams/backoff';
import { classifyError, isRetryable, responseFacts } from '../streams/errorKind';
import { errorMessage, userMessage, type Logger } from '../util/log';
import type { Semaphore } from '../util/semaphore';
import { sleep } from '../util/sleep';
import type { RestGate } from './restGate';

/** One retry about to happen, for a consumer's `retrying (n)` state. */
export interface RetryNotice {
  readonly attempt: number;
  readonly reason: string;
  readonly retryInMs: number;
}

export interface RetryOptions {
  readonly semaphore: Semaphore;
  /** The exchange's REST pause (429/418 with Retry-After), shared by every request to it. */
  readonly gate: RestGate;
  readonly backoff: BackoffPolicy;
  /** Rate-limit errors without a Retry-After wait on this longer schedule. */
  readonly rateLimitBackoff: BackoffPolicy;
  readonly maxAttempts: number;
  /** The longest wait (a Retry-After, a pause) worth sleeping through; a longer one fails the request at once. */
  readonly maxWaitMs: number;
  readonly log: Logger;
  readonly signal?: AbortSignal;
  readonly random?: () => number;
  readonly onRetry?: (notice: RetryNotice) => void;
  /** Wall-clock time for Retry-After (default Date.now). */
  readonly now?: () => number;
}

/**
 * Runs one REST request under the exchange's concurrency limit and REST pause. Only the request (and a pause that
 * holds every request anyway) holds a slot: the backoff sleep after an error happens outside it, so one throttled
 * caller never starves the others. A rate limit
 * pauses every request to the exchange for the server's Retry-After (or the rate-limit backoff); the retry waits
 * for the longer of that and its own backoff. Bad requests are not retried.
 */
export async function requestWithRetry<T>(what: string, request: () => Promise<T>, opts: RetryOptions): Promise<T> {
  const now = opts.now ?? Date.now;
  for (let attempt = 1; ; attempt++) {
    opts.signal?.throwIfAborted();
    try {
      // The pause is checked and set with the slot held: a request queued behind one that got a 429 must not go
      // out between that answer and the pause.
      return await opts.semaphore.run(async () => {
        await opts.gate.wait(opts.maxWaitMs, opts.signal);
        opts.signal?.throwIfAborted();
        try {
          return await request();
        } catch (err) {
          if (classifyError(err) === 'rate-limit') {
            opts.gate.pauseUntil(now() + (responseFacts(err).retryAfterMs ?? backoffDelay(opts.rateLimitBackoff, attempt, opts.random)));
          }
          throw err;
        }
      }, opts.signal);
    } catch (err) {
      opts.signal?.throwIfAborted();
      const kind = classifyError(err);
      const { retryAfterMs } = responseFacts(err);
      const policy = kind === 'rate-limit' ? opts.rateLimitBackoff : opts.backoff;
      const delay = Math.max(backoffDelay(policy, attempt, opts.random), retryAfterMs ?? 0, kind === 'rate-limit' ? opts.gate.pausedUntil - now() : 0);
      if (!isRetryable(kind) || attempt >= opts.maxAttempts || delay > opts.maxWaitMs) throw err;
      const of = Number.isFinite(opts.maxAttempts) ? `/${opts.maxAttempts}` : '';
      opts.log.warn(`${what}: ${kind} (${errorMessage(err)}); attempt ${attempt}${of}, retrying in ${delay} ms`);
      opts.onRetry?.({ attempt, reason: userMessage(err), retryInMs: delay });
      await sleep(delay, opts.signal);
    }
  }
}
