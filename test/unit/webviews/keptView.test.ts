/** The chart's view kept across a page load: by the time of the bar at its right edge, or following the newest bar. */
import * as assert from 'node:assert/strict';
import type { Bar } from '../../../src/webviews/chart/barStore';
import { keepView, parseKeptView, sameView, viewRange } from '../../../src/webviews/chart/keptView';

const bars = (first: number, count: number): Bar[] => Array.from({ length: count }, (_, i) => ({ time: (first + i) * 60, open: 1, high: 1, low: 1, close: 1, volume: 1 }));
const S = 'binance BTC/USDT 1m';

describe('chart page: the view kept across a page load (keptView)', () => {
  it('a view back in the bars comes back on the same bar, though the bars now start elsewhere', () => {
    const kept = keepView(S, bars(100, 300), 150.5, 230.25);
    assert.deepEqual(kept, { series: S, width: 79.75, rightTime: 330 * 60, rightOffset: 0.25 });
    if (!kept) return;
    // 40 bars more in front (a longer history) and 5 newer ones: the same bar is at index 270.
    assert.deepEqual(viewRange(kept, S, bars(60, 345)), { from: 190.5, to: 270.25 });
  });

  it('a view on the newest bar keeps following it, with its zoom and the space right of it', () => {
    const kept = keepView(S, bars(100, 300), 220, 303);
    assert.deepEqual(kept, { series: S, width: 83, rightOffset: 4 });
    if (!kept) return;
    assert.deepEqual(viewRange(kept, S, bars(100, 310)), { from: 230, to: 313 });
  });

  it('gives no range for another series or a bar no longer held, so the chart opens at its newest bars', () => {
    const kept = keepView(S, bars(100, 300), 10, 50);
    if (!kept) return assert.fail('kept');
    assert.equal(viewRange(kept, 'binance BTC/USDT 5m', bars(100, 300)), undefined);
    assert.equal(viewRange(kept, S, bars(200, 300)), undefined, 'its right bar (150) is before the first held (200)');
    assert.equal(viewRange(kept, S, []), undefined);
  });

  it('keeps nothing of no bars or an empty view; an edge left of the first bar is on the first bar', () => {
    assert.equal(keepView(S, [], 0, 10), undefined);
    assert.equal(keepView(S, bars(0, 10), 5, 5), undefined);
    assert.equal(keepView(S, bars(0, 10), Number.NaN, 5), undefined);
    assert.deepEqual(keepView(S, bars(0, 10), -20, -3), { series: S, width: 17, rightTime: 0, rightOffset: -3 });
  });

  it('reads back only a well-formed view from the webview state', () => {
    const kept = { series: S, width: 80, rightTime: 600, rightOffset: 0.5 };
    assert.deepEqual(parseKeptView(JSON.parse(JSON.stringify(kept))), kept);
    assert.deepEqual(parseKeptView({ series: S, width: 80, rightOffset: 4 }), { series: S, width: 80, rightOffset: 4 });
    for (const bad of [undefined, null, 'x', { width: 80, rightOffset: 0 }, { series: S, width: 0, rightOffset: 0 }, { series: S, width: 80 }, { series: S, width: 80, rightOffset: 0, rightTime: 'x' }, { series: S, width: Infinity, rightOffset: 0 }])
      assert.equal(parseKeptView(bad), undefined, JSON.stringify(bad));
  });

  it('sameView tells a changed view from the one kept', () => {
    const a = { series: S, width: 80, rightOffset: 4 };
    assert.equal(sameView(a, { ...a }), true);
    assert.equal(sameView(a, { ...a, width: 81 }), false);
    assert.equal(sameView(a, { ...a, rightTime: 60 }), false);
    assert.equal(sameView(a, undefined), false);
    assert.equal(sameView(undefined, undefined), true);
  });
});
