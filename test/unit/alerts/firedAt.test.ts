/** An alert is dated by the data that triggered it: for candle rules, the newest trade in the bar, not the clock. */
import * as assert from 'node:assert/strict';
import type { AlertEvent } from '../../../src/core/alerts/alertEvent';
import { AlertEngine } from '../../../src/core/alerts/alertEngine';
import { AlertStateStore } from '../../../src/core/alerts/alertState';
import { parseAlertsConfig } from '../../../src/core/alerts/config/parseAlertsConfig';
import { captureLog } from '../../helpers/emulatorHub';
import { FakeHub } from './fakeHub';
import { MIN, mkCandles } from './helpers';

describe('firedAt of candle rules', () => {
  it('is the time of the newest trade behind the update, as for tick rules; a close is dated at the bar end', () => {
    const hub = new FakeHub();
    const clock = { now: () => 100 * MIN + 50_000 }; // the wall clock runs 43 s ahead of the data
    const engine = new AlertEngine({ hub, state: AlertStateStore.inMemory(), clock, log: captureLog(), minHistoryBars: 1 });
    const fired: AlertEvent[] = [];
    engine.onAlert((e) => fired.push(e));
    const cfg = parseAlertsConfig(
      'defaults: { exchange: binance, autoPause: false }\nrules:\n' +
        '  - { id: up, name: up, type: percentage_change, symbol: BTC/USDT, timeframe: 1m, lookback: 2, above: 5, frequency: every_time }\n' +
        '  - { id: closed, name: closed, type: percentage_change, symbol: BTC/USDT, timeframe: 1m, lookback: 2, above: 5, frequency: once_per_bar_close }\n',
    );
    engine.setRules(cfg.rules);
    const bars = mkCandles([10, 10, 10, 10], MIN, 97 * MIN);
    hub.push('candles', 'BTC/USDT', { type: 'snapshot', candles: bars });
    const current = { ...bars[3]!, close: 12, high: 12 };
    hub.push('candles', 'BTC/USDT', { type: 'deltas', deltas: [{ kind: 'updated', candle: current }], dataTime: 100 * MIN + 7_000 });
    hub.push('candles', 'BTC/USDT', { type: 'deltas', deltas: [{ kind: 'closed', candle: current }], dataTime: 101 * MIN + 2_000 });
    assert.deepEqual(
      fired.map((e) => [e.ruleId, e.firedAt]),
      [
        ['up', 100 * MIN + 7_000],
        ['up', 101 * MIN],
        ['closed', 101 * MIN],
      ],
    );
    engine.dispose();
  });
});
