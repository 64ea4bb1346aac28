/**
 * The longest exchange id or symbol: the exchange's market names are refused past it where they come in
 * (src/core/exchange/normalize.ts), and a panel's page refuses a message naming a longer one (src/shared/protocol).
 */
export const MAX_MARKET_NAME_CHARS = 100;
