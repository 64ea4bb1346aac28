import * as assert from 'node:assert/strict';
import { BookDiff } from '../../../src/core/record/bookDiff';
import { BookReplica } from '../../../src/core/record/bookReplica';
import type { BookRow } from '../../../src/core/record/recordTypes';
import type { BookLevel, OrderBook } from '../../../src/core/types';

/** A deterministic walk of a 20-level book: levels change, appear and vanish, the best price moves. */
function books(n: number, seed = 1): OrderBook[] {
  let s = seed;
  const rnd = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const out: OrderBook[] = [];
  let mid = 1000;
  for (let i = 0; i < n; i++) {
    mid += Math.round((rnd() - 0.5) * 4);
    const side = (sign: 1 | -1): BookLevel[] =>
      Array.from({ length: 20 }, (_, k) => [mid + sign * (k + 1), Math.round(rnd() * 5) / 4] as BookLevel).filter(([, a]) => a > 0);
    out.push({ timestamp: 1_000_000 + i * 100, bids: side(-1), asks: side(1) });
  }
  return out;
}

describe('BookDiff and BookReplica', () => {
  it('the book rebuilt from the rows equals every book recorded, with a snapshot at the start and at the period only', () => {
    const diff = new BookDiff({ snapshotEveryMs: 5000 });
    const replica = new BookReplica();
    const all: BookRow[] = [];
    for (const book of books(300)) {
      const rows = diff.rows(book);
      all.push(...rows);
      for (const r of rows) replica.apply(r);
      assert.deepEqual(replica.book(), { bids: book.bids, asks: book.asks }, `at ${book.timestamp}`);
    }
    const snapshots = new Set(all.filter((r) => r.kind === 'snapshot').map((r) => r.ts));
    assert.deepEqual([...snapshots], [1_000_000, 1_005_000, 1_010_000, 1_015_000, 1_020_000, 1_025_000], 'every 5 s of book time');
    assert.ok(all.filter((r) => r.kind === 'delta').length < 300 * 40 * 0.9, 'deltas carry only what changed');
  });

  it('a book stamped before the previous one is recorded at the previous time, so time order stays update order', () => {
    const [a, b] = books(2, 3) as [OrderBook, OrderBook];
    const diff = new BookDiff({ snapshotEveryMs: 60_000 });
    diff.rows({ ...a, timestamp: 5000 });
    const back = diff.rows({ ...b, timestamp: 4000 });
    assert.ok(back.length > 0 && back.every((r) => r.ts === 5000 && r.seq === 2));
  });

  it('after reset() the next book is a snapshot, and a replica that starts mid-stream waits for one', () => {
    const [a, b, c] = books(3, 7) as [OrderBook, OrderBook, OrderBook];
    const diff = new BookDiff({ snapshotEveryMs: 60_000 });
    diff.rows(a);
    const deltas = diff.rows(b);
    assert.ok(deltas.every((r) => r.kind === 'delta'));
    const late = new BookReplica();
    for (const r of deltas) late.apply(r);
    assert.equal(late.known, false);
    diff.reset();
    const snap = diff.rows(c);
    assert.ok(snap.length > 0 && snap.every((r) => r.kind === 'snapshot'));
    for (const r of snap) late.apply(r);
    assert.deepEqual(late.book(), { bids: c.bids, asks: c.asks });
  });
  it('a book that stops changing is recorded again as a snapshot each period, so a reader starting later has it', () => {
    const [a] = books(1, 11) as [OrderBook];
    const diff = new BookDiff({ snapshotEveryMs: 60_000 });
    diff.rows({ ...a, timestamp: 1000 });
    assert.deepEqual(diff.snapshotIfQuiet(60_999), [], 'not before the period');
    const again = diff.snapshotIfQuiet(61_000);
    assert.ok(again.length > 0 && again.every((r) => r.kind === 'snapshot' && r.ts === 61_000 && r.seq === 2));
    const late = new BookReplica();
    for (const r of again) late.apply(r);
    assert.deepEqual(late.book(), { bids: a.bids, asks: a.asks }, 'the held book, whole');
    assert.deepEqual(diff.snapshotIfQuiet(100_000), [], 'the period counts from the last snapshot');
    assert.equal(diff.snapshotIfQuiet(121_000).length, again.length);
    diff.reset();
    assert.deepEqual(diff.snapshotIfQuiet(1_000_000), [], 'a book the stream disowned (not live) is not recorded again');
  });
});
