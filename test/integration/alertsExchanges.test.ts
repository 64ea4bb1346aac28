/**
 * Alert rules on Coinbase and Bybit (issue 12): one scripted path each, through real ccxt and the emulator, and the
 * tick and bar-close rules fire exactly where an offline computation over the emulator's trade log says.
 */
import * as assert from 'node:assert/strict';
import type { AlertEvent } from '../../src/core/alerts/alertEvent';
import { parseAlertsConfig } from '../../src/core/alerts/config/parseAlertsConfig';
import type { SubscriptionRequest } from '../../src/core/hub/requests';
import { backtest } from '../../src/core/alerts/backtest';
import { bucketStart, nextBucketStart } from '../../src/core/timeframes';
import type { ExchangeId } from '../../src/emulator';
import { Recorder, type Rig } from '../helpers/emulatorHub';
import { alertRigsPerTest } from '../helpers/alertRigsPerTest';
import { referenceCandles } from '../helpers/referenceCandles';
import { asTrades, barRuleCloses, crossTimes as crossTimesOf, cvdTruth, firePoints, firstLiveBars, matchingFirstBar } from '../helpers/alertTruth';
import { waitForRuleStatus } from '../helpers/ruleStatusWait';

/**
 * `tickerTopic`: the stream a spread rule opens; Coinbase sends a ticker only with a batch of trades, Bybit on a
 * timer. `tradeSnapshot`: a trade subscription starts with the last 50 trades (Coinbase's market_trades snapshot),
 * which the CVD rules observe before the scripted path.
 */
const CASES: ReadonlyArray<{ exchange: ExchangeId; symbol: string; tradeTopic: string; tickerTopic: string; tickersNeedTrades: boolean; tradeSnapshot: boolean }> = [
  { exchange: 'coinbase', symbol: 'BTC/USD', tradeTopic: 'market_trades:BTC-USD', tickerTopic: 'ticker:BTC-USD', tickersNeedTrades: true, tradeSnapshot: true },
  { exchange: 'bybit', symbol: 'BTC/USDT:USDT', tradeTopic: 'publicTrade.BTCUSDT', tickerTopic: 'tickers.BTCUSDT', tickersNeedTrades: false, tradeSnapshot: false },
];

/**
 * The spread path: `gaps` are the empty book levels per side of its steps (the spread is 2 × gap + 1 or 2 grid
 * steps), the rules' levels are in grid steps. Each step lasts until four tickers at its spread have come and one a
 * cooldown after its first (the tickers' own clock). So every run of steps past a level begins a cooldown after the
 * rule's last fire (the step before lasted that long) and outlasts a cooldown: the rule fires at its first ticker and
 * again once the cooldown is over. The count follows from the steps, not from how fast the tickers come (Coinbase's
 * come with trades, several per second: with four tickers a step and a 1 s cooldown each run fired once, and a run
 * after a short step could fire none).
 */
const SPREAD = {
  gaps: [0, 2, 4, 4, 1, 0, 3, 5, 0, 6, 2, 0],
  wideAboveSteps: 6.5,
  tightBelowSteps: 2.5,
  pctAboveSteps: 10.5,
  cooldownMs: 500,
  /** How many runs of consecutive steps have a gap that `inRun` takes. */
  runs(inRun: (gap: number) => boolean): number {
    return this.gaps.filter((g, i) => inRun(g) && (i === 0 || !inRun(this.gaps[i - 1]!))).length;
  },
} as const;

describe('alert rules on Coinbase and Bybit (real ccxt, emulator)', function () {
  this.timeout(90_000);
  const rigs = alertRigsPerTest();

  for (const { exchange, symbol, tradeTopic, tickerTopic, tickersNeedTrades, tradeSnapshot } of CASES) {
    const startEngine = (r: Rig<ExchangeId>, yaml: string) => {
      const cfg = parseAlertsConfig(`defaults: { exchange: ${exchange}, autoPause: false }\nrules:\n${yaml}`);
      assert.deepEqual(cfg.diagnostics, []);
      const e = rigs.engine(r);
      const alerts: AlertEvent[] = [];
      e.onAlert((a) => alerts.push(a));
      e.setRules(cfg.rules);
      return { e, byRule: (id: string) => alerts.filter((a) => a.ruleId === id) };
    };

    it(`${exchange}: cvd_level (anchored), cvd_change and cvd_ratio (rolling, with cooldowns) fire at the ground-truth trades; the backtest agrees`, async () => {
      const r = await rigs.start({ exchange, tradesPerSecond: 0, historyMinutes: 10 });
      const { e, byRule } = startEngine(
        r,
        `  - { id: lvl, name: lvl, type: cvd_level, symbol: "${symbol}", window: 1m, above: 0.105, below: -0.105, frequency: once_per_bar }
  - { id: roll, name: roll, type: cvd_change, symbol: "${symbol}", window: 30s, above: 0.085, below: -0.085, frequency: every_time, cooldown: 20s }
  - { id: ratio, name: ratio, type: cvd_ratio, symbol: "${symbol}", window: 30s, above: 0.8, below: 0.2, frequency: every_time, cooldown: 20s }
`,
      );
      await r.emulator.waitForStats((st) => (st.subscriptions[tradeTopic] ?? 0) >= 1, 20_000);
      const tradesReq = { kind: 'trades', exchange, symbol } as const;
      const witness = new Recorder<typeof tradesReq>();
      const witnessSub = r.hub.subscribe(tradesReq, witness.consume);
      await witnessSub.ready;
      // Runs up (taker buys) and down (taker sells) of different lengths.
      const p0 = r.emulator.trades(symbol).at(-1)!.price;
      const prices: number[] = [];
      let p = p0;
      for (const [len, dir] of [[25, 1], [10, -1], [40, 1], [45, -1], [15, 1], [30, -1], [50, 1]] as const) for (let i = 0; i < len; i++) prices.push((p += dir * 0.5));
      // On a minute boundary more than a window after the history: its periods and windows hold played trades only.
      const history = r.emulator.trades(symbol);
      const start = nextBucketStart('1m', bucketStart('1m', history.at(-1)!.timestamp + 31_000));
      const played = await r.emulator.playPath(symbol, prices, { intervalMs: 0, startTimestamp: start, stepMs: 1700, amount: 0.01 });
      const lastWire = r.emulator.wireTradeId(symbol, played.at(-1)!);
      await witness.next((ev) => ev.type === 'trades' && ev.trades.some((t) => t.id === lastWire), 'the last played trade', 20_000);
      witnessSub.dispose();

      // What the rules observed: on Coinbase the subscription's snapshot (the last 50 trades) too, then the path.
      const seen = [...(tradeSnapshot ? history.slice(-50) : []), ...r.emulator.trades(symbol).filter((t) => t.timestamp >= start)];
      // The snapshot's trades are older than the rules: they fill the periods and windows, and fire nothing.
      const truth = cvdTruth(seen, seen[0]!.timestamp, start);
      assert.ok(truth.lvl.length >= 3 && truth.roll.length >= 4 && truth.ratio.length >= 3, `a meaningful path: ${truth.lvl.length} ${truth.roll.length} ${truth.ratio.length}`);
      for (const id of ['lvl', 'roll', 'ratio'] as const) assert.deepEqual(byRule(id).map((a) => a.firedAt), truth[id], id);
      for (const rule of e.rules()) assert.deepEqual(backtest(rule, { trades: asTrades(seen) }, { from: start }).fires, firePoints(byRule(rule.id)), `backtest ${rule.id}`);
    });

    it(`${exchange}: spread, absolute and percent, with cooldown and once per bar, fires exactly at the ground-truth tickers; the backtest agrees`, async () => {
      // With no trades (Bybit) a ticker goes out only when the churn of the book's best levels changes a field: a book
      // step every 20 ms (not 50) brings the same 48 tickers in about 20 s instead of 42.
      const r = await rigs.start({ exchange, tradesPerSecond: tickersNeedTrades ? 8 : 0, historyMinutes: 10, tickerIntervalMs: 100, depthIntervalMs: 20 });
      // The book's grid spacing: the tight spread is 1 or 2 of it, and each empty level per side adds 2 (setSpread).
      const book = r.emulator.orderBook(symbol, 2);
      const step = Number((book.asks[1]![0] - book.asks[0]![0]).toPrecision(6));
      const pctLevel = Number(((SPREAD.pctAboveSteps * step) / book.asks[0]![0] * 100).toPrecision(4));
      const { e, byRule } = startEngine(
        r,
        `  - { id: wide, name: wide, type: spread, symbol: "${symbol}", unit: absolute, above: ${SPREAD.wideAboveSteps * step}, frequency: every_time, cooldown: ${SPREAD.cooldownMs}ms }
  - { id: pct, name: pct, type: spread, symbol: "${symbol}", unit: percent, above: ${pctLevel}, frequency: once_per_bar }
  - { id: tight, name: tight, type: spread, symbol: "${symbol}", unit: absolute, below: ${SPREAD.tightBelowSteps * step}, frequency: every_time, cooldown: ${SPREAD.cooldownMs}ms }
`,
      );
      await r.emulator.waitForStats((st) => (st.subscriptions[tickerTopic] ?? 0) >= 1, 20_000);
      await waitForRuleStatus(e, 'wide', 'armed');
      const tickerReq = { kind: 'ticker', exchange, symbol } as const;
      const witness = new Recorder<typeof tickerReq>();
      const witnessSub = r.hub.subscribe(tickerReq, witness.consume);
      await witnessSub.ready;
      const spreadOf = (ev: (typeof witness.events)[number]) => (ev.type === 'ticker' && ev.ticker.bid !== undefined && ev.ticker.ask !== undefined ? ev.ticker.ask - ev.ticker.bid : NaN);
      const timeOf = (ev: (typeof witness.events)[number]) => (ev.type === 'ticker' ? ev.ticker.timestamp : NaN);
      for (const [i, gap] of SPREAD.gaps.entries()) {
        r.emulator.setSpread(symbol, gap);
        const atGap = (ev: (typeof witness.events)[number]) => Math.abs(spreadOf(ev) - (2 * gap + 1.5) * step) <= 0.5 * step + 1e-9;
        const first = timeOf(await witness.upcoming(atGap, `ticker 1 with gap ${gap} (step ${i})`, 20_000));
        for (let k = 1; k < 4; k++) await witness.upcoming(atGap, `ticker ${k + 1} with gap ${gap} (step ${i})`, 20_000);
        // The step lasts the rules' cooldown in the tickers' own time too (see SPREAD): a ticker at its gap that late.
        await witness.next((ev) => atGap(ev) && timeOf(ev) >= first + SPREAD.cooldownMs, `a ticker with gap ${gap} a cooldown into step ${i}`, 20_000);
      }
      const end = witness.events.filter((ev) => ev.type === 'ticker').at(-1);
      const endTime = end?.type === 'ticker' ? end.ticker.timestamp : Infinity;
      witnessSub.dispose();

      const sent = r.emulator.tickers(symbol).filter((t) => t.timestamp <= endTime);
      const received = witness.events.flatMap((ev) => (ev.type === 'ticker' ? [[ev.ticker.timestamp, ev.ticker.bid, ev.ticker.ask]] : []));
      assert.deepEqual(received, sent.slice(sent.length - received.length).map((t) => [t.timestamp, t.bid, t.ask]), 'every ticker sent was received, in order');
      const expect = { wide: [] as number[], pct: [] as number[], tight: [] as number[] };
      const seen = { wide: 0, tight: 0 };
      let wideCool = -Infinity;
      let tightCool = -Infinity;
      let pctBar = -1;
      for (const t of sent) {
        const abs = t.ask - t.bid;
        const pct = (abs / ((t.ask + t.bid) / 2)) * 100;
        const wide = abs > SPREAD.wideAboveSteps * step;
        const tight = abs < SPREAD.tightBelowSteps * step;
        seen.wide += wide ? 1 : 0;
        seen.tight += tight ? 1 : 0;
        if (wide && t.timestamp >= wideCool) (expect.wide.push(t.timestamp), (wideCool = t.timestamp + SPREAD.cooldownMs));
        if (tight && t.timestamp >= tightCool) (expect.tight.push(t.timestamp), (tightCool = t.timestamp + SPREAD.cooldownMs));
        if (pct > pctLevel && bucketStart('1m', t.timestamp) !== pctBar) (expect.pct.push(t.timestamp), (pctBar = bucketStart('1m', t.timestamp)));
      }
      // What the steps guarantee: each run of steps past a level fires at its start and again once the cooldown is
      // over, and the tickers between (more than one per cooldown) are held back.
      const least = { wide: 2 * SPREAD.runs((g) => 2 * g + 1 > SPREAD.wideAboveSteps), tight: 2 * SPREAD.runs((g) => 2 * g + 2 < SPREAD.tightBelowSteps) };
      for (const id of ['wide', 'tight'] as const) {
        assert.ok(expect[id].length >= least[id], `${id}: at least ${least[id]} fires (2 per run of steps), got ${expect[id].length}`);
        assert.ok(expect[id].length < seen[id], `${id}: the cooldown held back some of its ${seen[id]} tickers`);
      }
      assert.ok(expect.pct.length >= 1, 'pct: fired');
      for (const id of ['wide', 'tight', 'pct'] as const) assert.deepEqual(byRule(id).map((a) => a.firedAt), expect[id], id);
      const tickers = sent.map((t) => ({ timestamp: t.timestamp, last: (t.bid + t.ask) / 2, bid: t.bid, ask: t.ask, change24hPercent: undefined }));
      for (const rule of e.rules()) assert.deepEqual(backtest(rule, { tickers }).fires, firePoints(byRule(rule.id)), `backtest ${rule.id}`);
    });

    it(`${exchange}: price_level crosses, percentage_change, volatility and an SMA cross fire at the ground-truth points`, async () => {
      const r = await rigs.start({ exchange, tradesPerSecond: 0, historyMinutes: 60, historyTradesPerMinute: 6 });
      const p0 = r.emulator.trades(symbol).at(-1)!.price;
      const level = Math.round(p0 * 1.003);
      const cfg = parseAlertsConfig(`defaults: { exchange: ${exchange}, autoPause: false }
rules:
  - { id: cross, name: cross, type: price_level, symbol: "${symbol}", crosses: ${level}, frequency: every_time }
  - { id: chg, name: chg, type: percentage_change, symbol: "${symbol}", timeframe: 1m, lookback: 3, above: 0.25, below: -0.25, frequency: once_per_bar_close }
  - { id: sma, name: sma, type: indicator, symbol: "${symbol}", timeframe: 1m, left: close, op: crosses_above, right: { indicator: sma, period: 5 }, frequency: once_per_bar_close }
  - { id: vol, name: vol, type: volatility, symbol: "${symbol}", timeframe: 1m, measure: range, lookback: 3, above: 0.8, frequency: once_per_bar_close }
`);
      assert.deepEqual(cfg.diagnostics, []);
      const engineStarted = Date.now();
      const e = rigs.engine(r);
      const alerts: AlertEvent[] = [];
      e.onAlert((a) => alerts.push(a));
      e.setRules(cfg.rules);
      const byRule = (id: string) => alerts.filter((a) => a.ruleId === id);

      // The engine's first live bar: the bar in progress in the (shared) candle snapshot, by the engine's clock then.
      const candleReq: Extract<SubscriptionRequest, { kind: 'candles' }> = { kind: 'candles', exchange, symbol, timeframe: '1m' };
      const candles = new Recorder<typeof candleReq>();
      const candleSub = r.hub.subscribe(candleReq, candles.consume);
      const snap = await candles.next((ev) => ev.type === 'snapshot', 'snapshot', 30_000);
      const snapLast = snap.type === 'snapshot' ? snap.candles.at(-1)! : undefined;
      const candidates = firstLiveBars(snapLast!, engineStarted, Date.now());
      candleSub.dispose();
      await Promise.all(['chg', 'sma', 'vol'].map((id) => waitForRuleStatus(e, id, 'armed')));
      await r.emulator.waitForStats((s) => (s.subscriptions[tradeTopic] ?? 0) >= 1, 20_000);
      const tradesReq = { kind: 'trades', exchange, symbol } as const;
      const witness = new Recorder<typeof tradesReq>();
      const witnessSub = r.hub.subscribe(tradesReq, witness.consume);
      await witnessSub.ready;

      const prices = Array.from({ length: 300 }, (_, i) => p0 * (1 + 0.006 * Math.sin((2 * Math.PI * i) / 96)));
      // Stamped from now on at the earliest, as an exchange stamps its trades: one from before a seed's seam minute that
      // arrives after the seed sends the bars back to REST (CandleFactory.rebuildBehindSeam), not on through the live path.
      const start = Math.max(r.emulator.trades(symbol).at(-1)!.timestamp + 1000, Date.now());
      const played = await r.emulator.playPath(symbol, prices, { intervalMs: 0, startTimestamp: start, stepMs: 5000 });
      const lastWire = r.emulator.wireTradeId(symbol, played.at(-1)!);
      await witness.next((ev) => ev.type === 'trades' && ev.trades.some((t) => t.id === lastWire), 'the last played trade', 20_000);
      witnessSub.dispose();
      // The stream's first trade came after the seed: the bars since REST's last trade are partial (their closes held)
      // until the factory's check of that seam answers; the rules read armed again once it has.
      await Promise.all(['chg', 'sma', 'vol'].map((id) => waitForRuleStatus(e, id, 'armed')));

      // Ground truth from the trade log: the crosses of the played trades, and the bar rules over reference candles.
      const seen = r.emulator.trades(symbol).filter((t) => t.timestamp >= start);
      assert.equal(seen.length, played.length);
      // On Coinbase the subscription's snapshot (the last 50 trades of the history, whose random walk may cross the
      // level) comes before the path: older than the rule, it sets the rule's side and fires nothing.
      const history = r.emulator.trades(symbol).filter((t) => t.timestamp < start);
      const crossTimes = crossTimesOf([...(tradeSnapshot ? history.slice(-50) : []), ...seen], level, start);
      const closed = referenceCandles(r.emulator.trades(symbol), '1m').slice(0, -1);
      const barTimes = (id: string) => byRule(id).map((a) => a.barTime ?? NaN);
      const got = { chg: barTimes('chg'), vol: barTimes('vol'), sma: barTimes('sma') };
      const { chg: expectChg, sma: expectSma, vol: expectVol } = matchingFirstBar(candidates, (first) => barRuleCloses(closed, first), got).expected;
      assert.ok(crossTimes.length >= 4 && expectChg.length >= 4 && expectSma.length >= 2 && expectVol.length >= 2, `a meaningful path: ${crossTimes.length} ${expectChg.length} ${expectSma.length} ${expectVol.length}`);
      assert.deepEqual(byRule('cross').map((a) => a.firedAt), crossTimes, 'cross');
      assert.deepEqual(byRule('chg').map((a) => a.barTime), expectChg, 'percentage_change');
      assert.deepEqual(byRule('sma').map((a) => a.barTime), expectSma, 'indicator');
      assert.deepEqual(byRule('vol').map((a) => a.barTime), expectVol, 'volatility');
      assert.match(byRule('cross')[0]!.message, new RegExp(`^${symbol.replace(/[/]/g, '\\/')} last [\\d,.]+ crossed (above|below) [\\d,.]+$`));
    });
  }
});
