/**
 * Lets through at most `max` events per `windowMs`; reports how many were held back once the window rolls over,
 * so a flood (of bad messages, of a page's log lines) becomes a handful of lines instead of one each. Pure.
 */
export class RateLimiter {
  private windowStart = Number.NEGATIVE_INFINITY;
  private count = 0;
  private suppressed = 0;

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
  ) {}

  /** `allow`: emit this one. `suppressedBefore`: how many were dropped in the previous window (report them). */
  take(now: number): { allow: boolean; suppressedBefore: number } {
    let suppressedBefore = 0;
    if (now - this.windowStart >= this.windowMs) {
      suppressedBefore = this.suppressed;
      this.windowStart = now;
      this.count = 0;
      this.suppressed = 0;
    }
    if (this.count < this.max) {
      this.count++;
      return { allow: true, suppressedBefore };
    }
    this.suppressed++;
    return { allow: false, suppressedBefore };
  }
}
