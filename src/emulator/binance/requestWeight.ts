/**
 * Binance spot's request weight, as its REST docs (General API Information → LIMITS, and each endpoint's "Weight")
 * define it: every route weighs something, some by their parameters; the weight used by an IP in the current minute
 * comes back in X-MBX-USED-WEIGHT-1M; past the limit a request is refused with 429 and a Retry-After, and an IP that
 * keeps sending after its 429s is banned with 418 ("from 2 minutes to 3 days", growing for repeat offenders).
 */
import { symbolsParam } from '../params';

/** exchangeInfo's REQUEST_WEIGHT limit of spot today: 6000 per minute. */
export const SPOT_WEIGHT_LIMIT = 6000;
export const WEIGHT_WINDOW_MS = 60_000;
/** The documented shortest and longest IP bans. */
export const FIRST_BAN_MS = 2 * 60_000;
export const LONGEST_BAN_MS = 3 * 24 * 3_600_000;
/**
 * 429s an IP may take in one window before the next one bans it. Binance does not publish its threshold; a few covers
 * the requests already in flight when the first 429 arrives, so only an IP that keeps sending is banned.
 */
export const TOLERATED_429S = 3;

/** The weight limit in force: `limit` per `windowMs` (a test shortens the window to keep Retry-After short). */
export interface WeightRule {
  readonly limit: number;
  readonly windowMs: number;
}

export const DEFAULT_WEIGHT_RULE: WeightRule = { limit: SPOT_WEIGHT_LIMIT, windowMs: WEIGHT_WINDOW_MS };

/** A window as Binance names it: whole minutes as MINUTE, anything else as (rounded) SECONDs. */
export function rateInterval(windowMs: number): { readonly interval: 'MINUTE' | 'SECOND'; readonly intervalNum: number } {
  return windowMs % 60_000 === 0 ? { interval: 'MINUTE', intervalNum: windowMs / 60_000 } : { interval: 'SECOND', intervalNum: Math.round(windowMs / 1000) };
}

/** The documented weight of one /api/v3 request (`route`: the path after /api/v3); an unlisted route weighs 1. */
export function spotRequestWeight(route: string, query: URLSearchParams): number {
  switch (route) {
    case '/exchangeInfo':
      return 20;
    case '/depth':
      return depthWeight(query.get('limit'));
    case '/trades':
    case '/historicalTrades':
      return 25;
    case '/aggTrades':
      return 4;
    case '/klines':
    case '/uiKlines':
    case '/avgPrice':
      return 2;
    case '/ticker/24hr':
      return ticker24hrWeight(query);
    case '/ticker/price':
    case '/ticker/bookTicker':
      return query.get('symbol') !== null ? 2 : 4;
    default:
      return 1;
  }
}

/** 1–100: 5, 101–500: 25, 501–1000: 50, 1001–5000: 250 (default limit 100; a malformed one is refused, and weighs the least). */
function depthWeight(raw: string | null): number {
  const limit = raw === null || raw === '' ? 100 : Number(raw);
  if (!Number.isFinite(limit) || limit <= 100) return 5;
  if (limit <= 500) return 25;
  if (limit <= 1000) return 50;
  return 250;
}

/** symbol: 2; symbols: 2 for 1–20, 40 for 21–100, 80 beyond; neither: 80 (every symbol). */
function ticker24hrWeight(query: URLSearchParams): number {
  if (query.get('symbol') !== null) return 2;
  let symbols: string[] | undefined;
  try {
    symbols = symbolsParam(query);
  } catch {
    return 2;
  }
  if (symbols === undefined || symbols.length > 100) return 80;
  return symbols.length > 20 ? 40 : 2;
}

export type WeightVerdict =
  | { readonly kind: 'ok'; readonly used: number }
  | { readonly kind: 'limited'; readonly used: number; readonly retryAfterSec: number; readonly rule: WeightRule }
  | { readonly kind: 'banned'; readonly used: number; readonly retryAfterSec: number; readonly until: number };

interface IpState {
  /** When the IP's current window opened (its first request after the last window ended). */
  windowStart: number;
  used: number;
  refused: number;
  bannedUntil: number;
  bans: number;
}

/**
 * The weight used per IP in windows of wall-clock time (Retry-After is a promise about real time, whatever clock the
 * market runs on). A window opens with the IP's first request after the last one ended, so a test that spends the
 * limit knows the refusals last a whole window. An IP's state is kept while the emulator runs: a handful of clients.
 */
export class WeightLimiter {
  private readonly ips = new Map<string, IpState>();

  constructor(private readonly wallNow: () => number = Date.now) {}

  /** Charges `weight` to `ip` under `rule` and says whether the request may be answered. */
  charge(ip: string, weight: number, rule: WeightRule): WeightVerdict {
    const now = this.wallNow();
    const state = this.current(ip, rule, now);
    if (state.bannedUntil > now) return { kind: 'banned', used: state.used, retryAfterSec: secondsUntil(state.bannedUntil, now), until: state.bannedUntil };
    state.used += weight;
    if (state.used <= rule.limit) return { kind: 'ok', used: state.used };
    state.refused += 1;
    if (state.refused <= TOLERATED_429S) return { kind: 'limited', used: state.used, retryAfterSec: secondsUntil(state.windowStart + rule.windowMs, now), rule };
    state.bans += 1;
    state.bannedUntil = now + Math.min(FIRST_BAN_MS * 2 ** (state.bans - 1), LONGEST_BAN_MS);
    return { kind: 'banned', used: state.used, retryAfterSec: secondsUntil(state.bannedUntil, now), until: state.bannedUntil };
  }

  /** The weight `ip` used in the current window. */
  used(ip: string, rule: WeightRule): number {
    return this.current(ip, rule, this.wallNow()).used;
  }

  /** Forgets every IP's weight, refusals and bans (a test's clearFaults). */
  reset(): void {
    this.ips.clear();
  }

  private current(ip: string, rule: WeightRule, now: number): IpState {
    let state = this.ips.get(ip);
    if (state === undefined) {
      state = { windowStart: now, used: 0, refused: 0, bannedUntil: 0, bans: 0 };
      this.ips.set(ip, state);
    } else if (now >= state.windowStart + rule.windowMs) {
      state.windowStart = now;
      state.used = 0;
      state.refused = 0;
    }
    return state;
  }
}

function secondsUntil(at: number, now: number): number {
  return Math.max(1, Math.ceil((at - now) / 1000));
}
