/** Liquidity heatmap: the book's resting size sampled over time, with the trades between samples, drawn by the webview. */
import type * as vscode from 'vscode';
import type { Subscription, TradesEvent } from '../../core/hub/requests';
import type { WebviewMessage } from '../../shared/protocol';
import { HEATMAP_MERGE_RULES } from './heatmapMessages';
import { HeatmapSampler } from './heatmapSampler';
import { MarketPanel } from './marketPanel';
import { TradesMissing } from './tradesMissing';
import { tradesTakingHoles } from './tradesTakingHoles';
import type { HeatmapState, PanelContext } from './panelContext';

/** Columns a (re)loaded page gets at once; older ones follow a chunk at a time. */
export const HEATMAP_SNAPSHOT_COLUMNS = 600;
const BACKFILL_CHUNK = 600;
const BACKFILL_EVERY_MS = 50;

export class HeatmapPanel extends MarketPanel<HeatmapState> {
  private readonly sampler: HeatmapSampler;
  private backfill: ReturnType<typeof setInterval> | undefined;
  /** The market's lot step, for the page's size decimals; undefined until known or where unpublished. */
  private amountStep: number | undefined;
  /** The spans whose trades will never come: the trade marks lack them. */
  private readonly missing = new TradesMissing();

  constructor(panel: vscode.WebviewPanel, state: HeatmapState, ctx: PanelContext) {
    super(panel, state, ctx, HEATMAP_MERGE_RULES);
    // Columns are stamped on the market's clock: a replay's own time, not the wall clock.
    const now = () => ctx.engine.hub.clockOf(state.exchange).now();
    this.sampler = new HeatmapSampler({ ...ctx.settings().heatmap, now }, (column) => this.host.send({ method: 'heatmap/columns', params: { columns: [column] } }));
    panel.onDidDispose(() => this.stopBackfill());
    this.resubscribe();
    // Known at the panel's opening, so the snapshot sent again holds few columns.
    void this.listedMarket().then((market) => {
      this.amountStep = market?.amountStep;
      if (this.amountStep !== undefined) this.render();
    });
  }

  /** Columns held on the host (benchmarks, tests). */
  get heldColumns(): number {
    return this.sampler.buffer.size;
  }

  protected subscribe(): Subscription[] {
    const { exchange, symbol } = this.state;
    const hub = this.ctx.engine.hub;
    const sampling = this.sampler.start();
    return [
      hub.subscribe({ kind: 'orderbook', exchange, symbol }, (e) => {
        if (e.type === 'orderbook') {
          this.sampler.onBook(e.book);
          this.onData();
          return;
        }
        if (e.type === 'state' && e.state.status !== 'live') this.sampler.bookLost();
        this.onStreamEvent(e);
      }),
      tradesTakingHoles(hub, { exchange, symbol }, (e) => this.onTrades(e), (message) => this.showError(message)),
      { ready: Promise.resolve(), dispose: () => sampling.dispose() },
    ];
  }

  /**
   * The stream's trades go in the next column; a reconnect's hole's, fetched after the stream moved on, into the
   * columns of their time, which the page is sent again (once per hole; those older than every column held, counted
   * in it); a hole given up is named on the page, as the trade marks lack its trades, until they are found after all.
   */
  private onTrades(e: Extract<TradesEvent, { type: 'trades' }>): void {
    if (e.lost) {
      this.missing.add(e.lost);
      this.host.send({ method: 'heatmap/tradesMissing', params: { missing: [...this.missing.list()] } });
      return;
    }
    if (e.found && this.missing.found(e.found)) this.host.send({ method: 'heatmap/tradesMissing', params: { missing: [...this.missing.list()] } });
    if (!e.late) this.sampler.onTrades(e.trades);
    else if (this.sampler.onLateTrades(e.trades)) this.render();
  }

  protected override startOver(): void {
    this.stopBackfill();
    this.sampler.clear();
    this.missing.clear();
  }

  protected render(): void {
    const { exchange, symbol } = this.state;
    const buffer = this.sampler.buffer;
    const recent = buffer.columns(HEATMAP_SNAPSHOT_COLUMNS);
    // The page tells gaps against it: the widest interval a held column was sampled at (a setting made finer).
    const sampleMs = this.sampler.gapSampleMs;
    this.host.send({
      method: 'heatmap/snapshot',
      params: {
        market: { exchange, symbol },
        sampleMs,
        maxColumns: buffer.maxColumns,
        columns: recent,
        ...(this.amountStep === undefined ? {} : { amountStep: this.amountStep }),
        ...(this.missing.list().length > 0 ? { tradesMissing: [...this.missing.list()] } : {}),
        ...(this.sampler.tradesBeforeColumns > 0 ? { tradesBeforeColumns: this.sampler.tradesBeforeColumns } : {}),
      },
    });
    this.host.send({ method: 'panel/connection', params: this.tracker.current });
    const oldest = recent[0]?.[0];
    if (oldest !== undefined) this.startBackfill(oldest);
  }

  /** The heatmap settings apply to the samples to come; the page is sent the columns held again (its bound may differ). */
  protected override applySettings(affects: (key: string) => boolean): void {
    if (!affects('heatmap')) return;
    this.sampler.reconfigure(this.ctx.settings().heatmap);
    this.render();
  }

  protected onMessage(_m: WebviewMessage): void {
    // The heatmap's scrolling and zooming happen in the webview: it asks the host for nothing.
  }

  /** Sends the history older than the snapshot, newest chunk first, one chunk per tick, so no frame carries the whole buffer. */
  private startBackfill(oldestSent: number): void {
    this.stopBackfill();
    let before = oldestSent;
    this.backfill = setInterval(() => {
      const chunk = this.sampler.buffer.before(before, BACKFILL_CHUNK);
      const first = chunk[0];
      if (!first) return this.stopBackfill();
      this.host.send({ method: 'heatmap/older', params: { columns: chunk } });
      before = first[0];
    }, BACKFILL_EVERY_MS);
  }

  private stopBackfill(): void {
    if (this.backfill !== undefined) clearInterval(this.backfill);
    this.backfill = undefined;
  }
}
