/** The one event primitive: listeners subscribe with a Disposable, and a throwing listener costs only itself. */
import { toDisposable, type Disposable } from './disposable';

/**
 * An event with any number of listeners. `fire` calls each listener in subscription order; one that throws neither
 * stops the others nor reaches the caller when an `onListenerError` is given (it gets the error instead); without
 * one, the error goes to the caller. Subscribing the same function twice keeps one subscription; a listener added
 * during a fire is called in it, one removed during a fire is not (a Set's iteration order).
 */
export class Emitter<T extends unknown[]> implements Disposable {
  private readonly listeners = new Set<(...args: T) => void>();

  constructor(private readonly onListenerError?: (err: unknown) => void) {}

  /** Subscribes `listener` until the returned Disposable is disposed. */
  readonly event = (listener: (...args: T) => void): Disposable => {
    this.listeners.add(listener);
    return toDisposable(() => this.listeners.delete(listener));
  };

  get hasListeners(): boolean {
    return this.listeners.size > 0;
  }

  fire(...args: T): void {
    for (const listener of this.listeners) {
      if (!this.onListenerError) listener(...args);
      else {
        try {
          listener(...args);
        } catch (err) {
          this.onListenerError(err);
        }
      }
    }
  }

  /** Drops every listener. */
  dispose(): void {
    this.listeners.clear();
  }
}
