import type { Disposable } from '../../shared/util/disposable';

/**
 * Delivers values asynchronously, keeping only the newest one pending: a consumer that cannot keep up sees the
 * latest order book, never a queue of stale ones.
 */
export class LatestWins<T> implements Disposable {
  private pending: { value: T } | undefined;
  private scheduled = false;
  private disposed = false;

  constructor(private readonly deliver: (value: T) => void) {}

  push(value: T): void {
    if (this.disposed) return;
    this.pending = { value };
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      const p = this.pending;
      this.pending = undefined;
      if (p && !this.disposed) this.deliver(p.value);
    });
  }

  /** Forgets the value not yet delivered (one already scheduled delivers nothing). */
  drop(): void {
    this.pending = undefined;
  }

  dispose(): void {
    this.disposed = true;
    this.pending = undefined;
  }
}
