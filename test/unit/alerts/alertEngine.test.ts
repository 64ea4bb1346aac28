/** AlertEngine over a fake hub: derived subscriptions, hot reload diffs, statuses and user actions. */
import * as assert from 'node:assert/strict';
import type { AlertEvent } from '../../../src/core/alerts/alertEvent';
import { AlertEngine } from '../../../src/core/alerts/alertEngine';
import { AlertStateStore } from '../../../src/core/alerts/alertState';
import { parseAlertsConfig } from '../../../src/core/alerts/config/parseAlertsConfig';
import { describeStatus, type RuleStatusEntry } from '../../../src/core/alerts/ruleStatus';
import { MAX_WAKEUP_DELAY_MS } from '../../../src/core/alerts/statusWakeup';
import type { AlertRule } from '../../../src/core/alerts/rules';
import { captureLog } from '../../helpers/emulatorHub';
import { FakeHub, settle } from './fakeHub';
import { MIN, mkCandles, mkTrades } from './helpers';

function rules(yaml: string): AlertRule[] {
  const cfg = parseAlertsConfig(`defaults: { exchange: binance, frequency: every_time, autoPause: false }\nrules:\n${yaml}`);
  assert.deepEqual(cfg.diagnostics, []);
  return [...cfg.rules];
}

const BTC_RULES = `
  - { id: px, name: px, type: price_level, symbol: BTC/USDT, crosses: 100 }
  - { id: px2, name: px2, type: price_level, symbol: BTC/USDT, above: 200 }
  - { id: flow, name: flow, type: cvd_change, symbol: BTC/USDT, window: 10s, above: 5 }
  - { id: wide, name: wide, type: spread, symbol: BTC/USDT, above: 0.5 }
  - { id: sma, name: sma, type: indicator, symbol: BTC/USDT, timeframe: 1m, left: close, op: crosses_above, right: { indicator: sma, period: 20 } }
  - { id: chg, name: chg, type: percentage_change, symbol: BTC/USDT, timeframe: 1m, lookback: 30, above: 2 }
  - { id: vol, name: vol, type: volatility, symbol: BTC/USDT, timeframe: 5m, lookback: 12, above: 3 }
`;

/** Trades stamped after setup()'s clock start (trades older than a rule only warm it up), at `t` ms past it. */
const liveTrades = (rows: ReadonlyArray<readonly [number, number]>) => mkTrades(rows.map(([t, price]) => [100 * MIN + t, price] as const));

function setup(opts: { unknown?: string[]; now?: number; older?: (from: number, until: number) => ReturnType<typeof mkCandles>; minHistoryBars?: number } = {}) {
  const hub = new FakeHub(new Set(opts.unknown ?? []), opts.older);
  let now = opts.now ?? 100 * MIN;
  const clock = { now: () => now };
  const state = AlertStateStore.inMemory();
  const log = captureLog();
  // The engine's wake-ups, fired by the test when its clock reaches them (the clock is not the wall clock).
  const timers: { due: number; delayMs: number; callback: () => void; cancelled: boolean }[] = [];
  const schedule = (callback: () => void, delayMs: number) => {
    const timer = { due: now + delayMs, delayMs, callback, cancelled: false };
    timers.push(timer);
    return () => (timer.cancelled = true);
  };
  const pending = () => timers.filter((x) => !x.cancelled);
  /** Moves the clock to t and fires the wake-ups due by then, as Node's timers would. */
  const advanceTo = (t: number) => {
    now = t;
    for (let due = pending().find((x) => x.due <= now); due; due = pending().find((x) => x.due <= now)) {
      due.cancelled = true;
      due.callback();
    }
  };
  const engine = new AlertEngine({ hub, state, clock, timers: schedule, log, minHistoryBars: opts.minHistoryBars ?? 1 });
  const alerts: AlertEvent[] = [];
  const statuses: RuleStatusEntry[] = [];
  engine.onAlert((e) => alerts.push(e));
  engine.onStatus((s) => statuses.push(s));
  const kind = (id: string) => engine.status(id)?.status.kind;
  return { hub, engine, state, alerts, statuses, log, kind, setNow: (t: number) => (now = t), advanceTo, pending };
}

describe('AlertEngine (fake hub)', () => {
  it('derives one subscription per need, shared by the rules, deep enough for every warm-up', () => {
    const t = setup();
    t.engine.setRules(rules(BTC_RULES));
    assert.deepEqual(t.hub.active().sort(), ['candles BTC/USDT 1m x31', 'candles BTC/USDT 5m x12', 'ticker BTC/USDT', 'trades BTC/USDT']);
    assert.equal(t.hub.subs.length, 4);
    t.engine.dispose();
    assert.deepEqual(t.hub.active(), [], 'dispose releases every subscription');
    const d = setup({ minHistoryBars: 500 });
    d.engine.setRules(rules(BTC_RULES));
    assert.deepEqual(d.hub.active().filter((x) => x.startsWith('candles')).sort(), ['candles BTC/USDT 1m x500', 'candles BTC/USDT 5m x500'], 'at least the minimum, for charts sharing the series');
    d.engine.dispose();
  });

  it('hot reload changes exactly what changed; unchanged rules keep runtime and state', async () => {
    const t = setup();
    t.engine.setRules(rules(BTC_RULES));
    t.hub.push('trades', 'BTC/USDT', { type: 'trades', trades: liveTrades([[1000, 99], [2000, 101]]) });
    assert.deepEqual(
      t.alerts.map((a) => a.ruleId),
      ['px'],
    );
    const before = t.hub.subs.length;
    // px unchanged; px2 removed; wide (the only ticker rule) removed; flow edited; a new ETH rule
    t.engine.setRules(
      rules(`
  - { id: px, name: px, type: price_level, symbol: BTC/USDT, crosses: 100 }
  - { id: flow, name: flow, type: cvd_change, symbol: BTC/USDT, window: 20s, above: 5 }
  - { id: sma, name: sma, type: indicator, symbol: BTC/USDT, timeframe: 1m, left: close, op: crosses_above, right: { indicator: sma, period: 20 } }
  - { id: chg, name: chg, type: percentage_change, symbol: BTC/USDT, timeframe: 1m, lookback: 30, above: 2 }
  - { id: vol, name: vol, type: volatility, symbol: BTC/USDT, timeframe: 5m, lookback: 12, above: 3 }
  - { id: eth, name: eth, type: price_level, symbol: ETH/USDT, below: 10 }
`),
    );
    await settle();
    assert.deepEqual(t.hub.active().sort(), ['candles BTC/USDT 1m x31', 'candles BTC/USDT 5m x12', 'trades BTC/USDT', 'trades ETH/USDT']);
    assert.equal(t.hub.subs.length, before + 1, 'only the ETH stream was added; nothing was closed and reopened');
    // px kept its crossing state (last side: above): the next cross is downwards, and fires.
    t.hub.push('trades', 'BTC/USDT', { type: 'trades', trades: liveTrades([[3000, 99]]) });
    assert.deepEqual(
      t.alerts.map((a) => [a.ruleId, a.message]),
      [
        ['px', 'BTC/USDT last 101 crossed above 100'],
        ['px', 'BTC/USDT last 99 crossed below 100'],
      ],
    );
    t.engine.setRules([]);
    await settle();
    assert.deepEqual(t.hub.active(), []);
  });

  it('statuses: warming up → armed → cooling → armed; errors for an unknown symbol', async () => {
    const t = setup({ unknown: ['BTC/USD'] });
    t.engine.setRules(
      rules(`
  - { id: sma, name: sma, type: indicator, symbol: BTC/USDT, timeframe: 1m, left: close, op: above, right: { indicator: sma, period: 3 }, cooldown: 5m }
  - { id: bad, name: bad, type: price_level, symbol: BTC/USD, above: 1 }
`),
    );
    assert.deepEqual(t.engine.status('sma')?.status, { kind: 'warming_up', detail: 'needs 3 1m bars, has 0' });
    await settle();
    assert.deepEqual(t.engine.status('bad')?.status, { kind: 'failed', reason: 'Unknown symbol "BTC/USD" on binance' });
    // history: 3 closed bars and the bar in progress (the clock is in minute 100)
    const bars = mkCandles([10, 10, 10, 10], MIN, 97 * MIN);
    t.hub.push('candles', 'BTC/USDT', { type: 'snapshot', candles: bars });
    assert.equal(t.kind('sma'), 'armed');
    t.hub.push('candles', 'BTC/USDT', { type: 'deltas', deltas: [{ kind: 'updated', candle: { ...bars[3]!, close: 12, high: 12 } }] });
    assert.equal(t.alerts.length, 1);
    assert.match(t.alerts[0]!.message, /^BTC\/USDT 1m close 12 is above SMA\(3\) 10\.6667$/);
    assert.deepEqual(t.engine.status('sma')?.status, { kind: 'cooling', until: 100 * MIN + 5 * MIN });
    t.setNow(106 * MIN);
    assert.equal(t.kind('sma'), 'armed');
    const kinds = t.statuses.filter((s) => s.ruleId === 'sma').map((s) => s.status.kind);
    assert.deepEqual(kinds, ['warming_up', 'armed', 'cooling', 'armed']);
    const entry = t.engine.statuses().find((s) => s.ruleId === 'sma')!;
    assert.deepEqual([entry.fireCount, entry.lastFiredAt, entry.lastValue], [1, 100 * MIN, 12]);
  });

  it('statuses() is a query: it reports a status changed by time alone, and never attaches or releases a subscription', async () => {
    const t = setup();
    t.engine.setRules(rules(`  - { id: px, name: px, type: price_level, symbol: BTC/USDT, above: 100, expires: 1970-01-01T01:45:00Z }`));
    assert.deepEqual(t.hub.active(), ['trades BTC/USDT']);
    t.setNow(106 * MIN);
    assert.deepEqual(t.engine.statuses().map((s) => s.status.kind), ['expired']);
    assert.equal(t.statuses.at(-1)?.status.kind, 'expired', 'published to the listeners');
    await settle();
    assert.deepEqual(t.hub.active(), ['trades BTC/USDT'], 'the query released nothing');
    t.hub.push('trades', 'BTC/USDT', { type: 'state', state: { status: 'live', since: 0 } });
    await settle();
    assert.deepEqual(t.hub.active(), [], "the feed's upkeep releases the expired rule's subscription");
  });

  it('on a quiet feed, an expired rule releases its subscription at its expiry, without waiting for data', async () => {
    const t = setup();
    t.engine.setRules(rules(`  - { id: px, name: px, type: price_level, symbol: BTC/USDT, above: 100, expires: 1970-01-01T01:45:00Z }`));
    assert.deepEqual(t.hub.active(), ['trades BTC/USDT']);
    assert.deepEqual(t.pending().map((x) => x.due), [105 * MIN], 'one wake-up, at the expiry');
    t.advanceTo(105 * MIN - 1);
    assert.equal(t.statuses.at(-1)?.status.kind, 'warming_up', 'nothing happens before it');
    t.advanceTo(105 * MIN);
    assert.deepEqual(t.statuses.at(-1)?.status, { kind: 'expired', at: 105 * MIN }, 'published to the listeners');
    await settle();
    assert.deepEqual(t.hub.active(), [], 'released with no feed batch');
    assert.deepEqual(t.pending(), [], 'nothing left to wait for');
  });

  it('on a quiet feed, a cooling rule reads armed again when its cooldown ends; one wake-up serves every rule', () => {
    const t = setup();
    t.engine.setRules(
      rules(`
  - { id: a, name: a, type: price_level, symbol: BTC/USDT, above: 100, cooldown: 5m }
  - { id: b, name: b, type: price_level, symbol: ETH/USDT, above: 100, cooldown: 2m }
`),
    );
    t.hub.push('trades', 'BTC/USDT', { type: 'trades', trades: mkTrades([[100 * MIN, 101]]) });
    t.hub.push('trades', 'ETH/USDT', { type: 'trades', trades: mkTrades([[100 * MIN, 101]]) });
    assert.equal(t.alerts.length, 2);
    assert.deepEqual([t.kind('a'), t.kind('b')], ['cooling', 'cooling']);
    assert.deepEqual(t.pending().map((x) => x.due), [102 * MIN], 'the earliest threshold only');
    t.advanceTo(102 * MIN);
    assert.deepEqual([t.kind('a'), t.kind('b')], ['cooling', 'armed']);
    assert.deepEqual(t.pending().map((x) => x.due), [105 * MIN], 'then the next one');
    t.advanceTo(105 * MIN);
    assert.equal(t.statuses.filter((s) => s.ruleId === 'a').at(-1)?.status.kind, 'armed', 'published without a trade');
    assert.deepEqual(t.pending(), []);
  });

  it('a threshold beyond Node\'s timer range is re-checked daily; dispose cancels the pending wake-up', () => {
    const t = setup();
    t.engine.setRules(rules(`  - { id: px, name: px, type: price_level, symbol: BTC/USDT, above: 100, expires: 2030-01-01T00:00:00Z }`));
    assert.deepEqual(t.pending().map((x) => x.delayMs), [MAX_WAKEUP_DELAY_MS]);
    t.advanceTo(100 * MIN + MAX_WAKEUP_DELAY_MS);
    assert.equal(t.kind('px'), 'warming_up');
    assert.deepEqual(t.pending().map((x) => x.delayMs), [MAX_WAKEUP_DELAY_MS], 'asked again, a day on');
    t.engine.dispose();
    assert.deepEqual(t.pending(), []);
  });

  it('snooze, disable (releases the stream), enable, once → done (released) and re-arm', async () => {
    const t = setup();
    t.engine.setRules(rules(`  - { id: px, name: px, type: price_level, symbol: BTC/USDT, above: 100, frequency: once }`));
    t.engine.snooze('px', 60_000);
    assert.deepEqual(t.engine.status('px')?.status, { kind: 'snoozed', until: 100 * MIN + 60_000 });
    t.hub.push('trades', 'BTC/USDT', { type: 'trades', trades: liveTrades([[1000, 101]]) });
    assert.equal(t.alerts.length, 0, 'snoozed');
    t.engine.setEnabled('px', false);
    await settle();
    assert.equal(t.kind('px'), 'disabled');
    assert.deepEqual(t.hub.active(), [], 'a disabled rule holds no subscription');
    t.engine.snooze('px', 0);
    t.engine.setEnabled('px', true);
    assert.deepEqual(t.hub.active(), ['trades BTC/USDT']);
    t.hub.push('trades', 'BTC/USDT', { type: 'trades', trades: liveTrades([[2000, 102], [3000, 103]]) });
    assert.equal(t.alerts.length, 1);
    await settle();
    assert.equal(t.kind('px'), 'done');
    assert.deepEqual(t.hub.active(), [], 'a once rule that fired holds no subscription');
    t.engine.rearm('px');
    assert.deepEqual(t.engine.status('px')?.status, { kind: 'warming_up', detail: 'waiting for the first trade' }, 're-attached: no trade seen on the new subscription yet');
    assert.deepEqual(t.hub.active(), ['trades BTC/USDT']);
    t.hub.push('trades', 'BTC/USDT', { type: 'trades', trades: liveTrades([[4000, 104]]) });
    assert.equal(t.alerts.length, 2);
  });

  it('ticks older than the rule set its side and fire nothing: a stream\'s opening snapshot, and after a restart the trade it fired on', () => {
    const t = setup();
    const px = rules(`  - { id: px, name: px, type: price_level, symbol: BTC/USDT, crosses: 100 }`);
    t.engine.setRules(px);
    // Coinbase opens a trade stream with its last trades: these crossed the level a minute before the rule started.
    t.hub.push('trades', 'BTC/USDT', { type: 'trades', trades: liveTrades([[-90_000, 99], [-60_000, 101], [-30_000, 99]]) });
    assert.equal(t.alerts.length, 0);
    assert.equal(t.kind('px'), 'armed');
    t.hub.push('trades', 'BTC/USDT', { type: 'trades', trades: liveTrades([[1000, 101]]) });
    assert.deepEqual(t.alerts.map((a) => [a.firedAt, a.message]), [[100 * MIN + 1000, 'BTC/USDT last 101 crossed above 100']], 'the snapshot set the side: the first live trade crosses');
    t.engine.dispose();

    // A restart over the same state: the new stream's snapshot holds the trade the rule fired on.
    const again = new AlertEngine({ hub: t.hub, state: t.state, clock: { now: () => 100 * MIN + 5000 }, log: t.log });
    const fired: string[] = [];
    again.onAlert((a) => fired.push(a.message));
    again.setRules(px);
    t.hub.push('trades', 'BTC/USDT', { type: 'trades', trades: liveTrades([[-30_000, 99], [1000, 101]]) });
    assert.equal(fired.length, 0, 'not fired again');
    t.hub.push('trades', 'BTC/USDT', { type: 'trades', trades: liveTrades([[6000, 99]]) });
    assert.deepEqual(fired, ['BTC/USDT last 99 crossed below 100']);
    again.dispose();
  });

  it('counts evaluations per rule; a reloaded or removed rule keeps its count', () => {
    const t = setup();
    t.engine.setRules(rules(`  - { id: px, name: px, type: price_level, symbol: BTC/USDT, above: 100 }\n  - { id: px2, name: px2, type: price_level, symbol: BTC/USDT, above: 200, frequency: once_per_bar_close }`));
    t.hub.push('trades', 'BTC/USDT', { type: 'trades', trades: liveTrades([[1000, 99], [2000, 101]]) });
    assert.deepEqual([...t.engine.evaluationCounts()], [['px', 2], ['px2', 0]], 'a close-only rule is not evaluated within the bar');
    t.engine.setRules(rules(`  - { id: px, name: px, type: price_level, symbol: BTC/USDT, above: 150 }`));
    t.hub.push('trades', 'BTC/USDT', { type: 'trades', trades: liveTrades([[3000, 99]]) });
    assert.deepEqual(new Map(t.engine.evaluationCounts()), new Map([['px', 3], ['px2', 0]]));
  });

  it('a config reload keeps the enabled override until the config value changes', () => {
    const t = setup();
    const yaml = (enabled: boolean) => rules(`  - { id: px, name: px, type: price_level, symbol: BTC/USDT, above: 100, enabled: ${enabled} }`);
    t.engine.setRules(yaml(true));
    t.engine.setEnabled('px', false);
    t.engine.setRules(yaml(true));
    assert.equal(t.kind('px'), 'disabled');
    t.engine.setRules(yaml(false));
    assert.equal(t.kind('px'), 'disabled');
    t.engine.setRules(yaml(true));
    assert.equal(t.kind('px'), 'warming_up', 'the config changed: the override no longer applies');
  });

  it('auto-pause shows as paused with the reason; enabling resumes', () => {
    const t = setup();
    const cfg = parseAlertsConfig('rules:\n  - { id: px, name: px, type: price_level, exchange: binance, symbol: BTC/USDT, above: 100, frequency: every_time, autoPause: { maxFires: 2, window: 1m } }\n');
    t.engine.setRules(cfg.rules);
    t.hub.push('trades', 'BTC/USDT', { type: 'trades', trades: liveTrades([[1000, 101], [2000, 101], [3000, 101], [4000, 101]]) });
    assert.equal(t.alerts.length, 2);
    const st = t.engine.status('px')!.status;
    assert.ok(st.kind === 'paused' && /fired more than 2 times within 1m/.test(st.reason), JSON.stringify(st));
    assert.ok(t.log.lines.some((l) => /alert rule "px" fired more than 2 times/.test(l)));
    t.engine.setEnabled('px', true);
    t.hub.push('trades', 'BTC/USDT', { type: 'trades', trades: liveTrades([[5000, 101]]) });
    assert.equal(t.alerts.length, 3);
  });

  it('tops up candle history over REST when a rule needs more bars than the snapshot has', async () => {
    const older = (from: number, until: number) => mkCandles(Array.from({ length: (until - from) / MIN }, () => 50), MIN, from);
    const t = setup({ older });
    t.engine.setRules(rules(`  - { id: a, name: a, type: percentage_change, symbol: BTC/USDT, timeframe: 1m, lookback: 2, above: 5 }`));
    t.hub.push('candles', 'BTC/USDT', { type: 'snapshot', candles: mkCandles([50, 50, 50, 50, 50], MIN, 95 * MIN) });
    assert.equal(t.kind('a'), 'armed');
    // A second rule on the same candles needs 10 closed bars: the feed has 4.
    t.engine.setRules(
      rules(`
  - { id: a, name: a, type: percentage_change, symbol: BTC/USDT, timeframe: 1m, lookback: 2, above: 5 }
  - { id: b, name: b, type: percentage_change, symbol: BTC/USDT, timeframe: 1m, lookback: 10, above: 5 }
`),
    );
    assert.equal(t.hub.subs.length, 1, 'the subscription is shared, not reopened');
    assert.equal(t.kind('b'), 'warming_up');
    await settle();
    assert.deepEqual(t.hub.historyCalls, [{ market: { kind: 'candles', exchange: 'binance', symbol: 'BTC/USDT', timeframe: '1m' }, timeframe: '1m', from: 87 * MIN, until: 95 * MIN }]);
    assert.equal(t.kind('b'), 'armed');
    t.hub.push('candles', 'BTC/USDT', { type: 'deltas', deltas: [{ kind: 'updated', candle: { time: 100 * MIN, open: 50, high: 53, low: 50, close: 53, volume: 1 } }] });
    assert.deepEqual(
      t.alerts.map((a) => a.ruleId),
      ['a', 'b'],
    );
  });

  it('a candle rule whose stream is live again reads catching up until the bars it missed are whole, then armed (degraded if that fetch fails)', () => {
    const t = setup();
    const seen: string[] = [];
    t.engine.onStatus((e) => e.ruleId === 'a' && seen.push(describeStatus(e.status)));
    t.engine.setRules(rules(`  - { id: a, name: a, type: percentage_change, symbol: BTC/USDT, timeframe: 1m, lookback: 2, above: 5 }`));
    t.hub.push('candles', 'BTC/USDT', { type: 'snapshot', candles: mkCandles([50, 50, 50, 50, 50], MIN, 95 * MIN) });
    t.hub.push('candles', 'BTC/USDT', { type: 'state', state: { status: 'live', since: 0 } });
    assert.equal(t.kind('a'), 'armed');
    t.hub.push('candles', 'BTC/USDT', { type: 'state', state: { status: 'reconnecting', attempt: 1, reason: 'x', retryInMs: 10 } });
    assert.equal(t.kind('a'), 'retrying');
    t.hub.push('candles', 'BTC/USDT', { type: 'state', state: { status: 'live', since: 0, catchingUp: true } });
    const status = t.engine.status('a')?.status;
    assert.deepEqual(status, { kind: 'catching_up', reason: 'fetching the bars missed while reconnecting' });
    assert.equal(describeStatus(status!), 'catching up: fetching the bars missed while reconnecting');
    t.hub.push('candles', 'BTC/USDT', { type: 'state', state: { status: 'degraded', reason: 'history unavailable (HTTP 503)', retryAt: 5_000 } });
    assert.equal(t.kind('a'), 'degraded');
    t.hub.push('candles', 'BTC/USDT', { type: 'state', state: { status: 'live', since: 0 } });
    assert.equal(t.kind('a'), 'armed');
    assert.deepEqual(seen.slice(seen.indexOf('catching up: fetching the bars missed while reconnecting') - 1).map((l) => l.replace(/ at .*: /, ' … ')), ['retrying (1) … x', 'catching up: fetching the bars missed while reconnecting', 'degraded: history unavailable (HTTP 503), retry at 1970-01-01T00:00:05Z', 'armed'], 'what the log and the bot say');
  });

  it("a reconnect keeps a CVD rule's window: the hole's late trades take their places, and the value equals that of every trade in order", () => {
    const t = setup();
    t.engine.setRules(rules(`  - { id: f, name: f, type: cvd_change, symbol: BTC/USDT, window: 10s, above: -1000 }`));
    const at = (ms: number) => 100 * MIN + ms;
    t.hub.push('trades', 'BTC/USDT', { type: 'state', state: { status: 'live', since: 0 } });
    t.hub.push('trades', 'BTC/USDT', { type: 'trades', trades: mkTrades([[at(0), 1, 1, 'buy'], [at(11_000), 1, 2, 'sell']]) });
    assert.equal(t.kind('f'), 'armed');
    t.hub.push('trades', 'BTC/USDT', { type: 'state', state: { status: 'reconnecting', attempt: 1, reason: 'x', retryInMs: 10 } });
    t.hub.push('trades', 'BTC/USDT', { type: 'state', state: { status: 'live', since: 0 } });
    assert.equal(t.kind('f'), 'armed', 'the window goes on');
    const hole = mkTrades([[at(12_000), 1, 3, 'buy'], [at(13_000), 1, 4, 'sell'], [at(1_000), 1, 50, 'buy']]);
    const after = mkTrades([[at(15_000), 1, 1, 'buy']]);
    t.hub.push('trades', 'BTC/USDT', { type: 'trades', trades: after });
    t.hub.push('trades', 'BTC/USDT', { type: 'trades', trades: hole, late: true });
    // Every trade in (5 s, 15 s], in order: −2 (11 s) + 3 − 4 (the hole) + 1 (15 s); the hole's trade at 1 s is out of the window.
    const values = t.alerts.filter((a) => a.ruleId === 'f').map((a) => [a.firedAt - 100 * MIN, a.value]);
    assert.deepEqual(values.at(-1), [15_000, -2], JSON.stringify(values));
  });

  it("a reconnect's hole told lost: the CVD rule's window starts over, it reads warming up saying the trades could not be fetched, and it fires on no window lacking them", () => {
    const t = setup();
    t.engine.setRules(rules(`  - { id: f, name: f, type: cvd_change, symbol: BTC/USDT, window: 10s, above: -1000 }\n  - { id: p, name: p, type: price_level, symbol: BTC/USDT, above: 1 }`));
    const at = (ms: number) => 100 * MIN + ms;
    t.hub.push('trades', 'BTC/USDT', { type: 'state', state: { status: 'live', since: 0 } });
    t.hub.push('trades', 'BTC/USDT', { type: 'trades', trades: mkTrades([[at(0), 1, 1, 'buy'], [at(11_000), 1, 2, 'sell']]) });
    assert.equal(t.kind('f'), 'armed');
    t.hub.push('trades', 'BTC/USDT', { type: 'state', state: { status: 'reconnecting', attempt: 1, reason: 'x', retryInMs: 10 } });
    t.hub.push('trades', 'BTC/USDT', { type: 'state', state: { status: 'live', since: 0 } });
    t.hub.push('trades', 'BTC/USDT', { type: 'trades', trades: mkTrades([[at(15_000), 1, 1, 'buy']]) });
    const fired = t.alerts.filter((a) => a.ruleId === 'f').length;
    t.hub.push('trades', 'BTC/USDT', { type: 'trades', trades: [], late: true, lost: { from: at(11_000), until: at(15_000), reason: 'history unavailable (HTTP 503)' } });
    const status = t.engine.status('f')?.status;
    assert.equal(status?.kind, 'warming_up', JSON.stringify(status));
    assert.equal(
      describeStatus(status!),
      'warming up: the trades missed while reconnecting (1970-01-01T01:40:11Z to 1970-01-01T01:40:15Z) could not be fetched: history unavailable (HTTP 503); started over: needs 10s of trades',
    );
    // A window from the last trade before the hole would be read from 25 s; started over at 16 s, none before 26 s.
    t.hub.push('trades', 'BTC/USDT', { type: 'trades', trades: mkTrades([[at(16_000), 1, 1, 'buy'], [at(25_000), 1, 1, 'buy']]) });
    assert.equal(t.alerts.filter((a) => a.ruleId === 'f').length, fired, 'no reading of a window lacking the hole');
    assert.equal(t.kind('f'), 'warming_up');
    t.hub.push('trades', 'BTC/USDT', { type: 'trades', trades: mkTrades([[at(26_000), 1, 1, 'sell']]) });
    assert.equal(t.kind('f'), 'armed', 'a whole window observed again');
    assert.deepEqual(t.alerts.filter((a) => a.ruleId === 'f').slice(fired).map((a) => [a.firedAt - 100 * MIN, a.value]), [[26_000, 0]], 'from the new start, in (16 s, 26 s]: 25 s bought, 26 s sold');
    assert.ok(t.log.lines.some((l) => l.includes('could not be fetched')), 'said in the log');
  });

  it("while the hub owes a reconnect's hole (live, catching up) a CVD rule reads catching up and fires on no window lacking it; once the hole is in, it reads every trade in time order (a price rule reads on meanwhile)", () => {
    const t = setup();
    t.engine.setRules(rules(`  - { id: f, name: f, type: cvd_change, symbol: BTC/USDT, window: 10s, above: 5 }\n  - { id: p, name: p, type: price_level, symbol: BTC/USDT, above: 150 }`));
    const at = (ms: number) => 100 * MIN + ms;
    const fired = (id: string) => t.alerts.filter((a) => a.ruleId === id).map((a) => [a.firedAt - 100 * MIN, a.value]);
    t.hub.push('trades', 'BTC/USDT', { type: 'state', state: { status: 'live', since: 0 } });
    t.hub.push('trades', 'BTC/USDT', { type: 'trades', trades: mkTrades([[at(0), 100, 1, 'buy'], [at(11_000), 100, 1, 'sell']]) });
    assert.equal(t.kind('f'), 'armed');
    t.hub.push('trades', 'BTC/USDT', { type: 'state', state: { status: 'reconnecting', attempt: 1, reason: 'x', retryInMs: 10 } });
    t.hub.push('trades', 'BTC/USDT', { type: 'state', state: { status: 'live', since: 0, catchingUp: true } });
    const status = t.engine.status('f')!.status;
    assert.equal(describeStatus(status), 'catching up: the trades missed while reconnecting are being fetched');
    // Without the hole, CVD over (5 s, 15 s] would be −1 + 7 = 6, above 5: it must not fire on it.
    t.hub.push('trades', 'BTC/USDT', { type: 'trades', trades: mkTrades([[at(15_000), 160, 7, 'buy']]) });
    assert.deepEqual(fired('f'), [], 'no reading of a window lacking the hole');
    assert.deepEqual(fired('p'), [[15_000, 160]], 'the price rule reads on');
    // The hole: a sell of 4 at 12 s; it comes while another hole is still owed (no live yet), then a trade streams.
    t.hub.push('trades', 'BTC/USDT', { type: 'trades', trades: mkTrades([[at(12_000), 100, 4, 'sell']]), late: true });
    t.hub.push('trades', 'BTC/USDT', { type: 'trades', trades: mkTrades([[at(16_000), 100, 4, 'buy']]) });
    assert.deepEqual(fired('f'), []);
    assert.equal(t.kind('f'), 'catching_up');
    t.hub.push('trades', 'BTC/USDT', { type: 'state', state: { status: 'live', since: 0 } });
    // In order: 12 s → −5, 15 s → 2, 16 s → 6 (above 5): it fires once, at 16 s, with every trade of (6 s, 16 s].
    assert.deepEqual(fired('f'), [[16_000, 6]]);
    assert.equal(t.kind('f'), 'armed');
    assert.deepEqual(fired('p'), [[15_000, 160]], 'the price rule judged the hole once, late, without firing again');
    t.hub.push('trades', 'BTC/USDT', { type: 'trades', trades: mkTrades([[at(17_000), 100, 1, 'buy']]) });
    assert.deepEqual(fired('f').at(-1), [17_000, 7], 'the stream reaches it live again, nothing counted twice');
  });

  it("a reconnect's hole owed, then told lost: the CVD rule reads warming up saying so, and its window starts over from the trades streamed after the hole, held meanwhile", () => {
    const t = setup();
    t.engine.setRules(rules(`  - { id: f, name: f, type: cvd_change, symbol: BTC/USDT, window: 10s, above: -1000 }`));
    const at = (ms: number) => 100 * MIN + ms;
    t.hub.push('trades', 'BTC/USDT', { type: 'state', state: { status: 'live', since: 0 } });
    t.hub.push('trades', 'BTC/USDT', { type: 'trades', trades: mkTrades([[at(0), 1, 1, 'buy'], [at(11_000), 1, 2, 'sell']]) });
    const fired = t.alerts.filter((a) => a.ruleId === 'f').length;
    t.hub.push('trades', 'BTC/USDT', { type: 'state', state: { status: 'reconnecting', attempt: 1, reason: 'x', retryInMs: 10 } });
    t.hub.push('trades', 'BTC/USDT', { type: 'state', state: { status: 'live', since: 0, catchingUp: true } });
    // The pick-up at 15 s, then a trade at 16 s: held.
    t.hub.push('trades', 'BTC/USDT', { type: 'trades', trades: mkTrades([[at(15_000), 1, 1, 'buy'], [at(16_000), 1, 1, 'buy']]) });
    assert.equal(t.alerts.filter((a) => a.ruleId === 'f').length, fired, 'nothing read while the hole is owed');
    t.hub.push('trades', 'BTC/USDT', { type: 'trades', trades: [], late: true, lost: { from: at(11_000), until: at(15_000), reason: 'history unavailable (HTTP 503)' } });
    t.hub.push('trades', 'BTC/USDT', { type: 'state', state: { status: 'live', since: 0 } });
    assert.equal(
      describeStatus(t.engine.status('f')!.status),
      'warming up: the trades missed while reconnecting (1970-01-01T01:40:11Z to 1970-01-01T01:40:15Z) could not be fetched: history unavailable (HTTP 503); started over: needs 10s of trades',
    );
    // Started over at 16 s (the held trade after the hole's end): none before 26 s.
    t.hub.push('trades', 'BTC/USDT', { type: 'trades', trades: mkTrades([[at(25_000), 1, 1, 'buy']]) });
    assert.equal(t.alerts.filter((a) => a.ruleId === 'f').length, fired, 'no reading of a window lacking the hole');
    t.hub.push('trades', 'BTC/USDT', { type: 'trades', trades: mkTrades([[at(26_000), 1, 1, 'sell']]) });
    assert.equal(t.kind('f'), 'armed');
    assert.deepEqual(t.alerts.filter((a) => a.ruleId === 'f').slice(fired).map((a) => [a.firedAt - 100 * MIN, a.value]), [[26_000, 0]], 'in (16 s, 26 s]: 25 s bought, 26 s sold');
  });

  it('a reconnecting stream shows as retrying (n) with its next try, then armed again (the gap keeps the CVD window, its hole comes late); a failed one as failed', () => {
    const t = setup();
    t.engine.setRules(rules(`  - { id: f, name: f, type: cvd_change, symbol: BTC/USDT, window: 10s, above: 5 }`));
    t.hub.push('trades', 'BTC/USDT', { type: 'state', state: { status: 'live', since: 0 } });
    t.hub.push('trades', 'BTC/USDT', { type: 'trades', trades: mkTrades([[0, 1, 1], [11_000, 1, 1]]) });
    assert.equal(t.kind('f'), 'armed');
    const now = t.setNow(200 * MIN);
    t.hub.push('trades', 'BTC/USDT', { type: 'state', state: { status: 'reconnecting', attempt: 1, reason: 'x', retryInMs: 10 } });
    assert.deepEqual(t.engine.status('f')?.status, { kind: 'retrying', attempt: 1, reason: 'reconnecting: x', at: now + 10 });
    t.hub.push('trades', 'BTC/USDT', { type: 'state', state: { status: 'live', since: 0 } });
    assert.equal(t.kind('f'), 'armed', 'the gap kept the window');
    t.hub.push('trades', 'BTC/USDT', { type: 'state', state: { status: 'failed', reason: 'gave up' } });
    assert.deepEqual(t.engine.status('f')?.status, { kind: 'failed', reason: 'gave up' });
  });
});
