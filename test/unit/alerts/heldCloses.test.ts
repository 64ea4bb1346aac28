/**
 * A bar rule whose window holds a partial bar (a gap whose backfill failed): its close is not evaluated on those bars;
 * the rule reads catching up meanwhile, and the close fires late, with the whole bars' value, once they are whole.
 */
import * as assert from 'node:assert/strict';
import type { AlertEvent } from '../../../src/core/alerts/alertEvent';
import { AlertEngine } from '../../../src/core/alerts/alertEngine';
import { AlertStateStore } from '../../../src/core/alerts/alertState';
import { parseAlertsConfig } from '../../../src/core/alerts/config/parseAlertsConfig';
import type { Candle } from '../../../src/core/types';
import { captureLog } from '../../helpers/emulatorHub';
import { FakeHub } from './fakeHub';
import { MIN } from './helpers';

const bar = (i: number, close: number, partial = false): Candle => ({ time: i * MIN, open: close, high: close, low: close, close, volume: 1, ...(partial ? { partial: true } : {}) });

describe('AlertEngine: bar closes held for partial bars', () => {
  it('a 3-bar change over a partial bar reads catching up and fires nothing, then fires late with the whole value (alertSeams seed 20)', () => {
    const hub = new FakeHub();
    let now = 10 * MIN + 5;
    const engine = new AlertEngine({ hub, state: AlertStateStore.inMemory(), clock: { now: () => now }, timers: () => () => undefined, log: captureLog(), minHistoryBars: 1 });
    const fires: AlertEvent[] = [];
    engine.onAlert((e) => fires.push(e));
    const cfg = parseAlertsConfig(`defaults: { exchange: binance, frequency: once_per_bar_close, autoPause: false }\nrules:\n  - { id: chg, name: chg, type: percentage_change, symbol: BTC/USDT, timeframe: 1m, lookback: 2, above: 5 }`);
    engine.setRules([...cfg.rules]);
    hub.push('candles', 'BTC/USDT', { type: 'snapshot', candles: [bar(6, 100), bar(7, 100), bar(8, 100, true), bar(9, 100), bar(10, 104)] });
    hub.push('candles', 'BTC/USDT', { type: 'state', state: { status: 'live', since: 0 } });
    assert.equal(engine.status('chg')?.status.kind, 'armed');
    now = 11 * MIN + 5;
    // Bar 10 closes 4 % above bar 8 as held; bar 8 is partial (its trades may be missing).
    hub.push('candles', 'BTC/USDT', { type: 'deltas', deltas: [{ kind: 'closed', candle: bar(10, 104) }, { kind: 'updated', candle: bar(11, 104) }] });
    assert.equal(fires.length, 0, 'no close evaluated on bars not whole');
    assert.deepEqual(engine.status('chg')?.status, { kind: 'catching_up', reason: 'bar closes wait for the partial bars they read to be whole' });
    // The backfill answers: bar 8 was 98, so bar 10 closed 6.1 % above it.
    hub.push('candles', 'BTC/USDT', { type: 'deltas', deltas: [{ kind: 'revised', candle: bar(8, 98) }] });
    assert.deepEqual(
      fires.map((e) => [e.barTime, e.value.toFixed(4)]),
      [[10 * MIN, (((104 - 98) / 98) * 100).toFixed(4)]],
    );
    assert.equal(engine.status('chg')?.status.kind, 'armed');
    engine.dispose();
    assert.deepEqual(hub.active(), []);
  });
});
