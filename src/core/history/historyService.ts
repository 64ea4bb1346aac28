import type { MarketDataClient } from '../exchange/marketDataClient';
import { DATE_RESOLUTION_MS } from '../exchange/exchangeClock';
import { describeCandles, type CandleKey, type MarketKey } from '../keys';
import { bucketStart, isBucketStart, nextBucketStart, timeframeMs, type Timeframe } from '../timeframes';
import type { Candle, Trade } from '../types';
import { Semaphore } from '../util/semaphore';
import { Emitter } from '../../shared/util/emitter';
import { errorMessage, type Logger } from '../util/log';
import type { CandleCache } from './candleCache';
import { mergeCandles } from './candleCache';
import { pageCandles } from './pageCandles';
import { tradesSince, type TradeFetch, type TradesReached, type TradesSince } from './seamTrades';
import { MAX_TRADE_ROUNDS, tradesUntil } from './tradesUntil';
import { buildableTimeframes, historyFloor, klineSource, type ExchangeCapabilities } from '../exchange/capabilities';
import { UnsupportedTimeframeError } from '../errors';
import { foldBars } from '../candles/seamPlan';
import { withEmptyPeriods } from '../candles/candleSeries';
import { systemClock, type Clock } from '../util/clock';
import { RestGate } from './restGate';
import { KlineGrids } from './klineGrids';
import { listedRows } from '../exchange/listedRows';
import { requestWithRetry, type RetryNotice, type RetryOptions } from './requestWithRetry';
import { backoffDelay, type BackoffPolicy } from '../streams/backoff';

const MINUTE = 60_000;

export interface HistoryServiceOptions {
  readonly clientFor: (exchange: string) => Promise<MarketDataClient>;
  readonly cache: CandleCache | undefined;
  /** Exchanges whose bars are never cached (replays: their bars are the recording's, rebuilt on each open). */
  readonly uncached?: (exchange: string) => boolean;
  readonly log: Logger;
  /** REST requests in flight at once, per exchange. */
  readonly concurrencyPerExchange: number;
  readonly backoff: BackoffPolicy;
  readonly rateLimitBackoff: BackoffPolicy;
  readonly maxAttempts: number;
  /** The longest Retry-After or REST pause a request sleeps through before failing (its caller retries later); 60 s. */
  readonly maxWaitMs?: number;
  /** A market's time (a replay's runs on its own): bounds `window` trade requests and older pages; the system's when omitted. */
  readonly clockOf?: (exchange: string) => Clock;
}

/** A page of older bars, and whether the exchange has none older. */
export interface OlderBars {
  readonly candles: readonly Candle[];
  readonly exhausted: boolean;
}

/** Per call: the consumer's signal, and a hook for its `retrying (n)` state. */
export interface RequestContext {
  readonly signal?: AbortSignal;
  readonly onRetry?: (notice: RetryNotice) => void;
  /** Overrides the service's attempts (the market load retries until the consumer leaves). */
  readonly maxAttempts?: number;
  /** REST trades paged forward or backward: after each page, how far every trade is in (for progress). */
  readonly onTradesPage?: (reached: TradesReached) => void;
  /** tradesBetween: the exchange's REST trades did not reach back to `from`; those in [from, until) may be missing (until infinite: it gave none, asked with no end). */
  readonly onMissing?: (from: number, until: number) => void;
  /** candlesBetween: the exchange gave a bar at or after `until` (left out), so it had reached that time when it answered. */
  readonly onBarPastUntil?: (time: number) => void;
  /** candlesBetween: a page listed a bar that could not be read (dropped, named in the log): its bucket is not an empty period. */
  readonly onUnreadBars?: () => void;
}

/** REST history for the candle factories: cache first, then a REST top-up, with per-exchange limits and retries. */
export class HistoryService {
  private readonly semaphores = new Map<string, Semaphore>();
  private readonly gates = new Map<string, RestGate>();
  private readonly writes = new Set<Promise<void>>();
  private readonly written = new Emitter<[key: CandleKey, bars: readonly Candle[]]>((err) => this.opts.log.error(`a cache-write listener threw: ${errorMessage(err)}`));
  private closed = false;
  private readonly grids: KlineGrids;

  constructor(private readonly opts: HistoryServiceOptions) {
    this.grids = new KlineGrids(opts.log);
  }

  /**
   * The newest `depth` closed bars before `until`, from the cache topped up over REST; the cache is updated before
   * this resolves. A request deeper than the cache fetches the older part it lacks, not only what came after the
   * cached bars. `cached`: the cache's bars of this key as read for this start (`cachedBars` with `depth`, at this or
   * an earlier `until`), so the file is not read again; what it gained since comes over REST like any newer bar.
   */
  async closedHistory(key: CandleKey, until: number, depth: number, ctx: RequestContext = {}, cached?: readonly Candle[]): Promise<Candle[]> {
    const { bars, fresh } = await this.gather(key, until, depth, ctx, cached);
    await this.persist(key, fresh);
    return bars;
  }

  /**
   * Scrolling left: at most `count` closed bars before `before`, oldest first, from the cache and REST. Answered
   * before the cache write of the REST part, which goes on behind it (`onCacheWritten` when done, a failure logged
   * naming the series; `close()` waits for it): the chart does not wait for a read-merge-write of the whole file.
   * Never past the bar in progress (a webview's `before` is untrusted), nor into the minutes the exchange's klines may
   * still lag its trades: a bar there may lack some, and the page is taken as whole. `exhausted` when the page holds
   * every bar from the exchange's history start on (or none at all): nothing older is listed.
   */
  async olderBars(key: CandleKey, before: number, count: number, ctx: RequestContext = {}): Promise<OlderBars> {
    const until = Math.min(before, await this.klinesWholeUntil(key));
    const { bars, fresh, fromStart } = await this.gather(key, until, count, ctx);
    this.persist(key, fresh).catch((err: unknown) => this.opts.log.warn(`${describeCandles(key)}: could not keep ${fresh.length} older bars in the cache: ${errorMessage(err)}`));
    return { candles: bars, exhausted: bars.length === 0 || fromStart };
  }

  /**
   * The newest `depth` closed bars before `until` (cached, topped up over REST), the REST part (`fresh`) the cache
   * lacks, and whether `bars` are all there are before `until` (the span reached the exchange's history start).
   */
  private async gather(key: CandleKey, until: number, depth: number, asked: RequestContext, read?: readonly Candle[]): Promise<{ bars: Candle[]; fresh: Candle[]; fromStart: boolean }> {
    const floor = historyFloor(key.timeframe, (await this.capabilities(key.exchange)).historyStart);
    const from = Math.max(floor, bucketStart(key.timeframe, until - depth * timeframeMs(key.timeframe)));
    const cached = read ? read.filter((c) => c.time < until) : await this.cachedBars(key, until, depth);
    const first = cached[0];
    const last = cached[cached.length - 1];
    // A bar the exchange listed and the boundary dropped leaves a gap that is not a quiet stretch: no flat bar is
    // cached for a gap of such an answer (it is asked again on the next read, as a span the cache never held).
    let unread = false;
    const ctx: RequestContext = {
      ...asked,
      onUnreadBars: () => {
        unread = true;
        asked.onUnreadBars?.();
      },
    };
    const older = first && first.time > from ? await this.candlesBetween(key, key.timeframe, from, first.time, ctx) : [];
    // The cache holds spans apart (sessions days apart, pages scrolled to): what lies between two is asked too, else
    // the page would skip it as if no time had passed. One request span from the first hole to the last.
    const hole = holesBetween(key.timeframe, cached);
    const between = hole ? await this.candlesBetween(key, key.timeframe, hole.from, hole.until, ctx) : [];
    const topUpFrom = last ? nextBucketStart(key.timeframe, last.time) : from;
    const newer = await this.candlesBetween(key, key.timeframe, topUpFrom, until, ctx);
    const got = [...older, ...between, ...newer];
    if (cached.length > 0) this.opts.log.debug(`${describeCandles(key)}: ${cached.length} bars from cache, ${got.length} from REST`);
    const all = mergeCandles(cached, got);
    // Kept with the empty periods REST answered between its bars (flat at the previous close, as Binance's klines have
    // them), so that a gap in the cache is a span it never held: a quiet stretch is not asked again on the next read.
    const cachedAt = new Set(cached.map((c) => c.time));
    // A bar the exchange's klines may still lack trades of (its lag) is answered, never cached: the cache's bars are
    // painted as whole by the next session.
    const wholeUntil = got.length === 0 ? -Infinity : await this.klinesWholeUntil(key);
    const fresh = got.length === 0 ? got : (unread ? got : withEmptyPeriods(key.timeframe, undefined, all)).filter((c) => !cachedAt.has(c.time) && c.time < wholeUntil);
    // A month is nominally 30 days: 1,000 of them from the floor may be a few more than `depth` bars.
    return { bars: all.slice(-depth), fresh, fromStart: from === floor && all.length <= depth };
  }

  /**
   * The start of the first bar the exchange's klines may not hold every trade of yet: the bar in progress, or an
   * earlier one that closed less than `klineLagMinutes` ago.
   */
  private async klinesWholeUntil(key: CandleKey): Promise<number> {
    const lagMs = (await this.capabilities(key.exchange)).klineLagMinutes * MINUTE;
    return bucketStart(key.timeframe, this.clockOf(key.exchange).now() - lagMs);
  }

  /** The cached closed bars of the `depth` buckets before `until` (none without a cache); no request is made. */
  async cachedBars(key: CandleKey, until: number, depth: number): Promise<Candle[]> {
    const from = bucketStart(key.timeframe, until - depth * timeframeMs(key.timeframe));
    const cache = this.cacheFor(key.exchange);
    if (!cache || !(await cache.mayHold(key, from, until))) return [];
    // Rows off the grid were an exchange's own klines cached before they were found off it (KuCoin's Thursday weeks).
    return ((await cache.loadFrom(key, from)) ?? []).filter((c) => c.time < until && isBucketStart(key.timeframe, c.time));
  }

  /** Persists bars that closed live, so the next start needs only a small top-up. */
  async persist(key: CandleKey, closed: readonly Candle[]): Promise<void> {
    const cache = this.cacheFor(key.exchange);
    if (closed.length === 0 || !cache || this.closed) return;
    const write = cache.merge(key, closed).then(() => this.written.fire(key, closed));
    this.writes.add(write);
    try {
      await write;
    } finally {
      this.writes.delete(write);
    }
  }

  /** Each cache write done (the key and the bars merged into it), so tests can wait for one instead of for quiet. */
  readonly onCacheWritten = this.written.event;

  /** Writes nothing more and resolves when no cache write is in flight, so no write outlives the hub. */
  async close(): Promise<void> {
    this.closed = true;
    while (this.writes.size > 0) await Promise.allSettled([...this.writes]);
  }

  /**
   * Closed and in-progress bars in [from, until), asked from the exchange's history start at the earliest. A timeframe the exchange does not serve is folded from the
   * coarsest served one that tiles it (4h from 2h on Coinbase), exactly as the exchange would have built it; so is one
   * whose klines open off our buckets (KuCoin's Thursday weeks: klineGrids.ts).
   */
  async candlesBetween(market: MarketKey, timeframe: Timeframe, since: number, until: number, ctx: RequestContext = {}): Promise<Candle[]> {
    if (since >= until) return [];
    const client = await this.opts.clientFor(market.exchange);
    const caps = await client.capabilities();
    const from = Math.max(since, historyFloor(timeframe, caps.historyStart));
    if (from >= until) return [];
    const retry = this.retryOptions(market.exchange, ctx);
    // Klines off our bucket grid (KuCoin's Thursday weeks) are asked once, then built from a finer timeframe.
    for (;;) {
      const usable = this.grids.usable(market.exchange, caps.klineTimeframes);
      const source = klineSource(timeframe, usable);
      if (source === undefined) throw new UnsupportedTimeframeError(timeframe, buildableTimeframes(usable));
      const what = `fetch ${source} candles ${market.exchange} ${market.symbol}`;
      const bars = await pageCandles(
        async (since, limit) => {
          const page = await requestWithRetry(what, () => client.fetchCandles(market.symbol, source, since, limit), retry);
          if (listedRows(page) > page.length) ctx.onUnreadBars?.();
          return page;
        },
        source,
        from,
        until,
        caps.maxCandlesPerPage,
        this.opts.log,
        caps.candlePagesAreWindows,
        ctx.onBarPastUntil,
      );
      if (this.grids.onGrid(market.exchange, source, bars)) return source === timeframe ? bars : foldBars(timeframe, bars);
    }
  }

  /**
   * Every REST trade from `from` on, paged as the exchange allows (see TradePaging), and whether that is every
   * trade since `from`: where it is not, the caller falls back to a weaker seam instead of failing.
   */
  async tradesSince(market: MarketKey, from: number, ctx: RequestContext = {}): Promise<TradesSince> {
    const client = await this.opts.clientFor(market.exchange);
    const caps = await client.capabilities();
    const retry = this.retryOptions(market.exchange, ctx);
    const what = `fetch trades ${market.exchange} ${market.symbol}`;
    const fetch: TradeFetch = (since, limit, until) => requestWithRetry(what, () => client.fetchTrades(market.symbol, since, limit, until), retry);
    // The exchange's now, not ours: a window ending at our clock's now, behind the exchange's, leaves out its newest trades.
    const now = this.exchangeNow(market.exchange, client);
    const got = await tradesSince(fetch, { paging: caps.tradePaging, limit: caps.maxTradesPerPage, windowMs: caps.tradeWindowMs }, from, now, ctx.onTradesPage);
    const missing = client.missingTrades?.(market.symbol, from, now) ?? [];
    return missing.length > 0 ? { ...got, complete: false, missing } : got;
  }

  /**
   * The REST trades in [from, until) the exchange gives (all of them where it pages by time; else the newest);
   * `until` undefined: every trade it gives from `from` on (a recorder's hole with no end yet: a cut at our clock's
   * guess of the exchange's now would leave out the trades stamped after it, which the socket will not send again).
   */
  async tradesBetween(market: MarketKey, from: number, upTo: number | undefined, ctx: RequestContext = {}): Promise<Trade[]> {
    const until = upTo ?? Number.POSITIVE_INFINITY;
    if (from >= until) return [];
    const got = await tradesUntil((since) => this.tradesSince(market, since, ctx), from, until);
    if (got.stoppedAt !== undefined) {
      const why = got.stoppedBecause === 'incomplete' ? 'a later request of pages was not whole' : `more than ${MAX_TRADE_ROUNDS} requests of pages`;
      throw new Error(`fetch trades ${market.exchange} ${market.symbol}: ${why} to reach ${upTo === undefined ? 'the newest' : new Date(upTo).toISOString()} (stopped at ${new Date(got.stoppedAt).toISOString()})`);
    }
    const trades = got.trades.filter((t) => t.timestamp < until);
    // Said, not silent: an exchange that gives only its newest trades (Bybit's 1,000), or more in one second than a
    // window holds (Coinbase), leaves the start of a long span out; what came is still of use.
    if (!got.complete) {
      const reached = trades[0]?.timestamp ?? until;
      this.opts.log.warn(`fetch trades ${market.exchange} ${market.symbol}: the exchange's REST trades do not reach back to ${new Date(from).toISOString()}; the trades between it and ${Number.isFinite(reached) ? new Date(reached).toISOString() : 'now'} may be missing`);
      ctx.onMissing?.(from, reached);
    }
    return trades;
  }

  async capabilities(exchange: string): Promise<ExchangeCapabilities> {
    return (await this.opts.clientFor(exchange)).capabilities();
  }

  /** One REST call to `exchange` (other than history: loading its markets) under the same limits, pause and retries. */
  request<T>(exchange: string, what: string, call: () => Promise<T>, ctx: RequestContext = {}): Promise<T> {
    return requestWithRetry(what, call, this.retryOptions(exchange, ctx));
  }

  /** The exchange's time (see exchangeNow below), its client made if it is not yet. */
  async exchangeNowOf(exchange: string): Promise<number> {
    return this.exchangeNow(exchange, await this.opts.clientFor(exchange));
  }

  /**
   * How far the exchange's clock is ahead of ours, as its answers tell it (0 before any): at most (`latest`, a bound
   * for what it may send) or at least (`earliest`, a minute it has surely reached: its Date header names the second).
   */
  async exchangeAheadOf(exchange: string, bound: 'latest' | 'earliest'): Promise<number> {
    const ahead = (await this.opts.clientFor(exchange)).serverClockAheadMs?.() ?? 0;
    return bound === 'latest' ? ahead : Math.max(0, ahead - DATE_RESOLUTION_MS);
  }

  /** The exchange's time: our clock (a replay's own), plus how far the exchange's answers say its clock is ahead. */
  private exchangeNow(exchange: string, client: MarketDataClient): number {
    return this.clockOf(exchange).now() + (client.serverClockAheadMs?.() ?? 0);
  }

  private clockOf(exchange: string): Clock {
    return this.opts.clockOf?.(exchange) ?? systemClock;
  }

  /** The exchange's REST pause, shared by every request to it. */
  gateFor(exchange: string): RestGate {
    let gate = this.gates.get(exchange);
    if (!gate) this.gates.set(exchange, (gate = new RestGate(exchange)));
    return gate;
  }

  /**
   * A request made outside ccxt (a chart's first bars) was rate limited: every request to the exchange waits for the
   * server's Retry-After, or the rate-limit backoff's first step without one, as after one of ccxt's.
   */
  pauseAfterRateLimit(exchange: string, retryAfterMs: number | undefined): void {
    this.gateFor(exchange).pauseUntil(Date.now() + (retryAfterMs ?? backoffDelay(this.opts.rateLimitBackoff, 1)));
  }

  private cacheFor(exchange: string): CandleCache | undefined {
    return this.opts.uncached?.(exchange) ? undefined : this.opts.cache;
  }

  private retryOptions(exchange: string, ctx: RequestContext): RetryOptions {
    let semaphore = this.semaphores.get(exchange);
    if (!semaphore) this.semaphores.set(exchange, (semaphore = new Semaphore(this.opts.concurrencyPerExchange)));
    return {
      semaphore,
      gate: this.gateFor(exchange),
      backoff: this.opts.backoff,
      rateLimitBackoff: this.opts.rateLimitBackoff,
      maxAttempts: ctx.maxAttempts ?? this.opts.maxAttempts,
      maxWaitMs: this.opts.maxWaitMs ?? 60_000,
      log: this.opts.log,
      ...(ctx.signal ? { signal: ctx.signal } : {}),
      ...(ctx.onRetry ? { onRetry: ctx.onRetry } : {}),
    };
  }
}

/** The span from the first to the last gap between consecutive bars (buckets none of them holds), if any. */
function holesBetween(tf: Timeframe, bars: readonly Candle[]): { from: number; until: number } | undefined {
  let from: number | undefined;
  let until: number | undefined;
  for (let i = 1; i < bars.length; i++) {
    const after = nextBucketStart(tf, (bars[i - 1] as Candle).time);
    const next = (bars[i] as Candle).time;
    if (next <= after) continue;
    from ??= after;
    until = next;
  }
  return from === undefined || until === undefined ? undefined : { from, until };
}
