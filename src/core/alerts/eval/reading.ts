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

/** Readings are built here only, so all have one shape (`ref` present, maybe undefined): read per rule per trade. */
export function reading(time: number, barTime: number, closed: boolean, value: number, ref: number | undefined): Reading {
  return { time, barTime, closed, value, ref };
}

export type ReadingSink = (reading: Reading) => void;
