/** Seeded pseudo-random numbers: mulberry32 plus the few distributions the market needs. */

export type Random = () => number;

/** mulberry32: a tiny, fast 32-bit generator; the same seed always yields the same sequence in [0, 1). */
export function mulberry32(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a hash of a string, used to derive independent per-symbol, per-purpose seeds. */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** An independent generator for one purpose (e.g. 'trades', 'book') of one symbol under one global seed. */
export function deriveRandom(seed: number, ...labels: string[]): Random {
  return mulberry32((hashString(labels.join('|')) ^ Math.imul(seed >>> 0, 0x9e3779b1)) >>> 0);
}

/** Standard normal sample (Box-Muller). */
export function gaussian(random: Random): number {
  const u = Math.max(random(), Number.EPSILON);
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Integer in [min, max]. */
export function randomInt(random: Random, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}
