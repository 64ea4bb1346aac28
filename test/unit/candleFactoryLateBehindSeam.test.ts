// The factory when a rebuild behind the seam takes a trade late into a bucket before bars it already holds: the seam
// minute is then before those bars, and what they hold must not be lost (alertSeams ALERT_LATE seed 885).
import * as assert from 'node:assert/strict';
import { CandleFactory } from '../../src/core/candles/candleFactory';
import type { Candle } from '../../src/core/types';
import type { Logger } from '../../src/core/util/log';
import { referenceCandles } from '../helpers/referenceCandles';
import { SimFactoryHistory } from '../helpers/simFactoryHistory';
import { settle, settleUntil } from '../helpers/simTradeRest';
import { backfillDone, nextEvent } from '../helpers/factoryEvents';
import { SCRIPT_START as M, MINUTE, scriptCaps, liveSince, powerTrade as trade } from '../helpers/factoryScript';

const CAPS = scriptCaps(['1m', '5m']);
const live = liveSince(M);

const values = ({ time, open, high, low, close, volume }: Candle): Candle => ({ time, open, high, low, close, volume });

async function waitForRest(ex: SimFactoryHistory): Promise<void> {
  await settleUntil(() => ex.rest.pending > 0);
  assert.equal(ex.rest.pending, 1, 'the factory asked for REST trades');
}

describe('CandleFactory: a late trade while a rebuild behind the seam waits', () => {
  let now = M;
  const made: CandleFactory[] = [];
  const errors: string[] = [];
  const log: Logger = { debug: () => {}, info: () => {}, warn: () => {}, error: (m: string) => void errors.push(m) };
  afterEach(() => {
    made.splice(0).forEach((f) => f.dispose());
    errors.length = 0;
  });

  /**
   * Seeded at M, the stream holding M, M+1 and M+2; a trade from before the seam comes late (the bars are rebuilt from
   * its bucket, M-1, on), and another late into M before the rebuild's seam is found: the seam minute is M, before the
   * held bars of M+1 and M+2. REST does not reach back to it (the weaker seam).
   */
  async function rebuiltBehindSeam(ex: SimFactoryHistory): Promise<CandleFactory> {
    ex.log.push(trade(1, M - 2 * MINUTE), trade(2, M - MINUTE));
    now = M + 1_000;
    const f = new CandleFactory({ exchange: 'coinbase', symbol: 'BTC/USD' }, { history: ex, clock: { now: () => now }, log, maxBars: 100, tickMs: 60_000, persistEveryMs: 60_000, repairBackoff: { baseMs: 1, maxMs: 1, factor: 1, jitter: 0 }, repairMaxAttempts: 3 });
    made.push(f);
    f.onStreamState(live);
    const seeded = nextEvent(f, backfillDone);
    f.addTimeframe('1m', 10);
    await waitForRest(ex);
    ex.rest.answer('whole');
    await seeded;
    await settle(); // the seed's job ends

    // The stream holds the bars of M, M+1 and M+2 (its seam was M).
    const held = [trade(3, M + 10_000), trade(4, M + MINUTE + 10_000), trade(5, M + 2 * MINUTE + 10_000)];
    ex.log.push(...held);
    now = M + 3 * MINUTE + 1_000;
    f.ingest(held);
    const behind = trade(6, M - 20_000);
    const intoM = trade(7, M + 5_000);
    const after = trade(8, M + 3 * MINUTE + 5_000);
    ex.log.push(behind, intoM, after);
    const rebuilt = nextEvent(f, backfillDone);
    f.ingest([behind]);
    f.ingest([intoM, after]);
    await waitForRest(ex);
    ex.rest.answer('newest', 1);
    await rebuilt;
    return f;
  }

  it('keeps the bars held after the seam minute (the weaker seam), then settles them to the exchange\'s klines', async () => {
    const ex = new SimFactoryHistory(CAPS);
    const f = await rebuiltBehindSeam(ex);
    const bars = new Map(f.snapshot('1m')!.map((c) => [c.time, c]));
    for (const t of [M + MINUTE, M + 2 * MINUTE]) {
      const bar = bars.get(t);
      assert.ok(bar, `the ${new Date(t).toISOString()} bar is held`);
      assert.ok(bar.volume > 0, `the ${new Date(t).toISOString()} bar keeps its trades, not flat: ${JSON.stringify(bar)}`);
    }
    const times = f.snapshot('1m')!.map((c) => c.time);
    assert.deepEqual(times, [...new Set(times)].sort((a, b) => a - b), 'one bar per bucket, in order');

    // The next trade closes the unsettled buckets: the exchange's klines (whole here) replace them.
    const last = trade(9, M + 4 * MINUTE + 5_000);
    ex.log.push(last);
    now = M + 4 * MINUTE + 6_000;
    f.ingest([last]);
    await settleUntil(() => !(f.snapshot('1m')!.some((c) => c.partial)));
    const want = referenceCandles(ex.log, '1m');
    assert.deepEqual(f.snapshot('1m')!.map(values), want, 'every bar is the whole log\'s');
    assert.equal(f.snapshot('1m')!.some((c) => c.partial), false, 'none left partial');
    assert.deepEqual(errors, []);
  });

  it('a settle given a bar before its range names it in the log and keeps the bars held (no second bar of one time)', async () => {
    const ex = new SimFactoryHistory(CAPS);
    // Not what pageCandles gives (bars in the range asked, in order): a bug in the layers under the factory.
    const klines = ex.candlesBetween.bind(ex);
    ex.candlesBetween = async (market, tf, from, until) => [...(await klines(market, tf, from - MINUTE, from)), ...(await klines(market, tf, from, until))];
    const f = await rebuiltBehindSeam(ex); // its install settles at once: the bar of M+3 closed M+2
    await settleUntil(() => errors.length > 0);
    assert.equal(errors.length, 1, 'the settle names what went wrong');
    assert.match(errors[0]!, /1m: could not settle the partial bars from 2026-11-30T10:00:00\.000Z: (Error: )?1m bars replacing from 2026-11-30T10:00:00\.000Z: a bar of 2026-11-30T09:59:00\.000Z is before it/);
    const bars = f.snapshot('1m')!;
    const times = bars.map((c) => c.time);
    assert.deepEqual(times, [...new Set(times)].sort((a, b) => a - b), 'one bar per bucket, in order');
    const volumes = new Map(bars.map((c) => [c.time, c.volume]));
    assert.deepEqual([M, M + MINUTE, M + 2 * MINUTE].map((t) => volumes.get(t)), [2 ** 3 + 2 ** 7, 2 ** 4, 2 ** 5], 'the bars held are kept, partial still');
    assert.equal(bars.filter((c) => c.partial).length, 3);
  });
});
