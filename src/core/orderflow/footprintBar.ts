/** What a footprint bar is: buy and sell volume per price bucket, with its delta, point of control and imbalances. */
import { BUY_IMBALANCE, diagonalImbalance, SELL_IMBALANCE } from '../../shared/util/diagonalImbalance';

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

/** A cell with its diagonal imbalances (the rule: diagonalImbalance). */
export function cellWithImbalances(price: number, buy: number, sell: number, sellBelow: number, buyAbove: number, ratio: number): FootprintCell {
  // A literal per case, no spread: a drain builds one cell per changed bucket.
  switch (diagonalImbalance(buy, sell, sellBelow, buyAbove, ratio)) {
    case 0:
      return { price, buy, sell };
    case BUY_IMBALANCE:
      return { price, buy, sell, buyImbalance: true };
    case SELL_IMBALANCE:
      return { price, buy, sell, sellImbalance: true };
    default:
      return { price, buy, sell, buyImbalance: true, sellImbalance: true };
  }
}
