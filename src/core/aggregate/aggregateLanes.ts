/**
 * An aggregate's lanes under its chart, per bar: the liquidation volume of its derivatives legs (longs and shorts
 * liquidated, in base units) and their open interest and funding rate, from each leg's shared liquidation and ticker
 * streams (the exchange's socket pushes open interest and funding in its ticker: nothing is polled).
 */
import { baseAmount } from '../exchange/contractSpec';
import type { MarketInfo } from '../exchange/marketDataClient';
import type { EventFor, Subscription, SubscriptionRequest } from '../hub/requests';
import { bucketStart, type Timeframe } from '../timeframes';
import type { Liquidation, Ticker } from '../types';
import { silentLogger, userMessage, type Logger } from '../util/log';
import { DisposableStore, type Disposable } from '../../shared/util/disposable';
import type { AggregateDefinition } from './aggregateDefinition';
import { derivativesLegs, liquidatedLong } from './derivativesLegs';
import type { ResolvedLeg } from './legResolution';

export interface LanesSource {
  markets(exchange: string): Promise<readonly MarketInfo[]>;
  subscribe<R extends Extract<SubscriptionRequest, { kind: 'liquidations' | 'ticker' }>>(request: R, consumer: (event: EventFor<R>) => void): Subscription;
}

export interface LaneBar {
  /** The bar's start (ms). */
  readonly time: number;
  /** Base volume of long positions liquidated in the bar, and of short positions. */
  readonly longs: number;
  readonly shorts: number;
  /** The derivatives legs' open interest summed, in base units, as of the bar's last ticker (legs that report one). */
  readonly openInterest?: number;
  /** The legs' funding rates as of the bar's last ticker, weighted by their open interest (a fraction: 0.0001 = 0.01 %). */
  readonly fundingRate?: number;
}

interface LegFigures {
  openInterest: number | undefined;
  fundingRate: number | undefined;
}

/**
 * Starts at once; `ready` rejects (naming the aggregate) when no leg is a derivatives market or the legs do not fit
 * their markets. `consumer` gets the bars that changed. dispose() gives every stream back.
 */
export class AggregateLanes implements Disposable {
  readonly ready: Promise<void>;
  private readonly bars = new Map<number, { time: number; longs: number; shorts: number; openInterest?: number; fundingRate?: number }>();
  private readonly subscriptions = new DisposableStore();
  private disposed = false;

  constructor(
    private readonly source: LanesSource,
    private readonly definition: AggregateDefinition,
    private readonly timeframe: Timeframe,
    private readonly consumer: (bars: readonly LaneBar[]) => void,
    private readonly log: Logger = silentLogger,
    private readonly maxBars = 5000,
  ) {
    this.ready = this.start();
  }

  /** Every bar with a lane value, oldest first. */
  snapshot(): LaneBar[] {
    return [...this.bars.values()].sort((a, b) => a.time - b.time).map((b) => ({ ...b }));
  }

  dispose(): void {
    this.disposed = true;
    this.subscriptions.dispose();
  }

  private async start(): Promise<void> {
    const legs = await derivativesLegs((exchange) => this.source.markets(exchange), this.definition, 'liquidations, open interest or funding');
    if (this.disposed) return;
    const figures: LegFigures[] = legs.map(() => ({ openInterest: undefined, fundingRate: undefined }));
    legs.forEach((leg, i) => {
      const market = { exchange: leg.exchange, symbol: leg.symbol };
      const liquidations = this.source.subscribe({ kind: 'liquidations', ...market }, (e) => {
        if (e.type === 'liquidations' && !this.disposed) this.onLiquidations(leg, e.liquidations);
      });
      const ticker = this.source.subscribe({ kind: 'ticker', ...market }, (e) => {
        if (e.type === 'ticker' && !this.disposed) this.onTicker(leg, figures, i, e.ticker);
      });
      for (const sub of [liquidations, ticker]) {
        this.subscriptions.add(sub);
        sub.ready.catch((err: unknown) => {
          if (!this.disposed) this.log.warn(`aggregate ${this.definition.name}: ${leg.exchange} ${leg.symbol}: ${userMessage(err)}`);
        });
      }
    });
  }

  private onLiquidations(leg: ResolvedLeg, liquidations: readonly Liquidation[]): void {
    const changed = new Set<ReturnType<AggregateLanes['bar']>>();
    for (const l of liquidations) {
      const bar = this.bar(l.timestamp);
      if (liquidatedLong(leg.exchange, l.side)) bar.longs += l.amount;
      else bar.shorts += l.amount;
      changed.add(bar);
    }
    this.emit([...changed]);
  }

  private onTicker(leg: ResolvedLeg, figures: LegFigures[], i: number, t: Ticker): void {
    const d = t.derivatives;
    if (!d || (d.openInterest === undefined && d.fundingRate === undefined)) return;
    const f = figures[i] as LegFigures;
    if (d.openInterest !== undefined) f.openInterest = baseAmount(leg.contract, d.openInterest, t.last);
    if (d.fundingRate !== undefined) f.fundingRate = d.fundingRate;
    const bar = this.bar(t.timestamp);
    const withOi = figures.filter((x) => x.openInterest !== undefined);
    if (withOi.length > 0) bar.openInterest = withOi.reduce((n, x) => n + (x.openInterest as number), 0);
    const funded = figures.filter((x) => x.fundingRate !== undefined);
    if (funded.length > 0) {
      const weight = funded.reduce((n, x) => n + (x.openInterest ?? 0), 0);
      bar.fundingRate = weight > 0 ? funded.reduce((n, x) => n + (x.fundingRate as number) * (x.openInterest ?? 0), 0) / weight : funded.reduce((n, x) => n + (x.fundingRate as number), 0) / funded.length;
    }
    this.emit([bar]);
  }

  private bar(timestamp: number) {
    const time = bucketStart(this.timeframe, timestamp);
    let bar = this.bars.get(time);
    if (!bar) {
      bar = { time, longs: 0, shorts: 0 };
      this.bars.set(time, bar);
      for (const old of this.bars.keys()) {
        if (this.bars.size <= this.maxBars) break;
        this.bars.delete(old);
      }
    }
    return bar;
  }

  private emit(bars: ReadonlyArray<ReturnType<AggregateLanes['bar']>>): void {
    if (bars.length > 0) this.consumer(bars.map((b) => ({ ...b })).sort((a, b) => a.time - b.time));
  }
}
