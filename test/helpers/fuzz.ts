/** Shared settings of the property-based tests: how many inputs each property gets, and a reproducible seed. */
import * as fc from 'fast-check';

/** Inputs per property. FUZZ_RUNS=20000 npm run test:unit fuzzes harder; the default keeps `npm test` fast. */
export const RUNS = Number(process.env.FUZZ_RUNS ?? 200);

/** FUZZ_SEED replays a failing run (fast-check prints the seed and path of every counterexample). */
export function fuzz<Ts extends [unknown, ...unknown[]]>(property: fc.IProperty<Ts>, runs = RUNS): void {
  const seed = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);
  fc.assert(property, { numRuns: runs, ...(seed !== undefined ? { seed } : {}) });
}

/** Values of every JSON-ish shape plus the numbers that break naive checks. */
export const hostileNumber = fc.oneof(
  fc.constantFrom(NaN, Infinity, -Infinity, 0, -0, -1, -1000, 1e14, 1e300, Number.MAX_SAFE_INTEGER, Number.MIN_VALUE, 2 ** 53),
  fc.double(),
);
export const hostile = fc.oneof(
  fc.anything({ maxDepth: 3, withNullPrototype: true, withBigInt: true, withDate: true, withMap: true, withSet: true, withTypedArray: true, withSparseArray: true }),
  hostileNumber,
);
