/**
 * Whether the page's panel is on screen, for a page kept while its panel is hidden (`panel/hidden`, `panel/shown`).
 * Such a page keeps its canvases' pixels (4 bytes per device pixel, per canvas), most of what it holds while nobody
 * sees it (BENCHMARKS row 33): the chart and the heatmap give them up as it is hidden and take them back as it is
 * shown, before the resync that follows `panel/shown` draws on them.
 */
import { Store } from './store';

/** False between `panel/hidden` and `panel/shown`. */
export const pageShown = new Store(true);

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
