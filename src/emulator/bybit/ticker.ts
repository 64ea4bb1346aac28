/** A Bybit linear perpetual's ticker fields (REST /v5/market/tickers and the tickers.{symbol} topic). */
import { dayStats } from '../dayStats';
import { unitsToNumber } from '../decimal';
import type { SymbolMarket } from '../symbolMarket';
import type { EmulatorTicker } from '../types';
import { FUNDING_CAP, FUNDING_INTERVAL_MIN } from './instruments';
import type { Perpetual } from '../perpetual';
import { price, qty, rate, turnover } from './wire';

const HOUR = 3_600_000;

/** Tick direction of the last trade against the one before (and the move before that, for equal prices). */
function tickDirection(market: SymbolMarket): string {
  const { log } = market;
  for (let i = log.length - 1; i > 0; i--) {
    const move = log.priceUnitsAt(i) - log.priceUnitsAt(i - 1);
    if (move !== 0) {
      const zero = i !== log.length - 1;
      return move > 0 ? (zero ? 'ZeroPlusTick' : 'PlusTick') : zero ? 'ZeroMinusTick' : 'MinusTick';
    }
  }
  return 'ZeroPlusTick';
}

/** The ticker now: its wire fields, and the numbers the ground-truth log keeps of it. */
export function tickerFields(market: SymbolMarket, perpetual: Perpetual, now: number): { fields: Record<string, string>; truth: EmulatorTicker } | undefined {
  const { spec, log, book } = market;
  const stats = dayStats(log, now);
  const bid = book.bestBid();
  const ask = book.bestAsk();
  if (stats === undefined || bid === undefined || ask === undefined) return undefined;
  const d = perpetual.snapshot(now);
  const hourAgo = log.upperBound(now - HOUR);
  const prev1h = hourAgo > 0 ? log.priceUnitsAt(hourAgo - 1) : stats.previous;
  const range = stats.range;
  const pp = spec.pricePrecision;
  const fields: Record<string, string> = {
    symbol: spec.id,
    tickDirection: tickDirection(market),
    price24hPcnt: rate(stats.previous === 0 ? 0 : (stats.last - stats.previous) / stats.previous, 6),
    lastPrice: price(spec, stats.last),
    prevPrice24h: price(spec, stats.previous),
    highPrice24h: price(spec, range?.high ?? stats.last),
    lowPrice24h: price(spec, range?.low ?? stats.last),
    prevPrice1h: price(spec, prev1h),
    markPrice: d.markPrice.toFixed(pp),
    indexPrice: d.indexPrice.toFixed(pp),
    openInterest: d.openInterest.toFixed(spec.amountPrecision),
    openInterestValue: (d.openInterest * d.markPrice).toFixed(2),
    turnover24h: range === undefined ? '0' : turnover(spec, range.quote),
    volume24h: range === undefined ? '0' : qty(spec, range.volume),
    fundingIntervalHour: String(FUNDING_INTERVAL_MIN / 60),
    fundingCap: String(FUNDING_CAP),
    nextFundingTime: String(d.nextFundingTime),
    fundingRate: rate(d.fundingRate, 6),
    bid1Price: price(spec, bid[0]),
    bid1Size: qty(spec, bid[1]),
    ask1Price: price(spec, ask[0]),
    ask1Size: qty(spec, ask[1]),
    preOpenPrice: '',
    preQty: '',
    curPreListingPhase: '',
  };
  const truth: EmulatorTicker = {
    timestamp: now,
    bid: unitsToNumber(bid[0], pp),
    ask: unitsToNumber(ask[0], pp),
    last: unitsToNumber(stats.last, pp),
    markPrice: d.markPrice,
    indexPrice: d.indexPrice,
    fundingRate: d.fundingRate,
    nextFundingTime: d.nextFundingTime,
    openInterest: d.openInterest,
  };
  return { fields, truth };
}
