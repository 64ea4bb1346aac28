/**
 * /api/v3/klines of a replayed recording, consistent with the replay clock: a closed bucket with an official kline
 * is that kline; the bucket in progress, and every bucket of an interval without an official file, is built from
 * the trades up to now by Binance's rules. A bucket without trades is reported as Binance does: flat at the previous
 * close with volume 0. Buckets that open before the recorded period are left out (their trades are unknown).
 */
import { bucketOpens, bucketStart, flatKline, klineRow, nextBucketStart, tradesKline, type KlineQuery, type KlineRow, type KlineUnits } from '../klines';
import type { TradeLog } from '../tradeLog';
import type { OfficialKlineUnits, Recording } from './recording';

export class ReplayKlines {
  private readonly official = new Map<string, ReadonlyMap<number, OfficialKlineUnits>>();

  constructor(
    private readonly recording: Recording,
    /** The market's log: the recorded trades up to the replay clock. */
    private readonly log: TradeLog,
  ) {
    for (const interval of recording.officialIntervals) {
      const rows = recording.officialKlineUnits(interval) ?? [];
      this.official.set(interval, new Map(rows.map((k) => [k.openTime, k])));
    }
  }

  /** Klines whose open time lies in [startTime, endTime], like Binance (see buildKlines), as of `now`. */
  query(query: KlineQuery, now: number): KlineRow[] {
    const { interval, startTime, endTime, limit } = query;
    const start = this.recording.start;
    const first = bucketStart(interval, start) === start ? start : nextBucketStart(interval, bucketStart(interval, start));
    const last = bucketStart(interval, endTime === undefined ? now : Math.min(now, endTime));
    const rows: KlineRow[] = [];
    for (const open of bucketOpens(interval, first, last, startTime, limit)) {
      const kline = this.kline(interval, open, now);
      if (kline !== undefined) rows.push(klineRow(this.log.spec, interval, open, kline));
    }
    return rows;
  }

  private kline(interval: string, open: number, now: number): KlineUnits | undefined {
    const next = nextBucketStart(interval, open);
    const from = this.log.lowerBound(open);
    const to = this.log.lowerBound(next, from);
    const official = next <= now ? this.official.get(interval)?.get(open) : undefined;
    const traded = to > from ? tradesKline(this.log, from, to) : undefined;
    if (official !== undefined) {
      const extras = traded ?? { quote: 0n, count: 0, buyVolume: 0, buyQuote: 0n };
      return { ...extras, open: official.open, high: official.high, low: official.low, close: official.close, volume: official.volume };
    }
    if (traded !== undefined) return traded;
    return from === 0 ? undefined : flatKline(this.log, from - 1);
  }
}
