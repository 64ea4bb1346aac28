/** FootprintSeries, CvdSeries, price buckets and the value area, on hand-made trades. */
import * as assert from 'node:assert/strict';
import { CvdSeries } from '../../../src/core/orderflow/cvdSeries';
import { FootprintSeries } from '../../../src/core/orderflow/footprintSeries';
import { TradeColumns } from '../../../src/core/orderflow/tradeColumns';
import { LegBar } from '../../../src/core/aggregate/legBar';
import { LateTies } from '../../../src/core/util/tradeOrder';
import { bucketStart } from '../../../src/core/timeframes';
import type { Trade } from '../../../src/core/types';
import { decimalsOf } from '../../../src/shared/util/decimals';
import { autoMultiple, autoMultipleForBars, bucketIndex, bucketPrice, priceBuckets } from '../../../src/core/orderflow/priceBuckets';
import { sessionProfiles, volumeProfile } from '../../../src/core/orderflow/volumeProfile';
import { valueArea } from '../../../src/shared/util/valueArea';

const T0 = Date.UTC(2026, 10, 29, 12, 0);
const MIN = 60_000;

describe('price buckets', () => {
  it('puts float-noisy prices in one bucket named by its lowest price', () => {
    const b = priceBuckets(0.1, 5);
    assert.equal(bucketIndex(0.1 + 0.2, b), bucketIndex(0.3, b));
    assert.equal(bucketPrice(bucketIndex(0.74, b), b), 0.5);
    assert.equal(bucketPrice(bucketIndex(1.0, b), b), 1);
    assert.equal(decimalsOf(1e-8), 8);
    assert.equal(decimalsOf(0.25), 2);
    assert.equal(decimalsOf(5), 0);
    assert.equal(decimalsOf(2.5e-7), 8, 'a mantissa with decimals adds them to the exponent');
    assert.equal(bucketPrice(3, priceBuckets(2.5e-7, 1)), 7.5e-7);
    assert.equal(bucketPrice(1_234_567, priceBuckets(0.01, 5)), 61_728.35);
  });
  it('refuses a bad spec, naming it', () => {
    assert.throws(() => priceBuckets(0, 1), /positive tick size \(got 0\)/);
    assert.throws(() => priceBuckets(0.01, 2.5), /whole multiple ≥ 1 of the tick \(got 2.5\)/);
  });
  it('picks a 1-2-5 multiple of at least 1 bp of the price', () => {
    assert.equal(autoMultiple(0.01, 100_000), 1000);
    assert.equal(autoMultiple(0.01, 3000), 50);
    assert.equal(autoMultiple(0.5, 100), 1);
  });
  it('for a chart, splits a typical bar (the median range) into about 14 rows', () => {
    const bars = [40, 300, 280, 100, 5000].map((r) => ({ high: 60_000 + r, low: 60_000, close: 60_000 }));
    assert.equal(autoMultipleForBars(0.01, bars), 2000, 'median range 280 / 14 = 20 USDT = 2000 ticks');
    assert.equal(autoMultipleForBars(0.01, []), 1, 'no bars, no price: one tick');
    assert.equal(autoMultipleForBars(0.01, [{ high: 3000, low: 3000, close: 3000 }]), 50, 'no range: the 1 bp rule');
  });
});

describe('FootprintSeries', () => {
  it('sums buy and sell per bucket, with OHLC, delta and the POC (lowest on a tie)', () => {
    const s = new FootprintSeries('1m', priceBuckets(1, 1));
    s.apply(T0, 100, 2, 'buy');
    s.apply(T0 + 1, 101, 1, 'sell');
    s.apply(T0 + 2, 101, 1, 'buy');
    s.apply(T0 + 3, 99, 0.5, 'sell');
    const [bar] = s.drain();
    assert.deepEqual(bar, {
      time: T0,
      open: 100,
      high: 101,
      low: 99,
      close: 99,
      buyVolume: 3,
      sellVolume: 1.5,
      delta: 1.5,
      poc: 100,
      cells: [
        { price: 99, buy: 0, sell: 0.5 },
        { price: 100, buy: 2, sell: 0, buyImbalance: true },
        { price: 101, buy: 1, sell: 1 },
      ],
    });
    assert.deepEqual(s.drain(), [], 'nothing changed since');
  });

  it('flags diagonal imbalances at the ratio: ask at p against bid one bucket below, bid at p against ask one above', () => {
    const s = new FootprintSeries('1m', priceBuckets(1, 1), { imbalanceRatio: 3 });
    s.apply(T0, 100, 1, 'sell'); // bid at 100
    s.apply(T0, 101, 3, 'buy'); // ask at 101 = 3 × bid at 100: buy imbalance
    s.apply(T0, 101, 0.5, 'sell'); // bid at 101 against ask at 102
    s.apply(T0, 102, 0.1, 'buy'); // 0.5 ≥ 3 × 0.1: sell imbalance at 101
    s.apply(T0, 103, 9, 'buy'); // nothing traded at 102 on the bid... 102's bid is 0: no imbalance for want of a counterpart
    const cells = s.snapshot()[0]!.cells;
    assert.deepEqual(
      cells.map((c) => [c.price, c.buyImbalance ?? false, c.sellImbalance ?? false]),
      [
        [100, false, false],
        [101, true, true],
        [102, false, false],
        [103, false, false],
      ],
    );
    const loose = new FootprintSeries('1m', priceBuckets(1, 1), { imbalanceRatio: 4 });
    loose.apply(T0, 100, 1, 'sell');
    loose.apply(T0, 101, 3, 'buy');
    assert.equal(loose.snapshot()[0]!.cells[1]!.buyImbalance, undefined, 'below the ratio');
  });

  it('a late trade lands in its own bar (found or inserted in order); the oldest bars go past maxBars', () => {
    const s = new FootprintSeries('1m', priceBuckets(1, 1), { maxBars: 3 });
    s.apply(T0, 100, 1, 'buy');
    s.apply(T0 + 2 * MIN, 100, 1, 'buy');
    s.drain();
    s.apply(T0 + MIN, 105, 1, 'sell');
    s.apply(T0 + 10, 101, 1, 'sell');
    assert.deepEqual(s.drain().map((b) => b.time), [T0, T0 + MIN]);
    assert.deepEqual(s.snapshot().map((b) => [b.time, b.close]), [[T0, 101], [T0 + MIN, 105], [T0 + 2 * MIN, 100]], 'a bar’s close is its newest trade by time, late or not');
    s.apply(T0 + 3 * MIN, 100, 1, 'buy');
    assert.deepEqual(s.snapshot().map((b) => b.time), [T0 + MIN, T0 + 2 * MIN, T0 + 3 * MIN]);
  });

  it('keeps exact cells however far a bar ranges: growing down and up, and a far print beside the traded range', () => {
    const b = priceBuckets(1, 1);
    const s = new FootprintSeries('1m', b);
    const expected = new Map<number, { buy: number; sell: number }>();
    const trade = (price: number, amount: number, side: 'buy' | 'sell') => {
      s.apply(T0, price, amount, side);
      const cell = expected.get(price) ?? { buy: 0, sell: 0 };
      cell[side] += amount;
      expected.set(price, cell);
    };
    trade(10_000, 1, 'buy');
    for (let p = 9_999; p > 9_000; p -= 7) trade(p, 0.5, 'sell'); // down past the first arrays
    trade(1_000_000, 2, 'buy'); // a far print: it must not make a million empty slots, nor be lost
    for (let p = 10_001; p < 12_500; p += 3) trade(p, 0.25, 'buy'); // up again, past the free span
    trade(1_000_000, 1, 'sell');
    trade(1, 3, 'sell'); // and one far below
    trade(10_000, 3, 'sell');
    const [bar] = s.drain();
    const want = [...expected].sort((x, y) => x[0] - y[0]).map(([price, c]) => [price, c.buy, c.sell]);
    assert.deepEqual(bar!.cells.map((c) => [c.price, c.buy, c.sell]), want, 'the drain: every cell changed in this batch');
    assert.deepEqual(s.snapshot()[0]!.cells.map((c) => [c.price, c.buy, c.sell]), want);
    assert.equal(bar!.poc, 10_000);
    s.apply(T0, 1_000_000, 1, 'buy');
    assert.deepEqual(s.drain()[0]!.cells.map((c) => [c.price, c.buy, c.sell]), [[1_000_000, 3, 1]], 'a far print changed alone, with no neighbours');
    s.apply(T0, 10_002, 1, 'buy');
    assert.deepEqual(s.drain()[0]!.cells.map((c) => c.price), [10_001, 10_002, 10_003].filter((p) => expected.has(p) || p === 10_002), 'a changed cell with its traded neighbours');
  });

  it('open and close are the first and last trades by time, however late they come (a hole filled after the trades that followed it)', () => {
    for (const batched of [false, true]) {
      const b = priceBuckets(1, 1);
      const s = new FootprintSeries('1m', b);
      const trades: Trade[] = [
        { id: '1', timestamp: T0 + 30_000, price: 100, amount: 1, side: 'buy' }, // the stream resumes
        { id: '2', timestamp: T0 + MIN + 5_000, price: 110, amount: 1, side: 'buy' },
        { id: '3', timestamp: T0 + 10_000, price: 90, amount: 1, side: 'sell' }, // the hole's trades, fetched late
        { id: '4', timestamp: T0 + 20_000, price: 95, amount: 1, side: 'sell' },
        { id: '5', timestamp: T0 + MIN + 1_000, price: 105, amount: 1, side: 'sell' },
      ];
      if (batched) s.applyColumns(new TradeColumns(b).fill(trades));
      else for (const t of trades) s.apply(t.timestamp, t.price, t.amount, t.side);
      assert.deepEqual(s.snapshot().map((bar) => [(bar.time - T0) / MIN, bar.open, bar.high, bar.low, bar.close]), [[0, 90, 100, 90, 100], [1, 105, 110, 105, 110]], batched ? 'as columns' : 'one at a time');
      // A late trade in the bar in progress, older than its newest: the close stays the newest.
      const late: Trade = { id: '6', timestamp: T0 + MIN + 3_000, price: 107, amount: 1, side: 'buy' };
      if (batched) s.applyColumns(new TradeColumns(b).fill([late]));
      else s.apply(late.timestamp, late.price, late.amount, late.side);
      assert.deepEqual(s.snapshot().map((bar) => [bar.open, bar.close]), [[90, 100], [105, 110]]);
    }
  });

  it('a late call’s own trades of one millisecond, ids not sequence numbers (Bybit’s UUIDs), stay in the order given: its first the open, its last the close, as LegBar takes them', () => {
    const b = priceBuckets(1, 1);
    const s = new FootprintSeries('1m', b);
    const legBars = [new LegBar(), new LegBar()];
    const calls: Array<{ trades: Trade[]; late?: LateTies }> = [
      { trades: [{ id: 'u-x', timestamp: T0 + 5_000, price: 100, amount: 1, side: 'buy' }, { id: 'u-z', timestamp: T0 + 50_000, price: 100, amount: 1, side: 'buy' }] },
      // A fill's trades at a millisecond not its hole's first: before the bar's open, in the order listed.
      { trades: [{ id: 'u-p', timestamp: T0 + 1_000, price: 101, amount: 1, side: 'sell' }, { id: 'u-q', timestamp: T0 + 1_000, price: 102, amount: 1, side: 'sell' }], late: new LateTies(T0) },
      // Another fill's, into a bar of their own (its first trade makes it).
      { trades: [{ id: 'u-r', timestamp: T0 + MIN + 1_000, price: 103, amount: 1, side: 'buy' }, { id: 'u-s', timestamp: T0 + MIN + 1_000, price: 104, amount: 1, side: 'buy' }], late: new LateTies(T0 + MIN) },
    ];
    for (const { trades, late } of calls) {
      s.applyColumns(new TradeColumns(b).fill(trades), late);
      for (const t of trades) (legBars[Math.floor((t.timestamp - T0) / MIN)] as LegBar).add(t, t.amount, late);
    }
    assert.deepEqual(s.snapshot().map((bar) => [bar.open, bar.close]), [[101, 100], [103, 104]], 'u-p opens the first bar; u-r opens and u-s closes the second');
    assert.deepEqual(legBars.map((l) => [l.open, l.close]), [[101, 100], [103, 104]], 'as the leg bars have them');
  });

  it('a batch as columns gives the same bars to the bit, and the same changes, as one trade at a time (late trades and far prints too)', () => {
    const b = priceBuckets(0.01, 500);
    const one = new FootprintSeries('1m', b);
    const batched = new FootprintSeries('1m', b);
    const columns = new TradeColumns(b);
    let seed = 7;
    const rand = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    let price = 50_000;
    let ts = T0;
    for (let batch = 0; batch < 40; batch++) {
      const trades: Trade[] = [];
      for (let i = 0; i < 250; i++) {
        price += (rand() - 0.5) * 40;
        ts += Math.floor(rand() * 2000);
        const r = rand();
        // 1 in 50 a late trade of an earlier bar; 1 in 100 a far print.
        const at = r < 0.02 ? ts - Math.floor(rand() * 5 * MIN) : ts;
        const p = r > 0.99 ? price * (rand() < 0.5 ? 0.5 : 2) : price;
        trades.push({ id: '', timestamp: at, price: p, amount: rand(), side: rand() < 0.5 ? 'buy' : 'sell' });
      }
      for (const t of trades) one.apply(t.timestamp, t.price, t.amount, t.side);
      batched.applyColumns(columns.fill(trades));
      const touched = new Set(trades.map((t) => `${bucketStart('1m', t.timestamp)} ${bucketIndex(t.price, b)}`));
      const changes = batched.drain();
      assert.deepEqual(changes, one.drain(), `batch ${batch}: the changes`);
      const held = new Map(batched.snapshot().map((bar) => [bar.time, new Set(bar.cells.map((c) => bucketIndex(c.price, b)))]));
      for (const bar of changes) {
        const cells = held.get(bar.time)!;
        const want = [...cells].filter((i) => [i - 1, i, i + 1].some((j) => touched.has(`${bar.time} ${j}`))).sort((x, y) => x - y);
        assert.deepEqual(bar.cells.map((c) => bucketIndex(c.price, b)), want, `batch ${batch}, bar ${bar.time}: the changed cells and their neighbours`);
      }
    }
    assert.deepEqual(batched.snapshot(), one.snapshot());
    assert.ok(one.length > 20);
  });

  it('marks the bars over a span partial and reports them changed', () => {
    const s = new FootprintSeries('1m', priceBuckets(1, 1));
    for (let i = 0; i < 4; i++) s.apply(T0 + i * MIN, 100, 1, 'buy');
    s.drain();
    s.markPartial(T0 + MIN + 30_000, T0 + 2 * MIN + 5);
    assert.deepEqual(s.drain().map((b) => [b.time, b.partial]), [[T0 + MIN, true], [T0 + 2 * MIN, true]]);
  });
});

describe('CvdSeries', () => {
  it('accumulates per-bar delta, resetting at UTC midnight per session or never when continuous', () => {
    const midnight = Date.UTC(2026, 10, 30);
    const feed = (s: CvdSeries) => {
      s.apply(midnight - MIN, 2, 'buy');
      s.apply(midnight - MIN + 1, 0.5, 'sell');
      s.apply(midnight, 1, 'sell');
      s.apply(midnight + MIN, 3, 'buy');
    };
    const session = new CvdSeries('1m', 'session');
    feed(session);
    assert.deepEqual(session.snapshot().map((b) => [b.delta, b.cvd]), [[1.5, 1.5], [-1, -1], [3, 2]]);
    const continuous = new CvdSeries('1m', 'continuous');
    feed(continuous);
    assert.deepEqual(continuous.snapshot().map((b) => b.cvd), [1.5, 0.5, 3.5]);
  });

  it('a late trade updates its bar and the CVD of the bars after it', () => {
    const s = new CvdSeries('1m', 'continuous');
    s.apply(T0, 1, 'buy');
    s.apply(T0 + 2 * MIN, 1, 'buy');
    s.drain();
    s.apply(T0 + MIN, 4, 'sell');
    assert.deepEqual(s.drain().map((b) => [b.time, b.delta, b.cvd]), [[T0 + MIN, -4, -3], [T0 + 2 * MIN, 1, -2]]);
  });
});

describe('volume profile', () => {
  it('takes the POC, then the larger neighbour (upper on a tie) until 70 % of the volume', () => {
    assert.deepEqual(valueArea([1, 2, 10, 3, 3, 1]), { poc: 2, low: 2, high: 4, volume: 20 });
    assert.deepEqual(valueArea([1, 4, 10, 3, 3, 1]), { poc: 2, low: 1, high: 3, volume: 22 });
    assert.deepEqual(valueArea([5]), { poc: 0, low: 0, high: 0, volume: 5 });
  });

  it('treats volumes equal but for the order they were summed in as equal: the same trades give the same area', () => {
    const noisy = 0.1 + 0.2; // 0.30000000000000004: the same 0.3 summed in another order
    assert.ok(noisy > 0.3);
    const area = (volumes: number[], share?: number) => {
      const { poc, low, high } = valueArea(volumes, share);
      return { poc, low, high };
    };
    assert.deepEqual(area([noisy, 1, 0.3], 0.8), { poc: 1, low: 1, high: 2 }, 'a tie: the upper row');
    assert.deepEqual(area([0.3, 1, noisy], 0.8), { poc: 1, low: 1, high: 2 }, 'the upper row either way');
    assert.equal(valueArea([0.3, noisy, 0.1]).poc, 0, 'the POC is the first of two equal rows');
    assert.deepEqual(area([0.3 + 1e-6, 1, 0.3], 0.8), { poc: 1, low: 0, high: 1 }, 'a difference that is real still counts');
    assert.equal(valueArea([0.3, 0.3 + 1e-6]).poc, 1);
    assert.deepEqual(area([0.25, 0.5, 0.25], 1), { poc: 1, low: 0, high: 2 }, 'all of it: the area reaches both ends');
  });

  it('merges bars by price over a range, and per UTC session', () => {
    const s = new FootprintSeries('1h', priceBuckets(1, 1));
    const day2 = Date.UTC(2026, 10, 30);
    s.apply(day2 - 60 * MIN, 100, 4, 'buy');
    s.apply(day2 - 60 * MIN, 101, 1, 'sell');
    s.apply(day2, 101, 5, 'sell');
    const bars = s.snapshot();
    const all = volumeProfile(bars)!;
    assert.deepEqual(all.rows, [{ price: 100, buy: 4, sell: 0 }, { price: 101, buy: 0, sell: 6 }]);
    assert.equal(all.poc, 101);
    assert.equal(all.volume, 10);
    assert.deepEqual(sessionProfiles(bars).map((p) => [p.from, p.poc, p.volume]), [[day2 - 60 * MIN, 100, 5], [day2, 101, 5]]);
    assert.equal(volumeProfile(bars, day2 + 1), undefined, 'nothing in the range');
  });
});
