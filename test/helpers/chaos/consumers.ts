/**
 * The consumers of one chaos run, all on one market: 1m and 5m candles and trades (a plain consumer's, and a panel's
 * that takes lost holes found later) for the whole run, two alert rules
 * (a tick rule on the trades, a bar-close rule on the 1m bars), and two that come and go (an order book, a second 1m
 * candles consumer). Every recorder ever used is kept, so the end checks what each of them saw.
 */
import type { AlertEvent } from '../../../src/core/alerts/alertEvent';
import { AlertEngine } from '../../../src/core/alerts/alertEngine';
import { AlertStateStore } from '../../../src/core/alerts/alertState';
import { parseAlertsConfig } from '../../../src/core/alerts/config/parseAlertsConfig';
import type { RuleStatus } from '../../../src/core/alerts/ruleStatus';
import type { SubscribeOptions, Subscription, SubscriptionRequest } from '../../../src/core/hub/requests';
import type { ExchangeId } from '../../../src/emulator';
import { Recorder, type Rig } from '../emulatorHub';
import type { ToggledConsumer } from './schedule';

export type CandleReq = Extract<SubscriptionRequest, { kind: 'candles' }>;
export type TradesReq = Extract<SubscriptionRequest, { kind: 'trades' }>;
export type BookReq = Extract<SubscriptionRequest, { kind: 'orderbook' }>;
export type AnyRecorder = Recorder<CandleReq> | Recorder<TradesReq> | Recorder<BookReq>;

export interface Held<R extends SubscriptionRequest> {
  readonly name: string;
  readonly rec: Recorder<R>;
  readonly sub: Subscription;
  open: boolean;
}

export const TICK_RULE = 'tick';
export const CLOSE_RULE = 'close';

function rulesYaml(exchange: ExchangeId, symbol: string): string {
  return (
    `defaults: { exchange: ${exchange}, autoPause: false }\nrules:\n` +
    `  - { id: ${TICK_RULE}, name: ${TICK_RULE}, type: price_level, symbol: "${symbol}", timeframe: 1m, above: 1, frequency: once_per_bar }\n` +
    `  - { id: ${CLOSE_RULE}, name: ${CLOSE_RULE}, type: volatility, measure: range, lookback: 1, above: 0, symbol: "${symbol}", timeframe: 1m, frequency: once_per_bar_close }\n`
  );
}

export class ChaosConsumers {
  readonly candles: Held<CandleReq>[] = [];
  readonly trades: Held<TradesReq>[] = [];
  readonly books: Held<BookReq>[] = [];
  readonly fires: AlertEvent[] = [];
  /** Every rule status seen, by rule. */
  readonly ruleStatuses = new Map<string, RuleStatus[]>();
  readonly engine: AlertEngine;
  private readonly engineSubs: Array<{ dispose(): void }> = [];

  constructor(
    private readonly rig: Rig<ExchangeId>,
    readonly symbol: string,
  ) {
    const exchange = rig.emulator.exchange;
    this.open('candles 1m', { kind: 'candles', exchange, symbol, timeframe: '1m' }, this.candles);
    this.open('candles 5m', { kind: 'candles', exchange, symbol, timeframe: '5m' }, this.candles);
    this.open('trades', { kind: 'trades', exchange, symbol }, this.trades);
    // As a tape, a DOM or a heatmap subscribes: a lost hole told, then asked again and maybe found.
    this.open('panel trades', { kind: 'trades', exchange, symbol }, this.trades, { lateTrades: true, refetchLost: true });
    this.open('book', { kind: 'orderbook', exchange, symbol }, this.books);
    const config = parseAlertsConfig(rulesYaml(exchange, symbol));
    if (config.diagnostics.length > 0) throw new Error(`the chaos rules do not parse: ${JSON.stringify(config.diagnostics)}`);
    this.engine = new AlertEngine({ hub: rig.hub, state: AlertStateStore.inMemory(), log: rig.log });
    this.engineSubs.push(
      this.engine.onAlert((a) => this.fires.push(a)),
      this.engine.onStatus((s) => this.ruleStatuses.set(s.ruleId, [...(this.ruleStatuses.get(s.ruleId) ?? []), s.status])),
    );
    this.engine.setRules(config.rules);
  }

  get main1m(): Recorder<CandleReq> {
    return (this.candles[0] as Held<CandleReq>).rec;
  }

  get mainTrades(): Recorder<TradesReq> {
    return (this.trades[0] as Held<TradesReq>).rec;
  }

  /** The trades of a panel's subscription (SubscribeOptions.refetchLost). */
  get panelTrades(): Recorder<TradesReq> {
    return (this.trades[1] as Held<TradesReq>).rec;
  }

  /** Every subscription still held. */
  held(): Array<Held<CandleReq> | Held<TradesReq> | Held<BookReq>> {
    return [...this.candles, ...this.trades, ...this.books].filter((h) => h.open);
  }

  /** The consumer leaves if it is held, or comes (a new subscription) if not. */
  toggle(consumer: ToggledConsumer): void {
    const exchange = this.rig.emulator.exchange;
    const symbol = this.symbol;
    switch (consumer) {
      case 'book': {
        const last = this.books.at(-1);
        if (last?.open) return this.close(last);
        this.open(`book #${this.books.length + 1}`, { kind: 'orderbook', exchange, symbol }, this.books);
        return;
      }
      case 'candles1mSecond': {
        const last = this.candles.length > 2 ? this.candles.at(-1) : undefined;
        if (last?.open) return this.close(last);
        this.open(`second candles 1m #${this.candles.length - 1}`, { kind: 'candles', exchange, symbol, timeframe: '1m' }, this.candles);
        return;
      }
    }
  }

  /** Every consumer leaves: the subscriptions, the rules. */
  closeAll(): void {
    for (const h of this.held()) this.close(h);
    for (const s of this.engineSubs.splice(0)) s.dispose();
    this.engine.dispose();
  }

  private open<R extends SubscriptionRequest>(name: string, req: R, into: Held<R>[], options?: SubscribeOptions): void {
    const rec = new Recorder<R>();
    const sub = this.rig.hub.subscribe(req, rec.consume, options);
    // A refused subscription is a finding, not a crash of the run: the end reads it from the recorder's states.
    sub.ready.catch((error: unknown) => rec.consume({ type: 'error', message: `subscribe refused: ${String(error)}` } as Parameters<Recorder<R>['consume']>[0]));
    into.push({ name, rec, sub, open: true });
  }

  private close(h: { sub: Subscription; open: boolean }): void {
    h.sub.dispose();
    h.open = false;
  }
}
