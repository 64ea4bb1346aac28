/** The liquidations ccxt received since the last look: read from its cache, since its watch returns only one per pushed batch. */

/**
 * ccxt's Bybit handler resolves the watch once per liquidation of a pushed batch, so a watch gets the first and the
 * others reach only `exchange.liquidations` (a bounded cache of every symbol's, oldest first). After each watch,
 * everything newer than the last one taken is read from that cache, O(new entries + other symbols' since then).
 */
export class NewLiquidations {
  /** Per symbol, the cache entry taken last (entries are objects ccxt never replaces). */
  private readonly last = new Map<string, unknown>();

  /** The entries of `symbol` added to `cache` since the previous call, oldest first. */
  take(cache: unknown, symbol: string): unknown[] {
    if (!Array.isArray(cache)) return [];
    const previous = this.last.get(symbol);
    const out: unknown[] = [];
    for (let i = cache.length - 1; i >= 0; i--) {
      const entry: unknown = cache[i];
      if (entry === previous) break;
      if (symbolOf(entry) === symbol) out.push(entry);
    }
    if (out.length > 0) this.last.set(symbol, out[0]);
    return out.reverse();
  }
}

function symbolOf(entry: unknown): unknown {
  try {
    return typeof entry === 'object' && entry !== null ? (entry as { symbol?: unknown }).symbol : undefined;
  } catch {
    return undefined;
  }
}
