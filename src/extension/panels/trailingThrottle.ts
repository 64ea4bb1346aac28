import { scheduleTimeout, type Schedule } from '../schedule';

/**
 * Runs an answer to a page's ask at most once per interval: an ask inside the interval is answered once at its end,
 * however many came (none is lost, the work is bounded). A page is untrusted: one that says ready or asks for its
 * bundle in a loop must not make the host build a snapshot or post 0.4 MB each time. No vscode import.
 */
export class TrailingThrottle {
  private lastRun = Number.NEGATIVE_INFINITY;
  private pending: { dispose(): void } | undefined;
  /** Asks answered together with another one so far. */
  merged = 0;

  constructor(
    private readonly answer: () => void,
    private readonly intervalMs: number,
    private readonly now: () => number = () => performance.now(),
    private readonly schedule: Schedule = scheduleTimeout,
  ) {}

  ask(): void {
    if (this.pending) {
      this.merged++;
      return;
    }
    const wait = this.lastRun + this.intervalMs - this.now();
    if (wait <= 0) {
      this.run();
      return;
    }
    this.merged++;
    this.pending = this.schedule(() => {
      this.pending = undefined;
      this.run();
    }, wait);
  }

  dispose(): void {
    this.pending?.dispose();
    this.pending = undefined;
  }

  private run(): void {
    this.lastRun = this.now();
    this.answer();
  }
}
