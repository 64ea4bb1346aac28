/** Which chart/snapshots the page draws: not one with the bars and look already on screen, nor an older one; every other. */
import * as assert from 'node:assert/strict';
import type { CandleWire } from '../../../src/shared/protocol';
import { BarStore } from '../../../src/webviews/chart/barStore';
import { barsMatch, flowsChanged, planSnapshot, type SnapshotLook } from '../../../src/webviews/chart/snapshotPlan';

const candles: CandleWire[] = [
  [60_000, 10, 12, 9, 11, 5],
  [120_000, 11, 13, 10, 12, 6],
  [180_000, 12, 12.5, 11, 11.5, 2, true, 185_000],
];
const look = (over: Partial<SnapshotLook> = {}): SnapshotLook => ({
  rev: 1,
  series: 'binance BTC/USDT 1m',
  options: { emaPeriods: [20, 50], showVolume: true },
  markers: [],
  tickSize: 0.01,
  footprint: false,
  legs: [],
  flows: [],
  ...over,
});
/** The chart's bars after a snapshot of `c`, as the page's ChartView holds them. */
const shown = (c: readonly CandleWire[]) => {
  const store = new BarStore();
  store.reset(c);
  return store;
};

describe('chart page: which snapshots are drawn (snapshotPlan)', () => {
  it('draws the first snapshot', () => {
    assert.equal(planSnapshot(undefined, [], look(), candles), 'draw');
  });

  it('does not draw again the bars and look it drew (the answer to its ready after the HTML\'s bars)', () => {
    const store = shown(candles);
    assert.equal(planSnapshot(look({ rev: 1 }), store.bars, look({ rev: 2 }), candles.map((c) => [...c] as CandleWire)), 'unchanged');
  });

  it('ignores a snapshot no newer than the last applied one, whatever it carries', () => {
    const store = shown(candles);
    assert.equal(planSnapshot(look({ rev: 5 }), store.bars, look({ rev: 4 }), candles.slice(0, 1)), 'stale');
    assert.equal(planSnapshot(look({ rev: 5 }), store.bars, look({ rev: 5 }), candles), 'stale');
  });

  it('draws a newer snapshot whose bars differ in any field, count or partial mark', () => {
    const store = shown(candles);
    const drawn = look({ rev: 1 });
    const next = look({ rev: 2 });
    const changed = (i: number, field: number, value: number | boolean | undefined): CandleWire[] => candles.map((c, j) => (j === i ? (Object.assign([...c], { [field]: value }) as CandleWire) : c));
    for (let field = 0; field <= 5; field++) assert.equal(planSnapshot(drawn, store.bars, next, changed(1, field, (candles[1]?.[field] as number) + 1000)), 'draw', `field ${field}`);
    assert.equal(planSnapshot(drawn, store.bars, next, candles.slice(0, 2)), 'draw', 'a bar fewer');
    assert.equal(planSnapshot(drawn, store.bars, next, [...candles, [240_000, 1, 1, 1, 1, 1]]), 'draw', 'a bar more');
    assert.equal(planSnapshot(drawn, store.bars, next, changed(0, 6, true)), 'draw', 'now partial');
    assert.equal(planSnapshot(drawn, store.bars, next, changed(2, 7, 190_000)), 'draw', 'partial since another time');
    assert.equal(planSnapshot(drawn, store.bars, next, [candles[0], candles[1], [180_000, 12, 12.5, 11, 11.5, 2]] as CandleWire[]), 'draw', 'no longer partial');
  });

  it('draws when the bars on screen changed since (a live update), though the snapshot equals the last one', () => {
    const store = shown(candles);
    store.apply([180_000, 12, 13, 11, 12.9, 3]);
    assert.equal(planSnapshot(look({ rev: 1 }), store.bars, look({ rev: 2 }), candles), 'draw');
  });

  it('does not draw again bars that live updates already brought to the snapshot\'s (the host\'s state then)', () => {
    const store = shown(candles.slice(0, 2));
    store.apply(candles[2] as CandleWire);
    assert.equal(planSnapshot(look({ rev: 1 }), store.bars, look({ rev: 2 }), candles), 'unchanged');
  });

  it('draws the same bars with another look: series, footprint, options, markers, legs or flows', () => {
    const store = shown(candles);
    const drawn = look({ rev: 1 });
    const others: Array<[string, Partial<SnapshotLook>]> = [
      ['series', { series: 'binance BTC/USDT 5m' }],
      ['footprint', { footprint: true }],
      ['volume', { options: { emaPeriods: [20, 50], showVolume: false } }],
      ['EMAs', { options: { emaPeriods: [20], showVolume: true } }],
      ['markers', { markers: [{ time: 60_000, text: 'fired', position: 'above' }] }],
      ['legs', { legs: ['binance BTC/USDT'] }],
      ['flows', { flows: [[60_000, 1, 2, 0, 0]] }],
    ];
    for (const [what, over] of others) assert.equal(planSnapshot(drawn, store.bars, look({ rev: 2, ...over }), candles), 'draw', what);
  });

  it('the same bars with a tick size learnt since (cached bars painted before the markets load) only change the price format', () => {
    const store = shown(candles);
    assert.equal(planSnapshot(look({ rev: 1, tickSize: undefined }), store.bars, look({ rev: 2 }), candles), 'retick');
    assert.equal(planSnapshot(look({ rev: 1 }), store.bars, look({ rev: 2, tickSize: 0.1 }), candles), 'retick');
    assert.equal(planSnapshot(look({ rev: 1, tickSize: undefined }), store.bars, look({ rev: 2, footprint: true }), candles), 'draw', 'and another look');
    assert.equal(planSnapshot(look({ rev: 1, tickSize: undefined }), shown(candles.slice(0, 2)).bars, look({ rev: 2 }), candles), 'draw', 'and other bars');
  });

  it('draws the flows of an aggregate once live updates changed them, even back to the last snapshot\'s', () => {
    const store = shown(candles);
    const flows = [[60_000, 1, 2, 0, 0]];
    const drawn = look({ rev: 1, legs: ['a', 'b'], flows });
    assert.equal(planSnapshot(drawn, store.bars, look({ rev: 2, legs: ['a', 'b'], flows }), candles), 'unchanged');
    assert.equal(planSnapshot(flowsChanged(drawn), store.bars, look({ rev: 2, legs: ['a', 'b'], flows }), candles), 'draw');
    assert.equal(flowsChanged(undefined), undefined);
  });

  it('a snapshot without rev (none older can be told) is still compared by content', () => {
    const store = shown(candles);
    assert.equal(planSnapshot(look({ rev: undefined }), store.bars, look({ rev: undefined }), candles), 'unchanged');
    assert.equal(planSnapshot(look({ rev: 3 }), store.bars, look({ rev: undefined }), candles.slice(1)), 'draw');
  });

  it('barsMatch compares times in seconds as the store keeps them', () => {
    assert.equal(barsMatch(shown([[60_500, 1, 1, 1, 1, 1]]).bars, [[60_900, 1, 1, 1, 1, 1]]), true);
    assert.equal(barsMatch(shown([[60_000, 1, 1, 1, 1, 1]]).bars, [[61_000, 1, 1, 1, 1, 1]]), false);
    assert.equal(barsMatch([], []), true);
  });
});
