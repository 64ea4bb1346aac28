import * as assert from 'node:assert/strict';
import { AggregateSeries, type LegCoverage } from '../../../src/core/aggregate/aggregateSeries';
import type { AggregateBarDelta } from '../../../src/core/aggregate/aggregateBar';
import type { Trade } from '../../../src/core/types';

const T0 = Date.UTC(2026, 0, 1, 12, 0);
const M = 60_000;
let n = 0;
const trade = (timestamp: number, price: number, amount: number, side: 'buy' | 'sell' = 'buy'): Trade => ({ id: String(++n), timestamp, price, amount, side });
const covered = (until: number): LegCoverage => ({ holes: [], coveredUntil: until });
const kinds = (ds: readonly AggregateBarDelta[]) => ds.map((d) => `${d.kind} ${(d.bar.time - T0) / M}${d.bar.partial ? ' partial' : ''}`);

describe('AggregateSeries: bars of an aggregated market', () => {
  it('sums volume and taker flow per leg, splits spot and perp, prices by volume weight, and fills a quiet bucket flat', () => {
    const s = new AggregateSeries('1m', ['spot', 'perp'], { kind: 'vwap' }, T0);
    s.add(0, trade(T0 + 1000, 100, 1), 1);
    s.add(1, trade(T0 + 2000, 110, 3, 'sell'), 3);
    s.add(0, trade(T0 + 3000, 102, 1), 1);
    s.add(1, trade(T0 + 2 * M + 5, 120, 1), 1);
    const [b0, b1, b2] = s.bars();
    const { open, high, low, close, ...flow } = b0!;
    // Each of open, high, low, close is the legs' own weighted by base volume: open (100·2 + 110·3)/5, high (102·2 + 110·3)/5.
    assert.deepEqual([open, high, low, close].map((p) => Number(p.toFixed(9))), [106, 106.8, 106, 106.8]);
    assert.deepEqual(
      { ...flow, legs: undefined },
      { time: T0, trades: 3, volume: 5, buyVolume: 2, sellVolume: 3, spot: { trades: 2, volume: 2, buyVolume: 2, sellVolume: 0 }, perp: { trades: 1, volume: 3, buyVolume: 0, sellVolume: 3 }, legs: undefined },
    );
    assert.deepEqual(b0!.legs, [{ trades: 2, volume: 2, buyVolume: 2, sellVolume: 0 }, { trades: 1, volume: 3, buyVolume: 0, sellVolume: 3 }]);
    assert.deepEqual([b1!.time, b1!.open, b1!.high, b1!.low, b1!.close, b1!.volume], [T0 + M, close, close, close, close, 0]);
    assert.deepEqual([b2!.open, b2!.close, b2!.volume], [120, 120, 1]);
  });

  it('closes a bar only once every leg has traded past its end, and each bar that changed is announced once per flush', () => {
    const s = new AggregateSeries('1m', ['spot', 'spot'], { kind: 'vwap' }, T0);
    s.add(0, trade(T0 + 1, 100, 1), 1);
    s.add(1, trade(T0 + 2, 100, 1), 1);
    assert.deepEqual(kinds(s.flush([covered(T0 + 1), covered(T0 + 2)])), ['updated 0']);
    s.add(0, trade(T0 + M + 1, 101, 1), 1);
    // Leg 1 has not traded past the first minute: a trade of it may still come.
    assert.deepEqual(kinds(s.flush([covered(T0 + M + 1), covered(T0 + 2)])), ['updated 1']);
    s.add(1, trade(T0 + M + 2, 101, 1), 1);
    assert.deepEqual(kinds(s.flush([covered(T0 + M + 1), covered(T0 + M + 2)])), ['closed 0', 'updated 1']);
    assert.deepEqual(kinds(s.flush([covered(T0 + M + 1), covered(T0 + M + 2)])), []);
    // A trade for a closed bar cannot change it.
    s.add(1, trade(T0 + 5, 90, 1), 1);
    assert.equal(s.bars()[0]!.low, 100);
  });

  it('marks the bars a leg may lack as partial, keeps them open while a fill may come, closes them partial once it cannot', () => {
    const s = new AggregateSeries('1m', ['spot', 'perp'], { kind: 'vwap' }, T0);
    for (let m = 0; m < 4; m++) s.add(0, trade(T0 + m * M + 10, 100 + m, 1), 1);
    s.add(1, trade(T0 + 10, 100, 1), 1);
    // Leg 1's socket went down after its trade at T0+10: every bar from the first minute on may lack its trades.
    const down: LegCoverage = { holes: [{ from: T0 + 10, until: undefined, settled: false }], coveredUntil: undefined };
    assert.deepEqual(kinds(s.flush([covered(T0 + 3 * M + 10), down])), ['updated 0 partial', 'updated 1 partial', 'updated 2 partial', 'updated 3 partial']);
    // Back, with a hole up to 2m30s that is being filled: bars 0..2 stay open and partial, bar 3 is whole again.
    s.add(1, trade(T0 + 2 * M + 30_000, 102, 1), 1);
    s.add(1, trade(T0 + 3 * M + 20, 103, 1), 1);
    const filling: LegCoverage = { holes: [{ from: T0 + 10, until: T0 + 2 * M + 30_000, settled: false }], coveredUntil: T0 + 3 * M + 20 };
    assert.deepEqual(kinds(s.flush([covered(T0 + 3 * M + 10), filling])), ['updated 2 partial', 'updated 3']);
    // The exchange cannot give those trades (settled): the bars close, and say partial for good.
    const settled: LegCoverage = { holes: [{ from: T0 + 10, until: T0 + 2 * M + 30_000, settled: true }], coveredUntil: T0 + 3 * M + 20 };
    s.add(0, trade(T0 + 4 * M, 104, 1), 1);
    assert.deepEqual(kinds(s.flush([covered(T0 + 4 * M), settled])), ['closed 0 partial', 'closed 1 partial', 'closed 2 partial', 'updated 4']);
  });

  it('a partial bar says since when inside it a leg may lack trades (its hole began there: a 1h bar partial since 12:37, not 12:00); the bars after it from their start', () => {
    const H = 60 * M;
    const s = new AggregateSeries('1h', ['spot', 'perp'], { kind: 'vwap' }, T0);
    s.add(0, trade(T0 + 10_000, 100, 1), 1);
    s.add(1, trade(T0 + 37 * M, 100, 1), 1);
    s.add(0, trade(T0 + H + 10_000, 101, 1), 1);
    s.add(0, trade(T0 + 2 * H + 10_000, 102, 1), 1);
    // Leg 1 dropped after its trade at 12:37: its trades after it may be missing, from inside bar 0 on.
    const down: LegCoverage = { holes: [{ from: T0 + 37 * M, until: undefined, settled: false }], coveredUntil: undefined };
    const since = (ds: readonly AggregateBarDelta[]) => ds.map((d) => [(d.bar.time - T0) / H, d.bar.partial, d.bar.partialSince === undefined ? undefined : (d.bar.partialSince - T0) / M]);
    assert.deepEqual(since(s.flush([covered(T0 + 2 * H + 10_000), down])), [
      [0, true, 37],
      [1, true, undefined],
      [2, true, undefined],
    ]);
    assert.deepEqual(s.bars().map((b) => b.partialSince), [T0 + 37 * M, undefined, undefined], 'the same in a snapshot');
    // Back at 13:30 and filled: whole again, nothing said.
    s.add(1, trade(T0 + H + 30 * M, 101, 1), 1);
    assert.deepEqual(since(s.flush([covered(T0 + 2 * H + 10_000), covered(T0 + H + 30 * M)])).slice(0, 2), [
      [0, undefined, undefined],
      [1, undefined, undefined],
    ]);
  });

  it("a hole that ends on a bar's first millisecond leaves that bar partial: the hole's last millisecond may lack trades", () => {
    const s = new AggregateSeries('1m', ['spot'], { kind: 'vwap' }, T0);
    s.add(0, trade(T0 + 10, 100, 1), 1);
    s.add(0, trade(T0 + M, 101, 1), 1);
    s.add(0, trade(T0 + 2 * M + 10, 102, 1), 1);
    // Settled with its last millisecond's trades not all in (REST's cut inside it, or not told from the socket's).
    const settled: LegCoverage = { holes: [{ from: T0 + 10, until: T0 + M, settled: true }], coveredUntil: T0 + 2 * M + 10 };
    assert.deepEqual(kinds(s.flush([settled])), ['closed 0 partial', 'closed 1 partial', 'updated 2']);
  });

  it('a filled hole clears the partial flag and its late trades land in their bars (open by time, not by arrival)', () => {
    const s = new AggregateSeries('1m', ['spot'], { kind: 'vwap' }, T0);
    s.add(0, trade(T0 + 30_000, 105, 1), 1);
    s.flush([{ holes: [{ from: T0, until: T0 + 30_000, settled: false }], coveredUntil: T0 + 30_000 }]);
    assert.equal(s.bars()[0]!.partial, true);
    s.add(0, trade(T0 + 1000, 100, 2, 'sell'), 2);
    const ds = s.flush([covered(T0 + 30_000)]);
    assert.deepEqual(kinds(ds), ['updated 0']);
    const b = s.bars()[0]!;
    assert.deepEqual([b.open, b.high, b.low, b.close, b.volume, b.sellVolume, b.partial], [100, 105, 100, 105, 3, 2, undefined]);
  });

  it('bars before the first priced one close with the bars after them: a late trade for one is left out, as for any closed bar, never held unsent (seed 5705)', () => {
    const s = new AggregateSeries('1m', ['spot', 'perp'], { kind: 'vwap' }, T0);
    s.add(0, trade(T0 + 2 * M + 10, 100, 1), 1);
    s.add(1, trade(T0 + 2 * M + 20, 101, 1), 1);
    s.add(0, trade(T0 + 3 * M + 10, 102, 1), 1);
    s.add(1, trade(T0 + 3 * M + 20, 103, 1), 1);
    // Bars 0 and 1 have no trade and no price before them: nothing to send.
    assert.deepEqual(kinds(s.flush([covered(T0 + 3 * M + 10), covered(T0 + 3 * M + 20)])), ['closed 2', 'updated 3']);
    // A lagging socket's resend older than the trades taken (inside a hole its leg settled): bar 0 is closed too.
    s.add(0, trade(T0 + 10, 99, 1), 1);
    assert.deepEqual(kinds(s.flush([covered(T0 + 3 * M + 10), covered(T0 + 3 * M + 20)])), []);
    assert.deepEqual(
      s.bars().map((b) => (b.time - T0) / M),
      [2, 3],
      'the bars held are the bars sent',
    );
  });

  it("prices by one leg when told: its OHLC, flat at its previous close in a bar it did not trade", () => {
    const s = new AggregateSeries('1m', ['spot', 'perp'], { kind: 'leg', leg: 1 }, T0);
    s.add(0, trade(T0 + 1, 100, 5), 5);
    s.add(1, trade(T0 + 2, 110, 1), 1);
    s.add(1, trade(T0 + 3, 111, 1), 1);
    s.add(0, trade(T0 + M + 1, 90, 5), 5);
    const [b0, b1] = s.bars();
    assert.deepEqual([b0!.open, b0!.high, b0!.low, b0!.close, b0!.volume], [110, 111, 110, 111, 7]);
    assert.deepEqual([b1!.open, b1!.close, b1!.volume], [111, 111, 5]);
  });
});

describe('AggregateSeries: a seed fetched as the aggregate started (our clock may be ahead of an exchange’s)', () => {
  const kline = (time: number, price: number, base: number) => ({ time, open: price, high: price, low: price, close: price, base });

  it('is partial from each leg’s newest kline on until confirmed; no live bar closes before; the confirmation revises those bars', () => {
    const since = T0 + 3 * M;
    const s = new AggregateSeries('1m', ['spot', 'spot'], { kind: 'vwap' }, since);
    // Leg 0's newest kline is the bucket before the start (it may have been in progress); leg 1's an older one.
    s.seed(T0, [[kline(T0, 100, 1), kline(T0 + 2 * M, 102, 1)], [kline(T0 + M, 101, 1)]], true);
    assert.deepEqual(
      s.bars().map((b) => `${(b.time - T0) / M}${b.partial ? ' partial' : ''}`),
      ['0 partial', '1 partial', '2 partial'],
      'bar 0 lacks leg 1’s kline; bars 1 and 2 wait for their confirmation',
    );
    assert.deepEqual([s.seedEdge(0), s.seedEdge(1)], [T0 + 2 * M, T0 + M]);
    s.add(0, trade(since + 10, 110, 1), 1);
    s.add(1, trade(since + M + 10, 111, 1), 1);
    s.add(0, trade(since + M + 20, 112, 1), 1);
    // Every leg is past the first live bar, but it follows the seed's close: it stays open.
    assert.deepEqual(kinds(s.flush([covered(since + M + 20), covered(since + M + 10)])), ['updated 3', 'updated 4']);
    // Again, with the trades each exchange made before `since` after the first request: leg 0's bucket 2 grew.
    s.confirmSeed([[kline(T0 + 2 * M, 103, 3)], [kline(T0 + M, 101, 1), kline(T0 + 2 * M, 99, 1)]]);
    assert.equal(s.seedEdge(0), undefined);
    const ds = s.flush([covered(since + M + 20), covered(since + M + 10)]);
    // Bar 1 is as it was, partial: leg 0 has no kline there (whether it did not trade cannot be told from a missing one).
    assert.deepEqual(kinds(ds), ['revised 2', 'closed 3']);
    const b2 = ds[0]!.bar;
    assert.deepEqual([b2.open, b2.close, b2.volume, b2.legs.map((l) => l.volume), b2.partial, b2.history], [102, 102, 4, [3, 1], undefined, true]);
    assert.equal(s.bars()[0]!.partial, true, 'bar 0 still lacks leg 1’s kline');
  });

  it('a leg whose klines could not be had again leaves its bars from its edge partial; the same klines again only make a bar whole (closed, not revised); a seed of older bars needs no confirmation', () => {
    const since = T0 + 2 * M;
    const s = new AggregateSeries('1m', ['spot', 'spot'], { kind: 'vwap' }, since);
    s.seed(T0, [[kline(T0, 100, 1), kline(T0 + M, 100, 1)], [kline(T0, 100, 1), kline(T0 + M, 100, 1)]], true);
    s.confirmSeed([[kline(T0 + M, 100, 2)], undefined]);
    assert.deepEqual(kinds(s.flush([covered(since), covered(since)])), ['revised 1 partial']);
    assert.deepEqual(s.bars().map((b) => [b.volume, b.partial]), [[2, undefined], [3, true]]);
    const again = new AggregateSeries('1m', ['spot', 'spot'], { kind: 'vwap' }, since);
    again.seed(T0, [[kline(T0, 100, 1), kline(T0 + M, 101, 1)], [kline(T0 + M, 103, 1)]], [false, true]);
    assert.deepEqual([again.seedEdge(0), again.seedEdge(1)], [undefined, T0 + M], 'only the leg whose answer held no bar from the start on waits');
    again.confirmSeed([undefined, [kline(T0 + M, 103, 1)]]);
    assert.deepEqual(kinds(again.flush([covered(since), covered(since)])), ['closed 1'], 'the same kline again: no revision, only whole now');
    const older = new AggregateSeries('1m', ['spot'], { kind: 'vwap' }, since);
    older.seed(T0, [[kline(T0, 100, 1), kline(T0 + M, 100, 1)]]);
    assert.deepEqual([older.seedEdge(0), older.bars().map((b) => b.partial)], [undefined, [undefined, undefined]]);
  });
});
