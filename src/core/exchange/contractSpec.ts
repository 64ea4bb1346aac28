/** What a derivatives market's amounts mean, read from ccxt's unified market (contract, linear/inverse, contractSize). */

/**
 * A market's segment and how its trade amounts turn into base units:
 * - `spot`: amounts are base units;
 * - `linear`: amounts are contracts of `contractSize` base units (Bybit BTC/USDT:USDT: 1 BTC; OKX BTC-USDT-SWAP: 0.01 BTC);
 * - `inverse`: amounts are contracts worth `contractSize` quote units (BitMEX XBTUSD: 1 USD), so a contract is
 *   `contractSize / price` base units at its trade's price.
 */
export type ContractSpec =
  | { readonly segment: 'spot' }
  | { readonly segment: 'perp' | 'future'; readonly settlement: 'linear' | 'inverse'; readonly contractSize: number };

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The contract spec of one ccxt market, or a string naming what is wrong. A market that is not a contract is spot
 * (options and other kinds included: callers that need a segment refuse them by `kind`).
 */
export function contractSpecOf(raw: unknown): ContractSpec | string {
  if (!isRecord(raw)) return 'market is not an object';
  let f: { contract: unknown; swap: unknown; future: unknown; option: unknown; linear: unknown; inverse: unknown; contractSize: unknown };
  try {
    f = { contract: raw.contract, swap: raw.swap, future: raw.future, option: raw.option, linear: raw.linear, inverse: raw.inverse, contractSize: raw.contractSize };
  } catch {
    return 'market cannot be read';
  }
  if (f.contract !== true) return { segment: 'spot' };
  if (f.option === true) return 'options are not supported';
  const segment = f.swap === true ? 'perp' : f.future === true ? 'future' : undefined;
  if (!segment) return 'contract is neither a swap nor a future';
  const settlement = f.inverse === true ? 'inverse' : f.linear === true ? 'linear' : undefined;
  if (!settlement) return 'contract is neither linear nor inverse';
  const size = f.contractSize;
  if (typeof size !== 'number' || !Number.isFinite(size) || size <= 0) return `contract size ${JSON.stringify(size) ?? String(size)} is not a positive number`;
  return { segment, settlement, contractSize: size };
}

/** Base units of `amount` contracts (or base units, spot) traded at `price`. */
export function baseAmount(spec: ContractSpec, amount: number, price: number): number {
  if (spec.segment === 'spot') return amount;
  return spec.settlement === 'linear' ? amount * spec.contractSize : (amount * spec.contractSize) / price;
}

/**
 * Exchanges whose ccxt OHLCV volume of a contract market is in base units, though their trades' amounts are contracts
 * (ccxt's parseOHLCV: Binance's inverse klines give the base asset volume, Bybit's inverse the turnover, OKX's
 * derivatives volCcy).
 */
const KLINE_VOLUME_IN_BASE: ReadonlySet<string> = new Set(['binance', 'binanceusdm', 'binancecoinm', 'bybit', 'bybiteu', 'bybitid', 'okx', 'myokx', 'okxus']);

/**
 * A kline's `volume` as ccxt gives it, in the unit of the market's trade amounts (contracts of a contract market), so
 * a bar from REST and one built from trades count alike: an OKX BTC/USDT:USDT chart read its REST bars in BTC and its
 * live ones in contracts of 0.01 BTC, 100× apart at the seam. An inverse kline's base volume becomes contracts at its
 * close (its trades' own prices are not in a kline).
 */
export function klineVolumeInTradeUnits(exchange: string, spec: ContractSpec, volume: number, close: number): number {
  if (spec.segment === 'spot' || !KLINE_VOLUME_IN_BASE.has(exchange)) return volume;
  return spec.settlement === 'linear' ? volume / spec.contractSize : (volume * close) / spec.contractSize;
}

/**
 * A lot step (`amountStep`: base units, or contracts) in base units, where one exists: an inverse contract's base
 * amount follows the price, so it has none; neither has a contract that cannot be read.
 */
export function baseAmountStep(amountStep: number | undefined, contract: ContractSpec | string | undefined): number | undefined {
  if (amountStep === undefined || typeof contract === 'string') return undefined;
  if (contract === undefined || contract.segment === 'spot') return amountStep;
  return contract.settlement === 'linear' ? amountStep * contract.contractSize : undefined;
}
