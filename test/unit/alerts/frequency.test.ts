/** Frequency modes, cooldown, expiry, auto-pause and snooze, with a fake clock and exact fire points. */
import * as assert from 'node:assert/strict';
import { backtest } from '../../../src/core/alerts/backtest';
import type { AlertEvent } from '../../../src/core/alerts/alertEvent';
import { soloRule } from '../../../src/core/alerts/eval/soloRule';
import { ruleFingerprint } from '../../../src/core/alerts/ruleIdentity';
import { freshState, type RuleState } from '../../../src/core/alerts/ruleState';
import type { AlertRule } from '../../../src/core/alerts/rules';
import { MIN, SEC, mkCandles, mkRule, mkTrades } from './helpers';

type Over = Partial<Pick<AlertRule, 'frequency' | 'cooldownMs' | 'expires' | 'autoPause'>>;
const above100 = (over: Over = {}) => mkRule({ type: 'price_level', source: 'last', clauses: [{ op: 'above', level: 100 }], ...over });

// Minute 0: 101 102 99 · minute 1: 103 99 · minute 2: 101 · minute 3: 98 (closes minute 2)
const path = mkTrades([
  [10 * SEC, 101],
  [20 * SEC, 102],
  [30 * SEC, 99],
  [MIN + 5 * SEC, 103],
  [MIN + 10 * SEC, 99],
  [2 * MIN, 101],
  [3 * MIN + 1, 98],
]);
const times = (r: ReturnType<typeof backtest>) => r.fires.map((f) => f.time);

describe('alert frequency, cooldown, expiry and auto-pause', () => {
  it('every_time: every evaluation where the condition holds', () => {
    assert.deepEqual(times(backtest(above100(), { trades: path })), [10 * SEC, 20 * SEC, MIN + 5 * SEC, 2 * MIN]);
  });

  it('once_per_bar: the first match in each bar, evaluated on every update', () => {
    const r = backtest(above100({ frequency: 'once_per_bar' }), { trades: path });
    assert.deepEqual(times(r), [10 * SEC, MIN + 5 * SEC, 2 * MIN]);
    assert.deepEqual(
      r.fires.map((f) => f.barTime),
      [0, MIN, 2 * MIN],
    );
  });

  it('once_per_bar_close: only bar closes are evaluated (closes seen at the first tick of the next bar)', () => {
    // closes: minute 0 → 99, minute 1 → 99, minute 2 → 101 (seen when the 3-minute trade arrives)
    const r = backtest(above100({ frequency: 'once_per_bar_close' }), { trades: path });
    assert.deepEqual(times(r), [3 * MIN]);
    assert.deepEqual(r.fires[0], { time: 3 * MIN, value: 101, barTime: 2 * MIN, message: 'BTC/USDT last 101 is above 100 at the 1m close' });
  });

  it('once_per_bar_close with crosses compares consecutive closes', () => {
    const candles = mkCandles([99, 101, 102, 99, 98, 103]);
    const rule = mkRule({ type: 'percentage_change', lookback: 1, frequency: 'once_per_bar_close', clauses: [{ op: 'above', level: 2 }] });
    // changes: +2.02 ✓, +0.99, −2.94, −1.01, +5.10 ✓
    assert.deepEqual(
      backtest(rule, { candles }).fires.map((f) => f.barTime),
      [MIN, 5 * MIN],
    );
  });

  it('once: fires once ever, then stays done', () => {
    const r = backtest(above100({ frequency: 'once' }), { trades: path });
    assert.deepEqual(times(r), [10 * SEC]);
    assert.equal(r.state.onceDone, true);
  });

  it('cooldown after each fire, in market time', () => {
    const trades = mkTrades([0, 10, 35, 40, 64, 65, 70].map((s) => [s * SEC, 101] as const));
    const r = backtest(above100({ cooldownMs: 30 * SEC }), { trades });
    assert.deepEqual(times(r), [0, 35 * SEC, 65 * SEC]);
    assert.equal(r.state.cooldownUntil, 95 * SEC);
  });

  it('cooldown also limits once_per_bar', () => {
    const trades = mkTrades([
      [10 * SEC, 101],
      [MIN + 5 * SEC, 101],
      [MIN + 50 * SEC, 101],
      [2 * MIN + 30 * SEC, 101],
    ]);
    const r = backtest(above100({ frequency: 'once_per_bar', cooldownMs: MIN }), { trades });
    // 65 s: a new bar but still cooling (until 70 s); 110 s: same bar, cooled down; 150 s: cooling until 170 s
    assert.deepEqual(times(r), [10 * SEC, MIN + 50 * SEC]);
  });

  it('expiry: nothing fires at or after expires', () => {
    const trades = mkTrades([0, 10, 20, 30].map((s) => [s * SEC, 101] as const));
    assert.deepEqual(times(backtest(above100({ expires: 20 * SEC }), { trades })), [0, 10 * SEC]);
  });

  it('auto-pause: more than N fires within the window pauses the rule instead of firing', () => {
    const trades = mkTrades([0, 10, 20, 30, 40, 100, 200].map((s) => [s * SEC, 101] as const));
    const r = backtest(above100({ autoPause: { maxFires: 3, windowMs: 60 * SEC } }), { trades });
    assert.deepEqual(times(r), [0, 10 * SEC, 20 * SEC]);
    assert.match(r.state.paused?.reason ?? '', /fired more than 3 times within 1m: auto-paused/);
    assert.equal(r.state.paused?.at, 30 * SEC);
    assert.equal(r.notes.length, 1);
  });

  it('auto-pause counts only fires inside the window', () => {
    const trades = mkTrades([0, 10, 20, 61, 65].map((s) => [s * SEC, 101] as const));
    const r = backtest(above100({ autoPause: { maxFires: 3, windowMs: 60 * SEC } }), { trades });
    assert.deepEqual(times(r), [0, 10, 20, 61].map((s) => s * SEC), 'at 61 s the fire at 0 s has left the window');
    assert.equal(r.state.paused?.at, 65 * SEC, 'at 65 s three fires (10, 20, 61) are within the window');
  });

  describe('RuleRunner with a fake clock', () => {
    function runner(rule: AlertRule) {
      let wall = 1_000_000;
      let state: RuleState = freshState(ruleFingerprint(rule), wall);
      const fired: AlertEvent[] = [];
      const skipped: string[] = [];
      const { group: r } = soloRule(rule, {
        clock: { now: () => wall },
        getState: () => state,
        setState: (s) => (state = s),
        onFire: (e) => fired.push(e),
        onPause: () => undefined,
        onSkip: (reason) => skipped.push(reason),
      });
      return {
        r,
        fired,
        skipped,
        setWall: (t: number) => (wall = t),
        get state() {
          return state;
        },
        set state(s: RuleState) {
          state = s;
        },
      };
    }

    it('snooze suppresses fires until the wall clock passes it; disabled rules never fire', () => {
      const t = runner(above100());
      t.state = { ...t.state, snoozedUntil: 2_000_000 };
      t.r.trades(mkTrades([[5000, 101]]));
      t.setWall(2_000_000);
      t.r.trades(mkTrades([[6000, 101]]));
      assert.deepEqual(
        t.fired.map((e) => e.firedAt),
        [6000],
      );
      assert.deepEqual(t.skipped, ['snoozed']);
      t.state = { ...t.state, enabledOverride: { enabled: false, configEnabled: true } };
      t.r.trades(mkTrades([[7000, 101]]));
      assert.equal(t.fired.length, 1);
      assert.deepEqual(t.skipped, ['snoozed', 'disabled']);
    });

    it('the alert event carries the rule, market, value and market time', () => {
      const t = runner(mkRule({ id: 'btc-61k', name: 'BTC above 61k', type: 'price_level', source: 'last', frequency: 'once_per_bar', clauses: [{ op: 'crosses', level: 61000 }] }));
      t.r.trades(mkTrades([[MIN + 1, 60990.5], [MIN + 2, 61020.5]]));
      assert.deepEqual(t.fired, [
        {
          ruleId: 'btc-61k',
          ruleName: 'BTC above 61k',
          ruleType: 'price_level',
          exchange: 'binance',
          symbol: 'BTC/USDT',
          timeframe: '1m',
          barTime: MIN,
          message: 'BTC/USDT last 61,020.5 crossed above 61,000',
          value: 61020.5,
          firedAt: MIN + 2,
        },
      ]);
    });

    it('candle updates within a bar are dated by the clock, clamped into the bar', () => {
      const rule = mkRule({ type: 'percentage_change', lookback: 1, clauses: [{ op: 'above', level: 1 }] });
      const t = runner(rule);
      const [a, b] = mkCandles([100, 100]);
      t.r.barsReset([a!], undefined);
      t.setWall(MIN + 30 * SEC);
      t.r.bar({ candle: { ...b!, close: 102 }, final: false, replace: false });
      t.setWall(10 * MIN);
      t.r.bar({ candle: { ...b!, close: 103 }, final: false, replace: true });
      t.r.bar({ candle: { ...b!, close: 103 }, final: true, replace: true });
      assert.deepEqual(
        t.fired.map((e) => [e.firedAt, e.barTime]),
        [
          [MIN + 30 * SEC, MIN],
          [2 * MIN - 1, MIN],
          [2 * MIN, MIN],
        ],
      );
    });
  });
});
