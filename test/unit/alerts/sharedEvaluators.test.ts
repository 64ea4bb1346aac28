/**
 * Rules computing the same series share one evaluator (EvaluatorGroup): sharing must never change a fire, and
 * close-only groups must skip intrabar work. Also the status upkeep that no longer re-derives every rule per batch.
 */
import * as assert from 'node:assert/strict';
import type { AlertEvent } from '../../../src/core/alerts/alertEvent';
import { AlertEngine } from '../../../src/core/alerts/alertEngine';
import { AlertStateStore } from '../../../src/core/alerts/alertState';
import { backtest } from '../../../src/core/alerts/backtest';
import { parseAlertsConfig } from '../../../src/core/alerts/config/parseAlertsConfig';
import type { BarUpdate, CandleEvaluator } from '../../../src/core/alerts/eval/evaluator';
import { createEvaluator } from '../../../src/core/alerts/eval/createEvaluator';
import { EvaluatorGroup } from '../../../src/core/alerts/eval/evaluatorGroup';
import { RuleRunner } from '../../../src/core/alerts/eval/ruleRunner';
import { freshState } from '../../../src/core/alerts/ruleState';
import { evaluatorKey } from '../../../src/core/alerts/eval/evaluatorKey';
import type { ReadingSink } from '../../../src/core/alerts/eval/reading';
import type { RuleStatusEntry } from '../../../src/core/alerts/ruleStatus';
import type { AlertRule } from '../../../src/core/alerts/rules';
import type { CandleDelta } from '../../../src/core/candles/candleDelta';
import type { Candle, Trade } from '../../../src/core/types';
import { FakeHub } from './fakeHub';
import { MIN, SEC, mkCandles, mkTrades } from './helpers';

/** Rules on binance BTC/USDT unless a line names its symbol. */
function rules(yaml: string): AlertRule[] {
  const lines = yaml.split('\n').map((l) => (l.includes('{ id:') && !l.includes('symbol:') ? l.replace('{ id:', '{ symbol: BTC/USDT, id:') : l));
  const cfg = parseAlertsConfig(`defaults: { exchange: binance }\nrules:\n${lines.join('\n')}`);
  assert.deepEqual(cfg.diagnostics, []);
  return [...cfg.rules];
}

/** A deterministic walk: 4 trades a second for `seconds`, alternating buyers and sellers in runs. */
function walk(seconds: number, start = 0): Trade[] {
  const rows: [number, number, number, 'buy' | 'sell'][] = [];
  let price = 100;
  for (let i = 0; i < seconds * 4; i++) {
    price += Math.sin(i / 7) * 0.6 + Math.cos(i / 29) * 0.3;
    rows.push([start + i * 250, Math.round(price * 100) / 100, 1 + (i % 5), Math.floor(i / 11) % 2 === 0 ? 'buy' : 'sell']);
  }
  return mkTrades(rows);
}

/** The candle deltas a candle factory emits for each trade (one trade per batch): closed, then updated. */
function candleDeltas(trades: readonly Trade[], tfMs = MIN): { trade: Trade; deltas: CandleDelta[] }[] {
  let bar: Candle | undefined;
  return trades.map((t) => {
    const deltas: CandleDelta[] = [];
    const time = t.timestamp - (t.timestamp % tfMs);
    if (bar && bar.time !== time) {
      deltas.push({ kind: 'closed', candle: bar });
      bar = undefined;
    }
    bar = bar
      ? { ...bar, high: Math.max(bar.high, t.price), low: Math.min(bar.low, t.price), close: t.price, volume: bar.volume + t.amount }
      : { time, open: t.price, high: t.price, low: t.price, close: t.price, volume: t.amount };
    deltas.push({ kind: 'updated', candle: bar });
    return { trade: t, deltas };
  });
}

/**
 * The engines made by a test, disposed after it: their wake-ups run on Node's timers against a clock the test holds
 * still, so one left behind woke again every few seconds for the rest of the worker's run (the chaos test, later in
 * the same worker, found its timers).
 */
const engines: AlertEngine[] = [];

function engineOn(now: number) {
  const hub = new FakeHub();
  let clock = now;
  const engine = new AlertEngine({ hub, state: AlertStateStore.inMemory(), clock: { now: () => clock }, minHistoryBars: 1 });
  engines.push(engine);
  const alerts: AlertEvent[] = [];
  const statuses: RuleStatusEntry[] = [];
  engine.onAlert((e) => alerts.push(e));
  engine.onStatus((s) => statuses.push(s));
  return { hub, engine, alerts, statuses, setNow: (t: number) => (clock = t) };
}

const fires = (events: readonly AlertEvent[], id: string) => events.filter((e) => e.ruleId === id).map((e) => [e.firedAt, e.value]);

describe('shared evaluators', () => {
  afterEach(() => {
    for (const engine of engines.splice(0)) engine.dispose();
  });

  it('evaluatorKey: equal for rules that differ only in what is compared or gated, distinct otherwise', () => {
    const [a, b, c, d, e, f, g, h] = rules(`
  - { id: a, name: a, type: cvd_change, window: 1m, above: 5 }
  - { id: b, name: other, type: cvd_change, window: 1m, below: -5, cooldown: 30s, frequency: every_time, expires: 2030-01-01, enabled: false, autoPause: false }
  - { id: c, name: c, type: cvd_change, window: 2m, above: 5 }
  - { id: d, name: d, type: cvd_change, window: 1m, above: 5, frequency: once_per_bar_close }
  - { id: e, name: e, type: indicator, timeframe: 1h, left: { indicator: rsi, period: 14 }, op: below, right: 30 }
  - { id: f, name: f, type: indicator, timeframe: 1h, left: { indicator: rsi, period: 14 }, op: crosses_above, right: 70 }
  - { id: g, name: g, type: indicator, timeframe: 1h, left: { indicator: rsi, period: 14 }, op: above, right: { indicator: sma, period: 14 } }
  - { id: h, name: h, type: indicator, timeframe: 1h, left: { indicator: rsi, period: 14 }, op: above, right: 30, symbol: ETH/USDT }
`);
    assert.equal(evaluatorKey(a!), evaluatorKey(b!), 'levels, name, cooldown, expiry, enabled, auto-pause and intrabar frequencies are not computed');
    assert.notEqual(evaluatorKey(a!), evaluatorKey(c!), 'another window');
    assert.notEqual(evaluatorKey(a!), evaluatorKey(d!), 'close-only rules see other readings');
    assert.equal(evaluatorKey(e!), evaluatorKey(f!), 'a constant right-hand side is compared with, not computed');
    assert.notEqual(evaluatorKey(e!), evaluatorKey(g!), 'a right-hand series is computed');
    assert.notEqual(evaluatorKey(e!), evaluatorKey(h!), 'another market');
  });

  it('rules sharing an evaluator fire exactly where each fires alone (backtest)', () => {
    const trades = walk(6 * 60, 10 * MIN);
    const history = mkCandles(Array.from({ length: 40 }, (_, i) => 100 + Math.sin(i / 3) * 2), MIN, 0).slice(0, 10);
    const all = rules(`
  - { id: c1, name: c1, type: cvd_change, window: 20s, above: 10, frequency: every_time }
  - { id: c2, name: c2, type: cvd_change, window: 20s, below: -5, frequency: once_per_bar }
  - { id: c3, name: c3, type: cvd_change, window: 20s, above: 0, cooldown: 45s, frequency: every_time }
  - { id: c4, name: c4, type: cvd_change, window: 20s, below: 0, frequency: once_per_bar_close }
  - { id: c5, name: c5, type: cvd_change, window: 20s, above: 0, frequency: once_per_bar_close, cooldown: 2m }
  - { id: p1, name: p1, type: price_level, crosses: 101, frequency: every_time }
  - { id: p2, name: p2, type: price_level, above: 101.5, frequency: once_per_bar }
  - { id: r1, name: r1, type: cvd_ratio, window: 30s, above: 0.6, frequency: once_per_bar }
  - { id: r2, name: r2, type: cvd_ratio, window: 30s, below: 0.4, frequency: every_time, cooldown: 20s }
  - { id: i1, name: i1, type: indicator, timeframe: 1m, left: close, op: crosses_above, right: { indicator: ema, period: 3 }, frequency: every_time }
  - { id: i2, name: i2, type: indicator, timeframe: 1m, left: close, op: crosses_below, right: { indicator: ema, period: 3 }, frequency: once_per_bar }
  - { id: i3, name: i3, type: indicator, timeframe: 1m, left: close, op: above, right: { indicator: ema, period: 3 }, frequency: once_per_bar_close }
  - { id: i4, name: i4, type: indicator, timeframe: 1m, left: close, op: below, right: { indicator: ema, period: 3 }, frequency: once_per_bar_close }
`).map((r) => ({ ...r, autoPause: undefined }));
    const t = engineOn(10 * MIN);
    t.engine.setRules(all);
    t.hub.push('candles', 'BTC/USDT', { type: 'snapshot', candles: history });
    for (const { trade, deltas } of candleDeltas(trades)) {
      t.setNow(trade.timestamp);
      t.hub.push('trades', 'BTC/USDT', { type: 'trades', trades: [trade] });
      t.hub.push('candles', 'BTC/USDT', { type: 'deltas', deltas });
    }
    let compared = 0;
    for (const rule of all) {
      const alone = backtest(rule, { trades, candles: history }, { from: 10 * MIN });
      assert.deepEqual(fires(t.alerts, rule.id), alone.fires.map((f) => [f.time, f.value]), `${rule.id} shared vs alone`);
      compared += alone.fires.length;
    }
    assert.ok(compared > 40, `the path makes the rules fire (${compared} fires compared)`);
    // c1..c5 share one evaluator: every rule of the group saw every reading.
    const counts = t.engine.evaluationCounts();
    assert.equal(counts.get('c1'), counts.get('c2'));
    assert.ok((counts.get('c1') ?? 0) > 1000);
  });

  it('a rule joining a warm shared window reads it at once; the group outlives a member leaving', () => {
    const t = engineOn(0);
    const first = rules(`  - { id: a, name: a, type: cvd_change, window: 10s, above: 1000, frequency: every_time }`);
    t.engine.setRules(first);
    const push = (from: number, to: number) => {
      for (let s = from; s < to; s++) {
        t.setNow(s * SEC);
        t.hub.push('trades', 'BTC/USDT', { type: 'trades', trades: mkTrades([[s * SEC, 100, 1, 'buy']]) });
      }
    };
    push(0, 15);
    assert.equal(t.engine.status('a')?.status.kind, 'armed');
    const both = [...first, ...rules(`  - { id: b, name: b, type: cvd_change, window: 10s, above: 5, frequency: every_time }`)];
    t.engine.setRules(both);
    push(15, 16);
    assert.deepEqual(fires(t.alerts, 'b'), [[15 * SEC, 10]], 'the 10 s window was already full: b fires on its first trade');
    t.engine.setRules(both.slice(1));
    push(16, 17);
    assert.deepEqual(fires(t.alerts, 'b'), [[15 * SEC, 10], [16 * SEC, 10]], 'a leaving did not reset the window');
  });

  it('a close-only group feeds its evaluator bar closes only, as new bars', () => {
    const calls: string[] = [];
    const evaluator: CandleEvaluator = {
      input: 'candles',
      subject: 's',
      warmupBars: 1,
      ready: true,
      format: String,
      warmupDetail: () => '',
      reset: (closed, current) => calls.push(`reset ${closed.length} ${current ? 'current' : 'none'}`),
      bar: (u: BarUpdate, _emit: ReadingSink) => calls.push(`${u.final ? 'final' : 'update'} ${u.replace ? 'replace' : 'add'} ${u.candle.close}`),
    };
    const [a, b] = mkCandles([1, 2]);
    const closeOnly = new EvaluatorGroup(evaluator, true, () => undefined);
    closeOnly.barsReset([a!], b);
    closeOnly.bar({ candle: { ...b!, close: 3 }, final: false, replace: true });
    closeOnly.bar({ candle: { ...b!, close: 4 }, final: true, replace: true });
    assert.deepEqual(calls, ['reset 1 none', 'final add 4']);
    calls.length = 0;
    const every = new EvaluatorGroup(evaluator, false, () => undefined);
    every.barsReset([a!], b);
    every.bar({ candle: { ...b!, close: 3 }, final: false, replace: true });
    every.bar({ candle: { ...b!, close: 4 }, final: true, replace: true });
    assert.deepEqual(calls, ['reset 1 current', 'update replace 3', 'final replace 4']);
  });

  it('a member that throws is reported and the other members still get the reading', () => {
    const [a, b] = rules(`
  - { id: a, name: a, type: price_level, above: 100, frequency: every_time }
  - { id: b, name: b, type: price_level, above: 100, frequency: every_time }
`);
    const fired: string[] = [];
    const hooks = (onFire: (e: AlertEvent) => void) => ({ clock: { now: () => 0 }, getState: () => freshState('x', 0), setState: () => undefined, onFire, onPause: () => undefined });
    const evaluator = createEvaluator(a!, { now: () => 0 });
    const errors: string[] = [];
    const group = new EvaluatorGroup(evaluator, false, (runner, err) => errors.push(`${runner.rule.id}: ${(err as Error).message}`));
    group.add(new RuleRunner(a!, hooks(() => {
      throw new Error('notifier bug');
    }), evaluator));
    group.add(new RuleRunner(b!, hooks((e) => fired.push(e.ruleId)), evaluator));
    group.trades(mkTrades([[1000, 101]]));
    assert.deepEqual(errors, ['a: notifier bug']);
    assert.deepEqual(fired, ['b']);
  });

  it('statuses follow the data without being asked: warming up → armed → cooling → armed', () => {
    const t = engineOn(0);
    t.engine.setRules(rules(`  - { id: a, name: a, type: cvd_change, window: 10s, above: 5, cooldown: 5s, frequency: every_time }`));
    for (let s = 0; s <= 20; s++) {
      t.setNow(s * SEC);
      // small buys, then big buys (the 10 s CVD passes 5 at 14 s), then sells (it falls back below 5 at 15 s)
      const [amount, side] = s < 10 ? [0.1, 'buy' as const] : s < 15 ? [1, 'buy' as const] : [1, 'sell' as const];
      t.hub.push('trades', 'BTC/USDT', { type: 'trades', trades: mkTrades([[s * SEC, 100, amount, side]]) });
    }
    const kinds = t.statuses.filter((s) => s.ruleId === 'a').map((s) => (s.status.kind === 'cooling' ? `cooling ${s.status.until / SEC}` : s.status.kind));
    assert.deepEqual(fires(t.alerts, 'a').map(([time]) => time! / SEC), [14]);
    assert.deepEqual(kinds, ['warming_up', 'armed', 'cooling 19', 'armed'], 'the end of the cooldown is noticed by the first batch at or after it');
  });

  it('warm-up progress reaches the listeners batch by batch, without being asked', () => {
    const t = engineOn(10 * MIN);
    t.engine.setRules(rules(`  - { id: sma, name: sma, type: indicator, timeframe: 1m, left: close, op: above, right: { indicator: sma, period: 3 }, frequency: once_per_bar_close }`));
    const bars = mkCandles([10, 11, 12, 13, 14], MIN, 5 * MIN);
    t.hub.push('candles', 'BTC/USDT', { type: 'snapshot', candles: bars.slice(0, 1) });
    for (const bar of bars.slice(1)) {
      t.setNow(bar.time + MIN);
      t.hub.push('candles', 'BTC/USDT', { type: 'deltas', deltas: [{ kind: 'closed', candle: bar }] });
    }
    const seen = t.statuses.filter((s) => s.ruleId === 'sma').map((s) => (s.status.kind === 'warming_up' ? s.status.detail : s.status.kind));
    assert.deepEqual(seen, ['needs 3 1m bars, has 0', 'needs 3 1m bars, has 1', 'needs 3 1m bars, has 2', 'armed']);
  });
});
