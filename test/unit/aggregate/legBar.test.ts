import * as assert from 'node:assert/strict';
import { LegBar } from '../../../src/core/aggregate/legBar';
import { TradeMerge } from '../../../src/core/aggregate/tradeMerge';
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

  it('a late call’s own trades of one millisecond, ids not sequence numbers, stay in the order given (its first the open, its last the close); another call’s go before them there', () => {
    // A fill's trades at T0+9, not its hole's first millisecond (Bybit's ids are UUIDs).
    const b = new LegBar();
    const fill = new LateTies(T0);
    b.add(trade('p-uuid', T0 + 9, 101), 1, fill);
    b.add(trade('q-uuid', T0 + 9, 102), 1, fill);
    assert.deepEqual([b.open, b.close], [101, 102], 'p came first, q last, as the exchange listed them');
    // A later call of that millisecond (another hole's fill, resumed inside it): its trades came before the held ones.
    const next = new LateTies(T0);
    b.add(trade('r-uuid', T0 + 9, 99), 1, next);
    b.add(trade('s-uuid', T0 + 9, 98), 1, next);
    assert.deepEqual(ohlc(b), [99, 102, 98, 102], 'r opens (s came after it), q still closes');
    // A live trade of that millisecond is the newest.
    b.add(trade('t-uuid', T0 + 9, 100), 1);
    assert.equal(b.close, 100);
  });

  it('takes one leg’s calls as TradeMerge orders them: its open and close are the first and last trade the merge releases', () => {
    const calls: Array<{ trades: Trade[]; late?: LateTies }> = [
      { trades: [trade('live-a', T0 + 9, 105), trade('live-b', T0 + 12, 106)] },
      { trades: [trade('fill-p', T0 + 9, 101), trade('fill-q', T0 + 9, 102), trade('fill-r', T0 + 12, 103)], late: new LateTies(T0) },
      { trades: [trade('fill-s', T0 + 12, 104), trade('fill-t', T0 + 12, 107)], late: new LateTies(T0 + 12) },
    ];
    const bar = new LegBar();
    const merge = new TradeMerge(1, { kind: 'leg', leg: 0 }, true);
    for (const { trades, late } of calls) {
      for (const t of trades) bar.add(t, 1, late);
      merge.add(0, trades, trades.map(() => 1), late);
    }
    const out = merge.releaseAll();
    assert.deepEqual(
      out.map((t) => t.id),
      ['0:fill-p', '0:fill-q', '0:live-a', '0:fill-r', '0:live-b', '0:fill-s', '0:fill-t'],
    );
    assert.deepEqual([bar.open, bar.close], [out[0]?.price, out.at(-1)?.price]);
  });
});
