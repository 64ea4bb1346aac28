/**
 * Whether the page's panel is on screen, for a page kept while its panel is hidden (`panel/hidden`, `panel/shown`).
 * Such a page keeps its canvases' pixels (4 bytes per device pixel, per canvas), most of what it holds while nobody
 * sees it (BENCHMARKS row 33): the chart and the heatmap give them up as it is hidden and take them back as it is
 * shown, before the resync that follows `panel/shown` draws on them.
 */
import { Store } from './store';

/** False from `freeCanvasesAfterMs` after `panel/hidden` until `panel/shown`: whether the canvases keep their pixels. */
export const pageShown = new Store(true);

/**
 * Sets `shown` false a while after the page is hidden (a tab switched back to soon keeps its picture, shown at once)
 * and true as it is shown. Pure but for the timer it is given.
 */
export class CanvasRelease {
  private timer: unknown;

  constructor(
    private readonly holds: Store<boolean>,
    private readonly timers: { set(run: () => void, ms: number): unknown; clear(handle: unknown): void },
  ) {}

  hidden(freeAfterMs: number): void {
    this.cancel();
    if (freeAfterMs <= 0) this.holds.set(false);
    else this.timer = this.timers.set(() => {
      this.timer = undefined;
      this.holds.set(false);
    }, freeAfterMs);
  }

  shown(): void {
    this.cancel();
    this.holds.set(true);
  }

  private cancel(): void {
    if (this.timer === undefined) return;
    this.timers.clear(this.timer);
    this.timer = undefined;
  }
}

export const canvasRelease = new CanvasRelease(pageShown, {
  set: (run, ms) => setTimeout(run, ms),
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
});

/**
 * The size a canvas (or a chart of canvases) takes: its box's while the page is shown, `none` while hidden, and the
 * newest box's again as it is shown (a box resized while hidden, as the window was, is applied then).
 */
export class ShownSize<S> {
  private hidden = false;

  /** `apply` sizes the canvases; it is called only when the size they should have changes. */
  constructor(
    private box: S,
    private readonly none: S,
    private readonly apply: (size: S) => void,
  ) {}

  /** The size the canvases have now. */
  get current(): S {
    return this.hidden ? this.none : this.box;
  }

  resized(box: S): void {
    this.box = box;
    if (!this.hidden) this.apply(box);
  }

  hide(): void {
    if (this.hidden) return;
    this.hidden = true;
    this.apply(this.none);
  }

  show(): void {
    if (!this.hidden) return;
    this.hidden = false;
    this.apply(this.box);
  }

  /** Follows `pageShown`, the state it holds now first; returns the stop. */
  follow(shown: Store<boolean>): () => void {
    const sync = () => (shown.get() ? this.show() : this.hide());
    sync();
    return shown.subscribe(sync);
  }
}
