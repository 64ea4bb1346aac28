import type { AlertEvent, NotificationResult, Notifier } from '../../core/alerts/alertEvent';
import type { BackoffPolicy } from '../../core/streams/backoff';
import { errorMessage, silentLogger, type Logger } from '../../core/util/log';
import { AbortError } from '../../core/util/sleep';
import { alertPayload } from './format';
import {
  checkRetries,
  checkTimeout,
  DEFAULT_MAX_RETRY_AFTER_MS,
  DEFAULT_RETRIES,
  defaultNotifierBackoff,
  deliverWithRetry,
  type AttemptOutcome,
} from './retry';

export interface WebhookNotifierOptions {
  /** http(s) URL the alert is POSTed to. */
  readonly url: string;
  /** Extra request headers (e.g. Authorization); they override the defaults, Content-Type included. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Limit on each attempt, response included. Default 10 s. */
  readonly timeoutMs?: number;
  /** Retries after the first attempt. Default 3. */
  readonly retries?: number;
  readonly backoff?: BackoffPolicy;
  /** Cap on a receiver's Retry-After. Default 60 s. */
  readonly maxRetryAfterMs?: number;
  readonly log?: Logger;
  /** Defaults to "webhook:<host>" (never the full URL, which may carry a token). */
  readonly name?: string;
  /** Jitter source; tests pin it. */
  readonly random?: () => number;
}

export const DEFAULT_WEBHOOK_TIMEOUT_MS = 10_000;
const ERROR_BODY_CHARS = 200;

/**
 * Reads an HTTP Retry-After value, delay-seconds or HTTP-date, as milliseconds from `now`.
 * Fractional seconds are accepted too. Undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (value === null || value === undefined) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  if (!/[a-z]/i.test(text)) return undefined; // an HTTP-date names its day and month; "-3" is not one
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

/** POSTs each alert as JSON (the AlertEvent plus a `text` line) with per-attempt timeouts and retries. */
export class WebhookNotifier implements Notifier {
  readonly name: string;
  private readonly url: string;
  private readonly headers: Headers;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly backoff: BackoffPolicy;
  private readonly maxRetryAfterMs: number;
  private readonly log: Logger;
  private readonly random: (() => number) | undefined;
  private readonly closing = new AbortController();

  /** Throws on a malformed configuration (bad URL, bad header, bad numbers); `notify` never throws. */
  constructor(options: WebhookNotifierOptions) {
    let parsed: URL;
    try {
      parsed = new URL(options.url);
    } catch {
      throw new Error(`webhook notifier: invalid url ${JSON.stringify(options.url)}`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw new Error(`webhook notifier: url must be http or https, got ${parsed.protocol}`);
    }
    this.url = parsed.href;
    this.name = options.name ?? `webhook:${parsed.host}`;
    this.headers = new Headers({
      'content-type': 'application/json; charset=utf-8',
      accept: 'application/json, text/plain, */*',
      'user-agent': 'TradeSuite-alert-bot',
    });
    try {
      for (const [key, value] of Object.entries(options.headers ?? {})) this.headers.set(key, value);
    } catch (err) {
      throw new Error(`${this.name}: invalid header (${errorMessage(err)})`);
    }
    this.timeoutMs = checkTimeout(this.name, options.timeoutMs ?? DEFAULT_WEBHOOK_TIMEOUT_MS);
    this.retries = checkRetries(this.name, options.retries ?? DEFAULT_RETRIES);
    this.backoff = options.backoff ?? defaultNotifierBackoff;
    this.maxRetryAfterMs = options.maxRetryAfterMs ?? DEFAULT_MAX_RETRY_AFTER_MS;
    this.log = options.log ?? silentLogger;
    this.random = options.random;
  }

  async notify(event: AlertEvent): Promise<NotificationResult> {
    try {
      const body = JSON.stringify(alertPayload(event));
      return await deliverWithRetry(this.name, () => this.attempt(body), {
        retries: this.retries,
        backoff: this.backoff,
        maxRetryAfterMs: this.maxRetryAfterMs,
        random: this.random,
        signal: this.closing.signal,
        log: this.log,
      });
    } catch (err) {
      return { notifier: this.name, ok: false, attempts: 0, error: errorMessage(err) };
    }
  }

  /** Stops pending retries: notifications in flight end with ok:false at once. */
  async close(): Promise<void> {
    this.closing.abort(new AbortError('notifier closed'));
  }

  private async attempt(body: string): Promise<AttemptOutcome> {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const signal = AbortSignal.any([timeout, this.closing.signal]);
    try {
      const response = await fetch(this.url, { method: 'POST', headers: this.headers, body, signal });
      if (response.ok) {
        // Release the connection without waiting for a body nobody reads.
        await response.body?.cancel().catch(() => undefined);
        return { ok: true };
      }
      const detail = await readSnippet(response);
      const error = `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}${detail ? `: ${detail}` : ''}`;
      if (response.status === 429 || response.status >= 500) {
        const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
        return retryAfterMs === undefined ? { ok: false, error, retryable: true } : { ok: false, error, retryable: true, retryAfterMs };
      }
      return { ok: false, error, retryable: false };
    } catch (err) {
      if (this.closing.signal.aborted) return { ok: false, error: 'notifier closed', retryable: false };
      if (timeout.aborted) return { ok: false, error: `timed out after ${this.timeoutMs} ms`, retryable: true };
      return { ok: false, error: describeFetchError(err), retryable: true };
    }
  }
}

/** The start of an error response's body, on one line, for the result and the log. Empty when unreadable. */
async function readSnippet(response: Response): Promise<string> {
  try {
    const text = await response.text();
    const flat = text.replace(/\s+/g, ' ').trim();
    return flat.length > ERROR_BODY_CHARS ? `${flat.slice(0, ERROR_BODY_CHARS)}…` : flat;
  } catch {
    return '';
  }
}

/** undici reports "fetch failed" and hides the reason (ECONNREFUSED, ENOTFOUND …) in `cause`. */
function describeFetchError(err: unknown): string {
  const base = errorMessage(err);
  const cause = err instanceof Error ? (err as Error & { cause?: unknown }).cause : undefined;
  if (cause === undefined || cause === null) return base;
  const code = (cause as { code?: unknown }).code;
  const message = cause instanceof Error && cause.message ? cause.message : typeof code === 'string' ? code : String(cause);
  return `${base} (${message})`;
}
