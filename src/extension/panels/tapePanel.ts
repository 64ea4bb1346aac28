/** Time & sales: the market's trade tape, merged per millisecond, price and side, with a size filter and big prints. */
import type * as vscode from 'vscode';
import { AggregateTrades } from '../../core/aggregate/aggregateTrades';
import { baseAmountStep } from '../../core/exchange/contractSpec';
import { mergedTradeLeg } from '../../core/aggregate/tradeMerge';
import type { Subscription, TradesEvent } from '../../core/hub/requests';
import { aggregateNamed, isAggregateMarket, missingAggregate } from '../aggregates/aggregateRef';
import type { StreamState } from '../../core/types';
import { MAX_BASE_CHARS, MAX_LIQUIDATIONS_REASON_CHARS, type TapeFilterWire, type TapeLiquidationsWire, type TapeRowWire, type WebviewMessage } from '../../shared/protocol';
import { clip } from '../../shared/util/clip';
import { MarketPanel } from './marketPanel';
import { decimalsOf, usableTick } from '../../shared/util/decimals';
import type { PanelContext, TapeState } from './panelContext';
import { tapeLiquidations } from './tapeLiquidations';
import { TradesMissing } from './tradesMissing';
import { TAPE_MERGE_RULES } from './tapeMessages';
import { legNames, passesFilter, TradeTape } from './tradeTape';

/** Rows the host keeps (what a reloaded page gets back, before the filter). */
export const TAPE_HELD_ROWS = 2000;
/** Rows a page shows at most. */
export const TAPE_SHOWN_ROWS = 500;

export class TapePanel extends MarketPanel<TapeState> {
  private tape: TradeTape;
  /** An aggregate's exchange column: each leg's name (its definition's as last subscribed). */
  private legs: readonly string[] | undefined;
  private filter: TapeFilterWire;
  /** The sizes were chosen in the panel: they stay when the settings change. */
  private filterChosen = false;
  /** The liquidation stream's state, where the market has one. */
  private liquidations: TapeLiquidationsWire | undefined;
  /** The market's lot step, for the page's size decimals; undefined until known or where unpublished. */
  private amountStep: number | undefined;
  /** The market's tick size (an aggregate's finest leg's), for the page's price decimals; undefined until known. */
  private tickSize: number | undefined;
  /** An aggregate's legs' lot steps in base units (null where there is none), indexed like `legs`. */
  private legAmountSteps: readonly (number | null)[] | undefined;
  /** The market's base currency (an aggregate's legs'), once listed. */
  private base: string | undefined;
  /** The spans whose trades will never come, shown among the rows. */
  private readonly missing = new TradesMissing();
  /** A reconnect's hole is owed: its trades (or word of their loss) are still to come. */
  private catchingUp = false;

  constructor(panel: vscode.WebviewPanel, state: TapeState, ctx: PanelContext) {
    super(panel, state, ctx, TAPE_MERGE_RULES);
    this.filter = { ...ctx.settings().timeAndSales };
    this.tape = this.newTape();
    this.resubscribe();
    if (isAggregateMarket(state)) {
      this.fetchLegSteps();
      return;
    }
    void this.listedMarket().then((market) => {
      this.amountStep = market?.amountStep;
      this.tickSize = usableTick(market?.tickSize);
      this.base = market?.base;
      if (market) this.render();
    });
  }

  protected subscribe(): Subscription[] {
    const { exchange, symbol } = this.state;
    const hub = this.ctx.engine.hub;
    const onEvent = (e: TradesEvent) => {
      if (e.type === 'state') this.showCatchingUp(e.state.status === 'live' && e.state.catchingUp === true);
      if (e.type !== 'trades') return this.onStreamEvent(e);
      // A hole given up: its trades are missing from the tape for good, which says so rather than pass for a quiet market.
      if (e.lost) {
        this.missing.add(e.lost);
        this.host.send({ method: 'tape/missing', params: { missing: [...this.missing.list()] } });
        return;
      }
      // A hole told lost, found by asking again: its `trades missing` row gives way to its trades.
      if (e.found && this.missing.found(e.found)) this.host.send({ method: 'tape/missing', params: { missing: [...this.missing.list()] } });
      // A reconnect's hole (one market's, fetched by its bars or the hub; an aggregate leg's, filled after the merge
      // moved on): placed among the rows in time order, flagged, and the rows sent again once for the batch.
      if (e.late) {
        if (this.tape.addLate(e.trades)) this.render();
        return;
      }
      this.sendRows(this.tape.add(e.trades), true);
      this.onData();
    };
    this.liquidations = undefined;
    const liquidationSink = {
      prints: (prints: Parameters<TradeTape['addLiquidations']>[0], leg: number | undefined) => this.sendRows(this.tape.addLiquidations(prints, leg), false),
      state: (s: StreamState) => this.onLiquidationState(s),
    };
    // Taking holes late has the hub fetch the market's reconnect holes even with no chart or rule on it (and tell
    // those it cannot fetch, then ask for those again); an aggregate's legs fill their own.
    if (!isAggregateMarket(this.state)) return [hub.subscribe({ kind: 'trades', exchange, symbol }, onEvent, { lateTrades: true, refetchLost: true }), tapeLiquidations(hub, { exchange, symbol }, undefined, liquidationSink)];
    // An aggregate's tape: its legs' prints merged in time order, each at its own price, amounts in base units.
    const def = aggregateNamed(this.ctx.settings().aggregates, symbol);
    if (!def) return [missingAggregate(symbol)];
    this.legs = legNames(def.legs);
    return [new AggregateTrades(hub, def, { log: this.ctx.log, prices: 'own', tellLostHoles: true }, onEvent), tapeLiquidations(hub, { exchange, symbol }, def, liquidationSink)];
  }

  /** Other legs: a new tape (the old legs' rows are not this aggregate's), and their lot steps. */
  protected override aggregateEdited(): void {
    this.tape = this.newTape();
    this.legAmountSteps = undefined;
    this.tickSize = undefined;
    this.base = undefined;
    this.fetchLegSteps();
    this.render(); // the page's rows and exchange column start over
  }

  /** The aggregate's legs' lot steps in base units, for the page's size decimals (once their markets are loaded). */
  private fetchLegSteps(): void {
    const def = aggregateNamed(this.ctx.settings().aggregates, this.state.symbol);
    const legs = this.legs;
    if (!def) return;
    void this.listedMarkets(def.legs).then((markets) => {
      if (!markets || this.legs?.join('\n') !== legs?.join('\n')) return; // edited again meanwhile (a reconnect names the same legs)
      this.legAmountSteps = markets.map((m) => baseAmountStep(m?.amountStep, m?.contract) ?? null);
      // Each leg's prints are at its own prices: the finest leg's decimals show every one of them whole.
      this.tickSize = markets.map((m) => usableTick(m?.tickSize)).reduce<number | undefined>((finest, t) => (t !== undefined && (finest === undefined || decimalsOf(t) > decimalsOf(finest)) ? t : finest), undefined);
      // The legs share their base (legResolution): the first listed one names it.
      this.base = markets.find((m) => m !== undefined)?.base;
      if (this.base !== undefined || this.tickSize !== undefined || this.legAmountSteps.some((s) => s !== null)) this.render();
    });
  }

  /** The changed rows that pass the filter, with the minute's stats (sent even without a row when `statsChanged`). */
  private sendRows(changed: TapeRowWire[], statsChanged: boolean): void {
    const rows = passesFilter(changed, this.filter.minSize);
    if (rows.length > 0 || statsChanged) this.host.send({ method: 'tape/rows', params: { rows, stats: this.tape.stats() } });
  }

  private showCatchingUp(catchingUp: boolean): void {
    if (catchingUp === this.catchingUp) return;
    this.catchingUp = catchingUp;
    this.host.send({ method: 'tape/catchingUp', params: { catchingUp } });
  }

  private onLiquidationState(s: StreamState): void {
    const next: TapeLiquidationsWire = { status: s.status, ...('reason' in s && s.reason !== undefined ? { reason: clip(s.reason, MAX_LIQUIDATIONS_REASON_CHARS) } : {}) };
    if (this.liquidations?.status === next.status && this.liquidations.reason === next.reason) return;
    this.liquidations = next;
    this.host.send({ method: 'tape/liquidations', params: next });
  }

  protected override startOver(): void {
    this.tape = this.newTape();
    this.missing.clear();
    this.catchingUp = false;
  }

  private newTape(): TradeTape {
    // Decided by the market, not by `legs`: those are known only once subscribed, after the first tape is made.
    return isAggregateMarket(this.state) ? new TradeTape(TAPE_HELD_ROWS, (t) => mergedTradeLeg(t.id)) : new TradeTape(TAPE_HELD_ROWS);
  }

  protected render(): void {
    const { exchange, symbol } = this.state;
    this.host.send({
      method: 'tape/snapshot',
      build: () => ({
        method: 'tape/snapshot',
        params: {
          market: { exchange, symbol },
          rows: passesFilter(this.tape.rows(), this.filter.minSize).slice(0, TAPE_SHOWN_ROWS),
          stats: this.tape.stats(),
          filter: this.filter,
          maxRows: TAPE_SHOWN_ROWS,
          ...(this.legs ? { legs: [...this.legs] } : {}),
          ...(this.liquidations ? { liquidations: this.liquidations } : {}),
          ...(this.amountStep === undefined ? {} : { amountStep: this.amountStep }),
          ...(this.tickSize === undefined ? {} : { tickSize: this.tickSize }),
          ...(this.legAmountSteps === undefined ? {} : { legAmountSteps: [...this.legAmountSteps] }),
          ...(this.base ? { base: clip(this.base, MAX_BASE_CHARS) } : {}),
          ...(this.missing.list().length > 0 ? { missing: [...this.missing.list()] } : {}),
          ...(this.tape.olderLate().length > 0 ? { lateOlder: [...this.tape.olderLate()] } : {}),
          ...(this.catchingUp ? { catchingUp: true } : {}),
        },
      }),
    });
    this.host.send({ method: 'panel/connection', params: this.tracker.current });
  }

  protected override applySettings(affects: (key: string) => boolean): void {
    if (!affects('timeAndSales') || this.filterChosen) return;
    this.filter = { ...this.ctx.settings().timeAndSales };
    this.render();
  }

  protected onMessage(m: WebviewMessage): void {
    if (m.method === 'tape/setFilter') {
      this.filter = { minSize: m.params.minSize, highlightSize: m.params.highlightSize };
      this.filterChosen = true;
      this.render();
    }
  }
}
