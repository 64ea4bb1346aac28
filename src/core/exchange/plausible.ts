/** The numeric invariants every exchange value must meet before the engine sees it: finite, positive, in range. */

/**
 * What the exchange boundary knows about a market when it checks a value. Everything but `now` is optional: a
 * missing tick size or reference price only skips the check that needs it.
 */
export interface MarketContext {
  /** Epoch ms: timestamps later than `now + MAX_CLOCK_SKEW_MS` are not plausible. */
  readonly now: number;
  /**
   * Epoch ms: once the exchange's clock is known (its answers' Date header), no event is later than it by more than
   * EXCHANGE_CLOCK_SLACK_MS. A trade 23 h ahead passed `now + MAX_CLOCK_SKEW_MS`, and a series then closed its bar
   * in progress and invented flat bars up to it.
   */
  readonly latest?: number | undefined;
  /** Epoch ms: the exchange's clock as last measured (what a rejection says a time is ahead of). */
  readonly exchangeNow?: number | undefined;
  /** The market's price increment: a price is at most MAX_PRICE_STEPS ticks, so per-tick loops stay finite. */
  readonly tickSize?: number | undefined;
  /** A recently accepted live price: live prices must lie within a factor SANE_RANGE_FACTOR of it. */
  readonly referencePrice?: number | undefined;
}

/** Nothing traded on a crypto exchange before Bitcoin's genesis block (2009-01-03). */
export const EARLIEST_PLAUSIBLE_MS = Date.UTC(2009, 0, 3);
/** Exchange clocks run a little ahead; a day ahead is a broken clock or a unit mistake. */
export const MAX_CLOCK_SKEW_MS = 86_400_000;
/**
 * How far past the exchange's clock as last measured an event may be. Generous: the measure is only as fresh as the
 * last REST answer, and our clock may step back meanwhile (a sync after sleep), making a steady stream look ahead.
 * Trades, which move bars, are held to a strict bound while the measure is fresh (ExchangeClock).
 */
export const EXCHANGE_CLOCK_SLACK_MS = 3_600_000;
/** No quote currency prices an asset above this (BTC in VND or IDR is around 1e9). */
export const MAX_PRICE = 1e12;
/** Far below 2^53: `price / tick` and every bucket index derived from it stay exact integers. */
export const MAX_PRICE_STEPS = 1e12;
/** A live price more than this factor away from the market's last price is a broken feed, not a trade. */
export const SANE_RANGE_FACTOR = 1000;
/** Amounts and volumes: finite sums of many of them stay finite and exact enough. */
export const MAX_AMOUNT = 1e18;

export const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Renders a rejected value for a message: short, whatever it is. */
export function show(v: unknown): string {
  let s: string;
  try {
    s = typeof v === 'bigint' || typeof v === 'symbol' || typeof v === 'function' ? String(v) : (JSON.stringify(v) ?? String(v));
  } catch {
    s = Object.prototype.toString.call(v);
  }
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

/** Timestamps become epoch milliseconds here, once: seconds and microseconds are recognised by magnitude. */
export function normaliseTimestamp(ts: number): number {
  if (ts < 1e11) return Math.round(ts * 1000); // seconds
  if (ts > 1e14) return Math.floor(ts / 1000); // microseconds
  return Math.round(ts);
}

/** A plausible time in epoch ms, or the reason it is not. */
export function checkTime(v: unknown, ctx: MarketContext): number | string {
  if (!isFiniteNumber(v)) return `${show(v)} is not a finite number`;
  const ms = normaliseTimestamp(v);
  if (ms < EARLIEST_PLAUSIBLE_MS) return `${show(v)} is before 2009`;
  if (ms > ctx.now + MAX_CLOCK_SKEW_MS) return `${show(v)} is more than a day in the future`;
  if (ctx.latest !== undefined && ms > ctx.latest) return `${show(v)} is ${Math.round((ms - (ctx.exchangeNow ?? ctx.latest - EXCHANGE_CLOCK_SLACK_MS)) / 1000)} s ahead of the exchange's clock`;
  return ms;
}

/**
 * A price the engine can rely on, or the reason it is not one: finite, positive, at most MAX_PRICE, at most
 * MAX_PRICE_STEPS ticks, and (when the context has a reference price: live data) within SANE_RANGE_FACTOR of it.
 */
export function checkPrice(v: unknown, ctx: MarketContext): number | string {
  if (!isFiniteNumber(v) || v <= 0) return `${show(v)} is not a positive number`;
  if (v > MAX_PRICE) return `${show(v)} is above ${MAX_PRICE}`;
  const tick = ctx.tickSize;
  if (tick !== undefined && v / tick > MAX_PRICE_STEPS) return `${show(v)} is more than ${MAX_PRICE_STEPS} ticks of ${tick}`;
  const ref = ctx.referencePrice;
  if (ref !== undefined && (v > ref * SANE_RANGE_FACTOR || v < ref / SANE_RANGE_FACTOR)) return `${show(v)} is more than ${SANE_RANGE_FACTOR}× away from the market's price ${ref}`;
  return v;
}

/** An amount or volume: finite, not negative, at most MAX_AMOUNT. */
export function checkAmount(v: unknown): number | string {
  if (!isFiniteNumber(v) || v < 0) return `${show(v)} is not a non-negative number`;
  if (v > MAX_AMOUNT) return `${show(v)} is above ${MAX_AMOUNT}`;
  return v;
}

/** A usable tick size: finite and positive. */
export const isTickSize = (v: unknown): v is number => isFiniteNumber(v) && v > 0 && v <= MAX_PRICE;
