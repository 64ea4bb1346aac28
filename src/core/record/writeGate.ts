// A record store's writes under way: close() refuses new ones and waits for those, so nothing is cut half-written.
export class WriteGate {
  private readonly inFlight = new Set<Promise<void>>();
  private closed = false;

  constructor(private readonly storeName: string) {}

  async run(write: () => Promise<void>): Promise<void> {
    if (this.closed) throw new Error(`the record store ${this.storeName} is closed`);
    const pending = write();
    this.inFlight.add(pending);
    try {
      await pending;
    } finally {
      this.inFlight.delete(pending);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.inFlight]);
  }
}
