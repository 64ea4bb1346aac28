/** Deterministic trade generation: a seeded random walk of prices with log-normal amounts and random sides. */
import { toUnits } from './decimal';
import { deriveRandom, gaussian, type Random } from './prng';
import type { SymbolSpec } from './symbols';
import type { EmulatorSide } from './types';

export interface GeneratedTrade {
  readonly priceUnits: number;
  readonly amountUnits: number;
  readonly side: EmulatorSide;
}

/** Pull toward the start price per trade, in log space; keeps very long runs from drifting away. */
const MEAN_REVERSION = 0.001;

export class MarketGenerator {
  private readonly random: Random;
  private readonly startUnits: number;
  private priceUnits: number;

  constructor(
    private readonly spec: SymbolSpec,
    seed: number,
  ) {
    this.random = deriveRandom(seed, spec.symbol, 'trades');
    this.startUnits = Math.max(1, toUnits(spec.startPrice, spec.pricePrecision));
    this.priceUnits = this.startUnits;
  }

  /** Continues the walk from an externally appended (injected) trade. */
  setPrice(priceUnits: number): void {
    this.priceUnits = priceUnits;
  }

  /** The next trade of the walk: a buy lifts the price, a sell lowers it. */
  next(): GeneratedTrade {
    const side: EmulatorSide = this.random() < 0.5 ? 'buy' : 'sell';
    const drift = -MEAN_REVERSION * Math.log(this.priceUnits / this.startUnits);
    const move = Math.abs(gaussian(this.random)) * this.spec.volatility * (side === 'buy' ? 1 : -1) + drift;
    this.priceUnits = Math.max(1, Math.round(this.priceUnits * Math.exp(move)));
    const amount = this.spec.typicalAmount * Math.exp(0.8 * gaussian(this.random));
    const amountUnits = Math.max(1, toUnits(amount, this.spec.amountPrecision));
    return { priceUnits: this.priceUnits, amountUnits, side };
  }
}

/**
 * Timestamps of `count` history trades spread over the `minutes` before `end` (exclusive), strictly increasing,
 * jittered by their own seeded generator so prices do not depend on the history layout.
 */
export function historyTimestamps(seed: number, symbol: string, end: number, minutes: number, perMinute: number): number[] {
  const count = Math.max(0, Math.floor(minutes * perMinute));
  if (count === 0) return [];
  const random = deriveRandom(seed, symbol, 'history-time');
  const span = minutes * 60_000;
  const spacing = span / count;
  const out: number[] = [];
  let last = -Infinity;
  for (let i = 0; i < count; i++) {
    const jitter = random() * spacing * 0.9;
    let ts = Math.floor(end - span + i * spacing + jitter);
    if (ts <= last) ts = last + 1;
    if (ts >= end) break;
    out.push(ts);
    last = ts;
  }
  return out;
}
