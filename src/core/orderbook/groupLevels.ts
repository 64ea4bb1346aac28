import type { BookLevel } from '../types';
import { decimalsOf } from '../../shared/util/decimals';

export interface PriceRow {
  /** The bucket's price: bids round down, asks round up, to a multiple of the step. */
  readonly price: number;
  readonly bid: number;
  readonly ask: number;
}

/**
 * Groups book levels into buckets of `tickSize × multiple` for the DOM ladder. Pure, O(levels). Prices are scaled
 * to integers of the tick so float noise (0.1 + 0.2) never splits a bucket.
 */
export function groupLevels(bids: readonly BookLevel[], asks: readonly BookLevel[], tickSize: number, multiple: number): PriceRow[] {
  if (!(tickSize > 0) || !Number.isInteger(multiple) || multiple < 1) throw new RangeError(`grouping needs a positive tick size and a whole multiple ≥ 1 (got ${tickSize} × ${multiple})`);
  const rows = new Map<number, { bid: number; ask: number }>();
  const add = (level: BookLevel, side: 'bid' | 'ask') => {
    const ticks = Math.round(level[0] / tickSize);
    const bucket = side === 'bid' ? Math.floor(ticks / multiple) : Math.ceil(ticks / multiple);
    const row = rows.get(bucket) ?? { bid: 0, ask: 0 };
    row[side] += level[1];
    rows.set(bucket, row);
  };
  for (const l of bids) add(l, 'bid');
  for (const l of asks) add(l, 'ask');
  const decimals = decimalsOf(tickSize);
  return [...rows.entries()]
    .sort((a, b) => b[0] - a[0])
    .map(([bucket, r]) => ({ price: Number((bucket * multiple * tickSize).toFixed(decimals)), bid: r.bid, ask: r.ask }));
}
