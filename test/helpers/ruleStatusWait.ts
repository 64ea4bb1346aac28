/** Waits on an alert engine's status events (never on a clock) until a rule reaches a status kind. */
import type { AlertEngine } from '../../src/core/alerts/alertEngine';
import type { RuleStatusKind } from '../../src/core/alerts/ruleStatus';

export function waitForRuleStatus(engine: AlertEngine, id: string, kind: RuleStatusKind, timeoutMs = 20_000): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (engine.status(id)?.status.kind === kind) return resolve();
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`timed out waiting for ${id} to be ${kind}; it is ${JSON.stringify(engine.status(id)?.status)}`));
    }, timeoutMs);
    const sub = engine.onStatus((s) => {
      if (s.ruleId === id && s.status.kind === kind) {
        clearTimeout(timer);
        sub.dispose();
        resolve();
      }
    });
  });
}
