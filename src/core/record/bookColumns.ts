/** A day of recorded book levels held as columns: replay applies them to its book without an object per row. */
import type { BookRow } from './recordTypes';
import { gathered, stableOrder } from './columnOrder';

/** The codes of `BookColumns.kind` and `.side`. */
export const BOOK_KINDS: readonly BookRow['kind'][] = ['snapshot', 'delta'];
export const BOOK_SIDES: readonly BookRow['side'][] = ['bid', 'ask'];

/**
 * Book rows as typed arrays. A busy market records a million levels a day: as objects they lived through the whole
 * day's replay and were copied into the old generation (a large part of its garbage collection); as columns they
 * are six arrays. Codes: kind 0 snapshot, 1 delta; side 0 bid, 1 ask.
 */
export class BookColumns {
  constructor(
    readonly ts: Float64Array,
    readonly seq: Float64Array,
    readonly kind: Uint8Array,
    readonly side: Uint8Array,
    readonly price: Float64Array,
    readonly amount: Float64Array,
    readonly length: number = ts.length,
  ) {}

  static readonly EMPTY = new BookColumns(new Float64Array(0), new Float64Array(0), new Uint8Array(0), new Uint8Array(0), new Float64Array(0), new Float64Array(0));

  /** From rows already decoded one by one (a server's answer, tests). */
  static of(rows: readonly BookRow[]): BookColumns {
    const n = rows.length;
    const c = new BookColumns(new Float64Array(n), new Float64Array(n), new Uint8Array(n), new Uint8Array(n), new Float64Array(n), new Float64Array(n));
    rows.forEach((r, i) => {
      c.ts[i] = r.ts;
      c.seq[i] = r.seq;
      c.kind[i] = r.kind === 'snapshot' ? 0 : 1;
      c.side[i] = r.side === 'bid' ? 0 : 1;
      c.price[i] = r.price;
      c.amount[i] = r.amount;
    });
    return c;
  }

  /** The runs one after another (parts of a partition, in the order given). */
  static concat(parts: readonly BookColumns[]): BookColumns {
    if (parts.length === 1 && parts[0]) return parts[0];
    let n = 0;
    for (const p of parts) n += p.length;
    const out = new BookColumns(new Float64Array(n), new Float64Array(n), new Uint8Array(n), new Uint8Array(n), new Float64Array(n), new Float64Array(n));
    let at = 0;
    for (const p of parts) {
      out.ts.set(p.ts.subarray(0, p.length), at);
      out.seq.set(p.seq.subarray(0, p.length), at);
      out.kind.set(p.kind.subarray(0, p.length), at);
      out.side.set(p.side.subarray(0, p.length), at);
      out.price.set(p.price.subarray(0, p.length), at);
      out.amount.set(p.amount.subarray(0, p.length), at);
      at += p.length;
    }
    return out;
  }

  rowAt(i: number): BookRow {
    return { ts: this.ts[i] as number, seq: this.seq[i] as number, kind: BOOK_KINDS[this.kind[i] as number] as BookRow['kind'], side: BOOK_SIDES[this.side[i] as number] as BookRow['side'], price: this.price[i] as number, amount: this.amount[i] as number };
  }

  /** The rows as objects (checks, tests): a replay reads the columns. */
  rows(): BookRow[] {
    const out: BookRow[] = [];
    for (let i = 0; i < this.length; i++) out.push(this.rowAt(i));
    return out;
  }

  /** The rows with a time in [from, until), in their order. */
  within(from: number, until: number): BookColumns {
    const keep: number[] = [];
    for (let i = 0; i < this.length; i++) {
      const t = this.ts[i] as number;
      if (t >= from && t < until) keep.push(i);
    }
    return keep.length === this.length ? this : this.picked(keep);
  }

  /** In time order, then by seq; the recorded order kept among equals. Sorted only when it is not. */
  inRecordedOrder(): BookColumns {
    const { ts, seq } = this;
    let ordered = true;
    for (let i = 1; i < this.length && ordered; i++) ordered = (ts[i - 1] as number) < (ts[i] as number) || ((ts[i - 1] as number) === (ts[i] as number) && (seq[i - 1] as number) <= (seq[i] as number));
    return ordered ? this : this.picked(stableOrder(this.length, (a, b) => (ts[a] as number) - (ts[b] as number) || (seq[a] as number) - (seq[b] as number)));
  }

  /** The rows at the given indices, in their order. */
  picked(order: ArrayLike<number>): BookColumns {
    return new BookColumns(gathered(this.ts, order), gathered(this.seq, order), gathered(this.kind, order), gathered(this.side, order), gathered(this.price, order), gathered(this.amount, order));
  }
}
