/**
 * A footprint bar's cells as rows tall enough to read at the chart's zoom: k buckets merged into one row (k from 1,
 * 2, 5, 10, 20, 50…), with the POC and the diagonal imbalances of the merged rows. Pure.
 */
import type { FootprintBarWire, FootprintCellWire } from '../../shared/protocol';
import { diagonalImbalance } from '../../shared/util/diagonalImbalance';

/** The fewest buckets per row (1, 2, 5, 10, 20, 50…) that make a row at least `minRowPx` tall. */
export function bucketsPerRow(bucketPx: number, minRowPx: number): number {
  if (!(bucketPx > 0)) return Number.POSITIVE_INFINITY;
  for (let decade = 1; ; decade *= 10) {
    for (const step of [1, 2, 5]) {
      const k = step * decade;
      if (k * bucketPx >= minRowPx || k >= 1e9) return k;
    }
  }
}

export interface FootprintRows {
  /** Ascending by price: [the row's lowest price, buy, sell, imbalances (1 buy, 2 sell, 3 both; absent when none)]. */
  readonly cells: readonly FootprintCellWire[];
  /** The row with the most volume (the lowest such row on a tie). */
  readonly poc: number;
}

/** The bar's cells merged `k` buckets to a row (rows aligned on multiples of k buckets, the same in every bar). */
export function footprintRows(bar: FootprintBarWire, bucket: number, k: number, imbalanceRatio: number): FootprintRows {
  if (k <= 1) return { cells: bar.cells, poc: bar.poc };
  const rows = new Map<number, { buy: number; sell: number }>();
  for (const [price, buy, sell] of bar.cells) {
    const row = Math.floor(Math.round(price / bucket) / k);
    const held = rows.get(row);
    if (held) {
      held.buy += buy;
      held.sell += sell;
    } else rows.set(row, { buy, sell });
  }
  const cells: FootprintCellWire[] = [];
  let poc = 0;
  let pocVolume = -1;
  for (const [row, { buy, sell }] of [...rows.entries()].sort((a, b) => a[0] - b[0])) {
    const price = row * k * bucket;
    const imbalance = diagonalImbalance(buy, sell, rows.get(row - 1)?.sell ?? 0, rows.get(row + 1)?.buy ?? 0, imbalanceRatio);
    cells.push(imbalance === 0 ? [price, buy, sell] : [price, buy, sell, imbalance]);
    if (buy + sell > pocVolume) {
      pocVolume = buy + sell;
      poc = price;
    }
  }
  return { cells, poc };
}
