/**
 * Topics armed to lose their next message(s) (the 'book-gap' and 'trade-gap' faults): the exchange moves on and the
 * messages are never sent, so the one after them shows the jump in the exchange's own sequence (Binance's U and trade
 * ids, Coinbase's sequence_num, Bybit's u).
 */
export class BookGaps {
  /** Topic → messages still to lose. */
  private readonly armed = new Map<string, number>();

  arm(topic: string, messages = 1): void {
    this.armed.set(topic, (this.armed.get(topic) ?? 0) + messages);
  }

  /** Whether the message now due on `topic` is to be lost (counting it off). */
  take(topic: string): boolean {
    const left = this.armed.get(topic);
    if (left === undefined) return false;
    if (left <= 1) this.armed.delete(topic);
    else this.armed.set(topic, left - 1);
    return true;
  }
}
