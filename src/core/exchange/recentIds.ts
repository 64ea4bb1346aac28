/** The ids of the newest trades of one stream, to drop a trade an exchange sends twice (a resubscribe's snapshot). */
export class RecentIds {
  private readonly ids = new Set<string>();
  private readonly ring: string[] = [];
  private next = 0;

  constructor(private readonly capacity = 4096) {}

  /** `trades` without those already seen; O(1) per trade, memory bounded by the capacity. */
  fresh<T extends { readonly id: string }>(trades: readonly T[]): T[] {
    const out: T[] = [];
    for (const t of trades) {
      if (this.ids.has(t.id)) continue;
      this.remember(t.id);
      out.push(t);
    }
    return out;
  }

  private remember(id: string): void {
    if (this.ring.length < this.capacity) this.ring.push(id);
    else {
      this.ids.delete(this.ring[this.next] as string);
      this.ring[this.next] = id;
      this.next = (this.next + 1) % this.capacity;
    }
    this.ids.add(id);
  }
}
