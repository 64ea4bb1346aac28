/**
 * Holds a chart's feed (its check and live start: MarketHub's `startAfter`) until its page has painted the bars it was
 * set with. A new window's first page is made by VS Code's workbench, its server and the page itself on the same few
 * cores as the extension host; a host busy starting the feed (the stream's connection, the exchange's top-up and its
 * parse) made VS Code's part of a warm chart ≈ 0.2–0.35 s longer than of a bare page (BENCHMARKS row 31, s37). The
 * cached bars are on screen meanwhile, the legend saying they are being topped up.
 *
 * Ends at the page's first paint, when the page is set without bars (the feed is what brings them), when the panel
 * goes, or after `maxMs` at the latest (a page that is not shown yet, or never paints).
 */
export class FirstPaintHold {
  readonly ended: Promise<void>;
  private end!: () => void;
  private readonly timer: ReturnType<typeof setTimeout>;

  constructor(maxMs: number) {
    this.ended = new Promise((resolve) => (this.end = resolve));
    this.timer = setTimeout(() => this.release(), maxMs);
  }

  release(): void {
    clearTimeout(this.timer);
    this.end();
  }
}
