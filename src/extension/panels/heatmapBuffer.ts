/** The liquidity heatmap's history on the host: a ring of book samples bounded in columns, each column packed in typed arrays. Pure; no vscode import. */
import type { Trade } from '../../core/types';
import type { HeatmapColumnWire } from '../../shared/protocol';
import { packNumbers, unpackNumbers, type PackedNumbers } from './packedNumbers';

/** One sample packed: the prices of its bid then ask levels, their sizes, and its trade triples. */
interface PackedColumn {
  readonly time: number;
  readonly prices: PackedNumbers;
  readonly sizes: PackedNumbers;
  /** Levels of the bids (the asks follow). */
  readonly bids: number;
  readonly trades: Float64Array;
}

const bytesOf = (c: PackedColumn) => c.prices.data.byteLength + c.sizes.data.byteLength + c.trades.byteLength;

/** Every other number of `a` then of `b`, from `offset` (0: the prices of [price, size] pairs, 1: the sizes). */
function everyOther(a: readonly number[], b: readonly number[], offset: 0 | 1): number[] {
  const out: number[] = [];
  for (let i = offset; i < a.length; i += 2) out.push(a[i] as number);
  for (let i = offset; i < b.length; i += 2) out.push(b[i] as number);
  return out;
}

function levels(prices: readonly number[], sizes: readonly number[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < prices.length; i++) out.push(prices[i] as number, sizes[i] as number);
  return out;
}

/** At most `maxColumns` columns, the newest; pushing is O(levels) and evicts the oldest when full. */
export class HeatmapBuffer {
  private ring: (PackedColumn | undefined)[];
  private start = 0;
  private count = 0;
  private byteSize = 0;

  constructor(maxColumns: number) {
    this.ring = new Array<PackedColumn | undefined>(Math.max(1, Math.floor(maxColumns)));
  }

  get maxColumns(): number {
    return this.ring.length;
  }

  /** Holds at most `maxColumns` from now on, keeping the newest of those held: O(columns kept). */
  resize(maxColumns: number): void {
    const cap = Math.max(1, Math.floor(maxColumns));
    if (cap === this.ring.length) return;
    const kept: PackedColumn[] = [];
    for (let k = Math.max(0, this.count - cap); k < this.count; k++) {
      const c = this.at(k);
      if (c) kept.push(c);
    }
    this.ring = new Array<PackedColumn | undefined>(cap);
    kept.forEach((c, i) => (this.ring[i] = c));
    this.start = 0;
    this.count = kept.length;
    this.byteSize = kept.reduce((sum, c) => sum + bytesOf(c), 0);
  }

  push(column: HeatmapColumnWire): void {
    const [time, bids, asks, trades] = column;
    const packed: PackedColumn = { time, prices: packNumbers(everyOther(bids, asks, 0)), sizes: packNumbers(everyOther(bids, asks, 1)), bids: bids.length >> 1, trades: Float64Array.from(trades) };
    const cap = this.ring.length;
    if (this.count < cap) {
      this.ring[(this.start + this.count) % cap] = packed;
      this.count++;
    } else {
      const dropped = this.ring[this.start];
      if (dropped) this.byteSize -= bytesOf(dropped);
      this.ring[this.start] = packed;
      this.start = (this.start + 1) % cap;
    }
    this.byteSize += bytesOf(packed);
  }

  /**
   * Trades older than some columns held (a reconnect's hole, fetched after the stream moved on), each merged per price
   * into the column of its time: the first held at or after it, as a column holds the trades since the one before
   * (and those made while there was no book). O(trades × log columns + the trade triples of the columns changed).
   * Returns those newer than every column (the next column's) and how many are older than every one held (no column
   * of theirs is left: they are not shown).
   */
  addLate(trades: readonly Trade[]): { readonly newer: readonly Trade[]; readonly older: number; readonly placed: number } {
    const newer: Trade[] = [];
    let older = 0;
    let placed = 0;
    const byColumn = new Map<number, Map<number, [number, number]>>();
    const oldest = this.oldestTime;
    for (const t of trades) {
      const k = this.firstAtOrAfter(t.timestamp);
      if (k === this.count) newer.push(t);
      else if (oldest === undefined || t.timestamp < oldest) older++;
      else {
        let merged = byColumn.get(k);
        if (!merged) byColumn.set(k, (merged = new Map()));
        const at = merged.get(t.price) ?? [0, 0];
        at[t.side === 'buy' ? 0 : 1] += t.amount;
        merged.set(t.price, at);
        placed++;
      }
    }
    for (const [k, merged] of byColumn) this.mergeTrades(k, merged);
    return { newer, older, placed };
  }

  clear(): void {
    this.ring.fill(undefined);
    this.start = 0;
    this.count = 0;
    this.byteSize = 0;
  }

  get size(): number {
    return this.count;
  }

  /** The time of the oldest column held, or undefined when none is. */
  get oldestTime(): number | undefined {
    return this.count > 0 ? this.at(0)?.time : undefined;
  }

  /** The time of the newest column held, or undefined when none is. */
  get newestTime(): number | undefined {
    return this.count > 0 ? this.at(this.count - 1)?.time : undefined;
  }

  /** Bytes of level and trade data held (the typed arrays; per-column overhead is a few dozen bytes more). */
  get bytes(): number {
    return this.byteSize;
  }

  /** The newest `limit` columns (all by default), oldest first, as sent on the wire. */
  columns(limit = this.count): HeatmapColumnWire[] {
    const n = Math.max(0, Math.min(this.count, Math.floor(limit)));
    return this.slice(this.count - n, this.count);
  }

  /** The newest `limit` columns older than `time`, oldest first: O(log n + limit). */
  before(time: number, limit: number): HeatmapColumnWire[] {
    const lo = this.firstAtOrAfter(time);
    return this.slice(Math.max(0, lo - Math.max(0, Math.floor(limit))), lo);
  }

  /** The index (from the oldest) of the first column held at or after `time`; `count` when none is. */
  private firstAtOrAfter(time: number): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.at(mid)?.time ?? Infinity) < time) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Column k's trade triples with `merged` added, per price. */
  private mergeTrades(k: number, merged: ReadonlyMap<number, readonly [number, number]>): void {
    const slot = (this.start + k) % this.ring.length;
    const c = this.ring[slot];
    if (!c) return;
    const triples: number[] = Array.from(c.trades);
    const left = new Map(merged);
    for (let i = 0; i + 2 < triples.length; i += 3) {
      const add = left.get(triples[i] as number);
      if (!add) continue;
      triples[i + 1] = (triples[i + 1] as number) + add[0];
      triples[i + 2] = (triples[i + 2] as number) + add[1];
      left.delete(triples[i] as number);
    }
    for (const [price, [buy, sell]] of left) triples.push(price, buy, sell);
    const next: PackedColumn = { ...c, trades: Float64Array.from(triples) };
    this.ring[slot] = next;
    this.byteSize += bytesOf(next) - bytesOf(c);
  }

  /** Column k counted from the oldest held. */
  private at(k: number): PackedColumn | undefined {
    return this.ring[(this.start + k) % this.ring.length];
  }

  private slice(from: number, to: number): HeatmapColumnWire[] {
    const out: HeatmapColumnWire[] = [];
    for (let k = from; k < to; k++) {
      const c = this.at(k);
      if (!c) continue;
      const prices = unpackNumbers(c.prices);
      const sizes = unpackNumbers(c.sizes);
      out.push([c.time, levels(prices.slice(0, c.bids), sizes.slice(0, c.bids)), levels(prices.slice(c.bids), sizes.slice(c.bids)), Array.from(c.trades)]);
    }
    return out;
  }
}
