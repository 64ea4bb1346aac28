/**
 * A seeded schedule of faults for one short emulated run (the chaos test): which exchange, how far the exchange's
 * clock is off from ours, and the steps in order. The same seed always gives the same schedule, so a failure replays
 * with CHAOS_SEED=n. Time is never compressed: a trade stamped ahead of the exchange's own clock is one no exchange
 * sends (Coinbase's REST windows rightly end at its now), so a fault at a bar boundary waits for the boundary.
 */
import { mulberry32, type Random } from '../../../src/emulator/prng';
import type { ExchangeId } from '../../../src/emulator';

export type RestStatus = 429 | 500 | 503;

/** A fault set off at a moment of its own: a bar boundary, or while a gap's backfill is held in flight. */
export type TimedFault =
  | { readonly kind: 'drop' }
  | { readonly kind: 'silence' }
  | { readonly kind: 'rest'; readonly status: RestStatus; readonly count: number; readonly retryAfterSec: 0 | 1 };

export type ChaosStep =
  /** The market's connections end abruptly (all of the exchange's with `every`). */
  | { readonly kind: 'drop'; readonly every: boolean }
  /** The network under the market's connections goes away without a word. */
  | { readonly kind: 'silence' }
  /** REST answers of the market fail (`count` of them), then its stream drops so a gap backfill meets them. */
  | { readonly kind: 'rest'; readonly status: RestStatus; readonly count: number; readonly retryAfterSec: 0 | 1 }
  /** Binance's serverShutdown notice; the server closes the sockets `closeAfterMs` later. */
  | { readonly kind: 'serverShutdown'; readonly closeAfterMs: number }
  /** The exchange's sequence jumps: book updates or trades are lost on the wire. */
  | { readonly kind: 'bookGap' }
  | { readonly kind: 'tradeGap' }
  /** A trade 10 min ahead of the exchange's clock. */
  | { readonly kind: 'nearFutureTrade' }
  /** What the client sends stays unread (a slow uplink) while a consumer leaves and comes back; released after. */
  | { readonly kind: 'holdClientFrames' }
  /** The fault `beforeMs` before the exchange's next minute (negative: after it), waited for on its clock. */
  | { readonly kind: 'atBoundary'; readonly beforeMs: number; readonly fault: TimedFault }
  /** A drop whose gap backfill is held unanswered; the fault comes while it is in flight, then REST answers. */
  | { readonly kind: 'duringBackfill'; readonly fault: TimedFault }
  /** A consumer comes or goes mid-run. */
  | { readonly kind: 'toggle'; readonly consumer: ToggledConsumer }
  /** Let `trades` trades flow (a pause measured in the market's events, not in time). */
  | { readonly kind: 'flow'; readonly trades: number };

export type ToggledConsumer = 'book' | 'candles1mSecond';

export interface ChaosSchedule {
  readonly seed: number;
  readonly exchange: ExchangeId;
  /** The exchange's clock against ours (ms; positive: ours is behind). */
  readonly exchangeAheadMs: number;
  readonly steps: readonly ChaosStep[];
}

const EXCHANGES: readonly ExchangeId[] = ['binance', 'coinbase', 'bybit'];

const pick = <T>(rnd: Random, items: readonly T[]): T => items[Math.floor(rnd() * items.length)] as T;
const between = (rnd: Random, min: number, max: number): number => min + Math.floor(rnd() * (max - min + 1));

function restFault(rnd: Random): Extract<TimedFault, { kind: 'rest' }> {
  const status = pick<RestStatus>(rnd, [429, 500, 503]);
  return { kind: 'rest', status, count: between(rnd, 1, 3), retryAfterSec: pick<0 | 1>(rnd, [0, 1]) };
}

function timedFault(rnd: Random): TimedFault {
  const kind = pick(rnd, ['drop', 'silence', 'rest'] as const);
  return kind === 'rest' ? restFault(rnd) : { kind };
}

function step(rnd: Random, exchange: ExchangeId): ChaosStep {
  const kinds: ChaosStep['kind'][] = ['drop', 'silence', 'rest', 'bookGap', 'tradeGap', 'nearFutureTrade', 'holdClientFrames', 'atBoundary', 'duringBackfill', 'toggle', 'toggle'];
  if (exchange === 'binance') kinds.push('serverShutdown');
  const kind = pick(rnd, kinds);
  switch (kind) {
    case 'drop':
      return { kind, every: rnd() < 0.3 };
    case 'silence':
    case 'bookGap':
    case 'tradeGap':
    case 'nearFutureTrade':
    case 'holdClientFrames':
      return { kind };
    case 'rest':
      return restFault(rnd);
    case 'serverShutdown':
      return { kind, closeAfterMs: between(rnd, 200, 3000) };
    case 'atBoundary':
      return { kind, beforeMs: between(rnd, -800, 1500), fault: timedFault(rnd) };
    case 'duringBackfill':
      return { kind, fault: timedFault(rnd) };
    case 'toggle':
      return { kind, consumer: pick<ToggledConsumer>(rnd, ['book', 'candles1mSecond']) };
    case 'flow':
      return { kind, trades: between(rnd, 3, 20) };
  }
}

/** `exchange` overrides the seed's choice (CHAOS_EXCHANGE). */
export function chaosSchedule(seed: number, exchange?: ExchangeId, stepCount = 6): ChaosSchedule {
  const rnd = mulberry32(seed);
  const chosen = exchange ?? (EXCHANGES[seed % EXCHANGES.length] as ExchangeId);
  const exchangeAheadMs = pick(rnd, [0, 0, 90_000, -90_000, 4_000]);
  const steps: ChaosStep[] = [];
  for (let i = 0; i < stepCount; i++) {
    steps.push(step(rnd, chosen));
    steps.push({ kind: 'flow', trades: between(rnd, 3, 20) });
  }
  return { seed, exchange: chosen, exchangeAheadMs, steps };
}

/** One line a step, for the failure message (the replay is CHAOS_SEED=n; this says what it was). */
export function describeSchedule(s: ChaosSchedule): string {
  const steps = s.steps.filter((x) => x.kind !== 'flow').length;
  const head = `seed ${s.seed}: ${s.exchange}, exchange clock ${s.exchangeAheadMs >= 0 ? '+' : ''}${s.exchangeAheadMs} ms (replay: CHAOS_SEED=${s.seed}${steps === 6 ? '' : ` CHAOS_STEPS=${steps}`} CHAOS_EXCHANGE=${s.exchange})`;
  return [head, ...s.steps.map((x, i) => `  ${i + 1}. ${JSON.stringify(x)}`)].join('\n');
}
