/**
 * DOM (price ladder) view model: rows in descending price order, the row nearest the last price, the maxima that
 * scale the size bars, and when to scroll to keep the best bid and best ask in view. Pure (no DOM).
 */
import type { DomRowWire, SpreadBeyondRowsWire } from '../../shared/protocol';
import { decimalsOf, MOST_TICK_DECIMALS } from '../../shared/util/decimals';
import { formatPrice } from '../shared/format';

export interface LadderMaxima {
  readonly bid: number;
  readonly ask: number;
  readonly traded: number;
}

const validRow = (r: unknown): r is DomRowWire => {
  if (typeof r !== 'object' || r === null) return false;
  const o = r as Record<string, unknown>;
  return Number.isFinite(o.price) && Number.isFinite(o.bid) && Number.isFinite(o.ask) && Number.isFinite(o.traded);
};

/** Valid rows, highest price first (sorted only when they do not arrive that way), duplicates merged away. */
export function normalizeRows(rows: readonly unknown[]): DomRowWire[] {
  const valid = rows.filter(validRow);
  let descending = true;
  for (let i = 1; i < valid.length; i++) {
    if (valid[i]!.price >= valid[i - 1]!.price) {
      descending = false;
      break;
    }
  }
  if (descending) return valid;
  const byPrice = new Map<number, DomRowWire>();
  for (const r of valid) byPrice.set(r.price, r);
  return [...byPrice.values()].sort((a, b) => b.price - a.price);
}

/** Index of the row whose price is nearest `lastPrice` in rows sorted by descending price; -1 if none. */
export function nearestRowIndex(rows: readonly { readonly price: number }[], lastPrice: number | null): number {
  if (lastPrice === null || !Number.isFinite(lastPrice) || rows.length === 0) return -1;
  // First index whose price is ≤ lastPrice.
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (rows[mid]!.price > lastPrice) lo = mid + 1;
    else hi = mid;
  }
  if (lo === 0) return 0;
  if (lo === rows.length) return rows.length - 1;
  const above = rows[lo - 1]!.price - lastPrice;
  const below = lastPrice - rows[lo]!.price;
  return below <= above ? lo : lo - 1;
}

export function ladderMaxima(rows: readonly DomRowWire[]): LadderMaxima {
  let bid = 0;
  let ask = 0;
  let traded = 0;
  for (const r of rows) {
    if (r.bid > bid) bid = r.bid;
    if (r.ask > ask) ask = r.ask;
    if (r.traded > traded) traded = r.traded;
  }
  return { bid, ask, traded };
}

export interface GroupingChoice {
  readonly multiple: number;
  readonly label: string;
}

/** The grouping selector's options: each multiple × tickSize as a price step (0.01, 0.1, 1, …). */
export function groupingChoices(multiples: readonly number[], tickSize: number, current: number): GroupingChoice[] {
  const list = multiples.filter((m) => Number.isInteger(m) && m >= 1 && m <= 10_000);
  if (Number.isInteger(current) && current >= 1 && !list.includes(current)) list.push(current);
  return [...new Set(list)]
    .sort((a, b) => a - b)
    .map((multiple) => {
      const step = multiple * tickSize;
      return { multiple, label: Number.isFinite(step) && step > 0 ? formatPrice(step, decimalsOf(step)) : `×${multiple}` };
    });
}

/** Decimals to show ladder prices with: those of the grouped step. */
export function ladderDecimals(tickSize: number, multiple: number): number {
  const step = tickSize * multiple;
  return Number.isFinite(step) && step > 0 ? Math.min(MOST_TICK_DECIMALS, decimalsOf(step)) : 2;
}

export interface SpreadRows {
  /** Row of the best ask: the lowest-priced row with ask size (rows run from high to low prices); -1 if none. */
  readonly askIndex: number;
  /** Row of the best bid: the highest-priced row with bid size; -1 if none. */
  readonly bidIndex: number;
}

export function spreadRows(rows: readonly DomRowWire[]): SpreadRows {
  let askIndex = -1;
  let bidIndex = -1;
  rows.forEach((r, i) => {
    if (r.ask > 0) askIndex = i;
    if (r.bid > 0 && bidIndex < 0) bidIndex = i;
  });
  return { askIndex, bidIndex };
}

/** Whether a ladder shows any resting size: before the first book its rows carry only traded volume, or nothing. */
export const showsBook = (rows: readonly DomRowWire[]): boolean => rows.some((r) => r.bid > 0 || r.ask > 0);

/**
 * The note under the ladder's head while it has nothing to show: no ladder yet, rows (from the trades, a restored
 * panel) before the first book, or rows all inside a spread wider than them (its best bid and ask named, at the tick's
 * decimals); none once a book has been seen and is on the rows (a side emptied later is the market, not a wait).
 */
export function ladderNote(ladder: { readonly bookSeen: boolean; readonly spreadBeyondRows?: SpreadBeyondRowsWire; readonly tickSize?: number } | null): string | undefined {
  if (!ladder) return 'waiting for the ladder…';
  const wide = ladder.spreadBeyondRows;
  if (wide) {
    const decimals = ladderDecimals(ladder.tickSize ?? Number.NaN, 1);
    return `The spread (bid ${formatPrice(wide.bid, decimals)}, ask ${formatPrice(wide.ask, decimals)}) is wider than the ladder at this grouping: pick a coarser grouping to see the book.`;
  }
  return ladder.bookSeen ? undefined : 'waiting for the book…';
}

export interface SpreadViewInput {
  readonly scrollTop: number;
  readonly viewportHeight: number;
  readonly rowHeight: number;
  readonly rowCount: number;
  readonly spread: SpreadRows;
  /** Rows kept between the spread and the viewport's edge before it counts as leaving the view. */
  readonly marginRows?: number;
  /** Centre the spread even when it is in view (the first layout, the "Centre" button). */
  readonly force?: boolean;
}

/**
 * The scrollTop that centres the spread (best ask to best bid), or null while both rows are inside the viewport
 * (less a margin): the ladder stays still while the spread moves within view and re-centres only when it leaves.
 */
export function spreadScrollTarget(i: SpreadViewInput): number | null {
  const { askIndex, bidIndex } = i.spread;
  if ((askIndex < 0 && bidIndex < 0) || i.rowHeight <= 0 || i.viewportHeight <= 0) return null;
  const first = askIndex >= 0 ? askIndex : bidIndex;
  const last = bidIndex >= 0 ? bidIndex : askIndex;
  const margin = Math.min(i.marginRows ?? 2, Math.max(0, Math.floor((i.viewportHeight / i.rowHeight - (last - first + 1)) / 2)));
  const top = (Math.min(first, last) - margin) * i.rowHeight;
  const bottom = (Math.max(first, last) + 1 + margin) * i.rowHeight;
  if (!i.force && top >= i.scrollTop && bottom <= i.scrollTop + i.viewportHeight) return null;
  const centre = ((Math.min(first, last) + Math.max(first, last) + 1) / 2) * i.rowHeight;
  const maxScroll = Math.max(0, i.rowCount * i.rowHeight - i.viewportHeight);
  const target = Math.round(Math.min(maxScroll, Math.max(0, centre - i.viewportHeight / 2)));
  return Math.abs(target - i.scrollTop) < 1 ? null : target;
}
