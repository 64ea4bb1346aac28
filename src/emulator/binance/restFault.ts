/** How Binance answers when it rate-limits, bans or fails a request: its HTTP status, {code, msg} body and Retry-After. */
import type { RestResult } from '../restResult';
import type { RestFaultStatus } from '../types';
import { rateInterval, SPOT_WEIGHT_LIMIT, WEIGHT_WINDOW_MS } from './requestWeight';

/** Binance's documented codes: 4XX is a request the server refuses (the sender's side), 5XX the server's own trouble. */
const BODIES: Readonly<Record<Exclude<RestFaultStatus, 418 | 429>, { code: number; msg: string }>> = {
  400: { code: -1100, msg: 'Illegal characters found in a parameter.' },
  500: { code: -1001, msg: 'Internal error; unable to process your request. Please try again.' },
  503: { code: -1001, msg: 'Service unavailable; unable to process your request. Please try again.' },
  504: { code: -1007, msg: 'Timeout waiting for response from backend server. Send status unknown; execution status unknown.' },
};

/** An injected fault; a 429 reads as spot's own limit, a 418 as a ban that ends with its Retry-After. */
export function binanceRestFault(status: RestFaultStatus, retryAfterSec: number, now: number): RestResult {
  switch (status) {
    case 429:
      return weightLimited(SPOT_WEIGHT_LIMIT, WEIGHT_WINDOW_MS, retryAfterSec);
    case 418:
      return ipBanned(now + retryAfterSec * 1000, retryAfterSec);
    case 400:
    case 500:
    case 503:
    case 504:
      return { status, body: BODIES[status], headers: {} };
  }
}

/** 429, -1003 with errors.md's wording ("current limit is %s request weight per %s"), and the seconds to the window's end. */
export function weightLimited(limit: number, windowMs: number, retryAfterSec: number): RestResult {
  const { interval, intervalNum } = rateInterval(windowMs);
  const per = `${intervalNum} ${interval}`;
  return {
    status: 429,
    body: { code: -1003, msg: `Too much request weight used; current limit is ${limit} request weight per ${per}. Please use WebSocket Streams for live updates to avoid polling the API.` },
    headers: { 'Retry-After': String(retryAfterSec) },
  };
}

/** 418, -1003 ("IP banned until %s", epoch ms), and the seconds until the ban is over. */
export function ipBanned(until: number, retryAfterSec: number): RestResult {
  return {
    status: 418,
    body: { code: -1003, msg: `Way too much request weight used; IP banned until ${until}. Please use WebSocket Streams for live updates to avoid bans.` },
    headers: { 'Retry-After': String(retryAfterSec) },
  };
}
