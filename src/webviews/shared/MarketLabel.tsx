import type { MarketRef } from '../../shared/protocol';

/** The toolbar's "SYMBOL exchange" label, or "loading…" until the first update names the market. */
export function MarketLabel({ market }: { market: MarketRef | undefined }) {
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
