import { readFileSync } from 'node:fs';
import * as path from 'node:path';

/** media/tape.css, whose grid the tape's and tables' layout tests lay out as a browser would. */
export const tapeCss = readFileSync(path.join(__dirname, '../../media/tape.css'), 'utf8');

/** Each --tape-*-min factor of the font size, by its name's middle (`price`, `short-time`…). */
export const tapeMins = new Map([...tapeCss.matchAll(/--tape-([\w-]+)-min: calc\(var\(--vscode-font-size, 13px\) \* ([\d.]+)\)/g)].map((m) => [m[1], Number(m[2])]));

export interface Track {
  readonly min: number;
  readonly fr: number;
}

/** A grid-template-columns of minmax(least, Nfr) tracks (least a --tape-*-min or 0), at this font size. */
export function tracks(template: string, fontPx: number): Track[] {
  return [...template.matchAll(/minmax\((?:var\(--tape-([\w-]+)-min\)|0), ([\d.]+)fr\)/g)].map((m) => ({ min: m[1] === undefined ? 0 : (tapeMins.get(m[1]) ?? Number.NaN) * fontPx, fr: Number(m[2]) }));
}

/** CSS grid's flexible lengths: a track whose share is below its least width keeps that width, the rest share what is left. */
export function layout(columns: readonly Track[], free: number): number[] {
  const inflexible = new Set<number>();
  for (;;) {
    const fixed = columns.reduce((w, t, i) => w + (inflexible.has(i) ? t.min : 0), 0);
    const frs = columns.reduce((f, t, i) => f + (inflexible.has(i) ? 0 : t.fr), 0);
    const unit = Math.max(0, free - fixed) / Math.max(1, frs);
    const below = columns.findIndex((t, i) => !inflexible.has(i) && t.fr * unit < t.min);
    if (below < 0) return columns.map((t, i) => (inflexible.has(i) ? t.min : t.fr * unit));
    inflexible.add(below);
  }
}
