/**
 * The REST pause of one exchange. A 429 means "slow down" for the whole IP, and a 418 bans it; Binance bans IPs that
 * keep sending after a 429 before its Retry-After. So after one, no request to that exchange goes out until the
 * pause ends, whoever sends it.
 */
import { sleep } from '../util/sleep';
import { TradeSuiteError } from '../errors';

/** Thrown instead of sending when the pause would be longer than the caller can wait. */
export class RestPausedError extends TradeSuiteError {
  readonly retryAfterMs: number;
  constructor(exchange: string, until: number, now: number) {
    super(`${exchange} asked for no requests until ${new Date(until).toISOString()} (rate limit); not sending`);
    this.retryAfterMs = Math.max(0, until - now);
  }
}

export class RestGate {
  private until = 0;

  /** Wall-clock time: Retry-After is a promise about real time, whatever clock the market data runs on. */
  constructor(
    readonly exchange: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** No request before `until` (epoch ms); a shorter pause never shortens a longer one. */
  pauseUntil(until: number): void {
    if (until > this.until) this.until = until;
  }

  /** Epoch ms when requests may go out again (in the past when they may now). */
  get pausedUntil(): number {
    return this.until;
  }

  /** Whether a request now would have to wait. */
  get paused(): boolean {
    return this.until > this.now();
  }

  /** Resolves when a request may be sent; throws RestPausedError when that is more than `maxWaitMs` away. */
  async wait(maxWaitMs: number, signal?: AbortSignal): Promise<void> {
    for (;;) {
      const now = this.now();
      const left = this.until - now;
      if (left <= 0) return;
      if (left > maxWaitMs) throw new RestPausedError(this.exchange, this.until, now);
      await sleep(left, signal);
    }
  }
}
