/**
 * A bar rule on an aggregate while a leg reconnects: its bars are not whole until the leg's hole is filled from REST,
 * so the rule reads `catching_up` (as a single market's does), then `armed` again once the fill has answered.
 */
import * as assert from 'node:assert/strict';
import { AggregateAlertHub } from '../../../src/core/alerts/aggregateAlertHub';
import { AlertEngine } from '../../../src/core/alerts/alertEngine';
import { AlertStateStore } from '../../../src/core/alerts/alertState';
import { parseAlertsConfig } from '../../../src/core/alerts/config/parseAlertsConfig';
import { describeStatus } from '../../../src/core/alerts/ruleStatus';
import type { TradesSince } from '../../../src/core/history/seamTrades';
import type { Trade } from '../../../src/core/types';
import { captureLog } from '../../helpers/emulatorHub';
import { HOLE_DEF, legsOnFakeHub } from '../../helpers/holeLegs';

const settle = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
};

/** Legs' trade streams the test pushes to; their REST trades wait until the test answers them. */
function legsHub() {
  const waiting: Array<(r: TradesSince) => void> = [];
  return {
    ...legsOnFakeHub(() => new Promise<TradesSince>((resolve) => waiting.push(resolve))),
    answerRest: () => waiting.shift()?.({ trades: [], complete: true }),
    pendingRest: () => waiting.length,
  };
}

describe('aggregate bar rules while a leg catches up', () => {
  it('read catching up from the leg being live again until its hole is filled, then armed; never armed in between', async () => {
    const hub = legsHub();
    const routed = new AggregateAlertHub(hub, [HOLE_DEF]);
    const cfg = parseAlertsConfig(`defaults: { frequency: every_time, autoPause: false }\nrules:\n  - { id: a, name: a, type: indicator, exchange: aggregate, symbol: agg, timeframe: 1m, left: close, op: above, right: 1000000 }`);
    assert.deepEqual(cfg.diagnostics, []);
    const engine = new AlertEngine({ hub: routed, state: AlertStateStore.inMemory(), clock: { now: () => Date.now() }, log: captureLog(), minHistoryBars: 1 });
    const seen: string[] = [];
    engine.onStatus((s) => s.ruleId === 'a' && seen.push(describeStatus(s.status)));
    engine.setRules([...cfg.rules]);
    await settle();
    let id = 0;
    const trade = (price: number): Trade => ({ id: String(++id), timestamp: Date.now(), price, amount: 1, side: 'buy' });
    for (const ex of ['binance', 'okx']) {
      hub.push(ex, { type: 'state', state: { status: 'live', since: Date.now() } });
      hub.push(ex, { type: 'trades', trades: [trade(100)] });
    }
    await settle();
    while (hub.pendingRest() > 0) {
      hub.answerRest();
      await settle();
    }
    assert.equal(engine.status('a')?.status.kind, 'armed', `whole from the start: ${seen.join(' | ')}`);

    hub.push('binance', { type: 'state', state: { status: 'reconnecting', attempt: 1, reason: 'dropped', retryInMs: 0 } });
    await settle();
    assert.notEqual(engine.status('a')?.status.kind, 'armed', 'a leg down: not armed');
    hub.push('binance', { type: 'state', state: { status: 'live', since: Date.now() } });
    hub.push('binance', { type: 'trades', trades: [trade(101)] });
    await settle();
    assert.equal(hub.pendingRest(), 1, "the leg's hole is being filled");
    assert.deepEqual(engine.status('a')?.status, { kind: 'catching_up', reason: 'fetching the bars missed while reconnecting' });
    hub.answerRest();
    await settle();
    assert.equal(engine.status('a')?.status.kind, 'armed', 'whole again');
    const fromDrop = seen.slice(seen.lastIndexOf('armed', seen.length - 2) + 1);
    assert.ok(!fromDrop.slice(0, -1).includes('armed'), `never armed between the drop and the fill: ${fromDrop.join(' | ')}`);
    assert.equal(fromDrop.at(-2), 'catching up: fetching the bars missed while reconnecting');
    engine.dispose();
    await settle();
    assert.equal(hub.open().length, 0, "every leg's stream given back");
  });
});
