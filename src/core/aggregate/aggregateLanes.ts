/**
 * An aggregate's lanes under its chart, per bar: the liquidation volume of its derivatives legs (longs and shorts
 * liquidated, in base units) and their open interest and funding rate, from each leg's shared liquidation stream and,
 * for open interest and funding, its shared ticker stream where the exchange pushes them there, else the hub's
 * shared polls (one request budget per exchange). A leg whose polls fail is named in `pollNote`, never dropped
 * silently.
 */
import { baseAmount } from '../exchange/contractSpec';
import type { MarketInfo } from '../exchange/marketDataClient';
import type { EventFor, Subscription, SubscriptionRequest } from '../hub/requests';
import { bucketStart, type Timeframe } from '../timeframes';
import type { Liquidation, StreamState, Ticker } from '../types';
import type { DerivativesEvent } from '../derivatives/derivativesPoller';
import { derivativesSource, type DerivativesSource } from '../derivatives/derivativesSource';
import { pollTrouble } from '../derivatives/pollTrouble';
import type { MarketKey } from '../keys';
import { silentLogger, userMessage, type Logger } from '../util/log';
import { assertNever } from '../util/assertNever';
import { DisposableStore, type Disposable } from '../../shared/util/disposable';
import type { AggregateDefinition } from './aggregateDefinition';
import { derivativesLegs, liquidatedLong } from './derivativesLegs';
import type { ResolvedLeg } from './legResolution';

export interface LanesSource {
  markets(exchange: string): Promise<readonly MarketInfo[]>;
  subscribe<R extends Extract<SubscriptionRequest, { kind: 'liquidations' | 'ticker' }>>(request: R, consumer: (event: EventFor<R>) => void): Subscription;
  subscribeDerivatives(market: MarketKey, consumer: (event: DerivativesEvent) => void): Disposable;
}

export interface LanesOptions {
  readonly log?: Logger;
  readonly maxBars?: number;
  /** Whether a leg's open interest and funding are streamed or polled; by exchange (derivativesSource). */
  readonly sourceOf?: (exchange: string) => DerivativesSource;
  /** The polls' state changed: a note naming the legs whose polls are not live (undefined when all are). */
  readonly onPollNote?: (note: string | undefined) => void;
  readonly now?: () => number;
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
  /** The newest mark price polled with the funding rate: an inverse contract's open interest needs a price. */
  markPrice: number | undefined;
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
  private readonly log: Logger;
  private readonly maxBars: number;
  private readonly now: () => number;
  /** Each polled leg's state, by its label. */
  private readonly pollStates = new Map<string, StreamState>();
  private note: string | undefined;

  constructor(
    private readonly source: LanesSource,
    private readonly definition: AggregateDefinition,
    private readonly timeframe: Timeframe,
    private readonly consumer: (bars: readonly LaneBar[]) => void,
    private readonly opts: LanesOptions = {},
  ) {
    this.log = opts.log ?? silentLogger;
    this.maxBars = opts.maxBars ?? 5000;
    this.now = opts.now ?? Date.now;
    this.ready = this.start();
  }

  /** What is wrong with the polled legs now ("bybit BTC/USDT:USDT open interest and funding: retrying (2) …"), or undefined. */
  get pollNote(): string | undefined {
    return this.note;
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
    const figures: LegFigures[] = legs.map(() => ({ openInterest: undefined, fundingRate: undefined, markPrice: undefined }));
    const sourceOf = this.opts.sourceOf ?? derivativesSource;
    legs.forEach((leg, i) => {
      const market = { exchange: leg.exchange, symbol: leg.symbol };
      const liquidations = this.source.subscribe({ kind: 'liquidations', ...market }, (e) => {
        if (e.type === 'liquidations' && !this.disposed) this.onLiquidations(leg, e.liquidations);
      });
      const subs = [liquidations];
      if (sourceOf(leg.exchange) === 'stream') {
        subs.push(
          this.source.subscribe({ kind: 'ticker', ...market }, (e) => {
            if (e.type === 'ticker' && !this.disposed) this.onTicker(leg, figures, i, e.ticker);
          }),
        );
      } else {
        this.subscriptions.add(this.source.subscribeDerivatives(market, (e) => !this.disposed && this.onPolled(leg, figures, i, e)));
      }
      for (const sub of subs) {
        this.subscriptions.add(sub);
        sub.ready.catch((err: unknown) => {
          if (!this.disposed) this.log.warn(`aggregate ${this.definition.name}: ${leg.exchange} ${leg.symbol}: ${userMessage(err)}`);
        });
      }
    });
  }

  private onPolled(leg: ResolvedLeg, figures: LegFigures[], i: number, e: DerivativesEvent): void {
    const f = figures[i] as LegFigures;
    switch (e.type) {
      case 'state':
        this.onPollState(`${leg.exchange} ${leg.symbol}`, e.state);
        return;
      case 'funding':
        f.fundingRate = e.figure.rate;
        f.markPrice = e.figure.markPrice ?? f.markPrice;
        break;
      case 'openInterest':
        // An inverse contract counts in quote currency: without a price yet, its open interest waits for the funding poll's mark.
        if (leg.contract.segment !== 'spot' && leg.contract.settlement === 'inverse' && f.markPrice === undefined) return;
        f.openInterest = baseAmount(leg.contract, e.figure.contracts, f.markPrice ?? 1);
        break;
      default:
        assertNever(e);
    }
    this.emit([this.settle(figures, this.now())]);
  }

  private onPollState(label: string, state: StreamState): void {
    this.pollStates.set(label, state);
    const troubled = [...this.pollStates].flatMap(([leg, s]) => {
      const trouble = pollTrouble(s);
      return trouble === undefined ? [] : [`${leg}: ${trouble}`];
    });
    const note = troubled.length === 0 ? undefined : `open interest and funding: ${troubled.join('; ')}`;
    if (note === this.note) return;
    this.note = note;
    this.opts.onPollNote?.(note);
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
    this.emit([this.settle(figures, t.timestamp)]);
  }

  /** The bar at `timestamp` takes the legs' newest figures: open interest summed, funding weighted by it. */
  private settle(figures: readonly LegFigures[], timestamp: number): ReturnType<AggregateLanes['bar']> {
    const bar = this.bar(timestamp);
    const withOi = figures.filter((x) => x.openInterest !== undefined);
    if (withOi.length > 0) bar.openInterest = withOi.reduce((n, x) => n + (x.openInterest as number), 0);
    const funded = figures.filter((x) => x.fundingRate !== undefined);
    // One leg's rate is its own: weighted, (rate × oi) / oi differs from the rate in its last bit for one value in seven.
    if (funded.length === 1) bar.fundingRate = funded[0]?.fundingRate;
    else if (funded.length > 1) {
      const weight = funded.reduce((n, x) => n + (x.openInterest ?? 0), 0);
      bar.fundingRate = weight > 0 ? funded.reduce((n, x) => n + (x.fundingRate as number) * (x.openInterest ?? 0), 0) / weight : funded.reduce((n, x) => n + (x.fundingRate as number), 0) / funded.length;
    }
    return bar;
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
