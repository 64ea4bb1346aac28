/**
 * Wakes the alert engine when a rule's status changes by time alone (its expiry, the end of a cooldown or a snooze).
 * Feed batches re-derive statuses too, but a quiet feed has none: without this, an expired rule kept its
 * subscription and a cooling rule read "cooling" until the next trade.
 */
import type { Disposable } from '../../shared/util/disposable';
import type { Clock } from '../util/clock';
import type { ScheduleTimer } from '../util/scheduleTimer';

export { systemTimers, type ScheduleTimer } from '../util/scheduleTimer';

/** Node's timers fire at once beyond 2^31-1 ms; a later threshold is re-checked after this long. */
export const MAX_WAKEUP_DELAY_MS = 24 * 3_600_000;

/** One pending wake-up, at the earliest time any caller asked for. */
export class StatusWakeup implements Disposable {
  private at = Infinity;
  private cancel: (() => void) | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly schedule: ScheduleTimer,
    private readonly onDue: () => void,
  ) {}

  /** Ensures a wake-up no later than `at` (Infinity: nothing to wait for). O(1): called for every status derived. */
  request(at: number): void {
    if (!(at < this.at)) return;
    this.cancel?.();
    this.at = at;
    const delay = Math.min(Math.max(0, at - this.clock.now()), MAX_WAKEUP_DELAY_MS);
    this.cancel = this.schedule(() => {
      this.at = Infinity;
      this.cancel = undefined;
      this.onDue();
    }, delay);
  }

  dispose(): void {
    this.cancel?.();
    this.cancel = undefined;
    this.at = Infinity;
  }
}
