// The bars the first seam's check holds partial (its seam hole), when a backfill's own hole opens meanwhile: releasing
// the one keeps the other, and every bar ends as the exchange's.
import * as assert from 'node:assert/strict';
import { CandleFactory, type FactoryEvent } from '../../src/core/candles/candleFactory';
import type { ExchangeCapabilities } from '../../src/core/exchange/capabilities';
import type { Candle, Trade } from '../../src/core/types';
import { silentLogger } from '../../src/core/util/log';
import { referenceCandles } from '../helpers/referenceCandles';
import { restAsked, SimFactoryHistory } from '../helpers/simFactoryHistory';
import { settle, settleUntil } from '../helpers/simTradeRest';
import { nextEvent } from '../helpers/factoryEvents';
import { SCRIPT_START as M, MINUTE, scriptCaps, liveSince, reconnecting, powerTrade as trade } from '../helpers/factoryScript';

const CAPS = scriptCaps(['1m']);
const live = liveSince(M);

/** The exchange, whose capabilities can fail (a job failing at once, before it asks REST for trades). */
class FlakyHistory extends SimFactoryHistory {
  capabilitiesFail = false;
  override capabilities(): Promise<ExchangeCapabilities> {
    return this.capabilitiesFail ? Promise.reject(new Error('HTTP 503 Service Unavailable')) : super.capabilities();
  }
}

const whole = ({ time, open, high, low, close, volume }: Candle): Candle => ({ time, open, high, low, close, volume });
const at = (ms: number): string => new Date(ms).toISOString();

describe('CandleFactory: seam holes and a backfill\'s own hole', () => {
  let now = M;
  let f: CandleFactory | undefined;
  afterEach(() => f?.dispose());

  /**
   * Seeded at M + 30 s before the stream is live (REST's last trade at M + 20 s), then first live at M + 2m + 15 s:
   * the check holds M to M + 2m partial. A drop, and the gap's backfill fails at once: its own hole, on M + 2m.
   */
  async function heldWithFailedBackfill(ex: FlakyHistory, retryMs: number, missed: readonly Trade[] = []): Promise<CandleFactory> {
    ex.log.push(trade(1, M - 2 * MINUTE), trade(2, M - MINUTE), trade(3, M + 5_000), trade(4, M + 20_000));
    now = M + 30_000;
    const factory = new CandleFactory({ exchange: 'coinbase', symbol: 'ETH/USD' }, { history: ex, clock: { now: () => now }, log: silentLogger, maxBars: 100, tickMs: 60_000, persistEveryMs: 60_000, repairBackoff: { baseMs: retryMs, maxMs: retryMs, factor: 1, jitter: 0 }, repairMaxAttempts: 3 });
    f = factory;
    factory.addTimeframe('1m', 10);
    await restAsked(ex);
    ex.rest.answer();
    await settleUntil(() => factory.isReady('1m'));
    ex.log.push(...missed, trade(5, M + 2 * MINUTE + 10_000)); // `missed`: before the stream's first trade, never pushed
    now = M + 2 * MINUTE + 15_000;
    factory.onStreamState(live);
    factory.ingest([ex.log.at(-1)!]);
    await restAsked(ex); // the seam's check, left waiting
    assert.equal(factory.snapshot('1m')!.find((c) => c.time === M)?.partial, true, 'the check holds the M bar partial');

    factory.onStreamState(reconnecting);
    ex.log.push(trade(6, M + 3 * MINUTE + 5_000)); // lost while down
    now = M + 3 * MINUTE + 20_000;
    ex.capabilitiesFail = true;
    const failed = nextEvent(factory, (e) => e.type === 'backfill' && e.outcome === 'failed');
    factory.onStreamState(live);
    await failed;
    ex.capabilitiesFail = false;
    return factory;
  }

  it('the check releasing its held bars keeps the failed backfill\'s hole: no bar invented across it, every bar the exchange\'s after the retry', async () => {
    const ex = new FlakyHistory(CAPS);
    // A retry far off: what the bars say between the release and the retry is what a chart shows meanwhile.
    const factory = await heldWithFailedBackfill(ex, 3_600_000);
    const events: FactoryEvent[] = [];
    factory.onEvent((e) => events.push(e));
    ex.rest.answer(); // the check: nothing between REST's last trade and the stream's first
    await settleUntil(() => events.some((e) => e.type === 'deltas'));
    let bars = new Map(factory.snapshot('1m')!.map((c) => [c.time, c]));
    assert.deepEqual(whole(bars.get(M)!), referenceCandles(ex.log, '1m').find((c) => c.time === M), 'the M bar is the exchange\'s');
    assert.equal(bars.get(M)!.partial, undefined, 'the M bar, released by the check, is whole');
    assert.equal(bars.get(M + 2 * MINUTE)?.partial, true, 'the M + 2m bar, in the failed backfill\'s hole, stays partial');

    // The stream's next trade comes before the retry: the hole is still open, so nothing is invented across it.
    ex.log.push(trade(7, M + 4 * MINUTE + 10_000));
    now = M + 4 * MINUTE + 15_000;
    factory.ingest([ex.log[6]!]);
    bars = new Map(factory.snapshot('1m')!.map((c) => [c.time, c]));
    assert.equal(bars.get(M + 3 * MINUTE), undefined, `no ${at(M + 3 * MINUTE)} bar invented across the hole (trade 6 was lost there)`);
    assert.equal(bars.get(M + 4 * MINUTE)?.partial, true, 'the bar after the hole is partial');

    // A reconnect brings the retry forward (its gap merged with the new one): everything is rebuilt.
    factory.onStreamState(reconnecting);
    const done = nextEvent(factory, (e) => e.type === 'backfill' && e.outcome === 'done');
    factory.onStreamState(live);
    await restAsked(ex);
    ex.rest.answer();
    await done;
    ex.log.push(trade(8, M + 5 * MINUTE + 10_000));
    now = M + 5 * MINUTE + 15_000;
    factory.ingest([ex.log[7]!]);
    const closed = factory.snapshot('1m')!.filter((c) => c.time >= M && c.time < M + 5 * MINUTE);
    assert.deepEqual(closed.filter((c) => c.partial).map((c) => at(c.time)), [], 'no closed bar left partial');
    assert.deepEqual(closed.filter((c) => c.volume > 0).map(whole), referenceCandles(ex.log, '1m').filter((c) => c.time >= M && c.time < M + 5 * MINUTE && c.volume > 0));
  });

  for (const check of ['finds a trade missing inside it', 'fails'] as const) {
    it(`a failed backfill inside the seam hole, then the check ${check}: the backfill covers the whole range, every bar the exchange's`, async () => {
      const ex = new FlakyHistory(CAPS);
      const factory = await heldWithFailedBackfill(ex, 3_600_000, [trade(9, M + MINUTE + 10_000)]);
      const done = nextEvent(factory, (e) => e.type === 'backfill' && e.outcome === 'done');
      if (check === 'fails') ex.rest.fail();
      else ex.rest.answer();
      await restAsked(ex); // the backfill the check starts, merged with the failed one's retry
      ex.rest.answer();
      await done;
      ex.log.push(trade(8, M + 5 * MINUTE + 10_000));
      now = M + 5 * MINUTE + 15_000;
      factory.ingest([ex.log.at(-1)!]);
      const closed = factory.snapshot('1m')!.filter((c) => c.time >= M && c.time < M + 5 * MINUTE);
      assert.deepEqual(closed.filter((c) => c.partial).map((c) => at(c.time)), [], 'no closed bar left partial');
      assert.deepEqual(closed.filter((c) => c.volume > 0).map(whole), referenceCandles([...ex.log].sort((a, b) => a.timestamp - b.timestamp), '1m').filter((c) => c.time >= M && c.time < M + 5 * MINUTE && c.volume > 0));
      assert.equal(ex.rest.pending, 0, 'nothing more asked');
    });
  }

  // A rebuild behind the seam that fails: its hole begins at the late trade, inside the bars the check holds. Released
  // by the check (which asks only after REST's last trade), the late trade's bar went out whole without it.
  it('a failed rebuild from a late trade inside the seam hole: the check does not release the bars the rebuild still owes', async () => {
    const ex = new FlakyHistory(CAPS);
    ex.log.push(trade(1, M - 2 * MINUTE), trade(2, M - 50_000));
    now = M + 30_000; // REST has no trade since the seam minute M: the check asks from just before it
    const factory = new CandleFactory({ exchange: 'coinbase', symbol: 'ETH/USD' }, { history: ex, clock: { now: () => now }, log: silentLogger, maxBars: 100, tickMs: 60_000, persistEveryMs: 60_000, repairBackoff: { baseMs: 3_600_000, maxMs: 3_600_000, factor: 1, jitter: 0 }, repairMaxAttempts: 3 });
    f = factory;
    const announced: Candle[] = [];
    factory.onEvent((e) => {
      if (e.type === 'deltas') for (const d of e.deltas) if (d.kind !== 'updated' && !d.candle.partial) announced.push(d.candle);
    });
    factory.addTimeframe('1m', 10);
    await restAsked(ex);
    ex.rest.answer();
    await settleUntil(() => factory.isReady('1m'));
    ex.log.push(trade(5, M + 2 * MINUTE + 10_000));
    now = M + 2 * MINUTE + 15_000;
    factory.onStreamState(live);
    factory.ingest([ex.log.at(-1)!]);
    await restAsked(ex); // the seam's check, left waiting
    assert.equal(factory.snapshot('1m')!.find((c) => c.time === M - MINUTE)?.partial, true, 'the check holds the M-1m bar partial');

    // A trade published late, from before the seam: the timeframe is rebuilt from it, and that fails at once.
    const late = trade(3, M - 30_000);
    ex.log.push(late);
    ex.log.sort((a, b) => a.timestamp - b.timestamp);
    ex.capabilitiesFail = true;
    const failed = nextEvent(factory, (e) => e.type === 'backfill' && e.outcome === 'failed');
    factory.ingest([late]);
    await failed;
    ex.capabilitiesFail = false;

    ex.rest.answer(); // the check: nothing after REST's last trade (the late one is before it) was missed
    await settle();
    const truth = new Map(referenceCandles(ex.log, '1m').map((c) => [c.time, c]));
    for (const bar of announced) assert.deepEqual(whole(bar), truth.get(bar.time), `the ${at(bar.time)} bar announced whole is the exchange's`);
    assert.equal(factory.snapshot('1m')!.find((c) => c.time === M - MINUTE)?.partial, true, 'the M-1m bar, which the rebuild owes the late trade, stays partial');

    factory.onStreamState(reconnecting); // brings the retry forward
    const done = nextEvent(factory, (e) => e.type === 'backfill' && e.outcome === 'done');
    factory.onStreamState(live);
    await restAsked(ex);
    ex.rest.answer();
    await done;
    ex.log.push(trade(8, M + 3 * MINUTE + 10_000));
    now = M + 3 * MINUTE + 15_000;
    factory.ingest([ex.log.at(-1)!]);
    const closed = factory.snapshot('1m')!.filter((c) => c.time >= M - 2 * MINUTE && c.time < M + 3 * MINUTE);
    assert.deepEqual(closed.filter((c) => c.partial).map((c) => at(c.time)), [], 'no closed bar left partial');
    assert.deepEqual(closed.filter((c) => c.volume > 0).map(whole), referenceCandles(ex.log, '1m').filter((c) => c.time >= M - 2 * MINUTE && c.time < M + 3 * MINUTE && c.volume > 0));
    for (const bar of announced) assert.deepEqual(whole(bar), truth.get(bar.time), `the ${at(bar.time)} bar announced whole is the exchange's`);
  });

  it('a failed rebuild from a late trade, no check waiting: the bars from the late trade\'s on are partial until the retry', async () => {
    const ex = new FlakyHistory(CAPS);
    ex.log.push(trade(1, M - 2 * MINUTE), trade(2, M - 50_000));
    now = M + 30_000;
    const factory = new CandleFactory({ exchange: 'coinbase', symbol: 'ETH/USD' }, { history: ex, clock: { now: () => now }, log: silentLogger, maxBars: 100, tickMs: 60_000, persistEveryMs: 60_000, repairBackoff: { baseMs: 3_600_000, maxMs: 3_600_000, factor: 1, jitter: 0 }, repairMaxAttempts: 3 });
    f = factory;
    const announced: Candle[] = [];
    factory.onEvent((e) => {
      if (e.type === 'deltas') for (const d of e.deltas) if (d.kind !== 'updated' && !d.candle.partial) announced.push(d.candle);
    });
    factory.onStreamState(live); // live throughout the seed: no check
    factory.addTimeframe('1m', 10);
    await restAsked(ex);
    ex.rest.answer();
    await settleUntil(() => factory.isReady('1m'));
    ex.log.push(trade(5, M + 40_000), trade(6, M + MINUTE + 10_000));
    now = M + MINUTE + 15_000;
    factory.ingest(ex.log.slice(2));

    const late = trade(3, M - 30_000); // published late, from before the seam
    ex.log.push(late);
    ex.log.sort((a, b) => a.timestamp - b.timestamp);
    ex.capabilitiesFail = true;
    const failed = nextEvent(factory, (e) => e.type === 'backfill' && e.outcome === 'failed');
    factory.ingest([late]);
    await failed;
    ex.capabilitiesFail = false;
    const truth = new Map(referenceCandles(ex.log, '1m').map((c) => [c.time, c]));
    const held = factory.snapshot('1m')!.filter((c) => c.time >= M - MINUTE);
    assert.deepEqual(held.filter((c) => !c.partial && !(c.volume === 0 && (truth.get(c.time)?.volume ?? 0) === 0) && JSON.stringify(whole(c)) !== JSON.stringify(truth.get(c.time))).map((c) => at(c.time)), [], 'no bar the rebuild owes the late trade reads whole');
    assert.equal(held.find((c) => c.time === M - MINUTE)?.partial, true, 'the late trade\'s bar is partial');

    factory.onStreamState(reconnecting); // brings the retry forward
    const done = nextEvent(factory, (e) => e.type === 'backfill' && e.outcome === 'done');
    factory.onStreamState(live);
    await restAsked(ex);
    ex.rest.answer();
    await done;
    ex.log.push(trade(8, M + 2 * MINUTE + 10_000));
    now = M + 2 * MINUTE + 15_000;
    factory.ingest([ex.log.at(-1)!]);
    const closed = factory.snapshot('1m')!.filter((c) => c.time >= M - 2 * MINUTE && c.time < M + 2 * MINUTE);
    assert.deepEqual(closed.filter((c) => c.partial).map((c) => at(c.time)), [], 'no closed bar left partial');
    assert.deepEqual(closed.filter((c) => c.volume > 0).map(whole), referenceCandles(ex.log, '1m').filter((c) => c.time >= M - 2 * MINUTE && c.time < M + 2 * MINUTE && c.volume > 0));
    // The M-1m bar was closed before the late trade was published: its last announcement is the one that counts.
    const last = new Map(announced.map((c) => [c.time, c]));
    const final = new Map(referenceCandles(ex.log, '1m').map((c) => [c.time, c]));
    for (const bar of last.values()) assert.deepEqual(whole(bar), final.get(bar.time), `the ${at(bar.time)} bar last announced whole is the exchange's`);
  });
});
