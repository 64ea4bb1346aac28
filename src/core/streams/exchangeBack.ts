import { abortReason } from '../util/sleep';

/**
 * Tells the streams of one exchange that wait out a backoff that another of its streams has just reconnected after
 * failing: the exchange is back, so they try again now. Each waited on its own backoff (up to 30 s), and a panel's
 * leg read `reconnecting (7)` that long after the exchange was back while its ticker on the same socket was live.
 */
export class ExchangeBack {
  private readonly waiters = new Set<() => void>();

  /** A stream of the exchange reconnected after failed attempts: every wait ends now. */
  back(): void {
    const waiting = [...this.waiters];
    this.waiters.clear();
    for (const wake of waiting) wake();
  }

  /** How many waits are on (for tests: nothing is kept once a wait ends). */
  get waiting(): number {
    return this.waiters.size;
  }

  /**
   * Resolves `slept` after `ms`, or `back` at the next back() before then; rejects with the signal's reason as soon as
   * it aborts. Neither its timer nor its place among the waiters outlives the wait.
   */
  waitOrBack(ms: number, signal: AbortSignal): Promise<'slept' | 'back'> {
    return new Promise((resolve, reject) => {
      if (signal.aborted) return reject(abortReason(signal));
      const end = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        this.waiters.delete(onBack);
      };
      const onAbort = (): void => (end(), reject(abortReason(signal)));
      const onBack = (): void => (end(), resolve('back'));
      const timer = setTimeout(() => (end(), resolve('slept')), ms);
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiters.add(onBack);
    });
  }
}
