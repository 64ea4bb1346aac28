/**
 * The heatmap webview's columns in typed arrays: a ring of at most `maxColumns` book samples, each addressed by a
 * sequence number that never changes while the column is held (the oldest leave as new ones come; older history can
 * be added in front). Level and trade prices are kept in Float32 as whole units of the column's decimals counted from
 * a Float64 reference price (exact), so 18,000 columns × 200 levels take 29 MB and make no garbage. Pure; no DOM.
 */
import type { HeatmapColumnWire } from '../../shared/protocol';
import { FloatRing, mod } from './floatRing';
import { gapThresholdMs, TimeGaps } from './timeGaps';

export type Side = 'bid' | 'ask';

const INITIAL_COLUMNS = 256;
/** Float32 holds whole numbers exactly up to 2^24. */
const WHOLE_LIMIT = 2 ** 24;
const MAX_DECIMALS = 12;
/** The host's default sample interval (the setting `heatmap.sampleMs`), for a ring not told its own. */
const DEFAULT_SAMPLE_MS = 100;

/**
 * The power of ten that makes `ref` and every price whole numbers (within float noise), with every `price − ref`
 * below 2^24 of them: prices then come back from Float32 as (ref units + units) / scale, the very double the decimal
 * price parses to. 0 when none does (the offsets are then kept as plain Float32, close but not exact). `prices` are
 * flat records of `stride` numbers with the price first.
 */
export function unitScale(ref: number, prices: readonly (readonly [values: readonly number[], stride: number])[]): number {
  const whole = (x: number, scale: number) => Math.abs(Math.round(x * scale) / scale - x) <= 4 * Number.EPSILON * Math.abs(x);
  search: for (let d = 0, scale = 1; d <= MAX_DECIMALS; d++, scale *= 10) {
    if (Math.abs(ref * scale) >= Number.MAX_SAFE_INTEGER) return 0;
    if (!whole(ref, scale)) continue;
    for (const [values, stride] of prices) {
      for (let i = 0; i + stride <= values.length; i += stride) {
        const p = values[i] ?? 0;
        const off = p - ref;
        const units = Math.round(off * scale);
        if (Math.abs(units) >= WHOLE_LIMIT) return 0;
        if (!whole(p, scale)) continue search;
      }
    }
    return scale;
  }
  return 0;
}

export class ColumnRing {
  maxColumns = 1;
  /** Bumped when what is held is replaced (a snapshot): whatever was drawn from the old columns is void. */
  epoch = 0;
  /** The newest sequence number added in front (older history) since the last snapshot, or -Infinity. */
  olderUpTo = Number.NEGATIVE_INFINITY;
  /** Where neighbouring columns are further apart in time than a few samples (see timeGaps). */
  readonly gaps = new TimeGaps();
  private gapMs = gapThresholdMs(DEFAULT_SAMPLE_MS);
  private capacity = INITIAL_COLUMNS;
  private head = 0;
  private tail = 0;
  private times = new Float64Array(INITIAL_COLUMNS);
  private refs = new Float64Array(INITIAL_COLUMNS);
  /** Per column: the power of ten its prices are counted in (refs are then in those units too; 0: plain offsets). */
  private scales = new Float64Array(INITIAL_COLUMNS);
  private levelAt = new Float64Array(INITIAL_COLUMNS);
  private bids = new Uint32Array(INITIAL_COLUMNS);
  private asks = new Uint32Array(INITIAL_COLUMNS);
  private tradeAt = new Float64Array(INITIAL_COLUMNS);
  private tradeCounts = new Uint32Array(INITIAL_COLUMNS);
  /** Per level: [price − ref in the column's units, size]. */
  private readonly levels = new FloatRing(2, 16_384);
  /** Per traded price: [price − ref in the column's units, bought, sold]. */
  private readonly trades = new FloatRing(3, 1024);

  /** Sequence number of the oldest column held, and of the newest (first − 1 when empty). */
  get first(): number {
    return this.head;
  }

  get last(): number {
    return this.tail - 1;
  }

  get length(): number {
    return this.tail - this.head;
  }

  has(seq: number): boolean {
    return Number.isInteger(seq) && seq >= this.head && seq < this.tail;
  }

  /**
   * Replaces everything held (numbering continues, so nothing drawn before can be mistaken for the new columns).
   * `sampleMs`: the host's interval between samples, against which a gap in time is told.
   */
  reset(columns: readonly HeatmapColumnWire[], maxColumns: number, sampleMs = DEFAULT_SAMPLE_MS): void {
    this.maxColumns = Math.max(1, Math.floor(maxColumns));
    this.gapMs = gapThresholdMs(sampleMs);
    this.head = this.tail;
    this.levels.clear();
    this.trades.clear();
    this.gaps.clear();
    this.epoch++;
    this.olderUpTo = Number.NEGATIVE_INFINITY;
    this.append(columns.slice(-this.maxColumns));
  }

  append(columns: readonly HeatmapColumnWire[]): void {
    for (const c of columns) {
      if (this.length >= this.maxColumns) this.dropOldest();
      this.ensure(this.length + 1);
      const before = this.length > 0 ? this.time(this.last) : undefined;
      this.write(this.tail, c, false);
      if (before !== undefined && c[0] - before > this.gapMs) this.gaps.addNewest({ seq: this.tail, ms: c[0] - before });
      this.tail++;
    }
  }

  /** History older than every column held: kept only as far as the bound allows. */
  prepend(older: readonly HeatmapColumnWire[]): void {
    const room = this.maxColumns - this.length;
    if (room <= 0 || older.length === 0) return;
    const kept = older.slice(-room);
    this.ensure(this.length + kept.length);
    this.olderUpTo = Math.max(this.olderUpTo, this.head - 1);
    for (let i = kept.length - 1; i >= 0; i--) {
      const c = kept[i];
      if (!c) continue;
      this.head--;
      this.write(this.head, c, true);
      const after = this.time(this.head + 1) - c[0];
      if (this.length > 1 && after > this.gapMs) this.gaps.addOldest({ seq: this.head + 1, ms: after });
    }
  }

  time(seq: number): number {
    return this.times[this.slot(seq)] ?? 0;
  }

  count(seq: number, side: Side): number {
    const s = this.slot(seq);
    return (side === 'bid' ? this.bids[s] : this.asks[s]) ?? 0;
  }

  /**
   * Where a side's levels are (best first): level k's price, in the column's units (see `fromUnits`), is at
   * `levelData[at + 2k]` and its size at `[at + 2k + 1]`. Valid until the next column is added.
   */
  levelsAt(seq: number, side: Side): number {
    return this.levels.offset(this.levelIndex(this.slot(seq), side, 0));
  }

  get levelData(): Float32Array {
    return this.levels.array;
  }

  /** A price of the column from its units. */
  fromUnits(seq: number, units: number): number {
    return this.priceOf(this.slot(seq), units);
  }

  /** Level `k` of a side (best first): its price and size. */
  price(seq: number, side: Side, k: number): number {
    const s = this.slot(seq);
    return this.priceOf(s, this.levels.get(this.levelIndex(s, side, k), 0));
  }

  size(seq: number, side: Side, k: number): number {
    return this.levels.get(this.levelIndex(this.slot(seq), side, k), 1);
  }

  best(seq: number, side: Side): number | undefined {
    return this.count(seq, side) > 0 ? this.price(seq, side, 0) : undefined;
  }

  /** The mid of a column (or its one side's best price). */
  mid(seq: number): number | undefined {
    const bid = this.best(seq, 'bid');
    const ask = this.best(seq, 'ask');
    return bid !== undefined && ask !== undefined ? (bid + ask) / 2 : (bid ?? ask);
  }

  /** The smallest gap between neighbouring levels of a column: the height of one price cell (1 if it has none). */
  levelStep(seq: number): number {
    let step = Infinity;
    if (this.has(seq)) {
      for (const side of ['bid', 'ask'] as const) {
        for (let k = 1; k < this.count(seq, side); k++) {
          const gap = Math.abs(this.price(seq, side, k) - this.price(seq, side, k - 1));
          if (gap > 1e-12 && gap < step) step = gap;
        }
      }
    }
    return Number.isFinite(step) ? step : 1;
  }

  /** Prices traded during the sample, merged per price: how many, and each one's price, bought and sold amounts. */
  tradeCount(seq: number): number {
    return this.tradeCounts[this.slot(seq)] ?? 0;
  }

  tradePrice(seq: number, k: number): number {
    const s = this.slot(seq);
    return this.priceOf(s, this.trades.get((this.tradeAt[s] ?? 0) + k, 0));
  }

  tradeBought(seq: number, k: number): number {
    return this.trades.get((this.tradeAt[this.slot(seq)] ?? 0) + k, 1);
  }

  tradeSold(seq: number, k: number): number {
    return this.trades.get((this.tradeAt[this.slot(seq)] ?? 0) + k, 2);
  }

  /** The first `n` bid prices of the newest column (to tell how many decimals prices have). */
  newestBidPrices(n: number): number[] {
    const seq = this.last;
    if (!this.has(seq)) return [];
    return Array.from({ length: Math.min(n, this.count(seq, 'bid')) }, (_, k) => this.price(seq, 'bid', k));
  }

  private slot(seq: number): number {
    return mod(seq, this.capacity);
  }

  private priceOf(slot: number, offset: number): number {
    const scale = this.scales[slot] ?? 0;
    return scale > 0 ? ((this.refs[slot] ?? 0) + offset) / scale : (this.refs[slot] ?? 0) + offset;
  }

  private levelIndex(slot: number, side: Side, k: number): number {
    return (this.levelAt[slot] ?? 0) + (side === 'bid' ? 0 : (this.bids[slot] ?? 0)) + k;
  }

  private dropOldest(): void {
    const s = this.slot(this.head);
    this.levels.dropBefore((this.levelAt[s] ?? 0) + (this.bids[s] ?? 0) + (this.asks[s] ?? 0));
    this.trades.dropBefore((this.tradeAt[s] ?? 0) + (this.tradeCounts[s] ?? 0));
    this.head++;
    this.gaps.dropThrough(this.head);
  }

  private write(seq: number, c: HeatmapColumnWire, inFront: boolean): void {
    const [time, bids, asks, trades] = c;
    const nb = bids.length >> 1;
    const na = asks.length >> 1;
    const nt = Math.floor(trades.length / 3);
    const ref = bids[0] ?? asks[0] ?? trades[0] ?? 0;
    const scale = unitScale(ref, [
      [bids, 2],
      [asks, 2],
      [trades, 3],
    ]);
    const unit = (p: number) => (scale > 0 ? Math.round((p - ref) * scale) : p - ref);
    const s = this.slot(seq);
    this.times[s] = time;
    this.refs[s] = scale > 0 ? Math.round(ref * scale) : ref;
    this.scales[s] = scale;
    this.bids[s] = nb;
    this.asks[s] = na;
    this.tradeCounts[s] = nt;
    const at = inFront ? this.levels.pushFront(nb + na) : this.levels.pushBack(nb + na);
    this.levelAt[s] = at;
    for (let k = 0; k < nb; k++) {
      this.levels.set(at + k, 0, unit(bids[2 * k] ?? 0));
      this.levels.set(at + k, 1, bids[2 * k + 1] ?? 0);
    }
    for (let k = 0; k < na; k++) {
      this.levels.set(at + nb + k, 0, unit(asks[2 * k] ?? 0));
      this.levels.set(at + nb + k, 1, asks[2 * k + 1] ?? 0);
    }
    const tAt = inFront ? this.trades.pushFront(nt) : this.trades.pushBack(nt);
    this.tradeAt[s] = tAt;
    for (let k = 0; k < nt; k++) {
      this.trades.set(tAt + k, 0, unit(trades[3 * k] ?? 0));
      this.trades.set(tAt + k, 1, trades[3 * k + 1] ?? 0);
      this.trades.set(tAt + k, 2, trades[3 * k + 2] ?? 0);
    }
  }

  /** Grows the per-column arrays (doubling) so `columns` fit, keeping every column at its sequence number. */
  private ensure(columns: number): void {
    if (columns <= this.capacity) return;
    let capacity = this.capacity;
    while (capacity < columns) capacity *= 2;
    const move = <T extends Float64Array | Uint32Array>(from: T, make: (n: number) => T): T => {
      const to = make(capacity);
      for (let seq = this.head; seq < this.tail; seq++) to[mod(seq, capacity)] = from[mod(seq, this.capacity)] ?? 0;
      return to;
    };
    const f64 = (n: number) => new Float64Array(n);
    const u32 = (n: number) => new Uint32Array(n);
    this.times = move(this.times, f64);
    this.refs = move(this.refs, f64);
    this.scales = move(this.scales, f64);
    this.levelAt = move(this.levelAt, f64);
    this.tradeAt = move(this.tradeAt, f64);
    this.bids = move(this.bids, u32);
    this.asks = move(this.asks, u32);
    this.tradeCounts = move(this.tradeCounts, u32);
    this.capacity = capacity;
  }
}
