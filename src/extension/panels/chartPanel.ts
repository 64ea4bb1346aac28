import * as vscode from 'vscode';
import type { Subscription } from '../../core/hub/requests';
import { isTimeframe, type Timeframe } from '../../core/timeframes';
import type { Candle } from '../../core/types';
import { errorMessage } from '../../core/util/log';
import type { CandleWire, MarkerWire, WebviewMessage } from '../../webviews/protocol';
import { ConnectionTracker } from './connectionTracker';
import { panelTitle, type PanelContext, type PanelState, type TradePanel } from './panelContext';
import { PanelHost } from './panelHost';

const wire = (c: Candle): CandleWire => [c.time, c.open, c.high, c.low, c.close, c.volume];

/** A candlestick chart of one market and timeframe; the timeframe can change without closing the tab. */
export class ChartPanel implements TradePanel {
  private readonly host: PanelHost;
  private readonly changed = new vscode.EventEmitter<void>();
  private subscription: Subscription | undefined;
  private tracker = new ConnectionTracker();
  private timeframes: readonly string[] = [];
  private markers: readonly MarkerWire[] = [];
  state: PanelState;

  constructor(
    readonly panel: vscode.WebviewPanel,
    state: PanelState & { timeframe: Timeframe },
    private readonly ctx: PanelContext,
  ) {
    this.state = state;
    panel.title = panelTitle(state);
    this.host = new PanelHost(panel, 'chart', ctx.extensionUri, ctx.log, {
      resync: () => this.sendSnapshot(),
      onMessage: (m) => this.onMessage(m),
      onDispose: () => {
        this.subscription?.dispose();
        this.changed.fire();
        this.changed.dispose();
      },
    });
    this.subscribe();
    ctx.engine.hub.timeframes(state.exchange).then(
      (tfs) => {
        this.timeframes = tfs;
        this.sendSnapshot();
      },
      () => undefined, // the subscription reports the error
    );
  }

  get connection(): string {
    return this.tracker.current.status;
  }

  get connectionHistory(): readonly string[] {
    return this.tracker.history;
  }

  get rendered() {
    return this.host.rendered;
  }

  get posted(): number {
    return this.host.posted;
  }

  onDidChange(listener: () => void): vscode.Disposable {
    return this.changed.event(listener);
  }

  /** Shows markers (e.g. backtest fire points) on the chart until the timeframe changes. */
  setMarkers(markers: readonly MarkerWire[]): void {
    this.markers = markers;
    this.sendSnapshot();
  }

  get markerCount(): number {
    return this.markers.length;
  }

  setTimeframe(timeframe: Timeframe): void {
    if (timeframe === this.state.timeframe) return;
    this.state = { ...this.state, timeframe };
    this.markers = [];
    this.panel.title = panelTitle(this.state);
    this.resubscribe();
    this.changed.fire();
  }

  resubscribe(): void {
    this.subscription?.dispose();
    this.tracker = new ConnectionTracker();
    this.subscribe();
  }

  private subscribe(): void {
    const { exchange, symbol, timeframe } = this.state;
    const tf = timeframe!;
    this.subscription = this.ctx.engine.hub.subscribe({ kind: 'candles', exchange, symbol, timeframe: tf, historyBars: this.ctx.settings().historyBars }, (e) => {
      switch (e.type) {
        case 'snapshot':
          this.sendSnapshot(e.candles);
          break;
        case 'deltas': {
          this.host.coalescer.candlesChanged(e.deltas.map((d) => wire(d.candle)));
          const info = this.tracker.data();
          if (info) this.host.send({ method: 'panel/connection', params: info });
          break;
        }
        case 'state': {
          const info = this.tracker.state(e.state);
          if (info) {
            this.host.send({ method: 'panel/connection', params: info });
            this.changed.fire();
          }
          break;
        }
        case 'error':
          this.ctx.log.warn(`${panelTitle(this.state)}: ${e.message}`);
          this.host.send({ method: 'panel/error', params: { message: e.message } });
          break;
      }
    });
    this.subscription.ready.catch((err: unknown) => this.host.send({ method: 'panel/error', params: { message: errorMessage(err).replace(/^\w+Error: /, '') } }));
  }

  private sendSnapshot(candles?: readonly Candle[]): void {
    const { exchange, symbol, timeframe } = this.state;
    const bars = candles ?? this.ctx.engine.hub.snapshot({ exchange, symbol, timeframe: timeframe! });
    if (!bars) return; // not ready yet: the hub's snapshot event will come
    const s = this.ctx.settings();
    this.host.send({
      method: 'chart/snapshot',
      params: { market: { exchange, symbol }, timeframe: timeframe!, timeframes: this.timeframes.length ? this.timeframes : [timeframe!], candles: bars.map(wire), options: s.chart, markers: [...this.markers] },
    });
    this.host.send({ method: 'panel/connection', params: this.tracker.current });
  }

  private onMessage(m: WebviewMessage): void {
    if (m.method === 'chart/setTimeframe') {
      if (isTimeframe(m.params.timeframe)) this.setTimeframe(m.params.timeframe);
      else this.ctx.log.warn(`chart panel asked for unknown timeframe ${JSON.stringify(m.params.timeframe)}`);
    }
  }
}
