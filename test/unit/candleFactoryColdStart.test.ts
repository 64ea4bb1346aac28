// A cold start: the first seed ends before the stream's first trade, so the factory checks the seam against REST
// once the stream pushes (checkSeam), or a few seconds after it is live with no trade (a quiet market: it read
// catching up for minutes). Until that check settles, the bars between REST's trades and the stream's may lack
// trades: they are partial, never closed whole, and a subscription reads catching up (alertSeams seeds 4, 8); so too
// when the seed buffered the stream's first trades (the check asked at once let those bars close whole).
import * as assert from 'node:assert/strict';
import type { ScheduleTimer } from '../../src/core/util/scheduleTimer';
import { CandleFactory, QUIET_SEAM_CHECK_MS, type FactoryEvent } from '../../src/core/candles/candleFactory';
import { CandleSubscriptionState } from '../../src/core/hub/candleSubscriptionState';
import type { Candle, StreamState, Trade } from '../../src/core/types';
import { silentLogger } from '../../src/core/util/log';
import { referenceCandles } from '../helpers/referenceCandles';
import { SimFactoryHistory } from '../helpers/simFactoryHistory';
import { settle, settleUntil } from '../helpers/simTradeRest';
import { trackTimers } from '../helpers/timerTracker';
import { SCRIPT_START as M, MINUTE, scriptCaps, liveSince, powerTrade as trade } from '../helpers/factoryScript';

const CAPS = scriptCaps(['1m']);
const live = liveSince(M);

/** Waits for the factory's next REST trades request (each wait is an event turn) and answers it with the whole log. */
async function answerNext(ex: SimFactoryHistory): Promise<void> {
  await settleUntil(() => ex.rest.pending > 0);
  assert.equal(ex.rest.pending, 1, 'the factory asked for REST trades');
  ex.rest.answer('whole');
}

/** The factory's waits, run when the test says (its clock is not the wall clock). */
class ScriptedTimers {
  private readonly waits: Array<{ readonly run: () => void; readonly ms: number; done: boolean }> = [];
  readonly schedule: ScheduleTimer = (run, ms) => {
    const wait = { run, ms, done: false };
    this.waits.push(wait);
    return () => (wait.done = true);
  };

  /** The delays of the waits neither run nor cancelled. */
  get pending(): number[] {
    return this.waits.filter((w) => !w.done).map((w) => w.ms);
  }

  /** Runs the one wait pending. */
  runPending(): void {
    const pending = this.waits.filter((w) => !w.done);
    assert.equal(pending.length, 1, 'one wait pending');
    pending[0]!.done = true;
    pending[0]!.run();
  }
}

/** A 1m candles subscription as the hub relays it: the state it shows and every bar announced final (closed or revised). */
class Subscriber {
  private readonly named = new CandleSubscriptionState(() => M);
  state: StreamState | undefined;
  readonly announced: Candle[] = [];

  constructor(f: CandleFactory) {
    f.onEvent((e: FactoryEvent) => {
      if (e.type === 'deltas') for (const d of e.deltas) if (d.kind !== 'updated') this.announced.push(d.candle);
      this.show(this.named.onFactory(e));
    });
  }

  stream(s: StreamState): void {
    this.show(this.named.onStream(s));
  }

  private show(s: StreamState | undefined): void {
    if (s) this.state = s;
  }
}

const whole = ({ time, open, high, low, close, volume }: Candle): Candle => ({ time, open, high, low, close, volume });

/** Each bar announced final and not partial is the log's bar. */
function assertAnnouncedWhole(announced: readonly Candle[], log: readonly Trade[], what: string): void {
  const truth = new Map(referenceCandles(log, '1m').map((c) => [c.time, c]));
  for (const bar of announced) {
    if (bar.partial) continue;
    assert.deepEqual(whole(bar), truth.get(bar.time), `${what}: the ${new Date(bar.time).toISOString()} bar announced whole`);
  }
}

describe('CandleFactory: the first seam\'s check on a cold start', () => {
  let now = M;
  const made: CandleFactory[] = [];
  let timers = new ScriptedTimers();
  beforeEach(() => (timers = new ScriptedTimers()));
  const factory = (ex: SimFactoryHistory): CandleFactory => {
    const f = new CandleFactory({ exchange: 'coinbase', symbol: 'ETH/USD' }, { history: ex, clock: { now: () => now }, log: silentLogger, maxBars: 100, tickMs: 60_000, persistEveryMs: 60_000, repairBackoff: { baseMs: 1, maxMs: 1, factor: 1, jitter: 0 }, repairMaxAttempts: 3, timers: timers.schedule });
    made.push(f);
    return f;
  };
  afterEach(() => made.splice(0).forEach((f) => f.dispose()));

  /** Seeded at M + 30 s before the stream is live: REST's trades end at M + 20 s, so the seam is checked once the stream pushes. */
  async function seeded(): Promise<{ ex: SimFactoryHistory; f: CandleFactory; sub: Subscriber }> {
    const ex = new SimFactoryHistory(CAPS);
    ex.log.push(trade(1, M - 2 * MINUTE), trade(2, M - MINUTE), trade(3, M + 5_000), trade(4, M + 20_000));
    now = M + 30_000;
    const f = factory(ex);
    const sub = new Subscriber(f);
    f.addTimeframe('1m', 10);
    await answerNext(ex);
    await settleUntil(() => f.isReady('1m'));
    assert.ok(f.isReady('1m'), 'seeded');
    return { ex, f, sub };
  }

  it('trades the stream never pushed: no bar before its first is closed whole, the subscription reads catching up until the backfill', async () => {
    const { ex, f, sub } = await seeded();
    // Trades 5–7 happen before the stream is first live; it pushes from trade 8 on.
    ex.log.push(trade(5, M + 40_000), trade(6, M + MINUTE + 10_000), trade(7, M + 2 * MINUTE + 10_000), trade(8, M + 3 * MINUTE + 10_000));
    now = M + 3 * MINUTE + 15_000;
    f.onStreamState(live);
    sub.stream(live);
    assert.deepEqual(sub.state, { ...live, catchingUp: true }, 'live, nothing pushed yet: catching up (alertSeams seed 8)');
    f.ingest([ex.log[7]!]);

    assertAnnouncedWhole(sub.announced, ex.log, 'while the seam is checked');
    assert.deepEqual(sub.state, { ...live, catchingUp: true }, 'catching up while the seam is checked');
    assert.equal(f.catchingUp('1m'), true, 'a subscription joining now reads catching up too');

    await answerNext(ex); // the check: trades 5–7 never came on the stream
    assert.deepEqual(sub.state, { ...live, catchingUp: true }, 'catching up while those are backfilled');
    await answerNext(ex); // the backfill from trade 5
    await settleUntil(() => !f.catchingUp('1m'));

    assertAnnouncedWhole(sub.announced, ex.log, 'after the backfill');
    const bars = f.snapshot('1m')!.filter((c) => c.time >= M);
    assert.deepEqual(bars.map(whole), referenceCandles(ex.log, '1m').filter((c) => c.time >= M));
    assert.ok(bars.every((c) => !c.partial), 'no bar left partial');
    assert.deepEqual(sub.state, live);
  });

  it('nothing missed: the bars between are closed whole (the quiet minutes flat) once the check settles, with no backfill', async () => {
    const { ex, f, sub } = await seeded();
    ex.log.push(trade(8, M + 3 * MINUTE + 10_000));
    now = M + 3 * MINUTE + 15_000;
    f.onStreamState(live);
    sub.stream(live);
    f.ingest([ex.log[4]!]);

    assertAnnouncedWhole(sub.announced, ex.log, 'while the seam is checked');
    assert.ok(!sub.announced.some((c) => c.time >= M), 'nothing from the seam bar on announced final yet');
    assert.deepEqual(sub.state, { ...live, catchingUp: true });

    await answerNext(ex); // the check: nothing between REST's trades and the stream's
    await settleUntil(() => !f.catchingUp('1m'));
    await settle();
    assert.equal(ex.rest.pending, 0, 'no backfill');
    assertAnnouncedWhole(sub.announced, ex.log, 'after the check');
    assert.deepEqual(
      sub.announced.filter((c) => c.time >= M).map((c) => c.time),
      [M, M + MINUTE, M + 2 * MINUTE],
      'the seam bar and the quiet minutes after it closed',
    );
    const bars = f.snapshot('1m')!.filter((c) => c.time >= M);
    assert.deepEqual(bars.map(whole), referenceCandles(ex.log, '1m').filter((c) => c.time >= M));
    assert.ok(bars.every((c) => !c.partial), 'no bar left partial');
    assert.deepEqual(sub.state, live);
  });

  // chartHistorySeams seed 19: a 1h chart opened at 12:35 after a quiet 12:00 hour; its 11:00 bar stayed partial.
  it('a quiet spell before the seed: the last bar, wholly before REST\'s last trade, is not held partial (nothing missed, or the check failing)', async () => {
    for (const outcome of ['nothing missed', 'check fails'] as const) {
      const ex = new SimFactoryHistory(CAPS);
      ex.log.push(trade(1, M - 2 * MINUTE), trade(2, M - MINUTE), trade(3, M + 5_000), trade(4, M + 20_000));
      // Seeded 3 minutes after the last trade: REST has none since the seam minute, so the check asks from just
      // before it, and the last bar (M) ended long before that.
      now = M + 3 * MINUTE + 30_000;
      const f = factory(ex);
      const sub = new Subscriber(f);
      f.addTimeframe('1m', 10);
      await answerNext(ex);
      await settleUntil(() => f.isReady('1m'));
      ex.log.push(trade(5, M + 4 * MINUTE + 10_000));
      now = M + 4 * MINUTE + 15_000;
      f.onStreamState(live);
      sub.stream(live);
      f.ingest([ex.log[4]!]);
      assert.equal(f.snapshot('1m')!.find((c) => c.time === M)?.partial, undefined, `${outcome}: the M bar is not held by the check`);

      if (outcome === 'nothing missed') await answerNext(ex);
      else {
        await settleUntil(() => ex.rest.pending > 0);
        ex.rest.fail();
        await answerNext(ex); // the backfill from REST's last trade
      }
      await settleUntil(() => !f.catchingUp('1m'));
      assertAnnouncedWhole(sub.announced, ex.log, outcome);
      const bars = f.snapshot('1m')!.filter((c) => c.time >= M);
      assert.deepEqual(bars.filter((c) => c.partial).map((c) => new Date(c.time).toISOString()), [], `${outcome}: no bar left partial`);
      assert.deepEqual(bars.map(whole), referenceCandles(ex.log, '1m').filter((c) => c.time >= M), outcome);
      assert.deepEqual(sub.state, live, outcome);
      f.dispose();
    }
  });

  it('the check failing: catching up until the backfill from REST\'s last trade is done', async () => {
    const { ex, f, sub } = await seeded();
    ex.log.push(trade(6, M + MINUTE + 10_000), trade(8, M + 3 * MINUTE + 10_000));
    now = M + 3 * MINUTE + 15_000;
    f.onStreamState(live);
    sub.stream(live);
    f.ingest([ex.log[5]!]);
    await settleUntil(() => ex.rest.pending > 0);
    ex.rest.fail();
    await settle();
    assertAnnouncedWhole(sub.announced, ex.log, 'after the check failed');
    assert.deepEqual(sub.state, { ...live, catchingUp: true });
    await answerNext(ex);
    await settleUntil(() => !f.catchingUp('1m'));
    assertAnnouncedWhole(sub.announced, ex.log, 'after the backfill');
    assert.ok(f.snapshot('1m')!.every((c) => !c.partial), 'no bar left partial');
    assert.deepEqual(sub.state, live);
  });

  it('a streamed trade from behind the seam: catching up while the timeframe is rebuilt from REST', async () => {
    const ex = new SimFactoryHistory(CAPS);
    ex.log.push(trade(1, M - 2 * MINUTE), trade(2, M - MINUTE), trade(3, M + 5_000));
    now = M + 30_000;
    const f = factory(ex);
    const sub = new Subscriber(f);
    f.onStreamState(live);
    sub.stream(live);
    f.addTimeframe('1m', 10);
    await answerNext(ex); // live throughout: no check
    await settleUntil(() => f.isReady('1m'));
    assert.deepEqual(sub.state, live);

    ex.log.push(trade(4, M - 10_000), trade(5, M + 25_000)); // published late: before the seam minute
    ex.log.sort((a, b) => a.timestamp - b.timestamp);
    f.ingest([trade(4, M - 10_000), trade(5, M + 25_000)]);
    assert.deepEqual(sub.state, { ...live, catchingUp: true }, 'catching up while rebuilt');
    await answerNext(ex);
    await settleUntil(() => !f.catchingUp('1m'));
    assert.deepEqual(sub.state, live);
    assertAnnouncedWhole(sub.announced, ex.log, 'after the rebuild');
  });

  describe('a quiet market: the stream live with no trade', () => {
    /** Seeded as above, then the stream live at M + 40 s with nothing pushed. */
    async function quiet(missedBeforeLive: boolean): Promise<{ ex: SimFactoryHistory; f: CandleFactory; sub: Subscriber }> {
      const s = await seeded();
      if (missedBeforeLive) s.ex.log.push(trade(5, M + 35_000)); // made before the stream began: it never comes on it
      now = M + 40_000;
      s.f.onStreamState(live);
      s.sub.stream(live);
      assert.deepEqual(s.sub.state, { ...live, catchingUp: true }, 'live, nothing pushed yet: catching up');
      assert.deepEqual(timers.pending, [QUIET_SEAM_CHECK_MS], 'the check waits a few seconds for a trade');
      assert.equal(s.ex.rest.pending, 0, 'REST not asked yet');
      return s;
    }

    it('nothing missed: after a few seconds with no trade the check asks REST and settles, with no backfill; the first read is still checked, then later trades close whole bars', async () => {
      const { ex, f, sub } = await quiet(false);
      now = M + 43_000;
      timers.runPending();
      await answerNext(ex);
      await settleUntil(() => !f.catchingUp('1m'));
      assert.equal(f.catchingUp('1m'), false, 'settled');
      assert.deepEqual(sub.state, live, 'caught up within seconds, not at the next trade');
      await settle();
      assert.equal(ex.rest.pending, 0, 'no backfill');

      // Minutes later, the market's next trades: the first read is checked (REST asked after it), then they close the
      // bars as on a gap-free stream.
      ex.log.push(trade(6, M + 4 * MINUTE + 10_000), trade(7, M + 5 * MINUTE + 1_000));
      now = M + 5 * MINUTE + 2_000;
      f.ingest([ex.log[4]!]);
      assert.deepEqual(sub.state, { ...live, catchingUp: true }, 'catching up while the first read is checked');
      await answerNext(ex);
      await settleUntil(() => !f.catchingUp('1m'));
      f.ingest([ex.log[5]!]);
      await settle();
      assert.equal(ex.rest.pending, 0, 'no backfill, no third check');
      assertAnnouncedWhole(sub.announced, ex.log, 'after the quiet check');
      assert.deepEqual(sub.announced.filter((c) => c.time >= M).map((c) => (c.time - M) / MINUTE), [0, 1, 2, 3, 4], 'the seam bar, the quiet minutes and 10:04 closed');
      const bars = f.snapshot('1m')!.filter((c) => c.time >= M);
      assert.deepEqual(bars.map(whole), referenceCandles(ex.log, '1m').filter((c) => c.time >= M));
      assert.ok(bars.every((c) => !c.partial), 'no bar partial');
      assert.deepEqual(sub.state, live);
    });

    it('a trade made before the stream began: the quiet check finds it and backfills from it, catching up until done', async () => {
      const { ex, f, sub } = await quiet(true);
      timers.runPending();
      await answerNext(ex); // the check: trade 5 never came on the stream
      assert.deepEqual(sub.state, { ...live, catchingUp: true }, 'catching up while it is backfilled');
      await answerNext(ex); // the backfill from trade 5
      await settleUntil(() => !f.catchingUp('1m'));
      assert.deepEqual(sub.state, live);

      ex.log.push(trade(6, M + 2 * MINUTE + 10_000));
      now = M + 2 * MINUTE + 20_000;
      f.ingest([ex.log[5]!]);
      await settle();
      assertAnnouncedWhole(sub.announced, ex.log, 'after the backfill');
      const bars = f.snapshot('1m')!.filter((c) => c.time >= M);
      assert.deepEqual(bars.map(whole), referenceCandles(ex.log, '1m').filter((c) => c.time >= M));
      assert.equal(bars.find((c) => c.time === M)?.volume, 2 ** 3 + 2 ** 4 + 2 ** 5, 'the seam bar counts trade 5 once');
    });

    it('the quiet check failing: backfilled from REST\'s last trade, catching up until done', async () => {
      const { ex, f, sub } = await quiet(true);
      timers.runPending();
      await settleUntil(() => ex.rest.pending > 0);
      ex.rest.fail();
      await settle();
      assert.deepEqual(sub.state, { ...live, catchingUp: true }, 'catching up while it is backfilled');
      await answerNext(ex); // the backfill from trade 4
      await settleUntil(() => !f.catchingUp('1m'));
      assert.deepEqual(sub.state, live);
      ex.log.push(trade(6, M + 2 * MINUTE + 10_000));
      f.ingest([ex.log[5]!]);
      await settle();
      assertAnnouncedWhole(sub.announced, ex.log, 'after the backfill');
      assert.deepEqual(f.snapshot('1m')!.filter((c) => c.time >= M).map(whole), referenceCandles(ex.log, '1m').filter((c) => c.time >= M));
      assert.deepEqual(timers.pending, []);
    });

    for (const missedBeforeLive of [false, true]) {
      it(`the stream's first trade while the quiet check is asked (${missedBeforeLive ? 'one missed' : 'none missed'}): its bars held partial until the answer, no trade lost or counted twice`, async () => {
        const { ex, f, sub } = await quiet(missedBeforeLive);
        timers.runPending();
        await settleUntil(() => ex.rest.pending > 0);
        // Pushed after REST was asked: the check counts as missed only what precedes it.
        ex.log.push(trade(6, M + 42_000), trade(7, M + MINUTE + 5_000));
        f.ingest([ex.log[ex.log.length - 2]!]);
        f.ingest([ex.log[ex.log.length - 1]!]);
        assertAnnouncedWhole(sub.announced, ex.log, 'while the check is asked');
        assert.ok(!sub.announced.some((c) => c.time >= M && !c.partial), 'the seam bar is not announced whole');
        assert.deepEqual(sub.state, { ...live, catchingUp: true });
        assert.deepEqual(timers.pending, [], 'no second wait');

        // The quiet ask, answered after the read came, is void: REST is asked again about the read.
        await settleUntil(() => ex.rest.pending >= 2);
        assert.equal(ex.rest.pending, 2, 'the quiet ask, and the read\'s own');
        ex.rest.answer('whole');
        await answerNext(ex); // answered with the log as now, trades 6 and 7 too
        if (missedBeforeLive) await answerNext(ex); // the backfill from trade 5
        await settleUntil(() => !f.catchingUp('1m'));
        await settle();
        assert.equal(ex.rest.pending, 0, missedBeforeLive ? 'one backfill' : 'no backfill');
        assertAnnouncedWhole(sub.announced, ex.log, 'after the check');
        const bars = f.snapshot('1m')!.filter((c) => c.time >= M);
        assert.deepEqual(bars.map(whole), referenceCandles(ex.log, '1m').filter((c) => c.time >= M));
        assert.equal(bars.find((c) => c.time === M)?.partial, undefined, 'the seam bar released whole');
        assert.deepEqual(sub.state, live);
      });
    }

    it('every wait ends: at the stream\'s first trade, at a reconnect (live again waits anew), and with the factory', async () => {
      const { ex, f } = await quiet(false);
      f.onStreamState({ status: 'reconnecting', attempt: 1, reason: 'socket closed', retryInMs: 0 });
      assert.deepEqual(timers.pending, [], 'a reconnect cancels the wait');
      f.onStreamState(live);
      await answerNext(ex); // the reconnect's gap backfill covers the seam (the check is dropped)
      await settleUntil(() => !f.catchingUp('1m'));
      assert.deepEqual(timers.pending, [], 'no check left to wait for');

      const second = await seeded();
      second.f.onStreamState(live);
      assert.deepEqual(timers.pending, [QUIET_SEAM_CHECK_MS]);
      second.ex.log.push(trade(9, M + 45_000));
      second.f.ingest([second.ex.log[4]!]);
      assert.deepEqual(timers.pending, [], 'the first trade cancels the wait (its own check runs)');
      await answerNext(second.ex);

      const third = await seeded();
      third.f.onStreamState(live);
      assert.deepEqual(timers.pending, [QUIET_SEAM_CHECK_MS]);
      third.f.dispose();
      assert.deepEqual(timers.pending, [], 'disposing the factory cancels the wait');
    });

    it("with Node's timers (the default): the wait is one, and none is left once the factory is disposed", async () => {
      const tracker = trackTimers();
      try {
        const ex = new SimFactoryHistory(CAPS);
        ex.log.push(trade(1, M - MINUTE), trade(2, M + 20_000));
        now = M + 30_000;
        const f = new CandleFactory({ exchange: 'coinbase', symbol: 'ETH/USD' }, { history: ex, clock: { now: () => now }, log: silentLogger, maxBars: 100, tickMs: 60_000, persistEveryMs: 60_000, repairBackoff: { baseMs: 1, maxMs: 1, factor: 1, jitter: 0 }, repairMaxAttempts: 3 });
        made.push(f);
        f.addTimeframe('1m', 10);
        await answerNext(ex);
        await settleUntil(() => f.isReady('1m'));
        const before = tracker.pending(); // the factory's own tick
        f.onStreamState(live);
        assert.equal(tracker.pending(), before + 1, 'live with the check waiting: one wait');
        f.dispose();
        assert.equal(tracker.pending(), 0, 'none left');
      } finally {
        tracker.restore();
      }
    });

    it('an answer that comes after a reconnect dropped the check changes nothing', async () => {
      const { ex, f, sub } = await quiet(false);
      timers.runPending();
      await settleUntil(() => ex.rest.pending > 0);
      f.onStreamState({ status: 'reconnecting', attempt: 1, reason: 'socket closed', retryInMs: 0 });
      sub.stream({ status: 'reconnecting', attempt: 1, reason: 'socket closed', retryInMs: 0 });
      ex.rest.answer('whole'); // the quiet check's answer, after the drop
      await settle();
      assert.equal(f.catchingUp('1m'), true, 'still catching up: the drop\'s gap is to be backfilled');
      f.onStreamState(live);
      sub.stream(live);
      await answerNext(ex); // the gap backfill
      await settleUntil(() => !f.catchingUp('1m'));
      assert.deepEqual(sub.state, live);
      assert.deepEqual(timers.pending, []);
    });
  });

  it('a seed that buffered the stream\'s first trades checks the seam at once: the bars from REST\'s last trade are partial and the subscription catching up until it answers', async () => {
    const ex = new SimFactoryHistory(CAPS);
    ex.log.push(trade(1, M - 2 * MINUTE), trade(2, M - MINUTE), trade(3, M + 5_000), trade(4, M + 20_000));
    now = M + 30_000;
    const f = factory(ex);
    const sub = new Subscriber(f);
    f.addTimeframe('1m', 10);
    await settleUntil(() => ex.rest.pending > 0);
    ex.rest.answer('whole'); // REST's trades end at trade 4; the seed goes on once its answer is read
    // Meanwhile trade 5 is made, then the stream begins and pushes trade 6 (buffered by the seed).
    ex.log.push(trade(5, M + 40_000), trade(6, M + 50_000));
    now = M + 50_000;
    f.onStreamState(live);
    sub.stream(live);
    f.ingest([ex.log[5]!]);
    await settleUntil(() => f.isReady('1m'));
    assert.ok(f.isReady('1m'), 'seeded');
    await settleUntil(() => ex.rest.pending > 0);
    assert.equal(ex.rest.pending, 1, 'the seam is checked at once');
    assert.deepEqual(sub.state, { ...live, catchingUp: true }, 'catching up while the seam is checked');
    assert.equal(f.catchingUp('1m'), true);

    // The stream's next trade, a minute on: the M bar lacks trade 5 and must not close whole.
    ex.log.push(trade(7, M + MINUTE + 10_000));
    now = M + MINUTE + 15_000;
    f.ingest([ex.log[6]!]);
    assertAnnouncedWhole(sub.announced, ex.log, 'while the seam is checked');
    assert.deepEqual(sub.state, { ...live, catchingUp: true });

    ex.rest.answer('whole'); // the check: trade 5 never came on the stream
    await answerNext(ex); // the backfill from trade 5
    await settleUntil(() => !f.catchingUp('1m'));
    assertAnnouncedWhole(sub.announced, ex.log, 'after the backfill');
    const bars = f.snapshot('1m')!.filter((c) => c.time >= M);
    assert.deepEqual(bars.map(whole), referenceCandles(ex.log, '1m').filter((c) => c.time >= M));
    assert.deepEqual(sub.state, live);
  });

  it('a seed that buffered the stream\'s first trades, nothing missed: its held bars are whole once the check answers, with no backfill', async () => {
    const ex = new SimFactoryHistory(CAPS);
    ex.log.push(trade(1, M - 2 * MINUTE), trade(2, M - MINUTE), trade(3, M + 5_000), trade(4, M + 20_000));
    now = M + 30_000;
    const f = factory(ex);
    const sub = new Subscriber(f);
    f.addTimeframe('1m', 10);
    await settleUntil(() => ex.rest.pending > 0);
    ex.rest.answer('whole');
    ex.log.push(trade(6, M + MINUTE + 50_000));
    now = M + MINUTE + 50_000;
    f.onStreamState(live);
    sub.stream(live);
    f.ingest([ex.log[4]!]);
    await settleUntil(() => f.isReady('1m'));
    assert.equal(f.snapshot('1m')!.find((c) => c.time === M)?.partial, true, 'the M bar held partial');
    assert.deepEqual(sub.state, { ...live, catchingUp: true });
    await answerNext(ex);
    await settleUntil(() => !f.catchingUp('1m'));
    await settle();
    assert.equal(ex.rest.pending, 0, 'no backfill');
    assertAnnouncedWhole(sub.announced, ex.log, 'after the check');
    assert.deepEqual(sub.announced.filter((c) => c.time >= M && !c.partial).map((c) => c.time), [M], 'the M bar announced whole once checked');
    const bars = f.snapshot('1m')!.filter((c) => c.time >= M);
    assert.deepEqual(bars.map(whole), referenceCandles(ex.log, '1m').filter((c) => c.time >= M));
    assert.deepEqual(sub.state, live);
  });
});

