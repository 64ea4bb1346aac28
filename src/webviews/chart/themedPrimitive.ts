/** What every pane primitive of ours shares: the series it is attached to, a theme, and one view drawn at the bottom. */
import type { IPrimitivePaneRenderer, IPrimitivePaneView, ISeriesPrimitive, SeriesAttachedParameter, SeriesType, Time } from 'lightweight-charts';
import type { Theme } from '../shared/themeModel';

export abstract class ThemedPrimitive implements ISeriesPrimitive<Time> {
  protected host: SeriesAttachedParameter<Time, SeriesType> | undefined;
  private readonly view: IPrimitivePaneView;

  constructor(protected theme: Theme) {
    this.view = { zOrder: () => 'bottom', renderer: () => this.renderer() };
  }

  attached(param: SeriesAttachedParameter<Time, SeriesType>): void {
    this.host = param;
  }

  detached(): void {
    this.host = undefined;
  }

  setTheme(theme: Theme): void {
    this.theme = theme;
    this.host?.requestUpdate();
  }

  paneViews(): readonly IPrimitivePaneView[] {
    return [this.view];
  }

  /** What to draw now (null: nothing), asked by lightweight-charts when it redraws. */
  protected abstract renderer(): IPrimitivePaneRenderer | null;
}
