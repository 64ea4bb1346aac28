// A reconnect's first read that resends trades the bars already held (Coinbase's market_trades snapshot) takes REST's
// answer whole, up to its last trade (seedJob.ts). Such a read is checked against REST where the two overlap, as every
// other first read is (candleFactoryEveryFirstRead.test.ts): a trade REST has after its last that the read skipped
// (a mixed read: resent trades, a hole, new ones), or one inside REST's span that REST's answer lacked while the read
// had a neighbour of it, ends in a backfill, never in bars short of it, unflagged. A read REST's answer holds whole is
// not asked about again.
import * as assert from 'node:assert/strict';
import { CandleFactory } from '../../src/core/candles/candleFactory';
import type { Candle, Trade } from '../../src/core/types';
import { silentLogger } from '../../src/core/util/log';
import { backfillDone, nextEvent } from '../helpers/factoryEvents';
import { SCRIPT_START as M, MINUTE, scriptCaps, liveSince, reconnecting, powerTrade as trade } from '../helpers/factoryScript';
import { referenceCandles } from '../helpers/referenceCandles';
import { answerAllRest, SimFactoryHistory } from '../helpers/simFactoryHistory';
import { settle, settleUntil } from '../helpers/simTradeRest';

const whole = ({ time, open, high, low, close, volume }: Candle): Candle => ({ time, open, high, low, close, volume });
const live = liveSince(M);

describe('CandleFactory: a reconnect\'s read that resends held trades is checked against REST', () => {
  let f: CandleFactory | undefined;
  let ex: SimFactoryHistory;
  let now = M;
  afterEach(() => f?.dispose());

  const answerAll = (): Promise<number> => answerAllRest(ex);

  async function asked(): Promise<void> {
    await settleUntil(() => ex.rest.pending > 0);
    assert.equal(ex.rest.pending, 1, 'the gap backfill asks REST');
  }

  /**
   * Seeded live at M + 12 s, REST ahead of the stream (trades 3 and 4 in the bars from REST, never streamed), then a
   * drop (after the stream pushed `streamedBeforeDrop`); live again at M + 25 s, the gap backfill asking REST.
   */
  async function reconnected(streamedBeforeDrop: readonly Trade[] = []): Promise<CandleFactory> {
    ex = new SimFactoryHistory(scriptCaps(['1m']));
    ex.log.push(trade(1, M - 2 * MINUTE), trade(2, M - MINUTE), trade(3, M + 5_000), trade(4, M + 10_000));
    now = M + 12_000;
    const factory = new CandleFactory({ exchange: 'coinbase', symbol: 'BTC/USD' }, { history: ex, clock: { now: () => now }, log: silentLogger, maxBars: 100, tickMs: 60_000, persistEveryMs: 60_000, repairBackoff: { baseMs: 1, maxMs: 1, factor: 1, jitter: 0 }, repairMaxAttempts: 3 });
    f = factory;
    factory.onStreamState(live);
    const done = nextEvent(factory, backfillDone);
    factory.addTimeframe('1m', 10);
    await asked();
    ex.rest.answer();
    await done;
    if (streamedBeforeDrop.length > 0) factory.ingest(streamedBeforeDrop);
    now = M + 15_000;
    factory.onStreamState(reconnecting);
    now = M + 25_000;
    factory.onStreamState(live);
    return factory;
  }

  /** A trade at `closeAt` closes every bar before it (settled from the klines); then each bar from M on is the exchange's, and none is partial. */
  async function expectBarsTrue(factory: CandleFactory, closeAt: number): Promise<void> {
    ex.log.push(trade(20, closeAt));
    now = closeAt + 1_000;
    factory.ingest([ex.log.at(-1)!]);
    await settle();
    const closed = factory.snapshot('1m')!.filter((c) => c.time >= M && c.time < closeAt - (closeAt % MINUTE));
    assert.deepEqual(closed.filter((c) => c.partial).map((c) => new Date(c.time).toISOString()), [], 'no closed bar left partial');
    const truth = referenceCandles(ex.log, '1m').filter((c) => c.time >= M && c.time < closeAt - (closeAt % MINUTE) && c.volume > 0);
    assert.deepEqual(closed.filter((c) => c.volume > 0).map(whole), truth, 'every traded bar the exchange\'s');
  }

  it('a mixed read (a resent trade, then a new one, a trade between them in neither it nor REST\'s answer): the check finds it, backfilled', async () => {
    const factory = await reconnected();
    const [t5, t6, t7] = [trade(5, M + 20_000), trade(6, M + 30_000), trade(7, M + 40_000)];
    now = M + 45_000;
    factory.ingest([ex.log[2]!, t7]); // trade 3 resent (the bars hold it from REST), trade 7 new; trade 6 skipped
    await asked();
    ex.log.push(t5);
    ex.rest.answer(); // REST's last trade is 5: trade 6 came after its answer
    ex.log.push(t6, t7);
    const answered = await answerAll();
    await expectBarsTrue(factory, M + 2 * MINUTE + 10_000);
    assert.equal(answered, 2, 'the read\'s check, then the backfill from the trade it found missed');
  });

  it('a mixed read whose skipped trade is in a later bar than its first new one: that bar is partial until the backfill lands, then every bar the exchange\'s', async () => {
    const factory = await reconnected();
    const [t5, t7, t8, t9] = [trade(5, M + 20_000), trade(7, M + 40_000), trade(8, M + MINUTE + 10_000), trade(9, M + MINUTE + 20_000)];
    const bar = (time: number): Candle | undefined => factory.snapshot('1m')!.find((c) => c.time === time);
    now = M + MINUTE + 25_000;
    factory.ingest([ex.log[2]!, t7, t9]); // trade 3 resent, trades 7 and 9 new; trade 8 (the next minute's) skipped
    await asked();
    ex.log.push(t5);
    ex.rest.answer(); // REST's last trade is 5: trades 7 to 9 came after its answer
    ex.log.push(t7, t8, t9);
    await asked();
    assert.equal(bar(M + MINUTE)?.partial, true, 'the read\'s later bar held partial while its check waits');
    ex.rest.answer(); // the check: trade 8 missed
    await asked();
    assert.equal(bar(M)?.partial, undefined, 'the bar before the missed trade whole again');
    assert.equal(bar(M + MINUTE)?.partial, true, 'the bar of the missed trade partial until its backfill lands');
    assert.equal(factory.catchingUp('1m'), true);
    ex.rest.answer(); // the backfill
    assert.equal(await answerAll(), 0, 'nothing more asked');
    assert.equal(factory.catchingUp('1m'), false);
    await expectBarsTrue(factory, M + 2 * MINUTE + 10_000);
  });

  it('a read with a trade inside REST\'s span that REST\'s answer lacked: asked again from it, the trade REST lacked beside it backfilled', async () => {
    const factory = await reconnected();
    const [t5, t6, t7] = [trade(5, M + 20_000), trade(6, M + 22_000), trade(7, M + 30_000)];
    now = M + 35_000;
    factory.ingest([ex.log[2]!, t5, t7]); // trade 3 resent; trade 6 skipped
    await asked();
    ex.log.push(t7);
    ex.rest.answer(); // REST listed trade 7 before trades 5 and 6 (its last trade is 7)
    ex.log.splice(ex.log.length - 1, 0, t5, t6);
    const answered = await answerAll();
    await expectBarsTrue(factory, M + 2 * MINUTE + 10_000);
    assert.equal(answered, 2, 'the read\'s check, then the backfill from the trade it found missed');
  });

  it('a read with a trade inside REST\'s span that REST\'s answer lacked, nothing else missed: released, the trades REST gave after it not taken for missed', async () => {
    const factory = await reconnected();
    const [t5, t6, t7] = [trade(5, M + 20_000), trade(6, M + 26_000), trade(7, M + 30_000)];
    now = M + 35_000;
    factory.ingest([ex.log[2]!, t5, t7]); // trade 3 resent; trade 6 skipped, but REST's answer has it
    await asked();
    ex.log.push(t6, t7);
    ex.rest.answer(); // REST listed trades 6 and 7 before trade 5
    ex.log.splice(ex.log.length - 2, 0, t5);
    assert.equal(await answerAll(), 1, 'the read\'s check only');
    assert.equal(factory.catchingUp('1m'), false);
    await expectBarsTrue(factory, M + 2 * MINUTE + 10_000);
  });

  it('a read with new trades after REST\'s last, none skipped: checked, released, nothing more asked', async () => {
    const factory = await reconnected();
    const [t5, t6] = [trade(5, M + 20_000), trade(6, M + 30_000)];
    now = M + 35_000;
    let caughtUp = false;
    factory.onEvent((e) => {
      if (e.type === 'caught up') caughtUp = true;
    });
    factory.ingest([ex.log[2]!, ex.log[3]!, t5, t6]);
    await asked();
    ex.log.push(t5);
    ex.rest.answer(); // REST's last trade is 5; trade 6 is the read's first after it
    ex.log.push(t6);
    const answered = await answerAll();
    assert.equal(answered, 1, 'the read\'s check');
    assert.ok(caughtUp, 'its consumers told it caught up');
    assert.equal(factory.catchingUp('1m'), false);
    await expectBarsTrue(factory, M + 2 * MINUTE + 10_000);
  });

  it('a snapshot REST\'s answer holds whole (it ends before REST\'s last trade): nothing asked again, every bar the exchange\'s', async () => {
    const factory = await reconnected();
    const t5 = trade(5, M + 20_000);
    ex.log.push(t5, trade(6, M + 30_000));
    now = M + 35_000;
    factory.ingest([ex.log[2]!, ex.log[3]!, t5]); // the snapshot: trades 3 to 5; trade 6 comes in the next update
    await asked();
    ex.rest.answer(); // REST's last trade is 6
    assert.equal(await answerAll(), 0, 'nothing asked again');
    assert.equal(factory.catchingUp('1m'), false);
    factory.ingest([ex.log[5]!]); // the next update: trade 6, a copy of REST's
    await expectBarsTrue(factory, M + 2 * MINUTE + 10_000);
  });

  it('a read after a trade the bars held that REST\'s answer lacks (REST lagging): no bar loses it', async () => {
    const t5 = trade(5, M + 12_000); // streamed before the drop; REST does not list it yet
    const factory = await reconnected([t5]);
    const t6 = trade(6, M + 30_000);
    now = M + 35_000;
    factory.ingest([ex.log[2]!, ex.log[3]!, t6]); // trades 3 and 4 resent (5 was streamed: our client drops its copy), 6 new
    await asked();
    ex.rest.answer(); // REST's last trade is 4
    ex.log.push(t5, t6);
    await answerAll();
    await expectBarsTrue(factory, M + 2 * MINUTE + 10_000);
  });

  it('a resent read on the weaker seam (REST\'s newest trades only, reaching into the read) skipping a trade after the seam minute: checked, its bar partial until backfilled', async () => {
    const factory = await reconnected();
    const [t5, t6, t7] = [trade(5, M + 50_000), trade(6, M + MINUTE + 5_000), trade(7, M + MINUTE + 10_000)];
    now = M + MINUTE + 15_000;
    factory.ingest([ex.log[2]!, t5, t7]); // trade 3 resent (the seam minute is M); trade 6, the next minute's, skipped
    await asked();
    ex.log.push(t5, t6, t7);
    ex.rest.answer('newest', 3); // trades 5 to 7 only: not back to the seam minute, the weaker seam (its kline holds minute M)
    await asked();
    assert.equal(factory.snapshot('1m')!.find((c) => c.time === M + MINUTE)?.partial, true, 'the read\'s bar after the seam minute held partial while checked');
    assert.equal(await answerAll(), 2, 'the read\'s check, then the backfill from the trade it found missed');
    await expectBarsTrue(factory, M + 2 * MINUTE + 10_000);
  });

  it('a drop while the resent read\'s backfill waits for REST: the next backfill takes over, every bar the exchange\'s', async () => {
    const factory = await reconnected();
    const [t5, t6, t7] = [trade(5, M + 20_000), trade(6, M + 30_000), trade(7, M + 40_000)];
    now = M + 32_000;
    factory.ingest([ex.log[2]!, t5]);
    await asked();
    factory.onStreamState(reconnecting);
    ex.log.push(t5, t6);
    ex.rest.answer(); // answered while the stream is down
    now = M + 45_000;
    factory.onStreamState(live);
    ex.log.push(t7);
    factory.ingest([ex.log[2]!, t6, t7]);
    await answerAll();
    await expectBarsTrue(factory, M + 2 * MINUTE + 10_000);
  });
});
