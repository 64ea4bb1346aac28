/** One replayed stream's hand-off to its watch loop: what was released since the last watch call, merged, given to the next one. */
import { AbortError } from '../util/sleep';

/** What a watch call gets next: data (merged while nobody takes it), or an error (a hole of the recording) in between. */
type Item<T> = { readonly data: T } | { readonly error: Error };

/**
 * Behaves like a ccxt watch method: `take()` resolves with what arrived since the previous call (at once when
 * something is held). Data put while nobody watches is dropped, as a live exchange's would be; `close()` ends the
 * watch (the pending call rejects, which the watch loop ignores once it is aborted). `interrupt()` makes one watch
 * call reject between the data before it and the data after.
 */
export class ReplayMailbox<T> {
  private queue: Array<Item<T>> = [];
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
    const last = this.queue.at(-1);
    if (last && 'data' in last) this.queue[this.queue.length - 1] = { data: this.merge(last.data, next) };
    else this.queue.push({ data: this.merge(undefined, next) });
  }

  /** The next watch call after the data held now rejects with `error`; data put later comes after it. */
  interrupt(error: Error): void {
    if (this.watched) this.queue.push({ error });
  }

  /** Hands what is held to a waiting watch call; called once per release, so a batch is not split per event. */
  deliver(): void {
    const { waiting } = this;
    const item = this.queue[0];
    if (item === undefined || !waiting) return;
    this.queue.shift();
    this.waiting = undefined;
    if ('data' in item) waiting.resolve(item.data);
    else waiting.reject(item.error);
  }

  take(): Promise<T> {
    if (!this.watched) {
      this.watched = true;
      const first = this.current();
      this.queue = first === undefined ? [] : [{ data: first }];
    }
    if (this.waiting) return Promise.reject(new Error('a replayed stream has one watcher at a time'));
    const item = this.queue.shift();
    if (item !== undefined) return 'data' in item ? Promise.resolve(item.data) : Promise.reject(item.error);
    return new Promise<T>((resolve, reject) => (this.waiting = { resolve, reject }));
  }

  /** Drops what is held (a replay seeked back); a waiting watch call keeps waiting. */
  clear(): void {
    this.queue = [];
  }

  close(): void {
    this.watched = false;
    this.queue = [];
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.reject(new AbortError('replayed stream stopped'));
  }
}

/**
 * A mailbox merge for batches: what is released while the watcher is busy is held as one batch, appended to in place
 * (the first copied, so a release's own array is never changed). A watcher behind by many releases costs each release
 * its own items, not a copy of all held.
 */
export function appendBatch<T>(held: T[] | undefined, next: readonly T[]): T[] {
  const out = held ?? [];
  for (const item of next) out.push(item);
  return out;
}
