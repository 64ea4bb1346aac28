/** The maximum (or minimum) of the last `size` values pushed, by a monotonic queue: O(1) amortised per push. */
export class SlidingExtreme {
  private idx: number[] = [];
  private vals: number[] = [];
  private head = 0;
  private pushed = 0;

  constructor(
    private readonly size: number,
    private readonly kind: 'max' | 'min',
  ) {}

  push(value: number): void {
    const dominated = this.kind === 'max' ? (v: number) => v <= value : (v: number) => v >= value;
    while (this.vals.length > this.head && dominated(this.vals[this.vals.length - 1]!)) {
      this.vals.pop();
      this.idx.pop();
    }
    this.vals.push(value);
    this.idx.push(this.pushed++);
    const oldest = this.pushed - this.size;
    while (this.head < this.idx.length && this.idx[this.head]! < oldest) this.head++;
    if (this.head > 256 && this.head * 2 > this.idx.length) {
      this.idx = this.idx.slice(this.head);
      this.vals = this.vals.slice(this.head);
      this.head = 0;
    }
  }

  /** Undefined until something was pushed (or when size is 0). */
  get value(): number | undefined {
    return this.size > 0 && this.head < this.vals.length ? this.vals[this.head] : undefined;
  }

  clear(): void {
    this.idx = [];
    this.vals = [];
    this.head = 0;
    this.pushed = 0;
  }
}
