import { MarketNotTradingError, UnknownExchangeError, UnknownSymbolError, UnsupportedStreamError } from '../errors';
import type { MarketDataClient, MarketInfo } from '../exchange/marketDataClient';
import { symbolsOf } from '../keys';
import { parseTimeframe } from '../timeframes';
import type { SubscriptionRequest } from './requests';
import type { Disposable } from '../../shared/util/disposable';
import type { Clock } from '../util/clock';
import type { FirstBarsExchange } from '../exchange/firstBars/klinesShortcut';

export interface ClientLookup {
  ids(): readonly string[];
  has(exchange: string): boolean;
  get(exchange: string): Promise<MarketDataClient>;
  /**
   * An exchange played back from a recording runs on a clock of its own (its replay's position): the hub runs that
   * market's candles on it and caches none of its bars. Undefined for a live exchange.
   */
  replayClock?(exchange: string): Clock | undefined;
  /** Fires with an exchange whose data went back in time (a replay seeked back): its bars are built again. */
  onDidRewind?(listener: (exchange: string) => void): Disposable;
  /** Fires with an exchange whose markets were downloaded again and list other markets, or others as trading. */
  onDidChangeMarkets?(listener: (exchange: string) => void): Disposable;
  /**
   * How a chart's first bars can be asked of the exchange without ccxt, while its client is not made yet (ccxt and the
   * markets not loaded); undefined once it is, and for an exchange reached in a way only ccxt knows.
   */
  firstBars?(exchange: string): FirstBarsExchange | undefined;
}

/** Rejects with an error naming the bad value and what is allowed; touches nothing else. */
export async function validateRequest(req: SubscriptionRequest, clients: ClientLookup): Promise<MarketDataClient> {
  if (!clients.has(req.exchange)) throw new UnknownExchangeError(req.exchange, clients.ids());
  const client = await clients.get(req.exchange);
  const markets = await client.loadMarkets();
  if (req.kind === 'tickers') {
    const known = new Set(markets.map((m) => m.symbol));
    const unknown = (symbolsOf(req.symbol) ?? []).find((s) => !known.has(s));
    if (unknown !== undefined) throw new UnknownSymbolError(req.exchange, unknown, suggestSymbols(unknown, markets));
    return client;
  }
  const market = markets.find((m) => m.symbol === req.symbol);
  if (!market) throw new UnknownSymbolError(req.exchange, req.symbol, suggestSymbols(req.symbol, markets));
  if (!market.active) throw new MarketNotTradingError(req.exchange, req.symbol);
  if (req.kind === 'candles') parseTimeframe(req.timeframe, await client.supportedTimeframes());
  if (req.kind === 'liquidations' && (market.contract === undefined || typeof market.contract === 'string' || market.contract.segment === 'spot')) {
    throw new UnsupportedStreamError(req.exchange, `liquidations on ${req.symbol}: ${typeof market.contract === 'string' ? market.contract : 'it is a spot market'}`);
  }
  return client;
}

/**
 * Close matches first: same base and quote in another spelling, then same base, then same quote. Only markets that
 * trade: a halted or delisted one would only lead to "not trading".
 */
export function suggestSymbols(symbol: string, markets: readonly MarketInfo[]): string[] {
  const [base = '', quote = ''] = symbol.toUpperCase().split(/[^A-Z0-9]+/);
  const score = (m: MarketInfo) => (m.base === base ? 2 : 0) + (m.quote === quote ? 1 : 0);
  return markets
    .filter((m) => m.active)
    .map((m) => ({ m, s: score(m) }))
    .filter((x) => x.s >= 2 || (x.s === 1 && base === ''))
    .sort((a, b) => b.s - a.s)
    .slice(0, 5)
    .map((x) => x.m.symbol);
}
