/** Counts the timers created while it is installed that are still pending (not fired, not cleared): proof that nothing outlives a stop. */

type Handle = ReturnType<typeof setTimeout>;

export interface TimerTracker {
  /** Timers created since `install` that would still run (timeouts not yet fired or cleared, intervals not cleared). */
  pending(): number;
  restore(): void;
}

/**
 * Wraps the global timer functions (unref'd timers included, which `process.getActiveResourcesInfo` leaves out).
 * Always `restore()` in a `finally`.
 */
export function trackTimers(): TimerTracker {
  const live = new Set<Handle>();
  const real = { setTimeout: globalThis.setTimeout, setInterval: globalThis.setInterval, clearTimeout: globalThis.clearTimeout, clearInterval: globalThis.clearInterval };
  globalThis.setTimeout = ((fn: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => {
    const h: Handle = real.setTimeout(() => {
      live.delete(h);
      fn(...args);
    }, ms);
    live.add(h);
    return h;
  }) as typeof setTimeout;
  globalThis.setInterval = ((fn: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => {
    const h = real.setInterval(fn, ms, ...args);
    live.add(h);
    return h;
  }) as typeof setInterval;
  const clear = (h: Handle | string | number | undefined) => {
    if (h !== undefined && typeof h === 'object') live.delete(h);
  };
  globalThis.clearTimeout = ((h?: Handle) => {
    clear(h);
    real.clearTimeout(h);
  }) as typeof clearTimeout;
  globalThis.clearInterval = ((h?: Handle) => {
    clear(h);
    real.clearInterval(h);
  }) as typeof clearInterval;
  return {
    pending: () => live.size,
    restore: () => Object.assign(globalThis, real),
  };
}
