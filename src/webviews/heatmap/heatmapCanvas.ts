/**
 * Draws the heatmap on a canvas: resting size per price and sample as pixels on a log colour scale (one ImageData
 * write per frame), the best bid and ask as lines, trades as bubbles sized by volume, a price axis and a time axis.
 */
import { withAlpha } from '../shared/color';
import type { Theme } from '../shared/themeModel';
import { heatRamp } from './heatRamp';
import { columnAtX, intensity, levelStep, xOfColumn, yOfPrice, type ColumnStore, type Resolved } from './heatmapModel';
import { formatPrice, formatTimeUtc, inferDecimals } from '../shared/format';

export const AXIS_WIDTH = 72;
export const AXIS_HEIGHT = 20;
const MAX_BUBBLE = 14;

let rampFor: { key: string; ramp: Uint32Array } | undefined;
/** The pixel buffer, reused while the canvas keeps its size (a new one per frame would churn megabytes). */
let imageFor: { image: ImageData; pixels: Uint32Array } | undefined;

function pixelBuffer(ctx: CanvasRenderingContext2D, w: number, h: number): { image: ImageData; pixels: Uint32Array } {
  if (imageFor?.image.width !== w || imageFor.image.height !== h) {
    const image = ctx.createImageData(w, h);
    imageFor = { image, pixels: new Uint32Array(image.data.buffer) };
  }
  return imageFor;
}

function ramp(theme: Theme): Uint32Array {
  const key = `${theme.kind}|${theme.background}`;
  if (rampFor?.key !== key) rampFor = { key, ramp: heatRamp(theme.kind, theme.background) };
  return rampFor.ramp;
}

/** What was drawn (for tests and the status line). */
export interface DrawStats {
  readonly columns: number;
  readonly maxSize: number;
}

/**
 * The columns drawn: every one while a column is at least a device pixel wide; zoomed out further, every `stride`-th
 * (counted from index 0, so the picture holds still as columns arrive), each standing for the `stride` columns from
 * it. So a draw costs O(pixels across × levels) however many columns are in view, not O(columns in view).
 */
interface Drawn {
  readonly indices: number[];
  readonly stride: number;
}

function drawnColumns(store: ColumnStore, r: Resolved, dpr: number): Drawn {
  const stride = Math.max(1, Math.floor(1 / (r.colWidth * dpr)));
  const first = Math.max(0, Math.floor(columnAtX(r, 0)));
  const last = Math.min(store.length - 1, Math.ceil(r.right));
  const indices: number[] = [];
  for (let i = first - (first % stride); i <= last; i += stride) if (i >= 0 && store.at(i)) indices.push(i);
  return { indices, stride };
}

/** The largest size of `levels` (price, size pairs) with its price in [lo, hi]. */
function maxInRange(levels: readonly number[], lo: number, hi: number, max: number): number {
  for (let k = 0; k + 1 < levels.length; k += 2) {
    const p = levels[k] ?? 0;
    const size = levels[k + 1] ?? 0;
    if (p >= lo && p <= hi && size > max) max = size;
  }
  return max;
}

/** `r` is in CSS pixels for the heat area; the canvas is `dpr` device pixels per CSS pixel. */
export function drawHeatmap(ctx: CanvasRenderingContext2D, store: ColumnStore, r: Resolved, theme: Theme, dpr: number): DrawStats {
  const W = Math.max(1, Math.round(r.width * dpr));
  const H = Math.max(1, Math.round(r.height * dpr));
  const fullW = ctx.canvas.width;
  const fullH = ctx.canvas.height;
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.fillStyle = theme.background;
  ctx.fillRect(0, 0, fullW, fullH);

  const drawn = drawnColumns(store, r, dpr);
  const step = levelStep(store.newest);
  const half = step / 2;
  const lo = r.center - (r.height / 2) * r.pricePerPx - step;
  const hi = r.center + (r.height / 2) * r.pricePerPx + step;

  // The scale: the largest resting size in view, so the colours use the whole ramp.
  let maxSize = 0;
  for (const i of drawn.indices) {
    const c = store.at(i);
    if (c) maxSize = maxInRange(c[2], lo, hi, maxInRange(c[1], lo, hi, maxSize));
  }

  const { image, pixels } = pixelBuffer(ctx, W, H);
  const colours = ramp(theme);
  pixels.fill(colours[0] ?? 0);
  let lastPixel = -1;
  let painted = 0;
  const paintSide = (levels: readonly number[], x0: number, x1: number) => {
    for (let k = 0; k + 1 < levels.length; k += 2) {
      const p = levels[k] ?? 0;
      if (p < lo || p > hi) continue;
      const colour = colours[Math.max(1, Math.round(intensity(levels[k + 1] ?? 0, maxSize) * 255))] ?? 0;
      const y0 = Math.max(0, Math.floor(yOfPrice(r, p + half) * dpr));
      const y1 = Math.min(H, Math.max(y0 + 1, Math.ceil(yOfPrice(r, p - half) * dpr)));
      // A column is a few pixels wide: plain stores beat a fill() call per row.
      for (let row = y0 * W; row < y1 * W; row += W) for (let x = x0; x < x1; x++) pixels[row + x] = colour;
    }
  };
  for (const i of drawn.indices) {
    const c = store.at(i);
    if (!c) continue;
    const x0 = Math.max(0, Math.floor(xOfColumn(r, i) * dpr));
    const x1 = Math.min(W, Math.max(x0 + 1, Math.floor((xOfColumn(r, i + drawn.stride - 1) + r.colWidth) * dpr)));
    if (x1 <= lastPixel) continue;
    lastPixel = x1;
    painted++;
    paintSide(c[1], x0, x1);
    paintSide(c[2], x0, x1);
  }
  ctx.putImageData(image, 0, 0);

  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.save();
  ctx.beginPath();
  ctx.rect(0, 0, r.width, r.height);
  ctx.clip();
  bestLine(ctx, store, r, drawn, 1, theme.green);
  bestLine(ctx, store, r, drawn, 2, theme.red);
  bubbles(ctx, store, r, drawn, theme);
  ctx.restore();
  axes(ctx, store, r, theme, drawn.indices[0] ?? 0, drawn.indices.at(-1) ?? -1);
  return { columns: painted, maxSize };
}

function bestLine(ctx: CanvasRenderingContext2D, store: ColumnStore, r: Resolved, drawn: Drawn, side: 1 | 2, colour: string): void {
  ctx.beginPath();
  let open = false;
  let previous = Number.NaN;
  for (const i of drawn.indices) {
    const p = store.at(i)?.[side][0];
    if (p === undefined || i - previous > drawn.stride) open = false; // a gap in the samples is a gap in the line
    previous = i;
    if (p === undefined) continue;
    const x = xOfColumn(r, i) + r.colWidth / 2;
    const y = yOfPrice(r, p);
    if (open) ctx.lineTo(x, y);
    else ctx.moveTo(x, y);
    open = true;
  }
  ctx.strokeStyle = colour;
  ctx.lineWidth = 1.5;
  ctx.stroke();
}

/**
 * Trades as bubbles, one per price per drawn column (the trades of the columns it stands for merged), sized against
 * the largest in view; all the buying ones in one path and all the selling ones in another.
 */
function bubbles(ctx: CanvasRenderingContext2D, store: ColumnStore, r: Resolved, drawn: Drawn, theme: Theme): void {
  const merged: { x: number; price: number; buy: number; sell: number }[] = [];
  const byPrice = new Map<number, { x: number; price: number; buy: number; sell: number }>();
  let maxTrade = 0;
  for (const i of drawn.indices) {
    const x = xOfColumn(r, i) + (drawn.stride * r.colWidth) / 2;
    byPrice.clear();
    for (let j = i; j < i + drawn.stride; j++) {
      const trades = store.at(j)?.[3];
      if (!trades) continue;
      for (let k = 0; k + 2 < trades.length; k += 3) {
        const price = trades[k] ?? 0;
        let b = byPrice.get(price);
        if (!b) byPrice.set(price, (b = { x, price, buy: 0, sell: 0 }));
        b.buy += trades[k + 1] ?? 0;
        b.sell += trades[k + 2] ?? 0;
      }
    }
    for (const b of byPrice.values()) {
      merged.push(b);
      maxTrade = Math.max(maxTrade, b.buy + b.sell);
    }
  }
  if (maxTrade <= 0) return;
  for (const buying of [true, false]) {
    ctx.beginPath();
    for (const b of merged) {
      if (b.buy >= b.sell !== buying) continue;
      const radius = Math.max(1.5, Math.sqrt((b.buy + b.sell) / maxTrade) * MAX_BUBBLE);
      const y = yOfPrice(r, b.price);
      ctx.moveTo(b.x + radius, y);
      ctx.arc(b.x, y, radius, 0, Math.PI * 2);
    }
    const colour = buying ? theme.green : theme.red;
    ctx.fillStyle = withAlpha(colour, 0.45);
    ctx.fill();
    ctx.strokeStyle = colour;
    ctx.lineWidth = 1;
    ctx.stroke();
  }
}

function axes(ctx: CanvasRenderingContext2D, store: ColumnStore, r: Resolved, theme: Theme, first: number, last: number): void {
  ctx.font = `${Math.max(10, theme.fontSize - 2)}px ${theme.fontFamily}`;
  ctx.fillStyle = theme.background;
  ctx.fillRect(r.width, 0, AXIS_WIDTH, r.height + AXIS_HEIGHT);
  ctx.fillRect(0, r.height, r.width, AXIS_HEIGHT);
  ctx.strokeStyle = theme.border;
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.moveTo(r.width + 0.5, 0);
  ctx.lineTo(r.width + 0.5, r.height);
  ctx.lineTo(0, r.height + 0.5);
  ctx.stroke();
  ctx.fillStyle = theme.muted;
  ctx.textBaseline = 'middle';
  // Price labels: a round step giving a label about every 40 px.
  const raw = 40 * r.pricePerPx;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? raw;
  const decimals = Math.min(8, Math.max(inferDecimals([step]), inferDecimals(store.newest?.[1].filter((_, i) => i % 2 === 0).slice(0, 5) ?? [])));
  const top = r.center + (r.height / 2) * r.pricePerPx;
  for (let p = Math.floor(top / step) * step; Number.isFinite(step) && step > 0 && yOfPrice(r, p) < r.height; p -= step) {
    const y = yOfPrice(r, p);
    if (y < 6) continue;
    ctx.fillText(formatPrice(p, decimals), r.width + 6, y);
  }
  // Time labels about every 120 px.
  ctx.textBaseline = 'top';
  for (let x = r.width - 60; x > 30; x -= 120) {
    const i = Math.round(columnAtX(r, x));
    if (i < first || i > last) continue;
    const t = store.at(i)?.[0];
    if (t === undefined) continue;
    const label = formatTimeUtc(t);
    ctx.fillText(label, x - ctx.measureText(label).width / 2, r.height + 4);
  }
}
