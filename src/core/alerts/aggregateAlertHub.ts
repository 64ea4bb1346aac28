/**
 * The alert engine's hub with aggregates: a rule whose exchange is `aggregate` reads the aggregate named by its
 * symbol (merged trades, the derivatives legs' liquidations, aggregated bars); every other request goes to the hub.
 */
import type { AggregateBar } from '../aggregate/aggregateBar';
import { AGGREGATE_EXCHANGE, MAX_AGGREGATE_NAME_CHARS, type AggregateDefinition } from '../aggregate/aggregateDefinition';
import { AggregateLiquidations } from '../aggregate/aggregateLiquidations';
import type { AggregateEvent, AggregateSource } from '../aggregate/aggregateMarket';
import { AggregateTrades } from '../aggregate/aggregateTrades';
import type { AggregateSubscription } from '../aggregate/sharedAggregates';
import type { CandleDelta } from '../candles/candleDelta';
import type { EventFor, HubEvent, LiquidationsEvent, SubscribeOptions, Subscription, SubscriptionRequest, TradesEvent } from '../hub/requests';
import type { MarketKey } from '../keys';
import type { Timeframe } from '../timeframes';
import type { Candle } from '../types';
import { assertNever } from '../util/assertNever';
import type { Clock } from '../util/clock';
import { userMessage, type Logger } from '../util/log';
import type { Disposable } from '../../shared/util/disposable';
import { quoteShort } from '../../shared/util/shortText';
import type { AlertHub } from './alertHub';
import { didYouMean } from './config/didYouMean';

/** What it needs of the MarketHub (which satisfies it). */
export type AggregateMarketsHub = AlertHub &
  AggregateSource & {
    subscribeAggregate(definition: AggregateDefinition, timeframe: Timeframe, consumer: (event: AggregateEvent) => void): AggregateSubscription;
  };

export interface AggregateAlertHubOptions {
  /** How far a slow leg may hold an aggregate's merged trades back (AggregateTrades); 2 s. */
  readonly holdMs?: number;
  readonly log?: Logger;
}

interface Route {
  readonly request: SubscriptionRequest;
  readonly emit: (event: HubEvent) => void;
  /** The definition the route runs on, as JSON: a change restarts it. */
  key: string;
  inner: Disposable | undefined;
}

/** What to say after "unknown aggregate": the closest name, else the names defined (or that none is). */
export function aggregateHint(name: string, known: readonly string[]): string {
  const close = didYouMean(name, known);
  if (close !== undefined) return `; did you mean ${quoteShort(close)}?`;
  if (known.length === 0) return ' (no aggregate is defined: add it under "aggregates:" or, in VS Code, to tradesuite.aggregates)';
  const shown = known.slice(0, HINT_NAMES).map((n) => quoteShort(n, MAX_AGGREGATE_NAME_CHARS));
  return ` (defined: ${shown.join(', ')}${known.length > HINT_NAMES ? `, and ${known.length - HINT_NAMES} more` : ''})`;
}

/** Aggregate names listed in a hint: a file may define thousands. */
const HINT_NAMES = 5;

/**
 * setAggregates() replaces the definitions; a running subscription whose aggregate changed starts over on the new
 * definition (a gap: `reconnecting`, then its own states), one whose aggregate is gone ends `failed`.
 */
export class AggregateAlertHub implements AlertHub {
  readonly clockOf?: (exchange: string) => Clock;
  readonly onDidRewind?: (listener: (exchange: string) => void) => Disposable;
  private definitions = new Map<string, AggregateDefinition>();
  private readonly routes = new Set<Route>();

  constructor(
    private readonly hub: AggregateMarketsHub,
    aggregates: readonly AggregateDefinition[] = [],
    private readonly opts: AggregateAlertHubOptions = {},
  ) {
    // The hub's optional questions are the hub's answers (a replayed market's clock and rewinds), aggregates aside.
    const clockOf = hub.clockOf?.bind(hub);
    if (clockOf) this.clockOf = clockOf;
    const onDidRewind = hub.onDidRewind?.bind(hub);
    if (onDidRewind) this.onDidRewind = onDidRewind;
    this.setAggregates(aggregates);
  }

  /** The names rules may use as `symbol` with `exchange: aggregate`. */
  names(): string[] {
    return [...this.definitions.keys()];
  }

  setAggregates(aggregates: readonly AggregateDefinition[]): void {
    this.definitions = new Map(aggregates.map((a) => [a.name, a]));
    for (const route of this.routes) {
      const def = this.definitions.get(route.request.symbol);
      if ((def ? JSON.stringify(def) : '') === route.key) continue;
      route.inner?.dispose();
      route.inner = undefined;
      route.emit({ type: 'state', state: { status: 'reconnecting', attempt: 1, reason: `aggregate ${route.request.symbol} was redefined`, retryInMs: 0 } });
      this.open(route).catch((err: unknown) => route.emit({ type: 'state', state: { status: 'failed', reason: userMessage(err) } }));
    }
  }

  subscribe<R extends SubscriptionRequest>(request: R, consumer: (event: EventFor<R>) => void, options?: Pick<SubscribeOptions, 'lateTrades'>): Subscription {
    if (request.exchange !== AGGREGATE_EXCHANGE) return this.hub.subscribe(request, consumer, options);
    const route: Route = { request, emit: consumer as (event: HubEvent) => void, key: '', inner: undefined };
    this.routes.add(route);
    return {
      ready: this.open(route),
      dispose: () => {
        this.routes.delete(route);
        route.inner?.dispose();
        route.inner = undefined;
      },
    };
  }

  /** An aggregate has no bars older than its seeded history: a rule needing more warms up on its live bars. */
  candlesBetween(market: MarketKey, timeframe: Timeframe, from: number, until: number, ctx?: { readonly signal?: AbortSignal }): Promise<Candle[]> {
    if (market.exchange === AGGREGATE_EXCHANGE) return Promise.resolve([]);
    return this.hub.candlesBetween(market, timeframe, from, until, ctx);
  }

  private open(route: Route): Promise<void> {
    const { request, emit } = route;
    const name = request.symbol;
    const def = this.definitions.get(name);
    route.key = def ? JSON.stringify(def) : '';
    if (!def) return Promise.reject(new Error(`unknown aggregate ${quoteShort(name)}${aggregateHint(name, this.names())}`));
    const log = this.opts.log;
    switch (request.kind) {
      case 'trades': {
        const trades = new AggregateTrades(this.hub, def, { ...(this.opts.holdMs !== undefined ? { holdMs: this.opts.holdMs } : {}), ...(log ? { log } : {}) }, emit as (e: TradesEvent) => void);
        route.inner = trades;
        return trades.ready;
      }
      case 'liquidations': {
        const liquidations = new AggregateLiquidations(this.hub, def, (e) => (emit as (e: LiquidationsEvent) => void)(e));
        route.inner = liquidations;
        return liquidations.ready;
      }
      case 'candles': {
        const timeframe = request.timeframe;
        let snapshotSent = false;
        const sub: AggregateSubscription = this.hub.subscribeAggregate(def, timeframe, (e) => {
          switch (e.type) {
            case 'resolved':
              emit({ type: 'snapshot', candles: sub.bars().map(candleOf) });
              snapshotSent = true;
              return;
            case 'deltas':
              if (snapshotSent && e.timeframe === timeframe) emit({ type: 'deltas', deltas: e.deltas.map((d): CandleDelta => ({ kind: d.kind, candle: candleOf(d.bar) })) });
              return;
            case 'state':
              emit({ type: 'state', state: e.state });
              return;
            default:
              assertNever(e);
          }
        });
        route.inner = sub;
        return sub.ready;
      }
      case 'ticker':
      case 'orderbook':
      case 'tickers':
        return Promise.reject(new Error(`aggregate ${name} has no ${request.kind === 'orderbook' ? 'order book' : 'bid/ask ticker'}: bid/ask and spread rules need one exchange's market`));
      default:
        return assertNever(request);
    }
  }
}

const candleOf = (b: AggregateBar): Candle => ({ time: b.time, open: b.open, high: b.high, low: b.low, close: b.close, volume: b.volume, ...(b.partial ? { partial: true } : {}) });
