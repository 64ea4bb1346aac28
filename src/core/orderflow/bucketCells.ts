/** One footprint bar's cells: buy and sell volume per integer price bucket, in typed arrays indexed by bucket offset. */

/** Slots of a new bar's arrays, centred on its first trade's bucket. */
const INITIAL_SLOTS = 32;
/** The arrays may always span this many buckets... */
const FREE_SPAN = 1024;
/** ...and beyond it as long as they stay this dense (slots per cell held), so a trending bar keeps growing them. */
const SLOTS_PER_CELL = 8;

/** A trade's side as an index: its volume's slot in a (buy, sell) pair. */
export type SideIndex = 0 | 1;
export const SIDE_BUY: SideIndex = 0;
export const SIDE_SELL: SideIndex = 1;

interface Outlier {
  buy: number;
  sell: number;
  mark: number;
}

/**
 * The arrays cover the buckets the bar traded in, grown by doubling; a trade whose bucket would stretch them past
 * their bound (one far print of a thin book, or a bad one) is kept in a small map instead, so one outlier costs one
 * entry, not a span of empty slots. `mark` is the epoch in which a cell last changed (0: no cell), so the hot path
 * allocates nothing, and a drain scans only the span of buckets changed in its epoch (plus the outliers changed),
 * with no sort.
 */
export class BucketCells {
  private base = 0;
  /** Buy volume of slot s at 2s, sell volume at 2s + 1: a trade's side picks its half without a branch. */
  private volumes = new Float64Array(0);
  private marks = new Uint32Array(0);
  private outliers: Map<number, Outlier> | undefined;
  private count = 0;
  /** The lowest and highest bucket of the arrays changed since the last takeChanged(). */
  private changedLow = Number.POSITIVE_INFINITY;
  private changedHigh = Number.NEGATIVE_INFINITY;
  /** Outliers changed since the last takeChanged(), each once. */
  private outliersChanged: number[] = [];

  /**
   * Adds a trade's volume to bucket `index` in epoch `epoch` (≥ 1); `side` is SIDE_BUY or SIDE_SELL. Returns the
   * cell's total volume after it.
   */
  add(index: number, amount: number, side: SideIndex, epoch: number): number {
    let slot = index - this.base;
    if (slot < 0 || slot >= this.marks.length) {
      if (!this.cover(index)) return this.addOutlier(index, amount, side, epoch);
      slot = index - this.base;
    }
    const mark = this.marks[slot] as number;
    if (mark !== epoch) {
      if (mark === 0) this.count++;
      this.marks[slot] = epoch;
      if (index < this.changedLow) this.changedLow = index;
      if (index > this.changedHigh) this.changedHigh = index;
    }
    const volumes = this.volumes;
    const at = 2 * slot;
    const volume = (volumes[at + side] as number) + amount;
    volumes[at + side] = volume;
    return volume + (volumes[at + (side ^ 1)] as number);
  }

  has(index: number): boolean {
    const slot = index - this.base;
    if (slot >= 0 && slot < this.marks.length) return this.marks[slot] !== 0;
    return this.outliers?.has(index) ?? false;
  }

  /** Buy volume at `index` (0 where nothing traded). */
  buyAt(index: number): number {
    const slot = index - this.base;
    if (slot >= 0 && slot < this.marks.length) return this.volumes[2 * slot] as number;
    return this.outliers?.get(index)?.buy ?? 0;
  }

  sellAt(index: number): number {
    const slot = index - this.base;
    if (slot >= 0 && slot < this.marks.length) return this.volumes[2 * slot + 1] as number;
    return this.outliers?.get(index)?.sell ?? 0;
  }

  /**
   * The buckets changed in `epoch` (the one every add() since the last call was given), with their neighbours that
   * hold a cell, ascending, each once.
   */
  takeChanged(epoch: number): number[] {
    const low = this.changedLow - 1;
    const high = this.changedHigh + 1;
    const out: number[] = [];
    for (let i = low; i <= high; i++) if (this.inChange(i, epoch)) out.push(i);
    if (this.outliersChanged.length > 0) {
      for (const o of this.outliersChanged) for (let i = o - 1; i <= o + 1; i++) if ((i < low || i > high) && this.inChange(i, epoch)) out.push(i);
      out.sort((a, b) => a - b);
      let kept = 0;
      for (const i of out) if (kept === 0 || out[kept - 1] !== i) out[kept++] = i;
      out.length = kept;
      this.outliersChanged = [];
    }
    this.changedLow = Number.POSITIVE_INFINITY;
    this.changedHigh = Number.NEGATIVE_INFINITY;
    return out;
  }

  /** Bucket `index` holds a cell that changed in `epoch` or is beside one that did. */
  private inChange(index: number, epoch: number): boolean {
    return this.has(index) && (this.markAt(index) === epoch || this.markAt(index - 1) === epoch || this.markAt(index + 1) === epoch);
  }

  private markAt(index: number): number {
    const slot = index - this.base;
    if (slot >= 0 && slot < this.marks.length) return this.marks[slot] as number;
    return this.outliers?.get(index)?.mark ?? 0;
  }

  /** Every bucket holding a cell, ascending. */
  indices(): number[] {
    const out: number[] = [];
    for (let slot = 0; slot < this.marks.length; slot++) if (this.marks[slot] !== 0) out.push(this.base + slot);
    if (this.outliers === undefined) return out;
    for (const i of this.outliers.keys()) out.push(i);
    return out.sort((a, b) => a - b);
  }

  /** Grows the arrays to hold `index` if that keeps them within their bound; false when it would not. */
  private cover(index: number): boolean {
    const size = this.marks.length;
    if (size === 0) {
      this.base = index - INITIAL_SLOTS / 2;
      this.allocate(INITIAL_SLOTS, 0);
      return true;
    }
    const low = Math.min(this.base, index);
    const high = Math.max(this.base + size - 1, index);
    const span = high - low + 1;
    if (span > FREE_SPAN && span > SLOTS_PER_CELL * (this.count + 1)) return false;
    const slots = Math.max(2 * size, span + INITIAL_SLOTS);
    // The room goes to the side the bar is moving to.
    const base = index < this.base ? high - slots + 1 : low;
    this.allocate(slots, this.base - base);
    this.base = base;
    this.absorbOutliers();
    return true;
  }

  private allocate(slots: number, shift: number): void {
    const volumes = new Float64Array(2 * slots);
    const marks = new Uint32Array(slots);
    volumes.set(this.volumes, 2 * shift);
    marks.set(this.marks, shift);
    this.volumes = volumes;
    this.marks = marks;
  }

  /** Outliers the grown arrays now span move into them. */
  private absorbOutliers(): void {
    if (this.outliers === undefined) return;
    for (const [index, o] of this.outliers) {
      const slot = index - this.base;
      if (slot < 0 || slot >= this.marks.length) continue;
      this.volumes[2 * slot] = o.buy;
      this.volumes[2 * slot + 1] = o.sell;
      this.marks[slot] = o.mark;
      this.outliers.delete(index);
    }
    if (this.outliers.size === 0) this.outliers = undefined;
  }

  private addOutlier(index: number, amount: number, side: SideIndex, epoch: number): number {
    this.outliers ??= new Map();
    let o = this.outliers.get(index);
    if (o === undefined) {
      this.outliers.set(index, (o = { buy: 0, sell: 0, mark: 0 }));
      this.count++;
    }
    if (o.mark !== epoch) {
      o.mark = epoch;
      this.outliersChanged.push(index);
    }
    if (side === SIDE_BUY) o.buy += amount;
    else o.sell += amount;
    return o.buy + o.sell;
  }
}
