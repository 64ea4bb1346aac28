/**
 * ccxt keeps each order book it watches and applies the exchange's diffs to it, so a level the engine refuses (a
 * crossed book, a price ≤ 0) stays in that copy and every later update carries it: the stream stayed `live` with its
 * book frozen, and logged a refusal per update. One refused book is skipped (the next diff may mend it); after
 * INVALID_BOOKS_IN_A_ROW of one market in a row, ccxt's copy is dropped and the stream reconnects for a new snapshot.
 */
import { InvalidDataError, OrderBookResyncError } from '../errors';
import type { Checked } from './normalize';

export const INVALID_BOOKS_IN_A_ROW = 3;

export class BookValidity {
  private readonly invalidInARow = new Map<string, number>();

  /** The book when valid; else throws, having first called `drop` (ccxt's copy) at the INVALID_BOOKS_IN_A_ROW-th refusal in a row. */
  async accept<T>(symbol: string, checked: Checked<T>, where: string, drop: () => Promise<void>): Promise<T> {
    if (checked.ok) {
      this.invalidInARow.delete(symbol);
      return checked.value;
    }
    const invalid = (this.invalidInARow.get(symbol) ?? 0) + 1;
    if (invalid < INVALID_BOOKS_IN_A_ROW) {
      this.invalidInARow.set(symbol, invalid);
      throw new InvalidDataError(where, checked.issue);
    }
    this.invalidInARow.delete(symbol);
    await drop();
    throw new OrderBookResyncError(where, checked.issue, invalid);
  }

  /** The market's book is no longer watched. */
  forget(symbol: string): void {
    this.invalidInARow.delete(symbol);
  }
}
