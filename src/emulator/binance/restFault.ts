/** How Binance answers when it rate-limits, bans or fails a request: its HTTP status, {code, msg} body and Retry-After. */
import type { RestResult } from '../restResult';
import type { RestFaultStatus } from '../types';

/** Binance's documented codes: 4XX is a request the server refuses (the sender's side), 5XX the server's own trouble. */
const BODIES: Readonly<Record<RestFaultStatus, { code: number; msg: string }>> = {
  400: { code: -1100, msg: 'Illegal characters found in a parameter.' },
  429: { code: -1003, msg: 'Too many requests; current limit of IP(127.0.0.1) is 6000 requests per minute. Please use WebSocket Streams for live updates to avoid polling the API.' },
  418: { code: -1003, msg: 'Way too many requests; IP(127.0.0.1) banned until later. Please use WebSocket Streams for live updates to avoid bans.' },
  500: { code: -1001, msg: 'Internal error; unable to process your request. Please try again.' },
  503: { code: -1001, msg: 'Service unavailable; unable to process your request. Please try again.' },
  504: { code: -1007, msg: 'Timeout waiting for response from backend server. Send status unknown; execution status unknown.' },
};

export function binanceRestFault(status: RestFaultStatus, retryAfterSec: number): RestResult {
  const headers: Record<string, string> = {};
  if (status === 429 || status === 418) headers['Retry-After'] = String(retryAfterSec);
  return { status, body: BODIES[status], headers };
}
