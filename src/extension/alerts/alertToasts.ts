import type { AlertEvent } from '../../core/alerts';
import { scheduleTimeout, type Schedule } from '../schedule';

export interface AlertToastsOptions {
  /** One alert as its own notification (with Open Chart / Snooze / Disable). */
  readonly showOne: (event: AlertEvent) => void;
  /** The alerts held back while the limit was reached, as one notification. */
  readonly showMany: (events: readonly AlertEvent[]) => void;
  readonly now?: () => number;
  readonly schedule?: Schedule;
  /** At most this many single notifications in any `windowMs`… */
  readonly maxSingles?: number;
  readonly windowMs?: number;
  /** …and the rest gathered into one notification at most this often. */
  readonly summaryEveryMs?: number;
}

/**
 * Alerts as editor notifications, a few at a time. Many rules can fire at once (a grid of levels crossed by one move,
 * 150 rules with short cooldowns fired 83 times a second in a probe): one notification each would bury the editor
 * and the workbench with it. The first `maxSingles` in a window are shown one by one; beyond that, the alerts are
 * held and shown together every `summaryEveryMs`. Every alert is still logged and listed by the controller.
 */
export class AlertToasts {
  private readonly shownAt: number[] = [];
  private held: AlertEvent[] = [];
  private flushTimer: { dispose(): void } | undefined;
  private readonly now: () => number;
  private readonly schedule: Schedule;
  private readonly maxSingles: number;
  private readonly windowMs: number;
  private readonly summaryEveryMs: number;
  private disposed = false;

  constructor(private readonly options: AlertToastsOptions) {
    this.now = options.now ?? Date.now;
    this.schedule = options.schedule ?? scheduleTimeout;
    this.maxSingles = options.maxSingles ?? 3;
    this.windowMs = options.windowMs ?? 10_000;
    this.summaryEveryMs = options.summaryEveryMs ?? 5_000;
  }

  push(event: AlertEvent): void {
    if (this.disposed) return;
    const now = this.now();
    for (let first = this.shownAt[0]; first !== undefined && first <= now - this.windowMs; first = this.shownAt[0]) this.shownAt.shift();
    // Once alerts are held, later ones join them: the order the user reads stays the order they fired in.
    if (this.held.length === 0 && this.shownAt.length < this.maxSingles) {
      this.shownAt.push(now);
      this.options.showOne(event);
      return;
    }
    this.held.push(event);
    this.flushTimer ??= this.schedule(() => this.flush(), this.summaryEveryMs);
  }

  dispose(): void {
    this.disposed = true;
    this.flushTimer?.dispose();
    this.flushTimer = undefined;
    this.held = [];
  }

  private flush(): void {
    this.flushTimer = undefined;
    const held = this.held;
    this.held = [];
    const [only, ...more] = held;
    if (only && more.length === 0) this.options.showOne(only);
    else if (only) this.options.showMany(held);
  }
}

/** "57 more alerts: BTC 61k ×12, ETH breakout ×9, SOL dip ×3 and 33 more of 20 other rules". */
export function heldAlertsText(events: readonly AlertEvent[], top = 3): string {
  const byRule = new Map<string, { name: string; count: number }>();
  for (const e of events) {
    const r = byRule.get(e.ruleId);
    if (r) r.count++;
    else byRule.set(e.ruleId, { name: e.ruleName, count: 1 });
  }
  const rules = [...byRule.values()].sort((a, b) => b.count - a.count);
  const named = rules.slice(0, top).map((r) => (r.count > 1 ? `${r.name} ×${r.count}` : r.name));
  const others = rules.slice(top);
  const rest = others.reduce((n, r) => n + r.count, 0);
  const tail = others.length === 0 ? '' : ` and ${rest} more of ${others.length} other rule${others.length === 1 ? '' : 's'}`;
  return `${events.length} more alerts: ${named.join(', ')}${tail}`;
}
