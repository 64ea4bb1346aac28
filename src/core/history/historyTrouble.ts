/** A failed history request in words: the whole error for the log, and a short reason a user is shown. */
import { NoLongerListedError, TradeSuiteError } from '../errors';
import { classNames, classifyError, responseFacts } from '../streams/errorKind';
import { errorMessage } from '../util/log';

/** A failed history request: the whole error for the log, and a short reason for a badge. */
export interface Trouble {
  readonly message: string;
  readonly reason: string;
  /** Asking again cannot mend it (the exchange no longer trades the market): no retry. */
  readonly final?: true;
}

/** "history unavailable (HTTP 503)", "REST paused by a rate limit (HTTP 429)", "history unavailable (timed out)", "history unavailable (network error)". */
export function historyTrouble(err: unknown): Trouble {
  const kind = classifyError(err);
  const status = responseFacts(err).httpStatus;
  // Some exchanges (Bybit) refuse with HTTP 200 and an error code: the status says nothing then.
  const httpError = status !== undefined && status >= 400 ? `HTTP ${status}` : undefined;
  // Our own errors are worded for the user already ("binance no longer trades GONE/USDT: …").
  if (err instanceof TradeSuiteError && kind !== 'rate-limit') {
    return { message: `history unavailable: ${errorMessage(err)}`, reason: `history unavailable: ${err.message}`, ...(err instanceof NoLongerListedError ? { final: true as const } : {}) };
  }
  // A server that answers too slowly is not a network that is down: ccxt's RequestTimeout is a NetworkError.
  const what = httpError ?? (classNames(err).includes('RequestTimeout') ? 'timed out' : `${kind} error`);
  const reason = kind === 'rate-limit' ? `REST paused by a rate limit${httpError ? ` (${httpError})` : ''}` : `history unavailable (${what})`;
  return { message: `history unavailable: ${errorMessage(err)}`, reason };
}
