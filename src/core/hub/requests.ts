import type { CandleDelta } from '../candles/candleDelta';
import type { FoundSpan } from './lostHoleRefetch';
import type { EVERY_SYMBOL } from '../keys';
import type { Timeframe } from '../timeframes';
import type { Candle, Liquidation, MarketTicker, OrderBook, StreamState, Ticker, Trade } from '../types';
import type { Disposable } from '../../shared/util/disposable';

export type SubscriptionRequest =
  | { readonly kind: 'candles'; readonly exchange: string; readonly symbol: string; readonly timeframe: Timeframe; readonly historyBars?: number }
  | { readonly kind: 'trades'; readonly exchange: string; readonly symbol: string }
  | { readonly kind: 'orderbook'; readonly exchange: string; readonly symbol: string }
  | { readonly kind: 'ticker'; readonly exchange: string; readonly symbol: string }
  /** A derivatives market's liquidations (ccxt watchLiquidations). */
  | { readonly kind: 'liquidations'; readonly exchange: string; readonly symbol: string }
  /**
   * The tickers of many markets on one stream (ccxt watchTickers), for lists of them: every market of the exchange
   * (EVERY_SYMBOL), or the markets named by symbolsKey (an exchange whose stream needs them: see tickerStreams.ts).
   */
  | { readonly kind: 'tickers'; readonly exchange: string; readonly symbol: typeof EVERY_SYMBOL | string };

type Common = { readonly type: 'state'; readonly state: StreamState } | { readonly type: 'error'; readonly message: string };

export type CandleEvent =
  /**
   * Bars to paint at once while the history is topped up over REST: the disk cache's, or the exchange's newest page
   * asked without ccxt while ccxt and the markets load. A snapshot follows; `cached` with none withdraws the bars sent
   * (the exchange's markets named another id for the market than the one asked). `fromExchange`: the exchange's page.
   */
  | { readonly type: 'cached'; readonly candles: readonly Candle[]; readonly fromExchange?: true }
  /** Every bar held. `historyOffline`: REST history could not be loaded, so these are the cached bars and live
   *  trades only; a new snapshot follows when a retry loads it. */
  | { readonly type: 'snapshot'; readonly candles: readonly Candle[]; readonly historyOffline?: true }
  | { readonly type: 'deltas'; readonly deltas: readonly CandleDelta[]; readonly dataTime?: number }
  | Common;
/**
 * `late`: trades older than some already sent, once each, in their own order: one market's reconnect's hole, fetched
 * from REST by its candle factory's gap backfill where it has one (a chart or a candle rule on it), else by the hub
 * for its subscribers that take holes late (SubscribeOptions.lateTrades), or an aggregate's leg whose hole was filled
 * after the merged stream had passed their time. Consumers that fill their own holes (footprint, recorder, aggregate
 * legs) leave them; the alert rules, the tape, the DOM and the heatmap take them (into their windows, rows, traded
 * column and columns of their time).
 */
export type TradesEvent =
  | { readonly type: 'trades'; readonly trades: readonly Trade[]; readonly late?: true; readonly lost?: undefined; readonly found?: undefined }
  /**
   * A reconnect's hole whose trades will not come late after all (REST failed, or whoever was fetching it stopped):
   * sent, with no trades, to every subscriber of the market. Those that take holes late (SubscribeOptions.lateTrades)
   * had their windows waiting for it; for the others it names the span whose trades they will never get (the tape
   * shows it as a row). A consumer that fills its own holes (an aggregate's leg, the recorder, a footprint) leaves it
   * as it leaves any late event.
   */
  | { readonly type: 'trades'; readonly trades: readonly []; readonly late: true; readonly lost: LostHole; readonly found?: undefined }
  /**
   * A hole told lost whose trades a later ask of REST found after all (those the stream never sent, maybe none), to
   * the subscribers that asked for them (SubscribeOptions.refetchLost) only: the `trades missing` span they showed
   * for it (`found`: where it lies) is withdrawn. The rules never get one: their windows started over at the loss.
   */
  | { readonly type: 'trades'; readonly trades: readonly Trade[]; readonly late: true; readonly lost?: undefined; readonly found: FoundSpan }
  | Common;

/** A reconnect's hole whose trades could not be fetched: after the trade at `from`, up to the stream's pick-up at `until` (unknown while it had not picked up). */
export interface LostHole {
  readonly from: number;
  readonly until?: number;
  /** Why, for the user ("HTTP 503 …", "the candle series fetching them was closed"). */
  readonly reason: string;
}
export type OrderBookEvent = { readonly type: 'orderbook'; readonly book: OrderBook } | Common;
export type TickerEvent = { readonly type: 'ticker'; readonly ticker: Ticker } | Common;
export type LiquidationsEvent = { readonly type: 'liquidations'; readonly liquidations: readonly Liquidation[] } | Common;
/** The tickers that changed since the last event (a batch of the exchange's markets). */
export type TickersEvent = { readonly type: 'tickers'; readonly tickers: readonly MarketTicker[] } | Common;

export type EventFor<R extends SubscriptionRequest> = R['kind'] extends 'candles'
  ? CandleEvent
  : R['kind'] extends 'trades'
    ? TradesEvent
    : R['kind'] extends 'orderbook'
      ? OrderBookEvent
      : R['kind'] extends 'ticker'
        ? TickerEvent
        : R['kind'] extends 'liquidations'
          ? LiquidationsEvent
          : TickersEvent;

export type HubEvent = CandleEvent | TradesEvent | OrderBookEvent | TickerEvent | TickersEvent | LiquidationsEvent;

/** How a consumer wants its subscription started (MarketHub.subscribe). */
export interface SubscribeOptions {
  /**
   * When a candles subscription showed bars before its check (the disk cache's, or the exchange's newest page), its
   * check and live start (ccxt, the markets, the exchange's top-up and stream) wait until this settles. A chart
   * passes its page's first paint of those bars: a new window's page loads on a quiet extension host instead of one
   * busy with the feed's start. The caller bounds the wait; with no bars shown there is none (the feed brings them).
   */
  readonly startAfter?: Promise<void>;
  /**
   * A `trades` subscriber that takes a reconnect's hole as a late `trades` event (alert rules, a tape, a DOM, a
   * heatmap): while one is subscribed, a market with no candle factory has its holes fetched from REST for it, and a
   * hole that cannot be fetched is told to it as lost (a late event carrying `lost`). Others (a footprint, the
   * recorder, which fill their own holes) cost no such request; a hole fetched anyway (for a chart or a rule) reaches
   * them late too, and one lost is told to them as to the rules, which they may ignore.
   * While a hole is owed it reads the stream `live` with `catchingUp`, then plain `live` after the hole's event.
   */
  readonly lateTrades?: boolean;
  /**
   * With `lateTrades`: a subscriber whose rows and columns can still take a lost hole's trades in (a tape, a DOM, a
   * heatmap; not the rules, whose windows start over at the loss). While one is subscribed, each hole told lost is
   * asked of REST again on a backoff (as a chart's failed backfill is), and what it finds comes as a late event
   * carrying `found`, to these subscribers only.
   */
  readonly refetchLost?: boolean;
}

export interface Subscription extends Disposable {
  /** Resolves once the request is validated and resources are acquired; rejects with a clear error otherwise. */
  readonly ready: Promise<void>;
  /**
   * A candles subscription's: resolves once the disk cache was read, true when it had bars (sent as `cached` by then,
   * or, when the request was validated first, by the series it attached to), so a consumer waiting for cached bars
   * knows when there are none.
   */
  readonly cacheRead?: Promise<boolean>;
}
