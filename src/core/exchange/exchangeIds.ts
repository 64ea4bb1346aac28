/** Is this a real ccxt exchange id, with streams? Answered from a list generated at build time: ccxt is not loaded. */
import { quoteShort } from '../../shared/util/shortText';
import { didYouMean } from '../alerts/config/didYouMean';
import { CCXT_EXCHANGES, CCXT_PRO_EXCHANGES } from './ccxtExchanges.generated';

const ALL = new Set(CCXT_EXCHANGES);
const STREAMING = new Set(CCXT_PRO_EXCHANGES);

/**
 * Why `id` cannot be used for live data, or undefined when it can: unknown to ccxt (with a did-you-mean), or known
 * but without WebSocket streams in ccxt.pro. Lookups are in Sets, so "constructor" or "__proto__" are unknown ids.
 */
export function exchangeIdProblem(id: string): string | undefined {
  if (STREAMING.has(id)) return undefined;
  if (ALL.has(id)) return `${quoteShort(id)} has no live streams in ccxt (ccxt.pro), which TradeSuite needs`;
  const hint = didYouMean(id, CCXT_PRO_EXCHANGES);
  return `${quoteShort(id)} is not a ccxt exchange id${hint ? `; did you mean "${hint}"?` : ' (see the ids listed by ccxt, e.g. "binance", "coinbase", "kraken")'}`;
}
