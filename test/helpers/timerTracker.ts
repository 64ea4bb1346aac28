/** Counts the timers created while it is installed that are still pending (not fired, not cleared): proof that nothing outlives a stop. */

type Handle = ReturnType<typeof setTimeout>;

export interface TimerTracker {
  /** Timers created since `install` that would still run (timeouts not yet fired or cleared, intervals not cleared). */
  pending(): number;
  /** Where each pending timer was created (only with `counts`: the stacks are read for it). */
  pendingStacks(): string[];
  restore(): void;
}

/**
 * Wraps the global timer functions (unref'd timers included, which `process.getActiveResourcesInfo` leaves out).
 * Always `restore()` in a `finally`. `counts`: only timers whose creation stack it accepts are tracked (the
 * product's, not an emulator's running in the same process).
 */
export function trackTimers(counts?: (stack: string) => boolean): TimerTracker {
  const live = new Set<Handle>();
  const stacks = new Map<Handle, string>();
  const track = (h: Handle): void => {
    if (counts === undefined) return void live.add(h);
    const stack = new Error().stack ?? '';
    if (!counts(stack)) return;
    live.add(h);
    stacks.set(h, stack);
  };
  const stackTraceLimit = Error.stackTraceLimit;
  if (counts !== undefined) Error.stackTraceLimit = 40;
  const real = { setTimeout: globalThis.setTimeout, setInterval: globalThis.setInterval, clearTimeout: globalThis.clearTimeout, clearInterval: globalThis.clearInterval };
  globalThis.setTimeout = ((fn: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => {
    const h: Handle = real.setTimeout(() => {
      live.delete(h);
      stacks.delete(h);
      fn(...args);
    }, ms);
    track(h);
    return h;
  }) as typeof setTimeout;
  globalThis.setInterval = ((fn: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => {
    const h = real.setInterval(fn, ms, ...args);
    track(h);
    return h;
  }) as typeof setInterval;
  const clear = (h: Handle | string | number | undefined) => {
    if (h === undefined || typeof h !== 'object') return;
    live.delete(h);
    stacks.delete(h);
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
    pendingStacks: () => [...live].map((h) => stacks.get(h) ?? '(not read)'),
    restore: () => {
      Object.assign(globalThis, real);
      Error.stackTraceLimit = stackTraceLimit;
    },
  };
}

/**
 * A `counts` for trackTimers: the product's timers, those whose first frame of ours or ccxt's made them (an
 * emulator's, the test's and mocha's aside, whatever library frames lie between).
 */
export function isProductTimer(stack: string): boolean {
  for (const line of stack.split('\n').slice(1)) {
    if (/timerTracker\.ts/.test(line)) continue;
    if (/[/\\]src[/\\]emulator[/\\]|[/\\]test[/\\]|[/\\]mocha[/\\]/.test(line)) return false;
    if (/[/\\]src[/\\](core|shared)[/\\]|[/\\]node_modules[/\\]ccxt[/\\]/.test(line)) return true;
  }
  return false;
}

/** The frame that made a timer (its stack's first line outside this file and node's internals). */
export const timerOrigin = (stack: string): string => stack.split('\n').slice(1).find((l) => !/timerTracker\.ts|\(node:/.test(l))?.trim() ?? stack;
