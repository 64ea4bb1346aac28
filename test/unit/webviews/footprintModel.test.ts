/** The chart's footprint state: full messages replace, changes merge by bar time and price; the visible-range profile. */
import * as assert from 'node:assert/strict';
import { FootprintModel, seriesKey, type FootprintSnapshot } from '../../../src/webviews/chart/footprintModel';
import type { FootprintBarWire } from '../../../src/shared/protocol';

const bar = (time: number, cells: FootprintBarWire['cells']): FootprintBarWire => ({ time, open: 100, high: 102, low: 100, close: 101, buy: 0, sell: 0, poc: 100, cells });

const BTC_1M = seriesKey('binance', 'BTC/USDT', '1m');
const snap: FootprintSnapshot = { series: BTC_1M, depth: 0, bucket: 1, imbalanceRatio: 3, bars: [], deltas: [] };

describe('FootprintModel (chart webview)', () => {
  it('keeps a footprint that came before its series\' candles (after a reload); drops one of another series', () => {
    const m = new FootprintModel();
    // After a reload the footprint's history can be in before the candles': chart/footprint, then chart/snapshot.
    m.reset({ ...snap, bars: [bar(60_000, [[100, 1, 0]]), bar(120_000, [[101, 2, 0]])] });
    assert.equal(m.showSeries(BTC_1M), false);
    assert.equal(m.size, 2, 'the snapshot of the same series kept the bars');
    // The user picks 5m: the 1m bars must not be drawn on the 5m candles.
    assert.equal(m.showSeries(seriesKey('binance', 'BTC/USDT', '5m')), true);
    assert.equal(m.size, 0);
    assert.deepEqual(m.deltas(), []);
  });


  it('merges changed cells into the bar held by price; a new bar after the last is an update, one before it a rebuild', () => {
    const m = new FootprintModel();
    m.reset({ ...snap, bars: [bar(60_000, [[100, 1, 0], [101, 0, 2]])], deltas: [[60_000, -1, -1]] });
    const change = m.apply([bar(60_000, [[101, 3, 2, 1]]), bar(120_000, [[102, 1, 1]])], [[60_000, 1, 1], [120_000, 0, 1]]);
    assert.equal(change.rebuild, false);
    assert.deepEqual(m.get(60_000)?.cells, [[100, 1, 0], [101, 3, 2, 1]]);
    assert.deepEqual(m.deltas(), [[60_000, 1, 1], [120_000, 0, 1]]);
    assert.equal(m.apply([bar(0, [[99, 1, 0]])], []).rebuild, true, 'history arriving after live bars');
  });

  it('the profile of the bars in a time range: rows by price, POC and 70 % value area by the shared rule', () => {
    const m = new FootprintModel();
    m.reset({ ...snap, bars: [bar(60_000, [[100, 1, 1], [101, 8, 2], [102, 1, 0]]), bar(120_000, [[101, 0, 5], [103, 4, 0]]), bar(180_000, [[90, 50, 0]])] });
    const p = m.profile(60_000, 120_000);
    assert.ok(p);
    assert.deepEqual(p.rows.map((r) => [r.price, r.buy, r.sell]), [[100, 1, 1], [101, 8, 7], [102, 1, 0], [103, 4, 0]]);
    assert.equal(p.poc, 101);
    assert.equal(p.maxVolume, 15);
    // total 22, 70 % = 15.4: 101 (15), then 103 is not adjacent; 102 (1) above vs 100 (2) below → 100 → 17.
    assert.deepEqual([p.valueAreaLow, p.valueAreaHigh], [100, 101]);
    assert.equal(m.profile(200_000, 300_000), undefined);
  });

  it('a profile over a partial bar (an outage not filled yet, a hole given up) says so, with the first such bar; whole again with it', () => {
    const m = new FootprintModel();
    m.reset({ ...snap, bars: [bar(60_000, [[100, 1, 1]]), { ...bar(120_000, [[101, 2, 0]]), partial: true }, { ...bar(180_000, [[102, 1, 0]]), partial: true }] });
    assert.equal(m.profile(60_000, 60_000)?.partialSince, undefined, 'over whole bars: nothing to say');
    assert.equal(m.profile(60_000, 180_000)?.partialSince, 120_000);
    assert.equal(m.sessionProfiles(0, 180_000)[0]?.partialSince, 120_000, 'a session over it too');
    m.apply([bar(120_000, [[101, 1, 0]]), bar(180_000, [])], []);
    assert.equal(m.profile(60_000, 180_000)?.partialSince, undefined, 'its trades in: whole');
  });

  it('a profile of more rows than the stack allows arguments (200,000 prices: a 1-tick bucket over a wide range) is made, its largest row found', () => {
    // V8's default stack (984 kB) holds at most about 123,000 arguments of 8 bytes.
    const m = new FootprintModel();
    const cells: FootprintBarWire['cells'] = Array.from({ length: 200_000 }, (_, i) => [10_000 + i / 100, 1 + (i % 7), 0]);
    m.reset({ ...snap, bars: [bar(60_000, cells)] });
    const p = m.profile(0, 60_000);
    assert.equal(p?.rows.length, 200_000);
    assert.equal(p?.maxVolume, 7);
    assert.equal(p?.poc, 10_000.06, 'the first row with the most volume');
  });

  it('one session profile per UTC day in range, each over all of its day\'s bars: volumes sum to the day\'s, POC and value area by the rule', () => {
    const DAY = 86_400_000;
    const m = new FootprintModel();
    // Day 0 late bars, day 1 early bars; day 2 has none.
    const day0 = [bar(DAY - 120_000, [[100, 1, 1], [101, 8, 2]]), bar(DAY - 60_000, [[101, 0, 5], [102, 1, 0]])];
    const day1 = [bar(DAY, [[90, 3, 3]]), bar(DAY + 60_000, [[91, 1, 0], [90, 0, 2]])];
    m.reset({ ...snap, bars: [...day0, ...day1] });
    // A view from the last bar of day 0 to day 2 still gets the whole of day 0.
    const sessions = m.sessionProfiles(DAY - 60_000, 2 * DAY + 1_000);
    assert.deepEqual(sessions.map((s) => [s.start, s.end, s.firstTime, s.lastTime]), [[0, DAY, DAY - 120_000, DAY - 60_000], [DAY, 2 * DAY, DAY, DAY + 60_000]]);
    const volume = (bars: FootprintBarWire[]) => bars.flatMap((b) => b.cells).reduce((t, c) => t + c[1] + c[2], 0);
    for (const [s, bars] of [[sessions[0]!, day0], [sessions[1]!, day1]] as const) assert.equal(s.rows.reduce((t, r) => t + r.buy + r.sell, 0), volume(bars));
    assert.equal(sessions[0]!.poc, 101);
    assert.equal(sessions[1]!.poc, 90);
    assert.deepEqual([sessions[1]!.valueAreaLow, sessions[1]!.valueAreaHigh], [90, 90]);
  });

  it('keeps its bars in time order through live, late and out-of-order bars; a range\'s profile reads exactly the bars in it', () => {
    const m = new FootprintModel();
    // A snapshot out of order, then live bars, a bar put between two held ones, and a merge into a held one.
    m.reset({ ...snap, bars: [bar(300_000, [[100, 1, 0]]), bar(60_000, [[100, 2, 0]]), bar(180_000, [[101, 0, 3]])] });
    m.apply([bar(360_000, [[102, 4, 0]]), bar(420_000, [[100, 0, 1]])], []);
    assert.equal(m.apply([bar(120_000, [[99, 5, 5]])], []).rebuild, true);
    m.apply([bar(300_000, [[103, 1, 1]])], []);
    assert.deepEqual(m.bars().map((b) => b.time), [60_000, 120_000, 180_000, 300_000, 360_000, 420_000]);
    // Against a plain filter over every bar, for each range between and on the bars' times.
    const all = m.bars();
    for (let from = 0; from <= 480_000; from += 30_000) {
      for (let to = from; to <= 480_000; to += 30_000) {
        const inRange = all.filter((b) => b.time >= from && b.time <= to);
        const volume = inRange.flatMap((b) => b.cells).reduce((t, c) => t + c[1] + c[2], 0);
        const p = m.profile(from, to);
        assert.equal(p?.rows.reduce((t, r) => t + r.buy + r.sell, 0) ?? 0, volume, `${from}..${to}`);
        assert.equal(p === undefined, inRange.length === 0, `${from}..${to}`);
      }
    }
    assert.deepEqual(m.profile(300_000, 300_000)?.rows.map((r) => [r.price, r.buy, r.sell]), [[100, 1, 0], [103, 1, 1]], 'the merged bar');
  });
});
