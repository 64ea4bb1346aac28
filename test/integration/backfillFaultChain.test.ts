/**
 * The socket drops just before a minute's end while the REST backfill of its gap fails in turn with a 503, a 429
 * (with the exchange's own rate-limit answer), and a timeout (no answer before ccxt gives up), for three
 * timeframes of one market at once. Each failed try is a named state with its reason; the bars over the hole are
 * partial, never a closed bar with trades missing; once REST answers again every bar of every timeframe equals the
 * ground truth built from the emulator's trade log. Real ccxt against each emulator.
 */
import * as assert from 'node:assert/strict';
import type { FactoryEvent } from '../../src/core/candles/candleFactory';
import type { Timeframe } from '../../src/core/timeframes';
import type { ExchangeId } from '../../src/emulator';
import { Recorder, Rig } from '../helpers/emulatorHub';
import { type CandleReq, THREE_MARKETS, isState } from '../helpers/threeExchanges';
import { expectEveryBarTrue } from '../helpers/barsTrue';


const TIMEFRAMES: readonly Timeframe[] = ['1m', '5m', '15m'];

describe('a drop at a bar boundary while the gap backfill fails with a 503, a 429 and a timeout in turn, three timeframes (real ccxt, emulators)', function () {
  this.timeout(180_000);
  let rig: Rig<ExchangeId> | undefined;
  afterEach(async () => {
    await rig?.close();
    rig = undefined;
  });

  for (const m of THREE_MARKETS) {
    it(`${m.exchange}: each failure is named, the hole's bars are partial meanwhile, and afterwards every bar of 1m, 5m and 15m is true`, async () => {
      rig = await Rig.start({ exchange: m.exchange, tradesPerSecond: 10, historyMinutes: 40 }, { restMaxAttempts: 1 });
      const { hub, emulator: emu } = rig;
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
      const done = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no backfill done within 120 s: ${JSON.stringify(outcomes)}`)), 120_000);
        const left = new Set(TIMEFRAMES);
        const sub = hub.onCandleFactoryEvent({ exchange: m.exchange, symbol: m.symbol }, (e: FactoryEvent) => {
          if (e.type !== 'backfill') return;
          outcomes.push({ tf: e.timeframe, outcome: e.outcome, ...(e.outcome === 'done' ? {} : { reason: e.reason }) });
          if (e.outcome === 'failed' && recs.get(e.timeframe)!.candles.some((c) => c.partial)) partialsSeen.add(e.timeframe);
          const current = stages[stage];
          if (e.outcome === 'failed' && current?.reason.test(e.reason)) {
            stage++;
            current.next();
          }
          if (e.outcome === 'gave up') reject(new Error(`gave up: ${JSON.stringify(outcomes)}`));
          if (e.outcome === 'done' && stage === stages.length) left.delete(e.timeframe);
          if (left.size > 0) return;
          clearTimeout(timer);
          sub?.dispose();
          resolve();
        });
        assert.ok(sub, 'the market has a candle factory');
      });

      // Just before a minute ends, so that the hole spans the boundary.
      const toBoundary = 60_000 - (Date.now() % 60_000);
      await new Promise((resolve) => setTimeout(resolve, (toBoundary > 700 ? toBoundary : toBoundary + 60_000) - 500));
      emu.failRest({ status: 503, count: 1, symbol: m.symbol });
      assert.ok(emu.dropConnections(m.symbol) > 0, 'a connection carried the market');
      await done;

      assert.equal(stage, stages.length, `a 503, a 429 and a timeout were each reported: ${JSON.stringify(outcomes)}`);
      for (const tf of TIMEFRAMES) {
        assert.ok(partialsSeen.has(tf), `${tf}: the hole's bars were partial while it was open`);
        const rec = recs.get(tf)!;
        const reasons = rec.events.flatMap((e) => (e.type === 'state' && e.state.status === 'degraded' ? [e.state.reason] : []));
        assert.ok(reasons.length >= 1, `${tf}: the failed backfill showed as degraded`);
      }
      for (const rec of recs.values()) await rec.next(isState('live'), 'live again', 30_000);

      // A wrong bar says when the hole was and what the log said about it.
      const context = () => `\noutcomes ${JSON.stringify(outcomes)}\nlog:\n${rig!.log.lines.filter((l) => /backfill|hole|gap|trade|reconnect|history/i.test(l)).slice(-40).join('\n')}`;
      await expectEveryBarTrue(rig, m.symbol, recs, '15m', context);
      for (const sub of subs) sub.dispose();
    });
  }
});
