/**
 * How the engine treats an error thrown by an exchange client. ccxt's errors are classified by their class names
 * along the prototype chain, so the engine needs no static import of ccxt.
 */
export type ErrorKind = 'rate-limit' | 'network' | 'bad-request' | 'malformed' | 'closed' | 'aborted' | 'unknown';

const BY_CLASS: ReadonlyArray<readonly [string, ErrorKind]> = [
  ['AbortError', 'aborted'],
  ['ExchangeClosedByUser', 'closed'],
  ['UnsubscribeError', 'closed'],
  ['RateLimitExceeded', 'rate-limit'],
  ['DDoSProtection', 'rate-limit'],
  ['ChecksumError', 'network'],
  ['InvalidNonce', 'network'],
  ['NetworkError', 'network'],
  ['BadSymbol', 'bad-request'],
  ['BadRequest', 'bad-request'],
  ['NotSupported', 'bad-request'],
  ['ArgumentsRequired', 'bad-request'],
  ['InvalidDataError', 'malformed'],
  ['SyntaxError', 'malformed'],
  ['BadResponse', 'malformed'],
  ['NullResponse', 'malformed'],
];

export function classifyError(err: unknown): ErrorKind {
  const names = classNames(err);
  for (const [name, kind] of BY_CLASS) if (names.includes(name)) return kind;
  // ccxt turns a frame it cannot handle (not JSON, a non-numeric price) into a plain TypeError or SyntaxError
  // rejecting the pending watches of that socket; the socket itself is healthy.
  if (names.includes('TypeError') || names.includes('RangeError')) return 'malformed';
  if (err instanceof Error && /ECONNREFUSED|ECONNRESET|ETIMEDOUT|socket hang up|EPIPE/.test(err.message)) return 'network';
  return 'unknown';
}

/** Only rate limits and network trouble are worth retrying a REST request for. */
export function isRetryable(kind: ErrorKind): boolean {
  return kind === 'rate-limit' || kind === 'network';
}

function classNames(err: unknown): string[] {
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
