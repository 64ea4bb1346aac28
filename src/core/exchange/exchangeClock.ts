import type { Clock } from '../util/clock';
import { EXCHANGE_CLOCK_SLACK_MS } from './plausible';

/** The `Date` header names the second the answer was made; the exchange's clock may be up to this much later. */
export const DATE_RESOLUTION_MS = 1000;
/**
 * How far past the exchange's clock, measured within FRESH_MEASURE_MS, a trade may be: the header's second is
 * counted already, so this covers the answer's way back to us and the spread of the exchange's own servers' clocks.
 */
export const FRESH_CLOCK_SLACK_MS = 30_000;
/** A measure this recent is trusted to the FRESH_CLOCK_SLACK_MS (our clock is unlikely to have stepped meanwhile). */
export const FRESH_MEASURE_MS = 60_000;
/** A trade past the strict bound asks for a new measure at most this often, however many such trades come. */
export const REMEASURE_EVERY_MS = 10_000;

/**
 * The exchange's clock as its REST answers' `Date` header tells it, and how far past it a trade may be timed.
 * A trade timed 59 min ahead passed the old fixed slack of an hour, closed the bar in progress and invented 59 flat
 * 1m bars. The slack was that wide because the measure may be old and our clock may have stepped back since (a sync
 * after sleep). So a trade past the strict bound makes us measure again first (`measureBefore`), and is then judged
 * against a fresh measure; only when no fresh measure can be had does the wide slack apply.
 */
export class ExchangeClock {
  private aheadMs: number | undefined;
  private measuredAt: number | undefined;
  private lastRemeasure: number | undefined;
  private remeasuring: Promise<void> | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly freshSlackMs = FRESH_CLOCK_SLACK_MS,
  ) {}

  /** An answer's `Date` header, in epoch ms. */
  answered(dateMs: number): void {
    const now = this.clock.now();
    this.aheadMs = Math.max(0, dateMs + DATE_RESOLUTION_MS - now);
    this.measuredAt = now;
  }

  /** How far the exchange's clock is ahead of ours (0 when ours is ahead); undefined before any answer. */
  ahead(): number | undefined {
    return this.aheadMs;
  }

  /** The latest time a trade may have at `now`: strict while the measure is fresh; undefined before any answer. */
  latestTrade(now: number): number | undefined {
    if (this.aheadMs === undefined) return undefined;
    return now + this.aheadMs + (this.isFresh(now) ? this.freshSlackMs : EXCHANGE_CLOCK_SLACK_MS);
  }

  /**
   * Before trades up to `newest` are judged: when `newest` is past the strict bound, `measure` (a REST call whose
   * answer reaches `answered`) runs first, at most once per REMEASURE_EVERY_MS; its failure leaves the measure as it was.
   */
  measureBefore(newest: number, measure: () => Promise<unknown>): Promise<void> | undefined {
    const now = this.clock.now();
    if (newest <= now + (this.aheadMs ?? 0) + this.freshSlackMs) return undefined;
    if (this.remeasuring) return this.remeasuring;
    if (this.lastRemeasure !== undefined && now >= this.lastRemeasure && now - this.lastRemeasure < REMEASURE_EVERY_MS) return undefined;
    this.lastRemeasure = now;
    const done = () => {
      this.remeasuring = undefined;
    };
    this.remeasuring = measure().then(done, done);
    return this.remeasuring;
  }

  /** Our clock stepped back behind the measure: it is not fresh whatever its age says. */
  private isFresh(now: number): boolean {
    return this.measuredAt !== undefined && now >= this.measuredAt && now - this.measuredAt <= FRESH_MEASURE_MS;
  }
}
