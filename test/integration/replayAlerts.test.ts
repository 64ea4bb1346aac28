/**
 * The alert engine live on a replayed market (issue 16): a recorded range plays through a hub as a market of its
 * own, and the rules on it fire exactly where an offline computation over the recorded trades (the ground truth)
 * says, tick rules at the trades and bar rules at the bar closes, and where a backtest over the same data fires.
 */
import * as assert from 'node:assert/strict';
import type { AlertEvent } from '../../src/core/alerts/alertEvent';
import { AlertEngine } from '../../src/core/alerts/alertEngine';
import { AlertStateStore } from '../../src/core/alerts/alertState';
import { backtest } from '../../src/core/alerts/backtest';
import { parseAlertsConfig } from '../../src/core/alerts/config/parseAlertsConfig';
import type { AlertRule } from '../../src/core/alerts/rules';
import type { SubscriptionRequest } from '../../src/core/hub/requests';
import { nextBucketStart } from '../../src/core/timeframes';
import type { Candle, Trade } from '../../src/core/types';
import { barRuleCloses, crossTimes } from '../helpers/alertTruth';
import { Recorder } from '../helpers/emulatorHub';
import { RecordedReplay } from '../helpers/recordedReplay';
import { referenceCandles } from '../helpers/referenceCandles';
import { waitForRuleStatus } from '../helpers/ruleStatusWait';

const BTC = { exchange: 'binance', symbol: 'BTC/USDT' } as const;
const T0 = Date.parse('2026-11-28T10:00:00Z');
const START = T0 + 20 * 60_000; // 20 minutes of history before the replay's start
const END = START + 25 * 60_000;
const STEP_MS = 2000;

/** A price path with crossings and swings: trades every 2 s, alternating sides. */
function recordedTrades(): Trade[] {
  const out: Trade[] = [];
  for (let ts = T0, i = 0; ts < END; ts += STEP_MS, i++) {
    const price = Math.round(60_000 * (1 + 0.006 * Math.sin((2 * Math.PI * i) / 96) + 0.001 * Math.sin(i / 5)) * 100) / 100;
    out.push({ id: String(i + 1), timestamp: ts, price, amount: 0.01 + (i % 7) * 0.003, side: i % 2 ? 'buy' : 'sell' });
  }
  return out;
}

function rulesOn(exchange: string, level: number): AlertRule[] {
  const cfg = parseAlertsConfig(`defaults: { exchange: binance, autoPause: false }
rules:
  - { id: cross, name: cross, type: price_level, symbol: BTC/USDT, crosses: ${level}, frequency: every_time }
  - { id: above, name: above, type: price_level, symbol: BTC/USDT, above: ${level}, frequency: once_per_bar }
  - { id: chg, name: chg, type: percentage_change, symbol: BTC/USDT, timeframe: 1m, lookback: 3, above: 0.25, below: -0.25, frequency: once_per_bar_close }
  - { id: sma, name: sma, type: indicator, symbol: BTC/USDT, timeframe: 1m, left: close, op: crosses_above, right: { indicator: sma, period: 5 }, frequency: once_per_bar_close }
`);
  assert.deepEqual(cfg.diagnostics, []);
  return cfg.rules.map((r) => ({ ...r, exchange })); // the same rules, on the replayed market
}

describe('the alert engine live on a replayed market', function () {
  this.timeout(90_000);
  let replay: RecordedReplay | undefined;
  let engine: AlertEngine | undefined;
  afterEach(async () => {
    engine?.dispose();
    await replay?.close();
    engine = undefined;
    replay = undefined;
  });

  it('tick and bar-close rules fire at the replayed ground-truth points, as a backtest over the same trades does', async () => {
    const trades = recordedTrades();
    replay = await RecordedReplay.start(BTC, trades, START);
    const { hub, id, log, session } = replay;
    const level = 60_000;
    engine = new AlertEngine({ hub, state: AlertStateStore.inMemory(), log });
    const alerts: AlertEvent[] = [];
    engine.onAlert((e) => alerts.push(e));
    const rules = rulesOn(id, level);
    engine.setRules(rules);
    const e = engine;
    // Bar rules are armed by the recorded history before the start; tick rules wait for the first replayed trade.
    await Promise.all(['chg', 'sma'].map((ruleId) => waitForRuleStatus(e, ruleId, 'armed', 30_000)));

    // The engine's first live bar: the bar in progress in the replay's candle snapshot (the replay's now is its start).
    const candleReq: Extract<SubscriptionRequest, { kind: 'candles' }> = { kind: 'candles', exchange: id, symbol: BTC.symbol, timeframe: '1m' };
    const candles = new Recorder<typeof candleReq>();
    const candleSub = hub.subscribe(candleReq, candles.consume);
    const snap = await candles.next((ev) => ev.type === 'snapshot', 'the replay snapshot', 30_000);
    const firstLiveBar = snap.type === 'snapshot' ? snap.candles.at(-1)!.time : Number.NaN;
    candleSub.dispose();
    assert.equal(firstLiveBar, START - 60_000, 'the bar in progress at the start');

    const ended = new Promise<void>((resolve) => session.onDidChange((s) => s.status === 'ended' && resolve()));
    session.play(100);
    await ended;

    const { seen, closed } = await expectTruth(e, alerts, trades, level, firstLiveBar);
    const byRule = (ruleId: string) => alerts.filter((a) => a.ruleId === ruleId);

    // A backtest over the same recorded data fires at the same points.
    for (const rule of engine.rules()) {
      const data = rule.type === 'price_level' ? { trades: seen } : { candles: closed };
      const bt = backtest(rule, data, rule.type === 'price_level' ? {} : { from: firstLiveBar });
      assert.deepEqual(bt.fires.map((f) => f.time), byRule(rule.id).map((a) => a.firedAt), rule.id);
    }
  });

  it('a seek back fires nothing twice: the rules are rebuilt from the recording silently and fire only beyond the furthest point they judged', async () => {
    const trades = recordedTrades();
    replay = await RecordedReplay.start(BTC, trades, START);
    const { hub, id, log, session } = replay;
    const level = 60_000;
    engine = new AlertEngine({ hub, state: AlertStateStore.inMemory(), log });
    const alerts: AlertEvent[] = [];
    engine.onAlert((a) => alerts.push(a));
    engine.setRules(rulesOn(id, level));
    const e = engine;
    await Promise.all(['chg', 'sma'].map((ruleId) => waitForRuleStatus(e, ruleId, 'armed', 30_000)));

    // Our own views of the market, subscribed after the engine's: an event they get, the engine's feeds got first.
    const tape = new Recorder<Extract<SubscriptionRequest, { kind: 'trades' }>>();
    hub.subscribe({ kind: 'trades', exchange: id, symbol: BTC.symbol }, tape.consume);
    const bars = new Recorder<Extract<SubscriptionRequest, { kind: 'candles' }>>();
    hub.subscribe({ kind: 'candles', exchange: id, symbol: BTC.symbol, timeframe: '1m' }, bars.consume);
    await bars.next((ev) => ev.type === 'snapshot', 'the replay snapshot', 30_000);
    const lastBefore = (to: number) => trades.filter((t) => t.timestamp <= to).at(-1)!.timestamp;

    const forwardTo = async (to: number) => {
      const judged = Promise.all([
        tape.upcoming((ev) => ev.type === 'trades' && ev.trades.some((t) => t.timestamp === lastBefore(to)), `the trades up to ${to}`, 20_000),
        bars.upcoming((ev) => ev.type === 'deltas' && ev.dataTime === lastBefore(to), `the bars up to ${to}`, 20_000),
      ]);
      await session.seek(to);
      await judged;
      // Each seek starts the market again from the recording: the bars after its history are partial (their closes
      // held) until the factory's check of that seam answers; the rules read armed again once it has.
      await Promise.all(['chg', 'sma'].map((ruleId) => waitForRuleStatus(e, ruleId, 'armed', 30_000)));
    };
    const backTo = async (to: number) => {
      const fired = alerts.length;
      const rebuilt = bars.upcoming((ev) => ev.type === 'snapshot', 'the snapshot after the seek back', 20_000);
      await session.seek(to);
      await rebuilt;
      assert.equal(alerts.length, fired, 'a seek back itself fires nothing');
    };

    // Forward to 15 minutes in (every rule judges the stretch), back to 4, forward to 10, back to 2, then played
    // to the end of the recording.
    await forwardTo(START + 15 * 60_000);
    assert.ok(alerts.filter((a) => a.firedAt > START + 2 * 60_000).length >= 4, 'fires in the stretch that is played again');
    await backTo(START + 4 * 60_000);
    await forwardTo(START + 10 * 60_000);
    await backTo(START + 2 * 60_000);
    const ended = new Promise<void>((resolve) => session.onDidChange((s) => s.status === 'ended' && resolve()));
    session.play(100);
    await ended;

    // The fires are exactly a straight play's: none twice over the stretch played again, none missing after it.
    await expectTruth(e, alerts, trades, level, START - 60_000);
  });
});

/**
 * Waits for the fires a straight play of the whole recording from START gives (the last cross, every bar close),
 * then asserts each rule fired exactly at the ground-truth points: tick rules from the trades after the start, bar
 * rules at the closes of the bars a later trade closed.
 */
async function expectTruth(engine: AlertEngine, alerts: readonly AlertEvent[], trades: readonly Trade[], level: number, firstLiveBar: number): Promise<{ seen: Trade[]; closed: Candle[] }> {
  const seen = trades.filter((t) => t.timestamp >= START);
  const expectCross = crossTimes(seen, level);
  const expectAbove: number[] = [];
  let lastBar = -1;
  for (const t of seen) {
    const bar = Math.floor(t.timestamp / 60_000) * 60_000;
    if (t.price > level && bar !== lastBar) {
      expectAbove.push(t.timestamp);
      lastBar = bar;
    }
  }
  const closed = referenceCandles(trades, '1m').slice(0, -1);
  const { chg: expectChg, sma: expectSma } = barRuleCloses(closed, firstLiveBar);
  assert.ok(expectCross.length >= 4 && expectAbove.length >= 4 && expectChg.length >= 2 && expectSma.length >= 2, `a meaningful path: ${expectCross.length} ${expectAbove.length} ${expectChg.length} ${expectSma.length}`);
  const byRule = (ruleId: string) => alerts.filter((a) => a.ruleId === ruleId);
  await untilAlerts(engine, () => byRule('cross').some((a) => a.firedAt === expectCross.at(-1)), 'the last cross to fire');
  await untilAlerts(engine, () => byRule('chg').length >= expectChg.length && byRule('sma').length >= expectSma.length, 'the last bar closes to be evaluated').catch((err: unknown) => {
    throw new Error(`${String(err)}: chg ${JSON.stringify(byRule('chg').map((a) => a.barTime))} vs ${JSON.stringify(expectChg)}; sma ${JSON.stringify(byRule('sma').map((a) => a.barTime))} vs ${JSON.stringify(expectSma)}; first live bar ${firstLiveBar}`);
  });
  assert.deepEqual(byRule('cross').map((a) => a.firedAt), expectCross, 'cross: at the crossing trades');
  assert.deepEqual(byRule('above').map((a) => a.firedAt), expectAbove, 'above: the first trade above in each bar');
  assert.deepEqual(byRule('chg').map((a) => a.barTime), expectChg, 'percentage change at the bar closes');
  assert.deepEqual(byRule('sma').map((a) => a.barTime), expectSma, 'close crossing its SMA at the bar closes');
  for (const a of [...byRule('chg'), ...byRule('sma')]) assert.equal(a.firedAt, nextBucketStart('1m', a.barTime!), 'a close is dated at the end of its bar');
  return { seen, closed };
}

/** Resolves once `check` holds: checked now and on every alert the engine emits. */
function untilAlerts(engine: AlertEngine, check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`timed out waiting for ${what}`));
    }, timeoutMs);
    const sub = engine.onAlert(() => {
      if (!check()) return;
      clearTimeout(timer);
      sub.dispose();
      resolve();
    });
    if (check()) {
      clearTimeout(timer);
      sub.dispose();
      resolve();
    }
  });
}
