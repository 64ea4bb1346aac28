// The factory's seam when the stream drops again while a seed is running or right after one (fake history layer).
import * as assert from 'node:assert/strict';
import { CandleFactory, type FactoryEvent, type FactoryHistory } from '../../src/core/candles/candleFactory';
import type { ExchangeCapabilities } from '../../src/core/exchange/capabilities';
import type { TradesSince } from '../../src/core/history/seamTrades';
import { bucketStart, type Timeframe } from '../../src/core/timeframes';
import type { Candle, Trade } from '../../src/core/types';
import { silentLogger } from '../../src/core/util/log';
import { settle, settleUntil } from '../helpers/simTradeRest';
import { backfillDone, nextEvent } from '../helpers/factoryEvents';
import { SCRIPT_START as M, MINUTE, scriptCaps, liveSince, reconnecting, powerTrade as trade } from '../helpers/factoryScript';

const CAPS = scriptCaps(['1m']);
const live = liveSince(M);

function klines(trades: readonly Trade[], tf: Timeframe, from: number, until: number): Candle[] {
  const bars = new Map<number, Candle>();
  for (const t of trades) {
    if (t.timestamp < from || t.timestamp >= until) continue;
    const time = bucketStart(tf, t.timestamp);
    const b = bars.get(time);
    bars.set(time, b ? { ...b, high: Math.max(b.high, t.price), low: Math.min(b.low, t.price), close: t.price, volume: b.volume + t.amount } : { time, open: t.price, high: t.price, low: t.price, close: t.price, volume: t.amount });
  }
  return [...bars.values()].sort((a, b) => a.time - b.time);
}

/** A history layer over a trade log whose REST trades requests the test answers by hand, at the moment it chooses. */
class ScriptedHistory implements FactoryHistory {
  readonly log: Trade[] = [];
  /** The exchange's klines hold only the trades up to here (Coinbase's lag). */
  klineHorizon = Infinity;
  readonly klineRequests: Array<readonly [number, number]> = [];
  private readonly waiting: Array<{ from: number; answer: (upTo: number, newest?: number, oldest?: number) => void; fail: (err: Error) => void }> = [];
  private readonly callWaiters: Array<() => void> = [];

  capabilities(): Promise<ExchangeCapabilities> {
    return Promise.resolve(CAPS);
  }
  closedHistory(key: { readonly timeframe: Timeframe }, until: number, depth: number): Promise<Candle[]> {
    return Promise.resolve(klines(this.exchangeSees(), key.timeframe, until - depth * MINUTE, until));
  }
  candlesBetween(_market: unknown, tf: Timeframe, from: number, until: number): Promise<Candle[]> {
    this.klineRequests.push([from, until]);
    return Promise.resolve(klines(this.exchangeSees(), tf, from, until));
  }
  private exchangeSees(): Trade[] {
    return this.log.filter((t) => t.timestamp <= this.klineHorizon);
  }
  cachedBars(): Promise<Candle[]> {
    return Promise.resolve([]);
  }
  persist(): Promise<void> {
    return Promise.resolve();
  }
  tradesSince(_market: unknown, from: number): Promise<TradesSince> {
    return new Promise((resolve, reject) => {
      const answer = (upTo: number, newest?: number, oldest?: number): void => {
        const trades = this.log.filter((t) => t.timestamp >= from && t.timestamp <= upTo);
        // Only the oldest few (the page budget ran out): said `truncated`.
        if (oldest !== undefined && oldest < trades.length) return resolve({ trades: trades.slice(0, oldest), complete: true, truncated: true });
        // Only the newest few (Bybit's recent trades): not every trade since `from` when some are left out.
        resolve(newest === undefined || newest >= trades.length ? { trades, complete: true } : { trades: trades.slice(trades.length - newest), complete: false });
      };
      this.waiting.push({ from, answer, fail: reject });
      this.callWaiters.splice(0).forEach((wake) => wake());
    });
  }

  /** Waits for the factory's next REST trades request and answers it with the log's trades up to `upTo` (only the `newest` of them, if given). */
  async answerNext(upTo: number, beforeAnswer: () => void = () => {}, newest?: number): Promise<void> {
    while (this.waiting.length === 0) await new Promise<void>((wake) => this.callWaiters.push(wake));
    beforeAnswer();
    this.waiting.shift()!.answer(upTo, newest);
  }

  get pending(): number {
    return this.waiting.length;
  }

  /** Waits for the factory's next REST trades request and answers it with the oldest `oldest` of the log's trades up to `upTo`, cut short. */
  async answerNextTruncated(upTo: number, oldest: number): Promise<void> {
    while (this.waiting.length === 0) await new Promise<void>((wake) => this.callWaiters.push(wake));
    this.waiting.shift()!.answer(upTo, undefined, oldest);
  }

  /** Waits for the factory's next REST trades request and fails it. */
  async failNext(beforeFailing: () => void = () => {}): Promise<void> {
    while (this.waiting.length === 0) await new Promise<void>((wake) => this.callWaiters.push(wake));
    beforeFailing();
    this.waiting.shift()!.fail(new Error('HTTP 503 Service Unavailable'));
  }
}

/** Seeds a live 1m series while the stream sends `first` (already in the exchange's log), REST answering up to M. */
async function seedLive(history: ScriptedHistory, f: CandleFactory, first: readonly Trade[]): Promise<void> {
  f.onStreamState(live);
  const done = nextEvent(f, backfillDone);
  f.addTimeframe('1m', 10);
  history.log.push(...first);
  await history.answerNext(M, () => f.ingest(first));
  await done;
}

/** The stream drops and comes back; resolves when the gap backfill is done. */
function dropAndReturn(f: CandleFactory): Promise<FactoryEvent> {
  f.onStreamState(reconnecting);
  const done = nextEvent(f, backfillDone);
  f.onStreamState(live);
  return done;
}

describe('CandleFactory: reseeding when the stream drops around a seed', () => {
  let now = M + 10_000;
  const made: CandleFactory[] = [];
  const factory = (history: ScriptedHistory): CandleFactory => {
    const f = new CandleFactory({ exchange: 'coinbase', symbol: 'ETH/USD' }, { history, clock: { now: () => now }, log: silentLogger, maxBars: 100, tickMs: 60_000, persistEveryMs: 60_000, repairBackoff: { baseMs: 1, maxMs: 1, factor: 1, jitter: 0 }, repairMaxAttempts: 3 });
    made.push(f);
    return f;
  };
  afterEach(() => made.splice(0).forEach((f) => f.dispose()));

  it('REST trades a seam installed ahead of the stream are not counted again by the next gap backfill', async () => {
    now = M + 10_000;
    const history = new ScriptedHistory();
    const t = [1, 2, 3, 4, 5, 6].map((n) => trade(n, M + n * 1000));
    const f = factory(history);
    await seedLive(history, f, []); // nothing traded yet
    f.ingest([t[0]!]);

    // A drop; the backfill's REST answer already holds trades 2 and 3, which the stream has not pushed yet.
    history.log.push(...t);
    let done = dropAndReturn(f);
    await history.answerNext(t[2]!.timestamp);
    await done;
    f.ingest([t[1]!, t[2]!]); // the stream catches up: REST delivered these already
    assert.equal(f.snapshot('1m')!.at(-1)!.volume, 2 + 4 + 8);

    // Another drop before any newer trade: the bar held trades up to trade 3, not trade 1.
    done = dropAndReturn(f);
    await history.answerNext(t[4]!.timestamp, () => f.ingest([t[5]!]));
    await done;
    // Trade 6, the first read after the drop, was buffered: the read is checked against REST before its bar is whole.
    assert.equal(f.snapshot('1m')!.at(-1)!.partial, true, 'held partial while the first read after the drop is checked');
    await history.answerNext(t[5]!.timestamp);
    await settleUntil(() => !f.catchingUp('1m'));
    assert.equal(history.pending, 0, 'nothing missed: no backfill');
    const bar = f.snapshot('1m')!.at(-1)!;
    assert.equal(bar.volume, 2 + 4 + 8 + 16 + 32 + 64, `every trade once (a volume of ${bar.volume})`);
    assert.equal(bar.partial, undefined, 'nothing held was lost, so nothing is partial');
  });

  it('a drop during the first seed keeps the seed whole: the history before the gap is loaded', async () => {
    now = M + 10_000;
    const history = new ScriptedHistory();
    history.log.push(trade(1, M - 3 * MINUTE), trade(2, M - 2 * MINUTE), trade(3, M - MINUTE + 500));
    const f = factory(history);
    f.onStreamState(live);
    const done = nextEvent(f, backfillDone);
    f.addTimeframe('1m', 10);
    const t4 = trade(4, M + 1000);
    history.log.push(t4);
    await history.answerNext(M, () => {
      f.ingest([t4]);
      f.onStreamState(reconnecting);
      f.onStreamState(live);
    });
    await history.answerNext(t4.timestamp);
    await done;
    const bars = f.snapshot('1m')!.filter((b) => b.volume > 0);
    assert.deepEqual(
      bars.map((b) => [b.time, b.volume]),
      [
        [M - 3 * MINUTE, 2],
        [M - 2 * MINUTE, 4],
        [M - MINUTE, 8],
        [M, 16],
      ],
    );
  });

  it('a held bar whose kline stays short settles to the exchange\'s bar after the last try, not partial for ever', async () => {
    now = M + 10_000;
    const history = new ScriptedHistory();
    const f = factory(history);
    const [t1, t2, t3] = [trade(1, M + 1000), trade(2, M + 2000), trade(3, M + MINUTE + 5000)];
    await seedLive(history, f, [t1!, t2!]);

    // A drop into the next minute; the exchange's kline of the first minute holds trade 1 only, and never catches up.
    history.klineHorizon = t1!.timestamp;
    now = M + MINUTE + 10_000;
    history.log.push(t3!);
    const settled = nextEvent(f, (e) => e.type === 'deltas' && e.deltas.some((d) => d.candle.time === M && !d.candle.partial));
    const done = dropAndReturn(f);
    await history.answerNext(t3!.timestamp, () => f.ingest([t3!]));
    await done;
    assert.equal(f.snapshot('1m')!.find((b) => b.time === M)?.partial, true, 'kept, partial, while the kline lags');
    await settled;
    const bar = f.snapshot('1m')!.find((b) => b.time === M)!;
    assert.deepEqual([bar.volume, bar.partial], [2, undefined], "the exchange's bar, closed");
    const settleTries = history.klineRequests.filter(([from, until]) => from === M && until === M + MINUTE).length - 1; // the gap's own request
    assert.equal(settleTries, 3, 'as many tries as repairMaxAttempts');
  });

  it('a seed that ends before the stream\'s first data checks it against REST, and backfills the trades the stream never sent', async () => {
    now = M + 10_000;
    const history = new ScriptedHistory();
    const f = factory(history);
    const [t1, t2, t3] = [trade(1, M + 1000), trade(2, M + 2000), trade(3, M + 3000)];
    history.log.push(t1!);
    let done = nextEvent(f, backfillDone);
    f.addTimeframe('1m', 10);
    await history.answerNext(t1!.timestamp);
    await done;
    // Trade 2 happened before the subscription took effect on the server: the stream starts with trade 3.
    history.log.push(t2!, t3!);
    done = nextEvent(f, backfillDone);
    f.onStreamState(live);
    f.ingest([t3!]);
    assert.equal(f.snapshot('1m')!.at(-1)!.volume, 2 + 8, 'live at once, with the hole');
    await history.answerNext(t3!.timestamp); // the check finds trade 2 missing
    await history.answerNext(t3!.timestamp); // the backfill
    await done;
    assert.deepEqual(f.snapshot('1m')!.map((b) => [b.time, b.volume, b.partial]), [[M, 2 + 4 + 8, undefined]]);
  });

  it("a seed whose REST trades do not reach back to the seam, ended before the stream's first data, is checked against REST too: a trade the stream never sent is backfilled (property seed 7)", async () => {
    now = M + 10_000;
    const history = new ScriptedHistory();
    const f = factory(history);
    const [t1, t2, t3] = [trade(1, M + 1000), trade(2, M + MINUTE + 1000), trade(3, M + MINUTE + 20_000)];
    history.log.push(t1!);
    let done = nextEvent(f, backfillDone);
    f.addTimeframe('1m', 10);
    await history.answerNext(t1!.timestamp, undefined, 0); // none of the trades since the seam minute: the weaker seam
    await done;
    // Trade 2 happened in the next minute, before the stream's subscription took effect: the stream starts with trade 3.
    now = M + MINUTE + 30_000;
    history.log.push(t2!, t3!);
    done = nextEvent(f, backfillDone);
    f.onStreamState(live);
    f.ingest([t3!]);
    await history.answerNext(t3!.timestamp); // the check finds trade 2 missing
    await history.answerNext(t3!.timestamp); // the backfill
    await done;
    const bar = f.snapshot('1m')!.find((b) => b.time === M + MINUTE)!;
    assert.deepEqual([bar.volume, bar.partial], [4 + 8, undefined]);
  });

  it("a stream first live after the seed's REST trades were asked, before they answered: the seam is checked against REST, and a trade in neither is backfilled (property seed 7)", async () => {
    now = M + 10_000;
    const history = new ScriptedHistory();
    const f = factory(history);
    const [t1, t2, t3] = [trade(1, M + 1000), trade(2, M + 12_000), trade(3, M + 20_000)];
    history.log.push(t1!, t2!, t3!);
    let done = nextEvent(f, backfillDone);
    f.addTimeframe('1m', 10);
    // Asked at M + 10 s: REST's answer ends with trade 1. The subscription takes effect after trade 2.
    await history.answerNext(t1!.timestamp, () => f.onStreamState(live));
    await done;
    done = nextEvent(f, backfillDone);
    now = M + 21_000;
    f.ingest([t3!]);
    await history.answerNext(t3!.timestamp); // the check finds trade 2 missing
    await history.answerNext(t3!.timestamp); // the backfill
    await done;
    assert.deepEqual(f.snapshot('1m')!.map((b) => [b.time, b.volume, b.partial]), [[M, 2 + 4 + 8, undefined]]);
  });

  it("a stream first live, with trades, after the seed's REST trades were asked: the seam is checked against REST, and a trade in neither is backfilled (property seed 1)", async () => {
    now = M + 10_000;
    const history = new ScriptedHistory();
    const f = factory(history);
    const [t1, t2, t3] = [trade(1, M + 1000), trade(2, M + 12_000), trade(3, M + 20_000)];
    history.log.push(t1!, t2!, t3!);
    let done = nextEvent(f, backfillDone);
    f.addTimeframe('1m', 10);
    // Asked at M + 10 s: REST's answer ends with trade 1. The stream starts after trade 2, with trade 3, before it answers.
    now = M + 21_000;
    await history.answerNext(t1!.timestamp, () => {
      f.onStreamState(live);
      f.ingest([t3!]);
    });
    await done;
    done = nextEvent(f, backfillDone);
    await history.answerNext(t3!.timestamp); // the check finds trade 2 missing
    await history.answerNext(t3!.timestamp); // the backfill
    await done;
    assert.deepEqual(f.snapshot('1m')!.map((b) => [b.time, b.volume, b.partial]), [[M, 2 + 4 + 8, undefined]]);
  });

  it('a seed whose REST trades do not reach back to the seam, answered minutes after the seam minute, seeds again: the minutes since are not lost (property seed 61)', async () => {
    now = M + 10_000;
    const history = new ScriptedHistory();
    const f = factory(history);
    const [t1, t2, t3, t4] = [trade(1, M + 1000), trade(2, M + MINUTE + 5000), trade(3, M + 2 * MINUTE + 10_000), trade(4, M + 2 * MINUTE + 40_000)];
    history.log.push(t1!);
    const done = nextEvent(f, backfillDone);
    f.addTimeframe('1m', 10);
    await settle(); // REST trades asked at M + 10 s
    now = M + 2 * MINUTE + 20_000; // REST answers late (rate limited), with only its newest trade
    history.log.push(t2!, t3!);
    await history.answerNext(t3!.timestamp, undefined, 1);
    await settle();
    if (history.pending > 0) await history.answerNext(t3!.timestamp); // seeded again
    await done;
    f.onStreamState(live);
    const checked = history.answerNext(t4!.timestamp); // the stream's first trade checked against REST
    f.ingest([t4!]);
    await checked;
    await settle();
    assert.deepEqual(f.snapshot('1m')!.map((b) => [b.time, b.volume, b.partial]), [[M, 2, undefined], [M + MINUTE, 4, undefined], [M + 2 * MINUTE, 8 + 16, undefined]]);
  });

  it("the seam's check against REST answered with only the newest trades (not back to the seam) backfills from the seam, as one that failed (property seed 177)", async () => {
    now = M + 10_000;
    const history = new ScriptedHistory();
    const f = factory(history);
    const [t1, t2, t3] = [trade(1, M + 1000), trade(2, M + 12_000), trade(3, M + 20_000)];
    history.log.push(t1!);
    const done = nextEvent(f, backfillDone);
    f.addTimeframe('1m', 10);
    await history.answerNext(t1!.timestamp);
    await done;
    history.log.push(t2!, t3!);
    now = M + 21_000;
    f.onStreamState(live);
    const checked = history.answerNext(t3!.timestamp, undefined, 1); // only trade 3: trade 2 cannot be seen missing
    f.ingest([t3!]);
    await checked;
    await settle();
    if (history.pending > 0) await history.answerNext(t3!.timestamp); // the backfill from the seam
    await settle();
    assert.deepEqual(f.snapshot('1m')!.map((b) => [b.time, b.volume, b.partial]), [[M, 2 + 4 + 8, undefined]]);
  });

  it("the seam's check against REST answered cut short (its page budget ran out) backfills from the seam, as one that failed (property seed 1660)", async () => {
    now = M + 10_000;
    const history = new ScriptedHistory();
    const f = factory(history);
    const [t1, t2, t3] = [trade(1, M + 1000), trade(2, M + 12_000), trade(3, M + 20_000)];
    history.log.push(t1!);
    const done = nextEvent(f, backfillDone);
    f.addTimeframe('1m', 10);
    await history.answerNext(t1!.timestamp);
    await done;
    history.log.push(t2!, t3!);
    now = M + 21_000;
    f.onStreamState(live);
    const checked = history.answerNextTruncated(t3!.timestamp, 0); // none of them: trade 2 cannot be seen missing
    f.ingest([t3!]);
    await checked;
    await settle();
    if (history.pending > 0) await history.answerNext(t3!.timestamp); // the backfill from the seam
    await settle();
    assert.deepEqual(f.snapshot('1m')!.map((b) => [b.time, b.volume, b.partial]), [[M, 2 + 4 + 8, undefined]]);
  });

  it('a drop after the weaker seam, before any streamed trade, backfills from the seam minute, not from the drop (property seed 1826)', async () => {
    now = M + 10_000;
    const history = new ScriptedHistory();
    const f = factory(history);
    const [t1, t2] = [trade(1, M + 1000), trade(2, M + MINUTE + 5000)];
    history.log.push(t1!);
    f.onStreamState(live); // live, and quiet so far
    let done = nextEvent(f, backfillDone);
    f.addTimeframe('1m', 10);
    await history.answerNext(t1!.timestamp, undefined, 0); // the weaker seam: REST trades do not reach back
    await done;
    // Trade 2 was on its way when the socket dropped; the stream is back a minute later.
    history.log.push(t2!);
    now = M + 2 * MINUTE + 30_000;
    done = nextEvent(f, backfillDone);
    f.onStreamState(reconnecting);
    f.onStreamState(live);
    await history.answerNext(t2!.timestamp);
    await done;
    assert.deepEqual(f.snapshot('1m')!.filter((b) => b.volume > 0).map((b) => [b.time, b.volume]), [[M, 2], [M + MINUTE, 4]]);
  });

  it('a backfill whose first streamed batch is out of time order counts each trade once', async () => {
    now = M + 10_000;
    const history = new ScriptedHistory();
    const f = factory(history);
    const [t1, t2, t3] = [trade(1, M + 1000), trade(2, M + 2000), trade(3, M + 3000)];
    await seedLive(history, f, [t1!]);
    const done = dropAndReturn(f);
    history.log.push(t2!, t3!);
    await history.answerNext(t3!.timestamp, () => f.ingest([t3!, t2!])); // REST holds trade 2 as well
    await done;
    assert.equal(f.snapshot('1m')!.at(-1)!.volume, 2 + 4 + 8);
  });
  it('a trade the stream pushes late, in a batch after the seam, is counted once: REST had it', async () => {
    now = M + 10_000;
    const history = new ScriptedHistory();
    const f = factory(history);
    const [t1, t2, t3, t4] = [trade(1, M + 1000), trade(2, M + 2000), trade(3, M + 3000), trade(4, M + 4000)];
    await seedLive(history, f, [t1!]);
    const done = dropAndReturn(f);
    history.log.push(t2!, t3!);
    await history.answerNext(t3!.timestamp, () => f.ingest([t3!])); // REST holds trade 2, the stream has not sent it yet
    await done;
    f.ingest([t2!, t4!]);
    assert.equal(f.snapshot('1m')!.at(-1)!.volume, 2 + 4 + 8 + 16);
  });

  it('after a seed the stream had not started for, a REST trade pushed late is counted once, and one REST never had is kept', async () => {
    now = M + 10_000;
    const history = new ScriptedHistory();
    const f = factory(history);
    const done = nextEvent(f, backfillDone);
    f.addTimeframe('1m', 10);
    const [t1, t2, t3, t4] = [trade(1, M + 1000), trade(2, M + 2000), trade(3, M + 3000), trade(4, M + 2500)];
    history.log.push(t1!, t2!);
    await history.answerNext(t2!.timestamp);
    await done;
    f.onStreamState(live);
    const checked = history.answerNext(t3!.timestamp); // the first-trade seam check: nothing missed
    f.ingest([t3!]);
    await checked;
    f.ingest([t2!, t4!]); // trade 2 again (REST had it), trade 4 late but never in REST's answer
    assert.equal(f.snapshot('1m')!.at(-1)!.volume, 2 + 4 + 8 + 16);
  });

  // The stream lags REST (Coinbase pushes its matches in 250 ms batches): a seed's REST answer can hold trades the
  // stream has not pushed yet. Only the timeframes that seed installed hold them; a timeframe already live must still
  // count the stream's copies.
  it("a timeframe added while another is live: the live one still counts the trades the new one's seam took from REST", async () => {
    now = M + 10_000;
    const history = new ScriptedHistory();
    const f = factory(history);
    const [t1, t2, t3, t4] = [trade(1, M + 1000), trade(2, M + 2000), trade(3, M + 3000), trade(4, M + 4000)];
    await seedLive(history, f, [t1!]);
    history.log.push(t2!, t3!);
    const done = nextEvent(f, backfillDone);
    f.addTimeframe('5m', 10);
    await history.answerNext(t3!.timestamp); // REST holds trades 2 and 3; the stream has not pushed them yet
    await done;
    f.ingest([t2!, t3!, t4!]);
    assert.equal(f.snapshot('1m')!.at(-1)!.volume, 2 + 4 + 8 + 16, '1m: every trade once');
    assert.equal(f.snapshot('5m')!.at(-1)!.volume, 2 + 4 + 8 + 16, '5m: every trade once');
  });

  it('timeframes reseeded apart (their retries fell apart) each count every trade once', async () => {
    now = M + 10_000;
    const history = new ScriptedHistory();
    const f = factory(history);
    const [t1, t2, t3, t4, t5, t6] = [1, 2, 3, 4, 5, 6].map((n) => trade(n, M + n * 1000));
    await seedLive(history, f, [t1!]);
    let done = nextEvent(f, backfillDone);
    f.addTimeframe('5m', 10);
    history.log.push(t2!);
    await history.answerNext(t2!.timestamp, () => f.ingest([t2!]));
    await done;
    // 1m, then 5m, each take REST trades ahead of the stream in a seam of its own.
    history.log.push(t3!, t4!);
    done = nextEvent(f, (e) => backfillDone(e) && e.timeframe === '1m');
    f.removeTimeframe('1m');
    f.addTimeframe('1m', 10);
    await history.answerNext(t3!.timestamp);
    await done;
    history.log.push(t5!);
    done = nextEvent(f, (e) => backfillDone(e) && e.timeframe === '5m');
    f.removeTimeframe('5m');
    f.addTimeframe('5m', 10);
    await history.answerNext(t4!.timestamp);
    await done;
    f.ingest([t3!, t4!, t5!, t6!]);
    assert.equal(f.snapshot('1m')!.at(-1)!.volume, 2 + 4 + 8 + 16 + 32 + 64, '1m: every trade once');
    assert.equal(f.snapshot('5m')!.at(-1)!.volume, 2 + 4 + 8 + 16 + 32 + 64, '5m: every trade once');
  });

  it("a failed backfill keeps the trades streamed meanwhile, without the copies of REST trades its last seam took", async () => {
    now = M + 10_000;
    const history = new ScriptedHistory();
    const f = factory(history);
    const [t1, t2, t3, t4] = [trade(1, M + 1000), trade(2, M + 2000), trade(3, M + 3000), trade(4, M + 4000)];
    await seedLive(history, f, [t1!]);
    history.log.push(t2!, t3!);
    let done = dropAndReturn(f);
    await history.answerNext(t3!.timestamp); // REST holds trades 2 and 3; the stream has not pushed them yet
    await done;
    history.log.push(t4!);
    f.onStreamState(reconnecting);
    const failed = nextEvent(f, (e) => e.type === 'backfill' && e.outcome === 'failed');
    f.onStreamState(live);
    await history.failNext(() => f.ingest([t2!, t3!, t4!]));
    await failed;
    assert.equal(f.snapshot('1m')!.at(-1)!.volume, 2 + 4 + 8 + 16, 'every trade once while the backfill waits for its retry');
    done = nextEvent(f, backfillDone);
    await history.answerNext(t4!.timestamp);
    await done;
    assert.equal(f.snapshot('1m')!.at(-1)!.volume, 2 + 4 + 8 + 16, 'every trade once after the retry');
  });

  // The seam of a seed at M: the bars before M are the exchange's klines. A streamed trade older than M that arrives
  // after the seed (a burst's last message read after its fill, a trade published late) may or may not be in them.
  it('a streamed trade from before the seam that the klines already held is counted once (the bars go back to REST)', async () => {
    now = M + 10_000;
    const history = new ScriptedHistory();
    const f = factory(history);
    const [t1, t2] = [trade(1, M - 5000), trade(2, M - 2000)];
    history.log.push(t1!, t2!);
    await seedLive(history, f, []);
    assert.equal(f.snapshot('1m')!.find((b) => b.time === M - MINUTE)?.volume, 2 + 4, 'the kline');
    const done = nextEvent(f, backfillDone);
    f.ingest([t2!]);
    await history.answerNext(now);
    await done;
    const bar = f.snapshot('1m')!.find((b) => b.time === M - MINUTE)!;
    assert.deepEqual([bar.volume, bar.partial], [2 + 4, undefined], `trade 2 once (a volume of ${bar.volume})`);
  });

  it('a streamed trade from before the seam that the klines did not hold yet is counted once', async () => {
    now = M + 10_000;
    const history = new ScriptedHistory();
    const f = factory(history);
    const [t1, t2, t3] = [trade(1, M - 5000), trade(2, M - 2000), trade(3, M + 1000)];
    history.log.push(t1!);
    await seedLive(history, f, []);
    history.log.push(t2!, t3!); // the exchange published trade 2 after the seed asked for its klines
    const done = nextEvent(f, backfillDone);
    f.ingest([t2!, t3!]);
    await history.answerNext(now);
    await done;
    assert.deepEqual(
      f.snapshot('1m')!.filter((b) => b.time >= M - MINUTE).map((b) => [b.time, b.volume, b.partial]),
      [
        [M - MINUTE, 2 + 4, undefined],
        [M, 8, undefined],
      ],
    );
  });

  it("the exchange's clock 90 s ahead of ours: a reconnect's seam is a minute of its clock, so REST trades that reach back to it fill the bars (chaos seed 128, Bybit)", async () => {
    const AHEAD = 90_000;
    // The history layer measures the exchange's clock from its answers: ours plus 90 s.
    const history = Object.assign(new ScriptedHistory(), { exchangeAheadOf: () => Promise.resolve(AHEAD) });
    now = M + MINUTE + 10_000 - AHEAD;
    const f = factory(history);
    const [t1, t2, t3, t4] = [trade(1, M + MINUTE + 5000), trade(2, M + MINUTE + 40_000), trade(3, M + 2 * MINUTE + 5000), trade(4, M + 2 * MINUTE + 20_000)];
    await seedLive(history, f, [t1]);
    history.log.push(t2);
    f.ingest([t2]);
    // A drop while the exchange trades into its next minute; back at its M+2:25 (our M+0:55), the stream's first trade
    // at M+2:20, REST's recent trades (Bybit's) reaching back to that minute but not to ours.
    history.log.push(t3, t4);
    now = M + 2 * MINUTE + 25_000 - AHEAD;
    const done = dropAndReturn(f);
    await history.answerNext(t4.timestamp, () => f.ingest([t4]), 2);
    await done;
    // The stream's first read after the drop is checked against REST: it holds every trade, so nothing more is asked.
    await history.answerNext(t4.timestamp);
    await settleUntil(() => !f.catchingUp('1m'));
    assert.equal(history.pending, 0, 'nothing missed: no backfill');
    const bars = f.snapshot('1m')!.filter((b) => b.volume > 0);
    assert.deepEqual(
      bars.map((b) => [b.time, b.volume, b.partial ?? false]),
      [
        [M + MINUTE, 2 + 4, false],
        [M + 2 * MINUTE, 8 + 16, false],
      ],
      `every trade once, nothing partial (our clock's seam lost trade 3 and kept the minute before it partial): ${JSON.stringify(bars)}`,
    );
  });
});
