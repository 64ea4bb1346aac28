/** The last `capacity` trades of a stream by time and id: a few stores per trade, a scan only when asked. */
export class TradeRing {
  private readonly times: Float64Array;
  private readonly ids: string[] = [];
  private next = 0;

  constructor(private readonly capacity = 4096) {
    this.times = new Float64Array(capacity);
  }

  add(ts: number, id: string): void {
    if (this.ids.length < this.capacity) {
      this.times[this.ids.length] = ts;
      this.ids.push(id);
      return;
    }
    this.times[this.next] = ts;
    this.ids[this.next] = id;
    this.next = (this.next + 1) % this.capacity;
  }

  has(ts: number, id: string): boolean {
    for (let i = 0; i < this.ids.length; i++) if (this.times[i] === ts && this.ids[i] === id) return true;
    return false;
  }

  /**
   * Whether a trade at `ts` would still be held had it come: the ring has never been full, or its oldest kept time is
   * at or before `ts`. Otherwise `has` cannot tell a trade sent twice from one never seen.
   */
  reaches(ts: number): boolean {
    if (this.ids.length < this.capacity) return true;
    let oldest = Number.POSITIVE_INFINITY;
    for (let i = 0; i < this.capacity; i++) if ((this.times[i] as number) < oldest) oldest = this.times[i] as number;
    return ts >= oldest;
  }
}
