/**
 * Klines that lag their trades (Coinbase's, ExchangeCapabilities.klineLagMinutes): no bar a chart draws as whole, and
 * none the cache keeps, comes from a kline that may still miss trades. Every seed, a gap backfill too, builds the
 * lag's minutes from REST trades; where REST trades do not reach back that far, the bars of those minutes are partial
 * and settle to the exchange's klines only once the lag has passed.
 */
import * as assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CandleFactory } from '../../src/core/candles/candleFactory';
import { CandleCache } from '../../src/core/history/candleCache';
import { HistoryService } from '../../src/core/history/historyService';
import type { CandleKey } from '../../src/core/keys';
import type { Timeframe } from '../../src/core/timeframes';
import type { Candle, Trade } from '../../src/core/types';
import { silentLogger } from '../../src/core/util/log';
import { FakeClient } from '../helpers/fakeClient';
import { referenceCandles } from '../helpers/referenceCandles';
import { SimFactoryHistory, simKlines } from '../helpers/simFactoryHistory';
import { settle, settleUntil, type RestCut } from '../helpers/simTradeRest';
import { backfillDone, nextEvent } from '../helpers/factoryEvents';
import { SCRIPT_START as M, MINUTE, scriptCaps, liveSince, reconnecting, powerTrade as trade } from '../helpers/factoryScript';

const CAPS = scriptCaps(['1m'], 2);
const live = liveSince(M);

/** Klines that hold the trades up to `klineHorizon` only; each kline request is counted. */
class LaggingExchange extends SimFactoryHistory {
  klineHorizon = Infinity;
  readonly klineRequests: Array<readonly [number, number]> = [];

  constructor() {
    super(CAPS);
  }

  override closedHistory(key: { readonly timeframe: Timeframe }, until: number, depth: number): Promise<Candle[]> {
    return Promise.resolve(simKlines(this.seen(), key.timeframe, -Infinity, until).slice(-depth));
  }

  override candlesBetween(_market: unknown, tf: Timeframe, from: number, until: number): Promise<Candle[]> {
    this.klineRequests.push([from, until]);
    return Promise.resolve(simKlines(this.seen(), tf, from, until));
  }

  private seen(): Trade[] {
    return this.log.filter((t) => t.timestamp <= this.klineHorizon);
  }

  async answerNext(cut: RestCut = 'whole', keep = 0): Promise<void> {
    await settleUntil(() => this.rest.pending > 0);
    assert.equal(this.rest.pending, 1, 'the factory asked for REST trades');
    this.rest.answer(cut, keep);
  }
}

const plain = ({ time, open, high, low, close, volume }: Candle): Candle => ({ time, open, high, low, close, volume });

describe('CandleFactory: klines that lag their trades', () => {
  let now = M;
  const made: CandleFactory[] = [];
  const factory = (ex: LaggingExchange): CandleFactory => {
    const f = new CandleFactory({ exchange: 'coinbase', symbol: 'ETH/USD' }, { history: ex, clock: { now: () => now }, log: silentLogger, maxBars: 100, tickMs: 60_000, persistEveryMs: 60_000, repairBackoff: { baseMs: 1, maxMs: 1, factor: 1, jitter: 0 }, repairMaxAttempts: 3 });
    made.push(f);
    return f;
  };
  afterEach(() => made.splice(0).forEach((f) => f.dispose()));

  /** Seeded at M + 10 s with trades 1 (M - 5 min) and 2 (M + 1 s); dropped, trade 3 made meanwhile, back at M + 70 s. */
  async function droppedWhileATradeWasMade(): Promise<{ ex: LaggingExchange; f: CandleFactory }> {
    const ex = new LaggingExchange();
    ex.log.push(trade(1, M - 5 * MINUTE), trade(2, M + 1_000));
    now = M + 10_000;
    const f = factory(ex);
    f.onStreamState(live);
    const done = nextEvent(f, backfillDone);
    f.addTimeframe('1m', 10);
    await ex.answerNext();
    await done;
    // The exchange's kline of minute M holds trade 2 (which the chart held) but not yet trade 3: it looks whole
    // against what the chart held.
    f.onStreamState(reconnecting);
    ex.log.push(trade(3, M + 30_000));
    ex.klineHorizon = M + 1_000;
    now = M + MINUTE + 10_000;
    return { ex, f };
  }

  it('a gap backfill builds the minutes the klines may lag from REST trades: a trade made during the drop is in its bar', async () => {
    const { ex, f } = await droppedWhileATradeWasMade();
    const done = nextEvent(f, backfillDone);
    f.onStreamState(live);
    await ex.answerNext();
    await done;

    const bar = f.snapshot('1m')!.find((b) => b.time === M)!;
    assert.equal(bar.partial, undefined, 'minute M is whole');
    assert.deepEqual(plain(bar), referenceCandles(ex.log, '1m').find((c) => c.time === M), 'minute M holds the trade made during the drop');
  });

  it("a gap backfill whose REST trades do not reach back past the lag: the lag's bars are partial, not the klines' taken as whole, and settle once the lag has passed", async () => {
    const { ex, f } = await droppedWhileATradeWasMade();
    const done = nextEvent(f, backfillDone);
    f.onStreamState(live);
    await ex.answerNext('newest', 1); // from M - 1 min: only the newest trade, which does not reach back
    await ex.answerNext(); // seeded at the live minute
    await done;
    const bar = f.snapshot('1m')!.find((b) => b.time === M)!;
    assert.deepEqual([bar.partial, bar.partialSince], [true, M - MINUTE], 'minute M (its kline lacks trade 3) is partial since the lag began');

    // The lag has passed and the klines hold every trade: minute M settles to the exchange's bar, with trade 3.
    ex.klineHorizon = Infinity;
    now = M + 3 * MINUTE + 5_000;
    const settled = nextEvent(f, (e) => e.type === 'deltas' && e.deltas.some((d) => d.candle.time === M && !d.candle.partial));
    ex.log.push(trade(4, now));
    f.ingest([ex.log.at(-1)!]);
    await settled;
    const truth = referenceCandles(ex.log, '1m').find((c) => c.time === M);
    assert.deepEqual(plain(f.snapshot('1m')!.find((b) => b.time === M)!), truth, 'minute M is the exchange\'s, with the trade made during the drop');
  });

  it('where REST trades do not reach back past the lag, the bars of those minutes are partial, and settle only once the lag has passed', async () => {
    const ex = new LaggingExchange();
    ex.log.push(trade(1, M - 5 * MINUTE), trade(2, M - 90_000), trade(3, M - 30_000));
    ex.klineHorizon = M - 40_000; // the kline of M-1m lacks trade 3
    now = M + 10_000;
    const f = factory(ex);
    f.onStreamState(live);
    const done = nextEvent(f, backfillDone);
    f.addTimeframe('1m', 10);
    await ex.answerNext('newest', 0); // from M-2m: only the newest trades, which do not reach back
    await ex.answerNext(); // seeded at the live minute
    await done;
    const lagging = f.snapshot('1m')!.filter((b) => b.time >= M - 2 * MINUTE && b.time < M);
    assert.deepEqual(lagging.map((b) => [b.time, b.partial, b.partialSince]), [M - 2 * MINUTE, M - MINUTE].map((t) => [t, true, M - 2 * MINUTE]), 'the bars of the lag are partial since its start (the one its kline lacks too)');
    assert.notEqual(f.snapshot('1m')!.find((b) => b.time === M - 5 * MINUTE)?.partial, true, 'an older bar is whole');

    // The next minute closes them, but the klines may still lag: they are not asked yet (nor judged short).
    const asked = ex.klineRequests.length;
    now = M + 65_000;
    ex.log.push(trade(4, now));
    f.ingest([ex.log.at(-1)!]);
    await settle();
    assert.equal(ex.klineRequests.length, asked, 'no settle request before the lag has passed');
    assert.ok(f.snapshot('1m')!.some((b) => b.time === M - MINUTE && b.partial), 'still partial while the klines may lag');

    // The lag has passed and the klines hold every trade: the exchange's bars, closed.
    ex.klineHorizon = Infinity;
    now = M + 2 * MINUTE + 5_000;
    const settled = nextEvent(f, (e) => e.type === 'deltas' && e.deltas.some((d) => d.candle.time === M - MINUTE && !d.candle.partial));
    ex.log.push(trade(5, now));
    f.ingest([ex.log.at(-1)!]);
    await settled;
    const truth = new Map(referenceCandles(ex.log, '1m').map((c) => [c.time, c]));
    for (const bar of f.snapshot('1m')!.filter((b) => b.volume > 0 && b.time < M + 2 * MINUTE)) {
      assert.equal(bar.partial, undefined, `${new Date(bar.time).toISOString()} settled`);
      assert.deepEqual(plain(bar), truth.get(bar.time), `${new Date(bar.time).toISOString()} is the exchange's`);
    }
  });
});

describe('HistoryService: klines that lag their trades', () => {
  let dir: string;
  beforeEach(async () => (dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tradesuite-lag-'))));
  afterEach(() => fs.rm(dir, { recursive: true, force: true }));

  it('an older page stops before the minutes the klines may lag, and the cache keeps no bar of them', async () => {
    const client = new FakeClient();
    client.caps = { ...client.caps, candlePagesAreWindows: true, klineLagMinutes: 2 };
    const now = M + 10_000;
    const log = [trade(1, M - 10 * MINUTE), trade(2, M - 90_000), trade(3, M - 30_000)];
    // The klines lag: the minute before now lacks trade 3.
    client.fetchCandles = async (_symbol, tf, since, limit) => simKlines(log.filter((t) => t.timestamp <= M - 40_000), tf, since, since + limit * MINUTE);
    const cache = new CandleCache(dir, silentLogger);
    const history = new HistoryService({ clientFor: async () => client, cache, log: silentLogger, concurrencyPerExchange: 1, backoff: { baseMs: 1, maxMs: 1, factor: 1, jitter: 0 }, rateLimitBackoff: { baseMs: 1, maxMs: 1, factor: 1, jitter: 0 }, maxAttempts: 1, clockOf: () => ({ now: () => now }) });
    const key: CandleKey = { exchange: 'fake', symbol: 'BTC/USDT', timeframe: '1m' };
    const written = new Promise<void>((resolve) => history.onCacheWritten(() => resolve()));

    const page = await history.olderBars(key, M, 30);
    assert.ok(page.candles.length > 0, 'the page has bars');
    assert.ok(page.candles.every((c) => c.time < M - 2 * MINUTE), 'no bar of the lag');

    // A seed's history up to the live minute (REST trades did not reach back past the lag) is answered, not cached.
    const bars = await history.closedHistory(key, M, 30);
    assert.ok(bars.some((c) => c.time === M - 2 * MINUTE), "the lag's bars are answered");
    await written;
    await history.close();
    const rows = (await cache.load(key)) ?? [];
    assert.ok(rows.length > 0 && rows.every((c) => c.time < M - 2 * MINUTE), 'the cache holds no bar of the lag');
  });
});
