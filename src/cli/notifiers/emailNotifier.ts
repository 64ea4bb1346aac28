import nodemailer from 'nodemailer';
import type { AlertEvent, NotificationResult, Notifier } from '../../core/alerts/alertEvent';
import type { NotifierConfig } from '../../core/alerts/rules';
import { errorMessage } from '../../core/util/log';
import { firedAtIso, marketLabel, oneLine } from './format';
import { Delivery, type AttemptOutcome, type DeliveryOptions } from './retry';

type EmailConfig = Omit<Extract<NotifierConfig, { type: 'email' }>, 'type' | 'to' | 'timeoutMs' | 'retries'>;

/**
 * The `email` notifier entry of alerts.yaml, plus: `secure` defaults to true on port 465 (else STARTTLS when
 * offered); `user` requires `passwordEnv`, whose variable is read at send time, never from a file; `timeoutMs`
 * limits each attempt — connecting, greeting, each socket wait and the whole send (default 15 s).
 */
export interface EmailNotifierOptions extends EmailConfig, DeliveryOptions {
  readonly to: string | readonly string[];
  /** Defaults to "email:<host>". */
  readonly name?: string;
  /** Where `passwordEnv` is looked up; process.env by default. */
  readonly env?: Readonly<Record<string, string | undefined>>;
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
  private readonly delivery: Delivery;
  private readonly env: Readonly<Record<string, string | undefined>>;

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
    this.delivery = new Delivery(this.name, options, DEFAULT_EMAIL_TIMEOUT_MS);
    this.env = options.env ?? process.env;
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
      if (this.delivery.closed.aborted) return { notifier: this.name, ok: false, attempts: 0, error: 'notifier closed' };
      const problem = this.credentialsProblem();
      if (problem !== undefined) return { notifier: this.name, ok: false, attempts: 0, error: problem };
      // Read the password per send, so a rotated secret is picked up without a restart.
      const pass = this.passwordEnv ? this.env[this.passwordEnv] : undefined;
      const smtp = nodemailer.createTransport({
        host: this.host,
        port: this.port,
        secure: this.secure,
        ...(this.user !== undefined && pass !== undefined ? { auth: { user: this.user, pass } } : {}),
        connectionTimeout: this.delivery.timeoutMs,
        greetingTimeout: this.delivery.timeoutMs,
        socketTimeout: this.delivery.timeoutMs,
        logger: false,
      });
      transport = smtp;
      const message = { from: this.from, to: this.to, subject: emailSubject(event), text: emailBody(event) };
      return await this.delivery.run(() => this.attempt(smtp, message));
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
    this.delivery.close();
  }

  private async attempt(
    smtp: ReturnType<typeof nodemailer.createTransport>,
    message: { from: string; to: string[]; subject: string; text: string },
  ): Promise<AttemptOutcome> {
    const { signal, timedOut } = this.delivery.attemptSignal();
    try {
      const info = (await smtp.sendMail({ ...message, signal })) as { rejected?: unknown };
      const rejected = Array.isArray(info.rejected) ? info.rejected.map(String) : [];
      if (rejected.length > 0) this.delivery.log.warn(`${this.name}: server rejected recipient(s) ${rejected.join(', ')}`);
      return { ok: true };
    } catch (err) {
      if (this.delivery.closed.aborted) return { ok: false, error: 'notifier closed', retryable: false };
      if (timedOut()) return { ok: false, error: `timed out after ${this.delivery.timeoutMs} ms`, retryable: true };
      return { ok: false, error: describeSmtpError(err), retryable: isRetryableSmtpError(err) };
    }
  }
}
