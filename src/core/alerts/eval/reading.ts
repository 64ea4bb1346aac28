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
  /**
   * A late trade's reading: the market time of that trade, older than readings already made (an aggregate leg's hole
   * filled after the merged stream passed it). `time` and `barTime` are then the stream's newest, when it is judged.
   */
  readonly lateAt: number | undefined;
}

/** Readings are built here only, so all have one shape (`ref` and `lateAt` present, maybe undefined): read per rule per trade. */
export function reading(time: number, barTime: number, closed: boolean, value: number, ref: number | undefined): Reading {
  return { time, barTime, closed, value, ref, lateAt: undefined };
}

/** A late trade's reading (see Reading.lateAt), judged at the stream's newest `time` in its bar `barTime`. */
export function lateReading(time: number, barTime: number, value: number, lateAt: number): Reading {
  return { time, barTime, closed: false, value, ref: undefined, lateAt };
}

export type ReadingSink = (reading: Reading) => void;
