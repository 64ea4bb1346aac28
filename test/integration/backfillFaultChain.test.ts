/**
 * The socket drops just before a minute's end while the REST backfill of its gap fails in turn with a 503, a 429
 * (with the exchange's own rate-limit answer), and a timeout (no answer before ccxt gives up), for three
 * timeframes of one market at once. Each failed try is a named state with its reason; the bars over the hole are
 * partial, never a closed bar with trades missing; once REST answers again every bar of every timeframe equals the
 * ground truth built from the emulator's trade log. Real ccxt against each emulator.
 *
 * The drop falls at the same point of the test's clock every run (the emulator's and the hub's): 500 ms before the end
 * of the first minute of a 15m bar (so of a 5m bar too). Where the exchange's klines lag (Coinbase: the backfill's seam
 * two minutes back), the seam of the backfill that succeeds in the next minute falls in the 5m and 15m bars that closed
 * a minute before the drop: a closed bar rebuilt from klines, which must not be announced revised (a drop at the next
 * wall-clock minute hit that only when the minute happened to open a 5m bar).
 */
import * as assert from 'node:assert/strict';
import type { FactoryEvent } from '../../src/core/candles/candleFactory';
import { bucketStart, type Timeframe } from '../../src/core/timeframes';
import type { ExchangeId } from '../../src/emulator';
import { Recorder, Rig } from '../helpers/emulatorHub';
import { type CandleReq, THREE_MARKETS, isState } from '../helpers/threeExchanges';
import { expectEveryBarTrue } from '../helpers/barsTrue';
import { scenariosAtOnce, type ScenarioScope } from '../helpers/scenariosAtOnce';


const TIMEFRAMES: readonly Timeframe[] = ['1m', '5m', '15m'];
const MINUTE = 60_000;
const QUARTER = 15 * MINUTE;
/** How long the rig's start and the first snapshots may take before the drop is due. */
const START_BUDGET_MS = 40_000;

/**
 * A clock (the wall clock shifted by under 7.5 minutes) on which the drop, START_BUDGET_MS from now, falls 500 ms
 * before the end of the first minute of a 15m bar.
 */
function dropClock(): { readonly now: () => number; readonly dropAt: number } {
  const due = Date.now() + START_BUDGET_MS;
  const dropAt = Math.round((due - MINUTE + 500) / QUARTER) * QUARTER + MINUTE - 500;
  const shift = dropAt - due;
  return { now: () => Date.now() + shift, dropAt };
}

/**
 * One exchange's run. Its waits are the wall clock's (the start budget before the drop, ccxt's 15 s timeout), so the
 * three exchanges' runs go at once, each on its own rig (emulator, hub, cache folder) and clock.
 */
async function scenario(m: (typeof THREE_MARKETS)[number], scope: ScenarioScope): Promise<void> {
  const clock = dropClock();
  const rig: Rig<ExchangeId> = await Rig.start({ exchange: m.exchange, tradesPerSecond: 10, historyMinutes: 40, now: clock.now }, { restMaxAttempts: 1, clock });
  scope.defer(() => rig.close());
  const { hub, emulator: emu } = rig;
  const lagMinutes = (await (await rig.registry.get(m.exchange)).capabilities()).klineLagMinutes;
  const recs = new Map(TIMEFRAMES.map((tf) => [tf, new Recorder<CandleReq>()]));
  const subs = TIMEFRAMES.map((tf) => hub.subscribe({ kind: 'candles', exchange: m.exchange, symbol: m.symbol, timeframe: tf }, recs.get(tf)!.consume));
  for (const rec of recs.values()) await rec.next(isState('live'), 'live', 30_000);
  for (const rec of recs.values()) await rec.next((e) => e.type === 'snapshot', 'a snapshot', 30_000);

  // The failures in turn, each set up once the one before has been reported (each timeframe retries on its own
  // schedule, so the next failure is whichever try comes first).
  const outcomes: Array<{ tf: Timeframe; outcome: string; reason?: string }> = [];
  const partialsSeen = new Set<Timeframe>();
  // The timeout: REST requests are held unanswered (the WebSocket is not slowed) until ccxt gives up on one (15 s).
  let release: (() => void) | undefined;
  const stages: ReadonlyArray<{ readonly reason: RegExp; readonly next: () => void }> = [
    { reason: /HTTP 503/, next: () => emu.failRest({ status: 429, count: 1, symbol: m.symbol, retryAfterSec: 1 }) },
    { reason: /rate limit/, next: () => (release = emu.holdRest()) },
    { reason: /\(timed out\)/, next: () => release?.() },
  ];
  let stage = 0;
  /** When (the test's clock) each timeframe's backfill that came through was done. */
  const doneAt = new Map<Timeframe, number>();
  const done = new Promise<void>((resolve, reject) => {
    const left = new Set(TIMEFRAMES);
    // Every ending (done, gave up, the 120 s, or the scenario failing before any of them) stops both the timer and
    // the subscription: nothing outlives the scenario.
    const timer = setTimeout(() => end(new Error(`no backfill done within 120 s: ${JSON.stringify(outcomes)}`)), 120_000);
    const sub = hub.onCandleFactoryEvent({ exchange: m.exchange, symbol: m.symbol }, (e: FactoryEvent) => {
      if (e.type !== 'backfill') return;
      outcomes.push({ tf: e.timeframe, outcome: e.outcome, ...(e.outcome === 'done' ? {} : { reason: e.reason }) });
      if (e.outcome === 'failed' && recs.get(e.timeframe)!.candles.some((c) => c.partial)) partialsSeen.add(e.timeframe);
      const current = stages[stage];
      if (e.outcome === 'failed' && current?.reason.test(e.reason)) {
        stage++;
        current.next();
      }
      if (e.outcome === 'gave up') return end(new Error(`gave up: ${JSON.stringify(outcomes)}`));
      if (e.outcome === 'done' && stage === stages.length) {
        left.delete(e.timeframe);
        doneAt.set(e.timeframe, clock.now());
      }
      if (left.size === 0) end();
    });
    function end(error?: Error): void {
      clearTimeout(timer);
      sub?.dispose();
      if (error === undefined) resolve();
      else reject(error);
    }
    scope.defer(() => end(new Error('the scenario ended first')));
    assert.ok(sub, 'the market has a candle factory');
  });
  // A scenario failing before it awaits `done` fails on its own error; the deferred ending's rejection is no one's.
  done.catch(() => undefined);

  // Just before a minute ends, so that the hole spans the boundary (no event marks that moment: a timer waits for it).
  const toDrop = clock.dropAt - clock.now();
  assert.ok(toDrop > 0, `the start and first snapshots took ${START_BUDGET_MS - toDrop} ms, over the ${START_BUDGET_MS} ms budget before the drop`);
  await new Promise((resolve) => setTimeout(resolve, toDrop));
  emu.failRest({ status: 503, count: 1, symbol: m.symbol });
  assert.ok(emu.dropConnections(m.symbol) > 0, 'a connection carried the market');
  await done;

  assert.equal(stage, stages.length, `a 503, a 429 and a timeout were each reported: ${JSON.stringify(outcomes)}`);
  if (lagMinutes > 0) {
    // The backfill's seam is at most its last minute (it began before it was done) less the klines' lag.
    for (const tf of ['5m', '15m'] as const) {
      const seamBy = bucketStart('1m', doneAt.get(tf)!) - lagMinutes * MINUTE;
      assert.ok(seamBy < bucketStart(tf, clock.dropAt), `${tf}: the backfill's seam fell in the bar closed before the drop (seam by ${new Date(seamBy).toISOString()}, drop ${new Date(clock.dropAt).toISOString()})`);
    }
  }
  for (const tf of TIMEFRAMES) {
    assert.ok(partialsSeen.has(tf), `${tf}: the hole's bars were partial while it was open`);
    const rec = recs.get(tf)!;
    const reasons = rec.events.flatMap((e) => (e.type === 'state' && e.state.status === 'degraded' ? [e.state.reason] : []));
    assert.ok(reasons.length >= 1, `${tf}: the failed backfill showed as degraded`);
  }
  for (const rec of recs.values()) await rec.next(isState('live'), 'live again', 30_000);

  // A wrong bar says when the hole was and what the log said about it.
  const context = () => `\noutcomes ${JSON.stringify(outcomes)}\nlog:\n${rig.log.lines.filter((l) => /backfill|hole|gap|trade|reconnect|history/i.test(l)).slice(-40).join('\n')}`;
  await expectEveryBarTrue(rig, m.symbol, recs, '15m', context);
  for (const sub of subs) sub.dispose();
}

describe('a drop at a bar boundary while the gap backfill fails with a 503, a 429 and a timeout in turn, three timeframes (real ccxt, emulators)', function () {
  this.timeout(180_000);
  const outcome = scenariosAtOnce(THREE_MARKETS, scenario);

  for (const m of THREE_MARKETS) {
    it(`${m.exchange}: each failure is named, the hole's bars are partial meanwhile, and afterwards every bar of 1m, 5m and 15m is true`, () => outcome(m));
  }
});
