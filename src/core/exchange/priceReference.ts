/** The last accepted live price per symbol: the anchor of the exchange boundary's sane-range check. */

/** Consecutive rejected live values after which the anchor is dropped (it may itself have been wrong). */
export const MAX_MISSES = 5;

/**
 * A reference moves with every accepted live price. Rejections are counted; after MAX_MISSES in a row the reference
 * is forgotten and the next valid price sets it again, so one wrong first price cannot lock a market out.
 */
export class PriceReferences {
  private readonly bySymbol = new Map<string, { price: number; misses: number }>();

  get(symbol: string): number | undefined {
    return this.bySymbol.get(symbol)?.price;
  }

  /** Once per live message: the symbol's record is updated in place. */
  accepted(symbol: string, price: number): void {
    const r = this.bySymbol.get(symbol);
    if (r) {
      r.price = price;
      r.misses = 0;
    } else this.bySymbol.set(symbol, { price, misses: 0 });
  }

  rejected(symbol: string): void {
    const r = this.bySymbol.get(symbol);
    if (r && ++r.misses >= MAX_MISSES) this.bySymbol.delete(symbol);
  }

  forget(symbol: string): void {
    this.bySymbol.delete(symbol);
  }
}
