/** One footprint bar's cells: buy and sell volume per integer price bucket, in typed arrays indexed by bucket offset. */

/** Slots of a new bar's arrays, centred on its first trade's bucket. */
const INITIAL_SLOTS = 32;
/** The arrays may always span this many buckets... */
const FREE_SPAN = 1024;
/** ...and beyond it as long as they stay this dense (slots per cell held), so a trending bar keeps growing them. */
const SLOTS_PER_CELL = 8;

interface Outlier {
  buy: number;
  sell: number;
  mark: number;
}

/**
 * The arrays cover the buckets the bar traded in, grown by doubling; a trade whose bucket would stretch them past
 * their bound (one far print of a thin book, or a bad one) is kept in a small map instead, so one outlier costs one
 * entry, not a span of empty slots. `mark` is the epoch in which a cell last changed (0: no cell), so the hot path
 * allocates nothing and a drain reads only the buckets listed in `changed`.
 */
export class BucketCells {
  private base = 0;
  private buys = new Float64Array(0);
  private sells = new Float64Array(0);
  private marks = new Uint32Array(0);
  private outliers: Map<number, Outlier> | undefined;
  private count = 0;
  /** Buckets changed since the last takeChanged(), each once. */
  private changed: number[] = [];

  /** Adds a trade's volume to bucket `index` in epoch `epoch` (≥ 1); returns the cell's total volume after it. */
  add(index: number, amount: number, isBuy: boolean, epoch: number): number {
    let slot = index - this.base;
    if (slot < 0 || slot >= this.marks.length) {
      if (!this.cover(index)) return this.addOutlier(index, amount, isBuy, epoch);
      slot = index - this.base;
    }
    const mark = this.marks[slot] as number;
    if (mark !== epoch) {
      if (mark === 0) this.count++;
      this.marks[slot] = epoch;
      this.changed.push(index);
    }
    if (isBuy) return (this.buys[slot] = (this.buys[slot] as number) + amount) + (this.sells[slot] as number);
    return (this.buys[slot] as number) + (this.sells[slot] = (this.sells[slot] as number) + amount);
  }

  has(index: number): boolean {
    const slot = index - this.base;
    if (slot >= 0 && slot < this.marks.length) return this.marks[slot] !== 0;
    return this.outliers?.has(index) ?? false;
  }

  /** Buy volume at `index` (0 where nothing traded). */
  buyAt(index: number): number {
    const slot = index - this.base;
    if (slot >= 0 && slot < this.marks.length) return this.buys[slot] as number;
    return this.outliers?.get(index)?.buy ?? 0;
  }

  sellAt(index: number): number {
    const slot = index - this.base;
    if (slot >= 0 && slot < this.marks.length) return this.sells[slot] as number;
    return this.outliers?.get(index)?.sell ?? 0;
  }

  /** The buckets changed since the last call, with their neighbours that hold a cell, ascending, each once. */
  takeChanged(): number[] {
    const changed = this.changed.sort((a, b) => a - b);
    this.changed = [];
    const out: number[] = [];
    let last = Number.NEGATIVE_INFINITY;
    for (const i of changed) {
      if (i - 1 > last && this.has(i - 1)) out.push(i - 1);
      if (i > last) out.push(i);
      if (this.has(i + 1)) out.push(i + 1);
      last = out[out.length - 1] as number;
    }
    return out;
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
    const buys = new Float64Array(slots);
    const sells = new Float64Array(slots);
    const marks = new Uint32Array(slots);
    buys.set(this.buys, shift);
    sells.set(this.sells, shift);
    marks.set(this.marks, shift);
    this.buys = buys;
    this.sells = sells;
    this.marks = marks;
  }

  /** Outliers the grown arrays now span move into them. */
  private absorbOutliers(): void {
    if (this.outliers === undefined) return;
    for (const [index, o] of this.outliers) {
      const slot = index - this.base;
      if (slot < 0 || slot >= this.marks.length) continue;
      this.buys[slot] = o.buy;
      this.sells[slot] = o.sell;
      this.marks[slot] = o.mark;
      this.outliers.delete(index);
    }
    if (this.outliers.size === 0) this.outliers = undefined;
  }

  private addOutlier(index: number, amount: number, isBuy: boolean, epoch: number): number {
    this.outliers ??= new Map();
    let o = this.outliers.get(index);
    if (o === undefined) {
      this.outliers.set(index, (o = { buy: 0, sell: 0, mark: 0 }));
      this.count++;
    }
    if (o.mark !== epoch) {
      o.mark = epoch;
      this.changed.push(index);
    }
    if (isBuy) o.buy += amount;
    else o.sell += amount;
    return o.buy + o.sell;
  }
}
