/**
 * A growable double-ended ring of fixed-stride Float32 records, addressed by absolute index (records can be added at
 * either end). The records of one push are contiguous in `array` (the ring skips its last slots rather than wrap a
 * block), so a reader can walk them with plain index arithmetic. Pure.
 */

/** `a` mod `n`, never negative (absolute indices go below zero as records are added in front). */
export const mod = (a: number, n: number): number => a - Math.floor(a / n) * n;

export class FloatRing {
  private data: Float32Array;
  private capacity: number;
  /** Absolute index of the first record held, and one past the last. */
  private head = 0;
  private tail = 0;

  constructor(
    readonly stride: number,
    initialCapacity = 1024,
  ) {
    this.capacity = Math.max(1, initialCapacity);
    this.data = new Float32Array(this.capacity * stride);
  }

  get start(): number {
    return this.head;
  }

  get end(): number {
    return this.tail;
  }

  get length(): number {
    return this.tail - this.head;
  }

  /** Records the ring can hold before it grows. */
  get room(): number {
    return this.capacity;
  }

  clear(): void {
    this.head = this.tail = 0;
  }

  /** The records themselves: record `abs` starts at `offset(abs)`; a push's records follow each other. */
  get array(): Float32Array {
    return this.data;
  }

  offset(abs: number): number {
    return mod(abs, this.capacity) * this.stride;
  }

  /** Makes room for `n` contiguous records after the last: the absolute index of the first of them. */
  pushBack(n: number): number {
    this.ensure(this.length + n);
    // Skip to the ring's start rather than wrap the block (growing if the skipped slots are needed).
    const skip = () => Math.max(0, mod(this.tail, this.capacity) + n - this.capacity) && this.capacity - mod(this.tail, this.capacity);
    while (this.length + skip() + n > this.capacity) this.ensure(this.length + skip() + n);
    this.tail += skip();
    const at = this.tail;
    this.tail += n;
    return at;
  }

  /** Makes room for `n` contiguous records before the first: the absolute index of the first of them. */
  pushFront(n: number): number {
    this.ensure(this.length + n);
    // Skip to the ring's end rather than wrap the block (growing if the skipped slots are needed).
    const skip = () => {
      const end = mod(this.head, this.capacity) || this.capacity;
      return end < n ? end : 0;
    };
    while (this.length + skip() + n > this.capacity) this.ensure(this.length + skip() + n);
    this.head -= skip() + n;
    return this.head;
  }

  /** Forgets every record before absolute index `abs`. */
  dropBefore(abs: number): void {
    this.head = Math.max(this.head, Math.min(abs, this.tail));
  }

  /** Field `field` of record `abs`. */
  get(abs: number, field: number): number {
    return this.data[this.offset(abs) + field] ?? 0;
  }

  set(abs: number, field: number, value: number): void {
    this.data[this.offset(abs) + field] = value;
  }

  /** Grows (doubling, so a contiguous block stays contiguous) until `records` fit. */
  private ensure(records: number): void {
    if (records <= this.capacity) return;
    let capacity = this.capacity;
    while (capacity < records) capacity *= 2;
    const data = new Float32Array(capacity * this.stride);
    for (let abs = this.head; abs < this.tail; abs++) {
      const from = mod(abs, this.capacity) * this.stride;
      data.set(this.data.subarray(from, from + this.stride), mod(abs, capacity) * this.stride);
    }
    this.data = data;
    this.capacity = capacity;
  }
}
