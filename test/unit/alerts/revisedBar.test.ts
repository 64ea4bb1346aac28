/** A closed bar revised later is a defect of the data: the alert engine says so in the log (the bot's log in the headless bot). */
import * as assert from 'node:assert/strict';
import { AlertEngine } from '../../../src/core/alerts/alertEngine';
import { AlertStateStore } from '../../../src/core/alerts/alertState';
import { parseAlertsConfig } from '../../../src/core/alerts/config/parseAlertsConfig';
import { captureLog } from '../../helpers/emulatorHub';
import { FakeHub } from './fakeHub';
import { MIN, mkCandles } from './helpers';

describe('a revised closed bar in the alert engine', () => {
  it('is logged as a warning naming the series and the bar; a close and an update are not', () => {
    const hub = new FakeHub();
    const log = captureLog();
    const engine = new AlertEngine({ hub, state: AlertStateStore.inMemory(), clock: { now: () => 101 * MIN }, log, minHistoryBars: 1 });
    engine.setRules(parseAlertsConfig('defaults: { exchange: binance }\nrules:\n  - { id: pc, name: pc, type: percentage_change, symbol: BTC/USDT, timeframe: 1m, lookback: 2, above: 50 }\n').rules);
    const bars = mkCandles([10, 10, 10, 10], MIN, 97 * MIN);
    hub.push('candles', 'BTC/USDT', { type: 'snapshot', candles: bars });
    const current = { ...bars[3]!, close: 11, high: 11 };
    hub.push('candles', 'BTC/USDT', { type: 'deltas', deltas: [{ kind: 'updated', candle: current }, { kind: 'closed', candle: current }] });
    assert.deepEqual(log.lines.filter((l) => /revised/.test(l)), []);
    hub.push('candles', 'BTC/USDT', { type: 'deltas', deltas: [{ kind: 'revised', candle: { ...bars[2]!, volume: bars[2]!.volume + 1 } }] });
    const warned = log.lines.filter((l) => /revised/.test(l));
    assert.equal(warned.length, 1, log.lines.join('\n'));
    assert.match(warned[0]!, new RegExp(`^warn 1m candles binance BTC/USDT: the closed ${new Date(bars[2]!.time).toISOString()} bar was revised after its close`));
    engine.dispose();
  });
});
