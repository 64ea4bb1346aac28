/** TradeContinuity: re-deliveries dropped by id, late trades handed apart, bursts of one millisecond. */
import * as assert from 'node:assert/strict';
import { TradeContinuity } from '../../../src/core/record/tradeContinuity';
import type { Trade } from '../../../src/core/types';

const trade = (id: string, timestamp: number): Trade => ({ id, timestamp, price: 100, amount: 1, side: 'buy' });
const ids = (trades: readonly Trade[]) => trades.map((t) => t.id);

describe('TradeContinuity', () => {
  it('drops a re-delivered trade of the last millisecond and an older one already taken, keeps a new id at that millisecond', () => {
    const c = new TradeContinuity();
    const late: Trade[] = [];
    assert.deepEqual(ids(c.accept([trade('1', 10), trade('2', 20)], late)), ['1', '2']);
    assert.deepEqual(ids(c.accept([trade('1', 10), trade('2', 20), trade('3', 20), trade('4', 21)], late)), ['3', '4']);
    assert.deepEqual(late, [], 'a repeat of a trade taken is not late');
    assert.equal(c.last, 21);
  });

  it('hands a new trade older than the last taken apart, once: the stream out of order loses nothing', () => {
    const c = new TradeContinuity();
    const late: Trade[] = [];
    assert.deepEqual(ids(c.accept([trade('1', 10), trade('3', 30)], late)), ['1', '3']);
    assert.deepEqual(ids(c.accept([trade('2', 20), trade('4', 40)], late)), ['4'], 'in order: only the newer one');
    assert.deepEqual(ids(late), ['2'], 'the late one apart');
    assert.equal(c.last, 40, 'a late trade does not move the last time back');
    const again: Trade[] = [];
    assert.deepEqual(ids(c.accept([trade('2', 20), trade('4', 40)], again)), []);
    assert.deepEqual(again, [], 'a late trade sent twice is taken once');
  });

  it('a trade older than every trade remembered is left out and counted, not taken as new; the caller is told once per call', () => {
    const told: number[] = [];
    const c = new TradeContinuity((n) => told.push(n));
    const late: Trade[] = [];
    const many = Array.from({ length: 5000 }, (_, i) => trade(`n${i}`, 1000 + i));
    c.accept([trade('old', 500), ...many], late);
    assert.deepEqual(ids(c.accept([trade('old', 500), trade('older', 400)], late)), []);
    assert.deepEqual(late, [], 'beyond the memory it cannot be told from a repeat');
    assert.equal(c.unknownOlder, 2);
    assert.deepEqual(told, [2]);
    assert.deepEqual(ids(c.accept([trade('late', 5000)], late)), []);
    assert.deepEqual(ids(late), ['late'], 'within the memory a late trade is still told apart');
  });

  it('a burst of many trades in one millisecond, delivered twice, is taken once (past the scanned few)', () => {
    const c = new TradeContinuity();
    const late: Trade[] = [];
    const burst = Array.from({ length: 40 }, (_, i) => trade(String(i), 5));
    assert.equal(c.accept(burst, late).length, 40);
    assert.equal(c.accept([...burst, trade('40', 5)], late).length, 1, 'only the new id');
    assert.deepEqual(ids(c.accept([trade('0', 6), trade('0', 6)], late)), ['0'], 'a new millisecond forgets the old ids');
    assert.deepEqual([...c.idsAtLastMs()], ['0'], 'only the ids of the last millisecond, not what the reused array held before');
    c.accept(burst.map((t) => ({ ...t, timestamp: 7 })), late);
    assert.equal(c.idsAtLastMs().size, 40, 'a burst past the scanned few');
    assert.deepEqual(late, []);
  });
});
