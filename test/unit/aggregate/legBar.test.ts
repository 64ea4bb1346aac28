import * as assert from 'node:assert/strict';
import { LegBar } from '../../../src/core/aggregate/legBar';
import { LateTies } from '../../../src/core/util/tradeOrder';
import type { Trade } from '../../../src/core/types';

const T0 = Date.UTC(2026, 0, 1, 12, 0);
const trade = (id: string, timestamp: number, price: number): Trade => ({ id, timestamp, price, amount: 1, side: 'buy' });
const ohlc = (b: LegBar) => [b.open, b.high, b.low, b.close];

describe('LegBar: one leg’s trades of a bar', () => {
  it('a retried fill’s trades sharing a millisecond with ones held land by id: the open and the close are the exchange’s first and last', () => {
    const b = new LegBar();
    // The socket resumed inside T0+5: it gave trade 11; the fill retried later brings 9 and 10 of that millisecond.
    b.add(trade('8', T0 + 1, 100), 1);
    b.add(trade('11', T0 + 5, 104), 1);
    b.add(trade('9', T0 + 5, 101), 1, new LateTies(T0 + 1));
    b.add(trade('10', T0 + 5, 102), 1, new LateTies(T0 + 1));
    assert.deepEqual(ohlc(b), [100, 104, 100, 104], 'trade 11 stays the close');
    // And at the open's millisecond: the stream's first trade was 21; the fill brings 20 of that millisecond.
    const c = new LegBar();
    c.add(trade('21', T0, 200), 1);
    c.add(trade('22', T0 + 9, 203), 1);
    c.add(trade('20', T0, 199), 1, new LateTies(T0 - 50));
    assert.deepEqual(ohlc(c), [199, 203, 199, 203], 'trade 20 is the open');
  });

  it('ids that are not sequence numbers: late trades go after the held ones only at their hole’s first millisecond; in-order ones are the newest', () => {
    const b = new LegBar();
    b.add(trade('c3f1', T0, 100), 1);
    b.add(trade('e9a0', T0 + 5, 104), 1);
    // A hole from T0 (its first millisecond: the missed trades came after the held one) to T0+5 (resumed inside it).
    const ties = new LateTies(T0);
    b.add(trade('a7b2', T0, 101), 1, ties);
    b.add(trade('0d4e', T0 + 5, 103), 1, ties);
    assert.deepEqual(ohlc(b), [100, 104, 100, 104]);
    // Streamed in order at the close's millisecond: the newest.
    b.add(trade('ffff', T0 + 5, 102), 1);
    assert.equal(b.close, 102);
    assert.deepEqual([b.trades, b.volume], [5, 5]);
  });
});
