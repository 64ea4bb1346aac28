/** Deterministic trade generation: a seeded random walk of prices with log-normal amounts and random sides. */
import { CommonPrice } from './commonPrice';
import { toUnits } from './decimal';
import { deriveRandom, gaussian, type Random } from './prng';
import type { SymbolSpec } from './symbols';
import type { EmulatorSide } from './types';

export interface GeneratedTrade {
  readonly priceUnits: number;
  readonly amountUnits: number;
  readonly side: EmulatorSide;
}

/**
 * Pull per trade toward the asset's common price (the same on every emulated exchange), in log space: each
 * exchange's walk stays within a basis of about σ/√(2·pull) ≈ 0.005 % of it for BTC, so the legs of an aggregate
 * agree as real venues do (their books overlap), and a long run cannot drift away.
 */
const PULL_TO_COMMON = 0.2;

export class MarketGenerator {
  private readonly random: Random;
  private readonly common: CommonPrice;
  private readonly unitsPerPrice: number;
  private priceUnits: number | undefined;

  constructor(
    private readonly spec: SymbolSpec,
    seed: number,
  ) {
    this.random = deriveRandom(seed, spec.symbol, 'trades');
    this.common = new CommonPrice(spec.base, spec.startPrice);
    this.unitsPerPrice = 10 ** spec.pricePrecision;
  }

  /** Continues the walk from an externally appended (injected) trade. */
  setPrice(priceUnits: number): void {
    this.priceUnits = priceUnits;
  }

  /** The asset's common price at `time`, in this market's ticks (where a book starts before any trade). */
  commonUnitsAt(time: number): number {
    return Math.max(1, Math.round(this.common.at(time) * this.unitsPerPrice));
  }

  /** The next trade of the walk, at `time` (epoch ms): a buy lifts the price, a sell lowers it. */
  next(time: number): GeneratedTrade {
    const side: EmulatorSide = this.random() < 0.5 ? 'buy' : 'sell';
    const commonUnits = Math.max(1, this.common.at(time) * this.unitsPerPrice);
    const from = this.priceUnits ?? commonUnits;
    const drift = -PULL_TO_COMMON * Math.log(from / commonUnits);
    const move = Math.abs(gaussian(this.random)) * this.spec.volatility * (side === 'buy' ? 1 : -1) + drift;
    this.priceUnits = Math.max(1, Math.round(from * Math.exp(move)));
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
