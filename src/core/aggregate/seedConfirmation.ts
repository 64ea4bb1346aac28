/**
 * An aggregate's seeded bars confirmed: each leg's newest klines fetched again once the leg has traded past the
 * aggregate's start, so the trades an exchange made before that start after the seed's request (our clock ahead of
 * its) are in them (see AggregateSeries.seed).
 */
import type { RequestContext } from '../history/historyService';
import type { MarketKey } from '../keys';
import type { Timeframe } from '../timeframes';
import type { Candle } from '../types';
import { errorMessage, userMessage, type Logger } from '../util/log';
import { legKlinesOf, type AggregateSeries, type LegCoverage, type LegKlines } from './aggregateSeries';
import type { ResolvedLeg } from './legResolution';

export interface SeedConfirmationOptions {
  readonly name: string;
  readonly legs: readonly ResolvedLeg[];
  readonly series: ReadonlyMap<Timeframe, AggregateSeries>;
  /** The aggregate's start: live bars from here on. */
  readonly since: number;
  readonly fetch: (market: MarketKey, timeframe: Timeframe, from: number, until: number, ctx: RequestContext) => Promise<Candle[]>;
  /** The aggregate's: its dispose aborts the requests. */
  readonly signal: AbortSignal;
  /** How long the requests may take before the bars they were for are left partial. */
  readonly timeoutMs: number;
  readonly log: Logger;
  /** The series were given their klines again (or told which could not be had). */
  readonly onConfirmed: () => void;
}

/** Built once the series are seeded; `check` runs with every flush of the aggregate. */
export class SeedConfirmation {
  /** The legs some series waits for (none once the requests started). */
  private waiting: number[];

  constructor(private readonly opts: SeedConfirmationOptions) {
    const series = [...opts.series.values()];
    this.waiting = opts.legs.map((_, i) => i).filter((i) => series.some((s) => s.seedEdge(i) !== undefined));
  }

  /** Starts the requests, once, when every leg waited for has been seen at or past `since`. */
  check(coverage: readonly LegCoverage[]): void {
    if (this.waiting.length === 0) return;
    for (const i of this.waiting) {
      const seen = coverage[i]?.coveredUntil;
      if (seen === undefined || seen < this.opts.since) return;
    }
    this.waiting = [];
    // A bug here must not become an unhandled rejection: said, the bars stay partial.
    this.confirm().catch((err: unknown) => this.opts.log.error(`aggregate ${this.opts.name}: confirming its history failed: ${errorMessage(err)}`));
  }

  private async confirm(): Promise<void> {
    const { legs, series, since, fetch, log, name } = this.opts;
    const disposed = this.opts.signal;
    const signal = AbortSignal.any([disposed, AbortSignal.timeout(this.opts.timeoutMs)]);
    await Promise.all(
      [...series].map(async ([tf, s]) => {
        const klines = await Promise.all(
          legs.map(async (leg, i): Promise<LegKlines> => {
            const edge = s.seedEdge(i);
            if (edge === undefined) return undefined;
            try {
              return legKlinesOf(leg, await fetch({ exchange: leg.exchange, symbol: leg.symbol }, tf, edge, since, { signal, maxAttempts: 2 }), edge, since);
            } catch (err) {
              if (!disposed.aborted) log.warn(`aggregate ${name}: ${leg.exchange} ${leg.symbol} ${tf} bars before ${new Date(since).toISOString()} could not be loaded again (${userMessage(err)}); they stay partial`);
              return undefined;
            }
          }),
        );
        if (!disposed.aborted) s.confirmSeed(klines);
      }),
    );
    if (!disposed.aborted) this.opts.onConfirmed();
  }
}
