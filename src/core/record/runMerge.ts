/** The order of rows that arrive as sorted runs (a server's parts read one after another, or interleaved by its threads). */

/**
 * The indices 0..n-1 in key order, where `before(a, b)` says row a's key is less than row b's. The rows already in
 * order cost one pass; otherwise the ascending runs found are merged pairwise (a stable natural merge sort:
 * O(n log runs)). Undefined when the rows are in order already (nothing to reorder).
 */
export function orderOfRuns(n: number, before: (a: number, b: number) => boolean): Uint32Array | undefined {
  const starts: number[] = [0];
  for (let i = 1; i < n; i++) if (before(i, i - 1)) starts.push(i);
  if (starts.length === 1) return undefined;
  starts.push(n);
  let order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  let spare = new Uint32Array(n);
  let bounds = starts;
  while (bounds.length > 2) {
    const merged: number[] = [0];
    for (let r = 0; r + 1 < bounds.length; r += 2) {
      const lo = bounds[r] as number;
      const mid = bounds[r + 1] as number;
      const hi = r + 2 < bounds.length ? (bounds[r + 2] as number) : mid;
      mergeInto(order, spare, lo, mid, hi, before);
      merged.push(hi);
    }
    [order, spare] = [spare, order];
    bounds = merged;
  }
  return order;
}

/** Merges order[lo, mid) and order[lo… mid, hi) into out[lo, hi); on equal keys the left run's row first (stable). */
function mergeInto(order: Uint32Array, out: Uint32Array, lo: number, mid: number, hi: number, before: (a: number, b: number) => boolean): void {
  let i = lo;
  let j = mid;
  let k = lo;
  while (i < mid && j < hi) {
    const a = order[i] as number;
    const b = order[j] as number;
    if (before(b, a)) {
      out[k++] = b;
      j++;
    } else {
      out[k++] = a;
      i++;
    }
  }
  while (i < mid) out[k++] = order[i++] as number;
  while (j < hi) out[k++] = order[j++] as number;
}
