/** What an evaluator produces from market data: the rule's value at one moment, before any comparison. */
export interface Reading {
  /** Market time (epoch ms) of the data behind it; for a bar close, the end of the bar. */
  readonly time: number;
  /** Open time of the bar of the rule's timeframe it belongs to. */
  readonly barTime: number;
  /** The final value of a bar (a bar close), as opposed to an update within the bar. */
  readonly closed: boolean;
  /** The rule's value (price, %, CVD, indicator value …). */
  readonly value: number;
  /** The right-hand series' value, for rules comparing two series. */
  readonly ref?: number;
}

export type ReadingSink = (reading: Reading) => void;
