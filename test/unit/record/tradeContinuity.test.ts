/** TradeContinuity: re-deliveries dropped by id at the last millisecond, late trades dropped, bursts of one millisecond. */
import * as assert from 'node:assert/strict';
import { TradeContinuity } from '../../../src/core/record/tradeContinuity';
import type { Trade } from '../../../src/core/types';

const trade = (id: string, timestamp: number): Trade => ({ id, timestamp, price: 100, amount: 1, side: 'buy' });

describe('TradeContinuity', () => {
  it('drops a re-delivered trade of the last millisecond and a late one, keeps a new id at that millisecond', () => {
    const c = new TradeContinuity();
    assert.deepEqual(c.accept([trade('1', 10), trade('2', 20)]).map((t) => t.id), ['1', '2']);
    assert.deepEqual(c.accept([trade('1', 10), trade('2', 20), trade('3', 20), trade('4', 21)]).map((t) => t.id), ['3', '4']);
    assert.equal(c.last, 21);
  });

  it('a burst of many trades in one millisecond, delivered twice, is taken once (past the scanned few)', () => {
    const c = new TradeContinuity();
    const burst = Array.from({ length: 40 }, (_, i) => trade(String(i), 5));
    assert.equal(c.accept(burst).length, 40);
    assert.equal(c.accept([...burst, trade('40', 5)]).length, 1, 'only the new id');
    assert.deepEqual(c.accept([trade('0', 6), trade('0', 6)]).map((t) => t.id), ['0'], 'a new millisecond forgets the old ids');
    assert.deepEqual([...c.idsAtLastMs()], ['0'], 'only the ids of the last millisecond, not what the reused array held before');
    c.accept(burst.map((t) => ({ ...t, timestamp: 7 })));
    assert.equal(c.idsAtLastMs().size, 40, 'a burst past the scanned few');
  });
});
