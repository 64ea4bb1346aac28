/**
 * A bar-close rule on an aggregate whose leg is down across a bar's end: the bar that ends meanwhile lacks the leg's
 * trades, so its close is not evaluated then (the rule says why), and goes out once the leg's hole is filled, on the
 * whole bar, once. Hand-driven legs (a fake hub), the real aggregate and alert engine.
 */
import * as assert from 'node:assert/strict';
import type { AlertEvent } from '../../../src/core/alerts/alertEvent';
import { AggregateAlertHub } from '../../../src/core/alerts/aggregateAlertHub';
import { AlertEngine } from '../../../src/core/alerts/alertEngine';
import { AlertStateStore } from '../../../src/core/alerts/alertState';
import { parseAlertsConfig } from '../../../src/core/alerts/config/parseAlertsConfig';
import { describeStatus } from '../../../src/core/alerts/ruleStatus';
import { bucketStart } from '../../../src/core/timeframes';
import type { Trade } from '../../../src/core/types';
import { captureLog } from '../../helpers/emulatorHub';
import { HOLE_DEF, holeLegs } from '../../helpers/holeLegs';

const settle = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
};
const MINUTE = 60_000;

describe('an aggregate bar-close rule over a leg down across the bar’s end', () => {
  it("the bar that ends while the leg is down is not evaluated partial; its close fires once, on the whole bar, when the leg's hole is filled", async () => {
    const hub = holeLegs();
    const routed = new AggregateAlertHub(hub, [HOLE_DEF]);
    // The aggregate's bars start at this minute (our clock); the trades are stamped inside its first two bars.
    const bar0 = bucketStart('1m', Date.now());
    const cfg = parseAlertsConfig(`defaults: { frequency: once_per_bar_close, autoPause: false }\nrules:\n  - { id: a, name: a, type: indicator, exchange: aggregate, symbol: agg, timeframe: 1m, left: close, op: above, right: 150 }`);
    assert.deepEqual(cfg.diagnostics, []);
    const engine = new AlertEngine({ hub: routed, state: AlertStateStore.inMemory(), clock: { now: () => Date.now() }, log: captureLog(), minHistoryBars: 1 });
    const fired: AlertEvent[] = [];
    engine.onAlert((e) => fired.push(e));
    const seen: string[] = [];
    engine.onStatus((s) => s.ruleId === 'a' && seen.push(describeStatus(s.status)));
    engine.setRules([...cfg.rules]);
    await settle();
    let id = 0;
    // okx's contract is 0.01 BTC: 100 contracts weigh as much as binance's 1 BTC.
    const trade = (timestamp: number, price: number, amount: number): Trade => ({ id: String(++id), timestamp, price, amount, side: 'buy' });
    hub.push('binance', { type: 'state', state: { status: 'live', since: bar0 } });
    hub.push('binance', { type: 'trades', trades: [trade(bar0 + 1_000, 100, 1)] });
    hub.push('okx', { type: 'state', state: { status: 'live', since: bar0 } });
    hub.push('okx', { type: 'trades', trades: [trade(bar0 + 1_000, 100, 100)] });
    await settle();
    assert.notEqual(engine.status('a')?.status.kind, 'degraded', `both legs live: ${seen.join(' | ')}`);

    // okx drops inside bar 0; binance trades on into bar 1: bar 0 ends without okx's trades after its drop.
    const fill = hub.holdFill('okx');
    hub.push('okx', { type: 'state', state: { status: 'reconnecting', attempt: 1, reason: 'socket closed', retryInMs: 1000 } });
    hub.push('binance', { type: 'trades', trades: [trade(bar0 + MINUTE + 1_000, 100, 1)] });
    await settle();
    assert.equal(fired.length, 0, 'no close evaluated on a bar that lacks a leg');
    const down = engine.status('a')?.status;
    assert.equal(down?.kind, 'degraded', `while the leg is down: ${JSON.stringify(down)}`);
    assert.match(describeStatus(down!), /okx/, 'the status names the leg that is down');

    // okx is back inside bar 1; its hole's fill gives the trade it made in bar 0 while it was away: bar 0 closes at
    // (100·1 + 200·2) / 3 with both legs, above 150; without it, 100.
    hub.push('okx', { type: 'state', state: { status: 'live', since: bar0 + MINUTE + 2_000 } });
    hub.push('okx', { type: 'trades', trades: [trade(bar0 + MINUTE + 2_000, 100, 100)] });
    assert.equal(await fill.asked, bar0 + 1_000, "the fill asks from okx's last trade before the drop");
    await settle();
    assert.equal(fired.length, 0, 'still waiting for the fill');
    assert.equal(engine.status('a')?.status.kind, 'catching_up');
    fill.answer([trade(bar0 + 40_000, 200, 100)]);
    await settle();
    assert.deepEqual(
      fired.map((e) => [e.barTime, e.value.toFixed(6)]),
      [[bar0, ((100 * 1 + 200 * 2) / 3).toFixed(6)]],
      "bar 0's close, once, on the whole bar",
    );
    assert.equal(engine.status('a')?.status.kind, 'armed', `armed again: ${seen.join(' | ')}`);
    engine.dispose();
    await settle();
    assert.deepEqual(hub.open(), []);
  });
});
