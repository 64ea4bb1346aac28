/**
 * The longest names of a market, one number each, checked wherever a name comes in: a symbol (and a base or quote)
 * from an exchange (src/core/exchange/normalize.ts), an aggregate's leg, an alert rule, a setting, a panel's page.
 */

/** The longest symbol, base or quote: an exchange's longer market names are dropped where they come in. */
export const MAX_SYMBOL_CHARS = 100;

/** The longest exchange id: ccxt's are a word ("binance"), as the exchanges setting, an aggregate's leg and a rule take them. */
export const MAX_EXCHANGE_ID_CHARS = 40;

/**
 * The longest exchange or symbol a panel's page takes: any symbol; an exchange is an id, or a replay's id (which
 * names the replayed market, src/shared/util/replayId.ts) held to the same length.
 */
export const MAX_MARKET_NAME_CHARS = MAX_SYMBOL_CHARS;
