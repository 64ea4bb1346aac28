/**
 * FootprintFeed on a source whose late events are trades its stream never sent (an aggregate's merged legs: a leg's
 * hole filled after the merge passed its time), on a hand-driven stream: with `lateFromSource` they are counted into
 * the bars of their time, once, and a hole given up marks its bars partial; one market's feed (which fills its own
 * holes from REST) still leaves the hub's late events, which repeat them.
 */
import * as assert from 'node:assert/strict';
import { FootprintFeed, type FootprintFeedEvent } from '../../../src/core/orderflow/footprintFeed';
import type { FootprintBar } from '../../../src/core/orderflow/footprintBar';
import { priceBuckets } from '../../../src/core/orderflow/priceBuckets';
import type { Trade } from '../../../src/core/types';
import { HandTradesHub } from '../../helpers/handTradesHub';

const T0 = Date.UTC(2026, 10, 30, 12, 0);
const MIN = 60_000;
const MARKET = { exchange: 'aggregate', symbol: 'BTC' } as const;

const trade = (id: string, timestamp: number, price: number, amount = 1, side: 'buy' | 'sell' = 'buy'): Trade => ({ id, timestamp, price, amount, side });

/** A 1m feed on a hand source, live from T0 with no history, its bars as a page holds them (cells merged by price). */
async function started(lateFromSource: boolean) {
  const source = new HandTradesHub();
  const bars = new Map<number, FootprintBar>();
  const events: FootprintFeedEvent[] = [];
  const feed = new FootprintFeed({ hub: source, history: () => Promise.resolve({ trades: [], complete: true }), market: MARKET, timeframes: ['1m'], buckets: priceBuckets(1, 1), historyFrom: T0, lateFromSource, clock: { now: () => T0 + 3 * MIN } });
  feed.onEvent((e) => {
    events.push(e);
    if (e.type === 'snapshot') for (const b of e.bars) bars.set(b.time, b);
    if (e.type === 'bars') {
      for (const b of e.bars) {
        const cells = new Map((bars.get(b.time)?.cells ?? []).map((c) => [c.price, c]));
        for (const c of b.cells) cells.set(c.price, c);
        bars.set(b.time, { ...b, cells: [...cells.values()].sort((x, y) => x.price - y.price) });
      }
    }
  });
  feed.start();
  source.send({ type: 'state', state: { status: 'live', since: T0 } });
  await feed.settled();
  source.send({ type: 'trades', trades: [trade('a', T0 + 10_000, 100), trade('b', T0 + MIN + 10_000, 101), trade('c', T0 + 2 * MIN + 10_000, 102)] });
  return { feed, source, bars, events };
}

const cellsOf = (bar: FootprintBar | undefined) => bar?.cells.map((c) => [c.price, c.buy, c.sell]);

describe('FootprintFeed: late trades and lost holes of a source that never sent them (lateFromSource)', () => {
  it('late trades go into the bars and cells of their time, once, their OHLC placed by time', async () => {
    const { feed, source, bars } = await started(true);
    source.send({ type: 'trades', trades: [trade('late1', T0 + 30_000, 100, 0.5, 'sell'), trade('late2', T0 + MIN + 40_000, 99, 2)], late: true });
    assert.deepEqual(cellsOf(bars.get(T0)), [[100, 1, 0.5]]);
    assert.deepEqual(cellsOf(bars.get(T0 + MIN)), [[99, 2, 0], [101, 1, 0]]);
    const second = bars.get(T0 + MIN)!;
    assert.deepEqual([second.open, second.high, second.low, second.close, second.buyVolume], [101, 101, 99, 99, 3], 'the late trade, the bar’s latest, closes it');
    assert.equal(bars.get(T0 + 2 * MIN)?.close, 102);
    // The same late trades again (a source repeating them): TradeContinuity knows them now.
    source.send({ type: 'trades', trades: [trade('late1', T0 + 30_000, 100, 0.5, 'sell')], late: true });
    assert.deepEqual(cellsOf(feed.snapshot('1m')!.bars.find((b) => b.time === T0)), [[100, 1, 0.5]], 'not counted twice');
    feed.dispose();
  });

  it('a lost hole marks its bars partial and says so; one not picked up ends at the clock', async () => {
    const { feed, source, events } = await started(true);
    source.send({ type: 'trades', trades: [], late: true, lost: { from: T0 + MIN + 10_000, until: T0 + MIN + 50_000, reason: 'bybit BTC/USDT:USDT: HTTP 503' } });
    const hole = events.find((e) => e.type === 'hole');
    assert.deepEqual(hole, { type: 'hole', from: T0 + MIN + 10_000, until: T0 + MIN + 50_000, reason: 'bybit BTC/USDT:USDT: HTTP 503', retrying: false });
    const partial = () => feed.snapshot('1m')!.bars.filter((b) => b.partial).map((b) => b.time - T0);
    assert.deepEqual(partial(), [MIN], 'only the bar over the span');
    source.send({ type: 'trades', trades: [], late: true, lost: { from: T0 + 2 * MIN + 10_000, reason: 'closed' } });
    assert.deepEqual(partial(), [MIN, 2 * MIN]);
    const last = events.filter((e) => e.type === 'hole').at(-1);
    assert.ok(last?.type === 'hole' && last.until === T0 + 3 * MIN, 'the open span ends at the clock');
    feed.dispose();
  });

  it("one market's feed leaves the hub's late events and lost holes: it fills its own holes, and those repeat them", async () => {
    const { feed, source, bars, events } = await started(false);
    source.send({ type: 'trades', trades: [trade('late1', T0 + 30_000, 100, 0.5, 'sell')], late: true });
    source.send({ type: 'trades', trades: [], late: true, lost: { from: T0 + MIN, until: T0 + MIN + 1, reason: 'x' } });
    assert.deepEqual(cellsOf(bars.get(T0)), [[100, 1, 0]]);
    assert.ok(!events.some((e) => e.type === 'hole'));
    feed.dispose();
  });
});
