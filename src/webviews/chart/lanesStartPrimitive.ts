/**
 * A lanes pane's start mark (lanesStart.ts): a dashed line at its first bar and the text saying since when, drawn only
 * while older bars are in view.
 */
import type { IPrimitivePaneRenderer, UTCTimestamp } from 'lightweight-charts';
import type { Theme } from '../shared/themeModel';
import { axisFontSize } from './chartLook';
import type { DrawTarget } from './footprintSeries';
import { lanesStartMark, lanesStartText } from './lanesStart';
import { ThemedPrimitive } from './themedPrimitive';

export class LanesStartPrimitive extends ThemedPrimitive {
  private start: { readonly first: number; readonly newest: number } | undefined;

  /** @param what the pane's lanes, as the text names them ("liquidations"). */
  constructor(
    theme: Theme,
    private readonly what: string,
  ) {
    super(theme);
  }

  /** The pane's first and newest bar times (ms); undefined: no bar yet. */
  setStart(first: number | undefined, newest: number | undefined): void {
    const next = first === undefined || newest === undefined ? undefined : { first, newest };
    if (next?.first === this.start?.first && next?.newest === this.start?.newest) return;
    this.start = next;
    this.host?.requestUpdate();
  }

  protected renderer(): IPrimitivePaneRenderer | null {
    const timeScale = this.host?.chart.timeScale();
    const range = timeScale?.getVisibleRange();
    const start = this.start;
    if (!timeScale || !range || !start || start.first <= Number(range.from) * 1000) return null;
    const centre = start.first > Number(range.to) * 1000 ? null : timeScale.timeToCoordinate((start.first / 1000) as UTCTimestamp);
    const startX = centre === null ? null : centre - timeScale.options().barSpacing / 2;
    const text = lanesStartText(this.what, start.first, start.newest);
    const theme = this.theme;
    const fontSize = axisFontSize(theme);
    return {
      draw: (target: DrawTarget) =>
        target.useMediaCoordinateSpace(({ context: ctx, mediaSize }) => {
          ctx.font = `${fontSize}px ${theme.fontFamily}`;
          const mark = lanesStartMark(startX, mediaSize.width, ctx.measureText(text).width);
          if (!mark) return;
          ctx.save();
          ctx.strokeStyle = theme.muted;
          ctx.setLineDash([3, 3]);
          ctx.lineWidth = 1;
          ctx.beginPath();
          ctx.moveTo(Math.round(mark.x) + 0.5, 0);
          ctx.lineTo(Math.round(mark.x) + 0.5, mediaSize.height);
          ctx.stroke();
          ctx.fillStyle = theme.muted;
          ctx.textAlign = 'left';
          ctx.textBaseline = 'top';
          ctx.fillText(text, mark.textX, 3);
          ctx.restore();
        }),
    };
  }
}
