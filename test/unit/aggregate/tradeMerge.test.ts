/** TradeMerge: the legs' trades in time order once every leg is seen past them, a slow leg's hold bounded, late trades kept apart (takeLate), the aggregate's price. */
import * as assert from 'node:assert/strict';
import { TradeMerge, type LegWatermark } from '../../../src/core/aggregate/tradeMerge';
import { LegBar } from '../../../src/core/aggregate/legBar';
import type { Trade } from '../../../src/core/types';
import { LateTies } from '../../../src/core/util/tradeOrder';

const T0 = Date.UTC(2026, 10, 30, 4, 0, 0);
const trade = (id: string, dt: number, price: number, amount: number, side: 'buy' | 'sell' = 'buy'): Trade => ({ id, timestamp: T0 + dt, price, amount, side });
const add = (m: TradeMerge, leg: number, trades: Trade[]) => m.add(leg, trades, trades.map((t) => t.amount));
const held = (coveredUntil: number | undefined, maxHoldMs = 2000): LegWatermark => ({ coveredUntil: coveredUntil === undefined ? undefined : T0 + coveredUntil, maxHoldMs });
const ids = (ts: readonly Trade[]) => ts.map((t) => t.id);

describe('TradeMerge', () => {
  it('releases only what every leg has been seen past, in time order; equal times in leg order, and a leg seen at t may still add trades at t', () => {
    const m = new TradeMerge(2, { kind: 'vwap' });
    add(m, 0, [trade('a1', 10, 100, 1), trade('a2', 30, 100, 1)]);
    assert.deepEqual(m.release([held(30), held(undefined)]), [], 'leg 1 not seen yet: nothing goes');
    add(m, 1, [trade('b1', 20, 100, 1), trade('b2', 30, 100, 1)]);
    assert.deepEqual(ids(m.release([held(30), held(30)])), ['0:a1', '1:b1'], 'the trades at 30 wait: either leg may send more at 30');
    add(m, 0, [trade('a3', 30, 100, 1), trade('a4', 40, 100, 1)]);
    add(m, 1, [trade('b3', 45, 100, 1)]);
    assert.deepEqual(ids(m.release([held(40), held(45)])), ['0:a2', '0:a3', '1:b2']);
    assert.equal(m.pending, 2);
    assert.deepEqual(ids(m.releaseAll()), ['0:a4', '1:b3']);
    assert.equal(m.late, 0);
  });

  it('a quiet or down leg holds the others back by its hold only; what it sends older than what went is late, not merged', () => {
    const m = new TradeMerge(2, { kind: 'vwap' });
    add(m, 0, [trade('a1', 0, 100, 1), trade('a2', 1000, 100, 1), trade('a3', 3500, 100, 1)]);
    assert.deepEqual(ids(m.release([held(3500), held(undefined)])), ['0:a1', '0:a2'], 'up to 2 s behind the newest trade');
    assert.deepEqual(m.release([held(3500), held(undefined, Number.POSITIVE_INFINITY)]), [], 'a leg held entirely (its start not in) stops the rest');
    add(m, 1, [trade('b1', 900, 100, 1), trade('b2', 1200, 100, 1)]);
    assert.equal(m.late, 1, 'b1 is older than a2, already released');
    assert.deepEqual(ids(m.release([held(3500), held(1200)])), ['1:b2']);
    assert.deepEqual(ids(m.release([held(3500), held(undefined, 0)])), [], 'a failed leg holds nothing back, the newest trade waits for a later one');
    assert.deepEqual(ids(m.releaseAll()), ['0:a3']);
  });

  it('late trades are kept apart, each taken once, in their leg’s order (a call’s in the exchange’s), at their own price, without moving the aggregate’s', () => {
    const m = new TradeMerge(2, { kind: 'leg', leg: 0 });
    add(m, 0, [trade('a1', 0, 100, 1), trade('a2', 1000, 105, 1), trade('a3', 3500, 110, 1)]);
    assert.deepEqual(m.release([held(3500), held(undefined)]).map((t) => [t.id, t.price]), [['0:a1', 100], ['0:a2', 105]]);
    assert.deepEqual(m.takeLate(), [], 'none yet');
    // Leg 1's fill, listed newest first by its exchange (sequence ids), then a later call.
    m.add(1, [trade('12', 500, 95, 2, 'sell'), trade('11', 500, 96, 1)], [2, 1]);
    m.add(1, [trade('13', 800, 97, 3)], [3]);
    assert.equal(m.late, 3);
    assert.deepEqual(
      m.takeLate().map((t) => [t.id, t.timestamp - T0, t.price, t.amount, t.side]),
      [['1:11', 500, 96, 1, 'buy'], ['1:12', 500, 95, 2, 'sell'], ['1:13', 800, 97, 3, 'buy']],
    );
    assert.deepEqual(m.takeLate(), [], 'each once');
    add(m, 1, [trade('14', 3500, 90, 1)]);
    assert.deepEqual(m.releaseAll().map((t) => [t.id, t.price]), [['0:a3', 110], ['1:14', 110]], "the late ones did not move the chosen leg's price");
    assert.equal(m.pending, 0);
  });

  it("prices each trade at the 1m bar's volume-weighted close after it (legs that traded this minute), or at the chosen leg's last trade", () => {
    const vwap = new TradeMerge(2, { kind: 'vwap' });
    add(vwap, 0, [trade('a1', 0, 100, 1), trade('a2', 60_000, 300, 2)]);
    add(vwap, 1, [trade('b1', 10, 200, 3), trade('b2', 60_010, 400, 2)]);
    const prices = vwap.releaseAll().map((t) => [t.id, t.price, t.amount]);
    assert.deepEqual(prices, [
      ['0:a1', 100, 1],
      ['1:b1', 100 * 0.25 + 200 * 0.75, 3],
      ['0:a2', 300, 2],
      ['1:b2', 300 * 0.5 + 400 * 0.5, 2],
    ]);
    const leg = new TradeMerge(2, { kind: 'leg', leg: 1 });
    add(leg, 0, [trade('a1', 0, 100, 1), trade('a2', 20, 110, 1)]);
    add(leg, 1, [trade('b1', 10, 200, 1)]);
    assert.deepEqual(leg.releaseAll().map((t) => [t.id, t.price]), [['1:b1', 200], ['0:a2', 200]], 'before the price leg trades there is no price: a1 is left out');
  });

  it('with own prices (a tape), each trade keeps its leg\'s price, in time order, amounts as given in base units', () => {
    const m = new TradeMerge(2, { kind: 'leg', leg: 1 }, true);
    m.add(0, [trade('a1', 0, 100, 1), trade('a2', 20, 110, 1, 'sell')], [1, 1]);
    m.add(1, [trade('b1', 10, 200, 5)], [0.005]);
    assert.deepEqual(
      m.releaseAll().map((t) => [t.id, t.timestamp - T0, t.price, t.amount, t.side]),
      [
        ['0:a1', 0, 100, 1, 'buy'],
        ['1:b1', 10, 200, 0.005, 'buy'],
        ['0:a2', 20, 110, 1, 'sell'],
      ],
      'a1 is kept: no price leg is needed',
    );
  });

  it("one leg's trades of a millisecond in its exchange's order, as its bar takes them (by id; a late fill's by its ties), so the price after them is the bar's close; across legs, leg order", () => {
    const m = new TradeMerge(2, { kind: 'leg', leg: 0 });
    // Sequence ids 12 and 10 arrive first (a reconnect's resent trades), 11 after them: the exchange's order is 10, 11, 12.
    const a = [trade('12', 5, 103, 1), trade('10', 5, 101, 1)];
    const b = [trade('11', 5, 102, 1)];
    add(m, 0, a);
    add(m, 0, b);
    add(m, 1, [trade('x', 5, 500, 1)]);
    const bar = new LegBar();
    for (const t of [...a, ...b]) bar.add(t, t.amount);
    const out = m.releaseAll();
    assert.deepEqual(ids(out), ['0:10', '0:11', '0:12', '1:x'], 'leg 0 by id, then leg 1');
    assert.deepEqual([out.at(-1)!.price, bar.close, bar.open], [103, 103, 101], "the aggregate's price after the millisecond is the leg bar's close");

    // Ids that say nothing: a fill's trades of a hole's first millisecond go after those held there, at any other before.
    const f = new TradeMerge(1, { kind: 'leg', leg: 0 });
    add(f, 0, [trade('u-live', 5, 100, 1), trade('v-live', 9, 100, 1)]);
    const ties = new LateTies(T0 + 5);
    f.add(0, [trade('u-fill', 5, 100, 1), trade('v-fill', 9, 100, 1), trade('w-fill', 9, 100, 1)], [1, 1, 1], ties);
    assert.deepEqual(ids(f.releaseAll()), ['0:u-live', '0:u-fill', '0:v-fill', '0:w-fill', '0:v-live'], "in time order; a call's own trades keep their order");
  });

  it("a stream connection's late trades of one millisecond over two calls (one LateTies) keep the order sent, as LegBar keeps them: the first released is the bar's open", () => {
    const m = new TradeMerge(1, { kind: 'leg', leg: 0 }, true);
    const bar = new LegBar();
    const connection = new LateTies();
    const calls: Array<{ trades: Trade[]; late?: LateTies }> = [
      { trades: [trade('u-x', 5, 100, 1)] },
      // A lagging socket's resent trades of that millisecond, one message each; ids that say nothing (UUIDs).
      { trades: [trade('u-a', 5, 101, 1)], late: connection },
      { trades: [trade('u-b', 5, 102, 1)], late: connection },
    ];
    for (const { trades, late } of calls) {
      for (const t of trades) bar.add(t, 1, late);
      m.add(0, trades, trades.map(() => 1), late);
    }
    const out = m.releaseAll();
    assert.deepEqual(ids(out), ['0:u-a', '0:u-b', '0:u-x'], 'the late ones before the held one, in the order sent');
    assert.deepEqual([bar.open, bar.close], [out[0]?.price, out.at(-1)?.price]);
  });
});
