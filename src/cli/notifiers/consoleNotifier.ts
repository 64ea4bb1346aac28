import type { AlertEvent, NotificationResult, Notifier } from '../../core/alerts/alertEvent';
import { errorMessage } from '../../core/util/log';
import { alertPayload, firedAtIso, marketLabel, oneLine } from './format';

export interface ConsoleNotifierOptions {
  /** Print one JSON object per line (the webhook payload) instead of a readable line. */
  readonly json?: boolean;
  /** Where lines go; stdout by default. */
  readonly stream?: NodeJS.WritableStream;
  readonly name?: string;
}

/** "2024-05-01T12:00:00.000Z | BTC breakout | binance BTC/USDT 1m | BTC/USDT last 61,020.5 crossed above 61,000" */
export function formatConsoleLine(event: AlertEvent): string {
  return [firedAtIso(event), oneLine(event.ruleName), marketLabel(event), oneLine(event.message)].join(' | ');
}

/** One JSON object, no line breaks inside (JSON.stringify escapes them), for JSON-lines consumers. */
export function formatJsonLine(event: AlertEvent): string {
  return JSON.stringify(alertPayload(event));
}

/** Prints one line per alert. A single write, so concurrent alerts never interleave within a line. */
export class ConsoleNotifier implements Notifier {
  readonly name: string;
  private readonly json: boolean;
  private readonly stream: NodeJS.WritableStream;

  constructor(options: ConsoleNotifierOptions = {}) {
    this.json = options.json ?? false;
    this.stream = options.stream ?? process.stdout;
    this.name = options.name ?? 'console';
  }

  format(event: AlertEvent): string {
    return this.json ? formatJsonLine(event) : formatConsoleLine(event);
  }

  async notify(event: AlertEvent): Promise<NotificationResult> {
    try {
      const line = `${this.format(event)}\n`;
      const stream = this.stream as NodeJS.WritableStream & { writableEnded?: boolean; destroyed?: boolean };
      if (stream.writableEnded || stream.destroyed) {
        return { notifier: this.name, ok: false, attempts: 1, error: 'output stream is closed' };
      }
      await new Promise<void>((resolve, reject) => {
        stream.write(line, (err?: Error | null) => (err ? reject(err) : resolve()));
      });
      return { notifier: this.name, ok: true, attempts: 1 };
    } catch (err) {
      return { notifier: this.name, ok: false, attempts: 1, error: errorMessage(err) };
    }
  }
}
