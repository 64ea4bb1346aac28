/**
 * How the tickers of a list of markets are streamed ('tickers' streams, ccxt watchTickers): the stream symbols
 * (EVERY_SYMBOL, or symbolsKey of some markets) that cover them.
 * - Binance streams every spot market's ticker on one subscription (`!miniTicker@arr`): one stream for all. Its
 *   contracts (USDⓈ-M, COIN-M) are on other sockets, which that stream does not reach: they are named, as below.
 * - Elsewhere ccxt needs the symbols (Bybit's watchTickers throws ArgumentsRequired without them; Coinbase's would
 *   subscribe `ticker_batch` to every product): the markets are named, each stream holding markets of one segment
 *   (Bybit serves spot, linear and inverse on separate sockets) and at most as many as the exchange documents for one
 *   subscribe request (Bybit v5: 10 args for spot, no stated limit for contracts; 10 is kept for all). A market
 *   that is not trading (halted, delisted) has no live ticker and is left out.
 */
import { EVERY_SYMBOL, symbolsKey } from '../keys';
import type { MarketInfo } from './marketDataClient';

/** Exchanges whose watchTickers without symbols covers every spot market on one subscription. */
const EVERY_SPOT_MARKET: ReadonlySet<string> = new Set(['binance']);
/**
 * Most markets in one stream, per exchange (Infinity: no stated limit); others use DEFAULT_PER_STREAM. Binance (its
 * contracts): ccxt puts each stream on a socket of its own up to 50 and allows 200 subscriptions on one.
 */
const PER_STREAM: Readonly<Record<string, number>> = { binance: 100, bybit: 10, coinbase: Infinity };
const DEFAULT_PER_STREAM = 10;

export function tickerStreamSymbols(exchange: string, markets: readonly MarketInfo[]): string[] {
  if (markets.length === 0) return [];
  const everySpot = EVERY_SPOT_MARKET.has(exchange);
  const limit = PER_STREAM[exchange] ?? DEFAULT_PER_STREAM;
  const bySegment = new Map<string, string[]>();
  let spot = false;
  for (const m of markets) {
    const segment = segmentOf(m);
    if (everySpot && everyMarketStreamCovers(m)) {
      spot = true; // the one stream of every spot market also carries those not trading: nothing to leave out
      continue;
    }
    if (!m.active) continue;
    const list = bySegment.get(segment);
    if (list === undefined) bySegment.set(segment, [m.symbol]);
    else list.push(m.symbol);
  }
  const out: string[] = spot ? [EVERY_SYMBOL] : [];
  for (const symbols of bySegment.values()) {
    for (let i = 0; i < symbols.length; i += limit) out.push(symbolsKey(symbols.slice(i, i + limit)));
  }
  return out;
}

/** Whether an exchange's stream of every market (EVERY_SYMBOL) carries this market's ticker: its spot markets. */
export const everyMarketStreamCovers = (m: MarketInfo): boolean => segmentOf(m) === 'spot';

/** The socket a market's ticker comes over: spot, linear or inverse contracts, or a contract that cannot be read. */
function segmentOf(m: MarketInfo): string {
  const c = m.contract;
  if (c === undefined) return 'spot';
  if (typeof c === 'string') return 'unreadable';
  return c.segment === 'spot' ? 'spot' : c.settlement;
}
