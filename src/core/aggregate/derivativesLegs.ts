/** An aggregate's derivatives legs (perpetuals and futures) resolved against their markets: the legs that have liquidations, open interest and funding. */
import { NoDerivativesLegError } from '../errors';
import type { MarketInfo } from '../exchange/marketDataClient';
import type { TradeSide } from '../types';
import type { AggregateDefinition } from './aggregateDefinition';
import { legMarketLists, resolveLegs, type ResolvedLeg } from './legResolution';

/** Rejects, naming the aggregate, when its legs do not fit their markets, or with a NoDerivativesLegError when none is a derivatives market. */
export async function derivativesLegs(markets: (exchange: string) => Promise<readonly MarketInfo[]>, def: AggregateDefinition, what: string): Promise<ResolvedLeg[]> {
  const lists = await legMarketLists(markets, def.legs);
  const resolution = resolveLegs(def, (exchange) => lists.get(exchange) ?? 'not configured');
  if (!resolution.ok) throw new Error(`aggregate ${def.name}: ${resolution.issues.join('; ')}`);
  const derivatives = resolution.legs.filter((l) => l.contract.segment !== 'spot');
  if (derivatives.length === 0) throw new NoDerivativesLegError(def.name, what);
  return derivatives;
}

/**
 * Whether a liquidation took out a long position. Bybit's stream names the liquidated position's side (Buy: a long);
 * Binance's and OKX's name the liquidation order's side (a long is closed by selling).
 */
export function liquidatedLong(exchange: string, side: 'buy' | 'sell'): boolean {
  return exchange === 'bybit' ? side === 'buy' : side === 'sell';
}

/** The side of a liquidation's order, whatever the exchange's convention: a long position is closed by a sell. */
export function liquidationOrderSide(exchange: string, side: TradeSide): TradeSide {
  return liquidatedLong(exchange, side) ? 'sell' : 'buy';
}
