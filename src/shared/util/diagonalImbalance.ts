/** The diagonal imbalance rule of a footprint cell: pure, shared by the engine and the chart webview. */

/** Buying at a price is at least `ratio` × the selling one bucket below. */
export const BUY_IMBALANCE = 1;
/** Selling at a price is at least `ratio` × the buying one bucket above. */
export const SELL_IMBALANCE = 2;

/**
 * Buying at p against selling one bucket below, selling at p against buying one bucket above: BUY_IMBALANCE,
 * SELL_IMBALANCE, both or 0. A neighbour with no volume never makes an imbalance, so a bar's extremes are not
 * flagged for want of a counterpart.
 */
export function diagonalImbalance(buy: number, sell: number, sellBelow: number, buyAbove: number, ratio: number): number {
  const buyImb = sellBelow > 0 && buy >= ratio * sellBelow;
  const sellImb = buyAbove > 0 && sell >= ratio * buyAbove;
  return (buyImb ? BUY_IMBALANCE : 0) | (sellImb ? SELL_IMBALANCE : 0);
}
