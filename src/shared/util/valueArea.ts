/** The value area of a volume profile (rows ascending by price): pure, shared by the engine and the chart webview. */

/** The share of volume in the value area: 70 %, as market profile defines it. */
export const VALUE_AREA_SHARE = 0.7;

/**
 * Volumes closer than this share of the total are equal. A row's volume is a float sum whose last bits depend on the
 * order it was summed in (trade by trade, or bar by bar of any timeframe); without it, the same trades could give
 * the 1m and the 3m profile different value areas. Far above that noise (≈ 1e-16 per addition), far below a
 * difference anyone can see.
 */
const SAME_VOLUME = 1e-9;

/**
 * Start at the point of control (the first row with the most volume) and add the neighbouring row with more volume,
 * one row at a time (the upper one on a tie), until the rows taken hold at least `share` of the volume. Indices of
 * the POC and of the area's lowest and highest rows; O(rows).
 */
export function valueArea(volumes: readonly number[], share = VALUE_AREA_SHARE): { poc: number; low: number; high: number; volume: number } {
  let total = 0;
  let most = 0;
  for (const v of volumes) {
    total += v;
    if (v > most) most = v;
  }
  const epsilon = SAME_VOLUME * total;
  let poc = 0;
  while (poc < volumes.length - 1 && (volumes[poc] ?? 0) < most - epsilon) poc++;
  let low = poc;
  let high = poc;
  let taken = volumes[poc] ?? 0;
  const target = share * total - epsilon;
  const last = volumes.length - 1;
  while (taken < target && (low > 0 || high < last)) {
    const upper = high < last && (low === 0 || (volumes[high + 1] ?? 0) >= (volumes[low - 1] ?? 0) - epsilon);
    taken += (upper ? volumes[++high] : volumes[--low]) ?? 0;
  }
  return { poc, low, high, volume: total };
}
