/**
 * The market's last price on the price axis: the newest bar's close, wherever the view is. lightweight-charts labels
 * the last *visible* bar's close, and the candle series holds only a window of the bars (seriesWindow.ts), so a chart
 * scrolled back showed an old close in the green or red label, read as the market price. The series' own label and
 * line are off; this price line is the newest bar's, in its up or down colour.
 */
import type { CreatePriceLineOptions, IPriceLine, LineStyle } from 'lightweight-charts';
import type { Theme } from '../shared/themeModel';

// lightweight-charts' LineStyle.Dotted (public API), typed so the compiler checks it; its enum object itself is not
// imported, so this module also loads in Node (the library's package exports ESM only).
const DOTTED: LineStyle.Dotted = 1;

/** The part of a series this needs. */
export interface PriceLineSeries {
  createPriceLine(options: CreatePriceLineOptions): IPriceLine;
  removePriceLine(line: IPriceLine): void;
}

export interface NewestBar {
  readonly open: number;
  readonly close: number;
}

export class LastPriceLine {
  private line: IPriceLine | undefined;
  private shown: { readonly price: number; readonly up: boolean } | undefined;

  constructor(
    private readonly series: PriceLineSeries,
    private theme: Theme,
  ) {}

  /** The price shown, for e2e checks (undefined before the first bar). */
  get price(): number | undefined {
    return this.shown?.price;
  }

  /**
   * Called with the newest bar whenever it may have changed: O(1), and no call into the chart when nothing did. No bar
   * (the bars withdrawn: a market that failed its check after its cached bars were shown) takes the line away.
   */
  set(bar: NewestBar | undefined): void {
    if (bar === undefined) {
      if (this.line) this.series.removePriceLine(this.line);
      this.line = undefined;
      this.shown = undefined;
      return;
    }
    const price = bar.close;
    const up = bar.close >= bar.open;
    if (this.shown?.price === price && this.shown.up === up) return;
    this.shown = { price, up };
    this.draw(this.shown);
  }

  setTheme(theme: Theme): void {
    this.theme = theme;
    if (this.shown) this.draw(this.shown);
  }

  private draw({ price, up }: { readonly price: number; readonly up: boolean }): void {
    const color = up ? this.theme.green : this.theme.red;
    if (this.line) this.line.applyOptions({ price, color });
    else this.line = this.series.createPriceLine({ price, color, lineWidth: 1, lineStyle: DOTTED, lineVisible: true, axisLabelVisible: true, title: '' });
  }
}
