/** Injected faults: a response/send delay and queued REST failures (each protocol renders them in its own form). */
import type { RestFault, RestFaultStatus } from './types';

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
}

const STATUSES: readonly RestFaultStatus[] = [400, 418, 429, 500, 503];

export function isRestFaultStatus(value: unknown): value is RestFaultStatus {
  return (STATUSES as readonly unknown[]).includes(value);
}

export class Faults {
  private delay = 0;
  private readonly pending: PendingFault[] = [];

  get delayMs(): number {
    return this.delay;
  }

  setDelay(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new Error(`delay must be a non-negative number of ms, got ${ms}`);
    this.delay = ms;
  }

  addRestFault(fault: RestFault): void {
    if (!isRestFaultStatus(fault.status)) throw new Error(`REST fault status must be one of ${STATUSES.join(', ')}, got ${String(fault.status)}`);
    const count = fault.count ?? 1;
    if (!Number.isInteger(count) || count < 1) throw new Error(`REST fault count must be a positive integer, got ${count}`);
    const retryAfterSec = fault.retryAfterSec ?? 1;
    if (!Number.isInteger(retryAfterSec) || retryAfterSec < 0) throw new Error(`retryAfterSec must be a non-negative integer, got ${retryAfterSec}`);
    if (fault.path !== undefined && (typeof fault.path !== 'string' || fault.path === '')) throw new Error('REST fault path must be a non-empty string');
    this.pending.push({ status: fault.status, remaining: count, path: fault.path, retryAfterSec });
  }

  /** Clears the delay and all pending REST faults. */
  clear(): void {
    this.delay = 0;
    this.pending.length = 0;
  }

  /** Consumes one pending fault matching `pathname`, if any. */
  takeRestFault(pathname: string): TakenRestFault | undefined {
    const index = this.pending.findIndex((f) => f.path === undefined || pathMatches(pathname, f.path));
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
