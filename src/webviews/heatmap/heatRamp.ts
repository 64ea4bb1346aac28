/**
 * The heatmap's colour ramps per theme kind, as 256 packed RGBA pixels (little-endian ABGR, for a Uint32Array over
 * ImageData), and the lookup table that maps a pixel's level code (its size on a fixed log scale) straight to its
 * colour on a given colour scale. Pure.
 */
import { parseColor } from '../shared/color';
import type { ThemeKind } from '../shared/themeModel';

const DARK_STOPS = ['#08306b', '#1f78b4', '#35c9d5', '#f5d90a', '#ffffff'];
const LIGHT_STOPS = ['#c6dbef', '#6baed6', '#2171b5', '#f16913', '#7f0000'];

/** Packs an RGB colour into one little-endian RGBA pixel (alpha opaque). */
export function packPixel(r: number, g: number, b: number): number {
  return ((255 << 24) | (Math.round(b) << 16) | (Math.round(g) << 8) | Math.round(r)) >>> 0;
}

/**
 * 256 pixels from the background (nothing resting) through the theme's ramp (a dark ramp brightening to white on
 * dark themes, pale blue darkening to red on light ones). Index 0 is the background itself.
 */
export function heatRamp(kind: ThemeKind, background: string): Uint32Array {
  const light = kind === 'light' || kind === 'high-contrast-light';
  const stops = [background, ...(light ? LIGHT_STOPS : DARK_STOPS)].map((c) => parseColor(c) ?? { r: light ? 255 : 30, g: light ? 255 : 30, b: light ? 255 : 30, a: 1 });
  const out = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    const t = (i / 255) * (stops.length - 1);
    const k = Math.min(stops.length - 2, Math.floor(t));
    const f = t - k;
    const a = stops[k];
    const b = stops[k + 1];
    if (a && b) out[i] = packPixel(a.r + (b.r - a.r) * f, a.g + (b.g - a.g) * f, a.b + (b.b - a.b) * f);
  }
  return out;
}

/** Level codes per unit of log(1 + size): fine enough that a code never spans two of the ramp's 256 colours' midpoints by more than a fraction. */
export const CODES_PER_LOG = 2048;
/** The code of a pixel no level covers (the background). */
export const NO_LEVEL = 0;
const TOP_CODE = 0xffff;

/**
 * A resting size as a 16-bit level code: 1 + log(1 + size) in steps of 1/CODES_PER_LOG (a size of 0 is 1: the
 * scale's lowest colour, not the background), up to sizes of about 8e13, above which it saturates.
 */
export function levelCode(size: number): number {
  const log = size > 0 ? Math.log1p(size) : 0;
  return Math.min(TOP_CODE, 1 + Math.round(log * CODES_PER_LOG));
}

/**
 * The colour of every level code on the log scale whose top is `maxSize` (the ramp's index round(255 ·
 * log(1 + size) / log(1 + maxSize)), at least 1), with NO_LEVEL the background: recolouring a pixel is one lookup.
 */
export function colourLut(colours: Uint32Array, maxSize: number): Uint32Array {
  const lut = new Uint32Array(TOP_CODE + 1);
  lut[NO_LEVEL] = colours[0] ?? 0;
  const k = maxSize > 0 ? 255 / (Math.log1p(maxSize) * CODES_PER_LOG) : 0;
  for (let code = 1; code <= TOP_CODE; code++) lut[code] = colours[Math.max(1, Math.min(255, Math.round((code - 1) * k)))] ?? 0;
  return lut;
}
