/**
 * The heat picture (resting size per price and column as pixels on the log colour scale) kept on an offscreen canvas
 * used as a ring in both directions: device pixel (x, y) of the held PixelMap lives at (x mod width, y mod height),
 * so a live view paints only the strips its new columns or a moved price centre reveal, and a frame shows the
 * picture with at most four blits.
 */
import type { ColumnRing, Side } from './columnRing';
import { mod } from './floatRing';
import { groupsIn, rowOf, type PixelMap, type PixelRect } from './heatPlan';
import { levelCode, NO_LEVEL } from './heatRamp';

/** The column that stands for group `g` (its first one held), if any is held. */
export function representative(ring: ColumnRing, m: PixelMap, g: number): number | undefined {
  const seq = Math.max(g * m.stride, ring.first);
  return seq < (g + 1) * m.stride && ring.has(seq) ? seq : undefined;
}

/** The prices whose cells (one `step` tall) can meet rows [y0, y1). */
export function priceBand(m: PixelMap, y0: number, y1: number, step: number): { lo: number; hi: number } {
  return { lo: m.priceTop - y1 * m.ppd - step, hi: m.priceTop - y0 * m.ppd + step };
}

/**
 * Calls `each(price, size)` for the levels of column `seq` with their price in [lo, hi], each side best first. Sides
 * are sorted (bids down, asks up), so the first level inside the band is found by bisection and the walk stops at the
 * first beyond it: a thin band (a price band a moved centre reveals) costs a few probes a column, not a walk from the
 * best price out to it.
 */
export function levelsInBand(ring: ColumnRing, seq: number, lo: number, hi: number, each: (price: number, size: number, side: Side) => void): void {
  const data = ring.levelData;
  for (const side of SIDES) {
    const at = ring.levelsAt(seq, side);
    const n = ring.count(seq, side);
    const priceAt = (k: number) => ring.fromUnits(seq, data[at + 2 * k] ?? 0);
    const beyondNear = side === 'bid' ? (p: number) => p > hi : (p: number) => p < lo;
    // The first level not on the near side of the band (the best ones are).
    let from = 0;
    for (let to = n; from < to; ) {
      const m = (from + to) >>> 1;
      if (beyondNear(priceAt(m))) from = m + 1;
      else to = m;
    }
    for (let k = from; k < n; k++) {
      const price = priceAt(k);
      if (side === 'bid' ? price < lo : price > hi) break;
      each(price, data[at + 2 * k + 1] ?? 0, side);
    }
  }
}

const SIDES = ['bid', 'ask'] as const;

/** The largest resting size among the cells a rectangle shows, and its column. */
export function largestIn(ring: ColumnRing, m: PixelMap, rect: PixelRect, step: number): { size: number; seq: number } {
  const [x0, x1, y0, y1] = rect;
  const { lo, hi } = priceBand(m, y0, y1, step);
  let size = 0;
  let seq = Number.NEGATIVE_INFINITY;
  for (const { group } of groupsIn(m, x0, x1)) {
    const c = representative(ring, m, group);
    if (c === undefined) continue;
    levelsInBand(ring, c, lo, hi, (_, s) => {
      if (s > size) {
        size = s;
        seq = c;
      }
    });
  }
  return { size, seq };
}

/** What the levels of a rectangle need: the columns, where they go, and the height of one price cell. */
export interface LevelPaint {
  readonly ring: ColumnRing;
  readonly map: PixelMap;
  readonly step: number;
}

export interface HeatPaint extends LevelPaint {
  /** The colour scale: a colour per level code (see colourLut). */
  readonly lut: Uint32Array;
}

/**
 * Writes a rectangle of device pixels of the map (at most `W` × `H`) into `levels` (a `W` × `H` ring in both
 * directions): the level code (see levelCode) of the level each pixel shows, NO_LEVEL where none. Colours come after
 * (colourise), so a new colour scale recolours what is held without walking the columns again.
 */
export function paintLevels(levels: Uint16Array, W: number, H: number, p: LevelPaint, rect: PixelRect): void {
  const [x0, xEnd, y0, yEnd] = rect;
  const x1 = Math.min(xEnd, x0 + W);
  const y1 = Math.min(yEnd, y0 + H);
  if (W === 0 || H === 0 || x1 <= x0 || y1 <= y0) return;
  const { ring, map, step } = p;
  const fill = (value: number, xa: number, xb: number, ya: number, yb: number) => {
    const rx = mod(xa, W);
    for (let y = ya, ry = mod(ya, H); y < yb; y++, ry = ry + 1 === H ? 0 : ry + 1) {
      const row = ry * W;
      // A column is a few pixels wide: plain stores beat a fill() call per row.
      for (let x = xa, cx = rx; x < xb; x++, cx = cx + 1 === W ? 0 : cx + 1) levels[row + cx] = value;
    }
  };
  if (x1 - x0 === W && y1 - y0 === H) levels.fill(NO_LEVEL);
  else fill(NO_LEVEL, x0, x1, y0, y1);
  const half = step / 2;
  const { lo, hi } = priceBand(map, y0, y1, step);
  for (const { group, x0: gx0, x1: gx1 } of groupsIn(map, x0, x1)) {
    const c = representative(ring, map, group);
    if (c === undefined) continue;
    levelsInBand(ring, c, lo, hi, (price, size) => {
      const top = Math.floor(rowOf(map, price + half) + 1e-9);
      const ya = Math.max(y0, top);
      const yb = Math.min(y1, Math.max(top + 1, Math.ceil(rowOf(map, price - half) - 1e-9)));
      if (yb > ya) fill(levelCode(size), gx0, gx1, ya, yb);
    });
  }
}

/**
 * Colours a rectangle of `levels` into `pixels` (both `W` × `H` rings) through `lut` (see colourLut): one lookup a
 * pixel, so a new colour scale over the whole picture costs a pass over memory, not a logarithm a pixel.
 */
export function colourise(pixels: Uint32Array, levels: Uint16Array, W: number, H: number, lut: Uint32Array, rect: PixelRect): void {
  const [x0, xEnd, y0, yEnd] = rect;
  const x1 = Math.min(xEnd, x0 + W);
  const y1 = Math.min(yEnd, y0 + H);
  if (W === 0 || H === 0 || x1 <= x0 || y1 <= y0) return;
  if (x1 - x0 === W && y1 - y0 === H) {
    // The whole ring (a new colour scale): every pixel in memory order.
    for (let i = 0; i < pixels.length; i++) pixels[i] = lut[levels[i] ?? NO_LEVEL] ?? 0;
    return;
  }
  for (let y = y0, ry = mod(y0, H); y < y1; y++, ry = ry + 1 === H ? 0 : ry + 1) {
    const row = ry * W;
    for (let x = x0, cx = mod(x0, W); x < x1; x++, cx = cx + 1 === W ? 0 : cx + 1) pixels[row + cx] = lut[levels[row + cx] ?? NO_LEVEL] ?? 0;
  }
}

/** paintLevels then colourise: the pixels of a rectangle of the map, on the colour scale of `p.lut`. */
export function paintHeat(pixels: Uint32Array, W: number, H: number, p: HeatPaint, rect: PixelRect, levels = new Uint16Array(W * H)): void {
  paintLevels(levels, W, H, p, rect);
  colourise(pixels, levels, W, H, p.lut, rect);
}

/** The pieces of a ring rectangle [x, x + w) × [y, y + h) once wrapped into `W` × `H`: [ringX, ringY, w, h, offsetX, offsetY]. */
export function wrapped(W: number, H: number, x: number, y: number, w: number, h: number): [number, number, number, number, number, number][] {
  const rx = mod(x, W);
  const ry = mod(y, H);
  const xs: [number, number, number][] = rx + w <= W ? [[rx, w, 0]] : [[rx, W - rx, 0], [0, w - (W - rx), W - rx]];
  const ys: [number, number, number][] = ry + h <= H ? [[ry, h, 0]] : [[ry, H - ry, 0], [0, h - (H - ry), H - ry]];
  return xs.flatMap(([sx, sw, dx]) => ys.map(([sy, sh, dy]): [number, number, number, number, number, number] => [sx, sy, sw, sh, dx, dy]));
}

export class HeatLayer {
  private canvas: HTMLCanvasElement | undefined;
  private ctx: CanvasRenderingContext2D | null = null;
  private image: ImageData | undefined;
  private pixels = new Uint32Array(0);
  /** What each pixel shows before colouring (see paintLevels): a new colour scale needs only these. */
  private levels = new Uint16Array(0);
  private width = 0;
  private height = 0;

  /** Sizes the layer to the heat area (device pixels); its content is void after a change. */
  resize(width: number, height: number): void {
    if (this.canvas && this.width === width && this.height === height) return;
    this.canvas ??= document.createElement('canvas');
    this.canvas.width = width;
    this.canvas.height = height;
    this.ctx = this.canvas.getContext('2d');
    this.width = width;
    this.height = height;
    this.image = this.ctx?.createImageData(width, height);
    this.pixels = this.image ? new Uint32Array(this.image.data.buffer) : new Uint32Array(0);
    this.levels = new Uint16Array(this.pixels.length);
  }

  /** Lets go of the picture and its buffers (the page is hidden); the next resize() makes them again. */
  release(): void {
    if (this.canvas) {
      // A canvas's pixels go with its size, not with the last reference to it.
      this.canvas.width = 0;
      this.canvas.height = 0;
    }
    this.canvas = undefined;
    this.ctx = null;
    this.image = undefined;
    this.pixels = new Uint32Array(0);
    this.levels = new Uint16Array(0);
    this.width = 0;
    this.height = 0;
  }

  /** Paints a rectangle of the map (at most the layer's size) and puts it on the layer. */
  paint(p: HeatPaint, rect: PixelRect): void {
    const r = this.clip(rect);
    if (!r) return;
    paintHeat(this.pixels, this.width, this.height, p, r, this.levels);
    this.put(r);
  }

  /** Paints a rectangle's levels only, for a recolour() to follow. */
  paintLevels(p: LevelPaint, rect: PixelRect): void {
    const r = this.clip(rect);
    if (r) paintLevels(this.levels, this.width, this.height, p, r);
  }

  /** Colours the whole layer again on a new scale, from the levels held: no column is read. */
  recolour(lut: Uint32Array): void {
    if (!this.ctx || !this.image) return;
    colourise(this.pixels, this.levels, this.width, this.height, lut, [0, this.width, 0, this.height]);
    this.ctx.putImageData(this.image, 0, 0);
  }

  /** Shows the map's pixels [edge − width, edge) × [top, top + height) at (0, 0) of `target` (identity transform). */
  blit(target: CanvasRenderingContext2D, edge: number, top: number): void {
    if (!this.canvas || this.width === 0) return;
    for (const [sx, sy, sw, sh, dx, dy] of wrapped(this.width, this.height, edge - this.width, top, this.width, this.height)) target.drawImage(this.canvas, sx, sy, sw, sh, dx, dy, sw, sh);
  }

  private clip(rect: PixelRect): PixelRect | undefined {
    const [x0, x1, y0, y1] = rect;
    const w = Math.min(x1 - x0, this.width);
    const h = Math.min(y1 - y0, this.height);
    return w > 0 && h > 0 && this.ctx && this.image ? [x0, x0 + w, y0, y0 + h] : undefined;
  }

  private put(rect: PixelRect): void {
    const [x0, x1, y0, y1] = rect;
    if (!this.ctx || !this.image) return;
    for (const [sx, sy, sw, sh] of wrapped(this.width, this.height, x0, y0, x1 - x0, y1 - y0)) this.ctx.putImageData(this.image, 0, 0, sx, sy, sw, sh);
  }
}
