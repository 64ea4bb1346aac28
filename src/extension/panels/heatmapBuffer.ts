/** The liquidity heatmap's history on the host: a ring of book samples bounded in columns, each column packed in one typed array. Pure; no vscode import. */
import type { HeatmapColumnWire } from '../../shared/protocol';

/** One sample packed: `[bid levels…, ask levels…, trade triples…]` as numbers, with where each part starts. */
interface PackedColumn {
  readonly time: number;
  readonly values: Float64Array;
  /** Numbers in the bids part (2 per level) and the asks part. */
  readonly bids: number;
  readonly asks: number;
}

/** At most `maxColumns` columns, the newest; pushing is O(levels) and evicts the oldest when full. */
export class HeatmapBuffer {
  private readonly ring: (PackedColumn | undefined)[];
  private start = 0;
  private count = 0;
  private byteSize = 0;

  constructor(readonly maxColumns: number) {
    this.ring = new Array<PackedColumn | undefined>(Math.max(1, Math.floor(maxColumns)));
  }

  push(column: HeatmapColumnWire): void {
    const [time, bids, asks, trades] = column;
    const values = new Float64Array(bids.length + asks.length + trades.length);
    values.set(bids, 0);
    values.set(asks, bids.length);
    values.set(trades, bids.length + asks.length);
    const packed: PackedColumn = { time, values, bids: bids.length, asks: asks.length };
    const cap = this.ring.length;
    if (this.count < cap) {
      this.ring[(this.start + this.count) % cap] = packed;
      this.count++;
    } else {
      this.byteSize -= this.ring[this.start]?.values.byteLength ?? 0;
      this.ring[this.start] = packed;
      this.start = (this.start + 1) % cap;
    }
    this.byteSize += values.byteLength;
  }

  get size(): number {
    return this.count;
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
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.at(mid)?.time ?? Infinity) < time) lo = mid + 1;
      else hi = mid;
    }
    return this.slice(Math.max(0, lo - Math.max(0, Math.floor(limit))), lo);
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
      const v = Array.from(c.values);
      out.push([c.time, v.slice(0, c.bids), v.slice(c.bids, c.bids + c.asks), v.slice(c.bids + c.asks)]);
    }
    return out;
  }
}
