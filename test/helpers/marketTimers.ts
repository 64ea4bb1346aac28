import type { ScheduleTimer } from '../../src/core/util/scheduleTimer';

/**
 * Waits on a simulated market's clock, for code that takes a ScheduleTimer: each is due once that clock has passed
 * its delay and runs when the test calls runDue, so a seeded run goes the same way every time (no wall clock).
 */
export class MarketTimers {
  private waits: Array<{ readonly at: number; readonly run: () => void; live: boolean }> = [];

  constructor(private readonly now: () => number) {}

  readonly schedule: ScheduleTimer = (run, delayMs) => {
    const wait = { at: this.now() + delayMs, run, live: true };
    this.waits.push(wait);
    return () => void (wait.live = false);
  };

  /** The waits neither run nor cancelled. */
  get pending(): number {
    return this.waits.filter((w) => w.live).length;
  }

  /** Runs the waits due by the clock's time, earliest first (those they schedule too, if due); returns how many ran. */
  runDue(): number {
    let ran = 0;
    for (;;) {
      const due = this.waits.filter((w) => w.live && w.at <= this.now()).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      due.live = false;
      due.run();
      ran++;
    }
    this.waits = this.waits.filter((w) => w.live);
    return ran;
  }
}
