import * as assert from 'node:assert/strict';
import type { HeatmapColumnWire } from '../../../src/shared/protocol';
import { colourLut, heatRamp, levelCode, NO_LEVEL, packPixel } from '../../../src/webviews/heatmap/heatRamp';
import { ColumnRing } from '../../../src/webviews/heatmap/columnRing';
import { fromOklab, toOklab } from '../../../src/webviews/shared/color';
import { columnAtX, cursorInfo, holdLiveCentre, intensity, LIVE_VIEW, pan, priceAtY, resolveView, xOfColumn, yOfPrice, zoomPrice, zoomTime } from '../../../src/webviews/heatmap/heatmapModel';

const col = (t: number, mid = 100): HeatmapColumnWire => [t, [mid - 0.5, 1, mid - 1.5, 10], [mid + 0.5, 2, mid + 1.5, 1000], [mid + 0.5, 3, 0]];

describe('webviews/heatmap model', () => {
  it('live view: the newest column at the right edge, the spread at mid-height, about 80 levels tall; x/y map back and forth', () => {
    const s = new ColumnRing();
    s.reset([col(1), col(2), col(3)], 100);
    assert.equal(s.levelStep(s.last), 1);
    const r = resolveView(LIVE_VIEW, s, 300, 400)!;
    assert.equal(r.right, 2);
    assert.equal(r.center, 100);
    assert.equal(r.pricePerPx, 80 / 400);
    assert.equal(xOfColumn(r, 2), 300 - r.colWidth);
    assert.equal(columnAtX(r, 299), 2);
    assert.equal(columnAtX(r, 300 - r.colWidth - 0.5), 1);
    assert.equal(yOfPrice(r, 100), 200);
    assert.ok(Math.abs(priceAtY(r, yOfPrice(r, 101.25)) - 101.25) < 1e-9);
    assert.equal(resolveView(LIVE_VIEW, new ColumnRing(), 300, 400), undefined, 'nothing to show yet');
  });

  it('a live view holds its price centre while the mid stays in the middle third (then moves it by whole pixels), and its scale while the height holds', () => {
    assert.equal(holdLiveCentre(100, 103, 10, 0.5), 100);
    assert.equal(holdLiveCentre(100, 96.7, 10, 0.5), 100);
    assert.equal(holdLiveCentre(100, 103.4, 10, 0.5), 103.5, 'out of the middle third: centred on the mid again, by whole pixels');
    const s = new ColumnRing();
    s.reset([col(1, 100), col(2, 101)], 100);
    const held = { center: 100, pricePerPx: 0.5, height: 400, dpr: 1 };
    const r = resolveView(LIVE_VIEW, s, 300, 400, held)!;
    assert.deepEqual([r.center, r.pricePerPx], [100, 0.5], 'mid 101 is within a third of the 100 half-range');
    assert.equal(resolveView(LIVE_VIEW, s, 300, 200, held)?.pricePerPx, 80 / 200, 'another height: fitted again');
    assert.equal(resolveView({ ...LIVE_VIEW, centerPrice: 90, pricePerPx: 1 }, s, 300, 400, held)?.center, 90, 'a chosen centre is not the held one');
    s.append([col(3, 140)]);
    assert.equal(resolveView(LIVE_VIEW, s, 300, 400, held)?.center, 140, 'the market moved out: centred again');
  });

  it('colours on a log scale: a thin level still shows beside a wall', () => {
    assert.equal(intensity(0, 1000), 0);
    assert.equal(intensity(1000, 1000), 1);
    assert.ok(intensity(10, 1000) > 0.3, 'linear would give 0.01');
    assert.ok(intensity(10, 1000) < intensity(100, 1000));
    assert.equal(intensity(5, 0), 0);
  });

  it('zooming time keeps the column under the cursor; panning away leaves live mode and panning back returns to it', () => {
    const s = new ColumnRing();
    s.reset(Array.from({ length: 200 }, (_, i) => col(i)), 1000);
    const r = resolveView(LIVE_VIEW, s, 300, 400)!;
    const live = zoomTime(LIVE_VIEW, r, 100, 2, 199);
    assert.equal(live.rightIndex, null, 'zooming a live view keeps it live');
    assert.equal(live.colWidth, LIVE_VIEW.colWidth * 2);
    const moved = pan(LIVE_VIEW, r, 30, 0, 199);
    assert.equal(moved.rightIndex, 199 - 30 / r.colWidth);
    const r2 = resolveView(moved, s, 300, 400)!;
    const before = columnAtX(r2, 150);
    const zoomed = zoomTime(moved, r2, 150, 1.5, 199);
    const r3 = resolveView(zoomed, s, 300, 400)!;
    assert.ok(Math.abs(r3.right - (r3.width - 150) / r3.colWidth - (r2.right - (r2.width - 150) / r2.colWidth)) < 1e-9, 'the time under x = 150 stays put');
    assert.equal(Math.round(columnAtX(r3, 150)), Math.round(before));
    assert.equal(pan(moved, r2, -30, 0, 199).rightIndex, null, 'back at the newest: live again');
    const priced = zoomPrice(LIVE_VIEW, r, 100, 2);
    const rp = resolveView(priced, s, 300, 400)!;
    assert.ok(Math.abs(priceAtY(rp, 100) - priceAtY(r, 100)) < 1e-9, 'the price under the cursor stays put');
    assert.equal(rp.pricePerPx, r.pricePerPx * 2);
  });

  it('under the cursor: the time, the level and its resting size and side, and what traded there', () => {
    const s = new ColumnRing();
    s.reset([col(1000), col(2000)], 10);
    const r = resolveView(LIVE_VIEW, s, 300, 400)!;
    const x = xOfColumn(r, 1) + 1;
    const ask = cursorInfo(s, r, x, yOfPrice(r, 100.6))!;
    assert.deepEqual(ask, { time: 2000, price: 100.5, size: 2, side: 'ask', traded: 3 });
    const bid = cursorInfo(s, r, x, yOfPrice(r, 98.4))!;
    assert.deepEqual(bid, { time: 2000, price: 98.5, size: 10, side: 'bid', traded: 0 });
    assert.equal(cursorInfo(s, r, x, yOfPrice(r, 120))?.side, null, 'no level there');
    assert.equal(cursorInfo(s, r, -1000, 10), undefined, 'left of the data');
  });

  it('the colour ramp starts at the background and differs between light and dark themes', () => {
    const dark = heatRamp('dark', '#1e1e1e');
    const light = heatRamp('light', '#ffffff');
    assert.equal(dark[0], packPixel(0x1e, 0x1e, 0x1e));
    assert.equal(light[0], packPixel(255, 255, 255));
    assert.equal(dark[255], packPixel(255, 255, 255), 'dark: the biggest size is white');
    assert.equal(light[255], packPixel(0x7f, 0, 0), 'light: dark red');
  });

  it('OKLab: the reference values of white, red and blue, and back to sRGB', () => {
    const close = (x: number, want: number, what: string) => assert.ok(Math.abs(x - want) < 1e-4, `${what}: ${x}, want ${want}`);
    const white = toOklab({ r: 255, g: 255, b: 255, a: 1 });
    close(white.L, 1, 'white L');
    close(Math.hypot(white.a, white.b), 0, 'white chroma');
    const red = toOklab({ r: 255, g: 0, b: 0, a: 1 });
    [red.L, red.a, red.b].forEach((v, i) => close(v, [0.62796, 0.22486, 0.12585][i] ?? 0, `red ${'Lab'[i]}`));
    const blue = toOklab({ r: 0, g: 0, b: 255, a: 1 });
    [blue.L, blue.a, blue.b].forEach((v, i) => close(v, [0.45201, -0.03246, -0.31153][i] ?? 0, `blue ${'Lab'[i]}`));
    const back = fromOklab(toOklab({ r: 127, g: 40, b: 200, a: 1 }));
    assert.deepEqual([back.r, back.g, back.b].map(Math.round), [127, 40, 200]);
  });

  it('light theme: the ramp darkens steadily from the background and stays saturated to its hot end (no grey or brown walls)', () => {
    const ramp = heatRamp('light', '#ffffff');
    const lab = [...ramp].map((p) => toOklab({ r: p & 255, g: (p >>> 8) & 255, b: (p >>> 16) & 255, a: 1 }));
    for (let i = 1; i < 256; i++) {
      const [before, here] = [lab[i - 1]!, lab[i]!];
      // 8-bit channels: a step may hold its lightness, never brighten past rounding.
      assert.ok(here.L <= before.L + 0.002, `index ${i}: lightness ${here.L.toFixed(3)} after ${before.L.toFixed(3)}`);
    }
    const step = (lab[0]!.L - lab[255]!.L) / 255;
    for (let i = 0; i + 51 < 256; i += 51) {
      const drop = lab[i]!.L - lab[i + 51]!.L;
      assert.ok(drop > 51 * step * 0.6 && drop < 51 * step * 1.4, `a fifth of the ramp from ${i} darkens by ${drop.toFixed(3)}, about ${(51 * step).toFixed(3)}`);
    }
    for (let i = 128; i < 256; i++) {
      const chroma = Math.hypot(lab[i]!.a, lab[i]!.b);
      assert.ok(chroma > 0.1, `index ${i}: chroma ${chroma.toFixed(3)}`);
    }
  });

  it('dark theme: the ramp brightens steadily from the background to white', () => {
    const lab = [...heatRamp('dark', '#1e1e1e')].map((p) => toOklab({ r: p & 255, g: (p >>> 8) & 255, b: (p >>> 16) & 255, a: 1 }));
    for (let i = 1; i < 256; i++) assert.ok(lab[i]!.L >= lab[i - 1]!.L - 0.002, `index ${i}: lightness ${lab[i]!.L.toFixed(3)} after ${lab[i - 1]!.L.toFixed(3)}`);
  });

  it('level codes: the background apart, a size of 0 above it, increasing with the size, saturating instead of wrapping', () => {
    assert.equal(levelCode(0), NO_LEVEL + 1, 'a level of size 0 is not the background');
    assert.equal(levelCode(-3), levelCode(0));
    let previous = levelCode(0);
    for (const size of [0.001, 0.002, 0.5, 1, 2, 10, 1e3, 1e6, 1e9]) {
      const code = levelCode(size);
      assert.ok(code > previous, `${size}: ${code} > ${previous}`);
      previous = code;
    }
    assert.equal(levelCode(1e20), 0xffff);
    assert.equal(levelCode(Number.POSITIVE_INFINITY), 0xffff);
  });

  it('the colour lookup table gives each size the ramp colour of its log intensity (within one of 256 steps), the background for no level', () => {
    const ramp = heatRamp('dark', '#1e1e1e');
    const index = new Map<number, number>([...ramp].map((c, i) => [c, i]));
    for (const maxSize of [0.8, 50, 12_345]) {
      const lut = colourLut(ramp, maxSize);
      assert.equal(lut[NO_LEVEL], ramp[0]);
      for (const size of [0, 0.01, 0.3, 0.79, 1, 7, 49, 50, 60, 1e4, 1e7]) {
        const want = Math.max(1, Math.round(intensity(size, maxSize) * 255));
        const got = index.get(lut[levelCode(size)] ?? -1) ?? -99;
        assert.ok(Math.abs(got - want) <= 1, `size ${size} on a scale to ${maxSize}: ramp index ${got}, want ${want}`);
      }
      assert.equal(lut[levelCode(maxSize * 10)], ramp[255], 'above the scale: its top colour');
    }
    assert.ok(colourLut(ramp, 0).slice(1).every((c) => c === ramp[1]), 'no scale: every level the lowest colour');
  });
});
