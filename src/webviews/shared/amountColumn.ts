/**
 * Amounts in a column (the book's sizes and totals, the ladder's, the tape's) lined up on their decimal point: every
 * number of a column carries the column's decimals, those of the market's lot step. A number that shows fewer (its
 * leg's lot step is coarser, or it is too long to show them all) keeps their room as hidden text after it; in a
 * left-aligned column, the digits it lacks before the point beside the column's widest number are hidden text before
 * it. With tabular figures (`.num`) every digit is as wide as any other, so the points line up. Pure.
 */
import { decimalsOf } from '../../shared/util/decimals';
import { formatPrice } from './format';

/** Most decimals an amount is shown with (a base unit's finest step, a satoshi). */
export const MOST_DECIMALS = 8;
/** Most digits shown: beyond, a number shows fewer decimals (their room kept). */
const MOST_DIGITS = 10;

export interface ColumnAmount {
  /** Hidden before the number: the column's widest integer part's extra digits (a left-aligned column). */
  readonly lead: string;
  readonly text: string;
  /** Hidden after it: the column's decimals it does not show. */
  readonly trail: string;
}

/** The decimals of a lot step (0.00001 → 5), at most 8; undefined when the step is not known. */
export function stepDecimals(step: number | undefined): number | undefined {
  return step !== undefined && Number.isFinite(step) && step > 0 ? Math.min(MOST_DECIMALS, decimalsOf(step)) : undefined;
}

/** A column's decimals: the most of its lot steps' (an aggregate's tape has one per leg); 8 when one is not known. */
export function columnDecimals(steps: readonly (number | undefined)[]): number {
  let most = 0;
  for (const step of steps) most = Math.max(most, stepDecimals(step) ?? MOST_DECIMALS);
  return most;
}

/**
 * `x` in a column of `column` decimals, shown with `own` of them (its lot step's; undefined: as many as it has, at
 * most the column's). `widest`: the integer part of the column's widest number, for a left-aligned column.
 */
export function columnAmount(x: number, column: number, own?: number, widest?: string): ColumnAmount {
  if (!Number.isFinite(x)) return { lead: '', text: formatPrice(x, 0), trail: '' };
  let shown = Math.min(column, own ?? decimalsOf(x));
  const digits = integerDigits(x);
  if (digits + shown > MOST_DIGITS) shown = Math.max(0, MOST_DIGITS - digits);
  const text = formatPrice(x, shown);
  const trail = shown === column ? '' : `${shown === 0 ? '.' : ''}${'0'.repeat(column - shown)}`;
  return { lead: widest === undefined ? '' : leadOf(widest, integerPart(text)), text, trail };
}

/** The integer part of `x` as its column writes it (12,345): the widest of a left-aligned column's, from its largest number. */
export function widestInteger(largest: number, column: number): string {
  return integerPart(columnAmount(largest, column).text);
}

const integerPart = (text: string) => {
  const dot = text.indexOf('.');
  return dot < 0 ? text : text.slice(0, dot);
};

/** What `widest` has before the point that `integer` lacks, as `widest` writes it (digits and separators alike wide). */
function leadOf(widest: string, integer: string): string {
  return widest.length > integer.length ? widest.slice(0, widest.length - integer.length) : '';
}

function integerDigits(x: number): number {
  const a = Math.abs(x);
  return a < 1 ? 1 : Math.floor(Math.log10(a)) + 1;
}
