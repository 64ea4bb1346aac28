// Which of an exchange's kline timeframes open their bars off our bucket grid, learnt from the bars' own times.
import { isBucketStart, type Timeframe } from '../timeframes';
import type { Candle } from '../types';
import type { Logger } from '../util/log';

/**
 * Our buckets are the same on every exchange (weeks from Monday 00:00 UTC, calendar months, days from 00:00 UTC),
 * so that live trades, alerts, footprints and aggregates bucket a market as its history does. Some exchanges' klines
 * are on another grid: KuCoin's and Hyperliquid's weeks open on Thursday (the epoch's weekday), an exchange may count
 * a month as 30 days or a day from its own time zone. Taken as they are, such a bar sat beside the live bucket of the
 * same week (two bars for one week, the in-progress one taken as closed). No table of exchanges says which: the
 * first bar off the grid in an answer marks that timeframe of that exchange, and it is then built from a finer one.
 */
export class KlineGrids {
  private readonly offGrid = new Map<string, Set<Timeframe>>();

  constructor(private readonly log: Logger) {}

  /** The exchange's kline timeframes whose bars are on our grid, as far as its answers told (finest first, as given). */
  usable(exchange: string, served: readonly Timeframe[]): readonly Timeframe[] {
    const off = this.offGrid.get(exchange);
    return off ? served.filter((tf) => !off.has(tf)) : served;
  }

  /**
   * Whether every bar of an answer of `tf` klines opens one of our `tf` buckets; else `tf` is marked off the grid for
   * the exchange (told once, with the bar's time) and false.
   */
  onGrid(exchange: string, tf: Timeframe, bars: readonly Candle[]): boolean {
    const stray = bars.find((c) => !isBucketStart(tf, c.time));
    if (stray === undefined) return true;
    let off = this.offGrid.get(exchange);
    if (!off) this.offGrid.set(exchange, (off = new Set()));
    if (!off.has(tf)) {
      off.add(tf);
      this.log.info(`${exchange}: its ${tf} klines open off our ${tf} buckets (a bar at ${new Date(stray.time).toISOString()}); its ${tf} bars are built from a finer timeframe`);
    }
    return false;
  }
}
