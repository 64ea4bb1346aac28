/**
 * The generated history is sparse (a few trades a minute, so a long history starts fast) while the live market trades
 * many times a second: without scaling, every chart's newest bar has tens of times the volume of the ones before it.
 */

/** Live trades a second per market by default (EmulatorOptions.tradesPerSecond). */
export const DEFAULT_TRADES_PER_SECOND = 5;

/** History trades a minute per market by default (EmulatorOptions.historyTradesPerMinute). */
export const DEFAULT_HISTORY_TRADES_PER_MINUTE = 6;

/** At most this: a benchmark's thousands of trades a second would otherwise make each history trade absurdly large. */
const MAX_SCALE = 1000;

/** The historyVolumeScale that gives a history bar about the volume of a live one at `tradesPerSecond` (1 to MAX_SCALE). */
export function liveHistoryVolumeScale(tradesPerSecond: number, historyTradesPerMinute = DEFAULT_HISTORY_TRADES_PER_MINUTE): number {
  if (!(tradesPerSecond > 0) || !(historyTradesPerMinute > 0)) return 1;
  return Math.min(MAX_SCALE, Math.max(1, (tradesPerSecond * 60) / historyTradesPerMinute));
}
