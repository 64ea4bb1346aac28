/** StoredHoleSpans: what of a recorder's holes is stored, so a hole written again is written only for its new part. */
import * as assert from 'node:assert/strict';
import { StoredHoleSpans } from '../../../src/core/record/storedHoleSpans';
import type { HoleKind, RecordingHole } from '../../../src/core/record/recordTypes';

const h = (from: number, until: number, reason = 'r', kind: HoleKind = 'trades'): RecordingHole => ({ kind, from, until, reason });
const spans = (holes: readonly RecordingHole[]) => holes.map((x) => [x.from, x.until, x.reason]);

describe('StoredHoleSpans', () => {
  it('a hole grown on both sides since its stored part gives the two parts not stored; one of another reason over it gives only what it adds', () => {
    const stored = new StoredHoleSpans();
    stored.stored([h(10, 20)]);
    assert.deepEqual(spans(stored.unstored([h(5, 30), h(12, 18, 'other')])), [
      [5, 10, 'r'],
      [20, 30, 'r'],
    ]);
    assert.deepEqual(stored.unstored([h(12, 18)]), [], 'inside what is stored: nothing');
    assert.deepEqual(spans(stored.unstored([h(15, 25, 'other')])), [[20, 25, 'other']], 'the stored span keeps its reason; the rest is stored with its own');
  });

  it('holes of one kind and other reasons never overlap once stored: the sum of their lengths is the time they cover', () => {
    const stored = new StoredHoleSpans();
    const batches = [[h(0, 100, 'reconnect')], [h(50, 150, 'dropped')], [h(120, 130, 'held'), h(140, 200, 'reconnect')]];
    const written = batches.flatMap((batch) => stored.stored(stored.unstored(batch)).map((s) => s.hole));
    assert.deepEqual(spans(written), [
      [0, 100, 'reconnect'],
      [100, 150, 'dropped'],
      [150, 200, 'reconnect'],
    ]);
    assert.deepEqual(stored.unstored([h(0, 200, 'any')]), [], 'everything is covered');
  });

  it('holes of one kind in one list are given once where they overlap, in their order, whatever their reasons', () => {
    const stored = new StoredHoleSpans();
    assert.deepEqual(spans(stored.unstored([h(10, 20), h(30, 40, 'other'), h(15, 25), h(22, 35, 'third')])), [
      [10, 20, 'r'],
      [30, 40, 'other'],
      [20, 25, 'r'],
      [25, 30, 'third'],
    ]);
  });

  it('the rest of a stored hole is not a new hole (the state counts holes, not the parts they were written in); a hole apart from it is', () => {
    const stored = new StoredHoleSpans();
    assert.deepEqual(stored.stored([h(10, 20)]).map((s) => s.isNew), [true]);
    const rest = stored.stored(stored.unstored([h(10, 25)]));
    assert.deepEqual(rest.map((s) => [s.hole.from, s.hole.until, s.isNew]), [[10, 25, false]], 'the whole hole, as it now stands');
    assert.deepEqual(stored.stored(stored.unstored([h(40, 50)])).map((s) => [s.hole.from, s.hole.until, s.isNew]), [[40, 50, true]]);
    assert.deepEqual(spans(stored.unstored([h(45, 60)])), [[50, 60, 'r']], 'clipped against the newest stored span');
  });

  it('a hole of another kind is apart even with the same reason and span: a book hole is not a stored trade hole', () => {
    const stored = new StoredHoleSpans();
    stored.stored([h(10, 20)]);
    assert.deepEqual(stored.unstored([h(10, 20, 'r', 'book')]), [h(10, 20, 'r', 'book')]);
    assert.deepEqual(stored.unstored([h(10, 20)]), []);
  });

  it('holes a run before stored (read where the store ends) clip what this run stores, each of them, not only the newest', () => {
    const stored = new StoredHoleSpans();
    stored.storedBefore([h(10, 20), h(30, 40), h(5, 50, 'r', 'tickers')]);
    assert.deepEqual(spans(stored.unstored([h(15, 35)])), [[20, 30, 'r']]);
    assert.deepEqual(stored.unstored([h(8, 45, 'r', 'tickers')]), []);
    assert.deepEqual(stored.stored(stored.unstored([h(12, 60)])).map((s) => [s.hole.from, s.hole.until, s.isNew]), [[10, 40, false], [10, 60, false]], 'each part joins the stored spans it touches into one');
  });
});
