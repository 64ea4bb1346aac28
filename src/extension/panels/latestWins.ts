import { scheduleTimeout, type Schedule } from '../schedule';

/**
 * Acts on a page's costly asks of one kind (a settings write, a REST request, a new subscription) at most once per
 * interval and one at a time: the first ask at once, those that come meanwhile replaced by the latest (or merged
 * into it by `merge`), which is acted on when the interval has passed and the act before it has settled. A page is
 * untrusted: one that sends such a command in a loop must not make the host write settings.json or ask the
 * exchange each time, and what it asked for last is never lost. No vscode import.
 */
export class LatestWins<T> {
  /** Asks not acted on at once (replaced, merged or delayed) so far. */
  merged = 0;
  private waiting: { value: T; asks: number } | undefined;
  private acting = false;
  private timer: { dispose(): void } | undefined;
  private lastAct = Number.NEGATIVE_INFINITY;
  private disposed = false;

  constructor(
    /** `asks`: how many asks this act answers (the latest and those it replaced). A promise holds the next act until it settles. */
    private readonly act: (value: T, asks: number) => void | PromiseLike<unknown>,
    private readonly intervalMs: number,
    private readonly opts: {
      /** The value to act on when `next` comes while `waiting` waits; by default the latest. */
      readonly merge?: (waiting: T, next: T) => T;
      /** An act that threw or rejected (it may run from a timer, where nobody else would hear of it). */
      readonly onError?: (err: unknown) => void;
      readonly now?: () => number;
      readonly schedule?: Schedule;
    } = {},
  ) {}

  ask(value: T): void {
    if (this.disposed) return;
    const busy = this.waiting !== undefined || this.acting || this.timer !== undefined || this.now() - this.lastAct < this.intervalMs;
    if (busy) this.merged++;
    const w = this.waiting;
    this.waiting = w ? { value: this.opts.merge ? this.opts.merge(w.value, value) : value, asks: w.asks + 1 } : { value, asks: 1 };
    this.pump();
  }

  /** Forgets the ask waiting, if any (what it was about is gone: the series it asked older bars of). */
  clear(): void {
    this.waiting = undefined;
  }

  /** Cancels the ask waiting; an act in flight finishes, and nothing follows it. */
  dispose(): void {
    this.disposed = true;
    this.waiting = undefined;
    this.timer?.dispose();
    this.timer = undefined;
  }

  private pump(): void {
    if (this.disposed || this.acting || this.timer !== undefined || this.waiting === undefined) return;
    const wait = this.lastAct + this.intervalMs - this.now();
    if (wait > 0) {
      this.timer = (this.opts.schedule ?? scheduleTimeout)(() => {
        this.timer = undefined;
        this.pump();
      }, wait);
      return;
    }
    const { value, asks } = this.waiting;
    this.waiting = undefined;
    this.lastAct = this.now();
    let done: void | PromiseLike<unknown>;
    try {
      done = this.act(value, asks);
    } catch (err) {
      this.opts.onError?.(err);
      return;
    }
    if (done === undefined) return;
    this.acting = true;
    const settle = (): void => {
      this.acting = false;
      this.pump();
    };
    done.then(settle, (err: unknown) => {
      this.opts.onError?.(err);
      settle();
    });
  }

  private now(): number {
    return (this.opts.now ?? (() => performance.now()))();
  }
}
