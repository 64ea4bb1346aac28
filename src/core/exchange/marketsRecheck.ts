/**
 * When a refused subscription makes the markets in use worth downloading again: they came from the cache (trusted for
 * days), or were downloaded long enough ago for a delisting to have happened since (an editor stays open for a week).
 * One download at a time; callers arriving while it runs share it.
 */
import type { Clock } from '../util/clock';

/** Markets downloaded more recently than this are not downloaded again because of a refusal. */
export const RECHECK_AFTER_MS = 10 * 60_000;

export class MarketsRecheck {
  /** When the markets in use were downloaded (a cache's save time), or undefined before any. */
  private asOf: number | undefined;
  private running: Promise<void> | undefined;

  constructor(private readonly clock: Clock) {}

  /** The markets in use were downloaded at `at` (now, or the cache's save time). */
  loaded(at: number): void {
    this.asOf = at;
  }

  /**
   * Runs `download` when the markets are at least `afterMs` old (or joins the one running); undefined when they are
   * too recent.
   */
  run(download: () => Promise<void>, afterMs = RECHECK_AFTER_MS): Promise<void> | undefined {
    if (this.running) return this.running;
    if (this.asOf === undefined || this.clock.now() - this.asOf < afterMs) return undefined;
    return this.start(download);
  }

  /** Runs `download` now, however recent the markets (the user asked), or joins the one running. */
  now(download: () => Promise<void>): Promise<void> {
    return this.running ?? this.start(download);
  }

  private start(download: () => Promise<void>): Promise<void> {
    const running = download().finally(() => {
      if (this.running === running) this.running = undefined;
    });
    this.running = running;
    return running;
  }
}
