/** A market's recorded trades read from ClickHouse's Native answer straight into TradeColumns: checked, copies dropped, no object per trade. */
import { nativeBlocks, type NativeBlock, type NativeColumn } from './nativeBlocks';
import { TradeColumns } from './tradeColumns';
import { orderOfRuns } from './runMerge';

/** What replay reads of a trade (the receive time is left on the server), in the order the query selects it. */
export const TRADE_NATIVE_COLUMNS: readonly NativeColumn[] = [
  { name: 'ts', type: 'Int64' },
  { name: 'ins', type: 'UInt64' },
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
 * Reads the answer of `tradesNativeSql`, in whatever order its rows come (the server's parts one after another, or
 * interleaved by its threads): put in recorded order (time, then `ins`) here, so the server need not sort the day.
 * A value the recorder could not have written (a time that is not epoch ms, a price that is not finite, an empty
 * id, an unknown side) skips its row, named through `onProblem` with its column and row; an answer that is not
 * these columns or ends inside a block rejects (ClickHouseAnswerError). Copies of a row (a batch stored twice after
 * a lost answer) are neighbours at one millisecond in that order and kept once.
 */
export async function tradeColumnsFromNative(chunks: AsyncIterable<Buffer>, what: string, onProblem: ((message: string) => void) | undefined): Promise<TradeColumns> {
  const out = new TradeColumnsBuilder();
  for await (const block of nativeBlocks(chunks, TRADE_NATIVE_COLUMNS, what)) out.add(block, (row, message) => onProblem?.(`${what}: skipped row ${row}: ${message}`));
  return out.build();
}

/** One block's valid rows (rows skipped are compacted out), in the block's own arrays. */
interface Part {
  readonly n: number;
  readonly ts: Float64Array;
  /** `ins` as its two 32-bit words (any UInt64 orders exactly). */
  readonly insHigh: Uint32Array;
  readonly insLow: Uint32Array;
  readonly ids: Float64Array | string[];
  readonly price: Float64Array;
  readonly amount: Float64Array;
  readonly side: Uint8Array;
}

/** Blocks are decoded into arrays of their own (the column copies reused in place); joined, ordered and rid of copies once at the end. */
class TradeColumnsBuilder {
  private readonly parts: Part[] = [];
  /** Every id so far is a plain decimal (held as a number); from the first that is not, ids are text. */
  private numeric = true;
  /** Every row so far came after the one before in recorded order (one reading thread, one stored part): nothing to merge. */
  private inOrder = true;
  private lastTs = Number.NEGATIVE_INFINITY;
  private lastHigh = 0;
  private lastLow = 0;

  add(block: NativeBlock, skip: (row: number, message: string) => void): void {
    const [tsCol, insCol, idCol, priceCol, amountCol, sideCol] = block.values;
    if (tsCol?.kind !== 'fixed' || insCol?.kind !== 'fixed' || idCol?.kind !== 'strings' || priceCol?.kind !== 'fixed' || amountCol?.kind !== 'fixed' || sideCol?.kind !== 'fixed') throw new Error('the trade columns are not the ones checked');
    const n = block.rows;
    const words = new Int32Array(tsCol.bytes.buffer, 0, n * 2);
    const insWords = new Uint32Array(insCol.bytes.buffer, 0, n * 2);
    // The block's own copies of its columns: kept rows are moved down in place.
    const price = new Float64Array(priceCol.bytes.buffer, 0, n);
    const amount = new Float64Array(amountCol.bytes.buffer, 0, n);
    const side = sideCol.bytes;
    const ts = new Float64Array(n);
    const insHigh = new Uint32Array(n);
    const insLow = new Uint32Array(n);
    const ids = this.idsOf(idCol.bytes, idCol.start, idCol.end, n);
    let k = 0;
    for (let i = 0; i < n; i++) {
      const tsHigh = words[2 * i + 1] as number;
      const t = tsHigh * 0x1_0000_0000 + ((words[2 * i] as number) >>> 0);
      const p = price[i] as number;
      const a = amount[i] as number;
      const code = (side[i] as number) - 1;
      if (tsHigh < 0 || tsHigh > 0x1f_ffff || !Number.isFinite(p) || !Number.isFinite(a) || (code !== 0 && code !== 1) || idCol.start[i] === idCol.end[i]) {
        skip(block.firstRow + i, problemOf(t, tsHigh, p, a, code));
        continue;
      }
      const low = insWords[2 * i] as number;
      const high = insWords[2 * i + 1] as number;
      if (this.inOrder && (t < this.lastTs || (t === this.lastTs && (high < this.lastHigh || (high === this.lastHigh && low < this.lastLow))))) this.inOrder = false;
      this.lastTs = t;
      this.lastHigh = high;
      this.lastLow = low;
      ts[k] = t;
      insLow[k] = low;
      insHigh[k] = high;
      price[k] = p;
      amount[k] = a;
      side[k] = code;
      const id = ids[i] as number | string;
      ids[k] = id;
      k++;
    }
    this.parts.push({ n: k, ts, insHigh, insLow, ids, price, amount, side });
  }

  build(): TradeColumns {
    let n = 0;
    for (const p of this.parts) n += p.n;
    const ts = new Float64Array(n);
    const price = new Float64Array(n);
    const amount = new Float64Array(n);
    const side = new Uint8Array(n);
    const numbers = this.numeric ? new Float64Array(n) : undefined;
    const texts: string[] = []; // grown, not pre-sized: a large holey array is a slow dictionary
    // `ins` is joined only when rows came out of order: it decides ties when they are merged.
    const ins = this.inOrder ? undefined : { high: new Uint32Array(n), low: new Uint32Array(n) };
    let at = 0;
    for (const p of this.parts) {
      ts.set(p.ts.subarray(0, p.n), at);
      ins?.high.set(p.insHigh.subarray(0, p.n), at);
      ins?.low.set(p.insLow.subarray(0, p.n), at);
      price.set(p.price.subarray(0, p.n), at);
      amount.set(p.amount.subarray(0, p.n), at);
      side.set(p.side.subarray(0, p.n), at);
      if (numbers) numbers.set((p.ids as Float64Array).subarray(0, p.n), at);
      else for (let i = 0; i < p.n; i++) texts.push(String(p.ids[i]));
      at += p.n;
    }
    this.parts.length = 0;
    const ids: Float64Array | string[] = numbers ?? texts;
    const order = ins && orderOfRuns(n, (a, b) => {
      const ta = ts[a] as number;
      const tb = ts[b] as number;
      if (ta !== tb) return ta < tb;
      const ha = ins.high[a] as number;
      const hb = ins.high[b] as number;
      return ha !== hb ? ha < hb : (ins.low[a] as number) < (ins.low[b] as number);
    });
    const kept = keptRows(n, order, ts, ids);
    if (kept === undefined) return new TradeColumns(ts, numbers ? { numeric: numbers } : texts, price, amount, side);
    const m = kept.length;
    const outTs = new Float64Array(m);
    const outPrice = new Float64Array(m);
    const outAmount = new Float64Array(m);
    const outSide = new Uint8Array(m);
    const outNumbers = numbers ? new Float64Array(m) : undefined;
    const outTexts: string[] = [];
    for (let k = 0; k < m; k++) {
      const i = kept[k] as number;
      outTs[k] = ts[i] as number;
      outPrice[k] = price[i] as number;
      outAmount[k] = amount[i] as number;
      outSide[k] = side[i] as number;
      if (outNumbers) outNumbers[k] = (numbers as Float64Array)[i] as number;
      else outTexts.push(texts[i] as string);
    }
    return new TradeColumns(outTs, outNumbers ? { numeric: outNumbers } : outTexts, outPrice, outAmount, outSide);
  }

  /** The block's ids: numbers while every id is a plain decimal, else text (and from then on). */
  private idsOf(bytes: Buffer, start: Uint32Array, end: Uint32Array, n: number): Float64Array | string[] {
    if (this.numeric) {
      const numbers = new Float64Array(n);
      let i = 0;
      for (; i < n; i++) {
        const v = decimalId(bytes, start[i] as number, end[i] as number);
        if (v === NOT_DECIMAL) break;
        numbers[i] = v; // an empty id (-1) is left for the row's check to skip
      }
      if (i === n) return numbers;
      this.numeric = false;
    }
    const texts: string[] = [];
    for (let i = 0; i < n; i++) texts.push(bytes.toString('utf8', start[i] as number, end[i] as number));
    return texts;
  }
}

/**
 * The rows to keep, in recorded order (`order`, or as they are when undefined), copies of a row left out: a row
 * with the id of one already kept at its millisecond. Undefined when every row is kept as it is.
 */
function keptRows(n: number, order: Uint32Array | undefined, ts: Float64Array, ids: Float64Array | string[]): Uint32Array | undefined {
  let kept: Uint32Array | undefined; // made at the first copy: most answers hold none
  let m = 0;
  let runTs = Number.NaN;
  const runIds: Array<number | string> = [];
  let runLen = 0;
  let runSet: Set<number | string> | undefined;
  for (let k = 0; k < n; k++) {
    const i = order ? (order[k] as number) : k;
    const t = ts[i] as number;
    const id = ids[i] as number | string;
    let copy = false;
    if (t !== runTs) {
      runTs = t;
      runLen = 0;
      runSet = undefined;
    } else if (runSet) {
      copy = runSet.has(id);
      if (!copy) runSet.add(id);
    } else {
      for (let j = 0; j < runLen && !copy; j++) copy = runIds[j] === id;
      if (!copy && runLen >= SCAN_LIMIT) runSet = new Set([...runIds.slice(0, runLen), id]);
    }
    if (copy) {
      if (!kept) {
        kept = new Uint32Array(n);
        for (let j = 0; j < k; j++) kept[j] = order ? (order[j] as number) : j;
        m = k;
      }
      continue;
    }
    runIds[runLen++] = id;
    if (kept) kept[m++] = i;
  }
  return kept ? kept.subarray(0, m) : order;
}

/** Why a row is skipped: the first of its values the recorder could not have written. */
function problemOf(ts: number, high: number, price: number, amount: number, sideCode: number): string {
  if (high < 0 || high > 0x1f_ffff) return `column ts: expected epoch milliseconds, got ${ts}`;
  if (!Number.isFinite(price)) return `column price: expected a finite number, got ${price}`;
  if (!Number.isFinite(amount)) return `column amount: expected a finite number, got ${amount}`;
  if (sideCode !== 0 && sideCode !== 1) return `column side: expected buy or sell, got the value ${sideCode + 1}`;
  return 'column id: expected a non-empty string';
}

const NOT_DECIMAL = -2;

/** The id as a number when it is a plain decimal (no sign, no leading zero, at most 15 digits); -1 when empty, else NOT_DECIMAL. */
function decimalId(bytes: Uint8Array, s: number, e: number): number {
  const len = e - s;
  if (len === 0) return -1;
  if (len > MAX_NUMERIC_ID_DIGITS || (len > 1 && bytes[s] === 0x30)) return NOT_DECIMAL;
  let v = 0;
  for (let p = s; p < e; p++) {
    const d = (bytes[p] as number) - 0x30;
    if (d < 0 || d > 9) return NOT_DECIMAL;
    v = v * 10 + d;
  }
  return v;
}
