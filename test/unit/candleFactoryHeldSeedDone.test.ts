// A seed that buffered the stream's first trades (the stream went live while it ran) holds the bars from REST's last
// trade partial until the first seam's check answers: its `done` and the check's catching up go out together, and a
// subscription shown degraded before (the first seed failed) must go to live and catching up, never to plain live
// for the moment between them (an alert rule would read armed on bars not whole).
import * as assert from 'node:assert/strict';
import { CandleFactory } from '../../src/core/candles/candleFactory';
import { CandleSubscriptionState } from '../../src/core/hub/candleSubscriptionState';
import type { StreamState } from '../../src/core/types';
import { silentLogger } from '../../src/core/util/log';
import type { ScheduleTimer } from '../../src/core/util/scheduleTimer';
import { SCRIPT_START as M, MINUTE, scriptCaps, liveSince, powerTrade as trade } from '../helpers/factoryScript';
import { SimFactoryHistory } from '../helpers/simFactoryHistory';
import { settleUntil } from '../helpers/simTradeRest';

const live = liveSince(M);
/** The quiet check's wait never runs here: the check is asked at once. */
const neverRun: ScheduleTimer = () => () => undefined;

describe('CandleFactory: the done of a seed the first seam\'s check holds', () => {
  let f: CandleFactory | undefined;
  afterEach(() => f?.dispose());

  async function waitFor(what: string, ready: () => boolean): Promise<void> {
    await settleUntil(() => ready());
    assert.ok(ready(), what);
  }

  it('a retried first seed held by the check: degraded, then live and catching up, never plain live between', async () => {
    const ex = new SimFactoryHistory(scriptCaps(['1m']));
    ex.log.push(trade(1, M - 2 * MINUTE), trade(2, M - MINUTE), trade(3, M + 5_000), trade(4, M + 20_000));
    let now = M + 30_000;
    f = new CandleFactory({ exchange: 'coinbase', symbol: 'ETH/USD' }, { history: ex, clock: { now: () => now }, log: silentLogger, maxBars: 100, tickMs: 60_000, persistEveryMs: 60_000, repairBackoff: { baseMs: 1, maxMs: 1, factor: 1, jitter: 0 }, repairMaxAttempts: 5, timers: neverRun });
    const named = new CandleSubscriptionState(() => M);
    const shown: StreamState[] = [];
    const show = (s: StreamState | undefined): void => {
      if (s) shown.push(s);
    };
    f.onEvent((e) => show(named.onFactory(e)));
    f.addTimeframe('1m', 10);

    // The first seed's REST trades fail before the stream is live: degraded, its retry on a 1 ms backoff.
    await waitFor('the seed asked for REST trades', () => ex.rest.pending === 1);
    ex.rest.fail();
    await waitFor('the first seed failed', () => shown.some((s) => s.status === 'degraded'));
    await waitFor('the retry asked for REST trades', () => ex.rest.pending === 1);
    ex.rest.answer('whole'); // REST's trades end at trade 4
    // The stream begins while the retry runs, and pushes trade 6 (buffered); trade 5 it never pushes.
    ex.log.push(trade(5, M + 40_000), trade(6, M + 50_000));
    now = M + 50_000;
    show(named.onStream(live));
    f.onStreamState(live);
    f.ingest([ex.log[5]!]);
    const before = shown.length;
    await waitFor('the retry asked REST to check the seam', () => ex.rest.pending === 1);

    assert.deepEqual(shown.slice(before), [{ ...live, catchingUp: true }], 'from degraded straight to live and catching up');
    assert.equal(f.catchingUp('1m'), true);
    assert.equal(f.snapshot('1m')!.find((c) => c.time === M)?.partial, true, 'the M bar held partial');

    ex.rest.answer('whole'); // the check: trade 5 missed, so a backfill from it
    await waitFor('the backfill asked for REST trades', () => ex.rest.pending === 1);
    ex.rest.answer('whole');
    await waitFor('caught up', () => !f!.catchingUp('1m'));
    assert.deepEqual(shown.at(-1), live, 'live once the backfill is done');
  });
});
