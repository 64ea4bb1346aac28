// The factory's weaker seam (REST trades that do not reach the seam minute) when the stream drops before pushing anything.
import * as assert from 'node:assert/strict';
import { CandleFactory, type FactoryHistory } from '../../src/core/candles/candleFactory';
import type { Trade } from '../../src/core/types';
import { silentLogger } from '../../src/core/util/log';
import { referenceCandles } from '../helpers/referenceCandles';
import { SimFactoryHistory } from '../helpers/simFactoryHistory';
import { settleUntil, type RestCut } from '../helpers/simTradeRest';
import { backfillDone, nextEvent } from '../helpers/factoryEvents';
import { SCRIPT_START as M, MINUTE, scriptCaps, liveSince, reconnecting, powerTrade as trade } from '../helpers/factoryScript';

const CAPS = scriptCaps(['1m']);
const live = liveSince(M);

/** Klines answered at once from the log; REST trades answered when the test says (SimTradeRest). */
class Exchange extends SimFactoryHistory {
  constructor() {
    super(CAPS);
  }

  /** Waits for the factory's next REST trades request (each wait is an event turn: settle) and answers it. */
  async answerNext(cut: RestCut, keep = 0): Promise<void> {
    await settleUntil(() => this.rest.pending > 0);
    assert.equal(this.rest.pending, 1, 'the factory asked for REST trades');
    this.rest.answer(cut, keep);
  }
}

/** Every minute in [from, until) the log has trades in is held whole, or flagged partial (known not whole): never missing or flat. */
function assertWholeOrPartial(f: CandleFactory, log: readonly Trade[], from: number, until: number): void {
  const held = new Map(f.snapshot('1m')!.map((c) => [c.time, c]));
  for (const want of referenceCandles(log, '1m').filter((c) => c.time >= from && c.time < until)) {
    const bar = held.get(want.time);
    const at = new Date(want.time).toISOString();
    assert.ok(bar, `the ${at} bar is held`);
    if (bar.partial) continue;
    const { time, open, high, low, close, volume } = bar;
    assert.deepEqual({ time, open, high, low, close, volume }, want, `the ${at} bar`);
  }
}

describe('CandleFactory: the weaker seam, then a drop before the stream pushed anything', () => {
  let now = M;
  const made: CandleFactory[] = [];
  const factory = (history: FactoryHistory): CandleFactory => {
    const f = new CandleFactory({ exchange: 'coinbase', symbol: 'ETH/USD' }, { history, clock: { now: () => now }, log: silentLogger, maxBars: 100, tickMs: 60_000, persistEveryMs: 60_000, repairBackoff: { baseMs: 1, maxMs: 1, factor: 1, jitter: 0 }, repairMaxAttempts: 3 });
    made.push(f);
    return f;
  };
  afterEach(() => made.splice(0).forEach((f) => f.dispose()));

  for (const cut of ['newest', 'truncated'] as const) {
    it(`the minutes the silent stream lost are backfilled from the seam, not closed flat (REST trades answered: ${cut})`, async () => {
      const ex = new Exchange();
      ex.log.push(trade(1, M - 2 * MINUTE), trade(2, M - MINUTE), trade(3, M + 5_000), trade(4, M + 20_000));
      now = M + 49_000;
      const f = factory(ex);
      f.onStreamState(live);
      let done = nextEvent(f, backfillDone);
      f.addTimeframe('1m', 10);
      // 'newest 0': none reaches the seam minute; 'truncated 1': the page budget ran out after the first.
      await ex.answerNext(cut, cut === 'newest' ? 0 : 1);
      await done;
      assert.equal(f.snapshot('1m')!.at(-1)!.partial, true, 'the seam bar is partial (the weaker seam)');

      // Live but silent for minutes (nothing pushed), then dropped: what happened meanwhile never comes on the stream.
      ex.log.push(trade(5, M + MINUTE + 10_000), trade(6, M + 2 * MINUTE + 10_000), trade(7, M + 3 * MINUTE + 10_000), trade(8, M + 4 * MINUTE + 10_000));
      now = M + 4 * MINUTE + 26_000;
      f.onStreamState(reconnecting);
      done = nextEvent(f, backfillDone);
      f.onStreamState(live);
      await ex.answerNext('whole');
      await done;

      assertWholeOrPartial(f, ex.log, M, M + 4 * MINUTE);
    });
  }

  it("a drop after the weaker seam: its kline's trades count as held, so the gap's rebuild covers them (not kept partial, nor counted twice)", async () => {
    const ex = new Exchange();
    ex.log.push(trade(1, M - 2 * MINUTE), trade(2, M + 5_000), trade(3, M + 20_000));
    now = M + 30_000;
    const f = factory(ex);
    f.onStreamState(live);
    let done = nextEvent(f, backfillDone);
    f.addTimeframe('1m', 10);
    await ex.answerNext('newest', 0); // the weaker seam: minute M is its in-progress kline (trades 2 and 3)
    await done;
    assert.equal(f.snapshot('1m')!.at(-1)!.partial, true, 'the seam bar is partial (the weaker seam)');

    // Dropped before the stream pushed anything; a trade meanwhile; back within the minute, REST answers whole.
    f.onStreamState(reconnecting);
    ex.log.push(trade(4, M + 40_000));
    now = M + 50_000;
    done = nextEvent(f, backfillDone);
    f.onStreamState(live);
    await ex.answerNext('whole');
    await done;
    const bar = f.snapshot('1m')!.find((c) => c.time === M)!;
    assert.deepEqual([bar.volume, bar.partial], [4 + 8 + 16, undefined], 'minute M holds trades 2, 3 and 4 once each, whole');
  });

  it('a drop while the first seed waits, REST answering cut short after the seam minute ended: seeded again, nothing after the seam minute lost', async () => {
    const ex = new Exchange();
    ex.log.push(trade(1, M - 2 * MINUTE), trade(2, M - MINUTE), trade(3, M + 5_000), trade(4, M + 20_000));
    now = M + 12_000;
    const f = factory(ex);
    f.onStreamState(live);
    let done = nextEvent(f, backfillDone);
    f.addTimeframe('1m', 10); // its seam minute is M
    await settleUntil(() => ex.rest.pending > 0);
    ex.log.push(trade(5, M + MINUTE + 10_000), trade(6, M + 2 * MINUTE + 10_000));
    now = M + 2 * MINUTE + 30_000;
    f.onStreamState(reconnecting); // nothing streamed: the gap is dated now
    ex.log.push(trade(7, M + 3 * MINUTE + 10_000), trade(8, M + 4 * MINUTE + 10_000));
    now = M + 4 * MINUTE + 19_000;
    await ex.answerNext('truncated', 1); // the page budget ran out: a weaker seam at M would lack the minutes since
    await ex.answerNext('whole'); // seeded again, at the minute now
    await done;
    done = nextEvent(f, backfillDone);
    f.onStreamState(live);
    await ex.answerNext('whole');
    await done;
    assertWholeOrPartial(f, ex.log, M, M + 4 * MINUTE);
  });

  it('a stream first live during the seed, after the weaker seam\'s minute ended: seeded again at its minute, nothing between lost', async () => {
    const ex = new Exchange();
    ex.log.push(trade(1, M - 2 * MINUTE), trade(2, M - MINUTE), trade(3, M + 5_000));
    now = M + 9_000;
    const f = factory(ex);
    let done = nextEvent(f, backfillDone);
    f.addTimeframe('1m', 10); // its seam minute is M; the stream is not live yet
    await settleUntil(() => ex.rest.pending > 0);
    ex.log.push(trade(4, M + MINUTE + 10_000), trade(5, M + MINUTE + 49_000));
    now = M + MINUTE + 50_000;
    f.onStreamState(live);
    f.ingest([ex.log[4]!]); // its first trade: the one at M+1m+10s happened before the subscription took effect
    await ex.answerNext('truncated', 0);
    // Seeded again at the stream's minute: REST trades from M+1m answer whole.
    await ex.answerNext('whole');
    await done;
    now = M + 2 * MINUTE + 10_000;
    ex.log.push(trade(6, now));
    f.ingest([ex.log[5]!]);
    assertWholeOrPartial(f, ex.log, M + MINUTE, M + 2 * MINUTE);
    assert.equal(f.snapshot('1m')!.find((c) => c.time === M + MINUTE)?.volume, 16 + 32, 'the M+1m bar holds both its trades');
  });
});
