/** A set of bar times (ms), kept ascending, that answers "is one of them in this range" in O(log n). */
export class SortedTimes {
  private readonly times: number[] = [];

  get size(): number {
    return this.times.length;
  }

  /** Whether it was not held. */
  add(time: number): boolean {
    const i = this.lowerBound(time);
    if (this.times[i] === time) return false;
    this.times.splice(i, 0, time);
    return true;
  }

  /** Whether it was held. */
  delete(time: number): boolean {
    const i = this.lowerBound(time);
    if (this.times[i] !== time) return false;
    this.times.splice(i, 1);
    return true;
  }

  /** The times from `time` on, ascending (a copy). */
  from(time: number): number[] {
    return this.times.slice(this.lowerBound(time));
  }

  clear(): void {
    this.times.length = 0;
  }

  /** Whether a time lies in [from, to]. */
  anyBetween(from: number, to: number): boolean {
    const first = this.times[this.lowerBound(from)];
    return first !== undefined && first <= to;
  }

  private lowerBound(time: number): number {
    let lo = 0;
    let hi = this.times.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.times[mid] ?? Infinity) < time) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
