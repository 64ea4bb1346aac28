/** A perpetual's funding rate as people read it, shared by the Markets tree and the chart's legend. */

/** A funding rate (a fraction) in percent, to the basis point's hundredth: 0.0001 → "0.0100%". */
export function formatFundingRate(rate: number): string {
  return `${rate >= 0 ? '' : '-'}${Math.abs(rate * 100).toFixed(4)}%`;
}
