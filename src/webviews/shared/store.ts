/** A tiny observable value, so a small component (legend, badge) can re-render without its parents. */
import { useCallback, useEffect, useState } from 'preact/hooks';
import { Emitter } from '../../shared/util/emitter';

export class Store<T> {
  private readonly changed = new Emitter<[]>();

  constructor(private value: T) {}

  get(): T {
    return this.value;
  }

  set(value: T): void {
    if (Object.is(value, this.value)) return;
    this.value = value;
    this.changed.fire();
  }

  /** Returns the unsubscribe function (a Preact effect's cleanup). */
  subscribe(listener: () => void): () => void {
    const subscription = this.changed.event(listener);
    return () => subscription.dispose();
  }
}

/** A stable function that re-renders the calling component. */
export function useRerender(): () => void {
  const [, setN] = useState(0);
  return useCallback(() => setN((n) => n + 1), []);
}

export function useStore<T>(store: Store<T>): T {
  const rerender = useRerender();
  useEffect(() => store.subscribe(rerender), [store]);
  return store.get();
}
