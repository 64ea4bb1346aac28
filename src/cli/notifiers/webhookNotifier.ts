import type { AlertEvent, NotificationResult, Notifier } from '../../core/alerts/alertEvent';
import { errorMessage } from '../../core/util/log';
import { parseRetryAfter } from '../../core/util/retryAfter';
import { alertPayload } from './format';
import { Delivery, type AttemptOutcome, type DeliveryOptions } from './retry';

/** `timeoutMs` limits each attempt, response included (default 10 s). */
export interface WebhookNotifierOptions extends DeliveryOptions {
  /** http(s) URL the alert is POSTed to. */
  readonly url: string;
  /** Extra request headers (e.g. Authorization); they override the defaults, Content-Type included. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Defaults to "webhook:<host>" (never the full URL, which may carry a token). */
  readonly name?: string;
}

export const DEFAULT_WEBHOOK_TIMEOUT_MS = 10_000;

/** Kept here for the notifier's callers; the engine's REST retries read the same header. */
export { parseRetryAfter };
const ERROR_BODY_CHARS = 200;

/** POSTs each alert as JSON (the AlertEvent plus a `text` line) with per-attempt timeouts and retries. */
export class WebhookNotifier implements Notifier {
  readonly name: string;
  private readonly url: string;
  private readonly headers: Headers;
  private readonly delivery: Delivery;

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
    this.delivery = new Delivery(this.name, options, DEFAULT_WEBHOOK_TIMEOUT_MS);
  }

  async notify(event: AlertEvent): Promise<NotificationResult> {
    try {
      const body = JSON.stringify(alertPayload(event));
      return await this.delivery.run(() => this.attempt(body));
    } catch (err) {
      return { notifier: this.name, ok: false, attempts: 0, error: errorMessage(err) };
    }
  }

  /** Stops pending retries: notifications in flight end with ok:false at once. */
  async close(): Promise<void> {
    this.delivery.close();
  }

  private async attempt(body: string): Promise<AttemptOutcome> {
    const { signal, timedOut } = this.delivery.attemptSignal();
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
      if (this.delivery.closed.aborted) return { ok: false, error: 'notifier closed', retryable: false };
      if (timedOut()) return { ok: false, error: `timed out after ${this.delivery.timeoutMs} ms`, retryable: true };
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
