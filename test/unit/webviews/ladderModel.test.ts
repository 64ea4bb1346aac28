import * as assert from 'node:assert/strict';
import {
  groupingChoices,
  ladderDecimals,
  ladderMaxima,
  ladderNote,
  nearestRowIndex,
  normalizeRows,
  showsBook,
  spreadRows,
  spreadScrollTarget,
} from '../../../src/webviews/dom/ladderModel';

const rows = (...prices: number[]) => prices.map((price) => ({ price, bid: 0, ask: 0, traded: 0 }));

describe('webviews/dom ladder model', () => {
  it('says it waits for the book until the first one is on the ladder, as the Book panel does; not again when a side empties later', () => {
    assert.equal(ladderNote(null), 'waiting for the ladder…');
    const traded = rows(102, 101, 100).map((r) => ({ ...r, traded: r.price === 101 ? 2 : 0 }));
    const book = rows(102, 101, 100).map((r) => ({ ...r, ask: r.price === 102 ? 1 : 0, bid: r.price === 100 ? 3 : 0 }));
    let bookSeen = false;
    const notes = [rows(102, 101, 100), traded, book, rows(102, 101, 100)].map((r) => {
      bookSeen ||= showsBook(r);
      return ladderNote({ bookSeen });
    });
    assert.deepEqual(notes, ['waiting for the book…', 'waiting for the book…', undefined, undefined]);
  });

  it('a spread wider than the rows: says so with the best bid and ask at the tick\'s decimals, not that it waits for the book', () => {
    const note = ladderNote({ bookSeen: true, spreadBeyondRows: { bid: 60590, ask: 60911.5 }, tickSize: 0.01 });
    assert.equal(note, 'The spread (bid 60,590.00, ask 60,911.50) is wider than the ladder at this grouping: pick a coarser grouping to see the book.');
    assert.equal(ladderNote({ bookSeen: true, tickSize: 0.01 }), undefined, 'gone once a row shows the book');
  });

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

  it('spreadRows finds the best ask (lowest ask row) and the best bid (highest bid row)', () => {
    const r = [
      { price: 104, bid: 0, ask: 2, traded: 0 },
      { price: 103, bid: 0, ask: 1, traded: 0 },
      { price: 102, bid: 0, ask: 0, traded: 3 },
      { price: 101, bid: 1, ask: 0, traded: 0 },
      { price: 100, bid: 4, ask: 0, traded: 0 },
    ];
    assert.deepEqual(spreadRows(r), { askIndex: 1, bidIndex: 3 });
    assert.deepEqual(spreadRows(rows(1, 2)), { askIndex: -1, bidIndex: -1 });
  });

  it('spreadScrollTarget stays still while the spread is in view, and centres it when it leaves', () => {
    // viewport 200 px = 10 rows of 20 px; spread from row 20 (ask) to row 22 (bid).
    const base = { viewportHeight: 200, rowHeight: 20, rowCount: 100, spread: { askIndex: 20, bidIndex: 22 } };
    assert.equal(spreadScrollTarget({ ...base, scrollTop: 340 }), null, 'rows 17..26 shown: spread inside');
    assert.equal(spreadScrollTarget({ ...base, scrollTop: 360 }), null, 'rows 18..27 shown: inside with two rows to spare');
    assert.equal(spreadScrollTarget({ ...base, scrollTop: 380 }), 330, 'rows 19..28: only one row above the best ask, re-centre');
    assert.equal(spreadScrollTarget({ ...base, scrollTop: 420 }), 330, 'rows 21..30 shown: the best ask left, centre the spread');
    assert.equal(spreadScrollTarget({ ...base, scrollTop: 100 }), 330, 'far away: centre');
    assert.equal(spreadScrollTarget({ ...base, scrollTop: 340, force: true }), 330, 'forced: centre even in view');
  });

  it('spreadScrollTarget clamps to the list and ignores a ladder without levels or rows of no height', () => {
    const base = { viewportHeight: 200, rowHeight: 20, rowCount: 30 };
    assert.equal(spreadScrollTarget({ ...base, scrollTop: 300, spread: { askIndex: 0, bidIndex: 1 } }), 0);
    assert.equal(spreadScrollTarget({ ...base, scrollTop: 0, spread: { askIndex: 28, bidIndex: 29 } }), 400);
    assert.equal(spreadScrollTarget({ ...base, scrollTop: 0, spread: { askIndex: -1, bidIndex: -1 } }), null);
    assert.equal(spreadScrollTarget({ ...base, scrollTop: 0, rowHeight: 0, spread: { askIndex: 5, bidIndex: 6 } }), null);
    assert.equal(spreadScrollTarget({ ...base, scrollTop: 400, spread: { askIndex: -1, bidIndex: 3 } }), 0, 'one-sided book: keep that side in view');
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
