/**
 * An aggregate's leg whose reconnect's hole cannot be filled (its exchange's trades REST failing on every attempt) is
 * told lost to the aggregate's tape, naming the leg, as a single market's lost hole is: the merged trades as the tape
 * reads them (AggregateTrades, own prices, `tellLostHoles`), real ccxt against the emulators, one leg's socket dropped
 * and trades made on it while it is down. A short fill backoff so the attempts run out in a test's time.
 */
import * as assert from 'node:assert/strict';
import { AggregateTrades } from '../../src/core/aggregate/aggregateTrades';
import { mergedTradeId, mergedTradeLeg } from '../../src/core/aggregate/tradeMerge';
import type { LostHole, TradesEvent } from '../../src/core/hub/requests';
import { DEFINITION, LEGS } from '../helpers/aggregateTruth';
import { captureLog } from '../helpers/emulatorHub';
import { LegsRig } from '../helpers/legsRig';

const LEG = LEGS[0];

/** Resolves once `events` holds an event `pick` accepts (checked as each event comes). */
function until(events: TradesEvent[], pick: (e: TradesEvent) => boolean, what: string, ms: number): { push(e: TradesEvent): void; done: Promise<void> } {
  let resolve: () => void = () => undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const done = new Promise<void>((ok, fail) => {
    resolve = ok;
    timer = setTimeout(() => fail(new Error(`timed out waiting for ${what}`)), ms);
  }).finally(() => clearTimeout(timer));
  return {
    push: (e) => {
      events.push(e);
      if (pick(e)) resolve();
    },
    done,
  };
}

describe("an aggregate's leg giving its hole up is told to its tape (real ccxt, emulators)", function () {
  this.timeout(90_000);
  let rig: LegsRig | undefined;
  let merged: AggregateTrades | undefined;
  afterEach(async () => {
    merged?.dispose();
    merged = undefined;
    await rig?.close();
    rig = undefined;
  });

  it("the leg's trades REST failing on every fill: one lost event naming the leg, spanning the trades made while it was down", async () => {
    const log = captureLog();
    rig = await LegsRig.start({ seed: 7, tradesPerSecond: 5, historyMinutes: 2 }, log);
    const emu = rig.emulator(LEG.exchange);
    const events: TradesEvent[] = [];
    const streamed = until(events, (e) => e.type === 'trades' && e.trades.some((t) => mergedTradeLeg(t.id) === 0), "the leg's first merged trade", 45_000);
    let sink = streamed.push;
    merged = new AggregateTrades(rig.hub, DEFINITION, { prices: 'own', tellLostHoles: true, log, backoff: { baseMs: 20, maxMs: 40, factor: 2, jitter: 0 } }, (e) => sink(e));
    await merged.ready;
    await streamed.done;

    const told = until(events, (e) => e.type === 'trades' && e.lost !== undefined, 'the lost hole', 60_000);
    sink = told.push;
    emu.failRest({ status: 503, count: 100_000, path: 'aggTrades' });
    assert.ok(emu.dropConnections(LEG.symbol) > 0, 'a socket carried the leg');
    // Made while the socket is down: only REST could bring them.
    const made = emu.injectTrades(LEG.symbol, [
      { price: 60_001, amount: 0.5, side: 'buy' },
      { price: 60_002, amount: 0.25, side: 'sell' },
    ]);
    await told.done;

    const lost: LostHole[] = events.flatMap((e) => (e.type === 'trades' && e.lost ? [e.lost] : []));
    assert.equal(lost.length, 1, 'told once');
    const hole = lost[0]!;
    assert.match(hole.reason, /^binance BTC\/USDT: .*(503|not available|unavailable)/i, hole.reason);
    const end = hole.until ?? Number.POSITIVE_INFINITY;
    assert.ok(made.every((t) => t.timestamp > hole.from && t.timestamp <= end), `the trades made while down are in the span ${JSON.stringify(hole)}`);
    const got = new Set(events.flatMap((e) => (e.type === 'trades' ? e.trades.map((t) => t.id) : [])));
    assert.ok(made.every((t) => !got.has(mergedTradeId(0, emu.wireTradeId(LEG.symbol, t)))), 'and none came');
    assert.ok(log.lines.some((l) => l.includes('could not be fetched') && l.includes('gave up after')), 'the log says the leg gave up');
  });
});
