/**
 * Topics armed to lose their next message (the 'book-gap' and 'trade-gap' faults): the exchange moves on and the
 * message is never sent, so the one after it shows the jump in the exchange's own sequence (Binance's U, Coinbase's
 * sequence_num, Bybit's u).
 */
export class BookGaps {
  private readonly armed = new Set<string>();

  arm(topic: string): void {
    this.armed.add(topic);
  }

  /** Whether the book message now due on `topic` is to be lost (and disarms it). */
  take(topic: string): boolean {
    return this.armed.delete(topic);
  }
}
