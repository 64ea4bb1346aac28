// A drop while the first seed runs, after the stream had sent trades: the rules held those trades, so the drop's hole
// is theirs to get late, though the job re-queued by the drop stays a first seed (it was never sent before).
import * as assert from 'node:assert/strict';
import { CandleFactory } from '../../src/core/candles/candleFactory';
import type { LostHole } from '../../src/core/hub/requests';
import type { Trade } from '../../src/core/types';
import { silentLogger } from '../../src/core/util/log';
import { restAsked, SimFactoryHistory } from '../helpers/simFactoryHistory';
import { settleUntil } from '../helpers/simTradeRest';
import { SCRIPT_START as M, MINUTE, scriptCaps, liveSince, reconnecting, powerTrade as trade } from '../helpers/factoryScript';

describe('CandleFactory: a drop during the first seed', () => {
  let f: CandleFactory | undefined;
  afterEach(() => f?.dispose());

  it("sends the drop's hole late once the re-queued first seed is in; no hole is left pending", async () => {
    const ex = new SimFactoryHistory(scriptCaps(['1m']));
    const late: Trade[][] = [];
    const lost: LostHole[] = [];
    let lateSent: () => void = () => undefined;
    let now = M + 30_000;
    ex.log.push(trade(1, M - 2 * MINUTE), trade(2, M - MINUTE));
    const factory = (f = new CandleFactory({ exchange: 'coinbase', symbol: 'ETH/USD' }, { history: ex, clock: { now: () => now }, log: silentLogger, maxBars: 100, tickMs: 60_000, persistEveryMs: 60_000, repairBackoff: { baseMs: 10, maxMs: 10, factor: 1, jitter: 0 }, repairMaxAttempts: 3, holeTrades: (t) => {
      late.push([...t]);
      lateSent();
    }, holeLost: (h) => lost.push(h) }));
    factory.onStreamState(liveSince(M));
    factory.addTimeframe('1m', 10);
    const before = trade(3, M + 31_000);
    ex.log.push(before);
    factory.ingest([before]); // streamed to the rules while the seed runs
    await restAsked(ex);

    const hole = trade(4, M + MINUTE + 5_000);
    const after = trade(5, M + MINUTE + 15_000);
    ex.log.push(hole, after);
    factory.onStreamState(reconnecting);
    now = M + MINUTE + 20_000;
    factory.onStreamState(liveSince(M));
    factory.ingest([after]);
    ex.rest.answer(); // the first job's: superseded by the one the drop queued
    const sent = new Promise<void>((resolve) => (lateSent = resolve));
    await restAsked(ex);
    ex.rest.answer();
    await settleUntil(() => factory.isReady('1m'));
    assert.ok(factory.isReady('1m'));
    await sent;
    assert.deepEqual(late.map((b) => b.map((t) => t.id)), [[hole.id]]);
    assert.deepEqual(lost, []);
    assert.equal(factory.owesHole, false, 'no hole left pending or unsent');
  });
});
