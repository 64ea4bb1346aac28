/** What the HoleFetch unit tests share: a stream's states, trades in order, and REST requests the test answers. */
import type { StreamState, Trade } from '../../src/core/types';

export const T0 = Date.UTC(2024, 0, 1, 10);
export const LIVE: StreamState = { status: 'live', since: T0 };
export const DROP: StreamState = { status: 'reconnecting', attempt: 1, reason: 'connection lost', retryInMs: 0 };
export const market = { exchange: 'fake', symbol: 'BTC/USDT' } as const;

let seq = 0;
/** A trade with an id of its own (ids count up across tests). */
export function trade(timestamp: number, price = 100): Trade {
  return { id: String(++seq), timestamp, price, amount: 1, side: 'buy' };
}

/** A REST request the test answers. */
export interface Asked {
  readonly from: number;
  readonly until: number;
  readonly signal: AbortSignal;
  answer(trades: readonly Trade[]): void;
  fail(err: Error): void;
}

/** A HoleFetch's `fetch` whose requests land in `asked`, each rejected when its signal aborts. */
export function answeredFetch(asked: Asked[]): (from: number, until: number, signal: AbortSignal) => Promise<readonly Trade[]> {
  return (from, until, signal) =>
    new Promise<readonly Trade[]>((resolve, reject) => {
      signal.addEventListener('abort', () => reject(new Error('aborted')));
      asked.push({ from, until, signal, answer: resolve, fail: reject });
    });
}
