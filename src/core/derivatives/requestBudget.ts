/**
 * The request budget of one exchange's pollers: however many markets, panels and aggregates poll it, their requests
 * go out one at a time, at least `spacingMs` apart, first come first served. So N pollers never multiply the rate:
 * each waits its turn, and a poller's own interval stretches to N turns when N × spacing is longer. While the exchange
 * has asked for quiet (a rate limit's reset, `pausedUntil`), no turn is granted: the pollers do not all wait in the
 * REST pause and go out together when it ends.
 */
import { abortReason } from '../util/sleep';

interface Waiter {
  readonly grant: () => void;
  readonly onAbort: () => void;
}

export class RequestBudget {
  private readonly queue: Waiter[] = [];
  /** Epoch ms from which the next turn may be granted. */
  private nextAt = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private grantedCount = 0;

  constructor(
    readonly exchange: string,
    readonly spacingMs: number,
    private readonly now: () => number = Date.now,
    private readonly pausedUntil: () => number = () => 0,
  ) {}

  /** Turns handed out so far (for tests and the debug state). */
  get granted(): number {
    return this.grantedCount;
  }

  /** When the last turn was granted (epoch ms of the budget's clock; for tests: a waiter's callback may run later). */
  get lastGrantAt(): number {
    return this.nextAt - this.spacingMs;
  }

  /** Pollers waiting for a turn. */
  get waiting(): number {
    return this.queue.length;
  }

  /** Whether a timer is pending (none once nobody waits). */
  get scheduled(): boolean {
    return this.timer !== undefined;
  }

  /** Resolves when the caller may send one request; rejects with the signal's reason if it aborts first (its turn goes to the next). */
  take(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        grant: () => {
          signal?.removeEventListener('abort', waiter.onAbort);
          resolve();
        },
        onAbort: () => {
          const i = this.queue.indexOf(waiter);
          if (i >= 0) this.queue.splice(i, 1);
          if (this.queue.length === 0) this.unschedule();
          reject(abortReason(signal as AbortSignal));
        },
      };
      signal?.addEventListener('abort', waiter.onAbort, { once: true });
      this.queue.push(waiter);
      this.pump();
    });
  }

  private pump(): void {
    if (this.timer !== undefined) return;
    const now = this.now();
    const at = Math.max(this.nextAt, this.pausedUntil());
    if (now < at) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.pump();
      }, at - now);
      return;
    }
    const next = this.queue.shift();
    if (!next) return;
    this.nextAt = now + this.spacingMs;
    this.grantedCount++;
    next.grant();
    if (this.queue.length > 0) this.pump();
  }

  private unschedule(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
