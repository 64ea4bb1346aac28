/**
 * The price one asset has on every emulated exchange at a time: each exchange's trades walk around it within a
 * small basis, as real venues' prices of one asset stay within a few basis points of each other (arbitrage), while
 * independent walks drifted hundreds of dollars apart and made an aggregate's merged book a crossed, empty ladder.
 * A pure function of (base asset, time): two emulator processes started minutes apart, with any seeds, agree.
 */
import { hashString } from './prng';

/** Scales of the path's movement: seconds to a day, each with its own amplitude (about √ of its period). */
const SCALES: ReadonlyArray<{ readonly periodMs: number; readonly amplitude: number }> = [
  { periodMs: 15_000, amplitude: 0.0003 },
  { periodMs: 120_000, amplitude: 0.0008 },
  { periodMs: 900_000, amplitude: 0.002 },
  { periodMs: 7_200_000, amplitude: 0.005 },
  { periodMs: 57_600_000, amplitude: 0.012 },
];

export class CommonPrice {
  private readonly key: number;
  /** The knots last used per scale: a trade stream reads the same two knots thousands of times in a row. */
  private readonly knots = SCALES.map(() => ({ n: Number.NaN, a: 0, b: 0 }));

  constructor(
    base: string,
    private readonly startPrice: number,
  ) {
    this.key = hashString(`common-price|${base}`);
  }

  /** The asset's price at `time` (epoch ms): the start price moved by smooth noise of every scale, in log space. */
  at(time: number): number {
    let log = 0;
    for (let k = 0; k < SCALES.length; k++) {
      const scale = SCALES[k] as (typeof SCALES)[number];
      const x = time / scale.periodMs;
      const n = Math.floor(x);
      const knot = this.knots[k] as { n: number; a: number; b: number };
      if (knot.n !== n) {
        knot.n = n;
        knot.a = this.knotValue(k, n);
        knot.b = this.knotValue(k, n + 1);
      }
      const f = x - n;
      const s = f * f * (3 - 2 * f); // smoothstep: no kink at the knots
      log += scale.amplitude * (knot.a + (knot.b - knot.a) * s);
    }
    return this.startPrice * Math.exp(log);
  }

  /** A value in [-1, 1) for knot `n` of scale `k`, from an integer hash (no string per call: it runs per trade). */
  private knotValue(k: number, n: number): number {
    let h = this.key ^ Math.imul(k + 1, 0x27d4eb2d);
    h = Math.imul(h ^ (n | 0), 0x85ebca6b);
    h = Math.imul(h ^ Math.floor(n / 4294967296), 0xc2b2ae35);
    h ^= h >>> 16;
    h = Math.imul(h, 0x7feb352d);
    h ^= h >>> 15;
    h = Math.imul(h, 0x846ca68b);
    h ^= h >>> 16;
    return (h >>> 0) / 2147483648 - 1;
  }
}
