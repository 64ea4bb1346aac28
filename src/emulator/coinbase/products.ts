/** Coinbase product objects (the public products endpoints) and the v2 currency lists ccxt's loadMarkets reads. */
import { formatUnits } from '../decimal';
import { dayStats } from '../dayStats';
import type { Json } from '../json';
import type { SymbolMarket } from '../symbolMarket';
import type { SymbolSpec } from '../symbols';
import { price, size } from './wire';

const NAMES: Readonly<Record<string, string>> = { BTC: 'Bitcoin', ETH: 'Ethereum', SOL: 'Solana', USD: 'US Dollar', USDT: 'Tether', USDC: 'USDC', EUR: 'Euro', GBP: 'British Pound' };

export const FIAT = ['USD', 'EUR', 'GBP'] as const;

export const currencyName = (code: string): string => NAMES[code] ?? code;

/** The -USDC products Coinbase streams as themselves: every other one "returns the same data as the matching -USD product". */
const OWN_USDC_BOOKS: readonly string[] = ['USDT-USDC', 'EURC-USDC'];

/** Whether a product id is listed (a spot product of this emulator). */
export type IsListed = (id: string) => boolean;

/**
 * The -USD product a -USDC spot product is an alias of (BTC-USDC → BTC-USD), when both are listed. Coinbase merged
 * the USD and USDC books: "-USDC product IDs other than USDT-USDC and EURC-USDC return the same data as the matching
 * -USD product" (docs.cdp.coinbase.com/coinbase-app/advanced-trade-apis/websocket/websocket-endpoints; the channels
 * page: "Other channels will return the same data as the corresponding -USD based products"), and the products list
 * says so: BTC-USD has `alias_to: ["BTC-USDC"]`, BTC-USDC `alias: "BTC-USD"`.
 */
export function usdAliasOf(spec: SymbolSpec, isListed: IsListed): string | undefined {
  if (spec.contract !== undefined || spec.quote !== 'USDC' || OWN_USDC_BOOKS.includes(spec.id)) return undefined;
  const usd = `${spec.base}-USD`;
  return isListed(usd) ? usd : undefined;
}

/** The -USDC products that are aliases of this -USD one (the reverse of usdAliasOf). */
export function aliasesTo(spec: SymbolSpec, isListed: IsListed): string[] {
  if (spec.contract !== undefined || spec.quote !== 'USD') return [];
  const usdc = `${spec.base}-USDC`;
  return !OWN_USDC_BOOKS.includes(usdc) && isListed(usdc) ? [usdc] : [];
}

/**
 * One product as GET /api/v3/brokerage/market/products lists it; `market` (when live) gives the price and 24 h
 * figures. A halted product is online but cancel-only with trading disabled; a delisted one has status "delisted".
 */
export function productJson(spec: SymbolSpec, market: SymbolMarket | undefined, now: number, isListed: IsListed = () => false): Json {
  const stats = market === undefined ? undefined : dayStats(market.log, now);
  const lastUnits = stats?.last;
  const change = stats === undefined || stats.previous === 0 ? 0 : ((stats.last - stats.previous) / stats.previous) * 100;
  const tick = formatUnits(1, spec.pricePrecision, spec.pricePrecision);
  const step = formatUnits(1, spec.amountPrecision, spec.amountPrecision);
  const contract = spec.contract;
  const product = {
    product_id: spec.id,
    price: lastUnits === undefined ? String(spec.startPrice) : price(spec, lastUnits),
    price_percentage_change_24h: change.toFixed(14),
    volume_24h: stats?.range === undefined ? '0' : size(spec, stats.range.volume),
    volume_percentage_change_24h: '0',
    base_increment: step,
    quote_increment: tick,
    quote_min_size: '1',
    quote_max_size: '150000000',
    base_min_size: step,
    base_max_size: '1000000',
    base_name: currencyName(spec.base),
    quote_name: currencyName(spec.quote),
    watched: false,
    is_disabled: spec.status === 'delisted',
    new: false,
    status: spec.status === 'delisted' ? 'delisted' : 'online',
    cancel_only: spec.status === 'halted',
    limit_only: false,
    post_only: false,
    trading_disabled: spec.status === 'halted' || spec.status === 'delisted',
    auction_mode: false,
    product_type: 'SPOT',
    quote_currency_id: spec.quote,
    base_currency_id: spec.base,
    fcm_trading_session_details: null,
    mid_market_price: '',
    alias: usdAliasOf(spec, isListed) ?? '',
    alias_to: aliasesTo(spec, isListed),
    base_display_symbol: spec.base,
    quote_display_symbol: spec.quote,
    view_only: false,
    price_increment: tick,
    display_name: `${spec.base}-${spec.quote}`,
    product_venue: 'CBE',
  };
  if (!contract) return product;
  // A future (Advanced Trade's FCM products): sizes count contracts, the base is named only in its details.
  const expiry = new Date(contract.expiry);
  const display = `${spec.base} ${String(expiry.getUTCDate()).padStart(2, '0')} ${expiry.toLocaleString('en', { month: 'short', timeZone: 'UTC' }).toUpperCase()} ${String(expiry.getUTCFullYear() % 100).padStart(2, '0')}`;
  return {
    ...product,
    base_name: '',
    base_currency_id: '',
    base_display_symbol: '',
    quote_min_size: '0',
    status: '',
    product_type: 'FUTURE',
    product_venue: 'FCM',
    display_name: display,
    future_product_details: {
      venue: 'cde',
      contract_code: contract.code,
      contract_expiry: expiry.toISOString().replace('.000Z', 'Z'),
      contract_size: String(contract.size),
      contract_root_unit: spec.base,
      group_description: contract.group,
      contract_expiry_timezone: 'Europe/London',
      group_short_description: contract.group.replace(/ Futures$/, ''),
      risk_managed_by: 'MANAGED_BY_FCM',
      contract_expiry_type: 'EXPIRING',
      contract_display_name: display,
    },
  };
}

/** GET /v2/currencies: the fiat currencies. */
export function fiatCurrencies(): Json {
  return { data: FIAT.map((id) => ({ id, name: currencyName(id), min_size: '0.01' })) };
}

/** GET /v2/currencies/crypto: the crypto assets of the listed products. */
export function cryptoCurrencies(specs: Iterable<SymbolSpec>): Json {
  const codes = new Set<string>();
  for (const spec of specs) for (const code of [spec.base, spec.quote]) if (!(FIAT as readonly string[]).includes(code)) codes.add(code);
  return {
    data: [...codes].sort().map((code, i) => ({
      asset_id: assetId(code),
      code,
      name: currencyName(code),
      color: '#0052FF',
      sort_index: String(i + 1),
      exponent: '8',
      type: 'crypto',
      address_regex: '^(?:0x)?[0-9a-fA-F]{40}$',
    })),
  };
}

/** GET /v2/exchange-rates: units of each currency per USD, from the listed products' start prices. */
export function exchangeRates(specs: Iterable<SymbolSpec>): Json {
  const rates: Record<string, string> = { USD: '1', EUR: '0.92', GBP: '0.79' };
  for (const spec of specs) if (spec.quote === 'USD' || spec.quote === 'USDT' || spec.quote === 'USDC') rates[spec.base] ??= (1 / spec.startPrice).toPrecision(8);
  return { data: { currency: 'USD', rates } };
}

/** A stable, UUID-shaped asset id for a currency code. */
function assetId(code: string): string {
  const hex = Buffer.from(code.padEnd(16, '-')).toString('hex').slice(0, 32);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
