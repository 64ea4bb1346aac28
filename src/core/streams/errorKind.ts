/**
 * How the engine treats an error thrown by an exchange client. ccxt's errors are classified by their class names
 * along the prototype chain, so the engine needs no static import of ccxt; the HTTP status and Retry-After of a
 * failed REST answer travel on the error itself (see exchange/ccxtHooks.ts).
 */
export type ErrorKind = 'rate-limit' | 'network' | 'gap' | 'server' | 'bad-request' | 'malformed' | 'closed' | 'aborted' | 'unknown';

const BY_CLASS: ReadonlyArray<readonly [string, ErrorKind]> = [
  ['AbortError', 'aborted'],
  ['ExchangeClosedByUser', 'closed'],
  ['UnsubscribeError', 'closed'],
  ['RestPausedError', 'rate-limit'],
  ['RateLimitExceeded', 'rate-limit'],
  ['DDoSProtection', 'rate-limit'],
  ['ChecksumError', 'network'],
  ['OrderBookResyncError', 'network'],
  // Not 'gap': the book is not shown live again until the new snapshot has come.
  ['OrderBookGapError', 'network'],
  // Trades may be missing, as after a drop, but the socket is healthy: the stream passes through reconnecting at once,
  // which makes its consumers fill the hole from REST, without waiting out a backoff.
  ['TradesOverflowError', 'gap'],
  ['TradesGapError', 'gap'],
  ['RecordingHoleError', 'gap'],
  ['InvalidNonce', 'network'],
  // The socket was closed on the exchange's word: a network trouble whose first retry waits for nothing (watchLoop).
  ['ServerShutdownError', 'network'],
  // Another connection next (ccxt dials anew): not 'gap', which would read on from ccxt's cache of the old one.
  ['TradesSocketLostError', 'network'],
  ['NetworkError', 'network'],
  ['BadSymbol', 'bad-request'],
  ['BadRequest', 'bad-request'],
  ['NotSupported', 'bad-request'],
  ['UnsupportedStreamError', 'bad-request'],
  ['SubscriptionRefusedError', 'bad-request'],
  ['NoLongerListedError', 'bad-request'],
  ['ArgumentsRequired', 'bad-request'],
  ['EmptyMarketsError', 'server'],
  ['InvalidDataError', 'malformed'],
  ['SyntaxError', 'malformed'],
  ['BadResponse', 'malformed'],
  ['NullResponse', 'malformed'],
  // ccxt's parent of NetworkError and BadResponse: Binance's -1000/-1001 ("unknown error", "internal error; please
  // try again"), which come with a 5xx. Below the specific classes above, so those keep their own kind.
  ['OperationFailed', 'server'],
];

/** What a failed REST answer carried, attached to the error the exchange client throws. */
export interface ResponseFacts {
  /** HTTP status of the answer. */
  readonly httpStatus?: number;
  /** How long the server asked us to wait (HTTP Retry-After), in ms. */
  readonly retryAfterMs?: number;
}

export function classifyError(err: unknown): ErrorKind {
  const names = classNames(err);
  for (const [name, kind] of BY_CLASS) if (names.includes(name)) return kind;
  // ccxt turns a frame it cannot handle (not JSON, a non-numeric price) into a plain TypeError or SyntaxError
  // rejecting the pending watches of that socket; the socket itself is healthy.
  if (names.includes('TypeError') || names.includes('RangeError')) return 'malformed';
  if (err instanceof Error && /ECONNREFUSED|ECONNRESET|ETIMEDOUT|socket hang up|EPIPE/.test(err.message)) return 'network';
  const status = responseFacts(err).httpStatus;
  if (status === 429 || status === 418) return 'rate-limit';
  if (status !== undefined && status >= 500) return 'server';
  if (status !== undefined && status >= 400) return 'bad-request';
  return 'unknown';
}

/**
 * Rate limits, network trouble and server-side errors are worth retrying a request for: the same request may
 * succeed later. A bad request or a malformed answer will not get better by asking again at once.
 */
export function isRetryable(kind: ErrorKind): boolean {
  return kind === 'rate-limit' || kind === 'network' || kind === 'server';
}

/** The HTTP status and Retry-After a failed REST answer carried, when the client attached them. */
export function responseFacts(err: unknown): ResponseFacts {
  if (!err || typeof err !== 'object') return {};
  const { httpStatus, retryAfterMs } = err as { httpStatus?: unknown; retryAfterMs?: unknown };
  return {
    ...(typeof httpStatus === 'number' && Number.isFinite(httpStatus) ? { httpStatus } : {}),
    ...(typeof retryAfterMs === 'number' && Number.isFinite(retryAfterMs) && retryAfterMs >= 0 ? { retryAfterMs } : {}),
  };
}

/** Attaches what a failed REST answer carried to the error thrown for it (non-enumerable: logs stay one line). */
export function attachResponseFacts(err: unknown, facts: ResponseFacts): void {
  if (!err || typeof err !== 'object') return;
  for (const [key, value] of Object.entries(facts)) {
    if (value !== undefined) Object.defineProperty(err, key, { value, enumerable: false, configurable: true, writable: true });
  }
}

export function classNames(err: unknown): string[] {
  const names: string[] = [];
  if (err && typeof err === 'object') {
    const own = (err as { name?: unknown }).name;
    if (typeof own === 'string') names.push(own);
    for (let p = Object.getPrototypeOf(err); p && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
      const ctor = (p as { constructor?: { name?: unknown } }).constructor;
      if (ctor && typeof ctor.name === 'string') names.push(ctor.name);
    }
  }
  return names;
}
