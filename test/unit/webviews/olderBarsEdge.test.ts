import * as assert from 'node:assert/strict';
import type { CandleWire } from '../../../src/shared/protocol';
import { BarStore } from '../../../src/webviews/chart/barStore';
import { OLDER_PAGE, OlderBarsEdge, type EdgeState, type OlderBarsRequest } from '../../../src/webviews/chart/olderBarsEdge';
import { Store } from '../../../src/webviews/shared/store';

const MIN = 60_000;
const c = (i: number, close = 10): CandleWire => [i * MIN, close, close + 1, close - 1, close, 1];

function edge() {
  const asked: OlderBarsRequest[] = [];
  const e = new OlderBarsEdge((r) => asked.push(r), new Store<EdgeState>({ status: 'idle' }));
  return { e, asked };
}

describe('webviews/chart the left edge (older bars on demand)', () => {
  it('asks once for the page before the oldest bar while at the edge, and takes only its own answer', () => {
    const { e, asked } = edge();
    e.visible(false, 100 * MIN);
    assert.equal(asked.length, 0, 'not at the edge: no request');
    e.visible(true, 100 * MIN);
    e.visible(true, 100 * MIN);
    assert.deepEqual(asked, [{ requestId: 1, before: 100 * MIN, count: OLDER_PAGE }], 'one request in flight');
    assert.equal(e.state.get().status, 'loading');
    assert.deepEqual(e.answer({ requestId: 99, candles: [c(5)], exhausted: false }), [], 'not ours');
    assert.deepEqual(e.answer({ requestId: 1, candles: [c(98), c(99)], exhausted: false }), [c(98), c(99)]);
    assert.equal(e.state.get().status, 'idle');
    e.visible(true, 98 * MIN);
    assert.equal(asked[1]?.before, 98 * MIN, 'still at the edge (a short page): the next page');
  });

  it('a snapshot that replaces the bars: the same series from the same bar or earlier keeps the state; starting later, or another series, starts over', () => {
    const { e, asked } = edge();
    e.visible(true, 100 * MIN);
    e.answer({ requestId: 1, candles: [], exhausted: true });
    e.replaced(true, 100 * MIN, 100 * MIN);
    e.replaced(true, 100 * MIN, 90 * MIN);
    assert.equal(e.state.get().status, 'exhausted', 'the same bars or more: still the start of history');
    // An engine restarted on an empty cache: the exchange's newest page starts well after the start found before.
    e.replaced(true, 100 * MIN, 400 * MIN);
    assert.equal(e.state.get().status, 'idle');
    e.visible(true, 400 * MIN);
    assert.deepEqual(asked.at(-1), { requestId: 2, before: 400 * MIN, count: OLDER_PAGE }, 'the page before the new first bar is asked');
    e.replaced(true, 400 * MIN, 500 * MIN);
    assert.deepEqual(e.answer({ requestId: 2, candles: [c(398), c(399)], exhausted: false }), [], 'a page asked before bars no longer shown is dropped');
    e.visible(true, 500 * MIN);
    e.answer({ requestId: 3, candles: [], exhausted: true });
    e.replaced(false, 500 * MIN, 100 * MIN);
    assert.equal(e.state.get().status, 'idle', 'another series');
    e.visible(true, 100 * MIN);
    e.answer({ requestId: 4, candles: [], exhausted: true });
    e.replaced(true, undefined, 100 * MIN);
    assert.equal(e.state.get().status, 'idle', 'a chart that held no bars');
  });

  it('stops asking once the host says the history is exhausted; another series starts over', () => {
    const { e, asked } = edge();
    e.visible(true, 100 * MIN);
    e.answer({ requestId: 1, candles: [], exhausted: true });
    assert.equal(e.state.get().status, 'exhausted');
    e.visible(false, 100 * MIN);
    e.visible(true, 100 * MIN);
    assert.equal(asked.length, 1);
    e.reset();
    e.visible(true, 500 * MIN);
    assert.equal(asked.length, 2);
  });

  it('says whether the view is at the edge (its note shows only then), and whether the end is the history\'s start or the cap', () => {
    const { e } = edge();
    assert.equal(e.atEdge.get(), false);
    e.visible(true, 100 * MIN);
    assert.equal(e.atEdge.get(), true);
    e.answer({ requestId: 1, candles: [], exhausted: true });
    assert.deepEqual(e.state.get(), { status: 'exhausted' }, 'the start of history');
    e.visible(false, 100 * MIN);
    assert.equal(e.atEdge.get(), false, 'scrolled away: the note goes');
    e.reset();
    e.visible(true, 90 * MIN);
    e.answer({ requestId: 2, candles: [], exhausted: true, cappedAt: 50_000 });
    assert.deepEqual(e.state.get(), { status: 'exhausted', cappedAt: 50_000 }, 'as many as a chart keeps');
    e.reset();
    assert.equal(e.atEdge.get(), false, 'another series starts away from the edge');
  });

  it('asks for nothing at or before where the host says the bars begin (a replay at its first recorded trade)', () => {
    const { e, asked } = edge();
    e.historyBegins(100 * MIN + 1234);
    e.visible(true, 100 * MIN);
    assert.equal(asked.length, 0, 'the first bar holds the first trade: nothing older exists');
    assert.equal(e.state.get().status, 'idle', 'no spinner');
    e.visible(false, 101 * MIN);
    e.visible(true, 101 * MIN);
    assert.equal(asked.length, 1, 'bars older than the first shown may exist: asked');
    e.historyBegins(undefined);
  });

  it('a failure shows its name; it is retried by the retry button or by coming back to the edge, not on every move', () => {
    const { e, asked } = edge();
    e.visible(true, 100 * MIN);
    assert.deepEqual(e.answer({ requestId: 1, candles: [], exhausted: false, error: 'history unavailable (HTTP 503)' }), []);
    assert.deepEqual(e.state.get(), { status: 'failed', error: 'history unavailable (HTTP 503)' });
    e.visible(true, 100 * MIN);
    assert.equal(asked.length, 1, 'dragging along the edge does not hammer a failing exchange');
    e.retry(100 * MIN);
    assert.equal(asked.length, 2);
    e.answer({ requestId: 2, candles: [], exhausted: false, error: 'history unavailable (HTTP 503)' });
    e.visible(false, 100 * MIN);
    e.visible(true, 100 * MIN);
    assert.equal(asked.length, 3, 'back at the edge: asked again');
  });

  it('BarStore.prepend puts only older bars in front, oldest first, and says how many', () => {
    const s = new BarStore();
    s.reset([c(10), c(11)]);
    assert.equal(s.prepend([c(7), c(8), c(9), c(10), c(11)]), 3);
    assert.deepEqual(s.bars.map((b) => b.time / 60), [7, 8, 9, 10, 11]);
    assert.equal(s.prepend([c(8)]), 0, 'already held');
  });
});
