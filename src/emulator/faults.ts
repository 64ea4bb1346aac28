/** Injected faults: a response/send delay and queued REST failures (each protocol renders them in its own form). */
import type { RestFault, RestFaultStatus, WeightLimit } from './types';
import { WEIGHT_WINDOW_MS } from './binance/requestWeight';

/** A REST failure taken from the queue for one request. */
export interface TakenRestFault {
  readonly status: RestFaultStatus;
  readonly retryAfterSec: number;
}

interface PendingFault {
  readonly status: RestFaultStatus;
  remaining: number;
  readonly path: string | undefined;
  readonly retryAfterSec: number;
  /** The exchange's id of the only market whose requests fail; undefined: every request. */
  readonly marketId: string | undefined;
}

const STATUSES: readonly RestFaultStatus[] = [400, 418, 429, 500, 503, 504];

export function isRestFaultStatus(value: unknown): value is RestFaultStatus {
  return (STATUSES as readonly unknown[]).includes(value);
}

export class Faults {
  private delay = 0;
  private candleLag = 0;
  private staleTrades = 0;
  private weight: Required<WeightLimit> | undefined;
  private readonly pending: PendingFault[] = [];

  /** The request-weight limit set for this run; undefined: the exchange's own. */
  get weightLimit(): Required<WeightLimit> | undefined {
    return this.weight;
  }

  setWeightLimit(weight: WeightLimit): void {
    const windowMs = weight.windowMs ?? WEIGHT_WINDOW_MS;
    if (!Number.isInteger(weight.limit) || weight.limit < 1) throw new Error(`weight limit must be a positive integer, got ${String(weight.limit)}`);
    if (!Number.isInteger(windowMs) || windowMs < 1000) throw new Error(`weight window must be an integer number of ms >= 1000, got ${String(windowMs)}`);
    this.weight = { limit: weight.limit, windowMs };
  }

  get delayMs(): number {
    return this.delay;
  }

  /** Candle endpoints answer from the trades up to now − this (see ExchangeEmulator.setCandleLag). */
  get candleLagMs(): number {
    return this.candleLag;
  }

  setCandleLag(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new Error(`candle lag must be a non-negative number of ms, got ${ms}`);
    this.candleLag = ms;
  }

  /** The next market trades answer lists the trades up to now − `ms` only (see ExchangeEmulator.staleNextTrades). */
  setStaleTrades(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new Error(`stale trades must be a non-negative number of ms, got ${ms}`);
    this.staleTrades = ms;
  }

  /** How stale the market trades answer now being made is (0: current); the fault is spent by it. */
  takeStaleTradesMs(): number {
    const ms = this.staleTrades;
    this.staleTrades = 0;
    return ms;
  }

  setDelay(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new Error(`delay must be a non-negative number of ms, got ${ms}`);
    this.delay = ms;
  }

  /** `marketId`: the exchange's id of `fault.symbol`, resolved by the caller (undefined without one). */
  addRestFault(fault: RestFault, marketId?: string): void {
    if (!isRestFaultStatus(fault.status)) throw new Error(`REST fault status must be one of ${STATUSES.join(', ')}, got ${String(fault.status)}`);
    const count = fault.count ?? 1;
    if (!Number.isInteger(count) || count < 1) throw new Error(`REST fault count must be a positive integer, got ${count}`);
    const retryAfterSec = fault.retryAfterSec ?? 1;
    if (!Number.isInteger(retryAfterSec) || retryAfterSec < 0) throw new Error(`retryAfterSec must be a non-negative integer, got ${retryAfterSec}`);
    if (fault.path !== undefined && (typeof fault.path !== 'string' || fault.path === '')) throw new Error('REST fault path must be a non-empty string');
    this.pending.push({ status: fault.status, remaining: count, path: fault.path, retryAfterSec, marketId });
  }

  /** Clears the delay, the candle lag, a stale trades answer to come, the weight limit and all pending REST faults. */
  clear(): void {
    this.delay = 0;
    this.weight = undefined;
    this.candleLag = 0;
    this.staleTrades = 0;
    this.pending.length = 0;
  }

  /** Consumes one pending fault matching the request's path (and market), if any. */
  takeRestFault(url: URL): TakenRestFault | undefined {
    const index = this.pending.findIndex((f) => (f.path === undefined || pathMatches(url.pathname, f.path)) && (f.marketId === undefined || namesMarket(url, f.marketId)));
    if (index < 0) return undefined;
    const fault = this.pending[index] as PendingFault;
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.pending.splice(index, 1);
    return { status: fault.status, retryAfterSec: fault.retryAfterSec };
  }
}

/** '/api/v3/klines' matches 'klines', 'v3/klines' and '/api/v3/klines'. */
function pathMatches(pathname: string, pattern: string): boolean {
  const p = pattern.startsWith('/') ? pattern : `/${pattern}`;
  return pathname === p || pathname.endsWith(p);
}

/** Whether a request names the market `id`: a query value or a path segment equal to it (`symbol=BTCUSDT`, `/products/BTC-USD/candles`). */
function namesMarket(url: URL, id: string): boolean {
  for (const value of url.searchParams.values()) if (value === id) return true;
  return url.pathname.split('/').some((segment) => decodeURIComponent(segment) === id);
}
