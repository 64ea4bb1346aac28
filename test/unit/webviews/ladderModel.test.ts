import * as assert from 'node:assert/strict';
import {
  centreScrollTarget,
  groupingChoices,
  ladderDecimals,
  ladderMaxima,
  nearestRowIndex,
  normalizeRows,
} from '../../../src/webviews/dom/ladderModel';

const rows = (...prices: number[]) => prices.map((price) => ({ price, bid: 0, ask: 0, traded: 0 }));

describe('webviews/dom ladder model', () => {
  it('nearestRowIndex picks the closest price in a descending ladder', () => {
    const r = rows(103, 102, 101, 100);
    assert.equal(nearestRowIndex(r, 101.4), 2);
    assert.equal(nearestRowIndex(r, 101.6), 1);
    assert.equal(nearestRowIndex(r, 101), 2);
    assert.equal(nearestRowIndex(r, 101.5), 2, 'a tie goes to the lower row');
    assert.equal(nearestRowIndex(r, 200), 0);
    assert.equal(nearestRowIndex(r, 1), 3);
    assert.equal(nearestRowIndex(r, null), -1);
    assert.equal(nearestRowIndex([], 100), -1);
  });

  it('centreScrollTarget leaves a row near the centre alone', () => {
    // viewport 200 px, rows 20 px: row 10 spans 200..220, centre 210; view centre at scrollTop 110 + 100 = 210.
    const base = { viewportHeight: 200, rowHeight: 20, rowCount: 100 };
    assert.equal(centreScrollTarget({ ...base, scrollTop: 110, rowIndex: 10 }), null);
    assert.equal(centreScrollTarget({ ...base, scrollTop: 110, rowIndex: 12 }), null, '40 px off is within 25 % of 200');
    assert.equal(centreScrollTarget({ ...base, scrollTop: 110, rowIndex: 13 }), 170, '60 px off: re-centre');
    assert.equal(centreScrollTarget({ ...base, scrollTop: 110, rowIndex: 11, tolerance: 0 }), 130);
  });

  it('centreScrollTarget clamps to the list and does not move when it cannot get nearer', () => {
    const base = { viewportHeight: 200, rowHeight: 20, rowCount: 30 };
    assert.equal(centreScrollTarget({ ...base, scrollTop: 300, rowIndex: 0 }), 0);
    assert.equal(centreScrollTarget({ ...base, scrollTop: 0, rowIndex: 0 }), null);
    assert.equal(centreScrollTarget({ ...base, scrollTop: 0, rowIndex: 29 }), 400);
    assert.equal(centreScrollTarget({ ...base, scrollTop: 0, rowIndex: -1 }), null);
    assert.equal(centreScrollTarget({ ...base, scrollTop: 0, rowIndex: 5, rowHeight: 0 }), null);
  });

  it('normalizeRows keeps valid rows, highest price first', () => {
    const out = normalizeRows([{ price: 1, bid: 1, ask: 0, traded: 0 }, { price: 3, bid: 0, ask: 1, traded: 0 }, { price: 2 }, null, { price: 2, bid: 0, ask: 0, traded: 5 }]);
    assert.deepEqual(out.map((r) => r.price), [3, 2, 1]);
    const sorted = rows(3, 2, 1);
    assert.equal(normalizeRows(sorted).length, 3);
  });

  it('ladderMaxima per column', () => {
    assert.deepEqual(
      ladderMaxima([
        { price: 2, bid: 0, ask: 4, traded: 1 },
        { price: 1, bid: 3, ask: 0, traded: 7 },
      ]),
      { bid: 3, ask: 4, traded: 7 },
    );
  });

  it('groupingChoices label each multiple as a price step', () => {
    assert.deepEqual(groupingChoices([1, 10, 100], 0.01, 10), [
      { multiple: 1, label: '0.01' },
      { multiple: 10, label: '0.1' },
      { multiple: 100, label: '1' },
    ]);
    assert.deepEqual(
      groupingChoices([5, 1], 0.5, 3).map((c) => c.multiple),
      [1, 3, 5],
    );
    assert.equal(ladderDecimals(0.01, 10), 1);
    assert.equal(ladderDecimals(0.01, 1), 2);
    assert.equal(ladderDecimals(0.5, 2), 0);
  });
});
