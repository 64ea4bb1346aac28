import * as assert from 'node:assert/strict';
import { startLagWatchdog } from '../../src/core/watchdog/lagWatchdog';
import type { Logger } from '../../src/core/util/log';

describe('event-loop lag watchdog', () => {
  it('logs when the loop was blocked past the threshold', async () => {
    const warnings: string[] = [];
    const log: Logger = { debug() {}, info() {}, warn: (m) => warnings.push(m), error() {} };
    const lagged = new Promise<number>((resolve) => {
      const watchdog = startLagWatchdog({ log, thresholdMs: 100, intervalMs: 10, onLag: (ms) => (watchdog.dispose(), resolve(ms)) });
      setTimeout(() => {
        const until = Date.now() + 250;
        while (Date.now() < until) {
          // deliberately hold the event loop
        }
      }, 15);
    });
    assert.ok((await lagged) >= 100);
    assert.match(warnings[0]!, /event loop was blocked for \d+ ms/);
  });
});
