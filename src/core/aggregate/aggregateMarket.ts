/** An aggregated market running: its legs resolved and fed from their shared trade streams, its bars per timeframe. */
import { baseAmount } from '../exchange/contractSpec';
import type { MarketInfo } from '../exchange/marketDataClient';
import { defaultBackoff, type BackoffPolicy } from '../streams/backoff';
import { bucketStart, timeframeMs, type Timeframe } from '../timeframes';
import type { RequestContext } from '../history/historyService';
import type { LostHole } from '../hub/requests';
import type { MarketKey } from '../keys';
import type { Candle, StreamState, Trade } from '../types';
import { systemClock, type Clock } from '../util/clock';
import type { LateTies } from '../util/tradeOrder';
import { silentLogger, userMessage, type Logger } from '../util/log';
import { systemTimers, type ScheduleTimer } from '../util/scheduleTimer';
import type { Disposable } from '../../shared/util/disposable';
import type { AggregateDefinition } from './aggregateDefinition';
import type { AggregateBar, AggregateBarDelta } from './aggregateBar';
import { AggregateSeries, legKlinesOf, type LegCoverage, type LegKlines, type Segment } from './aggregateSeries';
import { aggregateState, FIRST_DATA_WAIT_MS, LegCatchUp, LegOpening, type LegOpeningState, type LegStatus } from './aggregateState';
import { LegFeed, type LegSource } from './legFeed';
import { SeedConfirmation } from './seedConfirmation';
import { legMarketLists, resolveLegs, type ResolvedLeg } from './legResolution';

/** What an aggregate needs of the hub: the legs' markets, their shared trade streams and REST trades (and klines, for history). */
export interface AggregateSource extends LegSource {
  markets(exchange: string): Promise<readonly MarketInfo[]>;
  candlesBetween?(market: MarketKey, timeframe: Timeframe, from: number, until: number, ctx?: RequestContext): Promise<Candle[]>;
}

export type AggregateEvent =
  /** The legs were checked against their markets; bars follow. */
  | { readonly type: 'resolved'; readonly legs: readonly ResolvedLeg[] }
  | { readonly type: 'deltas'; readonly timeframe: Timeframe; readonly deltas: readonly AggregateBarDelta[] }
  /** A leg's state changed; `state` sums them up (connecting while legs await their first data, degraded while some other leg is not live). */
  | { readonly type: 'state'; readonly state: StreamState; readonly legs: readonly LegStatus[] };

export interface AggregateOptions {
  readonly timeframes: readonly Timeframe[];
  /** Bars from this time's bucket on; by default the current bucket of the coarsest timeframe. */
  readonly since?: number;
  /** Closed bars before `since` seeded from the legs' klines (when the source serves them); none by default. */
  readonly historyBars?: number;
  /** How long the seed may wait for a leg's klines before its bars are left partial; 15 s. */
  readonly historyTimeoutMs?: number;
  readonly clock?: Clock;
  readonly backoff?: BackoffPolicy;
  /** Failed REST fills of one leg's hole before its bars are left partial; 8. */
  readonly maxFillAttempts?: number;
  readonly log?: Logger;
  /** Ends the wait for the legs' first data (FIRST_DATA_WAIT_MS); injected in tests. */
  readonly schedule?: ScheduleTimer;
  /**
   * Each leg's trades as they are taken (in the leg's order), with their amounts in base units, before the bars'
   * deltas go out; `late` as LegFeed gives it (a fill's trades, older than some given before).
   */
  readonly onLegTrades?: (leg: number, trades: readonly Trade[], base: readonly number[], late: LateTies | undefined) => void;
  /** A leg's hole settled with trades missing for good (LegFeedOptions.onLost): its fill gave up. */
  readonly onLegLost?: (leg: number, hole: LostHole) => void;
}

/**
 * Starts at once; `ready` resolves when the legs are resolved (rejects, with every issue named, when the definition
 * does not fit the markets). A leg whose exchange cannot list its markets is a failed leg: the others run, and its
 * bars are partial. dispose() gives every leg's stream back.
 */
export class AggregateMarket implements Disposable {
  readonly ready: Promise<void>;
  private readonly series = new Map<Timeframe, AggregateSeries>();
  /** The series, as an array for the per-trade loop. */
  private seriesList: AggregateSeries[] = [];
  private feeds: LegRunner[] = [];
  /** Each leg's catching up after a reconnect, and the state it last showed (see LegCatchUp). */
  private catchUps: LegCatchUp[] = [];
  private shownStates: StreamState[] = [];
  /** Each leg's opening (see LegOpening): the state reads connecting, not degraded, while legs only await their first data. */
  private openings: LegOpening[] = [];
  private openingStates: Array<LegOpeningState | undefined> = [];
  private firstDataWaitOver = false;
  private cancelFirstDataWait: (() => void) | undefined;
  private legs: readonly ResolvedLeg[] = [];
  private disposed = false;
  private readonly abort = new AbortController();
  /** The seed's newest klines fetched again once every leg is past `since` (our clock may be ahead of theirs). */
  private confirmation: SeedConfirmation | undefined;
  /** Bars start at this time's bucket. */
  readonly since: number;

  constructor(
    private readonly source: AggregateSource,
    readonly definition: AggregateDefinition,
    private readonly opts: AggregateOptions,
    private readonly consumer: (event: AggregateEvent) => void,
  ) {
    const coarsest = [...opts.timeframes].sort((a, b) => timeframeMs(b) - timeframeMs(a))[0] ?? '1m';
    this.since = opts.since ?? bucketStart(coarsest, (opts.clock ?? systemClock).now());
    this.ready = this.start();
  }

  /** Every bar held at `timeframe`, oldest first. */
  bars(timeframe: Timeframe): AggregateBar[] {
    return this.series.get(timeframe)?.bars() ?? [];
  }

  /** Where each leg's trades are complete, in leg order. */
  coverage(): LegCoverage[] {
    return this.feeds.map((f) => f.coverage());
  }

  legStatuses(): LegStatus[] {
    return this.definition.legs.map((market, i) => {
      const opening = this.openingStates[i];
      return { market, state: this.shownStates[i] ?? this.feeds[i]?.state ?? { status: 'connecting' }, ...(opening !== undefined ? { opening } : {}) };
    });
  }

  dispose(): void {
    this.disposed = true;
    this.abort.abort();
    this.cancelFirstDataWait?.();
    for (const f of this.feeds) f.dispose();
    this.feeds = [];
  }

  private async start(): Promise<void> {
    const lists = await legMarketLists((exchange) => this.source.markets(exchange), this.definition.legs);
    if (this.disposed) return;
    const unreachable = (i: number) => typeof lists.get(this.definition.legs[i]?.exchange ?? '') === 'string';
    // The price leg is checked on the whole definition: the indices of the reachable legs differ.
    const { price } = this.definition;
    const reachable = { ...this.definition, legs: this.definition.legs.filter((_, i) => !unreachable(i)), price: { kind: 'vwap' as const } };
    const resolution = resolveLegs(reachable, (exchange) => lists.get(exchange) ?? 'not configured');
    const issues = [...(resolution.ok ? [] : resolution.issues), ...(price.kind === 'leg' && this.definition.legs[price.leg] === undefined ? [`price: there is no leg ${price.leg + 1}`] : [])];
    if (!resolution.ok || issues.length > 0) throw new Error(`aggregate ${this.definition.name}: ${issues.join('; ')}`);
    const resolved = [...resolution.legs];
    // An unreachable leg counts as spot in the split; it adds nothing but its partial bars.
    this.legs = this.definition.legs.map((leg, i) => (unreachable(i) ? { ...leg, base: '', quote: '', contract: { segment: 'spot' }, tickSize: undefined, amountStep: undefined } : (resolved.shift() as ResolvedLeg)));
    const segments: Segment[] = this.legs.map((l) => (l.contract.segment === 'spot' ? 'spot' : 'perp'));
    for (const tf of this.opts.timeframes) this.series.set(tf, new AggregateSeries(tf, segments, this.definition.price, this.since));
    this.seriesList = [...this.series.values()];
    await this.seedHistory((i) => unreachable(i));
    if (this.disposed) return;
    this.consumer({ type: 'resolved', legs: this.legs });
    const log = this.opts.log ?? silentLogger;
    this.catchUps = this.legs.map(() => new LegCatchUp());
    this.openings = this.legs.map(() => new LegOpening());
    // From the feeds' start (the history seed before it may take its own wait): a leg still without data then is overdue.
    this.cancelFirstDataWait = (this.opts.schedule ?? systemTimers)(() => {
      this.cancelFirstDataWait = undefined;
      this.firstDataWaitOver = true;
      if (this.openingStates.some((o) => o !== undefined)) this.onChange();
    }, FIRST_DATA_WAIT_MS);
    this.feeds = this.legs.map((leg, i) =>
      unreachable(i)
        ? failedLeg(this.since, lists.get(leg.exchange) as string)
        : new LegFeed({
            source: this.source,
            market: { exchange: leg.exchange, symbol: leg.symbol },
            since: this.since,
            onTrades: (trades, late) => this.onTrades(i, trades, late),
            onChange: () => this.onChange(),
            backoff: this.opts.backoff ?? defaultBackoff,
            maxFillAttempts: this.opts.maxFillAttempts ?? 8,
            log,
            onLost: (hole) => this.opts.onLegLost?.(i, hole),
          }),
    );
    this.onChange();
  }

  /**
   * Each series' bars before `since` from the legs' klines, fetched side by side (before the legs' feeds start: their
   * first hole is filled from `since` anyway). A leg whose klines cannot be had in time leaves its bars partial. The
   * newest may lack trades the exchange made before `since` after it answered (its clock behind ours): fetched again
   * (SeedConfirmation) unless its answer held a bar from `since` on, which says it had passed `since`.
   */
  private async seedHistory(unreachable: (leg: number) => boolean): Promise<void> {
    const depth = this.opts.historyBars ?? 0;
    const fetch = this.source.candlesBetween?.bind(this.source);
    if (depth <= 0 || !fetch) return;
    const signal = AbortSignal.any([this.abort.signal, AbortSignal.timeout(this.opts.historyTimeoutMs ?? 15_000)]);
    const log = this.opts.log ?? silentLogger;
    await Promise.all(
      [...this.series].map(async ([tf, series]) => {
        const from = bucketStart(tf, this.since - depth * timeframeMs(tf));
        // A leg whose exchange gave a bar from `since` on had reached it: its klines before are final, none to confirm.
        const reached = this.legs.map(() => false);
        const legs = await Promise.all(
          this.legs.map(async (leg, i): Promise<LegKlines> => {
            if (unreachable(i)) return undefined;
            try {
              const onBarPastUntil = (): void => void (reached[i] = true);
              const candles = await fetch({ exchange: leg.exchange, symbol: leg.symbol }, tf, from, this.since, { signal, maxAttempts: 2, onBarPastUntil });
              return legKlinesOf(leg, candles, from, this.since);
            } catch (err) {
              if (!this.disposed) log.warn(`aggregate ${this.definition.name}: ${leg.exchange} ${leg.symbol} ${tf} history could not be loaded (${userMessage(err)}); its bars before ${new Date(this.since).toISOString()} are partial`);
              return undefined;
            }
          }),
        );
        series.seed(from, legs, reached.map((r) => !r));
      }),
    );
    const timeoutMs = this.opts.historyTimeoutMs ?? 15_000;
    this.confirmation = new SeedConfirmation({ name: this.definition.name, legs: this.legs, series: this.series, since: this.since, fetch, signal: this.abort.signal, timeoutMs, log, onConfirmed: () => this.flush() });
  }

  private onTrades(leg: number, trades: readonly Trade[], late: LateTies | undefined): void {
    const contract = (this.legs[leg] as ResolvedLeg).contract;
    const series = this.seriesList;
    const sink = this.opts.onLegTrades;
    const bases: number[] | undefined = sink ? new Array<number>(trades.length) : undefined;
    for (let i = 0; i < trades.length; i++) {
      const t = trades[i] as Trade;
      const base = baseAmount(contract, t.amount, t.price);
      if (bases) bases[i] = base;
      for (let k = 0; k < series.length; k++) (series[k] as AggregateSeries).add(leg, t, base, late);
    }
    if (sink && bases) sink(leg, trades, bases, late);
    this.flush();
  }

  private onChange(): void {
    if (this.disposed) return;
    // Every leg's state and holes are read again here: a fill answering changes no stream state, only the holes.
    this.shownStates = this.feeds.map((f, i) => this.catchUps[i]?.shown(f.state, f.coverage()) ?? f.state);
    this.openingStates = this.feeds.map((f, i) => this.openings[i]?.of(f.state, this.firstDataWaitOver));
    if (this.openings.every((o) => o.delivered)) {
      this.cancelFirstDataWait?.();
      this.cancelFirstDataWait = undefined;
    }
    const legs = this.legStatuses();
    this.consumer({ type: 'state', state: aggregateState(legs), legs });
    this.flush();
  }

  private flush(): void {
    if (this.disposed) return;
    if (this.series.size === 0) return;
    const coverage = this.coverage();
    this.confirmation?.check(coverage);
    // A failed leg's hole is no fill's to wait for: its bars close, partial, once the legs that run are past them.
    const bars = this.feeds.some((f) => f.barsCoverage) ? this.feeds.map((f, i) => f.barsCoverage?.() ?? (coverage[i] as LegCoverage)) : coverage;
    for (const [timeframe, s] of this.series) {
      const deltas = s.flush(bars);
      if (deltas.length > 0) this.consumer({ type: 'deltas', timeframe, deltas });
    }
  }
}

type LegRunner = Pick<LegFeed, 'coverage' | 'dispose' | 'state'> & {
  /** The coverage the bars close by, where it differs from `coverage` (which says what trades may still come late). */
  readonly barsCoverage?: () => LegCoverage;
};

/**
 * A leg that never runs: one hole from `since` on, so every bar says partial. Its trades are missing, not late (the
 * hole is not settled: an aggregate's footprint keeps its bars partial), but no bar waits for them: for the bars the
 * hole is settled and the leg covered to the end, or no bar would ever close (nor the old ones be let go).
 */
function failedLeg(since: number, reason: string): LegRunner {
  return {
    state: { status: 'failed', reason },
    coverage: () => ({ holes: [{ from: since, until: undefined, settled: false }], coveredUntil: undefined }),
    barsCoverage: () => ({ holes: [{ from: since, until: undefined, settled: true }], coveredUntil: Number.POSITIVE_INFINITY }),
    dispose: () => undefined,
  };
}
