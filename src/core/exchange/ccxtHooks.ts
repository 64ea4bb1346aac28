/**
 * Per-instance hooks on a ccxt exchange (measured against ccxt 4.5.84) for what its public API does not give us:
 * the HTTP status and Retry-After of a failed REST answer, the exchange's clock (its answers' Date header), sends on
 * a closed socket that nobody awaits, and a turn of the event loop inside loadMarkets.
 */
import { attachResponseFacts } from '../streams/errorKind';
import type { Clock } from '../util/clock';
import { afterEventLoopTurn } from '../util/afterQueuedTimers';
import { parseRetryAfter } from '../util/retryAfter';
import type { ProExchange } from './ccxtLoader';

type Headers = Record<string, string | undefined>;

interface RestInternals {
  handleRestResponse(response: { status?: unknown }, ...rest: unknown[]): unknown;
  getResponseHeaders(response: unknown): Headers;
}

interface WsClientInternals {
  send(message: unknown): Promise<unknown>;
}

interface WsInternals {
  client(url: string): WsClientInternals;
}

/**
 * ccxt throws the error of a failed answer from inside handleRestResponse, after reading the headers; it keeps them
 * only in `last_response_headers`, which the next answer of the same instance overwrites (three requests run at once
 * per exchange). Wrapping handleRestResponse ties the status and Retry-After to the very error thrown for them.
 */
export function attachResponseFactsToErrors(exchange: ProExchange, clock: Clock): void {
  const ex = exchange as unknown as RestInternals;
  const original = ex.handleRestResponse.bind(ex);
  ex.handleRestResponse = (response, ...rest) => {
    const result = original(response, ...rest);
    if (!(result instanceof Promise)) return result;
    return result.catch((err: unknown) => {
      const status = typeof response.status === 'number' ? response.status : undefined;
      const headers = ex.getResponseHeaders(response);
      const retryAfterMs = retryAfterOf(headers, clock.now()) ?? impliedPauseMs(exchange.id, status);
      attachResponseFacts(err, { ...(status !== undefined ? { httpStatus: status } : {}), ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) });
      throw err;
    });
  };
}

/**
 * Hands `answered` the `Date` header of every REST answer (every exchange sends one), in epoch ms (see ExchangeClock).
 * A machine whose clock runs behind (a laptop after sleep, a VM, WSL) otherwise asks for trades in a window that ends
 * before the exchange's now: Coinbase's answer then looks complete while it lacks the newest trades, and the seam took
 * the bars of those seconds as whole (found with our clock 30 s behind: two closed 1m bars short of volume).
 */
export function followServerClock(exchange: ProExchange, answered: (dateMs: number) => void): void {
  const ex = exchange as unknown as RestInternals;
  const original = ex.handleRestResponse.bind(ex);
  ex.handleRestResponse = (response, ...rest) => {
    const date = Date.parse(headerOf(ex.getResponseHeaders(response), 'date') ?? '');
    if (Number.isFinite(date)) answered(date);
    return original(response, ...rest);
  };
}

/**
 * ccxt's watch path sends the SUBSCRIBE message after its throttle without handling the send's promise, so a socket
 * that closes between connecting and sending leaves an unhandled rejection ("WebSocket is not open"), which ends a
 * Node process. The watch itself still fails properly (the close rejects it), so the send's own rejection only needs
 * a handler: callers that await it still get it.
 */
export function handleUnawaitedWsSends(exchange: ProExchange): void {
  const ex = exchange as unknown as WsInternals;
  const original = ex.client.bind(ex);
  const guarded = new WeakSet<WsClientInternals>();
  ex.client = (url) => {
    const client = original(url);
    if (!guarded.has(client)) {
      guarded.add(client);
      const send = client.send.bind(client);
      client.send = (message) => {
        const sent = send(message);
        sent.catch(() => undefined);
        return sent;
      };
    }
    return client;
  };
}

/**
 * Bybit bans an IP that keeps asking past its limit with HTTP 403 "access too frequent" and asks for "at least 10
 * minutes" without a request (its docs, Rate Limit: IP limit); the answer itself carries no Retry-After. Asked again a
 * second later (the rate-limit backoff), the ban would only last longer.
 */
export const BYBIT_IP_BAN_MS = 10 * 60_000;

/** The pause an answer implies where it names none: Bybit's IP ban; undefined elsewhere. */
export function impliedPauseMs(exchangeId: string, status: number | undefined): number | undefined {
  return exchangeId === 'bybit' && status === 403 ? BYBIT_IP_BAN_MS : undefined;
}

/**
 * How long a failed answer asks us to wait, in ms: its Retry-After, or Bybit's limit reset. A time in them (an HTTP-date
 * Retry-After, Bybit's reset timestamp) is on the exchange's clock, so it is read against the answer's own Date header
 * (whole seconds: at most a second longer than asked), and against ours only without one: a clock of ours two minutes
 * behind the exchange's read a one-second pause as two minutes.
 */
export function retryAfterOf(headers: Headers, ourNow: number): number | undefined {
  const answered = Date.parse(headerOf(headers, 'date') ?? '');
  const now = Number.isFinite(answered) ? answered : ourNow;
  return parseRetryAfter(headerOf(headers, 'retry-after'), now) ?? bybitLimitReset(headers, now);
}

/** Bybit answers its rate limit with HTTP 200, retCode 10006 and X-Bapi-Limit-Status 0 until X-Bapi-Limit-Reset-Timestamp (ms). */
function bybitLimitReset(headers: Headers, now: number): number | undefined {
  if (headerOf(headers, 'x-bapi-limit-status') !== '0') return undefined;
  const reset = Number(headerOf(headers, 'x-bapi-limit-reset-timestamp'));
  return Number.isFinite(reset) && reset > now ? Math.min(reset - now, 3_600_000) : undefined;
}

interface MarketsInternals {
  fetchMarkets(params?: Record<string, unknown>): Promise<unknown>;
}

/**
 * ccxt's loadMarkets parses the downloaded markets and indexes them (setMarkets) in one synchronous run: 0.6–1 s of
 * the extension host for Binance's 3,000 markets, during which no panel's message is read. A turn of the event loop
 * between the two halves (the parsed markets are returned a turn later) sends and reads the messages waiting.
 */
export function setMarketsOnALaterTurn(exchange: ProExchange): void {
  const ex = exchange as unknown as MarketsInternals;
  const original = ex.fetchMarkets.bind(ex);
  ex.fetchMarkets = async (params) => {
    const markets = await original(params);
    await afterEventLoopTurn();
    return markets;
  };
}

function headerOf(headers: Headers, name: string): string | undefined {
  for (const [key, value] of Object.entries(headers ?? {})) if (key.toLowerCase() === name) return value;
  return undefined;
}
