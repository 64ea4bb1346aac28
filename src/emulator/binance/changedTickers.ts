/**
 * Which markets Binance's all-market ticker arrays (`!ticker@arr`, `!miniTicker@arr`) carry in a push: "only tickers
 * that have changed will be present in the array" (its WebSocket docs, spot and futures alike). A market that did not
 * trade, and whose 24 h window lost no trade, is left out, so a client subscribing sees a quiet market only once it
 * trades: it needs a REST snapshot (`GET /api/v3/ticker/24hr`) for the rest.
 */
export class ChangedTickers {
  /** Per market id, which trades its 24 h window held at the last push. */
  private readonly pushed = new Map<string, string>();

  /**
   * Whether the market's window changed since the last push (and remembers it). Called on every push for every live
   * market, subscribed or not, so a change is carried by the push after it and by no later one; a market not looked
   * at before (just started) has not changed.
   */
  changed(id: string, windowKey: string): boolean {
    const before = this.pushed.get(id);
    this.pushed.set(id, windowKey);
    return before !== undefined && before !== windowKey;
  }
}
