/**
 * The alert engine on an aggregate whose leg reconnects and whose hole is filled after the merged stream passed it:
 * a price rule judges the hole's trades (saying late, and when each was made) without its live crossing state
 * moving; a windowed CVD rule counts them once, in their window, read at the newest time (never back in time).
 */
import * as assert from 'node:assert/strict';
import type { AlertEvent } from '../../../src/core/alerts/alertEvent';
import { AggregateAlertHub } from '../../../src/core/alerts/aggregateAlertHub';
import { AlertEngine } from '../../../src/core/alerts/alertEngine';
import { AlertStateStore } from '../../../src/core/alerts/alertState';
import { parseAlertsConfig } from '../../../src/core/alerts/config/parseAlertsConfig';
import type { Trade } from '../../../src/core/types';
import { captureLog } from '../../helpers/emulatorHub';
import { holeLegs, settle } from '../../helpers/holeLegs';

const RULES = `rules:
  - { id: above, name: above, type: price_level, exchange: aggregate, symbol: agg, above: 110, frequency: every_time, autoPause: false }
  - { id: cross, name: cross, type: price_level, exchange: aggregate, symbol: agg, crosses: 110, frequency: every_time, autoPause: false }
  - { id: cvd, name: cvd, type: cvd_change, exchange: aggregate, symbol: agg, window: 5s, above: -1000000, frequency: every_time, autoPause: false }
`;

describe('alert rules on an aggregate: the late trades of a leg’s reconnect', () => {
  it('a late trade beyond a level fires, saying late and when it was made; the live crossing state is untouched; the CVD window counts the hole once, never back in time', async () => {
    // Ahead of the clock: every trade is after the rules start (and after the aggregate's first minute's start).
    const S = Date.now() + 2000;
    const t = (id: string, dt: number, amount: number, side: Trade['side'], price = 100): Trade => ({ id, timestamp: S + dt, price, amount, side });
    const hub = holeLegs();
    const log = captureLog();
    const engine = new AlertEngine({ hub: new AggregateAlertHub(hub, [{ name: 'agg', legs: [{ exchange: 'binance', symbol: 'BTC/USDT' }, { exchange: 'okx', symbol: 'BTC/USDT:USDT' }], price: { kind: 'vwap' }, usdtIsUsd: false }], { log }), state: AlertStateStore.inMemory(), log });
    const alerts: AlertEvent[] = [];
    engine.onAlert((a) => alerts.push(a));
    try {
      const cfg = parseAlertsConfig(RULES);
      assert.deepEqual(cfg.diagnostics, []);
      engine.setRules(cfg.rules);
      for (let i = 0; i < 50 && hub.open().length < 2; i++) await settle();
      assert.deepEqual(hub.open(), ['binance×1', 'okx×1'], 'the three rules share one merged stream');
      for (const ex of ['binance', 'okx']) hub.push(ex, { type: 'state', state: { status: 'live', since: S } });
      hub.push('binance', { type: 'trades', trades: [t('b1', 100, 1, 'buy')] });
      hub.push('okx', { type: 'trades', trades: [t('o1', 200, 100, 'buy')] });
      await settle();

      const fill = hub.holdFill('okx');
      hub.push('okx', { type: 'state', state: { status: 'reconnecting', attempt: 1, reason: 'socket closed', retryInMs: 0 } });
      hub.push('okx', { type: 'state', state: { status: 'live', since: S + 5000 } });
      hub.push('okx', { type: 'trades', trades: [t('o5', 5000, 100, 'sell')] });
      for (const [id, dt] of [['b2', 1000], ['b3', 3000], ['b4', 6000], ['b5', 9000]] as const) hub.push('binance', { type: 'trades', trades: [t(id, dt, 1, 'buy')] });
      await fill.asked;
      const cvd = () => alerts.filter((a) => a.ruleId === 'cvd').map((a) => [a.firedAt - S, Math.round(a.value * 1000) / 1000]);
      // The gap (okx reconnecting) started the window over at b2: observed whole at b4.
      assert.deepEqual(cvd(), [[6000, 2]], 'b3 + b4 in (1 s, 6 s]');
      assert.deepEqual(alerts.filter((a) => a.ruleId !== 'cvd'), [], 'no price beyond 110 yet');

      // The hole: a spike to 120 and back, with okx's volume (contracts of 0.01 BTC).
      fill.answer([t('o2', 1500, 50, 'sell'), t('o3', 2500, 100, 'buy', 120), t('o4', 2500, 200, 'sell'), t('o4b', 4000, 10, 'buy')]);
      for (let i = 0; i < 50 && alerts.filter((a) => a.ruleId === 'cross').length < 2; i++) await settle();
      const price = (id: string) => alerts.filter((a) => a.ruleId === id).map((a) => [a.firedAt - S, a.value, a.message]);
      const when = (dt: number) => new Date(S + dt).toISOString().replace('T', ' ').replace('Z', '');
      assert.deepEqual(price('above'), [[6000, 120, `agg last 120 is above 110 (a late trade, made at ${when(2500)} UTC)`]], 'judged when it came: at the newest time');
      assert.deepEqual(
        price('cross'),
        [
          [6000, 120, `agg last 120 crossed above 110 (a late trade, made at ${when(2500)} UTC)`],
          [6000, 100, `agg last 100 crossed below 110 (a late trade, made at ${when(2500)} UTC)`],
        ],
        'up and back in the hole, from the live side (below)',
      );
      // The fill (o2 −0.5, o3 +1, o4 −2, o4b +0.1), then the trade that waited for it (o5 −1), join b3 + b4: read at 6 s.
      assert.deepEqual(cvd(), [[6000, 2], [6000, 0.6], [6000, -0.4]], 'the hole counted once, read at the newest time');

      hub.push('okx', { type: 'trades', trades: [t('o6', 9500, 100, 'buy')] });
      hub.push('binance', { type: 'trades', trades: [t('b6', 12_000, 1, 'buy')] });
      await settle();
      // At 9 s: (4 s, 9 s] holds o5 −1, b4 +1, b5 +1 (o4b at 4 s has left); at 9.5 s o6 +1 too.
      assert.deepEqual(cvd(), [[6000, 2], [6000, 0.6], [6000, -0.4], [9000, 1], [9500, 2]], 'the window goes on from there, each late trade leaving it in its time');
      assert.equal(alerts.filter((a) => a.ruleId === 'cross').length, 2, 'the live price at 100 is no cross: the live side stayed below');
    } finally {
      engine.dispose();
    }
    await settle();
    assert.deepEqual(hub.open(), [], 'no leg stream is left');
  });
});
