/**
 * Which markets Binance's all-market ticker arrays (`!ticker@arr`, `!miniTicker@arr`) carry in a push: "only tickers
 * that have changed will be present in the array" (its WebSocket docs, spot and futures alike). A market that did not
 * trade, and whose 24 h window lost no trade, is left out, so a client subscribing sees a quiet market only once it
 * trades: it needs a REST snapshot (`GET /api/v3/ticker/24hr`) for the rest.
 */
import type { TickerStats } from '../ticker';

export class ChangedTickers {
  /** Per market id, the window's first and last trade ids at the last push that looked at it. */
  private readonly pushed = new Map<string, string>();

  /**
   * Whether the market's statistics changed since the last push (and remembers them). A market not looked at before
   * (the arrays' first push) has not changed: what it holds is what a subscriber's snapshot would show.
   */
  changed(id: string, stats: Pick<TickerStats, 'firstId' | 'lastId'>): boolean {
    const key = `${stats.firstId}:${stats.lastId}`;
    const before = this.pushed.get(id);
    this.pushed.set(id, key);
    return before !== undefined && before !== key;
  }
}
