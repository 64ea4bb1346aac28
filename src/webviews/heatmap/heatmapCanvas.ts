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

/** `r` is in CSS pixels for the heat area; the canvas is `dpr` device pixels per CSS pixel. */
export function drawHeatmap(ctx: CanvasRenderingContext2D, store: ColumnStore, r: Resolved, theme: Theme, dpr: number): DrawStats {
  const W = Math.max(1, Math.round(r.width * dpr));
  const H = Math.max(1, Math.round(r.height * dpr));
  const fullW = ctx.canvas.width;
  const fullH = ctx.canvas.height;
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.fillStyle = theme.background;
  ctx.fillRect(0, 0, fullW, fullH);

  const first = Math.max(0, Math.floor(columnAtX(r, 0)));
  const last = Math.min(store.length - 1, Math.ceil(r.right));
  const step = levelStep(store.newest);
  const half = step / 2;
  const lo = r.center - (r.height / 2) * r.pricePerPx - step;
  const hi = r.center + (r.height / 2) * r.pricePerPx + step;

  // The scale: the largest resting size in view, so the colours use the whole ramp.
  let maxSize = 0;
  let maxTrade = 0;
  for (let i = first; i <= last; i++) {
    const c = store.at(i);
    if (!c) continue;
    for (const side of [c[1], c[2]]) {
      for (let k = 0; k + 1 < side.length; k += 2) {
        const p = side[k] ?? 0;
        if (p >= lo && p <= hi) maxSize = Math.max(maxSize, side[k + 1] ?? 0);
      }
    }
    for (let k = 0; k + 2 < c[3].length; k += 3) maxTrade = Math.max(maxTrade, (c[3][k + 1] ?? 0) + (c[3][k + 2] ?? 0));
  }

  const { image, pixels } = pixelBuffer(ctx, W, H);
  const colours = ramp(theme);
  pixels.fill(colours[0] ?? 0);
  let drawn = 0;
  let lastPixel = -1;
  for (let i = first; i <= last; i++) {
    const c = store.at(i);
    if (!c) continue;
    const x0 = Math.max(0, Math.floor(xOfColumn(r, i) * dpr));
    const x1 = Math.min(W, Math.max(x0 + 1, Math.floor((xOfColumn(r, i) + r.colWidth) * dpr)));
    if (x1 <= lastPixel) continue; // zoomed out: one column per pixel
    lastPixel = x1;
    drawn++;
    for (const side of [c[1], c[2]]) {
      for (let k = 0; k + 1 < side.length; k += 2) {
        const p = side[k] ?? 0;
        if (p < lo || p > hi) continue;
        const colour = colours[Math.max(1, Math.round(intensity(side[k + 1] ?? 0, maxSize) * 255))] ?? 0;
        const y0 = Math.max(0, Math.floor(yOfPrice(r, p + half) * dpr));
        const y1 = Math.min(H, Math.max(y0 + 1, Math.ceil(yOfPrice(r, p - half) * dpr)));
        for (let y = y0; y < y1; y++) pixels.fill(colour, y * W + x0, y * W + x1);
      }
    }
  }
  ctx.putImageData(image, 0, 0);

  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.save();
  ctx.beginPath();
  ctx.rect(0, 0, r.width, r.height);
  ctx.clip();
  bestLine(ctx, store, r, first, last, 1, theme.green);
  bestLine(ctx, store, r, first, last, 2, theme.red);
  if (maxTrade > 0) bubbles(ctx, store, r, first, last, maxTrade, theme);
  ctx.restore();
  axes(ctx, store, r, theme, first, last);
  return { columns: drawn, maxSize };
}

function bestLine(ctx: CanvasRenderingContext2D, store: ColumnStore, r: Resolved, first: number, last: number, side: 1 | 2, colour: string): void {
  ctx.beginPath();
  let open = false;
  for (let i = first; i <= last; i++) {
    const c = store.at(i);
    const p = c?.[side][0];
    if (p === undefined) {
      open = false; // a gap in the samples is a gap in the line
      continue;
    }
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

function bubbles(ctx: CanvasRenderingContext2D, store: ColumnStore, r: Resolved, first: number, last: number, maxTrade: number, theme: Theme): void {
  for (let i = first; i <= last; i++) {
    const c = store.at(i);
    if (!c) continue;
    const x = xOfColumn(r, i) + r.colWidth / 2;
    for (let k = 0; k + 2 < c[3].length; k += 3) {
      const buy = c[3][k + 1] ?? 0;
      const sell = c[3][k + 2] ?? 0;
      const radius = Math.max(1.5, Math.sqrt((buy + sell) / maxTrade) * MAX_BUBBLE);
      const colour = buy >= sell ? theme.green : theme.red;
      ctx.beginPath();
      ctx.arc(x, yOfPrice(r, c[3][k] ?? 0), radius, 0, Math.PI * 2);
      ctx.fillStyle = withAlpha(colour, 0.45);
      ctx.fill();
      ctx.strokeStyle = colour;
      ctx.lineWidth = 1;
      ctx.stroke();
    }
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
