/**
 * The chart's placement and colours that its page's preview (webviews/chartPreview) must draw alike: one place, so
 * the two cannot drift apart (a preview that disagrees with the chart jumps when the chart replaces it).
 */
import type { Theme } from '../shared/themeModel';

export const CHART_LOOK = {
  /** Bars of empty space right of the newest (timeScale.rightOffset). */
  rightOffset: 4,
  /** The candles' price scale margins; the bottom one leaves the volume its band. */
  marginTop: 0.08,
  marginBottomWithVolume: 0.24,
  marginBottom: 0.08,
  /** The volume's own scale starts this far down the plot. */
  volumeTop: 0.8,
} as const;

/** The axes' font size: 0.85 of the editor's, at least 10 px. */
export const axisFontSize = (theme: Theme): number => Math.max(10, Math.round(theme.fontSize * 0.85));

/** The colour of the i-th EMA line. */
export function emaColour(theme: Theme, i: number): string {
  const palette = [theme.blue, theme.yellow, theme.purple, theme.orange];
  return palette[i % palette.length] ?? theme.blue;
}
