/**
 * An aggregate's footprint while a leg is down across a bar boundary (hand-driven legs on a fake hub, the real
 * AggregateTrades and FootprintFeed): the bars that may lack the leg's trades, the one that starts during the outage
 * among them, are partial from its last trade until its hole is filled; then whole, with its trades in them.
 */
import * as assert from 'node:assert/strict';
import { aggregateFootprintFeed } from '../../../src/core/aggregate/aggregateFootprint';
import type { FootprintBar } from '../../../src/core/orderflow/footprintBar';
import type { FootprintFeed } from '../../../src/core/orderflow/footprintFeed';
import { priceBuckets } from '../../../src/core/orderflow/priceBuckets';
import { bucketStart } from '../../../src/core/timeframes';
import type { Trade } from '../../../src/core/types';
import { HOLE_DEF, holeLegs, type HoleLegs } from '../../helpers/holeLegs';

const MINUTE = 60_000;
const settle = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
};

describe("an aggregate's footprint over a leg down across a bar boundary", () => {
  let feed: FootprintFeed | undefined;
  let hub: HoleLegs | undefined;
  afterEach(async () => {
    feed?.dispose();
    feed = undefined;
    await settle();
    assert.deepEqual(hub?.open() ?? [], [], "every leg's stream given back");
    hub = undefined;
  });

  it('marks the bars from the leg’s last trade partial, the one that starts meanwhile too, until its hole is filled; then whole with its trades', async () => {
    hub = holeLegs();
    const legs = hub;
    const since = bucketStart('1m', Date.now());
    const bars = new Map<number, FootprintBar>();
    const waiters: Array<() => void> = [];
    /** Resolves once `pred` holds, checked after each of the feed's events (the merge lets trades through on its own turn). */
    const until = async (pred: () => boolean): Promise<void> => {
      while (!pred()) await new Promise<void>((resolve) => waiters.push(resolve));
    };
    feed = aggregateFootprintFeed({ source: legs, definition: HOLE_DEF, timeframes: ['1m'], buckets: priceBuckets(0.01, 100), since, holdMs: 0 });
    feed.onEvent((e) => {
      if (e.type === 'snapshot') for (const b of e.bars) bars.set(b.time, b);
      if (e.type === 'bars') for (const b of e.bars) bars.set(b.time, { ...b, cells: [] });
      for (const w of waiters.splice(0)) w();
    });
    feed.start();
    await settle();
    let id = 0;
    // okx's contract is 0.01 BTC: 100 contracts are 1 BTC.
    const trade = (timestamp: number, price: number, amount: number): Trade => ({ id: String(++id), timestamp, price, amount, side: 'buy' });
    legs.push('binance', { type: 'state', state: { status: 'live', since } });
    legs.push('binance', { type: 'trades', trades: [trade(since + 1_000, 100, 1)] });
    legs.push('okx', { type: 'state', state: { status: 'live', since } });
    legs.push('okx', { type: 'trades', trades: [trade(since + 2_000, 100, 100)] });
    await settle();
    await feed.settled();
    legs.push('binance', { type: 'trades', trades: [trade(since + 3_000, 100, 1)] });
    const shown = () => [...bars.values()].sort((a, b) => a.time - b.time).map((b) => [(b.time - since) / MINUTE, b.buyVolume, b.partial === true]);
    await until(() => bars.get(since)?.buyVolume === 3);
    assert.deepEqual(shown(), [[0, 3, false]], 'both legs in: whole');

    // okx drops after its trade at 00:02; binance trades on, into the next bar.
    const fill = legs.holdFill('okx');
    legs.push('okx', { type: 'state', state: { status: 'reconnecting', attempt: 1, reason: 'socket closed', retryInMs: 1000 } });
    await settle();
    legs.push('binance', { type: 'trades', trades: [trade(since + 30_000, 100, 1), trade(since + MINUTE + 1_000, 100, 1)] });
    await until(() => bars.has(since + MINUTE));
    assert.deepEqual(
      shown(),
      [
        [0, 4, true],
        [1, 1, true],
      ],
      'the bars okx may lack trades of are partial while it is down, the one that started meanwhile too',
    );

    // okx is back inside bar 1; its hole's fill gives what it traded meanwhile, one in each bar.
    legs.push('okx', { type: 'state', state: { status: 'live', since: since + MINUTE + 2_000 } });
    legs.push('okx', { type: 'trades', trades: [trade(since + MINUTE + 2_000, 100, 100)] });
    assert.equal(await fill.asked, since + 2_000, "the fill asks from okx's last trade before the drop");
    await settle();
    assert.deepEqual(shown().map(([, , partial]) => partial), [true, true], 'partial while the hole is being filled');
    fill.answer([trade(since + 40_000, 100, 100), trade(since + MINUTE + 1_500, 100, 100)]);
    await until(() => bars.get(since + MINUTE)?.buyVolume === 3 && bars.get(since)?.buyVolume === 5);
    assert.deepEqual(
      shown(),
      [
        [0, 5, false],
        [1, 3, false],
      ],
      'whole again once filled, with its trades',
    );
  });
});
