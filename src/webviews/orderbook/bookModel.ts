/**
 * Order book view model: the top N levels of each side with cumulative depth, spread and mid. Pure (no DOM).
 */
import type { LevelWire } from '../../shared/protocol';
import { BOOK_DEPTH } from '../../shared/util/bookDepth';
import { priceDecimals } from '../shared/format';

export interface BookRow {
  readonly price: number;
  readonly amount: number;
  /** Cumulative amount from the best price to this level. */
  readonly total: number;
}

export interface BookView {
  /** Best (lowest) ask first. */
  readonly asks: readonly BookRow[];
  /** Best (highest) bid first. */
  readonly bids: readonly BookRow[];
  readonly bestBid: number | null;
  readonly bestAsk: number | null;
  readonly spread: number | null;
  /** Spread relative to the mid, in percent. */
  readonly spreadPct: number | null;
  readonly mid: number | null;
  /** The larger of the two sides' cumulative totals: depth bars are scaled against it. */
  readonly maxTotal: number;
  readonly priceDecimals: number;
  /** Best bid at or above best ask (a stale or inconsistent book). */
  readonly crossed: boolean;
}

const isLevel = (l: unknown): l is LevelWire =>
  Array.isArray(l) && l.length >= 2 && Number.isFinite(l[0]) && Number.isFinite(l[1]) && (l[0] as number) > 0 && (l[1] as number) > 0;

/**
 * `levels` caps each side. Malformed or empty levels (amount 0) are skipped; sides are sorted only if they arrive
 * unsorted. O(levels) for sorted input. `tickSize`: the market's, when known: prices show its decimals.
 */
export function buildBookView(bids: readonly unknown[], asks: readonly unknown[], levels: number, tickSize?: number): BookView {
  const n = Number.isFinite(levels) && levels > 0 ? Math.floor(levels) : 20;
  const bidRows = side(bids, n, (a, b) => b - a);
  const askRows = side(asks, n, (a, b) => a - b);
  const bestBid = bidRows[0]?.price ?? null;
  const bestAsk = askRows[0]?.price ?? null;
  const spread = bestBid !== null && bestAsk !== null ? bestAsk - bestBid : null;
  const mid = bestBid !== null && bestAsk !== null ? (bestBid + bestAsk) / 2 : null;
  const maxTotal = Math.max(bidRows[bidRows.length - 1]?.total ?? 0, askRows[askRows.length - 1]?.total ?? 0);
  const prices: number[] = [];
  for (const r of bidRows) prices.push(r.price);
  for (const r of askRows) prices.push(r.price);
  return {
    asks: askRows,
    bids: bidRows,
    bestBid,
    bestAsk,
    spread,
    spreadPct: spread !== null && mid !== null && mid > 0 ? (spread / mid) * 100 : null,
    mid,
    maxTotal,
    priceDecimals: priceDecimals(tickSize, prices),
    crossed: spread !== null && spread <= 0,
  };
}

function side(levels: readonly unknown[], n: number, order: (a: number, b: number) => number): BookRow[] {
  let valid = levels.filter(isLevel);
  let sorted = true;
  for (let i = 1; i < valid.length; i++) {
    if (order(valid[i - 1]![0], valid[i]![0]) > 0) {
      sorted = false;
      break;
    }
  }
  if (!sorted) valid = [...valid].sort((a, b) => order(a[0], b[0]));
  const rows: BookRow[] = [];
  let total = 0;
  for (let i = 0; i < valid.length && rows.length < n; i++) {
    const [price, amount] = valid[i]!;
    total += amount;
    rows.push({ price, amount, total });
  }
  return rows;
}

/**
 * What the spread row says where it has no spread to show: no book yet, an empty one (a market with no orders, or
 * halted), or which side is missing; undefined where it shows the mid and spread.
 */
export function spreadNote(view: BookView | undefined): string | undefined {
  if (!view) return 'waiting for the book…';
  if (view.bestBid !== null && view.bestAsk !== null) return undefined;
  if (view.bestBid === null && view.bestAsk === null) return 'empty book: no bids or asks';
  return view.bestAsk === null ? 'one-sided book: no asks' : 'one-sided book: no bids';
}

/** Choices for the levels selector: the usual sizes plus the current one, within 5 and the engine's book depth. */
export function levelChoices(current: number): number[] {
  const base = [10, 20, 50, BOOK_DEPTH];
  const set = new Set(base);
  if (Number.isInteger(current) && current >= 5 && current <= BOOK_DEPTH) set.add(current);
  return [...set].sort((a, b) => a - b);
}
