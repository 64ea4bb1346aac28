/**
 * Where an aggregate's lanes begin, marked in their panes: the lanes have no history (exchanges give no past
 * liquidations, and the open interest and funding are streamed or polled from the chart's opening), so over older
 * candles they are empty; the mark says why ("liquidations since 08:47"). Pure.
 */
import { sinceTime } from '../shared/format';

export interface LanesStartMark {
  /** The line's x: the first lanes bar's left edge, or the pane's right edge when every bar shown is older (CSS px). */
  readonly x: number;
  /** The text's left end (CSS px). */
  readonly textX: number;
}

/** Between the text and the pane's edge or the line (CSS px). */
const GAP = 4;

/**
 * The mark in a pane `width` px wide, the lanes' first bar's left edge at `startX` (null: right of the view), for a
 * text `textWidth` px wide; null when the lanes cover the pane's left edge (nothing empty to explain). The text sits at
 * the empty part's left end when it fits there, away from the series' tags on the right (a chart just opened is empty
 * up to its newest bars); otherwise right of the line.
 */
export function lanesStartMark(startX: number | null, width: number, textWidth: number): LanesStartMark | null {
  const x = startX === null ? width : Math.min(startX, width);
  if (x <= 0) return null;
  return { x, textX: x - 2 * GAP >= textWidth ? GAP : x + GAP };
}

/** The mark's text: "liquidations since 08:47", with the day when not the newest bar's ("04 Dec 08:47"). */
export function lanesStartText(what: string, startMs: number, newestMs: number): string {
  return `${what} since ${sinceTime(startMs / 1000, newestMs / 1000)}`;
}
