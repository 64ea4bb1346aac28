import type { AlertEvent, NotificationResult, Notifier } from '../../core/alerts/alertEvent';
import type { NotifierConfig, NotifierDelivery } from '../../core/alerts/rules';
import type { BackoffPolicy } from '../../core/streams/backoff';
import { errorMessage, scopedLogger, silentLogger, type Logger } from '../../core/util/log';
import { ConsoleNotifier } from './consoleNotifier';
import { EmailNotifier } from './emailNotifier';
import { WebhookNotifier } from './webhookNotifier';

/** The `notifiers:` entries of alerts.yaml, as parsed and validated by the core. */
export type { NotifierConfig } from '../../core/alerts/rules';

export interface CreateNotifiersOptions {
  readonly log?: Logger;
  /** Where console notifiers write; stdout by default. */
  readonly stdout?: NodeJS.WritableStream;
  /** Retry backoff of webhook and email notifiers (tests shrink it). */
  readonly backoff?: BackoffPolicy;
  /** Cap on a receiver's Retry-After. */
  readonly maxRetryAfterMs?: number;
  /** Where email passwords are looked up; process.env by default. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** Builds one notifier. Throws a configuration error naming the problem. */
export function createNotifier(config: NotifierConfig, options: CreateNotifiersOptions = {}, name?: string): Notifier {
  const log = options.log ?? silentLogger;
  const type = (config as { type?: unknown }).type;
  switch (config.type) {
    case 'console':
      return new ConsoleNotifier({ json: config.json ?? false, ...(options.stdout ? { stream: options.stdout } : {}), ...(name ? { name } : {}) });
    case 'webhook':
      return new WebhookNotifier({
        url: config.url,
        ...(config.headers ? { headers: config.headers } : {}),
        ...deliveryOptions(config, options),
        ...(name ? { name } : {}),
        log: scopedLogger(log, 'webhook'),
      });
    case 'email':
      return new EmailNotifier({
        host: config.host,
        port: config.port,
        ...(config.secure !== undefined ? { secure: config.secure } : {}),
        ...(config.user !== undefined ? { user: config.user } : {}),
        ...(config.passwordEnv !== undefined ? { passwordEnv: config.passwordEnv } : {}),
        from: config.from,
        to: config.to,
        ...deliveryOptions(config, options),
        ...(options.env ? { env: options.env } : {}),
        ...(name ? { name } : {}),
        log: scopedLogger(log, 'email'),
      });
    default:
      throw new Error(`unknown notifier type ${JSON.stringify(type)}`);
  }
}

/** Timeout and retries from the config, backoff and Retry-After cap from the options (webhook and email alike). */
function deliveryOptions(config: NotifierDelivery, options: CreateNotifiersOptions): NotifierDelivery & { backoff?: BackoffPolicy; maxRetryAfterMs?: number } {
  return {
    ...(config.timeoutMs !== undefined ? { timeoutMs: config.timeoutMs } : {}),
    ...(config.retries !== undefined ? { retries: config.retries } : {}),
    ...(options.backoff ? { backoff: options.backoff } : {}),
    ...(options.maxRetryAfterMs !== undefined ? { maxRetryAfterMs: options.maxRetryAfterMs } : {}),
  };
}

/**
 * Builds the notifiers of a validated configuration, in order. Names are made unique ("webhook:host", then
 * "webhook:host#2") so results and metrics can tell them apart. Throws on a configuration error, naming the
 * entry; warns (without failing) when an email password variable is not set yet.
 */
export function createNotifiers(configs: readonly NotifierConfig[], options: CreateNotifiersOptions = {}): Notifier[] {
  const log = options.log ?? silentLogger;
  const notifiers: Notifier[] = [];
  const seen = new Map<string, number>();
  configs.forEach((config, index) => {
    let notifier: Notifier;
    try {
      notifier = createNotifier(config, options);
      const count = (seen.get(notifier.name) ?? 0) + 1;
      seen.set(notifier.name, count);
      if (count > 1) notifier = createNotifier(config, options, `${notifier.name}#${count}`);
    } catch (err) {
      const type = (config as { type?: unknown } | null)?.type;
      throw new Error(`notifiers[${index}]${typeof type === 'string' ? ` (${type})` : ''}: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (notifier instanceof EmailNotifier) {
      const problem = notifier.credentialsProblem();
      if (problem !== undefined) log.warn(`${notifier.name}: ${problem}; e-mail alerts will fail until it is set`);
    }
    notifiers.push(notifier);
  });
  return notifiers;
}

/**
 * Delivers one alert through every notifier concurrently and returns their results in the notifiers' order.
 * Failures are logged, never thrown, even from a notifier that breaks its never-throw contract.
 */
export async function dispatch(event: AlertEvent, notifiers: readonly Notifier[], log: Logger): Promise<NotificationResult[]> {
  const results = await Promise.all(
    notifiers.map(async (notifier, index): Promise<NotificationResult> => {
      const name = safeName(notifier, index);
      try {
        const result = await notifier.notify(event);
        if (result && typeof result === 'object' && typeof result.ok === 'boolean') return result;
        return { notifier: name, ok: false, attempts: 0, error: 'notifier returned no result' };
      } catch (err) {
        return { notifier: name, ok: false, attempts: 0, error: errorMessage(err) };
      }
    }),
  );
  for (const result of results) {
    try {
      if (result.ok) {
        log.debug(`alert "${event.ruleName}" (${event.symbol}) delivered by ${result.notifier} in ${result.attempts} attempt(s)`);
      } else {
        log.warn(
          `alert "${event.ruleName}" (${event.symbol}) not delivered by ${result.notifier} after ${result.attempts} attempt(s): ${result.error ?? 'unknown error'}`,
        );
      }
    } catch {
      // a broken logger must not turn delivery into a throw
    }
  }
  return results;
}

/** Closes every notifier that can be closed; pending retries end at once. Never throws. */
export async function closeNotifiers(notifiers: readonly Notifier[]): Promise<void> {
  await Promise.all(
    notifiers.map(async (n) => {
      try {
        await n.close?.();
      } catch {
        // closing is best effort
      }
    }),
  );
}

function safeName(notifier: Notifier, index: number): string {
  try {
    return typeof notifier.name === 'string' ? notifier.name : `notifier#${index}`;
  } catch {
    return `notifier#${index}`;
  }
}
