/**
 * The DOM ladder's size columns (amountColumn.ts): their decimals and the decimals each row's sizes are shown with. One
 * market's sizes carry its lot step's decimals. An aggregate's are its legs' summed, so a size has the decimals of the
 * finest leg in it (Binance's 0.00001 and Bybit's 0.001 sum to 0.30500, not 0.30500000), and the column those of its
 * finest leg, so the points line up. Pure.
 */
import type { DomLegWire, DomRowWire } from '../../shared/protocol';
import { columnDecimals, MOST_DECIMALS, stepDecimals, widestInteger } from '../shared/amountColumn';
import type { LadderMaxima } from './ladderModel';

export interface LadderAmounts {
  /** The columns' decimals. */
  readonly column: number;
  /** One market's sizes' decimals (its lot step's); undefined when not known. */
  readonly own: number | undefined;
  /** An aggregate's: each leg's sizes' decimals (its lot step's; the column's most where it has none). */
  readonly legs: readonly number[] | undefined;
  /** The left-aligned columns' widest integer parts (their points line up). */
  readonly widestAsk: string;
  readonly widestTraded: string;
}

/** The columns of a `dom/update` (one market's lot step, or an aggregate's legs'), their largest sizes `max`. */
export function ladderAmounts(amountStep: number | undefined, legAmountSteps: readonly (number | null)[] | undefined, max: LadderMaxima): LadderAmounts {
  const steps = legAmountSteps !== undefined && legAmountSteps.length > 0 ? legAmountSteps.map((s) => s ?? undefined) : undefined;
  const column = columnDecimals(steps ?? [amountStep]);
  return {
    column,
    own: steps === undefined ? stepDecimals(amountStep) : undefined,
    legs: steps?.map((s) => stepDecimals(s) ?? MOST_DECIMALS),
    widestAsk: widestInteger(max.ask, column),
    widestTraded: widestInteger(max.traded, column),
  };
}

/** The decimals of a row's resting sizes (bid, ask) and of its traded volume (undefined: as many as they have, at most the column's). */
export interface RowDecimals {
  readonly book: number | undefined;
  readonly traded: number | undefined;
}

/**
 * On an aggregate's ladder, the finest of the legs in the row: those with a share of its resting size, those whose
 * trades are in its volume (a leg with a bid and another with an ask in one row, where the legs' books cross, give
 * both sides the finer's). A row naming no leg takes the column's.
 */
export function rowDecimals(row: Pick<DomRowWire, 'shares' | 'tradedLegs'>, amounts: LadderAmounts): RowDecimals {
  const legs = amounts.legs;
  if (legs === undefined) return { book: amounts.own, traded: amounts.own };
  let book = -1;
  let traded = -1;
  for (let i = 0; i < legs.length; i++) {
    const d = legs[i] ?? amounts.column;
    if ((row.shares?.[i] ?? 0) > 0) book = Math.max(book, d);
    if (row.tradedLegs !== undefined && (row.tradedLegs & (1 << i)) !== 0) traded = Math.max(traded, d);
  }
  return { book: book < 0 ? amounts.column : book, traded: traded < 0 ? amounts.column : traded };
}

export function sameAmounts(a: LadderAmounts, b: LadderAmounts): boolean {
  return a.column === b.column && a.own === b.own && a.widestAsk === b.widestAsk && a.widestTraded === b.widestTraded && sameList(a.legs, b.legs);
}

const sameList = (a: readonly number[] | undefined, b: readonly number[] | undefined) => a === b || (a !== undefined && b !== undefined && a.length === b.length && a.every((x, i) => x === b[i]));

/** What a ladder row is drawn from (main.tsx's LadderRow). */
export interface LadderRowProps {
  readonly row: DomRowWire;
  readonly legs: readonly DomLegWire[];
  readonly decimals: number;
  readonly amounts: LadderAmounts;
  readonly zone: 'ask' | 'bid' | 'none';
  readonly isLast: boolean;
  readonly best: 'bid' | 'ask' | undefined;
}

/** Whether a ladder row would be drawn the same: an update redraws only the rows whose numbers or highlight changed. */
export function sameLadderRow(a: LadderRowProps, b: LadderRowProps): boolean {
  return (
    a.decimals === b.decimals &&
    sameAmounts(a.amounts, b.amounts) &&
    a.zone === b.zone &&
    a.isLast === b.isLast &&
    a.best === b.best &&
    a.row.price === b.row.price &&
    a.row.bid === b.row.bid &&
    a.row.ask === b.row.ask &&
    a.row.traded === b.row.traded &&
    a.row.tradedLegs === b.row.tradedLegs &&
    sameLegNames(a.legs, b.legs) &&
    sameList(a.row.shares, b.row.shares)
  );
}

/**
 * The legs a row names (its shares' tooltip), compared by name: each update's list is new (and a market's empty one
 * was), and a leg's state is said above the ladder, not in its rows.
 */
const sameLegNames = (a: readonly DomLegWire[], b: readonly DomLegWire[]) => a === b || (a.length === b.length && a.every((l, i) => l.label === b[i]?.label));
