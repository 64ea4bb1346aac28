import type * as vscode from 'vscode';
import type { Subscription } from '../../core/hub/requests';
import type { OrderBook } from '../../core/types';
import type { WebviewMessage } from '../../shared/protocol';
import { DomLadder, initialMultiple, LADDER_ROWS } from './domLadder';
import { MarketPanel } from './marketPanel';
import type { DomState, PanelContext } from './panelContext';

/** Depth of market: a price ladder grouped by a tick multiple, with traded volume, kept around the spread. */
export class DomPanel extends MarketPanel<DomState> {
  private book: OrderBook | undefined;
  private ladder: DomLadder | undefined;
  /** The user's grouping; until then one chosen once from the tick size and the first price seen. */
  private chosenMultiple: number | undefined;
  private startMultiple: number | undefined;

  constructor(panel: vscode.WebviewPanel, state: DomState, ctx: PanelContext) {
    super(panel, state, ctx);
    this.resubscribe();
    // After the subscriptions: a replay's market (and its tick size) exists only once the replay is open.
    void this.whenSubscribed().catch(() => undefined).then(() => this.loadTickSize());
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

  private get multiple(): number | undefined {
    if (this.chosenMultiple !== undefined) return this.chosenMultiple;
    if (this.startMultiple === undefined && this.ladder) {
      const bid = this.book?.bids[0]?.[0];
      const ask = this.book?.asks[0]?.[0];
      const price = bid !== undefined && ask !== undefined ? (bid + ask) / 2 : (bid ?? ask ?? this.ladder.lastPrice ?? undefined);
      if (price !== undefined) this.startMultiple = initialMultiple(this.ladder.tickSize, price, this.ctx.settings().domMultiples);
    }
    return this.startMultiple;
  }

  protected render(): void {
    const ladder = this.ladder;
    const multiple = this.multiple;
    if (!ladder || multiple === undefined) return; // no price yet: nothing to lay out
    const { exchange, symbol } = this.state;
    const multiples = this.ctx.settings().domMultiples;
    this.host.send({
      method: 'dom/update',
      build: () => ({
        method: 'dom/update',
        params: { market: { exchange, symbol }, rows: ladder.rows(this.book, multiple, LADDER_ROWS), lastPrice: ladder.lastPrice, tickSize: ladder.tickSize, multiple, multiples },
      }),
    });
  }

  protected override startOver(): void {
    this.book = undefined;
    if (this.ladder) this.ladder = new DomLadder(this.ladder.tickSize);
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
