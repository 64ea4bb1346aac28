// A reconnect's stream sent one trade of the hole after it had picked up (out of time order, as a Coinbase socket's
// first updates can), before the gap backfill's REST answer came. The seam takes REST's trades up to the oldest
// buffered one, that late trade: the hole's trades after it were in neither the bars' REST trades nor the stream, and
// the hole was sent on without them, picked out of those cut REST trades (the seam's check then backfilled the bars,
// but the rules never got them: seen in tradeSocketLostBetweenReads). They are picked out of REST's whole answer.
import * as assert from 'node:assert/strict';
import { CandleFactory } from '../../src/core/candles/candleFactory';
import type { LostHole } from '../../src/core/hub/requests';
import type { Candle, Trade } from '../../src/core/types';
import { silentLogger } from '../../src/core/util/log';
import { answerAllRest, restAsked, SimFactoryHistory } from '../helpers/simFactoryHistory';
import { referenceCandles } from '../helpers/referenceCandles';
import { settle, settleUntil } from '../helpers/simTradeRest';
import { SCRIPT_START as M, MINUTE, scriptCaps, liveSince, reconnecting, powerTrade as trade } from '../helpers/factoryScript';

describe('CandleFactory: a trade of the hole streamed after the pick-up, before the gap backfill\'s answer', () => {
  let f: CandleFactory | undefined;
  afterEach(() => f?.dispose());

  interface PickedUp {
    readonly factory: CandleFactory;
    readonly ex: SimFactoryHistory;
    readonly sent: Trade[][];
    readonly lost: LostHole[];
    readonly hole: readonly Trade[];
  }

  /** Seeded, one trade streamed, dropped; the new socket's pick-up, then a hole trade late with a new one; REST answers the gap backfill. */
  async function pickedUpLate(): Promise<PickedUp> {
    const ex = new SimFactoryHistory(scriptCaps(['1m']));
    const sent: Trade[][] = [];
    const lost: LostHole[] = [];
    let now = M + 30_000;
    ex.log.push(trade(1, M - 2 * MINUTE), trade(2, M - MINUTE));
    const factory = (f = new CandleFactory({ exchange: 'coinbase', symbol: 'ETH/USD' }, { history: ex, clock: { now: () => now }, log: silentLogger, maxBars: 100, tickMs: 60_000, persistEveryMs: 60_000, repairBackoff: { baseMs: 10, maxMs: 10, factor: 1, jitter: 0 }, repairMaxAttempts: 3, holeTrades: (t) => sent.push([...t]), holeLost: (h) => lost.push(h) }));
    factory.onStreamState(liveSince(M));
    factory.addTimeframe('1m', 10);
    await restAsked(ex);
    ex.rest.answer();
    await settleUntil(() => factory.isReady('1m'));
    assert.ok(factory.isReady('1m'));
    const edge = trade(3, M + MINUTE + 1_000);
    ex.log.push(edge);
    now = M + MINUTE + 2_000;
    factory.ingest([edge]);
    for (let i = 0; i < 20; i++) await settle();

    // Dropped; three trades on no socket; the new socket's first read starts after them (the pick-up).
    const hole = [trade(4, M + MINUTE + 3_000), trade(5, M + MINUTE + 4_000), trade(6, M + MINUTE + 5_000)];
    const pickUp = trade(7, M + MINUTE + 6_000);
    const later = trade(8, M + MINUTE + 7_000);
    ex.log.push(...hole, pickUp, later);
    factory.onStreamState(reconnecting);
    now = M + MINUTE + 8_000;
    factory.onStreamState(liveSince(now));
    factory.ingest([pickUp]);
    // The hole's first trade, late, with a new one, before REST answers the gap backfill.
    factory.ingest([hole[0]!, later]);
    await restAsked(ex);
    ex.rest.answer();
    return { factory, ex, sent, lost, hole };
  }

  it('sends the hole\'s other trades late, once', async () => {
    const { factory, sent, lost, hole } = await pickedUpLate();
    await settleUntil(() => sent.length > 0 || lost.length > 0);
    assert.deepEqual(lost, [], 'the hole is not lost');
    assert.deepEqual(sent.map((batch) => batch.map((t) => t.id)), [hole.slice(1).map((t) => t.id)], 'the hole\'s trades the stream never sent, late, once');
    assert.equal(factory.owesHole, false);
  });

  it('the bars take REST\'s answer whole, not cut at the late trade: nothing more asked of REST (its answer held the read), every bar the exchange\'s', async () => {
    const { factory, ex } = await pickedUpLate();
    assert.equal(await answerAllRest(ex), 0, 'no seam check, no backfill of the trades REST\'s answer held');
    assert.equal(factory.catchingUp('1m'), false);
    const closer = trade(9, M + 2 * MINUTE + 10_000);
    ex.log.push(closer);
    factory.ingest([closer]);
    const closed = factory.snapshot('1m')!.filter((c) => c.time < M + 2 * MINUTE);
    assert.deepEqual(closed.filter((c) => c.partial).map((c) => new Date(c.time).toISOString()), [], 'no closed bar partial');
    const whole = ({ time, open, high, low, close, volume }: Candle): Candle => ({ time, open, high, low, close, volume });
    assert.deepEqual(closed.filter((c) => c.volume > 0).map(whole), referenceCandles(ex.log, '1m').filter((c) => c.time < M + 2 * MINUTE && c.volume > 0), 'every traded bar the exchange\'s');
  });
});
