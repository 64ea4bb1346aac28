/**
 * A synthetic order book per symbol, kept around the last trade price. Every tick produces one Binance
 * diff (U = previous u + 1, u = U + number of level changes - 1; removed levels carry quantity 0).
 */
import { deriveRandom, gaussian, randomInt, type Random } from './prng';
import type { SymbolSpec } from './symbols';

/** [priceUnits, quantityUnits]; quantity 0 removes the level. */
export type LevelUnits = readonly [price: number, quantity: number];

export interface DepthUpdate {
  readonly firstUpdateId: number;
  readonly finalUpdateId: number;
  readonly bids: readonly LevelUnits[];
  readonly asks: readonly LevelUnits[];
}

export interface BookSnapshot {
  readonly lastUpdateId: number;
  readonly bids: readonly LevelUnits[];
  readonly asks: readonly LevelUnits[];
}

/** Levels whose quantity is re-drawn on every tick, per side (besides re-centering). */
const CHURN_PER_TICK = 4;
/** How many levels from the best one setHoles() may empty. */
const HOLE_DEPTH = 12;

export class OrderBook {
  private readonly bids = new Map<number, number>();
  private readonly asks = new Map<number, number>();
  private readonly random: Random;
  private lastUpdateId = 1_000_000;
  /** Grid levels left empty on each side of the mid (0: the best levels are the grid levels next to it). */
  private gapLevels = 0;
  /** Chance that each of the top levels behind the best one is missing in a step (irregular level spacing). */
  private holeChance = 0;

  constructor(
    private readonly spec: SymbolSpec,
    seed: number,
    private readonly levels: number,
    midUnits: number,
  ) {
    this.random = deriveRandom(seed, spec.symbol, 'book');
    this.recenter(midUnits, new Map(), new Map());
    this.lastUpdateId += 1;
  }

  get updateId(): number {
    return this.lastUpdateId;
  }

  /** Moves the book to `midUnits` and churns a few levels; returns the diff, or undefined when nothing changed. */
  tick(midUnits: number): DepthUpdate | undefined {
    const bidChanges = new Map<number, number>();
    const askChanges = new Map<number, number>();
    this.recenter(midUnits, bidChanges, askChanges);
    this.churn(this.bids, bidChanges);
    this.churn(this.asks, askChanges);
    if (this.holeChance > 0) {
      this.punchHoles(this.bids, bidChanges, (a, b) => b - a);
      this.punchHoles(this.asks, askChanges, (a, b) => a - b);
    }
    const count = bidChanges.size + askChanges.size;
    if (count === 0) return undefined;
    const firstUpdateId = this.lastUpdateId + 1;
    this.lastUpdateId += count;
    return {
      firstUpdateId,
      finalUpdateId: this.lastUpdateId,
      bids: [...bidChanges].sort((a, b) => b[0] - a[0]),
      asks: [...askChanges].sort((a, b) => a[0] - b[0]),
    };
  }

  /** An update id for a diff the stream carries but the book does not (a malformed frame in sequence). */
  takeUpdateId(): number {
    return ++this.lastUpdateId;
  }

  /** Widens (or narrows back) the spread: `levels` grid levels are left empty on each side from the next tick on. */
  setGap(levels: number): void {
    this.gapLevels = levels;
  }

  /** From the next step on, each of the top levels behind the best one is missing with this chance (0 to 1). */
  setHoles(chance: number): void {
    this.holeChance = chance;
  }

  /** Top `limit` levels per side, best first, consistent with `lastUpdateId`. */
  snapshot(limit: number): BookSnapshot {
    return {
      lastUpdateId: this.lastUpdateId,
      bids: [...this.bids].sort((a, b) => b[0] - a[0]).slice(0, limit),
      asks: [...this.asks].sort((a, b) => a[0] - b[0]).slice(0, limit),
    };
  }

  bestBid(): LevelUnits | undefined {
    return best(this.bids, (a, b) => a > b);
  }

  bestAsk(): LevelUnits | undefined {
    return best(this.asks, (a, b) => a < b);
  }

  private quantity(): number {
    const amount = this.spec.typicalAmount * 3 * Math.exp(gaussian(this.random));
    return Math.max(1, Math.round(amount * 10 ** this.spec.amountPrecision));
  }

  /** Keeps exactly the grid levels strictly below (bids) and above (asks) `mid`, recording every change. */
  private recenter(mid: number, bidChanges: Map<number, number>, askChanges: Map<number, number>): void {
    const spacing = this.spec.levelSpacingTicks;
    const gap = this.gapLevels * spacing;
    const bidTop = Math.max(spacing, Math.floor((mid - 1) / spacing) * spacing - gap);
    const bidLow = Math.max(spacing, bidTop - (this.levels - 1) * spacing);
    const askLow = (Math.floor(mid / spacing) + 1) * spacing + gap;
    const askTop = askLow + (this.levels - 1) * spacing;
    this.fitSide(this.bids, bidLow, bidTop, bidChanges);
    this.fitSide(this.asks, askLow, askTop, askChanges);
  }

  private fitSide(side: Map<number, number>, low: number, high: number, changes: Map<number, number>): void {
    for (const price of side.keys()) {
      if (price < low || price > high) {
        side.delete(price);
        changes.set(price, 0);
      }
    }
    const spacing = this.spec.levelSpacingTicks;
    for (let price = low; price <= high; price += spacing) {
      if (!side.has(price)) {
        const qty = this.quantity();
        side.set(price, qty);
        changes.set(price, qty);
      }
    }
  }

  /** Empties a random choice of the top levels (the best one stays); the next recenter puts them back. */
  private punchHoles(side: Map<number, number>, changes: Map<number, number>, bestFirst: (a: number, b: number) => number): void {
    const top = [...side.keys()].sort(bestFirst).slice(1, HOLE_DEPTH);
    for (const price of top) {
      if (this.random() >= this.holeChance) continue;
      side.delete(price);
      changes.set(price, 0);
    }
  }

  private churn(side: Map<number, number>, changes: Map<number, number>): void {
    if (side.size === 0) return;
    const prices = [...side.keys()];
    for (let n = 0; n < CHURN_PER_TICK; n++) {
      const price = prices[randomInt(this.random, 0, prices.length - 1)] as number;
      const qty = this.quantity();
      if (side.get(price) !== qty) {
        side.set(price, qty);
        changes.set(price, qty);
      }
    }
  }
}

function best(side: Map<number, number>, better: (a: number, b: number) => boolean): LevelUnits | undefined {
  let bestPrice: number | undefined;
  for (const price of side.keys()) if (bestPrice === undefined || better(price, bestPrice)) bestPrice = price;
  return bestPrice === undefined ? undefined : [bestPrice, side.get(bestPrice) as number];
}
