/** Bybit v5 wire formats: prices at the instrument's price scale, sizes at its quantity step, the response envelope. */
import { formatUnits, trimmedUnits } from '../decimal';
import type { Json } from '../json';
import { hashString } from '../prng';
import type { SymbolSpec } from '../symbols';

export const price = (spec: SymbolSpec, units: number | bigint): string => formatUnits(units, spec.pricePrecision, spec.pricePrecision);
export const qty = (spec: SymbolSpec, units: number | bigint): string => formatUnits(units, spec.amountPrecision, spec.amountPrecision);
/** A quote-currency amount (turnover): price units × quantity units, without trailing zeros. */
export const turnover = (spec: SymbolSpec, units: bigint): string => trimmedUnits(units, spec.pricePrecision + spec.amountPrecision);

/** The kline intervals of /v5/market/kline and the emulator's bucket interval for each. */
export const KLINE_INTERVALS: Readonly<Record<string, string>> = {
  '1': '1m',
  '3': '3m',
  '5': '5m',
  '15': '15m',
  '30': '30m',
  '60': '1h',
  '120': '2h',
  '240': '4h',
  '360': '6h',
  '720': '12h',
  D: '1d',
  W: '1w',
  M: '1M',
};

/** Open-interest history intervals (intervalTime) in ms. */
export const OI_INTERVALS: Readonly<Record<string, number>> = { '5min': 300_000, '15min': 900_000, '30min': 1_800_000, '1h': 3_600_000, '4h': 14_400_000, '1d': 86_400_000 };

/** Every answer: {retCode, retMsg, result, retExtInfo, time}, HTTP 200 even for errors. */
export function envelope(result: Json, now: number, retCode = 0, retMsg = 'OK'): Json {
  return { retCode, retMsg, result, retExtInfo: {}, time: now };
}

/** A linear contract's trade id: UUID-shaped, unique per trade (its last group is the log id in hex). */
export function tradeId(spec: SymbolSpec, id: number): string {
  const a = hashString(`${spec.id}|${id}`).toString(16).padStart(8, '0');
  const b = hashString(`${id}|${spec.id}`).toString(16).padStart(8, '0');
  return `${a}-${b.slice(0, 4)}-5${b.slice(4, 7)}-a${a.slice(0, 3)}-${id.toString(16).padStart(12, '0')}`;
}

/** A computed decimal as Bybit writes one: fixed digits, then trailing zeros trimmed ("0.0001", "-0.000212"). */
export function rate(value: number, digits: number): string {
  const text = value.toFixed(digits);
  return text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
}
