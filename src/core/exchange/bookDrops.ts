/**
 * ccxt's copies of books being dropped to be taken again (a lost message, refused books in a row). ccxt's unWatch
 * ends at the exchange's answer to the unsubscribe, a round trip a slow uplink stretches to ccxt's keep-alive or our
 * Coinbase unsubscribe timeout (10-15 s): the stream said nothing of the lost message meanwhile, its book frozen as
 * `live`. Now the stream says it takes the book again at once, and its next watch waits here for the drop: ccxt sends
 * no subscribe for a book it still holds subscribed.
 */
export class BookDrops {
  private readonly pending = new Map<string, Promise<void>>();

  /** Starts `unwatch` (which never rejects) for `symbol`, unless a drop of it is under way already. */
  start(symbol: string, unwatch: () => Promise<void>): void {
    if (this.pending.has(symbol)) return;
    const done = unwatch().finally(() => {
      if (this.pending.get(symbol) === done) this.pending.delete(symbol);
    });
    this.pending.set(symbol, done);
  }

  /** Resolves once no drop of `symbol` is under way. */
  settled(symbol: string): Promise<void> {
    return this.pending.get(symbol) ?? Promise.resolve();
  }
}
