import type { Schedule } from '../../src/extension/schedule';

/** A clock and a timer queue the test moves by hand. */
export class ManualTime {
  now = 0;
  private timers: Array<{ at: number; fn: () => void; live: boolean }> = [];
  readonly schedule: Schedule = (fn, ms) => {
    const t = { at: this.now + ms, fn, live: true };
    this.timers.push(t);
    return { dispose: () => void (t.live = false) };
  };
  get pending(): number {
    return this.timers.filter((t) => t.live).length;
  }
  advance(ms: number): void {
    const until = this.now + ms;
    for (;;) {
      const due = this.timers.filter((t) => t.live && t.at <= until).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.now = due.at;
      due.live = false;
      due.fn();
    }
    this.now = until;
    this.timers = this.timers.filter((t) => t.live);
  }
}
