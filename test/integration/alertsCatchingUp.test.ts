/**
 * A candle rule after a reconnect whose backfill fails: its stream is live again at once, but the bars it missed are
 * not whole while the backfill retries inside its request (seconds) and after. The rule reads `catching up` from the
 * reconnect until the bars are whole, or `degraded` once the backfill fails; never `armed` meanwhile. Real ccxt, the
 * emulator (its REST failing during a drop), the alert engine.
 */
import * as assert from 'node:assert/strict';
import { AlertEngine } from '../../src/core/alerts/alertEngine';
import { AlertStateStore } from '../../src/core/alerts/alertState';
import { parseAlertsConfig } from '../../src/core/alerts/config/parseAlertsConfig';
import { describeStatus } from '../../src/core/alerts/ruleStatus';
import { Rig } from '../helpers/emulatorHub';
import { waitForRuleStatus } from '../helpers/ruleStatusWait';

describe('a candle rule while its reconnect backfill fails (real ccxt, emulator)', function () {
  this.timeout(120_000);

  it('reads catching up from the reconnect, then degraded, never armed before its bars are whole; armed once they are', async () => {
    const r = await Rig.start({ tradesPerSecond: 5, historyMinutes: 10 });
    let engine: AlertEngine | undefined;
    try {
      const cfg = parseAlertsConfig(`defaults: { exchange: binance }
rules:
  - { id: pc, name: pc, type: percentage_change, symbol: BTC/USDT, timeframe: 1m, lookback: 2, above: 50 }
`);
      assert.deepEqual(cfg.diagnostics, []);
      engine = new AlertEngine({ hub: r.hub, state: AlertStateStore.inMemory(), log: r.log });
      const seen: string[] = [];
      engine.onStatus((e) => e.ruleId === 'pc' && seen.push(describeStatus(e.status)));
      engine.setRules(cfg.rules);
      await waitForRuleStatus(engine, 'pc', 'armed', 40_000);

      // The exchange's REST fails (each backfill request is retried inside it first), and the stream drops.
      r.emulator.failRest({ status: 503, count: 100_000, path: 'aggTrades' });
      r.emulator.failRest({ status: 503, count: 100_000, path: 'klines' });
      const from = seen.length;
      const degraded = waitForRuleStatus(engine, 'pc', 'degraded', 60_000);
      assert.ok(r.emulator.dropConnections('BTC/USDT') > 0, 'a connection carried the market');
      await degraded;
      const during = seen.slice(from);
      assert.match(during[0] ?? '', /^retrying \(1\) at .*: reconnecting: /, during.join('\n'));
      // Catching up from the reconnect until its backfill fails. On a loaded machine a backfill from before the drop
      // (the seam's check, answered after REST began failing) may fail while the socket is still down: the rule is
      // then degraded as soon as it is live, which is true too. Either way never armed.
      assert.match(during[1] ?? '', /^(catching up: fetching the bars missed while reconnecting|degraded: )/, during.join('\n'));
      if (during[1]?.startsWith('catching up')) assert.match(during[2] ?? '', /^degraded: /, during.join('\n'));
      assert.ok(!during.includes('armed'), `never armed while the bars were not whole:\n${during.join('\n')}`);

      // The exchange answers again: the repair makes the bars whole, and the rule is armed.
      const armed = waitForRuleStatus(engine, 'pc', 'armed', 90_000);
      r.emulator.clearFaults();
      await armed;
    } finally {
      engine?.dispose();
      await r.close();
    }
  });
});
