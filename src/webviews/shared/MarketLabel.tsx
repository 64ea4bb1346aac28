import type { MarketRef } from '../../shared/protocol';
import { marketPlace } from '../../shared/util/replayId';

/** The market the page's HTML names (webviewHtml.ts), for the label before any data (or without: a failed market). */
function marketNamedByPage(): MarketRef | undefined {
  const { exchange, symbol } = document.body.dataset;
  return exchange && symbol ? { exchange, symbol } : undefined;
}

/** The toolbar's "SYMBOL exchange" label (a replay's exchange as its tab title says it): the latest update's market, else the one the page was opened for. */
export function MarketLabel({ market: updated }: { market: MarketRef | undefined }) {
  const market = updated ?? marketNamedByPage();
  const place = market && marketPlace(market.exchange);
  return (
    <span class="market" title={market ? `${place} ${market.symbol}` : ''}>
      {market ? (
        <>
          <span class="market-symbol">{market.symbol}</span>
          <span class="market-exchange toolbar-note">{place}</span>
        </>
      ) : (
        <span class="market-exchange toolbar-note">loading…</span>
      )}
    </span>
  );
}
