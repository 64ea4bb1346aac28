/** An alert engine over a hub, every alert it fires kept in order, and a wait for a rule's nth alert. */
import type { AlertEvent } from '../../src/core/alerts/alertEvent';
import { AlertEngine } from '../../src/core/alerts/alertEngine';
import type { AlertHub } from '../../src/core/alerts/alertHub';
import { AlertStateStore } from '../../src/core/alerts/alertState';
import type { Logger } from '../../src/core/util/log';

export class KeptAlerts {
  readonly alerts: AlertEvent[] = [];
  /** Rule state in memory; the caller sets the rules and disposes the engine. */
  readonly engine: AlertEngine;

  /** `explain`: what a wait that timed out adds to its message (the log lines that tell why). */
  constructor(hub: AlertHub, log: Logger, private readonly explain: () => string = () => '') {
    this.engine = new AlertEngine({ hub, state: AlertStateStore.inMemory(), log });
    this.engine.onAlert((a) => this.alerts.push(a));
  }

  /** Resolves once `n` alerts of rule `id` were fired. */
  fired(id: string, n: number, what: string): Promise<void> {
    const count = () => this.alerts.filter((a) => a.ruleId === id).length;
    if (count() >= n) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        listening.dispose();
        const why = this.explain();
        reject(new Error(`timed out waiting for ${what}: ${count()} of ${n}${why ? `\n${why}` : ''}`));
      }, 60_000);
      const listening = this.engine.onAlert(() => {
        if (count() < n) return;
        clearTimeout(timer);
        listening.dispose();
        resolve();
      });
    });
  }
}
