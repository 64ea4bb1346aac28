/**
 * Holds a chart's feed (its check and live start: MarketHub's `startAfter`) until its page has painted the bars it was
 * set with. A new window's first page is made by VS Code's workbench, its server and the page itself on the same few
 * cores as the extension host; a host busy starting the feed (the stream's connection, the exchange's top-up and its
 * parse) made VS Code's part of a warm chart longer than of a bare page (BENCHMARKS row 31, s37). The cached bars are
 * on screen meanwhile, the legend saying they are being topped up.
 *
 * Ends at the page's first paint, when the page is set without bars (the feed is what brings them), when the panel
 * goes, or after `maxMs` at the latest (a page that is not shown yet, or never paints); the first of these is reported.
 */
export type HoldEnd = 'painted' | 'no bars' | 'closed' | 'deadline';

export class FirstPaintHold {
  readonly ended: Promise<void>;
  private end!: () => void;
  private done = false;
  private readonly timer: ReturnType<typeof setTimeout>;

  constructor(maxMs: number, private readonly onEnd: (by: HoldEnd) => void = () => undefined) {
    this.ended = new Promise((resolve) => (this.end = resolve));
    this.timer = setTimeout(() => this.release('deadline'), maxMs);
  }

  release(by: HoldEnd): void {
    if (this.done) return;
    this.done = true;
    clearTimeout(this.timer);
    this.end();
    this.onEnd(by);
  }
}
