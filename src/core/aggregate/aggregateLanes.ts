/**
 * An aggregate's lanes under its chart, per bar: the liquidation volume of its derivatives legs (longs and shorts
 * liquidated, in base units) and their open interest and funding rate, from each leg's shared liquidation stream and,
 * for open interest and funding, its shared ticker stream where the exchange pushes them there, else the hub's
 * shared polls (one request budget per exchange). A leg whose polls fail, or whose ticker is down (its figures then
 * its last ones: the note says since when), is named in `figuresNote`, never dropped silently; a bar that may lack a
 * leg's liquidations (its stream dropped, or the lanes began inside the bar) is partial.
 */
import { baseAmount } from '../exchange/contractSpec';
import type { MarketInfo } from '../exchange/marketDataClient';
import type { EventFor, Subscription, SubscriptionRequest } from '../hub/requests';
import { bucketStart, nextBucketStart, timeframeMs, type Timeframe } from '../timeframes';
import type { Liquidation, StreamState, Ticker } from '../types';
import type { DerivativesEvent } from '../derivatives/derivativesPoller';
import { derivativesSource, type DerivativesSource } from '../derivatives/derivativesSource';
import { pollTrouble } from '../derivatives/pollTrouble';
import type { MarketKey } from '../keys';
import { silentLogger, userMessage, type Logger } from '../util/log';
import { assertNever } from '../util/assertNever';
import { DisposableStore, type Disposable } from '../../shared/util/disposable';
import { systemTimers, type ScheduleTimer } from '../util/scheduleTimer';
import type { AggregateDefinition } from './aggregateDefinition';
import { derivativesLegs, liquidatedLong } from './derivativesLegs';
import { LiquidationHoles, type LiquidationHole } from './liquidationHoles';
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
  /**
   * The figures' trouble changed: a note naming the legs whose polls are not live, or whose ticker (streamed legs) is
   * down and since when their figures are (undefined when all are fresh).
   */
  readonly onFiguresNote?: (note: string | undefined) => void;
  readonly now?: () => number;
  /** Wakes the lanes at each new bar while a leg is down; injected in tests, whose clocks are not the wall clock. */
  readonly schedule?: ScheduleTimer;
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
  /**
   * Liquidations of a leg may be missing from the bar: its stream was down during it (from the drop until the stream
   * is live again), or the lanes began inside it. Exchanges give no past liquidations, so it stays partial.
   */
  readonly partial?: true;
}

type HeldBar = { time: number; longs: number; shorts: number; openInterest?: number; fundingRate?: number; partial?: true };

interface LegFigures {
  openInterest: number | undefined;
  fundingRate: number | undefined;
  /** The newest mark price polled with the funding rate: an inverse contract's open interest needs a price. */
  markPrice: number | undefined;
  /** A streamed leg: its newest ticker's time (the exchange's), and whether its ticker was ever live (see onTickerState). */
  at: number | undefined;
  tickerWasLive: boolean;
}

/**
 * The longest wait for the next bar's start while a leg is down: a month's bar is further off than a timer can wait
 * (Node fires one past 2^31 - 1 ms at once, which would wake the lanes every millisecond); a wake before the bar's
 * start only waits again.
 */
const MAX_WAKE_MS = 86_400_000;

/** 14:03:07, as the poll notes write times. */
const utcClock = (ms: number): string => new Date(ms).toISOString().slice(11, 19);

/**
 * Starts at once; `ready` rejects (naming the aggregate) when no leg is a derivatives market or the legs do not fit
 * their markets. `consumer` gets the bars that changed. dispose() gives every stream back.
 */
export class AggregateLanes implements Disposable {
  readonly ready: Promise<void>;
  /** By bar time, made mostly in time order (a late liquidation's bar may follow a newer one): the first is evicted first. */
  private readonly bars = new Map<number, HeldBar>();
  private readonly subscriptions = new DisposableStore();
  private disposed = false;
  private readonly log: Logger;
  private readonly maxBars: number;
  private readonly now: () => number;
  /** What is wrong with each troubled leg's figures (its polls, or its ticker down), by its label. */
  private readonly troubles = new Map<string, string>();
  private note: string | undefined;
  private readonly holes: LiquidationHoles;
  /** The newest bar's time. */
  private newest: number | undefined;
  /** Bars made (partial) between the newest and a new one while a leg is down, to go out with the next change. */
  private made: HeldBar[] = [];
  /** While a leg is down: cancels the wake at the next bar's start (see followOutage). */
  private cancelNextBar: (() => void) | undefined;

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
    this.holes = new LiquidationHoles(this.now());
    this.ready = this.start();
  }

  /**
   * What is wrong with the legs' figures now ("open interest and funding: bybit BTC/USDT:USDT: retrying (2) …", or
   * "…: as of 14:03:07 UTC, its ticker retrying (1), socket closed"), or undefined.
   */
  get figuresNote(): string | undefined {
    return this.note;
  }

  /** Every bar with a lane value, oldest first. */
  snapshot(): LaneBar[] {
    return [...this.bars.values()].sort((a, b) => a.time - b.time).map((b) => ({ ...b }));
  }

  dispose(): void {
    this.disposed = true;
    this.cancelNextBar?.();
    this.cancelNextBar = undefined;
    this.subscriptions.dispose();
  }

  private async start(): Promise<void> {
    const legs = await derivativesLegs((exchange) => this.source.markets(exchange), this.definition, 'liquidations, open interest or funding');
    if (this.disposed) return;
    const figures: LegFigures[] = legs.map(() => ({ openInterest: undefined, fundingRate: undefined, markPrice: undefined, at: undefined, tickerWasLive: false }));
    const sourceOf = this.opts.sourceOf ?? derivativesSource;
    legs.forEach((leg, i) => {
      const market = { exchange: leg.exchange, symbol: leg.symbol };
      const liquidations = this.source.subscribe({ kind: 'liquidations', ...market }, (e) => {
        if (this.disposed) return;
        if (e.type === 'liquidations') this.onLiquidations(leg, i, e.liquidations);
        else if (e.type === 'state') this.onHole(this.holes.onState(i, e.state, this.now()));
      });
      liquidations.ready.catch(() => !this.disposed && this.onHole(this.holes.neverCounted(i)));
      const subs = [liquidations];
      if (sourceOf(leg.exchange) === 'stream') {
        subs.push(
          this.source.subscribe({ kind: 'ticker', ...market }, (e) => {
            if (this.disposed) return;
            if (e.type === 'ticker') this.onTicker(leg, figures, i, e.ticker);
            else if (e.type === 'state') this.onTickerState(leg, figures[i] as LegFigures, e.state);
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
    this.setTrouble(label, pollTrouble(state));
  }

  /**
   * A streamed leg's figures come only with its tickers: while its ticker is down the legend's are its last ones,
   * and it says since when (the first connecting is the opening, not an outage; one after live is a restart).
   */
  private onTickerState(leg: ResolvedLeg, f: LegFigures, state: StreamState): void {
    if (state.status === 'live') {
      f.tickerWasLive = true;
      return; // the figures are fresh again with the next ticker (onTicker), not before
    }
    if (state.status === 'connecting' && !f.tickerWasLive) return;
    const asOf = f.at === undefined ? 'none yet' : `as of ${utcClock(f.at)} UTC`;
    this.setTrouble(`${leg.exchange} ${leg.symbol}`, `${asOf}, its ticker ${pollTrouble(state) ?? state.status}`);
  }

  private setTrouble(label: string, trouble: string | undefined): void {
    if (trouble === undefined) this.troubles.delete(label);
    else this.troubles.set(label, trouble);
    const troubled = [...this.troubles].map(([leg, t]) => `${leg}: ${t}`);
    const note = troubled.length === 0 ? undefined : `open interest and funding: ${troubled.join('; ')}`;
    if (note === this.note) return;
    this.note = note;
    this.opts.onFiguresNote?.(note);
  }

  /**
   * A leg's liquidation stream went down (the bars from the drop to now are partial, and those made while it stays
   * down), or came back (every bar over the hole is partial; made where it had no value, so the gap shows).
   */
  private onHole(hole: LiquidationHole | undefined): void {
    if (!hole) return;
    const tf = this.timeframe;
    const last = bucketStart(tf, hole.until === undefined ? Math.max(hole.from, this.now()) : Math.max(hole.from, hole.until - 1));
    // A hole longer than the bars kept marks the newest of them only.
    let time = Math.max(bucketStart(tf, hole.from), bucketStart(tf, last - (this.maxBars - 1) * timeframeMs(tf)));
    const newest = this.newest;
    const changed: HeldBar[] = [];
    for (; time <= last; time = nextBucketStart(tf, time)) {
      const made = !this.bars.has(time);
      const bar = this.bar(time);
      if (bar.partial && !made) continue;
      bar.partial = true;
      changed.push(bar);
    }
    if (newest !== undefined && bucketStart(tf, hole.from) < newest) this.reorder();
    this.emit(changed);
    this.followOutage();
  }

  /**
   * While a leg is down, each new bar is made (partial) as it starts by our clock. Nothing else makes it when the
   * down leg is the only one with lane data (liquidations, open interest): the newest bars would hold no lane bar and
   * read as bars without liquidations until the leg is back.
   */
  private followOutage(): void {
    const down = this.holes.openFrom() !== undefined;
    if (!down) {
      this.cancelNextBar?.();
      this.cancelNextBar = undefined;
      return;
    }
    if (this.cancelNextBar || this.disposed) return;
    const now = this.now();
    this.cancelNextBar = (this.opts.schedule ?? systemTimers)(() => {
      this.cancelNextBar = undefined;
      if (this.disposed || this.holes.openFrom() === undefined) return;
      const at = this.now();
      if (!this.bars.has(bucketStart(this.timeframe, at))) this.emit([this.bar(at)]);
      this.followOutage();
    }, Math.min(MAX_WAKE_MS, Math.max(1, nextBucketStart(this.timeframe, bucketStart(this.timeframe, now)) - now)));
  }

  private onLiquidations(leg: ResolvedLeg, i: number, liquidations: readonly Liquidation[]): void {
    const changed = new Set<HeldBar>(this.holeShrunk(i, liquidations));
    for (const l of liquidations) {
      const bar = this.bar(l.timestamp);
      if (liquidatedLong(leg.exchange, l.side)) bar.longs += l.amount;
      else bar.shorts += l.amount;
      changed.add(bar);
    }
    this.emit([...changed]);
  }

  /** The bars a hole no longer covers once it ends at the leg's first liquidation after it (see firstLiquidation): whole again. */
  private holeShrunk(i: number, liquidations: readonly Liquidation[]): HeldBar[] {
    if (liquidations.length === 0) return [];
    let earliest = Number.POSITIVE_INFINITY;
    for (const l of liquidations) if (l.timestamp < earliest) earliest = l.timestamp;
    const endedAt = this.holes.firstLiquidation(i, earliest);
    if (endedAt === undefined) return [];
    const tf = this.timeframe;
    const whole: HeldBar[] = [];
    for (let time = bucketStart(tf, earliest); time < endedAt; time = nextBucketStart(tf, time)) {
      const bar = this.bars.get(time);
      if (!bar?.partial || this.holes.partial(time, nextBucketStart(tf, time))) continue;
      delete bar.partial;
      whole.push(bar);
    }
    return whole;
  }

  private onTicker(leg: ResolvedLeg, figures: LegFigures[], i: number, t: Ticker): void {
    const d = t.derivatives;
    if (!d || (d.openInterest === undefined && d.fundingRate === undefined)) return;
    const f = figures[i] as LegFigures;
    if (d.openInterest !== undefined) f.openInterest = baseAmount(leg.contract, d.openInterest, t.last);
    if (d.fundingRate !== undefined) f.fundingRate = d.fundingRate;
    f.at = t.timestamp;
    f.tickerWasLive = true;
    if (this.troubles.has(`${leg.exchange} ${leg.symbol}`)) this.setTrouble(`${leg.exchange} ${leg.symbol}`, undefined);
    this.emit([this.settle(figures, t.timestamp)]);
  }

  /** The bar at `timestamp` takes the legs' newest figures: open interest summed, funding weighted by it. */
  private settle(figures: readonly LegFigures[], timestamp: number): HeldBar {
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

  private bar(timestamp: number): HeldBar {
    const tf = this.timeframe;
    const time = bucketStart(tf, timestamp);
    const held = this.bars.get(time);
    if (held) return held;
    // While a leg is down, the bars between the newest and this one are made too (partial): a bar without a value
    // would read as one without liquidations.
    const down = this.holes.openFrom();
    if (down !== undefined && this.newest !== undefined && this.newest < time) {
      const from = Math.max(nextBucketStart(tf, this.newest), bucketStart(tf, down), bucketStart(tf, time - (this.maxBars - 1) * timeframeMs(tf)));
      for (let t = from; t < time; t = nextBucketStart(tf, t)) this.made.push(this.make(t));
    }
    return this.make(time);
  }

  private make(time: number): HeldBar {
    const bar: HeldBar = { time, longs: 0, shorts: 0, ...(this.holes.partial(time, nextBucketStart(this.timeframe, time)) ? { partial: true as const } : {}) };
    this.bars.set(time, bar);
    if (this.newest === undefined || time > this.newest) this.newest = time;
    for (const old of this.bars.keys()) {
      if (this.bars.size <= this.maxBars) break;
      this.bars.delete(old);
      this.holes.forgetBefore(nextBucketStart(this.timeframe, old));
    }
    return bar;
  }

  /** Bars made behind newer ones (over a hole) are put back in time order, so eviction takes the oldest. O(n log n), once per hole. */
  private reorder(): void {
    const sorted = [...this.bars.values()].sort((a, b) => a.time - b.time);
    this.bars.clear();
    for (const b of sorted) this.bars.set(b.time, b);
  }

  private emit(bars: readonly HeldBar[]): void {
    const all = this.made.length === 0 ? bars : [...new Set([...this.made, ...bars])];
    this.made = [];
    // A bar evicted meanwhile (a long outage at a short timeframe) is not sent.
    const kept = all.filter((b) => this.bars.get(b.time) === b);
    if (kept.length > 0) this.consumer(kept.map((b) => ({ ...b })).sort((a, b) => a.time - b.time));
  }
}
