/**
 * A panel's trades of one market, its reconnect holes taken late: the hub fetches them for it even with no chart or
 * rule on the market, and tells it those it cannot fetch (`lost`), then asks again for those and sends what it finds
 * (`found`). Each `trades` event goes to `onTrades` (streamed, late, lost or found), an error to `onError`.
 */
import type { MarketHub } from '../../core/hub/marketHub';
import type { Subscription, TradesEvent } from '../../core/hub/requests';
import type { MarketKey } from '../../core/keys';

export function tradesTakingHoles(hub: Pick<MarketHub, 'subscribe'>, market: MarketKey, onTrades: (e: Extract<TradesEvent, { type: 'trades' }>) => void, onError: (message: string) => void): Subscription {
  return hub.subscribe(
    { kind: 'trades', exchange: market.exchange, symbol: market.symbol },
    (e) => {
      if (e.type === 'trades') onTrades(e);
      else if (e.type === 'error') onError(e.message);
    },
    { lateTrades: true, refetchLost: true },
  );
}
