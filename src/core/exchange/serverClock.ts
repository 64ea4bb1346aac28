/**
 * How far the exchange's clock is ahead of ours, from the `Date` header of its REST answers (every exchange sends
 * one). A machine whose clock runs behind (a laptop after sleep, a VM, WSL) otherwise asks for trades in a window that
 * ends before the exchange's now: Coinbase's answer then looks complete while it lacks the newest trades, and the seam
 * took the bars of those seconds as whole (found with our clock 30 s behind: two closed 1m bars short of volume).
 */
import type { Clock } from '../util/clock';
import type { ProExchange } from './ccxtLoader';

interface RestInternals {
  handleRestResponse(response: unknown, ...rest: unknown[]): unknown;
  getResponseHeaders(response: unknown): Record<string, string | undefined> | undefined;
}

/** The header names the second the answer was made; the exchange's clock may be up to this much later. */
const DATE_RESOLUTION_MS = 1000;

/** Wraps the exchange's answer handling; the returned function gives the latest estimate (0 before any answer, or when ours is ahead). */
export function followServerClock(exchange: ProExchange, clock: Clock): () => number {
  const ex = exchange as unknown as RestInternals;
  const original = ex.handleRestResponse.bind(ex);
  let ahead = 0;
  ex.handleRestResponse = (response, ...rest) => {
    const date = serverDate(ex.getResponseHeaders(response));
    if (date !== undefined) ahead = Math.max(0, date + DATE_RESOLUTION_MS - clock.now());
    return original(response, ...rest);
  };
  return () => ahead;
}

function serverDate(headers: Record<string, string | undefined> | undefined): number | undefined {
  for (const [key, value] of Object.entries(headers ?? {})) {
    if (key.toLowerCase() !== 'date' || typeof value !== 'string') continue;
    const ms = Date.parse(value);
    return Number.isFinite(ms) ? ms : undefined;
  }
  return undefined;
}
