/** What one exchange's REST and streams offer, read from ccxt once, and the history strategy that follows from it. */
import { bucketStart, isTimeframe, nextBucketStart, tiles, timeframeMs, TIMEFRAMES, type Timeframe } from '../timeframes';

/**
 * How REST trades can be paged, which decides whether the seam between REST history and live trades is exact:
 * - `forward`: from a time on, page after page (Binance `aggTrades` with `startTime`);
 * - `window`: only the newest trades inside a [since, until] window, so a window is paged backwards from its end
 *   (Coinbase: ccxt refuses `since` without `until`);
 * - `recent`: only the newest N trades, no time filter (Bybit `recent-trade`): exact when they reach back far enough;
 * - `none`: no REST trades at all.
 */
export type TradePaging = 'forward' | 'window' | 'recent' | 'none';

export interface ExchangeCapabilities {
  /** Kline timeframes the exchange serves itself (ccxt `timeframes`), finest first; others are folded from these. */
  readonly klineTimeframes: readonly Timeframe[];
  /** Bars per kline request (ccxt `features…fetchOHLCV.limit`). */
  readonly maxCandlesPerPage: number;
  /** A kline page is a fixed time window that leaves buckets without trades out, so an empty page is not the end. */
  readonly candlePagesAreWindows: boolean;
  readonly tradePaging: TradePaging;
  readonly maxTradesPerPage: number;
  /**
   * `forward` paging: the longest span one request covers (Binance aggTrades answers at most an hour from its
   * `startTime`), so a short page ends that span, not the trades. Undefined: a request reaches the newest trade.
   */
  readonly tradeWindowMs: number | undefined;
  /** ccxt `has`: a multi-symbol ticker stream. */
  readonly watchTickers: boolean;
  /**
   * Minutes by which the exchange's newest klines may lag its trades (Coinbase): every seed (a gap backfill too)
   * builds that many closed minutes before the live one from REST trades, not from klines that may still miss some; no kline younger than
   * that is cached or answered as an older page, and one still short within it is not a failed try to settle a bar.
   */
  readonly klineLagMinutes: number;
  /**
   * No bar of the exchange is older (ms; its first market opened then): history requests start no earlier, so a
   * deep page of a coarse timeframe (1,000 months) never asks for a negative or pre-exchange start, which exchanges
   * refuse (Binance: -1100) or answer with empty windows page after page (Coinbase).
   */
  readonly historyStart: number;
}

/** The part of a ccxt exchange instance capabilities are read from. */
export interface CcxtDescription {
  readonly has: Readonly<Record<string, unknown>>;
  readonly timeframes?: Readonly<Record<string, unknown>> | undefined;
  readonly features?: unknown;
}

/**
 * What ccxt's `has` does not say: how fetchTrades pages, from each exchange's ccxt source. An exchange not listed
 * is treated as `recent` (the newest trades, their reach checked), which is never wrong, only sometimes weaker.
 */
const TRADE_PAGING: Readonly<Record<string, TradePaging>> = { binance: 'forward', coinbase: 'window', bybit: 'recent' };
const TRADES_PER_PAGE: Readonly<Record<string, number>> = { binance: 1000, coinbase: 1000, bybit: 1000 };
/** Binance: "If both startTime and endTime are sent, time between startTime and endTime must be less than 1 hour" (ccxt asks since + 1 h). */
const TRADE_WINDOW_MS: Readonly<Record<string, number>> = { binance: 3_600_000 };
const CANDLE_WINDOWS: ReadonlySet<string> = new Set(['coinbase']);
const KLINE_LAG_MINUTES: Readonly<Record<string, number>> = { coinbase: 2 };
/** The month each exchange opened (Binance 2017-07-14, Coinbase Exchange 2015-01-26, Bybit 2018-03) or earlier. */
const HISTORY_START: Readonly<Record<string, number>> = { binance: Date.UTC(2017, 6, 1), coinbase: Date.UTC(2015, 0, 1), bybit: Date.UTC(2018, 2, 1) };
/** Any other exchange: no crypto market traded before Bitcoin's genesis block. */
const GENESIS = Date.UTC(2009, 0, 3);

export function readCapabilities(exchangeId: string, ex: CcxtDescription): ExchangeCapabilities {
  const klineTimeframes = ex.has['fetchOHLCV'] ? Object.keys(ex.timeframes ?? {}).filter(isTimeframe).sort((a, b) => timeframeMs(a) - timeframeMs(b)) : [];
  const tradePaging = ex.has['fetchTrades'] ? (TRADE_PAGING[exchangeId] ?? 'recent') : 'none';
  return {
    klineTimeframes,
    maxCandlesPerPage: ohlcvLimit(ex.features) ?? 500,
    candlePagesAreWindows: CANDLE_WINDOWS.has(exchangeId),
    tradePaging,
    maxTradesPerPage: TRADES_PER_PAGE[exchangeId] ?? 500,
    tradeWindowMs: tradePaging === 'forward' ? TRADE_WINDOW_MS[exchangeId] : undefined,
    watchTickers: Boolean(ex.has['watchTickers']),
    klineLagMinutes: KLINE_LAG_MINUTES[exchangeId] ?? 0,
    historyStart: HISTORY_START[exchangeId] ?? GENESIS,
  };
}

/** ccxt `features`: the spot fetchOHLCV limit, else the linear swap one, else the smallest stated for any market type. */
function ohlcvLimit(features: unknown): number | undefined {
  const at = (...path: string[]): unknown => path.reduce<unknown>((node, k) => (typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[k] : undefined), features);
  for (const limit of [at('spot', 'fetchOHLCV', 'limit'), at('swap', 'linear', 'fetchOHLCV', 'limit')]) if (typeof limit === 'number' && Number.isInteger(limit) && limit > 0) return limit;
  let min: number | undefined;
  const visit = (node: unknown, depth: number): void => {
    if (typeof node !== 'object' || node === null || depth > 3) return;
    const record = node as Record<string, unknown>;
    const ohlcv = record['fetchOHLCV'];
    const limit = typeof ohlcv === 'object' && ohlcv !== null ? (ohlcv as Record<string, unknown>)['limit'] : undefined;
    if (typeof limit === 'number' && Number.isInteger(limit) && limit > 0) min = min === undefined ? limit : Math.min(min, limit);
    for (const [k, v] of Object.entries(record)) if (k !== 'fetchOHLCV') visit(v, depth + 1);
  };
  visit(features, 0);
  return min;
}

/** The first `tf` bucket a request may start at: the one holding `historyStart` (never before the epoch). */
export function historyFloor(tf: Timeframe, historyStart: number): number {
  const first = bucketStart(tf, Math.max(0, historyStart));
  return first < 0 ? nextBucketStart(tf, first) : first;
}

/** The timeframe whose klines build `tf`: `tf` itself when served, else the coarsest served one that tiles it. */
export function klineSource(tf: Timeframe, served: readonly Timeframe[]): Timeframe | undefined {
  if (served.includes(tf)) return tf;
  let best: Timeframe | undefined;
  for (const s of served) if (tiles(s, tf) && (best === undefined || timeframeMs(s) > timeframeMs(best))) best = s;
  return best;
}

/** Every timeframe a chart can have on this exchange: served ones and those built from them. */
export function buildableTimeframes(served: readonly Timeframe[]): Timeframe[] {
  return TIMEFRAMES.filter((tf) => klineSource(tf, served) !== undefined);
}
