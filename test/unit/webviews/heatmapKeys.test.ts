/** The heatmap's keys: which presses are the map's, and what each does to the view (the wheel's and the drag's moves by steps). */
import * as assert from 'node:assert/strict';
import type { HeatmapColumnWire } from '../../../src/shared/protocol';
import { ColumnRing } from '../../../src/webviews/heatmap/columnRing';
import { afterKey, heatKey, PAN_SHARE, ZOOM_STEP, type HeatKey, type KeyPress } from '../../../src/webviews/heatmap/heatmapKeys';
import { columnAtX, LIVE_VIEW, priceAtY, resolveView, type Viewport } from '../../../src/webviews/heatmap/heatmapModel';

const col = (t: number, mid = 100): HeatmapColumnWire => [t, [mid - 0.5, 1, mid - 1.5, 10], [mid + 0.5, 2, mid + 1.5, 1000], [mid + 0.5, 3, 0]];
const press = (key: string, mods: Partial<Omit<KeyPress, 'key'>> = {}): KeyPress => ({ key, shiftKey: false, ctrlKey: false, metaKey: false, altKey: false, ...mods });
const W = 300;
const H = 400;

describe('webviews/heatmap keys', () => {
  const ring = new ColumnRing();
  ring.reset(Array.from({ length: 200 }, (_, i) => col(i)), 1000);
  const newest = ring.last;
  /** The view after the presses, each applied to the view the one before left (as the page does). */
  const after = (vp: Viewport, ...keys: KeyPress[]): Viewport =>
    keys.reduce((v, k) => {
      const key = heatKey(k);
      assert.ok(key, `${k.key} is the map's`);
      return afterKey(key, v, resolveView(v, ring, W, H)!, newest);
    }, vp);

  it('+, = and - zoom time, Shift+arrows up and down zoom price, arrows pan, Home goes live, 0 resets; chords and other keys are left alone', () => {
    const keys: Array<[KeyPress, HeatKey | undefined]> = [
      [press('+', { shiftKey: true }), { kind: 'zoomTime', zoomIn: true }],
      [press('='), { kind: 'zoomTime', zoomIn: true }],
      [press('-'), { kind: 'zoomTime', zoomIn: false }],
      [press('_', { shiftKey: true }), { kind: 'zoomTime', zoomIn: false }],
      [press('ArrowUp', { shiftKey: true }), { kind: 'zoomPrice', zoomIn: true }],
      [press('ArrowDown', { shiftKey: true }), { kind: 'zoomPrice', zoomIn: false }],
      [press('ArrowLeft'), { kind: 'panTime', toward: -1 }],
      [press('ArrowRight'), { kind: 'panTime', toward: 1 }],
      [press('ArrowUp'), { kind: 'panPrice', toward: 1 }],
      [press('ArrowDown'), { kind: 'panPrice', toward: -1 }],
      [press('Home'), { kind: 'live' }],
      [press('0'), { kind: 'reset' }],
      [press('=', { ctrlKey: true }), undefined], // VS Code zooms the window
      [press('0', { metaKey: true }), undefined],
      [press('ArrowLeft', { altKey: true }), undefined],
      [press('ArrowLeft', { shiftKey: true }), undefined],
      [press('Tab'), undefined],
      [press('a'), undefined],
    ];
    for (const [k, expected] of keys) assert.deepEqual(heatKey(k), expected, `${JSON.stringify(k)}`);
  });

  it('zooming time by key keeps a live view live, and a moved one centred on the column in the middle', () => {
    const zoomed = after(LIVE_VIEW, press('='));
    assert.equal(zoomed.rightIndex, null);
    assert.equal(zoomed.colWidth, LIVE_VIEW.colWidth * ZOOM_STEP);
    assert.equal(after(zoomed, press('-')).colWidth, LIVE_VIEW.colWidth, 'one step out undoes one step in');
    const moved = after(LIVE_VIEW, press('ArrowLeft'), press('ArrowLeft'));
    const middle = columnAtX(resolveView(moved, ring, W, H)!, W / 2);
    const zoomedMoved = after(moved, press('+', { shiftKey: true }));
    assert.equal(Math.round(columnAtX(resolveView(zoomedMoved, ring, W, H)!, W / 2)), Math.round(middle));
  });

  it('the left arrow goes back in time a tenth of the view a press, leaving the price axis following the market; the right arrow comes back to live', () => {
    const r = resolveView(LIVE_VIEW, ring, W, H)!;
    const once = after(LIVE_VIEW, press('ArrowLeft'));
    assert.equal(once.rightIndex, newest - (W * PAN_SHARE) / r.colWidth);
    assert.deepEqual([once.centerPrice, once.pricePerPx], [null, null], 'a pan in time leaves the price axis as it was');
    const twice = after(LIVE_VIEW, press('ArrowLeft'), press('ArrowLeft'));
    assert.equal(twice.rightIndex, newest - (2 * W * PAN_SHARE) / r.colWidth, 'each press moves from where the one before left the view');
    assert.equal(after(twice, press('ArrowRight'), press('ArrowRight')).rightIndex, null, 'back at the newest: live again');
    assert.equal(after(LIVE_VIEW, press('ArrowRight')).rightIndex, null, 'live: nothing newer to go to');
  });

  it('the up arrow shows higher prices by a tenth of the view, Shift+up zooms the price axis in about the middle', () => {
    const r = resolveView(LIVE_VIEW, ring, W, H)!;
    const up = after(LIVE_VIEW, press('ArrowUp'));
    assert.ok(Math.abs((up.centerPrice ?? 0) - (r.center + H * PAN_SHARE * r.pricePerPx)) < 1e-9);
    assert.equal(up.rightIndex, null, 'a pan in price leaves live time live');
    assert.ok(Math.abs((after(up, press('ArrowDown')).centerPrice ?? 0) - r.center) < 1e-9, 'down undoes up');
    const zoomed = after(LIVE_VIEW, press('ArrowUp', { shiftKey: true }));
    const rz = resolveView(zoomed, ring, W, H)!;
    assert.ok(Math.abs(rz.pricePerPx - r.pricePerPx / ZOOM_STEP) < 1e-12, 'fewer price units a pixel: zoomed in');
    assert.ok(Math.abs(priceAtY(rz, H / 2) - priceAtY(r, H / 2)) < 1e-9, 'the price in the middle stays put');
  });

  it('Home follows the market again at the zoom chosen; 0 resets the zoom too', () => {
    const wandered = after(LIVE_VIEW, press('='), press('ArrowLeft'), press('ArrowUp'), press('ArrowUp', { shiftKey: true }));
    assert.notEqual(wandered.rightIndex, null);
    assert.deepEqual(after(wandered, press('Home')), { ...LIVE_VIEW, colWidth: LIVE_VIEW.colWidth * ZOOM_STEP });
    assert.deepEqual(after(wandered, press('0')), LIVE_VIEW);
  });
});
