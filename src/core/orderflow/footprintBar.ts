/** What a footprint bar is: buy and sell volume per price bucket, with its delta, point of control and imbalances. */

export interface FootprintCell {
  /** The bucket's lowest price. */
  readonly price: number;
  /** Volume of trades whose aggressor bought (lifted the ask) in this bucket. */
  readonly buy: number;
  /** Volume of trades whose aggressor sold (hit the bid). */
  readonly sell: number;
  /** Diagonal imbalance: buying here ≥ ratio × selling one bucket below. */
  readonly buyImbalance?: true;
  /** Diagonal imbalance: selling here ≥ ratio × buying one bucket above. */
  readonly sellImbalance?: true;
}

export interface FootprintBar {
  /** The bucket's start in epoch milliseconds. */
  readonly time: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly buyVolume: number;
  readonly sellVolume: number;
  /** buyVolume − sellVolume. */
  readonly delta: number;
  /** The price of the bucket with the most volume (the lowest such bucket on a tie). */
  readonly poc: number;
  /** Ascending by price; only buckets that traded. */
  readonly cells: readonly FootprintCell[];
  /** Trades of this bar may be missing (the history began inside it, or a reconnect's hole could not be filled). */
  readonly partial?: true;
}

/** The default ratio for a diagonal imbalance (ask at p against bid at the bucket below). */
export const DEFAULT_IMBALANCE_RATIO = 3;

/**
 * Marks diagonal imbalances on cells sorted by price with no missing bucket between neighbours taken into account:
 * the bucket below p is the one whose index is one less (absent means zero volume, which never makes an imbalance,
 * so a bar's extremes are not flagged for want of a counterpart). O(cells).
 */
export function withImbalances(cells: ReadonlyArray<{ readonly index: number; readonly price: number; readonly buy: number; readonly sell: number }>, ratio: number): FootprintCell[] {
  const out: FootprintCell[] = new Array<FootprintCell>(cells.length);
  for (let i = 0; i < cells.length; i++) {
    const c = cells[i];
    if (c === undefined) continue;
    const below = cells[i - 1];
    const above = cells[i + 1];
    const sellBelow = below && below.index === c.index - 1 ? below.sell : 0;
    const buyAbove = above && above.index === c.index + 1 ? above.buy : 0;
    const buyImb = sellBelow > 0 && c.buy >= ratio * sellBelow;
    const sellImb = buyAbove > 0 && c.sell >= ratio * buyAbove;
    out[i] = { price: c.price, buy: c.buy, sell: c.sell, ...(buyImb ? { buyImbalance: true as const } : {}), ...(sellImb ? { sellImbalance: true as const } : {}) };
  }
  return out;
}
