/** Each rule type over synthetic data, through the same runner the live engine uses; exact fire points. */
import * as assert from 'node:assert/strict';
import { backtest } from '../../../src/core/alerts/backtest';
import type { Candle } from '../../../src/core/types';
import { MIN, SEC, mkCandles, mkRule, mkTicker, mkTrades } from './helpers';

const times = (r: ReturnType<typeof backtest>) => r.fires.map((f) => f.time);
const bars = (r: ReturnType<typeof backtest>) => r.fires.map((f) => f.barTime);

describe('alert evaluators (per rule type)', () => {
  describe('price_level', () => {
    const path = mkTrades([
      [1 * SEC, 99],
      [2 * SEC, 101],
      [3 * SEC, 102],
      [4 * SEC, 99],
      [5 * SEC, 100], // on the level: keeps the side it was on
      [6 * SEC, 101],
      [7 * SEC, 100],
      [8 * SEC, 101],
    ]);

    it('crosses is edge-triggered, both ways; touching the level is not a cross', () => {
      const r = backtest(mkRule({ type: 'price_level', source: 'last', clauses: [{ op: 'crosses', level: 100 }] }), { trades: path });
      assert.deepEqual(times(r), [2 * SEC, 4 * SEC, 6 * SEC]);
      assert.equal(r.fires[0]!.message, 'BTC/USDT last 101 crossed above 100');
      assert.equal(r.fires[1]!.message, 'BTC/USDT last 99 crossed below 100');
    });

    it('above is level-triggered; above and below together hold outside the band', () => {
      const above = backtest(mkRule({ type: 'price_level', source: 'last', clauses: [{ op: 'above', level: 100 }] }), { trades: path });
      assert.deepEqual(times(above), [2, 3, 6, 8].map((s) => s * SEC));
      assert.equal(above.fires[0]!.message, 'BTC/USDT last 101 is above 100');
      const band = backtest(mkRule({ type: 'price_level', source: 'last', clauses: [{ op: 'above', level: 101.5 }, { op: 'below', level: 99.5 }] }), { trades: path });
      assert.deepEqual(times(band), [1, 3, 4].map((s) => s * SEC));
    });

    it('bid / ask levels come from tickers', () => {
      const tickers = [mkTicker(1000, 99, 99.5), mkTicker(2000, 100.5, 101), mkTicker(3000, undefined, 101), mkTicker(4000, 99, 99.4)];
      const bid = backtest(mkRule({ type: 'price_level', source: 'bid', clauses: [{ op: 'crosses_above', level: 100 }] }), { tickers });
      assert.deepEqual(times(bid), [2000]);
      const ask = backtest(mkRule({ type: 'price_level', source: 'ask', clauses: [{ op: 'below', level: 100 }] }), { tickers });
      assert.deepEqual(times(ask), [1000, 4000]);
      assert.equal(ask.fires[0]!.message, 'BTC/USDT ask 99.5 is below 100');
    });
  });

  it('spread: absolute and percent of mid', () => {
    const tickers = [mkTicker(1000, 100, 100.05), mkTicker(2000, 100, 100.3), mkTicker(3000, 100, undefined), mkTicker(4000, 200, 200.3)];
    const abs = backtest(mkRule({ type: 'spread', unit: 'absolute', clauses: [{ op: 'above', level: 0.2 }] }), { tickers });
    assert.deepEqual(times(abs), [2000, 4000]);
    const pct = backtest(mkRule({ type: 'spread', unit: 'percent', clauses: [{ op: 'above', level: 0.2 }] }), { tickers });
    assert.deepEqual(times(pct), [2000]); // 0.3 / 100.15 = 0.2996 %; 0.3 / 200.15 = 0.1499 %
    assert.equal(pct.fires[0]!.message, 'BTC/USDT spread 0.300% is above 0.200%');
  });

  describe('percentage_change', () => {
    const candles = mkCandles([100, 101, 102.5, 104, 100, 98]);

    it('compares the close with the close lookback bars earlier, at each close', () => {
      const up = backtest(mkRule({ type: 'percentage_change', lookback: 2, clauses: [{ op: 'above', level: 2 }] }), { candles });
      assert.deepEqual(bars(up), [2 * MIN, 3 * MIN]);
      assert.deepEqual(times(up), [3 * MIN, 4 * MIN], 'a close is dated at the end of its bar');
      assert.equal(up.fires[0]!.message, 'BTC/USDT 1m change over 2 bars +2.50% is above +2.00% at the 1m close');
      const down = backtest(mkRule({ type: 'percentage_change', lookback: 2, clauses: [{ op: 'below', level: -2 }] }), { candles });
      assert.deepEqual(bars(down), [4 * MIN, 5 * MIN]);
      assert.ok(Math.abs(down.fires[1]!.value - (98 / 104 - 1) * 100) < 1e-12);
    });

    it('bars before `from` only warm up', () => {
      const r = backtest(mkRule({ type: 'percentage_change', lookback: 2, clauses: [{ op: 'above', level: 2 }] }), { candles }, { from: 3 * MIN });
      assert.deepEqual(bars(r), [3 * MIN]);
    });
  });

  describe('volatility', () => {
    const candles: Candle[] = [
      { time: 0, open: 100, high: 101, low: 99, close: 100, volume: 1 },
      { time: MIN, open: 100, high: 100.5, low: 99.5, close: 100, volume: 1 },
      { time: 2 * MIN, open: 100, high: 100.2, low: 99.9, close: 100, volume: 1 },
      { time: 3 * MIN, open: 100, high: 100.1, low: 99.9, close: 100, volume: 1 },
      { time: 4 * MIN, open: 100, high: 104, low: 100, close: 104, volume: 1 },
    ];

    it('range: (max high − min low) / close over the last lookback bars', () => {
      const r = backtest(mkRule({ type: 'volatility', measure: 'range', lookback: 2, clauses: [{ op: 'above', level: 0.9 }] }), { candles });
      // bar1: (101 − 99) / 100 = 2 %; bar2: (100.5 − 99.5) / 100 = 1 %; bar3: 0.3 %; bar4: (104 − 99.9) / 104 = 3.94 %
      assert.deepEqual(bars(r), [MIN, 2 * MIN, 4 * MIN]);
      assert.ok(Math.abs(r.fires[2]!.value - (4.1 / 104) * 100) < 1e-9);
      const quiet = backtest(mkRule({ type: 'volatility', measure: 'range', lookback: 2, clauses: [{ op: 'below', level: 0.5 }] }), { candles });
      assert.deepEqual(bars(quiet), [3 * MIN]);
    });

    it('stdev: sample standard deviation of close-to-close returns, equal to a direct computation', () => {
      const closes = [100, 101, 99, 102, 102, 98, 103, 104, 90, 95, 96];
      const cs = mkCandles(closes);
      const lookback = 4;
      const r = backtest(mkRule({ type: 'volatility', measure: 'stdev', lookback, clauses: [{ op: 'above', level: 0 }] }), { candles: cs });
      const expected: number[] = [];
      for (let i = lookback; i < closes.length; i++) {
        const rets = Array.from({ length: lookback }, (_, k) => (closes[i - k]! / closes[i - k - 1]! - 1) * 100);
        const mean = rets.reduce((a, b) => a + b, 0) / lookback;
        expected.push(Math.sqrt(rets.reduce((a, b) => a + (b - mean) ** 2, 0) / (lookback - 1)));
      }
      assert.equal(r.fires.length, expected.length);
      r.fires.forEach((f, i) => assert.ok(Math.abs(f.value - expected[i]!) < 1e-9, `${f.value} vs ${expected[i]}`));
      assert.deepEqual(bars(r)[0], lookback * MIN);
    });
  });

  describe('cvd', () => {
    const flow = mkTrades([
      [3 * SEC, 100, 5, 'buy'],
      [5 * SEC, 100, 0.5, 'sell'],
      [10 * SEC, 100, 1, 'buy'],
      [13 * SEC, 100, 1, 'buy'],
      [15 * SEC, 100, 1.5, 'buy'],
      [20 * SEC, 100, 1, 'sell'],
      [24 * SEC, 100, 3, 'sell'],
      [25 * SEC, 100, 4, 'buy'],
    ]);

    it('cvd_change: buy − sell over the rolling window, once a whole window was observed', () => {
      const r = backtest(mkRule({ type: 'cvd_change', windowMs: 10 * SEC, clauses: [{ op: 'above', level: 2 }, { op: 'below', level: -1 }] }), { trades: flow });
      // ready from 13 s (13 − 10 ≥ 3): 13 s: (3,13] = −0.5 + 1 + 1 = 1.5; 15 s: (5,15] = 1 + 1 + 1.5 = 3.5 ✓;
      // 20 s: (10,20] = 1 + 1.5 − 1 = 1.5; 24 s: (14,24] = 1.5 − 1 − 3 = −2.5 ✓; 25 s: (15,25] = −1 − 3 + 4 = 0
      assert.deepEqual(times(r), [15 * SEC, 24 * SEC]);
      assert.deepEqual(
        r.fires.map((f) => f.value),
        [3.5, -2.5],
      );
      assert.equal(r.fires[0]!.message, 'BTC/USDT CVD change over 10s +3.5 is above +2');
    });

    it('cvd_level: anchored to window periods, from the first period that started after the first trade seen', () => {
      const r = backtest(mkRule({ type: 'cvd_level', windowMs: 10 * SEC, clauses: [{ op: 'above', level: 2 }] }), { trades: flow });
      // period [0,10) not fully observed (first trade at 3 s); [10,20): 1, 2, 3.5 ✓; [20,30): −1, −4, 0
      assert.deepEqual(times(r), [15 * SEC]);
      assert.deepEqual(r.fires[0]!.value, 3.5);
    });

    it('cvd_ratio: buy / total volume over the rolling window', () => {
      const r = backtest(mkRule({ type: 'cvd_ratio', windowMs: 10 * SEC, clauses: [{ op: 'above', level: 0.9 }, { op: 'below', level: 0.3 }] }), { trades: flow });
      // 13 s: 2 / 2.5 = 0.8; 15 s: 3.5 / 3.5 = 1 ✓; 20 s: 2.5 / 3.5; 24 s: 1.5 / 5.5 = 0.27 ✓; 25 s: 4 / 8 = 0.5
      assert.deepEqual(times(r), [15 * SEC, 24 * SEC]);
    });
  });

  describe('indicator', () => {
    const closes = [10, 10, 10, 9, 12, 13, 8, 11];
    const candles = mkCandles(closes);

    it('close crosses above SMA(3): fires at the crossing closes only', () => {
      const rule = mkRule({ type: 'indicator', left: { kind: 'price', field: 'close' }, op: 'crosses_above', right: { kind: 'sma', period: 3, source: 'close' } });
      const r = backtest(rule, { candles });
      assert.deepEqual(bars(r), [4 * MIN, 7 * MIN]);
      assert.equal(r.fires[0]!.message, 'BTC/USDT 1m close 12 crossed above SMA(3) 10.3333 at the 1m close');
      const late = backtest(rule, { candles }, { from: 5 * MIN });
      assert.deepEqual(bars(late), [7 * MIN], 'the crossing state is primed by the warm-up bars');
    });

    it('RSI(3) below 30 against a number', () => {
      const rule = mkRule({ type: 'indicator', left: { kind: 'rsi', period: 3, source: 'close' }, op: 'below', right: 30 });
      const r = backtest(rule, { candles: mkCandles([10, 11, 12, 11, 10, 9, 8, 9, 10, 11]) });
      assert.ok(r.fires.length > 0);
      assert.ok(r.fires.every((f) => f.value < 30));
      assert.match(r.fires[0]!.message, /^BTC\/USDT 1m RSI\(3\) [\d.]+ is below 30 at the 1m close$/);
    });

    it('bars rebuilt from trades give the same closes as the candles (replace of the bar in progress)', () => {
      const rule = mkRule({ type: 'indicator', frequency: 'once_per_bar_close', left: { kind: 'ema', period: 3, source: 'close' }, op: 'crosses_below', right: { kind: 'sma', period: 4, source: 'close' } });
      const prices = [100, 102, 101, 105, 99, 97, 103, 104, 108, 101, 96, 95, 99, 102, 104, 98, 97];
      // Several trades per minute; the closes of the minute bars are the prices above.
      const rows: [number, number][] = [];
      prices.forEach((p, i) => {
        rows.push([i * MIN + 5 * SEC, p + 1.5], [i * MIN + 20 * SEC, p - 2], [i * MIN + 50 * SEC, p]);
      });
      const trades = mkTrades(rows);
      const fromTrades = backtest(rule, { trades });
      const candlesFromTrades: Candle[] = prices.map((p, i) => ({ time: i * MIN, open: p + 1.5, high: p + 1.5, low: p - 2, close: p, volume: 3 }));
      const fromCandles = backtest(rule, { candles: candlesFromTrades.slice(0, -1) }); // the last bar never closes in the trade replay
      assert.ok(fromCandles.fires.length >= 2, JSON.stringify(fromCandles.fires));
      assert.deepEqual(fromTrades.fires, fromCandles.fires);
    });
  });
});

describe('RollingFlow', () => {
  it('long windows aggregate per second: bounded entries, and the window edge is exact to the second', async () => {
    const { RollingFlow } = await import('../../../src/core/alerts/eval/rollingFlow');
    const flow = new RollingFlow(10 * MIN);
    // 10 trades per second for 20 minutes: 12,000 trades, 1,200 seconds
    for (let i = 0; i < 12_000; i++) flow.push({ id: String(i), timestamp: i * 100, price: 1, amount: 1, side: i % 4 === 0 ? 'sell' : 'buy' });
    // At t = 1,199,900 the window (599,900, 1,199,900] holds trades 6,000..11,999; the per-second entry of second
    // 599 (trades 5,990..5,999) stays until that whole second has left the window: 10 more.
    assert.equal(flow.buyVolume + flow.sellVolume, 6010);
    const exact = new RollingFlow(5 * MIN);
    for (let i = 0; i < 12_000; i++) exact.push({ id: String(i), timestamp: i * 100, price: 1, amount: 1, side: 'buy' });
    assert.equal(exact.buyVolume, 3000, 'short windows are exact to the millisecond');
  });
});

describe('late trades (an aggregate leg’s hole filled after its merged stream passed it)', () => {
  const trade = (timestamp: number, amount: number, side: 'buy' | 'sell' = 'buy') => ({ id: String(timestamp), timestamp, price: 1, amount, side });

  it('RollingFlow.addLate puts each in its place (one entry per second on long windows), drops those out of the window, and each leaves in its time', async () => {
    const { RollingFlow } = await import('../../../src/core/alerts/eval/rollingFlow');
    for (const [windowMs, entriesAt] of [[5 * SEC, 'ms'], [10 * MIN, 's']] as const) {
      const flow = new RollingFlow(windowMs);
      const start = windowMs === 5 * SEC ? 0 : 10 * MIN;
      flow.push(trade(start + 1000, 1));
      flow.push(trade(start + 4000, 2));
      flow.push(trade(start + 6000, 4));
      const before = flow.buyVolume;
      // 0.5 s (out of the window from 6 s on the short one), 2 s, 4 s (the same entry as the trade there), 5 s.
      const took = flow.addLate([trade(start + 5000, 8), trade(start + 2000, 16, 'sell'), trade(start + 4000, 32), trade(start + 500, 64)], 0);
      assert.equal(took, windowMs === 5 * SEC ? 3 : 4, `${entriesAt}: taken`);
      assert.equal(flow.buyVolume - before, windowMs === 5 * SEC ? 40 : 104, `${entriesAt}: the buys added once`);
      assert.equal(flow.sellVolume, 16);
      // Time moves on: each late trade leaves with its own time, not the newest's.
      flow.push(trade(start + windowMs + 3000, 0));
      assert.deepEqual([flow.buyVolume, flow.sellVolume], [2 + 4 + 8 + 32, 0], `${entriesAt}: 3 s on, those of 0.5 s, 1 s and 2 s have left`);
    }
    const empty = new RollingFlow(5 * SEC);
    empty.push(trade(10_000, 1));
    assert.equal(empty.addLate([trade(9000, 1)], 9500), 0, 'those before the observation began are not taken');
  });

  it('cvd_level counts the late trades of the period in progress only, and reads the sum at the newest time', async () => {
    const { createEvaluator } = await import('../../../src/core/alerts/eval/createEvaluator');
    const ev = createEvaluator(mkRule({ type: 'cvd_level', windowMs: 10 * SEC, clauses: [{ op: 'above', level: 0 }] }), { now: () => 0 });
    assert.equal(ev.input, 'trades');
    if (ev.input !== 'trades') return;
    const readings: Array<[number, number]> = [];
    const emit = (r: { time: number; value: number; lateAt: number | undefined }) => readings.push([r.time, r.value]);
    for (const t of [trade(1000, 1), trade(10_500, 2), trade(12_000, 1, 'sell')]) ev.trade(t, emit);
    assert.deepEqual(readings, [[10_500, 2], [12_000, 1]], 'the period from 10 s is the first whole one');
    ev.late([trade(9000, 50), trade(11_000, 4), trade(11_500, 1, 'sell')], emit);
    assert.deepEqual(readings.at(-1), [12_000, 4], 'the 9 s trade was in a period already read; 11 s and 11.5 s join this one, read at 12 s');
    ev.trade(trade(20_000, 1), emit);
    assert.deepEqual(readings.at(-1), [20_000, 1], 'the next period starts from nothing');
  });

  it("a reconnect bridged (its hole to come late) keeps each CVD rule's observation: the value after the hole is that of every trade in order; reset starts over", async () => {
    const { createEvaluator } = await import('../../../src/core/alerts/eval/createEvaluator');
    const all = [trade(1000, 1), trade(10_500, 2), trade(12_000, 1, 'sell'), trade(19_000, 4), trade(21_000, 2, 'sell'), trade(23_000, 8), trade(25_000, 1)];
    const stream = (hole: ReadonlySet<number>) => all.filter((t) => !hole.has(t.timestamp));
    for (const type of ['cvd_level', 'cvd_change', 'cvd_ratio'] as const) {
      const make = () => {
        const ev = createEvaluator(mkRule({ type, windowMs: 10 * SEC, clauses: [{ op: 'above', level: -100 }] }), { now: () => 0 });
        if (ev.input !== 'trades') throw new Error('a trades evaluator');
        const readings: Array<[number, number]> = [];
        return { ev, readings, emit: (r: { time: number; value: number }) => readings.push([r.time, r.value]) };
      };
      const truth = make();
      for (const t of all) truth.ev.trade(t, truth.emit);
      // The stream drops after 12 s and picks up at 25 s: 19 s, 21 s and 23 s come late, from REST.
      const hole = new Set([19_000, 21_000, 23_000]);
      const bridged = make();
      for (const t of stream(hole).filter((t) => t.timestamp <= 12_000)) bridged.ev.trade(t, bridged.emit);
      bridged.ev.bridge();
      for (const t of stream(hole).filter((t) => t.timestamp > 12_000)) bridged.ev.trade(t, bridged.emit);
      bridged.ev.late(all.filter((t) => hole.has(t.timestamp)), bridged.emit);
      assert.deepEqual(bridged.readings.at(-1), truth.readings.at(-1), `${type}: the ground truth's value at 25 s`);
      const restarted = make();
      for (const t of stream(hole).filter((t) => t.timestamp <= 12_000)) restarted.ev.trade(t, restarted.emit);
      restarted.ev.reset();
      for (const t of stream(hole).filter((t) => t.timestamp > 12_000)) restarted.ev.trade(t, restarted.emit);
      restarted.ev.late(all.filter((t) => hole.has(t.timestamp)), restarted.emit);
      assert.ok(restarted.readings.every(([time]) => time <= 12_000), `${type}: reset observes the window again from 25 s: no reading yet`);
    }
  });
});
