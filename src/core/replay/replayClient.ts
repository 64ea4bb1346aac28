/** A replayed market as an exchange: the MarketDataClient the hub's streams and history use, served from the recording. */
import { CandleSeries } from '../candles/candleSeries';
import { UnsupportedStreamError } from '../errors';
import type { ExchangeCapabilities } from '../exchange/capabilities';
import type { MarketDataClient, MarketInfo } from '../exchange/marketDataClient';
import type { StreamKind } from '../keys';
import type { RecordSource } from '../record/recordSource';
import type { TradeColumns } from '../record/tradeColumns';
import { tradeHoles } from '../record/recordTypes';
import { nextBucketStart, TIMEFRAMES, timeframeMs, type Timeframe } from '../timeframes';
import type { Candle, Liquidation, MarketTicker, MissingTrades, OrderBook, Ticker, Trade } from '../types';
import { assertNever } from '../util/assertNever';
import type { Logger } from '../util/log';
import { markHoles } from './holeBars';
import { SkippedHoleGaps } from './skippedHoleGaps';
import type { ReplaySession } from './replaySession';

const PAGE = 1000;

/**
 * Streams come from the session as its clock releases them; REST history is the recording before the clock's
 * position (candles built from the recorded trades, every timeframe), so nothing after the replay's now leaks into
 * its past. One market: the recorded one.
 */
export class ReplayClient implements MarketDataClient {
  readonly exchangeId: string;

  constructor(
    readonly session: ReplaySession,
    private readonly source: RecordSource,
    private readonly market: { readonly exchange: string; readonly symbol: string },
    private readonly log: Logger,
  ) {
    this.exchangeId = session.id;
  }

  async loadMarkets(): Promise<readonly MarketInfo[]> {
    const [base = this.market.symbol, quote = ''] = this.market.symbol.split(/[/:]/);
    return [{ symbol: this.market.symbol, base, quote, active: true, tickSize: this.session.tickSize }];
  }

  async capabilities(): Promise<ExchangeCapabilities> {
    // Pages are time windows of the recording: a quiet stretch is an empty page, not the end. Where the recording
    // begins is the chart's to know (its historyFrom): the windows only have to stay after the epoch.
    return { klineTimeframes: TIMEFRAMES, maxCandlesPerPage: PAGE, candlePagesAreWindows: true, tradePaging: 'forward', maxTradesPerPage: PAGE, watchTickers: false, klineLagMinutes: 0, tradeWindowMs: undefined, historyStart: 0 };
  }

  async supportedTimeframes(): Promise<readonly Timeframe[]> {
    return TIMEFRAMES;
  }

  /**
   * The bars of the window [since, since + limit bars) built from the trades recorded before the replay's now; a bar
   * a hole of the recording touches is partial (its trades may be missing), not a quiet market; none is made inside a
   * hole playback jumps over (SKIP_HOLES_LONGER_THAN_MS): the chart shows a gap there, as the replay's "skipped" says.
   */
  async fetchCandles(_symbol: string, timeframe: Timeframe, since: number, limit: number): Promise<Candle[]> {
    const until = Math.min(since + limit * timeframeMs(timeframe), this.session.now() + 1);
    const series = new CandleSeries(timeframe, Number.MAX_SAFE_INTEGER);
    // Only trade holes: a book or ticker hole leaves the bars whole (the replayed book and ticker say theirs).
    const holes = tradeHoles(await this.source.holes(this.market, since, until, (m) => this.log.warn(m)));
    // Holes playback jumps over stay gaps: no bar is made inside them (see SkippedHoleGaps).
    const bars = holes.length === 0 ? series : new SkippedHoleGaps(series, holes);
    for await (const trades of this.recordedTrades(since, until)) {
      const { timestamp, price, amount } = trades;
      for (let i = 0; i < trades.length; i++) bars.applyTrade(timestamp[i] as number, price[i] as number, amount[i] as number);
    }
    const made = series.snapshot();
    return made.length === 0 || holes.length === 0 ? made : markHoles(made, (time) => nextBucketStart(timeframe, time), holes);
  }

  /** Recorded trades from `since` (the replay's start when undefined) up to the replay's now, oldest first. */
  async fetchTrades(_symbol: string, since: number | undefined, limit: number, until?: number): Promise<Trade[]> {
    const end = Math.min(until ?? Number.POSITIVE_INFINITY, this.session.now()) + 1;
    const out: Trade[] = [];
    for await (const trades of this.recordedTrades(since ?? this.session.start, end)) {
      for (const t of trades.trades(0, limit - out.length)) out.push(t);
      if (out.length >= limit) break;
    }
    return out;
  }

  missingTrades(_symbol: string, from: number, until: number): readonly MissingTrades[] {
    return this.session.tradeHolesWithin(from, until).map((h) => ({ from: h.from, until: h.until, reason: `the recording lacks them: ${h.reason}` }));
  }

  watchTrades(): Promise<Trade[]> {
    return this.session.trades.take();
  }

  async watchOrderBook(_symbol: string, depth: number): Promise<OrderBook> {
    const book = await this.session.book.take();
    return book.bids.length <= depth && book.asks.length <= depth ? book : { timestamp: book.timestamp, bids: book.bids.slice(0, depth), asks: book.asks.slice(0, depth) };
  }

  watchTicker(): Promise<Ticker> {
    return this.session.ticker.take();
  }

  watchTickers(): Promise<MarketTicker[]> {
    return Promise.reject(new UnsupportedStreamError(this.exchangeId, 'multi-symbol ticker stream (a replay is one market)'));
  }

  watchLiquidations(): Promise<Liquidation[]> {
    return Promise.reject(new UnsupportedStreamError(this.exchangeId, 'liquidation stream (a replay holds trades, book and ticker)'));
  }

  async stopWatching(kind: StreamKind): Promise<void> {
    switch (kind) {
      case 'trades':
        return this.session.trades.close();
      case 'orderbook':
        return this.session.book.close();
      case 'ticker':
        return this.session.ticker.close();
      case 'tickers':
      case 'liquidations':
        return;
      default:
        assertNever(kind);
    }
  }

  async close(): Promise<void> {
    for (const m of [this.session.trades, this.session.book, this.session.ticker]) m.close();
  }

  /** The recorded trades in [from, until), a day's columns at a time (no await per trade). */
  private async *recordedTrades(from: number, until: number): AsyncGenerator<TradeColumns> {
    const onProblem = (m: string) => this.log.warn(m);
    for await (const day of this.source.readDays({ market: this.market, from, until, kinds: ['trades'], onProblem })) yield day.trades;
  }
}
