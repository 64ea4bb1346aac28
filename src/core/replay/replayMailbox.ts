/** One replayed stream's hand-off to its watch loop: what was released since the last watch call, merged, given to the next one. */
import { AbortError } from '../util/sleep';

/**
 * Behaves like a ccxt watch method: `take()` resolves with what arrived since the previous call (at once when
 * something is held). Data put while nobody watches is dropped, as a live exchange's would be; `close()` ends the
 * watch (the pending call rejects, which the watch loop ignores once it is aborted).
 */
export class ReplayMailbox<T> {
  private held: T | undefined;
  private waiting: { resolve: (value: T) => void; reject: (err: Error) => void } | undefined;
  private watched = false;

  /** `current`: what a new watcher gets first (the book or ticker as it stands), like a live stream's first message. */
  constructor(
    private readonly merge: (held: T | undefined, next: T) => T,
    private readonly current: () => T | undefined = () => undefined,
  ) {}

  get isWatched(): boolean {
    return this.watched;
  }

  put(next: T): void {
    if (!this.watched) return;
    this.held = this.merge(this.held, next);
  }

  /** Hands what is held to a waiting watch call; called once per release, so a batch is not split per event. */
  deliver(): void {
    const { held, waiting } = this;
    if (held === undefined || !waiting) return;
    this.held = undefined;
    this.waiting = undefined;
    waiting.resolve(held);
  }

  take(): Promise<T> {
    if (!this.watched) {
      this.watched = true;
      this.held = this.current();
    }
    if (this.waiting) return Promise.reject(new Error('a replayed stream has one watcher at a time'));
    const held = this.held;
    if (held !== undefined) {
      this.held = undefined;
      return Promise.resolve(held);
    }
    return new Promise<T>((resolve, reject) => (this.waiting = { resolve, reject }));
  }

  /** Drops what is held (a replay seeked back); a waiting watch call keeps waiting. */
  clear(): void {
    this.held = undefined;
  }

  close(): void {
    this.watched = false;
    this.held = undefined;
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.reject(new AbortError('replayed stream stopped'));
  }
}
