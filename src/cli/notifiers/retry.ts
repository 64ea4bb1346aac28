import type { NotificationResult } from '../../core/alerts/alertEvent';
import { errorMessage, silentLogger, type Logger } from '../../core/util/log';
import { AbortError, sleep } from '../../core/util/sleep';
import { backoffDelay, type BackoffPolicy } from '../../core/streams/backoff';

/** What one delivery attempt came to. Attempt functions return failures rather than throwing them. */
export type AttemptOutcome =
  | { readonly ok: true }
  | {
      readonly ok: false;
      readonly error: string;
      /** Worth trying again (network trouble, a timeout, a server-side or rate-limit reply). */
      readonly retryable: boolean;
      /** The receiver asked for this wait before the next attempt (HTTP Retry-After). */
      readonly retryAfterMs?: number;
    };

export interface RetryOptions {
  /** Retries after the first attempt: 3 means at most 4 attempts. */
  readonly retries: number;
  readonly backoff: BackoffPolicy;
  /** A receiver's Retry-After is honoured up to this wait, so one alert can't hold a notifier for an hour. */
  readonly maxRetryAfterMs: number;
  /** Jitter source; tests pin it. */
  readonly random?: () => number;
}

/** Alert delivery backs off from 1 s to 30 s: a chat hook that hiccups gets the alert within seconds, not minutes. */
const defaultNotifierBackoff: BackoffPolicy = { baseMs: 1_000, maxMs: 30_000, factor: 2, jitter: 0.5 };
const DEFAULT_RETRIES = 3;
const DEFAULT_MAX_RETRY_AFTER_MS = 60_000;

/** Throws a configuration error unless `retries` is a whole number in [0, 20]. */
function checkRetries(owner: string, retries: number): number {
  if (!Number.isInteger(retries) || retries < 0 || retries > 20) {
    throw new Error(`${owner}: retries must be a whole number from 0 to 20, got ${String(retries)}`);
  }
  return retries;
}

/** Throws a configuration error unless `timeoutMs` is a positive finite number. */
function checkTimeout(owner: string, timeoutMs: number): number {
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new Error(`${owner}: timeoutMs must be a positive number of milliseconds, got ${String(timeoutMs)}`);
  }
  return timeoutMs;
}

/**
 * Runs `attempt` until it succeeds, fails for good, or the retries run out, waiting between attempts for the
 * receiver's Retry-After (capped) or else the jittered exponential backoff. Aborting `signal` (the notifier
 * closing) ends a pending wait at once. Never throws: the result carries the attempt count and the last error.
 */
async function deliverWithRetry(
  notifier: string,
  attempt: (attemptNo: number) => Promise<AttemptOutcome>,
  options: RetryOptions & { readonly signal: AbortSignal; readonly log: Logger },
): Promise<NotificationResult> {
  const { retries, backoff, maxRetryAfterMs, random, signal, log } = options;
  let attempts = 0;
  let lastError = 'not attempted';
  for (;;) {
    if (signal.aborted) {
      return { notifier, ok: false, attempts, error: attempts === 0 ? 'notifier closed' : `${lastError} (gave up: notifier closed)` };
    }
    attempts++;
    let outcome: AttemptOutcome;
    try {
      outcome = await attempt(attempts);
    } catch (err) {
      // Attempt functions are written not to throw; if one does anyway, treat it as transient trouble.
      outcome = { ok: false, error: errorMessage(err), retryable: true };
    }
    if (outcome.ok) return { notifier, ok: true, attempts };
    lastError = outcome.error;
    if (!outcome.retryable || attempts > retries) {
      return { notifier, ok: false, attempts, error: lastError };
    }
    const delayMs =
      outcome.retryAfterMs !== undefined
        ? Math.min(Math.max(0, outcome.retryAfterMs), maxRetryAfterMs)
        : backoffDelay(backoff, attempts, random);
    log.info(`${notifier}: attempt ${attempts} failed (${lastError}); retrying in ${delayMs} ms`);
    try {
      await sleep(delayMs, signal);
    } catch {
      return { notifier, ok: false, attempts, error: `${lastError} (gave up: notifier closed)` };
    }
  }
}

/** What the webhook and email notifiers take alike: per-attempt timeout, retry policy, logging. */
export interface DeliveryOptions {
  /** Limit on each attempt. */
  readonly timeoutMs?: number;
  /** Retries after the first attempt. Default 3. */
  readonly retries?: number;
  readonly backoff?: BackoffPolicy;
  /** Cap on a receiver's Retry-After. Default 60 s. */
  readonly maxRetryAfterMs?: number;
  readonly log?: Logger;
  /** Jitter source; tests pin it. */
  readonly random?: () => number;
}

/** One notifier's delivery: validated timeout and retries, the retry loop, and its shutdown. */
export class Delivery {
  readonly timeoutMs: number;
  readonly log: Logger;
  private readonly retry: RetryOptions;
  private readonly closing = new AbortController();

  /** Throws a configuration error naming `notifier` for a bad timeout or retry count. */
  constructor(
    private readonly notifier: string,
    options: DeliveryOptions,
    defaultTimeoutMs: number,
  ) {
    this.timeoutMs = checkTimeout(notifier, options.timeoutMs ?? defaultTimeoutMs);
    this.log = options.log ?? silentLogger;
    this.retry = {
      retries: checkRetries(notifier, options.retries ?? DEFAULT_RETRIES),
      backoff: options.backoff ?? defaultNotifierBackoff,
      maxRetryAfterMs: options.maxRetryAfterMs ?? DEFAULT_MAX_RETRY_AFTER_MS,
      ...(options.random ? { random: options.random } : {}),
    };
  }

  /** Aborted once the notifier is closed. */
  get closed(): AbortSignal {
    return this.closing.signal;
  }

  /** Runs `attempt` with retries (see deliverWithRetry); a throw before any attempt is a failed result too. */
  async run(attempt: (attemptNo: number) => Promise<AttemptOutcome>): Promise<NotificationResult> {
    return deliverWithRetry(this.notifier, attempt, { ...this.retry, signal: this.closing.signal, log: this.log });
  }

  /** The signal of one attempt: its timeout, or the notifier closing; `timedOut` tells which. */
  attemptSignal(): { readonly signal: AbortSignal; readonly timedOut: () => boolean } {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    return { signal: AbortSignal.any([timeout, this.closing.signal]), timedOut: () => timeout.aborted };
  }

  /** Stops pending retries: notifications in flight end with ok:false at once. */
  close(): void {
    this.closing.abort(new AbortError('notifier closed'));
  }
}
