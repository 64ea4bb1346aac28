import type * as vscode from 'vscode';
import { AggregateBook } from '../../core/aggregate/aggregateBook';
import { AggregateTrades } from '../../core/aggregate/aggregateTrades';
import type { MarketInfo } from '../../core/exchange/marketDataClient';
import type { Subscription, TradesEvent } from '../../core/hub/requests';
import type { OrderBook, Trade } from '../../core/types';
import type { DomRowWire, SpreadBeyondRowsWire, WebviewMessage } from '../../shared/protocol';
import { assertNever } from '../../core/util/assertNever';
import { DomLadder, initialMultiple, LADDER_ROWS, tickOfPrices } from './domLadder';
import { usableTick } from '../../shared/util/decimals';
import { aggregateNamed, isAggregateMarket, missingAggregate } from '../aggregates/aggregateRef';
import { finestTick } from './aggregateChartFeed';
import { aggregateLegs, withLegShares } from './legShares';
import { mergedTradeLeg } from '../../core/aggregate/tradeMerge';
import { MarketPanel } from './marketPanel';
import { TradesMissing } from './tradesMissing';
import { tradesTakingHoles } from './tradesTakingHoles';
import type { DomState, PanelContext } from './panelContext';

/** Depth of market: a price ladder grouped by a tick multiple, with traded volume, kept around the spread. */
export class DomPanel extends MarketPanel<DomState> {
  private book: OrderBook | undefined;
  /** Set while the DOM shows an aggregated market: its legs' books merged. */
  private aggregate: AggregateBook | undefined;
  private ladder: DomLadder | undefined;
  /** The user's grouping; until then one chosen once from the tick size and the first price seen. */
  private chosenMultiple: number | undefined;
  private startMultiple: number | undefined;
  /** The market's lot step (not an aggregate's: its legs' differ), for the page's size decimals. */
  private amountStep: number | undefined;
  /** An aggregate's legs' lot steps in base units (null where there is none), in leg order, once resolved. */
  private legAmountSteps: readonly (number | null)[] | undefined;
  /** The spans whose trades will never come: the traded column lacks them. */
  private readonly missing = new TradesMissing();
  /** The market is listed without a usable tick size: the ladder's is taken from the first prices seen. */
  private tickFromPrices = false;

  constructor(panel: vscode.WebviewPanel, state: DomState, ctx: PanelContext) {
    super(panel, state, ctx);
    this.resubscribe();
    if (isAggregateMarket(state)) return; // the tick size comes with the legs
    void this.listedMarket().then((market) => this.useMarket(market));
  }

  /** Its levels are the book's: live again only with the fresh book, never over the one held through the drop. */
  protected override get liveWithData(): boolean {
    return true;
  }

  protected subscribe(): Subscription[] {
    const { exchange, symbol } = this.state;
    const hub = this.ctx.engine.hub;
    this.aggregate = undefined;
    if (isAggregateMarket(this.state)) return this.subscribeAggregate();
    return [
      hub.subscribe({ kind: 'orderbook', exchange, symbol }, (e) => {
        if (e.type !== 'orderbook') return this.onStreamEvent(e);
        this.book = e.book;
        this.ladderFromPrices();
        this.render();
        this.onData();
      }),
      tradesTakingHoles(hub, { exchange, symbol }, (e) => this.onTrades(e), (message) => this.showError(message)),
    ];
  }

  /**
   * An aggregate by its name in the settings: its legs' books merged (each leg's stream shared), its legs' prints at
   * their own prices for the traded column (as its time & sales), sizes in base units.
   */
  private subscribeAggregate(): Subscription[] {
    const def = aggregateNamed(this.ctx.settings().aggregates, this.state.symbol);
    if (!def) return [missingAggregate(this.state.symbol)];
    this.legAmountSteps = undefined;
    const book = new AggregateBook(this.ctx.engine.hub, def, (e) => {
      switch (e.type) {
        case 'resolved':
          this.legAmountSteps = e.legs.map((l) => l.amountStep ?? null);
          this.ladder = new DomLadder(finestTick(e.legs) ?? 0.01);
          this.render();
          return;
        case 'book':
          this.render();
          this.onData();
          return;
        case 'state':
          this.onState(e.state, e.heldSince);
          this.render();
          return;
        default:
          assertNever(e);
      }
    });
    this.aggregate = book;
    const legOf = (t: Trade) => mergedTradeLeg(t.id);
    const trades = new AggregateTrades(this.ctx.engine.hub, def, { log: this.ctx.log, prices: 'own', tellLostHoles: true }, (e: TradesEvent) => {
      if (e.type === 'trades') this.onTrades(e, legOf);
    });
    return [book, trades];
  }

  /**
   * The traded column's trades: the stream's; a reconnect's hole's, fetched after the stream moved on (one market's
   * by its bars or the hub, an aggregate leg's after the merge passed them), counted at their prices without setting
   * the last price back; a hole given up, named under the toolbar, as the column lacks its trades (until they are
   * found after all: the note withdrawn, the trades counted late).
   */
  private onTrades(e: Extract<TradesEvent, { type: 'trades' }>, legOf?: (t: Trade) => number | undefined): void {
    if (e.found) this.missing.found(e.found);
    if (!this.aggregate) this.ladderFromPrices(e.trades);
    if (e.lost) this.missing.add(e.lost);
    else if (e.late) this.ladder?.addLate(e.trades, legOf);
    else this.ladder?.addTrades(e.trades, legOf);
    this.render();
  }

  /** The traded volume held is the old legs', and the grouping was chosen for them: both start again with the new legs. */
  protected override aggregateEdited(): void {
    this.ladder = undefined;
    this.missing.clear();
    this.startMultiple = undefined;
  }

  private get multiple(): number | undefined {
    if (this.chosenMultiple !== undefined) return this.chosenMultiple;
    if (this.startMultiple === undefined && this.ladder) {
      const { bid, ask } = this.best();
      const both = bid !== undefined && ask !== undefined;
      const price = both ? (bid + ask) / 2 : (bid ?? ask ?? this.ladder.lastPrice ?? undefined);
      if (price !== undefined) this.startMultiple = initialMultiple(this.ladder.tickSize, price, this.ctx.settings().domMultiples, both ? ask - bid : undefined);
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
      build: () => {
        const rows = this.rowsOf(ladder, multiple);
        const spreadBeyondRows = this.spreadBeyond(rows);
        return {
          method: 'dom/update',
          params: {
            market: { exchange, symbol },
            rows,
            lastPrice: ladder.lastPrice,
            tickSize: ladder.tickSize,
            ...(this.amountStep === undefined ? {} : { amountStep: this.amountStep }),
            multiple,
            multiples,
            ...(this.aggregate ? aggregateLegs(this.aggregate.legs, this.legAmountSteps) : {}),
            ...(this.missing.list().length > 0 ? { tradesMissing: [...this.missing.list()] } : {}),
            ...(spreadBeyondRows ? { spreadBeyondRows } : {}),
          },
        };
      },
    });
  }

  /** The best bid and ask of the book on the ladder (an aggregate's merged one). */
  private best(): { readonly bid: number | undefined; readonly ask: number | undefined } {
    return this.aggregate?.best() ?? { bid: this.book?.bids[0]?.[0], ask: this.book?.asks[0]?.[0] };
  }

  /** The best bid and ask when the rows all lie between them: a spread wider than the ladder, which shows no size. */
  private spreadBeyond(rows: readonly DomRowWire[]): SpreadBeyondRowsWire | undefined {
    const { bid, ask } = this.best();
    if (bid === undefined || ask === undefined || !(bid > 0) || !(ask > bid) || rows.length === 0) return undefined;
    return rows.some((r) => r.bid > 0 || r.ask > 0) ? undefined : { bid, ask };
  }

  /** The ladder's rows; an aggregate's with each leg's share (its book merged when the frame is built, not per update). */
  private rowsOf(ladder: DomLadder, multiple: number) {
    const aggregate = this.aggregate;
    if (!aggregate) return ladder.rows(this.book, multiple, LADDER_ROWS);
    return withLegShares(ladder.rows(aggregate.merged(), multiple, LADDER_ROWS), aggregate.legBooks(), ladder.tickSize, multiple);
  }

  protected override startOver(): void {
    this.book = undefined;
    this.missing.clear();
    if (this.ladder) this.ladder = new DomLadder(this.ladder.tickSize);
  }

  protected onMessage(m: WebviewMessage): void {
    if (m.method === 'dom/setMultiple') {
      this.chosenMultiple = m.params.multiple;
      this.render();
    }
  }

  /**
   * The market's tick size and lot step. Listed without a usable tick size (none, 0, not a number), or not listed, its
   * ladder steps by the precision of the first prices seen: a fixed cent laid a coin priced 0.00001234 out on one row.
   */
  private useMarket(market: MarketInfo | undefined): void {
    const tick = market?.tickSize;
    this.amountStep = market?.amountStep;
    const usable = usableTick(tick);
    if (usable !== undefined) this.ladder = new DomLadder(usable);
    else {
      this.tickFromPrices = true;
      this.ladderFromPrices();
    }
    this.render();
  }

  /** Where the tick size comes from the prices: the ladder, once a book or trades have brought some. */
  private ladderFromPrices(trades: readonly Trade[] = []): void {
    if (this.ladder || !this.tickFromPrices) return;
    const levels = [...(this.book?.bids.slice(0, LADDER_ROWS) ?? []), ...(this.book?.asks.slice(0, LADDER_ROWS) ?? [])];
    const tick = tickOfPrices([...levels.map((l) => l[0]), ...trades.map((t) => t.price)]);
    if (tick !== undefined) this.ladder = new DomLadder(tick);
  }
}
