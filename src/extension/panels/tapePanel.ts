/** Time & sales: the market's trade tape, merged per millisecond, price and side, with a size filter and big prints. */
import type * as vscode from 'vscode';
import type { Subscription } from '../../core/hub/requests';
import type { TapeFilterWire, WebviewMessage } from '../../shared/protocol';
import { MarketPanel } from './marketPanel';
import type { PanelContext, TapeState } from './panelContext';
import { TAPE_MERGE_RULES } from './tapeMessages';
import { passesFilter, TradeTape } from './tradeTape';

/** Rows the host keeps (what a reloaded page gets back, before the filter). */
export const TAPE_HELD_ROWS = 2000;
/** Rows a page shows at most. */
export const TAPE_SHOWN_ROWS = 500;

export class TapePanel extends MarketPanel<TapeState> {
  private tape = new TradeTape(TAPE_HELD_ROWS);
  private filter: TapeFilterWire;

  constructor(panel: vscode.WebviewPanel, state: TapeState, ctx: PanelContext) {
    super(panel, state, ctx, TAPE_MERGE_RULES);
    this.filter = { ...ctx.settings().timeAndSales };
    this.resubscribe();
  }

  protected subscribe(): Subscription[] {
    const { exchange, symbol } = this.state;
    return [
      this.ctx.engine.hub.subscribe({ kind: 'trades', exchange, symbol }, (e) => {
        if (e.type !== 'trades') return this.onStreamEvent(e);
        const rows = passesFilter(this.tape.add(e.trades), this.filter.minSize);
        this.host.send({ method: 'tape/rows', params: { rows, stats: this.tape.stats() } });
        this.onData();
      }),
    ];
  }

  protected override startOver(): void {
    this.tape = new TradeTape(TAPE_HELD_ROWS);
  }

  protected render(): void {
    const { exchange, symbol } = this.state;
    this.host.send({
      method: 'tape/snapshot',
      build: () => ({
        method: 'tape/snapshot',
        params: { market: { exchange, symbol }, rows: passesFilter(this.tape.rows(), this.filter.minSize).slice(0, TAPE_SHOWN_ROWS), stats: this.tape.stats(), filter: this.filter, maxRows: TAPE_SHOWN_ROWS },
      }),
    });
    this.host.send({ method: 'panel/connection', params: this.tracker.current });
  }

  protected onMessage(m: WebviewMessage): void {
    if (m.method === 'tape/setFilter') {
      this.filter = { minSize: m.params.minSize, highlightSize: m.params.highlightSize };
      this.render();
    }
  }
}
