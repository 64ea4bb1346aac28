// Every first read of the stream is checked against REST's trades inside its span, not only the one the first seam's
// check met as a batch (candleFactoryMixedFirstRead.test.ts): one a seed buffered before the check (asked at once),
// one after a quiet spell's check (answered before it, or asked while it came), and a reconnect's first read (its gap
// backfill's). Each read here mixes two sockets' trades: the old socket's, then the new one's, with a trade neither got
// between them that REST has. Trusted, the read leaves that trade in no bar, unflagged (REST took only what came
// before the read, even where its answer reached into it).
import * as assert from 'node:assert/strict';
import { CandleFactory } from '../../src/core/candles/candleFactory';
import type { Candle, Trade } from '../../src/core/types';
import { silentLogger } from '../../src/core/util/log';
import type { ScheduleTimer } from '../../src/core/util/scheduleTimer';
import { SCRIPT_START as M, MINUTE, scriptCaps, liveSince, reconnecting, powerTrade as trade } from '../helpers/factoryScript';
import { referenceCandles } from '../helpers/referenceCandles';
import { answerAllRest, SimFactoryHistory } from '../helpers/simFactoryHistory';
import { settleUntil } from '../helpers/simTradeRest';

const whole = ({ time, open, high, low, close, volume }: Candle): Candle => ({ time, open, high, low, close, volume });
const live = liveSince(M);

/** The quiet spell's waits, run when the test says. */
class QuietWaits {
  private readonly waits: Array<() => void> = [];
  readonly schedule: ScheduleTimer = (run) => {
    let done = false;
    this.waits.push(() => {
      if (!done) run();
      done = true;
    });
    return () => void (done = true);
  };

  runAll(): void {
    for (const run of this.waits.splice(0)) run();
  }
}

describe('CandleFactory: every first read is checked against REST', () => {
  let f: CandleFactory | undefined;
  let ex: SimFactoryHistory;
  let now = M;
  let waits: QuietWaits;
  afterEach(() => f?.dispose());

  /** The factory over `ex`, its 1m timeframe added (its seed's REST trades not answered yet); `liveFirst`: the stream before it. */
  async function started(liveFirst = false): Promise<CandleFactory> {
    waits = new QuietWaits();
    const factory = new CandleFactory({ exchange: 'coinbase', symbol: 'ETH/USD' }, { history: ex, clock: { now: () => now }, log: silentLogger, maxBars: 100, tickMs: 60_000, persistEveryMs: 60_000, repairBackoff: { baseMs: 1, maxMs: 1, factor: 1, jitter: 0 }, repairMaxAttempts: 3, timers: waits.schedule });
    f = factory;
    if (liveFirst) factory.onStreamState(live);
    factory.addTimeframe('1m', 10);
    await asked(1);
    return factory;
  }

  async function asked(n: number): Promise<void> {
    await settleUntil(() => ex.rest.pending >= n);
    assert.equal(ex.rest.pending, n, `${n} REST trades request(s) pending`);
  }

  const answerAll = (): Promise<number> => answerAllRest(ex);

  /** A trade at `at` closes every bar before it; then each bar from M on is the exchange's, and none is partial. */
  function expectBarsTrue(factory: CandleFactory, closeAt: number): void {
    ex.log.push(trade(20, closeAt));
    now = closeAt + 1_000;
    factory.ingest([ex.log.at(-1)!]);
    const closed = factory.snapshot('1m')!.filter((c) => c.time >= M && c.time < bucketOf(closeAt));
    assert.deepEqual(closed.filter((c) => c.partial).map((c) => new Date(c.time).toISOString()), [], 'no closed bar left partial');
    const truth = referenceCandles(ex.log, '1m').filter((c) => c.time >= M && c.time < bucketOf(closeAt) && c.volume > 0);
    assert.deepEqual(closed.filter((c) => c.volume > 0).map(whole), truth, 'every traded bar the exchange\'s');
  }

  const bucketOf = (ts: number): number => ts - (ts % MINUTE);

  beforeEach(() => {
    ex = new SimFactoryHistory(scriptCaps(['1m']));
    ex.log.push(trade(1, M - 2 * MINUTE), trade(2, M - MINUTE), trade(3, M + 5_000), trade(4, M + 20_000));
    now = M + 30_000;
  });

  /** The old socket's trade, the one no socket got (REST has it), the new socket's: the read holds the outer two. */
  function mixedRead(from: number): { read: Trade[]; all: Trade[] } {
    const [oldSocket, lost, newSocket] = [trade(5, from), trade(6, from + 5_000), trade(7, from + 10_000)];
    return { read: [oldSocket, newSocket], all: [oldSocket, lost, newSocket] };
  }

  it('a seed that buffered a mixed first read (REST\'s answer ended before it): the check finds the trade inside its span, backfilled', async () => {
    const factory = await started();
    // The stream begins while the seed waits for REST: its first read is buffered.
    factory.onStreamState(live);
    const { read, all } = mixedRead(M + 40_000);
    now = M + 55_000;
    factory.ingest(read);
    ex.rest.answer(); // REST's trades end at trade 4, before the read
    ex.log.push(...all);
    await asked(1); // the check, asked at once
    const answered = await answerAll();
    expectBarsTrue(factory, M + 2 * MINUTE + 10_000);
    assert.equal(answered, 2, 'the check, then the backfill from the trade it found missed');
  });

  it('a seed that buffered a mixed first read REST\'s answer reaches into: the read is checked all the same, the trade inside its span backfilled', async () => {
    const factory = await started();
    factory.onStreamState(live);
    const { read, all } = mixedRead(M + 40_000);
    ex.log.push(...all); // REST, answering after the stream began, has the read's trades and the one between
    now = M + 55_000;
    factory.ingest(read);
    ex.rest.answer();
    const answered = await answerAll();
    expectBarsTrue(factory, M + 2 * MINUTE + 10_000);
    assert.equal(answered, 2, 'the check, then the backfill from the trade it found missed');
  });

  const partialAt = (factory: CandleFactory, time: number): boolean | undefined => factory.snapshot('1m')!.find((c) => c.time === time)?.partial;
  /** A factory seeded, live, whose quiet spell's check was asked and answered (nothing missed) before any read. */
  const quietlyChecked = async (): Promise<CandleFactory> => {
    const factory = await started();
    ex.rest.answer();
    await settleUntil(() => factory.isReady('1m'));
    factory.onStreamState(live);
    now = M + 45_000;
    waits.runAll(); // the quiet spell's check
    assert.equal(await answerAll(), 1, 'the quiet check: nothing missed');
    return factory;
  };

  it('a seed that buffered a mixed first read across a minute: the later minute\'s bar is partial while checked and until the backfill lands', async () => {
    const factory = await started();
    factory.onStreamState(live);
    const { read, all } = mixedRead(M + 55_000); // the old socket's trade in minute 0; the lost one and the new socket's in minute 1
    now = M + MINUTE + 10_000;
    factory.ingest(read);
    ex.rest.answer(); // REST's trades end at trade 4, before the read
    ex.log.push(...all);
    await asked(1); // the check, asked at once
    assert.equal(partialAt(factory, M + MINUTE), true, 'the read\'s later bar held partial while its check waits');
    ex.rest.answer();
    await asked(1); // the backfill from the missed trade
    assert.equal(partialAt(factory, M), undefined, 'the bar before the missed trade whole again');
    assert.equal(partialAt(factory, M + MINUTE), true, 'the missed trade\'s bar partial until its backfill lands');
    assert.equal(await answerAll(), 1, 'the backfill');
    expectBarsTrue(factory, M + 2 * MINUTE + 10_000);
  });

  it('a first read across a minute that comes as a batch after a quiet check: the later minute\'s bar is partial while checked and until the backfill lands', async () => {
    const factory = await quietlyChecked();
    const { read, all } = mixedRead(M + MINUTE + 55_000); // the old socket's trade in minute 1; the lost one and the new socket's in minute 2
    ex.log.push(...all);
    now = M + 2 * MINUTE + 10_000;
    factory.ingest(read);
    assert.equal(partialAt(factory, M + 2 * MINUTE), true, 'the read\'s later bar held partial while its check waits');
    await asked(1);
    ex.rest.answer();
    await asked(1); // the backfill from the missed trade
    assert.equal(partialAt(factory, M + MINUTE), undefined, 'the bar before the missed trade whole again');
    assert.equal(partialAt(factory, M + 2 * MINUTE), true, 'the missed trade\'s bar partial until its backfill lands');
    assert.equal(await answerAll(), 1, 'the backfill');
    expectBarsTrue(factory, M + 3 * MINUTE + 10_000);
  });

  it('a quiet check answered before the first read: the read is still checked, the trade inside its span backfilled', async () => {
    const factory = await quietlyChecked();
    assert.equal(factory.catchingUp('1m'), false, 'caught up after the quiet check');
    const { read, all } = mixedRead(M + MINUTE + 10_000);
    ex.log.push(...all);
    now = M + MINUTE + 25_000;
    factory.ingest(read);
    const whileChecked = factory.catchingUp('1m');
    const answered = await answerAll();
    expectBarsTrue(factory, M + 3 * MINUTE + 10_000);
    assert.equal(whileChecked, true, 'catching up while the first read is checked');
    assert.equal(answered, 2, 'the read\'s check, then the backfill from the trade it found missed');
    assert.equal(factory.catchingUp('1m'), false);
  });

  it('a first read that comes while the quiet check is asked: it is asked about on its own, the trade inside its span backfilled', async () => {
    const factory = await started();
    ex.rest.answer();
    await settleUntil(() => factory.isReady('1m'));
    factory.onStreamState(live);
    now = M + 45_000;
    waits.runAll();
    await asked(1); // the quiet check, not answered yet
    const { read, all } = mixedRead(M + 50_000);
    ex.log.push(...all);
    now = M + MINUTE + 5_000;
    factory.ingest(read);
    const answered = await answerAll();
    expectBarsTrue(factory, M + 2 * MINUTE + 10_000);
    assert.equal(answered, 3, 'the quiet check (void), the read\'s, then the backfill from the trade it found missed');
  });

  it('the first read after a reconnect, buffered by its gap backfill: checked against REST, the trade inside its span backfilled', async () => {
    const factory = await started(true);
    ex.rest.answer(); // live before the seed asked REST: no check
    await settleUntil(() => factory.isReady('1m'));
    assert.equal(await answerAll(), 0, 'no first seam\'s check');
    ex.log.push(trade(9, M + 35_000));
    now = M + 36_000;
    factory.ingest([ex.log.at(-1)!]);
    factory.onStreamState(reconnecting);
    now = M + 45_000;
    factory.onStreamState(live);
    await asked(1); // the gap backfill
    const { read, all } = mixedRead(M + 50_000);
    now = M + MINUTE + 5_000;
    factory.ingest(read);
    ex.rest.answer(); // REST's trades end before the read
    ex.log.push(...all);
    const answered = await answerAll();
    expectBarsTrue(factory, M + 2 * MINUTE + 10_000);
    assert.equal(answered, 2, 'the read\'s check, then the backfill from the trade it found missed');
  });
});
