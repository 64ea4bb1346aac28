import type * as vscode from 'vscode';
import type { Subscription } from '../../core/hub/requests';
import type { OrderBook } from '../../core/types';
import type { WebviewMessage } from '../../webviews/protocol';
import { DomLadder, suggestMultiple } from './domLadder';
import { MarketPanel } from './marketPanel';
import type { PanelContext, PanelState } from './panelContext';

const LADDER_ROWS = 41;

/** Depth of market: a price ladder grouped by a tick multiple, with traded volume, centred on the last trade. */
export class DomPanel extends MarketPanel {
  private book: OrderBook | undefined;
  private ladder: DomLadder | undefined;
  /** Undefined until the user picks one: then suggested from the book's level spacing. */
  private chosenMultiple: number | undefined;

  constructor(panel: vscode.WebviewPanel, state: PanelState, ctx: PanelContext) {
    super(panel, state, ctx);
    this.resubscribe();
    void this.loadTickSize();
  }

  protected subscribe(): Subscription[] {
    const { exchange, symbol } = this.state;
    const hub = this.ctx.engine.hub;
    return [
      hub.subscribe({ kind: 'orderbook', exchange, symbol }, (e) => {
        if (e.type !== 'orderbook') return this.onStreamEvent(e);
        this.book = e.book;
        this.render();
        this.onData();
      }),
      hub.subscribe({ kind: 'trades', exchange, symbol }, (e) => {
        if (e.type === 'trades') {
          this.ladder?.addTrades(e.trades);
          this.render();
        } else if (e.type === 'error') this.showError(e.message);
      }),
    ];
  }

  private get multiple(): number {
    return this.chosenMultiple ?? (this.ladder ? suggestMultiple(this.book, this.ladder.tickSize, this.ctx.settings().domMultiples) : 1);
  }

  protected render(): void {
    if (!this.ladder) return;
    const { exchange, symbol } = this.state;
    const multiples = this.ctx.settings().domMultiples;
    const ladder = this.ladder;
    this.host.send({
      method: 'dom/update',
      build: () => ({
        method: 'dom/update',
        params: { market: { exchange, symbol }, rows: ladder.rows(this.book, this.multiple, LADDER_ROWS), lastPrice: ladder.lastPrice, tickSize: ladder.tickSize, multiple: this.multiple, multiples },
      }),
    });
  }

  protected onMessage(m: WebviewMessage): void {
    if (m.method === 'dom/setMultiple') {
      this.chosenMultiple = m.params.multiple;
      this.render();
    }
  }

  private async loadTickSize(): Promise<void> {
    const markets = await this.ctx.engine.hub.markets(this.state.exchange).catch(() => []);
    const tick = markets.find((m) => m.symbol === this.state.symbol)?.tickSize;
    this.ladder = new DomLadder(tick && tick > 0 ? tick : 0.01);
    this.render();
  }
}
