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
  /**
   * Ascending by price; only buckets that traded. In a snapshot every cell; in a change (`drain`) the cells that
   * changed and their neighbours (whose imbalances may have changed), to merge by price into the bar held.
   */
  readonly cells: readonly FootprintCell[];
  /** Trades of this bar may be missing (the history began inside it, or a reconnect's hole could not be filled). */
  readonly partial?: true;
}

/** The default ratio for a diagonal imbalance (ask at p against bid at the bucket below). */
export const DEFAULT_IMBALANCE_RATIO = 3;

/**
 * A cell with its diagonal imbalances: buying at p against selling one bucket below, selling at p against buying one
 * bucket above. A neighbour with no volume never makes an imbalance, so a bar's extremes are not flagged for want of
 * a counterpart.
 */
export function cellWithImbalances(price: number, buy: number, sell: number, sellBelow: number, buyAbove: number, ratio: number): FootprintCell {
  const buyImb = sellBelow > 0 && buy >= ratio * sellBelow;
  const sellImb = buyAbove > 0 && sell >= ratio * buyAbove;
  if (!buyImb && !sellImb) return { price, buy, sell };
  return { price, buy, sell, ...(buyImb ? { buyImbalance: true as const } : {}), ...(sellImb ? { sellImbalance: true as const } : {}) };
}
