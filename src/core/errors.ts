/** Errors a user can act on: each names the bad value and what is allowed instead. */
import type { HoleKind } from './record/recordTypes';

export class TradeSuiteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

const list = (values: readonly string[], max = 12): string =>
  values.length <= max ? values.join(', ') : `${values.slice(0, max).join(', ')} … (${values.length} in all)`;

export class UnknownExchangeError extends TradeSuiteError {
  constructor(readonly exchange: string, readonly allowed: readonly string[]) {
    super(`Unknown exchange "${exchange}". Configured exchanges: ${list(allowed) || '(none)'}.`);
  }
}

export class UnknownSymbolError extends TradeSuiteError {
  constructor(readonly exchange: string, readonly symbol: string, readonly suggestions: readonly string[]) {
    super(
      `Unknown symbol "${symbol}" on ${exchange}.` +
        (suggestions.length ? ` Did you mean: ${list(suggestions, 5)}?` : ' The exchange lists no such market.'),
    );
  }
}

/** A market the exchange lists but does not trade (halted, or delisted and kept listed): nothing would ever arrive. */
export class MarketNotTradingError extends TradeSuiteError {
  constructor(readonly exchange: string, readonly symbol: string) {
    super(`${symbol} on ${exchange} is not trading: the exchange lists it as inactive (halted or delisted), so it has no live data.`);
  }
}

/**
 * The exchange refused to stream a market it is listed with (Coinbase: "Failed to subscribe"): the markets in use may
 * be older than a delisting. Retrying the same subscription cannot help.
 */
export class SubscriptionRefusedError extends TradeSuiteError {
  constructor(readonly exchange: string, readonly symbols: readonly string[], readonly detail: string) {
    super(`${exchange} refused to stream ${list(symbols, 5)}: ${detail}. The market may have been delisted since the markets were loaded.`);
  }
}

/** A market the cached markets listed, which the exchange does not know any more (checked by downloading them again). */
export class NoLongerListedError extends TradeSuiteError {
  constructor(readonly exchange: string, readonly symbol: string) {
    super(`${exchange} no longer trades ${symbol}: the markets downloaded again do not list it as trading (delisted or halted since they were last loaded), so no data comes for it while it does not trade.`);
  }
}

export class UnsupportedTimeframeError extends TradeSuiteError {
  constructor(readonly timeframe: string, readonly allowed: readonly string[]) {
    super(`Unsupported timeframe "${timeframe}". Allowed: ${list(allowed, 20)}.`);
  }
}

/** A stream the exchange does not offer (e.g. no multi-symbol ticker stream): retrying cannot help. */
export class UnsupportedStreamError extends TradeSuiteError {
  constructor(readonly exchange: string, readonly stream: string) {
    super(`${exchange} offers no ${stream}.`);
  }
}

/** An aggregate asked for what only derivatives markets have (liquidations, open interest, funding) has only spot legs. */
export class NoDerivativesLegError extends TradeSuiteError {
  constructor(readonly aggregate: string, readonly what: string) {
    super(`aggregate ${aggregate} has no ${what}: none of its legs is a perpetual or future`);
  }
}

/**
 * The exchange's markets answer listed no market it can trade (an empty list under maintenance, an answer cut short
 * by a proxy): no listing, which the markets in use are never replaced by. Worth asking again later (a server error).
 */
export class EmptyMarketsError extends TradeSuiteError {
  constructor(readonly exchange: string, readonly listed: number) {
    super(`${exchange}'s markets answer listed no market${listed > 0 ? ` that could be read (${listed} listed, none valid)` : ''}: not taken as its listing; asked again later`);
  }
}

export class InvalidDataError extends TradeSuiteError {
  constructor(readonly where: string, readonly detail: string) {
    super(`Invalid data from ${where}: ${detail}`);
  }
}

/**
 * ccxt's copy of an order book was refused update after update (a level no exchange can hold stays in it, and every
 * later update carries it): the copy is dropped and the stream reconnects to take a new snapshot.
 */
export class OrderBookResyncError extends TradeSuiteError {
  constructor(readonly where: string, readonly detail: string, readonly updates: number) {
    super(`${where}: ${detail}, in ${updates} updates in a row; the book is taken again from a new snapshot`);
  }
}

/**
 * A message of an order book's stream was lost (the exchange's sequence jumped: Coinbase's sequence_num, Bybit's u),
 * which ccxt does not check: its copy of the book would silently lack that update. The copy is dropped and the stream
 * reconnects to take a new snapshot.
 */
export class OrderBookGapError extends TradeSuiteError {
  constructor(readonly exchange: string, readonly symbol: string, readonly detail: string) {
    super(`${exchange} order book ${symbol}: ${detail}; the book is taken again from a new snapshot`);
  }
}

/**
 * One trade-stream update filled ccxt's trade cache (`tradesLimit`: 10,000 as the client sets it, ccxt's default
 * 1,000): ccxt keeps only the newest that many, so older trades of the update may have been dropped before we read
 * them. The stream goes through `reconnecting`, which makes its consumers fill the hole from REST.
 */
export class TradesOverflowError extends TradeSuiteError {
  constructor(readonly where: string, readonly kept: number) {
    super(`${where}: one update filled ccxt's trade cache (${kept} trades); older ones may have been dropped, so the gap is filled from REST`);
  }
}

/**
 * A message of a trade stream may have been lost (Coinbase's sequence_num jumped; which channel it was on cannot be
 * told): its trades are missing as after a drop, on a healthy socket. The stream passes through `reconnecting`, which
 * makes its consumers fill the hole from REST.
 */
export class TradesGapError extends TradeSuiteError {
  constructor(readonly where: string, readonly detail: string) {
    super(`${where}: ${detail}; the trades missed are fetched from REST`);
  }
}

/**
 * The socket a trade stream read on closed between two reads (no watch waited, so none failed; ccxt's next watch
 * would dial a new one without a word): the trades between the sockets came on neither. The stream passes through
 * `reconnecting`, which makes its consumers fill the hole from REST.
 */
/**
 * A reconnect's hole asked of REST, which gave trades that do not reach back to its start (an exchange that gives only
 * its newest trades, as Bybit's 1,000): what came is not the hole, and asking again reaches less far.
 */
export class HoleOutOfReachError extends TradeSuiteError {
  constructor(readonly from: number, readonly reached: number) {
    super(`the exchange's REST trades do not reach back to the reconnect (${new Date(from).toISOString()}): the oldest given is ${Number.isFinite(reached) ? `at ${new Date(reached).toISOString()}` : 'none'}`);
  }
}

export class TradesSocketLostError extends TradeSuiteError {
  constructor(readonly where: string) {
    super(`${where}: its connection closed between two reads; the trades missed are fetched from REST`);
  }
}

/**
 * The exchange said the server under a socket is about to shut down and asked for a new connection at once (Binance's
 * `serverShutdown` event: "please establish a new connection as soon as possible"). The socket's watches fail with
 * this as it comes and the socket is closed by us, so each stream reconnects on a new socket at once, not after the
 * server's close; its consumers fill the moment between from REST, as after any reconnect.
 */
export class ServerShutdownError extends TradeSuiteError {
  constructor(readonly exchange: string) {
    super(`${exchange} announced a server shutdown (serverShutdown): reconnecting on a new connection`);
  }
}

/**
 * A replay reached a hole of its recording (RecordingHole): the stream of its kind goes through `reconnecting` there,
 * as a live one after a drop. A trade stream's consumers start over and its bars are built again from the recording,
 * partial where the hole is; a book's or ticker's show theirs stale until the next update after it.
 */
export class RecordingHoleError extends TradeSuiteError {
  constructor(readonly kind: HoleKind, readonly from: number, readonly until: number, readonly reason: string) {
    super(`the recording lacks ${LACKS[kind]} from ${new Date(from).toISOString()} to ${new Date(until).toISOString()} (${reason})`);
  }
}

/** What a replayed stream lacks over a hole of each kind, as its message says. */
const LACKS: Readonly<Record<HoleKind, string>> = { trades: 'trades', book: 'order book updates (the book shown is stale until its next update)', tickers: 'ticker updates (the ticker shown is stale until its next update)' };
