/** A market's recorded book levels read from ClickHouse's Native answer straight into BookColumns: checked, copies dropped, no object per level. */
import { BookColumns } from './bookColumns';
import { nativeBlocks, type NativeBlock, type NativeColumn } from './nativeBlocks';
import { orderOfRuns } from './runMerge';

/** What replay reads of a book level, in the order `bookNativeSql` selects it. */
export const BOOK_NATIVE_COLUMNS: readonly NativeColumn[] = [
  { name: 'ts', type: 'Int64' },
  { name: 'seq', type: 'Int64' },
  { name: 'ins', type: 'UInt64' },
  { name: 'kind', type: "Enum8('snapshot' = 1, 'delta' = 2)" },
  { name: 'side', type: "Enum8('bid' = 1, 'ask' = 2)" },
  { name: 'price', type: 'Float64' },
  { name: 'amount', type: 'Float64' },
];

/**
 * Reads the answer of `bookNativeSql`, in whatever order its rows come: put in recorded order (time, seq, then
 * `ins`) here, so the server need not sort the day. A value the recorder could not have written (a time that is not
 * epoch ms, a seq beyond 2^53, an unknown kind or side, a price or amount that is not finite) skips its row, named
 * through `onProblem`; an answer that is not these columns or ends inside a block rejects (ClickHouseAnswerError).
 * A level stored twice (a batch sent again after a lost answer) comes after the first in the same update (time and
 * seq) in that order, and is kept once.
 */
export async function bookColumnsFromNative(chunks: AsyncIterable<Buffer>, what: string, onProblem: ((message: string) => void) | undefined): Promise<BookColumns> {
  const parts: Part[] = [];
  const order = new OrderSoFar();
  for await (const block of nativeBlocks(chunks, BOOK_NATIVE_COLUMNS, what)) parts.push(validLevels(block, order, (row, message) => onProblem?.(`${what}: skipped row ${row}: ${message}`)));
  return inRecordedOrder(parts, order.inOrder);
}

/** Whether every level so far came after the one before in recorded order (one reading thread, one stored part). */
class OrderSoFar {
  inOrder = true;
  private ts = Number.NEGATIVE_INFINITY;
  private seq = 0;
  private high = 0;
  private low = 0;

  next(ts: number, seq: number, high: number, low: number): void {
    if (this.inOrder && (ts < this.ts || (ts === this.ts && (seq < this.seq || (seq === this.seq && (high < this.high || (high === this.high && low < this.low))))))) this.inOrder = false;
    this.ts = ts;
    this.seq = seq;
    this.high = high;
    this.low = low;
  }
}

/** One block's valid levels and their `ins` words, in arrays of the block's own. */
interface Part {
  readonly levels: BookColumns;
  readonly insHigh: Uint32Array;
  readonly insLow: Uint32Array;
}

/** One block's valid levels (its column copies reused, kept rows moved down in place). */
function validLevels(block: NativeBlock, order: OrderSoFar, skip: (row: number, message: string) => void): Part {
  const [tsCol, seqCol, insCol, kindCol, sideCol, priceCol, amountCol] = block.values;
  if (tsCol?.kind !== 'fixed' || seqCol?.kind !== 'fixed' || insCol?.kind !== 'fixed' || kindCol?.kind !== 'fixed' || sideCol?.kind !== 'fixed' || priceCol?.kind !== 'fixed' || amountCol?.kind !== 'fixed') throw new Error('the book columns are not the ones checked');
  const n = block.rows;
  const tsWords = new Int32Array(tsCol.bytes.buffer, 0, n * 2);
  const seqWords = new Int32Array(seqCol.bytes.buffer, 0, n * 2);
  const insWords = new Uint32Array(insCol.bytes.buffer, 0, n * 2);
  const ts = new Float64Array(tsCol.bytes.buffer, 0, n);
  const seq = new Float64Array(seqCol.bytes.buffer, 0, n);
  const insHigh = new Uint32Array(n);
  const insLow = new Uint32Array(n);
  const kind = kindCol.bytes;
  const side = sideCol.bytes;
  const price = new Float64Array(priceCol.bytes.buffer, 0, n);
  const amount = new Float64Array(amountCol.bytes.buffer, 0, n);
  let k = 0;
  for (let i = 0; i < n; i++) {
    // Every value of row i is read before row k ≤ i is written (over values of rows already read).
    const tsHigh = tsWords[2 * i + 1] as number;
    const t = tsHigh * 0x1_0000_0000 + ((tsWords[2 * i] as number) >>> 0);
    const s = (seqWords[2 * i + 1] as number) * 0x1_0000_0000 + ((seqWords[2 * i] as number) >>> 0);
    const kindCode = (kind[i] as number) - 1;
    const sideCode = (side[i] as number) - 1;
    const p = price[i] as number;
    const a = amount[i] as number;
    const problem = problemOf(t, tsHigh, s, kindCode, sideCode, p, a);
    if (problem !== undefined) {
      skip(block.firstRow + i, problem);
      continue;
    }
    insLow[k] = insWords[2 * i] as number;
    insHigh[k] = insWords[2 * i + 1] as number;
    order.next(t, s, insHigh[k] as number, insLow[k] as number);
    ts[k] = t;
    seq[k] = s;
    kind[k] = kindCode;
    side[k] = sideCode;
    price[k] = p;
    amount[k] = a;
    k++;
  }
  return { levels: new BookColumns(ts, seq, kind, side, price, amount, k), insHigh, insLow };
}

/** The blocks' levels joined in recorded order (time, seq, insertion; merged unless `inOrder`), copies of a level within an update left out. */
function inRecordedOrder(parts: readonly Part[], inOrder: boolean): BookColumns {
  const all = BookColumns.concat(parts.map((p) => p.levels));
  const n = all.length;
  const { ts, seq, kind, side, price } = all;
  let order: Uint32Array | undefined;
  if (!inOrder) {
    const insHigh = new Uint32Array(n);
    const insLow = new Uint32Array(n);
    let at = 0;
    for (const p of parts) {
      insHigh.set(p.insHigh.subarray(0, p.levels.length), at);
      insLow.set(p.insLow.subarray(0, p.levels.length), at);
      at += p.levels.length;
    }
    order = orderOfRuns(n, (a, b) => {
      const ta = ts[a] as number;
      const tb = ts[b] as number;
      if (ta !== tb) return ta < tb;
      const sa = seq[a] as number;
      const sb = seq[b] as number;
      if (sa !== sb) return sa < sb;
      const ha = insHigh[a] as number;
      const hb = insHigh[b] as number;
      return ha !== hb ? ha < hb : (insLow[a] as number) < (insLow[b] as number);
    });
  }
  const copies = new LevelCopies();
  let kept: number[] | undefined; // made at the first copy: most answers hold none
  for (let k = 0; k < n; k++) {
    const i = order ? (order[k] as number) : k;
    if (copies.isCopy(ts[i] as number, seq[i] as number, kind[i] as number, side[i] as number, price[i] as number)) {
      kept ??= Array.from({ length: k }, (_, j) => (order ? (order[j] as number) : j));
      continue;
    }
    kept?.push(i);
  }
  if (kept) return all.picked(kept);
  return order ? all.picked(order) : all;
}

/** Why a row is skipped: the first of its values the recorder could not have written; undefined when none. */
function problemOf(ts: number, tsHigh: number, seq: number, kind: number, side: number, price: number, amount: number): string | undefined {
  if (tsHigh < 0 || tsHigh > 0x1f_ffff) return `column ts: expected epoch milliseconds, got ${ts}`;
  if (!Number.isSafeInteger(seq)) return `column seq: expected an integer, got ${seq}`;
  if (kind !== 0 && kind !== 1) return `column kind: expected snapshot or delta, got the value ${kind + 1}`;
  if (side !== 0 && side !== 1) return `column side: expected bid or ask, got the value ${side + 1}`;
  if (!Number.isFinite(price)) return `column price: expected a finite number, got ${price}`;
  if (!Number.isFinite(amount)) return `column amount: expected a finite number, got ${amount}`;
  return undefined;
}

/**
 * Tells a level already kept in the same update (time and seq): one update sets each price of a side once, and a
 * stored copy of a batch is ordered after the original within the update.
 */
class LevelCopies {
  private ts = Number.NaN;
  private seq = Number.NaN;
  /** Kept prices of the update, per side and kind (index side * 2 + kind). */
  private readonly seen: Array<Set<number>> = [new Set(), new Set(), new Set(), new Set()];
  /** Which of `seen` hold prices (most updates are one delta: one set to clear). */
  private used = 0;

  isCopy(ts: number, seq: number, kind: number, side: number, price: number): boolean {
    if (ts !== this.ts || seq !== this.seq) {
      this.ts = ts;
      this.seq = seq;
      for (let j = 0; this.used !== 0; j++, this.used >>= 1) if (this.used & 1) this.seen[j]?.clear();
    }
    const slot = side * 2 + kind;
    const prices = this.seen[slot] as Set<number>;
    if (prices.has(price)) return true;
    prices.add(price);
    this.used |= 1 << slot;
    return false;
  }
}
