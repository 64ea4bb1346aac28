/** A tiny observable value, so a small component (legend, badge) can re-render without its parents. */
import { useCallback, useEffect, useState } from 'preact/hooks';

export class Store<T> {
  private readonly listeners = new Set<() => void>();

  constructor(private value: T) {}

  get(): T {
    return this.value;
  }

  set(value: T): void {
    if (Object.is(value, this.value)) return;
    this.value = value;
    for (const l of this.listeners) l();
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
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
