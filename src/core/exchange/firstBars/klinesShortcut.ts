import type { Timeframe } from '../../timeframes';

/** One REST request for a market's newest bars, made without ccxt, and the exchange's id of the market it names. */
export interface KlinesRequest {
  readonly url: string;
  readonly marketId: string;
}

/**
 * How one exchange serves its newest klines, for a chart's first paint before ccxt and the markets have loaded (see
 * fetchFirstBars). The market's id is derived from the unified symbol by the exchange's own convention: the hub checks
 * it against ccxt's once the markets are in, and withdraws the bars where they differ.
 */
export interface FirstBarsExchange {
  /** Undefined for a market or timeframe this shortcut does not cover (a dated future, a timeframe built from others). */
  request(symbol: string, timeframe: Timeframe, limit: number, now: number): KlinesRequest | undefined;
  /** The answer's rows as ccxt's OHLCV arrays (numbers where the exchange sent decimal strings), or why it is not a klines answer. */
  rows(body: unknown, request: KlinesRequest): unknown[] | string;
}

/** `BASE/QUOTE` or `BASE/QUOTE:SETTLE` (a perpetual); undefined for anything else (a dated future, an option). */
export function symbolParts(symbol: string): { base: string; quote: string; settle: string | undefined } | undefined {
  const [, base, quote, settle] = /^([A-Z0-9]+)\/([A-Z0-9]+)(?::([A-Z0-9]+))?$/.exec(symbol) ?? [];
  return base === undefined || quote === undefined ? undefined : { base, quote, settle };
}

/** A decimal string as a number; anything else as it is, for the row check to name. */
export function decimal(v: unknown): unknown {
  return typeof v === 'string' && /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(v) ? Number(v) : v;
}
