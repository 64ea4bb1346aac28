/** Binance-style query parameter parsing and error answers. */

/** An error Binance would answer with HTTP `status` and body {code, msg}. */
export class BinanceError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    msg: string,
  ) {
    super(msg);
  }
}

export function invalidSymbol(): BinanceError {
  return new BinanceError(400, -1121, 'Invalid symbol.');
}

export function mandatory(name: string): BinanceError {
  return new BinanceError(400, -1102, `Mandatory parameter '${name}' was not sent, was empty/null, or malformed.`);
}

export function requiredString(query: URLSearchParams, name: string): string {
  const value = query.get(name);
  if (value === null || value === '') throw mandatory(name);
  return value;
}

/** A non-negative integer parameter, or undefined when absent. */
export function optionalInt(query: URLSearchParams, name: string): number | undefined {
  const value = query.get(name);
  if (value === null || value === '') return undefined;
  if (!/^[0-9]{1,20}$/.test(value)) {
    throw new BinanceError(400, -1100, `Illegal characters found in parameter '${name}'; legal range is '^[0-9]{1,20}$'.`);
  }
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new BinanceError(400, -1100, `Illegal characters found in parameter '${name}'; legal range is '^[0-9]{1,20}$'.`);
  return n;
}

/** `limit`: default when absent, clamped to max, at least 1. */
export function limitParam(query: URLSearchParams, defaultLimit: number, maxLimit: number): number {
  const value = optionalInt(query, 'limit');
  if (value === undefined) return defaultLimit;
  if (value < 1) throw new BinanceError(400, -1130, "Data sent for parameter 'limit' is not valid.");
  return Math.min(value, maxLimit);
}

/** `symbols=["BTCUSDT","ETHUSDT"]` (JSON array), or undefined when absent. */
export function symbolsParam(query: URLSearchParams): string[] | undefined {
  const value = query.get('symbols');
  if (value === null || value === '') return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new BinanceError(400, -1100, "Illegal characters found in parameter 'symbols'; legal range is '^\\[(\"[A-Z0-9-_.]{1,20}\"(,\"[A-Z0-9-_.]{1,20}\"){0,}){0,1}\\]$'.");
  }
  if (!Array.isArray(parsed) || !parsed.every((s): s is string => typeof s === 'string')) {
    throw new BinanceError(400, -1100, "Illegal characters found in parameter 'symbols'.");
  }
  return parsed;
}
