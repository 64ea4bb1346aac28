/**
 * A derivatives market's open interest and funding rate as its REST API answers them (ccxt's fetchOpenInterest and
 * fetchFundingRate structures), checked at the exchange boundary: untrusted until they pass here.
 */
import { checkAmount, checkPrice, checkTime, isFiniteNumber, show, type MarketContext } from '../exchange/plausible';

export interface OpenInterestFigure {
  /** When the exchange recorded it (ms). */
  readonly timestamp: number;
  /** In contracts, as the exchange counts them (base units only for a linear contract of size 1). */
  readonly contracts: number;
}

export interface FundingFigure {
  readonly timestamp: number;
  /** The next funding's rate as a fraction (0.0001 = 0.01 %). */
  readonly rate: number;
  readonly markPrice: number | undefined;
  readonly nextFundingTime: number | undefined;
}

/** As normalize.ts's (which imports the client interface that names these figures: not imported, to keep imports acyclic). */
export type Checked<T> = { ok: true; value: T } | { ok: false; issue: string };

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Reads the named fields once (a getter may throw) or says why it could not. */
function read(raw: unknown, what: string, names: readonly string[]): Record<string, unknown> | string {
  if (!isRecord(raw)) return `${what} is not an object: ${show(raw)}`;
  const out: Record<string, unknown> = {};
  try {
    for (const n of names) out[n] = raw[n];
  } catch (err) {
    return `${what} cannot be read (${err instanceof Error ? err.name : 'error'})`;
  }
  return out;
}

/** ccxt's open interest structure: `openInterestAmount` in contracts (some exchanges give only `openInterestValue`: not usable without a price, refused). */
export function checkOpenInterest(raw: unknown, ctx: MarketContext): Checked<OpenInterestFigure> {
  const f = read(raw, 'open interest', ['openInterestAmount', 'timestamp']);
  if (typeof f === 'string') return { ok: false, issue: f };
  const contracts = checkAmount(f.openInterestAmount);
  if (typeof contracts === 'string') return { ok: false, issue: `open interest amount ${contracts}` };
  const timestamp = f.timestamp === undefined || f.timestamp === null ? ctx.now : checkTime(f.timestamp, ctx);
  if (typeof timestamp === 'string') return { ok: false, issue: `open interest timestamp ${timestamp}` };
  return { ok: true, value: { timestamp, contracts } };
}

/** ccxt's funding rate structure: the rate a plausible fraction; mark price and next funding time when given. */
export function checkFundingRate(raw: unknown, ctx: MarketContext): Checked<FundingFigure> {
  const f = read(raw, 'funding rate', ['fundingRate', 'timestamp', 'markPrice', 'fundingTimestamp', 'nextFundingTimestamp']);
  if (typeof f === 'string') return { ok: false, issue: f };
  const rate = f.fundingRate;
  if (!isFiniteNumber(rate) || Math.abs(rate) > 1) return { ok: false, issue: `funding rate ${show(rate)} is not a plausible fraction` };
  const timestamp = f.timestamp === undefined || f.timestamp === null ? ctx.now : checkTime(f.timestamp, ctx);
  if (typeof timestamp === 'string') return { ok: false, issue: `funding rate timestamp ${timestamp}` };
  let markPrice: number | undefined;
  if (f.markPrice !== undefined) {
    const p = checkPrice(f.markPrice, ctx);
    if (typeof p === 'string') return { ok: false, issue: `funding mark price ${p}` };
    markPrice = p;
  }
  // ccxt names the coming funding's time `fundingTimestamp` (Bybit, Binance) and the one after `nextFundingTimestamp`.
  const next = f.fundingTimestamp ?? f.nextFundingTimestamp;
  let nextFundingTime: number | undefined;
  if (next !== undefined && next !== null && next !== 0) {
    // A schedule, not an event: hours past the exchange's clock by design, so only the month's bound applies.
    const t = checkTime(next, { now: ctx.now + 31 * 86_400_000 });
    if (typeof t === 'string') return { ok: false, issue: `next funding time ${t}` };
    nextFundingTime = t;
  }
  return { ok: true, value: { timestamp, rate, markPrice, nextFundingTime } };
}
