import nodemailer from 'nodemailer';
import type { AlertEvent, NotificationResult, Notifier } from '../../core/alerts/alertEvent';
import type { BackoffPolicy } from '../../core/streams/backoff';
import { errorMessage, silentLogger, type Logger } from '../../core/util/log';
import { AbortError } from '../../core/util/sleep';
import { firedAtIso, marketLabel, oneLine } from './format';
import {
  checkRetries,
  checkTimeout,
  DEFAULT_MAX_RETRY_AFTER_MS,
  DEFAULT_RETRIES,
  defaultNotifierBackoff,
  deliverWithRetry,
  type AttemptOutcome,
} from './retry';

export interface EmailNotifierOptions {
  readonly host: string;
  readonly port: number;
  /** Implicit TLS from the first byte (SMTPS). Defaults to true on port 465, else false (STARTTLS when offered). */
  readonly secure?: boolean;
  /** SMTP login. Requires `passwordEnv`. */
  readonly user?: string;
  /** Name of the environment variable holding the SMTP password; it is read at send time, never from a file. */
  readonly passwordEnv?: string;
  readonly from: string;
  readonly to: string | readonly string[];
  /** Limit on each attempt: connecting, greeting, each socket wait and the whole send. Default 15 s. */
  readonly timeoutMs?: number;
  /** Retries after the first attempt. Default 3. */
  readonly retries?: number;
  readonly backoff?: BackoffPolicy;
  readonly maxRetryAfterMs?: number;
  readonly log?: Logger;
  /** Defaults to "email:<host>". */
  readonly name?: string;
  /** Where `passwordEnv` is looked up; process.env by default. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Jitter source; tests pin it. */
  readonly random?: () => number;
}

export const DEFAULT_EMAIL_TIMEOUT_MS = 15_000;

/** "[TradeSuite] BTC breakout — BTC/USDT" */
export function emailSubject(event: AlertEvent): string {
  return oneLine(`[TradeSuite] ${event.ruleName} — ${event.symbol}`);
}

export function emailBody(event: AlertEvent): string {
  return [
    oneLine(event.message),
    '',
    `Rule:     ${oneLine(event.ruleName)} (${oneLine(event.ruleId)}, ${oneLine(event.ruleType)})`,
    `Market:   ${marketLabel(event)}`,
    `Value:    ${event.value}`,
    `Fired at: ${firedAtIso(event)}`,
    '',
    '— TradeSuite alert bot',
    '',
  ].join('\n');
}

/** Codes nodemailer gives errors that ended the connection rather than rejected the message. */
const TRANSIENT_CODES = new Set(['ECONNECTION', 'ESOCKET', 'ETIMEDOUT', 'EDNS', 'ECONNREFUSED', 'ECONNRESET', 'EPIPE']);

interface SmtpError {
  readonly code?: unknown;
  readonly responseCode?: unknown;
  readonly permanent?: unknown;
}

/**
 * Retry on connection trouble and on SMTP 4yz (transient) replies; not on 5yz (permanent: bad login, unknown
 * mailbox, rejected message) nor on configuration problems, which the same request would meet again.
 */
export function isRetryableSmtpError(err: unknown): boolean {
  const e = (typeof err === 'object' && err !== null ? err : {}) as SmtpError;
  if (typeof e.responseCode === 'number') {
    if (typeof e.permanent === 'boolean') return !e.permanent;
    return !(e.responseCode >= 500 && e.responseCode < 600 && e.responseCode !== 503);
  }
  return typeof e.code === 'string' && TRANSIENT_CODES.has(e.code);
}

function describeSmtpError(err: unknown): string {
  const code = typeof err === 'object' && err !== null ? (err as SmtpError).code : undefined;
  const message = err instanceof Error ? err.message : String(err);
  return typeof code === 'string' && !message.includes(code) ? `${code}: ${message}` : message;
}

/** Sends each alert as a plain-text e-mail over SMTP, with per-attempt timeouts and retries. */
export class EmailNotifier implements Notifier {
  readonly name: string;
  private readonly host: string;
  private readonly port: number;
  private readonly secure: boolean;
  private readonly user: string | undefined;
  private readonly passwordEnv: string | undefined;
  private readonly from: string;
  private readonly to: string[];
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly backoff: BackoffPolicy;
  private readonly maxRetryAfterMs: number;
  private readonly log: Logger;
  private readonly env: Readonly<Record<string, string | undefined>>;
  private readonly random: (() => number) | undefined;
  private readonly closing = new AbortController();

  /** Throws on a malformed configuration; `notify` never throws. A missing password variable is reported per send. */
  constructor(options: EmailNotifierOptions) {
    this.name = options.name ?? `email:${options.host}`;
    if (typeof options.host !== 'string' || options.host.trim() === '') throw new Error(`${this.name}: host is required`);
    if (!Number.isInteger(options.port) || options.port < 1 || options.port > 65_535) {
      throw new Error(`${this.name}: port must be a whole number from 1 to 65535, got ${String(options.port)}`);
    }
    if (typeof options.from !== 'string' || options.from.trim() === '') throw new Error(`${this.name}: from is required`);
    const to = (typeof options.to === 'string' ? [options.to] : [...(options.to ?? [])]).map((a) => a.trim()).filter((a) => a !== '');
    if (to.length === 0) throw new Error(`${this.name}: at least one recipient (to) is required`);
    if (options.user && !options.passwordEnv) {
      throw new Error(`${this.name}: user is set but passwordEnv is not; the SMTP password is only read from an environment variable`);
    }
    if (options.passwordEnv && !options.user) throw new Error(`${this.name}: passwordEnv is set but user is not`);
    this.host = options.host;
    this.port = options.port;
    this.secure = options.secure ?? options.port === 465;
    this.user = options.user || undefined;
    this.passwordEnv = options.passwordEnv || undefined;
    this.from = options.from;
    this.to = to;
    this.timeoutMs = checkTimeout(this.name, options.timeoutMs ?? DEFAULT_EMAIL_TIMEOUT_MS);
    this.retries = checkRetries(this.name, options.retries ?? DEFAULT_RETRIES);
    this.backoff = options.backoff ?? defaultNotifierBackoff;
    this.maxRetryAfterMs = options.maxRetryAfterMs ?? DEFAULT_MAX_RETRY_AFTER_MS;
    this.log = options.log ?? silentLogger;
    this.env = options.env ?? process.env;
    this.random = options.random;
  }

  /** Undefined when the password variable is set (or no login is configured), else the error to report. */
  credentialsProblem(): string | undefined {
    if (!this.passwordEnv) return undefined;
    const value = this.env[this.passwordEnv];
    if (value === undefined || value === '') {
      return `SMTP password environment variable ${this.passwordEnv} is not set (needed to log in as ${this.user})`;
    }
    return undefined;
  }

  async notify(event: AlertEvent): Promise<NotificationResult> {
    let transport: ReturnType<typeof nodemailer.createTransport> | undefined;
    try {
      if (this.closing.signal.aborted) return { notifier: this.name, ok: false, attempts: 0, error: 'notifier closed' };
      const problem = this.credentialsProblem();
      if (problem !== undefined) return { notifier: this.name, ok: false, attempts: 0, error: problem };
      // Read the password per send, so a rotated secret is picked up without a restart.
      const pass = this.passwordEnv ? this.env[this.passwordEnv] : undefined;
      const smtp = nodemailer.createTransport({
        host: this.host,
        port: this.port,
        secure: this.secure,
        ...(this.user !== undefined && pass !== undefined ? { auth: { user: this.user, pass } } : {}),
        connectionTimeout: this.timeoutMs,
        greetingTimeout: this.timeoutMs,
        socketTimeout: this.timeoutMs,
        logger: false,
      });
      transport = smtp;
      const message = { from: this.from, to: this.to, subject: emailSubject(event), text: emailBody(event) };
      return await deliverWithRetry(this.name, () => this.attempt(smtp, message), {
        retries: this.retries,
        backoff: this.backoff,
        maxRetryAfterMs: this.maxRetryAfterMs,
        random: this.random,
        signal: this.closing.signal,
        log: this.log,
      });
    } catch (err) {
      return { notifier: this.name, ok: false, attempts: 0, error: errorMessage(err) };
    } finally {
      try {
        transport?.close();
      } catch {
        // nothing to release
      }
    }
  }

  /** Stops pending retries and cancels sends in flight: their notifications end with ok:false at once. */
  async close(): Promise<void> {
    this.closing.abort(new AbortError('notifier closed'));
  }

  private async attempt(
    smtp: ReturnType<typeof nodemailer.createTransport>,
    message: { from: string; to: string[]; subject: string; text: string },
  ): Promise<AttemptOutcome> {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const signal = AbortSignal.any([timeout, this.closing.signal]);
    try {
      const info = (await smtp.sendMail({ ...message, signal })) as { rejected?: unknown };
      const rejected = Array.isArray(info.rejected) ? info.rejected.map(String) : [];
      if (rejected.length > 0) this.log.warn(`${this.name}: server rejected recipient(s) ${rejected.join(', ')}`);
      return { ok: true };
    } catch (err) {
      if (this.closing.signal.aborted) return { ok: false, error: 'notifier closed', retryable: false };
      if (timeout.aborted) return { ok: false, error: `timed out after ${this.timeoutMs} ms`, retryable: true };
      return { ok: false, error: describeSmtpError(err), retryable: isRetryableSmtpError(err) };
    }
  }
}
