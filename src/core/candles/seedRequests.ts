// What a candle factory's seed asks of REST: the exchange's capabilities and clock, each timeframe's bars, the seam's kline.
import type { HistoryService } from '../history/historyService';
import { describeMarket, type CandleKey, type MarketKey } from '../keys';
import { bucketStart, type Timeframe } from '../timeframes';
import type { Candle } from '../types';
import { errorMessage, type Logger } from '../util/log';
import { ladderRanges } from './seamPlan';
import { takeDiskBars, type SeedMode, type TimeframeState } from './timeframeState';

const MINUTE = 60_000;

/** One timeframe's REST bars for a seed (its own klines and the finer ladder), or why they cannot be rebuilt. */
export type SeedResult = { tf: Timeframe; mode: SeedMode; history: Candle[]; ladder: Candle[] } | { tf: Timeframe; mode: SeedMode; error: string };

/** What a seed learns of the exchange before it cuts a seam. */
export interface SeedCapabilities {
  /** The timeframes its klines serve. */
  readonly served: readonly Timeframe[];
  /** How many minutes its klines may lag its trades. */
  readonly lagMinutes: number;
  /** How far its clock is ahead of ours (the least it may be): the seam is a minute of its clock, as its trades' times are. */
  readonly aheadMs: number;
}

/** What the requests need of their candle factory. */
export interface SeedRequestsHost {
  readonly market: MarketKey;
  readonly log: Logger;
  readonly history: Pick<HistoryService, 'capabilities' | 'closedHistory' | 'candlesBetween'> & Partial<Pick<HistoryService, 'exchangeAheadOf'>>;
  /** The factory's timeframe `tf` now (a first seed takes the disk cache's bars read for its start). */
  timeframe(tf: Timeframe): TimeframeState | undefined;
}

/** A seed's REST requests; each rejects as its request does (the seed names the failure). */
export class SeedRequests {
  constructor(private readonly host: SeedRequestsHost) {}

  async capabilities(): Promise<SeedCapabilities> {
    const { history, market } = this.host;
    const caps = await history.capabilities(market.exchange);
    // The least it may be: a seam a minute past the exchange's would take its kline in progress for a closed one.
    const aheadMs = history.exchangeAheadOf ? await history.exchangeAheadOf(market.exchange, 'earliest') : 0;
    return { served: caps.klineTimeframes, lagMinutes: caps.klineLagMinutes, aheadMs };
  }

  async bars(tf: Timeframe, mode: SeedMode, seamMinute: number, served: readonly Timeframe[], signal: AbortSignal): Promise<SeedResult> {
    const { history, market } = this.host;
    const key: CandleKey = { ...market, timeframe: tf };
    const start = bucketStart(tf, seamMinute);
    const ranges = ladderRanges(tf, seamMinute, served);
    if (!ranges) return { tf, mode, error: `${tf} bars cannot be rebuilt exactly from this exchange's timeframes` };
    const [past, ...ladderParts]: [Candle[], ...Candle[][]] = await Promise.all([
      mode.kind === 'initial'
        ? history.closedHistory(key, start, mode.depth, { signal }, takeDiskBars(this.host.timeframe(tf), mode.depth))
        : history.candlesBetween(market, tf, bucketStart(tf, Math.min(mode.since, seamMinute)), start, { signal }),
      ...ranges.map((r) => history.candlesBetween(market, r.timeframe, r.from, r.until, { signal })),
    ]);
    return { tf, mode, history: past, ladder: ladderParts.flat() };
  }

  /**
   * The exchange's own 1m bar of the seam minute, in progress (it holds the trades up to about now), for the weaker
   * seam; undefined where 1m klines are not served or the request fails (then only live trades fill the minute).
   */
  async seamKline(seamMinute: number, served: readonly Timeframe[], signal: AbortSignal): Promise<Candle | undefined> {
    if (!served.includes('1m')) return undefined;
    try {
      const bars = await this.host.history.candlesBetween(this.host.market, '1m', seamMinute, seamMinute + MINUTE, { signal });
      return bars.find((b) => b.time === seamMinute);
    } catch (err) {
      this.host.log.debug(`${describeMarket(this.host.market)}: no in-progress kline for the seam: ${errorMessage(err)}`);
      return undefined;
    }
  }
}
