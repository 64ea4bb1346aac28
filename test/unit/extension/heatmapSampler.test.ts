import * as assert from 'node:assert/strict';
import type { OrderBook } from '../../../src/core/types';
import { FrameCoalescer } from '../../../src/extension/panels/frameCoalescer';
import { HeatmapBuffer } from '../../../src/extension/panels/heatmapBuffer';
import { HEATMAP_MERGE_RULES } from '../../../src/extension/panels/heatmapMessages';
import { columnsFor, HeatmapSampler } from '../../../src/extension/panels/heatmapSampler';
import { packNumbers, unpackNumbers } from '../../../src/extension/panels/packedNumbers';
import { parseHostMessage, type HeatmapColumnWire, type HostMessage } from '../../../src/shared/protocol';
import { ColumnRing } from '../../../src/webviews/heatmap/columnRing';

const book = (bid: number, ask: number, depth = 3): OrderBook => ({
  timestamp: 0,
  bids: Array.from({ length: depth }, (_, i) => [bid - i, i + 1] as const),
  asks: Array.from({ length: depth }, (_, i) => [ask + i, i + 2] as const),
});
const col = (time: number): HeatmapColumnWire => [time, [100, 1], [101, 2], []];

describe('liquidity heatmap: sampler and buffer', () => {
  it('a sample is the book as it stands, levels per side capped, with the trades since the last sample merged per price', () => {
    let now = 1000;
    const sent: HeatmapColumnWire[] = [];
    const s = new HeatmapSampler({ sampleMs: 100, levels: 2, minutes: 1, now: () => now }, (c) => sent.push(c));
    assert.equal(s.sample(), undefined, 'no book yet: no column');
    s.onTrades([{ id: 'a', timestamp: 1, price: 100, amount: 1, side: 'buy' }]);
    s.onBook(book(100, 101));
    s.onTrades([
      { id: 'b', timestamp: 2, price: 100, amount: 2, side: 'sell' },
      { id: 'c', timestamp: 3, price: 101, amount: 0.5, side: 'buy' },
      { id: 'd', timestamp: 4, price: 100, amount: 0.25, side: 'buy' },
    ]);
    assert.deepEqual(s.sample(), [1000, [100, 1, 99, 2], [101, 2, 102, 3], [100, 1.25, 2, 101, 0.5, 0]]);
    now = 1100;
    assert.deepEqual(s.sample(), [1100, [100, 1, 99, 2], [101, 2, 102, 3], []], 'no trade since: none in the column');
    s.bookLost();
    now = 1200;
    assert.equal(s.sample(), undefined, 'a lost book leaves a gap, never a stale copy');
    assert.equal(sent.length, 2);
    assert.deepEqual(s.buffer.columns(), sent);
  });

  it('samples on the market clock: a replay at 10× gets a column per 100 ms of its time, each with the trades up to its time', () => {
    let market = 50_000; // the replay's clock; 100 ms of real time pass between catch-ups, 1,000 ms of market time at 10×
    let real = 0;
    const sent: HeatmapColumnWire[] = [];
    const s = new HeatmapSampler({ sampleMs: 100, levels: 1, minutes: 1, now: () => market, realNow: () => real }, (c) => sent.push(c));
    s.onBook(book(100, 101));
    s.catchUp(); // starts at the clock's now
    market += 1000;
    real += 100;
    s.onTrades([
      { id: 'a', timestamp: 50_050, price: 100, amount: 1, side: 'buy' },
      { id: 'b', timestamp: 50_420, price: 101, amount: 2, side: 'sell' },
      { id: 'c', timestamp: 50_990, price: 100, amount: 3, side: 'buy' },
    ]);
    s.catchUp();
    market += 1000;
    real += 100;
    s.catchUp();
    const times = sent.map((c) => c[0]);
    assert.deepEqual(times, Array.from({ length: 21 }, (_, i) => 50_000 + i * 100), 'every 100 ms of market time, none skipped or doubled');
    const withTrades = sent.filter((c) => c[3].length > 0).map((c) => [c[0], c[3]]);
    assert.deepEqual(withTrades, [
      [50_100, [100, 1, 0]],
      [50_500, [101, 0, 2]],
      [51_000, [100, 3, 0]],
    ]);

    real += 100;
    s.catchUp();
    assert.equal(sent.length, 21, 'paused: the clock stands still, no column');
    market += 60_000; // a seek forward: no minute of filler columns, sampling starts again at the new now
    real += 100;
    s.catchUp();
    assert.equal(sent.at(-1)?.[0], market);
    assert.equal(sent.length, 22);
    market += 500; // live (or 1×) with a timer 500 ms late under load: one column at its now, not five stamped earlier
    real += 500;
    s.catchUp();
    assert.equal(sent.length, 23);
    assert.equal(sent.at(-1)?.[0], market);
    market -= 30_000; // a seek back: the same
    real += 100;
    s.clear();
    s.onBook(book(100, 101));
    s.catchUp();
    assert.equal(sent.at(-1)?.[0], market);
  });

  it('the buffer never holds more than its bound: minutes × 60,000 / sampleMs columns, the newest', () => {
    assert.equal(columnsFor(30, 100), 18_000);
    let now = 0;
    const s = new HeatmapSampler({ sampleMs: 1000, levels: 200, minutes: 0.25, now: () => now }, () => undefined);
    assert.equal(s.buffer.maxColumns, 15);
    s.onBook(book(100, 101, 200));
    let most = 0;
    for (let i = 0; i < 100; i++) {
      now = i;
      s.sample();
      most = Math.max(most, s.buffer.size);
    }
    assert.equal(most, 15);
    assert.deepEqual(s.buffer.columns().map((c) => c[0]), Array.from({ length: 15 }, (_, i) => 85 + i));
    assert.equal(s.buffer.bytes, 15 * 800 * 4, 'bytes held: 200 levels × 2 numbers × 2 sides per column, 32 bits each');
  });

  it('packs prices and sizes in 32 bits as whole units of their decimals, exactly, and keeps 64-bit floats where they do not fit', () => {
    const exact = (values: number[], bits: 32 | 64) => {
      const p = packNumbers(values);
      assert.deepEqual(unpackNumbers(p), values, `${values.join(', ')} come back as they went in`);
      assert.equal(p.data.BYTES_PER_ELEMENT * 8, bits, `${values.join(', ')} in ${bits} bits`);
    };
    exact([60_000.01, 59_999.99, 59_998.5, 60_000], 32);
    exact([0.00012345, 1.5, 12.123], 32);
    exact([0.00012345, 42.123], 64); // 4.2e9 units of 1e-8: past 32 bits
    exact([1e-8, 2.5e-7, 0], 32);
    exact([], 32);
    exact([0.1 + 0.2, 1], 64); // 0.30000000000000004: more decimals than a book has
    exact([0.001, 9_000_000], 64); // 9e9 thousandths: past 32 bits
    exact([1, Number.NaN], 64);
    const b = new HeatmapBuffer(2);
    const column: HeatmapColumnWire = [5, [60_000.01, 0.12345, 60_000, 3], [60_000.02, 0.1 + 0.2], [60_000.02, 0.5, 0]];
    b.push(column);
    assert.deepEqual(b.columns(), [column], 'a column with one odd size comes back exactly');
    assert.equal(b.bytes, 3 * 4 + 3 * 8 + 3 * 8, 'its prices in 32 bits, its sizes and trades in 64');
  });

  it('before(time, n): the newest n columns older than time, oldest first, across the ring seam', () => {
    const b = new HeatmapBuffer(5);
    for (let t = 1; t <= 8; t++) b.push(col(t * 10)); // holds 40..80
    assert.deepEqual(b.before(70, 2).map((c) => c[0]), [50, 60]);
    assert.deepEqual(b.before(45, 10).map((c) => c[0]), [40]);
    assert.deepEqual(b.before(40, 10), []);
    assert.deepEqual(b.columns(2).map((c) => c[0]), [70, 80]);
    assert.deepEqual(b.columns()[0], [40, [100, 1], [101, 2], []], 'a column comes back as it went in');
  });

  it('one message per frame: new columns append, older ones prepend, a snapshot supersedes both', () => {
    const sent: HostMessage[] = [];
    let flush: (() => void) | undefined;
    const c = new FrameCoalescer((m) => sent.push(m), (f) => ((flush = f), { cancel: () => (flush = undefined) }), HEATMAP_MERGE_RULES);
    c.send({ method: 'heatmap/columns', params: { columns: [col(1)] } });
    c.send({ method: 'heatmap/columns', params: { columns: [col(2)] } });
    c.send({ method: 'heatmap/older', params: { columns: [col(-2)] } });
    c.send({ method: 'heatmap/older', params: { columns: [col(-4), col(-3)] } });
    flush?.();
    assert.equal(sent.length, 1);
    const batch = sent[0]!;
    assert.ok(batch.method === 'panel/batch');
    assert.deepEqual(batch.params.messages.map((m) => [m.method, 'columns' in m.params ? m.params.columns.map((x) => x[0]) : []]), [
      ['heatmap/columns', [1, 2]],
      ['heatmap/older', [-4, -3, -2]],
    ]);
    c.send({ method: 'heatmap/columns', params: { columns: [col(3)] } });
    c.send({ method: 'heatmap/snapshot', params: { market: { exchange: 'x', symbol: 'y' }, sampleMs: 100, maxColumns: 10, columns: [col(3)] } });
    flush?.();
    const second = sent[1]!;
    assert.ok(second.method === 'panel/batch');
    assert.deepEqual(second.params.messages.map((m) => m.method), ['heatmap/snapshot']);
  });

  it('validates columns: flat levels in pairs, prices > 0, trades in triples', () => {
    assert.ok(parseHostMessage({ method: 'heatmap/columns', params: { columns: [[1, [100, 1, 99, 2], [101, 0.5], [100, 1, 0]]] } }).ok);
    const odd = parseHostMessage({ method: 'heatmap/columns', params: { columns: [[1, [100, 1, 99], [101, 0.5], []]] } });
    assert.ok(!odd.ok && odd.error.includes('params.columns[0][1]') && odd.error.includes('groups of 2'), JSON.stringify(odd));
    const zero = parseHostMessage({ method: 'heatmap/columns', params: { columns: [[1, [100, 1], [0, 0.5], []]] } });
    assert.ok(!zero.ok && zero.error.includes('params.columns[0][2][0]'), JSON.stringify(zero));
    const trades = parseHostMessage({ method: 'heatmap/columns', params: { columns: [[1, [], [], [100, 1]]] } });
    assert.ok(!trades.ok && trades.error.includes('groups of 3'));
  });

  it('a smaller bound keeps the newest columns held (bytes counted again), a larger one keeps all and takes more', () => {
    const b = new HeatmapBuffer(5);
    for (let t = 1; t <= 7; t++) b.push(col(t)); // the ring wrapped: 3..7 held
    const perColumn = b.bytes / b.size;
    b.resize(3);
    assert.deepEqual(b.columns().map((c) => c[0]), [5, 6, 7]);
    assert.equal(b.maxColumns, 3);
    assert.equal(b.bytes, 3 * perColumn);
    b.push(col(8));
    assert.deepEqual(b.columns().map((c) => c[0]), [6, 7, 8], 'bounded by the new size');
    b.resize(10);
    for (let t = 9; t <= 12; t++) b.push(col(t));
    assert.deepEqual(b.columns().map((c) => c[0]), [6, 7, 8, 9, 10, 11, 12], 'none dropped below the new bound');
    assert.deepEqual(b.before(9, 2).map((c) => c[0]), [7, 8]);
  });

  it('new settings: the columns held stay, later ones have the new levels, the running timer samples at the new interval and stops on dispose', () => {
    const realSet = globalThis.setInterval;
    const realClear = globalThis.clearInterval;
    const running = new Map<unknown, number>();
    globalThis.setInterval = ((fn: () => void, ms: number) => {
      const h = realSet(fn, 1e9); // never fires here: the test drives the samples
      running.set(h, ms);
      return h;
    }) as typeof setInterval;
    globalThis.clearInterval = ((h: ReturnType<typeof setInterval>) => {
      running.delete(h);
      realClear(h);
    }) as typeof clearInterval;
    try {
      let now = 1000;
      const s = new HeatmapSampler({ sampleMs: 100, levels: 3, minutes: 1, now: () => now }, () => undefined);
      const sampling = s.start();
      assert.deepEqual([...running.values()], [100]);
      s.onBook(book(100, 101, 5));
      for (let i = 0; i < 4; i++, now += 100) s.sample();
      s.reconfigure({ sampleMs: 250, levels: 1, minutes: 1 });
      assert.deepEqual([...running.values()], [250], 'one timer, at the new interval');
      assert.deepEqual(s.options, { sampleMs: 250, levels: 1, minutes: 1 });
      assert.equal(s.buffer.maxColumns, columnsFor(1, 250));
      s.sample();
      const held = s.buffer.columns();
      assert.deepEqual(held.map((c) => c[1].length / 2), [3, 3, 3, 3, 1], 'the held columns as sampled, the new one with 1 level per side');
      s.reconfigure({ sampleMs: 250, levels: 1, minutes: 2 });
      assert.equal(s.buffer.maxColumns, columnsFor(2, 250));
      assert.equal([...running.values()].length, 1, 'the same interval: the timer left alone');
      sampling.dispose();
      assert.equal(running.size, 0, 'nothing left running');
      s.reconfigure({ sampleMs: 100, levels: 1, minutes: 2 });
      assert.equal(running.size, 0, 'a stopped sampler is not started again by new settings');
    } finally {
      globalThis.setInterval = realSet;
      globalThis.clearInterval = realClear;
    }
  });

  it('an interval made finer: the page tells gaps against the wider one while columns sampled at it are held, so they get no false "no data" marks', () => {
    let now = 10_000;
    const s = new HeatmapSampler({ sampleMs: 2000, levels: 2, minutes: 1, now: () => now }, () => undefined);
    s.onBook(book(100, 101));
    for (let i = 0; i < 6; i++, now += 2000) s.sample();
    assert.equal(s.gapSampleMs, 2000);
    s.reconfigure({ sampleMs: 100, levels: 2, minutes: 1 });
    assert.equal(s.gapSampleMs, 2000, 'the held columns are two seconds apart');
    const page = new ColumnRing();
    page.reset(s.buffer.columns(), s.buffer.maxColumns, s.gapSampleMs);
    assert.equal(page.gaps.count, 0, 'no gap between columns two seconds apart');
    page.reset(s.buffer.columns(), s.buffer.maxColumns, s.options.sampleMs);
    assert.equal(page.gaps.count, 5, 'told against the new 100 ms, each space was "no data" (what the page showed)');
    // A real gap among the new columns is still one; once the wide columns have left the ring, the new interval.
    for (let i = 0; i < s.buffer.maxColumns; i++, now += 100) s.sample();
    assert.equal(s.gapSampleMs, 100, 'only columns 100 ms apart held');
    now += 3_000;
    s.sample();
    page.reset(s.buffer.columns(), s.buffer.maxColumns, s.gapSampleMs);
    assert.deepEqual(page.gaps.between(page.first, page.last).map((g) => g.ms), [3_100]);
    // Made coarser: the held fine columns are closer than the new interval, never a gap; clear() forgets the wider.
    s.reconfigure({ sampleMs: 500, levels: 2, minutes: 1 });
    assert.equal(s.gapSampleMs, 500);
    s.clear();
    assert.equal(s.gapSampleMs, 500);
  });
});
