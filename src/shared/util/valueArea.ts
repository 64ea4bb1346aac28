/** The value area of a volume profile (rows ascending by price): pure, shared by the engine and the chart webview. */

/** The share of volume in the value area: 70 %, as market profile defines it. */
export const VALUE_AREA_SHARE = 0.7;

/**
 * Start at the point of control (the first row with the most volume) and add the neighbouring row with more volume,
 * one row at a time (the upper one on a tie), until the rows taken hold at least `share` of the volume. Indices of
 * the POC and of the area's lowest and highest rows; O(rows).
 */
export function valueArea(volumes: readonly number[], share = VALUE_AREA_SHARE): { poc: number; low: number; high: number; volume: number } {
  let total = 0;
  let poc = 0;
  for (let i = 0; i < volumes.length; i++) {
    const v = volumes[i] ?? 0;
    total += v;
    if (v > (volumes[poc] ?? 0)) poc = i;
  }
  let low = poc;
  let high = poc;
  let taken = volumes[poc] ?? 0;
  const target = share * total;
  while (taken < target && (low > 0 || high < volumes.length - 1)) {
    const up = high < volumes.length - 1 ? (volumes[high + 1] ?? 0) : -1;
    const down = low > 0 ? (volumes[low - 1] ?? 0) : -1;
    if (up >= down) taken += volumes[++high] ?? 0;
    else taken += volumes[--low] ?? 0;
  }
  return { poc, low, high, volume: total };
}
