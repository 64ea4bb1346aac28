/** The object the ticker and ticker_batch channels carry for one product now (ticker_batch leaves out best bid/ask). */
import { dayStats, type DayStats } from '../dayStats';
import { unitsToNumber } from '../decimal';
import type { Json } from '../json';
import type { SymbolMarket } from '../symbolMarket';
import { price, size } from './wire';

/** The ticker_batch channel's object: the ticker's fields without best bid / best ask; undefined before any trade. */
export function batchTickerJson(market: SymbolMarket, now: number): { [key: string]: Json } | undefined {
  const stats = dayStats(market.log, now);
  return stats === undefined ? undefined : statsJson(market, stats);
}

function statsJson({ spec }: SymbolMarket, stats: DayStats): { [key: string]: Json } {
  const range = stats.range;
  const change = stats.previous === 0 ? 0 : ((stats.last - stats.previous) / stats.previous) * 100;
  return {
    type: 'ticker',
    product_id: spec.id,
    price: price(spec, stats.last),
    volume_24_h: range === undefined ? '0' : size(spec, range.volume),
    low_24_h: price(spec, range?.low ?? stats.last),
    high_24_h: price(spec, range?.high ?? stats.last),
    low_52_w: price(spec, range?.low ?? stats.last),
    high_52_w: price(spec, range?.high ?? stats.last),
    price_percent_chg_24_h: change.toFixed(14),
  };
}

/** The ticker channel's object for a product now, with the numbers it carries (for the ground-truth log). */
export function tickerJson(market: SymbolMarket, now: number): { json: Json; bid: number; ask: number; last: number } | undefined {
  const { spec, book } = market;
  const stats = dayStats(market.log, now);
  const bid = book.bestBid();
  const ask = book.bestAsk();
  if (stats === undefined || bid === undefined || ask === undefined) return undefined;
  return {
    json: { ...statsJson(market, stats), best_bid: price(spec, bid[0]), best_bid_quantity: size(spec, bid[1]), best_ask: price(spec, ask[0]), best_ask_quantity: size(spec, ask[1]) },
    bid: unitsToNumber(bid[0], spec.pricePrecision),
    ask: unitsToNumber(ask[0], spec.pricePrecision),
    last: unitsToNumber(stats.last, spec.pricePrecision),
  };
}
