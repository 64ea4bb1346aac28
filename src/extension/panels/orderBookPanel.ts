import type { Subscription } from '../../core/hub/requests';
import type { OrderBook } from '../../core/types';
import type { WebviewMessage } from '../../shared/protocol';
import { MarketPanel } from './marketPanel';
import { usableTick } from '../../shared/util/decimals';
import type { OrderBookState, PanelContext } from './panelContext';
import type * as vscode from 'vscode';

/** Top N levels per side with cumulative depth, spread and mid. */
export class OrderBookPanel extends MarketPanel<OrderBookState> {
  private book: OrderBook | undefined;
  private levels: number;
  /** The levels were chosen in the panel: they stay when the setting changes. */
  private levelsChosen = false;

  /** The market's lot step, for the page's amount decimals; undefined until known or where unpublished. */
  private amountStep: number | undefined;
  /** The market's tick size, for the page's price decimals; undefined until known. */
  private tickSize: number | undefined;

  constructor(panel: vscode.WebviewPanel, state: OrderBookState, ctx: PanelContext) {
    super(panel, state, ctx);
    this.levels = ctx.settings().orderBookLevels;
    this.resubscribe();
    void this.listedMarket().then((market) => {
      this.amountStep = market?.amountStep;
      this.tickSize = usableTick(market?.tickSize);
      if (this.amountStep !== undefined || this.tickSize !== undefined) this.render();
    });
  }

  /** Its levels are the book's: live again only with the fresh book, never over the one held through the drop. */
  protected override get liveWithData(): boolean {
    return true;
  }

  protected subscribe(): Subscription[] {
    const { exchange, symbol } = this.state;
    return [
      this.ctx.engine.hub.subscribe({ kind: 'orderbook', exchange, symbol }, (e) => {
        if (e.type !== 'orderbook') return this.onStreamEvent(e);
        this.book = e.book;
        this.render();
        this.onData();
      }),
    ];
  }

  protected render(): void {
    const book = this.book;
    if (!book) return;
    const { exchange, symbol } = this.state;
    const n = this.levels;
    this.host.send({
      method: 'book/update',
      build: () => ({
        method: 'book/update',
        params: {
          market: { exchange, symbol },
          bids: book.bids.slice(0, n).map(([p, a]) => [p, a]),
          asks: book.asks.slice(0, n).map(([p, a]) => [p, a]),
          levels: n,
          ...(this.amountStep === undefined ? {} : { amountStep: this.amountStep }),
          ...(this.tickSize === undefined ? {} : { tickSize: this.tickSize }),
        },
      }),
    });
    this.host.send({ method: 'panel/connection', params: this.tracker.current });
  }

  protected override applySettings(affects: (key: string) => boolean): void {
    if (!affects('orderBook.levels') || this.levelsChosen) return;
    this.levels = this.ctx.settings().orderBookLevels;
    this.render();
  }

  protected onMessage(m: WebviewMessage): void {
    if (m.method === 'book/setLevels') {
      this.levels = m.params.levels;
      this.levelsChosen = true;
      this.render();
    }
  }
}
