import * as assert from 'node:assert/strict';
import type { HeatmapColumnWire } from '../../../src/shared/protocol';
import { ColumnRing } from '../../../src/webviews/heatmap/columnRing';
import { colourLut, heatRamp, NO_LEVEL } from '../../../src/webviews/heatmap/heatRamp';
import { colourise, largestIn, levelsInBand, paintHeat, paintLevels, wrapped, type HeatPaint } from '../../../src/webviews/heatmap/heatLayer';
import { groupsIn, pixelMap, planHeat, pxOf, rightEdge, SCALE_HEADROOM, scaleStillHolds, scaleTooHigh, strideFor, topRow, type HeatFrame, type HeldHeat } from '../../../src/webviews/heatmap/heatPlan';
import { LIVE_VIEW, resolveView, type HeldPrice, type Resolved } from '../../../src/webviews/heatmap/heatmapModel';

/** A column of 20 levels a side around `mid`, sizes varying with `t` but never above 50. */
const col = (t: number, mid = 100): HeatmapColumnWire => [
  t,
  Array.from({ length: 20 }, (_, k) => [mid - 0.5 - k, 1 + ((t * 7 + k * 3) % 40)]).flat(),
  Array.from({ length: 20 }, (_, k) => [mid + 0.5 + k, 1 + ((t * 5 + k * 11) % 40)]).flat(),
  [],
];

const frameOf = (ring: ColumnRing, r: Resolved, over: Partial<HeatFrame> = {}): HeatFrame => ({
  epoch: ring.epoch,
  olderUpTo: ring.olderUpTo,
  first: ring.first,
  last: ring.last,
  right: r.right,
  live: true,
  width: r.width,
  height: r.height,
  dpr: 1,
  colWidth: r.colWidth,
  center: r.center,
  pricePerPx: r.pricePerPx,
  themeKey: 'dark',
  ...over,
});

function heldFor(ring: ColumnRing, f: HeatFrame): HeldHeat {
  const map = pixelMap(f.right, f.colWidth, f.dpr, f.center, f.pricePerPx, f.height);
  return { frame: f, map, maxSize: 100, maxSeq: ring.last };
}

describe('webviews/heatmap drawing plan', () => {
  it('columns under a device pixel are drawn in groups aligned to their numbers, each at least a pixel wide, covering every pixel once', () => {
    assert.deepEqual([3, 1, 0.5, 0.3, 0.05].map(strideFor), [1, 1, 2, 4, 20]);
    for (const [colWidth, anchor] of [[3, 1001], [1.15, 77], [0.3, 18_001], [0.05, 5.5]] as const) {
      const m = pixelMap(anchor - 1, colWidth, 1, 100, 0.5, 300);
      const groups = groupsIn(m, -400, 0);
      let x = -400;
      for (const g of groups) {
        assert.equal(g.x0, x, `contiguous at ${colWidth}`);
        assert.ok(g.x1 > g.x0);
        x = g.x1;
      }
      assert.equal(x, 0, `up to the right edge at ${colWidth}`);
      assert.equal(pxOf(m, anchor), 0);
    }
  });

  it('a live view with a new column paints only its strip; a second frame with nothing new paints nothing', () => {
    const ring = new ColumnRing();
    ring.reset(Array.from({ length: 300 }, (_, t) => col(t)), 1000);
    const r = resolveView(LIVE_VIEW, ring, 400, 300)!;
    const f = frameOf(ring, r);
    assert.deepEqual(planHeat(undefined, f), { kind: 'full', why: 'first draw' });
    const held = heldFor(ring, f);
    assert.deepEqual(planHeat(held, f), { kind: 'none' });
    ring.append([col(300), col(301)]);
    const next = frameOf(ring, { ...r, right: ring.last });
    assert.deepEqual(planHeat(held, next), { kind: 'incremental', rects: [[0, 6, 0, 300]] }, 'two 3-pixel columns past the old right edge');
  });

  it('a full redraw when the view, size, theme, price range or snapshot change, when older columns land in view, or when more is new than fits', () => {
    const ring = new ColumnRing();
    ring.reset(Array.from({ length: 300 }, (_, t) => col(t)), 1000);
    const r = resolveView(LIVE_VIEW, ring, 400, 300)!;
    const f = frameOf(ring, r);
    const held = heldFor(ring, f);
    const why = (over: Partial<HeatFrame>) => {
      const p = planHeat(held, { ...f, ...over });
      return p.kind === 'full' ? p.why : p.kind;
    };
    assert.equal(why({ width: 401 }), 'size');
    assert.equal(why({ dpr: 2 }), 'size');
    assert.equal(why({ themeKey: 'light' }), 'theme');
    assert.equal(why({ colWidth: 2 }), 'time zoom');
    assert.equal(why({ center: f.center + 0.3 * f.pricePerPx }), 'price range', 'a centre between two rows');
    assert.equal(why({ center: f.center + 300 * f.pricePerPx }), 'price range', 'a centre a whole picture away');
    assert.equal(why({ pricePerPx: 1 }), 'price zoom');
    assert.equal(why({ epoch: f.epoch + 1 }), 'snapshot');
    assert.equal(why({ right: f.right - 10, live: false }), 'pan');
    assert.equal(why({ right: f.right + 200, last: f.last + 200 }), 'more new columns than fit');
    assert.equal(why({ olderUpTo: f.last - 5 }), 'older columns in view');
    assert.equal(why({ olderUpTo: f.right - 1000 }), 'none', 'older history far left of the view draws nothing');
    ring.append([col(300)]);
    const scrolled = planHeat({ ...held, maxSeq: f.right - 200 }, frameOf(ring, { ...r, right: ring.last }));
    assert.deepEqual(scrolled, { kind: 'incremental', rects: [[0, 3, 0, 300]], rescale: 'scale column left the view' }, 'the column that set the colour scale scrolled out: the new strip, then a new scale (no full redraw)');
  });

  it('the oldest columns leaving a view wider than the buffer repaint their strip', () => {
    const ring = new ColumnRing();
    ring.reset(Array.from({ length: 100 }, (_, t) => col(t)), 100);
    const r = resolveView(LIVE_VIEW, ring, 400, 300)!;
    const f = frameOf(ring, r);
    const held = heldFor(ring, f);
    ring.append([col(100)]);
    const plan = planHeat(held, frameOf(ring, { ...r, right: ring.last }));
    assert.equal(plan.kind, 'incremental');
    if (plan.kind === 'incremental') assert.deepEqual(plan.rects, [[0, 3, 0, 300], [-300, -297, 0, 300]], 'the new column at the right, the one gone at the left');
  });

  it('a price centre moved by whole rows paints the band it reveals, across the whole width', () => {
    const ring = new ColumnRing();
    ring.reset(Array.from({ length: 300 }, (_, t) => col(t)), 1000);
    const r = resolveView(LIVE_VIEW, ring, 400, 300)!;
    const f = frameOf(ring, r);
    const held = heldFor(ring, f);
    assert.equal(topRow(held.map, f.center, 300), 0);
    assert.deepEqual(planHeat(held, { ...f, center: f.center + 7 * f.pricePerPx }), { kind: 'incremental', rects: [[-400, 0, -7, 0]] }, 'up 7 rows: 7 new rows on top');
    assert.deepEqual(planHeat(held, { ...f, center: f.center - 2 * f.pricePerPx }), { kind: 'incremental', rects: [[-400, 0, 300, 302]] });
  });

  it('the held colour scale is set again when new sizes outgrow it, or when the largest size in view falls well below it', () => {
    const ring = new ColumnRing();
    ring.reset([col(1)], 10);
    const f = frameOf(ring, resolveView(LIVE_VIEW, ring, 400, 300)!);
    const held: HeldHeat = { ...heldFor(ring, f), maxSize: 40 * SCALE_HEADROOM };
    assert.equal(scaleStillHolds(held, 50), true, 'within the headroom');
    assert.equal(scaleStillHolds(held, 51), false);
    assert.equal(scaleTooHigh(held, 30), false);
    assert.equal(scaleTooHigh(held, 20), true, 'the wall that set it scrolled out of the price range: everything would read dim');
  });

  it('a ring rectangle wraps into at most four pieces that tile it', () => {
    assert.deepEqual(wrapped(10, 8, 3, 2, 4, 4), [[3, 2, 4, 4, 0, 0]]);
    assert.deepEqual(wrapped(10, 8, -2, 6, 10, 8), [
      [8, 6, 2, 2, 0, 0],
      [8, 0, 2, 6, 0, 2],
      [0, 6, 8, 2, 2, 0],
      [0, 0, 8, 6, 2, 2],
    ]);
  });

  it('painting what each frame reveals gives the same pixels as painting everything, as columns arrive and the price moves, at whole and fractional column widths and zoomed out', () => {
    const W = 200;
    const H = 120;
    for (const colWidth of [3, 1.15, 0.3]) {
      const ring = new ColumnRing();
      const midAt = (t: number) => 100 + Math.round(Math.sin(t / 10) * 30);
      // Enough columns for the widest view (200 px at 0.3 px: 667), and a bound the new columns go past (oldest dropped).
      ring.reset(Array.from({ length: 700 }, (_, t) => col(t, midAt(t))), 750);
      const view = { ...LIVE_VIEW, colWidth };
      const r0 = resolveView(view, ring, W, H)!;
      const f0 = frameOf(ring, r0);
      const map = pixelMap(r0.right, colWidth, 1, r0.center, r0.pricePerPx, H);
      const step = ring.levelStep(ring.last);
      assert.ok(largestIn(ring, map, [-W, 0, 0, H], step).size <= 60);
      // A scale of 60 above every size, set by a column that stays in view: the scale holds throughout.
      let held: HeldHeat = { frame: f0, map, maxSize: 60, maxSeq: Number.MAX_SAFE_INTEGER };
      let price: HeldPrice = { center: r0.center, pricePerPx: r0.pricePerPx, height: H, dpr: 1 };
      const paint: HeatPaint = { ring, map, lut: colourLut(heatRamp('dark', '#1e1e1e'), 60), step };
      const pixels = new Uint32Array(W * H);
      paintHeat(pixels, W, H, paint, [-W, 0, 0, H]);
      let bands = 0;
      let r = r0;
      for (let t = 700; t < 800; t++) {
        ring.append([col(t, midAt(t))]);
        r = resolveView(view, ring, W, H, price)!;
        const plan = planHeat(held, frameOf(ring, r));
        assert.ok(plan.kind !== 'full', `column ${t} at width ${colWidth}: ${plan.kind === 'full' ? plan.why : ''}`);
        if (plan.kind === 'incremental') for (const rect of plan.rects) paintHeat(pixels, W, H, paint, rect);
        if (r.center !== price.center) bands++;
        held = { ...held, frame: frameOf(ring, r) };
        price = { ...price, center: r.center };
      }
      assert.ok(bands > 3, `the price centre moved (${bands} times)`);
      const edge = rightEdge(map, ring.last);
      const top = topRow(map, r.center, H)!;
      const whole = new Uint32Array(W * H);
      paintHeat(whole, W, H, paint, [edge - W, edge, top, top + H]);
      const differing = pixels.reduce((n, p, i) => n + (p === whole[i] ? 0 : 1), 0);
      assert.equal(differing, 0, `pixels differing from a full paint at column width ${colWidth}`);
    }
  });
  it('a new colour scale recoloured from the levels held gives the same pixels as painting everything on that scale, after strips painted on the old one', () => {
    const W = 160;
    const H = 100;
    const ring = new ColumnRing();
    ring.reset(Array.from({ length: 400 }, (_, t) => col(t)), 1000);
    const r0 = resolveView(LIVE_VIEW, ring, W, H)!;
    const map = pixelMap(r0.right, r0.colWidth, 1, r0.center, r0.pricePerPx, H);
    const step = ring.levelStep(ring.last);
    const colours = heatRamp('light', '#ffffff');
    const old: HeatPaint = { ring, map, lut: colourLut(colours, 60), step };
    const pixels = new Uint32Array(W * H);
    const levels = new Uint16Array(W * H);
    paintHeat(pixels, W, H, old, [-W, 0, 0, H], levels);
    let held: HeldHeat = { frame: frameOf(ring, r0), map, maxSize: 60, maxSeq: Number.MAX_SAFE_INTEGER };
    for (let t = 400; t < 420; t++) {
      ring.append([col(t)]);
      const f = frameOf(ring, { ...r0, right: ring.last });
      const plan = planHeat(held, f);
      if (plan.kind === 'incremental') for (const rect of plan.rects) paintHeat(pixels, W, H, old, rect, levels);
      held = { ...held, frame: f };
    }
    const edge = rightEdge(map, ring.last);
    const scale = 25; // below the largest sizes: the top colour shows
    colourise(pixels, levels, W, H, colourLut(colours, scale), [0, W, 0, H]);
    const whole = new Uint32Array(W * H);
    paintHeat(whole, W, H, { ...old, lut: colourLut(colours, scale) }, [edge - W, edge, 0, H]);
    assert.equal(pixels.reduce((n, p, i) => n + (p === whole[i] ? 0 : 1), 0), 0, 'pixels differing from a full paint on the new scale');
    assert.notDeepEqual(pixels, (() => {
      const before = new Uint32Array(W * H);
      paintHeat(before, W, H, old, [edge - W, edge, 0, H]);
      return before;
    })(), 'the scale changed the colours');
    const bare = new Uint16Array(W * H);
    paintLevels(bare, W, H, old, [edge - W, edge, 0, H]);
    assert.ok(bare.some((v) => v === NO_LEVEL) && bare.some((v) => v > NO_LEVEL), 'levels and background both in view');
  });

  it('the levels in a price band, found by bisection, are exactly those a walk over every level finds, in the same order', () => {
    const ring = new ColumnRing();
    ring.reset([col(1, 100), [2, [99.5, 1, 98.5, 2], [], []], [3, [], [100.5, 4], []], [4, [], [], []]], 10);
    const walk = (seq: number, lo: number, hi: number) => {
      const out: [number, number, string][] = [];
      for (const side of ['bid', 'ask'] as const) for (let k = 0; k < ring.count(seq, side); k++) if (ring.price(seq, side, k) >= lo && ring.price(seq, side, k) <= hi) out.push([ring.price(seq, side, k), ring.size(seq, side, k), side]);
      return out;
    };
    let bands = 0;
    for (let seq = ring.first; seq <= ring.last; seq++) {
      for (let lo = 75; lo <= 125; lo += 0.75) {
        for (const width of [0, 0.5, 1, 3, 17, 60]) {
          const got: [number, number, string][] = [];
          levelsInBand(ring, seq, lo, lo + width, (price, size, side) => got.push([price, size, side]));
          assert.deepEqual(got, walk(seq, lo, lo + width), `column ${seq}, band [${lo}, ${lo + width}]`);
          if (got.length > 0) bands++;
        }
      }
    }
    assert.ok(bands > 100, `bands with levels: ${bands}`);
  });
});
