/** Alert deliveries under way, so that a shutdown can give them a bounded grace before the notifiers close. */
export class InFlightDeliveries {
  private readonly pending = new Set<Promise<unknown>>();

  get size(): number {
    return this.pending.size;
  }

  /** Tracks `delivery` until it settles. */
  track(delivery: Promise<unknown>): void {
    const settled = delivery.then(
      () => undefined,
      () => undefined,
    );
    this.pending.add(settled);
    void settled.then(() => this.pending.delete(settled));
  }

  /** Resolves when every tracked delivery has settled, or after `graceMs`, with the number still under way. */
  async settle(graceMs: number): Promise<number> {
    if (this.pending.size === 0) return 0;
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)));
    await Promise.race([Promise.all(this.pending), grace]);
    clearTimeout(timer);
    return this.pending.size;
  }
}
