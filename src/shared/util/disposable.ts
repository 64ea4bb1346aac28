/** One way to end what was started: a Disposable, a teardown run once, and a store that ends its members in reverse order. */
export interface Disposable {
  dispose(): void;
}

/** Wraps a teardown so that calling dispose() more than once runs it only once. */
export function toDisposable(teardown: () => void): Disposable {
  let disposed = false;
  return {
    dispose() {
      if (disposed) return;
      disposed = true;
      teardown();
    },
  };
}

/** Disposes its members in reverse order of addition; later additions after dispose are disposed at once. */
export class DisposableStore implements Disposable {
  private readonly items: Disposable[] = [];
  private disposed = false;

  add<T extends Disposable>(item: T): T {
    if (this.disposed) item.dispose();
    else this.items.push(item);
    return item;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (let item = this.items.pop(); item; item = this.items.pop()) item.dispose();
  }
}
