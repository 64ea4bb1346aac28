import type { MarketRef } from '../../shared/protocol';

/** The market the page's HTML names (webviewHtml.ts), for the label before any data (or without: a failed market). */
function marketNamedByPage(): MarketRef | undefined {
  const { exchange, symbol } = document.body.dataset;
  return exchange && symbol ? { exchange, symbol } : undefined;
}

/** The toolbar's "SYMBOL exchange" label: the latest update's market, else the one the page was opened for. */
export function MarketLabel({ market: updated }: { market: MarketRef | undefined }) {
  const market = updated ?? marketNamedByPage();
  return (
    <span class="market" title={market ? `${market.exchange} ${market.symbol}` : ''}>
      {market ? (
        <>
          <span class="market-symbol">{market.symbol}</span>
          <span class="market-exchange">{market.exchange}</span>
        </>
      ) : (
        <span class="market-exchange">loading…</span>
      )}
    </span>
  );
}
