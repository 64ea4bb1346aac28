// A streamed trade older than the first bar the factory holds (REST's history reached back `depth` bars only, or the
// series was trimmed): neither dropped, nor a bar out of order, nor a bar of one trade taken as whole. It is behind the
// seam, so the timeframe is rebuilt from REST from its bucket on, and REST's bars hold it with its bucket's other trades.
import * as assert from 'node:assert/strict';
import { CandleFactory } from '../../src/core/candles/candleFactory';
import type { Candle } from '../../src/core/types';
import { silentLogger } from '../../src/core/util/log';
import { referenceCandles } from '../helpers/referenceCandles';
import { SimFactoryHistory } from '../helpers/simFactoryHistory';
import { settle, settleUntil } from '../helpers/simTradeRest';
import { backfillDone, nextEvent } from '../helpers/factoryEvents';
import { SCRIPT_START as M, MINUTE, scriptCaps, liveSince, powerTrade as trade } from '../helpers/factoryScript';

const values = ({ time, open, high, low, close, volume }: Candle): Candle => ({ time, open, high, low, close, volume });

describe('CandleFactory: a late trade before the first bar held', () => {
  let f: CandleFactory | undefined;
  afterEach(() => f?.dispose());

  it("is in its bucket's bar, rebuilt from REST with the bucket's other trades, the bars in order and whole", async () => {
    const ex = new SimFactoryHistory(scriptCaps(['1m']));
    // The exchange's trades; a seed of 3 bars reaches back to M - 3 min only.
    ex.log.push(trade(1, M - 20 * MINUTE + 5_000), trade(2, M - 20 * MINUTE + 50_000), trade(3, M - 3 * MINUTE), trade(4, M - 2 * MINUTE), trade(5, M - MINUTE));
    let now = M + 1_000;
    f = new CandleFactory({ exchange: 'coinbase', symbol: 'BTC/USD' }, { history: ex, clock: { now: () => now }, log: silentLogger, maxBars: 100, tickMs: 60_000, persistEveryMs: 60_000, repairBackoff: { baseMs: 1, maxMs: 1, factor: 1, jitter: 0 }, repairMaxAttempts: 3 });
    f.onStreamState(liveSince(M));
    const seeded = nextEvent(f, backfillDone);
    f.addTimeframe('1m', 3);
    await settleUntil(() => ex.rest.pending > 0);
    ex.rest.answer('whole');
    await seeded;
    await settle();
    const first = f.snapshot('1m')![0]!.time;
    assert.equal(first, M - 3 * MINUTE, 'the history reaches back 3 bars');

    // A trade the exchange made 20 minutes ago, streamed only now (published late).
    const late = trade(6, M - 20 * MINUTE + 30_000);
    ex.log.push(late);
    now = M + 2_000;
    const rebuilt = nextEvent(f, backfillDone);
    f.ingest([late]);
    await settleUntil(() => ex.rest.pending > 0);
    ex.rest.answer('whole');
    await rebuilt;

    const bars = f.snapshot('1m')!;
    const times = bars.map((b) => b.time);
    assert.deepEqual(times, [...new Set(times)].sort((a, b) => a - b), 'one bar per bucket, in order');
    const bucket = bars.find((b) => b.time === M - 20 * MINUTE);
    assert.ok(bucket, 'the late trade\'s bucket has its bar');
    assert.deepEqual(values(bucket), referenceCandles(ex.log, '1m').find((c) => c.time === M - 20 * MINUTE), "with the bucket's other trades, not the late one alone");
    assert.equal(bucket.partial, undefined, 'whole: REST holds the bucket');
    assert.deepEqual(bars.filter((b) => b.time >= first).map(values), referenceCandles(ex.log, '1m').filter((c) => c.time >= first), 'the bars held before are unchanged');
  });
});

describe('CandleFactory: a late trade before the first live bar, without history', () => {
  let f: CandleFactory | undefined;
  afterEach(() => f?.dispose());

  it('makes a partial bar in front of the live bars, never closed or persisted as a whole bar of one trade', async () => {
    const ex = new SimFactoryHistory(scriptCaps(['1m']));
    const now = M + 10_000;
    f = new CandleFactory({ exchange: 'coinbase', symbol: 'BTC/USD' }, { history: ex, clock: { now: () => now }, log: silentLogger, maxBars: 100, tickMs: 60_000, persistEveryMs: 3_600_000, repairBackoff: { baseMs: 3_600_000, maxMs: 3_600_000, factor: 1, jitter: 0 }, repairMaxAttempts: 3 });
    f.onStreamState(liveSince(M));
    const ready = nextEvent(f, (e) => e.type === 'ready');
    f.addTimeframe('1m', 10);
    await settleUntil(() => ex.rest.pending > 0);
    ex.rest.fail();
    await ready;
    assert.equal(f.historyMissing('1m'), true, 'the first seed failed: live trades only');

    f.ingest([trade(1, M + MINUTE + 1_000)]);
    f.ingest([trade(2, M + 2 * MINUTE + 1_000)]);
    const closedEvents: number[] = [];
    f.onEvent((e) => {
      if (e.type === 'deltas') for (const d of e.deltas) if (d.kind !== 'updated') closedEvents.push(d.candle.time);
    });
    const before = f.snapshot('1m')!;
    f.ingest([trade(3, M - 5 * MINUTE + 30_000)]); // published late: before the first live bar
    const bars = f.snapshot('1m')!;
    assert.deepEqual(bars.map((b) => b.time), [M - 5 * MINUTE, M + MINUTE, M + 2 * MINUTE], 'in order, in front of the live bars; nothing invented between');
assert.equal(bars[0]!.partial, true, "partial: its bucket's other trades are unknown");
    assert.deepEqual(bars.slice(1), before, 'the live bars unchanged');
    assert.equal(bars[0]!.volume, 2 ** 3, 'its trade counted, not dropped');
assert.deepEqual(closedEvents, [], 'not announced closed');
    f.removeTimeframe('1m'); // persists its final bars
    assert.ok(!ex.persisted.some((c) => c.time === M - 5 * MINUTE), 'not cached as whole');
  });
});
