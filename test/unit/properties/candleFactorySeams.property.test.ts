/**
 * The candle factory's seams under random interleavings: trades happen, the stream pushes them late and in small
 * batches (REST is always ahead of it), drops and comes back (losing what happened meanwhile, or sending it again as
 * Coinbase's snapshot does), REST answers or fails whenever, and timeframes come and go. Once everything has been
 * answered and a last trade closes every bucket, every bar of every timeframe equals the bars built from the log.
 * It found: a live timeframe losing the trades another's seam took from REST; a second seed's seam check replacing
 * the first's; a failed seam check leaving its trades missing for good; a bar left partial for good after a drop
 * before any streamed trade; a trade a batch late becoming the close of a bar holding a newer trade (seed 8, odd seeds);
 * in a slow market (every fifth seed), the minutes after a weaker seam (REST trades cut short) lost by a stream live
 * but silent, then dropped, left missing or flat (seed 195; candleFactoryWeakSeamDrop.test.ts); seed 845 of 2,000 (a
 * slow market, late trades): a 5m bar counting a seam's REST trade twice, its stream copy a message late behind trades
 * stamped 21 s later, past the 10 s the seam's guard lasted (it now lasts as long as the seam); earlier in that run, a
 * reconnect resending REST's trades the stream had not pushed yet got them twice, in a bar taken for lagging klines
 * (partial, later replaced: fixed too, candleFactoryResend.test.ts). Seed 1885, listed with it, passed at that fix's start.
 * Its reconnects also resend trades the stream had pushed, which our client drops (RecentIds; alertSeams models that):
 * a stronger test of the factory. All 2,000 seeds pass (SEAM_SEEDS=2000).
 * SEAM_SEED and SEAM_SEEDS run others; SEAM_ALL=1 lists every failing seed instead of stopping at the first.
 */
import * as assert from 'node:assert/strict';
import { CandleFactory, type FactoryEvent } from '../../../src/core/candles/candleFactory';
import type { ExchangeCapabilities } from '../../../src/core/exchange/capabilities';
import { bucketStart, nextBucketStart, type Timeframe } from '../../../src/core/timeframes';
import type { Logger } from '../../../src/core/util/log';
import { MarketTimers } from '../../helpers/marketTimers';
import { referenceCandles } from '../../helpers/referenceCandles';
import { SimFactoryHistory } from '../../helpers/simFactoryHistory';
import { generator, settle, tick } from '../../helpers/simTradeRest';

const START = Date.UTC(2026, 10, 30, 10, 0);
const TIMEFRAMES: readonly Timeframe[] = ['1m', '5m', '15m'];


interface Scenario {
  readonly seed: number;
  readonly steps: string[];
}

/** Odd seeds also deliver some trades a batch late (SEAM_LATE=1 or 0 sets it for all). */
async function run(seed: number, lateTrades = process.env.SEAM_LATE === undefined ? seed % 2 === 1 : process.env.SEAM_LATE === '1'): Promise<Scenario> {
  const random = generator(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  const steps: string[] = [];
  const caps: ExchangeCapabilities = { klineTimeframes: ['1m', '5m', '15m'], maxCandlesPerPage: 300, candlePagesAreWindows: true, tradePaging: 'window', maxTradesPerPage: 1000, watchTickers: false, klineLagMinutes: random() < 0.3 ? 2 : 0, tradeWindowMs: undefined, historyStart: 0 };
  const ex = new SimFactoryHistory(caps);
  let now = START;
  let id = 0;
  let price = 100;
  // Every fifth seed is a slow market (a trade every 13 s on average): a stream live but silent for minutes, then dropped.
  const spacing = seed % 5 === 0 ? 24_000 : 1500;
  const happen = (n: number): void => {
    for (let i = 0; i < n; i++) {
      now += 50 + Math.floor(random() * spacing);
      price = Math.max(1, price + Math.floor(random() * 5) - 2);
      ex.log.push({ id: String(++id), timestamp: now, price, amount: 1 + Math.floor(random() * 9), side: random() < 0.5 ? 'buy' : 'sell' });
    }
  };
  happen(200); // history before the factory starts
  const lines: string[] = [];
  const at = (message: string): string => `${new Date(now).toISOString().slice(11, 23)} ${message}`;
  const log: Logger = { debug: (m) => lines.push(at(m)), info: (m) => lines.push(at(m)), warn: (m) => lines.push(at(m)), error: (m) => lines.push(at(m)) };
  const note = (step: string): void => {
    steps.push(step);
    lines.push(at(`> ${step}`));
  };
  // The factory's waits (a quiet market's first seam's check) run on the market's time, after the step that passed them.
  const timers = new MarketTimers(() => now);
  const f = new CandleFactory({ exchange: 'coinbase', symbol: 'BTC/USD' }, { history: ex, clock: { now: () => now }, log, maxBars: 1000, tickMs: 60_000, persistEveryMs: 60_000, repairBackoff: { baseMs: 1, maxMs: 1, factor: 1, jitter: 0 }, repairMaxAttempts: 3, timers: timers.schedule });
  const events: FactoryEvent[] = [];
  f.onEvent((e) => {
    events.push(e);
    if (e.type === 'backfill') lines.push(at(`${e.timeframe} backfill ${e.outcome}`));
    if (e.type === 'deltas') for (const d of e.deltas) if (d.candle.partial) lines.push(at(`${e.timeframe} ${d.kind} ${new Date(d.candle.time).toISOString().slice(11, 16)} partial since ${d.candle.partialSince === undefined ? '-' : new Date(d.candle.partialSince).toISOString().slice(11, 23)}`));
  });
  try {
    /** The next log index the stream pushes; undefined while the socket is down. */
    let streamAt: number | undefined;
    let everLive = false;
    /** A batch as our client hands it over: in time order (ccxtClient sorts each), each trade once (RecentIds). */
    const push = (n: number): void => {
      if (streamAt === undefined) return;
      const batch = ex.log.slice(streamAt, Math.min(ex.log.length, streamAt + n));
      streamAt += batch.length;
      if (lateTrades && batch.length > 1 && random() < 0.2) {
        // One trade comes a batch late, after newer ones (a message delayed on the exchange's side).
        const [late] = batch.splice(Math.floor(random() * (batch.length - 1)), 1);
        f.ingest(batch);
        f.ingest([late!]);
      } else if (batch.length > 0) f.ingest(batch);
    };
    const connect = (resumeAt: number): void => {
      streamAt = resumeAt;
      // The watch loop publishes live, then hands over the first update, in one turn.
      f.onStreamState({ status: 'live', since: now });
      everLive = true;
      push(1 + Math.floor(random() * 3));
    };
    const open = new Set<Timeframe>();
    const add = (tf: Timeframe): void => {
      open.add(tf);
      f.addTimeframe(tf, 30);
    };
    add(pick(TIMEFRAMES));
    note((`start ${[...open].join()} lag ${caps.klineLagMinutes}`));

    for (let step = 0; step < 120; step++) {
      const r = random();
      if (r < 0.25) {
        const n = 1 + Math.floor(random() * 4);
        happen(n);
        note((`happen ${n}`));
      } else if (r < 0.45) {
        // The stream lags: it pushes some of what happened, never all at once.
        const lag = streamAt === undefined ? 0 : ex.log.length - streamAt;
        const n = Math.floor(random() * lag);
        push(n);
        note((`push ${n}`));
      } else if (r < 0.6) {
        if (ex.rest.pending > 0) {
          if (random() < 0.2) {
            ex.rest.fail();
            note(('rest fails'));
          } else {
            const r2 = random();
            const cut = r2 < 0.1 ? 'newest' : r2 < 0.2 ? 'truncated' : 'whole';
            const keep = Math.floor(random() * 12);
            ex.rest.answer(cut, keep);
            note(cut === 'whole' ? 'rest answers' : `rest answers, ${cut} ${keep} only`);
          }
        }
      } else if (r < 0.68) {
        const tf = pick(TIMEFRAMES);
        if (open.has(tf) && open.size > 1) {
          open.delete(tf);
          f.removeTimeframe(tf);
          note((`remove ${tf}`));
        } else if (!open.has(tf)) {
          add(tf);
          note((`add ${tf}`));
        }
      } else if (r < 0.74) {
        if (streamAt === undefined && !everLive) {
          connect(ex.log.length - Math.floor(random() * 3));
          note(('first connect'));
        } else if (streamAt !== undefined) {
          f.onStreamState({ status: 'reconnecting', attempt: 1, reason: 'dropped', retryInMs: 0 });
          streamAt = undefined;
          note(('drop'));
        } else {
          // Binance resumes with what happens from now on; Coinbase's snapshot also sends some of what it missed.
          const from = random() < 0.5 ? ex.log.length : Math.max(0, ex.log.length - Math.floor(random() * 6));
          connect(from);
          note((`reconnect at ${ex.log.length - from} back`));
        }
      }
      await settle();
      if (timers.runDue() > 0) {
        lines.push(at('> quiet wait passed'));
        await settle();
      }
    }

    // Everything answered, the stream caught up; a last reconnect retries what was given up.
    const drain = async (): Promise<void> => {
      for (let round = 0; round < 200; round++) {
        push(ex.log.length);
        while (ex.rest.pending > 0) {
          ex.rest.answer();
          await settle();
        }
        await tick();
        await settle();
        if (ex.rest.pending === 0 && round > 5) return;
      }
    };
    if (streamAt === undefined) connect(ex.log.length);
    await drain();
    f.onStreamState({ status: 'reconnecting', attempt: 1, reason: 'dropped', retryInMs: 0 });
    streamAt = undefined;
    connect(ex.log.length);
    await drain();
    // One trade in the next 15m bucket closes every bucket the log has, once the klines' lag has passed (their partial
    // bars are not settled before).
    const last = ex.log[ex.log.length - 1]!;
    now = nextBucketStart('15m', bucketStart('15m', last.timestamp)) + caps.klineLagMinutes * 60_000 + 1000;
    ex.log.push({ id: String(++id), timestamp: now, price, amount: 1, side: 'buy' });
    now += 1000;
    await drain();

    for (const tf of open) {
      const truth = new Map(referenceCandles(ex.log, tf).map((c) => [c.time, c]));
      const bars = f.snapshot(tf);
      assert.ok(bars, `${tf} is ready`);
      const closeAt = bucketStart(tf, now);
      // A bucket with trades missing from the bars held is as wrong as a flat one (a silent stream's minutes, lost).
      const held = new Set(bars.map((c) => c.time));
      const missing = [...truth.values()].find((c) => c.time >= bars[0]!.time && c.time < closeAt && !held.has(c.time));
      assert.equal(missing, undefined, `${tf} bar ${new Date(missing?.time ?? 0).toISOString()} is missing`);
      for (const bar of bars) {
        if (bar.time >= closeAt) continue;
        const want = truth.get(bar.time);
        const got = { time: bar.time, open: bar.open, high: bar.high, low: bar.low, close: bar.close, volume: bar.volume };
        if (bar.volume === 0 && (!want || want.volume === 0)) continue;
        assert.deepEqual(got, want, `${tf} bar ${new Date(bar.time).toISOString()}${bar.partial ? ' (partial)' : ''}`);
        assert.equal(bar.partial, undefined, `${tf} bar ${new Date(bar.time).toISOString()} is still partial`);
      }
    }
    return { seed, steps };
  } catch (err) {
    const backfills = events.filter((e) => e.type === 'backfill').map((e) => `${e.timeframe} ${e.type === 'backfill' ? e.outcome : ''}`);
    throw new Error(`seed ${seed}: ${err instanceof Error ? err.message : String(err)}\nbackfills: ${backfills.join(', ')}\nsteps and log:\n${lines.join('\n')}`);
  } finally {
    f.dispose();
    assert.equal(timers.pending, 0, `seed ${seed}: the factory's waits ended with it`);
  }
}

describe('CandleFactory seams under random interleavings (property)', function () {
  const seeds = Number(process.env.SEAM_SEEDS ?? 400);
  // About 0.1 s a seed on a loaded machine: 2,000 seeds outlasted a fixed two minutes.
  this.timeout(Math.max(120_000, seeds * 300));
  const first = Number(process.env.SEAM_SEED ?? 1);
  it(`${seeds} random runs of trades, a lagging stream, drops, REST answers and failures, timeframes coming and going: every bar true at the end`, async () => {
    const failed: string[] = [];
    for (let seed = first; seed < first + seeds; seed++) {
      try {
        await run(seed);
      } catch (err) {
        if (process.env.SEAM_ALL !== '1') throw err;
        failed.push(String(err instanceof Error ? err.message : err).split('\n')[0]!);
      }
    }
    if (failed.length > 0) assert.fail(failed.join('\n'));
  });
});
