import * as assert from 'node:assert/strict';
import { groupLevels } from '../../src/core/orderbook/groupLevels';

describe('groupLevels (DOM)', () => {
  it('groups bids down and asks up to a multiple of the tick', () => {
    const rows = groupLevels(
      [[100.3, 1], [100.1, 2], [99.9, 4]],
      [[100.4, 1], [100.6, 3], [101.1, 5]],
      0.1,
      5,
    );
    assert.deepEqual(rows, [
      { price: 101.5, bid: 0, ask: 5 },
      { price: 101, bid: 0, ask: 3 },
      { price: 100.5, bid: 0, ask: 1 },
      { price: 100, bid: 3, ask: 0 },
      { price: 99.5, bid: 4, ask: 0 },
    ]);
  });

  it('is immune to float noise at bucket edges', () => {
    const rows = groupLevels([[0.1 + 0.2, 1]], [], 0.1, 3);
    assert.deepEqual(rows, [{ price: 0.3, bid: 1, ask: 0 }]);
  });

  it('with multiple 1 keeps every level', () => {
    const rows = groupLevels([[10, 1], [9.99, 1]], [[10.01, 2]], 0.01, 1);
    assert.deepEqual(rows.map((r) => r.price), [10.01, 10, 9.99]);
  });

  it('rejects a bad grouping with a clear message', () => {
    assert.throws(() => groupLevels([], [], 0, 1), /positive tick size/);
    assert.throws(() => groupLevels([], [], 0.1, 1.5), /whole multiple/);
  });
});
