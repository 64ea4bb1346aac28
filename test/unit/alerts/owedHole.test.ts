/** The trades held back from windowed rules while a reconnect's hole is fetched are bounded (MAX_OWED_TRADES). */
import * as assert from 'node:assert/strict';
import { AlertEngine } from '../../../src/core/alerts/alertEngine';
import { AlertStateStore } from '../../../src/core/alerts/alertState';
import { parseAlertsConfig } from '../../../src/core/alerts/config/parseAlertsConfig';
import { MAX_OWED_TRADES, OwedHole } from '../../../src/core/alerts/feeds/owedHole';
import { describeStatus } from '../../../src/core/alerts/ruleStatus';
import { captureLog } from '../../helpers/emulatorHub';
import { FakeHub } from './fakeHub';
import { MIN, mkTrades } from './helpers';

const times = (trades: ReadonlyArray<{ timestamp: number }>) => trades.map((t) => t.timestamp);

describe('OwedHole', () => {
  it('gives back what it held in time order, and within its bound lets nothing go', () => {
    const owed = new OwedHole(4);
    assert.equal(owed.hold(mkTrades([[3, 1], [5, 1]])), undefined);
    assert.equal(owed.hold(mkTrades([[1, 1], [2, 1]])), undefined);
    assert.deepEqual(times(owed.release()), [1, 2, 3, 5]);
    assert.deepEqual(owed.release(), [], 'nothing held after');
  });

  it('past its bound lets the oldest half go, says up to when, and holds nothing of before after that', () => {
    const owed = new OwedHole(4);
    assert.equal(owed.hold(mkTrades([[10, 1], [30, 1], [40, 1]])), undefined);
    // A hole's late trades: the fifth trade held is past the bound of 4.
    assert.equal(owed.hold(mkTrades([[20, 1], [25, 1]])), 25, 'the three oldest of 10, 20, 25, 30, 40 let go');
    assert.equal(owed.hold(mkTrades([[24, 1], [26, 1], [50, 1]])), undefined, 'back within the bound');
    assert.deepEqual(times(owed.release()), [26, 30, 40, 50], 'the late trade at 24 s was of before');
  });

  it('given back, holds anew: what was let go before bars nothing of the next hole', () => {
    const owed = new OwedHole(4);
    assert.equal(owed.hold(mkTrades([[10, 1], [20, 1], [30, 1], [40, 1], [50, 1]])), 30);
    assert.deepEqual(times(owed.release()), [40, 50]);
    // A replay gone back in time, or the next reconnect's hole of a market held anew: trades at or before 30 s again.
    assert.equal(owed.hold(mkTrades([[5, 1], [30, 1]])), undefined);
    assert.deepEqual(times(owed.release()), [5, 30], 'none dropped by the floor of the bound reached before the release');
  });

  it('lets go every trade of the millisecond where its half falls', () => {
    const owed = new OwedHole(2);
    assert.equal(owed.hold(mkTrades([[7, 1], [7, 1], [7, 1]])), 7);
    assert.deepEqual(owed.release(), []);
  });
});

describe("AlertEngine: a reconnect's hole fetched for longer than MAX_OWED_TRADES trades", () => {
  it('the CVD rule starts its window over after the trades let go, its status saying so, and fires on no window lacking them', () => {
    const hub = new FakeHub();
    const log = captureLog();
    const engine = new AlertEngine({ hub, state: AlertStateStore.inMemory(), clock: { now: () => 100 * MIN }, timers: () => () => undefined, log, minHistoryBars: 1 });
    const fires: Array<readonly [number, number]> = [];
    engine.onAlert((a) => fires.push([a.firedAt - 100 * MIN, a.value]));
    const cfg = parseAlertsConfig('defaults: { exchange: binance, autoPause: false }\nrules:\n  - { id: f, name: f, type: cvd_change, symbol: BTC/USDT, window: 10s, above: -1000, frequency: every_time }');
    assert.deepEqual(cfg.diagnostics, []);
    engine.setRules(cfg.rules);
    const at = (ms: number) => 100 * MIN + ms;
    const push = (e: Parameters<FakeHub['push']>[2]) => hub.push('trades', 'BTC/USDT', e);
    push({ type: 'state', state: { status: 'live', since: 0 } });
    push({ type: 'trades', trades: mkTrades([[at(0), 1, 1, 'buy'], [at(11_000), 1, 2, 'sell']]) });
    assert.equal(engine.status('f')?.status.kind, 'armed');
    const fired = fires.length;
    push({ type: 'state', state: { status: 'reconnecting', attempt: 1, reason: 'x', retryInMs: 10 } });
    push({ type: 'state', state: { status: 'live', since: 0, catchingUp: true } });
    // The stream streams on while the hole is fetched: one trade past the bound.
    push({ type: 'trades', trades: mkTrades(Array.from({ length: MAX_OWED_TRADES }, () => [at(15_000), 1, 1, 'buy'] as const)) });
    push({ type: 'trades', trades: mkTrades([[at(16_000), 1, 1, 'buy']]) });
    // The hole's trades come in the end: of before what was let go, they cannot be read either.
    push({ type: 'trades', trades: mkTrades([[at(12_000), 1, 4, 'sell']]), late: true });
    push({ type: 'state', state: { status: 'live', since: 0 } });
    assert.equal(
      describeStatus(engine.status('f')!.status),
      `warming up: over ${MAX_OWED_TRADES} trades came while the trades missed while reconnecting were fetched: those to 1970-01-01T01:40:15Z were let go; started over: needs 10s of trades`,
    );
    assert.ok(log.lines.some((l) => l.includes('were let go')), 'said in the log');
    // Started over at 16 s (the trade held after those let go): none before 26 s.
    push({ type: 'trades', trades: mkTrades([[at(25_000), 1, 1, 'buy']]) });
    assert.equal(fires.length, fired, 'no reading of a window lacking the trades let go');
    push({ type: 'trades', trades: mkTrades([[at(26_000), 1, 1, 'sell']]) });
    assert.equal(engine.status('f')?.status.kind, 'armed');
    assert.deepEqual(fires.slice(fired), [[26_000, 0]], 'in (16 s, 26 s]: 25 s bought, 26 s sold');
    engine.dispose();
  });
});
