import * as assert from 'node:assert/strict';
import { footprintLoadingLabel, footprintLoadingTitle } from '../../../src/webviews/chart/footprintLoading';

describe('footprint loading label (chart toolbar)', () => {
  it('says loading before the first answer, then the share of the span fetched, never 100 % before the cells', () => {
    assert.equal(footprintLoadingLabel(null), 'loading trades…');
    assert.equal(footprintLoadingLabel({ from: 0, until: 1_000 }), 'loading trades…');
    assert.equal(footprintLoadingLabel({ from: 0, until: 1_000, reached: { direction: 'forward', time: 374 } }), 'loading trades… 37%');
    assert.equal(footprintLoadingLabel({ from: 0, until: 1_000, reached: { direction: 'forward', time: 5_000 } }), 'loading trades… 99%', 'the exchange\'s clock ahead of ours');
    assert.equal(footprintLoadingLabel({ from: 1_000, until: 1_000, reached: { direction: 'forward', time: 1_000 } }), 'loading trades…', 'an empty span');
  });

  it('where the trades page backwards from now (Coinbase), the share is of the span from its end back to the oldest trade in', () => {
    assert.equal(footprintLoadingLabel({ from: 1_000, until: 2_000, reached: { direction: 'backward', time: 1_626 } }), 'loading trades… 37%');
    assert.equal(footprintLoadingLabel({ from: 1_000, until: 2_000, reached: { direction: 'backward', time: 2_500 } }), 'loading trades… 0%', 'a first page newer than our clock');
    assert.equal(footprintLoadingLabel({ from: 1_000, until: 2_000, reached: { direction: 'backward', time: 900 } }), 'loading trades… 99%', 'past the start: still not 100% before the cells');
  });

  it('names where the trades are fetched from', () => {
    assert.match(footprintLoadingTitle({ from: Date.UTC(2026, 11, 1, 2, 8), until: 0 }), /from 02:08 UTC/);
  });
});
