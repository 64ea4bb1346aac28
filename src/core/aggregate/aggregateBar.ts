/** One bar of an aggregated market: OHLC, volume and taker flow in base units, split spot vs perp and per leg. */

/** Taker volume in base units (delta = buyVolume − sellVolume) and the number of trades. */
export interface Flow {
  readonly trades: number;
  readonly volume: number;
  readonly buyVolume: number;
  readonly sellVolume: number;
}

export interface AggregateBar extends Flow {
  readonly time: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  /** Spot legs and derivatives legs (perpetuals and futures). */
  readonly spot: Flow;
  readonly perp: Flow;
  /** Each leg's share, in the aggregate's leg order. */
  readonly legs: readonly Flow[];
  /** A leg's trades of this bar may be missing (its socket is down, or the hole it left could not be filled), or, for a bar from history, a leg has no kline for it. */
  readonly partial?: true;
  /** With `partial`, on a live bar whose first hole began inside it: since when (ms) a leg's trades may be missing. */
  readonly partialSince?: number;
  /** From before the aggregate opened, merged from the legs' klines: price and volume only (buy and sell volume 0, no trade count). */
  readonly history?: true;
}

export type AggregateBarDelta =
  | { readonly kind: 'updated'; readonly bar: AggregateBar }
  | { readonly kind: 'closed'; readonly bar: AggregateBar }
  | { readonly kind: 'revised'; readonly bar: AggregateBar };

export const barDelta = (f: Flow): number => f.buyVolume - f.sellVolume;

/** The cumulative volume delta at the close of each bar, from 0 before the first. */
export function cumulativeDelta(bars: readonly Flow[]): number[] {
  let cvd = 0;
  return bars.map((b) => (cvd += barDelta(b)));
}
