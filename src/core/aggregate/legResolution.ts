/** An aggregate's legs checked against their exchanges' markets: one base, equivalent quotes, amounts convertible to base units. */
import { baseAmountStep, type ContractSpec } from '../exchange/contractSpec';
import type { MarketInfo } from '../exchange/marketDataClient';
import { userMessage } from '../util/log';
import type { AggregateDefinition, AggregateLeg } from './aggregateDefinition';

export interface ResolvedLeg extends AggregateLeg {
  readonly base: string;
  readonly quote: string;
  readonly contract: ContractSpec;
  /** The market's price increment, when known. */
  readonly tickSize: number | undefined;
  /** The market's lot step in base units, when known (an inverse contract's has none: its base size moves with the price). */
  readonly amountStep: number | undefined;
}

export type LegResolution = { readonly ok: true; readonly legs: readonly ResolvedLeg[] } | { readonly ok: false; readonly issues: readonly string[] };

/** Quotes the user may declare one currency (`usdtIsUsd`). */
const USD_LIKE: ReadonlySet<string> = new Set(['USD', 'USDT']);

/** The currency a quote counts as in this aggregate. */
export function quoteClass(quote: string, usdtIsUsd: boolean): string {
  return usdtIsUsd && USD_LIKE.has(quote) ? 'USD' : quote;
}

/**
 * Each leg's market (its exchange's list from `marketsOf`), or every issue found, each naming its leg. All legs must
 * share the base and, after `usdtIsUsd`, the quote; a contract's size must be known; no two legs may be one book under
 * two names (Coinbase's BTC/USDC is BTC/USD's book, `MarketInfo.aliasOf`): every trade would count twice.
 */
export function resolveLegs(def: AggregateDefinition, marketsOf: (exchange: string) => readonly MarketInfo[] | string): LegResolution {
  const issues: string[] = [];
  const legs: ResolvedLeg[] = [];
  /** The legs resolved so far by their book (`exchange` and the market whose book it is). */
  const books = new Map<string, { readonly index: number; readonly leg: AggregateLeg; readonly market: MarketInfo }>();
  def.legs.forEach((leg, i) => {
    const where = `leg ${i + 1} (${leg.exchange} ${leg.symbol})`;
    const markets = marketsOf(leg.exchange);
    if (typeof markets === 'string') return void issues.push(`${where}: ${markets}`);
    const market = markets.find((m) => m.symbol === leg.symbol);
    if (!market) return void issues.push(`${where}: ${leg.exchange} has no market ${leg.symbol}`);
    const book = `${leg.exchange}\u0000${market.aliasOf ?? market.symbol}`;
    const same = books.get(book);
    if (same) return void issues.push(`${where}: ${sameBook(same, market)}`);
    books.set(book, { index: i, leg, market });
    const contract = market.contract ?? { segment: 'spot' as const };
    if (typeof contract === 'string') return void issues.push(`${where}: ${contract}`);
    legs.push({ ...leg, base: market.base, quote: market.quote, contract, tickSize: market.tickSize, amountStep: baseAmountStep(market.amountStep, contract) });
  });
  const first = legs[0];
  if (first) {
    for (const leg of legs) {
      const where = `${leg.exchange} ${leg.symbol}`;
      if (leg.base !== first.base) issues.push(`${where}: base ${leg.base} is not ${first.base} (${first.exchange} ${first.symbol})`);
      else if (quoteClass(leg.quote, def.usdtIsUsd) !== quoteClass(first.quote, def.usdtIsUsd)) {
        const hint = USD_LIKE.has(leg.quote) && USD_LIKE.has(first.quote) ? ' (set usdtIsUsd to count USDT as USD)' : '';
        issues.push(`${where}: quote ${leg.quote} is not ${first.quote} (${first.exchange} ${first.symbol})${hint}`);
      }
    }
  }
  if (def.price.kind === 'leg' && def.legs[def.price.leg] === undefined) issues.push(`price: there is no leg ${def.price.leg + 1}`);
  return issues.length > 0 ? { ok: false, issues } : { ok: true, legs };
}

/**
 * Why a leg is the same as an earlier one: "the same order book as leg 1 (coinbase BTC/USD): coinbase lists BTC/USDC as
 * another name of BTC/USD, so every trade would count twice; keep one of them".
 */
function sameBook(first: { readonly index: number; readonly leg: AggregateLeg; readonly market: MarketInfo }, market: MarketInfo): string {
  const earlier = `leg ${first.index + 1} (${first.leg.exchange} ${first.leg.symbol})`;
  const alias = market.aliasOf !== undefined ? market : first.market;
  if (alias.aliasOf === undefined) return `the same market as ${earlier}`;
  return `the same order book as ${earlier}: ${first.leg.exchange} lists ${alias.symbol} as another name of ${alias.aliasOf}, so every trade would count twice; keep one of them`;
}

/** The markets of each exchange the legs are on, loaded side by side, or why an exchange's cannot be had. */
export async function legMarketLists(markets: (exchange: string) => Promise<readonly MarketInfo[]>, legs: readonly AggregateLeg[]): Promise<Map<string, readonly MarketInfo[] | string>> {
  const lists = new Map<string, readonly MarketInfo[] | string>();
  await Promise.all(
    [...new Set(legs.map((l) => l.exchange))].map(async (exchange) => {
      try {
        lists.set(exchange, await markets(exchange));
      } catch (err) {
        lists.set(exchange, `cannot load its markets (${userMessage(err)})`);
      }
    }),
  );
  return lists;
}
