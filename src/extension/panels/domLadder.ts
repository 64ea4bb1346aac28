import { groupLevels } from '../../core/orderbook/groupLevels';
import type { OrderBook, Trade } from '../../core/types';
import type { DomRowWire } from '../../shared/protocol';
import { decimalsOf, MOST_TICK_DECIMALS } from '../../shared/util/decimals';

/** Rows sent to the DOM webview: enough beyond its viewport that it scrolls smoothly without asking for more. */
export const LADDER_ROWS = 121;
/** No ladder is ever longer than this, whatever it is asked for: every loop over prices is bounded by it. */
export const MAX_LADDER_ROWS = 1000;
/** The window moves only when the best bid or ask comes this close (a fraction of the rows) to its edge. */
const EDGE_FRACTION = 0.2;
/** Legs a row's `tradedLegs` can name (the protocol's most legs). */
const MAX_LEG_BITS = 16;

/**
 * The DOM's model: resting size per grouped price from the book, traded volume per tick price from the trades,
 * laid out as a continuous window of rows around the spread. The window stays put while the best bid and best ask
 * are well inside it and moves to centre the spread only when one of them nears an edge. Pure; no vscode import.
 */
export class DomLadder {
  private readonly tradedByTick = new Map<number, number>();
  /** An aggregate's: which legs traded at each tick price (bit i: leg i), for the sizes' decimals. */
  private readonly tradedLegsByTick = new Map<number, number>();
  lastPrice: number | null = null;
  /** The bucket at the window's centre, for the multiple it was computed with. */
  private centre: { bucket: number; multiple: number } | undefined;

  constructor(readonly tickSize: number) {}

  /** `legOf`: an aggregate's trade's leg (0 to 15; undefined when not known). */
  addTrades(trades: readonly Trade[], legOf?: (t: Trade) => number | undefined): void {
    const last = this.count(trades, legOf);
    if (last !== undefined) this.lastPrice = last;
    if (this.tradedByTick.size > 20_000) this.forgetFarFrom(this.lastPrice);
  }

  /**
   * A reconnect's hole, fetched from REST after the stream moved on (only trades the stream never sent): their volume
   * counts at their prices, but the last price stays the stream's, which is newer.
   */
  addLate(trades: readonly Trade[], legOf?: (t: Trade) => number | undefined): void {
    this.count(trades, legOf);
    if (this.tradedByTick.size > 20_000) this.forgetFarFrom(this.lastPrice);
  }

  /** Adds the trades' volume at their tick prices; the price of the last one counted (undefined: none). */
  private count(trades: readonly Trade[], legOf: ((t: Trade) => number | undefined) | undefined): number | undefined {
    let last: number | undefined;
    for (const t of trades) {
      const tick = Math.round(t.price / this.tickSize);
      if (!Number.isSafeInteger(tick)) continue; // a price the ladder cannot lay out: never a row
      this.tradedByTick.set(tick, (this.tradedByTick.get(tick) ?? 0) + t.amount);
      const leg = legOf?.(t);
      if (leg !== undefined && leg >= 0 && leg < MAX_LEG_BITS) this.tradedLegsByTick.set(tick, (this.tradedLegsByTick.get(tick) ?? 0) | (1 << leg));
      last = t.price;
    }
    return last;
  }

  rows(book: OrderBook | undefined, multiple: number, maxRows: number): DomRowWire[] {
    const rowCount = Math.max(1, Math.min(MAX_LADDER_ROWS, Math.floor(maxRows)));
    const grouped = groupLevels(book?.bids ?? [], book?.asks ?? [], this.tickSize, multiple);
    const step = this.tickSize * multiple;
    const centre = this.centreBucket(book, step, multiple, rowCount);
    if (centre === undefined) return [];
    const half = Math.floor(rowCount / 2);
    const top = centre + half;
    // Prices beyond 2^53 ticks cannot be stepped through (b - 1 === b): such a ladder has no rows.
    if (!Number.isSafeInteger(top) || !Number.isSafeInteger(top - rowCount)) return [];
    const byBucket = new Map(grouped.map((r) => [Math.round(r.price / step), r]));
    const traded = new Map<number, number>();
    for (const [tick, vol] of this.tradedByTick) {
      const bucket = Math.floor(tick / multiple);
      traded.set(bucket, (traded.get(bucket) ?? 0) + vol);
    }
    const tradedLegs = new Map<number, number>();
    for (const [tick, legs] of this.tradedLegsByTick) {
      const bucket = Math.floor(tick / multiple);
      tradedLegs.set(bucket, (tradedLegs.get(bucket) ?? 0) | legs);
    }
    const decimals = decimalsOf(this.tickSize);
    const out: DomRowWire[] = [];
    for (let i = 0; i < rowCount; i++) {
      const b = top - i;
      const r = byBucket.get(b);
      const legs = tradedLegs.get(b);
      out.push({ price: Number((b * multiple * this.tickSize).toFixed(decimals)), bid: r?.bid ?? 0, ask: r?.ask ?? 0, traded: traded.get(b) ?? 0, ...(legs === undefined ? {} : { tradedLegs: legs }) });
    }
    return out;
  }

  /** Keeps the window where it is while the spread is well inside it; otherwise centres it on the spread. */
  private centreBucket(book: OrderBook | undefined, step: number, multiple: number, rowCount: number): number | undefined {
    const bid = book?.bids[0]?.[0];
    const ask = book?.asks[0]?.[0];
    const bidBucket = bid === undefined ? undefined : Math.floor(Math.round(bid / this.tickSize) / multiple);
    const askBucket = ask === undefined ? undefined : Math.ceil(Math.round(ask / this.tickSize) / multiple);
    const held = this.centre?.multiple === multiple ? this.centre.bucket : undefined;
    const margin = Math.floor(rowCount * EDGE_FRACTION);
    const half = Math.floor(rowCount / 2);
    const inside = (b: number | undefined) => b === undefined || (held !== undefined && b <= held + half - margin && b >= held - half + margin);
    if (held !== undefined && inside(bidBucket) && inside(askBucket)) return held;
    const oneSide = bidBucket ?? askBucket;
    let bucket: number;
    if (bidBucket !== undefined && askBucket !== undefined) bucket = Math.round((bidBucket + askBucket) / 2);
    else if (oneSide !== undefined) bucket = oneSide;
    else if (this.lastPrice !== null) bucket = Math.round(this.lastPrice / step);
    else return held;
    if (!Number.isSafeInteger(bucket)) return undefined;
    this.centre = { bucket, multiple };
    return bucket;
  }

  private forgetFarFrom(price: number | null): void {
    if (price === null) return;
    const centre = Math.round(price / this.tickSize);
    for (const tick of this.tradedByTick.keys()) {
      if (Math.abs(tick - centre) <= 5000) continue;
      this.tradedByTick.delete(tick);
      this.tradedLegsByTick.delete(tick);
    }
  }
}

/**
 * A tick size for a market listed without one: the step of the finest decimal the prices have (0.00001233 → 1e-8,
 * 60,000.5 → 0.1, 60,000 → 1); undefined without a usable price.
 */
export function tickOfPrices(prices: Iterable<number>): number | undefined {
  let decimals = -1;
  for (const p of prices) if (p > 0 && Number.isFinite(p)) decimals = Math.max(decimals, Math.min(MOST_TICK_DECIMALS, decimalsOf(p)));
  return decimals < 0 ? undefined : Number((10 ** -decimals).toFixed(decimals));
}

/** A row step of about a fifth of a basis point of the price, so a ladder is useful before the user picks one. */
export const STEP_OF_PRICE = 2e-5;

/** A new DOM's grouping puts at most this many rows between the best bid and the best ask: both in view at once. */
export const SPREAD_ROWS_AT_MOST = 24;

/**
 * The grouping a new DOM starts with, chosen once from the market's tick size and price (never from the book's
 * current level spacing, which changes from one update to the next): the smallest of `multiples` whose step is at
 * least STEP_OF_PRICE of the price, and, given the first book's `spread` (ask − bid), coarse enough that it spans at
 * most SPREAD_ROWS_AT_MOST rows: a thin market's spread would otherwise fill the ladder's window, neither side shown.
 */
export function initialMultiple(tickSize: number, price: number, multiples: readonly number[], spread?: number): number {
  const sorted = [...multiples].filter((m) => Number.isInteger(m) && m >= 1).sort((a, b) => a - b);
  const fallback = sorted[0] ?? 1;
  if (!(tickSize > 0) || !(price > 0) || !Number.isFinite(price)) return fallback;
  const bySpread = spread !== undefined && spread > 0 && Number.isFinite(spread) ? spread / tickSize / SPREAD_ROWS_AT_MOST : 0;
  const wanted = Math.max((price * STEP_OF_PRICE) / tickSize, bySpread);
  return sorted.find((m) => m >= wanted - 1e-9) ?? sorted[sorted.length - 1] ?? fallback;
}
