import { toDisposable, type Disposable } from '../../shared/util/disposable';
import type { Logger } from '../util/log';

export interface LagWatchdogOptions {
  readonly log: Logger;
  /** Report when the loop was blocked at least this long. */
  readonly thresholdMs: number;
  readonly intervalMs?: number;
  readonly now?: () => number;
  readonly onLag?: (lagMs: number) => void;
}

/**
 * Logs when the event loop was blocked past a threshold: a timer that fires late by more than the threshold means
 * something held the loop. The timer is unref'd, so it never keeps a process alive.
 */
export function startLagWatchdog(opts: LagWatchdogOptions): Disposable {
  const interval = opts.intervalMs ?? 500;
  const now = opts.now ?? (() => performance.now());
  let expected = now() + interval;
  const timer = setInterval(() => {
    const t = now();
    const lag = t - expected;
    expected = t + interval;
    if (lag >= opts.thresholdMs) {
      opts.log.warn(`event loop was blocked for ${Math.round(lag)} ms`);
      opts.onLag?.(lag);
    }
  }, interval);
  timer.unref?.();
  return toDisposable(() => clearInterval(timer));
}
