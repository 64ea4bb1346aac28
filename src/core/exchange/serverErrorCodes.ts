import type { CcxtModule } from './ccxtLoader';

/** Bybit and the regional sites built on it (ccxt's bybiteu and bybitid extend its class and its error table). */
const BYBIT_FAMILY: ReadonlySet<string> = new Set(['bybit', 'bybiteu', 'bybitid']);

/**
 * ccxt's `exceptions` for the codes an exchange answers with HTTP 200 for a failure on its own side, which ccxt's table
 * maps to its generic ExchangeError (or leaves out, which comes to the same): neither that class nor the 200 tells
 * errorKind.ts it is worth asking again, so the request was given up at its first answer where an HTTP 5xx is
 * retried. Mapped to OperationFailed, as Binance's -1000/-1001 are, they are server errors, retried. Bybit's retCode
 * 10016 ("System error. Please try again later."; "Server error." in its v5 error codes) is its 500: one lost a
 * reconnect's hole (chaos seed 92); its retCode 5004 ("Server Timeout", as ccxt's table records an answer) and 10000
 * ("Server Timeout" in its v5 error codes, absent from ccxt's table) are its 504. Undefined for an exchange whose
 * table needs nothing.
 */
export function serverErrorExceptions(id: string, ccxt: Pick<CcxtModule, 'OperationFailed'>): { readonly exact: Readonly<Record<string, CcxtModule['OperationFailed']>> } | undefined {
  if (BYBIT_FAMILY.has(id)) return { exact: { '5004': ccxt.OperationFailed, '10000': ccxt.OperationFailed, '10016': ccxt.OperationFailed } };
  return undefined;
}
