/** A fixed-capacity ring of numbers: push is O(1); when full, the oldest value is overwritten. */
export class Ring {
  private readonly items: Float64Array;
  private start = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    this.items = new Float64Array(Math.max(1, capacity));
  }

  get length(): number {
    return this.count;
  }

  get full(): boolean {
    return this.count === this.capacity;
  }

  /** Pushes `value`; returns the value it evicted, or undefined. */
  push(value: number): number | undefined {
    if (this.capacity === 0) return value;
    if (this.count < this.capacity) {
      this.items[(this.start + this.count) % this.capacity] = value;
      this.count++;
      return undefined;
    }
    const evicted = this.items[this.start]!;
    this.items[this.start] = value;
    this.start = (this.start + 1) % this.capacity;
    return evicted;
  }

  /** i = 0 is the oldest. */
  at(i: number): number | undefined {
    return i >= 0 && i < this.count ? this.items[(this.start + i) % this.capacity] : undefined;
  }

  /** i = 0 is the newest. */
  fromEnd(i: number): number | undefined {
    return this.at(this.count - 1 - i);
  }

  clear(): void {
    this.start = 0;
    this.count = 0;
  }
}
