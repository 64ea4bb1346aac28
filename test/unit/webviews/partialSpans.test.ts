import * as assert from 'node:assert/strict';
import { partialSpans } from '../../../src/webviews/chart/partialSpans';

describe('partial liquidation lanes: where the hatching goes', () => {
  it('adjacent 3 px bars are one span from the first bar\'s left edge to the last one\'s right edge', () => {
    assert.deepEqual(partialSpans([100, 103, 106, 109], 3, 3), [{ left: 98.5, right: 110.5 }]);
  });

  it('a bar between (not partial) splits the spans; a lone bar is its own', () => {
    assert.deepEqual(partialSpans([100, 103, 109, 121], 3, 3), [
      { left: 98.5, right: 104.5 },
      { left: 107.5, right: 110.5 },
      { left: 119.5, right: 122.5 },
    ]);
  });

  it('bars narrower than the width given are drawn that wide; spans that would overlap are one', () => {
    assert.deepEqual(partialSpans([10, 11, 12], 1, 3), [{ left: 8.5, right: 13.5 }]);
    assert.deepEqual(partialSpans([100, 106, 130], 3, 8), [
      { left: 96, right: 110 },
      { left: 126, right: 134 },
    ]);
    assert.deepEqual(partialSpans([], 3, 3), []);
  });
});
