/** What the seam property tests share: a seeded generator and an exchange's REST trades answered when the test says. */
import type { TradesSince } from '../../src/core/history/seamTrades';
import type { Trade } from '../../src/core/types';

/** mulberry32 (the emulator's): a small seeded generator, so a failing seed can be run again. */
export { mulberry32 as generator } from '../../src/emulator/prng';

/** Trade ids: sequence numbers (most exchanges), or ids in no order (Bybit's UUIDs, Coinbase-style strings: one millisecond's order is the order listed). */
export type IdKind = 'sequence' | 'opaque';

// Multiplying by an odd number is a bijection on 32 bits: unique ids in no order.
export const tradeId = (kind: IdKind, n: number): string => (kind === 'opaque' ? `${(Math.imul(n, 0x9e3779b1) >>> 0).toString(16)}-u` : String(n));

/** The kinds of ids a seam property test runs each seed with: both, or the one `setting` (an environment variable) names. */
export const idKinds = (setting: string | undefined): readonly IdKind[] => (setting === 'opaque' ? ['opaque'] : setting === 'sequence' ? ['sequence'] : ['sequence', 'opaque']);

/** How an answer is cut: every trade, only the newest `keep` (Bybit's recent trades), or the oldest `keep` (the page budget ran out). */
export type RestCut = 'whole' | 'newest' | 'truncated';

interface Waiting {
  readonly from: number;
  readonly resolve: (r: TradesSince) => void;
  readonly reject: (e: Error) => void;
}

/** An exchange's REST trades over its log: each request waits until the test answers (or fails) it, oldest first. */
export class SimTradeRest {
  private readonly waiting: Waiting[] = [];

  constructor(private readonly log: readonly Trade[]) {}

  tradesSince(from: number, signal?: AbortSignal): Promise<TradesSince> {
    return new Promise((resolve, reject) => {
      // An aborted request is never answered (its consumer is gone): it rejects, as ccxt's fetch does.
      const onAbort = (): void => {
        const i = this.waiting.indexOf(w);
        if (i >= 0) this.waiting.splice(i, 1);
        reject(new Error('aborted'));
      };
      const done = (): void => signal?.removeEventListener('abort', onAbort);
      const w: Waiting = { from, resolve: (r) => (done(), resolve(r)), reject: (e) => (done(), reject(e)) };
      this.waiting.push(w);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  get pending(): number {
    return this.waiting.length;
  }

  /** Answers the oldest request with the trades the exchange has from its start on (see RestCut). */
  answer(cut: RestCut = 'whole', keep = 0): void {
    const w = this.waiting.shift();
    if (!w) return;
    const trades = this.log.filter((t) => t.timestamp >= w.from);
    switch (cut) {
      case 'whole':
        return w.resolve({ trades, complete: true });
      case 'newest':
        return w.resolve({ trades: trades.slice(-keep), complete: keep >= trades.length });
      case 'truncated':
        return w.resolve(keep >= trades.length ? { trades, complete: true } : { trades: trades.slice(0, keep), complete: true, truncated: true });
    }
  }

  fail(): void {
    this.waiting.shift()?.reject(new Error('HTTP 503 Service Unavailable'));
  }
}

/** Lets promise chains and 1 ms retry timers run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}

/**
 * Event turns until `ready` holds, for at most `withinMs` of wall time. Not a count of turns alone: a factory's retry
 * waits on a real timer (a 1 ms backoff), which fires after however many turns the machine's speed and load make of
 * that millisecond; bounded by turns, a loaded machine failed the wait now and then.
 */
export async function settleUntil(ready: () => boolean, withinMs = 5_000): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (!ready() && Date.now() < deadline) {
    await settle();
    if (!ready()) await new Promise<void>((resolve) => setTimeout(resolve, 1));
  }
}
export const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 2));
