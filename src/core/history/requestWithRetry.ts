import { backoffDelay, type BackoffPolicy } from '../streams/backoff';
import { classifyError, isRetryable } from '../streams/errorKind';
import { errorMessage, type Logger } from '../util/log';
import type { Semaphore } from '../util/semaphore';
import { sleep } from '../util/sleep';

export interface RetryOptions {
  readonly semaphore: Semaphore;
  readonly backoff: BackoffPolicy;
  /** Rate-limit errors wait on this longer schedule. */
  readonly rateLimitBackoff: BackoffPolicy;
  readonly maxAttempts: number;
  readonly log: Logger;
  readonly signal?: AbortSignal;
  readonly random?: () => number;
}

/**
 * Runs one REST request under the exchange's concurrency limit. Only the request holds a slot: the backoff sleep
 * after a rate-limit or network error happens outside it, so one throttled caller never starves the others.
 */
export async function requestWithRetry<T>(what: string, request: () => Promise<T>, opts: RetryOptions): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    opts.signal?.throwIfAborted();
    try {
      return await opts.semaphore.run(request);
    } catch (err) {
      const kind = classifyError(err);
      if (!isRetryable(kind) || attempt >= opts.maxAttempts) throw err;
      const policy = kind === 'rate-limit' ? opts.rateLimitBackoff : opts.backoff;
      const delay = backoffDelay(policy, attempt, opts.random);
      opts.log.warn(`${what}: ${kind} (${errorMessage(err)}); attempt ${attempt}/${opts.maxAttempts}, retrying in ${delay} ms`);
      await sleep(delay, opts.signal);
    }
  }
}
