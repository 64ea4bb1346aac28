/**
 * A page of an aggregate's bars before the oldest it holds (its chart scrolled left): each leg's previous page of
 * klines (cache first, then REST, as a single market's chart pages) merged as the seed merges them. A leg that has no
 * more history, or whose page failed, leaves the buckets it lacks partial: the page is never silently short of a leg.
 */
import type { OlderBars, RequestContext } from '../history/historyService';
import type { CandleKey } from '../keys';
import { bucketStart, timeframeMs, type Timeframe } from '../timeframes';
import { silentLogger, userMessage, type Logger } from '../util/log';
import type { AggregateBar } from './aggregateBar';
import type { AggregatePrice } from './aggregateDefinition';
import { AggregateSeries, legKlinesOf, type LegKlines, type Segment } from './aggregateSeries';
import type { ResolvedLeg } from './legResolution';

export interface OlderBarsSource {
  olderBars(key: CandleKey, before: number, count: number, ctx?: RequestContext): Promise<OlderBars>;
}

export interface AggregateOlderPage {
  /** Oldest first; `history` (klines: no taker split), `partial` where a leg has no kline. */
  readonly bars: readonly AggregateBar[];
  /** No leg has any bar before `before`. */
  readonly exhausted: boolean;
  /** The legs that gave nothing for the page, and why ("no more history", or the error). */
  readonly short: ReadonlyArray<{ readonly leg: number; readonly reason: string }>;
}

/**
 * Up to `count` buckets of `timeframe` before `before` (a bar's start). Rejects only when every leg's page failed
 * (with the first error); a leg that failed while others answered is logged and its buckets are partial.
 */
export async function aggregateOlderBars(
  source: OlderBarsSource,
  aggregate: { readonly name: string; readonly legs: readonly ResolvedLeg[]; readonly price: AggregatePrice },
  timeframe: Timeframe,
  before: number,
  count: number,
  ctx: RequestContext = {},
  log: Logger = silentLogger,
): Promise<AggregateOlderPage> {
  let until = bucketStart(timeframe, before);
  // A page with no bar (every leg's newest older bars lie before it: a gap in them all) is skipped, a few times at
  // most: an empty answer that is not `exhausted` would have the chart ask for the same page again.
  for (let skipped = 0; ; skipped++) {
    const page = await onePage(source, aggregate, timeframe, until, count, ctx, log);
    if (page.bars.length > 0 || page.exhausted || skipped >= MAX_EMPTY_PAGES) return page;
    until -= count * timeframeMs(timeframe);
  }
}

const MAX_EMPTY_PAGES = 4;

async function onePage(
  source: OlderBarsSource,
  aggregate: { readonly name: string; readonly legs: readonly ResolvedLeg[]; readonly price: AggregatePrice },
  timeframe: Timeframe,
  until: number,
  count: number,
  ctx: RequestContext,
  log: Logger,
): Promise<AggregateOlderPage> {
  const from = until - count * timeframeMs(timeframe);
  const pages = await Promise.allSettled(aggregate.legs.map((leg) => source.olderBars({ exchange: leg.exchange, symbol: leg.symbol, timeframe }, until, count, ctx)));
  ctx.signal?.throwIfAborted();
  const short: Array<{ leg: number; reason: string }> = [];
  const klines: LegKlines[] = pages.map((page, i) => {
    const leg = aggregate.legs[i] as ResolvedLeg;
    if (page.status === 'rejected') {
      const reason = userMessage(page.reason);
      log.warn(`aggregate ${aggregate.name}: ${leg.exchange} ${leg.symbol} ${timeframe} bars before ${new Date(until).toISOString()} could not be loaded (${reason}); its buckets there are partial`);
      short.push({ leg: i, reason });
      return undefined;
    }
    const inPage = legKlinesOf(leg, page.value.candles, from, until);
    if (inPage.length === 0) short.push({ leg: i, reason: page.value.exhausted ? 'no more history' : 'no bars in the page' });
    return inPage;
  });
  const failed = pages.filter((p): p is PromiseRejectedResult => p.status === 'rejected');
  if (failed.length === pages.length) throw failed[0]?.reason;
  const exhausted = failed.length === 0 && pages.every((p) => p.status === 'fulfilled' && p.value.exhausted);
  if (exhausted) return { bars: [], exhausted, short };
  // A series whose live part starts at `until`, seeded with the page: the same merge, weights and partial marks as the seed's.
  const segments: Segment[] = aggregate.legs.map((l) => (l.contract.segment === 'spot' ? 'spot' : 'perp'));
  const series = new AggregateSeries(timeframe, segments, aggregate.price, until, count + 1);
  series.seed(from, klines);
  return { bars: series.bars(), exhausted: false, short };
}
