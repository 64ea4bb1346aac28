// A gap backfill that cannot rebuild the bars (a timeframe the exchange's klines cannot tile at the seam) installs
// nothing: the reconnect's hole it held is told lost, not left pending for good (the hub waiting on it meanwhile).
import * as assert from 'node:assert/strict';
import { CandleFactory } from '../../src/core/candles/candleFactory';
import type { LostHole } from '../../src/core/hub/requests';
import type { Trade } from '../../src/core/types';
import { silentLogger } from '../../src/core/util/log';
import { restAsked, SimFactoryHistory } from '../helpers/simFactoryHistory';
import { settle, settleUntil } from '../helpers/simTradeRest';
import { nextEvent } from '../helpers/factoryEvents';
import { SCRIPT_START as M, MINUTE, scriptCaps, liveSince, reconnecting, powerTrade as trade } from '../helpers/factoryScript';

describe('CandleFactory: a gap backfill that rebuilds nothing', () => {
  let f: CandleFactory | undefined;
  afterEach(() => f?.dispose());

  it("tells the hole lost with the backfill's reason; the factory holds no hole after", async () => {
    // 5m klines only: a seed on a 5-minute boundary is exact, one in the middle of a 5-minute bar cannot be.
    const ex = new SimFactoryHistory(scriptCaps(['5m']));
    const late: Trade[][] = [];
    const lost: LostHole[] = [];
    let now = M + 30_000;
    ex.log.push(trade(1, M - 10 * MINUTE), trade(2, M - 6 * MINUTE));
    const factory = (f = new CandleFactory({ exchange: 'coinbase', symbol: 'ETH/USD' }, { history: ex, clock: { now: () => now }, log: silentLogger, maxBars: 100, tickMs: 60_000, persistEveryMs: 60_000, repairBackoff: { baseMs: 10, maxMs: 10, factor: 1, jitter: 0 }, repairMaxAttempts: 3, holeTrades: (t) => late.push([...t]), holeLost: (h) => lost.push(h) }));
    factory.addTimeframe('5m', 10);
    await restAsked(ex);
    ex.rest.answer();
    await settleUntil(() => factory.isReady('5m'));
    assert.ok(factory.isReady('5m'), 'seeded on the 5-minute boundary');
    factory.onStreamState(liveSince(M));
    const edge = trade(3, M + MINUTE);
    ex.log.push(edge);
    now = M + MINUTE + 100;
    factory.ingest([edge]);
    await restAsked(ex); // the first seam's check: nothing missing
    ex.rest.answer();
    for (let i = 0; i < 20; i++) await settle();

    const hole = trade(4, M + 2 * MINUTE);
    const after = trade(5, M + 2 * MINUTE + 15_000);
    ex.log.push(hole, after);
    factory.onStreamState(reconnecting);
    now = M + 2 * MINUTE + 20_000;
    const gaveUp = nextEvent(factory, (e) => e.type === 'backfill' && e.outcome === 'gave up');
    factory.onStreamState(liveSince(M));
    factory.ingest([after]);
    await restAsked(ex);
    ex.rest.answer();
    await gaveUp;
    assert.deepEqual(late, []);
    assert.deepEqual(lost, [{ from: edge.timestamp, until: after.timestamp, reason: "5m bars cannot be rebuilt exactly from this exchange's timeframes" }]);
    assert.equal(factory.owesHole, false, 'no hole left pending or unsent');
  });
});
