/** Footprint rows: buckets merged to stay readable at the chart's zoom, with the POC and imbalances of the merged rows. */
import * as assert from 'node:assert/strict';
import { bucketsPerRow, footprintRows } from '../../../src/webviews/chart/footprintRows';
import type { FootprintBarWire } from '../../../src/shared/protocol';

const bar = (cells: FootprintBarWire['cells'], poc: number): FootprintBarWire => ({ time: 0, open: 100, high: 106, low: 100, close: 105, buy: 0, sell: 0, poc, cells });

describe('footprint rows (chart webview)', () => {
  it('merges the fewest buckets (1, 2, 5, 10…) that make a row tall enough', () => {
    assert.equal(bucketsPerRow(14, 13), 1);
    assert.equal(bucketsPerRow(7, 13), 2);
    assert.equal(bucketsPerRow(3, 13), 5);
    assert.equal(bucketsPerRow(1.2, 13), 20);
    assert.equal(bucketsPerRow(0.05, 13), 500);
    assert.equal(bucketsPerRow(0, 13), Number.POSITIVE_INFINITY);
  });

  it('one bucket per row gives the bar as the engine sent it', () => {
    const b = bar([[100, 1, 2, 1], [101, 3, 0]], 100);
    assert.deepEqual(footprintRows(b, 1, 1, 3), { cells: b.cells, poc: 100 });
  });

  it('rows align on multiples of k buckets; volumes add up; POC and diagonal imbalances are those of the rows', () => {
    // bucket 0.5, rows of 2 buckets (1.0): 100–100.5 → row 100, 101–101.5 → row 101, 102.5 → row 102.
    const b = bar([[100, 1, 1], [100.5, 0, 1], [101, 6, 0], [101.5, 3, 0, 1], [102.5, 0, 4]], 101);
    const rows = footprintRows(b, 0.5, 2, 3);
    // Row 101 buys 9 ≥ 3 × row 100 sells 2: a buy imbalance; row 101 sells 0. Row 102 sells 4 ≥ 3 × 0 buys above: none (no neighbour).
    assert.deepEqual(rows.cells, [[100, 1, 2], [101, 9, 0, 1], [102, 0, 4]]);
    assert.equal(rows.poc, 101);
    const volume = (cells: FootprintBarWire['cells']) => cells.reduce((s, c) => s + c[1] + c[2], 0);
    assert.equal(volume(rows.cells), volume(b.cells));
  });

  it('a tie for the POC goes to the lowest row, as the engine does', () => {
    const rows = footprintRows(bar([[100, 2, 0], [105, 1, 1]], 100), 1, 5, 3);
    assert.deepEqual(rows.cells.map((c) => c[0]), [100, 105]);
    assert.equal(rows.poc, 100);
  });
});
