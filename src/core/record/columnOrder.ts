/** Reordering typed columns: the indices of a stable sort, and a column taken in such an order. */

/** 0..n-1 sorted by `compare`, equals kept in their order (Array.prototype.sort is stable). */
export function stableOrder(n: number, compare: (a: number, b: number) => number): number[] {
  const order: number[] = [];
  for (let i = 0; i < n; i++) order.push(i);
  return order.sort(compare);
}

/** A new column of `values` at the given indices, in their order. */
export function gathered<T extends Float64Array | Uint8Array>(values: T, order: ArrayLike<number>): T {
  const out = new (values.constructor as new (n: number) => T)(order.length);
  for (let k = 0; k < order.length; k++) out[k] = values[order[k] as number] as number;
  return out;
}
