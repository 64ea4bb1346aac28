// A reconnect's hole behind the factory's weaker seam (REST's trades since the seam minute cut to the newest): sent
// late when those trades reach back before the hole, told lost when they do not. Never left out unsaid.
import * as assert from 'node:assert/strict';
import { CandleFactory } from '../../src/core/candles/candleFactory';
import type { LostHole } from '../../src/core/hub/requests';
import type { Trade } from '../../src/core/types';
import { silentLogger } from '../../src/core/util/log';
import { restAsked, SimFactoryHistory } from '../helpers/simFactoryHistory';
import { settle, settleUntil } from '../helpers/simTradeRest';
import { backfillDone, nextEvent } from '../helpers/factoryEvents';
import { SCRIPT_START as M, MINUTE, scriptCaps, liveSince, reconnecting, powerTrade as trade } from '../helpers/factoryScript';

describe("CandleFactory: a reconnect's hole behind the weaker seam", () => {
  let f: CandleFactory | undefined;
  afterEach(() => f?.dispose());

  /**
   * Seeded, live, three trades streamed in the seam minute to come (at 0.1 s, 0.2 s, and `edge` at 1 s); the stream drops,
   * `hole` is made, and `after` is the first trade once back. The gap job's REST trades are answered with the newest
   * `keep` of those since the seam minute (not all of them: the weaker seam). Resolves once the backfill installed.
   */
  async function dropBehindWeakSeam(keep: number) {
    const ex = new SimFactoryHistory(scriptCaps(['1m']));
    const late: Trade[][] = [];
    const lost: LostHole[] = [];
    let now = M + 30_000;
    ex.log.push(trade(1, M - 2 * MINUTE), trade(2, M - MINUTE));
    const factory = (f = new CandleFactory(
      { exchange: 'coinbase', symbol: 'ETH/USD' },
      {
        history: ex,
        clock: { now: () => now },
        log: silentLogger,
        maxBars: 100,
        tickMs: 60_000,
        persistEveryMs: 60_000,
        repairBackoff: { baseMs: 10, maxMs: 10, factor: 1, jitter: 0 },
        repairMaxAttempts: 3,
        holeTrades: (t) => late.push([...t]),
        holeLost: (h) => lost.push(h),
      },
    ));
    factory.addTimeframe('1m', 10);
    await restAsked(ex);
    ex.rest.answer();
    await settleUntil(() => factory.isReady('1m'));
    factory.onStreamState(liveSince(M));
    const seam = M + 2 * MINUTE;
    const w = trade(3, seam + 100);
    const x = trade(4, seam + 200);
    const edge = trade(5, seam + 1_000);
    ex.log.push(w, x, edge);
    now = seam + 1_100;
    factory.ingest([w, x, edge]);
    await restAsked(ex); // the first seam's check: nothing missing
    ex.rest.answer();
    for (let i = 0; i < 20; i++) await settle();
    assert.equal(ex.rest.pending, 0, 'no backfill after the check');

    const hole = trade(6, seam + 5_000);
    const after = trade(7, seam + 15_000);
    ex.log.push(hole, after);
    factory.onStreamState(reconnecting);
    now = seam + 20_000;
    const refilled = nextEvent(factory, backfillDone);
    factory.onStreamState(liveSince(M));
    factory.ingest([after]);
    await restAsked(ex);
    assert.ok(keep < 5, 'not every trade since the seam minute: the weaker seam');
    ex.rest.answer('newest', keep);
    await refilled;
    for (let i = 0; i < 20; i++) await settle();
    return { late, lost, hole, edge, after };
  }

  it("REST's newest trades reach back before the hole's edge: its trades are sent late", async () => {
    const { late, lost, hole } = await dropBehindWeakSeam(4);
    assert.deepEqual(lost, []);
    assert.deepEqual(late.map((b) => b.map((t) => t.id)), [[hole.id]]);
  });

  it("REST's newest trades reach back to the hole's edge only (that millisecond's page may be cut): told lost, saying so, nothing sent", async () => {
    const { late, lost, edge, after } = await dropBehindWeakSeam(3);
    assert.deepEqual(late, []);
    assert.deepEqual(lost, [{ from: edge.timestamp, until: after.timestamp, reason: "the exchange's REST trades do not reach back to the reconnect" }]);
  });
});
