/**
 * The alert engine on a real MarketHub, real ccxt and the exchange emulator. Each test scripts a price path in
 * fast-forwarded market time and checks that the rules fire exactly where an independent, offline computation
 * over the emulator's ground-truth trade log says they should — and nowhere else — and that a backtest over the
 * same data gives the same fire points.
 */
import * as assert from 'node:assert/strict';
import type { AlertEvent } from '../../src/core/alerts/alertEvent';
import { AlertEngine } from '../../src/core/alerts/alertEngine';
import { AlertStateStore } from '../../src/core/alerts/alertState';
import { backtest } from '../../src/core/alerts/backtest';
import { parseAlertsConfig } from '../../src/core/alerts/config/parseAlertsConfig';
import type { RuleStatusKind } from '../../src/core/alerts/ruleStatus';
import type { AlertRule } from '../../src/core/alerts/rules';
import type { SubscriptionRequest } from '../../src/core/hub/requests';
import { bucketStart, nextBucketStart } from '../../src/core/timeframes';
import { Recorder, Rig } from '../helpers/emulatorHub';
import { referenceCandles } from '../helpers/referenceCandles';
import { asTrades, barRuleCloses, crossTimes as crossTimesOf, cvdTruth, firePoints, firstLiveBars, matchingFirstBar } from '../helpers/alertTruth';
import { waitForRuleStatus } from '../helpers/ruleStatusWait';

const BTC = { exchange: 'binance', symbol: 'BTC/USDT' } as const;

function parseRules(yaml: string): AlertRule[] {
  const cfg = parseAlertsConfig(`defaults: { exchange: binance, autoPause: false }\nrules:\n${yaml}`);
  assert.deepEqual(cfg.diagnostics, []);
  return [...cfg.rules];
}

interface Live {
  readonly engine: AlertEngine;
  readonly alerts: AlertEvent[];
  byRule(id: string): AlertEvent[];
  waitStatus(id: string, kind: RuleStatusKind, timeoutMs?: number): Promise<void>;
}

function startEngine(rig: Rig, rules: AlertRule[]): Live {
  const engine = new AlertEngine({ hub: rig.hub, state: AlertStateStore.inMemory(), log: rig.log });
  const alerts: AlertEvent[] = [];
  engine.onAlert((e) => alerts.push(e));
  engine.setRules(rules);
  return {
    engine,
    alerts,
    byRule: (id) => alerts.filter((a) => a.ruleId === id),
    waitStatus: (id, kind, timeoutMs) => waitForRuleStatus(engine, id, kind, timeoutMs),
  };
}

/** Subscribes after the engine's streams are up, so when it has seen a trade, the engine (earlier in line) has too. */
async function tradeWitness(rig: Rig) {
  const req = { kind: 'trades', ...BTC } as const;
  const rec = new Recorder<typeof req>();
  const sub = rig.hub.subscribe(req, rec.consume);
  await sub.ready;
  return {
    seen: (id: number) => rec.next((e) => e.type === 'trades' && e.trades.some((t) => t.id === String(id)), `trade ${id}`, 20_000),
    dispose: () => sub.dispose(),
  };
}


describe('alert engine against the exchange emulator (real ccxt)', function () {
  this.timeout(90_000);
  let rig: Rig | undefined;
  let live: Live | undefined;
  afterEach(async () => {
    live?.engine.dispose();
    live = undefined;
    await rig?.close();
    rig = undefined;
  });

  it('price_level: crosses, above once per bar and below with a cooldown fire exactly at the ground-truth trades', async () => {
    rig = await Rig.start({ tradesPerSecond: 0, historyMinutes: 10 });
    const p0 = rig.emulator.trades('BTC/USDT').at(-1)!.price;
    const level = Math.round(p0 * 1.002 * 100) / 100;
    const low = Math.round(p0 * 0.998 * 100) / 100;
    live = startEngine(
      rig,
      parseRules(`
  - { id: cross, name: cross, type: price_level, symbol: BTC/USDT, crosses: ${level}, frequency: every_time }
  - { id: above, name: above, type: price_level, symbol: BTC/USDT, above: ${level}, frequency: once_per_bar }
  - { id: below, name: below, type: price_level, symbol: BTC/USDT, below: ${low}, frequency: every_time, cooldown: 20s }
`),
    );
    await rig.emulator.waitForStats((s) => (s.subscriptions['btcusdt@aggTrade'] ?? 0) >= 1, 20_000);
    const witness = await tradeWitness(rig);
    const prices = Array.from({ length: 240 }, (_, i) => p0 * (1 + 0.004 * Math.sin(i / 6)));
    // Stamped from now on at the earliest, as an exchange stamps its trades: one from before a seed's seam minute that
    // arrives after the seed sends the bars back to REST (CandleFactory.rebuildBehindSeam), not on through the live path.
    const start = Math.max(rig.emulator.trades('BTC/USDT').at(-1)!.timestamp + 1000, Date.now());
    const played = await rig.emulator.playPath('BTC/USDT', prices, { intervalMs: 0, startTimestamp: start, stepMs: 1000 });
    await witness.seen(played.at(-1)!.id);
    witness.dispose();

    // Ground truth, straight from the trade log: the engine saw exactly the played trades.
    const seen = rig.emulator.trades('BTC/USDT').filter((t) => t.timestamp >= start);
    assert.equal(seen.length, played.length);
    const crossTimes = crossTimesOf(seen, level);
    const aboveTimes: number[] = [];
    let lastBar = -1;
    for (const t of seen) {
      const bar = bucketStart('1m', t.timestamp);
      if (t.price > level && bar !== lastBar) {
        aboveTimes.push(t.timestamp);
        lastBar = bar;
      }
    }
    const belowTimes: number[] = [];
    let coolUntil = -Infinity;
    for (const t of seen) {
      if (t.price < low && t.timestamp >= coolUntil) {
        belowTimes.push(t.timestamp);
        coolUntil = t.timestamp + 20_000;
      }
    }
    assert.ok(crossTimes.length >= 6 && aboveTimes.length >= 3 && belowTimes.length >= 3, `a meaningful path: ${crossTimes.length} ${aboveTimes.length} ${belowTimes.length}`);
    assert.deepEqual(
      live.byRule('cross').map((a) => a.firedAt),
      crossTimes,
    );
    assert.deepEqual(
      live.byRule('above').map((a) => a.firedAt),
      aboveTimes,
    );
    assert.deepEqual(
      live.byRule('below').map((a) => a.firedAt),
      belowTimes,
    );
    assert.match(live.byRule('cross')[0]!.message, /^BTC\/USDT last [\d,.]+ crossed above [\d,.]+$/);

    // The backtest over the same trades fires at the same points, with the same values and messages.
    for (const rule of live.engine.rules()) {
      assert.deepEqual(backtest(rule, { trades: asTrades(seen) }).fires, firePoints(live.byRule(rule.id)), rule.id);
    }
  });

  it('percentage_change, volatility (range) and indicator (close crosses above SMA) fire at the ground-truth bar closes', async () => {
    rig = await Rig.start({ tradesPerSecond: 0, historyMinutes: 60, historyTradesPerMinute: 6 });
    const engineStarted = Date.now();
    live = startEngine(
      rig,
      parseRules(`
  - { id: chg, name: chg, type: percentage_change, symbol: BTC/USDT, timeframe: 1m, lookback: 3, above: 0.25, below: -0.25, frequency: once_per_bar_close }
  - { id: sma, name: sma, type: indicator, symbol: BTC/USDT, timeframe: 1m, left: close, op: crosses_above, right: { indicator: sma, period: 5 }, frequency: once_per_bar_close }
  - { id: vol, name: vol, type: volatility, symbol: BTC/USDT, timeframe: 1m, measure: range, lookback: 3, above: 0.8, frequency: once_per_bar_close }
`),
    );
    // The engine's first live bar: the bar in progress in the (shared) candle snapshot, by the engine's clock then.
    const candleReq: Extract<SubscriptionRequest, { kind: 'candles' }> = { kind: 'candles', ...BTC, timeframe: '1m' };
    const candles = new Recorder<typeof candleReq>();
    const candleSub = rig.hub.subscribe(candleReq, candles.consume);
    const snap = await candles.next((e) => e.type === 'snapshot', 'snapshot', 30_000);
    const snapLast = snap.type === 'snapshot' ? snap.candles.at(-1)! : undefined;
    const candidates = firstLiveBars(snapLast!, engineStarted, Date.now());
    candleSub.dispose();
    await Promise.all([live.waitStatus('chg', 'armed'), live.waitStatus('sma', 'armed'), live.waitStatus('vol', 'armed')]);
    await rig.emulator.waitForStats((s) => (s.subscriptions['btcusdt@aggTrade'] ?? 0) >= 1, 20_000);
    const witness = await tradeWitness(rig);

    const p0 = rig.emulator.trades('BTC/USDT').at(-1)!.price;
    const prices = Array.from({ length: 300 }, (_, i) => p0 * (1 + 0.006 * Math.sin((2 * Math.PI * i) / 96)));
    const start = Math.max(rig.emulator.trades('BTC/USDT').at(-1)!.timestamp + 1000, Date.now());
    const played = await rig.emulator.playPath('BTC/USDT', prices, { intervalMs: 0, startTimestamp: start, stepMs: 5000 });
    await witness.seen(played.at(-1)!.id);
    witness.dispose();
    // The stream's first trade came after the seed: the bars since REST's last trade are partial (their closes held)
    // until the factory's check of that seam answers; the rules read armed again once it has.
    await Promise.all([live.waitStatus('chg', 'armed'), live.waitStatus('sma', 'armed'), live.waitStatus('vol', 'armed')]);

    // Ground truth: reference candles from the full trade log; the last bar is still in progress.
    const all = referenceCandles(rig.emulator.trades('BTC/USDT'), '1m');
    const closed = all.slice(0, -1);
    const barTimes = (id: string) => live!.byRule(id).map((a) => a.barTime ?? NaN);
    const got = { chg: barTimes('chg'), vol: barTimes('vol'), sma: barTimes('sma') };
    const { firstLiveBar, expected } = matchingFirstBar(candidates, (first) => barRuleCloses(closed, first), got);
    const { chg: expectChg, sma: expectSma, vol: expectVol } = expected;
    assert.ok(expectChg.length >= 4 && expectSma.length >= 2 && expectVol.length >= 2, `a meaningful path: ${expectChg.length} ${expectSma.length} ${expectVol.length}`);
    assert.ok(expectVol.length < closed.filter((c) => c.time >= firstLiveBar).length, 'volatility does not hold on every bar');
    assert.deepEqual(
      live.byRule('vol').map((a) => a.barTime),
      expectVol,
    );
    assert.deepEqual(
      live.byRule('chg').map((a) => a.barTime),
      expectChg,
    );
    assert.deepEqual(
      live.byRule('sma').map((a) => a.barTime),
      expectSma,
    );
    for (const a of live.alerts) assert.equal(a.firedAt, nextBucketStart('1m', a.barTime!), 'a close is dated at the end of its bar');

    // Backtest over the reference candles, with the bars before the engine's first live bar as warm-up.
    for (const rule of live.engine.rules()) {
      const bt = backtest(rule, { candles: closed }, { from: firstLiveBar });
      assert.deepEqual(bt.fires, firePoints(live.byRule(rule.id)), rule.id);
    }
  });

  it('cvd_level (anchored), cvd_change and cvd_ratio (rolling, with cooldowns) fire at the ground-truth trades', async () => {
    rig = await Rig.start({ tradesPerSecond: 0, historyMinutes: 10 });
    live = startEngine(
      rig,
      parseRules(`
  - { id: lvl, name: lvl, type: cvd_level, symbol: BTC/USDT, window: 1m, above: 0.105, below: -0.105, frequency: once_per_bar }
  - { id: roll, name: roll, type: cvd_change, symbol: BTC/USDT, window: 30s, above: 0.085, below: -0.085, frequency: every_time, cooldown: 20s }
  - { id: ratio, name: ratio, type: cvd_ratio, symbol: BTC/USDT, window: 30s, above: 0.8, below: 0.2, frequency: every_time, cooldown: 20s }
`),
    );
    await rig.emulator.waitForStats((s) => (s.subscriptions['btcusdt@aggTrade'] ?? 0) >= 1, 20_000);
    const witness = await tradeWitness(rig);
    const p0 = rig.emulator.trades('BTC/USDT').at(-1)!.price;
    // Runs up (taker buys) and down (taker sells) of different lengths.
    const prices: number[] = [];
    let p = p0;
    for (const [len, dir] of [[25, 1], [10, -1], [40, 1], [45, -1], [15, 1], [30, -1], [50, 1]] as const) {
      for (let i = 0; i < len; i++) prices.push((p += dir * 0.5));
    }
    const start = Math.max(rig.emulator.trades('BTC/USDT').at(-1)!.timestamp + 1000, Date.now());
    const played = await rig.emulator.playPath('BTC/USDT', prices, { intervalMs: 0, startTimestamp: start, stepMs: 1700, amount: 0.01 });
    await witness.seen(played.at(-1)!.id);
    witness.dispose();

    const seen = rig.emulator.trades('BTC/USDT').filter((t) => t.timestamp >= start);
    const { lvl: expectLvl, roll: expectRoll, ratio: expectRatio } = cvdTruth(seen, seen[0]!.timestamp);
    assert.ok(expectLvl.length >= 3 && expectRoll.length >= 4 && expectRatio.length >= 3, `a meaningful path: ${expectLvl.length} ${expectRoll.length} ${expectRatio.length}`);
    assert.deepEqual(
      live.byRule('ratio').map((a) => a.firedAt),
      expectRatio,
    );
    assert.deepEqual(
      live.byRule('lvl').map((a) => a.firedAt),
      expectLvl,
    );
    assert.deepEqual(
      live.byRule('roll').map((a) => a.firedAt),
      expectRoll,
    );
    for (const rule of live.engine.rules()) {
      assert.deepEqual(backtest(rule, { trades: asTrades(seen) }).fires, firePoints(live.byRule(rule.id)), rule.id);
    }
  });

  it('spread: absolute and percent levels, with cooldown and once per bar, fire exactly at the ground-truth tickers', async () => {
    rig = await Rig.start({ tradesPerSecond: 0, historyMinutes: 10, tickerIntervalMs: 100, depthIntervalMs: 50 });
    // BTC's book levels are 1.00 apart: the spread is 1 or 2 when tight, and each gap level adds 2 (see setSpread).
    // Each step lasts four tickers and a cooldown in the tickers' own time (as in alertsExchanges' SPREAD): every run
    // of steps past a level then begins a cooldown after the rule's last fire (the step before lasted that long) and
    // outlasts one, so it fires at its first ticker and once more. The count follows from the steps, not from how the
    // tickers fall: with four tickers 100 ms apart a step and a 1 s cooldown, the wide rule's floor of 5 was merely
    // the least the timing gave (5 every run, loaded or not), and a run could fire none.
    const gaps = [0, 2, 2, 4, 4, 1, 0, 0, 3, 5, 5, 0, 4, 1, 0, 6, 6, 2, 0, 3, 0];
    const cooldownMs = 500;
    const runs = (inRun: (gap: number) => boolean): number => gaps.filter((g, i) => inRun(g) && (i === 0 || !inRun(gaps[i - 1]!))).length;
    live = startEngine(
      rig,
      parseRules(`
  - { id: wide, name: wide, type: spread, symbol: BTC/USDT, unit: absolute, above: 6.5, frequency: every_time, cooldown: ${cooldownMs}ms }
  - { id: pct, name: pct, type: spread, symbol: BTC/USDT, unit: percent, above: 0.0125, frequency: once_per_bar }
  - { id: tight, name: tight, type: spread, symbol: BTC/USDT, unit: absolute, below: 2.5, frequency: every_time, cooldown: ${cooldownMs}ms }
`),
    );
    await rig.emulator.waitForStats((s) => (s.subscriptions['btcusdt@ticker'] ?? 0) >= 1, 20_000);
    await live.waitStatus('wide', 'armed'); // a ticker has arrived (tight may already be cooling down after it)
    // A witness behind the engine on the same stream: once it has a ticker, the engine has had it too.
    const tickerReq = { kind: 'ticker', ...BTC } as const;
    const witness = new Recorder<typeof tickerReq>();
    const witnessSub = rig.hub.subscribe(tickerReq, witness.consume);
    await witnessSub.ready;
    const spreadOfEvent = (e: (typeof witness.events)[number]) => (e.type === 'ticker' && e.ticker.bid !== undefined && e.ticker.ask !== undefined ? e.ticker.ask - e.ticker.bid : NaN);
    const timeOf = (e: (typeof witness.events)[number]) => (e.type === 'ticker' ? e.ticker.timestamp : NaN);
    for (const [i, gap] of gaps.entries()) {
      rig.emulator.setSpread('BTC/USDT', gap);
      // Hold each width for four tickers that show it, and a cooldown from the first of them in the tickers' time.
      const atGap = (e: (typeof witness.events)[number]) => Math.abs(spreadOfEvent(e) - (2 * gap + 1.5)) <= 0.5;
      const first = timeOf(await witness.upcoming(atGap, `ticker 1 with gap ${gap} (step ${i})`, 20_000));
      for (let k = 1; k < 4; k++) await witness.upcoming(atGap, `ticker ${k + 1} with gap ${gap} (step ${i})`, 20_000);
      await witness.next((e) => atGap(e) && timeOf(e) >= first + cooldownMs, `a ticker with gap ${gap} a cooldown into step ${i}`, 20_000);
    }
    const end = witness.events.filter((e) => e.type === 'ticker').at(-1);
    const endTime = end?.type === 'ticker' ? end.ticker.timestamp : Infinity;
    witnessSub.dispose();

    // Ground truth: the emulator's log of the tickers it sent on the stream, which the engine opened (up to the
    // witness's last). The witness, which joined later, received each of them from its first on, in order.
    const sent = rig.emulator.tickers('BTC/USDT').filter((t) => t.timestamp <= endTime);
    const received = witness.events.flatMap((e) => (e.type === 'ticker' ? [[e.ticker.timestamp, e.ticker.bid, e.ticker.ask]] : []));
    assert.deepEqual(received, sent.slice(sent.length - received.length).map((t) => [t.timestamp, t.bid, t.ask]), 'every ticker sent was received, in order');
    const expectWide: number[] = [];
    const expectPct: number[] = [];
    const expectTight: number[] = [];
    const seen = { wide: 0, tight: 0 };
    let wideCool = -Infinity;
    let tightCool = -Infinity;
    let pctBar = -1;
    for (const t of sent) {
      const abs = t.ask - t.bid;
      const pct = (abs / ((t.ask + t.bid) / 2)) * 100;
      seen.wide += abs > 6.5 ? 1 : 0;
      seen.tight += abs < 2.5 ? 1 : 0;
      if (abs > 6.5 && t.timestamp >= wideCool) {
        expectWide.push(t.timestamp);
        wideCool = t.timestamp + cooldownMs;
      }
      if (abs < 2.5 && t.timestamp >= tightCool) {
        expectTight.push(t.timestamp);
        tightCool = t.timestamp + cooldownMs;
      }
      if (pct > 0.0125 && bucketStart('1m', t.timestamp) !== pctBar) {
        expectPct.push(t.timestamp);
        pctBar = bucketStart('1m', t.timestamp);
      }
    }
    // What the steps guarantee: each run of steps past a level fires at its start and again once the cooldown is over,
    // and the tickers between (one every 100 ms) are held back.
    const least = { wide: 2 * runs((g) => 2 * g + 1 > 6.5), tight: 2 * runs((g) => 2 * g + 2 < 2.5) };
    const fired = { wide: expectWide.length, tight: expectTight.length };
    for (const id of ['wide', 'tight'] as const) {
      assert.ok(fired[id] >= least[id], `${id}: at least ${least[id]} fires (2 per run of steps), got ${fired[id]}`);
      assert.ok(fired[id] < seen[id], `${id}: the cooldown held back some of its ${seen[id]} tickers`);
    }
    assert.ok(expectPct.length >= 1, 'pct: fired');
    assert.deepEqual(
      live.byRule('wide').map((a) => a.firedAt),
      expectWide,
    );
    assert.deepEqual(
      live.byRule('tight').map((a) => a.firedAt),
      expectTight,
    );
    assert.deepEqual(
      live.byRule('pct').map((a) => a.firedAt),
      expectPct,
    );
    // The backtest over the logged tickers fires at the same points, with the same values and messages.
    const tickers = sent.map((t) => ({ timestamp: t.timestamp, last: (t.bid + t.ask) / 2, bid: t.bid, ask: t.ask, change24hPercent: undefined }));
    for (const rule of live.engine.rules()) assert.deepEqual(backtest(rule, { tickers }).fires, firePoints(live.byRule(rule.id)), rule.id);
    assert.match(live.byRule('wide')[0]!.message, /^BTC\/USDT spread [\d,.]+ is above 6\.5$/);
  });

  it('hot reload: a rule on a new market opens its stream; removing the last rule on a market closes it', async () => {
    rig = await Rig.start({ tradesPerSecond: 2 });
    const btc = `  - { id: btc, name: btc, type: price_level, symbol: BTC/USDT, above: 1000000 }`;
    const eth = `  - { id: eth, name: eth, type: price_level, symbol: ETH/USDT, below: 1 }`;
    const ethFlow = `  - { id: eth-flow, name: eth flow, type: cvd_ratio, symbol: ETH/USDT, window: 1m, above: 0.99 }`;
    live = startEngine(rig, parseRules(btc));
    await rig.emulator.waitForStats((s) => s.subscriptions['btcusdt@aggTrade'] === 1, 20_000);
    await live.waitStatus('btc', 'armed');

    live.engine.setRules(parseRules(`${btc}\n${eth}\n${ethFlow}`));
    const withEth = await rig.emulator.waitForStats((s) => s.subscriptions['ethusdt@aggTrade'] === 1, 20_000);
    assert.equal(withEth.subscriptions['btcusdt@aggTrade'], 1, 'the BTC stream is untouched');
    assert.equal(withEth.subscriptions['ethusdt@aggTrade'], 1, 'two ETH rules share one stream');
    assert.equal(live.engine.status('btc')?.status.kind, 'armed', 'the unchanged rule kept its state');

    live.engine.setRules(parseRules(`${btc}\n${eth}`));
    assert.equal((await rig.emulator.waitForStats((s) => s.subscriptions['ethusdt@aggTrade'] === 1)).subscriptions['ethusdt@aggTrade'], 1, 'still one ETH rule');
    live.engine.setRules(parseRules(btc));
    const ethGone = await rig.emulator.waitForStats((s) => s.subscriptions['ethusdt@aggTrade'] === undefined, 5000);
    assert.equal(ethGone.subscriptions['btcusdt@aggTrade'], 1);

    live.engine.setRules([]);
    await rig.emulator.waitForStats((s) => s.openSockets === 0, 5000);
    assert.deepEqual(rig.hub.activeStreams(), []);
    assert.deepEqual(live.engine.subscriptions(), []);
  });

  it('an unknown symbol is an error status; a bid/ask rule and a candle rule release everything on dispose', async () => {
    rig = await Rig.start({ tradesPerSecond: 5, tickerIntervalMs: 100 });
    live = startEngine(
      rig,
      parseRules(`
  - { id: bad, name: bad, type: price_level, symbol: BTC/USD, above: 1 }
  - { id: bid, name: bid, type: price_level, symbol: BTC/USDT, source: bid, above: 1, frequency: once }
  - { id: ema, name: ema, type: indicator, symbol: BTC/USDT, timeframe: 1m, left: close, op: above, right: { indicator: ema, period: 3 }, frequency: once_per_bar_close }
`),
    );
    await live.waitStatus('bad', 'failed');
    const bad = live.engine.status('bad')!.status;
    assert.ok(bad.kind === 'failed' && /Unknown symbol "BTC\/USD" on binance/.test(bad.reason), JSON.stringify(bad));
    await live.waitStatus('bid', 'done');
    const [fired] = live.byRule('bid');
    assert.match(fired!.message, /^BTC\/USDT bid [\d,.]+ is above 1$/);
    await live.waitStatus('ema', 'armed');
    assert.deepEqual(live.engine.subscriptions(), ['trades binance BTC/USD', '1m candles binance BTC/USDT'], 'the done bid rule released its ticker stream');
    live.engine.dispose();
    await rig.emulator.waitForStats((s) => s.openSockets === 0, 5000);
    assert.equal(rig.hub.candleFactoryCount, 0);
  });
});
