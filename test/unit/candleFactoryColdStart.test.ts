// A cold start: the first seed ends before the stream's first trade, so the factory checks the seam against REST
// once the stream pushes (checkSeam). Until that check settles, the bars between REST's trades and the stream's may
// lack trades: they are partial, never closed whole, and a subscription reads catching up (alertSeams seeds 4, 8).
import * as assert from 'node:assert/strict';
import { CandleFactory, type FactoryEvent } from '../../src/core/candles/candleFactory';
import type { ExchangeCapabilities } from '../../src/core/exchange/capabilities';
import { CandleSubscriptionState } from '../../src/core/hub/candleSubscriptionState';
import type { Candle, StreamState, Trade } from '../../src/core/types';
import { silentLogger } from '../../src/core/util/log';
import { referenceCandles } from '../helpers/referenceCandles';
import { SimFactoryHistory } from '../helpers/simFactoryHistory';
import { settle } from '../helpers/simTradeRest';

const M = Date.UTC(2026, 10, 30, 10, 0);
const MINUTE = 60_000;
const CAPS: ExchangeCapabilities = { klineTimeframes: ['1m'], maxCandlesPerPage: 300, candlePagesAreWindows: true, tradePaging: 'window', maxTradesPerPage: 100, watchTickers: false, klineLagMinutes: 0, tradeWindowMs: undefined, historyStart: 0 };
const live: StreamState = { status: 'live', since: M };

/** Amounts are powers of two, so a sum tells exactly which trades a bar counted. */
const trade = (n: number, at: number): Trade => ({ id: String(n), timestamp: at, price: 100 + n, amount: 2 ** n, side: 'buy' });

/** Waits for the factory's next REST trades request (each wait is an event turn) and answers it with the whole log. */
async function answerNext(ex: SimFactoryHistory): Promise<void> {
  for (let i = 0; i < 100 && ex.rest.pending === 0; i++) await settle();
  assert.equal(ex.rest.pending, 1, 'the factory asked for REST trades');
  ex.rest.answer('whole');
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
  const factory = (ex: SimFactoryHistory): CandleFactory => {
    const f = new CandleFactory({ exchange: 'coinbase', symbol: 'ETH/USD' }, { history: ex, clock: { now: () => now }, log: silentLogger, maxBars: 100, tickMs: 60_000, persistEveryMs: 60_000, repairBackoff: { baseMs: 1, maxMs: 1, factor: 1, jitter: 0 }, repairMaxAttempts: 3 });
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
    for (let i = 0; i < 100 && !f.isReady('1m'); i++) await settle();
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
    for (let i = 0; i < 100 && f.catchingUp('1m'); i++) await settle();

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
    for (let i = 0; i < 100 && f.catchingUp('1m'); i++) await settle();
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
      for (let i = 0; i < 100 && !f.isReady('1m'); i++) await settle();
      ex.log.push(trade(5, M + 4 * MINUTE + 10_000));
      now = M + 4 * MINUTE + 15_000;
      f.onStreamState(live);
      sub.stream(live);
      f.ingest([ex.log[4]!]);
      assert.equal(f.snapshot('1m')!.find((c) => c.time === M)?.partial, undefined, `${outcome}: the M bar is not held by the check`);

      if (outcome === 'nothing missed') await answerNext(ex);
      else {
        for (let i = 0; i < 100 && ex.rest.pending === 0; i++) await settle();
        ex.rest.fail();
        await answerNext(ex); // the backfill from REST's last trade
      }
      for (let i = 0; i < 100 && f.catchingUp('1m'); i++) await settle();
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
    for (let i = 0; i < 100 && ex.rest.pending === 0; i++) await settle();
    ex.rest.fail();
    await settle();
    assertAnnouncedWhole(sub.announced, ex.log, 'after the check failed');
    assert.deepEqual(sub.state, { ...live, catchingUp: true });
    await answerNext(ex);
    for (let i = 0; i < 100 && f.catchingUp('1m'); i++) await settle();
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
    for (let i = 0; i < 100 && !f.isReady('1m'); i++) await settle();
    assert.deepEqual(sub.state, live);

    ex.log.push(trade(4, M - 10_000), trade(5, M + 25_000)); // published late: before the seam minute
    ex.log.sort((a, b) => a.timestamp - b.timestamp);
    f.ingest([trade(4, M - 10_000), trade(5, M + 25_000)]);
    assert.deepEqual(sub.state, { ...live, catchingUp: true }, 'catching up while rebuilt');
    await answerNext(ex);
    for (let i = 0; i < 100 && f.catchingUp('1m'); i++) await settle();
    assert.deepEqual(sub.state, live);
    assertAnnouncedWhole(sub.announced, ex.log, 'after the rebuild');
  });
});
