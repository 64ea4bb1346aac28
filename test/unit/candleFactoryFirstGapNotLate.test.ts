// The first start's gap (the seam check's backfill between REST's last trade and the stream's first) is the rules'
// warm-up, not a reconnect's hole: its trades reach the bars, and no trades subscriber as late trades.
import * as assert from 'node:assert/strict';
import { CandleFactory } from '../../src/core/candles/candleFactory';
import type { Trade } from '../../src/core/types';
import { silentLogger } from '../../src/core/util/log';
import { restAsked, SimFactoryHistory } from '../helpers/simFactoryHistory';
import { settle, settleUntil } from '../helpers/simTradeRest';
import { nextEvent } from '../helpers/factoryEvents';
import { SCRIPT_START as M, MINUTE, scriptCaps, liveSince, reconnecting, powerTrade as trade } from '../helpers/factoryScript';

describe("CandleFactory: the first start's gap is no hole for the rules", () => {
  let f: CandleFactory | undefined;
  afterEach(() => f?.dispose());

  it("the seam check's backfill fills the bars and sends no late trades; a reconnect after it does", async () => {
    const ex = new SimFactoryHistory(scriptCaps(['1m']));
    const late: Trade[][] = [];
    let lateSent: () => void = () => undefined;
    let now = M + 30_000;
    ex.log.push(trade(1, M - 2 * MINUTE), trade(2, M - MINUTE), trade(3, M + 5_000), trade(4, M + 20_000));
    const factory = (f = new CandleFactory({ exchange: 'coinbase', symbol: 'ETH/USD' }, { history: ex, clock: { now: () => now }, log: silentLogger, maxBars: 100, tickMs: 60_000, persistEveryMs: 60_000, repairBackoff: { baseMs: 10, maxMs: 10, factor: 1, jitter: 0 }, repairMaxAttempts: 3, holeTrades: (t) => {
      late.push([...t]);
      lateSent();
    } }));
    factory.addTimeframe('1m', 10);
    await restAsked(ex);
    ex.rest.answer();
    await settleUntil(() => factory.isReady('1m'));

    // Before the stream's first trade, one it never sends: the first seam's check finds it missing.
    const missed = trade(9, M + MINUTE + 10_000);
    ex.log.push(missed, trade(5, M + 2 * MINUTE + 10_000));
    now = M + 2 * MINUTE + 15_000;
    factory.onStreamState(liveSince(M));
    factory.ingest([ex.log.at(-1)!]);
    const done = nextEvent(factory, (e) => e.type === 'backfill' && e.outcome === 'done');
    await restAsked(ex); // the check
    ex.rest.answer();
    await restAsked(ex); // its backfill
    ex.rest.answer();
    await done;
    // sendHoleTrades would have run in the backfill's own turn; a few more turns let a stray one show.
    for (let i = 0; i < 20; i++) await settle();
    assert.equal(factory.snapshot('1m')!.find((c) => c.time === M + MINUTE)?.volume, missed.amount, 'the bars hold the missed trade');
    assert.equal(late.length, 0, 'no late trades: before the stream began, the rules were warming up');

    // A reconnect's hole, by contrast, is sent.
    const lost = trade(6, M + 3 * MINUTE + 5_000);
    ex.log.push(lost);
    factory.onStreamState(reconnecting);
    now = M + 3 * MINUTE + 20_000;
    const refilled = nextEvent(factory, (e) => e.type === 'backfill' && e.outcome === 'done');
    const sent = new Promise<void>((resolve) => (lateSent = resolve));
    factory.onStreamState(liveSince(M));
    const after = trade(7, M + 3 * MINUTE + 15_000);
    ex.log.push(after);
    factory.ingest([after]);
    await restAsked(ex);
    ex.rest.answer();
    await refilled;
    await sent;
    assert.deepEqual(late.map((b) => b.map((t) => t.id)), [[lost.id]]);
  });
});
