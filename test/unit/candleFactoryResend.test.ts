// The factory when the stream sends trades again that its bars already hold: a reconnect's snapshot (Coinbase's
// market_trades resends its recent trades), and a copy of a seam's REST trade that comes late.
import * as assert from 'node:assert/strict';
import { CandleFactory, type FactoryHistory } from '../../src/core/candles/candleFactory';
import type { Candle, Trade } from '../../src/core/types';
import { silentLogger } from '../../src/core/util/log';
import { referenceCandles } from '../helpers/referenceCandles';
import { SimFactoryHistory } from '../helpers/simFactoryHistory';
import { settleUntil } from '../helpers/simTradeRest';
import { backfillDone, nextEvent } from '../helpers/factoryEvents';
import { SCRIPT_START as M, MINUTE, scriptCaps, liveSince, reconnecting, powerTrade as trade } from '../helpers/factoryScript';

const CAPS = scriptCaps(['1m', '5m']);
const live = liveSince(M);

/** Waits for the factory's next REST trades request (each wait is an event turn: settle) and answers it whole. */
async function answerRest(ex: SimFactoryHistory): Promise<void> {
  await settleUntil(() => ex.rest.pending > 0);
  assert.equal(ex.rest.pending, 1, 'the factory asked for REST trades');
  ex.rest.answer('whole');
}

const values = ({ time, open, high, low, close, volume }: Candle): Candle => ({ time, open, high, low, close, volume });

/** Every bar of `tf` in [from, until) equals the log's, whole (not partial). */
function assertWhole(f: CandleFactory, tf: '1m' | '5m', log: readonly Trade[], from: number, until: number): void {
  const held = new Map(f.snapshot(tf)!.map((c) => [c.time, c]));
  for (const want of referenceCandles(log, tf).filter((c) => c.time >= from && c.time < until)) {
    const at = new Date(want.time).toISOString();
    const bar = held.get(want.time);
    assert.ok(bar, `the ${tf} ${at} bar is held`);
    assert.deepEqual(values(bar), want, `the ${tf} ${at} bar`);
    assert.equal(bar.partial, undefined, `the ${tf} ${at} bar is whole`);
  }
}

describe('CandleFactory: trades the stream sends again', () => {
  let now = M;
  const made: CandleFactory[] = [];
  const factory = (history: FactoryHistory): CandleFactory => {
    const f = new CandleFactory({ exchange: 'coinbase', symbol: 'BTC/USD' }, { history, clock: { now: () => now }, log: silentLogger, maxBars: 100, tickMs: 60_000, persistEveryMs: 60_000, repairBackoff: { baseMs: 1, maxMs: 1, factor: 1, jitter: 0 }, repairMaxAttempts: 3 });
    made.push(f);
    return f;
  };
  afterEach(() => made.splice(0).forEach((f) => f.dispose()));

  /** Seeded live at M (no trade in M yet), REST answering whole. */
  async function seeded(ex: SimFactoryHistory, tf: '1m' | '5m'): Promise<CandleFactory> {
    ex.log.push(trade(1, M - 2 * MINUTE), trade(2, M - MINUTE));
    now = M + 1_000;
    const f = factory(ex);
    f.onStreamState(live);
    const done = nextEvent(f, backfillDone);
    f.addTimeframe(tf, 10);
    await answerRest(ex);
    await done;
    return f;
  }

  // Our client drops a resend's copies of trades the stream had pushed (RecentIds); the backfill counts each once anyway.
  it('a reconnect that resends trades from before the gap\'s bar: the bar they fall in counts each once', async () => {
    const ex = new SimFactoryHistory(CAPS);
    const f = await seeded(ex, '1m');
    ex.log.push(trade(3, M + 10_000), trade(4, M + 30_000), trade(5, M + MINUTE + 5_000), trade(6, M + MINUTE + 20_000));
    for (const t of ex.log.slice(2)) f.ingest([t]);
    now = M + MINUTE + 25_000;
    f.onStreamState(reconnecting); // the gap begins at trade 6, in the M+1m bar
    ex.log.push(trade(7, M + MINUTE + 40_000)); // missed while down
    now = M + MINUTE + 45_000;
    const done = nextEvent(f, backfillDone);
    f.onStreamState(live);
    // The snapshot resends from trade 3 (the M bar): the first before REST answers, the rest after.
    f.ingest([ex.log[2]!]);
    await answerRest(ex);
    await done;
    f.ingest(ex.log.slice(3, 7));
    now = M + 2 * MINUTE + 5_000;
    ex.log.push(trade(8, now));
    f.ingest([ex.log[7]!]);
    assertWhole(f, '1m', ex.log, M, M + 2 * MINUTE);
  });

  it('a reconnect that resends the seam\'s REST trades before the stream pushed them: whole at once, not taken for lagging klines', async () => {
    const ex = new SimFactoryHistory(CAPS);
    ex.log.push(trade(1, M - 2 * MINUTE), trade(2, M - MINUTE), trade(3, M + 5_000), trade(4, M + 10_000));
    now = M + 12_000;
    const f = factory(ex);
    f.onStreamState(live);
    let done = nextEvent(f, backfillDone);
    f.addTimeframe('5m', 10);
    await answerRest(ex); // REST is ahead of the stream: trades 3 and 4 are in the bars, not yet streamed
    await done;
    now = M + 15_000;
    f.onStreamState(reconnecting);
    ex.log.push(trade(5, M + 20_000));
    now = M + 25_000;
    done = nextEvent(f, backfillDone);
    f.onStreamState(live);
    f.ingest([ex.log[2]!]); // the snapshot resends trade 3, then the rest
    await answerRest(ex);
    await done;
    f.ingest(ex.log.slice(3, 5));
    now = M + 5 * MINUTE + 1_000;
    ex.log.push(trade(6, now));
    f.ingest([ex.log[5]!]);
    assertWhole(f, '5m', ex.log, M, M + 5 * MINUTE);
  });

  it('a copy of a REST trade the seam installed, pushed after newer trades: counted once; a distinct trade alike in all but its id is counted', async () => {
    const ex = new SimFactoryHistory(CAPS);
    ex.log.push(trade(1, M - 2 * MINUTE), trade(2, M - MINUTE), trade(3, M + 5_000));
    now = M + 6_000;
    const f = factory(ex);
    f.onStreamState(live);
    const done = nextEvent(f, backfillDone);
    f.addTimeframe('1m', 10);
    await answerRest(ex); // trade 3 came from REST
    await done;
    // A slow market: the next trade is 30 s later; the stream's copy of trade 3 comes a message late, after it.
    const twin: Trade = { ...ex.log[2]!, id: 'twin of 3' };
    ex.log.push(trade(4, M + 35_000), twin);
    f.ingest([ex.log[3]!]);
    f.ingest([ex.log[2]!]);
    f.ingest([twin]);
    now = M + MINUTE + 1_000;
    ex.log.push(trade(5, now));
    f.ingest([ex.log[5]!]);
    assert.equal(f.snapshot('1m')!.find((c) => c.time === M)?.volume, 2 ** 3 + 2 ** 4 + 2 ** 3, 'trade 3 once, its twin once, trade 4');
    assertWhole(f, '1m', ex.log, M, M + MINUTE);
  });

  // chartHistorySeams HISTORY_LAG=2 seed 28: the failed install applied the resent trade again to a closed bar the retry
  // (from the gap) never rebuilt, so it stayed wrong for good (and was cached as whole).
  it('a reconnect that resends trades from before the seam while its backfill fails: no bar counts them twice, before or after the retry', async () => {
    const ex = new SimFactoryHistory(CAPS);
    const f = await seeded(ex, '1m'); // trades 1 and 2 are in the M-2m and M-1m bars, from REST's klines
    ex.log.push(trade(3, M + 10_000));
    f.ingest([ex.log[2]!]);
    now = M + 20_000;
    f.onStreamState(reconnecting);
    ex.log.push(trade(4, M + 25_000)); // missed while down
    now = M + 30_000;
    const failed = nextEvent(f, (e) => e.type === 'backfill' && e.outcome === 'failed');
    f.onStreamState(live);
    f.ingest(ex.log.slice(0, 3)); // the snapshot resends trades 1 to 3 while the backfill runs
    await settleUntil(() => ex.rest.pending > 0);
    ex.rest.fail();
    await failed;
    const during = new Map(f.snapshot('1m')!.map((c) => [c.time, c]));
    assert.equal(during.get(M - 2 * MINUTE)?.volume, 2 ** 1, 'the M-2m bar counts trade 1 once while the retry waits');
    assert.equal(during.get(M - MINUTE)?.volume, 2 ** 2, 'the M-1m bar counts trade 2 once while the retry waits');
    const done = nextEvent(f, backfillDone);
    await answerRest(ex);
    await done;
    now = M + MINUTE + 5_000;
    ex.log.push(trade(5, now));
    f.ingest([ex.log[4]!]);
    assertWhole(f, '1m', ex.log, M - 2 * MINUTE, M + MINUTE);
  });

  it('a first seed failing while the stream resends a trade of a cached bar: the cached bar counts it once, before and after the retry, and is not cached wrong', async () => {
    const persisted: Candle[] = [];
    const ex = new (class extends SimFactoryHistory {
      override persist(_key?: unknown, bars: readonly Candle[] = []): Promise<void> {
        persisted.push(...bars);
        return Promise.resolve();
      }
    })(CAPS);
    ex.log.push(trade(1, M - 3 * MINUTE), trade(2, M - MINUTE + 30_000));
    const cached = referenceCandles(ex.log, '1m'); // closed bars from a session a minute ago, read from the disk cache
    ex.log.push(trade(3, M + 5_000));
    now = M + 10_000;
    const f = factory(ex);
    f.onStreamState(live);
    const failed = nextEvent(f, (e) => e.type === 'backfill' && e.outcome === 'failed');
    f.addTimeframe('1m', 10, cached);
    f.ingest([ex.log[1]!, ex.log[2]!]); // the subscription's snapshot: trade 2 again, then trade 3
    await settleUntil(() => ex.rest.pending > 0);
    ex.rest.fail();
    await failed;
    assert.equal(f.snapshot('1m')!.find((c) => c.time === M - MINUTE)?.volume, 2 ** 2, 'the cached M-1m bar counts trade 2 once while the retry waits');
    const done = nextEvent(f, backfillDone);
    await answerRest(ex);
    await done;
    now = M + MINUTE + 5_000;
    ex.log.push(trade(4, now));
    f.ingest([ex.log[3]!]);
    assertWhole(f, '1m', ex.log, M - 3 * MINUTE, M + MINUTE);
    f.dispose(); // persists what it holds
    const truth = new Map(referenceCandles(ex.log, '1m').map((c) => [c.time, c]));
    for (const bar of persisted) assert.deepEqual(values(bar), truth.get(bar.time), `the ${new Date(bar.time).toISOString()} bar written to the cache`);
  });
});
