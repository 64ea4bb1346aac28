/**
 * The chart's colours and fonts from the VS Code theme, as handed to `chart.applyOptions`. Pure, and free of
 * lightweight-charts' runtime (its package loads in a browser only): the background, which needs its ColorType enum,
 * is added by chartView.
 */
import type { DeepPartial, TimeChartOptions } from 'lightweight-charts';
import { withAlpha } from '../shared/color';
import type { Theme } from '../shared/themeModel';
import { axisFontSize } from './chartLook';

export function chartThemeOptions(theme: Theme): DeepPartial<TimeChartOptions> {
  const grid = withAlpha(theme.foreground, theme.kind.startsWith('high-contrast') ? 0.18 : 0.07);
  const border = withAlpha(theme.border, 0.9);
  const crosshair = { color: withAlpha(theme.foreground, 0.45), labelBackgroundColor: theme.blue };
  return {
    layout: {
      textColor: theme.foreground,
      fontFamily: theme.fontFamily,
      fontSize: axisFontSize(theme),
      // lightweight-charts' own separator is near-white, a bright bar across a dark theme; the hover band (the handle
      // that resizes a pane) must stand out from the line.
      panes: { separatorColor: border, separatorHoverColor: withAlpha(theme.foreground, 0.2) },
    },
    grid: { vertLines: { color: grid }, horzLines: { color: grid } },
    rightPriceScale: { borderColor: border },
    timeScale: { borderColor: border },
    crosshair: { vertLine: crosshair, horzLine: crosshair },
  };
}
