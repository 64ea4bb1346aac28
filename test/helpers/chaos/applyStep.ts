/**
 * Sets off one step of a chaos schedule against the emulator. Pauses are counted in the market's trades as the
 * consumers receive them (an event), capped so a step whose stream is down for a while (a silent network until the
 * keep-alive notices) does not stall the run; what each step did is noted for the failure message.
 */
import { bucketStart, nextBucketStart } from '../../../src/core/timeframes';
import { setTimeout as wait } from 'node:timers/promises';
import type { ExchangeId } from '../../../src/emulator';
import type { Rig } from '../emulatorHub';
import type { ChaosConsumers } from './consumers';
import type { ChaosStep, TimedFault } from './schedule';

/** How long a pause waits for its trades before the run goes on (the stream may be reconnecting meanwhile). */
const FLOW_CAP_MS = 20_000;
/** How long a step waits for the backfill it means to catch in flight. */
const BACKFILL_CAP_MS = 20_000;

export interface StepContext {
  readonly rig: Rig<ExchangeId>;
  readonly consumers: ChaosConsumers;
  readonly symbol: string;
  /** The exchange's clock (the emulator's): ours plus its skew. */
  readonly exchangeNow: () => number;
  /** What happened, one line a step (printed with the schedule on failure). */
  readonly notes: string[];
  /** Releases still to call at the end (held client frames, held REST). */
  readonly releases: Array<() => void>;
}

const tradeCount = (ctx: StepContext): number => ctx.consumers.mainTrades.events.reduce((n, e) => n + (e.type === 'trades' ? e.trades.length : 0), 0);

/** Waits until `n` more trades reached the trades consumer, or the cap passed (noted, not a failure). */
async function flow(ctx: StepContext, n: number, why: string): Promise<void> {
  const target = tradeCount(ctx) + n;
  const rec = ctx.consumers.mainTrades;
  await rec.next(() => tradeCount(ctx) >= target, `${n} trades`, FLOW_CAP_MS).catch(() => ctx.notes.push(`  (${why}: ${n} trades did not come within ${FLOW_CAP_MS} ms; went on)`));
}

function timed(ctx: StepContext, fault: TimedFault): void {
  const emu = ctx.rig.emulator;
  switch (fault.kind) {
    case 'drop':
      ctx.notes.push(`  dropped ${emu.dropConnections(ctx.symbol)} connection(s)`);
      return;
    case 'silence':
      ctx.notes.push(`  silenced ${emu.silenceConnections(ctx.symbol)} connection(s)`);
      return;
    case 'rest':
      emu.failRest({ status: fault.status, count: fault.count, retryAfterSec: fault.retryAfterSec, symbol: ctx.symbol });
      ctx.notes.push(`  queued ${fault.count}× HTTP ${fault.status}, dropped ${emu.dropConnections(ctx.symbol)} connection(s)`);
      return;
  }
}

export async function applyStep(ctx: StepContext, step: ChaosStep): Promise<void> {
  const emu = ctx.rig.emulator;
  const { symbol } = ctx;
  switch (step.kind) {
    case 'drop':
      ctx.notes.push(`  dropped ${emu.dropConnections(step.every ? undefined : symbol)} connection(s)`);
      return;
    case 'silence':
      ctx.notes.push(`  silenced ${emu.silenceConnections(symbol)} connection(s)`);
      return;
    case 'rest':
      return timed(ctx, step);
    case 'serverShutdown':
      ctx.notes.push(`  told ${emu.announceServerShutdown(step.closeAfterMs)} connection(s) of the shutdown`);
      return;
    case 'bookGap':
      ctx.notes.push(`  lost the next book update on ${emu.sendMalformed('book-gap', undefined, symbol)} topic(s)`);
      return;
    case 'tradeGap':
      ctx.notes.push(`  lost the next trade message on ${emu.sendMalformed('trade-gap', undefined, symbol)} topic(s)`);
      return;
    case 'nearFutureTrade':
      ctx.notes.push(`  sent a trade 10 min ahead on ${emu.sendMalformed('near-future-trade', undefined, symbol)} topic(s)`);
      return;
    case 'holdClientFrames': {
      const hold = emu.holdClientFrames(symbol);
      ctx.releases.push(hold.release);
      ctx.notes.push(`  holding what the client sends on ${hold.held} connection(s)`);
      ctx.consumers.toggle('book');
      await flow(ctx, 5, 'held frames');
      hold.release();
      return;
    }
    case 'atBoundary': {
      // Bars are minutes of the exchange's clock: the boundary is a moment of that clock, so it is waited for on it
      // (up to a minute, most of a short seed's time). Stepping the emulator's clock to the boundary instead would add a
      // fault of its own (the exchange's clock jumping up to a minute ahead of ours, its measure of it stale), and a step
      // of both clocks would time out every socket at once (ccxt's keep-alive reads the wall clock).
      const now = ctx.exchangeNow();
      let boundary = nextBucketStart('1m', bucketStart('1m', now));
      if (boundary - step.beforeMs <= now) boundary = nextBucketStart('1m', boundary);
      await wait(boundary - step.beforeMs - now);
      timed(ctx, step.fault);
      ctx.notes.push(`  the fault ${step.beforeMs} ms before the minute ${new Date(boundary).toISOString()}`);
      return;
    }
    case 'duringBackfill': {
      const release = emu.holdRest();
      ctx.releases.push(release);
      const rec = ctx.consumers.main1m;
      const catchingUp = rec.upcoming((e) => e.type === 'state' && e.state.status === 'live' && e.state.catchingUp === true, 'live, catching up', BACKFILL_CAP_MS);
      ctx.notes.push(`  REST held, dropped ${emu.dropConnections(symbol)} connection(s)`);
      const caught = await catchingUp.then(
        () => true,
        () => false,
      );
      ctx.notes.push(caught ? '  the gap backfill is in flight' : `  (no gap backfill in flight within ${BACKFILL_CAP_MS} ms; the fault came anyway)`);
      timed(ctx, step.fault);
      release();
      return;
    }
    case 'toggle':
      ctx.consumers.toggle(step.consumer);
      return;
    case 'flow':
      return flow(ctx, step.trades, 'flow');
  }
}
