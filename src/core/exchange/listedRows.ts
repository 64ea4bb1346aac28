/**
 * How many rows the exchange listed in a REST page whose invalid rows the boundary dropped. A pager tells the end of
 * the trades (or of a window of them) by a page shorter than its limit: a full page less a dropped row is not one.
 */
const listed = new WeakMap<readonly unknown[], number>();

/** `page` (the rows kept), recorded as a page of `rows` rows as the exchange listed them. */
export function withListedRows<T>(page: T[], rows: number): T[] {
  if (rows > page.length) listed.set(page, rows);
  return page;
}

/** The rows the exchange listed in `page`: its length, or more where the boundary dropped some (withListedRows). */
export function listedRows(page: readonly unknown[]): number {
  return Math.max(page.length, listed.get(page) ?? 0);
}
