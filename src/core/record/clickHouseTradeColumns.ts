/** A market's recorded trades read from ClickHouse's Native answer straight into TradeColumns: checked, copies dropped, no object per trade. */
import { nativeBlocks, type NativeBlock, type NativeColumn } from './nativeBlocks';
import { TradeColumns } from './tradeColumns';

/** What replay reads of a trade (the receive time is left on the server), in the order the query selects it. */
export const TRADE_NATIVE_COLUMNS: readonly NativeColumn[] = [
  { name: 'ts', type: 'Int64' },
  { name: 'id', type: 'String' },
  { name: 'price', type: 'Float64' },
  { name: 'amount', type: 'Float64' },
  { name: 'side', type: "Enum8('buy' = 1, 'sell' = 2)" },
];

/** The longest decimal id held as a number: 15 digits are always below 2^53, so String(n) gives the id back exactly. */
const MAX_NUMERIC_ID_DIGITS = 15;
/** Above this many trades in one millisecond, copies are looked up in a set rather than by a scan of the millisecond. */
const SCAN_LIMIT = 16;

/**
 * Reads the answer of `tradesNativeSql`. A value the recorder could not have written (a time that is not epoch ms, a
 * price that is not finite, an empty id, an unknown side) skips its row, named through `onProblem` with its column
 * and row; an answer that is not these columns or ends inside a block rejects (ClickHouseAnswerError). Copies of a
 * row (a batch stored twice after a lost answer) are neighbours at one millisecond and kept once.
 */
export async function tradeColumnsFromNative(chunks: AsyncIterable<Buffer>, what: string, onProblem: ((message: string) => void) | undefined): Promise<TradeColumns> {
  const out = new TradeColumnsBuilder();
  for await (const block of nativeBlocks(chunks, TRADE_NATIVE_COLUMNS, what)) out.add(block, (row, message) => onProblem?.(`${what}: skipped row ${row}: ${message}`));
  return out.build();
}

class TradeColumnsBuilder {
  private ts = new Float64Array(1024);
  private price = new Float64Array(1024);
  private amount = new Float64Array(1024);
  private side = new Uint8Array(1024);
  /** Ids as numbers while every id is a plain decimal; then as text from the first one that is not. */
  private numericIds: Float64Array | undefined = new Float64Array(1024);
  private textIds: string[] | undefined;
  private length = 0;
  /** Where the current millisecond's rows start in the output, and its ids once there are many of them. */
  private runStart = 0;
  private runIds: Set<number | string> | undefined;

  add(block: NativeBlock, skip: (row: number, message: string) => void): void {
    const [tsCol, idCol, priceCol, amountCol, sideCol] = block.values;
    if (tsCol?.kind !== 'fixed' || idCol?.kind !== 'strings' || priceCol?.kind !== 'fixed' || amountCol?.kind !== 'fixed' || sideCol?.kind !== 'fixed') throw new Error('the trade columns are not the ones checked');
    const n = block.rows;
    const tsWords = new Int32Array(tsCol.bytes.buffer, 0, n * 2);
    const prices = new Float64Array(priceCol.bytes.buffer, 0, n);
    const amounts = new Float64Array(amountCol.bytes.buffer, 0, n);
    const sides = sideCol.bytes;
    const { bytes: idBytes, start, end } = idCol;
    this.reserve(n);
    for (let i = 0; i < n; i++) {
      const high = tsWords[2 * i + 1] as number;
      const ts = high * 0x1_0000_0000 + ((tsWords[2 * i] as number) >>> 0);
      const price = prices[i] as number;
      const amount = amounts[i] as number;
      const side = (sides[i] as number) - 1;
      const s = start[i] as number;
      const e = end[i] as number;
      const problem =
        high < 0 || high > 0x1f_ffff ? `column ts: expected epoch milliseconds, got ${ts}` :
        !Number.isFinite(price) ? `column price: expected a finite number, got ${price}` :
        !Number.isFinite(amount) ? `column amount: expected a finite number, got ${amount}` :
        side !== 0 && side !== 1 ? `column side: expected buy or sell, got the value ${side + 1}` :
        e === s ? 'column id: expected a non-empty string' : undefined;
      if (problem !== undefined) {
        skip(block.firstRow + i, problem);
        continue;
      }
      const numeric = this.numericIds !== undefined ? decimalId(idBytes, s, e) : undefined;
      if (this.numericIds !== undefined && numeric === undefined) this.switchToText();
      const id = numeric ?? (this.textIds ? idBytes.toString('utf8', s, e) : 0);
      if (this.isCopy(ts, id)) continue;
      const k = this.length++;
      this.ts[k] = ts;
      this.price[k] = price;
      this.amount[k] = amount;
      this.side[k] = side;
      if (this.numericIds) this.numericIds[k] = id as number;
      else this.textIds?.push(id as string);
    }
  }

  build(): TradeColumns {
    const n = this.length;
    const ids = this.numericIds ? { numeric: this.numericIds.slice(0, n) } : (this.textIds ?? []);
    return new TradeColumns(this.ts.slice(0, n), ids, this.price.slice(0, n), this.amount.slice(0, n), this.side.slice(0, n));
  }

  /** A row already kept at this millisecond with the same id; rows come in time order, so copies are neighbours. */
  private isCopy(ts: number, id: number | string): boolean {
    const k = this.length;
    if (k === 0 || this.ts[k - 1] !== ts) {
      this.runStart = k;
      this.runIds = undefined;
      return false;
    }
    if (this.runIds) {
      if (this.runIds.has(id)) return true;
      this.runIds.add(id);
      return false;
    }
    for (let j = this.runStart; j < k; j++) if (this.idAt(j) === id) return true;
    if (k - this.runStart >= SCAN_LIMIT) {
      this.runIds = new Set<number | string>();
      for (let j = this.runStart; j < k; j++) this.runIds.add(this.idAt(j));
      this.runIds.add(id);
    }
    return false;
  }

  private idAt(j: number): number | string {
    return this.numericIds ? (this.numericIds[j] as number) : (this.textIds?.[j] as string);
  }

  /** From the first id that is not a plain decimal on, every id is text (those already held become their text). */
  private switchToText(): void {
    const texts: string[] = [];
    const numbers = this.numericIds as Float64Array;
    for (let j = 0; j < this.length; j++) texts.push(String(numbers[j]));
    this.textIds = texts;
    this.numericIds = undefined;
    if (this.runIds) this.runIds = new Set([...this.runIds].map(String));
  }

  private reserve(more: number): void {
    const need = this.length + more;
    if (need <= this.ts.length) return;
    let cap = this.ts.length;
    while (cap < need) cap *= 2;
    this.ts = grown(this.ts, cap);
    this.price = grown(this.price, cap);
    this.amount = grown(this.amount, cap);
    const side = new Uint8Array(cap);
    side.set(this.side);
    this.side = side;
    if (this.numericIds) this.numericIds = grown(this.numericIds, cap);
  }
}

function grown(a: Float64Array, cap: number): Float64Array<ArrayBuffer> {
  const b = new Float64Array(cap);
  b.set(a);
  return b;
}

/** The id as a number when it is a plain decimal (no sign, no leading zero, at most 15 digits), else undefined. */
function decimalId(bytes: Uint8Array, s: number, e: number): number | undefined {
  const len = e - s;
  if (len > MAX_NUMERIC_ID_DIGITS || (len > 1 && bytes[s] === 0x30)) return undefined;
  let v = 0;
  for (let p = s; p < e; p++) {
    const d = (bytes[p] as number) - 0x30;
    if (d < 0 || d > 9) return undefined;
    v = v * 10 + d;
  }
  return v;
}
