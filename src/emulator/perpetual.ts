/**
 * What a perpetual contract adds to a market: an index price (the mean of the last trades, standing in for the
 * spot index), a mark price (the book's mid kept within 0.1 % of the index), a funding rate (premium + interest,
 * capped), funding at the exchange's interval, a seeded open interest that moves every minute, and liquidations that come with a
 * share of the market's own trades. Everything is derived from the seed, the trade log and the book, so it is
 * ground truth the tests can ask for.
 */
import { toUnits, unitsToNumber } from './decimal';
import type { DerivativesSnapshot } from './protocol';
import { deriveRandom, hashString, type Random } from './prng';
import type { SymbolMarket } from './symbolMarket';
import type { EmulatorLiquidation, LiquidationInput } from './types';

/** An exchange's funding rules: the cap on the rate either way, and the interval between fundings. */
export interface FundingRules {
  readonly cap: number;
  readonly intervalMs: number;
}

const INDEX_TRADES = 32;
const MARK_BAND = 0.001;
const INTEREST = 0.0001;
const MINUTE = 60_000;
const MAX_LIQUIDATIONS = 100_000;

export class Perpetual {
  private liquidationLog: EmulatorLiquidation[] = [];
  private readonly random: Random;
  private readonly phases: readonly [number, number];
  /** Open interest around which the seeded one moves, in contracts. */
  private readonly baseOpenInterest: number;
  /** Liquidations [0, sent) have been pushed (or skipped while nobody listened). */
  sent = 0;

  constructor(
    private readonly market: SymbolMarket,
    seed: number,
    private readonly perTrade: number,
    private readonly funding: FundingRules,
  ) {
    this.random = deriveRandom(seed, market.spec.symbol, 'liquidations');
    const h = hashString(`${seed}|${market.spec.symbol}|open-interest`);
    this.phases = [(h % 1000) / 159, ((h >>> 10) % 1000) / 159];
    this.baseOpenInterest = 3e9 / market.spec.startPrice;
  }

  get liquidations(): readonly EmulatorLiquidation[] {
    return this.liquidationLog;
  }

  /** Draws whether the generated trade at `index` came with a liquidation (of the position its taker closed). */
  afterGeneratedTrade(index: number): void {
    if (this.perTrade <= 0 || this.random() >= this.perTrade) return;
    const trade = this.market.log.at(index);
    const { amountPrecision: ap } = this.market.spec;
    const amount = unitsToNumber(Math.max(1, toUnits(trade.amount * (1 + 4 * this.random()), ap)), ap);
    this.append({ timestamp: trade.timestamp, side: trade.side === 'sell' ? 'buy' : 'sell', price: trade.price, amount });
  }

  /** Validates and appends scripted liquidations (prices and sizes rounded to tick and step); all or nothing. */
  inject(inputs: readonly LiquidationInput[], now: number): EmulatorLiquidation[] {
    const { pricePrecision: pp, amountPrecision: ap, symbol } = this.market.spec;
    let last = this.liquidationLog.at(-1)?.timestamp ?? -Infinity;
    const prepared = inputs.map((input, i) => {
      const where = `${symbol} liquidation #${i}`;
      if (input.side !== 'buy' && input.side !== 'sell') throw new Error(`${where}: side must be 'buy' (a long was liquidated) or 'sell'`);
      for (const [name, value] of [['price', input.price], ['amount', input.amount]] as const) {
        if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw new Error(`${where}: ${name} must be a positive number`);
      }
      const price = unitsToNumber(toUnits(input.price, pp), pp);
      const amount = unitsToNumber(toUnits(input.amount, ap), ap);
      if (price <= 0 || amount <= 0) throw new Error(`${where}: price and amount must be at least one tick / step`);
      let timestamp: number;
      if (input.timestamp === undefined) timestamp = Math.max(now, last + 1);
      else if (!Number.isSafeInteger(input.timestamp) || input.timestamp <= last) throw new Error(`${where}: timestamp must be an integer after the previous liquidation's (${last})`);
      else timestamp = input.timestamp;
      last = timestamp;
      return { timestamp, side: input.side, price, amount };
    });
    for (const l of prepared) this.append(l);
    return prepared;
  }

  snapshot(at: number): DerivativesSnapshot {
    const { spec, log, book } = this.market;
    const pp = spec.pricePrecision;
    const n = Math.min(INDEX_TRADES, log.length);
    let sum = 0;
    for (let i = log.length - n; i < log.length; i++) sum += log.priceUnitsAt(i);
    const index = n === 0 ? toUnits(spec.startPrice, pp) : Math.round(sum / n);
    const bid = book.bestBid()?.[0] ?? index;
    const ask = book.bestAsk()?.[0] ?? index;
    const mark = Math.round(Math.min(index * (1 + MARK_BAND), Math.max(index * (1 - MARK_BAND), (bid + ask) / 2)));
    const premium = (mark - index) / index;
    const fundingRate = Number(Math.min(this.funding.cap, Math.max(-this.funding.cap, premium + INTEREST)).toFixed(6));
    return {
      timestamp: at,
      markPrice: unitsToNumber(mark, pp),
      indexPrice: unitsToNumber(index, pp),
      fundingRate,
      nextFundingTime: (Math.floor(at / this.funding.intervalMs) + 1) * this.funding.intervalMs,
      openInterest: this.openInterestAt(at),
    };
  }

  /** The open interest during the minute containing `at`, in contracts (base units), on the quantity step. */
  openInterestAt(at: number): number {
    const k = Math.floor(at / MINUTE);
    const f = 1 + 0.08 * Math.sin(k / 97 + this.phases[0]) + 0.02 * Math.sin(k / 13 + this.phases[1]);
    const ap = this.market.spec.amountPrecision;
    return unitsToNumber(toUnits(this.baseOpenInterest * f, ap), ap);
  }

  private append(liquidation: EmulatorLiquidation): void {
    if (this.liquidationLog.length >= MAX_LIQUIDATIONS) {
      const drop = MAX_LIQUIDATIONS / 2;
      this.liquidationLog = this.liquidationLog.slice(drop);
      this.sent = Math.max(0, this.sent - drop);
    }
    this.liquidationLog.push(Object.freeze(liquidation));
  }
}
