import type { CcxtModule } from './ccxtLoader';

/** Bybit and the regional sites built on it (ccxt's bybiteu and bybitid extend its class and its error table). */
const BYBIT_FAMILY: ReadonlySet<string> = new Set(['bybit', 'bybiteu', 'bybitid']);

/**
 * ccxt's `exceptions` for the codes an exchange answers with HTTP 200 for a failure on its own side, which ccxt's table
 * maps to its generic ExchangeError: neither that class nor the 200 tells errorKind.ts it is worth asking again, so
 * the request was given up at its first answer where an HTTP 5xx is retried. Mapped to OperationFailed, as Binance's
 * -1000/-1001 are, they are server errors, retried. Bybit's retCode 10016 ("System error. Please try again later.")
 * is its 500: one lost a reconnect's hole (chaos seed 92). Undefined for an exchange whose table needs nothing.
 */
export function serverErrorExceptions(id: string, ccxt: Pick<CcxtModule, 'OperationFailed'>): { readonly exact: Readonly<Record<string, CcxtModule['OperationFailed']>> } | undefined {
  if (BYBIT_FAMILY.has(id)) return { exact: { '10016': ccxt.OperationFailed } };
  return undefined;
}
