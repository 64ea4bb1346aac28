/**
 * Chaos: faults in combination on a seeded random schedule over a short run, real ccxt against each exchange's
 * emulator. Drops, silent networks, REST 5xx/429 (with and without Retry-After), Binance's serverShutdown, lost book
 * updates and trades, held client frames, a clock off from the exchange's, near-future trades, faults at a bar
 * boundary and while a gap's backfill is in flight, consumers coming and going; at the end of every seed nothing is
 * lost, nothing wrong, nothing fatal (see test/helpers/chaos/invariants.ts). A failure prints its seed and schedule.
 *
 * `npm test` runs the fixed seeds below; `npm run chaos` runs CHAOS_SEEDS (a count from CHAOS_FROM, default 1) and
 * CHAOS_SEED=n replays one (CHAOS_EXCHANGE=binance|coinbase|bybit puts it on another exchange, CHAOS_STEPS=n gives
 * each seed n faults instead of 6: a replay needs the same; CHAOS_TRACE=1 prints what each step did and when, pass or
 * fail).
 */
import { runChaosSeed } from '../helpers/chaos/runChaosSeed';
import { chaosSchedule, describeSchedule, type ChaosSchedule } from '../helpers/chaos/schedule';
import type { ExchangeId } from '../../src/emulator';

/**
 * One seed of each exchange (seed % 3 picks it): 9 on Binance (a 429 and a silence each while a backfill is held,
 * serverShutdown, a silence at a minute's boundary, a second chart and a book coming and going), 10 on Coinbase (a
 * trade 10 min ahead, a 429, a silence, a lost trade message, the exchange's clock 90 s ahead of ours), 2 on Bybit
 * (lost book updates, a trade 10 min ahead, held client frames, a silence, 503s; its clock 90 s behind). Seeds 22 and
 * 103 (a trade streamed live sent again with a hole's late trades) and 128 with CHAOS_STEPS=12 (a reconnect's seam on
 * our clock with the exchange's 90 s ahead: a hole trade lost from an unflagged bar) found defects since fixed, as did
 * 92 (Bybit's 500, HTTP 200 with retCode 10016, not retried: a hole lost) and 141 with CHAOS_STEPS=12 (a hole a gap job
 * took while the stream was down, sent by the hub's hole fetch too). Seeds 1–100 (6 faults), 101–180 (12) and 201–266
 * (24) have each been run (166–180 and 211–266, run last, found nothing); 208 with CHAOS_STEPS=24
 * (Coinbase: the trade socket dropped while the client's read waited on a held clock measure, ccxt dialled anew with no
 * error: 101 trades in no batch and no hole) found a defect since fixed (TradesSocketLostError;
 * tradeSocketLostBetweenReads.test.ts). Seeds 301–308 with CHAOS_STEPS=36 and 401–413 with CHAOS_STEPS=48 have been
 * run one at a time (404–413 in s57: nothing found); 303 with 36 (Binance: a trade-id jump in a burst read at once, then the market frozen: the trades
 * after the jump sat in ccxt's cache waiting for a next trade that never came, the last trade and the hole's fill with
 * them; it failed 2 runs of 3) found a defect since fixed (unreadTrades; binanceTradeGap.test.ts's burst case); the
 * others found nothing.
 */
const FIXED_SEEDS: readonly number[] = [9, 10, 2];

function seeds(): number[] {
  const one = process.env.CHAOS_SEED;
  if (one !== undefined && one !== '') return [Number(one)];
  const count = process.env.CHAOS_SEEDS;
  if (count === undefined || count === '') return [...FIXED_SEEDS];
  const from = Number(process.env.CHAOS_FROM ?? 1);
  return Array.from({ length: Number(count) }, (_, i) => from + i);
}

function exchangeOverride(): ExchangeId | undefined {
  const e = process.env.CHAOS_EXCHANGE;
  if (e === undefined || e === '') return undefined;
  if (e !== 'binance' && e !== 'coinbase' && e !== 'bybit') throw new Error(`CHAOS_EXCHANGE must be binance, coinbase or bybit, got '${e}'`);
  return e;
}

/** CHAOS_STEPS: faults a seed (default 6); a longer schedule combines more of them. */
function stepCount(): number {
  const steps = Number(process.env.CHAOS_STEPS ?? 6);
  if (!Number.isInteger(steps) || steps < 1) throw new Error(`CHAOS_STEPS must be a positive integer, got '${process.env.CHAOS_STEPS}'`);
  return steps;
}

/**
 * How long a seed may take before it counts as hung: the run's fixed part, each step's caps (a flow waits for its trades
 * up to 20 s, a held backfill up to 20 s) and up to a minute for each boundary waited for. The flat 5 minutes before
 * left seed 125 with 12 faults (4 boundaries, 252 s) 48 s to spare; one boundary more would have timed out.
 */
function budgetMs(schedule: ChaosSchedule): number {
  const boundaries = schedule.steps.filter((s) => s.kind === 'atBoundary').length;
  return 240_000 + schedule.steps.length * 20_000 + boundaries * 60_000;
}

describe('chaos: seeded fault schedules, several consumers, real ccxt (emulators)', function () {
  for (const seed of seeds()) {
    if (!Number.isSafeInteger(seed)) throw new Error(`a chaos seed must be an integer, got ${seed}`);
    const schedule = chaosSchedule(seed, exchangeOverride(), stepCount());
    it(`seed ${seed} (${schedule.exchange}): every bar true or partial with a reason, no trade lost or wrong, every state named, nothing left running`, async function () {
      this.timeout(budgetMs(schedule));
      const notes: string[] = [];
      try {
        await runChaosSeed(schedule, notes);
      } catch (error) {
        const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
        throw new Error(`${describeSchedule(schedule)}\nwhat happened:\n${notes.join('\n')}\n\n${message}`);
      }
    });
  }
});
